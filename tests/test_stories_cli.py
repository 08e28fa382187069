"""Stories in the store: the seeds form one story, new articles join incrementally, --rebuild re-clusters."""
from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seed_talks_are_one_story_and_new_pages_join_incrementally(tmp_path, examples):
    db = str(tmp_path / "s.db")
    first = tmp_path / "first"
    first.mkdir()
    for name in ("000_0ed1b333e982e572.txt", "002_5cbd2547cb72b4ab.txt", "004_af11c42b5d587602.txt"):
        shutil.copy(examples / name, first)
    assert run("ingest", str(first), "--db", db)["stories"]["articles"] == 3

    summary = run("ingest", str(examples), "--db", db)  # adds 001 (a copy) and 003
    assert summary["stories"]["articles"] == 1  # only the new article was clustered
    stories = run("stories", "--db", db)
    titles = {a["id"]: a["title"] for a in run("articles", "--db", db)}
    talks = [s for s in stories if s["articles"] >= 3]
    assert len(talks) == 1
    story = run("story", str(talks[0]["id"]), "--db", db)
    assert {titles[a["id"]] or "" for a in story["article_list"]} >= {
        "Armenia and Azerbaijan may sign a peace treaty in Kazakhstan",
        "Azerbaijan and Armenia to Hold Talks in Kazakhstan"}
    assert {"Armenia", "Azerbaijan", "Kazakhstan"} <= {e["name"] for e in story["entities"]}
    assert any(e["type"] == "CONSULT" for e in story["timeline"])
    assert "Armenia" in talks[0]["label"] and "Azerbaijan" in talks[0]["label"]

    rebuilt = run("stories", "--rebuild", "--db", db)
    assert sorted(s["articles"] for s in rebuilt) == sorted(s["articles"] for s in stories)


def test_story_timeline_and_missing_story(tmp_path, examples):
    db = str(tmp_path / "s.db")
    run("ingest", str(examples), "--db", db)
    story_id = run("stories", "--db", db)[0]["id"]
    md = runner.invoke(app, ["timeline", "--story", str(story_id), "--format", "md", "--db", db]).stdout
    assert md.startswith("# Timeline: ")
    assert runner.invoke(app, ["story", "999", "--db", db]).exit_code == 1
