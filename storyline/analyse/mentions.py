"""Entity mentions of one article: people, organisations, places, nationalities.

English runs spaCy's packaged small model, then cheap document-level rules
that fix what a sentence-by-sentence tagger gets wrong: a title glued to a
name ("President of Kazakhstan Kassym-Jomart Tokayev"), a city read as a
person, a surname whose full name came earlier, the same name tagged two
ways in one article, all-caps headlines. Russian runs natasha. Any other
language gets sentences and gazetteer places (countries and cities), so a
story in Armenian or Kazakh still has its places.

Every rule is linear in the number of tokens: the analyse stage has to keep
up with bare ``nlp.pipe``.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from . import gazetteer, russian
from . import nlp as models


@dataclass(frozen=True)
class Mention:
    start: int  # character span in the text
    end: int
    text: str
    label: str  # PER | ORG | LOC | NORP
    sentence: int  # index of the sentence in the document
    role: str | None = None  # "President of Kazakhstan" when a title is glued to a person
    canonical: str | None = None  # fullest form of the name seen earlier ("Tokayev" → "Kassym-Jomart Tokayev")
    country: str | None = None  # ISO alpha-2 of the place, demonym or the person's role


# spaCy's OntoNotes labels → ours; countries, cities and facilities are all places here.
LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "NORP"}
TYPES = ("PER", "ORG", "LOC")

# Nouns that make a role out of the words before (or after) a person's name.
TITLE_HEADS = frozenset("""
president vice-president president-elect premier chancellor minister secretary spokesperson spokesman
spokeswoman chairman chairwoman chair head leader ambassador envoy general director chief senator
governor mayor king queen prince princess sheikh emir pope commander colonel captain lieutenant
sergeant officer official representative judge justice attorney prosecutor coach manager
speaker adviser advisor aide analyst economist expert member founder ceo executive deputy
diplomat negotiator ombudsman patriarch archbishop bishop cardinal rabbi imam ayatollah
mr mr. mrs mrs. ms ms. dr dr. sir lord lady gen. gen col. col lt. capt. sen. gov. rep. prof. prof
professor correspondent editor reporter writer author candidate rival striker midfielder defender
goalkeeper player champion owner trainer rider driver
""".split())
# Words that qualify a title without being one ("Foreign", "Prime", "State").
TITLE_MODIFIERS = frozenset("""
prime foreign interior defence defense finance economy trade energy justice health education
state national security affairs first former acting current new then deputy vice senior top
chief general presidential press parliament parliamentary party opposition military army
ministry department council government federal regional republic central bank
""".split())
_ROLE_JOINERS = frozenset({"of", "the", "for", "'s", "’s"})
# Tokens that never start or end a name (CoNLL-style spans exclude them).
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "president",
                         "prime", "minister", "gen.", "general", "king", "queen", "pope", "prince",
                         "sheikh", "senator", "sen.", "gov.", "governor", "mayor", "judge", "coach"})


@dataclass
class _Span:
    """A mention under construction, over spaCy token indices."""

    start: int
    end: int
    label: str
    role: tuple[int, int] | None = None
    canonical: str | None = None
    strong: bool = False  # labelled from its context (a results line): the document vote may not overturn it


# ---------------------------------------------------------------- public API


def find_mentions(text: str, lang: str = "en", doc=None) -> list[Mention]:
    """Mentions of ``text``; ``doc`` is an optional Doc already parsed from ``text``: spaCy's for
    English, natasha's from ``russian.parse`` for Russian (shared with quotes and events)."""
    lang = (lang or "en").lower()[:2]
    if lang == "en":
        recased = recase_headlines(text)
        if doc is not None and doc.text == recased:
            return _english(text, doc)  # the caller parsed the recased text already
        # Headlines changed case: tag the recased copy, but number sentences as
        # the caller's Doc does, so mentions line up with its quotes and events.
        return _english(text, models.english()(recased), sentences=doc)
    if lang == "ru":
        return _russian(text, doc if russian.is_parse(doc, text) else None)
    return _gazetteer_only(text, lang)


def mentions_in_docs(texts: Iterable[str], lang: str = "en", batch_size: int = 32) -> Iterator[list[Mention]]:
    """Mentions of each text, parsing English in ``nlp.pipe`` batches for throughput."""
    lang = (lang or "en").lower()[:2]
    if lang != "en":
        for text in texts:
            yield find_mentions(text, lang)
        return
    pairs = ((recase_headlines(t), t) for t in texts)
    for doc, original in models.english().pipe(pairs, batch_size=batch_size, as_tuples=True):
        yield _english(original, doc)


# ---------------------------------------------------------------- headlines

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*\.?")


