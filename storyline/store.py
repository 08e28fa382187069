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
from typing import Iterable, Iterator

from . import date_store, dedupe, event_store
from .key_dates import DateMention, is_stamp
from .models import Article

DEFAULT_DB = "storyline.db"

MIGRATIONS: list = [  # SQL scripts, or functions of the connection
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
    # 2: analysis — sentences, mentions resolved to entities, roles, quotes, time expressions
    """
    CREATE TABLE analysed (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        version INTEGER NOT NULL
    );
    CREATE TABLE sentences (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE entities (
        key TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        country TEXT,
        geonames_id INTEGER,
        lat REAL,
        lon REAL
    );
    CREATE INDEX entities_type ON entities(type);
    CREATE TABLE aliases (  -- rowid keeps the order aliases were learnt in, which resolution's tie-breaks follow
        alias TEXT NOT NULL,
        entity_key TEXT NOT NULL REFERENCES entities(key),
        UNIQUE (alias, entity_key)
    );
    CREATE INDEX aliases_entity ON aliases(entity_key);
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        sentence INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,
        role TEXT,
        canonical TEXT,
        country TEXT,
        entity_key TEXT REFERENCES entities(key)
    );
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE INDEX mentions_entity ON mentions(entity_key, article_id);
    CREATE TABLE roles (
        entity_key TEXT NOT NULL REFERENCES entities(key),
        role TEXT NOT NULL,
        country TEXT,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        date TEXT,
        PRIMARY KEY (entity_key, role, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        sentence INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        content TEXT NOT NULL,
        direct INTEGER NOT NULL,
        cue TEXT,
        speaker TEXT,
        speaker_key TEXT REFERENCES entities(key)
    );
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX quotes_speaker ON quotes(speaker_key);
    CREATE TABLE timexes (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        type TEXT NOT NULL,
        value TEXT,
        end_value TEXT,
        precision TEXT NOT NULL,
        inferred INTEGER NOT NULL,
        sentence INTEGER NOT NULL,
        PRIMARY KEY (article_id, start)
    ) WITHOUT ROWID;
    CREATE INDEX timexes_value ON timexes(value);
    """,
    # 3: events, one row per event mention (merging across articles is done when reading)
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        sentence INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT NOT NULL,
        trigger TEXT NOT NULL,
        source_text TEXT,
        source_key TEXT REFERENCES entities(key),
        source_country TEXT,
        target_text TEXT,
        target_key TEXT REFERENCES entities(key),
        target_country TEXT,
        place TEXT,
        date TEXT,
        date_end TEXT,
        date_precision TEXT NOT NULL,
        date_inferred INTEGER NOT NULL,
        date_source TEXT NOT NULL,
        background INTEGER NOT NULL,
        confidence REAL NOT NULL,
        sentence_text TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_source_key ON events(source_key, date);
    CREATE INDEX events_target_key ON events(target_key, date);
    CREATE INDEX events_source_country ON events(source_country, date);
    CREATE INDEX events_target_country ON events(target_country, date);
    CREATE INDEX events_type_date ON events(type, date);
    """,
    # 4: stories — the clusterer's state, and its stories and assignments as tables to query
    """
    CREATE TABLE story_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL
    );
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        start TEXT,
        "end" TEXT,
        articles INTEGER NOT NULL,
        outlets TEXT NOT NULL,
        languages TEXT NOT NULL,
        top_entities TEXT NOT NULL,
        top_terms TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id INTEGER NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    """,
    # 5: the clusterer's state as rows, so that adding a batch reads and writes only what it touches
    # (storyline.cluster_store; a migration-4 story_state blob is converted on the next cluster, then emptied)
    """
    CREATE TABLE story_clusterer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        params TEXT NOT NULL,
        n_docs INTEGER NOT NULL,
        next_id INTEGER NOT NULL,
        clock INTEGER NOT NULL
    );
    CREATE TABLE story_keys (
        key TEXT PRIMARY KEY,
        df INTEGER NOT NULL,
        name TEXT
    ) WITHOUT ROWID;
    CREATE TABLE story_centroids (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL
    );
    CREATE TABLE story_postings (
        key TEXT NOT NULL,
        touched INTEGER NOT NULL,
        story_id INTEGER NOT NULL,
        PRIMARY KEY (key, touched)
    ) WITHOUT ROWID;
    CREATE INDEX story_postings_story ON story_postings(story_id, key);
    """,
    # 6: timeline reads (benchmarks/bench_timeline.py). An article's date and outlet without its text:
    # reading them for each event row through the articles table walked its large rows (the text is stored
    # inline), which made timelines slow on a cold cache. And the pair of actors, for `timeline --between`:
    # with one-actor indexes only, the events of the more frequent actor were all read to find the pair's.
    """
    CREATE INDEX articles_meta ON articles(id, published, outlet);
    CREATE INDEX events_pair_key_key ON events(source_key, target_key, date);
    CREATE INDEX events_pair_key_country ON events(source_key, target_country, date);
    CREATE INDEX events_pair_country_key ON events(source_country, target_key, date);
    CREATE INDEX events_pair_country_country ON events(source_country, target_country, date);
    """,
    # 7: events merged when stored, with each actor's counts, so a timeline reads its top events from an index
    # (storyline/event_store.py; a country's timeline counted 125,613 mentions per query at 100,000 articles)
    event_store.migrate,
    # 8: whether an event's actors were taken from the sentence before (analyse.events._borrow_actors)
    """
    ALTER TABLE events ADD COLUMN actors_inferred INTEGER NOT NULL DEFAULT 0;
    """,
    # 9: events counted per pair of actors too, so `timeline --between` reads its top events from the index
    event_store.recount_all,
    # 10: days counted per entity, so an entity's key dates read their top days from an index
    # (storyline/date_store.py; "United States" had 84,577 date mentions at 100,000 articles)
    date_store.migrate,
    # 11: the sentences that name a day, kept by day, so an entity's key days are summarised from one range
    # each rather than from a few thousand article rows (storyline/date_store.py)
    date_store.migrate_sentences,
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
        redated = DATE_TRUST.get(d.published.source, 0) > DATE_TRUST.get(row["published_source"], 0)
        if redated:
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
        if redated or (row["outlet"] is None and d.outlet) or (row["language"] is None and d.language):
            date_store.refresh_article(self.conn, article_id)  # its dated sentences carry these three
        if row["outlet"] is None and d.outlet:  # the article's events gain an outlet: recount them
            event_store.index_events(self.conn, event_store.article_groups(self.conn, article_id))

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
            "entities": one("SELECT COUNT(*) FROM entities"),
            "quotes": one("SELECT COUNT(*) FROM quotes"),
        }


    # --- analysis ----------------------------------------------------------------

    def unanalysed(self, version: int, limit: int | None = None) -> list[dict]:
        """Articles not yet analysed by this analysis version, oldest id first."""
        rows = self.conn.execute(
            "SELECT a.id, a.text, a.language, a.published FROM articles a LEFT JOIN analysed d ON d.article_id = a.id"
            " WHERE d.article_id IS NULL OR d.version < ? ORDER BY a.id LIMIT ?",
            (version, -1 if limit is None else limit),
        )
        return [dict(r) for r in rows]

    def unanalysed_count(self, version: int) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN analysed d ON d.article_id = a.id"
            " WHERE d.article_id IS NULL OR d.version < ?", (version,)).fetchone()[0]

    def entity_rows(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM entities ORDER BY key")]

    def alias_rows(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.conn.execute("SELECT alias, entity_key FROM aliases ORDER BY rowid")]

    def save_entities(self, entities: Iterable, aliases: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO entities (key, type, name, country, geonames_id, lat, lon) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT(key) DO UPDATE SET type=excluded.type, name=excluded.name, country=excluded.country,"
            " geonames_id=excluded.geonames_id, lat=excluded.lat, lon=excluded.lon",
            [(e.key, e.type, e.name, e.country, e.geonames_id, e.lat, e.lon) for e in entities],
        )
        self.conn.executemany("INSERT OR IGNORE INTO aliases (alias, entity_key) VALUES (?, ?)", list(aliases))

    def save_analysis(self, article_id: int, version: int, analysis, entity_keys: list[str | None],
                      roles: Iterable, speakers: list[tuple[str | None, str | None]],
                      events: Iterable[tuple] = ()) -> None:
        """Replace an article's analysis rows; ``entity_keys[i]`` is the entity of mention i,
        ``speakers[j]`` the (name as given, entity key) of quote j, ``events`` rows of the events table
        (without the article id)."""
        events = list(events)
        stale = event_store.article_groups(self.conn, article_id)
        date_store.forget(self.conn, article_id)
        for table in ("sentences", "mentions", "roles", "quotes", "timexes", "events"):
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            'INSERT INTO sentences (article_id, idx, start, "end") VALUES (?,?,?,?)',
            [(article_id, i, a, b) for i, (a, b) in enumerate(analysis.sentences)],
        )
        self.conn.executemany(
            'INSERT INTO mentions (article_id, sentence, start, "end", text, label, role, canonical, country, entity_key)'
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(article_id, m.sentence, m.start, m.end, m.text, m.label, m.role, m.canonical, m.country, key)
             for m, key in zip(analysis.mentions, entity_keys)],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO roles (entity_key, role, country, article_id, date) VALUES (?,?,?,?,?)",
            [(r.entity_key, r.role, r.country, article_id, r.date) for r in roles],
        )
        self.conn.executemany(
            'INSERT INTO quotes (article_id, sentence, start, "end", content, direct, cue, speaker, speaker_key)'
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(article_id, q.sentence, q.content_start, q.content_end, q.content, int(q.direct), q.cue,
              name, key) for q, (name, key) in zip(analysis.quotes, speakers)],
        )
        self.conn.executemany(
            'INSERT OR REPLACE INTO timexes (article_id, start, "end", text, type, value, end_value, precision,'
            " inferred, sentence) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(article_id, t.start, t.end, t.text, t.type, t.value, t.end_value, t.precision, int(t.inferred),
              _sentence_of(analysis.sentences, t.start)) for t in analysis.timexes],
        )
        self.conn.executemany(
            "INSERT INTO events (article_id, sentence, type, mode, trigger, source_text, source_key, source_country,"
            " target_text, target_key, target_country, place, date, date_end, date_precision, date_inferred,"
            " date_source, background, confidence, sentence_text, actors_inferred)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, *row) for row in events],
        )
        if stale or events:
            event_store.index_events(self.conn, stale)
        date_store.remember(self.conn, [article_id])
        self.conn.execute("INSERT OR REPLACE INTO analysed (article_id, version) VALUES (?, ?)", (article_id, version))

    def entities(self, type: str | None = None, limit: int | None = None) -> list[dict]:
        """Canonical entities, most mentioned first, with aliases, roles and counts."""
        sql = (
            "SELECT e.*, COUNT(m.id) AS mentions, COUNT(DISTINCT m.article_id) AS articles FROM entities e"
            " JOIN mentions m ON m.entity_key = e.key" + (" WHERE e.type = ?" if type else "")
            + " GROUP BY e.key ORDER BY articles DESC, mentions DESC, e.name LIMIT ?"
        )
        params = ([type] if type else []) + [-1 if limit is None else limit]
        return [self._entity_summary(dict(r)) for r in self.conn.execute(sql, params)]

    def _entity_summary(self, row: dict) -> dict:
        key = row["key"]
        row["aliases"] = sorted({r[0] for r in self.conn.execute(
            "SELECT DISTINCT text FROM mentions WHERE entity_key = ?", (key,))} - {row["name"]})
        row["roles"] = [dict(r) for r in self.conn.execute(
            "SELECT role, country, MIN(date) AS first_date, MAX(date) AS last_date, COUNT(*) AS articles"
            " FROM roles WHERE entity_key = ? GROUP BY role, country ORDER BY articles DESC, role", (key,))]
        return row

    def find_entities(self, name: str, normalise) -> list[str]:
        """Keys of entities a user's name for them may mean: an alias, else a name or alias containing it.

        Aliases are the normalised forms of every name the entity was mentioned by (case, diacritics and
        script folded, ``resolve.normalise_name``), so a part of a name typed in any case or script finds them.
        The substring search reads the aliases, not the mentions (five times as many rows at 100,000 articles,
        in their original spelling)."""
        norm = normalise(name)
        keys = [r[0] for r in self.conn.execute("SELECT DISTINCT entity_key FROM aliases WHERE alias = ?", (norm,))]
        if keys or not norm:
            return keys
        return [r[0] for r in self.conn.execute(
            "SELECT key FROM entities WHERE name LIKE ? ESCAPE '\\' UNION SELECT DISTINCT entity_key FROM aliases"
            " WHERE alias LIKE ? ESCAPE '\\'", (_containing(name), _containing(norm)))]

    def entity(self, key: str) -> dict | None:
        row = self.conn.execute(
            "SELECT e.*, COUNT(m.id) AS mentions, COUNT(DISTINCT m.article_id) AS articles FROM entities e"
            " LEFT JOIN mentions m ON m.entity_key = e.key WHERE e.key = ? GROUP BY e.key", (key,)).fetchone()
        if row is None:
            return None
        result = self._entity_summary(dict(row))
        result["article_list"] = [dict(r) for r in self.conn.execute(
            "SELECT a.id, a.published, a.title, COUNT(*) AS mentions FROM mentions m JOIN articles a ON a.id = m.article_id"
            " WHERE m.entity_key = ? GROUP BY a.id ORDER BY a.published IS NULL, a.published, a.id", (key,))]
        result["co_occurring"] = [dict(r) for r in self.conn.execute(
            "SELECT e.key, e.name, e.type, COUNT(DISTINCT o.article_id) AS articles FROM mentions m"
            " JOIN mentions o ON o.article_id = m.article_id AND o.entity_key != m.entity_key"
            " JOIN entities e ON e.key = o.entity_key WHERE m.entity_key = ?"
            " GROUP BY e.key ORDER BY articles DESC, e.name LIMIT 15", (key,))]
        result["quotes"] = self.quotes(speaker_keys=[key], limit=20)
        return result

    def quotes(self, speaker_keys: list[str] | None = None, about_keys: list[str] | None = None,
               limit: int | None = 50) -> list[dict]:
        """Quotes with their speaker, article and date; filtered by who said them or whom they mention."""
        where, params = [], []
        if speaker_keys is not None:
            where.append(f"q.speaker_key IN ({','.join('?' * len(speaker_keys))})")
            params += speaker_keys
        if about_keys is not None:
            # "About X": X is named in the quoted words themselves, or in the quote's sentence.
            where.append(
                f"EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = q.article_id"
                f" AND m.entity_key IN ({','.join('?' * len(about_keys))})"
                f" AND ((m.start >= q.start AND m.\"end\" <= q.\"end\") OR m.sentence = q.sentence)"
                f" AND NOT (q.speaker_key IS NOT NULL AND m.entity_key = q.speaker_key))")
            params += about_keys
        sql = (
            "SELECT q.id, q.article_id, a.published, a.title, q.sentence, q.speaker, q.speaker_key, e.name AS speaker_name,"
            " q.cue, q.direct, q.content, s.start AS s_start, s.\"end\" AS s_end, a.text"
            " FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN entities e ON e.key = q.speaker_key"
            " LEFT JOIN sentences s ON s.article_id = q.article_id AND s.idx = q.sentence"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.published IS NULL, a.published, q.article_id, q.start LIMIT ?"
        )
        params.append(-1 if limit is None else limit)
        out = []
        for r in self.conn.execute(sql, params):
            row = dict(r)
            text = row.pop("text")
            start, end = row.pop("s_start"), row.pop("s_end")
            row["sentence_text"] = text[start:end] if start is not None else None
            row["direct"] = bool(row["direct"])
            out.append(row)
        return out


    # --- events ------------------------------------------------------------------

    def event_rows(self, types: list[str] | None = None, actors: list[list[str]] | None = None,
                   date_from: str | None = None, date_to: str | None = None,
                   article_ids: list[int] | None = None, extra: tuple[str, list] | None = None) -> list[dict]:
        """Event mentions with their article's outlet and date and their actors' names.

        ``actors`` is a list of sides; each side is a list of entity keys (a
        COUNTRY key also matches actors acting for that country). With one
        side, either actor may match; with two, one actor must match each.
        ``extra`` is one more (SQL condition on ``e``, parameters), for ``storyline.timeline``.
        """
        where, params = self._event_where(types, actors, date_from, date_to, article_ids)
        if extra:
            where.append(extra[0])
            params += extra[1]
        sql = (
            "SELECT e.*, a.outlet, a.published, s.name AS source_name, t.name AS target_name FROM events e"
            " JOIN articles a INDEXED BY articles_meta ON a.id = e.article_id"
            " LEFT JOIN entities s ON s.key = e.source_key LEFT JOIN entities t ON t.key = e.target_key"
            + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.date, e.article_id, e.id"
        )
        return [dict(r) for r in self.conn.execute(sql, params)]

    def event_groups(self, types: list[str] | None = None, actors: list[list[str]] | None = None,
                     date_from: str | None = None, date_to: str | None = None,
                     article_ids: list[int] | None = None, bars: tuple[float, float] | None = None,
                     background: bool = True, groups: list[int] | None = None) -> list[tuple]:
        """The event rows ``event_rows`` would return, counted per merged event (``storyline.timeline.merge``'s
        key, stored as ``events.event_group``).

        One tuple per merged event: (type, mode, date, dated, article id of an undated group or None,
        actor id, other actor id or None, confidence, all background, articles, outlets, first row, event id),
        where first row is ``article_id << 32 | id`` of the group's first row in ``event_rows`` order. ``bars``
        (dated, undated) keeps only groups whose confidence reaches theirs; ``background=False`` drops
        groups that are all background; ``groups`` keeps only these events.
        """
        where, params = self._event_where(types, actors, date_from, date_to, article_ids)
        if groups is not None:
            where.append(f"e.event_group IN ({','.join('?' * len(groups))})")
            params += list(groups)
        sql = (
            f"SELECT {event_store.GROUP_TUPLE}, MAX(e.confidence), MIN(e.background), COUNT(DISTINCT e.article_id),"
            " COUNT(DISTINCT NULLIF(a.outlet, '')), MIN((e.article_id << 32) + e.id), e.event_group"
            " FROM events e JOIN articles a INDEXED BY articles_meta ON a.id = e.article_id"
            " JOIN event_groups g ON g.id = e.event_group"
            + (" WHERE " + " AND ".join(where) if where else "") + " GROUP BY e.event_group"
        )
        having = []
        if bars is not None:
            having.append("MAX(e.confidence) >= CASE WHEN g.dated THEN ? ELSE ? END")
            params += list(bars)
        if not background:
            having.append("MIN(e.background) = 0")
        if having:
            sql += " HAVING " + " AND ".join(having)
        return [tuple(r) for r in self.conn.execute(sql, params)]

    def actor_event_groups(self, actors: list[list[str]], limit: int | None, types: list[str] | None = None,
                           date_from: str | None = None, date_to: str | None = None,
                           bars: tuple[float, float] | None = None, background: bool = True) -> list[tuple]:
        """``event_groups(actors=actors, ...)`` (one side or two) from the stored counts (``storyline.event_store``).

        With one key (or one pair of keys) and a ``limit``, only the ``limit`` best by the timeline's rank.
        With several, an event that more than one of them has is counted again from its mentions, as its
        counts are not the sum of theirs (an article may name both).
        """
        if len(actors) == 1:
            keys = list(dict.fromkeys(actors[0]))
        else:
            keys = list(dict.fromkeys(event_store.pair_key(a, b) for a in actors[0] for b in actors[1]))
        if not keys:
            return []
        one = len(keys) == 1
        rows = event_store.top_groups(self.conn, keys, limit, types, date_from, date_to,
                                      bars if one else None, background if one else True)
        if one:
            return rows
        by_group: dict[int, list[tuple]] = {}
        for r in rows:
            by_group.setdefault(r[12], []).append(r[:13])
        shared = sorted(g for g, rs in by_group.items() if len(rs) > 1)
        out = [rs[0] for rs in by_group.values() if len(rs) == 1 and _passes(rs[0], bars, background)]
        for i in range(0, len(shared), 500):
            out += self.event_groups(types, actors, date_from, date_to, None, bars, background, shared[i:i + 500])
        return out

    def _event_where(self, types, actors, date_from, date_to, article_ids) -> tuple[list[str], list]:
        where, params = [], []
        if types:
            where.append(f"e.type IN ({','.join('?' * len(types))})")
            params += [t.upper() for t in types]
        # The condition is kept a flat OR of terms that each match indexed columns (an actor's key or country;
        # for a pair, a source and a target: the events_pair_* indexes), so SQLite reads only the events asked
        # for through the indexes; an AND over ORs made it scan the table.
        sides = [self._side(keys) for keys in (actors or [])]
        terms: list[tuple[str, list]] = []
        if len(sides) == 1:
            terms = sides[0][0] + sides[0][1]
        elif len(sides) == 2:
            (a_src, a_tgt), (b_src, b_tgt) = sides
            terms = [(f"{x} AND {y}", xp + yp) for one, other in ((a_src, b_tgt), (b_src, a_tgt))
                     for x, xp in one for y, yp in other]
        if terms:
            where.append("(" + " OR ".join(f"({sql})" for sql, _ in terms) + ")")
            params += [p for _, term_params in terms for p in term_params]
        if date_from:
            where.append("e.date >= ?")
            params.append(date_from)
        if date_to:
            where.append("e.date <= ?")
            params.append(date_to + "~")  # "~" sorts after any digit: a partial date_to includes its days
        if article_ids is not None:
            where.append(f"e.article_id IN ({','.join('?' * len(article_ids))})")
            params += article_ids
        return where, params

    @staticmethod
    def _side(keys: list[str]) -> tuple[list[tuple[str, list]], list[tuple[str, list]]]:
        """For the source and for the target role, the alternative conditions that make an actor one of ``keys``."""
        countries = _countries(keys)
        def cond(role: str) -> list[tuple[str, list]]:
            parts = [(f"e.{role}_key IN ({','.join('?' * len(keys))})", list(keys))]
            if countries:
                parts.append((f"e.{role}_country IN ({','.join('?' * len(countries))})", countries))
            return parts
        return cond("source"), cond("target")


    # --- key dates -------------------------------------------------------------

    def date_mentions(self, article_ids: list[int] | None = None, sides: list[list[str]] | None = None,
                      date_from: str | None = None, date_to: str | None = None) -> list:
        """Every day the analysis resolved in a sentence, as ``storyline.key_dates.DateMention``s.

        ``sides`` (lists of entity keys, as for events) keeps the days named in a sentence that names one
        of the sides, in an article that names every side. Each mention carries the best event its sentence
        reports (not a hypothetical or negated one), if any. Read from the analysis tables, with every time
        expression and its timestamps; ``dated_sentences`` gives what the key dates need of it, faster.
        """
        # a day whose year the text left open ("April 15" on an undated page) is kept: XXXX-04-15
        where = [date_store.DAY_TIMEX]
        params: list = []
        if date_from:
            where.append("t.value >= ?")
            params.append(date_from)
        if date_to:
            where.append("t.value <= ?")
            params.append(date_to + "~")  # as for events: a partial date_to includes its days
        if article_ids is not None:
            where.append("t.article_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(article_ids)))
        # as for events, a country's people and places stand for it: Aliyev's sentence is about Azerbaijan.
        # The mentions of every side are read once, into ``named``: through mentions_entity for the keys and,
        # only if a side is a country, from the mentions of that country (with one OR of both, SQLite read every
        # mention of the store for any entity). The sentences that name a side are then looked up in a temporary
        # index, rather than every mention of the article being read again for each time expression.
        with_, with_params = "", []
        if sides:
            every = [k for keys in sides for k in keys]
            countries = _countries(every)
            named = ("SELECT m.article_id, m.sentence, m.entity_key, m.country FROM mentions m"
                     " WHERE m.entity_key IN (SELECT value FROM json_each(?))")
            with_params.append(json.dumps(every))
            if countries:
                named += (" UNION ALL SELECT m.article_id, m.sentence, m.entity_key, m.country FROM mentions m"
                          " WHERE m.country IN (SELECT value FROM json_each(?))")
                with_params.append(json.dumps(countries))
            with_ = f"WITH named AS MATERIALIZED ({named}) "
            if len(sides) > 1:  # an article that names every side
                side = f"SELECT article_id FROM named WHERE {_NAMES_A_SIDE}"
                where.append("t.article_id IN (" + " INTERSECT ".join([side] * len(sides)) + ")")
                for keys in sides:
                    params += _keys_and_countries(keys)
            where.append("(t.article_id, t.sentence) IN (SELECT article_id, sentence FROM named)")
        return self._date_mention_rows(with_, with_params, where, params)

    def _date_mention_rows(self, with_: str, with_params: list, where: list[str], params: list) -> list:
        sql = with_ + (
            "SELECT t.article_id, t.value, t.start - s.start AS t_start, t.\"end\" - s.start AS t_end,"
            " substr(a.text, s.start + 1, s.\"end\" - s.start) AS sentence, a.published, a.outlet, a.language,"
            " (SELECT e.type || COALESCE(' ' || COALESCE(se.name, e.source_text), '')"
            "  || COALESCE(' → ' || COALESCE(te.name, e.target_text), '') FROM events e"
            "  LEFT JOIN entities se ON se.key = e.source_key LEFT JOIN entities te ON te.key = e.target_key"
            "  WHERE e.article_id = t.article_id AND e.sentence = t.sentence"
            "  AND e.mode NOT IN ('hypothetical', 'negated') ORDER BY e.confidence DESC, e.id LIMIT 1) AS event"
            " FROM timexes t JOIN articles a ON a.id = t.article_id"
            " JOIN sentences s ON s.article_id = t.article_id AND s.idx = t.sentence"
            " WHERE " + " AND ".join(where) + " ORDER BY t.article_id, t.start"
        )
        return [DateMention(article=r["article_id"], day=r["value"], sentence=r["sentence"],
                            published=(r["published"] or "")[:10] or None, outlet=r["outlet"],
                            stamp=is_stamp(r["sentence"], r["t_start"], r["t_end"]), event=r["event"],
                            language=r["language"])
                for r in self.conn.execute(sql, with_params + params)]

    def dated_sentences(self, article_ids: list[int] | None = None, sides: list[list[str]] | None = None,
                        date_from: str | None = None, date_to: str | None = None,
                        days: list[str] | None = None) -> list:
        """``date_mentions``' mentions with the same arguments, one per day and sentence and without timestamps,
        read from the sentences kept by day (``storyline.date_store``): ``days`` reads one range per day, and
        an article filter or the articles that name every side read through the article index."""
        queries, params = [], []
        if article_ids is not None:
            queries.append("SELECT value FROM json_each(?)")
            params.append(json.dumps(list(article_ids)))
        if sides and (days is None or len(sides) > 1):  # the articles that name every side
            for keys in sides:
                # each side in its own subquery: compound SELECTs group left to right (A UNION B INTERSECT C)
                queries.append("SELECT article_id FROM (SELECT article_id FROM mentions WHERE entity_key IN"
                               " (SELECT value FROM json_each(?)) UNION SELECT article_id FROM mentions"
                               " WHERE country IN (SELECT value FROM json_each(?)))")
                params += _keys_and_countries(keys)
        articles = (" INTERSECT ".join(queries), params) if queries else None
        every = [k for keys in sides or [] for k in keys]
        return date_store.day_mentions(self.conn, days, every or None, articles, date_from, date_to)

    def top_days(self, actor: str, limit: int, date_from: str | None = None,
                 date_to: str | None = None) -> list[tuple[str, int]]:
        """One entity's (or ``COUNTRY:xx``'s) ``limit`` best days and their article counts (``date_store``)."""
        return date_store.top_days(self.conn, actor, limit, date_from, date_to)

    def index_events(self, stale: Iterable[int] = ()) -> int:
        """Merge event rows written without ``save_analysis`` (tests, bulk copies) into their events."""
        return event_store.index_events(self.conn, stale)

    # --- stories -----------------------------------------------------------------

    def unclustered(self, rebuild: bool = False) -> list[dict]:
        """Analysed articles not in a story yet (all of them for a rebuild), in the order they are fed."""
        sql = ("SELECT a.id, a.text, a.title, a.published, a.language, a.outlet FROM articles a"
               " JOIN analysed d ON d.article_id = a.id"
               + ("" if rebuild else " LEFT JOIN story_articles s ON s.article_id = a.id WHERE s.article_id IS NULL")
               + (" ORDER BY a.published IS NULL, a.published, a.id" if rebuild else " ORDER BY a.id"))
        return [dict(r) for r in self.conn.execute(sql)]

    def mention_rows(self, article_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            'SELECT start, "end", text, label, sentence, role, canonical, country FROM mentions'
            " WHERE article_id = ? ORDER BY start", (article_id,))]

    def stories(self, limit: int | None = None) -> list[dict]:
        """Stories, newest activity first."""
        rows = self.conn.execute(
            'SELECT * FROM stories ORDER BY "end" IS NULL, "end" DESC, articles DESC, id LIMIT ?',
            (-1 if limit is None else limit,))
        return [_story_row(r) for r in rows]

    def story(self, story_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        story = _story_row(row)
        story["article_list"] = [_article_row(r) for r in self.conn.execute(
            "SELECT a.id, a.published, a.published_precision, a.published_source, a.published_inferred, a.outlet,"
            " a.language, a.title, substr(a.text, 1, 200) AS lead FROM story_articles s JOIN articles a"
            " ON a.id = s.article_id WHERE s.story_id = ? ORDER BY a.published IS NULL, a.published, a.id",
            (story_id,))]
        story["entities"] = [dict(r) for r in self.conn.execute(
            "SELECT e.key, e.name, e.type, e.country, COUNT(*) AS mentions, COUNT(DISTINCT m.article_id) AS articles"
            " FROM story_articles s JOIN mentions m ON m.article_id = s.article_id JOIN entities e"
            " ON e.key = m.entity_key WHERE s.story_id = ? GROUP BY e.key ORDER BY articles DESC, mentions DESC"
            " LIMIT 20", (story_id,))]
        return story

    def story_article_ids(self, story_id: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY article_id", (story_id,))]


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


def _story_row(row: sqlite3.Row) -> dict:
    out = dict(row)
    for key in ("outlets", "languages", "top_entities", "top_terms"):
        out[key] = json.loads(out[key])
    return out


def _sentence_of(sentences, offset: int) -> int:
    return max([i for i, (start, _) in enumerate(sentences) if start <= offset], default=0)


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


# a mention (of ``mentions`` or of a row set with its columns) that names a side: one of its entity keys, or a
# person or place of one of its countries; parameters from ``_keys_and_countries``
_NAMES_A_SIDE = "(entity_key IN (SELECT value FROM json_each(?)) OR country IN (SELECT value FROM json_each(?)))"


def _countries(keys: list[str]) -> list[str]:
    """The country codes among entity keys (``COUNTRY:AZ`` → ``AZ``)."""
    return [k.split(":", 1)[1] for k in keys if k.startswith("COUNTRY:")]


def _keys_and_countries(keys: list[str]) -> list[str]:
    """A side's entity keys, and the codes of its countries (a country's people and places stand for it)."""
    return [json.dumps(list(keys)), json.dumps(_countries(keys))]


def _containing(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) for values containing ``text`` as typed."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _passes(group: tuple, bars: tuple[float, float] | None, background: bool) -> bool:
    """``Store.event_groups``' HAVING clause, for a group counted elsewhere."""
    if bars is not None and group[7] < (bars[0] if group[3] else bars[1]):
        return False
    return background or not group[8]


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
    event_store.register_functions(conn)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if callable(script):
                script(conn)
            for statement in [] if callable(script) else _statements(script):
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
