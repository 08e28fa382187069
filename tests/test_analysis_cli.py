"""Entities, roles and quotes through the command line, on the example corpus (issue 3's seeds)."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def run(*args) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from conftest import EXAMPLES

    path = str(tmp_path_factory.mktemp("analysis") / "s.db")
    summary = run("ingest", str(EXAMPLES), "--db", path)
    assert summary["analysis"]["articles"] == 4 and summary["analysis"]["failed"] == 0
    return path


SEED_PEOPLE = {  # surname: (country, a word of the role the seeds give)
    "Tokayev": ("KZ", "President"),
    "Aliyev": ("AZ", "President"),
    "Pashinyan": ("AM", "Prime Minister"),
    "Blinken": ("US", "Secretary of State"),
    "Putin": ("RU", "President"),
    "Peskov": ("RU", "spokesperson"),
    "Galuzin": ("RU", "Deputy Foreign Minister"),
    "Kushaliyev": ("KZ", None),
}


@pytest.mark.parametrize("surname", sorted(SEED_PEOPLE))
def test_each_seed_person_is_one_entity_with_role_and_country(db, surname):
    people = [p for p in run("entities", "--type", "person", "--limit", "0", "--db", db)
              if surname in p["name"] or any(surname in a for a in p["aliases"])]
    assert len(people) == 1, [p["name"] for p in people]
    country, role = SEED_PEOPLE[surname]
    assert people[0]["country"] == country
    if role:
        assert any(role.lower() in r["role"].lower() for r in people[0]["roles"]), people[0]["roles"]


def test_entity_shows_aliases_roles_articles_quotes_and_company(db):
    tokayev = run("entity", "Tokayev", "--db", db)
    assert tokayev["name"] == "Kassym-Jomart Tokayev"
    assert "Tokayev" in tokayev["aliases"]
    assert len(tokayev["article_list"]) >= 2
    assert any("symbolic" in q["content"] for q in tokayev["quotes"])
    assert any(c["name"] == "Armenia" for c in tokayev["co_occurring"])


def test_almaty_and_alma_ata_are_one_place(db):
    places = [p for p in run("entities", "--type", "place", "--limit", "0", "--db", db) if p["name"] == "Almaty"]
    assert len(places) == 1 and places[0]["geonames_id"] and places[0]["country"] == "KZ"
    assert "Alma-Ata" in places[0]["aliases"]


def test_quotes_by_speaker_and_about(db):
    aliyev = run("quotes", "--speaker", "Aliyev", "--db", db)
    assert len(aliyev) >= 2
    assert all(q["speaker_name"] == "Ilham Aliyev" for q in aliyev)
    assert any("thirty years of confrontation" in q["content"] for q in aliyev)
    assert all(q["sentence_text"] for q in aliyev)
    about = run("quotes", "--about", "Armenia", "--db", db)
    assert about and all(q["speaker_name"] != "Armenia" for q in about)


def test_analyse_again_does_nothing(db):
    assert run("analyse", "--db", db)["articles"] == 0


def test_unknown_entity_is_a_clear_error(db):
    result = runner.invoke(app, ["entity", "Nobody Atall", "--db", db])
    assert result.exit_code == 1 and "no entity" in result.output
