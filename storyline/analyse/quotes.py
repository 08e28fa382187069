"""Quotes and attributions: who said (thought, wants, found) what, in one article.

Two sources of evidence, merged:

* quote marks (“…”, "…", «…», „…“, ‘…’), scanned over characters so that a
  quote may run over several sentences and paragraphs and may be split by
  "he said";
* the dependency parse, for reported speech: the clausal complement of a cue
  verb ("X said (that) …"), its object or infinitive for verbs of stance and
  intent ("X criticized …", "X wants to …"), "according to X, …", a
  parenthetical "…, X said, …", stance adjectives and claim nouns ("X is
  confident that …", "his claim that …"). The cue lexicon below was read off
  the PolNeAR train split; nothing here is a trained model.

A quote's speaker is the subject of its cue; a pronoun or a role ("he", "the
minister") is resolved to the nearest preceding named person who spoke or
acted as a subject. Russian uses rules over characters and words (no parse):
«…» with "заявил", "сказал", "отметил", "по словам X", "X сообщил, что …".
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from . import russian

__all__ = ["Quote", "find_quotes", "quote_spans"]


@dataclass(frozen=True)
class Quote:
    content_start: int
    content_end: int
    content: str
    parts: tuple[tuple[int, int], ...]
    speaker_start: int | None
    speaker_end: int | None
    speaker: str | None
    speaker_resolved: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    direct: bool
    sentence: int


# --- lexicon -------------------------------------------------------------------
# Chosen by reading the PolNeAR train split (see docs/quality.md): a verb is
# listed for a pattern when, on train, the span that pattern yields was an
# annotated attribution content at least about half of the time.

# Verbs that take what was said/thought/found as a clause: "X said (that) S".
CCOMP_CUES = frozenset("""
say tell add write note suggest show argue ask report announce claim think believe
point indicate insist acknowledge state warn declare explain conclude reveal predict
tweet admit question hope agree find know recall stress emphasize emphasise comment
reply respond remark observe assert maintain contend mention confirm deny complain
caution concede boast allege charge counter retort reiterate repeat testify estimate
recount joke quip muse wonder doubt fear worry expect assure promise pledge vow
urge propose recommend insist guess suppose assume reckon realize realise
understand signal hint imply acknowledge underscore underline affirm post explain
predict determine learn decide announce inform remind accuse suspect speculate
project calculate figure forecast guarantee sense demonstrate illustrate
threaten vow swear order recognize recognise consider remember""".split())

# Verbs of intent and stance whose infinitive is the content: "X wants to …".
XCOMP_CUES = frozenset("""
want plan hope expect intend promise pledge vow refuse decline seek urge agree
threaten call ask seem appear decide aim vote offer propose prefer like love
hesitate wish encourage push order""".split())

# Verbs whose object is the content: "X criticized Clinton's email use".
DOBJ_CUES = frozenset("""
support endorse criticize criticise cite announce express reject mention praise
oppose discuss denounce propose question issue dismiss highlight blast slam tout
condemn applaud defend deny dispute acknowledge reiterate predict decry
lament recommend suggest urge tweet echo reveal confirm back
accuse blame mock""".split())

# Verbs that name or label: "called Carson a special person".
NAMING_CUES = frozenset({"call", "label", "dub", "brand", "deem", "term", "declare", "pronounce", "consider"})

# Adjectives of stance: "X is confident that …", "X is wary of …".
STANCE_ADJECTIVES = frozenset("""
sure confident wary critical skeptical sceptical eager adamant hopeful proud worried concerned
optimistic pessimistic convinced certain aware afraid glad happy unhappy angry upset furious
tired opposed supportive willing unwilling reluctant determined impressed unsure uncertain
doubtful keen outspoken frustrated disappointed excited nervous fearful cautious enthusiastic
comfortable uncomfortable insistent intent dismissive hostile sympathetic receptive satisfied
dissatisfied grateful thankful sorry mindful suspicious fond inclined loath loth pleased
delighted surprised dismayed leery upbeat bullish bearish outraged appalled alarmed troubled
disturbed encouraged heartened thrilled irritated annoyed""".split())

# Polls "show" and "find" what their numbers say.
POLL_NOUNS = frozenset("""poll survey average data number figure result record study analysis
tally count estimate projection model""".split())
POLL_VERBS = frozenset({"show", "find", "give", "put", "suggest", "indicate"})

# Nouns that introduce what someone holds: "his claim that …", "made the case that …".
CLAIM_NOUNS = frozenset("""claim case point argument statement assertion belief view warning
suggestion promise pledge vow insistence allegation accusation charge contention assurance
prediction concern fear hope complaint admission acknowledgment acknowledgement notion
message announcement conclusion finding estimate criticism remark comment observation""".split())

# Verbs that cast something "as" something: "see him as", "described it as".
AS_CUES = frozenset({"see", "view", "regard", "describe", "portray", "paint", "cast", "characterize",
                     "characterise", "label", "brand", "depict", "frame", "present", "tout", "perceive"})

# Verbs whose prepositional object is the content: "X called for …".
PREP_CUES = {
    "call": {"for"}, "accuse": {"of"}, "speak": {"about", "of"}, "talk": {"about"},
    "ask": {"about"}, "criticize": {"for"}, "criticise": {"for"}, "warn": {"of", "about", "against"},
    "complain": {"about"}, "argue": {"for", "against"}, "push": {"for"}, "advocate": {"for"},
    "comment": {"on"}, "blame": {"for"}, "praise": {"for"}, "insist": {"on"},
    "respond": {"to"}, "refer": {"to"}, "point": {"to"}, "testify": {"about"},
    "attack": {"for"}, "slam": {"for"}, "blast": {"for"}, "hope": {"for"}, "fault": {"for"},
}

# Verbs that introduce a direct quote next to it: “…,” X said / X said: “…”.
QUOTE_CUES = frozenset("""
say add tell recall note state comment emphasize emphasise stress explain argue
claim warn announce insist write tweet ask reply respond continue conclude declare
acknowledge admit suggest report observe remark point predict reveal agree complain
joke quip recount assert maintain mention confirm deny cry shout exclaim repeat
reiterate testify concede boast caution muse question wonder charge allege contend
counter retort underline underscore affirm assure promise pledge vow post read
begin start go quote put tell sum summarize laugh sigh insist thunder rail scoff
chime interject offer""".split())

# Anaphoric objects: "Aliyev stated as much", "He stated this" point back.
ANAPHORIC_OBJECTS = frozenset({"much", "this", "so", "that", "it"})

FIRST_SECOND_PERSON = frozenset({"i", "we", "you", "me", "us"})

# Heads of a speaker phrase that stands for a named person mentioned before.
PRONOUNS = frozenset({"he", "she", "him", "her"})
ROLE_NOUNS = frozenset("""
minister president spokesperson spokesman spokeswoman official senator candidate
governor chairman chairwoman chair leader ambassador diplomat secretary premier
mayor envoy deputy fm chief director head representative congressman congresswoman
lawmaker nominee expert analyst professor adviser advisor aide strategist manager
general commander prosecutor judge lawyer attorney economist researcher scholar
politician mogul businessman billionaire founder ceo executive king queen prince
chancellor foreign""".split())

ALL_MARKS = "“”«»„‟\"‘’'"

SENT_END = re.compile(r"[.!?…;]+")
# a full stop after these is an abbreviation, not a sentence end ("Mr. Sperling", "U.S. troops")
ABBREVIATIONS = frozenset("""
mr mrs ms dr sen rep gov gen lt col sgt st jr sr prof rev hon pres vs no inc corp co ltd
jan feb mar apr jun jul aug sep sept oct nov dec calif fla ariz mass conn minn wis""".split())


def _sentence_ends(text: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Positions just after sentence-final punctuation in text[lo:hi]."""
    hi = len(text) if hi is None else hi
    ends = []
    for m in SENT_END.finditer(text, lo, hi):
        word = re.search(r"(\w+)$", text[max(lo, m.start() - 12):m.start()])
        if m.group().startswith(".") and word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        ends.append(m.end())
    return ends


