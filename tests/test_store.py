"""The store: schema migrations, WAL, full-text search that never shows FTS syntax errors."""
from __future__ import annotations

import sqlite3

import pytest

import storyline
from storyline.store import MIGRATIONS, fts_query


def test_a_new_store_is_migrated_to_the_latest_version_in_wal_mode(tmp_path):
    path = tmp_path / "s.db"
    storyline.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "copies", "lsh_buckets", "articles_fts", "failures"} <= tables


def test_reopening_keeps_data_and_a_newer_schema_is_refused(tmp_path, examples):
    path = tmp_path / "s.db"
    with storyline.open(path) as store:
        storyline.ingest(store, [examples])
    with storyline.open(path) as store:
        assert store.counts()["articles"] == 4
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        storyline.open(path)


@pytest.mark.parametrize("query", ['peace-treaty', '"unbalanced', 'AND', 'Almaty OR', "Alma-Ata (1991)", "*", ""])
def test_search_accepts_anything_a_user_types(tmp_path, examples, query):
    with storyline.open(tmp_path / "s.db") as store:
        storyline.ingest(store, [examples])
        assert isinstance(store.search(query), list)


def test_search_ranks_and_marks_matches(tmp_path, examples):
    with storyline.open(tmp_path / "s.db") as store:
        storyline.ingest(store, [examples])
        hits = store.search("peace treaty Almaty")
        assert hits and all("[" in h["snippet"] for h in hits)
        assert "peace treaty" in hits[0]["title"].lower()
        assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
        assert store.search('"Zheleznovodsk Declaration"')[0]["id"] != hits[0]["id"]
        assert store.search("Пашинян") == []


def test_fts_query_quotes_words_and_keeps_phrases():
    assert fts_query('peace "South Caucasus" talks') == '"South Caucasus" "peace" "talks"'
    assert fts_query("x-y") == '"x-y"'


def _events_store(path):
    """A store with a few hand-made event rows: Armenia and Azerbaijan as countries and as entities."""
    store = storyline.open(path)
    store.conn.execute("INSERT INTO articles (id, text, exact_hash, signature, published) VALUES"
                       " (1, 'x', 'h1', x'00', '2024-05-12'), (2, 'y', 'h2', x'00', '2024-06-01')")
    store.conn.execute("INSERT INTO entities (key, type, name) VALUES ('COUNTRY:AM', 'COUNTRY', 'Armenia'),"
                       " ('COUNTRY:AZ', 'COUNTRY', 'Azerbaijan'), ('PER:nikol pashinyan', 'PER', 'Nikol Pashinyan')")
    store.conn.execute("INSERT INTO aliases (alias, entity_key) VALUES ('armenia', 'COUNTRY:AM'),"
                       " ('azerbaijan', 'COUNTRY:AZ'), ('pashinyan', 'PER:nikol pashinyan')")
    rows = [  # (article, source key, source country, target key, target country, date)
        (1, "PER:nikol pashinyan", "AM", "COUNTRY:AZ", "AZ", "2024-05-10"),  # Armenia (by country) → Azerbaijan
        (1, None, "AZ", "COUNTRY:AM", "AM", "2024-05-11"),  # Azerbaijan → Armenia
        (2, "COUNTRY:AM", "AM", None, None, "2024-06-01"),  # Armenia alone
        (2, None, None, "PER:nikol pashinyan", "AM", "2024-06-02"),  # someone → Pashinyan (for Armenia)
        (2, "COUNTRY:AZ", "AZ", None, "TR", "2024-06-03"),  # Azerbaijan → Turkey
    ]
    store.conn.executemany(
        "INSERT INTO events (article_id, sentence, type, mode, trigger, source_key, source_country, target_key,"
        " target_country, date, date_precision, date_inferred, date_source, background, confidence, sentence_text)"
        " VALUES (?, 0, 'CONSULT', 'occurred', 'met', ?, ?, ?, ?, ?, 'day', 0, 'text', 0, 0.9, 's')", rows)
    return store


