"""Group articles into stories, incrementally, as news arrives.

Two plain steps:

* ``features(...)`` turns one article into what clustering needs of it
  (``ArticleFeatures``): weighted words (unigrams and repeated bigrams) and
  resolved entity keys — countries as ISO codes (``LOC:AZ``), other places by
  their English gazetteer name (``LOC:almaty``), people by a transliterated
  surname (``PER:aliev``, the same for "Aliyev" and "Алиев"), organisations by
  name, and dates the text states (``DATE:2024-05-10``). It is a pure function.
* ``StoryClusterer`` holds story centroids and an inverted index over their
  strongest keys. Each new article is compared with the few stories the index
  finds for its strongest keys (never with every story or article), joins the
  best one above ``threshold`` or starts a new story; afterwards the story it
  joined may absorb a story that has grown close to it, and the small stories
  that stopped growing and resemble it clearly more than any other story
  (``fragment_size``: side pieces that fell short of the threshold).

Similarity of an article and a story (all parts in [0, 1])::

    sim = (w_terms·cos(words) + w_entities·cos(entities)) · place_gate · time_factor

``place_gate`` is what keeps apart stories that share a period, a region and a
vocabulary (neighbouring countries' uprisings in the same months): when the
article and the story both name countries and their country profiles
disagree, the similarity is scaled down, however much the words agree.
``time_factor`` lowers it for an article far outside the story's time span.
Story centroids decay with time (``half_life_days``), so a story that runs for
years follows its drifting vocabulary.

IDF is incremental: document frequencies grow as articles arrive and an
article is weighted with the frequencies seen before it, so nothing is ever
refitted and the same inputs in the same order give the same stories.
``state()`` / ``from_state()`` round-trip everything as JSON-ready data.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

STATE_VERSION = 1

# ---------------------------------------------------------------- features


@dataclass(frozen=True)
class ArticleFeatures:
    """What clustering needs of one article (computed by ``features``)."""

    article_id: int
    date: dt.date | None
    language: str | None
    outlet: str | None
    terms: dict[str, float]  # word unigrams/bigrams → sublinear tf (IDF is applied by the clusterer)
    entities: dict[str, float]  # LOC:AZ, LOC:almaty, PER:aliev, ORG:kremlin, DATE:2024-05-10 → weight
    names: dict[str, str] = field(default_factory=dict)  # entity key → readable name, for labels
    embedding: tuple[float, ...] | None = None  # optional dense vector (see StoryClusterer.embedding_weight)


_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_EXTRA_STOP = frozenset({"said", "says", "say", "told", "mr", "mrs", "ms", "dr", "according"})
_CYRILLIC = re.compile(r"[а-яё]", re.I)


def features(article_id: int, text: str, title: str | None, date: dt.date | None,
             language: str | None, outlet: str | None, mentions: Sequence | None = None,
             *, ner_chars: int = 2000, title_weight: float = 2.0, with_dates: bool = True,
             embedding: Sequence[float] | None = None) -> ArticleFeatures:
    """The features of one article.

    ``mentions`` are ``storyline.analyse.mentions.Mention`` objects found in
    ``text`` (or in its first ``ner_chars`` characters); when None they are
    found here on ``text[:ner_chars]`` — the lede names who and where, and the
    tagger is the slow part. ``title`` words count ``title_weight`` times.
    """
    lang = (language or "en").lower()[:2]
    if mentions is None:
        from .analyse.mentions import find_mentions

        mentions = find_mentions(text[:ner_chars], lang)
    terms = term_weights(text, title, lang, title_weight=title_weight)
    entities, names = entity_weights(mentions, lang)
    if with_dates and date is not None:
        for key, weight in date_weights(text[:ner_chars], date, lang).items():
            entities[key] = entities.get(key, 0.0) + weight
    return ArticleFeatures(article_id, date, language, outlet, terms, entities, names,
                           tuple(float(x) for x in embedding) if embedding is not None else None)


def term_weights(text: str, title: str | None, lang: str, *, title_weight: float = 2.0) -> dict[str, float]:
    """Sublinear tf (1 + ln count) of content words and of bigrams seen twice or in the title."""
    counts: Counter = Counter()
    bigrams: Counter = Counter()
    title_bigrams: set[str] = set()
    stop = stop_words(lang)
    for part, weight in ((text, 1.0), (title or "", title_weight)):
        for line in part.splitlines():
            prev = None
            for m in _WORD.finditer(line.lower()):
                word = m.group().replace("’", "'")
                if word.endswith("'s"):
                    word = word[:-2]
                if word in stop or len(word) < 2:
                    prev = None
                    continue
                counts[word] += weight
                if prev is not None:
                    bigram = prev + " " + word
                    bigrams[bigram] += weight
                    if weight != 1.0:
                        title_bigrams.add(bigram)
                prev = word
    out = {w: 1.0 + math.log(c) for w, c in counts.items()}
    for b, c in bigrams.items():
        if c >= 2 or b in title_bigrams:  # a bigram seen once is mostly noise and memory
            out[b] = 1.0 + math.log(c)
    return out


@lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of ``lang`` plus English ones (English words turn up in any news)."""
    from spacy.lang.en.stop_words import STOP_WORDS as english

    words = set(english) | _EXTRA_STOP
    if lang and lang != "en":
        try:
            module = __import__(f"spacy.lang.{lang}.stop_words", fromlist=["STOP_WORDS"])
            words |= set(module.STOP_WORDS)
        except ImportError:
            pass
    return frozenset(w.lower() for w in words)