def find_quotes(text: str, lang: str = "en", doc=None) -> list[Quote]:
    """Quotes and attributions of ``text``, in text order; ``doc`` is an optional Doc of it: spaCy's
    for English, natasha's from ``russian.parse`` for Russian (shared with mentions and events)."""
    if lang == "ru":
        return _find_russian(text, doc if russian.is_parse(doc, text) else None)
    if lang != "en":
        return []
    if doc is None or not doc.has_annotation("DEP"):
        # reported speech needs the parse: a tokenizer-only Doc is parsed here
        from storyline.analyse.nlp import english

        doc = english()(text)
    return _find_english(doc)


# --- direct quotes over characters ---------------------------------------------


def quote_spans(text: str) -> list[list[tuple[int, int]]]:
    """Character spans inside quote marks; a quote is a list of parts (one per paragraph)."""
    quotes = _double_quotes(text)
    taken = [(p[0][0], p[-1][1]) for p in quotes]
    quotes += [q for q in _single_quotes(text) if not any(s <= q[0][0] < e for s, e in taken)]
    quotes.sort(key=lambda q: q[0][0])
    return [q for q in (_trim_parts(text, q) for q in quotes) if q]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


MARK_RE = re.compile(r"''|[“”«»„‟\"]")  # NYT writes ''…'' for double quotes


def _is_opening(text: str, i: int, width: int, inside: bool) -> bool:
    """Decide whether the mark at ``i`` opens a quote; straight quotes by their neighbours."""
    ch = text[i]
    if ch in "“«„‟":
        # German „…“ closes with “; an English “ inside an open quote is a stray reopening
        return not (ch == "“" and inside)
    if ch in "”»":
        return False
    if inside:
        return False
    before = text[i - 1] if i else " "
    after = text[i + width] if i + width < len(text) else " "
    if i == 0 or before.isspace() or before in "([{—–-/:,;":
        return not after.isspace()
    return after.isalnum() and not before.isalnum()


def _double_quotes(text: str) -> list[list[tuple[int, int]]]:
    """Walk paragraphs; an unclosed quote continues into the next paragraph when that
    paragraph reopens it or closes it before opening anything."""
    out: list[list[tuple[int, int]]] = []
    parts: list[tuple[int, int]] = []
    start: int | None = None
    for p_start, p_end in _paragraphs(text):
        marks = [(m.start(), m.end() - m.start()) for m in MARK_RE.finditer(text, p_start, p_end)]
        if start is not None:
            first = marks[0] if marks else None
            if first is not None and not text[p_start:first[0]].strip() and _is_opening(text, *first, False):
                start = first[0] + first[1]
                marks = marks[1:]
            elif first is not None and not _is_opening(text, *first, False):
                start = p_start + (len(text[p_start:p_end]) - len(text[p_start:p_end].lstrip()))
            else:
                out.append(parts)
                parts, start = [], None
        for i, width in marks:
            if start is None:
                if _is_opening(text, i, width, False):
                    start, parts = i + width, []
            elif not _is_opening(text, i, width, True):
                parts.append((start, i))
                out.append(parts)
                parts, start = [], None
        if start is not None:
            parts.append((start, p_end))
            start = p_end  # still open: the next paragraph decides
    if start is not None and parts:
        out.append(parts)
    return [p for p in out if p]


def _single_quotes(text: str) -> list[list[tuple[int, int]]]:
    """‘…’ within one paragraph; ’ is also the apostrophe, so it closes only before a non-letter."""
    out = []
    for m in re.finditer(r"(?<![\w’])‘([^‘’\n]{2,}?)’(?!\w)", text):
        out.append([(m.start(1), m.end(1))])
    return out