def recase_headlines(text: str) -> str:
    """``text`` with ALL-CAPS headlines and datelines rewritten in ordinary case, same length.

    A tagger trained on ordinary text reads every word of "LEICESTERSHIRE TAKE
    OVER AT TOP" as a name and none of "SEOUL 1996-08-22". In an all-caps
    line each word gets the casing it has elsewhere in the article, a
    function word goes lower case, anything else title case; elsewhere an
    all-caps word is recased only when the article or the gazetteer knows it
    ("CHICAGO" → "Chicago"; "NATO" stays). Offsets do not move, so mentions
    found on the recased text index ``text``.
    """
    if not _HAS_CAPS_WORD.search(text):
        return text
    seen = _casings(text)
    out = list(text)
    for line in _LINE.finditer(text):
        whole = _is_caps(line.group())
        words = list(_WORD.finditer(line.group()))
        for w, new in zip(words, _place_words(line.group(), words)):
            word = w.group()
            if new is None:
                if whole:
                    new = _recase_word(word, seen, w.start() == 0)
                elif word.isupper() and len(word) >= 4:
                    new = _recase_known(word, seen)
                else:
                    continue
            if len(new) == len(word) and new != word:
                a = line.start() + w.start()
                out[a:a + len(word)] = new
    return "".join(out)


def _place_words(line: str, words: list) -> list[str | None]:
    """Title case for all-caps words that together name a place ("NEW YORK", "CAPE TOWN")."""
    out: list[str | None] = [None] * len(words)
    places = gazetteer.english_places()
    i = 0
    while i < len(words):
        step = 1
        for n in (3, 2):
            group = words[i:i + n]
            if len(group) == n and all(g.group().isupper() for g in group):
                phrase = line[group[0].start():group[-1].end()]
                if phrase.title() in places and "  " not in phrase:
                    for k, g in enumerate(group):
                        out[i + k] = g.group().capitalize()
                    step = n
                    break
        i += step
    return out


_HAS_CAPS_WORD = re.compile(r"[A-Z]{4}")


def _recase_known(word: str, seen: dict[str, str]) -> str:
    lower = word.lower()
    if lower in seen:
        return seen[lower]
    title = word.capitalize()
    return title if title in gazetteer.english_places() else word


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper >= 0.9 * len(letters)


