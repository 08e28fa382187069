"""The store stage: articles, their copies and dedupe buckets in one SQLite file.

SQLite in WAL mode, schema versioned with ``PRAGMA user_version`` and a list
of migrations applied in order, an FTS5 index over title and text kept in
step by triggers. Writes happen inside transactions that the caller opens
with ``Store.transaction()``, so an ingest killed half-way leaves the file as
it was after the last committed batch.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import dedupe
from .models import Article

DEFAULT_DB = "storyline.db"

MIGRATIONS: list[str] = [
    # 1: articles, copies, near-duplicate buckets, full-text index, ingest log
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        title TEXT,
        text TEXT NOT NULL,
        language TEXT,
        outlet TEXT,
        url TEXT,
        published TEXT,
        published_precision TEXT NOT NULL DEFAULT 'unknown',
        published_source TEXT NOT NULL DEFAULT 'none',
        published_inferred INTEGER NOT NULL DEFAULT 0,
        cited_sources TEXT NOT NULL DEFAULT '[]',
        exact_hash TEXT NOT NULL,
        signature BLOB NOT NULL,
        first_seen TEXT
    );
    CREATE INDEX articles_exact ON articles(exact_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE TABLE copies (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        source TEXT NOT NULL,
        raw_hash TEXT NOT NULL,
        exact_hash TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        language TEXT,
        published TEXT,
        fetched_at TEXT,
        similarity REAL NOT NULL,
        UNIQUE (source, raw_hash)
    );
    CREATE INDEX copies_article ON copies(article_id);
    CREATE TABLE lsh_buckets (
        band_key INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (band_key, article_id)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TABLE failures (
        source TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    """,
]

# How much a date source is trusted when copies disagree; higher wins.
DATE_TRUST = {"input": 6, "html-meta": 5, "url": 4, "dateline": 3, "text": 2, "fetched": 1, "none": 0}


@dataclass(frozen=True)
class Placement:
    """Where an incoming article went: a new article, or a copy of an existing one."""

    article_id: int
    new: bool
    similarity: float  # 1.0 for new articles and exact copies


