"""Events merged across articles, and timelines built from them.

The store keeps one row per event *mention* (a sentence of an article). Here
mentions that report the same happening — same PLOVER type and mode, same
date, same pair of actors — become one event with all its evidence, the
number of distinct articles and outlets, and when it was first reported. In a
timeline, the same happening dated a day apart by different reports is one
entry (``fold_nearby``).
Duplicated copies of an article are already one article in the store, so a
syndicated copy never counts as an independent source.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from storyline.key_dates import day_label


@dataclass
class Evidence:
    article_id: int
    sentence: int
    sentence_text: str
    outlet: str | None
    published: str | None
    confidence: float


@dataclass
class Event:
    type: str
    mode: str
    date: str | None
    date_end: str | None
    precision: str
    inferred: bool
    date_source: str  # "text": the sentence dates it; "reported": the article's date stands in
    background: bool  # history the articles recall, not news of their day
    source: str | None
    target: str | None
    place: str | None
    summary: str
    articles: int
    outlets: int
    first_reported: str | None
    confidence: float
    actors_inferred: bool = False  # the best evidence took its actors from the sentence before
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def actor_id(key: str | None, country: str | None, text: str | None) -> str | None:
    """What identifies an actor across articles: its country when it acts for one, else its entity."""
    return country or key or (text.lower() if text else None)


def merge_key(r: dict) -> tuple:
    """What makes two event mentions one event: type, mode, date and the pair of actors."""
    pair = frozenset(filter(None, (actor_id(r["source_key"], r["source_country"], r["source_text"]),
                                   actor_id(r["target_key"], r["target_country"], r["target_text"]))))
    # An undated mention can only merge within its own article: "reported" dates are not event dates.
    when = r["date"] if r["date_source"] == "text" else ("reported", r["article_id"], r["date"])
    return (r["type"], r["mode"], when, pair)


def merge(rows: list[dict]) -> list[Event]:
    """Group event-mention rows (``Store.event_rows``) into events, in date order (undated last)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(merge_key(r), []).append(r)
    events = [_event(g) for g in groups.values()]
    events.sort(key=lambda e: (e.date is None, e.date or "", -e.confidence))
    return events


def _event(rows: list[dict]) -> Event:
    best = max(rows, key=lambda r: (r["confidence"], -r["article_id"]))
    articles = {r["article_id"] for r in rows}
    outlets = {r["outlet"] for r in rows if r["outlet"]}
    places = Counter(r["place"] for r in rows if r["place"])
    published = [r["published"] for r in rows if r["published"]]
    return Event(
        type=best["type"], mode=best["mode"], date=best["date"], date_end=best["date_end"],
        precision=best["date_precision"], inferred=bool(best["date_inferred"]), date_source=best["date_source"],
        background=all(r["background"] for r in rows),
        source=best["source_name"] or best["source_text"], target=best["target_name"] or best["target_text"],
        place=places.most_common(1)[0][0] if places else None, summary=" ".join(best["sentence_text"].split()),
        articles=len(articles), outlets=len(outlets), first_reported=min(published, default=None),
        confidence=max(r["confidence"] for r in rows), actors_inferred=bool(best.get("actors_inferred")),
        evidence=[Evidence(r["article_id"], r["sentence"], r["sentence_text"], r["outlet"], r["published"],
                           r["confidence"]) for r in sorted(rows, key=lambda r: -r["confidence"])],
    )


def rank_score(confidence: float, articles: int, outlets: int) -> float:
    """How much an event deserves a place in a timeline that cannot hold all: sure, and widely reported.

    The store keeps it per event and actor (``storyline.event_store``); a change here needs a migration
    that recounts them.
    """
    return confidence + math.log1p(articles) + math.log1p(outlets)


DATED_BAR = 0.4  # share of the confidence bar a dated event must clear


