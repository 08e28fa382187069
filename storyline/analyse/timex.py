"""Find time expressions in a text and normalise them against the publication date.

A rule-based tagger in the spirit of HeidelTime: a grammar of month names,
day numbers, years, weekdays, seasons, quarters, decades and relative words
(tables at the top), a list of rules that match it (each rule a compiled
regex plus a function that builds a TIMEX3-style value), longest match wins,
and a second pass that resolves anaphoric expressions ("the quarter",
"a year earlier", "the following month") against the last date mentioned.

Values follow TIMEX3: ``2024-05-10``, ``2024-05``, ``2024``, ``2024-W19``,
``2024-Q1``, ``2024-H1``, ``2024-SU``, ``199`` (a decade), ``19`` (a century),
``PAST_REF`` / ``PRESENT_REF`` / ``FUTURE_REF``, ``P3D`` for durations,
``P1W`` for sets, ``2024-05-10T14:30`` for clock times.

Underspecified expressions ("June 13", "Friday", "December") take the part
they lack from the anchor (the document's publication date) and the tense of
their sentence: a past-tense sentence points back, a future one forward, and
a sentence without a cue takes the nearest occurrence, leaning to the past.
Such values are flagged ``inferred=True``. With no anchor, explicit dates
still resolve and anchor-relative ones get ``value=None``.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterator

# --------------------------------------------------------------------------
# Grammar tables
# --------------------------------------------------------------------------

EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}
EN_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a couple of": 2, "a dozen": 12,
}
# Vague counts: "several years ago" is a past reference, not a computable date.
EN_VAGUE = {"several", "a few", "few", "many", "some", "несколько"}
EN_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}
# Spoken years in broadcast transcripts: "nineteen ninety-six".
EN_UNITS_0_99 = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
           "seventy": 70, "eighty": 80, "ninety": 90}
# Unit words -> the TIMEX3 letter used for durations and arithmetic.
EN_UNITS = {
    "day": "D", "days": "D", "week": "W", "weeks": "W", "month": "M", "months": "M",
    "quarter": "Q", "quarters": "Q", "year": "Y", "years": "Y", "decade": "E",
    "decades": "E", "century": "C", "centuries": "C",
    "hour": "H", "hours": "H", "minute": "MIN", "minutes": "MIN",
}

RU_MONTH_STEMS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7,
    "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
RU_WEEKDAYS = {
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3,
    "пятницу": 4, "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6,
}
RU_SEASONS = {"весн": "SP", "лет": "SU", "осен": "FA", "зим": "WI"}
RU_NUMBERS = {
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "пару": 2,
}
RU_ORDINALS = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4}

# Tense cues for choosing the direction of an underspecified date.
EN_FUTURE_WORDS = {
    "will", "'ll", "shall", "wo", "would", "might", "soon", "tomorrow", "upcoming", "scheduled", "expected",
    "planned", "plans", "plan", "slated", "due", "going", "intends", "hopes", "aims",
}
EN_PAST_WORDS = {
    "was", "were", "had", "did", "ago", "said", "told", "made", "took", "came",
    "went", "gave", "got", "met", "saw", "left", "began", "won", "lost", "held",
    "sold", "bought", "fell", "rose", "paid", "sent", "struck", "brought",
    "thought", "found", "became", "ran", "spoke", "wrote",
    "led", "fled", "kept", "knew", "grew", "drew", "shot", "stood",
    "last", "earlier", "yesterday", "closed", "ended",
}
EN_PAST_NEGATIVES = {"didn't", "wasn't", "weren't", "hadn't"}  # one word once detokenised
EN_NEUTRAL_ED = {"expected", "scheduled", "planned", "proposed", "slated", "need", "indeed", "red", "bed", "shed"}
RU_FUTURE = re.compile(
    r"(?i)\b(?:будет|будут|буду|будем|станет|состоится|состоятся|планирует\w*|планируется|"
    r"намерен\w*|собирается|предстоит|ожидается|пройдет|пройдёт|завтра)\b")
RU_PAST = re.compile(r"(?i)\b\w+(?:ал|ял|ил|ел|ул|ыл|ол)(?:а|о|и|ся|ась|ось|ись)?\b|\b(?:был|была|было|были|вчера)\b")

# --------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    type: str                    # DATE | TIME | DURATION | SET
    value: str | None
    end_value: str | None = None
    precision: str = "unknown"   # day | month | year | week | quarter | season | decade | unknown
    inferred: bool = False


# --------------------------------------------------------------------------
# Calendar values: one small type per granularity, with shifting and formatting
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Cal:
    """A point on the calendar at some granularity.

    ``gran`` is one of D (day), W (week), M (month), Q (quarter), H (half),
    S (season), Y (year), E (decade), C (century); ``year`` is the ISO week
    year for W; ``part`` is the month, week, quarter, half, season code or
    nothing; ``day`` is used for D only.
    """
    gran: str
    year: int
    part: int | str = 0
    day: int = 0

    def format(self) -> str:
        g, y = self.gran, self.year
        if g == "D":
            return f"{y:04d}-{self.part:02d}-{self.day:02d}"
        if g == "M":
            return f"{y:04d}-{self.part:02d}"
        if g == "W":
            return f"{y:04d}-W{self.part:02d}"
        if g == "Q":
            return f"{y:04d}-Q{self.part}"
        if g == "H":
            return f"{y:04d}-H{self.part}"
        if g == "S":
            return f"{y:04d}-{self.part}"
        if g == "E":
            return f"{y // 10:03d}"
        if g == "C":
            return f"{y // 100:02d}"
        return f"{y:04d}"

    def date(self) -> dt.date:
        """The first day the value covers (for arithmetic and comparisons)."""
        g = self.gran
        if g == "D":
            return dt.date(self.year, self.part, self.day)
        if g == "M":
            return dt.date(self.year, self.part, 1)
        if g == "W":
            return dt.date.fromisocalendar(self.year, self.part, 1)
        if g == "Q":
            return dt.date(self.year, 3 * self.part - 2, 1)
        if g == "H":
            return dt.date(self.year, 6 * self.part - 5, 1)
        if g == "S":
            return dt.date(self.year, {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[self.part], 1)
        return dt.date(self.year, 1, 1)


PRECISION = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "H": "year",
             "S": "season", "Y": "year", "E": "decade", "C": "unknown"}


def cal_of(date: dt.date, gran: str) -> Cal:
    """The value of granularity ``gran`` that contains ``date``."""
    if gran == "D":
        return Cal("D", date.year, date.month, date.day)
    if gran == "W":
        iso = date.isocalendar()
        return Cal("W", iso[0], iso[1])
    if gran == "M":
        return Cal("M", date.year, date.month)
    if gran == "Q":
        return Cal("Q", date.year, (date.month - 1) // 3 + 1)
    if gran == "H":
        return Cal("H", date.year, 1 if date.month <= 6 else 2)
    if gran == "S":
        # Winter straddles the new year: December belongs to the winter of its year.
        code = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP",
                6: "SU", 7: "SU", 8: "SU"}.get(date.month, "FA")
        return Cal("S", date.year - (1 if date.month in (1, 2) else 0), code)
    return Cal(gran, date.year)


def add_months(date: dt.date, months: int) -> dt.date:
    y, m = divmod(date.year * 12 + date.month - 1 + months, 12)
    return dt.date(y, m + 1, min(date.day, 28))


def shift(date: dt.date, unit: str, n: int) -> dt.date:
    """``date`` moved by ``n`` units (D, W, M, Q, Y, E, C; S = one year per season step)."""
    if unit == "D":
        return date + dt.timedelta(days=n)
    if unit == "W":
        return date + dt.timedelta(weeks=n)
    months = {"M": 1, "Q": 3, "H": 6, "Y": 12, "S": 12, "E": 120, "C": 1200}[unit] * n
    return add_months(date, months)


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Context: the text, the anchor, sentences, tense, and the discourse state
# --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-ZА-ЯЁ0-9])|\n\s*\n")
_WORD = re.compile(r"[A-Za-z']+|[А-Яа-яЁё]+")


@dataclass
class Ctx:
    text: str
    anchor: dt.date | None
    lang: str
    starts: list[int]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end

    def sentence_no(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def tense(self, start: int, end: int, own_clause: bool = False) -> str:
        """past | future | none: the nearest tense cue in the sentence around a span.

        ``own_clause``: ignore the cues after a clause that opens after the span ("that", "which",
        "who"...). For weekdays, which name a day of the current week: in "BP's announcement on
        Wednesday that it will pay", "will" dates the payment. A day without a year keeps them:
        "the April 20 explosion, which destroyed the rig" says the explosion is past."""
        s0, s1 = self.sentence(start)
        if self.lang == "ru":
            return _tense_ru(self.text[s0:s1])
        best, best_dist = "none", 10 ** 9
        words = [(m.start(), m.group().lower()) for m in _WORD.finditer(self.text, s0, s1)]
        clause = False  # a clause opened after the span (own_clause): its verbs tell its own time
        for i, (pos, w) in enumerate(words):
            if start <= pos < end:
                continue
            if own_clause and pos >= end and w in _EN_CLAUSE_OPENERS:
                clause = True
            if clause:
                continue
            kind = _en_cue(w, [x for _, x in words[max(0, i - 3):i]],
                           words[i + 1][1] if i + 1 < len(words) else "")
            if kind == "none":
                continue
            # gaps between the span and the word's nearer edge: "said Monday it would" is past
            dist = start - (pos + len(w)) if pos < start else pos - end
            if dist < best_dist:
                best, best_dist = kind, dist
        return best


_EN_CLAUSE_OPENERS = {"that", "which", "who", "whom", "whose"}


def _en_cue(word: str, before: list[str], after: str = "") -> str:
    if word in EN_FUTURE_WORDS or word.endswith("'ll") or word == "won't":
        return "future"
    # "is to meet", "are to vote": the "be to" future ("is to blame" is no plan).
    if word == "to" and before[-1:] in (["is"], ["are"], ["am"]) and after not in ("blame", ""):
        return "future"
    if word in EN_PAST_NEGATIVES:
        return "past"
    past = word in EN_PAST_WORDS or (
        word.endswith("ed") and len(word) > 4 and word not in EN_NEUTRAL_ED)
    if not past:
        return "none"
    # "will be held", "to be signed": a participle after a future modal is future.
    if word not in ("was", "were", "had", "did", "ago", "last", "earlier", "yesterday") and (
            any(b in ("will", "'ll", "shall") for b in before) or before[-2:] == ["to", "be"]):
        return "future"
    return "past"


def _tense_ru(sentence: str) -> str:
    if RU_FUTURE.search(sentence):
        return "future"
    if RU_PAST.search(sentence):
        return "past"
    return "none"


def sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


# --------------------------------------------------------------------------
# What a rule produces
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Val:
    """A rule's reading of a match, before anaphora are resolved.

    ``cal`` is the calendar value (None for PAST_REF-like or durations, whose
    string is in ``literal``); ``anaphor`` names a second-pass resolution:
    ("shift", unit, n) moves the last mentioned date, ("same", gran) takes it,
    ("quarter",) takes the last mentioned quarter.
    """
    type: str = "DATE"
    cal: Cal | None = None
    end_cal: Cal | None = None
    literal: str | None = None
    inferred: bool = False
    relative: bool = False          # needs the anchor; value None without it
    anaphor: tuple = ()
    suffix: str = ""                # time-of-day suffix: "TNI", "T14:30"
    explicit: bool = False          # names its own year: a good reference point


Handler = Callable[[re.Match, Ctx], "Val | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    handler: Handler
    langs: tuple[str, ...] = ("en",)


# --------------------------------------------------------------------------
# Regex building blocks (English)
# --------------------------------------------------------------------------

_MONTH_FULL = r"January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"


def _month(name: str) -> str:
    return rf"(?P<{name}>(?:{_MONTH_FULL})(?![\w])|{_MONTH_ABBR}(?![\w]))"


def _day(name: str) -> str:
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d\w])"


def _year(name: str) -> str:
    return rf"(?P<{name}>1[5-9]\d\d|20\d\d)(?![\d,]\d)(?!\s*(?:%|percent\b))"


_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w])"
_DASH = r"\s*[-–—]\s*"
_NUM = (r"(?P<num>\d+(?:\.\d+)?|a couple of|a dozen|a few|several|many|some|an?|one|two|three|four|five|six|seven|eight|"
        r"nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
        r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
_APPROX = r"(?:(?:about|nearly|almost|roughly|some|approximately|more than|less than|over|only|just)\s+)?"
_UNIT = r"(?P<unit>days?|weeks?|months?|quarters?|years?|decades?|centur(?:y|ies))"
_SEASON = r"(?P<season>spring|summer|fall|autumn|winter)"
_SPOKEN_YEAR = (r"(?P<sy>nineteen|twenty)[\s-]+(?P<sy2>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                r"(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|"
                r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred)"
                r"|(?P<sy3>two thousand(?:[\s-]+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)")

# Words before a year that make "1990" a date rather than a count.
_YEAR_BAD_BEFORE = re.compile(r"(?:[$£€#№]|\b(?:No|no|number|Nos|page|pages|Flight|flight|Room|room|Route|route|Highway|Model|model|Article|article|Resolution|resolution)\.?)\s*$")
_YEAR_BAD_AFTER = re.compile(
    r"^\s*(?:[-–/]\d|\.\d|(?:people|persons|men|women|troops|soldiers|employees|workers|residents|members|"
    r"votes|shares|tons|tonnes|cars|units|feet|meters|metres|miles|kilometers|km|pounds|acres|points|"
    r"dollars|rubles|roubles|yen)\b)")


def num_value(word: str) -> int | None:
    """The number a count word stands for; None for vague counts."""
    w = word.lower()
    if w in EN_VAGUE:
        return None
    if re.fullmatch(r"\d+", w):
        return int(w)
    if w in EN_NUMBERS:
        return EN_NUMBERS[w]
    if w in RU_NUMBERS:
        return RU_NUMBERS[w]
    return None


def spoken_year(m: re.Match) -> int | None:
    if m.group("sy3"):
        parts = m.group("sy3").split()
        return 2000 + (EN_UNITS_0_99.get(parts[-1], 0) if len(parts) > 2 else 0)
    century = 19 if m.group("sy").lower() == "nineteen" else 20
    rest = re.split(r"[\s-]+", m.group("sy2").lower())
    if rest[0] == "hundred":
        return century * 100
    if rest[0] in EN_TENS:
        return century * 100 + EN_TENS[rest[0]] + (EN_UNITS_0_99.get(rest[1], 0) if len(rest) > 1 else 0)
    return century * 100 + EN_UNITS_0_99[rest[0]]


def month_no(word: str) -> int:
    w = word.lower().rstrip(".")
    if w in EN_MONTHS:
        return EN_MONTHS[w]
    for stem, n in RU_MONTH_STEMS.items():
        if w.startswith(stem) and (stem != "ма" or w[:3] in ("май", "мая", "мае")):
            return n
    raise KeyError(word)


# --------------------------------------------------------------------------
# Resolution helpers: underspecified values against the anchor and tense
# --------------------------------------------------------------------------

def pick_year(anchor: dt.date, make: Callable[[int], Cal | None], tense: str,
              lean_future: float = 1.5) -> Cal | None:
    """Choose the year for a value given without one.

    The nearest occurrence before or after the anchor wins (distances counted
    from the start of the anchor's own month, quarter...), with the distance
    against the sentence's tense stretched two- or threefold (tense cues are
    noisy, so they only decide between occurrences at similar distances) and,
    without a cue, a future one stretched by ``lean_future`` (news is mostly
    about what happened).
    """
    cands = [c for c in (make(anchor.year + k) for k in (-1, 0, 1)) if c is not None]
    here = [c for c in cands if c.format() == cal_of(anchor, c.gran).format()]
    if here:
        return here[0]
    past = [c for c in cands if c.date() <= anchor]
    future = [c for c in cands if c.date() > anchor]
    p = past[-1] if past else None
    f = future[0] if future else None
    if f is None or p is None:
        return p or f
    wp, wf = {"past": (1.0, max(3.0, lean_future)), "future": (2.0, 1.0)}.get(tense, (1.0, lean_future))
    start = cal_of(anchor, p.gran).date() if p.gran != "D" else anchor
    dp = (start - p.date()).days
    df = (f.date() - start).days
    return f if df * wf < dp * wp else p


def weekday_date(anchor: dt.date, wd: int, mode: str) -> dt.date:
    """mode: past (on or before), future (on or after), last (strictly before), next (strictly after)."""
    delta = wd - anchor.weekday()
    if mode == "past" and delta > 0:
        delta -= 7
    elif mode == "future" and delta < 0:
        delta += 7
    elif mode == "last" and delta >= 0:
        delta -= 7
    elif mode == "next" and delta <= 0:
        delta += 7
    return anchor + dt.timedelta(days=delta)


def relative_mode(word: str) -> int:
    """last/past/previous -> -1, this/current -> 0, next/coming/following -> +1."""
    w = word.lower()
    if w in ("last", "past", "previous", "prior", "прошл", "прошлой", "прошлом", "прошлую", "прошлый"):
        return -1
    if w in ("next", "coming", "following", "upcoming", "следующ", "будущ"):
        return 1
    if w.startswith(("прошл", "предыдущ")):
        return -1
    if w.startswith(("следующ", "будущ", "наступающ")):
        return 1
    return 0


# --------------------------------------------------------------------------
# Handlers (English)
# --------------------------------------------------------------------------

def _g(m: re.Match, name: str) -> str | None:
    return m.groupdict().get(name)


def h_month_day(m: re.Match, ctx: Ctx) -> Val | None:
    """"Aug. 7", "August 7, 1998", "Friday, Oct. 23", "May 10-11", "10–11 May 2024"."""
    mon = month_no(m.group("mon"))
    d1 = int(m.group("d1"))
    d2 = int(_g(m, "d2")) if _g(m, "d2") else None
    if d2 is not None and d2 <= d1:
        return None
    year = _g(m, "y")
    if year:
        y = int(year)
        a, b = safe_date(y, mon, d1), safe_date(y, mon, d2) if d2 else None
        if a is None:
            return None
        return Val(cal=cal_of(a, "D"), end_cal=cal_of(b, "D") if b else None, explicit=True)
    if safe_date(2000, mon, d1) is None:
        return None
    if ctx.anchor is None:
        # TIMEX3's way to say "this day, year unknown": better than no value at all.
        return Val(literal=f"XXXX-{mon:02d}-{d1:02d}", relative=True)
    wd = _g(m, "wd")
    if wd:
        # A weekday beside the date picks the year: the one nearest the anchor where they agree.
        w = EN_WEEKDAYS[wd.lower().removesuffix("'s")]
        for k in (0, -1, 1):
            c = safe_date(ctx.anchor.year + k, mon, d1)
            if c and c.weekday() == w:
                return Val(cal=cal_of(c, "D"), inferred=True, relative=True)
    cal = pick_year(ctx.anchor, lambda y: _day_cal(y, mon, d1), ctx.tense(m.start(), m.end()))
    if cal is None:
        return None
    end = _day_cal(cal.year, mon, d2) if d2 else None
    return Val(cal=cal, end_cal=end, inferred=True, relative=True)


def _day_cal(y: int, mon: int, d: int) -> Cal | None:
    date = safe_date(y, mon, d)
    return cal_of(date, "D") if date else None


def h_month_year(m: re.Match, ctx: Ctx) -> Val | None:
    return Val(cal=Cal("M", int(m.group("y")), month_no(m.group("mon"))), explicit=True)


def h_month(m: re.Match, ctx: Ctx) -> Val | None:
    """A bare month name: the year comes from the anchor and the tense."""
    mon = month_no(m.group("mon"))
    mode = relative_mode(_g(m, "rel") or "")
    if ctx.anchor is None:
        return Val(relative=True, inferred=True)
    a = ctx.anchor
    if _g(m, "rel") and _g(m, "rel").lower() in ("this", "этом", "этого"):
        return Val(cal=Cal("M", a.year, mon), relative=True)
    if mode == -1:
        return Val(cal=Cal("M", a.year - (1 if mon >= a.month else 0), mon), relative=True)
    if mode == 1:
        return Val(cal=Cal("M", a.year + (1 if mon <= a.month else 0), mon), relative=True)
    cal = pick_year(a, lambda y: Cal("M", y, mon), ctx.tense(m.start(), m.end()))
    return Val(cal=cal, inferred=True, relative=True)


def h_month_rel_year(m: re.Match, ctx: Ctx) -> Val | None:
    """"July last year", "April next year"."""
    if ctx.anchor is None:
        return Val(relative=True)
    n = relative_mode(m.group("rel"))
    return Val(cal=Cal("M", ctx.anchor.year + n, month_no(m.group("mon"))), relative=True)


def h_year(m: re.Match, ctx: Ctx) -> Val | None:
    start = m.start("y")
    if _YEAR_BAD_BEFORE.search(ctx.text[max(0, start - 12):start]):
        return None
    if _YEAR_BAD_AFTER.match(ctx.text[m.end():m.end() + 20]):
        return None
    return Val(cal=Cal("Y", int(m.group("y"))), explicit=True)


def h_spoken_year(m: re.Match, ctx: Ctx) -> Val | None:
    y = spoken_year(m)
    if y is None:
        return None
    mon = _g(m, "mon")
    if mon:
        return Val(cal=Cal("M", y, month_no(mon)), explicit=True)
    return Val(cal=Cal("Y", y), explicit=True)


def h_decade(m: re.Match, ctx: Ctx) -> Val | None:
    if _g(m, "dy"):
        return Val(cal=Cal("E", int(m.group("dy"))))
    if _g(m, "dshort"):
        century = 1900 if int(m.group("dshort")) > 20 else 2000
        return Val(cal=Cal("E", century + int(m.group("dshort"))))
    word = m.group("dword").lower()
    return Val(cal=Cal("E", 1900 + 10 * EN_DECADE_WORDS[word]))


def h_century(m: re.Match, ctx: Ctx) -> Val | None:
    n = int(m.group("cn"))
    return Val(cal=Cal("C", (n - 1) * 100))


WEEKDAY_LEAN_FUTURE = 1.5
# "every Friday", "one Saturday afternoon": no particular day ("a Sunday night vigil" may be one).
_EN_ANY_DAY = re.compile(r"(?i)\b(?:every|each|one|any)\s+$")


def h_weekday(m: re.Match, ctx: Ctx) -> Val | None:
    """"Friday", "last Friday", "next Tuesday", "Friday morning"."""
    word = m.group("wd").lower().removesuffix("'s")
    wd = EN_WEEKDAYS.get(word, RU_WEEKDAYS.get(word))
    if wd is None:
        return None
    if not _g(m, "rel") and word in EN_WEEKDAYS and _EN_ANY_DAY.search(ctx.text[max(0, m.start() - 8):m.start()]):
        return None
    if ctx.anchor is None:
        return Val(relative=True, inferred=True)
    rel = (_g(m, "rel") or "").lower()
    if rel in ("previous", "following"):
        # "the previous Friday" counts from the last date mentioned.
        return Val(anaphor=("weekday", wd, -1 if rel == "previous" else 1), relative=True, inferred=True)
    if rel and relative_mode(rel.split()[-1]) < 0:
        mode = "last"
    elif rel and relative_mode(rel.split()[-1]) > 0:
        mode = "next"
    elif rel == "this":
        mode = "future"  # "this Thursday's meeting": the one ahead in this week, or today
    else:
        tense = ctx.tense(m.start(), m.end(), own_clause=True)
        if tense == "none":
            # No cue ("Saturday's concert", "the hearing on Tuesday"): news names days of the
            # current week, so the nearer occurrence wins, a future one counted 1.5 times as far
            # (as for a day without a year in ``pick_year``).
            past = weekday_date(ctx.anchor, wd, "past")
            future = weekday_date(ctx.anchor, wd, "future")
            mode = "future" if (future - ctx.anchor).days * WEEKDAY_LEAN_FUTURE < (ctx.anchor - past).days else "past"
        else:
            mode = "future" if tense == "future" else "past"
    date = weekday_date(ctx.anchor, wd, mode)
    # "Friday night" stays a DATE of day precision, as TimeBank mostly annotates it.
    return Val(cal=cal_of(date, "D"), inferred=not rel, relative=True)


_DEICTIC_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "last night": -1,
                 "this morning": 0, "this afternoon": 0, "this evening": 0,
                 "сегодня": 0, "вчера": -1, "завтра": 1, "позавчера": -2, "послезавтра": 2}


def h_deictic_day(m: re.Match, ctx: Ctx) -> Val | None:
    word = re.sub(r"\s+", " ", m.group("dd").lower().removesuffix("'s"))
    n = _DEICTIC_DAYS[word]
    if _g(m, "before"):
        n -= 1
    if _g(m, "after"):
        n += 1
    if ctx.anchor is None:
        return Val(relative=True)
    return Val(cal=cal_of(ctx.anchor + dt.timedelta(days=n), "D"), relative=True)


def h_ref(literal: str) -> Handler:
    def handler(m: re.Match, ctx: Ctx) -> Val | None:
        return Val(literal=literal)
    return handler


_UNIT_GRAN = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y", "E": "E", "C": "C"}


def _unit(word: str) -> str:
    w = word.lower()
    if w in EN_UNITS:
        return EN_UNITS[w]
    for stem, u in (("дн", "D"), ("ден", "D"), ("недел", "W"), ("месяц", "M"), ("квартал", "Q"),
                    ("год", "Y"), ("лет", "Y"), ("десятилет", "E"), ("век", "C")):
        if w.startswith(stem):
            return u
    raise KeyError(word)


def h_relative_unit(m: re.Match, ctx: Ctx) -> Val | None:
    """"last week", "this year", "next month", "the past year", "the current quarter"."""
    unit = _unit(m.group("unit"))
    n = relative_mode(m.group("rel"))
    rel = m.group("rel").lower()
    if unit in ("H", "MIN"):
        return None
    if rel in ("following", "previous", "prior", "that", "the same", "same"):
        # Anaphoric: counts from the last date the text mentioned.
        return Val(anaphor=("shift", unit, n), relative=True)
    if ctx.anchor is None:
        return Val(relative=True)
    gran = _UNIT_GRAN[unit]
    return Val(cal=cal_of(shift(ctx.anchor, unit, n), gran), relative=True)


def h_ago(m: re.Match, ctx: Ctx) -> Val | None:
    """"two years ago", "a week earlier", "six months later", "10 days before"."""
    unit = _unit(m.group("unit"))
    if unit in ("H", "MIN"):
        return None
    # Russian may leave the count out: "год назад" is one year.
    n = num_value(m.group("num")) if m.group("num") else 1
    direction = m.group("dir").lower()
    sign = 1 if direction in ("later", "after", "from now", "hence", "спустя", "через") else -1
    if n is None:
        return Val(literal="PAST_REF" if sign < 0 else "FUTURE_REF")
    if direction in ("earlier", "later", "before", "after", "спустя"):
        return Val(anaphor=("shift", unit, sign * n), relative=True)
    if ctx.anchor is None:
        return Val(relative=True)
    # "a decade ago" is a year ten years back, not a decade.
    gran = "Y" if unit in ("E", "C") else _UNIT_GRAN[unit]
    return Val(cal=cal_of(shift(ctx.anchor, unit, sign * n), gran), relative=True,
               anaphor=("ago", unit, sign * n))


def h_quarter(m: re.Match, ctx: Ctx) -> Val | None:
    """"the third quarter", "third-quarter", "the first quarter of 1990", "Q3 2024", "the second half"."""
    qword = (_g(m, "q") or "").lower()
    q = int(qword) if qword.isdigit() else next(
        (v for k, v in {**EN_ORDINALS, **RU_ORDINALS}.items() if qword.startswith(k)), None)
    half = bool(_g(m, "half"))
    if q is None or (half and q > 2):
        return None
    gran = "H" if half else "Q"
    year = _g(m, "y") or _g(m, "y2")
    if year:
        return Val(cal=Cal(gran, int(year), q), explicit=True)
    rel = (_g(m, "rel") or "").lower()
    if ctx.anchor is None:
        return Val(relative=True, inferred=True)
    a = ctx.anchor
    if rel:
        n = relative_mode(rel.split("'")[0].split()[0]) if rel not in ("year-ago", "year-earlier") else -1
        return Val(cal=Cal(gran, a.year + n, q), relative=True)
    # Quarters are mostly reported after they end: only a future cue points ahead.
    cal = pick_year(a, lambda y: Cal(gran, y, q), ctx.tense(m.start(), m.end()), lean_future=4.0)
    return Val(cal=cal, inferred=True, relative=True)


def h_quarter_ref(m: re.Match, ctx: Ctx) -> Val | None:
    """"the quarter", "the latest quarter", "the year-ago quarter": the last quarter mentioned."""
    if _g(m, "y"):
        return Val(anaphor=("quarter_in", int(m.group("y"))), relative=True)
    if _g(m, "latest") and "period" not in m.group(0).lower() and ctx.anchor is not None:
        return Val(cal=cal_of(shift(ctx.anchor, "Q", -1), "Q"), relative=True)
    back = 1 if _g(m, "ago") else 0
    return Val(anaphor=("quarter", back), relative=True)


def h_season(m: re.Match, ctx: Ctx) -> Val | None:
    word = (_g(m, "season") or _g(m, "season2")).lower()
    code = EN_SEASONS.get(word) or next(v for k, v in RU_SEASONS.items() if word.startswith(k))
    year = _g(m, "y") or _g(m, "y2")
    if year:
        return Val(cal=Cal("S", int(year), code), explicit=True)
    if ctx.anchor is None:
        return Val(relative=True, inferred=True)
    a = ctx.anchor
    current = cal_of(a, "S")  # winter 1997 runs into February 1998
    rel = (_g(m, "rel") or "").lower()
    n = -1 if rel.endswith("past") else relative_mode(rel.split()[-1]) if rel else 0
    if n == -1:
        y = current.year if _season_index(code) < _season_index(current.part) else current.year - 1
        return Val(cal=Cal("S", y, code), relative=True)
    if n == 1:
        y = current.year if _season_index(code) > _season_index(current.part) else current.year + 1
        return Val(cal=Cal("S", y, code), relative=True)
    if rel in ("this", "the coming", "coming") or rel.startswith("эт"):
        return Val(cal=Cal("S", a.year, code), relative=True)
    cal = pick_year(a, lambda y: Cal("S", y, code), ctx.tense(m.start(), m.end()))
    return Val(cal=cal, inferred=True, relative=True)


def _season_index(code: str) -> int:
    return ("SP", "SU", "FA", "WI").index(code)


def h_weekend(m: re.Match, ctx: Ctx) -> Val | None:
    if ctx.anchor is None:
        return Val(relative=True)
    rel = (_g(m, "rel") or "").lower()
    n = relative_mode(rel) if rel else 0
    if rel in ("this", "") and n == 0:
        sat = weekday_date(ctx.anchor, 5, "future" if ctx.tense(m.start(), m.end()) == "future" else "past")
    else:
        sat = weekday_date(ctx.anchor, 5, "last" if n < 0 else "next")
    iso = sat.isocalendar()
    return Val(literal=f"{iso[0]:04d}-W{iso[1]:02d}-WE", relative=True)


def h_year_part(m: re.Match, ctx: Ctx) -> Val | None:
    """"year-end", "the end of the year": the anchor's year."""
    if ctx.anchor is None:
        return Val(relative=True)
    return Val(cal=Cal("Y", ctx.anchor.year), relative=True)


