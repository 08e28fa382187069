"""The dated sentences of the store, kept by day, and the days counted per entity: an entity's key dates from
two index reads.

``storyline.key_dates`` ranks the days named in sentences about an entity by the number of articles that name
them there, and summarises each chosen day by its sentences. Read through the analysis tables, one country of a
large store meant tens of thousands of mentions per query, and even its 30 best days meant a few thousand
article rows read for their sentences, each from another place on disk. Two tables are kept instead:

* ``day_sentences(day, article_id, sentence, ...)``: each sentence that names a day (a page's timestamp is no
  mention, as in ``key_dates``), stored under that day with what the key dates need of it: its text, the
  entities it names (``actors``: entity keys, and ``COUNTRY:xx`` for every mention whose country is xx), its
  best event, its article's date, outlet and language. One day's sentences are one range of the table;
* ``entity_days(actor, day, articles)``: for each actor and each day, the number of articles with a sentence
  that names both; its index ``(actor, articles DESC, day)`` gives one actor's best days in ``key_dates``' order.

An article's rows and counts are taken away before its analysis is replaced and added after
(``Store.save_analysis``); a copy that fills in an article's date, outlet or language updates its rows
(``Store._merge_metadata``). Both tables therefore always equal a count from scratch (``recount_all``, which
migration 11 ran on the stored articles).
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Iterable

from .key_dates import DateMention, is_stamp

SCHEMA = """
CREATE TABLE entity_days (
    actor TEXT NOT NULL,
    day TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (actor, day)
) WITHOUT ROWID;
CREATE INDEX entity_days_rank ON entity_days(actor, articles DESC, day);
-- whether a sentence names a side, in one index read (a few chosen days' sentences, an article's pairs),
-- and a country's mentions without reading every mention (its people and places stand for it)
CREATE INDEX mentions_sentence ON mentions(article_id, sentence, entity_key, country);
CREATE INDEX mentions_country ON mentions(country, article_id, sentence);
"""

SENTENCES_SCHEMA = """
CREATE TABLE day_sentences (
    day TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    sentence INTEGER NOT NULL,
    actors TEXT NOT NULL,  -- the keys it names, each between tabs: '\tCOUNTRY:AZ\tPER:ilham aliyev\t'
    event TEXT,  -- its best event (not hypothetical or negated): JSON [type, source key, source text, target key, target text]
    published TEXT,
    outlet TEXT,
    language TEXT,
    text TEXT NOT NULL,
    PRIMARY KEY (day, article_id, sentence)
) WITHOUT ROWID;
CREATE INDEX day_sentences_article ON day_sentences(article_id, actors);
"""

# a day-precision date, its year possibly unknown ("XXXX-04-15"), as ``Store.date_mentions`` reads them
DAY_TIMEX = ("t.type = 'DATE' AND t.precision = 'day'"
             " AND t.value GLOB '[0-9X][0-9X][0-9X][0-9X]-[0-9][0-9]-[0-9][0-9]'")

TAB = "\t"


def sentence_rows(conn: sqlite3.Connection, article_id: int) -> list[tuple]:
    """The ``day_sentences`` rows of one article, from its analysis rows: one per day and sentence naming it."""
    actors: dict[int, set[str]] = {}
    for sentence, key, country in conn.execute(
            "SELECT sentence, entity_key, country FROM mentions WHERE article_id = ?", (article_id,)):
        named = actors.setdefault(sentence, set())
        if key:
            named.add(key)
        if country:
            named.add("COUNTRY:" + country)
    events: dict[int, str] = {}
    for row in conn.execute(
            "SELECT sentence, type, source_key, source_text, target_key, target_text FROM events"
            " WHERE article_id = ? AND mode NOT IN ('hypothetical', 'negated') ORDER BY confidence DESC, id",
            (article_id,)):
        events.setdefault(row[0], json.dumps(list(row[1:]), ensure_ascii=False))
    rows: dict[tuple, tuple] = {}
    for day, sentence, start, end, text, published, outlet, language in conn.execute(
            "SELECT t.value, t.sentence, t.start - s.start, t.\"end\" - s.start,"
            " substr(a.text, s.start + 1, s.\"end\" - s.start), a.published, a.outlet, a.language"
            " FROM timexes t JOIN sentences s ON s.article_id = t.article_id AND s.idx = t.sentence"
            f" JOIN articles a ON a.id = t.article_id WHERE t.article_id = ? AND {DAY_TIMEX}", (article_id,)):
        if (day, sentence) in rows or is_stamp(text, start, end):
            continue
        named = "".join(TAB + k for k in sorted(actors.get(sentence, ()))) + TAB
        rows[day, sentence] = (day, article_id, sentence, named, events.get(sentence), published, outlet,
                               language, text)
    return list(rows.values())


def _pairs(rows: Iterable[tuple]) -> Counter:
    """How many articles name each (actor, day) in one sentence, from ``day_sentences`` rows (day, article, actors)."""
    pairs = set()
    for day, article_id, actors in rows:
        pairs.update((article_id, actor, day) for actor in actors.split(TAB) if actor)
    return Counter((actor, day) for _, actor, day in pairs)


def forget(conn: sqlite3.Connection, article_id: int) -> None:
    """Take an article's sentences and counts away (before its analysis is replaced)."""
    apply(conn, _pairs(conn.execute("SELECT day, article_id, actors FROM day_sentences WHERE article_id = ?",
                                    (article_id,))), -1)
    conn.execute("DELETE FROM day_sentences WHERE article_id = ?", (article_id,))