def test_event_rows_match_actors_by_key_or_country(tmp_path):
    with _events_store(tmp_path / "s.db") as store:
        dates = lambda **kw: [r["date"] for r in store.event_rows(**kw)]  # noqa: E731
        assert dates(actors=[["COUNTRY:AM"]]) == ["2024-05-10", "2024-05-11", "2024-06-01", "2024-06-02"]
        assert dates(actors=[["PER:nikol pashinyan"]]) == ["2024-05-10", "2024-06-02"]
        assert dates(actors=[["COUNTRY:AM"], ["COUNTRY:AZ"]]) == ["2024-05-10", "2024-05-11"]
        assert dates(actors=[["COUNTRY:AZ"], ["COUNTRY:AM"]]) == ["2024-05-10", "2024-05-11"]
        assert dates(actors=[["PER:nikol pashinyan"], ["COUNTRY:AZ"]]) == ["2024-05-10"]
        assert dates(actors=[["COUNTRY:AM"], ["COUNTRY:AZ"]], date_from="2024-05-11", date_to="2024-05") == [
            "2024-05-11"]


def test_timeline_queries_read_events_through_indexes_not_scans(tmp_path):
    """`timeline --entity` and `--between` must find an entity's events through the indexes: a full scan of
    the events table grows with the store (issue 4: under 200 ms at 100,000 articles)."""
    from storyline.resolve import normalise_name

    def plans(store, call) -> list[list[str]]:
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        call()
        store.conn.set_trace_callback(None)
        return [[r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
                for sql in seen if sql.lstrip().upper().startswith("SELECT")]

    with _events_store(tmp_path / "s.db") as store:
        for names in (["Armenia"], ["Pashinyan"], ["Armenia", "Azerbaijan"], ["Pashinyan", "Azerbaijan"]):
            lookups = plans(store, lambda: [store.find_entities(n, normalise_name) for n in names])
            assert len(lookups) == len(names)
            sides = [store.find_entities(n, normalise_name) for n in names]
            for dates in ({}, {"date_from": "2024-01-01", "date_to": "2024-12"}):
                (plan,) = plans(store, lambda: store.event_rows(actors=sides, **dates))
                for steps in lookups + [plan]:
                    assert not [step for step in steps if step.startswith("SCAN")], steps
                # dates and outlets from the narrow index, not the articles' rows
                assert "SEARCH a USING COVERING INDEX articles_meta (id=?)" in plan, plan
                if len(names) == 2:  # a pair is found through the pair indexes, not all events of one actor
                    searches = [step for step in plan if step.startswith("SEARCH e ")]
                    assert searches and all("INDEX events_pair_" in step for step in searches), plan


def test_a_part_of_a_name_finds_the_entity_in_any_case_or_script(tmp_path):
    from storyline.resolve import normalise_name

    store = storyline.open(tmp_path / "s.db")
    store.conn.execute("INSERT INTO entities (key, type, name) VALUES ('PER:kassym-jomart tokayev', 'PER',"
                       " 'Kassym-Jomart Tokayev'), ('COUNTRY:KZ', 'COUNTRY', 'Kazakhstan'),"
                       " ('ORG:x', 'ORG', '100% Club')")
    store.conn.execute("INSERT INTO aliases (alias, entity_key) VALUES ('kassym-jomart tokayev',"
                       " 'PER:kassym-jomart tokayev'), ('tokaev', 'PER:kassym-jomart tokayev'),"
                       " ('kazakhstan', 'COUNTRY:KZ'), ('100 club', 'ORG:x')")
    find = lambda name: store.find_entities(name, normalise_name)  # noqa: E731
    assert find("Tokayev") == find("JOMART TOK") == ["PER:kassym-jomart tokayev"]  # no alias: a part of one
    assert find("Токаев") == ["PER:kassym-jomart tokayev"]  # a Russian mention's alias, typed in Cyrillic
    assert find("Kazakh") == ["COUNTRY:KZ"]
    assert find("100%") == ["ORG:x"] and find("%") == [] and find("_") == [] and find("") == []
