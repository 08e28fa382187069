"""Merged events kept in the store, so that a timeline reads its top events instead of counting every mention.

``storyline.timeline.merge`` makes one event of the mentions that share a type, a mode, a date and a pair of
actors (``merge_key``). Here that key is computed once per mention, when it is stored:

* ``event_groups`` holds one row per merged event (its key's parts), and ``events.event_group`` points to it;
* ``event_group_actors`` holds, for each actor an event can be asked for (an entity key, or ``COUNTRY:xx`` for
  an actor acting for a country — what ``Store._side`` matches), and for each pair of a source and a target
  actor (``pair_key``, for ``timeline --between``), and each of its events, the counts that
  ``Store.event_groups`` would compute from that actor's mentions alone: best confidence, all background or
  not, articles, outlets, first mention, and the timeline's rank score.

A timeline of one actor, or between two, is then the first rows of an index (``top_groups``): its cost
follows the number of entries asked for, not the number of mentions (a country can have a hundred thousand).
Counts are refreshed for the events an article's analysis touches (``index_events``), so they always equal a
count from scratch. Migration 7 created the tables and merged the stored mentions; migration 9 added the pairs.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

from .timeline import rank_score

SCHEMA = """
ALTER TABLE events ADD COLUMN event_group INTEGER;
CREATE INDEX events_group ON events(event_group);
CREATE TABLE event_groups (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    mode TEXT NOT NULL,
    date TEXT,
    dated INTEGER NOT NULL,
    rep INTEGER,
    lo TEXT,
    hi TEXT
);
CREATE TABLE event_group_actors (
    actor TEXT NOT NULL,
    event_group INTEGER NOT NULL,
    type TEXT NOT NULL,
    date TEXT NOT NULL,
    undated INTEGER NOT NULL,
    dated INTEGER NOT NULL,
    confidence REAL NOT NULL,
    background INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    first INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (actor, event_group)
) WITHOUT ROWID;
CREATE INDEX event_group_actors_rank ON event_group_actors(actor, score DESC, undated, date, confidence DESC, first);
CREATE INDEX event_group_actors_group ON event_group_actors(event_group);
"""


def register_functions(conn: sqlite3.Connection) -> None:
    # Python's lower-casing for non-ASCII text (SQLite's lower() is ASCII-only), and the timeline's rank score
    # computed by the same Python function the timeline uses, so stored scores tie and order exactly as its own.
    conn.create_function("storyline_lower", 1, lambda t: t.lower() if isinstance(t, str) else t, deterministic=True)
    conn.create_function("storyline_score", 3, rank_score, deterministic=True)


def actor_sql(role: str, e: str = "e") -> str:
    """``timeline.actor_id`` in SQL: the country, else the entity key, else the text lower-cased."""
    text = f"{e}.{role}_text"
    return (f"COALESCE(NULLIF({e}.{role}_country, ''), NULLIF({e}.{role}_key, ''), NULLIF(CASE WHEN {text}"
            f" GLOB '*[^ -~]*' THEN storyline_lower({text}) ELSE lower({text}) END, ''))")


def _group_columns(e: str = "e") -> str:
    """``timeline.merge_key``'s parts: type, mode, date, dated, rep (an undated mention's article), lo, hi."""
    x, y = actor_sql("source", e), actor_sql("target", e)
    return (f"{e}.type AS type, {e}.mode AS mode, {e}.date AS date, {e}.date_source = 'text' AS dated,"
            f" CASE WHEN {e}.date_source = 'text' THEN NULL ELSE {e}.article_id END AS rep,"
            f" CASE WHEN ({x}) IS NULL THEN ({y}) WHEN ({y}) IS NULL OR ({x}) <= ({y}) THEN ({x}) ELSE ({y}) END AS lo,"
            f" CASE WHEN ({x}) IS NULL OR ({y}) IS NULL OR ({x}) = ({y}) THEN NULL WHEN ({x}) <= ({y}) THEN ({y})"
            f" ELSE ({x}) END AS hi")


# the parts joined into one text, NULL kept apart from any value
_KEY = ("type || char(31) || mode || char(31) || COALESCE(date, char(30)) || char(31) || dated || char(31)"
        " || COALESCE(rep, char(30)) || char(31) || COALESCE(lo, char(30)) || char(31) || COALESCE(hi, char(30))")


def migrate(conn: sqlite3.Connection) -> None:
    """Schema migration 7: the tables, then every stored mention put into its event."""
    for statement in SCHEMA.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    index_events(conn)


def pair_key(a: str, b: str) -> str:
    """The key under which the events between two actors are counted, whichever acts on the other."""
    return f"{a}\x1f{b}" if a <= b else f"{b}\x1f{a}"


def recount_all(conn: sqlite3.Connection) -> None:
    """Schema migration 9: every event recounted, now also per pair of actors."""
    index_events(conn, [r[0] for r in conn.execute("SELECT id FROM event_groups")])


def article_groups(conn: sqlite3.Connection, article_id: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT event_group FROM events WHERE article_id = ? AND event_group IS NOT NULL", (article_id,))]


def index_events(conn: sqlite3.Connection, stale: Iterable[int] = ()) -> int:
    """Put every mention without an event into its event, and recount the events touched and those in ``stale``
    (events whose mentions were deleted or whose articles changed outlet). Returns the number recounted."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched_groups (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS pending_events (id INTEGER PRIMARY KEY, key TEXT NOT NULL,"
                 " type TEXT, mode TEXT, date TEXT, dated INTEGER, rep INTEGER, lo TEXT, hi TEXT)")
    conn.execute("DELETE FROM temp.touched_groups")
    conn.execute("DELETE FROM temp.pending_events")
    conn.executemany("INSERT OR IGNORE INTO temp.touched_groups (id) VALUES (?)", ((g,) for g in stale))
    parts = f"SELECT e.id, {_group_columns()} FROM events e WHERE e.event_group IS NULL"
    conn.execute(f"INSERT INTO temp.pending_events SELECT id, {_KEY}, type, mode, date, dated, rep, lo, hi"
                 f" FROM ({parts})")
    conn.execute("INSERT OR IGNORE INTO event_groups (key, type, mode, date, dated, rep, lo, hi)"
                 " SELECT key, type, mode, date, dated, rep, lo, hi FROM temp.pending_events")
    conn.execute("UPDATE events SET event_group = (SELECT g.id FROM temp.pending_events p JOIN event_groups g"
                 " ON g.key = p.key WHERE p.id = events.id) WHERE id IN (SELECT id FROM temp.pending_events)")
    conn.execute("INSERT OR IGNORE INTO temp.touched_groups (id) SELECT DISTINCT e.event_group FROM events e"
                 " WHERE e.id IN (SELECT id FROM temp.pending_events)")
    touched = "(SELECT id FROM temp.touched_groups)"
    conn.execute(f"DELETE FROM event_group_actors WHERE event_group IN {touched}")
    # each mention once per actor it can be asked for, and once per pair of actors it joins (a source key and a
    # target key, as ``pair_key``); a mention listed twice under one key counts once
    def side(role: str) -> str:
        return (f"SELECT id, {role}_key AS k FROM events WHERE event_group IN {touched} AND {role}_key <> ''"
                f" UNION SELECT id, 'COUNTRY:' || {role}_country FROM events WHERE event_group IN {touched}"
                f" AND {role}_country <> ''")
    keyed = (f"SELECT id, k AS actor FROM ({side('source')}) UNION SELECT id, k FROM ({side('target')})"
             f" UNION SELECT s.id, CASE WHEN s.k <= t.k THEN s.k || char(31) || t.k ELSE t.k || char(31) || s.k END"
             f" FROM ({side('source')}) s JOIN ({side('target')}) t ON t.id = s.id")
    conn.execute(
        "INSERT INTO event_group_actors (actor, event_group, type, date, undated, dated, confidence, background,"
        " articles, outlets, first, score)"
        " SELECT actor, event_group, type, date, undated, dated, confidence, background, articles, outlets, first,"
        " storyline_score(confidence, articles, outlets) FROM ("
        "SELECT k.actor, e.event_group, g.type, COALESCE(g.date, '') AS date, g.date IS NULL AS undated, g.dated,"
        " MAX(e.confidence) AS confidence, MIN(e.background) AS background, COUNT(DISTINCT e.article_id) AS articles,"
        " COUNT(DISTINCT NULLIF(a.outlet, '')) AS outlets, MIN((e.article_id << 32) + e.id) AS first"
        f" FROM ({keyed}) k JOIN events e ON e.id = k.id JOIN event_groups g ON g.id = e.event_group"
        " JOIN articles a INDEXED BY articles_meta ON a.id = e.article_id GROUP BY k.actor, e.event_group)")
    conn.execute(f"DELETE FROM event_groups WHERE id IN {touched}"
                 " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_group = event_groups.id)")
    return conn.execute("SELECT COUNT(*) FROM temp.touched_groups").fetchone()[0]


