"""Events of one article: who did what to whom, where and when, coded in PLOVER.

English: a pass over spaCy's dependency parse finds trigger verbs and
nouns from the lexicon in ``plover.py``, then reads each trigger's actors off
the tree (subject → source, object or prepositional object → target; the
agent of a passive is the source), its mode from auxiliaries, negation,
control verbs and "if" clauses, its place from a located place mention in
the sentence and its date from a time expression attached to it. Russian:
the same reading of natasha's UD parse, simpler (see the end of the file).
Other languages: no events.

Everything reuses the caller's parsed Doc, mentions and time expressions
when given; the work is one pass per sentence plus a walk of each trigger's
own subtree, so it stays a few percent of parsing time.

Which event is the sentence's "top" one (for one-event-per-sentence scoring):
the highest ``confidence``, which falls with the trigger's depth below the
sentence root, so the governing event wins ("refused to meet" → REJECT,
"welcomed the talks" → SUPPORT).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import gazetteer, plover, russian
from . import nlp as models
from .mentions import Mention, find_mentions
from .timex import TimeExpression, find_timexes


@dataclass(frozen=True)
class Actor:
    text: str
    start: int
    end: int
    name: str | None = None  # canonical person / organisation / place it names, when known
    country: str | None = None  # ISO alpha-2 the actor stands for


@dataclass(frozen=True)
class EventMention:
    type: str  # PLOVER type
    mode: str  # occurred | planned | negated | hypothetical
    trigger: str
    trigger_start: int
    trigger_end: int
    source: Actor | None
    target: Actor | None
    place: str | None
    date: TimeExpression | None
    sentence: int
    sentence_text: str
    confidence: float
    others: tuple[Actor, ...] = field(default=())  # further actors of a reciprocal or compound event
    actors_inferred: bool = False  # the actors were taken from an earlier sentence (see _borrow_actors)


# ---------------------------------------------------------------- public API


def find_events(text: str, lang: str = "en", doc=None, mentions: list[Mention] | None = None,
                timexes: list[TimeExpression] | None = None,
                anchor: dt.date | None = None) -> list[EventMention]:
    """Events in ``text``; pass the Doc, mentions and time expressions already computed to save time
    (the Doc is spaCy's for English, natasha's from ``russian.parse`` for Russian)."""
    lang = (lang or "en").lower()[:2]
    if not text.strip() or lang not in ("en", "ru"):
        return []  # other languages: no parser here
    if lang == "ru":
        shared = doc if russian.is_parse(doc, text) else None
        if mentions is None:
            mentions = find_mentions(text, lang, doc=shared)
        if timexes is None:
            timexes = find_timexes(text, anchor, lang)
        open_: set[int] = set()
        sents = shared.sents if shared is not None else list(russian.models().segmenter.sentenize(text))
        found = _russian_events(text, mentions, timexes, open_, sents, shared is not None)
        if not found:
            return found
        spans = [(c.start, c.stop) for c in sents]
        return _borrow_actors(text, found, spans, mentions, open_)
    if doc is None:
        doc = parse(text)
    if mentions is None:
        mentions = find_mentions(text, lang, doc)
    if timexes is None:
        timexes = find_timexes(text, anchor, lang)
    ctx = _Context(text, doc, mentions, timexes)
    out: list[EventMention] = []
    spans = []
    for n, sent in enumerate(doc.sents):
        spans.append((sent.start_char, sent.end_char))
        out.extend(_sentence_events(ctx, sent, n))
    return _borrow_actors(text, out, spans, mentions, ctx.open)


def parse(text: str):
    """The English parse, one line at a time: a headline or photo credit without a full stop
    must not run into the next sentence ("Putin and Aliyev Agree to Meet\nRussian President ...")."""
    from spacy.tokens import Doc

    lines = text.splitlines(keepends=True) or [text]
    docs = list(models.english().pipe(lines))
    return Doc.from_docs(docs, ensure_whitespace=False) if len(docs) > 1 else docs[0]


def top_event(events: list[EventMention]) -> EventMention | None:
    """The governing event of a sentence: highest confidence, earliest on ties."""
    return max(events, key=lambda e: (e.confidence, -e.trigger_start), default=None)


# ---------------------------------------------------------------- context


class _Context:
    """Per-document lookups built once: which mention covers a character, timexes by position."""

    def __init__(self, text: str, doc, mentions: list[Mention], timexes: list[TimeExpression]):
        self.text = text
        self.doc = doc
        self.mention_at: dict[int, Mention] = {}
        for m in mentions:
            for tok in doc.char_span(m.start, m.end, alignment_mode="expand") or ():
                self.mention_at.setdefault(tok.i, m)
        self.timexes = [t for t in timexes if t.type in ("DATE", "TIME") and t.value]
        # A person's country, once known from a title anywhere in the article ("President of
        # Kazakhstan Kassym-Jomart Tokayev"), holds for later bare mentions ("Tokayev").
        self.person_country: dict[str, str] = {}
        self.open: set[int] = set()  # trigger starts whose actors may be named in an earlier sentence
        for m in mentions:
            if m.label == "PER" and m.country:
                self.person_country.setdefault(m.canonical or m.text, m.country)
                self.person_country.setdefault(m.text, m.country)


@dataclass
class _Trigger:
    token: object  # the spaCy token
    type: str
    verbal: bool
    anchor: object  # the token whose clause decides mode and subject (a light verb for "held talks")
    end: int  # character end of the trigger text


# ---------------------------------------------------------------- triggers


def _sentence_events(ctx: _Context, sent, n: int) -> list[EventMention]:
    triggers = _triggers(sent)
    if not triggers:
        return []
    events = []
    for trig in triggers.values():
        events.extend(_build(ctx, sent, n, trig, triggers))
    return _with_intents(events, triggers)


def _triggers(sent) -> dict[int, _Trigger]:
    found: dict[int, _Trigger] = {}
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
            kind = _verb_type(tok)
            if kind:
                found[tok.i] = _Trigger(tok, kind, True, tok, _trigger_end(tok))
        elif tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "compound":
            kind = _noun_type(tok)
            if kind:
                found[tok.i] = _Trigger(tok, kind, False, tok, tok.idx + len(tok.text))
    _merge_light_verbs(found)
    _add_obligations(sent, found)
    for i, trig in list(found.items()):
        head = trig.token.head
        if head.dep_ == "prep" and head.lower_ == "of":
            head = head.head
        if not trig.verbal and head.i in found and head.i != i and found[head.i].type == trig.type:
            del found[i]  # "signed a treaty", "the signing of a treaty": one event
    return found


def _lemma(tok) -> str:
    lemma = tok.lemma_.lower()
    return plover.LEMMA_FIXES.get(lemma, lemma)


def _verb_type(tok) -> str | None:
    lemma = _lemma(tok)
    for child in tok.children:
        if child.dep_ in ("prt", "prep", "dobj"):
            kind = plover.PHRASAL.get((lemma, child.lower_))
            if kind:
                return kind
        if child.dep_ == "prep":  # "put on alert", "went on strike"
            for g in child.children:
                if g.dep_ == "pobj" and (kind := plover.PHRASAL.get((lemma, g.lower_))):
                    return kind
    if lemma in plover.LIGHT:
        return None  # its object decides (handled by _merge_light_verbs)
    if lemma == "strike" and any(c.dep_ == "dobj" for c in tok.children):
        return "ASSAULT"  # "missiles struck the city"; without an object it is a walkout
    if lemma == "fire" and not any(c.dep_ in ("dobj", "prep") for c in tok.children):
        return None
    if lemma == "fail" and not _has_xcomp(tok):
        return None  # "failed" alone is not a refusal
    return plover.VERBS.get(lemma)


def _has_xcomp(tok) -> bool:
    return any(c.dep_ == "xcomp" for c in tok.children)


def _trigger_end(tok) -> int:
    end = tok.idx + len(tok.text)
    for child in tok.children:
        if child.dep_ == "prt" and child.i == tok.i + 1:
            end = child.idx + len(child.text)
    return end


def _noun_type(tok) -> str | None:
    word = tok.lower_
    lemma = tok.lemma_.lower()
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
    for mod in mods:
        kind = plover.NOUN_MODIFIED.get((word, mod))
        if kind:
            return kind
    key = word if word in plover.NOUNS else lemma
    kind = plover.NOUNS.get(key)
    if kind is None:
        return None
    need = plover.NEED_MODIFIER.get(key)
    if need is not None and not (mods & need):
        # needs a modifier or a verb that makes it an event ("held contacts", "gave support")
        head = tok.head
        if not (tok.dep_ == "dobj" and head.lemma_.lower() in plover.LIGHT | {"provide", "give", "send", "offer"}):
            return None
    return kind


def _add_obligations(sent, found: dict[int, _Trigger]) -> None:
    """"X said (that) Y must do Z" is a demand by X on Y (CAMEO 10), whatever Z is."""
    for tok in sent:
        if tok.dep_ != "ccomp" or not any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in tok.children):
            continue
        head = tok.head
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        # only when someone is obliged: "the talks should take place" demands nothing of anyone
        if not subj or not (subj[0].pos_ == "PROPN" or _is_agentive(subj[0]) or _country_word(subj[0].text)):
            continue
        if _lemma(head) in plover.SAYING and head.i not in found:
            found[head.i] = _Trigger(head, "DEMAND", True, head, head.idx + len(head.text))


def _merge_light_verbs(found: dict[int, _Trigger]) -> None:
    """A light verb lends its clause to its object ("held talks", "paid a visit"), and a verb
    that undoes its object makes a new type ("lifted the curfew" → CONCEDE)."""
    for trig in list(found.values()):
        tok = trig.token
        if trig.verbal or tok.dep_ not in ("dobj", "nsubjpass", "attr"):
            continue
        verb = tok.head
        lemma = _lemma(verb)
        if lemma in plover.LIGHT or (lemma in plover.CAUSATIVE and tok.dep_ == "dobj"):
            found.pop(verb.i, None)
            trig.anchor = verb
            trig.type = plover.LIGHT_TYPE.get((lemma, trig.type), trig.type)
        elif lemma in plover.UNDO and tok.dep_ == "dobj" and verb.pos_ == "VERB":
            kind = "CONCEDE" if trig.type in plover.HOSTILE else "SANCTION"
            found[verb.i] = _Trigger(verb, kind, True, verb, _trigger_end(verb))
            del found[tok.i]
        elif tok.dep_ == "dobj" and verb.i not in found and verb.pos_ == "VERB" and lemma not in plover.REPORTING:
            # "NATO would tighten the blockade": the verb's subject does the noun's event
            trig.anchor = verb


# ---------------------------------------------------------------- one event


def _build(ctx: _Context, sent, n: int, trig: _Trigger, triggers: dict[int, _Trigger]) -> list[EventMention]:
    tok = trig.token
    source, target, others = _actors(ctx, trig)
    mode = _mode(trig, triggers)
    kind = trig.type
    depth = _depth(trig.anchor, sent)
    confidence = round(max(0.2, (0.9 if trig.verbal or trig.anchor.i != tok.i else 0.75) - 0.12 * depth
                           + (0.05 if source else 0) + (0.03 if target else 0)), 3)
    start = (trig.anchor.idx if trig.anchor.i != tok.i and trig.anchor.i < tok.i else tok.idx)
    end = max(trig.end, tok.idx + len(tok.text))
    if not trig.verbal or _subject_points_back(trig.anchor, kind):
        ctx.open.add(start)
    return [EventMention(
        type=kind, mode=mode, trigger=ctx.text[start:end], trigger_start=start, trigger_end=end,
        source=source, target=target, place=_place(ctx, sent, trig, source, target),
        date=_date(ctx, sent, trig, triggers), sentence=n, sentence_text=sent.text,
        confidence=confidence, others=others)]


def _depth(tok, sent) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 20:
        # reporting verbs and clause glue do not make an event subordinate
        if tok.dep_ not in ("ccomp", "conj") or tok.head.lemma_ not in ("say", "announce", "state", "tell", "report", "claim", "declare", "confirm"):
            depth += 1
        tok = tok.head
    return depth


def _subject_points_back(verb, kind: str) -> bool:
    """A verb whose subject only points back: "they spoke", "the two leaders met", "the attack killed"."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return bool(subj) and all(s.lower_ in _PRONOUNS or s.lower_ in _ANAPHORIC or plover.NOUNS.get(s.lower_) == kind
                              for s in subj)


