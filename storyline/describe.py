"""describe: (RawDocument, Cleaned) -> Description.

Title, outlet, language, publication date (with where it was found and how
precise it is) and the outlets/agencies the article cites. Every piece is a
plain function usable alone; the only state is compiled regexes and the
language model, loaded lazily once per process.

Publication dates are the delicate part. Evidence is taken in order of trust
and the first that holds wins:

1. ``input``     the ``published`` field a JSONL record gave;
2. ``html-meta`` htmldate on the page markup *without* its extensive text
   search (that search scans visible text and picks up sidebar dates);
3. ``url``       ``/2019/11/19/``-style dates in the URL path;
4. ``dateline``  a date in the header lines the cleaner kept before the body,
   or a bare date / "MOSCOW, June 13 (Reuters) -" at the very start of the
   body. Nothing further down is looked at: bodies are full of other dates;
5. ``fetched``   the crawl time, an upper bound rather than the date itself,
   so it is marked ``inferred``.

A date no later than the crawl time is required at every step (a page cannot
be published after it was fetched; one day of slack for time zones).

A dateline without a year ("June 13", "13 июня") gets one (``inferred``):

* with a crawl time: the most recent such day not after it;
* otherwise: the latest year the body mentions (leaving out "by 2030",
  "until 2029"...), *if consistent*: no month or day of that year mentioned
  in the body falls on or after the dateline's day. "In June 2023" in a
  story datelined "June 13" reads as an earlier year (a same-month event
  would be "earlier this month"), so the year stays unknown rather than
  being guessed twice;
* nothing supports a year: unknown.
"""
from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from storyline.language import classify
from storyline.models import Cleaned, Description, PubDate, RawDocument

# ---------------------------------------------------------------------------
# public API


def describe(doc: RawDocument, cleaned: Cleaned) -> Description:
    """Everything the describe stage finds out about one article."""
    outlet = find_outlet(doc, cleaned)
    title = find_title(doc, cleaned)
    body = "\n".join(part for part in (title, cleaned.text) if part)
    own = _outlet_keys(doc, cleaned)
    cited = tuple(c for c in find_cited_sources(cleaned.text or "") if _norm(c) not in own)
    return Description(
        title=title,
        language=detect_language(body),
        outlet=outlet,
        published=find_published(doc, cleaned),
        cited_sources=cited,
    )


# ---------------------------------------------------------------------------
# language

LANG_MIN_LETTERS = 12  # fewer letters than this is not enough to tell
LANG_MIN_PROB = 0.5  # py3langid's calibrated probability below which we abstain
LANG_MAX_CHARS = 1000  # an article's opening decides as well as all of it, at a fraction of the cost

