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