# ---------------------------------------------------------------- mode


def _mode(trig: _Trigger, triggers: dict[int, _Trigger]) -> str:
    tok = trig.anchor
    if not trig.verbal and trig.anchor.i == trig.token.i:
        if any(c.lower_ in plover.PLANNED_MODIFIERS for c in tok.children if c.dep_ in ("amod", "compound")):
            return "planned"
        head = tok.head
        # "a meeting should take place", "talks will be held"
        if tok.dep_ in ("nsubj", "nsubjpass") and head.lemma_ in ("take", "be", "hold", "happen", "occur"):
            tok = head
        elif tok.dep_ == "dobj" and head.lemma_ in plover.PLAN_VERBS:
            return "planned"  # "offered assistance", "proposed talks"
        else:
            return "occurred"
    if trig.type not in ("THREATEN", "DEMAND") and _conditional(tok):
        return "hypothetical"  # "Baku will sign if Yerevan gives consent": the signing hangs on the condition
    return _clause_mode(tok)


def _conditional(verb) -> bool:
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
               for c in verb.children)


def _clause_mode(tok) -> str:
    """The mode of a verb's clause, climbing through control verbs ("agreed to hold")."""
    mode = "occurred"
    seen = 0
    while seen < 6:
        seen += 1
        kids = list(tok.children)
        if any(c.dep_ == "neg" for c in kids):
            return "negated"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in kids):
            return "hypothetical"
        if any(c.dep_ == "aux" and c.lower_ in plover.MODALS_PLANNED for c in kids) and mode == "occurred":
            mode = "planned"
        if tok.dep_ == "xcomp" or (tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in kids)):
            head = tok.head
            lemma = head.lemma_.lower()
            if lemma in plover.NEG_VERBS:
                return "negated"
            if lemma in plover.PLAN_VERBS or lemma in plover.ASK_VERBS or head.lower_ in ("able", "ready", "prepared", "willing"):
                mode = "planned"
            tok = head
            continue
        if tok.dep_ in ("advcl",) and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return "hypothetical"
        break
    return mode