def _trim_parts(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Strip blanks and the trailing comma or colon a quote ends with before its mark."""
    trimmed = []
    for s, e in parts:
        while s < e and (text[s].isspace() or text[s] in ALL_MARKS):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",:;" + ALL_MARKS):
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


# --- English ---------------------------------------------------------------------


@dataclass
class _Att:
    """An attribution being built; token-free so that direct and parsed ones merge."""

    parts: list[tuple[int, int]]
    cue: tuple[int, int] | None = None
    speaker: tuple[int, int] | None = None
    direct: bool = False
    cue_i: int | None = None  # token index of the cue head
    extra: dict = field(default_factory=dict)


def _find_english(doc) -> list[Quote]:
    text = doc.text
    has_ents = doc.has_annotation("ENT_IOB")
    parsed = _parsed_attributions(doc, text) + _colon_lines(text)
    spans = quote_spans(text)
    direct = [_Att(parts=list(q), direct=True) for q in spans]
    atts = _merge(doc, text, parsed, direct)
    return _to_quotes(doc, text, atts, has_ents, [p for q in spans for p in q])


def _subtree_ids(tok, skip=()) -> set[int]:
    """Token indices of ``tok``'s subtree without the subtrees rooted at ``skip``."""
    ids = {t.i for t in tok.subtree}
    for s in skip:
        ids -= {t.i for t in s.subtree}
    return ids


def _parts_from_ids(doc, ids: set[int]) -> list[tuple[int, int]]:
    """Contiguous token runs as trimmed character spans (edge punctuation dropped)."""
    if not ids:
        return []
    order = sorted(ids)
    runs, run = [], [order[0]]
    for i in order[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            runs.append(run)
            run = [i]
    runs.append(run)
    parts = []
    for run in runs:
        toks = [doc[i] for i in run]
        while toks and (toks[0].is_punct or toks[0].is_space) and toks[0].text not in "“«„\"‘":
            toks = toks[1:]
        while toks and (toks[-1].is_punct or toks[-1].is_space) and toks[-1].text not in ".!?”»\"’":
            toks = toks[:-1]
        if toks:
            parts.append((toks[0].idx, toks[-1].idx + len(toks[-1].text)))
    return parts


def _subject(verb):
    """The source of a cue verb: its subject, a passive agent, or the subject it shares."""
    cur = verb
    for _ in range(4):
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c
        for c in cur.children:
            if c.dep_ == "agent":
                objs = [x for x in c.children if x.dep_ == "pobj"]
                if objs:
                    return objs[0]
        # "Trump tweeted, saying …", "he called on X and proposed Y": share the head's subject
        if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head is not cur:
            cur = cur.head
            continue
        if cur.dep_ in ("relcl", "acl") and cur.head is not cur:
            return cur.head
        return None
    return None


def _phrase(tok) -> tuple[int, int]:
    """Character span of a noun phrase without its relative clauses and edge punctuation."""
    skip = [c for c in tok.children if c.dep_ in ("relcl", "acl", "advcl") and c.i > tok.i]
    ids = _subtree_ids(tok, skip)
    lo, hi = min(ids), max(ids)
    doc = tok.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    # an appositive's trailing words belong to the speaker only up to a comma
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _cue_span(verb, extra=None) -> tuple[int, int]:
    toks = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    if extra is not None:
        toks.append(extra)
    return min(t.idx for t in toks), max(t.idx + len(t.text) for t in toks)


def _parsed_attributions(doc, text: str) -> list[_Att]:
    """Reported speech read off the dependency parse, one pass over the tokens."""
    atts = []
    for tok in doc:
        att = None
        if tok.lower_ == "according":
            att = _according_to(tok)
        elif tok.lower_ == "in" and tok.dep_ == "prep":
            att = _in_poll(tok)
        if att is None and tok.pos_ == "VERB":
            att = _verb_attribution(tok, text)
        elif att is None and tok.pos_ == "ADJ" and tok.dep_ == "acomp" and _lemma(tok) in STANCE_ADJECTIVES:
            att = _adjective_attribution(tok)
        elif att is None and tok.pos_ == "NOUN" and _lemma(tok) in CLAIM_NOUNS:
            att = _noun_attribution(tok)
        if att is not None and not att.extra.get("first_person"):
            if not att.extra.get("anaphoric"):
                _clip_to_paragraph(text, att)
            if att.parts:
                atts.append(att)
    return atts


def _clip_to_paragraph(text: str, att: _Att) -> None:
    """The parser may run a sentence over a line break (headlines, sidebars); reported
    speech and its speaker stay within the cue's paragraph."""
    lo = text.rfind("\n", 0, att.cue[0]) + 1
    hi = text.find("\n", att.cue[1])
    hi = len(text) if hi < 0 else hi
    att.parts = [(max(s, lo), min(e, hi)) for s, e in att.parts if e > lo and s < hi]
    att.parts = [(s, e) for s, e in att.parts if text[s:e].strip()]
    if att.speaker is not None:
        s, e = max(att.speaker[0], lo), min(att.speaker[1], hi)
        att.speaker = (s, e) if e > s and text[s:e].strip() else None


def _according_to(tok) -> _Att | None:
    to = [c for c in tok.children if c.lower_ == "to"]
    if not to:
        return None
    objs = [c for c in to[0].children if c.dep_ == "pobj"]
    if not objs:
        return None
    if tok.head is tok:
        return None
    # "According to X, S" / "S, according to X": the rest of the sentence is the content
    sent = tok.sent
    ids = set(range(sent.start, sent.end)) - _subtree_ids(tok)
    parts = _parts_from_ids(tok.doc, ids)
    return _Att(parts=parts, cue=(tok.idx, to[0].idx + len(to[0].text)), speaker=_phrase(objs[0]), cue_i=tok.i)


def _lemma(tok) -> str:
    """spaCy's lemma, with its known slips mended ("hoping" → "hop")."""
    lemma = tok.lemma_.lower()
    return "hope" if lemma == "hop" and tok.lower_.startswith("hop") else lemma


def _verb_attribution(verb, text: str) -> _Att | None:
    lemma = _lemma(verb)
    doc = verb.doc
    children = list(verb.children)
    content = []
    extra = None
    if lemma in CCOMP_CUES | DOBJ_CUES:
        # "Aliyev stated as much", "This was stated by Galuzin": the sentence before
        # (but "it was reported by X that …" has its content right there)
        clause = any(c.dep_ == "ccomp" for c in children)
        agent = any(c.dep_ == "agent" for c in children)
        for c in children:
            if _anaphoric(c) and (c.dep_ == "dobj" or (
                    c.dep_ == "nsubjpass" and agent and not (clause and c.lower_ == "it"))):
                return _anaphoric_attribution(verb, text)
    if lemma in CCOMP_CUES:
        content = [c for c in children if c.dep_ == "ccomp"]
        if not content and verb.dep_ == "parataxis" and verb.head is not verb:
            # "The deal, he said, is dead": the cue is a parenthetical inside its content
            ids = _subtree_ids(verb.head, [verb])
            return _make(verb, _parts_from_ids(doc, ids))
        if not content and any(c.dep_ == "agent" for c in children):
            content = [c for c in children if c.dep_ == "nsubjpass" and c.lower_ != "it"]
    if not content and lemma in NAMING_CUES and verb.dep_ not in ("acl", "amod") and _subject(verb) is not None:
        # "called Carson a special person": object and predicate together
        oprd = [c for c in children if c.dep_ == "oprd"]
        if oprd:
            content = [c for c in children if c.dep_ == "dobj"] + oprd
    if not content and lemma == "make":
        # "Obama made it clear that security trumped other concerns"
        clear = [c for c in children if c.lower_ == "clear"]
        clause = _that_clause(clear[0]) if clear else None
        content = [clause] if clause is not None else []
    if not content and lemma in AS_CUES and verb.dep_ not in ("acl", "amod"):
        # "many supporters see him as the stronger candidate": object and its "as" phrase
        as_phrase = [c for c in children if c.dep_ == "prep" and c.lower_ == "as"]
        # passive "the process is seen as a way …": the subject takes the object's place
        objs = [c for c in children if c.dep_ in ("dobj", "nsubjpass")]
        if as_phrase and objs:
            content = objs[:1] + as_phrase[:1]
    if not content and lemma in POLL_VERBS and _polled(verb):
        # "A Monmouth poll showed Clinton with a healthy lead …": all that follows the verb
        content = [c for c in children if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj", "advmod")]
    if not content and lemma in XCOMP_CUES:
        content = [c for c in children if c.dep_ == "xcomp"]
    if not content and lemma in PREP_CUES:
        for c in children:
            if c.dep_ == "prep" and c.lower_ in PREP_CUES[lemma]:
                objs = [x for x in c.children if x.dep_ in ("pobj", "pcomp")]
                if objs:
                    content, extra = objs[:1], c
                    break
    if not content and lemma in DOBJ_CUES:
        content = [c for c in children if c.dep_ == "dobj"]
    if not content:
        return None
    ids: set[int] = set()
    for c in content:
        ids |= _subtree_ids(c)
    return _make(verb, _parts_from_ids(doc, ids), extra)


def _that_clause(tok):
    """A "that …" clause hanging from ``tok`` (acl, ccomp or advcl with the mark "that")."""
    for c in tok.children:
        if c.dep_ in ("acl", "ccomp", "advcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            return c
    return None


def _noun_attribution(noun) -> _Att | None:
    """"his claim that …", "made the case that …": the clause the noun introduces."""
    clause = _that_clause(noun)
    if clause is None:
        return None
    poss = [c for c in noun.children if c.dep_ == "poss"]
    verb = noun.head if noun.dep_ in ("dobj", "attr") and noun.head is not noun else None
    subj = poss[0] if poss else (_subject(verb) if verb is not None else None)
    toks = [noun] + ([verb] if verb is not None and not poss else [])
    return _Att(parts=_parts_from_ids(noun.doc, _subtree_ids(clause)),
                cue=(min(t.idx for t in toks), max(t.idx + len(t.text) for t in toks)),
                speaker=_phrase(subj) if subj is not None else None, cue_i=noun.i)


def _adjective_attribution(adj) -> _Att | None:
    """"X is confident that …", "X is wary of …": the stance adjective's complement."""
    content, extra = [], None
    for c in adj.children:
        if c.dep_ in ("ccomp", "xcomp"):
            content = [c]
            break
        if c.dep_ == "prep":
            objs = [x for x in c.children if x.dep_ in ("pobj", "pcomp")]
            if objs:
                content, extra = objs[:1], c
                break
    if not content:
        return None
    verb = adj.head
    ids = _subtree_ids(content[0])
    att = _make(verb, _parts_from_ids(adj.doc, ids))
    toks = [verb, adj] + ([extra] if extra is not None else [])
    att.cue = (min(t.idx for t in toks), max(t.idx + len(t.text) for t in toks))
    att.cue_i = adj.i
    return att


COLON_LINE = re.compile(r"^([A-Z][^:\n]{1,50}?):\s+(\S[^\n]*?)[.\s]*$", re.M)
NOT_SPEAKERS = frozenset("""read more photo photos source sources update updated note related editor's
editor watch click video image images credit listen see also correction disclosure
advertisement q a tags share email print breaking revealed look boom previously contributing
exclusive just in developing live analysis opinion editorial""".split())


def _colon_lines(text: str) -> list[_Att]:
    """Headline and interview form "Trump: Clinton should have congratulated me": the
    name before the colon said what follows it."""
    atts = []
    for m in COLON_LINE.finditer(text):
        left, right = m.group(1), m.group(2)
        words = left.split()
        if len(words) > 5 or len(right.split()) < 3 or left.lower().rstrip("s") in NOT_SPEAKERS:
            continue
        if not all(w[:1].isupper() or w.lower() in ("of", "the", "and", "de") for w in words):
            continue
        if any(ch.isdigit() for ch in left) or right.count(",") >= 4:
            continue  # times, dates, lists of names
        if len(words) == 1 and left.isupper() and len(left) > 3:
            continue  # "BOOM:", "LOOK:" — a shout, not a source
        if " ".join(w.lower() for w in words).replace("’", "'") in NOT_SPEAKERS or words[0].lower() in NOT_SPEAKERS:
            continue
        colon = m.end(1)
        atts.append(_Att(parts=[(m.start(2), m.end(2))], cue=(colon, colon + 1),
                         speaker=(m.start(1), m.end(1)), cue_i=-1 - colon))
    return atts


def _polled(verb) -> bool:
    subj = _subject(verb)
    return subj is not None and _lemma(subj) in POLL_NOUNS


def _in_poll(tok) -> _Att | None:
    """"In a new Fox News poll, Trump achieved 45 percent": the poll is the source."""
    objs = [c for c in tok.children if c.dep_ == "pobj" and _lemma(c) in POLL_NOUNS]
    if not objs or tok.head is tok:
        return None
    # only a fronted or parenthetical "in a poll," ("ahead in the polls" reports no one)
    after = tok.doc[tok.right_edge.i + 1] if tok.right_edge.i + 1 < len(tok.doc) else None
    if after is None or after.text != ",":
        return None
    sent = tok.sent
    ids = set(range(sent.start, sent.end)) - _subtree_ids(tok)
    return _Att(parts=_parts_from_ids(tok.doc, ids), cue=(tok.idx, tok.idx + len(tok.text)),
                speaker=_phrase(objs[0]), cue_i=tok.i)


def _make(verb, parts, extra=None) -> _Att:
    subj = _subject(verb)
    speaker = _phrase(subj) if subj is not None else None
    att = _Att(parts=parts, cue=_cue_span(verb, extra), speaker=speaker, cue_i=verb.i)
    # "I think", "you know", "we want": a speaker's own words, quoted or transcribed
    att.extra["first_person"] = subj is not None and subj.lower_ in FIRST_SECOND_PERSON
    return att


def _anaphoric(obj) -> bool:
    return obj.lower_ in ANAPHORIC_OBJECTS and len(list(obj.subtree)) <= 2


def _anaphoric_attribution(verb, text: str) -> _Att | None:
    """"Aliyev stated as much": the content is the sentence before."""
    sent = verb.sent
    if sent.start == 0:
        return None
    prev = verb.doc[sent.start - 1].sent
    parts = _parts_from_ids(verb.doc, set(range(prev.start, prev.end)))
    # the sentence before may have swallowed a headline: keep its last paragraph
    lo = text.rfind("\n", 0, parts[-1][1]) + 1 if parts else 0
    parts = [(max(s, lo), e) for s, e in parts if e > lo and text[max(s, lo):e].strip()]
    att = _make(verb, parts)
    att.extra["anaphoric"] = True
    return att


def _words_outside(text: str, parts, quote) -> int:
    """Words of ``parts`` that lie outside the quote's parts."""
    count = 0
    for s, e in parts:
        near = [(qs, qe) for qs, qe in quote if qe > s and qs < e]
        count += sum(1 for m in re.finditer(r"\w+", text[s:e]) if not _inside(s + m.start(), near))
    return count


def _overlap(a, b) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(parts) -> int:
    return sum(e - s for s, e in parts)


def _inside(pos: int, parts) -> bool:
    return any(s <= pos < e for s, e in parts)


def _merge(doc, text: str, parsed: list[_Att], direct: list[_Att]) -> list[_Att]:
    """Tie quote marks to the parse: a parsed content inside a quote lends it its cue and
    speaker; a quoted fragment inside reported speech is part of that speech; a cue inside
    a quote is the quoted person's words, not a new attribution."""
    attributed, absorbed = [], []
    all_quoted = [p for q in direct for p in q.parts]
    parsed.sort(key=lambda a: a.parts[0][0])
    firsts = [a.parts[0][0] for a in parsed]
    longest = max((a.parts[-1][1] - a.parts[0][0] for a in parsed), default=0)
    for q in direct:
        cue = _window_cue(doc, text, q)
        # only attributions that can overlap the quote (sorted by start: a window of them)
        lo = bisect_right(firsts, q.parts[0][0] - longest - 1)
        hi = bisect_right(firsts, q.parts[-1][1])
        outside = [a for a in parsed[lo:hi] if not _inside(a.cue[0], q.parts)
                   and a.parts[-1][1] > q.parts[0][0]]
        # a host is reported speech with words of its own beyond the quotes it contains
        hosts = [a for a in outside if _overlap(a.parts, q.parts) >= 0.5 * _length(q.parts)
                 and _words_outside(text, a.parts, all_quoted) >= 2]
        starts = _starts_sentence(text, q.parts[0][0])
        host = next((a for a in hosts if cue is not None and a.cue_i == cue.i), None)
        if host is None and not starts and cue is None and hosts:
            host = hosts[0]
        if host is not None:
            # the quote is (part of) reported speech the parse already has: “A,” X said, “B”
            # or a quoted fragment, “critical part of our strategy”
            if starts and host.cue[0] >= q.parts[-1][1]:
                host.parts = [(max(s, q.parts[0][0]), e) for s, e in host.parts if e > q.parts[0][0]]
            absorbed.extend(q.parts)
            continue
        inner = [a for a in outside if _overlap(a.parts, q.parts) >= 0.8 * _length(a.parts)]
        same = [a for a in inner if cue is not None and a.cue_i == cue.i]
        if cue is not None and not same:
            _set_cue(doc, q, cue)
        elif same or inner:
            # the parse linked the cue to (a clause of) the quote: take its cue and subject
            best = max(same or inner, key=lambda a: _overlap(a.parts, q.parts))
            q.cue, q.speaker, q.cue_i = best.cue, best.speaker, best.cue_i
        attributed.append(q)
    attributed = _join_split_quotes(text, attributed)
    kept = [q for q in attributed if q.cue is not None]
    quoted = [p for q in kept for p in q.parts] + absorbed
    took = {}
    for q in kept:
        took.setdefault(q.cue_i, []).extend(q.parts)
    # a parsed attribution whose cue sits inside a quote is words nested in it; one that
    # shares its cue with a quote and overlaps it is that quote: drop both kinds
    out = [a for a in parsed if not _inside(a.cue[0], quoted)
           and not (a.cue_i in took and _overlap(a.parts, took[a.cue_i]) > 0)]
    out += [q for q in kept if not q.extra.get("merged")]
    loose = [q for q in attributed if q.cue is None and not q.extra.get("merged")]
    attached = _attach_loose_quotes(doc, text, out, loose)
    if attached:
        out = [a for a in out if a.direct or not _inside(a.cue[0], attached)]
    out = _drop_nested(out)
    out.sort(key=lambda a: a.parts[0][0])
    return out


def _attach_loose_quotes(doc, text: str, atts: list[_Att], loose: list[_Att]) -> list[tuple[int, int]]:
    """A quote with no cue of its own that opens the sentence right after reported speech
    continues it: Ms. Hua said her country was watching "with bemused interest." "…"
    Returns the parts attached."""
    attached: list[tuple[int, int]] = []
    for q in loose:
        start = q.parts[0][0]
        if not _starts_sentence(text, start):
            continue
        before = [a for a in atts if a.cue[0] < start and _reach(a) <= start and start - _reach(a) < 400]
        if not before:
            continue
        host = max(before, key=_reach)
        if not _speech_cue(doc, host):
            continue
        reach = _reach(host)
        ends = _sentence_ends(text, reach, start)
        if _blank(text[reach:start], ",.") or (ends and _blank(text[ends[0]:start])):
            host.parts = sorted(host.parts + q.parts)
            attached.extend(q.parts)
    return attached


def _reach(a: _Att) -> int:
    return max(a.parts[-1][1], a.cue[1])


def _speech_cue(doc, a: _Att) -> bool:
    """Whether an attribution's cue is a verb of saying (or "according to")."""
    if a.cue_i is None or a.cue_i < 0:
        return False
    tok = doc[a.cue_i]
    return tok.lower_ == "according" or _lemma(tok) in QUOTE_CUES


def _drop_nested(atts: list[_Att]) -> list[_Att]:
    """One role per word: an attribution whose cue lies inside another's content is part of
    what that other source said ("He said the parties do not need mediators who want …")."""
    spans = sorted((s, e, id(a)) for a in atts for s, e in a.parts)
    starts = [s for s, _, _ in spans]
    keep = []
    for a in atts:
        pos = a.cue[0]
        i = bisect_right(starts, pos)
        # contents are short and few overlap, so a short look back suffices
        nested = any(s <= pos < e and owner != id(a) for s, e, owner in spans[max(0, i - 8):i])
        if not nested:
            keep.append(a)
    return keep


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether a quote opening at ``pos`` begins a sentence or paragraph."""
    before = text[max(0, pos - 40):pos].rstrip().rstrip(ALL_MARKS).rstrip()
    return not before or before[-1] in ".!?:\n…"


def _window_cue(doc, text: str, q: _Att):
    """A quote's cue right after its closing mark (“…,” X said) or right before its
    opening mark (X said: “…”), within the sentence."""
    end = q.parts[-1][1]
    # “…,” X said — but not “another super Tuesday” and said …: the quote must end its clause
    if text[end - 1] in ",.!?…—-" or text[end:end + 3].lstrip(ALL_MARKS)[:1] in (",", "—", "–", "-"):
        cue = _cue_in(doc, end, _window_end(text, end), after=True)
        if cue is not None:
            return cue
    start = q.parts[0][0]
    before = text[max(0, start - 200):start].rstrip().rstrip(ALL_MARKS).rstrip()
    if before.endswith((":", ",", "—")):
        return _cue_in(doc, _window_start(text, start), start, after=False)
    return None


def _set_cue(doc, q: _Att, cue) -> None:
    q.cue_i = cue.i
    q.cue = _cue_span(cue)
    subj = _subject(cue)
    if subj is None or _inside(subj.idx, q.parts):
        subj = _near_name(doc, cue)
    q.speaker = _phrase(subj) if subj is not None else None


def _window_end(text: str, pos: int) -> int:
    """End of the sentence a closing quote mark sits in."""
    found = _sentence_ends(text, pos + 1, min(len(text), pos + 400))
    nl = text.find("\n", pos)
    ends = [x for x in (found[0] if found else None, nl if nl >= 0 else None) if x is not None]
    nxt = [text.find(c, pos + 2) for c in "“«\""]
    ends += [x for x in nxt if x > pos]
    return min(ends) if ends else len(text)


def _window_start(text: str, pos: int) -> int:
    """Start of the sentence an opening quote mark sits in."""
    lo = max(text.rfind("\n", 0, pos), -1) + 1
    ends = _sentence_ends(text, max(lo, pos - 400), max(lo, pos - 1))
    return ends[-1] if ends else lo


def _cue_in(doc, lo: int, hi: int, after: bool):
    """The speech verb nearest to the quote inside [lo, hi)."""
    span = doc.char_span(lo, hi, alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in QUOTE_CUES and t.idx >= lo]
    if not verbs:
        return None
    return verbs[0] if after else verbs[-1]


def _near_name(doc, verb):
    """For "… said Galuzin" parsed oddly: the proper noun or pronoun next to the cue."""
    sent = verb.sent
    for t in list(doc[verb.i + 1: sent.end]) + list(reversed(doc[sent.start: verb.i])):
        if t.pos_ in ("PROPN", "PRON") and t.lower_ not in ("it", "this", "that", "i", "we", "you") \
                and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
            head = t
            while head.dep_ == "compound" and head.head is not head:
                head = head.head
            return head
        if t.is_punct and t.text not in ",":
            break
    return None


def _join_split_quotes(text: str, quotes: list[_Att]) -> list[_Att]:
    """“A,” he said, “B.” and a quote continued in the next sentence are one attribution."""
    prev: _Att | None = None
    for q in quotes:
        if prev is not None and prev.cue is not None:
            same_cue = q.cue_i is not None and q.cue_i == prev.cue_i
            if same_cue or (q.cue is None and _continues(text, prev, q)):
                prev.parts.extend(q.parts)
                q.extra["merged"] = True
                continue
        if q.cue is not None:  # a title in quote marks between two parts does not break them
            prev = q
    return quotes


def _continues(text: str, prev: _Att, q: _Att) -> bool:
    """A cue-less quote that opens a sentence continues the previous quote when nothing
    but the previous quote's own attribution sentence stands between them:
    “A,” Clinton said on Thursday. “B.”"""
    start, end = prev.parts[-1][1], q.parts[0][0]
    if not _starts_sentence(text, end) or end - start > 400:
        return False
    if _blank(text[start:end], ",."):
        return True
    if prev.cue is None or not start <= prev.cue[0] < end:
        return False
    ends = _sentence_ends(text, prev.cue[1], end)
    return bool(ends) and _blank(text[ends[0]:end])


def _blank(s: str, also: str = "") -> bool:
    """Nothing but white space (any kind), quote marks and ``also`` in ``s``."""
    return all(ch.isspace() or ch in ALL_MARKS or ch in also for ch in s)


# --- from attributions to Quote records -------------------------------------------


def _to_quotes(doc, text: str, atts: list[_Att], has_ents: bool, quoted) -> list[Quote]:
    sent_starts = [s.start_char for s in doc.sents]
    persons, surnames = _person_mentions(doc, text, atts, has_ents)
    out = []
    for a in atts:
        parts = sorted(a.parts)
        s, e = parts[0][0], parts[-1][1]
        sp_s, sp_e = a.speaker if a.speaker else (None, None)
        speaker = text[sp_s:sp_e] if a.speaker else None
        cue_s, cue_e = a.cue if a.cue else (None, None)
        direct = a.direct or _overlap(parts, quoted) >= 0.5 * _length(parts)
        out.append(Quote(
            content_start=s, content_end=e, content=text[s:e], parts=tuple(parts),
            speaker_start=sp_s, speaker_end=sp_e, speaker=speaker,
            speaker_resolved=_resolve(doc, a.speaker, persons, surnames) if a.speaker else None,
            cue=text[cue_s:cue_e] if a.cue else None, cue_start=cue_s, cue_end=cue_e,
            direct=direct, sentence=max(0, bisect_right(sent_starts, s) - 1),
        ))
    return out


def _person_mentions(doc, text: str, atts, has_ents: bool) -> tuple[list[tuple[int, str]], dict[str, str]]:
    """Named persons acting as speakers or subjects, by position, with their fullest name;
    and each surname's fullest name ("Galuzin" → "Mikhail Galuzin")."""
    names = [ent for ent in doc.ents if ent.label_ == "PERSON"] if has_ents else _propn_chains(doc)
    names = [n for n in (_trim_name(n) for n in names) if n is not None]
    surnames: dict[str, str] = {}
    for name in names:
        if len(name.text) > len(surnames.get(name[-1].text, "")):
            surnames[name[-1].text] = name.text
    speakers = [a.speaker for a in atts if a.speaker]
    mentions = []
    for name in names:
        acting = name.root.dep_ in ("nsubj", "nsubjpass", "pobj", "compound", "appos") or any(
            s <= name.start_char < e for s, e in speakers)
        if acting:
            mentions.append((name.start_char, surnames[name[-1].text]))
    for s, e in speakers:
        # "… said Galuzin": the parser may not tag a bare surname as a person
        words = text[s:e].split()
        word = words[-1] if words else ""
        if word in surnames:
            mentions.append((s, surnames[word]))
    mentions.sort()
    return mentions, surnames


def _propn_chains(doc):
    """Runs of proper nouns, standing in for person names when the Doc has no entities."""
    chains, start = [], None
    for t in doc:
        if t.pos_ == "PROPN" and start is None:
            start = t.i
        elif t.pos_ != "PROPN" and start is not None:
            chains.append(doc[start:t.i])
            start = None
    if start is not None:
        chains.append(doc[start:len(doc)])
    return chains


def _trim_name(span):
    """Drop a possessive "'s" and edge punctuation from a name."""
    toks = [t for t in span if not t.is_punct and t.lower_ not in ("'s", "’s")]
    if not toks:
        return None
    return span.doc[toks[0].i: toks[-1].i + 1]


def _resolve(doc, span, persons, surnames) -> str | None:
    """The named person (or organisation) a speaker phrase stands for."""
    s, e = span
    sp = doc.char_span(s, e, alignment_mode="expand")
    if sp is None:
        return None
    inside = [name for pos, name in persons if s <= pos < e]
    if inside:
        return inside[0]
    head = sp.root
    if head.lower_ in PRONOUNS or head.lower_ in ROLE_NOUNS or _lemma(head) in ROLE_NOUNS:
        before = [name for pos, name in persons if pos < s]
        return before[-1] if before else None
    if head.pos_ == "PROPN":
        if head.text in surnames:
            return surnames[head.text]
        chain = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [head]
        return " ".join(t.text for t in chain)
    ents = [ent for ent in sp.ents if ent.label_ in ("ORG", "GPE", "NORP", "PERSON")]
    return _trim_name(ents[0]).text if ents and _trim_name(ents[0]) is not None else None


# --- Russian ---------------------------------------------------------------------
# Rules over characters and words; natasha's news NER (weights ship inside the
# package) names the speakers when it is installed.

RU_CUE = (r"(?:заяви|сказа|отмети|сообщи|подчеркну|добави|поясни|рассказа|призна|уточни|"
          r"напомни|указа|ответи|предупреди|объяви|написа|добавля|подчеркива|отмеча|"
          r"заявля|сообща|говори|пиш|считае|счита|полага|полагае|убежда)(?:л|ла|ли|ло|ет|ют|ит|ят|ут)\b")
RU_PRONOUNS = frozenset({"он", "она", "они"})
RU_NAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)+"


@dataclass(frozen=True)
class _Person:
    start: int
    end: int
    normal: str


def _find_russian(text: str, doc=None) -> list[Quote]:
    persons = _ru_persons(text, doc)
    sents = _ru_sentences(text)
    quotes = [q for q in (_ru_direct(text, parts, persons) for parts in quote_spans(text)) if q]
    quoted = [p for q in quotes for p in q.parts]
    for s, e in sents:
        q = _ru_indirect(text, s, e, persons)
        if q is not None and not _inside(q.content_start, quoted) and not _inside(q.cue_start, quoted):
            quotes.append(q)
    quotes.sort(key=lambda q: q.content_start)
    return _ru_resolve(quotes, [s for s, _ in sents], persons)


def _ru_persons(text: str, doc=None) -> list[_Person]:
    """Person names with their nominative form ("Сергея Лаврова" → "Сергей Лавров"), from the
    article's natasha parse (``doc``, or made here); capitalised word runs when natasha is missing."""
    try:
        doc = russian.parse(text, doc)
        vocab = russian.models().vocab
    except ImportError:
        return [_Person(m.start(), m.end(), m.group()) for m in re.finditer(RU_NAME, text)]
    out = []
    for span in doc.spans:
        if span.type == "PER":
            span.normalize(vocab)
            out.append(_Person(span.start, span.stop, span.normal or span.text))
    return out


def _ru_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, not split inside quote marks."""
    masked = list(text)
    for parts in quote_spans(text):
        for s, e in parts:
            for i in range(s, e):
                if masked[i] in ".!?…":
                    masked[i] = "_"
    masked_text = "".join(masked)
    out, start = [], 0
    for m in re.finditer(r"[.!?…]+[»”\"]?(?=\s)|\n+", masked_text):
        if text[start:m.end()].strip():
            out.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out]


def _ru_direct(text: str, parts, persons) -> Quote | None:
    """«…», — заявил X. / X заявил: «…»"""
    end = parts[-1][1]
    after = re.match(r"[»”\"]?\s*[,.!?]?\s*[—–-]\s*(" + RU_CUE + r")\s+([^.,;:!?\n«»]+)", text[end:end + 200])
    if after:
        cue = (end + after.start(1), end + after.end(1))
        spk = _ru_after_speaker(text, end + after.start(2), end + after.end(2), persons)
        return _ru_quote(text, parts, cue, spk, True)
    start = parts[0][0]
    head = text[max(0, start - 200):start]
    before = re.search(r"([^.!?\n«»:,—]+?)\s+(" + RU_CUE + r")(?:[^.!?\n«»:]{0,60})?:\s*[«„“\"]?$", head)
    if before:
        off = start - len(head)
        cue = (off + before.start(2), off + before.end(2))
        return _ru_quote(text, parts, cue, (off + before.start(1), off + before.end(1)), True)
    return None


def _ru_after_speaker(text: str, s: int, e: int, persons) -> tuple[int, int]:
    """After "— заявил": the words up to the end of the first person's name
    ("Песков журналистам" → "Песков"), or the pronoun, or the phrase."""
    first = text[s:e].split()[0] if text[s:e].split() else ""
    if first.lower() in RU_PRONOUNS:
        return s, s + len(first)
    named = [p for p in persons if s <= p.start < e]
    return (s, named[0].end) if named else (s, e)


def _ru_indirect(text: str, s: int, e: int, persons) -> Quote | None:
    """"По словам X, S" and "X заявил, что S"."""
    sent = text[s:e]
    m = re.match(r"(\s*По\s+словам)\s+([^,]+),\s*(.+)", sent, re.S)
    if m:
        cue = (s + m.start(1) + len(m.group(1)) - len(m.group(1).lstrip()), s + m.end(1))
        return _ru_quote(text, [(s + m.start(3), _rstrip_at(text, e))], cue, (s + m.start(2), s + m.end(2)), False)
    m = re.search(r"(" + RU_CUE + r")[^.,]{0,40},\s*(что|будто|как)\s", sent)
    if m:
        # the subject: from the last clause break before the cue up to the cue
        lead = sent[:m.start(1)]
        cut = max(lead.rfind(","), lead.rfind("—"), lead.rfind(":"))
        spk_s = s + cut + 1
        spk = (spk_s, s + m.start(1))
        return _ru_quote(text, [(s + m.start(2), _rstrip_at(text, e))], (s + m.start(1), s + m.end(1)), spk, False)
    return None


def _rstrip_at(text: str, e: int) -> int:
    while e > 0 and (text[e - 1].isspace() or text[e - 1] in "."):
        e -= 1
    return e


def _ru_quote(text, parts, cue, spk, direct) -> Quote:
    parts = tuple(sorted(parts))
    s, e = parts[0][0], parts[-1][1]
    if spk is not None:
        a, b = spk
        while a < b and (text[a].isspace() or text[a] in "—–-,"):
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spk = (a, b) if b > a else None
    return Quote(
        content_start=s, content_end=e, content=text[s:e], parts=parts,
        speaker_start=spk[0] if spk else None, speaker_end=spk[1] if spk else None,
        speaker=text[spk[0]:spk[1]] if spk else None, speaker_resolved=None,
        cue=text[cue[0]:cue[1]], cue_start=cue[0], cue_end=cue[1], direct=direct, sentence=0,
    )


def _ru_resolve(quotes: list[Quote], sent_starts: list[int], persons=None) -> list[Quote]:
    """The person named in the speaker phrase, or for "он"/"она" the previous one."""
    full: dict[str, str] = {}
    for p in persons or []:
        if len(p.normal) > len(full.get(p.normal.split()[-1], "")):
            full[p.normal.split()[-1]] = p.normal  # "Песков" → "Дмитрий Песков"
    out, last = [], None
    for q in quotes:
        resolved = None
        if q.speaker:
            named = [p for p in (persons or []) if q.speaker_start <= p.start < q.speaker_end]
            if named:
                resolved = last = full.get(named[-1].normal.split()[-1], named[-1].normal)
            elif q.speaker.lower() in RU_PRONOUNS:
                resolved = last
        out.append(replace(q, speaker_resolved=resolved,
                           sentence=max(0, bisect_right(sent_starts, q.content_start) - 1)))
    return out
