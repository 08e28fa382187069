"""Quotes and attributions: every quote of the seed pages, the quote-mark grammar,
Russian, and a PolNeAR dev sample."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from storyline.analyse.quotes import Quote, find_quotes, quote_spans

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "caucasus"


def seed(prefix: str) -> tuple[str, list[Quote]]:
    path = next(EXAMPLES.glob(prefix + "_*.txt"))
    text = path.read_text(encoding="utf-8")
    return text, find_quotes(text)


def quote_starting(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if q.content.startswith(words)]
    assert len(found) == 1, [q.content[:60] for q in quotes]
    return found[0]


def assert_consistent(text: str, q: Quote) -> None:
    """Offsets say what the strings say."""
    assert text[q.content_start:q.content_end] == q.content
    assert q.parts[0][0] == q.content_start and q.parts[-1][1] == q.content_end
    assert all(s < e for s, e in q.parts)
    if q.speaker is not None:
        assert text[q.speaker_start:q.speaker_end] == q.speaker
    if q.cue is not None:
        assert text[q.cue_start:q.cue_end] == q.cue


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[Quote]]]:
    return {p: seed(p) for p in ("000", "002", "003", "004")}


# --- the seed pages ---------------------------------------------------------

def test_every_seed_quote_has_consistent_offsets(seeds):
    for text, quotes in seeds.values():
        assert quotes
        for q in quotes:
            assert_consistent(text, q)


def test_tokayev_recalled(seeds):
    text, quotes = seeds["000"]
    q = quote_starting(quotes, "It is symbolic that this important event")
    assert q.content.endswith("approved the principles for determining interstate borders")
    assert (q.cue, q.speaker, q.speaker_resolved, q.direct) == ("recalled", "Tokayev", "Tokayev", True)
    assert text[q.content_start - 1] == "“" and q.sentence == 2


def test_aliyev_two_sentence_quote(seeds):
    _, quotes = seeds["000"]
    q = quote_starting(quotes, "After thirty years of confrontation")
    assert q.content.endswith("by normalizing relations between our countries")
    assert (q.cue, q.speaker, q.speaker_resolved, q.direct) == ("said", "Aliyev", "Ilham Aliyev", True)


def test_he_also_said_resolves_to_aliyev(seeds):
    _, quotes = seeds["000"]
    q = quote_starting(quotes, "that the parties do not need mediators")
    assert (q.cue, q.speaker, q.speaker_resolved, q.direct) == ("said", "He", "Ilham Aliyev", False)


def test_aliyev_stated_as_much_points_back(seeds):
    _, quotes = seeds["002"]
    q = next(q for q in quotes if q.cue == "stated")
    assert q.content == ("Officials in Baku have agreed to a meeting of the foreign ministers "
                         "of Azerbaijan and Armenia in Kazakhstan.")
    assert q.speaker == "Azeri president Ilham Aliyev" and q.speaker_resolved == "Ilham Aliyev"


def test_aliyev_said_that(seeds):
    _, quotes = seeds["002"]
    q = quote_starting(quotes, "that if Yerevan gives reciprocal consent")
    assert q.content.endswith("their next talks will be held in Astana")
    assert (q.cue, q.speaker, q.speaker_resolved) == ("said", "Aliyev", "Ilham Aliyev")
    long = quote_starting(quotes, "We have a common understanding")
    assert long.content.endswith("I think COP29 is a great opportunity for this")
    assert (long.cue, long.speaker, long.direct) == ("said", "Aliyev", True)


def test_kushaliyev_commented_and_he_said(seeds):
    _, quotes = seeds["002"]
    q = quote_starting(quotes, "Kazakhstan pursues a multi-vector foreign policy")
    assert q.content.endswith("reliable mediator and organizer of peace negotiations")
    assert q.cue == "commented" and q.speaker.endswith("Yernar Kushaliyev")
    assert q.speaker_resolved == "Yernar Kushaliyev" and q.direct
    later = quote_starting(quotes, "Azerbaijan, in its turn, has successfully")
    assert (later.cue, later.speaker, later.speaker_resolved) == ("said", "he", "Yernar Kushaliyev")
    stresses = quote_starting(quotes, "that, in the context of the current negotiations")
    assert (stresses.cue, stresses.speaker) == ("stresses", "Kushaliyev")


def test_galuzin_quote_over_two_paragraphs(seeds):
    text, quotes = seeds["003"]
    q = quote_starting(quotes, "We [i.e. Russia] welcome the negotiations")
    assert len(q.parts) == 2  # opened with a straight quote, closed with ” a paragraph later
    first, second = (text[s:e] for s, e in q.parts)
    assert first.endswith("in the Karabakh conflict zone.")
    assert second.startswith("It is important that the contacts in Almaty")
    assert second.endswith("normalization of relations between Baku and Yerevan")
    assert (q.cue, q.speaker, q.speaker_resolved, q.direct) == ("said", "Galuzin", "Mikhail Galuzin", True)


def test_galuzin_according_to_him(seeds):
    _, quotes = seeds["003"]
    q = quote_starting(quotes, "this tripartite working group performed rhythmic work")
    assert (q.cue, q.speaker, q.speaker_resolved) == ("According to", "him", "Mikhail Galuzin")
    assert not q.direct
    route = quote_starting(quotes, "Russia is not in favor of the creation of a specific route")
    assert (route.cue, route.speaker, route.speaker_resolved) == ("said", "Galuzin", "Mikhail Galuzin")
    passive = next(q for q in quotes if q.cue == "stated")  # "This was stated by … Galuzin"
    assert passive.content.startswith("Russia welcomes the negotiations")
    assert passive.speaker_resolved == "Mikhail Galuzin"


def test_peskov_according_to(seeds):
    _, quotes = seeds["004"]
    q = quote_starting(quotes, "the agreement was reached during a")
    assert q.content.endswith("telephone conversation” on October 7.")
    assert (q.cue, q.speaker, q.speaker_resolved) == ("According to", "Kremlin spokesperson Dmitry Peskov",
                                                      "Dmitry Peskov")
    added = next(q for q in quotes if q.cue == "added")
    assert added.speaker == "Peskov" and added.speaker_resolved == "Dmitry Peskov"


def test_scare_quotes_are_not_quotes(seeds):
    _, quotes = seeds["004"]
    assert not any(q.content in ("optimistic", "problematic issues") for q in quotes)


# --- quote marks --------------------------------------------------------------

def test_split_quote_is_one_quote_with_two_parts():
    text = "“We are ready,” the minister said, “and we will sign it in Astana.”"
    [q] = find_quotes(text)
    assert [text[s:e] for s, e in q.parts] == ["We are ready", "and we will sign it in Astana."]
    assert q.cue == "said" and q.speaker == "the minister"


def test_quote_continued_after_its_attribution_sentence():
    text = ("“This is a worldwide fight,” Clinton said on Thursday during a speech in New York. "
            "“One, defeat ISIS in Syria. Two, harden our defenses.”")
    [q] = find_quotes(text)
    assert len(q.parts) == 2 and q.content.endswith("Two, harden our defenses.")
    assert (q.cue, q.speaker) == ("said", "Clinton")


def test_reported_speech_with_a_quoted_fragment_is_one_attribution():
    text = "Heffley said the absentee program is a “critical part of our strategy.”"
    [q] = find_quotes(text)
    assert q.content.startswith("the absentee program is") and q.speaker == "Heffley"


def test_quote_mark_grammar():
    text = ("He said ''we will win'' and left.\n\n"
            "“First paragraph opens.\n\n“Second paragraph goes on.”\n\n"
            "The ‘roadmap’ was agreed; Kazakhstan’s role grew.")
    spans = [[text[s:e] for s, e in q] for q in quote_spans(text)]
    assert ["we will win"] in spans
    assert ["First paragraph opens.", "Second paragraph goes on."] in spans
    assert ["roadmap"] in spans
    assert len(spans) == 3  # the apostrophe in Kazakhstan’s opens nothing


def test_indirect_speech_cues():
    cases = {
        "The foreign minister warned that the talks could collapse.": ("warned", "The foreign minister"),
        "Officials believe the deal will hold.": ("believe", "Officials"),
        "Tokayev told reporters that Astana is ready to host the talks.": ("told", "Tokayev"),
        "It was reported by Reuters that the border was closed.": ("reported", "Reuters"),
        "The Kremlin announced that the meeting would take place in October.": ("announced", "The Kremlin"),
    }
    for text, (cue, speaker) in cases.items():
        found = [q for q in find_quotes(text) if q.cue == cue]
        assert found and found[0].speaker == speaker, (text, find_quotes(text))


def test_other_languages_are_left_alone():
    assert find_quotes("«Мы готовы», — сказал он.", lang="hy") == []


# --- Russian ----------------------------------------------------------------

RUSSIAN = ("Пресс-секретарь президента России Дмитрий Песков заявил, что переговоры пройдут в Москве. "
           "«Мы готовы к диалогу с Баку и Ереваном. Это важный шаг», — заявил Песков журналистам.\n\n"
           "«Встреча состоится в октябре», — сказал он.\n\n"
           "По словам министра иностранных дел Сергея Лаврова, соглашение будет подписано до конца года.\n\n"
           "Ильхам Алиев отметил: «Мирный процесс идёт в правильном направлении».")


def test_russian_quotes_and_reported_speech():
    quotes = find_quotes(RUSSIAN, lang="ru")
    for q in quotes:
        assert_consistent(RUSSIAN, q)
    by_content = {q.content: q for q in quotes}
    q = by_content["Мы готовы к диалогу с Баку и Ереваном. Это важный шаг"]
    assert (q.cue, q.speaker, q.direct) == ("заявил", "Песков", True)
    assert q.speaker_resolved == "Дмитрий Песков"
    he = by_content["Встреча состоится в октябре"]
    assert (he.cue, he.speaker, he.speaker_resolved) == ("сказал", "он", "Дмитрий Песков")
    that = by_content["что переговоры пройдут в Москве"]
    assert that.speaker == "Пресс-секретарь президента России Дмитрий Песков" and not that.direct
    words = by_content["соглашение будет подписано до конца года"]
    assert words.cue == "По словам" and words.speaker == "министра иностранных дел Сергея Лаврова"
    colon = by_content["Мирный процесс идёт в правильном направлении"]
    assert (colon.cue, colon.speaker) == ("отметил", "Ильхам Алиев")


# --- PolNeAR sample -----------------------------------------------------------

def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_quotes", ROOT / "benchmarks" / "eval_quotes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_polnear_dev_sample(shared_data, capsys):
    dev = shared_data("quotes", "dev")
    result = _eval_module().main(["--data", str(dev), "--limit", "10"])
    # measured on these 10 articles: content F1 0.757, speaker accuracy 0.899
    assert result["articles"] == 10
    assert result["content_f1"] >= 0.70
    assert result["speaker_acc"] >= 0.84
