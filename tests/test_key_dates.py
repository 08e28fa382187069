"""Key dates: the days the most articles name, each told by its most central sentences."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.key_dates import DateMention, day_label, is_stamp, key_dates, select_days, day_support

runner = CliRunner()


def m(article, day, sentence, outlet="a.com", **kw):
    return DateMention(article=article, day=day, sentence=sentence, outlet=outlet, **kw)


SPILL = [
    m(1, "2010-04-20", "The rig exploded on Tuesday night, killing eleven workers on the platform."),
    m(1, "2010-04-20", "Eleven workers died when the rig exploded on April 20 in the Gulf."),
    m(2, "2010-04-20", "An explosion on the rig on April 20 killed eleven workers.", outlet="b.com"),
    m(3, "2010-04-20", "Since the April 20 explosion, oil has leaked into the Gulf of Mexico.", outlet="b.com"),
    m(2, "2010-04-22", "The burning rig sank on Thursday into the waters of the Gulf.", outlet="b.com"),
    m(4, "2010-04-22", "On Thursday the platform sank, two days after the blast.", event="ASSAULT fire → rig"),
    m(4, "2010-04-29", "Obama pledged every available resource on April 29 to contain the slick."),
]


def test_a_day_counts_the_articles_that_name_it_once_each():
    support = day_support(SPILL)
    assert {d: len(a) for d, a in support.items()} == {"2010-04-20": 3, "2010-04-22": 2, "2010-04-29": 1}
    assert select_days(support, 2) == ["2010-04-20", "2010-04-22"]


def test_ties_go_to_the_earlier_day_and_the_window_is_a_filter_only():
    support = day_support(SPILL, date_from="2010-04-21")
    assert select_days(support, None) == ["2010-04-22", "2010-04-29"]
    tied = [m(1, "2010-05-02", "A later thing happened that day."), m(2, "2010-05-01", "An earlier thing.")]
    assert select_days(day_support(tied), 1) == ["2010-05-01"]


def test_key_dates_are_in_date_order_with_counts_summary_events_and_evidence():
    found = key_dates(SPILL, limit=2, sentences=1)
    assert [d.date for d in found] == ["2010-04-20", "2010-04-22"]
    first = found[0]
    assert (first.articles, first.outlets) == (3, 2)
    # the summary is one of the day's sentences about the explosion, not the later look back
    assert first.summary[0] in {x.sentence for x in SPILL[:3]}
    assert len(first.evidence) == 4 and {v["article"] for v in first.evidence} == {1, 2, 3}
    assert found[1].events == ["ASSAULT fire → rig"]


def test_the_summary_skips_near_repeats_and_prefers_the_central_sentence():
    day = "2024-05-10"
    ms = [m(i, day, "Foreign ministers of Armenia and Azerbaijan held talks in Almaty on the peace treaty.")
          for i in range(3)]
    ms.append(m(9, day, "Foreign ministers of Armenia and Azerbaijan held talks in Almaty on the peace treaty today."))
    ms.append(m(7, day, "Weather in the region was sunny with light winds all day long."))
    (found,) = key_dates(ms, limit=1, sentences=2)
    assert found.summary[0].startswith("Foreign ministers")
    # the near copy is skipped, so the second sentence is the other one
    assert found.summary[1].startswith("Weather")


def test_timestamps_are_no_mention_and_no_summary():
    line = "Posted by: dakotahgeo | June 16, 2010 3:46 PM | Report abuse"
    i = line.index("June")
    assert is_stamp(line, i, i + len("June 16, 2010"))
    line = "At 18:01 1st Jun 2010, Jericoa wrote: It looks like a witch hunt"
    i = line.index("1st")
    assert is_stamp(line, i, i + len("1st Jun 2010"))
    # an event with its hour is no timestamp when the year is not written with it
    line = "The rig exploded on April 20 at 9:45 pm, killing 11 workers ."
    i = line.index("April")
    assert not is_stamp(line, i, i + len("April 20"))
    assert not is_stamp("BP was fined on June 16, 2010 by the court .", 16, 29)
    ms = SPILL + [m(k, "2010-06-16", "Posted by: x | June 16, 2010 3:46 PM | Report abuse", stamp=True)
                  for k in range(10, 20)]
    assert "2010-06-16" not in [d.date for d in key_dates(ms, limit=3)]
    (forced,) = key_dates(ms, days=["2010-06-16"])
    assert forced.summary == [] and forced.articles == 0


def test_summaries_work_in_any_script():
    day = "2024-05-10"
    ms = [m(1, day, "Министры иностранных дел Армении и Азербайджана провели переговоры в Алматы.", language="ru"),
          m(2, day, "Переговоры министров Армении и Азербайджана прошли в Алматы 10 мая.", language="ru"),
          m(3, day, "В Москве открылась выставка современного искусства.", language="ru")]
    (found,) = key_dates(ms, limit=1)
    assert "Армени" in found.summary[0]


def test_a_day_without_its_year_is_labelled_so():
    assert day_label("XXXX-04-15") == "April 15, year unknown"
    assert day_label("2024-04-15") == "2024-04-15"
    assert day_label("1991-12-21", background=True) == "1991-12-21 (history)"


def test_a_day_only_recalled_years_later_is_history():
    ms = [m(1, "1991-12-21", "The Alma-Ata Declaration was signed on December 21, 1991, in Almaty.",
            published="2024-05-12"),
          m(2, "2024-05-10", "The ministers met in Almaty on May 10.", published="2024-05-11"),
          m(3, "2024-05-10", "Talks began on Friday in Almaty.", published="2024-05-10")]
    found = {d.date: d for d in key_dates(ms, limit=None)}
    assert found["1991-12-21"].background and not found["2024-05-10"].background
    assert found["2024-05-10"].first_reported == "2024-05-10"
    # a page without a date cannot tell history from news
    (undated,) = key_dates([m(1, "1991-12-21", "Signed on December 21, 1991.")], limit=None)
    assert not undated.background and undated.first_reported is None


def test_a_day_only_named_before_it_came_is_announced():
    ms = [m(1, "2024-06-20", "The treaty may be signed in Almaty on June 20.", published="2024-06-01"),
          m(2, "2024-06-20", "Officials said the signing is set for June 20.", published="2024-06-05"),
          m(3, "2024-05-10", "The ministers will meet in Almaty on Friday.", published="2024-05-08"),
          m(4, "2024-05-10", "The ministers met in Almaty on Friday.", published="2024-05-11")]
    found = {d.date: d for d in key_dates(ms, limit=None)}
    # nothing published since reports the signing: a plan; the meeting was announced and then reported
    assert found["2024-06-20"].announced and not found["2024-05-10"].announced
    assert found["2024-06-20"].label() == "2024-06-20 (announced)" and found["2024-05-10"].label() == "2024-05-10"
    # a day reported on the day itself, an undated page, a day without its year: nothing to tell
    assert not key_dates([m(5, "2024-05-10", "Talks opened today in Almaty.", published="2024-05-10")])[0].announced
    assert not key_dates([m(6, "2024-06-20", "The signing is set for June 20.")])[0].announced
    assert not key_dates([m(7, "XXXX-06-20", "The signing is set for June 20.", published="2024-06-01")])[0].announced


# ---------------------------------------------------------------- the store and the CLI, on the example corpus


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from conftest import EXAMPLES

    path = str(tmp_path_factory.mktemp("kd") / "s.db")
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", path])
    assert result.exit_code == 0, result.output
    return path


def test_store_mentions_are_sentences_that_name_the_day(db):
    from storyline.store import Store

    with Store(db) as store:
        ms = store.date_mentions()
    assert ms and all(len(x.day) == 10 for x in ms)
    visit = [x for x in ms if x.day.endswith("-04-15")]
    assert visit and "April 15" in visit[0].sentence and "Tokayev" in visit[0].sentence


def test_cli_dates_for_an_entity_holds_its_visit(db):
    result = runner.invoke(app, ["dates", "--db", db, "--entity", "Tokayev", "--json"])
    assert result.exit_code == 0, result.output
    days = json.loads(result.output)
    visit = [d for d in days if d["date"].endswith("-04-15")]
    assert visit and "official visit" in visit[0]["summary"][0]
    assert any(e.startswith("CONSULT") for e in visit[0]["events"])
    # Tokayev is named on no sentence that names the October call
    assert not any(d["date"].endswith("-10-07") for d in days)


def test_cli_dates_between_two_sides_and_formats(db):
    result = runner.invoke(app, ["dates", "--db", db, "--between", "Armenia", "Azerbaijan", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert any(r["date"].endswith("-05-10") and "Almaty" in r["summary"] for r in rows)
    md = runner.invoke(app, ["dates", "--db", db, "--format", "md", "--limit", "2"])
    assert md.exit_code == 0 and md.output.startswith("# Key dates") and md.output.count("\n## ") == 2
    page = runner.invoke(app, ["dates", "--db", db, "--between", "Armenia", "Azerbaijan", "--format", "html"])
    assert page.exit_code == 0 and page.output.startswith("<!doctype html>")
    assert page.output.count("<article>") == len(rows) and "Almaty" in page.output and "Evidence (" in page.output
    bad = runner.invoke(app, ["dates", "--db", db, "--format", "xml"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["dates", "--db", db, "--entity", "Nobody Atall"]).exit_code == 1
    for verb in ("dates", "timeline"):  # a story that is not there is an error, not an empty list
        missing = runner.invoke(app, [verb, "--db", db, "--story", "999"])
        assert missing.exit_code == 1 and "no story 999" in missing.output


def test_a_russian_report_names_the_same_day_as_the_english_pages(tmp_path, examples):
    """The Almaty talks' day, from an English page and a Russian one served in cp1251: one key day, two articles."""
    import shutil

    from test_stories_cli import RU_TALKS

    db, pages = str(tmp_path / "s.db"), tmp_path / "pages"
    shutil.copytree(examples, pages)
    (pages / "ru_talks.txt").write_bytes(RU_TALKS.encode("cp1251"))
    assert runner.invoke(app, ["ingest", str(pages), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["dates", "--db", db, "--between", "Armenia", "Azerbaijan", "--json"])
    assert result.exit_code == 0, result.output
    (talks,) = [d for d in json.loads(result.output) if d["date"].endswith("-05-10")]
    assert talks["articles"] == 2
    assert any("Алматы" in v["sentence"] for v in talks["evidence"])
    assert any("Almaty" in v["sentence"] for v in talks["evidence"])


def test_the_html_page_escapes_what_the_pages_say():
    from storyline.key_dates import KeyDate, to_html

    said = '<script>alert("x")</script> & "quotes"'
    day = KeyDate("2024-05-10", 1, 1, [said], events=["CONSULT <b>"],
                  evidence=[{"article": 1, "outlet": "out<let>", "published": None, "sentence": said}])
    page = to_html([day], "Key <i>")
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page and "&lt;script&gt;" in page
    assert page.count("<article>") == 1 and "undated" in page