def _casings(text: str) -> dict[str, str]:
    """Lower-cased word → its most frequent written form in the non-caps lines."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in _LINE.finditer(text):
        if _is_caps(line.group()):
            continue
        for i, w in enumerate(_WORD.finditer(line.group())):
            word = w.group()
            if not word.isupper() or len(word) <= 4:
                counts[word.lower()][word] += 1 if i else 0.5  # a line's first word is capitalised anyway
    return {k: c.most_common(1)[0][0] for k, c in counts.items()}


@lru_cache(maxsize=None)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _recase_word(word: str, seen: dict[str, str], first: bool) -> str:
    lower = word.lower()
    if lower in seen:
        return seen[lower]
    if lower in _stop_words():
        return word.capitalize() if first else lower
    if len(word) <= 3 and "." not in word:
        return word  # an acronym more often than not: "UN", "US", "FIFA" stays
    return word.capitalize() if not _is_common(lower) else (word.capitalize() if first else lower)


def _is_common(lower: str) -> bool:
    # Words the tagger's lemmatizer knows as English vocabulary (plurals
    # included) and the gazetteer does not know as a place.
    index = _lemma_index()
    known = lower in index or (lower.endswith("s") and lower[:-1] in index) or (
        lower.endswith("es") and lower[:-2] in index)
    return known and lower.capitalize() not in gazetteer.english_places()


@lru_cache(maxsize=None)
def _lemma_index() -> frozenset[str]:
    table = models.english().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words: set[str] = set()
    for pos in table.keys():
        words.update(w for w in table[pos] if w.isalpha())
    return frozenset(words)


# ---------------------------------------------------------------- English


def _english(text: str, doc, sentences=None) -> list[Mention]:
    spans = [_Span(e.start, e.end, LABELS[e.label_]) for e in doc.ents if e.label_ in LABELS]
    spans = _clean(doc, spans)
    spans = _split_glued_titles(doc, spans)
    _relabel_places(doc, spans)
    spans = _add_missed_names(doc, spans)
    spans = _add_sports_teams(doc, spans)
    _relabel_teams(doc, spans)
    spans = _widen_teams(doc, spans)
    spans = _org_by_suffix(doc, spans)
    _relabel_athletes(doc, spans)
    _relabel_clubs(doc, spans)
    _extend_first_names(doc, spans)
    spans = _drop_ordinary_words(doc, spans)
    spans = _document_consistency(doc, spans)
    spans = _attach_roles(doc, spans)
    return _to_mentions(text, doc, spans, sentences)


def _clean(doc, spans: list[_Span]) -> list[_Span]:
    """Cut spans at line breaks, numbers and brackets, then trim their edges.

    Tagging a results table, the model runs names into scores and across
    lines ("Sparta Rotterdam 0", "Lazio 1\nBari"); no name contains those.
    """
    out: list[_Span] = []
    for s in spans:
        piece = s.start
        for k in range(s.start, s.end + 1):
            if k == s.end or _breaks_name(doc[k]):
                if k > piece:
                    trimmed = _trim(doc, _Span(piece, k, s.label))
                    if trimmed is not None:
                        out.append(trimmed)
                piece = k + 1
    return out


def _breaks_name(token) -> bool:
    text = token.text
    return token.is_space or text in _BREAKERS or (any(c.isdigit() for c in text) and not text[:1].isalpha())


_BREAKERS = frozenset({"(", ")", "[", "]", ":", ";", "|", "/", "--", "=", "+", '"', "“", "”"})


def _trim(doc, span: _Span) -> _Span | None:
    """Drop determiners, honorifics and possessives from the edges of a name."""
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or not doc[start].text[:1].isalnum() or
                           (span.label == "PER" and doc[start].lower_ in _HONORIFICS)):
        start += 1
    while end > start and (doc[end - 1].lower_ in {"'s", "’s"} or doc[end - 1].is_lower
                           or not any(c.isalnum() for c in doc[end - 1].text)):
        end -= 1
    if start == end or not any(t.is_alpha for t in doc[start:end]):
        return None
    span.start, span.end = start, end
    return span


def _place(text: str) -> gazetteer.Place | None:
    return gazetteer.english_places().get(text)


def _is_title_word(token) -> bool:
    return token.lower_ in TITLE_HEADS or token.lower_ in TITLE_MODIFIERS


def _split_glued_titles(doc, spans: list[_Span]) -> list[_Span]:
    """"President of [Kazakhstan Kassym-Jomart Tokayev]" → LOC Kazakhstan + PER the rest.

    spaCy often swallows the country of a title into the following name and
    calls the whole an organisation. Split only after a title, so "Japan
    Airlines" stays whole.
    """
    out: list[_Span] = []
    for s in spans:
        out.extend(_split_one(doc, s))
    return out


def _split_one(doc, s: _Span) -> list[_Span]:
    if s.label not in ("PER", "ORG") or s.end - s.start < 2:
        return [s]
    inner = _split_inner_title(doc, s)
    if inner is not None:
        return inner
    before = doc[s.start - 1] if s.start > 0 else None
    after_title = before is not None and (
        _is_title_word(before) or (before.lower_ == "of" and s.start > 1 and _is_title_word(doc[s.start - 2])))
    if not after_title:
        return [s]
    for k in range(min(s.end - 1, s.start + 4), s.start, -1):
        place = _place(doc[s.start:k].text)
        if place is not None and place.kind != "city" and all(t.is_title or t.text == "-" for t in doc[k:s.end]):
            return [_Span(s.start, k, "LOC"), _Span(k, s.end, "PER")]
    return [s]


def _split_inner_title(doc, s: _Span) -> list[_Span] | None:
    """"[Azerbaijani President Ilham Aliyev]", "[Spokesman Glyn Davies]": the name is after the title."""
    for k in range(s.start, s.end - 1):
        tok = doc[k]
        if tok.lower_ in TITLE_HEADS and doc[k + 1].is_title:
            if s.label == "ORG" and s.end - (k + 1) < 2:
                return None  # "General Motors", "Official Journal"
            head = doc[s.start:k].text
            if k > s.start and not _country_of(head):
                return None  # "United Nations General Assembly"
            lead = [_Span(s.start, k, "NORP" if head in gazetteer.demonyms() else "LOC")] if k > s.start else []
            return lead + [_Span(k + 1, s.end, "PER")]
        if not (_is_title_word(tok) or _country_of(tok.text)):
            return None
    return None


def _relabel_places(doc, spans: list[_Span]) -> None:
    """A country or region read as a person or an organisation is a place; so is a
    city read as a person, unless the article also names someone that way."""
    surnames = {doc[s.end - 1].text for s in spans if s.label == "PER" and s.end - s.start > 1}
    for s in spans:
        if s.label not in ("PER", "ORG"):
            continue
        text = doc[s.start:s.end].text
        place = _place(text)
        if place is None or text in surnames:
            continue
        if place.kind != "city" or (s.label == "PER" and place.population >= 100_000):
            s.label = "LOC"
    for s in spans:
        text = doc[s.start:s.end].text
        if text in gazetteer.demonyms():
            s.label = "NORP"  # "Slovak", "Azerbaijanis": a people, not a person
        elif text in gazetteer.ORGANISATIONS:
            s.label = "ORG"


_SCORE = re.compile(r"^\d{1,3}(?:[-.]\d{1,3})?$")
_VERSUS = frozenset({"v", "v.", "vs", "vs."})


def _relabel_teams(doc, spans: list[_Span]) -> None:
    """In sports results a town is a club: "Plymouth 2 Preston 1", "Kent 128-1",
    "Brann ( Norway ) 2", "Ajax v PSV", "TORONTO AT CHICAGO", a player's club in
    brackets. Countries stay places (national sides)."""
    ends = {s.end: s for s in spans}
    starts = {s.start: s for s in spans}
    for s in spans:
        if s.label not in ("LOC", "ORG"):
            continue
        place = _place(doc[s.start:s.end].text)
        if place is not None and place.kind == "country":
            continue
        if _in_results(doc, s) or _fixture(doc, s, ends, starts) or _players_club(doc, s, ends):
            s.label, s.strong = "ORG", True


def _in_results(doc, s: _Span) -> bool:
    k = s.end
    if k < len(doc) and doc[k].text == "(":
        close = next((j for j in range(k + 1, min(k + 6, len(doc))) if doc[j].text == ")"), None)
        k = close + 1 if close is not None else k
    after = doc[k] if k < len(doc) else None
    before = doc[s.start - 1] if s.start > 0 else None
    return (after is not None and (bool(_SCORE.match(after.text)) or after.lower_ in _VERSUS)) or (
        before is not None and before.lower_ in _VERSUS)


def _fixture(doc, s: _Span, ends: dict, starts: dict) -> bool:
    """The visiting side of a line that is only "A at B" (a fixture list); B, the venue, stays a place."""
    def line_edge(i: int) -> bool:
        return i < 0 or i >= len(doc) or doc[i].is_space or doc[i].text == "("
    if s.end + 1 < len(doc) and doc[s.end].lower_ == "at" and (s.end + 1) in starts:
        other = starts[s.end + 1]
        return line_edge(s.start - 1) and line_edge(other.end)
    return False


def _players_club(doc, s: _Span, ends: dict) -> bool:
    """"Enzo Scifo ( Lille )": a town in brackets right after a person's name."""
    if s.start < 2 or s.end >= len(doc) or doc[s.start - 1].text != "(" or doc[s.end].text != ")":
        return False
    person = ends.get(s.start - 1)
    return person is not None and person.label == "PER"