# ---------------------------------------------------------------- actors

_PRONOUNS = frozenset("he she they it we i you who which that this these those its their his her".split())
_TARGET_PREPS = ("with", "to", "against", "on", "into", "at", "in", "from", "for", "over", "toward", "towards")
_SPAN_DROP = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep", "det", "case"})


def _actors(ctx: _Context, trig: _Trigger) -> tuple[Actor | None, Actor | None, tuple[Actor, ...]]:
    tok, anchor = trig.token, trig.anchor
    subj_heads, obj_heads = _verb_roles(anchor, skip=tok.i)
    if not trig.verbal:
        n_src, n_tgt, between = _noun_roles(tok, trig.type)
        if between:
            actors = [a for a in (_actor(ctx, h) for h in between) if a]
            if actors:
                # "talks between A and B": both sides; the light verb's subject joins them
                lead = [a for a in (_actor(ctx, h) for h in subj_heads) if a]
                everyone = lead + actors
                return everyone[0], everyone[1] if len(everyone) > 1 else None, tuple(everyone[2:])
        subj_heads = subj_heads or n_src
        obj_heads = n_tgt + obj_heads if anchor.i != tok.i else n_tgt
    if trig.type in ("PROTEST", "DISAPPROVE") and not obj_heads:
        obj_heads = _protested(anchor)
    if trig.type in ("CONSULT", "AGREE", "COOPERATE") and subj_heads:
        subj_heads = _group(subj_heads)  # "the foreign ministers of A and B held talks": A and B meet
    sources = [a for a in (_actor(ctx, h, doer=True) for h in subj_heads) if a]
    pairs = [(h, a) for h in obj_heads if (a := _actor(ctx, h))]
    if not pairs and trig.type in ("THREATEN", "DEMAND", "REJECT"):
        pairs = [(h, a) for h in _condition_subjects(anchor) if (a := _actor(ctx, h))]
    targets = [a for _, a in pairs]
    placed = [a for h, a in pairs if not _is_place_target(ctx, h)]
    if trig.type in ("CONSULT", "AGREE", "COOPERATE") and len(sources) > 1 and not placed:
        # "Armenia and Azerbaijan may sign": reciprocal, each side the other's target
        return sources[0], sources[1], tuple(sources[2:])
    source = sources[0] if sources else None
    target = next((t for t in targets if source is None or (t.start, t.end) != (source.start, source.end)), None)
    others, seen = [], {(a.start, a.end) for a in (source, target) if a}
    for a in sources[1:] + targets:
        if (a.start, a.end) not in seen:
            seen.add((a.start, a.end))
            others.append(a)
    return source, target, tuple(others)


def _condition_subjects(verb) -> list:
    """"threatened to stop the talks if the United States goes ahead": the condition's subject is the target."""
    return [g for c in verb.subtree if c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children)
            for g in c.children if g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in _PRONOUNS]


def _protested(anchor) -> list:
    """What a protest is against: "in protest of X", "to protest X", "against X" in the clause."""
    out = []
    for t in anchor.subtree:
        if t.dep_ == "prep" and t.lower_ in ("against", "of", "at") and t.head.lemma_.lower() in ("protest", "defiance"):
            out.extend(g for g in t.children if g.dep_ == "pobj")
        elif t.dep_ == "prep" and t.lower_ == "against":
            out.extend(g for g in t.children if g.dep_ == "pobj")
        elif t.lemma_.lower() == "protest" and t.pos_ == "VERB":
            out.extend(g for g in t.children if g.dep_ == "dobj")
    return out


def _is_place_target(ctx: _Context, head) -> bool:
    """A target found only as the place of the event ("sign a treaty in Kazakhstan")."""
    if head.dep_ == "pobj" and head.head.lower_ in _PLACE_PREPS:
        return True
    inner = _narrow(ctx, head)
    return inner is not None and inner.i != head.i and _in_place_phrase(inner, head)


def _verb_roles(verb, skip: int = -1) -> tuple[list, list]:
    """Token heads of the subject(s) and object(s) of a verb, following passives and control;
    ``skip`` is a nominal trigger that is the verb's own object ("started a hunger strike")."""
    subj, obj = [], []
    kids = [c for c in verb.children if c.i != skip]
    for c in kids:
        if c.dep_ in ("nsubj", "csubj"):
            subj.append(c)
        elif c.dep_ == "nsubjpass":
            # "Israel is opposed to ...": an adjectival passive without agent has a doer for subject
            (subj if _lemma(verb) in _STATIVE_PASSIVES and not any(k.dep_ == "agent" for k in verb.children)
             else obj).append(c)
        elif c.dep_ == "agent":
            subj.extend(g for g in c.children if g.dep_ == "pobj")
        elif c.dep_ in ("dobj", "dative", "attr"):
            obj.append(c)
    for c in kids + [t for t in verb.children if t.i == skip]:
        if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS:
            obj.extend(g for g in c.children if g.dep_ == "pobj")
        elif c.dep_ == "dobj" or (c.i == skip and c.dep_ in ("dobj", "nsubjpass")):
            # "paid an official visit to Armenia": the preposition hangs on the object
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in ("to", "with", "against", "on", "from"):
                    obj.extend(g for g in p.children if g.dep_ == "pobj")
    if not subj:
        if _agentless_passive(verb):
            # "Tensions escalated after two men were killed", "civilians were killed ..., police said":
            # the doer is unstated, and the subject of the verb above is not it; a passive without
            # a subject of its own shares the one above as its patient ("arrived and was detained")
            if not any(c.dep_ == "nsubjpass" for c in verb.children):
                obj.extend(_inherited_subject(verb))
        else:
            subj = _inherited_subject(verb)
    subj = [_resolve_pronoun(s) for s in subj]
    for o in obj:
        if _is_particle_object(verb, o):
            # "strengthened its forces in Lebanon", "sent troops to the border"
            obj.extend(g for p in o.children if p.dep_ == "prep" and p.lower_ in ("in", "to", "into", "on", "against")
                       for g in p.children if g.dep_ == "pobj")
    obj = [o for o in obj if not _is_circumstance(o) and not _is_particle_object(verb, o)]
    if not [o for o in obj if o.dep_ != "pobj" or o.head.lower_ not in ("in", "at")]:
        # "threatened to ban voting in East Jerusalem", "demanded that Hamas renounce":
        # the target is the complement's
        obj = _complement_targets(verb) + obj
    return _with_conjuncts(subj), _with_conjuncts(obj)