# py3langid labels with no ISO 639-1 code of their own, mapped to the
# language they are a variety of; None means "no linguistic content" or no
# 639-1 code at all (then we say nothing rather than a wrong code).
_LANG_MAP: dict[str, str | None] = {
    "ary": "ar", "arz": "ar", "uzs": "uz", "wuu": "zh", "yue": "zh", "gug": "gn",
    "hbo": "he", "sdh": "ku", "zxx": None,
}
_LETTER = re.compile(r"[^\W\d_]")
_URLISH = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when it is too short or not language."""
    if not text:
        return None
    sample = _URLISH.sub(" ", text[:LANG_MAX_CHARS])
    if len(_LETTER.findall(sample)) < LANG_MIN_LETTERS:
        return None
    lang, prob = classify(sample)
    if prob < LANG_MIN_PROB:
        return None
    if lang in _LANG_MAP:
        return _LANG_MAP[lang]
    return lang if len(lang) == 2 else None


# ---------------------------------------------------------------------------
# outlet

_DOMAINISH = re.compile(r"^(?:[\w-]+\.)+[a-zа-я]{2,}$", re.IGNORECASE)


def find_outlet(doc: RawDocument, cleaned: Cleaned) -> str | None:
    """The publisher: a name given by the input, else a registered domain.

    Only the page's own metadata and URL count: an outlet the text merely
    cites ("Orda.kz reports") is a cited source, not the publisher. The
    markup's hostname comes before the fetch URL because a page fetched
    through an archive or proxy still names its own site there.
    """
    given = _str(doc.meta.get("outlet"))
    if given:
        return given
    meta = cleaned.meta or {}
    sitename = _str(meta.get("sitename"))
    for candidate in (
        _domain(_str(meta.get("hostname"))),
        _domain(sitename) if sitename and _DOMAINISH.match(sitename) else None,
        _domain(_page_url(doc)),
        _domain(_str(meta.get("url"))),
    ):
        if candidate:
            return candidate
    return sitename or None


def _domain(url_or_host: str | None) -> str | None:
    """Registered domain without ``www.`` ("bbc.co.uk"), offline; None for IPs/localhost."""
    if not url_or_host:
        return None
    from courlan import extract_domain  # uses the public suffix list bundled with `tld`

    url = url_or_host if "://" in url_or_host else "http://" + url_or_host
    try:
        return extract_domain(url)
    except Exception:  # a malformed URL is no outlet, not a crash
        return None


def _page_url(doc: RawDocument) -> str | None:
    return doc.url or _str(doc.meta.get("url"))


def _outlet_keys(doc: RawDocument, cleaned: Cleaned) -> set[str]:
    """Normalised names the page's own outlet goes by (for titles and citations)."""
    meta = cleaned.meta or {}
    names = {_str(doc.meta.get("outlet")), _str(meta.get("sitename"))}
    for d in (_domain(_str(meta.get("hostname"))), _domain(_page_url(doc)), _domain(_str(meta.get("url")))):
        if d:
            names.add(d)
            names.add(d.split(".")[0])  # "reuters" of reuters.com
    return {_norm(n) for n in names if n and len(_norm(n)) >= 2}


def _norm(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())


def _str(value) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


# ---------------------------------------------------------------------------
# title

_TITLE_SEP = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")
_SENT_END = re.compile(r"[.!:;,…]['\"”’»)]*$")


def find_title(doc: RawDocument, cleaned: Cleaned) -> str | None:
    """Headline: input > cleaner > HTML metadata > a headline-like first line."""
    own = _outlet_keys(doc, cleaned)
    for candidate in (
        _str(doc.meta.get("title")),
        _str(cleaned.title),
        _str((cleaned.meta or {}).get("title")),
        _first_line_title(cleaned.text or ""),
        _first_line_title(doc.content) if doc.kind == "text" else None,
    ):
        if candidate:
            return _strip_site(candidate, own)
    return None


def _strip_site(title: str, own: set[str]) -> str:
    """Drop " | Site Name" / "Reuters - " when that part names the page's outlet.

    "Putin and Aliyev Agree to Meet — Kremlin" keeps its tail: the Kremlin
    is a source of the story, not the site.
    """
    title = " ".join(title.split())
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2 or not own:
        return title
    if _is_own(parts[-1], own):
        title = title[: title.rfind(parts[-1])].rstrip(" |-–—:·•»")
    elif _is_own(parts[0], own):
        title = title[len(parts[0]):].lstrip(" |-–—:·•»")
    return title or parts[0]


def _is_own(part: str, own: set[str]) -> bool:
    key = _norm(part)
    if not key:
        return False
    # "BBC News" on bbc.co.uk: the site name starts with the domain's label
    return key in own or any(len(k) >= 3 and key.startswith(k) and len(key) <= len(k) + 8 for k in own)


