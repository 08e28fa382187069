"""describe: title, language, outlet, publication date and cited sources.

The seed pages are read as the reader would, and their ``Cleaned`` is built
by hand (headline, header lines, article paragraphs) so these tests do not
depend on the clean stage.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from storyline.describe import (
    describe,
    detect_language,
    find_cited_sources,
    find_outlet,
    find_published,
    find_title,
    find_url_date,
)
from storyline.models import Cleaned, PubDate, RawDocument

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "caucasus"
UNKNOWN = PubDate(None, "unknown", "none", False)


def seed(prefix: str, **doc_fields) -> RawDocument:
    path = next(EXAMPLES.glob(prefix + "_*.txt"))
    return RawDocument(source=str(path), content=path.read_text(encoding="utf-8"), kind="text", **doc_fields)


def lines_between(content: str, start: str | None, stop: str) -> list[str]:
    """Non-empty lines after the line ``start`` (exclusive) up to the line beginning with ``stop``."""
    lines = [ln.strip() for ln in content.splitlines() if ln.strip()]
    first = lines.index(start) + 1 if start else 0
    last = next(i for i, ln in enumerate(lines) if ln.startswith(stop))
    return lines[first:last]


def cleaned_seed(doc: RawDocument) -> Cleaned:
    """What a good cleaner makes of each seed: headline, header, article paragraphs."""
    name = Path(doc.source).name[:3]
    lines = [ln.strip() for ln in doc.content.splitlines() if ln.strip()]
    if name in ("000", "001"):
        body = lines_between(doc.content, lines[0], "Последние новости")
        return Cleaned(text="\n\n".join(body), title=lines[0], meta={"header": []})
    if name == "002":
        return Cleaned(text="\n\n".join(lines[1:]), title=lines[0], meta={"header": []})
    if name == "003":  # no headline on the page; "June 13" stands above the body
        body = lines_between(doc.content, "Show news feed", "This text available in")
        return Cleaned(text="\n\n".join(body), title=None, meta={"header": ["June 13", "Show news feed"]})
    if name == "004":
        body = lines_between(doc.content, lines[1], "Latest news")
        return Cleaned(text="\n\n".join(body), title=lines[0], meta={"header": [lines[1]]})
    raise AssertionError(name)


def text_doc(text: str = "Body.", header: list[str] | None = None, **doc_fields) -> tuple[RawDocument, Cleaned]:
    doc = RawDocument(source="t", content=text, kind="text", **doc_fields)
    return doc, Cleaned(text=text, meta={"header": header or []})


# ---------------------------------------------------------------------------
# the seed pages


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_sidebar_dates_are_not_the_publication_date(prefix):
    # the sidebars list January 2026 / December 2025; the article itself has no date
    doc = seed(prefix)
    assert find_published(doc, cleaned_seed(doc)) == UNKNOWN
    # even when a cleaner lets the whole sidebar through, nothing below the start counts
    assert find_published(doc, Cleaned(text=doc.content)) == UNKNOWN


def test_seed_000_described():
    doc = seed("000")
    d = describe(doc, cleaned_seed(doc))
    assert d.title == "Armenia and Azerbaijan may sign a peace treaty in Kazakhstan"
    assert d.language == "en"
    assert d.outlet is None
    assert d.cited_sources == ()


def test_seed_002_cites_turan():
    doc = seed("002")
    d = describe(doc, cleaned_seed(doc))
    assert d.title == "Azerbaijan and Armenia to Hold Talks in Kazakhstan"
    assert d.cited_sources == ("Turan.az",)
    assert d.outlet is None  # cited, not the publisher
    # "On April 15" is an event in the body, not a dateline
    assert d.published == UNKNOWN


def test_seed_004_cites_orda_and_astra_but_is_not_orda():
    doc = seed("004")
    d = describe(doc, cleaned_seed(doc))
    assert d.cited_sources == ("Orda.kz", "ASTRA")  # not the Kremlin, not Peskov
    assert d.outlet is None
    assert d.title == "Putin and Aliyev Agree to Meet — Kremlin"  # "Kremlin" is no site suffix
    assert d.published == UNKNOWN  # "on October 7" is in the body


def test_seed_004_on_orda_does_not_cite_itself():
    doc = seed("004", url="https://orda.kz/en/putin-and-aliyev-agree-to-meet-kremlin/")
    d = describe(doc, cleaned_seed(doc))
    assert d.outlet == "orda.kz"
    assert d.cited_sources == ("ASTRA",)


def test_seed_003_yearless_dateline_without_support_stays_unknown():
    # "June 13" heads the page; the body's latest year is in "in June 2023",
    # which would be the dateline's own month: no consistent year, no guess
    doc = seed("003")
    d = describe(doc, cleaned_seed(doc))
    assert d.published == UNKNOWN
    assert d.title is None
    assert d.language == "en"
    assert d.cited_sources == ()  # "in an interview with" ends the paragraph; "According to him"


def test_seed_003_dateline_year_from_crawl_time():
    doc = seed("003", fetched_at="2024-06-20T08:00:00Z")
    assert find_published(doc, cleaned_seed(doc)) == PubDate("2024-06-13", "day", "dateline", True)
    # crawled before June 13 of that year: the dateline is from the year before
    doc = seed("003", fetched_at="2025-03-01T08:00:00Z")
    assert find_published(doc, cleaned_seed(doc)).value == "2024-06-13"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_language_is_english(prefix):
    doc = seed(prefix)
    assert describe(doc, cleaned_seed(doc)).language == "en"


# ---------------------------------------------------------------------------
# language


def test_language_russian_armenian_and_others():
    assert detect_language("Россия приветствует переговоры министров иностранных дел "
                           "Армении и Азербайджана, которые прошли в Алматы.") == "ru"
    assert detect_language("Հայաստանի և Ադրբեջանի արտաքին գործերի նախարարները "
                           "բանակցություններ են անցկացրել Ալմաթիում։") == "hy"
    assert detect_language("Azərbaycan Prezidenti İlham Əliyev bildirib ki, sülh sazişi tezliklə imzalanacaq.") == "az"
    assert detect_language("Қазақстан Президенті Қасым-Жомарт Тоқаев бейбіт келісім туралы айтты.") == "kk"


@pytest.mark.parametrize("text", ["", "   ", "Hello", "12345 678 910 2024-06-13", "https://orda.kz/en/ www.example.com",
                                  "★★★ ### ||| ---"])
def test_language_none_when_there_is_nothing_to_tell(text):
    assert detect_language(text) is None


# ---------------------------------------------------------------------------
# publication date: order of trust


HTML_WITH_META = """<html><head>
<meta property="article:published_time" content="2024-05-11T10:00:00Z">
<title>Talks in Almaty | Orda.kz</title></head>
<body><article><p>The foreign ministers met in Almaty.</p></article>
<aside><p>Latest news</p><p>31 January 2026</p></aside></body></html>"""


def test_input_meta_beats_everything():
    doc = RawDocument(
        source="x.jsonl#3", content=HTML_WITH_META, kind="html",
        url="https://www.bbc.co.uk/news/2019/11/19/talks", fetched_at="2024-07-01T00:00:00Z",
        meta={"published": "2024-06-13T22:15:00+05:00", "title": "Given headline", "outlet": "Reuters"},
    )
    cleaned = Cleaned(text="ASTANA, June 1 (Reuters) - Talks.", title="Cleaner headline",
                      meta={"title": "Meta headline", "sitename": "BBC News", "hostname": "bbc.co.uk",
                            "header": ["12 June 2024"]})
    d = describe(doc, cleaned)
    assert d.published == PubDate("2024-06-13", "day", "input", False)
    assert d.title == "Given headline"
    assert d.outlet == "Reuters"


@pytest.mark.parametrize("given, expected", [
    ("2024-06", PubDate("2024-06", "month", "input")),
    ("2024", PubDate("2024", "year", "input")),
    ("Thu, 13 Jun 2024 10:00:00 GMT", PubDate("2024-06-13", "day", "input")),
    ("13 июня 2024 г.", PubDate("2024-06-13", "day", "input")),
])
def test_input_dates_keep_their_precision(given, expected):
    doc, cleaned = text_doc(meta={"published": given})
    assert find_published(doc, cleaned) == expected


def test_unparseable_input_date_falls_through():
    doc, cleaned = text_doc(meta={"published": "sometime"}, url="https://orda.kz/2024/05/11/x")
    assert find_published(doc, cleaned).source == "url"


def test_html_metadata_date_beats_url_and_sidebar():
    doc = RawDocument(source="p.html", content=HTML_WITH_META, kind="html",
                      url="https://orda.kz/2019/11/19/talks")
    assert find_published(doc, Cleaned(text="The foreign ministers met in Almaty.")) == \
        PubDate("2024-05-11", "day", "html-meta")


def test_html_without_declared_date_ignores_dates_in_its_text():
    # trafilatura's extensive date search would report the sidebar's 2026 date
    html = "<html><body><p>The ministers met.</p><aside><p>31 January 2026</p></aside></body></html>"
    doc = RawDocument(source="p.html", content=html, kind="html")
    cleaned = Cleaned(text="The ministers met.", meta={"date": "2026-01-31"})
    assert find_published(doc, cleaned) == UNKNOWN


def test_html_json_ld_date_and_modified_time_ignored():
    html = """<html><head><meta property="article:modified_time" content="2024-06-01T00:00:00Z">
    <script type="application/ld+json">{"dateModified": "2024-06-01", "datePublished": "2024-05-10T08:00:00+05:00"}</script>
    </head><body><p>The ministers met.</p></body></html>"""
    doc = RawDocument(source="p.html", content=html, kind="html")
    assert find_published(doc, Cleaned(text="The ministers met.")) == PubDate("2024-05-10", "day", "html-meta")


def test_html_list_of_time_elements_is_not_the_page_date():
    items = "".join(f'<li><a href="/n{d}">Other story</a> <time datetime="2026-01-{d}">{d} January 2026</time></li>'
                    for d in (29, 30, 31))
    html = f"<html><body><article><p>The ministers met.</p></article><aside><ul>{items}</ul></aside></body></html>"
    doc = RawDocument(source="p.html", content=html, kind="html", url="https://orda.kz/2024/05/11/talks")
    assert find_published(doc, Cleaned(text="The ministers met.")) == PubDate("2024-05-11", "day", "url")


@pytest.mark.parametrize("url, expected", [
    ("https://orda.kz/en/2019/11/19/putin-aliyev/", PubDate("2019-11-19", "day", "url")),
    ("https://news.am/eng/news/2019-11-19-talks.html", PubDate("2019-11-19", "day", "url")),
    ("https://example.com/world/20191119/talks", PubDate("2019-11-19", "day", "url")),
    ("https://example.com/2019/11/talks", PubDate("2019-11", "month", "url")),
    ("https://example.com/2019/13/45/talks", None),
    ("https://example.com/news/12345678/talks", None),
    ("https://example.com/talks?id=20191119", None),
])
def test_url_dates(url, expected):
    assert find_url_date(url) == expected


def test_url_date_beats_dateline_and_crawl_time():
    doc, cleaned = text_doc(header=["June 13, 2024"], url="https://orda.kz/2019/11/19/x",
                            fetched_at="2024-07-01T00:00:00Z")
    assert find_published(doc, cleaned) == PubDate("2019-11-19", "day", "url")


def test_url_date_after_the_crawl_is_not_believed():
    doc, cleaned = text_doc(url="https://orda.kz/2030/01/01/x", fetched_at="2024-07-01T00:00:00Z")
    assert find_published(doc, cleaned) == PubDate("2024-07-01", "day", "fetched", True)


def test_crawl_time_is_the_last_resort():
    doc, cleaned = text_doc("Talks were held on October 7.", fetched_at="2024-10-09T12:30:00Z")
    assert find_published(doc, cleaned) == PubDate("2024-10-09", "day", "fetched", True)


# ---------------------------------------------------------------------------
# datelines


@pytest.mark.parametrize("first_line, expected", [
    ("MOSCOW, June 13, 2024 (Reuters) - Russia said", "2024-06-13"),
    ("МОСКВА, 13 июня 2024 г. – РИА Новости. Россия", "2024-06-13"),
    ("13.06.2024 10:45", "2024-06-13"),
    ("Published: Thursday, June 13, 2024", "2024-06-13"),
    ("13 հունիսի 2024", "2024-06-13"),
])
def test_datelines_at_the_start_of_the_body(first_line, expected):
    doc, cleaned = text_doc(first_line + "\nThe ministers met in Almaty.")
    assert find_published(doc, cleaned) == PubDate(expected, "day", "dateline", False)


def test_dates_further_down_the_body_are_not_datelines():
    text = ("The ministers met in Almaty.\nThe talks on October 7, 2024 went well.\n"
            "13 June 2024\nIn December 1991 the declaration was signed.")
    doc, cleaned = text_doc(text)
    assert find_published(doc, cleaned) == UNKNOWN


def test_header_dateline_with_a_year():
    doc, cleaned = text_doc(header=["By Jane Doe | June 12, 2024 | Updated June 13, 2024"])
    assert find_published(doc, cleaned) == PubDate("2024-06-12", "day", "dateline", False)
    doc, cleaned = text_doc(header=["June 2024"])
    assert find_published(doc, cleaned) == PubDate("2024-06", "month", "dateline", False)


def test_yearless_dateline_year_from_a_consistent_body_year():
    doc, cleaned = text_doc("АСТАНА, 13 июня. /ТАСС/. Министры встретились в марте 2024 года. "
                            "Группа создана в 2021 году, план рассчитан до 2030 года.")
    assert find_published(doc, cleaned) == PubDate("2024-06-13", "day", "dateline", True)


def test_yearless_dateline_before_a_date_of_the_body_year_is_not_guessed():
    doc, cleaned = text_doc("The group met in September 2024.", header=["June 13"])
    assert find_published(doc, cleaned) == UNKNOWN


@pytest.mark.parametrize("where", ["header", "body"])
def test_may_10_11_is_a_range_never_a_year(where):
    text = "May 10-11 talks in Almaty ended."
    doc, cleaned = text_doc(text, header=["May 10-11"] if where == "header" else None)
    assert find_published(doc, cleaned) == UNKNOWN
    doc, cleaned = text_doc(text, header=["May 10-11"] if where == "header" else None,
                            fetched_at="2024-06-20T00:00:00Z")
    assert find_published(doc, cleaned) == PubDate("2024-06-20", "day", "fetched", True)


def test_yearless_dateline_around_new_year_takes_the_previous_year():
    doc, cleaned = text_doc(header=["December 31"], fetched_at="2025-01-02T00:00:00Z")
    assert find_published(doc, cleaned) == PubDate("2024-12-31", "day", "dateline", True)


# ---------------------------------------------------------------------------
# outlet and title


@pytest.mark.parametrize("url, expected", [
    ("https://www.bbc.co.uk/news/world-123", "bbc.co.uk"),
    ("https://orda.kz/en/putin/", "orda.kz"),
    ("https://m.ria.ru/20240613/talks.html", "ria.ru"),
    ("http://192.168.0.1/page", None),
    ("not a url", None),
])
def test_outlet_from_the_url(url, expected):
    doc, cleaned = text_doc(url=url)
    assert find_outlet(doc, cleaned) == expected


def test_outlet_from_html_metadata_beats_the_fetch_url():
    doc = RawDocument(source="w.warc#1", content="<html></html>", kind="html",
                      url="https://web.archive.org/web/2024/https://orda.kz/x")
    assert find_outlet(doc, Cleaned(text="", meta={"hostname": "www.orda.kz"})) == "orda.kz"
    assert find_outlet(doc, Cleaned(text="", meta={"sitename": "Orda.kz"})) == "orda.kz"
    assert find_outlet(RawDocument(source="p", content="", kind="html"),
                       Cleaned(text="", meta={"sitename": "BBC News"})) == "BBC News"


@pytest.mark.parametrize("title, url, expected", [
    ("Talks in Almaty | Orda.kz", "https://orda.kz/x", "Talks in Almaty"),
    ("Talks in Almaty - Reuters", "https://www.reuters.com/x", "Talks in Almaty"),
    ("Talks in Almaty - BBC News", "https://www.bbc.co.uk/x", "Talks in Almaty"),
    ("Orda.kz | Talks in Almaty", "https://orda.kz/x", "Talks in Almaty"),
    ("Putin and Aliyev Agree to Meet — Kremlin", "https://orda.kz/x", "Putin and Aliyev Agree to Meet — Kremlin"),
    ("Talks in Almaty | Orda.kz", None, "Talks in Almaty | Orda.kz"),  # outlet unknown: nothing to strip
])
def test_title_site_suffix_is_stripped_only_when_it_is_the_outlet(title, url, expected):
    doc = RawDocument(source="p", content="", kind="text", url=url)
    assert find_title(doc, Cleaned(text="Body.", title=title)) == expected


def test_title_order_and_first_line_fallback():
    doc = RawDocument(source="p", content="", kind="html")
    assert find_title(doc, Cleaned(text="Body.", meta={"title": "From metadata"})) == "From metadata"
    assert find_title(doc, Cleaned(text="Body.", title="From cleaner", meta={"title": "From metadata"})) == "From cleaner"
    body = "Kazakhstan offers to host peace talks\n\nKazakhstan offered to host the peace talks in Almaty, officials said."
    assert find_title(doc, Cleaned(text=body)) == "Kazakhstan offers to host peace talks"
    # a sentence or an unrelated line is no headline
    assert find_title(doc, Cleaned(text="The ministers met in Almaty on Monday.\n\nThey talked.")) is None
    assert find_title(doc, Cleaned(text="Show news feed now please\n\nThe ministers met in Almaty.")) is None


# ---------------------------------------------------------------------------
# cited sources


@pytest.mark.parametrize("text, expected", [
    ("Turan.az reports.", ("Turan.az",)),
    ("Putin and Aliyev agreed to meet, Orda.kz reports, citing ASTRA.", ("Orda.kz", "ASTRA")),
    ("The talks will resume, according to Reuters and AFP.", ("Reuters", "AFP")),
    ("According to Reuters, Moscow has agreed.", ("Reuters",)),
    ("Peskov told TASS on Monday.", ("TASS",)),
    ("He said this in an interview with Interfax.", ("Interfax",)),
    ("Kazakh news agency Kazinform reported that talks began.", ("Kazinform",)),
    ("Об этом сообщает РИА Новости.", ("РИА Новости",)),
    ("По данным ТАСС, переговоры начались.", ("ТАСС",)),
    ("Переговоры продолжатся, передает Sputnik.", ("Sputnik",)),
    ("Об этом пишет «Коммерсантъ».", ("Коммерсантъ",)),
    ("Talks began, Turan.az reports. Later Turan.az reported again.", ("Turan.az",)),
])
def test_cited_sources(text, expected):
    assert find_cited_sources(text) == expected


@pytest.mark.parametrize("text", [
    "According to him, the talks went well.",
    "According to Kremlin spokesperson Dmitry Peskov, the talks went well.",
    "According to Armenian officials, the talks went well.",
    "According to Azerbaijani political analyst Farhad Mammadov, the talks went well.",
    "Peskov added that it was useful. According to Peskov, the talks went well.",
    "According to the Ministry of Foreign Affairs, the talks went well.",
    "According to NATO, the exercise was planned.",
    "Aliyev told Putin that the talks went well.",
    "Об этом заявил Песков.",
    "Об этом сообщает пресс-служба Кремля.",
    "This was stated by the deputy minister in an interview with\n\nThe talks went well.",
    "",
])
def test_people_and_offices_are_not_cited_outlets(text):
    assert find_cited_sources(text) == ()