_STATIVE_PASSIVES = frozenset("oppose commit determine prepare resolve dedicate".split())


def _agentless_passive(verb) -> bool:
    """A passive verb without a "by" phrase ("were killed", "was arrested"); not an adjectival one
    ("is opposed to") whose subject is a doer."""
    return (any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
            and not any(c.dep_ == "agent" for c in verb.children) and _lemma(verb) not in _STATIVE_PASSIVES)


def _is_circumstance(tok) -> bool:
    """Dates, numbers and amounts are not actors ("on Friday", "by one hour")."""
    return tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL")


def _is_particle_object(verb, tok) -> bool:
    """"opened fire": the object is part of the trigger."""
    # "received the minister": the object is the guest, an actor, not part of the trigger
    return tok.dep_ == "dobj" and _lemma(verb) != "receive" and (_lemma(verb), tok.lower_) in plover.PHRASAL


def _complement_targets(verb, depth: int = 0) -> list:
    out = []
    for c in verb.children:
        purpose = c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        if (c.dep_ not in ("xcomp", "ccomp") and not purpose) or depth > 2:
            continue
        if c.dep_ == "ccomp":
            out.extend(s for s in c.children if s.dep_ in ("nsubj", "nsubjpass") and s.lower_ not in _PRONOUNS)
        for g in c.children:
            if g.dep_ in ("dobj", "dative") and not _is_circumstance(g):
                out.append(g)
                out.extend(p for q in g.children if q.dep_ == "prep" and q.lower_ in ("to", "with", "against", "on", "of")
                           for p in q.children if p.dep_ == "pobj")
            elif g.dep_ == "prep" and g.lower_ in _TARGET_PREPS:
                out.extend(p for p in g.children if p.dep_ == "pobj" and not _is_circumstance(p))
        out.extend(_complement_targets(c, depth + 1))
    return out