def _add_sports_teams(doc, spans: list[_Span]) -> list[_Span]:
    """Untagged names in the two places a results page puts a club: in brackets after
    a player ("Yvan Quentin ( Sion )") and either side of "v" ("Charlton v Birmingham").
    A country in brackets is the player's nationality, a place."""
    taken = _taken(doc, spans)
    added: list[_Span] = []
    persons_end = {s.end for s in spans if s.label == "PER"}
    for i, tok in enumerate(doc):
        if tok.text == "(" and i in persons_end:
            run = _capitalised_run(doc, i + 1, taken, forward=True)
            if run and run[1] < len(doc) and doc[run[1]].text == ")":
                added.append(_team_or_country(doc, *run))
        elif tok.lower_ == "v" and 0 < i < len(doc) - 1:
            for run in (_capitalised_run(doc, i - 1, taken, forward=False),
                        _capitalised_run(doc, i + 1, taken, forward=True)):
                if run:
                    added.append(_team_or_country(doc, *run))
    for s in added:
        for k in range(s.start, s.end):
            taken[k] = True
    return sorted(spans + added, key=lambda s: s.start)


def _capitalised_run(doc, i: int, taken: list[bool], forward: bool) -> tuple[int, int] | None:
    """The untagged run of up to three capitalised words starting (or ending) at ``i``."""
    step = 1 if forward else -1
    j = i
    while 0 <= j < len(doc) and abs(j - i) < 3 and not taken[j] and (doc[j].is_title or doc[j].is_upper) \
            and doc[j].is_alpha:
        j += step
    if j == i:
        return None
    return (i, j) if forward else (j + 1, i + 1)


def _team_or_country(doc, start: int, end: int) -> _Span:
    place = _place(doc[start:end].text)
    if place is not None and place.kind == "country":
        return _Span(start, end, "LOC")
    return _Span(start, end, "ORG", strong=True)


def _widen_teams(doc, spans: list[_Span]) -> list[_Span]:
    """A club found by its town takes the capitalised words around it: "[NEC] Nijmegen 2",
    "Rapid [Bucharest]", "Sparta [Rotterdam]"."""
    taken = _taken(doc, spans)
    for s in spans:
        if not s.strong:
            continue
        while s.start > 0 and not taken[s.start - 1] and _name_like(doc[s.start - 1]) and s.end - s.start < 4:
            s.start -= 1
            taken[s.start] = True
        while s.end < len(doc) and not taken[s.end] and _name_like(doc[s.end]) and s.end - s.start < 4:
            taken[s.end] = True
            s.end += 1
    return spans


def _name_like(tok) -> bool:
    return (tok.is_title or tok.is_upper) and any(c.isalpha() for c in tok.text) and tok.lower_ not in _VERSUS \
        and tok.lower_ not in _stop_words()


# Last words that make a run of capitalised words an organisation.
ORG_SUFFIXES = frozenset("""
Newsroom Bank Corp Corp. Corporation Inc Inc. Ltd Ltd. Plc PLC Group Holdings Industries AG SA NV GmbH
Co Co. Company Party Front Army Ministry Council Committee Commission Association Union Federation
Agency Institute University College Club Airlines Airways Motors Exchange Organisation Organization
Foundation Fund Movement Alliance Coalition Assembly Parliament Court Police Service Authority Board
""".split())