def remember(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Store these articles' dated sentences and add their counts (after their analysis is stored)."""
    rows = [r for article_id in article_ids for r in sentence_rows(conn, article_id)]
    conn.executemany("INSERT INTO day_sentences (day, article_id, sentence, actors, event, published, outlet,"
                     " language, text) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    apply(conn, _pairs((r[0], r[1], r[3]) for r in rows), 1)


def refresh_article(conn: sqlite3.Connection, article_id: int) -> None:
    """An article's date, outlet or language changed (a copy filled them in): its sentences follow."""
    conn.execute("UPDATE day_sentences SET (published, outlet, language) ="
                 " (SELECT published, outlet, language FROM articles WHERE id = ?) WHERE article_id = ?",
                 (article_id, article_id))


def apply(conn: sqlite3.Connection, pairs: Counter, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) these article counts; a day no article names any more goes."""
    if not pairs:
        return
    conn.executemany(
        "INSERT INTO entity_days (actor, day, articles) VALUES (?, ?, ?)"
        " ON CONFLICT (actor, day) DO UPDATE SET articles = articles + excluded.articles",
        [(actor, day, sign * n) for (actor, day), n in pairs.items()])
    if sign < 0:
        conn.executemany("DELETE FROM entity_days WHERE actor = ? AND day = ? AND articles <= 0", list(pairs))


def migrate(conn: sqlite3.Connection) -> None:
    """Migration 10: the day counts' table and the mentions indexes (counted by migration 11)."""
    _create(conn, SCHEMA)


def migrate_sentences(conn: sqlite3.Connection) -> None:
    """Migration 11: the dated sentences' table, and every stored article's sentences and counts."""
    _create(conn, SENTENCES_SCHEMA)
    recount_all(conn)


def _create(conn: sqlite3.Connection, schema: str) -> None:
    for statement in schema.split(";"):
        if statement.strip():
            conn.execute(statement)


def recount_all(conn: sqlite3.Connection) -> None:
    """Both tables from scratch (a migration, or a store whose analysis rows were copied in bulk)."""
    conn.execute("DELETE FROM day_sentences")
    conn.execute("DELETE FROM entity_days")
    ids = [r[0] for r in conn.execute("SELECT DISTINCT article_id FROM timexes ORDER BY article_id")]
    for i in range(0, len(ids), 1000):
        remember(conn, ids[i:i + 1000])


def top_days(conn: sqlite3.Connection, actor: str, limit: int, date_from: str | None = None,
             date_to: str | None = None) -> list[tuple[str, int]]:
    """One actor's ``limit`` best days with their article counts, as ``key_dates.select_days`` orders them."""
    if not date_from and not date_to:
        return [tuple(r) for r in conn.execute(
            "SELECT day, articles FROM entity_days WHERE actor = ? ORDER BY articles DESC, day LIMIT ?",
            (actor, limit))]
    # a window: its days in key order (the primary key), then the best of them
    rows = conn.execute(
        "SELECT day, articles FROM entity_days WHERE actor = ? AND day >= ? AND day <= ?",
        (actor, date_from or "", (date_to + "~") if date_to else "~"))  # "~" sorts after any digit and X
    return sorted((tuple(r) for r in rows), key=lambda r: (-r[1], r[0]))[:limit]


def day_mentions(conn: sqlite3.Connection, days: list[str] | None = None, actors: list[str] | None = None,
                 articles: tuple[str, list] | None = None, date_from: str | None = None,
                 date_to: str | None = None) -> list[DateMention]:
    """The stored sentences that name a day, as ``DateMention``s (one per day and sentence, no timestamp).

    ``days``: only these days, one range of the table each; ``actors``: sentences that name one of these keys
    (``COUNTRY:xx`` for a country, its people and places included); ``articles``: an SQL query of article ids,
    with its parameters; ``date_from``..``date_to``: a window, inclusive (a partial ``date_to`` takes its days).
    """
    where, args = [], []
    if days is not None:
        where.append("day IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(list(days)))
    if date_from:
        where.append("day >= ?")
        args.append(date_from)
    if date_to:
        where.append("day <= ?")
        args.append(date_to + "~")  # "~" sorts after any digit
    if actors:
        where.append("EXISTS (SELECT 1 FROM json_each(?) k WHERE instr(actors, char(9) || k.value || char(9)))")
        args.append(json.dumps(list(actors)))
    if articles is not None:
        where.append(f"article_id IN ({articles[0]})")
        args += articles[1]
    condition = " AND ".join(where) or "1"
    if articles is not None and days is None:
        # the keys of the rows from the article index, which holds the actors too, then the rows in key order:
        # one pass along the table instead of a read at a random place for every sentence of every article
        condition = f"(day, article_id, sentence) IN (SELECT day, article_id, sentence FROM day_sentences WHERE {condition})"
    rows = conn.execute("SELECT day, article_id, event, published, outlet, language, text FROM day_sentences"
                        f" WHERE {condition} ORDER BY article_id, sentence", args).fetchall()
    names = _names(conn, {k for r in rows if r[2] for k in _event_keys(r[2])})
    return [DateMention(article=article_id, day=day, sentence=text, published=(published or "")[:10] or None,
                        outlet=outlet, event=_event_label(event, names) if event else None, language=language)
            for day, article_id, event, published, outlet, language, text in rows]


def _event_keys(event: str) -> list[str]:
    _, source_key, _, target_key, _ = json.loads(event)
    return [k for k in (source_key, target_key) if k]


def _names(conn: sqlite3.Connection, keys: set[str]) -> dict[str, str]:
    if not keys:
        return {}
    return dict(conn.execute("SELECT key, name FROM entities WHERE key IN (SELECT value FROM json_each(?))",
                             (json.dumps(sorted(keys)),)))


def _event_label(event: str, names: dict[str, str]) -> str:
    """"AGREE BP → United States", as ``Store.date_mentions`` labels a sentence's event."""
    kind, source_key, source_text, target_key, target_text = json.loads(event)
    source = names[source_key] if source_key in names else source_text
    target = names[target_key] if target_key in names else target_text
    return kind + (f" {source}" if source is not None else "") + (f" → {target}" if target is not None else "")