def h_iso(m: re.Match, ctx: Ctx) -> Val | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    date = safe_date(y, mo, d)
    return Val(cal=cal_of(date, "D"), explicit=True) if date else None


def h_numeric(m: re.Match, ctx: Ctx) -> Val | None:
    """"10.05.2024" (day first, Russian and most of Europe), "05/10/2024" (month first in English)."""
    a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    if y < 100:
        y += 1900 if y > 30 else 2000
    day_first = ctx.lang != "en" or m.group("sep") == "."
    d, mo = (a, b) if day_first else (b, a)
    date = safe_date(y, mo, d)
    return Val(cal=cal_of(date, "D"), explicit=True) if date else None


def h_holiday(m: re.Match, ctx: Ctx) -> Val | None:
    if _g(m, "period"):
        return None  # "the Easter holidays", "the Christmas period": days around the holiday, not the day
    name = re.sub(r"\s+", " ", m.group("hol").lower().replace("’", "'"))
    if name in _BARE_HOLIDAYS and _in_a_name(ctx.text, m.start("hol"), m.end("hol")):
        return None
    year = _g(m, "y")
    make = lambda y: _holiday(name, y)  # noqa: E731
    if year:
        c = make(int(year))
        return Val(cal=c, explicit=True) if c else None
    if ctx.anchor is None:
        return Val(relative=True, inferred=True)
    rel = (_g(m, "rel") or "").lower()
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense(m.start(), m.end())
    cal = pick_year(ctx.anchor, make, tense)
    return Val(cal=cal, inferred=not rel, relative=True) if cal else None