def _org_by_suffix(doc, spans: list[_Span]) -> list[_Span]:
    """"[Sydney] Newsroom", "[Ulster] Petroleums Ltd": a capitalised run ending in an
    organisation word is one organisation, whatever its first words were tagged."""
    owner: dict[int, _Span] = {}
    for s in spans:
        for k in range(s.start, s.end):
            owner[k] = s
    drop: set[int] = set()
    added: list[_Span] = []
    for i, tok in enumerate(doc):
        if tok.text not in ORG_SUFFIXES or (i in owner and owner[i].label == "ORG"):
            continue
        start = i
        while start > 0 and i - start < 4 and _name_like(doc[start - 1]) and not _opens(doc, start) \
                and owner.get(start - 1, _NO_SPAN).label in (None, "LOC", "ORG", "NORP"):
            start -= 1
        if start == i and i not in owner:
            continue
        if start == i or (i in owner and owner[i].end > i + 1):
            continue
        covered = {id(owner[k]) for k in range(start, i + 1) if k in owner}
        if any(owner[k].start < start for k in range(start, i + 1) if k in owner):
            continue
        drop |= covered
        added.append(_Span(start, i + 1, "ORG"))
    if not added:
        return spans
    return sorted([s for s in spans if id(s) not in drop] + added, key=lambda s: s.start)


_NO_SPAN = _Span(0, 0, None)


def _relabel_athletes(doc, spans: list[_Span]) -> None:
    """"Petr Korda ( Czech Republic ) beat ...": a two-word name followed by a
    country in brackets is a person, unless a score follows (then it is a club)."""
    for s in spans:
        if s.label != "ORG" or s.end - s.start < 2 or s.strong or doc[s.start:s.end].text in gazetteer.ORGANISATIONS:
            continue
        k = s.end
        if k + 2 < len(doc) and doc[k].text == "(":
            close = next((j for j in range(k + 1, min(k + 5, len(doc))) if doc[j].text == ")"), None)
            inside = doc[k + 1:close].text if close else ""
            after = doc[close + 1].text if close is not None and close + 1 < len(doc) else ""
            if close and gazetteer.countries().get(inside) and not re.fullmatch(r"\d{1,2}", after):
                s.label = "PER"


def _relabel_clubs(doc, spans: list[_Span]) -> None:
    """"Ajax Amsterdam", "Legia Warsaw": a "person" whose last word is a big city is a club."""
    for s in spans:
        if s.label == "PER" and s.end - s.start >= 2:
            place = _place(doc[s.end - 1].text)
            if place is not None and place.kind == "city" and place.population >= 300_000 \
                    and _place(doc[s.start:s.end].text) is None:
                s.label = "ORG"


def _extend_first_names(doc, spans: list[_Span]) -> None:
    """"Waqar [Younis]": an untagged capitalised word right before a person's name that
    is no ordinary word, title or place is the first name the tagger dropped."""
    taken = _taken(doc, spans)
    for s in spans:
        k = s.start - 1
        if s.label != "PER" or k < 0 or taken[k]:
            continue
        tok = doc[k]
        if (tok.is_title and tok.is_alpha and len(tok.text) > 1 and not _opens(doc, k) and not _is_word(tok)
                and not _is_title_word(tok) and _place(tok.text) is None and tok.text not in gazetteer.demonyms()):
            s.start = k
            taken[k] = True


def _drop_ordinary_words(doc, spans: list[_Span]) -> list[_Span]:
    """A lone word that opens a line or sentence and that the lexicon knows as an
    ordinary word ("Attendance", "Halftime") is no name, unless the article also
    capitalises it mid-sentence or the gazetteer knows it."""
    mid = {t.text for t in doc if t.is_title and not _opens(doc, t.i)}
    keep = []
    for s in spans:
        tok = doc[s.start]
        if (s.end - s.start == 1 and s.label in TYPES and _opens(doc, s.start) and tok.text not in mid
                and _is_word(tok)
                and _place(tok.text) is None and tok.text not in gazetteer.ORGANISATIONS):
            continue
        keep.append(s)
    return keep


def _is_word(tok) -> bool:
    lower, index = tok.lower_, _lemma_index()
    return lower in index or tok.lemma_.lower() in index or (lower.endswith("s") and lower[:-1] in index)


def _opens(doc, i: int) -> bool:
    return i == 0 or doc[i].is_sent_start or doc[i - 1].is_space or doc[i - 1].text in {"-", "--", "*"}


def _add_missed_names(doc, spans: list[_Span]) -> list[_Span]:
    """Places and international bodies the tagger left untagged (n-grams of capitalised tokens)."""
    taken = _taken(doc, spans)
    places = gazetteer.english_places()
    added: list[_Span] = []
    i = 0
    while i < len(doc):
        if taken[i] or not (doc[i].is_title or doc[i].is_upper) or not doc[i].is_alpha and doc[i].text not in places:
            i += 1
            continue
        hit = 0
        for n in range(min(4, len(doc) - i), 0, -1):
            if any(taken[i:i + n]):
                continue
            text = doc[i:i + n].text
            if text in gazetteer.ORGANISATIONS:
                hit, label = n, "ORG"
                break
            place = places.get(text)
            if place and (place.kind != "city" or (place.population >= 100_000 and _not_a_verb_subject(doc, i, n))):
                hit, label = n, "LOC"
                break
        if hit:
            added.append(_Span(i, i + hit, label))
            i += hit
        else:
            i += 1
    return sorted(spans + added, key=lambda s: s.start)


