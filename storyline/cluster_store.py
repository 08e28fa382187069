"""The story clusterer's state in the store, read lazily and written back incrementally.

``pipeline.cluster`` adds new articles to the stories already in the store.
Loading the clusterer's whole state for that, and writing all of it back,
would make each batch cost as much as the store is large. Instead the state
lives in rows (migration 5), and a batch reads only what it touches:

* ``story_clusterer`` (one row): parameters, article count, next story id, clock.
* ``story_keys``: per word/entity key its document frequency and readable name.
  A batch reads the rows of its own articles' keys (the only ones IDF needs)
  and writes those rows back; names of other keys are read when a label needs them.
* ``story_centroids``: per story its ``_Story`` as JSON (article ids, span,
  origin, outlets, languages, centroid parts and norms, ``touched``). A story
  is read when the index proposes it as a candidate, and written back only
  when it changed (its ``touched`` clock moved).
* ``story_postings``: the inverted index, one row per (key, story). A key's
  posting list is read when an article looks the key up or a story is
  (re)indexed under it. The in-memory list is ordered least recently changed
  first, which is ascending ``touched`` (a story re-enters every list at the
  end when it changes), so rows are keyed ``(key, touched)`` and read in that
  order. A changed story's rows are replaced, a merged-away story's deleted,
  and a row a full list pushed out (``posting_cap``) is deleted.
* ``story_articles`` / ``stories``: article → story after merges, and the
  stories as rows to query; only the new articles' rows, the rows of stories
  merged away and the rows of changed stories are written.

``StoryClusterer`` itself is unchanged: ``open_clusterer`` gives it mappings
that load on demand in place of its dicts (the in-memory path, as used by the
benchmarks, keeps plain dicts), so the same stream gives the same stories
whether it is clustered in one go in memory or in any number of store
batches. Two things are not the in-memory view: ``state()``, ``stories()``
and ``assignments()`` of a store-backed clusterer cover only what the batch
loaded; and a story's label is recomputed when the story changes, so an
unchanged story keeps the readable names that were best when it last changed.
``storyline stories --rebuild`` re-clusters everything and rewrites it all.

What this relies on in ``StoryClusterer``: every change to a story re-indexes
it in the same step (so its ``touched`` moves, which is how changed stories
are found and why unchanged ones may be let go and read again, see
``STORY_CACHE``), and posting lists are only changed through ``_index`` /
``_indexed``. ``tests/test_cluster_store.py`` compares store batches with one
in-memory stream, state for state, and fails if a change breaks either. A
parameter stored with a store that ``StoryClusterer`` no longer has is
dropped; a story field it no longer has likewise.

Stores with the clusterer's state as one JSON blob (``story_state``, before
migration 5) are converted on their first ``cluster`` after the upgrade: the
blob is read once, written out as rows, and emptied; story ids are kept.
"""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Sequence

from .cluster import STATE_VERSION, ArticleFeatures, StoryClusterer, _Story

_CHUNK = 900  # bound parameters per IN (...) query
STORY_CACHE = 2000  # stories a batch holds in memory at most, besides the ones it changed


def _dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


_STORY_FIELDS = frozenset(f.name for f in dataclasses.fields(_Story))


def _story(text: str) -> _Story:
    """A stored story (fields a later ``_Story`` dropped are left out; ones it added take their defaults)."""
    return _Story(**{k: v for k, v in json.loads(text).items() if k in _STORY_FIELDS})


# ---------------------------------------------------------------- lazy mappings


class _Stories(dict):
    """Story id → ``_Story``, read from ``story_centroids`` on first use.

    At most ``STORY_CACHE`` stories are held: when more are needed, the ones
    this batch has not changed are let go (they are read again if wanted), so
    a batch's memory does not grow with the store. Every change to a story
    re-indexes it in the same step, so a story whose ``touched`` has not moved
    is exactly its row.
    """

    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        self.keep = STORY_CACHE
        self.loaded: dict[int, int] = {}  # story id → its ``touched`` when read
        self.deleted: set[int] = set()

    def __missing__(self, sid: int) -> _Story:
        row = None if sid in self.deleted else self.conn.execute(
            "SELECT state FROM story_centroids WHERE id = ?", (sid,)).fetchone()
        if row is None:
            raise KeyError(sid)
        if len(self) >= self.keep:
            for clean in [k for k, s in self.items() if self.loaded.get(k) == s.touched]:
                dict.__delitem__(self, clean)
                del self.loaded[clean]
        story = _story(row[0])
        dict.__setitem__(self, sid, story)
        self.loaded[sid] = story.touched
        return story

    def __delitem__(self, sid: int) -> None:
        dict.__delitem__(self, sid)
        self.deleted.add(sid)

    def changed(self) -> list[_Story]:
        """Stories created or changed since they were read (every change re-indexes, moving ``touched``)."""
        return [s for sid, s in sorted(self.items()) if self.loaded.get(sid) != s.touched]


