"""The analyse stage: sentences, entity mentions, quotes, time expressions and events of one article.

``analyse_texts`` parses English in ``nlp.pipe`` batches once and hands the
same spaCy ``Doc`` to every component (mentions, quotes, events), so the
parse — the expensive part — is done once per article. Russian articles get one
natasha parse (segmentation, morphology, named entities; ``russian.parse``)
handed the same way to mentions, quotes and events. Other languages go through
their own components (gazetteers).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from . import nlp, russian
from .events import EventMention, find_events
from .mentions import Mention, find_mentions, recase_headlines
from .quotes import Quote, find_quotes
from .timex import TimeExpression, find_timexes

__all__ = ["Analysis", "analyse", "analyse_texts", "EventMention", "Mention", "Quote", "TimeExpression"]


@dataclass(frozen=True)
class Analysis:
    """What one article says: every span is a character offset into its text."""

    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    quotes: list[Quote]
    timexes: list[TimeExpression]
    events: list[EventMention] = field(default_factory=list)


def analyse(text: str, lang: str | None = "en", anchor: dt.date | None = None) -> Analysis:
    return next(analyse_texts([(text, lang, anchor)]))


def analyse_texts(items: Iterable[tuple[str, str | None, dt.date | None]], batch_size: int = 16,
                  events: bool = True) -> Iterator[Analysis]:
    """Analyses of (text, language, publication date) triples, in input order; ``events=False`` skips events."""
    items = list(items)
    english = [i for i, (_, lang, _) in enumerate(items) if (lang or "en")[:2] == "en"]
    # Parse once, on the text with ALL-CAPS headlines recased (offsets do not
    # move), so that mentions need no second parse and quotes share the Doc.
    recased = (recase_headlines(items[i][0]) for i in english)
    docs = dict(zip(english, nlp.english().pipe(recased, batch_size=batch_size)))
    for i, (text, lang, anchor) in enumerate(items):
        yield _analyse_one(text, (lang or "en")[:2], anchor, docs.get(i), events)


def _original_strings(q: Quote, text: str) -> Quote:
    """A quote found on the recased text, with its strings taken back from the original."""
    def cut(a, b):
        return text[a:b] if a is not None and b is not None else None

    return replace(q, content=cut(q.content_start, q.content_end), speaker=cut(q.speaker_start, q.speaker_end),
                   cue=cut(q.cue_start, q.cue_end))


def _analyse_one(text: str, lang: str, anchor: dt.date | None, doc, with_events: bool = True) -> Analysis:
    if doc is None:
        sentences = [(s.start_char, s.end_char) for s in nlp.blank(lang)(text).sents]
        if lang == "ru":
            doc = russian.parse(text)  # one natasha parse for mentions, quotes and events
        mentions = find_mentions(text, lang, doc=doc)
        quotes = find_quotes(text, lang, doc=doc)
    else:
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        mentions = find_mentions(text, lang, doc=doc)
        quotes = find_quotes(text, lang, doc=doc)
        if doc.text != text:
            quotes = [_original_strings(q, text) for q in quotes]
    timexes = find_timexes(text, anchor, lang)
    events = find_events(text, lang, doc=doc, mentions=mentions, timexes=timexes,
                         anchor=anchor) if with_events else []
    return Analysis(sentences=sentences, mentions=mentions, quotes=quotes, timexes=timexes, events=events)