def _inherited_subject(verb) -> list:
    """The subject of a verb that has none of its own: "agreed to hold", "X met and signed"."""
    tok = verb
    for _ in range(4):
        if tok.dep_ not in ("xcomp", "conj", "advcl", "acl", "relcl", "ccomp", "acomp"):
            return []  # acomp: "he is ready to lift" → the subject of "is"
        head = tok.head
        if tok.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
            if tok.tag_ != "VBG":
                return []
            if head.pos_ == "PROPN" or _is_agentive(head) or head.dep_ not in ("dobj", "pobj"):
                return [head]  # "demonstrators protesting", "a rally calling for"
            tok = head  # "issued a declaration demanding": whoever issued it demands
            continue
        if tok.dep_ in ("xcomp", "advcl"):
            # object control: "urged Armenia to sign", "called on Baku to sign" → Armenia, Baku sign
            objs = [c for c in head.children if c.dep_ in ("dobj",)]
            if _lemma(head) in plover.ASK_VERBS:
                objs += [g for p in head.children if p.dep_ == "prep" and p.lower_ == "on"
                         for g in p.children if g.dep_ == "pobj"]
            if objs and _lemma(head) not in plover.PLAN_VERBS and (tok.dep_ == "xcomp" or _lemma(head) in plover.ASK_VERBS):
                return objs
        subj = [c for c in head.children if c.dep_ in ("nsubj", "csubj")
                # "he is prepared to lift": an adjectival passive's subject is the doer
                or (c.dep_ == "nsubjpass" and _lemma(head) in _STATIVE_PASSIVES)]
        if subj:
            return subj
        agents = [g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if agents:
            return agents
        tok = head
    return []


def _resolve_pronoun(tok):
    """"they said they would" → the first non-pronoun subject up the tree."""
    if tok.lower_ not in _PRONOUNS:
        return tok
    node = tok.head
    for _ in range(5):
        if node.head.i == node.i:
            break
        node = node.head
        for c in node.children:
            if c.dep_ == "nsubj" and c.lower_ not in _PRONOUNS:
                return c
    return tok


def _with_conjuncts(heads: list) -> list:
    out = []
    for h in heads:
        out.append(h)
        out.extend(c for c in h.conjuncts if c.i > h.i)
    return out


# Nouns whose "of" phrase is the one acted upon ("the blockade of Serbia", "the arrest of activists").
# Nouns whose place is what they are imposed on ("a curfew in Abidjan"), as CAMEO codes them.
_IN_IS_TARGET = frozenset({"COERCE", "SANCTION", "ASSAULT", "MOBILIZE", "PROTEST"})
_OF_IS_TARGET = frozenset({"ASSAULT", "COERCE", "SANCTION", "INVESTIGATE", "DISAPPROVE", "SUPPORT"})


def _noun_roles(noun, kind: str) -> tuple[list, list, list]:
    """Source, target and reciprocal heads of a nominal trigger."""
    src, tgt, between, late = [], [], [], []
    for c in noun.children:
        if c.dep_ == "poss" or (c.dep_ in ("amod", "compound", "nmod") and _country_word(c.text)):
            src.append(c)
        elif c.dep_ == "prep":
            pobjs = [g for g in c.children if g.dep_ == "pobj"]
            if c.lower_ in ("between", "among"):
                between.extend(_group(pobjs))
            elif c.lower_ == "of" and kind in _OF_IS_TARGET:
                tgt.extend(_with_conjuncts(pobjs))
            elif c.lower_ in ("of", "by"):
                src.extend(_with_conjuncts(pobjs))
            elif c.lower_ in ("to", "with", "against", "on", "into", "for", "from"):
                tgt.extend(_with_conjuncts(pobjs))
            elif c.lower_ in ("in", "at") and kind in _IN_IS_TARGET:
                late.extend(pobjs)
    if len(src) == 1 and src[0].dep_ == "pobj":
        src = _group(src)
    if len(src) > 1 and all(s.dep_ in ("pobj",) for s in src):
        between = src  # "negotiations of the foreign ministers of A and B" → reciprocal
        src = []
    return src, tgt + late, between


def _group(heads: list) -> list:
    """"the foreign ministers of A and B": the ministers stand for A and B, so both are actors.

    Further conjuncts of the group stay as further actors: "the ministers of A and B and Lavrov", or the
    ministers' own names after a comma, which the parser reads as conjuncts ("…, X and Y, held talks")."""
    heads = _with_conjuncts(heads)
    inner = [g for p in heads[0].children if p.dep_ == "prep" and p.lower_ == "of"
             for g in p.children if g.dep_ == "pobj"]
    if inner and inner[0].conjuncts:
        heads = _with_conjuncts(inner) + heads[1:]
    return list({t.i: t for t in heads}.values())


def _actor(ctx: _Context, head, doer: bool = False) -> Actor | None:
    """The actor a phrase names; a doer (subject, agent) may be a plain noun ("an explosive device")."""
    narrowed = _narrow(ctx, head)
    if narrowed is None and doer and head.pos_ == "NOUN" and not _is_circumstance(head) and not _is_abstract(head):
        narrowed = head  # but "tensions", "the situation", "fighting" cannot act
    elif narrowed is not None and doer and narrowed.i != head.i and _in_place_phrase(narrowed, head):
        narrowed = head  # "a minefield explosion near Samarra" is not Samarra
    head = narrowed
    if head is None or head.lower_ in _PRONOUNS or head.pos_ in ("NUM", "DET", "PRON"):
        return None
    lo, hi = _span(head)
    doc = ctx.doc
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    name, country = _identity(ctx, lo, hi, head)
    return Actor(ctx.text[start:end], start, end, name, country)


def _narrow(ctx: _Context, head):
    """An actor is an entity: in "an Australian ultimatum" or "the negotiations of the
    ministers of Armenia" take the entity inside the phrase."""
    named = head.i in ctx.mention_at and not (_is_abstract(head) and ctx.mention_at[head.i].label != "PER")
    if named or _country_word(head.text) or (head.pos_ == "PROPN" and not _is_abstract(head)):
        # a name whose head word is a state or an event ("Middle East Escalation", "Dialogue for
        # Peace") names no one: look inside it, as for a common noun
        return None if _is_circumstance(head) else head
    if head.pos_ == "NOUN" and _is_agentive(head):
        return head  # "officials", "rebels", "police", "demonstrators": actors in their own right
    inside = [c for c in head.subtree if c.i != head.i and (c.i in ctx.mention_at or _country_word(c.text))
              and not _is_circumstance(c)
              # a name's own head, not its first word ("Middle East" → "East", spanning both)
              and not (c.i in ctx.mention_at and ctx.mention_at.get(c.head.i) is ctx.mention_at[c.i])]
    for c in inside:
        if not _in_place_phrase(c, head):
            return c
    if inside:
        return inside[0]  # CAMEO codes "a curfew in Cizre" as against Cizre
    return None  # "diplomatic asylum", "the agreement": not an actor


_AGENTS = frozenset("""official officials government authorities authority police army troops forces soldiers rebels
militants guerrillas leader leaders minister ministers president parliament court ministry military navy
militia protesters demonstrators workers students people refugees civilians activists opposition
diplomats delegation envoy spokesman spokeswoman prosecutor judge council party group groups
administration regime coalition union agency officers guards residents villagers farmers insurgents
fighters separatists aircraft jets warplanes warships missiles drones defenses defences
""".split())


def _in_place_phrase(tok, top) -> bool:
    """"a treaty in Kazakhstan": a place or clause inside a phrase is not who the phrase is about."""
    node = tok
    for _ in range(8):
        if node.i == top.i or node.head.i == node.i:
            return False
        if node.dep_ in ("relcl", "acl") or (node.dep_ == "prep" and node.lower_ in _PLACE_PREPS):
            return True
        node = node.head
    return False


def _is_abstract(tok) -> bool:
    """A state, issue or event, not someone ("Tensions", a headline's "Escalation", "disputes")."""
    return plover.is_abstract(tok.lemma_) or plover.is_abstract(tok.lower_)


def _is_agentive(tok) -> bool:
    return tok.lemma_.lower() in _AGENTS or tok.lower_ in _AGENTS


def _span(head) -> tuple[int, int]:
    """Token bounds of the phrase a head stands for, without clauses, conjuncts and appositions."""
    lo = hi = head.i
    stack = [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            if _is_circumstance(c) and c.i < head.i and c.dep_ in ("npadvmod", "nmod", "compound", "nummod"):
                continue
            if c.dep_ in _SPAN_DROP and not (c.dep_ == "prep" and c.lower_ in ("of", "in") and t.i == head.i):
                continue
            if c.dep_ == "det" and c.i != head.i - 1 and c.head.i != head.i:
                continue
            lo, hi = min(lo, c.i), max(hi, c.i)
            stack.append(c)
    doc = head.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ in ("det",)):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return lo, hi


def _identity(ctx: _Context, lo: int, hi: int, head) -> tuple[str | None, str | None]:
    """The entity an actor names and the country it stands for."""
    name = country = None
    best = ctx.mention_at.get(head.i)
    seen = [best] if best else []
    for i in range(lo, hi + 1):
        m = ctx.mention_at.get(i)
        if m is not None and m not in seen:
            seen.append(m)
    for m in seen:
        if name is None and m.label in ("PER", "ORG", "LOC"):
            name = m.canonical or m.text
        if country is None:
            country = m.country or _country_word(m.text) or _person_country(ctx, m)
    if country is None:
        # "their forces", "its army": the owner's country
        owner = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in _PRONOUNS), None)
        if owner is not None:
            ref = _resolve_pronoun(owner)
            if ref.i != owner.i:
                m = ctx.mention_at.get(ref.i)
                country = (m.country if m else None) or _country_word(ref.text)
    if country is None:
        doc = ctx.doc
        for i in range(lo, hi + 1):
            # a town's name only where the parser saw a place: "Police" is a Polish town, "Union" an American one
            places = doc[i].ent_type_ in ("GPE", "LOC") and (doc[i].i not in ctx.mention_at
                                                              or ctx.mention_at[doc[i].i].label == "LOC")
            country = _country_word(doc[i].text, places) or _country_word(doc[i:i + 2].text, places)
            if country:
                break
    return name, country


def _person_country(ctx: _Context, m: Mention) -> str | None:
    if m.label != "PER":
        return None
    return ctx.person_country.get(m.canonical or m.text) or ctx.person_country.get(m.text)


def _country_word(word: str, places: bool = True) -> str | None:
    """Country, demonym, seat of government or (with ``places``) city → alpha-2."""
    word = word.strip()
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if not word or not word[0].isupper():
        return None
    code = plover.SEATS.get(word) or gazetteer.countries().get(word) or gazetteer.demonyms().get(word)
    if code or not places:
        return code
    place = gazetteer.english_places().get(word)
    return place.country if place is not None else None


# ---------------------------------------------------------------- place and date

_PLACE_PREPS = frozenset("in at near outside inside around".split())


def _place(ctx: _Context, sent, trig: _Trigger, source: Actor | None, target: Actor | None) -> str | None:
    """A place mention introduced by "in/at/near" in the sentence, preferring one in the trigger's clause."""
    taken = {(a.start, a.end) for a in (source, target) if a}
    best = None
    for tok in sent:
        m = ctx.mention_at.get(tok.i)
        if m is None or m.label != "LOC" or tok.idx != m.start or (m.start, m.end) in taken:
            continue
        if any(a and a.start <= m.start < a.end for a in (source, target)):
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ in _PLACE_PREPS:
            name = m.canonical or m.text
            if _governs(trig, tok):
                return name
            best = best or name
    return best