def _first_line_title(text: str) -> str | None:
    """The first non-empty line when it reads like a headline of what follows.

    A headline is short, does not end like a sentence, is not a date, and
    shares its words with the next paragraphs, which retell it.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return None
    first = lines[0]
    words = first.split()
    if not 3 <= len(words) <= 25 or len(first) > 200 or _SENT_END.search(first):
        return None
    if _first_date(first) is not None:
        return None
    head = _stems(first)
    if not head:
        return None
    rest = _stems(" ".join(lines[1:4]))
    return first if len(head & rest) / len(head) >= 0.3 else None


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[^\W\d_]{4,}", text.casefold())}


# ---------------------------------------------------------------------------
# publication date

_UNKNOWN = PubDate()
SLACK = dt.timedelta(days=1)  # time zones: a page dated "tomorrow" in UTC terms is fine


def find_published(doc: RawDocument, cleaned: Cleaned) -> PubDate:
    """Publication date by order of trust; see the module docstring."""
    fetched = _fetched_date(doc.fetched_at)
    found = (
        _from_input(doc)
        or _from_html(doc, cleaned, fetched)
        or _from_url(doc, cleaned, fetched)
        or _from_dateline(cleaned, fetched)
    )
    if found:
        return found
    if fetched:
        return PubDate(fetched.isoformat(), "day", "fetched", inferred=True)
    return _UNKNOWN


def _from_input(doc: RawDocument) -> PubDate | None:
    """The ``published`` field of the input record, trusted as given."""
    value = doc.meta.get("published") or doc.meta.get("date")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # a Unix timestamp
            day = dt.datetime.fromtimestamp(value, dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        return PubDate(day.isoformat(), "day", "input")
    parsed = _parse_value(_str(value))
    return PubDate(parsed[0], parsed[1], "input") if parsed else None


def _from_html(doc: RawDocument, cleaned: Cleaned, fetched: dt.date | None) -> PubDate | None:
    """Date the markup declares (meta tags, JSON-LD, <time>), not one seen in its text.

    trafilatura's own date comes from htmldate's *extensive* search, which
    reads visible text and so takes a "Latest news" date as the page's; for
    HTML we read the publication meta tags ourselves and ask htmldate only
    without that search. The cleaner's date is used only when there is no
    markup to ask.
    """
    if doc.kind == "html":
        value = _declared_date(doc.content) or _htmldate(doc.content)
    else:
        value = _str((cleaned.meta or {}).get("date"))
    parsed = _parse_value(value)
    if not parsed or not _not_after(parsed[0], fetched):
        return None
    return PubDate(parsed[0], parsed[1], "html-meta")


# Meta tags that state when a page was first published (not modified).
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "pubdate", "publishdate", "publish_date", "publish-date", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "date",
)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')
_TIME_ATTR = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']?(\d{4}-\d\d-\d\d)", re.IGNORECASE)


def _declared_date(html: str) -> str | None:
    """The published date a page's meta tags or JSON-LD declare, if any."""
    if not html or "<" not in html:
        return None
    found: dict[str, str] = {}
    for tag in _META_TAG.findall(html):
        attrs = {m[1].lower(): m[2] or m[3] or m[4] for m in _ATTR.finditer(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _PUBLISHED_KEYS and attrs.get("content") and _parse_value(attrs["content"]):
            found.setdefault(key, attrs["content"])
    for key in _PUBLISHED_KEYS:
        if key in found:
            return found[key]
    m = _JSONLD_PUBLISHED.search(html)
    return m[1] if m and _parse_value(m[1]) else None


def _htmldate(html: str) -> str | None:
    """htmldate without its text search; None when its answer could be a list's.

    Even so it reads <time> elements, and a page with several distinct
    <time datetime> values is listing other articles: we cannot tell which
    is this one's.
    """
    if not html or "<" not in html:
        return None
    try:
        from htmldate import find_date

        value = find_date(html, extensive_search=False, original_date=True)
    except Exception:  # malformed markup: no date, not a failed batch
        return None
    if value and len(set(_TIME_ATTR.findall(html))) > 1:
        return None
    return value


_URL_DAY = re.compile(
    r"(?<![\d])((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?!\d)")
_URL_COMPACT = re.compile(r"[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])(?:/|$)")


def _from_url(doc: RawDocument, cleaned: Cleaned, fetched: dt.date | None) -> PubDate | None:
    """``/2019/11/19/``, ``/2019-11-19-slug``, ``/20191119/`` or ``/2019/11/`` in the path."""
    for url in (_page_url(doc), _str((cleaned.meta or {}).get("url"))):
        found = find_url_date(url)
        if found and _not_after(found.value, fetched):
            return found
    return None


def find_url_date(url: str | None) -> PubDate | None:
    """A date in a URL's path, or None."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in (_URL_DAY, _URL_COMPACT):
        for m in pattern.finditer(path):
            day = _valid(int(m[1]), int(m[2]), int(m[3]))
            if day:
                return PubDate(day.isoformat(), "day", "url")
    m = _URL_MONTH.search(path)
    if m:
        return PubDate(f"{m[1]}-{int(m[2]):02d}", "month", "url")
    return None


HEADER_MAX_WORDS = 15  # a header line longer than this is a dek, not a dateline
BODY_LINES = 2  # only the first lines of the body may hold a dateline


def _from_dateline(cleaned: Cleaned, fetched: dt.date | None) -> PubDate | None:
    body = cleaned.text or ""
    for found in _dateline_dates(cleaned):
        year, month, day = found
        if year is None:
            inferred = _with_inferred_year(month, day, fetched, body)
            if inferred:
                return inferred
            continue
        value, precision = _iso(year, month, day)
        if _not_after(value, fetched):
            return PubDate(value, precision, "dateline")
    return None


def _dateline_dates(cleaned: Cleaned):
    """(year|None, month, day|None) of each dateline, header lines first."""
    header = (cleaned.meta or {}).get("header") or []
    for line in header if isinstance(header, (list, tuple)) else [header]:
        if isinstance(line, str) and len(line.split()) <= HEADER_MAX_WORDS:
            found = _first_date(line)
            if found:
                yield found
    lines = [ln.strip() for ln in (cleaned.text or "").splitlines() if ln.strip()]
    for line in lines[:BODY_LINES]:
        found = _body_dateline(line)
        if found:
            yield found


def _with_inferred_year(month: int, day: int | None, fetched: dt.date | None, body: str) -> PubDate | None:
    """A year for a yearless dateline, or unknown when nothing supports one."""
    if day is None:
        return None  # "June" alone: too little to date a page by
    if fetched:
        for year in range(fetched.year, fetched.year - 9, -1):  # Feb 29 may need a leap year
            date = _valid(year, month, day)
            if date and date <= fetched + SLACK:
                return PubDate(date.isoformat(), "day", "dateline", inferred=True)
        return None
    year = _body_year(body, month, day)
    date = _valid(year, month, day) if year else None
    return PubDate(date.isoformat(), "day", "dateline", inferred=True) if date else None


_YEAR = re.compile(r"(?<![\w.,/])(1[89]\d\d|20\d\d)(?![\w/]|[.,]\d)")  # "2020-2022" gives both
_FUTURE_CUE = re.compile(r"\b(?:by|until|till|through|before|к|до)\s+$", re.IGNORECASE)


def _body_year(body: str, month: int, day: int) -> int | None:
    """Latest year the body mentions, if no date of that year it names is
    on or after the dateline's (month, day); see the module docstring."""
    years = [int(m[1]) for m in _YEAR.finditer(body) if not _FUTURE_CUE.search(body[max(0, m.start() - 8):m.start()])]
    if not years:
        return None
    latest = max(years)
    for y, m, d in _all_dates(body):
        if y == latest and m is not None and (m, d or 0) >= (month, day if d else 0):
            return None
    return latest


def _fetched_date(value: str | None) -> dt.date | None:
    parsed = _parse_value(value)
    if not parsed or parsed[1] != "day":
        return None
    return dt.date.fromisoformat(parsed[0])


def _not_after(value: str, fetched: dt.date | None) -> bool:
    """A page cannot be published after it was fetched (a day of slack for time zones)."""
    if fetched is None:
        return True
    first_day = value + "-01" * (2 - value.count("-"))  # earliest day the value could mean
    return dt.date.fromisoformat(first_day) <= fetched + SLACK


# -- parsing dates ------------------------------------------------------------

# Month names and their common forms (nominative, genitive, locative) in the
# languages of the example corpus; "May 10-11" and "10-11 May" are ranges,
# never a day plus a two-digit year, because years here are four digits.
_MONTH_FORMS = {
    1: "january jan январь января январе հունվար հունվարի yanvar қаңтар",
    2: "february feb февраль февраля феврале փետրվար փետրվարի fevral ақпан",
    3: "march mar март марта марте մարտ մարտի mart наурыз",
    4: "april apr апрель апреля апреле ապրիլ ապրիլի aprel сәуір",
    5: "may май мая мае մայիս մայիսի мамыр",
    6: "june jun июнь июня июне հունիս հունիսի iyun маусым",
    7: "july jul июль июля июле հուլիս հուլիսի iyul шілде",
    8: "august aug август августа августе օգոստոս օգոստոսի avqust тамыз",
    9: "september sept sep сентябрь сентября сентябре սեպտեմբեր սեպտեմբերի sentyabr қыркүйек",
    10: "october oct октябрь октября октябре հոկտեմբեր հոկտեմբերի oktyabr қазан",
    11: "november nov ноябрь ноября ноябре նոյեմբեր նոյեմբերի noyabr қараша",
    12: "december dec декабрь декабря декабре դեկտեմբեր դեկտեմբերի dekabr желтоқсан",
}
_MONTHS = {form: n for n, forms in _MONTH_FORMS.items() for form in forms.split()}
_MON = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![^\W\d_])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|-?го)?"
_YR = r"(?P<year>(?:19|20)\d\d)(?!\d)(?:\s*(?:г\.|года?\b|թ\.))?"  # "2024 г.", "2024 թ."
_DATE_PATTERNS = [
    # June 13, 2024 · June 13 · Jun. 13 2024  (not "May 10-11")
    re.compile(rf"(?<![^\W\d_]){_MON}\s+{_DAY}(?![\d–-])(?:,?\s+{_YR})?", re.IGNORECASE),
    # 13 June 2024 · 13 июня 2024 г. · 13 June · 13th of June
    re.compile(rf"(?<![\d–-]){_DAY}(?:\s+of)?\s+{_MON}(?:,?\s+{_YR})?", re.IGNORECASE),
    # 2024-06-13
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?!\d)"),
    # 13.06.2024 (day first, as everywhere dots are used)
    re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)"),
    # 06/13/2024 or 13/06/2024, only when unambiguous (see _match_date)
    re.compile(r"(?<![\d/])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>(?:19|20)\d\d)(?!\d)"),
    # June 2024 · июнь 2024 (month precision)
    re.compile(rf"(?<![^\W\d_]){_MON},?\s+{_YR}", re.IGNORECASE),
]


