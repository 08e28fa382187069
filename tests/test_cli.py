"""The command line reads like the docs: each verb, with and without --json."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path, examples):
    path = str(tmp_path / "s.db")
    result = runner.invoke(app, ["ingest", str(examples), "--db", path, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["new_articles"], summary["duplicates"], summary["failed"]) == (4, 1, 0)
    return path


def test_articles_table_and_json(db):
    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    assert len(rows) == 4
    assert {"id", "published", "date_source", "date_precision", "outlet", "language", "title", "copies"} <= set(rows[0])
    table = runner.invoke(app, ["articles", "--db", db], env={"COLUMNS": "200"}).stdout
    assert "Armenia and Azerbaijan may sign" in table


def test_show_prints_text_and_copies(db):
    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    merged = next(r for r in rows if r["copies"] == 2)
    shown = json.loads(runner.invoke(app, ["show", str(merged["id"]), "--db", db, "--json"]).stdout)
    assert len(shown["copies"]) == 2 and "Tokayev" in shown["text"]
    assert "Последние новости" not in shown["text"]
    assert runner.invoke(app, ["show", "999", "--db", db]).exit_code == 1


def test_search_json_has_snippets(db):
    hits = json.loads(runner.invoke(app, ["search", "Galuzin", "--db", db, "--json"]).stdout)
    assert len(hits) == 1 and "[Galuzin]" in hits[0]["snippet"]


def test_ingest_exit_code_and_failures_listing(tmp_path, examples):
    path = str(tmp_path / "s.db")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(examples), str(tmp_path / "empty.txt"), "--db", path])
    assert result.exit_code == 1
    assert "empty file" in result.output and "4 new articles" in result.output
    failures = json.loads(runner.invoke(app, ["failures", "--db", path, "--json"]).stdout)
    assert [f["reason"] for f in failures] == ["empty file"]


def test_stdin(tmp_path, examples):
    path = str(tmp_path / "s.db")
    page = (examples / "004_af11c42b5d587602.txt").read_bytes()
    result = runner.invoke(app, ["ingest", "-", "--db", path, "--json"], input=page)
    assert json.loads(result.stdout)["new_articles"] == 1


def test_bad_size_option(tmp_path, examples):
    result = runner.invoke(app, ["ingest", str(examples), "--db", str(tmp_path / "s.db"), "--max-size", "lots"])
    assert result.exit_code != 0 and "not a size" in result.output