def _governs(trig: _Trigger, tok) -> bool:
    node = tok
    for _ in range(8):
        if node.i in (trig.token.i, trig.anchor.i):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _date(ctx: _Context, sent, trig: _Trigger, triggers: dict[int, _Trigger]) -> TimeExpression | None:
    """The time expression attached to this trigger, else the sentence's only one when no other trigger claims it."""
    inside = [t for t in ctx.timexes if sent.start_char <= t.start < sent.end_char]
    if not inside:
        return None
    fallback = None
    for t in inside:
        span = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None:
            continue
        owner = _owner(span.root, triggers)
        if owner is trig:
            return t
        if owner is None and fallback is None:
            fallback = t
    return fallback


def _owner(tok, triggers: dict[int, _Trigger]) -> _Trigger | None:
    node = tok
    by_anchor = {t.anchor.i: t for t in triggers.values()}
    for _ in range(10):
        if node.i in triggers:
            return triggers[node.i]
        if node.i in by_anchor:
            return by_anchor[node.i]
        if node.head.i == node.i:
            return None
        node = node.head
    return None


# ---------------------------------------------------------------- actors named before the event
#
# "Putin and Aliyev agreed to meet. The phone conversation took place on October 7." The
# second sentence's event has no actor of its own: its participants are those the sentences
# just before name. A sentence-local parse cannot see them, so a pass over the whole text
# lends them, with a lower confidence and ``actors_inferred`` set.

_RECIPROCAL = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# Heads of phrases that only point back at participants named before ("the two leaders", "both sides").
_ANAPHORIC = frozenset("""leader leaders president presidents side sides party parties minister ministers
counterpart counterparts country countries delegation delegations two both
стороны сторона лидеры президенты министры страны делегации""".split())
_PROSE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|to|from|into|across|over|via)|(?:^|\s)(?:в|во|на|из|под|через))\s+(?:the\s+)?$",
                       re.I)
LOOKBACK = 2  # sentences
BORROWED = 0.85  # confidence factor of an event whose actors come from an earlier sentence


def _borrow_actors(text: str, events: list[EventMention], spans: list[tuple[int, int]],
                   mentions: list[Mention], open_: set[int]) -> list[EventMention]:
    """Lend an event that names nobody the participants named in the sentence(s) just before it.

    Which events: those whose trigger can point back — an event noun ("the conversation",
    "the attack") or a verb whose subject is a pronoun, a phrase like "the two leaders" or an
    event noun of its own type ("they spoke", "the attack killed") — ``open_`` holds their
    trigger starts; and that name nobody: no actor with a name or a country, and no source
    other than such a pointer. Not when the event's own sentence names two or more people or
    countries: then its participants are there, only not attached to the trigger by the parse.

    From where: the one or two sentences before it in the same paragraph (no blank line
    between) that are prose (end with a full stop: not a headline or a caption), the nearest
    that names participants. What: the actors of an event of the same type there ("agreed to
    hold a meeting" → "the conversation"; "aircraft attacked" → "the attack"), the most
    confident; for a reciprocal event (talks, a call, an agreement, cooperation) without one,
    the people or countries that sentence names, if exactly two. Only the missing or pointing
    roles are filled: "the attack killed twelve people" keeps its target.
    """
    if not events or len(spans) < 2:
        return events
    out = list(events)
    by_sentence: dict[int, list[int]] = {}
    for i, e in enumerate(out):
        by_sentence.setdefault(e.sentence, []).append(i)
    for i, e in enumerate(out):
        if e.sentence == 0 or e.sentence >= len(spans) or e.trigger_start not in open_ or not _names_nobody(e):
            continue
        lo, hi = spans[e.sentence]
        if len(_sides(text, [m for m in mentions if lo <= m.start < hi], mentions)) >= 2:
            continue
        lent = _lender(text, e, spans, lambda n: [out[j] for j in by_sentence.get(n, ())], mentions)
        if lent is None:
            continue
        source, target, others = lent
        if e.target is not None and not _points_back(e.target, e.type):
            target, others = e.target, ()  # its own target stays; the lender's go
        out[i] = replace(e, source=source, target=target, others=tuple(others), actors_inferred=True,
                         confidence=round(max(0.2, e.confidence * BORROWED), 3))
    return out


def _names_nobody(e: EventMention) -> bool:
    actors = [a for a in (e.source, e.target, *e.others) if a is not None]
    return (all(a.name is None and a.country is None for a in actors)
            and (e.source is None or _points_back(e.source, e.type)))


def _points_back(a: Actor, kind: str) -> bool:
    """"the two leaders", "both sides", "the attack" (for an ASSAULT): a phrase that refers to earlier text."""
    words = a.text.lower().split()
    return bool(words) and (words[-1] in _ANAPHORIC or words[-1] in _PRONOUNS or plover.NOUNS.get(words[-1]) == kind)


def _lender(text: str, e: EventMention, spans, events_of, mentions):
    start = spans[e.sentence][0]
    for n in range(e.sentence - 1, max(-1, e.sentence - 1 - LOOKBACK), -1):
        lo, hi = spans[n]
        if _PARAGRAPH_BREAK.search(text, hi, start) or not _PROSE_END.search(text, lo, hi):
            return None  # another paragraph, or a headline / caption: not the same discourse
        lent = _participants(text, e.type, events_of(n), [m for m in mentions if lo <= m.start < hi], mentions)
        if lent is not None:
            return lent
        start = lo
    return None


def _participants(text: str, kind: str, before: list[EventMention], inside: list[Mention],
                  mentions: list[Mention]):
    """(source, target, others) that an earlier sentence names for an event of type ``kind``, or None."""
    def real(a: Actor | None) -> bool:
        return a is not None and (a.name is not None or a.country is not None or not _points_back(a, kind))

    reciprocal = kind in _RECIPROCAL
    same = [b for b in before if b.type == kind and b.mode != "hypothetical" and real(b.source)
            and (real(b.target) or b.others or not reciprocal)]
    if same:
        best = max(same, key=lambda b: (b.confidence, -b.trigger_start))
        return best.source, best.target, best.others
    if not reciprocal:
        return None
    sides = _sides(text, inside, mentions)
    if len(sides) != 2:
        return None  # one side only, or too many to tell who took part
    return sides[0], sides[1], ()


def _sides(text: str, inside: list[Mention], mentions: list[Mention]) -> list[Actor]:
    """The distinct people and countries a sentence names, in order: one actor per country or
    person, the person rather than the country ("US Secretary of State Antony Blinken" → Blinken)."""
    actors: dict[str, Actor] = {}
    for m in sorted(inside, key=lambda m: m.start):
        actor = _mention_actor(text, m, mentions)
        if actor is None:
            continue
        key = actor.country or actor.name
        if key not in actors or (m.label == "PER" and actors[key].name == actors[key].text
                                 and _country_name(actors[key].text)):
            actors[key] = actor
    return list(actors.values())


def _country_name(name: str) -> str | None:
    """Alpha-2 of a country's name or seat of government, English or Russian; None for a city or region."""
    code = gazetteer.countries().get(name) or plover.SEATS.get(name) or plover.RU_COUNTRIES.get(name)
    if code is None and not name.isascii():
        place = gazetteer.foreign_places("ru").get(name)
        code = place.country if place is not None and place.kind == "country" else None
    return code


