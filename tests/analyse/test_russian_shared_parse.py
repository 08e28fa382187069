"""One natasha parse per Russian article, shared by mentions, quotes and events, changes nothing:
the analysis equals each component run on its own (each parsing the text itself)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("natasha")

from natasha import Doc  # noqa: E402

from storyline.analyse import analyse_texts, nlp, russian  # noqa: E402
from storyline.analyse.events import _reuse_morph, find_events  # noqa: E402
from storyline.analyse.mentions import find_mentions  # noqa: E402
from storyline.analyse.quotes import find_quotes  # noqa: E402
from storyline.analyse.timex import find_timexes  # noqa: E402

BENCH = ("Президент Казахстана Касым-Жомарт Токаев провел переговоры с премьер-министром Армении "
         "Николом Пашиняном в Ереване. «Мы поддерживаем мирный процесс», — заявил Токаев. "
         "Министры иностранных дел Армении и Азербайджана встретились 10–11 мая в Алматы. "
         "По словам официального представителя Кремля Дмитрия Пескова, встреча прошла конструктивно. ")
QUOTES = ("Пресс-секретарь президента России Дмитрий Песков заявил, что переговоры пройдут в Москве. "
          "«Мы готовы к диалогу с Баку и Ереваном. Это важный шаг», — заявил Песков журналистам.\n\n"
          "«Встреча состоится в октябре», — сказал он.\n\n"
          "По словам министра иностранных дел Сергея Лаврова, соглашение будет подписано до конца года.\n\n"
          "Ильхам Алиев отметил: «Мирный процесс идёт в правильном направлении».")
EVENTS = ("Президент России Владимир Путин и президент Азербайджана Ильхам Алиев договорились провести "
          "встречу. Телефонный разговор состоялся 7 октября. Баку обвинил Москву в катастрофе. "
          "15 апреля Токаев посетил Армению. Армения не будет подписывать договор, если Баку не согласится. "
          "Двое граждан Азербайджана были задержаны в Москве, сообщила полиция. "
          "Пашинян прибыл в Москву и был задержан. Договор был подписан Арменией и Азербайджаном.")
TEXTS = [
    BENCH * 4,  # 16 sentences: the article's morphology is tagged in other batches than the events' sentences
    QUOTES,
    EVENTS,
    QUOTES + "\n\n" + EVENTS + "\n\n" + BENCH,
    "Президент Казахстана Касым-Жомарт Токаев посетил Ереван. Токаева встретили в Алматы.",
    "Министры иностранных дел Армении и Азербайджана встретились в Алматы. "
    "Стороны обсудили проект мирного договора.",
    "Путин и Алиев провели переговоры в Москве.\n\nПереговоры продлились три часа.",
    "ПУТИН И АЛИЕВ ДОГОВОРИЛИСЬ О ВСТРЕЧЕ\nВ Москве идёт дождь. Погода в Ереване хорошая.",
    "Погода в Ереване хорошая.",  # no event word: no sentence is parsed for events
    "",
    "   \n",
]
ANCHOR = dt.date(2025, 10, 8)


@pytest.mark.parametrize("text", TEXTS)
def test_shared_parse_gives_what_each_component_gives_alone(text):
    [shared] = analyse_texts([(text, "ru", ANCHOR)])
    assert shared.sentences == [(s.start_char, s.end_char) for s in nlp.blank("ru")(text).sents]
    assert shared.mentions == find_mentions(text, "ru")
    assert shared.quotes == find_quotes(text, "ru")
    assert shared.timexes == find_timexes(text, ANCHOR, "ru")
    assert shared.events == find_events(text, "ru", anchor=ANCHOR)


def test_components_take_the_shared_parse():
    text = TEXTS[3]
    doc = russian.parse(text)
    mentions = find_mentions(text, "ru", doc=doc)
    timexes = find_timexes(text, ANCHOR, "ru")
    assert mentions == find_mentions(text, "ru")
    assert find_quotes(text, "ru", doc=doc) == find_quotes(text, "ru")
    alone = find_events(text, "ru", mentions=mentions, timexes=timexes, anchor=ANCHOR)
    assert alone  # the comparison means something
    assert find_events(text, "ru", doc=doc, mentions=mentions, timexes=timexes, anchor=ANCHOR) == alone
    assert find_events(text, "ru", doc=doc, anchor=ANCHOR) == alone
    # a parse of another text, or a spaCy Doc, is ignored rather than misread
    assert find_mentions(text, "ru", doc=russian.parse("Другой текст.")) == mentions
    assert find_mentions(text, "ru", doc=nlp.blank("ru")(text)) == mentions


def test_one_morphology_pass_per_article(monkeypatch):
    calls = []
    tag_morph = Doc.tag_morph
    monkeypatch.setattr(Doc, "tag_morph", lambda self, tagger: (calls.append(self.text), tag_morph(self, tagger)))
    text = TEXTS[3]
    list(analyse_texts([(text, "ru", ANCHOR)]))
    assert calls == [text]  # the article once; not again for quotes, nor for the events' sentences
    calls.clear()
    find_mentions(text, "ru"), find_quotes(text, "ru"), find_events(text, "ru")
    assert len(calls) == 4  # alone, each tags for itself (events: its mentions' parse, then its sentences)


def test_morphology_is_tagged_again_when_the_sentences_differ():
    m = russian.models()
    tagged = russian.parse("Путин провёл переговоры. Алиев прибыл в Москву.")
    joined = Doc("Путин провёл переговоры.\n\nАлиев прибыл в Москву.")
    joined.segment(m.segmenter)
    assert _reuse_morph(joined, tagged.sents)
    assert [t.pos for t in joined.tokens] == [t.pos for t in tagged.tokens]
    other = Doc("Путин провёл переговоры и встречу.")
    other.segment(m.segmenter)
    assert not _reuse_morph(other, tagged.sents[:1])
    assert all(t.pos is None for t in other.tokens)
