"""Entity resolution on the seed articles and Russian sentences.

People, countries, places and seats of power, across spellings and languages.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from storyline.analyse.mentions import Mention, find_mentions
from storyline.resolve import Entity, Resolver, normalise_name

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "caucasus"
SIDEBAR_MARKERS = ("Последние новости", "Latest news", "This text available", "Read more")
RUSSIAN = "Президент Казахстана Касым-Жомарт Токаев провел переговоры в Алматы."
DATE = "2024-05-20"


def article(name: str) -> str:
    """The article paragraphs of a seed page (000 and 001 are one article: 001 is left out)."""
    text = next(EXAMPLES.glob(name + "*.txt")).read_text(encoding="utf-8")
    cut = min((text.index(m) for m in SIDEBAR_MARKERS if m in text), default=len(text))
    return text[:cut]


def corpus() -> list[tuple[list[Mention], str]]:
    docs = [(find_mentions(article(n)), "en") for n in ("000", "002", "003", "004")]
    return docs + [(find_mentions(RUSSIAN, "ru"), "ru")]


@pytest.fixture(scope="module")
def docs():
    return corpus()


def run(docs, resolver: Resolver | None = None, first_id: int = 0):
    """Resolve every article; return the resolver, mention → key per article, and all role facts."""
    resolver = resolver or Resolver()
    keys, facts = [], []
    for n, (mentions, lang) in enumerate(docs):
        resolved, roles = resolver.resolve(first_id + n, mentions, lang, DATE)
        keys.append({r.mention_index: r.entity_key for r in resolved})
        facts.extend(roles)
    return resolver, keys, facts


@pytest.fixture(scope="module")
def result(docs):
    return run(docs)


def keys_of(docs, keys, text: str) -> set[str]:
    return {keys[d][i] for d, (mentions, _) in enumerate(docs) for i, m in enumerate(mentions)
            if m.text == text and i in keys[d]}


def entity(resolver: Resolver, key: str) -> Entity:
    return next(e for e in resolver.entities() if e.key == key)


PEOPLE = {  # surname → (country, a role the seeds state)
    "Tokayev": ("KZ", "President of Kazakhstan"), "Aliyev": ("AZ", "Azerbaijani President"),
    "Pashinyan": ("AM", "Armenian Prime Minister"), "Blinken": ("US", "US Secretary of State"),
    "Putin": ("RU", "Russian President"), "Peskov": ("RU", "Kremlin spokesperson"),
    "Galuzin": ("RU", "Russian Deputy Foreign Minister"), "Kushaliyev": ("KZ", None),
}


@pytest.mark.parametrize("surname", sorted(PEOPLE))
def test_each_person_is_one_entity_with_role_and_country(docs, result, surname):
    resolver, keys, facts = result
    found = {keys[d][i] for d, (mentions, _) in enumerate(docs) for i, m in enumerate(mentions)
             if m.label == "PER" and m.text.endswith(surname)}
    assert len(found) == 1, found
    key = found.pop()
    assert key.startswith("PER:") and key.endswith(surname.lower())
    country, role = PEOPLE[surname]
    assert entity(resolver, key).country == country
    if role:
        assert any(f.role == role and f.country == country and f.date == DATE for f in facts if f.entity_key == key)


def test_surname_only_mentions_join_the_full_name(docs, result):
    _, keys, _ = result
    assert keys_of(docs, keys, "Putin") == {"PER:vladimir putin"}  # headline before the full name
    assert keys_of(docs, keys, "Tokayev") == {"PER:kassym-jomart tokayev"}


def test_cyrillic_name_joins_the_latin_one(docs, result):
    resolver, keys, facts = result
    assert keys_of(docs, keys, "Касым-Жомарт Токаев") == {"PER:kassym-jomart tokayev"}
    assert entity(resolver, "PER:kassym-jomart tokayev").name == "Kassym-Jomart Tokayev"
    ru = [f for f in facts if f.article_id == 4]
    assert [(f.entity_key, f.role, f.country) for f in ru] == [
        ("PER:kassym-jomart tokayev", "Президент Казахстана", "KZ")]


def test_almaty_spellings_are_one_place_with_coordinates(docs, result):
    resolver, keys, _ = result
    found = keys_of(docs, keys, "Almaty") | keys_of(docs, keys, "Alma-Ata") | keys_of(docs, keys, "Алматы")
    assert found == {"PLACE:1526384"}
    almaty = entity(resolver, "PLACE:1526384")
    assert (almaty.name, almaty.country, almaty.geonames_id) == ("Almaty", "KZ", 1526384)
    assert almaty.lat == pytest.approx(43.25, abs=0.1) and almaty.lon == pytest.approx(76.91, abs=0.1)


def test_countries_and_demonyms(docs, result):
    resolver, keys, _ = result
    assert keys_of(docs, keys, "Azerbaijani") | keys_of(docs, keys, "Azerbaijan") | \
        keys_of(docs, keys, "Azeri") | keys_of(docs, keys, "Republic of Azerbaijan") == {"COUNTRY:AZ"}
    assert keys_of(docs, keys, "Казахстана") == {"COUNTRY:KZ"}
    assert keys_of(docs, keys, "Kazakhstan") == {"COUNTRY:KZ"}
    assert keys_of(docs, keys, "Armenian") == {"COUNTRY:AM"}
    assert keys_of(docs, keys, "Russian") | keys_of(docs, keys, "Russia") == {"COUNTRY:RU"}
    assert keys_of(docs, keys, "US") | keys_of(docs, keys, "United States") == {"COUNTRY:US"}
    assert entity(resolver, "COUNTRY:RU").name == "Russia"
    assert entity(resolver, "COUNTRY:KZ").country == "KZ"


def test_capitals_and_seats_of_power_carry_their_country(docs, result):
    resolver, keys, _ = result
    for text, country in {"Baku": "AZ", "Moscow": "RU", "Kremlin": "RU", "Yerevan": "AM", "Astana": "KZ"}.items():
        (key,) = keys_of(docs, keys, text)
        assert entity(resolver, key).country == country, text
    assert keys_of(docs, keys, "Kremlin") == {"ORG:kremlin"}


def test_white_house_and_russian_kremlin():
    text = "Kremlin spokesperson Dmitry Peskov spoke to the White House in Washington."
    ru = "Пресс-секретарь Кремля Дмитрий Песков заявил, что Путин встретится с Алиевым в Москве."
    r = Resolver()
    en, facts = r.resolve(1, find_mentions(text), "en", DATE)
    ru_resolved, ru_facts = r.resolve(2, find_mentions(ru, "ru"), "ru", DATE)
    keys = {r_.entity_key for r_ in en} | {r_.entity_key for r_ in ru_resolved}
    assert {"ORG:kremlin", "ORG:white house", "PER:dmitry peskov"} <= keys
    assert entity(r, "ORG:white house").country == "US"
    assert sum(k.startswith("PER:") for k in keys) == 3  # Peskov once, Putin, Aliyev
    assert ru_facts[0].entity_key == "PER:dmitry peskov" and ru_facts[0].country == "RU"
    assert entity(r, next(k for k in keys if "PLACE" in k and entity(r, k).name == "Moscow")).country == "RU"


def test_same_surname_different_first_names_stay_apart():
    text = ("Azerbaijani President Ilham Aliyev laid flowers at the grave of his father, former president "
            "Heydar Aliyev, in Baku.")
    r = Resolver()
    mentions = find_mentions(text)
    resolved, _ = r.resolve(1, mentions, "en", DATE)
    people = {mentions[x.mention_index].text: x.entity_key for x in resolved if x.entity_key.startswith("PER:")}
    assert people == {"Ilham Aliyev": "PER:ilham aliyev", "Heydar Aliyev": "PER:heydar aliyev"}
    # and in a later article a full name goes to its own person, not the other Aliyev
    later = find_mentions("Heydar Aliyev died in 2003.")
    (hit,) = [x for x in r.resolve(2, later, "en", DATE)[0] if later[x.mention_index].label == "PER"]
    assert hit.entity_key == "PER:heydar aliyev"


def test_round_trip_through_rows_gives_the_same_keys(docs, result):
    _, full_keys, _ = result
    first = Resolver()
    run(docs[:4], first)
    stored = Resolver(first.entities(), first.new_aliases())
    _, keys, _ = run(docs[4:], stored, first_id=4)
    assert keys == full_keys[4:]
    assert stored.new_aliases() and all(a not in first.new_aliases() for a in stored.new_aliases())
    assert {e.key for e in stored.changed_entities()} <= {e.key for e in stored.entities()}


def test_deterministic(docs, result):
    resolver, keys, facts = result
    again, keys2, facts2 = run(corpus())
    assert keys == keys2 and facts == facts2
    assert again.entities() == resolver.entities() and again.new_aliases() == resolver.new_aliases()


@pytest.mark.parametrize("a, b", [("Kassym-Jomart Tokayev", "kassym-jomart tokayev"),
                                  ("Касым-Жомарт Токаев", "kasym-zhomart tokaev"),
                                  ("Алматы", "almaty"), ("Ալմաթի", "almati"),
                                  ("Azərbaycan", "azarbaycan"), ("the Kremlin", "kremlin"),
                                  ("Pashinyan's", "pashinyans")])
def test_normalise_name(a, b):
    assert normalise_name(a) == b


def person(text: str, role: str | None = None, country: str | None = None) -> list[Mention]:
    return [Mention(0, len(text), text, "PER", 0, role, None, country)]


def test_spelling_variants_and_lone_surnames_across_articles():
    r = Resolver()
    assert r.resolve(1, person("Putin"), "en", DATE)[0][0].entity_key == "PER:putin"
    # the full name later joins the entity known by its surname, which keeps its key and gains the name
    resolved, _ = r.resolve(2, person("Vladimir Putin", "Russian President", "RU"), "en", DATE)
    assert resolved[0].entity_key == "PER:putin"
    assert entity(r, "PER:putin").name == "Vladimir Putin" and entity(r, "PER:putin").country == "RU"
    pashinyan = r.resolve(3, person("Nikol Pashinyan", "Armenian Prime Minister", "AM"), "en", DATE)[0][0].entity_key
    for i, variant in enumerate(["Nikol Pashinian", "Никол Пашинян", "Pashinyan"]):
        assert r.resolve(4 + i, person(variant), None, DATE)[0][0].entity_key == pashinyan, variant
    # a near spelling with another country is another person
    other, _ = r.resolve(9, person("Nikol Pashinian", "Georgian official", "GE"), "en", DATE)
    assert other[0].entity_key != pashinyan
    assert set(r.aliases_of(pashinyan)) >= {"nikol pashinyan", "nikol pashinian", "pashinyan"}


def test_new_aliases_only_lists_what_this_resolver_added(result):
    resolver, _, _ = result
    rows = resolver.new_aliases()
    assert len(rows) == len(set(rows))
    again = Resolver(resolver.entities(), rows)
    assert again.new_aliases() == [] and again.changed_entities() == []
    again.resolve(99, person("Dmitry Peskov", "Kremlin spokesperson"), "en", DATE)
    assert again.new_aliases() == [] and again.changed_entities() == []