def _match_date(m: re.Match) -> tuple[int | None, int, int | None] | None:
    """(year|None, month, day|None) of a date match, or None if it is no real date."""
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("mon"):
        month = _MONTHS[groups["mon"].lower()]
    elif groups.get("month"):
        month = int(groups["month"])
    else:  # a/b/yyyy: day-first or month-first, whichever is the only valid one
        a, b = int(groups["a"]), int(groups["b"])
        if a > 12 >= b:
            month, groups["day"] = b, groups["a"]
        elif b > 12 >= a:
            month, groups["day"] = a, groups["b"]
        else:
            return None
    day = int(groups["day"]) if groups.get("day") else None
    if day is not None and not _valid(year or 2000, month, day):  # 2000: Feb 29 is possible
        return None
    if not 1 <= month <= 12:
        return None
    return year, month, day


def _all_dates(text: str) -> list[tuple[int | None, int, int | None]]:
    """Every date mentioned in ``text``, earliest first, overlapping matches dropped."""
    spans: list[tuple[int, int, tuple]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            found = _match_date(m)
            if found and not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), found))
    return [found for _, _, found in sorted(spans)]


def _first_date(text: str) -> tuple[int | None, int, int | None] | None:
    dates = _all_dates(text)
    return dates[0] if dates else None


