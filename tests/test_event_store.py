"""The merged events kept in the store equal a count from scratch, however the mentions arrived."""
from __future__ import annotations

import random
from types import SimpleNamespace

import storyline
from corpus import fill_random_events, random_event_row
from storyline import event_store


def stored_counts(store) -> set[tuple]:
    """Each actor's counts per event, with the event's key instead of its id (ids depend on arrival order)."""
    return set(store.conn.execute(
        "SELECT s.actor, g.key, s.type, s.date, s.undated, s.dated, s.confidence, s.background, s.articles,"
        " s.outlets, s.first, s.score FROM event_group_actors s JOIN event_groups g ON g.id = s.event_group"))


def counted_from_scratch(store) -> set[tuple]:
    with store.transaction():
        store.conn.execute("DELETE FROM event_group_actors")
        store.conn.execute("UPDATE events SET event_group = NULL")
        store.conn.execute("DELETE FROM event_groups")
        store.index_events()
    return stored_counts(store)


def reanalyse(store, article_id: int, rows: list[tuple]) -> None:
    nothing = SimpleNamespace(sentences=[], mentions=[], quotes=[], timexes=[])
    with store.transaction():
        store.save_analysis(article_id, 1, nothing, [], [], [], rows)


def test_counts_follow_reanalysis_and_equal_a_count_from_scratch(tmp_path):
    rnd = random.Random(11)
    with storyline.open(tmp_path / "events.db") as store:
        fill_random_events(store, rnd, articles=30, mentions=600)
        before = stored_counts(store)
        assert len(before) > 100
        # articles re-analysed with other events, with none, and new ones
        for article_id in (3, 7, 7, 12, 29):
            reanalyse(store, article_id, [random_event_row(rnd, i) for i in range(rnd.randint(0, 40))])
        reanalyse(store, 5, [])
        incremental = stored_counts(store)
        assert incremental != before
        assert incremental == counted_from_scratch(store)
        # no event is left without mentions, and every mention has its event
        assert store.conn.execute("SELECT COUNT(*) FROM events WHERE event_group IS NULL").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM event_groups g WHERE NOT EXISTS"
                                  " (SELECT 1 FROM events e WHERE e.event_group = g.id)").fetchone()[0] == 0


def test_recounting_after_an_outlet_change_equals_a_count_from_scratch(tmp_path):
    with storyline.open(tmp_path / "events.db") as store:
        fill_random_events(store, random.Random(5), articles=10, mentions=200)
        (article_id,) = store.conn.execute("SELECT id FROM articles WHERE outlet IS NULL LIMIT 1").fetchone()
        with store.transaction():
            store.conn.execute("UPDATE articles SET outlet = 'new.example' WHERE id = ?", (article_id,))
            recounted = event_store.index_events(store.conn, event_store.article_groups(store.conn, article_id))
        assert recounted > 0
        assert stored_counts(store) == counted_from_scratch(store)


def test_one_actor_reads_only_its_best_events(tmp_path):
    """The query plan walks the rank index for one actor: no sort, no scan of the actor's other events."""
    with storyline.open(tmp_path / "events.db") as store:
        fill_random_events(store, random.Random(3))
        plan = " ".join(r[-1] for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT s.event_group FROM event_group_actors s INDEXED BY event_group_actors_rank"
            " WHERE s.actor = ? ORDER BY s.score DESC, s.undated, s.date, s.confidence DESC, s.first LIMIT 5",
            ("COUNTRY:AM",)))
        assert "event_group_actors_rank" in plan and "TEMP B-TREE" not in plan
        top = store.actor_event_groups([["COUNTRY:AM"]], 5)
        every = store.event_groups(actors=[["COUNTRY:AM"]])
        assert len(top) == 5 and len(every) > 5
        from storyline.timeline import rank_score
        best = sorted(rank_score(g[7], g[9], g[10]) for g in every)[-5:]
        assert sorted(rank_score(g[7], g[9], g[10]) for g in top) == best


def test_a_store_from_before_merged_events_is_migrated_with_its_mentions_merged(tmp_path):
    import sqlite3

    from storyline.store import MIGRATIONS
    from storyline.timeline import key_events, merge, timeline

    path = tmp_path / "old.db"
    with storyline.open(path) as store:
        fill_random_events(store, random.Random(9), articles=20, mentions=400)
        expected = stored_counts(store)
    conn = sqlite3.connect(path)  # back to schema 6: no merged events
    for statement in ("DROP TABLE event_group_actors", "DROP TABLE event_groups", "DROP INDEX events_group",
                      "ALTER TABLE events DROP COLUMN event_group", "ALTER TABLE events DROP COLUMN actors_inferred",
                      "DROP TABLE entity_days", "DROP INDEX mentions_sentence", "DROP INDEX mentions_country",
                      "DROP TABLE day_sentences",
                      "PRAGMA user_version = 6"):
        conn.execute(statement)
    conn.commit()
    conn.close()
    with storyline.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert stored_counts(store) == expected
        old = key_events(merge(store.event_rows(actors=[["COUNTRY:AZ"]])), limit=4)
        assert [e.as_dict() for e in timeline(store, actors=[["COUNTRY:AZ"]], limit=4)] == [e.as_dict() for e in old]


def test_counts_between_two_actors_equal_their_mentions_counted_at_query_time(tmp_path):
    with storyline.open(tmp_path / "events.db") as store:
        fill_random_events(store, random.Random(4))
        keys = ["COUNTRY:AM", "COUNTRY:AZ", "P:1", "P:2"]
        compared = 0
        for a in keys:
            for b in keys:
                sides = [[a], [b]]
                stored = sorted(store.actor_event_groups(sides, None), key=repr)
                assert stored == sorted(store.event_groups(actors=sides), key=repr), (a, b)
                compared += len(stored)
        assert compared > 100