def _not_a_verb_subject(doc, i: int, n: int) -> bool:
    """A city name opening a sentence is trusted only as a dateline ("SOFIA 1996-08-22",
    "YORK , England"): "Reading is ..." opens with a word."""
    if not _opens(doc, i):
        return True
    nxt = doc[i + n] if i + n < len(doc) else None
    return nxt is None or not (nxt.is_alpha and nxt.is_lower)


def _taken(doc, spans: list[_Span]) -> list[bool]:
    taken = [False] * len(doc)
    for s in spans:
        for k in range(s.start, s.end):
            taken[k] = True
    return taken


def _document_consistency(doc, spans: list[_Span]) -> list[_Span]:
    """One article names one thing one way: a surname is the person named in full,
    a name keeps the label most of its mentions got, and a name tagged once is
    tagged wherever else it appears untagged."""
    first_pass = _full_names(doc, spans)
    for s in spans:
        _cut_headline_verbs(doc, s, first_pass)
    full_names = _full_names(doc, spans)
    for s in spans:
        text = doc[s.start:s.end].text
        if text in full_names and s.label != "NORP" and not s.strong:
            s.label = "PER"
    votes: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        if s.label in TYPES:
            votes[doc[s.start:s.end].text][s.label] += 3 if s.strong else 1
    for s in spans:
        counts = votes.get(doc[s.start:s.end].text)
        if counts and s.label in TYPES and not s.strong:
            label, n = counts.most_common(1)[0]
            if n > counts[s.label]:
                s.label = label
    labels = {text: c.most_common(1)[0][0] for text, c in votes.items()}
    for name in full_names:
        labels[name] = "PER"
    spans = spans + _propagate(doc, spans, labels)
    spans.sort(key=lambda s: s.start)
    _set_canonical(doc, spans)
    return spans


def _cut_headline_verbs(doc, s: _Span, full_names: dict[str, str]) -> None:
    """"Putin and [Aliyev Agree] to Meet": in a title-case headline a known surname
    runs into the verb after it; keep the surname."""
    if s.end - s.start >= 2 and doc[s.start].text in full_names and \
            all(_is_word(t) for t in doc[s.start + 1:s.end]):
        s.end = s.start + 1


def _full_names(doc, spans: list[_Span]) -> dict[str, str]:
    """Surname (and first name+surname tail) → full name, for multi-token person names."""
    out: dict[str, str] = {}
    for s in spans:
        if s.label != "PER" or s.end - s.start < 2:
            continue
        full = doc[s.start:s.end].text
        last = doc[s.end - 1]
        if last.is_title and len(last.text) > 1:
            if len(full) > len(out.get(last.text, "")):
                out[last.text] = full
    return out


def _propagate(doc, spans: list[_Span], labels: dict[str, str]) -> list[_Span]:
    """Untagged occurrences of a name tagged elsewhere in the article."""
    by_first: dict[str, list[tuple[list[str], str]]] = defaultdict(list)
    for text, label in labels.items():
        words = _words(text)
        if not words or not words[0][:1].isupper() or _lower_elsewhere(doc, words):
            continue
        by_first[words[0]].append((words, label))
    for options in by_first.values():
        options.sort(key=lambda o: -len(o[0]))  # longest name first
    taken = _taken(doc, spans)
    added: list[_Span] = []
    i = 0
    while i < len(doc):
        options = by_first.get(doc[i].text) if not taken[i] else None
        hit = None
        for words, label in options or ():
            n = len(words)
            if i + n <= len(doc) and not any(taken[i:i + n]) and [t.text for t in doc[i:i + n]] == words:
                hit = _Span(i, i + n, label)
                break
        if hit:
            added.append(hit)
            i = hit.end
        else:
            i += 1
    return added


@lru_cache(maxsize=65536)
def _words(text: str) -> list[str]:
    return [t.text for t in models.english().tokenizer(text)]


def _lower_elsewhere(doc, words: list[str]) -> bool:
    """A one-word name that the article also writes in lower case ("May", "Bill") is a word too."""
    if len(words) != 1:
        return False
    return words[0].lower() in _lower_forms(doc)


def _lower_forms(doc) -> set[str]:
    forms = doc.user_data.get("storyline_lower")
    if forms is None:
        forms = {t.text for t in doc if t.is_lower}
        doc.user_data["storyline_lower"] = forms
    return forms


def _set_canonical(doc, spans: list[_Span]) -> None:
    """A person's canonical form: the fullest name seen so far whose last word this mention ends with."""
    fullest: dict[str, str] = {}
    for s in spans:
        if s.label != "PER":
            continue
        text = doc[s.start:s.end].text
        key = doc[s.end - 1].text
        known = fullest.get(key)
        if known and len(known) > len(text) and known.endswith(text):
            s.canonical = known
        elif known is None or len(text) > len(known):
            fullest[key] = text