_DATELINE_HEAD = re.compile(r"^[^\W\d_][^\d,\n]{0,40},\s*")  # "MOSCOW, " / "Астана, "
_DATELINE_TAIL = re.compile(r"^[\s,]*(?:\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?)?\s*(?:$|\(|/|[-–—:.])", re.IGNORECASE)
_LEFTOVER_WORD = re.compile(r"[^\W\d_]{2,}")


def _body_dateline(line: str) -> tuple[int | None, int, int | None] | None:
    """A date standing at the very start of the body: a bare date line
    ("13 июня 2024, 10:45", "Published: June 13, 2024") or a dateline
    ("MOSCOW, June 13 (Reuters) -", "АСТАНА, 13 июня. /ТАСС/.")."""
    head = _DATELINE_HEAD.match(line)
    start = head.end() if head else 0
    for pattern in _DATE_PATTERNS:
        m = pattern.match(line, start)
        if m and _DATELINE_TAIL.match(line[m.end():]):
            return _match_date(m)
    # a short line that is nothing but a date, a time and a label or weekday
    if len(line) <= 60:
        found = _all_dates(line)
        if len(found) == 1:
            leftover = line
            for pattern in _DATE_PATTERNS:
                leftover = pattern.sub(" ", leftover)
            if len(_LEFTOVER_WORD.findall(leftover)) <= 2:
                return found[0]
    return None


