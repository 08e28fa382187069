"""The read stage: every input format, and every kind of bad input reported with a reason."""
from __future__ import annotations

import gzip
import io
import json
import os
import random

import pytest

from storyline.models import Failure, RawDocument
from storyline.read import decode, read, read_stream

RU = "Министр иностранных дел Армении встретился с коллегой из Азербайджана в Алматы. " * 5
HTML = "<html><head><title>T</title></head><body><article><p>{}</p></article></body></html>"


def _split(items):
    docs = [i for i in items if isinstance(i, RawDocument)]
    fails = [i for i in items if isinstance(i, Failure)]
    return docs, fails


def _warc(path, pages, gz=True):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body.encode()), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2024-06-13T10:00:00Z"})
            writer.write_record(record)


def test_text_html_and_gzip_files(tmp_path):
    (tmp_path / "a.txt").write_text("Plain text page about Almaty talks.")
    (tmp_path / "b.html").write_text(HTML.format("Body"))
    (tmp_path / "c.htm.gz").write_bytes(gzip.compress(HTML.format("Zipped").encode()))
    docs, fails = _split(list(read([tmp_path])))
    assert not fails
    assert [(os.path.basename(d.source), d.kind) for d in docs] == [("a.txt", "text"), ("b.html", "html"), ("c.htm.gz", "html")]
    assert "Zipped" in docs[2].content


def test_folders_are_read_recursively_in_a_stable_order(tmp_path):
    for name in ["z/2.txt", "a/1.txt", "a/b/3.txt", ".hidden.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"page {name}")
    names = [os.path.relpath(d.source, tmp_path) for d in read([tmp_path])]
    assert names == ["a/1.txt", "a/b/3.txt", "z/2.txt"]


def test_cp1251_and_latin1_are_decoded(tmp_path):
    (tmp_path / "ru.txt").write_bytes(RU.encode("cp1251"))
    (tmp_path / "fr.txt").write_bytes(("Les ministres se sont réunis à Genève. Déclaration commune signée. " * 5).encode("latin-1"))
    docs, fails = _split(list(read([tmp_path])))
    assert not fails
    by_name = {os.path.basename(d.source): d for d in docs}
    assert by_name["ru.txt"].content == RU
    assert by_name["ru.txt"].encoding in ("cp1251", "windows_1251")
    assert "Genève" in by_name["fr.txt"].content


def test_bad_files_each_get_a_reason_and_the_rest_goes_in(tmp_path):
    (tmp_path / "good.txt").write_text("A good page.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "truncated.html.gz").write_bytes(gzip.compress(HTML.format("x" * 5000).encode())[:-30])
    (tmp_path / "big.txt").write_text("word " * 1000)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    docs, fails = _split(list(read([tmp_path, tmp_path / "missing.txt"], max_bytes=4000)))
    reasons = {os.path.basename(f.source): f.reason for f in fails}
    assert [os.path.basename(d.source) for d in docs] == ["good.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "binary" in reasons["image.png"]
    assert "truncated" in reasons["truncated.html.gz"]
    assert "too large" in reasons["big.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert "cannot read" in reasons["dangling.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file, so permissions cannot be tested")
def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    (fail,) = list(read([path]))
    assert isinstance(fail, Failure) and "permission" in fail.reason


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 10_000_000))
    (fail,) = list(read([tmp_path / "bomb.txt.gz"], max_bytes=1_000_000))
    assert isinstance(fail, Failure) and "limit" in fail.reason


def test_jsonl_fields_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"text": "Body one", "url": "https://orda.kz/a", "title": "One", "published": "2024-05-11", "outlet": "Orda"}),
        "{not json",
        json.dumps({"html": HTML.format("Body two"), "link": "https://example.org/b"}),
        json.dumps({"url": "https://example.org/empty"}),
        json.dumps(["not", "an", "object"]),
    ]
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n")
    docs, fails = _split(list(read([tmp_path / "pages.jsonl"])))
    assert [(d.kind, d.url) for d in docs] == [("text", "https://orda.kz/a"), ("html", "https://example.org/b")]
    assert docs[0].meta == {"title": "One", "published": "2024-05-11", "outlet": "Orda"}
    assert [f.source.rsplit("#", 1)[1] for f in fails] == ["L2", "L4", "L5"]
    assert "invalid JSON" in fails[0].reason and "no text" in fails[1].reason


def test_warc_response_records(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path, [("https://orda.kz/a", HTML.format("First")), ("https://orda.kz/b", HTML.format("Second"))])
    docs, fails = _split(list(read([path])))
    assert not fails
    assert [d.url for d in docs] == ["https://orda.kz/a", "https://orda.kz/b"]
    assert docs[0].fetched_at == "2024-06-13T10:00:00Z" and docs[0].kind == "html"
    assert docs[0].source != docs[1].source


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    rng = random.Random(7)
    pages = [" ".join(f"w{rng.randrange(10**6)}" for _ in range(400)) for _ in range(3)]  # incompressible
    _warc(path, [(f"https://a.kz/{i}", HTML.format(body)) for i, body in enumerate(pages)], gz=gz)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    docs, fails = _split(list(read([path])))
    assert 1 <= len(docs) < 3
    assert len(fails) == 1 and "WARC" in fails[0].reason


def test_stdin_is_sniffed():
    docs = list(read_stream(io.BytesIO(HTML.format("From stdin").encode()), "<stdin>"))
    assert docs[0].kind == "html" and docs[0].source == "<stdin>"
    docs = list(read_stream(io.BytesIO(gzip.compress(b'{"text": "zipped json line"}\n')), "<stdin>"))
    assert docs[0].kind == "text" and docs[0].content == "zipped json line"
    (fail,) = list(read_stream(io.BytesIO(b""), "<stdin>"))
    assert "empty" in fail.reason


def test_utf8_bom_is_dropped():
    assert decode("\ufeffПривет".encode("utf-8")) == ("Привет", "utf-8")