def _attach_roles(doc, spans: list[_Span]) -> list[_Span]:
    """Titles before a person ("Russian Deputy Foreign Minister") or in an apposition
    after it (", the head of Chechnya,") become that person's role."""
    owner = [None] * len(doc)
    for s in spans:
        for k in range(s.start, s.end):
            owner[k] = s
    for s in spans:
        if s.label == "PER":
            s.role = _role_before(doc, s, owner) or _role_after(doc, s, owner)
    # "Secretary of [State]": a title word the tagger took for a name is part of a role, no mention.
    in_role = set()
    for s in spans:
        if s.role:
            in_role.update(range(*s.role))
    return [s for s in spans if not (s.end - s.start == 1 and s.start in in_role
                                     and doc[s.start].lower_ in TITLE_MODIFIERS)]


def _role_before(doc, s: _Span, owner) -> tuple[int, int] | None:
    j = s.start
    while j > 0 and s.start - j < 10:
        tok, other = doc[j - 1], owner[j - 1]
        if other is not None and other.label in ("LOC", "ORG", "NORP"):
            j = other.start
        elif _is_title_word(tok) or tok.lower_ in _ROLE_JOINERS:
            j -= 1
        elif tok.is_title and j > 1 and doc[j - 2].lower_ == "of" and not tok.is_sent_start:
            j -= 1  # "Secretary of State": a capitalised word after "of" inside a title
        else:
            break
    return _clean_role(doc, j, s.start, owner)


def _role_after(doc, s: _Span, owner) -> tuple[int, int] | None:
    k = s.end
    if k + 1 >= len(doc) or doc[k].text != ",":
        return None
    start = k + 1
    if doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    if start >= len(doc) or doc[start].lower_ not in TITLE_HEADS and doc[start].lower_ not in TITLE_MODIFIERS:
        return None
    end = start
    while end < len(doc) and end - start < 10:
        tok, other = doc[end], owner[end]
        if other is not None and other.label in ("LOC", "ORG", "NORP"):
            end = other.end
        elif _is_title_word(tok) or tok.lower_ in _ROLE_JOINERS or (tok.is_title and not tok.is_sent_start):
            end += 1
        else:
            break
    return _clean_role(doc, start, end, owner)


def _clean_role(doc, start: int, end: int, owner) -> tuple[int, int] | None:
    while start < end and doc[start].lower_ in _ROLE_JOINERS:
        start += 1
    while end > start and doc[end - 1].lower_ in _ROLE_JOINERS:
        end -= 1
    if start == end or not any(doc[k].lower_ in TITLE_HEADS for k in range(start, end)):
        return None
    return start, end


def _country_of(text: str) -> str | None:
    return gazetteer.countries().get(text) or gazetteer.demonyms().get(text) or (
        p.country if (p := _place(text)) is not None and p.kind == "country" else None)


def _to_mentions(text: str, doc, spans: list[_Span], sentences=None) -> list[Mention]:
    sentence_of = _sentence_index(doc)
    starts = [sent.start_char for sent in sentences.sents] if sentences is not None else None
    owner = {}
    for s in spans:
        for k in range(s.start, s.end):
            owner[k] = s
    out: list[Mention] = []
    for s in spans:
        a, b = doc[s.start].idx, doc[s.end - 1].idx + len(doc[s.end - 1].text)
        surface = text[a:b]
        role = country = None
        canonical = s.canonical
        if s.role:
            r0, r1 = s.role
            role = text[doc[r0].idx: doc[r1 - 1].idx + len(doc[r1 - 1].text)]
            country = _role_country(doc, s.role, owner)
        elif s.label in ("LOC", "NORP"):
            country = _country_of(surface) or _place_country(surface)
            place = _place(surface)
            if place is not None and place.name != surface:
                canonical = place.name  # "Alma-Ata" → "Almaty", "Aqtau" → "Aktau"
        sentence = _bisect(starts, a) if starts else sentence_of[s.start]
        out.append(Mention(a, b, surface, s.label, sentence, role, canonical, country))
    return out


def _place_country(text: str) -> str | None:
    place = _place(text)
    return place.country if place is not None else None


def _role_country(doc, role: tuple[int, int], owner) -> str | None:
    for k in range(*role):
        other = owner.get(k)
        if other is not None and other.label in ("LOC", "NORP"):
            code = _country_of(doc[other.start:other.end].text)
            if code:
                return code
        code = gazetteer.demonyms().get(doc[k].text)
        if code:
            return code
    return None


def _sentence_index(doc) -> list[int]:
    index = [0] * len(doc)
    if not (doc.has_annotation("SENT_START")):
        return index
    for n, sent in enumerate(doc.sents):
        for k in range(sent.start, sent.end):
            index[k] = n
    return index


# ---------------------------------------------------------------- Russian


