"""The clean stage: page text and HTML in, article body out."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from storyline.clean import clean, clean_html, clean_text, html_to_text
from storyline.models import Cleaned, RawDocument

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "caucasus"


def _seed(prefix: str) -> str:
    return next(EXAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


# ---------------------------------------------------------------------------
# the project's seed pages

# The article of 000/001: the five paragraphs between the headline and the
# "Последние новости" sidebar.
SEED_000_BODY = _paragraphs(_seed("000").split("Последние новости")[0])[1:]


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_seed_000_001_keep_every_article_paragraph_and_no_sidebar(prefix):
    page = _seed(prefix)
    out = clean_text(page)
    assert _paragraphs(out.text) == SEED_000_BODY
    assert out.title == "Armenia and Azerbaijan may sign a peace treaty in Kazakhstan"
    sidebar = page.split("Последние новости")[1]
    for line in _lines(sidebar):
        assert line not in out.text, line
    assert "Последние новости" not in out.text
    assert not re.search(r"\b(?:January|December) 20\d\d\b", out.text)  # sidebar dates


def test_seed_000_and_001_yield_the_same_body():
    assert clean_text(_seed("000")).text == clean_text(_seed("001")).text


def test_seed_002_is_all_article():
    page = _seed("002")
    out = clean_text(page)
    assert out.title == "Azerbaijan and Armenia to Hold Talks in Kazakhstan"
    assert _paragraphs(out.text) == _paragraphs(page)[1:]


def test_seed_003_body_starts_after_the_dateline_and_drops_the_switcher():
    page = _seed("003")
    out = clean_text(page)
    paras = _paragraphs(out.text)
    assert paras[0].startswith("Russia welcomes the negotiations")
    assert paras[-1].startswith("Mikhail Galuzin said that the process has stopped")
    assert len(paras) == 7  # every article paragraph
    assert "June 13" in out.meta["header"]
    assert "June 13" not in out.text and "Show news feed" not in out.text
    assert "This text available in" not in out.text
    assert "Read more" not in out.text


def test_seed_004_drops_credit_and_latest_news():
    page = _seed("004")
    out = clean_text(page)
    paras = _paragraphs(out.text)
    assert out.title == "Putin and Aliyev Agree to Meet — Kremlin"
    assert paras[0].startswith("Russian President Vladimir Putin and Azerbaijani President")
    assert paras[-1].startswith("Tensions further escalated")
    assert len(paras) == 6
    assert "Photo:" not in out.text and "Press Service" not in out.text
    assert "Latest news" not in out.text
    assert "Melanist Wolf" not in out.text and "- " not in out.text


def test_clean_dispatches_on_kind():
    page = _seed("002")
    doc = RawDocument(source="x.txt", content=page, kind="text")
    assert clean(doc) == clean_text(page)
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in _paragraphs(page)) + "</body></html>"
    out = clean(RawDocument(source="x.html", content=html, kind="html"))
    assert "Turan.az reports" in out.text


# ---------------------------------------------------------------------------
# synthetic pages

RU_BODY = [
    "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с премьер-министром Армении "
    "в Астане, стороны обсудили вопросы торговли, транзита и мирного процесса в регионе.",
    "По словам Токаева, Казахстан готов и дальше предоставлять площадку для диалога, если "
    "обе стороны сочтут это полезным для подписания мирного договора.",
    "Премьер-министр Армении поблагодарил казахстанскую сторону за гостеприимство и отметил, "
    "что переговоры прошли в конструктивной и доброжелательной атмосфере.",
]
RU_SIDEBAR = [
    "Последние новости",
    "В Алматы открылся новый терминал аэропорта",
    "Экономика",
    "12 января 2026",
    "Курс тенге укрепился к доллару",
    "Финансы",
    "11 января 2026",
    "В Астане прошёл зимний марафон",
    "Спорт",
    "10 января 2026",
]


def test_russian_page_with_latest_news_and_dates():
    page = "\n".join(["Главная", "Новости", "Политика", "Токаев принял премьер-министра Армении",
                      "15 марта 2024", *RU_BODY, *RU_SIDEBAR, "© 2026 Новости. Все права защищены."])
    out = clean_text(page)
    assert _paragraphs(out.text) == RU_BODY
    assert out.title == "Токаев принял премьер-министра Армении"
    assert "15 марта 2024" in out.meta["header"]
    for line in RU_SIDEBAR:
        assert line not in out.text


EN_BODY = [
    "The city council voted on Tuesday to expand the bicycle lane network across the northern "
    "districts, a plan that has been debated for more than two years.",
    "Supporters said the new lanes would make commuting safer for thousands of residents, while "
    "critics warned that the loss of parking spaces would hurt small shops along the route.",
    "Construction is expected to begin in the spring and to last about eighteen months, the "
    "council said in a statement published after the vote.",
    "The mayor, who had campaigned on the issue, called the decision a turning point for the city "
    "and promised regular public updates on the progress of the work.",
]


def test_link_lists_around_the_story_are_dropped():
    menu = ["Home", "World", "Business", "Tech", "Sport", "Culture", "Opinion", "Video"]
    related = ["Related stories", "Council approves new budget after long night",
               "Rail strike called off at the last minute", "Heatwave to end by the weekend",
               "Five things to do in the city this week"]
    footer = ["About us", "Contact", "Privacy policy", "Terms of use",
              "© 2025 City News. All rights reserved."]
    page = "\n".join([*menu, "Council backs bigger bike lane network", "By Jane Doe",
                      "March 3, 2025", *EN_BODY, "Share this article", *related, *footer])
    out = clean_text(page)
    assert _paragraphs(out.text) == EN_BODY
    assert out.title == "Council backs bigger bike lane network"
    assert "March 3, 2025" in out.meta["header"]
    for line in menu + related + footer:
        assert line not in _paragraphs(out.text)


def test_a_comment_thread_after_the_story_is_not_the_story():
    comments = ["3 Comments"]
    for name, text in [("bikefan88", "Finally! I have been waiting for this for years and I think it "
                        "will change the way people move around the northern districts for good."),
                       ("Dave K", "This is a waste of money. The council should fix the potholes first, "
                        "and only then think about painting new lines on the roads we already have."),
                       ("marta", "Great news for families with children who cycle to school every day, "
                        "and for everyone who wants cleaner air in the neighbourhood.")]:
        comments += [name, "2 days ago", text, "Reply"]
    page = "\n".join(["Council backs bigger bike lane network", *EN_BODY, *comments])
    out = clean_text(page)
    assert _paragraphs(out.text) == EN_BODY


def test_armenian_page_uses_its_stoplist_and_full_stop():
    body = [
        "Հայաստանի վարչապետը այսօր հանդիպում է ունեցել Ղազախստանի նախագահի հետ, և կողմերը "
        "քննարկել են տարածաշրջանային անվտանգության ու տնտեսական համագործակցության հարցերը։",
        "Վարչապետի խոսքով՝ խաղաղության պայմանագրի շուրջ բանակցությունները շարունակվում են, "
        "և կողմերը պատրաստ են նոր հանդիպման, որը կարող է տեղի ունենալ Ալմաթիում։",
        "Ղազախստանի նախագահը նշել է, որ իր երկիրը պատրաստ է աջակցել երկխոսությանը և "
        "տրամադրել հարթակ հետագա քննարկումների համար։",
    ]
    page = "\n".join(["Գլխավոր", "Լուրեր", "Քաղաքականություն", "Փաշինյանը հանդիպել է Տոկաևի հետ",
                      *body, "Վերջին լուրեր", "Երևանում բացվել է նոր դպրոց", "Հասարակություն",
                      "Կառավարությունը հաստատել է բյուջեն", "Տնտեսություն"])
    out = clean_text(page)
    assert _paragraphs(out.text) == body
    assert out.title == "Փաշինյանը հանդիպել է Տոկաևի հետ"


def test_cjk_page_counts_characters():
    body = [
        "东京电力公司周二表示，将从下个月开始分阶段提高家庭用户的电费，以应对燃料进口成本的持续上涨。"
        "公司发言人在记者会上说，这一决定是在反复评估经营状况之后作出的。",
        "分析人士认为，电费上涨将对中小企业造成较大压力，政府可能需要出台新的补贴措施，"
        "以减轻家庭和企业的负担。部分经济学家还指出，能源价格的变化会影响整体物价水平。",
        "据报道，政府将在本月底前公布相关的支持方案，并就具体内容与各地方政府进行协商。",
    ]
    page = "\n".join(["首页", "新闻", "国际", "财经", "体育", "东京电力宣布下月起上调电费",
                      "2024年3月5日", *body, "相关新闻", "日元汇率创新低", "股市周二收跌",
                      "版权所有 © 2024"])
    out = clean_text(page)
    assert _paragraphs(out.text) == body
    assert out.title == "东京电力宣布下月起上调电费"
    assert "2024年3月5日" in out.meta["header"]


def test_a_table_inside_the_story_is_kept():
    rows = [f"{i} Driver Name{i} {5100 - 40 * i} {i % 4} {i % 3} {20 - i}" for i in range(1, 13)]
    page = "\n".join(["Home", "Standings", "Results", "Final standings after 36 races",
                      EN_BODY[0], "Pos Driver Points Wins Poles Top 10", *rows, EN_BODY[1],
                      "Most popular", "Another story about cars", "Yet another one here"])
    out = clean_text(page)
    paras = _paragraphs(out.text)
    assert paras[0] == EN_BODY[0] and paras[-1] == EN_BODY[1]
    assert all(r in paras for r in rows)


@pytest.mark.parametrize("junk", ["", "   \n\n  ", "\x00\x01\x02", "Home\nNews\nSport", "12", None, 42])
def test_empty_or_garbage_input_yields_empty_text(junk):
    out = clean_text(junk)  # type: ignore[arg-type]
    assert isinstance(out, Cleaned)
    assert out.text == ""


HTML_PAGE = """<!doctype html><html><head><title>Council backs bigger bike lane network | City News</title>
<meta property="og:title" content="Council backs bigger bike lane network">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-03-03T10:00:00Z">
<meta property="og:site_name" content="City News"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Council backs bigger bike lane network</h1><p class="byline">By Jane Doe</p>
{paras}</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Council approves new budget</a></li>
<li><a href="/b">Rail strike called off</a></li></ul></aside>
<footer><p>© 2025 City News. All rights reserved.</p></footer></body></html>"""


def test_html_page_body_and_metadata():
    html = HTML_PAGE.format(paras="".join(f"<p>{p}</p>" for p in EN_BODY))
    out = clean_html(html, url="https://citynews.example/2025/03/03/bike-lanes")
    assert _paragraphs(out.text) == EN_BODY
    assert out.title == "Council backs bigger bike lane network"
    assert out.meta["title"] == out.title
    assert out.meta.get("date", "").startswith("2025-03-03")
    assert out.meta.get("sitename") == "City News"
    assert "Related stories" not in out.text and "©" not in out.text


@pytest.mark.parametrize("html", [
    "<html><body><p>unclosed <b>bold <div><p>" + EN_BODY[0] + "</span></td></html>",
    "<<<>>><p></p></p></div>",
    "<html><body>" + "<div>" * 3000 + EN_BODY[0] + "</div>" * 10 + "</body></html>",
    "\x00\x00<p>\ud7ff</p>",
    "",
    "not html at all, just a sentence.",
])
def test_malformed_html_does_not_crash(html):
    out = clean_html(html)
    assert isinstance(out, Cleaned)
    assert isinstance(out.text, str)


def test_html_to_text_puts_blocks_on_lines():
    html = "<html><head><title>t</title><script>var x=1;</script></head><body><div>One\n two</div>" \
           "<p>Three <b>four</b></p><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    assert html_to_text(html).split("\n") == ["One two", "Three four", "a b"]


# ---------------------------------------------------------------------------
# the benchmark, on a sample

def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_boilerplate", ROOT / "benchmarks" / "eval_boilerplate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_metric_matches_the_benchmark_definition():
    ev = _eval_module()
    assert ev.page_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = ev.page_counts("a b c d e", "a b c d")  # 2 gold shingles, 1 predicted
    assert (tp, fp, fn) == (0.5, 0.0, 0.5)
    assert ev.page_counts("one two", "one two") == (1.0, 0.0, 0.0)  # short text: one shingle
    scores = ev.corpus_scores([(1.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.5, 0.0, 0.5)])
    assert scores["p"] == 1.0 and scores["r"] == pytest.approx(5 / 6)


def test_boilerplate_sample_scores_above_floor(shared_data, tmp_path):
    folder = shared_data("boilerplate")
    ev = _eval_module()
    records = ev.load_index(folder)[:10]
    result = ev.evaluate(folder, records, ["text", "html"])
    # keeping the whole page scores ~0.69 on these pages; trafilatura ~0.96
    assert result["text_f1"] >= 0.85, result
    assert result["html_f1"] >= 0.90, result


def test_eval_script_prints_json_last(shared_data, capsys):
    folder = shared_data("boilerplate")
    ev = _eval_module()
    assert ev.main(["--data", str(folder), "--limit", "3", "--paths", "text"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["pages"] == 3 and 0 <= result["text_f1"] <= 1
