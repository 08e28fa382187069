"""The read stage: paths and streams in, decoded ``RawDocument``s (or ``Failure``s) out.

Everything a user may hold is accepted: .txt, .html/.htm (optionally .gz),
.warc/.warc.gz, .jsonl (optionally .gz), folders (recursively) and ``-`` for
standard input. A file that cannot be used yields one ``Failure`` with a
reason a person can act on; it never stops the rest of the batch. Reading is
streaming: one document at a time, so memory stays flat however big the pile.
"""
from __future__ import annotations

import io
import json
import os
import sys
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from charset_normalizer import from_bytes

from .models import Failure, RawDocument

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
WARC_SUFFIXES = {".warc", ".arc"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jl"}
# Fields of a JSONL record, most specific first; exporters name them differently.
JSONL_HTML_FIELDS = ("html", "raw_html", "content_html")
JSONL_TEXT_FIELDS = ("text", "content", "body", "article", "maintext")
JSONL_META_FIELDS = {
    "url": ("url", "link", "uri", "source_url"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at", "publish_date", "pubdate", "date_publish", "datetime"),
    "outlet": ("outlet", "source", "site", "site_name", "publisher", "domain"),
    "fetched_at": ("fetched_at", "crawled_at", "date_download", "retrieved"),
}

Item = RawDocument | Failure


class ReadError(Exception):
    """A reason why one input cannot be read; becomes a ``Failure``."""


def read(paths: Iterable[str | os.PathLike], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Every document under ``paths`` in a stable order ("-" reads standard input)."""
    for path in iter_files(paths):
        if isinstance(path, Failure):
            yield path
        elif str(path) == "-":
            yield from read_stream(sys.stdin.buffer, "<stdin>", max_bytes)
        else:
            yield from read_file(path, max_bytes)


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Failure]:
    """Expand folders recursively, sorted so that every run sees the same order."""
    for raw in paths:
        if str(raw) == "-":
            yield Path("-")
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield path
        else:
            yield Failure(str(path), "no such file or folder")


def _walk(folder: Path) -> Iterator[Path | Failure]:
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield Failure(str(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for child in children:
        if child.name.startswith("."):
            continue  # editor swap files, .DS_Store, .git
        if child.is_dir():
            yield from _walk(child)
        else:
            yield child


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"file too large ({_mb(size)} > limit {_mb(max_bytes)}; raise --max-size to read it)")
        if size == 0:
            raise ReadError("empty file")
        with open(path, "rb") as fh:
            yield from _read_opened(fh, source, _suffixes(path), max_bytes)
    except ReadError as exc:
        yield Failure(source, str(exc))
    except PermissionError:
        yield Failure(source, "permission denied")
    except IsADirectoryError:
        yield Failure(source, "is a folder")
    except OSError as exc:
        yield Failure(source, f"cannot read: {exc.strerror or exc}")


def read_stream(stream: BinaryIO, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Read a byte stream whose format is told by its content alone (stdin)."""
    try:
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ReadError(f"input too large (over limit {_mb(max_bytes)}; raise --max-size to read it)")
        if not data:
            raise ReadError("empty input")
        yield from _read_opened(io.BytesIO(data), source, [], max_bytes)
    except ReadError as exc:
        yield Failure(source, str(exc))


def _read_opened(fh: BinaryIO, source: str, suffixes: list[str], max_bytes: int) -> Iterator[Item]:
    head = fh.read(8)
    fh.seek(0)
    kind = _kind(suffixes, head)
    if kind == "warc":
        yield from read_warc(fh, source)
        return
    data = fh.read()
    if head[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
        if kind == "unknown":
            kind = _sniff(data)
    if kind == "jsonl":
        yield from read_jsonl(data, source)
    else:
        text, encoding = decode(data)
        is_html = kind == "html" or (kind == "unknown" and _looks_like_html(text))
        yield RawDocument(source=source, content=text, kind="html" if is_html else "text", encoding=encoding)


def _kind(suffixes: list[str], head: bytes) -> str:
    """Decide the format from the file name, falling back to the first bytes."""
    names = [s for s in suffixes if s != ".gz"]
    last = names[-1] if names else ""
    if last in WARC_SUFFIXES or head.startswith(b"WARC/"):
        return "warc"
    if head[:2] == b"\x1f\x8b" and not last:
        return "unknown"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    if last in HTML_SUFFIXES:
        return "html"
    if last in TEXT_SUFFIXES:
        return "text"
    return _sniff(head) if head[:2] != b"\x1f\x8b" else "unknown"


def _sniff(data: bytes) -> str:
    start = data[:4096].lstrip()
    if start.startswith(b"WARC/"):
        return "warc"
    if start.startswith(b"{"):
        return "jsonl"
    if start[:1] == b"<":
        return "html"
    return "unknown"


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    # Decompress in bounded steps: a small .gz can expand to gigabytes.
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ReadError(f"corrupt gzip data ({exc})") from None
    if len(out) > max_bytes:
        raise ReadError(f"decompressed size over limit {_mb(max_bytes)}; raise --max-size to read it")
    if not inflater.eof:
        raise ReadError("truncated gzip file (ends before the end-of-stream marker)")
    return out


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 when valid, else the encoding charset-normalizer finds (cp1251, latin-1, …)."""
    if _is_binary(data):
        raise ReadError("binary file, not text (contains NUL or control bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ReadError("cannot detect the text encoding")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode(best.encoding, errors="replace"), best.encoding


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark: text, decoded below
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls / len(sample) > 0.05


def read_jsonl(data: bytes, source: str) -> Iterator[Item]:
    text, _ = decode(data)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}#L{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _jsonl_document(record, where)


def _jsonl_document(record: object, where: str) -> Item:
    if not isinstance(record, dict):
        return Failure(where, "JSON line is not an object")
    meta = {key: _first(record, names) for key, names in JSONL_META_FIELDS.items()}
    meta = {k: str(v) for k, v in meta.items() if v not in (None, "")}
    html = _first(record, JSONL_HTML_FIELDS)
    text = _first(record, JSONL_TEXT_FIELDS)
    if isinstance(html, str) and html.strip():
        content, kind = html, "html"
    elif isinstance(text, str) and text.strip():
        content, kind = text, "text"
    else:
        names = ", ".join(JSONL_TEXT_FIELDS + JSONL_HTML_FIELDS)
        return Failure(where, f"no text in the record (looked for: {names})")
    return RawDocument(
        source=where, content=content, kind=kind, url=meta.pop("url", None),
        fetched_at=meta.pop("fetched_at", None), encoding="utf-8", meta=meta,
    )


def _first(record: dict, names: tuple[str, ...]) -> object:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def read_warc(fh: BinaryIO, source: str) -> Iterator[Item]:
    """HTML response (and resource) records of a WARC; a truncated tail is reported, the head kept."""
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    try:
        # Records are named by their position: asking warcio for the byte
        # offset before the payload is read makes it skip the payload.
        for number, record in enumerate(ArchiveIterator(fh, arc2warc=True)):
            item = _warc_document(record, f"{source}#{number}")
            if item is not None:
                count += 1
                yield item
    except (EOFError, OSError, zlib.error, ValueError) as exc:
        yield Failure(source, f"truncated or corrupt WARC after {count} records ({type(exc).__name__}: {exc})")
        return
    except Exception as exc:  # warcio raises its own ArchiveLoadFailed and friends
        yield Failure(source, f"unreadable WARC after {count} records ({type(exc).__name__}: {exc})")
        return
    if count == 0:
        yield Failure(source, "WARC holds no HTML response records")


def _warc_document(record, where: str) -> Item | None:
    if record.rec_type not in ("response", "resource"):
        return None
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() not in ("200", None):
            return None
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    if "html" not in ctype.lower() and "text/plain" not in ctype.lower():
        return None
    data = record.content_stream().read()
    if getattr(record.raw_stream, "limit", 0) > 0:
        # Fewer bytes than the record's Content-Length: the file was cut here.
        raise EOFError(f"record {where} ends {record.raw_stream.limit} bytes early")
    if not data:
        return None
    try:
        content, encoding = decode(data)
    except ReadError as exc:
        return Failure(where, str(exc))
    return RawDocument(
        source=where, content=content, kind="text" if "text/plain" in ctype.lower() else "html",
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched_at=record.rec_headers.get_header("WARC-Date"), encoding=encoding,
    )


def _looks_like_html(text: str) -> bool:
    start = text[:2048].lower()
    return "<html" in start or "<!doctype html" in start or ("<p>" in start and "</" in start)


def _suffixes(path: Path) -> list[str]:
    return [s.lower() for s in path.suffixes[-2:]]


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
