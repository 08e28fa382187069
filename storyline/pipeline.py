"""The pipeline: read → clean → describe → dedupe → store, in bounded batches.

The per-document work (``process``) is a pure function, so it runs the same
in this process, in a process pool or on Spark. Only the store sees the
global view: each batch is written in one transaction, in input order, so an
ingest killed half-way and started again ends with exactly the store an
uninterrupted run makes (what was committed is skipped, the rest is redone).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from .clean import clean
from .dedupe import fingerprints
from .describe import describe
from .key_dates import is_background
from .models import Article, Failure, RawDocument
from .read import DEFAULT_MAX_BYTES, read
from .store import Store

BATCH_SIZE = 64
MIN_ARTICLE_CHARS = 80  # below this, what is left after cleaning is a caption or a menu, not an article


@dataclass
class IngestReport:
    documents: int = 0  # documents read (a WARC or JSONL file holds many)
    new_articles: int = 0
    duplicates: int = 0  # documents stored as copies of an article already there
    unchanged: int = 0  # documents this store already held (a re-run)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "documents": self.documents, "new_articles": self.new_articles,
            "duplicates": self.duplicates, "unchanged": self.unchanged,
            "failed": len(self.failures),
            "failures": [{"source": f.source, "reason": f.reason} for f in self.failures],
        }


def raw_hash(doc: RawDocument) -> str:
    return hashlib.blake2b(doc.content.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def process(docs: list[RawDocument]) -> list[Article | Failure]:
    """Clean, describe and fingerprint documents; a plain function, safe in a worker.

    Fingerprints are computed for the whole list at once: MinHash is
    vectorised over all shingles of a batch, which is where its speed comes from.
    """
    described = [_clean_and_describe(doc) for doc in docs]
    ok = [d for d in described if not isinstance(d, Failure)]
    prints = iter(fingerprints([text for _, text, _ in ok]))
    return [d if isinstance(d, Failure) else _article(*d, next(prints)) for d in described]


def _clean_and_describe(doc: RawDocument):
    try:
        cleaned = clean(doc)
    except Exception as exc:  # a cleaner bug must cost one page, not the batch
        return Failure(doc.source, f"cleaning failed ({type(exc).__name__}: {exc})")
    text = cleaned.text.strip()
    if len(text) < MIN_ARTICLE_CHARS or not re.search(r"\w", text):
        return Failure(doc.source, "no article text found (empty, only menus/links, or too short)")
    return doc, text, describe(doc, cleaned)


def _article(doc: RawDocument, text: str, description, fp) -> Article:
    return Article(
        source=doc.source, raw_hash=raw_hash(doc), url=doc.url or doc.meta.get("url"),
        fetched_at=doc.fetched_at, text=text, description=description, fingerprint=fp,
    )


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Add every document under ``paths`` to ``store``; returns what happened."""
    report = IngestReport()
    items = read(paths, max_bytes=max_bytes)
    with _mapper(workers) as run:
        for batch in _batches(items, batch_size):
            _ingest_batch(store, batch, run, report)
            if on_progress:
                on_progress(report)
    return report


def _ingest_batch(store: Store, batch: list, run, report: IngestReport) -> None:
    todo, failed = [], []
    for item in batch:
        if isinstance(item, Failure):
            failed.append(item)
            continue
        report.documents += 1
        if store.has_copy(item.source, raw_hash(item)):
            report.unchanged += 1
        else:
            todo.append(item)
    results = run(todo)
    with store.transaction():
        for result in results:
            if isinstance(result, Failure):
                failed.append(result)
            elif store.add(result).new:
                report.new_articles += 1
            else:
                report.duplicates += 1
        for failure in failed:
            store.record_failure(failure.source, failure.reason)
    report.failures.extend(failed)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