def entity_weights(mentions: Iterable, lang: str) -> tuple[dict[str, float], dict[str, str]]:
    """Entity key → weight (1 + ln count; the first sentence counts double), and key → name."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for m in mentions:
        boost = 2.0 if m.sentence == 0 else 1.0
        for key, name, share in _keys(m, lang):
            counts[key] += boost * share
            names.setdefault(key, name)
    return {k: 1.0 + math.log(c) if c >= 1 else c for k, c in counts.items()}, names


def _keys(m, lang: str) -> list[tuple[str, str, float]]:
    """The entity keys one mention stands for, with their readable name and share."""
    name = (m.canonical or m.text).strip()
    if m.label in ("LOC", "NORP"):
        return _place_keys(m, name, lang)
    if m.label == "PER":
        key = person_key(name)
        return [("PER:" + key, name, 1.0)] if key else []
    if m.label == "ORG":
        key = fold(name)
        return [("ORG:" + key, name, 1.0)] if len(key) > 1 else []
    return []


def _place_keys(m, name: str, lang: str) -> list[tuple[str, str, float]]:
    from .analyse import gazetteer

    code = gazetteer.demonyms().get(m.text) or gazetteer.demonyms().get(name)
    place = None
    if code is None:
        place = gazetteer.english_places().get(name) or gazetteer.english_places().get(m.text)
        if place is None and lang != "en":
            foreign = gazetteer.foreign_places(lang)
            place = foreign.get(name) or foreign.get(m.text)
        if place is not None and place.kind == "country":
            code = place.country
    if code is not None:
        return [("LOC:" + code, country_name(code), 1.0)]
    if place is not None:
        keys = [("LOC:" + fold(place.name), place.name, 1.0)]
        if place.country:
            # A city says which country the story is in, more weakly than naming it.
            keys.append(("LOC:" + place.country, country_name(place.country), 0.5))
        return keys
    keys = [("LOC:" + fold(name), name, 1.0)] if m.label == "LOC" and len(fold(name)) > 1 else []
    if m.country:
        keys.append(("LOC:" + m.country, country_name(m.country), 0.5))
    return keys


# Names a reader expects where the ISO name is formal ("Russian Federation").
_COUNTRY_NAMES = {
    "RU": "Russia", "US": "United States", "GB": "United Kingdom", "IR": "Iran", "SY": "Syria",
    "KR": "South Korea", "KP": "North Korea", "VN": "Vietnam", "LA": "Laos", "MD": "Moldova",
    "TW": "Taiwan", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "PS": "Palestine",
    "XK": "Kosovo", "TR": "Turkey", "CD": "DR Congo", "CG": "Congo", "VA": "Vatican",
}


@lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    import pycountry

    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name.split(",")[0]


def date_weights(text: str, anchor: dt.date, lang: str) -> dict[str, float]:
    """Day-precise dates the text writes out with a number ("May 10", "10 мая"), not "Friday"."""
    from .analyse.timex import find_timexes

    out: dict[str, float] = {}
    for t in find_timexes(text, anchor, lang):
        if t.type == "DATE" and t.precision == "day" and t.value and any(c.isdigit() for c in t.text):
            out["DATE:" + t.value[:10]] = 1.0
    return out


# Cyrillic → Latin as English-language news writes Russian names, so that
# "Алиев" and "Aliyev" fold to the same key.
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "қ": "k", "ә": "a", "ө": "o", "ү": "u", "ұ": "u",
    "ң": "n", "ғ": "g", "һ": "h",
})
# Spelling variants of the same sound across transliteration habits.
_FOLDS = [("kh", "h"), ("yev", "ev"), ("iy", "i"), ("y", "i"), ("j", "zh"), ("ks", "x"), ("w", "v")]


def fold(name: str) -> str:
    """Lower-case, accent-free, transliterated, spelling-folded form of a name."""
    s = unicodedata.normalize("NFKD", name.lower().translate(_TRANSLIT))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9 ]+", " ", s.replace("'", "").replace("’", ""))
    for a, b in _FOLDS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1", r"\1", s)  # doubled letters: "Kassym"/"Kasym"
    return " ".join(s.split())


def person_key(name: str) -> str:
    """A person by folded surname: "Ilham Aliyev", "Aliyev" and "Ильхам Алиев" all give "aliev"."""
    words = fold(name).split()
    return words[-1] if words and len(words[-1]) > 1 else ""


# ---------------------------------------------------------------- stories


@dataclass(frozen=True)
class Story:
    id: int
    article_ids: tuple[int, ...]
    label: str  # "Armenia · Azerbaijan · Kazakhstan · peace treaty"
    start: dt.date | None
    end: dt.date | None
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    top_entities: tuple[str, ...]  # readable names, strongest first
    top_terms: tuple[str, ...]


# The parts of an article vector and of a story centroid.
# t: words, b: bigrams (labels; scored when bigram_weight > 0), e: people, organisations
# and places other than countries, c: countries, d: stated dates, v: dense embedding.
PARTS = ("t", "b", "e", "c", "d", "v")


@dataclass
class _Story:
    """A story's mutable state, JSON-ready (dates as ISO strings).

    Centroids are sums of article unit vectors, each scaled by
    ``2 ** (days since origin / half_life)``: newer articles weigh more, which
    is exponential decay of the old ones without touching them (cosine does not
    care about the overall scale). ``norms`` holds each part's squared length,
    kept up to date as entries change.
    """

    id: int
    article_ids: list[int]
    start: str | None
    end: str | None
    origin: str | None
    outlets: dict[str, int]
    languages: dict[str, int]
    parts: dict[str, dict[str, float]]
    norms: dict[str, float]
    touched: int = 0  # clock of the last change: orders the index's posting lists


_COUNTRY = re.compile(r"^LOC:[A-Z]{2}$")
_MAX_EXPONENT = 200.0  # rebase a story's growth weights before floats get anywhere near overflow


def _split_entities(entities: dict[str, float]) -> dict[str, dict[str, float]]:
    parts: dict[str, dict[str, float]] = {"e": {}, "c": {}, "d": {}}
    for k, w in entities.items():
        parts["c" if _COUNTRY.match(k) else "d" if k.startswith("DATE:") else "e"][k] = w
    return parts


def _top(vec: dict[str, float], n: int) -> list[tuple[str, float]]:
    """The ``n`` strongest entries, ties broken by key (deterministic)."""
    if len(vec) <= n:
        return sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))
    return sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def unit(vec: dict[str, float], keep: int | None = None) -> dict[str, float]:
    """``vec`` cut to its ``keep`` strongest entries and scaled to length 1."""
    if keep is not None and len(vec) > keep:
        vec = dict(_top(vec, keep))
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {k: w / norm for k, w in vec.items()} if norm > 0 else {}


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(w * get(k, 0.0) for k, w in a.items())


def _days(a: str | None, b: str | None) -> float:
    """Days from ``b`` to ``a`` (0 when either is unknown)."""
    if a is None or b is None:
        return 0.0
    return float((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


class StoryClusterer:
    """Incremental story clustering over an inverted index of story centroids.

    Parameters
    ----------
    threshold : an article joins the most similar story when the similarity is at
        least this; otherwise it starts a new story.
    merge_threshold : two stories whose centroids are this similar are merged (checked
        for the story an article joined, when its size reaches 2, 4, 8, ... or a
        multiple of ``merge_every``).
    w_terms, w_entities : weights of the word and entity cosines (normalised to sum 1).
    bigram_weight : share of bigrams in the word cosine (0: bigrams only label stories).
    w_dates : share of stated dates in the entity cosine, when both sides state dates.
    place_floor, place_agree : the place gate. When both sides name countries, the
        similarity is scaled by ``place_floor + (1 - place_floor) * min(1, c / place_agree)``
        with ``c`` the cosine of their country profiles.
    time_scale_days, time_floor : an article ``g`` days outside a story's span is scaled
        by ``time_floor + (1 - time_floor) * exp(-g / time_scale_days)``.
    half_life_days : age at which an article weighs half as much in its story's centroid.
    max_article_terms : words an article keeps (strongest by tf-idf) to be compared.
    centroid_terms, centroid_entities : entries a story centroid keeps per part.
    index_terms, index_entities, query_terms : keys a story is indexed under and keys an
        article looks up.
    posting_cap : a key's posting list keeps only the most recently changed stories, so
        the work per article stays bounded however large the store grows.
    candidates : stories scored exactly per article (the best by index overlap).
    size_prior : among stories above the threshold, a story of ``n`` articles ranks
        ``1 + size_prior * ln n`` times its score (a broad story's centroid is blunter).
    min_df, entity_min_df : an article is compared on words (entity keys) at least this
        many earlier articles had.
    absorb_min_df : a joining article adds to its story only keys this many earlier
        articles had (a key seen once can match nothing; it only weighs on the norm).
    embedding_weight : weight of an optional dense-vector cosine (0: off).
    fragment_size, fragment_quiet_days, fragment_threshold, fragment_ratio : fragments.
        A story of at most ``fragment_size`` articles (0: off) that no article has joined
        for ``fragment_quiet_days`` is absorbed by a larger story when that story's merge
        check finds it, if the larger story is the fragment's most similar story, at
        least ``fragment_threshold`` similar, and ``fragment_ratio`` times as similar as
        the fragment's second most similar story.
    """

    def __init__(self, threshold: float = 0.035, merge_threshold: float = 0.2, merge_every: int = 16,
                 w_terms: float = 0.6, w_entities: float = 0.4, bigram_weight: float = 0.0,
                 w_dates: float = 0.1, place_floor: float = 0.15, place_agree: float = 0.8,
                 place_share: float = 0.25, time_scale_days: float = 60.0, time_floor: float = 0.2,
                 half_life_days: float = 90.0, min_df: int = 0, entity_min_df: int = 0, absorb_min_df: int = 1, size_prior: float = 0.3,
                 max_article_terms: int = 500, centroid_terms: int = 3000, centroid_entities: int = 300,
                 index_terms: int = 30, index_entities: int = 20, query_terms: int = 20,
                 posting_cap: int = 200, candidates: int = 20, embedding_weight: float = 0.0,
                 fragment_size: int = 3, fragment_quiet_days: float = 7.0, fragment_threshold: float = 0.015,
                 fragment_ratio: float = 1.5):
        self.threshold = threshold
        self.merge_threshold = merge_threshold
        self.merge_every = merge_every
        self.w_terms = w_terms
        self.w_entities = w_entities
        self.bigram_weight = bigram_weight
        self.w_dates = w_dates
        self.place_floor = place_floor
        self.place_agree = place_agree
        self.place_share = place_share
        self.time_scale_days = time_scale_days
        self.time_floor = time_floor
        self.half_life_days = half_life_days
        self.max_article_terms = max_article_terms
        self.centroid_terms = centroid_terms
        self.centroid_entities = centroid_entities
        self.index_terms = index_terms
        self.index_entities = index_entities
        self.query_terms = query_terms
        self.posting_cap = posting_cap
        self.candidates = candidates
        self.size_prior = size_prior
        self.min_df = min_df
        self.entity_min_df = entity_min_df
        self.absorb_min_df = absorb_min_df
        self.embedding_weight = embedding_weight
        self.fragment_size = fragment_size
        self.fragment_quiet_days = fragment_quiet_days
        self.fragment_threshold = fragment_threshold
        self.fragment_ratio = fragment_ratio
        self._n_docs = 0
        self._df: dict[str, int] = {}
        self._stories: dict[int, _Story] = {}
        self._index: dict[str, dict[int, None]] = {}  # key → story ids, least recently changed first
        self._indexed: dict[int, list[str]] = {}  # story → the keys it is listed under
        self._article_story: dict[int, int] = {}
        self._redirect: dict[int, int] = {}  # merged story → the story that absorbed it
        self._names: dict[str, str] = {}
        self._next_id = 1
        self._clock = 0

    # ------------------------------------------------------------ public API

    def params(self) -> dict:
        return {k: getattr(self, k) for k in (
            "threshold", "merge_threshold", "merge_every", "w_terms", "w_entities", "bigram_weight",
            "w_dates", "place_floor", "place_agree", "place_share", "time_scale_days", "time_floor", "half_life_days",
            "max_article_terms", "centroid_terms", "centroid_entities", "index_terms", "index_entities",
            "query_terms", "posting_cap", "candidates", "size_prior", "min_df", "entity_min_df", "absorb_min_df", "embedding_weight",
            "fragment_size", "fragment_quiet_days", "fragment_threshold", "fragment_ratio")}

    def add(self, f: ArticleFeatures) -> int:
        """Place one article; returns the id of the story it joined or started.

        Adding an article id seen before changes nothing and returns its story.
        A story may later be merged into another: ``story_of`` follows merges.
        """
        if f.article_id in self._article_story:
            return self.story_of(f.article_id)
        # Compared on all its keys (``min_df`` 0): keys no earlier article had lower the
        # cosine, and should — they are the evidence of something new. Leaving unseen words
        # out scored 0.012 higher on the T17 dev pool but let the first article of a new
        # story in a neighbouring country join the story it resembles (tests/test_cluster.py),
        # and a whole story follows its first article.
        best, score = self._best_story(self._vectorise(f, self.min_df, self.entity_min_df), f.date)
        if best is not None and score >= self.threshold:
            story = self._stories[best]
            # A joining article adds only keys seen before: a key that no other article
            # has is noise in a centroid (it can match nothing, and it weighs on the norm).
            self._absorb(story, self._vectorise(f, self.absorb_min_df), f)
        else:
            # A story's first article gives all its keys: they are what the story is about.
            story = self._new_story()
            self._absorb(story, self._vectorise(f), f)
        self._article_story[f.article_id] = story.id
        self._count(f)
        self._reindex(story)
        n = len(story.article_ids)
        if n >= 2 and (n <= self.merge_every or n & (n - 1) == 0 or n % self.merge_every == 0):
            return self._maybe_merge(story)
        return story.id

    def add_many(self, fs: Iterable[ArticleFeatures]) -> list[int]:
        """``add`` each article in turn; returns their stories after all merges."""
        ids = [f.article_id for f in fs if self.add(f) is not None]
        return [self.story_of(a) for a in ids]

    def story_of(self, article_id: int) -> int:
        sid = self._article_story[article_id]
        while sid in self._redirect:
            sid = self._redirect[sid]
        return sid

    def assignments(self) -> dict[int, int]:
        """Article id → story id, for every article added."""
        return {a: self.story_of(a) for a in self._article_story}

    def stories(self) -> list[Story]:
        return [self._public(s) for s in sorted(self._stories.values(), key=lambda s: s.id)]

    def similarity(self, f: ArticleFeatures, story_id: int) -> float:
        """How similar an article is to a story, as ``add`` would judge it (nothing changes)."""
        return self._score(self._vectorise(f, self.min_df, self.entity_min_df), self._stories[story_id], f.date)

    def state(self) -> dict:
        """Everything needed to resume, as JSON-ready data (dicts, lists, str, int, float)."""
        return {
            "version": STATE_VERSION, "params": self.params(), "n_docs": self._n_docs,
            "df": dict(self._df), "next_id": self._next_id, "clock": self._clock,
            "stories": [_story_state(s) for s in self._stories.values()],
            "index": {k: list(ids) for k, ids in self._index.items()},
            "articles": [[a, s] for a, s in self._article_story.items()],
            "redirect": [[a, s] for a, s in self._redirect.items()],
            "names": dict(self._names),
        }

    @classmethod
    def from_state(cls, state: dict) -> StoryClusterer:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported clusterer state version {state.get('version')!r}")
        self = cls(**state["params"])
        self._n_docs = state["n_docs"]
        self._df = dict(state["df"])
        self._next_id = state["next_id"]
        self._clock = state["clock"]
        self._stories = {s["id"]: _Story(**_story_state(s)) for s in state["stories"]}
        self._index = {k: dict.fromkeys(ids) for k, ids in state["index"].items()}
        for key, ids in self._index.items():
            for sid in ids:
                self._indexed.setdefault(sid, []).append(key)
        self._article_story = {a: s for a, s in state["articles"]}
        self._redirect = {a: s for a, s in state["redirect"]}
        self._names = dict(state["names"])
        return self

    def index_size(self) -> dict:
        """Sizes of the index and of what it indexes (for the speed benchmark)."""
        return {"keys": len(self._index), "postings": sum(len(v) for v in self._index.values()),
                "vocabulary": len(self._df), "stories": len(self._stories),
                "articles": len(self._article_story),
                "centroid_entries": sum(len(p) for s in self._stories.values() for p in s.parts.values())}

    # ------------------------------------------------------------ vectors

    def _idf(self, key: str) -> float:
        # Smoothed, from the articles seen before this one: nothing is refitted, and the
        # same stream always gives the same weights.
        return math.log((self._n_docs + 1) / (self._df.get(key, 0) + 1)) + 1.0

    def _vectorise(self, f: ArticleFeatures, min_df: int = 0,
                   entity_min_df: int | None = None) -> dict[str, dict[str, float]]:
        """Unit tf-idf vectors per part, over keys at least ``min_df`` earlier articles had
        (``entity_min_df`` for entity keys, when given)."""
        entity_min_df = min_df if entity_min_df is None else entity_min_df
        df = self._df
        words, bigrams = {}, {}
        for k, w in f.terms.items():
            if df.get(k, 0) >= min_df:
                (bigrams if " " in k else words)[k] = w * self._idf(k)
        vec = {"t": unit(words, self.max_article_terms), "b": unit(bigrams, self.max_article_terms // 2)}
        for p, part in _split_entities(f.entities).items():
            vec[p] = unit({k: w * self._idf(k) for k, w in part.items() if df.get(k, 0) >= entity_min_df})
        vec["v"] = unit({str(i): x for i, x in enumerate(f.embedding)}) if f.embedding else {}
        return vec

    def _count(self, f: ArticleFeatures) -> None:
        self._n_docs += 1
        df = self._df
        for key in f.terms:
            df[key] = df.get(key, 0) + 1
        for key in f.entities:
            df[key] = df.get(key, 0) + 1
        for key, name in f.names.items():
            known = self._names.get(key)
            if known is None or _better_name(name, known):
                self._names[key] = name

    # ------------------------------------------------------------ scoring

    def _score(self, a: dict, story: _Story, date: dt.date | None) -> float:
        """Similarity of article vector ``a`` and ``story``, in [0, 1]."""
        cos = {p: self._cos(a[p], story, p) for p in PARTS if a[p] and p != "c"}
        if a["c"] and story.parts["c"]:
            cos["c"] = self._coverage(a["c"], story.parts["c"])
        return self._combine(cos, _days_outside(date, story))

    def _coverage(self, a: dict[str, float], profile: dict[str, float]) -> float:
        """How much of the article's country emphasis the story's profile covers, in [0, 1].

        A country counts as covered when it weighs at least ``place_share`` of the
        story's main country: a story that has spread over several countries (a
        pandemic) accepts all of them, a story about one country accepts only it and
        its constant companions. ``a`` is a unit vector, so its squares weigh the
        article's main country most.
        """
        top = max(profile.values())
        if top <= 0:
            return 0.0
        bar = self.place_share * top
        return sum(w * w * min(1.0, profile.get(k, 0.0) / bar) for k, w in a.items())

    @staticmethod
    def _cos(a: dict[str, float], story: _Story, part: str) -> float:
        norm = story.norms.get(part, 0.0)
        return dot(a, story.parts[part]) / math.sqrt(norm) if norm > 0 else 0.0

    def _combine(self, cos: dict[str, float], gap_days: float) -> float:
        words = cos.get("t", 0.0)
        if self.bigram_weight and "b" in cos:
            words = (1 - self.bigram_weight) * words + self.bigram_weight * cos["b"]
        entities = cos.get("e", 0.0)
        if "d" in cos:
            entities = (1 - self.w_dates) * entities + self.w_dates * cos["d"]
        sim = (self.w_terms * words + self.w_entities * entities) / (self.w_terms + self.w_entities)
        if self.embedding_weight and "v" in cos:
            sim = (1 - self.embedding_weight) * sim + self.embedding_weight * max(0.0, cos["v"])
        return sim * self._place_gate(cos.get("c")) * self._time_factor(gap_days)

    def _place_gate(self, c: float | None) -> float:
        # None: one side names no country, which is no evidence of disagreement.
        if c is None:
            return 1.0
        return self.place_floor + (1 - self.place_floor) * min(1.0, c / self.place_agree)

    def _time_factor(self, gap_days: float) -> float:
        if gap_days <= 0:
            return 1.0
        return self.time_floor + (1 - self.time_floor) * math.exp(-gap_days / self.time_scale_days)

    def _best_story(self, vec: dict, date: dt.date | None) -> tuple[int | None, float]:
        best, best_score, best_rank = None, -1.0, -1.0
        for sid in self._candidates(vec, exclude=None):
            story = self._stories[sid]
            score = self._score(vec, story, date)
            # Among stories above the threshold a larger one is preferred a little: a
            # small story's centroid is sharper, so it would otherwise keep winning
            # articles that belong to the broad story it split from.
            rank = score * (1 + self.size_prior * math.log(len(story.article_ids))) \
                if score >= self.threshold else score - 1.0
            if rank > best_rank:  # candidates come in id order: ties go to the older story
                best, best_score, best_rank = sid, score, rank
        return best, best_score

    def _candidates(self, vec: dict, exclude: int | None) -> list[int]:
        """Stories sharing strong keys with ``vec``: the best ``candidates`` by weighted overlap."""
        overlap: dict[int, float] = {}
        keys = _top(vec["t"], self.query_terms) + _top(vec["e"], self.index_entities) + _top(vec["c"], 5)
        for key, w in keys:
            for sid in self._index.get(key, ()):
                overlap[sid] = overlap.get(sid, 0.0) + w
        overlap.pop(exclude, None)
        ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0]))[:self.candidates]
        return sorted(sid for sid, _ in ranked)

    # ------------------------------------------------------------ story updates

    def _new_story(self) -> _Story:
        story = _Story(self._next_id, [], None, None, None, {}, {}, {p: {} for p in PARTS},
                       {p: 0.0 for p in PARTS})
        self._next_id += 1
        self._stories[story.id] = story
        return story

    def _absorb(self, story: _Story, vec: dict, f: ArticleFeatures) -> None:
        day = f.date.isoformat() if f.date else None
        story.origin = story.origin or day
        growth = self._growth(story, day or story.end)
        for p, part in vec.items():
            _add_into(story, p, part, growth)
        self._prune(story)
        story.article_ids.append(f.article_id)
        if day is not None:
            story.start = min(story.start or day, day)
            story.end = max(story.end or day, day)
        if f.outlet:
            story.outlets[f.outlet] = story.outlets.get(f.outlet, 0) + 1
        if f.language:
            story.languages[f.language] = story.languages.get(f.language, 0) + 1

    def _growth(self, story: _Story, day: str | None) -> float:
        """Weight of an article of ``day`` in ``story``: doubles every ``half_life_days``."""
        exponent = _days(day, story.origin) / self.half_life_days
        if exponent > _MAX_EXPONENT:
            # Rebase: scale the centroid down and move the origin, so weights stay finite.
            for p, part in story.parts.items():
                for k in part:
                    part[k] *= 2.0 ** -exponent
                story.norms[p] *= 4.0 ** -exponent
            story.origin = day
            exponent = 0.0
        return 2.0 ** exponent

    def _prune(self, story: _Story) -> None:
        # Cut a centroid back to its strongest entries once it has grown a quarter past its
        # size, so the cost of sorting is paid rarely.
        for p, keep in (("t", self.centroid_terms), ("b", 100), ("e", self.centroid_entities),
                        ("c", 50), ("d", 50)):
            part = story.parts[p]
            if len(part) > keep + keep // 4:
                story.parts[p] = dict(_top(part, keep))
                story.norms[p] = sum(w * w for w in story.parts[p].values())

    def _reindex(self, story: _Story) -> None:
        self._unindex(story.id)
        self._clock += 1
        story.touched = self._clock
        keys = [k for k, _ in _top(story.parts["t"], self.index_terms)]
        keys += [k for k, _ in _top(story.parts["e"], self.index_entities)]
        keys += [k for k, _ in _top(story.parts["c"], 5)]
        for key in keys:
            posting = self._index.setdefault(key, {})
            posting[story.id] = None
            if len(posting) > self.posting_cap:
                # The least recently changed story leaves this key's list: it stays findable
                # through its rarer keys, and the work per article stays bounded.
                oldest = next(iter(posting))
                del posting[oldest]
                self._indexed[oldest].remove(key)
        self._indexed[story.id] = keys

    def _unindex(self, sid: int) -> None:
        for key in self._indexed.pop(sid, ()):
            posting = self._index.get(key)
            if posting is not None:
                posting.pop(sid, None)
                if not posting:
                    del self._index[key]

    def _maybe_merge(self, story: _Story) -> int:
        """Merge ``story`` with the most similar other story if they have grown together;
        then let it absorb the quiet fragments that resemble it most (``fragment_size``)."""
        ranked = self._ranked_neighbours(story)
        if ranked and ranked[0][0] >= self.merge_threshold:
            keep, gone = sorted((story.id, ranked[0][1]))
            self._merge(self._stories[keep], self._stories[gone])
            story = self._stories[keep]
        if self.fragment_size and len(story.article_ids) > self.fragment_size:
            return self._absorb_fragments(story)
        return story.id

    def _story_vector(self, story: _Story) -> dict:
        return {p: unit(story.parts[p], self.max_article_terms if p == "t" else None) for p in PARTS}

    def _ranked_neighbours(self, story: _Story, vec: dict | None = None) -> list[tuple[float, int]]:
        """(score, id) of the stories the index finds for ``story`` (``vec``: its vector, when at hand),
        most similar first."""
        vec = vec or self._story_vector(story)
        out = []
        for sid in self._candidates(vec, exclude=story.id):
            out.append((self._pair_score(story, vec, self._stories[sid]), sid))
        out.sort(key=lambda x: (-x[0], x[1]))
        return out

    def _pair_score(self, story: _Story, vec: dict, other: _Story) -> float:
        """Similarity of two stories (``vec``: ``story``'s centroid as unit vectors)."""
        cos = {p: self._cos(vec[p], other, p) for p in PARTS if vec[p] and p != "c"}
        if vec["c"] and other.parts["c"]:
            # The larger story must cover the smaller one's countries (a fragment
            # about one country of a many-country story belongs to it).
            small, large = sorted((story, other), key=lambda s: (len(s.article_ids), s.id))
            cos["c"] = self._coverage(unit(small.parts["c"]), large.parts["c"])
        return self._combine(cos, _span_gap(story, other))

    def _absorb_fragments(self, host: _Story) -> int:
        """Merge into ``host`` the quiet small stories whose clearly best match it is.

        A story that stayed at a few articles while ``host`` went on is most often a
        side piece of a running story (a digest, a local angle) that fell short of the
        join threshold. A new story's first article is not taken: it is not quiet, the
        articles that follow it join it. Ordered by id, so the result is deterministic.
        """
        if host.end is None:
            return host.id
        vec = self._story_vector(host)
        for sid in self._candidates(vec, exclude=host.id):
            frag = self._stories[sid]
            # Only a fragment from within the host's span: one from before it would stretch
            # the host back in time, over stories that the time factor kept apart.
            if len(frag.article_ids) > self.fragment_size or frag.start is None or host.start is None \
                    or frag.start < host.start or _days(host.end, frag.end) < self.fragment_quiet_days:
                continue
            frag_vec = self._story_vector(frag)
            if self._pair_score(frag, frag_vec, host) < self.fragment_threshold:
                continue  # cheap test first: most candidates are not close enough
            ranked = self._ranked_neighbours(frag, frag_vec)
            if not ranked or ranked[0][1] != host.id or ranked[0][0] < self.fragment_threshold:
                continue
            second = ranked[1][0] if len(ranked) > 1 else 0.0
            if ranked[0][0] < self.fragment_ratio * second:
                continue
            keep, gone = sorted((host.id, frag.id))
            self._merge(self._stories[keep], self._stories[gone])
            host = self._stories[keep]
        return host.id

    def _merge(self, keep: _Story, gone: _Story) -> None:
        # Bring the absorbed centroid to the keeper's origin, then add it in.
        scale = 2.0 ** (_days(gone.origin, keep.origin) / self.half_life_days) if keep.origin else 1.0
        for p, part in gone.parts.items():
            _add_into(keep, p, part, scale)
        self._prune(keep)
        keep.article_ids.extend(gone.article_ids)
        keep.origin = keep.origin or gone.origin
        keep.start = min(filter(None, (keep.start, gone.start)), default=None)
        keep.end = max(filter(None, (keep.end, gone.end)), default=None)
        for mine, theirs in ((keep.outlets, gone.outlets), (keep.languages, gone.languages)):
            for k, n in theirs.items():
                mine[k] = mine.get(k, 0) + n
        self._unindex(gone.id)
        del self._stories[gone.id]
        self._redirect[gone.id] = keep.id
        self._reindex(keep)

    # ------------------------------------------------------------ labels

    def _public(self, s: _Story) -> Story:
        entities = self._top_names(s, n=4)
        terms = self._top_terms(s, n=4, avoid=entities)
        label = " · ".join(entities[:3] + terms[:2]) or f"story {s.id}"
        return Story(s.id, tuple(s.article_ids), label,
                     dt.date.fromisoformat(s.start) if s.start else None,
                     dt.date.fromisoformat(s.end) if s.end else None,
                     tuple(sorted(s.outlets)), tuple(sorted(s.languages)), tuple(entities), tuple(terms))

    def _top_names(self, s: _Story, n: int) -> list[str]:
        # Countries and other entities on one scale: each part's share of its centroid.
        scored = []
        for p in ("c", "e"):
            norm = math.sqrt(s.norms[p]) or 1.0
            scored += [(w / norm, k) for k, w in s.parts[p].items()]
        out: list[str] = []
        for _, key in sorted(scored, key=lambda x: (-x[0], x[1])):
            name = self._names.get(key, key.split(":", 1)[-1])
            if not any(name.lower() in o.lower() or o.lower() in name.lower() for o in out):
                out.append(name)
            if len(out) == n:
                break
        return out

    def _top_terms(self, s: _Story, n: int, avoid: Sequence[str]) -> list[str]:
        # A phrase reads better than a word: bigrams first, then words not already said.
        taken = " ".join(avoid).lower().split()
        out: list[str] = []
        for p in ("b", "t"):
            for term, _ in _top(s.parts[p], 20):
                words = term.split()
                if any(w in taken for w in words):
                    continue
                out.append(term)
                taken += words
                if len(out) == n:
                    return out
        return out


def _add_into(story: _Story, part: str, vec: dict[str, float], scale: float) -> None:
    target = story.parts[part]
    sq = story.norms[part]
    for k, w in vec.items():
        old = target.get(k, 0.0)
        new = old + scale * w
        target[k] = new
        sq += new * new - old * old
    story.norms[part] = max(sq, 0.0)


def _story_state(s) -> dict:
    """A copy of a story's state (from a ``_Story`` or its dict) that shares nothing."""
    d = dict(vars(s)) if isinstance(s, _Story) else dict(s)
    d["article_ids"] = list(d["article_ids"])
    for k in ("outlets", "languages", "norms"):
        d[k] = dict(d[k])
    d["parts"] = {p: dict(v) for p, v in d["parts"].items()}
    return d


def _days_outside(date: dt.date | None, story: _Story) -> float:
    if date is None or story.start is None:
        return 0.0
    day = date.isoformat()
    return max(0.0, _days(story.start, day), _days(day, story.end))


def _span_gap(a: _Story, b: _Story) -> float:
    if None in (a.start, a.end, b.start, b.end):
        return 0.0
    return max(0.0, _days(b.start, a.end), _days(a.start, b.end))


def _better_name(new: str, old: str) -> bool:
    """Prefer Latin script (the label's reader), then the fuller name."""
    new_latin, old_latin = not _CYRILLIC.search(new), not _CYRILLIC.search(old)
    if new_latin != old_latin:
        return new_latin
    return len(new) > len(old)