def key_events(events: list[Event], limit: int | None = None, min_confidence: float = 0.5,
               background: bool = False) -> list[Event]:
    """The events worth a timeline entry: confident, news of their day unless asked, best first when cut.

    A sentence that dates its event ("talks on May 10-11") is evidence of a
    timeline-worthy event in itself, so dated events pass a lower bar.
    """
    def bar(e: Event) -> float:
        return min_confidence * (DATED_BAR if e.date_source == "text" else 1.0)

    kept = [e for e in events if e.confidence >= bar(e) and (background or not e.background)]
    if limit is not None and len(kept) > limit:
        ranked = sorted(kept, key=lambda e: -rank_score(e.confidence, e.articles, e.outlets))
        chosen = set(map(id, ranked[:limit]))
        kept = [e for e in kept if id(e) in chosen]
    return fold_nearby(kept)


NEARBY_DAYS = 1  # outlets in other time zones, or writing "on Monday" of a late-night event, differ by a day


def fold_nearby(events: list[Event]) -> list[Event]:
    """One entry for the same happening dated a day apart by different reports (same type, mode and actors,
    both dated to the day by their text); its date is the better supported one, and its counts are those of
    all its evidence. ``events`` in date order, as ``merge`` gives them; the order is kept."""
    out: list[Event] = []
    for e in events:
        twin = next((o for o in reversed(out) if _nearby(o, e)), None)
        if twin is None:
            out.append(e)
        else:
            out[out.index(twin)] = _fold(twin, e)
    return out


def _nearby(a: Event, b: Event) -> bool:
    if (a.type, a.mode, a.date_source, b.date_source, a.precision, b.precision) != (
            b.type, b.mode, "text", "text", "day", "day") or a.date_end or b.date_end:
        return False
    if {(a.source or "").lower(), (a.target or "").lower()} != {(b.source or "").lower(), (b.target or "").lower()}:
        return False
    try:
        gap = abs((dt.date.fromisoformat(a.date) - dt.date.fromisoformat(b.date)).days)
    except (TypeError, ValueError):  # "XXXX-04-15": a day without its year
        return False
    return 0 < gap <= NEARBY_DAYS


def _fold(a: Event, b: Event) -> Event:
    main, other = (a, b) if (a.articles, a.confidence) >= (b.articles, b.confidence) else (b, a)
    evidence = sorted(a.evidence + b.evidence, key=lambda v: -v.confidence)
    first = [x for x in (a.first_reported, b.first_reported) if x]
    return replace(main, articles=len({v.article_id for v in evidence}),
                   outlets=len({v.outlet for v in evidence if v.outlet}), first_reported=min(first, default=None),
                   confidence=max(a.confidence, b.confidence), background=a.background and b.background,
                   place=main.place or other.place, evidence=evidence)


def timeline(store, types: list[str] | None = None, actors: list[list[str]] | None = None,
             date_from: str | None = None, date_to: str | None = None, article_ids: list[int] | None = None,
             limit: int | None = None, min_confidence: float = 0.5, background: bool = False) -> list[Event]:
    """``key_events(merge(store.event_rows(...)), ...)``, without reading every mention.

    The mentions are merged when stored, and counted per actor and per pair of actors
    (``storyline.event_store``): a timeline of one actor or between two reads its best events from an index;
    other timelines (a story's, all events) count their events in SQL (``Store.event_groups``). Either way the events are ranked here exactly as ``key_events`` ranks them,
    and only the chosen events' mentions are read, for their evidence.
    """
    where = dict(types=types, actors=actors, date_from=date_from, date_to=date_to, article_ids=article_ids)
    if limit is None:
        return key_events(merge(store.event_rows(**where)), None, min_confidence, background)
    bars = (min_confidence * DATED_BAR, min_confidence)
    if actors and len(actors) <= 2 and article_ids is None:
        groups = store.actor_event_groups(actors, limit, types, date_from, date_to, bars, background)
    else:
        groups = store.event_groups(**where, bars=bars, background=background)
    # merge's order: date (undated last), then confidence, then first row in event_rows order
    groups.sort(key=lambda g: (g[2] is None, g[2] or "", -g[7], g[11]))
    if len(groups) > limit:
        ranked = sorted(groups, key=lambda g: -rank_score(g[7], g[9], g[10]))
        chosen = set(map(id, ranked[:limit]))
        groups = [g for g in groups if id(g) in chosen]
    return fold_nearby([_event(store.event_rows(**where, extra=("e.event_group = ?", [g[12]]))) for g in groups])


