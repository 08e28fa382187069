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
    # the story's key days are those of `storyline dates --story`: Tokayev's visit and the Almaty talks among them
    story = run("story", str(story_id), "--db", db)
    assert story["key_dates"] == run("dates", "--story", str(story_id), "--db", db)
    assert {d["date"][5:] for d in story["key_dates"]} >= {"04-15", "05-10"}


RU_TALKS = """Министры иностранных дел Азербайджана и Армении проведут переговоры в Алматы

Министры иностранных дел Азербайджана и Армении Джейхун Байрамов и Арарат Мирзоян 10–11 мая проведут \
переговоры в Алматы, сообщил МИД Казахстана. Президент Казахстана Касым-Жомарт Токаев приветствовал решение \
сторон провести встречу в Казахстане.

Ранее президент Азербайджана Ильхам Алиев заявил, что Баку согласен на встречу министров в Казахстане, если \
Ереван даст согласие. Стороны обсудят текст мирного договора между Арменией и Азербайджаном.

Токаев в апреле посетил Ереван с официальным визитом и предложил Казахстан как площадку для диалога.
"""
RU_EXHIBITION = """В Москве открылась выставка молодых художников

В Государственной Третьяковской галерее в субботу открылась выставка работ молодых художников. Куратор \
выставки Анна Петрова рассказала, что в экспозицию вошли более двухсот картин и скульптур.

Выставка продлится до конца лета, билеты можно купить на сайте музея. По словам директора галереи, интерес \
к современной живописи растёт с каждым годом.
"""


def test_a_russian_report_of_the_talks_joins_their_story_through_shared_entities(tmp_path, examples):
    """No words in common with the English pages: the resolved people, countries and places carry it."""
    db, pages = str(tmp_path / "s.db"), tmp_path / "pages"
    shutil.copytree(examples, pages)
    (pages / "ru_talks.txt").write_bytes(RU_TALKS.encode("cp1251"))  # as many sites of the region still serve it
    (pages / "ru_exhibition.txt").write_text(RU_EXHIBITION, encoding="utf-8")
    run("ingest", str(pages), "--db", db)
    articles = run("articles", "--db", db)
    assert sum(a["language"] == "ru" for a in articles) == 2
    story_of = {a["id"]: s["id"] for s in run("stories", "--db", db)
                for a in run("story", str(s["id"]), "--db", db)["article_list"]}
    by_title = {a["title"]: a["id"] for a in articles}
    talks = story_of[by_title["Azerbaijan and Armenia to Hold Talks in Kazakhstan"]]
    assert story_of[by_title["Министры иностранных дел Азербайджана и Армении проведут переговоры в Алматы"]] == talks
    assert story_of[by_title["В Москве открылась выставка молодых художников"]] != talks
