"""Story clustering: features of one article, and the incremental clusterer's contract.

Most tests build ``ArticleFeatures`` by hand from seeded synthetic topics (a
topic = its own words, people and country, mixed with words every topic
shares), so each signal can be switched on and off; one test clusters a
sample of real Timeline17 articles.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from storyline.analyse.mentions import Mention
from storyline.cluster import ArticleFeatures, StoryClusterer, features, fold, person_key, term_weights

COMMON = [f"common{chr(97 + i)}{chr(97 + j)}" for i in range(10) for j in range(10)]


def topic_words(name: str, n: int = 40) -> list[str]:
    return [f"{name}{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(n)]


def synthetic(article_id: int, rng: random.Random, words: list[str], country: str, people: list[str],
              day: dt.date, own: int = 25, shared: int = 25) -> ArticleFeatures:
    """An article: ``own`` words of its topic, ``shared`` common words, its country and people."""
    counts = Counter(rng.choice(words) for _ in range(own)) + Counter(rng.choice(COMMON) for _ in range(shared))
    terms = {w: 1.0 + (c - 1) * 0.5 for w, c in counts.items()}
    entities = {country: 2.0, **{p: 1.0 for p in rng.sample(people, 2)}}
    return ArticleFeatures(article_id, day, "en", f"outlet{article_id % 3}", terms, entities,
                           {k: k.split(":")[1].title() for k in entities})


def stream(topics: list[tuple[list[str], str, list[str], dt.date]], per_topic: int = 30,
           seed: int = 0) -> tuple[list[ArticleFeatures], list[int]]:
    """Articles of several topics interleaved day by day; returns features and gold topic indices."""
    rng = random.Random(seed)
    fs, gold = [], []
    for i in range(per_topic):
        for t, (words, country, people, start) in enumerate(topics):
            fs.append(synthetic(len(fs) + 1, rng, words, country, people, start + dt.timedelta(days=i)))
            gold.append(t)
    return fs, gold


def purity(clusterer: StoryClusterer, fs: list[ArticleFeatures], gold: list[int]) -> tuple[int, float]:
    """Number of stories, and the share of articles in their story's majority topic."""
    assigned = clusterer.assignments()
    by_story: dict[int, Counter] = {}
    for f, g in zip(fs, gold):
        by_story.setdefault(assigned[f.article_id], Counter())[g] += 1
    return len(by_story), sum(c.most_common(1)[0][1] for c in by_story.values()) / len(fs)


DAY = dt.date(2024, 5, 1)
FLOOD = (topic_words("flood"), "LOC:AM", ["PER:pashinyan", "PER:mirzoyan", "ORG:unicef"], DAY)
STRIKE = (topic_words("strike"), "LOC:KZ", ["PER:tokayev", "PER:smailov", "ORG:kazmunaygas"], DAY)


# ---------------------------------------------------------------- features


def test_person_keys_join_spellings_and_scripts():
    assert person_key("Ilham Aliyev") == person_key("Aliyev") == person_key("Ильхам Алиев")
    assert person_key("Kassym-Jomart Tokayev") == person_key("Токаев")
    assert person_key("Pashinyan") != person_key("Aliyev")
    assert fold("Kassym") == fold("Kasym")


def test_term_weights_skip_stop_words_and_keep_only_repeated_bigrams():
    text = "The peace treaty was discussed. The peace treaty may be signed. Ministers met once."
    weights = term_weights(text, "Peace treaty talks", "en")
    assert "the" not in weights and "was" not in weights
    assert "peace treaty" in weights  # twice in the text, and in the title
    assert "ministers met" not in weights  # a bigram seen once
    assert weights["treaty"] > weights["ministers"]  # three times (title counts double) vs once


def test_features_turn_mentions_into_resolved_keys():
    text = "Armenian Foreign Minister Ararat Mirzoyan met Jeyhun Bayramov in Almaty on May 10."
    mentions = [Mention(0, 8, "Armenian", "NORP", 0), Mention(26, 41, "Ararat Mirzoyan", "PER", 0),
                Mention(46, 60, "Jeyhun Bayramov", "PER", 0), Mention(64, 70, "Almaty", "LOC", 0)]
    f = features(7, text, "Talks in Almaty", dt.date(2024, 5, 12), "en", "outlet", mentions)
    assert {"LOC:AM", "PER:mirzoian", "PER:bairamov", "LOC:almati"} <= set(f.entities)
    assert "LOC:KZ" in f.entities  # Almaty says Kazakhstan, more weakly than naming it
    assert f.entities["LOC:KZ"] < f.entities["LOC:AM"]
    assert "DATE:2024-05-10" in f.entities
    assert f.names["LOC:AM"] == "Armenia"


# ---------------------------------------------------------------- clusterer


def test_two_topics_become_two_stories():
    fs, gold = stream([FLOOD, STRIKE])
    clusterer = StoryClusterer()
    clusterer.add_many(fs)
    n, pure = purity(clusterer, fs, gold)
    assert pure == 1.0
    assert n <= 4  # a topic may start as a fragment, but not shatter


def test_same_stream_same_stories_and_a_resumed_state_changes_nothing():
    fs, _ = stream([FLOOD, STRIKE], seed=3)
    whole = StoryClusterer()
    whole.add_many(fs)
    first = StoryClusterer()
    first.add_many(fs[:25])
    resumed = StoryClusterer.from_state(first.state())
    resumed.add_many(fs[25:])
    assert resumed.assignments() == whole.assignments()
    again = StoryClusterer()
    again.add_many(fs)
    assert again.assignments() == whole.assignments()
    assert [s.label for s in again.stories()] == [s.label for s in whole.stories()]