def to_markdown(events: list[Event], title: str) -> str:
    lines = [f"# {title}", ""]
    for e in events:
        lines.append(f"## {date_label(e)} — {e.type} ({e.mode})")
        actors = " → ".join(filter(None, (e.source, e.target)))
        actors += " (actors from the sentence before)" if actors and e.actors_inferred else ""
        lines.append(f"{actors}{' · ' + e.place if e.place else ''} · {e.articles} article(s), {e.outlets} outlet(s)")
        lines.append("")
        lines.append(f"> {e.summary.strip()}")
        lines.append("")
        lines.append("Sources: " + ", ".join(f"article {v.article_id}" + (f" ({v.outlet})" if v.outlet else "")
                                            for v in e.evidence[:5]))
        lines.append("")
    return "\n".join(lines)


HTML_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}"
              "article{border-left:3px solid #888;padding:0 0 0 1rem;margin:1.5rem 0}"
              "h2{font-size:1.05rem;margin:0}.meta{color:#555;font-size:.9rem}"
              "blockquote{margin:.5rem 0;font-style:italic}li{font-size:.9rem;margin:.25rem 0}")


def to_html(events: list[Event], title: str) -> str:
    """One self-contained page: each entry with its date, type, actors, place, counts, summary and evidence."""
    entries = []
    for e in events:
        actors = " → ".join(filter(None, (e.source, e.target)))
        actors += " (actors from the sentence before)" if actors and e.actors_inferred else ""
        meta = " · ".join(filter(None, (actors, e.place, f"{e.articles} article(s), {e.outlets} outlet(s)",
                                        "background" if e.background else "")))
        evidence = [(v.outlet, v.published, v.article_id, v.sentence_text) for v in e.evidence]
        entries.append(html_entry(f"{date_label(e)} — {e.type} ({e.mode})", meta, [e.summary], evidence))
    return html_page(title, entries)


def html_page(title: str, entries: list[str]) -> str:
    """A self-contained page of ``html_entry``s (the timeline's and the key dates')."""
    from html import escape

    return "\n".join([f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
                      f"<style>{HTML_STYLE}</style></head><body><h1>{escape(title)}</h1>", *entries,
                      "</body></html>"])


def html_entry(heading: str, meta: str, summary: list[str], evidence: list[tuple]) -> str:
    """One entry: a heading, a line of counts, the summary sentences, and the evidence folded away, each
    ``(outlet, published, article id, sentence)``; everything the pages said is escaped."""
    from html import escape

    quotes = "".join(f"<blockquote>{escape(' '.join(s.split()))}</blockquote>" for s in summary)
    items = "".join(f"<li>{escape(outlet or 'unknown outlet')}, {escape(published or 'undated')}, article"
                    f" {article}: {escape(' '.join(sentence.split()))}</li>"
                    for outlet, published, article, sentence in evidence)
    return (f"<article><h2>{escape(heading)}</h2><div class='meta'>{escape(meta)}</div>{quotes}"
            f"<details><summary>Evidence ({len(evidence)})</summary><ul>{items}</ul></details></article>")


def date_label(e: Event) -> str:
    """A date as precise as it is known, never more: ``2024-05-10–11``, ``~2024-04-15``, ``date unknown``."""
    if not e.date:
        return "date unknown"
    if e.date.startswith("XXXX-"):
        return day_label(e.date)
    label = e.date if not e.date_end else f"{e.date}–{e.date_end[len(_common(e.date, e.date_end)):]}"
    label = ("~" if e.inferred else "") + label
    return label + (" (reported)" if e.date_source == "reported" else "")


def _common(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[: a.rfind("-", 0, n) + 1] if n < len(b) else a