class _Index(dict):
    """Key → posting list (story ids, least recently changed first), read from ``story_postings``."""

    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        self.absent: set[str] = set()  # keys known to have no posting list

    def _load(self, key: str):
        if key in self.absent:
            return None
        ids = [r[0] for r in self.conn.execute(
            "SELECT story_id FROM story_postings WHERE key = ? ORDER BY touched", (key,))]
        if not ids:
            self.absent.add(key)
            return None
        posting = dict.fromkeys(ids)
        dict.__setitem__(self, key, posting)
        return posting

    def get(self, key: str, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        posting = self._load(key)
        return default if posting is None else posting

    def setdefault(self, key: str, default=None):
        posting = self.get(key)
        if posting is None:
            self.absent.discard(key)
            dict.__setitem__(self, key, default)
            return default
        return posting

    def __missing__(self, key: str):
        posting = self._load(key)
        if posting is None:
            raise KeyError(key)
        return posting

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        self.absent.add(key)


class _Indexed(dict):
    """Story id → the keys it is listed under, read from ``story_postings``."""

    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        self.loaded: dict[int, tuple[str, ...]] = {}  # story id → its keys when read
        self.popped: set[int] = set()  # un-indexed in this batch: the rows no longer say anything

    def _load(self, sid: int) -> list[str]:
        if sid in self.popped:
            return []
        keys = [r[0] for r in self.conn.execute(
            "SELECT key FROM story_postings WHERE story_id = ? ORDER BY key", (sid,))]
        self.loaded[sid] = tuple(keys)
        return keys

    def __missing__(self, sid: int) -> list[str]:
        keys = self._load(sid)
        dict.__setitem__(self, sid, keys)
        return keys

    def pop(self, sid: int, *default):
        keys = dict.pop(self, sid) if dict.__contains__(self, sid) else self._load(sid)
        self.popped.add(sid)
        return keys

    def evicted(self, skip: set[int]) -> list[tuple[int, str]]:
        """(story, key) rows that a full posting list pushed out, for stories not rewritten anyway."""
        out = []
        for sid, keys in self.loaded.items():
            if sid in skip or sid in self.popped:
                continue
            now = set(dict.get(self, sid, ()))
            out += [(sid, k) for k in keys if k not in now]
        return out


class _Articles(dict):
    """Article id → story id, read from ``story_articles`` (stories there are after merges)."""

    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        self.new: list[int] = []

    def __contains__(self, article_id) -> bool:
        if dict.__contains__(self, article_id):
            return True
        row = self.conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?",
                                (article_id,)).fetchone()
        if row is None:
            return False
        dict.__setitem__(self, article_id, row[0])
        return True

    def __missing__(self, article_id: int) -> int:
        if article_id in self:
            return dict.__getitem__(self, article_id)
        raise KeyError(article_id)

    def __setitem__(self, article_id: int, sid: int) -> None:
        if not dict.__contains__(self, article_id):
            self.new.append(article_id)
        dict.__setitem__(self, article_id, sid)