def _iso(year: int, month: int, day: int | None) -> tuple[str, str]:
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_ISO_VALUE = re.compile(r"^((?:1[89]|20)\d\d)(?:-?(0[1-9]|1[0-2])(?:-?(0[1-9]|[12]\d|3[01]))?)?(?:[T\s]\d.*)?$")  # a time may follow


def _parse_value(value: str | None) -> tuple[str, str] | None:
    """(ISO value, precision) of a date given as a field: ISO 8601 (any
    precision, the publisher's local date kept), RFC 2822 as in feeds, or
    a written date with a year ("13 June 2024", "13 июня 2024 г.")."""
    if not value:
        return None
    value = value.strip()
    m = _ISO_VALUE.match(value)
    if m:
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        if not month:
            return f"{year:04d}", "year"
        if day and not _valid(year, month, day):
            return None
        return _iso(year, month, day or None)
    try:
        return parsedate_to_datetime(value).date().isoformat(), "day"
    except (TypeError, ValueError, IndexError):
        pass
    found = _first_date(value)
    if found and found[0] is not None:
        return _iso(*found)
    return _dateparser(value)


def _dateparser(value: str) -> tuple[str, str] | None:
    """Last resort for a written date in another language; strict, so that
    a missing day, month or year is never filled in from today."""
    if len(value) > 60 or not re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", value):
        return None
    try:
        import dateparser

        parsed = dateparser.parse(value, settings={
            "STRICT_PARSING": True, "PARSERS": ["custom-formats", "absolute-time"],
            "DATE_ORDER": "DMY",
        })
    except Exception:  # dateparser raises on odd input; that is "no date"
        return None
    return (parsed.date().isoformat(), "day") if parsed else None


# ---------------------------------------------------------------------------
# cited sources