class _mapper:
    """``process`` in this process, or split over a process pool that lives for one ingest."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.pool = None

    def __enter__(self):
        if self.workers == 1:
            return process
        import multiprocessing

        self.pool = multiprocessing.get_context("spawn").Pool(self.workers)
        return self._parallel

    def _parallel(self, docs: list[RawDocument]) -> list[Article | Failure]:
        size = max(1, -(-len(docs) // self.workers))
        parts = [docs[i:i + size] for i in range(0, len(docs), size)]
        return [r for part in self.pool.map(process, parts) for r in part]

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


# --- analysis -------------------------------------------------------------------

ANALYSIS_VERSION = 7  # bump when the analysis changes; older rows are then redone by `analyse`


@dataclass
class AnalyseReport:
    articles: int = 0
    mentions: int = 0
    quotes: int = 0
    entities: int = 0  # entities in the store afterwards
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"articles": self.articles, "mentions": self.mentions, "quotes": self.quotes,
                "entities": self.entities, "failed": len(self.failures),
                "failures": [{"source": f.source, "reason": f.reason} for f in self.failures]}


def analyse(store: Store, *, batch_size: int = 32,
            on_progress: Callable[[AnalyseReport, int], None] | None = None) -> AnalyseReport:
    """Analyse every stored article not analysed yet (or by an older version), resolving entities incrementally.

    Each batch is one transaction; entities and aliases already in the store
    are loaded once, and a batch adds only what it found new.
    """
    from .resolve import Entity, Resolver

    report = AnalyseReport()
    resolver = Resolver(entities=[Entity(**row) for row in store.entity_rows()], aliases=store.alias_rows())
    saved_aliases = 0
    todo = store.unanalysed_count(ANALYSIS_VERSION)
    while batch := store.unanalysed(ANALYSIS_VERSION, limit=batch_size):
        analyses = _analyse_batch(batch, report)
        with store.transaction():
            results = [_resolve(resolver, row, analysis) for row, analysis in zip(batch, analyses)]
            touched = {k for _, keys, _, speakers, _ in results for k in keys + [key for _, key in speakers] if k}
            new_aliases = resolver.new_aliases()[saved_aliases:]
            store.save_entities([e for e in resolver.entities() if e.key in touched], new_aliases)
            for row, (analysis, keys, roles, speakers, events) in zip(batch, results):
                store.save_analysis(row["id"], ANALYSIS_VERSION, analysis, keys, roles, speakers, events)
                report.mentions += len(analysis.mentions)
                report.quotes += len(analysis.quotes)
        saved_aliases += len(new_aliases)
        report.articles += len(batch)
        if on_progress:
            on_progress(report, todo)
    report.entities = store.counts().get("entities", 0)
    return report


def _analyse_batch(batch: list[dict], report: AnalyseReport) -> list:
    from .analyse import Analysis, analyse_texts

    items = [(row["text"], row["language"], _anchor(row["published"])) for row in batch]
    try:
        return list(analyse_texts(items))
    except Exception:
        pass  # one bad article must not cost the batch: redo them one by one
    out = []
    for row, item in zip(batch, items):
        try:
            out.extend(analyse_texts([item]))
        except Exception as exc:
            report.failures.append(Failure(f"article {row['id']}", f"analysis failed ({type(exc).__name__}: {exc})"))
            out.append(Analysis(sentences=[], mentions=[], quotes=[], timexes=[]))
    return out


def _resolve(resolver, row: dict, analysis):
    resolved, roles = resolver.resolve(row["id"], analysis.mentions, row["language"], row["published"])
    keys: list[str | None] = [None] * len(analysis.mentions)
    for r in resolved:
        keys[r.mention_index] = r.entity_key
    speakers = [_speaker(q, analysis.mentions, keys) for q in analysis.quotes]
    events = [_event_row(e, analysis, keys, row["published"]) for e in analysis.events]
    return analysis, keys, roles, speakers, events


def _speaker(quote, mentions, keys: list[str | None]) -> tuple[str | None, str | None]:
    """Who said a quote, as written or resolved, and their entity: a mention inside the speaker span,
    else the mention of the name the speaker phrase was resolved to."""
    if quote.speaker_start is not None:
        inside = [i for i, m in enumerate(mentions)
                  if keys[i] and m.start >= quote.speaker_start and m.end <= quote.speaker_end]
        people = [i for i in inside if mentions[i].label == "PER"]
        if people or inside:
            return quote.speaker_resolved or quote.speaker, keys[(people or inside)[-1]]
    if quote.speaker_resolved:
        name = quote.speaker_resolved
        named = [i for i, m in enumerate(mentions) if keys[i] and name in (m.text, m.canonical)]
        # "he"/"she" stand for a person: a place the parser took for one is no speaker
        if named and (mentions[named[0]].label == "PER" or (quote.speaker or "").lower() not in PRONOUNS):
            return name, keys[named[0]]
        if named:
            return quote.speaker, None
    return quote.speaker_resolved or quote.speaker, None


PRONOUNS = frozenset({"he", "she", "он", "она"})


def _event_row(event, analysis, keys: list[str | None], published: str | None) -> tuple:
    """One events-table row: actors linked to entities, the date from the text or else the article's."""
    source_key, target_key = (_actor_key(a, analysis.mentions, keys) for a in (event.source, event.target))
    t = event.date
    if t is not None and t.value and (t.value[:1].isdigit() or t.value.startswith("XXXX-")):
        date, end, precision, inferred, where = t.value, t.end_value, t.precision, t.inferred, "text"
    else:
        date, end, precision, inferred, where = published, None, _precision(published), False, "reported"
    return (
        event.sentence, event.type, event.mode, event.trigger,
        event.source.text if event.source else None, source_key, event.source.country if event.source else None,
        event.target.text if event.target else None, target_key, event.target.country if event.target else None,
        event.place, date, end, precision, int(inferred), where,
        int(where == "text" and is_background(date, published or _latest_date(analysis))),
        round(event.confidence, 3), event.sentence_text, int(event.actors_inferred),
    )