_BARE_HOLIDAYS = {"christmas", "easter", "thanksgiving", "halloween"}


def _in_a_name(text: str, start: int, end: int) -> bool:
    """A bare holiday inside a capitalised name is no day: "Easter Egg Podcasts", "Operation Easter",
    "Christmas Clapton". A capitalised word before it counts unless it opens the sentence."""
    after = re.match(r"\s+([A-Z][a-z]+)", text[end:end + 30])
    if after and after.group(1) not in ("Day", "Eve", "Sunday", "Monday"):
        return True
    before = re.search(r"([A-Za-z]+)(\s+)$", text[max(0, start - 30):start])
    if before and before.group(1)[0].isupper():
        lead = text[max(0, start - 30):start][:before.start()].rstrip()
        return bool(lead) and lead[-1] not in ".!?\"“\n"
    return False


def _holiday(name: str, y: int) -> Cal | None:
    fixed = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
             "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
             "halloween": (10, 31), "valentine's day": (2, 14), "boxing day": (12, 26)}
    if name in fixed:
        return _day_cal(y, *fixed[name])
    if name.startswith("thanksgiving"):
        return cal_of(weekday_date(dt.date(y, 11, 1), 3, "future") + dt.timedelta(weeks=3), "D")
    if name == "election day":
        return cal_of(weekday_date(dt.date(y, 11, 2), 1, "future"), "D")
    if name == "labor day":
        return cal_of(weekday_date(dt.date(y, 9, 1), 0, "future"), "D")
    if name == "memorial day":
        return cal_of(weekday_date(dt.date(y, 5, 31), 0, "past"), "D")
    if name in ("easter", "easter sunday"):
        return cal_of(_easter(y), "D")
    if name == "good friday":
        return cal_of(_easter(y) - dt.timedelta(days=2), "D")
    if name == "easter monday":
        return cal_of(_easter(y) + dt.timedelta(days=1), "D")
    return None


