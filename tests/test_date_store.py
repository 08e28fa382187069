"""Days counted per entity when stored: always equal to a count from scratch, and the key dates they give equal
those of reading every mention."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from types import SimpleNamespace

import pytest

import storyline
from corpus import write_dated_corpus
from storyline import date_store
from storyline.key_dates import day_support, from_store, key_dates


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dated")
    write_dated_corpus(folder / "in", 40, seed=3)
    path = folder / "s.db"
    with storyline.open(path) as store:
        report = storyline.ingest(store, [folder / "in"])
        # (the cleaner may find a short generated report too thin: that is not what is tested here)
        assert report.new_articles >= 30
        storyline.analyse_store(store)
    return path


def stored(store) -> dict:
    return {(a, d): n for a, d, n in store.conn.execute("SELECT actor, day, articles FROM entity_days")}


def from_scratch(store, stamps: bool = False) -> dict:
    """Every actor's days counted by reading its mentions, as the key dates do without the index
    (``stamps``: as if page timestamps were mentions)."""
    actors = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT entity_key FROM mentions WHERE entity_key IS NOT NULL"
        " UNION SELECT DISTINCT 'COUNTRY:' || country FROM mentions WHERE country IS NOT NULL AND country != ''")]
    out = {}
    for actor in actors:
        mentions = store.date_mentions(sides=[[actor]])
        for day, arts in day_support([replace(m, stamp=False) for m in mentions] if stamps else mentions).items():
            out[actor, day] = len(arts)
    return out


def test_counts_equal_a_count_from_scratch(dated):
    with storyline.open(dated) as store:
        counts = stored(store)
        assert counts == from_scratch(store)
        # the corpus names days for countries, people and places; a page stamp is no mention
        assert any(a == "COUNTRY:AZ" for a, _ in counts) and any(a.startswith("PER:") for a, _ in counts)
        # the page stamps ("Updated June 3, 2024 10:15 am: …") would change the counts, were they mentions
        assert any(m.stamp for m in store.date_mentions())
        assert from_scratch(store, stamps=True) != counts


def test_reanalysis_replaces_an_articles_counts(dated, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(dated) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with storyline.open(copy) as store:
        before = stored(store)
        (article_id,) = store.conn.execute(
            "SELECT article_id FROM timexes GROUP BY article_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
        empty = SimpleNamespace(sentences=[], mentions=[], quotes=[], timexes=[])
        with store.transaction():
            store.save_analysis(article_id, 0, empty, [], [], [])
        after = stored(store)
        assert after != before and after == from_scratch(store)
        # analysing it again brings every count back
        storyline.analyse_store(store)
        assert stored(store) == before


@pytest.mark.parametrize("window", [(None, None), ("2024-05-02", None), (None, "2024-05"), ("2024-04", "2024-05-03")])
def test_an_actors_key_dates_from_the_index_equal_those_from_every_mention(dated, window):
    date_from, date_to = window
    with storyline.open(dated) as store:
        actors = sorted({a for a, _ in stored(store)})
        assert len(actors) > 5
        for actor in actors:
            for limit in (1, 3, 10):
                fast = from_store(store, sides=[[actor]], date_from=date_from, date_to=date_to, limit=limit,
                                  sentences=2)
                slow = key_dates(store.date_mentions(sides=[[actor]], date_from=date_from, date_to=date_to),
                                 limit=limit, sentences=2)
                assert [d.as_dict() for d in fast] == [d.as_dict() for d in slow], (actor, limit)


def test_top_days_reads_the_index_in_key_dates_order(dated):
    with storyline.open(dated) as store:
        best = date_store.top_days(store.conn, "COUNTRY:AZ", 5)
        assert [n for _, n in best] == sorted((n for _, n in best), reverse=True)
        plan = " ".join(r[-1] for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT day, articles FROM entity_days WHERE actor = ?"
            " ORDER BY articles DESC, day LIMIT 5", ("COUNTRY:AZ",)))
        assert "entity_days_rank" in plan and "TEMP B-TREE" not in plan


@pytest.mark.parametrize("version", [9, 10])
def test_a_store_from_before_the_day_counts_is_migrated_with_its_articles_counted(dated, tmp_path, version):
    old = tmp_path / "old.db"
    with sqlite3.connect(dated) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with storyline.open(dated) as store:
        rows = sentence_table(store)
    conn = sqlite3.connect(old)
    drops = ["TABLE day_sentences"] + (["TABLE entity_days", "INDEX mentions_sentence", "INDEX mentions_country"]
                                       if version == 9 else [])
    for drop in drops:
        conn.execute("DROP " + drop)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    with storyline.open(old) as store:
        assert stored(store) == from_scratch(store) and stored(store)
        assert sentence_table(store) == rows and rows


def sentence_table(store) -> list[tuple]:
    return store.conn.execute("SELECT * FROM day_sentences ORDER BY day, article_id, sentence").fetchall()


def test_dated_sentences_follow_an_articles_analysis_and_its_metadata(dated, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(dated) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with storyline.open(copy) as store:
        (article_id,) = store.conn.execute(
            "SELECT article_id FROM day_sentences GROUP BY article_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
        before = sentence_table(store)
        empty = SimpleNamespace(sentences=[], mentions=[], quotes=[], timexes=[])
        with store.transaction():
            store.save_analysis(article_id, 0, empty, [], [], [])
        assert not store.conn.execute("SELECT 1 FROM day_sentences WHERE article_id = ?", (article_id,)).fetchall()
        storyline.analyse_store(store)
        assert sentence_table(store) == before
        # a copy that brings the outlet the article lacked: its sentences carry it from then on
        with store.transaction():
            store.conn.execute("UPDATE articles SET outlet = NULL WHERE id = ?", (article_id,))
            store.conn.execute("UPDATE day_sentences SET outlet = NULL WHERE article_id = ?", (article_id,))
            copy_of = SimpleNamespace(description=SimpleNamespace(
                published=SimpleNamespace(source="none", value=None, precision="unknown", inferred=False),
                cited_sources=[], title=None, outlet="Copy Desk", language=None), url=None)
            store._merge_metadata(article_id, copy_of)
        outlets = {r[0] for r in store.conn.execute("SELECT outlet FROM day_sentences WHERE article_id = ?",
                                                     (article_id,))}
        assert outlets == {"Copy Desk"}


def test_the_sentences_kept_by_day_equal_every_mention_read_from_the_analysis(dated):
    """``dated_sentences`` (what the key dates read) gives ``date_mentions``' sentences, one per day and sentence
    and without timestamps, for one side, a pair, a story's articles, a window, and a few days."""
    def seen(mentions):
        return {(m.article, m.day, " ".join(m.sentence.split()), m.event, m.outlet, m.published, m.language)
                for m in mentions if not m.stamp}

    with storyline.open(dated) as store:
        actors = sorted({a for a, _ in stored(store)})
        some = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id LIMIT 7")]
        queries = ([dict(sides=[[a]]) for a in actors[:6]]
                   + [dict(sides=[["COUNTRY:AZ"], [b]]) for b in actors[:6] if b != "COUNTRY:AZ"]
                   + [dict(article_ids=some), dict(article_ids=some, sides=[actors[:2]]),
                      dict(sides=[["COUNTRY:AZ"]], date_from="2024-05-02", date_to="2024-05"), {}])
        checked = 0
        for query in queries:
            want = seen(store.date_mentions(**query))
            got = store.dated_sentences(**query)
            assert len(got) == len({(m.article, m.day, m.sentence) for m in got})
            assert seen(got) == want, query
            days = sorted({m.day for m in got})[:4]
            assert seen(store.dated_sentences(**query, days=days)) == {w for w in want if w[1] in days}, query
            checked += bool(want)
        assert checked >= 10


def test_a_pairs_and_a_storys_key_dates_equal_those_from_every_mention(dated):
    with storyline.open(dated) as store:
        some = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id DESC LIMIT 12")]
        queries = [dict(sides=[["COUNTRY:AZ"], ["COUNTRY:AM"]]), dict(sides=[["COUNTRY:AZ", "COUNTRY:KZ"]]),
                   dict(article_ids=some), dict(sides=[["COUNTRY:AM"]], limit=None)]
        for query in queries:
            limit = query.pop("limit", 5)
            fast = from_store(store, limit=limit, sentences=2, **query)
            slow = key_dates(store.date_mentions(**query), limit=limit, sentences=2)
            assert fast and [d.as_dict() for d in fast] == [d.as_dict() for d in slow], query
