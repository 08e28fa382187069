"""Stories in the store grow batch by batch exactly as one in-memory stream would.

Real articles (Timeline17: four topics, several outlets) are put into a store
with their mentions, then clustered by ``pipeline.cluster`` in several calls
and batches. The store's assignments and its whole clusterer state (counters,
document frequencies, names, centroids, posting lists in order) must equal
those of one ``StoryClusterer`` fed the same articles in one go — with the
default parameters, and with tiny posting lists and frequent merges so that
evictions and merges happen across batch boundaries. A store holding the
pre-migration-5 state blob is converted and goes on the same way.
"""
from __future__ import annotations

import json

import pytest

from storyline import cluster_store
from storyline.cluster import StoryClusterer
from storyline.pipeline import ANALYSIS_VERSION, article_features, cluster
from storyline.store import Store

# Tiny posting lists and candidate sets; the thresholds are picked so that merges happen on these
# articles with the clusterer as it is tuned now (see ``tight``).
TIGHT = dict(posting_cap=3, candidates=3, merge_every=2, index_terms=6, index_entities=4, query_terms=6)
THRESHOLDS = [dict(threshold=t, merge_threshold=m) for t in (0.25, 0.2, 0.15, 0.1, 0.05) for m in (0.15, 0.1, 0.05)]
N = 48


@pytest.fixture(scope="module")
def t17_articles():
    """About four dozen T17 articles spread over the pool (date order), with their mentions."""
    import sys
    from pathlib import Path

    from conftest import need_data

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from eval_stories import load_pool, title_of

    from storyline.analyse.mentions import mentions_in_docs

    docs = load_pool(need_data("t17"))
    step = len(docs) // N
    picked = docs[::step][:N]
    mentions = list(mentions_in_docs(d.text[:2000] for d in picked))
    # Out of date order, as ingests are: ids follow arrival, and a batch is clustered in id order.
    order = sorted(range(len(picked)), key=lambda i: (i % 5, i))
    return [(picked[i].text, title_of(picked[i].text), picked[i].date, picked[i].outlet, mentions[i])
            for i in order]


def insert(store: Store, articles) -> None:
    """Analysed articles with their mentions, straight into the tables ``cluster`` reads."""
    with store.transaction():
        for text, title, date, outlet, mentions in articles:
            aid = store.conn.execute(
                "INSERT INTO articles (title, text, language, outlet, published, published_precision, exact_hash,"
                " signature) VALUES (?, ?, 'en', ?, ?, 'day', ?, x'')",
                (title, text, outlet, date.isoformat(), str(hash(text)))).lastrowid
            store.conn.execute("INSERT INTO analysed (article_id, version) VALUES (?, ?)", (aid, ANALYSIS_VERSION))
            store.conn.executemany(
                'INSERT INTO mentions (article_id, sentence, start, "end", text, label, role, canonical, country)'
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(aid, m.sentence, m.start, m.end, m.text, m.label, m.role, m.canonical, m.country)
                 for m in mentions])


def comparable(c: StoryClusterer) -> dict:
    state = c.state()
    state["stories"] = {s["id"]: s for s in state["stories"]}
    state["articles"] = c.assignments()  # the store keeps stories after merges
    del state["redirect"]
    return state


def in_memory(store: Store, params: dict) -> StoryClusterer:
    rows = store.unclustered(rebuild=False)
    c = StoryClusterer(**params)
    for row in rows:
        c.add(article_features(store, row))
    return c


def tight(store: Store) -> dict:
    """TIGHT with the first thresholds under which stories merge and posting lists fill up."""
    for thresholds in THRESHOLDS:
        c = in_memory(store, {**TIGHT, **thresholds})
        if c._redirect and len(c._stories) > 3 and max(len(p) for p in c._index.values()) == TIGHT["posting_cap"]:
            return {**TIGHT, **thresholds}
    raise AssertionError("no thresholds make these articles' stories merge: extend THRESHOLDS")


@pytest.mark.parametrize("kind", ["defaults", "tight", "tight, 2 stories held"])
def test_store_batches_equal_one_stream(tmp_path, t17_articles, kind, monkeypatch):
    if "held" in kind:  # stories the batch did not change are let go and read again
        monkeypatch.setattr(cluster_store, "STORY_CACHE", 2)
    store = Store(tmp_path / "s.db")
    insert(store, t17_articles)
    params = tight(store) if kind != "defaults" else {}
    expected = in_memory(store, params)
    assert len(expected.stories()) > 3
    store.close()

    store = Store(tmp_path / "b.db")
    for part, batch in ((t17_articles[:11], 4), (t17_articles[11:30], 7), (t17_articles[30:], 1000)):
        insert(store, part)
        assert cluster(store, params=params, batch_size=batch)["articles"] == len(part)
    assert comparable(cluster_store.load_all(store.conn)) == comparable(expected)
    rows = {r["id"]: r for r in store.stories()}
    assert {sid: (r["articles"], r["start"], r["end"]) for sid, r in rows.items()} == {
        s.id: (len(s.article_ids), s.start.isoformat(), s.end.isoformat()) for s in expected.stories()}

    # A second store fed the same way gives the same rows: nothing depends on timing or hashing.
    again = Store(tmp_path / "c.db")
    for part in (t17_articles[:25], t17_articles[25:]):
        insert(again, part)
        cluster(again, params=params, batch_size=9)
    assert comparable(cluster_store.load_all(again.conn)) == comparable(expected)


def test_blob_of_older_stores_is_converted(tmp_path, t17_articles):
    first, rest = t17_articles[:20], t17_articles[20:]
    store = Store(tmp_path / "old.db")
    insert(store, first)
    params = tight(store)
    old = in_memory(store, params)  # what a migration-4 store held: the whole state as one blob
    with store.transaction():
        store.conn.execute("INSERT INTO story_state (id, state) VALUES (1, ?)", (json.dumps(old.state()),))
        store.conn.executemany("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                               sorted(old.assignments().items()))
    insert(store, rest)
    cluster(store)
    assert store.conn.execute("SELECT COUNT(*) FROM story_state").fetchone()[0] == 0

    expected = Store(tmp_path / "new.db")
    insert(expected, t17_articles)
    assert comparable(cluster_store.load_all(store.conn)) == comparable(in_memory(expected, params))


def test_rebuild_rewrites_everything_in_date_order(tmp_path, t17_articles):
    store = Store(tmp_path / "s.db")
    insert(store, t17_articles)
    cluster(store, batch_size=10)
    cluster(store, rebuild=True)
    rows = store.unclustered(rebuild=True)
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)
    c = StoryClusterer()
    for row in rows:
        c.add(article_features(store, row))
    assert comparable(cluster_store.load_all(store.conn)) == comparable(c)


def test_stored_parameters_the_clusterer_no_longer_has_are_dropped(tmp_path, t17_articles):
    store = Store(tmp_path / "s.db")
    insert(store, t17_articles[:5])
    cluster(store, params={"threshold": 0.3})
    with store.transaction():
        params = json.loads(store.conn.execute("SELECT params FROM story_clusterer").fetchone()[0])
        store.conn.execute("UPDATE story_clusterer SET params = ?", (json.dumps({**params, "gone": 1}),))
    insert(store, t17_articles[5:8])
    assert cluster(store)["articles"] == 3
    assert cluster_store.open_clusterer(store.conn).threshold == 0.3
