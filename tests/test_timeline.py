"""Events merged across articles, and timelines on the example corpus."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from corpus import fill_random_events
from storyline.cli import app
from storyline.timeline import date_label, key_events, merge

runner = CliRunner()


def row(article_id, date="2024-05-10", source="AM", target="AZ", outlet="a.am", conf=0.9, **kw):
    base = dict(article_id=article_id, sentence=0, type="CONSULT", mode="occurred", trigger="talks",
                source_text=source, source_key=None, source_country=source, target_text=target, target_key=None,
                target_country=target, place="Almaty", date=date, date_end=None, date_precision="day",
                date_inferred=0, date_source="text", background=0, confidence=conf,
                sentence_text=f"Talks in article {article_id}.", outlet=outlet, published="2024-05-12",
                source_name=None, target_name=None)
    return {**base, **kw}


def test_the_same_event_from_several_outlets_is_one_event_with_all_its_evidence():
    rows = [row(1), row(2, source="AZ", target="AM", outlet="b.az", conf=0.95), row(3, outlet="a.am"),
            row(4, date="2024-05-20"), row(5, type="AGREE")]
    events = merge(rows)
    consult = [e for e in events if e.type == "CONSULT" and e.date == "2024-05-10"]
    assert len(consult) == 1
    assert (consult[0].articles, consult[0].outlets) == (3, 2)
    assert consult[0].summary == "Talks in article 2."  # the most confident evidence
    assert len(events) == 3


def test_undated_mentions_do_not_merge_across_articles():
    rows = [row(1, date="2024-05-12", date_source="reported"), row(2, date="2024-05-12", date_source="reported")]
    assert len(merge(rows)) == 2


def test_background_and_weak_events_are_left_out_unless_asked():
    events = merge([row(1, background=1), row(2, date="2024-06-01", conf=0.15), row(3, date="2024-07-01"),
                    row(4, date="2024-08-01", conf=0.3, date_source="reported")])
    assert [e.date for e in key_events(events)] == ["2024-07-01"]
    assert len(key_events(events, background=True)) == 2


def test_date_labels_never_invent_precision():
    (e,) = merge([row(1, date="XXXX-04-15", date_precision="day")])
    assert date_label(e) == "April 15, year unknown"
    (e,) = merge([row(1, date="2024-05-10", date_end="2024-05-11", date_inferred=1)])
    assert date_label(e) == "~2024-05-10–11"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from conftest import EXAMPLES

    path = str(tmp_path_factory.mktemp("timeline") / "s.db")
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--db", path, "--json"]).exit_code == 0
    return path


def timeline(db, *args):
    result = runner.invoke(app, ["timeline", *args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seed_timelines(db):
    between = timeline(db, "--between", "Armenia", "Azerbaijan")
    assert any(e["type"] == "CONSULT" and e["place"] == "Almaty" for e in between)
    # the ministers' talks "on May 10-11 in Almaty": the day is known, the year is not (no article is dated)
    assert any(e["type"] == "CONSULT" and e["date"] == "XXXX-05-10" and e["place"] == "Almaty" for e in between)
    tokayev = timeline(db, "--entity", "Tokayev")
    visit = [e for e in tokayev if e["type"] == "CONSULT" and "official visit" in e["summary"]]
    assert visit and visit[0]["date"] == "XXXX-04-15" and visit[0]["mode"] == "occurred"
    azerbaijan = timeline(db, "--entity", "Azerbaijan")
    assert any(e["type"] == "AGREE" and e["mode"] == "occurred" and "Putin" in e["summary"] for e in azerbaijan)
    assert any(e["type"] == "CONSULT" and e["mode"] == "planned" and "Putin" in e["summary"] for e in azerbaijan)
    # "... Putin and ... Aliyev have agreed to hold a meeting. ... the agreement was reached during a telephone
    # conversation on October 7": the call's actors are named in the sentence before
    call = [e for e in azerbaijan if e["type"] == "CONSULT" and e["date"] == "XXXX-10-07"]
    assert call and "conversation" in call[0]["summary"] and {"Vladimir Putin", "Ilham Aliyev"} <= {
        call[0]["source"], call[0]["target"]}
    assert call[0]["actors_inferred"] and not any(e["actors_inferred"] for e in azerbaijan if "Putin" in
                                                  e["summary"] and e["type"] == "AGREE")


def test_a_possible_treaty_signing_is_planned_not_done(db):
    result = runner.invoke(app, ["events", "--type", "AGREE", "--db", db, "--json"])
    signing = [e for e in json.loads(result.stdout) if "signing" in e["summary"]]
    assert signing and all(e["mode"] == "planned" for e in signing)


def test_timeline_formats(db):
    md = runner.invoke(app, ["timeline", "--entity", "Tokayev", "--format", "md", "--db", db]).stdout
    assert md.startswith("# Timeline: Tokayev") and "Sources: article" in md
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["timeline", "--entity", "Tokayev", "--format", "csv", "--db", db]).stdout)))
    assert rows and {"date", "type", "summary", "article_ids"} <= set(rows[0])
    page = runner.invoke(app, ["timeline", "--entity", "Tokayev", "--format", "html", "--db", db]).stdout
    entries = json.loads(runner.invoke(app, ["timeline", "--entity", "Tokayev", "--json", "--db", db]).stdout)
    assert page.startswith("<!doctype html>") and page.count("<article>") == len(entries) > 0
    assert "Evidence (" in page and "<script" not in page
    assert runner.invoke(app, ["timeline", "--entity", "Tokayev", "--format", "pdf", "--db", db]).exit_code == 2


def test_html_escapes_what_the_pages_say():
    from storyline.timeline import Event, Evidence, to_html

    said = '<script>alert("x")</script> & "quotes"'
    e = Event("CONSULT", "occurred", "2024-05-10", None, "day", False, "text", False, "A <b>", None, None, said,
              1, 1, "2024-05-10", 0.9, evidence=[Evidence(1, 0, said, "out<let>", None, 0.9)])
    page = to_html([e], "T <i>")
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page and "&lt;script&gt;" in page


# --- the timeline built in SQL (timeline.timeline) against the reference: key_events(merge(event_rows)) ----


def reference(store, limit, min_confidence=0.5, background=False, **where):
    return key_events(merge(store.event_rows(**where)), limit=limit, min_confidence=min_confidence,
                      background=background)


def assert_same_timelines(store, queries):
    from storyline.timeline import timeline as fast

    checked = 0
    for where in queries:
        for limit in (1, 2, 3, 5, 8, 30, None):
            for background in (False, True):
                for min_confidence in (0.5, 0.0, 0.8):
                    old = reference(store, limit, min_confidence, background, **where)
                    new = fast(store, **where, limit=limit, min_confidence=min_confidence, background=background)
                    assert [e.as_dict() for e in new] == [e.as_dict() for e in old], (where, limit, background)
                    checked += bool(old)
    return checked


def test_the_sql_timeline_is_the_python_one_on_the_example_store(db):
    import storyline
    from storyline.resolve import normalise_name

    with storyline.open(db) as store:
        keys = [r[0] for r in store.conn.execute(
            "SELECT key FROM (SELECT source_key AS key FROM events UNION ALL SELECT target_key FROM events)"
            " WHERE key IS NOT NULL GROUP BY key ORDER BY COUNT(*) DESC, key")]
        assert len(keys) >= 5
        sides = [store.find_entities(n, normalise_name) for n in ("Armenia", "Azerbaijan", "Tokayev")]
        queries = [{}] + [{"actors": [[k]]} for k in keys] + [{"actors": [[a], [b]]} for a in keys[:6] for b in keys[:6]]
        queries += [{"actors": [s]} for s in sides] + [{"actors": [sides[0], sides[1]]}]
        queries += [{"actors": [[keys[0]]], "date_from": "2024", "date_to": "2024-06"}, {"types": ["consult"]},
                    {"article_ids": [1, 2]}, {"actors": [[keys[0]]], "article_ids": [1, 3, 4]}]
        assert assert_same_timelines(store, queries) > 100


def test_the_sql_timeline_is_the_python_one_on_a_store_full_of_ties(tmp_path):
    """Random mentions with many ties: equal confidences, dates, articles, outlets; undated, reported, non-ASCII."""
    import random

    import storyline

    path = tmp_path / "ties.db"
    with storyline.open(path) as store:
        fill_random_events(store, random.Random(7))
    with storyline.open(path) as store:
        queries = [{}, {"actors": [["COUNTRY:AM"]]}, {"actors": [["P:1"]]}, {"actors": [["COUNTRY:AM"], ["COUNTRY:AZ"]]},
                   {"actors": [["P:2", "COUNTRY:AZ"]]}, {"types": ["agree", "fight"]},
                   {"date_from": "2024-05-11", "date_to": "2024-05"}, {"article_ids": list(range(1, 20))},
                   {"actors": [["COUNTRY:AZ"]], "types": ["consult"]}, {"actors": [["P:1"]], "date_from": "2024-05-11"},
                   {"actors": [["P:1", "COUNTRY:AZ"]], "date_to": "2024-05-11", "types": ["agree", "consult"]},
                   {"actors": [["P:1", "COUNTRY:AM"], ["COUNTRY:AZ"]]}, {"actors": [["P:1"], ["P:1"]]},
                   {"actors": [["COUNTRY:AZ"], ["P:2", "COUNTRY:AM"]], "types": ["fight"], "date_from": "2024-05-11"}]
        assert assert_same_timelines(store, queries) > 100


def test_the_same_happening_dated_a_day_apart_is_one_entry():
    from storyline.timeline import Event, Evidence, fold_nearby

    def event(date, source="Armenia", target="Azerbaijan", type="CONSULT", articles=(1,), outlet="a.am", conf=0.8,
              source_of_date="text"):
        ev = [Evidence(a, 0, f"talks {a}", f"{outlet}{a % 2}", "2024-05-12", conf) for a in articles]
        return Event(type, "occurred", date, None, "day", False, source_of_date, False, source, target, None,
                     "s", len(articles), len({v.outlet for v in ev}), "2024-05-12", conf, evidence=ev)

    talks = [event("2024-05-10", articles=(1, 2, 3)), event("2024-05-11", "Azerbaijan", "Armenia", articles=(3, 4))]
    (one,) = fold_nearby(talks)
    assert one.date == "2024-05-10" and one.articles == 4 and one.outlets == 2 and len(one.evidence) == 5
    # not the same happening: two days apart, other actors, another type, or a date that is only the report's
    assert len(fold_nearby([event("2024-05-10"), event("2024-05-12")])) == 2
    assert len(fold_nearby([event("2024-05-10"), event("2024-05-11", target="Turkey")])) == 2
    assert len(fold_nearby([event("2024-05-10"), event("2024-05-11", type="AGREE")])) == 2
    assert len(fold_nearby([event("2024-05-10"), event("2024-05-11", source_of_date="reported")])) == 2
    assert len(fold_nearby([event("XXXX-05-10"), event("XXXX-05-11")])) == 2


def test_an_english_and_a_russian_report_of_the_same_talks_are_one_event(tmp_path):
    """Different words, different languages, two outlets: one event with both articles behind it."""
    pages = tmp_path / "pages.jsonl"
    records = [
        {"url": "https://news.example.am/talks", "published": "2024-05-11",
         "title": "Armenian and Azerbaijani foreign ministers hold talks in Almaty",
         "text": "Armenian and Azerbaijani foreign ministers hold talks in Almaty\n\nThe foreign ministers of Armenia "
                 "and Azerbaijan, Ararat Mirzoyan and Jeyhun Bayramov, held talks in Almaty on May 10, the Kazakh "
                 "foreign ministry said. The two sides discussed the text of a peace treaty."},
        {"url": "https://novosti.example.ru/peregovory", "published": "2024-05-11",
         "title": "Главы МИД Армении и Азербайджана провели переговоры в Алматы",
         "text": "Главы МИД Армении и Азербайджана провели переговоры в Алматы\n\nМинистры иностранных дел Армении "
                 "и Азербайджана Арарат Мирзоян и Джейхун Байрамов 10 мая провели переговоры в Алматы, сообщил МИД "
                 "Казахстана. Стороны обсудили текст мирного договора."},
    ]
    pages.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["ingest", str(pages), "--db", db, "--json"]).exit_code == 0
    entries = json.loads(runner.invoke(app, ["timeline", "--between", "Armenia", "Azerbaijan", "--db", db,
                                             "--json"]).stdout)
    (talks,) = [e for e in entries if e["date"] == "2024-05-10"]
    assert talks["type"] == "CONSULT" and talks["articles"] == 2 and talks["outlets"] == 2
    assert {v["article_id"] for v in talks["evidence"]} == {1, 2}