def _easter(y: int) -> dt.date:
    """Gregorian Easter (anonymous algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(y, month, day + 1)


def h_anaphoric_day(m: re.Match, ctx: Ctx) -> Val | None:
    """"the next day", "the following morning", "that day", "the same day"."""
    rel = m.group("rel").lower()
    n = 0 if rel.endswith("same") else relative_mode(rel.split()[-1])
    return Val(anaphor=("shift", "D", n), relative=True)


def h_duration(m: re.Match, ctx: Ctx) -> Val | None:
    unit = _unit(m.group("unit"))
    n = num_value(m.group("num")) if _g(m, "num") else 1
    count = "X" if n is None else str(n)
    if unit in ("H", "MIN"):
        return Val(type="DURATION", literal=f"PT{count}{'M' if unit == 'MIN' else 'H'}")
    if unit == "C":
        return Val(type="DURATION", literal=f"P{count}00Y" if n else "PXC")
    return Val(type="DURATION", literal=f"P{count}{unit}")


def h_vague_duration(m: re.Match, ctx: Ctx) -> Val | None:
    """"recent months", "the coming weeks": a stretch of unknown length (TimeBank: DURATION)."""
    return Val(type="DURATION", literal="PX" + _unit(m.group("unit"))[0])


def h_set(m: re.Match, ctx: Ctx) -> Val | None:
    """"daily", "every week", "each year"."""
    word = (_g(m, "set") or "").lower()
    unit = {"daily": "D", "weekly": "W", "monthly": "M", "quarterly": "Q", "annually": "Y",
            "yearly": "Y", "hourly": "H"}.get(word) or _unit(m.group("unit"))
    return Val(type="SET", literal=f"PT1H" if unit == "H" else f"P1{unit}")


def h_clock(m: re.Match, ctx: Ctx) -> Val | None:
    """"10:35 a.m.", "5 p.m. Friday", "noon Saturday"."""
    word = (_g(m, "word") or "").lower()
    if word:
        hh, mm = (12, 0) if word == "noon" else (24, 0)
    else:
        hh, mm = int(m.group("hh")), int(m.group("mm") or 0)
        if hh > 12 or mm > 59:
            return None
        pm = m.group("ampm").lower().startswith("p")
        hh = hh % 12 + (12 if pm else 0)
    day = None
    if ctx.anchor is not None:
        wd = _g(m, "wd")
        if wd:
            day = weekday_date(ctx.anchor, EN_WEEKDAYS[wd.lower()], "future"
                               if ctx.tense(m.start(), m.end()) == "future" else "past")
        else:
            day = ctx.anchor
    if day is None:
        return Val(type="TIME", relative=True)
    return Val(type="TIME", cal=cal_of(day, "D"), suffix=f"T{hh:02d}:{mm:02d}", relative=True)


# --------------------------------------------------------------------------
# Handlers (Russian)
# --------------------------------------------------------------------------

def h_ru_relative(m: re.Match, ctx: Ctx) -> Val | None:
    """"на прошлой неделе", "в этом году", "в следующем месяце"."""
    unit = _unit(m.group("unit"))
    n = relative_mode(m.group("rel"))
    if ctx.anchor is None:
        return Val(relative=True)
    return Val(cal=cal_of(shift(ctx.anchor, unit, n), _UNIT_GRAN[unit]), relative=True)


def h_ru_decade(m: re.Match, ctx: Ctx) -> Val | None:
    return Val(cal=Cal("E", int(m.group("dy"))))


# --------------------------------------------------------------------------
# Rules. Patterns are compiled once; longer matches win over shorter ones.
# --------------------------------------------------------------------------

def _c(pattern: str, flags: int = 0, word_start: bool = True) -> re.Pattern:
    """Compile a rule; ``word_start`` lets the engine skip positions inside words (3-6x faster)."""
    return re.compile(rf"\b(?=\w)(?:{pattern})" if word_start else pattern, flags)


_I = re.IGNORECASE
_LB = r"(?<![\w.-])"  # a left word boundary that also refuses "x-2024-05-01" and ".2024"

_RULES_EN: list[Rule] = [
    Rule("iso", _c(rf"{_LB}(?P<y>1[5-9]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d\w])"), h_iso, ("en", "ru")),
    Rule("numeric", _c(rf"{_LB}(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)(?P<y>1[5-9]\d\d|20\d\d)(?!\d)"),
         h_numeric, ("en", "ru")),
    Rule("month_day", _c(
        rf"(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?)?{_month('mon')}\s*"
        rf"{_day('d1')}(?:{_DASH}{_day('d2')})?(?:(?:,\s*|\s+)(?:of\s+)?{_year('y')})?"), h_month_day),
    Rule("day_month", _c(
        rf"(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?(?:the\s+)?"
        rf"(?<![\d.]){_day('d1')}(?:{_DASH}{_day('d2')})?\s+(?:of\s+)?{_month('mon')}"
        rf"(?:,?\s+{_year('y')})?"), h_month_day),
    Rule("month_year", _c(rf"{_month('mon')},?\s+(?:of\s+)?{_year('y')}"), h_month_year),
    Rule("month", _c(rf"(?:(?P<rel>(?i:last|next|this|past|coming))\s+)?(?P<mon>(?:{_MONTH_FULL})(?![\w]))"
                     rf"(?!\s+(?:\d|[A-Z][a-z]))"), h_month),
    Rule("month_rel_year", _c(rf"(?P<mon>(?:{_MONTH_FULL}))\s+(?P<rel>(?i:last|this|next))\s+year"),
         h_month_rel_year),
    Rule("year", _c(rf"(?<![\w.])(?<!\d-)(?:(?i:(?:fiscal|financial|calendar)\s+(?:year\s+)?|(?:the\s+)?year\s+))?(?P<y>1[6-9]\d\d|20\d\d)(?![\d\w])"
                    rf"(?!,\d)(?!-\d)(?!\s*(?:%|percent\b))"), h_year),
    Rule("spoken_year", _c(rf"(?i:(?:(?P<mon>{_MONTH_FULL})\s+)?(?:(?:the\s+)?year\s+)?(?:{_SPOKEN_YEAR}))(?![\w-])"),
         h_spoken_year),
    Rule("decade", _c(rf"(?:(?i:the)\s+)?(?:(?P<dy>1[5-9]\d0|20[0-9]0)'?s|'(?P<dshort>\d0)'?s|(?i:(?P<dword>"
                      rf"twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)))(?![\w])",
                      word_start=False),
         h_decade),
    Rule("century", _c(rf"(?i:(?:the\s+)?(?<![\w.])(?P<cn>1\d|20|21|[2-9])(?:st|nd|rd|th)\s+century)(?![\w])"), h_century),
    Rule("weekday", _c(rf"(?:(?P<rel>(?i:last|next|this coming|coming|this|previous|(?<=[Tt]he\s)following|past))\s+)?"
                       rf"{_WEEKDAY}(?:\s+(?P<part>morning|afternoon|evening|night))?"), h_weekday),
    Rule("deictic_day", _c(r"(?i:(?P<before>the day before\s+)?(?P<after>the day after\s+)?"
                           r"(?P<dd>(?:today|yesterday|tomorrow|tonight)(?!'s)|last\s+night|this\s+(?:morning|afternoon|evening))"
                           r"(?:\s+(?P<part>morning|afternoon|evening|night))?)(?![\w])"),
         h_deictic_day),
    # "now" and "currently" are annotated as dates in news; "previously", "soon" and
    # adjectival "future"/"recent" mostly are not, so they stay out.
    Rule("now", _c(r"(?i:\b(?:right now|just now|now|nowadays|these days|at present|presently|currently|"
                   r"the present time|current)\b)"), h_ref("PRESENT_REF")),
    Rule("past_ref", _c(r"(?i:\b(?:recently|more recently|recent (?:years|times)|the past(?!\s+(?:\d|"
                        r"(?:one|two|three|four|five|six|seven|eight|nine|ten|several|few|couple)\b))"
                        r"|the old days)\b)"),
         h_ref("PAST_REF")),
    Rule("future_ref", _c(r"(?i:\b(?:the near future|the (?:foreseeable\s+)?future|the near term|the short term|"
                          r"a later date)\b)"),
         h_ref("FUTURE_REF")),
    # The unit is lower case: "This Week" is a programme, not a week.
    Rule("relative_unit", _c(rf"(?i:(?:the\s+)?(?P<rel>last|this|next|past|coming|previous|prior|following|current|"
                             rf"that|same))\s+(?:fiscal\s+)?(?P<unit>week|month|quarter|year|decade|century)(?![\w-])"),
         h_relative_unit),
    Rule("ago", _c(rf"(?i:{_APPROX}{_NUM}\s+{_UNIT}(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|from now|hence))(?![\w])"),
         h_ago),
    # "the third quarter" keeps its article; the adjective "third-quarter" (profit) does not.
    Rule("quarter", _c(
        rf"(?i:(?:the\s+)?(?:(?P<rel>this year's|last year's|next year's|year-ago|year-earlier|"
        rf"this|last|next)\s+)?(?:(?P<y2>1[6-9]\d\d|20\d\d)\s+)?(?:fiscal[\s-]+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
        rf"(?:\s+fiscal)?\s+(?:(?P<half>half)|quarter)(?:\s+of\s+(?:fiscal\s+)?(?P<y>1[6-9]\d\d|20\d\d))?)(?![\w-])"),
         h_quarter),
    Rule("quarter_adj", _c(rf"(?i:(?:fiscal[\s-]+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)-(?:(?P<half>half)|quarter))(?![\w-])"),
         h_quarter),
    Rule("quarter_q", _c(rf"{_LB}Q(?P<q>[1-4])(?:\s+|[-/])?(?P<y>1[6-9]\d\d|20\d\d)?(?![\w])"), h_quarter),
    Rule("quarter_ref", _c(r"(?i:(?:the|that|this)\s+(?P<latest>latest\s+|current\s+)?(?:same\s+|comparable\s+)?"
                           r"(?:(?P<ago>year-ago\s+|year-earlier\s+|year-before\s+)|(?P<y>1[6-9]\d\d|20\d\d)\s+)?"
                           r"(?:quarter|period)(?![\w-]))"),
         h_quarter_ref),
    Rule("year_ago_adj", _c(r"(?i:\b(?P<ago>year-ago|year-earlier)(?=\s+(?:quarter|period|levels?|results|figures?|"
                            r"profit|net|earnings|sales)))\b"), h_quarter_ref),
    # A season word needs a determiner or a year: bare "fall" and "spring" are mostly not times.
    Rule("season", _c(rf"(?:(?P<rel>(?i:this past|last|next|this|the past|past|the coming|coming|the))\s+"
                      rf"(?:(?i:early|late|mid-?)\s*)?{_SEASON}(?:\s+(?:of\s+)?(?P<y>1[6-9]\d\d|20\d\d))?"
                      rf"|(?P<season2>spring|summer|fall|autumn|winter)(?:\s+of)?\s+(?P<y2>1[6-9]\d\d|20\d\d))(?![\w])"
                      rf"(?!\s+(?:of|in|to|from)\b)"),
         h_season),
    Rule("weekend", _c(r"(?i:(?:the\s+|this\s+|last\s+|next\s+|past\s+|the\s+past\s+|the\s+coming\s+)?(?P<rel>last|next|this|past|coming)?\s*weekend)\b"),
         h_weekend),
    Rule("year_part", _c(r"(?i:\b(?:year[\s-]end|year's end|the end of (?:the|this) year)\b)"), h_year_part),
    Rule("holiday", _c(r"(?:(?P<rel>(?i:last|next|this))\s+)?(?P<hol>Good Friday|Easter Monday|Boxing Day|Christmas(?: Eve| Day)?|New Year[’']s (?:Day|Eve)|"
                       r"Thanksgiving(?: Day)?|Easter(?: Sunday)?|Independence Day|Election Day|Labor Day|"
                       r"Memorial Day|Halloween|Valentine[’']s Day)(?:,?\s+(?P<y>1[6-9]\d\d|20\d\d))?(?![\w])"
                       r"(?P<period>\s+(?i:holidays?|break|period|season|recess|vacation|weekend|week|shopping)\b)?"),
         h_holiday),
    Rule("anaphoric_day", _c(r"(?i:\b(?P<rel>the next|the following|the previous|the same|that same)\s+"
                             r"(?:day|morning|evening|night)\b)"),
         h_anaphoric_day),
    Rule("clock", _c(r"(?i:(?:(?<![\w.:])(?P<hh>1[0-2]|0?[1-9])(?::(?P<mm>[0-5]\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b)"
                     r"|(?P<word>noon|midnight))(?:\s+(?:[A-Z]{3}\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|"
                     r"Friday|Saturday|Sunday))?)"), h_clock),
    Rule("duration", _c(rf"(?i:(?:(?:the|a)\s+)?(?:(?:past|last|next|first|coming|previous|final|latest)\s+)?"
                        rf"{_APPROX}(?P<num>\d+|a couple of|a few|several|many|two|three|four|five|six|seven|eight|nine|ten|"
                        rf"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)[\s-]+"
                        rf"(?P<unit>days?|weeks?|months?|quarters?|years?|decades?|centur(?:y|ies)|hours?|minutes?)"
                        rf"(?:-(?:old|long))?)(?![\w])"), h_duration),
    Rule("duration_units", _c(r"(?i:\b(?:the\s+)?(?:recent|past|coming)\s+(?P<unit>days|weeks|months|years|decades))\b"),
         h_vague_duration),
    Rule("set", _c(r"(?i:\b(?:(?P<set>daily|weekly|monthly|quarterly|annually|yearly|hourly)|"
                   r"(?:every|each|per|a)\s+(?P<unit>day|week|month|quarter|year))\b)"),
         h_set),
]


# Russian: prepositions (в, на, во, к, с, до) stay outside the span.
_RU_MONTH = (r"(?P<mon>(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)(?:ь|я|е|ём|ем)"
             r"|(?:март|август)(?:а|е|ом)?|ма(?:й|я|е|ем))(?![\w])")
_RU_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.))?"
_RU_NUM = r"(?P<num>\d+|один|одну|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|пару|несколько)"
_RU_UNIT = (r"(?P<unit>дн(?:я|ей)|день|недел(?:ю|и|ь)|месяц(?:а|ев)?|квартал(?:а|ов)?|год(?:а)?|лет)")

_RULES_RU: list[Rule] = [
    Rule("ru_day_month", _c(rf"(?<![\d.])(?P<d1>3[01]|[12]\d|0?[1-9])(?:{_DASH}(?P<d2>3[01]|[12]\d|0?[1-9]))?\s+"
                            rf"{_RU_MONTH}(?:\s+(?P<y>1[5-9]\d\d|20\d\d){_RU_YEAR_WORD})?", _I),
         h_month_day, ("ru",)),
    Rule("ru_month_year", _c(rf"{_RU_MONTH}\s+(?P<y>1[5-9]\d\d|20\d\d){_RU_YEAR_WORD}", _I), h_month_year, ("ru",)),
    Rule("ru_month", _c(rf"{_RU_MONTH}", _I), h_month, ("ru",)),
    Rule("ru_year", _c(rf"(?<![\d.-])(?P<y>1[6-9]\d\d|20\d\d)(?![\d\w-])(?:\s*(?:года|году|год|г\.)(?![\w]))", _I),
         lambda m, ctx: Val(cal=Cal("Y", int(m.group("y"))), explicit=True), ("ru",)),
    Rule("ru_year_bare", _c(r"(?<=\b[вВ]\s)(?P<y>1[6-9]\d\d|20\d\d)(?![\d\w-])"),
         lambda m, ctx: Val(cal=Cal("Y", int(m.group("y"))), explicit=True), ("ru",)),
    Rule("ru_decade", _c(r"(?P<dy>1[5-9]\d0|20\d0)-(?:е|х|ые|ых)(?:\s+(?:годы|годах|годов|года))?(?![\w])", _I),
         h_ru_decade, ("ru",)),
    Rule("ru_deictic", _c(r"(?<![\w])(?P<dd>позавчера|послезавтра|сегодня|вчера|завтра)(?![\w])", _I),
         h_deictic_day, ("ru",)),
    Rule("ru_now", _c(r"(?<![\w])(?:сейчас|ныне|в настоящее время|в настоящий момент|на данный момент|"
                      r"в данный момент|нынче|теперь)(?![\w])", _I), h_ref("PRESENT_REF"), ("ru",)),
    Rule("ru_past", _c(r"(?<![\w])(?:недавно|ранее|прежде)(?![\w])", _I), h_ref("PAST_REF"), ("ru",)),
    Rule("ru_future", _c(r"(?<![\w])(?:в ближайшем будущем|в ближайшее время)(?![\w])", _I),
         h_ref("FUTURE_REF"), ("ru",)),
    Rule("ru_relative", _c(r"(?<![\w])(?P<rel>эт(?:ой|ом|от|у|а)|прошл(?:ой|ом|ую|ый|ого)|следующ(?:ей|ем|ую|ий|его)|"
                           r"будущ(?:ей|ем|ую|ий|его)|текущ(?:ей|ем|ий|его))\s+"
                           r"(?P<unit>недел(?:е|ю|и|я)|месяц(?:е|а)?|квартал(?:е|а)?|год(?:у|а)?)(?![\w])", _I),
         h_ru_relative, ("ru",)),
    Rule("ru_ago", _c(rf"(?<![\w]){_RU_NUM}?\s*{_RU_UNIT}\s+(?P<dir>назад)(?![\w])", _I),
         h_ago, ("ru",)),
    Rule("ru_in", _c(rf"(?<![\w])(?P<dir>через|спустя)\s+{_RU_NUM}?\s*{_RU_UNIT}(?![\w])", _I),
         h_ago, ("ru",)),
    Rule("ru_weekday", _c(r"(?:(?<=\b[вВ]\s)|(?<=\b[вВ]о\s))(?:(?P<rel>прошлый|прошлую|прошлое|следующий|следующую|следующее)\s+)?"
                          r"(?P<wd>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)(?![\w])", _I),
         h_weekday, ("ru",)),
    Rule("ru_quarter", _c(r"(?<![\w])(?P<q>перв|втор|трет|четверт|четвёрт)\w*\s+(?:(?P<half>полугоди)\w*|квартал\w*)"
                          r"(?:\s+(?P<y>1[6-9]\d\d|20\d\d)\s*(?:года|г\.)?)?", _I), h_quarter, ("ru",)),
    Rule("ru_season", _c(r"(?<![\w])(?:(?P<rel>эт(?:ой|им|ого)|прошл(?:ой|ым|ого)|следующ(?:ей|им|его))\s+)?"
                         r"(?P<season>весн(?:ой|а|у|ы)|лет(?:ом|о|а)|осен(?:ью|ь|и)|зим(?:ой|а|у|ы))"
                         r"(?:\s+(?P<y>1[6-9]\d\d|20\d\d)\s*(?:года|г\.)?)?(?![\w])", _I),
         h_season, ("ru",)),
]


# Russian text gets the Russian rules plus the language-neutral ones (ISO and
# numeric dates); any other language falls back to the English grammar.
RULES: tuple[Rule, ...] = tuple(_RULES_EN + _RULES_RU)

# Words that widen a date without changing its value: "early 1990", "the end of
# 1994", "mid-November", "late last week", "earlier this year". Prepositions
# ("until", "as of", "around") stay outside, as TimeBank annotates them.
_EN_MODIFIER = re.compile(
    r"(?i:(?:(?:the\s+)?(?:very\s+)?(?:early|late|mid|middle of|beginning of|start of|end of|close of|"
    r"latter part of|first part of|rest of|remainder of|last half of|first half of|second half of|"
    r"earlier|later|sometime|some time)(?:\s+(?:the\s+)?|-))$)")
_HALF = re.compile(r"(?i)\b(?:first|second|last)(?=\s+half)")
_RU_MODIFIER = re.compile(r"(?i:(?:начал[ео]|конц[ае]|середин[еуы]|с\s+начала|к\s+концу|до\s+конца)\s+)$")


# --------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    rule: str
    val: Val


def _candidates(ctx: Ctx) -> Iterator[_Hit]:
    for rule in RULES:
        if ctx.lang not in rule.langs and not (ctx.lang not in ("en", "ru") and "en" in rule.langs):
            continue
        for m in rule.pattern.finditer(ctx.text):
            span = m.span("t") if "t" in rule.pattern.groupindex else m.span()
            if span[0] == span[1]:
                continue
            val = rule.handler(m, ctx)
            if val is not None:
                start, end = _trim(ctx.text, *span)
                yield _Hit(start, end, rule.name, val)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces, commas and a possessive-free trailing hyphen from a span."""
    while end > start and text[end - 1] in " \t\n,-–":
        end -= 1
    while start < end and text[start] in " \t\n,":
        start += 1
    return start, end


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Longest match first; a shorter one survives only where it overlaps nothing kept."""
    kept: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            continue
        kept.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(kept, key=lambda h: h.start)


def _widen(ctx: Ctx, hit: _Hit) -> _Hit:
    """Take a modifier before a DATE into its span ("early 1990", "начале декабря")."""
    if hit.val.type != "DATE" or hit.val.literal:
        return hit
    before = ctx.text[max(0, hit.start - 40):hit.start]
    pattern = _RU_MODIFIER if ctx.lang == "ru" else _EN_MODIFIER
    m = pattern.search(before)
    if not m:
        return hit
    widened = replace(hit, start=hit.start - (len(before) - m.start()))
    half = _HALF.search(m.group(0))
    cal = hit.val.cal
    if half and cal is not None and cal.gran == "Y":
        # "the second half of 1989" is a value of its own, 1989-H2.
        part = 1 if half.group(0).lower() == "first" else 2
        widened = replace(widened, val=replace(hit.val, cal=Cal("H", cal.year, part)))
    return widened


def _resolve(ctx: Ctx, hits: list[_Hit]) -> list[TimeExpression]:
    """Turn hits into results in text order, resolving anaphora against what came before."""
    out: list[TimeExpression] = []
    last: Cal | None = None            # the last date mentioned (a reference point)
    last_quarter: tuple[int, Cal] | None = None  # (sentence no, quarter)
    for hit in hits:
        val = hit.val
        # Values derived from another mention do not become reference points
        # themselves, or "a year earlier ... a year earlier" would drift back.
        derived = bool(val.anaphor) and val.anaphor[0] != "ago"
        if val.anaphor:
            val = _anaphor(ctx, hit, val, last, last_quarter)
            if val is None:
                continue
        out.append(_expression(ctx, hit, val))
        if val.cal is not None and val.type == "DATE" and not derived:
            if val.cal.gran in ("Q", "H"):
                last_quarter = (ctx.sentence_no(hit.start), val.cal)
            if val.cal.gran != "E" and val.cal.gran != "C":
                last = val.cal
    return out


def _anaphor(ctx: Ctx, hit: _Hit, val: Val, last: Cal | None,
             last_quarter: tuple[int, Cal] | None) -> Val | None:
    kind = val.anaphor[0]
    if kind == "ago":
        # "a year ago" beside a quarter in financial copy means that quarter a year before.
        _, unit, n = val.anaphor
        if unit == "Y" and last_quarter and ctx.sentence_no(hit.start) - last_quarter[0] <= 1:
            q = last_quarter[1]
            return replace(val, cal=Cal(q.gran, q.year + n, q.part), anaphor=())
        return replace(val, anaphor=())
    if kind == "quarter":
        back = val.anaphor[1]
        if last_quarter is not None:
            q = last_quarter[1]
        elif ctx.anchor is not None:
            q = cal_of(shift(ctx.anchor, "Q", -1), "Q")  # the latest quarter reported
        else:
            return replace(val, anaphor=(), cal=None)
        return replace(val, cal=Cal(q.gran, q.year - back, q.part), anaphor=())
    if kind == "quarter_in":
        # "the 1988 quarter": the quarter under discussion, in the year named.
        q = last_quarter[1] if last_quarter is not None else (
            cal_of(shift(ctx.anchor, "Q", -1), "Q") if ctx.anchor else None)
        return replace(val, cal=Cal(q.gran, val.anaphor[1], q.part) if q else Cal("Y", val.anaphor[1]), anaphor=())
    ref = last if last is not None else (cal_of(ctx.anchor, "D") if ctx.anchor else None)
    if ref is None:
        return replace(val, anaphor=(), cal=None)
    if kind == "weekday":
        _, wd, n = val.anaphor
        base = ref.date() if ref.gran == "D" else ctx.anchor
        if base is None:
            return replace(val, anaphor=(), cal=None)
        return replace(val, cal=cal_of(weekday_date(base, wd, "last" if n < 0 else "next"), "D"), anaphor=())
    _, unit, n = val.anaphor
    if unit == "Y" and last_quarter and ctx.sentence_no(hit.start) - last_quarter[0] <= 1:
        q = last_quarter[1]
        return replace(val, cal=Cal(q.gran, q.year + n, q.part), anaphor=())
    if _rank(ref.gran) > _rank(unit):
        # The reference is coarser than the step ("1990" then "a month later"): count from the anchor.
        if ctx.anchor is None:
            return replace(val, anaphor=(), cal=None)
        return replace(val, cal=cal_of(shift(ctx.anchor, unit, n), unit), anaphor=())
    # The step keeps the reference's own granularity: a year before 1989-Q3 is 1988-Q3.
    return replace(val, cal=cal_of(shift(ref.date(), unit, n), ref.gran), anaphor=())


def _rank(gran: str) -> int:
    return "DWMQHSYEC".index(gran)


def _expression(ctx: Ctx, hit: _Hit, val: Val) -> TimeExpression:
    if val.literal is not None:
        value = val.literal
        precision = "week" if value.endswith("-WE") else "day" if value.startswith("XXXX-") else "unknown"
    elif val.cal is not None:
        value = val.cal.format() + val.suffix
        precision = PRECISION[val.cal.gran]
    else:
        value, precision = None, "unknown"
    end_value = val.end_cal.format() if val.end_cal is not None else None
    return TimeExpression(hit.start, hit.end, ctx.text[hit.start:hit.end], val.type, value,
                          end_value, precision, val.inferred and value is not None)


def find_timexes(text: str, anchor: dt.date | None, lang: str = "en") -> list[TimeExpression]:
    """Every time expression in ``text``, normalised against ``anchor`` (the publication date)."""
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    lang = (lang or "en").lower()[:2]
    ctx = Ctx(text, anchor, lang, sentence_starts(text))
    hits = _select(list(_candidates(ctx)))
    hits = [_widen(ctx, h) for h in hits]
    return _resolve(ctx, hits)