def _mention_actor(text: str, m: Mention, mentions: list[Mention]) -> Actor | None:
    """A person or a country named as a possible participant (not a city, not where something happened).
    Organisations are left out: in a sentence they are as often the outlet or the reporter."""
    if m.label == "LOC":
        code = next((c for name in (m.canonical, m.text) if name and (c := _country_name(name))), None)
        if code is None or _LOCATIVE.search(text[max(0, m.start - 12):m.start]):
            return None
        return Actor(m.text, m.start, m.end, m.canonical or m.text, m.country or code)
    if m.label != "PER":
        return None
    name = m.canonical or m.text
    country = m.country or next((x.country for x in mentions if x.label == "PER" and x.country
                                 and (x.canonical or x.text) == name), None)
    return Actor(m.text, m.start, m.end, name, country)


# ---------------------------------------------------------------- stated intentions


def _with_intents(events: list[EventMention], triggers: dict[int, _Trigger]) -> list[EventMention]:
    """"X will release Y" is itself an event that occurred: a promise (AGREE) or, for a
    hostile act, a threat (THREATEN) — CAMEO 03 and 13. Added next to the planned event."""
    out = list(events)
    for e in events:
        if e.mode not in ("planned", "hypothetical", "negated") or e.source is None or e.type in ("AGREE", "THREATEN", "DEMAND"):
            continue
        trig = triggers.get(_token_at(triggers, e.trigger_start, e.trigger_end))
        if trig is None or not _states_intent(trig.anchor):
            continue
        kind = "AGREE" if e.type in plover.COOPERATIVE else "THREATEN"
        if e.mode == "negated":
            if e.type not in plover.COOPERATIVE:
                continue
            kind = "REJECT"  # "said it would not meet the demands": a refusal (CAMEO 12)
        out.append(EventMention(kind, "occurred", e.trigger, e.trigger_start, e.trigger_end, e.source,
                                e.target, e.place, e.date, e.sentence, e.sentence_text,
                                round(e.confidence + 0.01, 3), e.others))
    return out


def _token_at(triggers: dict[int, _Trigger], start: int, end: int) -> int | None:
    for i, t in triggers.items():
        if start <= t.token.idx < end:
            return i
    return None


def _states_intent(verb) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in plover.MODALS_INTENT for c in verb.children)


# ---------------------------------------------------------------- Russian (natasha)
#
# The same reading of the tree on natasha's Universal Dependencies parse: nsubj → source,
# obj / iobj / obl → target, nmod of an event noun → its actors, "не" → negated, "если" →
# hypothetical, "будет" or a plan verb ("договорились провести") → planned.


def _russian_events(text: str, mentions: list[Mention], timexes: list[TimeExpression],
                    open_: set[int] | None = None, sents=None, tagged: bool = False) -> list[EventMention]:
    """Parse only the sentences that contain a word from the lexicon (natasha's syntax is the
    cost), in one batch: the chosen sentences joined by blank lines, mapped back by offset.
    ``sents`` are the text's sentences (natasha's segmenter); ``tagged``: they are those of the
    article's shared parse, whose morphology is reused instead of tagging the sentences again."""
    from natasha import Doc

    m = russian.models()
    dated = [t for t in timexes if t.type in ("DATE", "TIME") and t.value]
    if sents is None:
        sents = m.segmenter.sentenize(text)
    chosen = [(n, c) for n, c in enumerate(sents) if _ru_stems().search(c.text.lower())]
    if not chosen:
        return []
    joined, shifts, at = [], [], 0
    for n, chunk in chosen:
        shifts.append((at, at + len(chunk.text), chunk.start - at, n))
        joined.append(chunk.text)
        at += len(chunk.text) + 2
    doc = Doc("\n\n".join(joined))
    doc.segment(m.segmenter)
    if not (tagged and _reuse_morph(doc, [c for _, c in chosen])):
        doc.tag_morph(m.morph)
    doc.parse_syntax(m.syntax)
    vocab = m.vocab
    out: list[EventMention] = []
    for sent in doc.sents:
        lo, hi, delta, n = next((s for s in shifts if s[0] <= sent.start < s[1] + 1), shifts[-1])
        for t in sent.tokens:  # offsets into the whole text
            t.start += delta
            t.stop += delta
        sent.start += delta
        sent.stop += delta
        out.extend(_ru_sentence(text, sent, n, mentions, dated, vocab, open_))
    return out


def _reuse_morph(doc, tagged: list) -> bool:
    """Copy the morphology of the tagged sentences onto the joined Doc's own tokens, when it split
    into the same sentences of the same words (the tagger reads each sentence's words alone, so the
    tags are those it would give here); False, leaving ``doc`` untouched, when the split differs."""
    if len(doc.sents) != len(tagged):
        return False
    for sent, src in zip(doc.sents, tagged):
        if [t.text for t in sent.tokens] != [t.text for t in src.tokens]:
            return False
    for sent, src in zip(doc.sents, tagged):
        for t, s in zip(sent.tokens, src.tokens):
            t.pos, t.feats = s.pos, s.feats
    return True


def _ru_sentence(text, sent, n, mentions, dated, vocab, open_=None) -> list[EventMention]:
    out = []
    toks = {t.id: t for t in sent.tokens}
    kids: dict[str, list] = {}
    for t in sent.tokens:
        t.lemmatize(vocab)
        kids.setdefault(t.head_id, []).append(t)
    for t in sent.tokens:
        kind = (plover.RU_VERBS.get(t.lemma) if t.pos == "VERB"
                else plover.RU_NOUNS.get(t.lemma) if t.pos == "NOUN" else None)
        head = toks.get(t.head_id)
        if kind and t.pos == "NOUN" and head is not None and plover.RU_VERBS.get(head.lemma) == kind:
            continue  # "подписать договор": one event
        if kind:
            out.append(_ru_event(text, t, kind, toks, kids, mentions, dated, sent, n, open_))
    return out


@lru_cache(maxsize=None)
def _ru_stems() -> re.Pattern:
    """A cheap pre-filter: the first letters of every lexicon word, whatever its ending."""
    stems = {w[:max(3, min(5, len(w) - 2))] for w in (*plover.RU_VERBS, *plover.RU_NOUNS) if " " not in w}
    return re.compile("|".join(sorted(stems, key=len, reverse=True)))


