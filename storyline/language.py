"""One language identifier per process, shared by the stages that need it.

py3langid's model takes about 1.5 s to load; clean (which stoplist to use)
and describe (the article's language) both ask, so it is loaded once here.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def identifier():
    """py3langid with calibrated probabilities; loaded on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def classify(text: str) -> tuple[str, float]:
    """py3langid's label (mostly ISO 639-1) and its probability."""
    lang, prob = identifier().classify(text)
    return lang, float(prob)
