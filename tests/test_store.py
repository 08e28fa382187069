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