def _ru_event(text, t, kind, toks, kids, mentions, dated, sent, n, open_=None) -> EventMention:
    anchor = t
    head = toks.get(t.head_id)
    if t.pos == "NOUN" and t.rel == "obj" and head is not None and head.pos == "VERB" \
            and head.lemma not in plover.RU_VERBS:
        anchor = head  # "провели переговоры": the verb's subject holds the talks
    subj = [c for c in kids.get(anchor.id, []) if c.rel == "nsubj"]
    # a passive's subject is who it is done to ("граждане были задержаны"), and the subject
    # of the verb above is not its doer ("прибыл в Москву и был задержан": he was detained)
    patients = [c for c in kids.get(anchor.id, []) if c.rel == "nsubj:pass"]
    passive = bool(patients) or _ru_passive(anchor, kids)
    if passive:  # "подписан Арменией": the agent, in the instrumental without a preposition
        subj = [c for c in kids.get(anchor.id, []) if c.rel == "obl:agent" or (
            c.rel == "obl" and (c.feats or {}).get("Case") == "Ins" and not any(g.rel == "case" for g in kids.get(c.id, [])))]
    x = anchor
    while not subj and x.rel in ("xcomp", "conj", "advcl") and x.head_id in toks:
        x = toks[x.head_id]
        subj = [c for c in kids.get(x.id, []) if c.rel == "nsubj"]
    if passive and x is not anchor:
        patients, subj = patients or subj, []
    objs = patients + [c for c in kids.get(anchor.id, []) + (kids.get(t.id, []) if anchor is not t else [])
                       if c.rel in ("obj", "iobj", "obl", "nmod") and c.id != t.id and c not in subj
                       and not any(g.rel == "case" and g.lemma in ("в", "во", "на") for g in kids.get(c.id, []))]
    sources = _ru_group(subj, kids)
    targets = [a for a in (_ru_actor(text, c, kids, mentions) for c in _ru_group(objs, kids)) if a]
    actors = [a for a in (_ru_actor(text, c, kids, mentions) for c in sources) if a]
    if t.pos == "NOUN" and not actors:
        actors, targets = targets, []  # "переговоры министров Армении и Азербайджана"
        for c in _ru_group(objs, kids)[:1]:
            inner = [g for g in kids.get(c.id, []) if g.rel == "nmod"]
            extra = [g for g in _ru_group(inner, kids) if g not in inner]
            actors += [a for a in (_ru_actor(text, g, kids, mentions) for g in extra) if a]
    source = actors[0] if actors else None
    target = targets[0] if targets else (actors[1] if len(actors) > 1 and kind in ("CONSULT", "AGREE") else None)
    others = tuple(a for a in actors[1:] + targets[1:] if a is not target)
    mode = _ru_mode(anchor, toks, kids)
    sent_end = sent.stop
    date = next((d for d in dated if sent.start <= d.start < sent_end), None)
    place = next((m.canonical or m.text for m in mentions if m.label == "LOC" and sent.start <= m.start < sent_end
                  and text[max(0, m.start - 3):m.start].strip().lower() in ("в", "во")), None)
    if open_ is not None and (t.pos == "NOUN" or _ru_points_back(anchor, subj, kids)):
        open_.add(t.start)
    return EventMention(kind, mode, t.text, t.start, t.stop, source, target, place, date, n, sent.text,
                        0.8 if t.rel == "root" or anchor.rel == "root" else 0.6, others)


_RU_PRONOUNS = frozenset("он она они мы оно".split())


def _ru_passive(verb, kids: dict) -> bool:
    """"были убиты", "задержан": a passive participle or a verb with a passive auxiliary."""
    return ((verb.feats or {}).get("Voice") == "Pass"
            or any(c.rel == "aux:pass" for c in kids.get(verb.id, [])))


def _ru_points_back(verb, subj: list, kids: dict) -> bool:
    """A finite verb without a subject of its own ("созвонились 7 октября") or with a pronoun or
    "стороны" for one points back at the participants named before."""
    if not subj:
        return verb.pos == "VERB" and (verb.feats or {}).get("VerbForm") == "Fin"
    return all(s.lemma in _RU_PRONOUNS or s.text.lower() in _ANAPHORIC for s in subj)


def _ru_group(heads: list, kids: dict) -> list:
    """Heads with their conjuncts; "министры Армении и Азербайджана" adds Azerbaijan."""
    out = []
    for h in heads:
        out.append(h)
        out.extend(c for c in kids.get(h.id, []) if c.rel == "conj")
        layer = [h]
        for _ in range(3):  # "министры иностранных дел Армении и Азербайджана": down the nmod chain
            layer = [g for x in layer for g in kids.get(x.id, []) if g.rel == "nmod"]
            out.extend(c for x in layer for c in kids.get(x.id, []) if c.rel == "conj")
    return out


def _ru_actor(text: str, tok, kids: dict, mentions: list[Mention]) -> Actor | None:
    children = kids.get(tok.id, [])
    # a conjunct ends the phrase ("президент России ... и президент Азербайджана")
    stop = min([c.start for c in children if c.rel in ("conj", "cc") and c.start > tok.start] + [10 ** 9])
    span = [tok] + [c for c in children if c.rel in ("nmod", "appos", "flat:name", "amod") and c.start < stop]
    for c in list(span[1:]):
        span.extend(g for g in kids.get(c.id, []) if g.rel in ("flat:name", "nmod") and g.start < stop)
    start, end = min(s.start for s in span), max(s.stop for s in span)
    inside = sorted((m for m in mentions if start <= m.start < end), key=lambda m: abs(m.start - tok.start))
    if not inside and tok.pos not in ("PROPN", "NOUN"):
        return None
    country = next((c for m in inside if (c := m.country or _ru_country(m.canonical or m.text))), None)
    if country is None:
        country = next((plover.RU_DEMONYMS.get(s.lemma) for s in span if s.lemma in plover.RU_DEMONYMS), None)
    if not inside and country is None and tok.pos == "NOUN":
        return None  # "договор", "катастрофе": not an actor
    name = next((m.canonical or m.text for label in ("PER", "ORG", "LOC") for m in inside if m.label == label), None)
    return Actor(text[start:end], start, end, name, country)


def _ru_country(name: str) -> str | None:
    if name in plover.RU_COUNTRIES:
        return plover.RU_COUNTRIES[name]
    place = gazetteer.foreign_places("ru").get(name)
    return place.country if place is not None else None


def _ru_mode(verb, toks, kids) -> str:
    x, mode = verb, "occurred"
    for _ in range(4):
        children = kids.get(x.id, [])
        # a condition outranks a negation: "не будет подписывать, если ..." is hypothetical
        if any(c.rel == "mark" and c.lemma in ("если", "ежели") for c in children):
            return "hypothetical"
        if any(c.rel == "advcl" and any(g.lemma == "если" for g in kids.get(c.id, [])) for c in children):
            return "hypothetical"
        if any(c.lemma == "не" for c in children):
            return "negated"
        if any(c.rel == "aux" and c.lemma == "быть" for c in children) or "Tense=Fut" in str(getattr(x, "feats", "")):
            mode = "planned"
        if x.rel == "xcomp" and x.head_id in toks:
            head = toks[x.head_id]
            if head.lemma in plover.RU_NEG:
                return "negated"
            if head.lemma in plover.RU_PLAN:
                mode = "planned"
            x = head
            continue
        break
    return mode