# What an outlet's name can look like: a domain ("Turan.az"), a quoted name
# («Коммерсантъ»), an acronym with optional capitalised words ("ASTRA",
# "РИА Новости", "BBC News"), or capitalised words ("Reuters",
# "The Associated Press", "Voice of America").
_UP = "A-ZА-ЯЁԱ-Ֆ"
_CAP_WORD = rf"[{_UP}][\w'’&-]*"
_NAME = re.compile(
    r"(?P<domain>(?:[^\W_][\w-]*\.)+(?:[a-z]{2,6}|рф)(?![\w.]*\w))"
    r"|[«\"“](?P<quoted>[^»\"”\n]{2,40})[»\"”]"
    rf"|(?P<acronym>[{_UP}][{_UP}0-9&]+(?:-[{_UP}0-9]+)?(?:[^\S\n]+{_CAP_WORD}){{0,2}})(?![\w])"
    rf"|(?P<cap>{_CAP_WORD}(?:[^\S\n]+(?:(?:of|de|du|der|für)[^\S\n]+)?{_CAP_WORD}){{0,3}})"
)
_SP = r"[^\S\n]+"  # spaces, never a line break: "in an interview with" + new paragraph is not a citation
# Triggers after which the name follows; ``strong`` ones are said of outlets,
# not of people, so a plain capitalised name after them is accepted.
_AFTER = re.compile(
    rf"\b(?:(?P<strong>according{_SP}to|citing|cited{_SP}by|reported{_SP}by|quoted{_SP}by|"
    rf"in{_SP}an{_SP}interview{_SP}with|сообщает|сообщают|сообщило|передает|передаёт|пишет|"
    rf"по{_SP}данным|по{_SP}информации|по{_SP}сообщению|со{_SP}ссылкой{_SP}на|в{_SP}интервью)"
    # said of people as often as of outlets ("told Putin", "заявил Песков"):
    # only a domain, an acronym or a quoted name counts after these
    rf"|(?P<weak>told|рассказал[аи]?|заявил[аи]?|сообщил[аи]?)){_SP}(?:the{_SP})?",
    re.IGNORECASE,
)
# "<name> reports", "<name> reported, citing", "<name> writes"
_BEFORE = re.compile(
    rf"{_SP}(?:reports|reported|writes|wrote|informs|reports{_SP}that|said{_SP}in{_SP}a{_SP}report)\b",
    re.IGNORECASE,
)
# Institutions and offices: a source of information, never a news outlet.
_INSTITUTION = re.compile(
    r"\b(?:ministr|minist|president|office|department|government|kremlin|council|committee|"
    r"parliament|embassy|court|police|army|forces|service|university|institute|bank|party|"
    r"commission|administration|secretariat|headquarters|guard|spokes|white\s+house|state|"
    r"мин|правительств|кремл|администрац|пресс|служб|посольств|совет|комитет|суд|полиц|"
    r"госдум|дум[аыеу]|ведомств|штаб)",
    re.IGNORECASE,
)
# Acronyms of states, blocs and state bodies: attributed to, but not outlets.
_NOT_OUTLETS = set(
    "UN EU US USA UK NATO OSCE CIS CSTO EAEU SCO IMF WHO OPEC UAE PACE ICC ICJ FSB KGB MFA MOD "
    "CEC GDP RF EEU ООН ЕС США РФ НАТО ОБСЕ СНГ ОДКБ ЕАЭС ШОС МИД МВД ФСБ СК ЦИК ВВП ВС".split()
)
# Words that may follow an outlet's name; anything else lowercase ("Kremlin
# spokesperson", "TASS correspondent") means the name belongs to a person or
# an office.
_FOLLOW_OK = set(
    "on in at as which that who and or but to from for with by via earlier previously also last this "
    "reported reports said says wrote writes citing quoted news agency newspaper channel correspondents "
    "was were is has had its a an the "
    "со в на и или что который которое которая как ранее а по со ссылкой".split()
)
_SPEAKER = re.compile(
    rf"(?:\b(?:said|added|stated|noted|stressed|emphasi[sz]ed|recalled|explained|told|заявил[аи]?|"
    rf"отметил[аи]?|добавил[аи]?|подчеркнул[аи]?|сказал[аи]?){_SP}(?P<a>{_CAP_WORD}(?:{_SP}{_CAP_WORD})?)"
    rf"|(?P<b>{_CAP_WORD}){_SP}(?:said|added|stated|noted|stressed|emphasi[sz]ed|recalled|explained|"
    rf"заявил|отметил|добавил|подчеркнул|сказал)\b)"
)
_CONJ = re.compile(rf"^(?:,?{_SP}and{_SP}|{_SP}и{_SP})")  # a bare comma ends the name list: "Reuters, Moscow has..."