GROUP_TUPLE = "g.type, g.mode, g.date, g.dated, g.rep, g.lo, g.hi"
STATS = "s.confidence, s.background, s.articles, s.outlets, s.first, s.event_group"


def top_groups(conn: sqlite3.Connection, actors: list[str], limit: int | None, types: list[str] | None = None,
               date_from: str | None = None, date_to: str | None = None,
               bars: tuple[float, float] | None = None, background: bool = True) -> list[tuple]:
    """The actors' events as ``Store.event_groups`` tuples plus the event's id, each actor's own counts.

    For one actor and a ``limit``, its best events by the timeline's rank, read in rank order from
    ``event_group_actors_rank``: the cost follows ``limit``, not the actor's number of mentions. For several
    actors an event is listed once per actor that has it, with the actor last, and combining them is the
    caller's.
    """
    where, params = [f"s.actor IN ({','.join('?' * len(actors))})"], list(actors)
    if types:
        where.append(f"s.type IN ({','.join('?' * len(types))})")
        params += [t.upper() for t in types]
    # a date bound keeps dated events only, as ``e.date >= ?`` does with a NULL date
    if date_from:
        where.append("s.undated = 0 AND s.date >= ?")
        params.append(date_from)
    if date_to:
        where.append("s.undated = 0 AND s.date <= ?")
        params.append(date_to + "~")
    if bars is not None:
        where.append("s.confidence >= CASE WHEN s.dated THEN ? ELSE ? END")
        params += list(bars)
    if not background:
        where.append("s.background = 0")
    ranked = len(actors) == 1 and limit is not None
    sql = (f"SELECT {GROUP_TUPLE}, {STATS}, s.actor FROM event_group_actors s"
           + (" INDEXED BY event_group_actors_rank" if ranked else "")
           + " JOIN event_groups g ON g.id = s.event_group WHERE " + " AND ".join(where)
           + (" ORDER BY s.score DESC, s.undated, s.date, s.confidence DESC, s.first LIMIT ?" if ranked else ""))
    one = len(actors) == 1
    return [tuple(r)[:-1] if one else tuple(r) for r in conn.execute(sql, params + ([limit] if ranked else []))]
