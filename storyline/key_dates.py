"""key_dates: the days a set of articles is about, each told by the sentences that say what happened.

Where ``storyline.timeline`` lists merged *events*, this ranks *days*. A day
named by many articles ("on Tuesday", "the April 20 explosion") is a day that
mattered to the coverage, whether or not an event of the PLOVER ontology was
coded in it; most of a journalist's timeline is such days. The method is the
one measured on Timeline17 (``benchmarks/tls_t17.py``, docs/quality.md):

1. every day-precision date the analysis resolved in a sentence is a
   *mention* of that day; a page or comment timestamp ("Jun 16, 2010 2:59 pm")
   dates the page, not a happening, and is no mention (``is_stamp``);
2. a day's score is the number of distinct articles that mention it (an
   article repeating a day counts once, and a syndicated copy is already one
   article in the store); ties go to the earlier day;
3. each chosen day is summarised by the sentences that mention it closest to
   the TF-IDF centroid of all of them, each sentence weighted by how many
   articles carry it, a sentence that holds an event slightly preferred, near
   repeats skipped.

Everything here is a plain function of plain data: the store's
``Store.dated_sentences`` gives the mentions, the benchmark builds them from
Timeline17's text files, and both get the same days and summaries.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .cluster import dot, unit


@dataclass(frozen=True)
class DateMention:
    """One sentence of one article naming one day."""

    article: int | str
    day: str  # YYYY-MM-DD
    sentence: str
    published: str | None = None
    outlet: str | None = None
    stamp: bool = False  # a page or comment timestamp (``is_stamp``): not counted
    event: str | None = None  # an event the sentence reports ("AGREE BP → US"), if any
    language: str | None = None


@dataclass
class KeyDate:
    date: str
    articles: int
    outlets: int
    summary: list[str]
    events: list[str] = field(default_factory=list)  # the events its sentences report, most reported first
    evidence: list[dict] = field(default_factory=list)  # {article, outlet, published, sentence}
    first_reported: str | None = None  # the earliest publication day of an article naming it
    background: bool = False  # only articles published over a year later name it: history they recall
    announced: bool = False  # only articles published before it name it: a plan or a deadline, not yet a report

    def as_dict(self) -> dict:
        return asdict(self)

    def label(self) -> str:
        return day_label(self.date, self.background, self.announced)


# ---------------------------------------------------------------- timestamps

# A page or comment timestamp: a day written with its year beside a clock time ("Jun 16, 2010 2:59 pm EDT",
# "Posted by: x | June 16, 2010 3:46 PM", "At 18:01 1st Jun 2010, x wrote:"). It dates the page, not an event.
CLOCK = re.compile(r"(?i)\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b")
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
STAMP_REACH = 25  # characters on either side of the date


def is_stamp(text: str, start: int, end: int) -> bool:
    """Whether the day at ``text[start:end]`` is a timestamp: written with its year, a clock time beside it."""
    if not YEAR.search(text[start:end]):
        return False
    return bool(CLOCK.search(text[max(0, start - STAMP_REACH):start]) or CLOCK.search(text[end:end + STAMP_REACH]))


# ---------------------------------------------------------------- choosing days


def day_support(mentions: list[DateMention], date_from: str | None = None,
                date_to: str | None = None) -> dict[str, set]:
    """The articles that mention each day (timestamps left out), within ``date_from``..``date_to`` inclusive."""
    out: dict[str, set] = {}
    for m in mentions:
        # "~" sorts after any digit: a partial date_to ("2024-05") includes its days, as in the store
        if m.stamp or (date_from and m.day < date_from) or (date_to and m.day > date_to + "~"):
            continue
        out.setdefault(m.day, set()).add(m.article)
    return out


def select_days(support: dict[str, set], limit: int | None) -> list[str]:
    """The ``limit`` days the most articles mention, best first; of two days equally named, the earlier."""
    ranked = sorted(support, key=lambda d: (-len(support[d]), d))
    return ranked if limit is None else ranked[:limit]


# ---------------------------------------------------------------- summaries

WORD = re.compile(r"\w+")
SUMMARY_WORDS = (4, 60)  # a shorter line is a caption or a heading, a longer one a run-on paragraph
EVENT_PREFERENCE = 1.15  # a sentence reporting an event beats an equally central one that does not
REPEAT = 0.5  # cosine above which a sentence repeats one already in the summary


@lru_cache(maxsize=16)
def _stop(language: str | None) -> frozenset[str]:
    from storyline.clean import stoplist

    return stoplist(language or "en")


def tokens(sentence: str, language: str | None = None) -> list[str]:
    """Content words of a sentence, in any script: casefolded, stop words and single letters left out."""
    stop = _stop(language)
    return [w for w in WORD.findall(sentence.casefold()) if len(w) > 1 and w not in stop]


def tfidf(toks: list[str], df: Counter, n_docs: int, idf: dict[str, float] | None = None) -> dict[str, float]:
    """A unit TF-IDF vector: sublinear term frequency times smoothed inverse document frequency (``idf``, when
    ``inverse_frequencies`` computed it once for many sentences)."""
    tf = Counter(toks)
    if idf is None:
        idf = inverse_frequencies(Counter({w: df.get(w, 0) for w in tf}), n_docs)
    return unit({w: (1 + math.log(c)) * idf[w] if c > 1 else idf[w] for w, c in tf.items()})


def inverse_frequencies(df: Counter, n_docs: int) -> dict[str, float]:
    return {w: math.log((n_docs + 1) / (c + 1)) for w, c in df.items()}


def summarise(sentences: dict[str, dict], k: int, df: Counter, n_docs: int,
              idf: dict[str, float] | None = None) -> list[str]:
    """The ``k`` sentences closest to the centroid of a day's sentences.

    ``sentences`` maps each sentence to ``{"articles": set, "event": bool, "tokens": list}`` (``day_sentences``);
    a sentence carried by several articles weighs that much more in the centroid.
    """
    items = list(sentences.items())
    if not items or k <= 0:
        return []
    vecs = [tfidf(info["tokens"], df, n_docs, idf) for _, info in items]
    centre: dict[str, float] = {}
    for (_, info), v in zip(items, vecs):
        n = len(info["articles"]) or 1
        for w, x in v.items():
            centre[w] = centre.get(w, 0.0) + x * n
    centre_v = unit(centre)
    order = sorted(range(len(items)),
                   key=lambda i: -(dot(vecs[i], centre_v) * (EVENT_PREFERENCE if items[i][1]["event"] else 1.0)))
    out, out_vecs = [], []
    for i in order:
        if len(out) >= k:
            break
        if any(dot(vecs[i], v) > REPEAT for v in out_vecs):
            continue
        out.append(items[i][0])
        out_vecs.append(vecs[i])
    return out


def day_sentences(mentions: list[DateMention], days: set[str]) -> dict[str, dict[str, dict]]:
    """Per day, its candidate summary sentences with the articles that carry each, whether one holds an
    event, and their words (a timestamp's line is a page's furniture, never a summary)."""
    out: dict[str, dict[str, dict]] = {}
    lo, hi = SUMMARY_WORDS
    for m in mentions:
        if m.stamp or m.day not in days:
            continue
        words = m.sentence.split()
        if not lo <= len(words) <= hi:
            continue
        text = " ".join(words)
        per_day = out.setdefault(m.day, {})
        if text not in per_day:
            per_day[text] = {"articles": set(), "event": False, "tokens": tokens(text, m.language)}
        info = per_day[text]
        info["articles"].add(m.article)
        info["event"] = info["event"] or m.event is not None
    return out


def document_frequencies(sentences: dict[str, dict[str, dict]]) -> tuple[Counter, int]:
    """How many of the candidate sentences (one per day and text) hold each word, and how many there are."""
    df: Counter = Counter()
    n = 0
    for per_day in sentences.values():
        for info in per_day.values():
            n += 1
            df.update(set(info["tokens"]))
    return df, n


# ---------------------------------------------------------------- the whole

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def day_label(day: str, background: bool = False, announced: bool = False) -> str:
    """``2024-05-10``, or ``May 10, year unknown`` for a day whose year no text gave (``XXXX-05-10``);
    ``(history)`` when only articles published over a year later name it, ``(announced)`` when only
    articles published before it do."""
    label = f"{MONTHS[int(day[5:7]) - 1]} {int(day[8:10])}, year unknown" if day.startswith("XXXX-") else day
    return label + (" (history)" if background else "") + (" (announced)" if announced else "")


def is_announced(day: str, published: list[str | None]) -> bool:
    """Whether every article naming ``day`` was published before it: what was planned or due then, which no
    article in hand reports yet (False when a date is unknown, or the day's year is)."""
    return (bool(published) and not day.startswith("XXXX-")
            and all(p is not None and p[:10] < day for p in published))


def to_markdown(dates: list[KeyDate], title: str) -> str:
    lines = [f"# {title}", ""]
    for d in dates:
        lines += [f"## {d.label()}", "", f"{d.articles} article(s), {d.outlets} outlet(s)"
                  + (" · " + "; ".join(d.events[:3]) if d.events else ""), ""]
        lines += [f"> {s}" for s in d.summary] + [""]
        lines.append("Sources: " + ", ".join(f"article {v['article']}" + (f" ({v['outlet']})" if v["outlet"] else "")
                                            for v in d.evidence[:5]))
        lines.append("")
    return "\n".join(lines)


def to_html(dates: list[KeyDate], title: str) -> str:
    """One self-contained page, as ``timeline.to_html``: each day with its counts, events, summary and evidence."""
    from .timeline import html_entry, html_page  # the timeline imports this module

    return html_page(title, [html_entry(
        d.label(),
        " · ".join(filter(None, (f"{d.articles} article(s), {d.outlets} outlet(s)",
                                 f"first reported {d.first_reported}" if d.first_reported else "",
                                 "; ".join(d.events[:3])))),
        d.summary, [(v["outlet"], v["published"], v["article"], v["sentence"]) for v in d.evidence])
        for d in dates])


def key_dates(mentions: list[DateMention], limit: int | None = 10, sentences: int = 1,
              date_from: str | None = None, date_to: str | None = None,
              days: list[str] | None = None) -> list[KeyDate]:
    """The ``limit`` key days of these mentions, in date order, each with ``sentences`` summary sentences.

    ``days`` replaces the choice of days (an experiment's own ranking); the summaries are made the same way.
    """
    support = day_support(mentions, date_from, date_to)
    chosen = list(days) if days is not None else select_days(support, limit)
    # word weights come from the chosen days' sentences alone: what sets one key day apart from the others,
    # and the same whether all the mentions were read or only the chosen days' (``Store.dated_sentences(days=)``)
    candidates = day_sentences(mentions, set(chosen))
    df, n_docs = document_frequencies(candidates)
    idf = inverse_frequencies(df, n_docs)
    by_day: dict[str, list[DateMention]] = {}
    wanted = set(chosen)
    for m in mentions:
        if m.day in wanted and not m.stamp:
            by_day.setdefault(m.day, []).append(m)
    out = []
    for d in sorted(chosen):
        ms = by_day.get(d, [])
        events: Counter = Counter()  # each sentence's event once, however often the sentence names the day
        seen, evidence = set(), []
        for m in sorted(ms, key=lambda m: (m.published or "", str(m.article))):
            if (m.article, m.sentence) not in seen:
                seen.add((m.article, m.sentence))
                if m.event:
                    events[m.event] += 1
                evidence.append({"article": m.article, "outlet": m.outlet, "published": m.published,
                                 "sentence": " ".join(m.sentence.split())})
        first = min((m.published for m in ms if m.published), default=None)
        out.append(KeyDate(date=d, articles=len(support.get(d, ())),
                           outlets=len({m.outlet for m in ms if m.outlet}),
                           summary=summarise(candidates.get(d, {}), sentences, df, n_docs, idf),
                           events=[e for e, _ in events.most_common()], evidence=evidence,
                           first_reported=first, background=is_background(d, first),
                           announced=is_announced(d, [m.published for m in ms])))
    return out


BACKGROUND_DAYS = 365  # a day (or an event) over a year before the articles that name it is history they recall


def is_background(date: str | None, now: str | None) -> bool:
    """Whether ``date`` (YYYY[-MM[-DD]]) lies over ``BACKGROUND_DAYS`` before ``now``, compared by month: history
    an article recalls. False when either is unknown or has no year ("XXXX-04-15")."""
    if not date or not now:
        return False
    try:
        then = dt.date(int(date[:4]), int(date[5:7] or 12) if len(date) >= 7 else 12, 1)
        ref = dt.date(int(now[:4]), int(now[5:7]) if len(now) >= 7 else 1, 1)
    except ValueError:
        return False
    return (ref - then).days > BACKGROUND_DAYS


def from_store(store, article_ids: list[int] | None = None, sides: list[list[str]] | None = None,
               date_from: str | None = None, date_to: str | None = None, limit: int | None = 10,
               sentences: int = 1) -> list[KeyDate]:
    """``key_dates(store.date_mentions(...), limit, sentences)``, from the sentences kept by day.

    One entity's key dates (one side of one key, no article filter, a limit) take its best days from the
    counts kept when articles are stored (``storyline.date_store``) and read only those days' sentences: the
    cost follows the days asked for, not the entity's mentions. Anything else reads the sentences of the
    articles asked for (a story's, or those that name every side).
    """
    if limit and article_ids is None and sides and len(sides) == 1 and len(sides[0]) == 1:
        days = [d for d, _ in store.top_days(sides[0][0], limit, date_from, date_to)]
        return key_dates(store.dated_sentences(sides=sides, days=days) if days else [], days=days,
                         sentences=sentences)
    return key_dates(store.dated_sentences(article_ids=article_ids, sides=sides, date_from=date_from,
                                           date_to=date_to), limit, sentences)