def _russian(text: str, doc=None) -> list[Mention]:
    """natasha's PER/LOC/ORG, with lemmatised canonical forms ("Токаева" → "Касым-Жомарт Токаев");
    ``doc`` is the article's natasha parse when the caller made it already."""
    doc = russian.parse(text, doc)
    vocab = russian.models().vocab
    sent_starts = [s.start for s in doc.sents]
    places = gazetteer.foreign_places("ru")
    fullest: dict[str, str] = {}
    out: list[Mention] = []
    for span in doc.spans:
        span.normalize(vocab)
        normal = span.normal or span.text
        canonical = None
        if span.type == "PER":
            key = normal.split()[-1]
            known = fullest.get(key)
            if known and len(known) > len(normal):
                canonical = known
            else:
                fullest[key] = normal
                canonical = normal if normal != span.text else None
        else:
            canonical = normal if normal != span.text else None
        place = places.get(normal) or places.get(span.text)
        label = span.type
        if place is not None and label != "LOC" and " " not in span.text:
            label = "LOC"  # a lone "Ереван" the tagger calls an organisation
        elif label != "LOC":
            place = None
        out.append(Mention(span.start, span.stop, span.text, label,
                           _bisect(sent_starts, span.start), None, canonical,
                           place.country if place else None))
    return _russian_roles(text, out)


# A title word ending right where a name (or the place before it) begins.
_RU_TITLE_BEFORE = re.compile(r"(?i)\b((?:президент|премьер-министр|вице-премьер|министр|глава|спикер|"
                              r"пресс-секретар|посол|председател|губернатор|мэр|лидер)[\w-]*)\s+$")


def _russian_roles(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Президент Казахстана Касым-Жомарт Токаев": the title and the place right before a name are its role."""
    out = []
    for i, m in enumerate(mentions):
        prev = mentions[i - 1] if i else None
        place = prev if prev is not None and prev.label == "LOC" and not text[prev.end:m.start].strip() else None
        head_end = place.start if place else m.start
        title = _RU_TITLE_BEFORE.search(text, max(0, head_end - 40), head_end) if m.label == "PER" else None
        if title is not None:
            role = text[title.start(1):place.end if place else title.end(1)]
            m = Mention(m.start, m.end, m.text, m.label, m.sentence, role, m.canonical,
                        place.country if place else None)
        out.append(m)
    return out


def _bisect(starts: list[int], pos: int) -> int:
    from bisect import bisect_right

    return max(0, bisect_right(starts, pos) - 1)


# ---------------------------------------------------------------- other languages

# Full stops of scripts spaCy's default sentencizer does not know (Armenian "։").
_EXTRA_STOPS = ["։", "܂", "።"]


@lru_cache(maxsize=None)
def _blank(lang: str):
    from spacy.util import compile_suffix_regex

    nlp = models.blank(lang)
    punct = list(nlp.get_pipe("sentencizer").punct_chars) + _EXTRA_STOPS
    nlp.replace_pipe("sentencizer", "sentencizer", config={"punct_chars": punct})
    # split the stop off the word ("Ղազախստանում։") so that sentences end and names match
    suffixes = list(nlp.Defaults.suffixes or []) + [re.escape(c) for c in _EXTRA_STOPS]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


@lru_cache(maxsize=None)
def _foreign_index(lang: str) -> dict[str, list[tuple[tuple[str, ...], gazetteer.Place]]]:
    """First word of each place name → (all words, place), longest first."""
    index: dict[str, list] = defaultdict(list)
    for name, place in gazetteer.foreign_places(lang).items():
        words = tuple(name.split())
        index[words[0]].append((words, place))
    for options in index.values():
        options.sort(key=lambda o: -len(o[0]))
    return dict(index)


_MAX_SUFFIX = 4  # case endings: Armenian "Հայաստանի", Azerbaijani "Azərbaycanın", Kazakh "Қазақстанның"


def _gazetteer_only(text: str, lang: str) -> list[Mention]:
    """Sentences plus places found by name, allowing a short inflectional ending on the last word."""
    doc = _blank(lang)(text)
    sentence_of = _sentence_index(doc)
    index = _foreign_index(lang)
    out: list[Mention] = []
    i = 0
    while i < len(doc):
        hit = _match_place(doc, i, index)
        if hit is None:
            i += 1
            continue
        n, place = hit
        a, b = doc[i].idx, doc[i + n - 1].idx + len(doc[i + n - 1].text)
        surface = text[a:b]
        canonical = place.name if place.name != surface else None
        out.append(Mention(a, b, surface, "LOC", sentence_of[i], None, canonical, place.country))
        i += n
    return out


def _match_place(doc, i: int, index) -> tuple[int, gazetteer.Place] | None:
    word = doc[i].text
    if not word[:1].isupper():
        return None
    for cut in range(0, _MAX_SUFFIX + 1):
        stem = word[:len(word) - cut] if cut else word
        if len(stem) < 4:
            break
        for words, place in index.get(stem, ()):
            n = len(words)
            if n == 1:
                return 1, place
            if cut == 0 and i + n <= len(doc) and _rest_matches(doc, i, words):
                return n, place
    return None


def _rest_matches(doc, i: int, words: tuple[str, ...]) -> bool:
    for k, w in enumerate(words[1:], start=1):
        tok = doc[i + k].text
        last = k == len(words) - 1
        if tok != w and not (last and tok.startswith(w) and len(tok) - len(w) <= _MAX_SUFFIX):
            return False
    return True
