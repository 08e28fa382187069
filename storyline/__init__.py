"""storyline: news pages in, clean deduplicated articles and timelines out.

The Python API is the core; the ``storyline`` command is a thin face over it::

    import storyline
    store = storyline.open("storyline.db")
    report = storyline.ingest(store, ["examples/caucasus"])
    store.articles()          # list of dicts, one per article
    store.search("Almaty")    # ranked, with snippets
"""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

__all__ = ["open", "ingest", "analyse_store", "Store", "__version__"]


def open(path: str | Path = "storyline.db", threshold: float = 0.8):  # noqa: A001 - mirrors sqlite_utils.Database(path)
    """Open (or create) a store; ``threshold`` is the near-duplicate Jaccard threshold."""
    from .store import Store

    return Store(path, threshold=threshold)


def ingest(store, paths, **options):
    """Read, clean, describe and deduplicate ``paths`` into ``store``; see ``storyline.pipeline.ingest``."""
    from .pipeline import ingest as _ingest

    return _ingest(store, paths, **options)


def analyse_store(store, **options):
    """Analyse the stored articles not analysed yet; see ``storyline.pipeline.analyse``."""
    from .pipeline import analyse as _analyse

    return _analyse(store, **options)


def __getattr__(name: str):
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