class Store:
    """One SQLite store; open it with ``Store(path)`` or ``storyline.open(path)``."""

    def __init__(self, path: str | Path = DEFAULT_DB, threshold: float = 0.8):
        self.path = str(path)
        self.threshold = threshold
        self.bands, self.rows = dedupe.lsh_params(threshold)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=10000")
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- writing -----------------------------------------------------------------

    def has_copy(self, source: str, raw_hash: str) -> bool:
        """True when this very input (same source, same bytes) is already stored."""
        row = self.conn.execute(
            "SELECT 1 FROM copies WHERE source = ? AND raw_hash = ?", (source, raw_hash)
        ).fetchone()
        return row is not None

    def add(self, article: Article) -> Placement:
        """Store an article, or record it as a copy of the article it duplicates."""
        fp = article.fingerprint
        match = self.find_duplicate(fp.exact, fp.signature)
        if match is None:
            article_id = self._insert_article(article)
            placement = Placement(article_id, True, 1.0)
        else:
            placement = Placement(match[0], False, match[1])
            self._merge_metadata(match[0], article)
        self._insert_copy(placement, article)
        self.conn.execute("DELETE FROM failures WHERE source = ?", (article.source,))
        return placement

    def find_duplicate(self, exact: str, signature: bytes) -> tuple[int, float] | None:
        """The stored article this text duplicates, with the estimated similarity."""
        row = self.conn.execute("SELECT id FROM articles WHERE exact_hash = ? ORDER BY id LIMIT 1", (exact,)).fetchone()
        if row:
            return row["id"], 1.0
        keys = dedupe.band_keys(signature, self.bands, self.rows)
        marks = ",".join("?" * len(keys))
        candidates = self.conn.execute(
            f"SELECT DISTINCT a.id, a.signature FROM lsh_buckets b JOIN articles a ON a.id = b.article_id "
            f"WHERE b.band_key IN ({marks}) ORDER BY a.id",
            keys,
        ).fetchall()
        best: tuple[int, float] | None = None
        for cand in candidates:
            sim = dedupe.jaccard(signature, cand["signature"])
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (cand["id"], sim)
        return best

    def _insert_article(self, article: Article) -> int:
        d, fp = article.description, article.fingerprint
        cur = self.conn.execute(
            "INSERT INTO articles (title, text, language, outlet, url, published, published_precision,"
            " published_source, published_inferred, cited_sources, exact_hash, signature, first_seen)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (d.title, article.text, d.language, d.outlet, article.url, d.published.value,
             d.published.precision, d.published.source, int(d.published.inferred),
             json.dumps(list(d.cited_sources), ensure_ascii=False), fp.exact, fp.signature,
             article.fetched_at),
        )
        article_id = cur.lastrowid
        keys = dedupe.band_keys(fp.signature, self.bands, self.rows)
        self.conn.executemany(
            "INSERT OR IGNORE INTO lsh_buckets (band_key, article_id) VALUES (?, ?)",
            [(k, article_id) for k in keys],
        )
        return article_id

    def _merge_metadata(self, article_id: int, copy: Article) -> None:
        """Let a copy fill what the canonical article lacks: a more trusted date, a title, an outlet."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        d = copy.description
        if DATE_TRUST.get(d.published.source, 0) > DATE_TRUST.get(row["published_source"], 0):
            self.conn.execute(
                "UPDATE articles SET published = ?, published_precision = ?, published_source = ?,"
                " published_inferred = ? WHERE id = ?",
                (d.published.value, d.published.precision, d.published.source, int(d.published.inferred), article_id),
            )
        cited = json.loads(row["cited_sources"])
        merged = cited + [c for c in d.cited_sources if c not in cited]
        self.conn.execute(
            "UPDATE articles SET title = COALESCE(title, ?), outlet = COALESCE(outlet, ?), url = COALESCE(url, ?),"
            " language = COALESCE(language, ?), cited_sources = ? WHERE id = ?",
            (d.title, d.outlet, copy.url, d.language, json.dumps(merged, ensure_ascii=False), article_id),
        )

    def _insert_copy(self, placement: Placement, article: Article) -> None:
        d = article.description
        self.conn.execute(
            "INSERT OR IGNORE INTO copies (article_id, source, raw_hash, exact_hash, url, outlet, title, language,"
            " published, fetched_at, similarity) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (placement.article_id, article.source, article.raw_hash, article.fingerprint.exact, article.url, d.outlet,
             d.title, d.language, d.published.value, article.fetched_at, round(placement.similarity, 4)),
        )

    def record_failure(self, source: str, reason: str) -> None:
        self.conn.execute(
            "INSERT INTO failures (source, reason) VALUES (?, ?)"
            " ON CONFLICT(source) DO UPDATE SET reason = excluded.reason",
            (source, reason),
        )

    # --- reading -----------------------------------------------------------------

    def articles(self, limit: int | None = None, offset: int = 0, outlet: str | None = None,
                 language: str | None = None) -> list[dict]:
        where, params = [], []
        if outlet:
            where.append("a.outlet = ?")
            params.append(outlet)
        if language:
            where.append("a.language = ?")
            params.append(language)
        sql = (
            "SELECT a.id, a.published, a.published_precision, a.published_source, a.published_inferred,"
            " a.outlet, a.language, a.title, substr(a.text, 1, 200) AS lead,"
            " (SELECT COUNT(*) FROM copies c WHERE c.article_id = a.id) AS copies,"
            " (SELECT COUNT(DISTINCT c.outlet) FROM copies c WHERE c.article_id = a.id) AS outlets"
            " FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.published IS NULL, a.published, a.id LIMIT ? OFFSET ?"
        )
        params += [-1 if limit is None else limit, offset]
        return [_article_row(r) for r in self.conn.execute(sql, params)]

    def article(self, article_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        result = _article_row(row)
        result["text"] = row["text"]
        result["url"] = row["url"]
        result["cited_sources"] = json.loads(row["cited_sources"])
        result["copies"] = [
            dict(r) for r in self.conn.execute(
                "SELECT source, url, outlet, title, language, published, fetched_at, similarity"
                " FROM copies WHERE article_id = ? ORDER BY id", (article_id,))
        ]
        return result

    def search(self, query: str, limit: int = 20, mark: tuple[str, str] = ("[", "]")) -> list[dict]:
        """Full-text search, best first (BM25, title weighted above text), with a snippet.

        ``mark`` are the strings put around matched words in the snippet.
        """
        sql = (
            "SELECT a.id, a.published, a.published_precision, a.published_source, a.published_inferred,"
            " a.outlet, a.language, a.title,"
            " snippet(articles_fts, 1, ?, ?, '…', 12) AS snippet, bm25(articles_fts, 5.0, 1.0) AS score"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY score LIMIT ?"
        )
        rows = self.conn.execute(sql, (mark[0], mark[1], fts_query(query), limit)).fetchall()
        return [{**_article_row(r), "snippet": r["snippet"], "score": round(-r["score"], 3)} for r in rows]

    def failures(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT source, reason, seen_at FROM failures ORDER BY source")]

    def counts(self) -> dict:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT COUNT(*) FROM articles"),
            "copies": one("SELECT COUNT(*) FROM copies"),
            "failures": one("SELECT COUNT(*) FROM failures"),
        }


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must appear, quotes kept as phrases.

    FTS5 syntax errors ("peace-treaty", a stray quote) must not reach the user,
    so each bare word is quoted; a quoted phrase stays a phrase.
    """
    parts, phrase = [], []
    for i, chunk in enumerate(text.split('"')):
        if i % 2:
            if chunk.strip():
                parts.append('"' + chunk.strip().replace('"', "") + '"')
        else:
            phrase.extend(w for w in chunk.split() if w.strip())
    parts.extend('"' + w.replace('"', "") + '"' for w in phrase if w.upper() not in ("AND", "OR", "NOT"))
    return " ".join(parts) or '""'


def _article_row(row: sqlite3.Row) -> dict:
    keys = row.keys()
    out = {k: row[k] for k in ("id", "published", "outlet", "language", "title") if k in keys}
    out["date_precision"] = row["published_precision"]
    out["date_source"] = row["published_source"]
    out["date_inferred"] = bool(row["published_inferred"])
    for k in ("copies", "outlets"):
        if k in keys:
            out[k] = row[k]
    if "lead" in keys and not out.get("title"):
        out["lead"] = _first_sentence(row["lead"])
    return out


def _first_sentence(text: str | None, limit: int = 90) -> str:
    """A stand-in for a missing headline: the article's opening words, never passed off as its title."""
    text = " ".join((text or "").split())
    cut = min((i for i in (text.find(". "), text.find("? "), text.find("! ")) if i > 0), default=len(text))
    text = text[: cut + 1] if cut < len(text) else text
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; each migration runs in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(f"store schema version {version} is newer than this storyline ({len(MIGRATIONS)})")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