def test_adding_an_article_twice_changes_nothing():
    fs, _ = stream([FLOOD], per_topic=5)
    clusterer = StoryClusterer()
    clusterer.add_many(fs)
    before = clusterer.state()
    assert clusterer.add(fs[2]) == clusterer.story_of(fs[2].article_id)
    assert clusterer.state() == before


def test_place_gate_separates_twin_stories_in_other_countries():
    # Two uprisings at once: half their own words shared, other people, other countries.
    words = topic_words("unrest")
    egypt = (words[:30], "LOC:EG", ["PER:mubarak", "PER:suleiman", "ORG:brotherhood"], DAY)
    libya = (words[15:], "LOC:LY", ["PER:gaddafi", "PER:jalil", "ORG:council"], DAY)
    fs, gold = stream([egypt, libya], seed=5)
    gated = StoryClusterer()
    gated.add_many(fs)
    assert purity(gated, fs, gold)[1] == 1.0
    ungated = StoryClusterer(place_floor=1.0)
    ungated.add_many(fs)
    assert purity(ungated, fs, gold)[1] < 0.8  # without it, the shared words merge them


def test_an_article_far_outside_a_story_span_is_less_similar():
    fs, _ = stream([FLOOD], per_topic=10)
    clusterer = StoryClusterer()
    clusterer.add_many(fs)
    sid = clusterer.story_of(fs[0].article_id)
    rng = random.Random(9)
    near = synthetic(100, rng, FLOOD[0], "LOC:AM", FLOOD[2], DAY + dt.timedelta(days=12))
    far = ArticleFeatures(101, DAY + dt.timedelta(days=400), near.language, near.outlet, near.terms,
                          near.entities, near.names)
    assert clusterer.similarity(far, sid) < clusterer.similarity(near, sid)


def test_stories_are_labelled_with_their_entities_and_span():
    fs, gold = stream([FLOOD, STRIKE], per_topic=12)
    clusterer = StoryClusterer()
    clusterer.add_many(fs)
    story = max(clusterer.stories(), key=lambda s: len(s.article_ids))
    assert story.start is not None and story.end is not None and story.start <= story.end
    country = "Am" if gold[fs.index(next(f for f in fs if f.article_id == story.article_ids[0]))] == 0 else "Kz"
    assert story.label.split(" · ")[0] == country
    assert len(story.outlets) == 3


def test_real_articles_of_two_stories_cluster_apart(shared_data):
    """Timeline17 sample: the first 25 articles of two topics, as one stream in date order."""
    root = shared_data("t17")
    picked = []
    for topic in ("haiti_bbc", "bpoil_bbc"):
        paths = sorted((root / topic / "InputDocs").glob("*/*.txt"))[:25]
        picked += [(p, topic) for p in paths if p.read_text(errors="replace").strip()]
    picked.sort(key=lambda pt: (pt[0].parent.name, str(pt[0])))
    fs = []
    for i, (path, _) in enumerate(picked):
        text = path.read_text(errors="replace")
        fs.append(features(i, text, text.split("\n", 1)[0], dt.date.fromisoformat(path.parent.name), "en", "bbc"))
    clusterer = StoryClusterer()
    clusterer.add_many(fs)
    gold = [topic for _, topic in picked]
    n, pure = purity(clusterer, fs, gold)
    assert pure >= 0.95
    assert n <= 8


def _side_piece(article_id: int, rng: random.Random, topic, day: dt.date) -> ArticleFeatures:
    """A side piece of a topic (a digest, a local angle): a few of its words, its country,
    and otherwise words and a person no other article has."""
    words, country = topic[0], topic[1]
    terms = {w: 1.0 for w in rng.sample(words, 4)}
    terms.update({f"aside{article_id}x{i}": 1.0 for i in range(40)})
    entities = {country: 1.0, f"PER:bystander{article_id}": 1.0}
    return ArticleFeatures(article_id, day, "en", "outlet9", terms, entities,
                           {k: k.split(":")[1].title() for k in entities})


def test_quiet_fragments_are_absorbed_by_the_story_they_resemble_most():
    fs, _ = stream([FLOOD, STRIKE], per_topic=40, seed=1)
    rng = random.Random(4)
    sides = [_side_piece(1000 + i, rng, (FLOOD, STRIKE)[i % 2], DAY + dt.timedelta(days=4 + 3 * i))
             for i in range(6)]
    # A new story that starts while the others run: it grows, so it is no fragment.
    quake = topic_words("quake")
    news = [synthetic(2000 + i, rng, quake, "LOC:GE", ["PER:quaker", "PER:seismo"], DAY + dt.timedelta(days=20 + i))
            for i in range(6)]
    stream_ = sorted(fs + sides + news, key=lambda f: (f.date, f.article_id))

    plain = StoryClusterer(fragment_size=0)  # fragments left alone
    plain.add_many(stream_)
    a = plain.assignments()
    assert all(a[s.article_id] not in (a[fs[0].article_id], a[fs[1].article_id]) for s in sides)  # below threshold

    clusterer = StoryClusterer(fragment_size=3, fragment_quiet_days=7)  # the defaults
    clusterer.add_many(stream_)
    a = clusterer.assignments()
    home = (a[fs[0].article_id], a[fs[1].article_id])  # flood, strike
    assert [a[s.article_id] for s in sides] == [home[i % 2] for i in range(len(sides))]
    assert len({a[f.article_id] for f in news}) == 1 and a[news[0].article_id] not in home
    assert len(set(a.values())) == 3

    # Incremental: a resumed state gives the same stories.
    first = StoryClusterer(fragment_size=3, fragment_quiet_days=7)
    first.add_many(stream_[:50])
    resumed = StoryClusterer.from_state(first.state())
    resumed.add_many(stream_[50:])
    assert resumed.assignments() == a