def _actor_key(actor, mentions, keys: list[str | None]) -> str | None:
    if actor is None:
        return None
    inside = [i for i, m in enumerate(mentions) if keys[i] and m.start >= actor.start and m.end <= actor.end]
    people = [i for i in inside if mentions[i].label == "PER"]
    return keys[(people or inside)[-1]] if inside else None


def _precision(value: str | None) -> str:
    return {10: "day", 7: "month", 4: "year"}.get(len(value or ""), "unknown")


def _latest_date(analysis) -> str | None:
    """The latest date an undated article mentions: the best stand-in for when it was written."""
    values = [t.value for t in analysis.timexes if t.value and t.value[:4].isdigit()]
    return max(values, default=None)


def _anchor(published: str | None):
    """The publication date as a ``date`` when it is known to the day; partial dates anchor nothing."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(published) if published and len(published) == 10 else None
    except ValueError:
        return None


# --- stories --------------------------------------------------------------------


CLUSTER_BATCH = 1000  # articles per transaction when adding to the stories in the store


def cluster(store: Store, *, rebuild: bool = False, params: dict | None = None,
            batch_size: int = CLUSTER_BATCH) -> dict:
    """Put analysed articles into stories: only the new ones, or all again (``rebuild``) in date order.

    New articles are added in batches of ``batch_size``, one transaction each.
    A batch reads from the store only the clusterer state it touches (its keys'
    document frequencies, the posting lists it looks up, the candidate stories)
    and writes back only what changed, so its cost grows far slower than the store
    (see ``storyline.cluster_store``); the stories are the same as clustering
    the whole stream in memory. ``rebuild`` clusters every article from scratch
    in memory and rewrites all story tables. ``params`` are the clusterer's
    parameters when it starts from scratch (a rebuild or a store without
    stories); a store goes on with the parameters it was started with. When
    those give dense embeddings a weight (``embedding_weight``), every article
    is embedded (extra ``embed``; ``storyline.embed.EmbeddingsUnavailable``
    without it).
    """
    from . import cluster_store
    from .cluster import StoryClusterer

    stored = None if rebuild else cluster_store.stored_params(store.conn)
    # dense embeddings when the stories are (or were first) built with them: every article then needs one
    embedded = bool((stored if stored is not None else params or {}).get("embedding_weight"))
    rows = store.unclustered(rebuild=rebuild)
    if rebuild:
        clusterer = StoryClusterer(**(params or {}))
        for i in range(0, len(rows), batch_size):
            for f in _features(store, rows[i:i + batch_size], embedded):
                clusterer.add(f)
        with store.transaction():
            cluster_store.write_all(store.conn, clusterer)
    for i in range(0, 0 if rebuild else len(rows), batch_size):
        fs = _features(store, rows[i:i + batch_size], embedded)
        with store.transaction():
            cluster_store.add_batch(store.conn, fs, params)
    return {"articles": len(rows), "stories": cluster_store.story_count(store.conn), "embeddings": embedded}


def _features(store: Store, rows: list[dict], embedded: bool) -> list:
    if not embedded:
        return [article_features(store, row) for row in rows]
    from .embed import article_text, embed_texts

    vectors = embed_texts([article_text(row["title"], row["text"]) for row in rows])
    return [article_features(store, row, vector) for row, vector in zip(rows, vectors)]


def article_features(store: Store, row: dict, embedding=None):
    """What clustering needs of a stored article (a row of ``Store.unclustered``), with its dense embedding
    when the stories use them."""
    from .analyse.mentions import Mention
    from .cluster import features

    mentions = [Mention(**m) for m in store.mention_rows(row["id"])]
    return features(row["id"], row["text"], row["title"], _anchor(row["published"]), row["language"],
                    row["outlet"], mentions=mentions, embedding=embedding)
