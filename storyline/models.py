"""The nouns of the pipeline: plain dataclasses passed from stage to stage.

Data flows one way: read → clean → describe → dedupe → store. Each stage
takes these records and returns new ones; none of them holds a connection,
a model or any other hidden state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocKind = Literal["text", "html"]
Precision = Literal["day", "month", "year", "unknown"]


@dataclass(frozen=True)
class RawDocument:
    """One page as it was found, already decoded to text.

    ``source`` names where it came from uniquely and stably: a file path, or
    ``path#N`` for the N-th record of a WARC or JSONL file, or ``<stdin>``.
    """

    source: str
    content: str
    kind: DocKind
    url: str | None = None
    fetched_at: str | None = None  # ISO 8601, e.g. a WARC-Date
    encoding: str | None = None  # what the bytes were decoded from
    meta: dict = field(default_factory=dict)  # title/published/outlet given by the input (JSONL)


@dataclass(frozen=True)
class Failure:
    """An input that could not be used, with a one-line reason a person can act on."""

    source: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """The article body of a page, without menus, sidebars and credits.

    ``title`` is the headline when the cleaner saw one (it is not part of
    ``text``); ``meta`` carries what HTML metadata said (title, date, sitename,
    url, author) so that the describe stage can weigh it.
    """

    text: str
    title: str | None = None
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PubDate:
    """A publication date with where it came from and how precise it is.

    ``value`` is ISO (``2024-06-13``, ``2024-06`` or ``2024``) or None when
    unknown. ``source`` is one of: ``input`` (a field given with the page),
    ``html-meta``, ``url``, ``dateline``, ``text``, ``fetched``, ``none``.
    ``inferred`` is True when part of it (typically the year) was guessed.
    """

    value: str | None = None
    precision: Precision = "unknown"
    source: str = "none"
    inferred: bool = False


@dataclass(frozen=True)
class Description:
    """What the describe stage finds out about an article."""

    title: str | None
    language: str | None  # ISO 639-1, e.g. "en", "ru", "hy"
    outlet: str | None  # a domain ("orda.kz") or a name given by the input
    published: PubDate
    cited_sources: tuple[str, ...] = ()  # outlets/agencies the article cites


@dataclass(frozen=True)
class Fingerprint:
    """What dedupe needs to know of a text: an exact hash and a MinHash signature."""

    exact: str  # hex digest of the normalised text
    signature: bytes  # MinHash values, one uint32 per permutation, little-endian


@dataclass(frozen=True)
class Article:
    """A described, fingerprinted article, ready to be stored."""

    source: str
    raw_hash: str  # of the input as read, so a re-run can skip what it already stored
    url: str | None
    fetched_at: str | None
    text: str
    description: Description
    fingerprint: Fingerprint
