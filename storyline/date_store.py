"""Days counted per entity when stored, so that an entity's key dates read their top days from an index.

``storyline.key_dates`` ranks the days named in sentences about an entity by the number of articles that name
them there. ``Store.date_mentions(sides=[keys])`` finds those sentences by reading every mention of the entity,
which for a country of a large store is tens of thousands of rows per query. Here the count is kept instead:

* ``entity_days(actor, day, articles)``: for each actor (an entity key, or ``COUNTRY:xx`` for every mention
  whose country is xx — what ``Store.date_mentions`` matches for a country) and each day, the number of
  articles with a sentence that names both (a page's timestamp is no mention, as in ``key_dates``);
* its index ``(actor, articles DESC, day)`` gives one actor's best days in ``key_dates``' order.

An article's pairs are subtracted before its analysis is replaced and added after (``Store.save_analysis``),
so the counts always equal a count from scratch. Migration 10 created the table and counted the stored
articles.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Iterable

from .key_dates import is_stamp

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

# a day-precision date, its year possibly unknown ("XXXX-04-15"), as ``Store.date_mentions`` reads them
DAY_TIMEX = ("t.type = 'DATE' AND t.precision = 'day'"
             " AND t.value GLOB '[0-9X][0-9X][0-9X][0-9X]-[0-9][0-9]-[0-9][0-9]'")


def article_pairs(conn: sqlite3.Connection, article_ids: Iterable[int]) -> Counter:
    """How many of these articles name each (actor, day) in one sentence: 0 or 1 per article."""
    out: Counter = Counter()
    for article_id in article_ids:
        pairs = set()
        rows = conn.execute(
            "SELECT t.value, t.start - s.start, t.\"end\" - s.start, substr(a.text, s.start + 1, s.\"end\" - s.start),"
            " m.entity_key, m.country FROM timexes t JOIN sentences s ON s.article_id = t.article_id"
            " AND s.idx = t.sentence JOIN articles a ON a.id = t.article_id"
            " JOIN mentions m ON m.article_id = t.article_id AND m.sentence = t.sentence"
            f" WHERE t.article_id = ? AND {DAY_TIMEX}", (article_id,))
        stamps: dict[tuple, bool] = {}
        for day, start, end, sentence, key, country in rows:
            where = (day, start, end)
            if where not in stamps:
                stamps[where] = is_stamp(sentence, start, end)
            if stamps[where]:
                continue
            if key:
                pairs.add((key, day))
            if country:
                pairs.add(("COUNTRY:" + country, day))
        out.update(pairs)
    return out


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
    """Migration 10: the table, and the counts of every stored article."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    recount_all(conn)


def recount_all(conn: sqlite3.Connection) -> None:
    """Count every stored article from scratch (a migration, or a store whose rows were copied in bulk)."""
    conn.execute("DELETE FROM entity_days")
    ids = [r[0] for r in conn.execute("SELECT DISTINCT article_id FROM timexes ORDER BY article_id")]
    for i in range(0, len(ids), 1000):
        apply(conn, article_pairs(conn, ids[i:i + 1000]), 1)


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