class _Names(dict):
    """Key → readable name, read from ``story_keys`` on first use."""

    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        self.absent: set[str] = set()
        self.changed: set[str] = set()

    def get(self, key: str, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if key not in self.absent:
            row = self.conn.execute("SELECT name FROM story_keys WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] is not None:
                dict.__setitem__(self, key, row[0])
                return row[0]
            self.absent.add(key)
        return default

    def __missing__(self, key: str) -> str:
        name = self.get(key)
        if name is None:
            raise KeyError(key)
        return name

    def __setitem__(self, key: str, name: str) -> None:
        self.absent.discard(key)
        self.changed.add(key)
        dict.__setitem__(self, key, name)


# ---------------------------------------------------------------- reading


def has_state(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM story_clusterer WHERE id = 1").fetchone() is not None


def stored_params(conn: sqlite3.Connection) -> dict | None:
    """The parameters the store's stories were built with, or None before the first clustering."""
    row = conn.execute("SELECT params FROM story_clusterer WHERE id = 1").fetchone()
    return _known(json.loads(row[0])) if row is not None else None


def open_clusterer(conn: sqlite3.Connection, params: dict | None = None) -> StoryClusterer:
    """A clusterer over the store's state, reading stories, postings and names as it needs them.

    ``params`` are used only when the store has no clusterer state yet; a store
    goes on with the parameters it was started with.
    """
    row = conn.execute("SELECT version, params, n_docs, next_id, clock FROM story_clusterer WHERE id = 1").fetchone()
    if row is not None and row[0] != STATE_VERSION:
        raise ValueError(f"the store's story state has version {row[0]}, this storyline needs {STATE_VERSION}:"
                         " run `storyline stories --rebuild`")
    clusterer = StoryClusterer(**(_known(json.loads(row[1])) if row is not None else params or {}))
    if row is not None:
        clusterer._n_docs, clusterer._next_id, clusterer._clock = row[2], row[3], row[4]
    clusterer._df = {}
    clusterer._stories = _Stories(conn)
    clusterer._index = _Index(conn)
    clusterer._indexed = _Indexed(conn)
    clusterer._article_story = _Articles(conn)
    clusterer._redirect = {}  # merges of earlier batches are already resolved in story_articles
    clusterer._names = _Names(conn)
    return clusterer


def _known(params: dict) -> dict:
    """The stored parameters this version of ``StoryClusterer`` still has (a dropped one has no meaning left)."""
    known = StoryClusterer().params()
    return {k: v for k, v in params.items() if k in known}


def load_all(conn: sqlite3.Connection) -> StoryClusterer:
    """The store's whole clusterer state as a plain in-memory clusterer (to inspect or test; batches never need it)."""
    clusterer = open_clusterer(conn)
    c = StoryClusterer(**clusterer.params())
    c._n_docs, c._next_id, c._clock = clusterer._n_docs, clusterer._next_id, clusterer._clock
    for key, n, name in conn.execute("SELECT key, df, name FROM story_keys"):
        if n:
            c._df[key] = n
        if name is not None:
            c._names[key] = name
    c._stories = {sid: _story(state)
                  for sid, state in conn.execute("SELECT id, state FROM story_centroids ORDER BY id")}
    for key, sid in conn.execute("SELECT key, story_id FROM story_postings ORDER BY key, touched"):
        c._index.setdefault(key, {})[sid] = None
        c._indexed.setdefault(sid, []).append(key)
    c._article_story = dict(conn.execute("SELECT article_id, story_id FROM story_articles ORDER BY article_id"))
    return c


def _batch_keys(fs: Iterable[ArticleFeatures]) -> list[str]:
    return sorted({k for f in fs for part in (f.terms, f.entities, f.names) for k in part})


def prefetch_keys(conn: sqlite3.Connection, clusterer: StoryClusterer, keys: Sequence[str]) -> None:
    """Read the document frequencies and names of ``keys`` (all a batch's articles use) in bulk."""
    df, names = clusterer._df, clusterer._names
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i:i + _CHUNK]
        found = set()
        for key, n, name in conn.execute(
                f"SELECT key, df, name FROM story_keys WHERE key IN ({','.join('?' * len(chunk))})", chunk):
            found.add(key)
            if n:
                df[key] = n
            if name is not None:
                dict.__setitem__(names, key, name)
            else:
                names.absent.add(key)
        names.absent.update(k for k in chunk if k not in found)


def add_batch(conn: sqlite3.Connection, fs: Sequence[ArticleFeatures], params: dict | None = None) -> StoryClusterer:
    """Add ``fs`` in order to the stories in the store and write back what changed (call in a transaction)."""
    convert_blob(conn)
    clusterer = open_clusterer(conn, params)
    keys = _batch_keys(fs)
    prefetch_keys(conn, clusterer, keys)
    for f in fs:
        clusterer.add(f)
    save(conn, clusterer, keys)
    return clusterer


# ---------------------------------------------------------------- writing


def _save_meta(conn: sqlite3.Connection, c: StoryClusterer) -> None:
    conn.execute("INSERT OR REPLACE INTO story_clusterer (id, version, params, n_docs, next_id, clock)"
                 " VALUES (1, ?, ?, ?, ?, ?)", (STATE_VERSION, _dumps(c.params()), c._n_docs, c._next_id, c._clock))


def _save_keys(conn: sqlite3.Connection, rows: Iterable[tuple[str, int, str | None]]) -> None:
    conn.executemany("INSERT INTO story_keys (key, df, name) VALUES (?, ?, ?)"
                     " ON CONFLICT(key) DO UPDATE SET df = excluded.df, name = excluded.name", rows)


def _save_stories(conn: sqlite3.Connection, c: StoryClusterer, stories: list[_Story]) -> None:
    """Centroid rows, posting rows and public rows of ``stories`` (their old posting rows must be gone)."""
    conn.executemany("INSERT OR REPLACE INTO story_centroids (id, state) VALUES (?, ?)",
                     [(s.id, _dumps(vars(s))) for s in stories])
    conn.executemany("INSERT INTO story_postings (key, touched, story_id) VALUES (?, ?, ?)",
                     [(key, s.touched, s.id) for s in stories for key in dict.get(c._indexed, s.id, ())])
    dump = lambda x: _dumps(list(x))  # noqa: E731
    public = [c._public(s) for s in stories]
    conn.executemany(
        'INSERT OR REPLACE INTO stories (id, label, start, "end", articles, outlets, languages, top_entities,'
        " top_terms) VALUES (?,?,?,?,?,?,?,?,?)",
        [(p.id, p.label, p.start and p.start.isoformat(), p.end and p.end.isoformat(), len(p.article_ids),
          dump(p.outlets), dump(p.languages), dump(p.top_entities), dump(p.top_terms)) for p in public])


def save(conn: sqlite3.Connection, c: StoryClusterer, keys: Iterable[str]) -> None:
    """Write back what a batch changed: counters, its keys' rows, changed and merged-away stories, new articles."""
    stories: _Stories = c._stories
    changed = stories.changed()
    changed_ids = {s.id for s in changed}
    gone = sorted(stories.deleted)
    _save_meta(conn, c)
    names: _Names = c._names
    df = c._df
    _save_keys(conn, [(k, df.get(k, 0), dict.get(names, k)) for k in sorted(set(keys) | names.changed)
                      if df.get(k, 0) or dict.get(names, k) is not None])
    for table, column in (("story_centroids", "id"), ("stories", "id"), ("story_postings", "story_id")):
        conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(sid,) for sid in gone])
    conn.executemany("DELETE FROM story_postings WHERE story_id = ?", [(sid,) for sid in sorted(changed_ids)])
    conn.executemany("DELETE FROM story_postings WHERE story_id = ? AND key = ?",
                     c._indexed.evicted(changed_ids | set(gone)))
    _save_stories(conn, c, changed)
    conn.executemany("UPDATE story_articles SET story_id = ? WHERE story_id = ?",
                     [(_follow(c._redirect, sid), sid) for sid in gone])
    conn.executemany("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                     [(a, c.story_of(a)) for a in c._article_story.new])


def _follow(redirect: dict[int, int], sid: int) -> int:
    while sid in redirect:
        sid = redirect[sid]
    return sid


def clear(conn: sqlite3.Connection) -> None:
    for table in ("story_clusterer", "story_keys", "story_centroids", "story_postings", "stories",
                  "story_articles", "story_state"):
        conn.execute(f"DELETE FROM {table}")


def write_all(conn: sqlite3.Connection, c: StoryClusterer) -> None:
    """Replace the store's stories with an in-memory clusterer's (a rebuild; call in a transaction)."""
    clear(conn)
    _save_meta(conn, c)
    _save_keys(conn, [(k, c._df.get(k, 0), c._names.get(k)) for k in sorted(set(c._df) | set(c._names))])
    _save_stories(conn, c, [c._stories[sid] for sid in sorted(c._stories)])
    conn.executemany("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                     sorted(c.assignments().items()))


def convert_blob(conn: sqlite3.Connection) -> bool:
    """Turn a pre-migration-5 state blob into rows, once; True when there was one."""
    if has_state(conn):
        return False
    row = conn.execute("SELECT state FROM story_state WHERE id = 1").fetchone()
    if row is None:
        return False
    write_all(conn, StoryClusterer.from_state(json.loads(row[0])))
    return True


def story_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
