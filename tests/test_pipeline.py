"""Ingest end to end: the example corpus, re-runs, bad inputs, and a run killed half-way."""
from __future__ import annotations

import gzip
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storyline
from corpus import write_corpus


@pytest.fixture
def store(tmp_path):
    with storyline.open(tmp_path / "s.db") as s:
        yield s


def test_example_corpus_gives_four_articles_with_the_duplicate_merged(store, examples):
    report = storyline.ingest(store, [examples])
    assert report.ok and report.documents == 5
    assert (report.new_articles, report.duplicates) == (4, 1)
    rows = store.articles()
    assert len(rows) == 4
    (merged,) = [r for r in rows if r["copies"] == 2]
    copies = store.article(merged["id"])["copies"]
    assert sorted(Path(c["source"]).name[:3] for c in copies) == ["000", "001"]
    assert "peace treaty" in merged["title"]


def test_ingesting_the_same_inputs_twice_adds_nothing(store, examples):
    storyline.ingest(store, [examples])
    before = store.counts()
    again = storyline.ingest(store, [examples])
    assert (again.new_articles, again.duplicates, again.unchanged) == (0, 0, 5)
    assert store.counts() == before


def test_a_copy_in_another_file_and_format_joins_its_article(store, examples, tmp_path):
    storyline.ingest(store, [examples])
    page = (examples / "002_5cbd2547cb72b4ab.txt").read_text()
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in page.split("\n\n")[1:]) + "</article></body></html>"
    (tmp_path / "copy.html.gz").write_bytes(gzip.compress(html.encode()))
    report = storyline.ingest(store, [tmp_path / "copy.html.gz"])
    assert (report.new_articles, report.duplicates) == (0, 1)
    assert store.counts()["articles"] == 4


def test_bad_inputs_are_reported_and_the_rest_goes_in(store, examples, tmp_path):
    folder = tmp_path / "pile"
    shutil.copytree(examples, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>" + b"news " * 4000 + b"</p></body></html>")[:-50])
    (folder / "menu.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>")
    (folder / "broken.html").write_text("<html><body><div><p>" + "Unclosed paragraphs of real text here. " * 30 + "<div><table><tr><td>cell")
    report = storyline.ingest(store, [folder])
    reasons = {Path(f.source).name: f.reason for f in report.failures}
    assert set(reasons) == {"empty.txt", "blob.bin", "cut.html.gz", "menu.html"}
    assert store.counts()["articles"] == 5  # the four example articles and the malformed-but-readable page
    assert {Path(f["source"]).name for f in store.failures()} == set(reasons)


def test_a_failure_that_is_fixed_leaves_the_failure_list(store, tmp_path):
    page = tmp_path / "p.txt"
    page.write_bytes(b"")
    storyline.ingest(store, [page])
    assert len(store.failures()) == 1
    write_corpus(tmp_path / "one", 1)
    shutil.copy(tmp_path / "one" / "page_00000.txt", page)
    assert storyline.ingest(store, [page]).ok
    assert store.failures() == []


def test_parallel_workers_give_the_same_store(tmp_path, examples):
    write_corpus(tmp_path / "pile", 40)
    shutil.copytree(examples, tmp_path / "pile" / "ex")
    dumps = []
    for workers in (1, 2):
        with storyline.open(tmp_path / f"w{workers}.db") as s:
            storyline.ingest(s, [tmp_path / "pile"], workers=workers)
        dumps.append(dump(tmp_path / f"w{workers}.db"))
    assert dumps[0] == dumps[1]


def dump(db: Path) -> dict:
    """Everything the store holds, without the wall-clock times of failures."""
    conn = sqlite3.connect(db)
    tables = {
        "articles": "SELECT * FROM articles ORDER BY id",
        "copies": "SELECT * FROM copies ORDER BY id",
        "lsh_buckets": "SELECT * FROM lsh_buckets ORDER BY band_key, article_id",
        "failures": "SELECT source, reason FROM failures ORDER BY source",
        "fts": "SELECT rowid, title FROM articles_fts WHERE articles_fts MATCH 'the' ORDER BY rowid",
    }
    out = {name: conn.execute(sql).fetchall() for name, sql in tables.items()}
    conn.close()
    return out


def test_an_ingest_killed_half_way_and_restarted_ends_with_the_same_store(tmp_path, examples):
    pile = tmp_path / "pile"
    write_corpus(pile, 400)
    shutil.copytree(examples, pile / "ex")
    (pile / "zz_empty.txt").write_bytes(b"")
    total = 406
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(pile), "--quiet", "--batch-size", "8", "--no-analyse"]

    subprocess.run(cmd + ["--db", str(tmp_path / "whole.db")], capture_output=True)

    killed = tmp_path / "killed.db"
    proc = subprocess.Popen(cmd + ["--db", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = _wait_for_rows(killed, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < total, f"the kill should land half-way, it landed at {stored}/{total}"
    rerun = subprocess.run(cmd + ["--db", str(killed)], capture_output=True, text=True)
    assert rerun.returncode == 1  # the empty file is still reported
    assert "already stored" in rerun.stderr
    assert dump(killed) == dump(tmp_path / "whole.db")


def _wait_for_rows(db: Path, proc: subprocess.Popen, timeout: float = 60) -> int:
    """Poll the store a second process is writing until some (not all) batches are committed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = sqlite3.connect(db, timeout=0.1)
            count = conn.execute("SELECT COUNT(*) FROM copies").fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:
            count = 0
        if count >= 40:
            return count
        time.sleep(0.01)
    return -1
