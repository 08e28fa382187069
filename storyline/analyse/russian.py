"""One natasha parse of a Russian article, shared by mentions, quotes and events.

natasha's morphology tagger is the costly part of the Russian analysis. Mentions
and quotes both need the same segmented, morphology- and NER-tagged ``Doc`` of
the whole text, and events need the morphology of the sentences they parse, so
``analyse_texts`` builds that ``Doc`` once with :func:`parse` and hands it to all
three, as the English path hands one spaCy Doc around. Each component still
parses on its own when it is called without one.

Events reuse the article's morphology for the sentences they parse: natasha's
taggers embed padding as zeros and mask it after every convolution, so a
sentence's tags do not depend on the other sentences of its batch
(tests/analyse/test_russian_shared_parse.py checks the output is unchanged).

The models (one embedding, segmenter, morphology vocabulary, taggers, parser)
load once per process and are shared by the components.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Models:
    segmenter: Any
    vocab: Any  # MorphVocab: lemmas and normal forms
    morph: Any
    ner: Any
    syntax: Any


@lru_cache(maxsize=None)
def models() -> Models:
    """natasha's news models, loaded once; raises ImportError when natasha is not installed."""
    from natasha import (MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser,
                         Segmenter)

    emb = NewsEmbedding()
    return Models(Segmenter(), MorphVocab(), NewsMorphTagger(emb), NewsNERTagger(emb), NewsSyntaxParser(emb))


def parse(text: str, doc=None):
    """natasha's ``Doc`` of ``text``, segmented and tagged with morphology and named entities;
    ``doc`` itself when it already is that parse of the same text."""
    if is_parse(doc, text):
        return doc
    from natasha import Doc

    m = models()
    doc = Doc(text)
    doc.segment(m.segmenter)
    doc.tag_morph(m.morph)
    doc.tag_ner(m.ner)
    return doc


def is_parse(doc, text: str) -> bool:
    """Whether ``doc`` is a natasha Doc of ``text`` made by :func:`parse` (not a spaCy Doc, not untagged)."""
    if doc is None or not type(doc).__module__.startswith("natasha") or doc.text != text:
        return False
    if doc.tokens is None or doc.sents is None or doc.spans is None:
        return False
    return all(t.pos is not None for t in doc.tokens)