def find_cited_sources(text: str) -> tuple[str, ...]:
    """Outlets and agencies ``text`` attributes information to, in order of appearance.

    Generic patterns, no list of outlets: a reporting phrase next to a name
    that looks like an outlet. People are kept out where the text gives them
    away: a role word after the name ("Kremlin spokesperson Dmitry Peskov")
    or the name speaking elsewhere ("Peskov added").
    """
    if not text:
        return ()
    speakers = _speakers(text)
    found: list[tuple[int, str]] = []
    for m in _AFTER.finditer(text):
        pos = m.end()
        while True:  # "according to Reuters and AFP"
            name = _name_at(text, pos, speakers, weak=bool(m["weak"]))
            if not name:
                break
            found.append((pos, name[0]))
            more = _CONJ.match(text[name[1]:])
            if not more:
                break
            pos = name[1] + more.end()
    for m in _BEFORE.finditer(text):
        name = _name_before(text, m.start(), speakers)
        if name:
            found.append(name)
    out: list[str] = []
    seen: set[str] = set()
    for _, name in sorted(found):
        key = _norm(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return tuple(out)


def _name_at(text: str, pos: int, speakers: set[str], weak: bool = False) -> tuple[str, int] | None:
    """The outlet-like name starting at ``pos`` and where it ends, or None."""
    m = _NAME.match(text, pos)
    if not m or (weak and m["cap"]):
        return None
    name = _accept(m, speakers)
    if not name:
        return None
    follow = re.match(r"[^\S\n]+([^\W\d_]+)", text[m.end():])
    if m["cap"] and follow and follow[1].islower() and follow[1] not in _FOLLOW_OK:
        return None  # "Kremlin spokesperson ...": an office or a person, not an outlet
    return name, m.end()


def _name_before(text: str, end: int, speakers: set[str]) -> tuple[int, str] | None:
    """The outlet-like name ending at ``end`` ("Turan.az reports"), or None.

    Only names that stand after a clause boundary or a media noun count:
    "..., Turan.az reports" or "news agency Kazinform reported", not a
    sentence's first word run into a capitalised adverb.
    """
    window_start = max(0, text.rfind("\n", 0, end) + 1, end - 80)
    window = text[window_start:end]
    for m in _NAME.finditer(window):
        if m.end() != len(window):
            continue
        before = window[: m.start()].rstrip()
        boundary = not before or before[-1] in ",;:.(—–-«\"“" or _MEDIA_NOUN.search(before)
        if not boundary:
            continue
        if m["cap"] and not before:
            continue  # a line starting "Officials reported" is a sentence, not an attribution
        name = _accept(m, speakers)
        return (window_start + m.start(), name) if name else None
    return None


_MEDIA_NOUN = re.compile(
    r"(?:\bthe|agency|outlet|newspaper|site|portal|channel|publication|website|агентство|издание|газета|портал)$",
    re.IGNORECASE)


def _accept(m: re.Match, speakers: set[str]) -> str | None:
    """The name if it can be an outlet, else None."""
    if m["domain"]:
        return m["domain"]
    name = (m["quoted"] or m["acronym"] or m["cap"] or "").strip(" .,’'")
    if not name or _INSTITUTION.search(name):
        return None
    if m["quoted"] and (len(name.split()) > 4 or not name[0].isupper()):
        return None
    if m["acronym"]:
        first = name.split()[0]
        if first.upper() in _NOT_OUTLETS:
            return None
        return name
    if m["cap"]:
        words = name.split()
        if words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        if not words or words[-1] in speakers or len(words[-1]) < 3:
            return None  # "according to Peskov" when Peskov speaks elsewhere: a person
        if words[0].lower() in _PRONOUN_CAPS:
            return None
        return " ".join(words)
    return name


# Capitalised words after "told"/"according to" that are no names at all.
_PRONOUN_CAPS = set("him her them me us it this that reporters journalists".split())


def _speakers(text: str) -> set[str]:
    """Last words of the names that speak in ``text`` ("Peskov added", "said Galuzin")."""
    out = set()
    for m in _SPEAKER.finditer(text):
        name = m["a"] or m["b"]
        if name:
            out.add(name.split()[-1])
    return out
