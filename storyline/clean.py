"""clean: RawDocument -> Cleaned (the article body without page furniture).

Two paths:

* HTML goes through trafilatura, which sees the DOM and also gives the
  metadata (title, date, site, author); we drop the odd section heading or
  legal line it lets through, and fall back to the text path when it finds
  next to nothing.
* Plain page text (copy-pasted or crawled) has lost the markup, so we choose
  lines. Every line gets a *quality* in [-1, 1] from cheap structural
  features: length, stop-word density in the page's language, sentence-final
  punctuation, title case, dates, repetition on the page, table-like rows,
  and a few generic multilingual cue words. Weighted by length, these make
  line scores; the article is the contiguous run of lines with the largest
  total (maximum-sum subarray), where runs of furniture cost more the longer
  they go on. That steps over a caption or an inline link box inside a story
  and stops at menus, link lists, "Latest news" blocks and comment threads.
  Lines inside the run that are clearly furniture (credits, dates, "Read
  more") are then dropped, and the headline and header lines are picked from
  just above it.

Everything here is a plain function of its input: no model beyond
py3langid's, no network, and an empty ``Cleaned`` rather than an exception
for input that holds no article.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import lru_cache

from storyline.language import classify
from storyline.models import Cleaned, RawDocument

# ---------------------------------------------------------------------------
# public API


def clean(doc: RawDocument) -> Cleaned:
    """Article body of a document, dispatching on its kind."""
    if doc.kind == "html":
        return clean_html(doc.content, doc.url)
    return clean_text(doc.content)


def clean_text(text: str) -> Cleaned:
    """Article body of a page's visible text (one block element per line)."""
    if not isinstance(text, str):
        return Cleaned(text="")
    lines = split_lines(text)
    if not lines:
        return Cleaned(text="")
    feats = line_features(lines)
    start, end = best_region(feats)
    if start < 0:
        return Cleaned(text="")
    body = select_body(feats, start, end)
    if not body:
        return Cleaned(text="")
    title, header = title_and_header(feats, body)
    text_out = "\n\n".join(feats[i].text for i in body)
    return Cleaned(text=text_out, title=title, meta={"header": header})


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """Article body of an HTML page, via trafilatura (no network).

    trafilatura sees the DOM and does better than any line scorer on page
    text; we only drop the section headings and legal lines it sometimes
    lets through, and fall back to the text path when it finds (almost)
    nothing, e.g. on a page whose markup it cannot make sense of.
    """
    if not isinstance(html, str) or not html.strip():
        return Cleaned(text="")
    doc = _trafilatura(html, url)
    meta = _html_meta(doc)
    body = _tidy_lines(_field(doc, "text") or "", meta.get("title"))
    if len(_TOKEN.findall(body)) < MIN_HTML_WORDS:
        fallback = clean_text(html_to_text(html))
        if len(fallback.text) > len(body):
            title = meta.get("title") or fallback.title
            return Cleaned(text=fallback.text, title=title, meta={**fallback.meta, **meta})
    if not body:
        return Cleaned(text="", title=meta.get("title"), meta=meta)
    return Cleaned(text=body, title=meta.get("title"), meta=meta)


MIN_HTML_WORDS = 20  # below this, trafilatura probably missed the article
_META_KEYS = ("title", "date", "sitename", "url", "author", "description", "hostname")


def _trafilatura(html: str, url: str | None):
    """trafilatura's extraction with metadata, or None; never raises."""
    try:
        import trafilatura

        return trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False,
            favor_precision=True,  # fewer stray teasers; recall barely moves
        )
    except Exception:  # malformed markup must not stop a batch
        return None


def _field(doc, key: str):
    """A field of trafilatura's result (an object; a dict in older versions)."""
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc.get(key)
    return getattr(doc, key, None)


def _html_meta(doc) -> dict:
    return {k: _field(doc, k) for k in _META_KEYS if _field(doc, k)}


def _tidy_lines(text: str, title: str | None) -> str:
    """trafilatura's text as paragraphs, minus section headings, legal lines
    and a leading copy of the headline (the title is not part of the body)."""
    lines = split_lines(text)
    if not lines:
        return ""
    feats = line_features(lines)
    if title and feats and _same_text(feats[0].text, title):
        feats = feats[1:]
    return "\n\n".join(f.text for f in feats if not (f.section or f.legal))


def _same_text(a: str, b: str) -> bool:
    return _TOKEN.findall(a.casefold()) == _TOKEN.findall(b.casefold())


# ---------------------------------------------------------------------------
# lines and their features

_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
# Scripts written without spaces between words: length is counted in characters.
_NOSPACE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f]")
_SENT_END = re.compile(r"[.!?…。！？։।؟።][\"'”’»」』)\]]*$")  # Latin, CJK, Armenian, Hindi, Arabic
_DIGIT_TOKEN = re.compile(r"\w*\d\w*")
_LETTER_CASE = re.compile(r"[^\W\d_]")

# Month names of a few major languages, and numeric dates; a line that is
# mostly a date is a dateline or a sidebar timestamp, never body text.
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"januar|februar|märz|juni|juli|oktober|dezember|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"(?:հունվար|փետրվար|մարտ|ապրիլ|մայիս|հունիս|հուլիս|օգոստոս|սեպտեմբեր|հոկտեմբեր|"
    r"նոյեմբեր|դեկտեմբեր)\w*"
)
_DATE = re.compile(
    rf"(?:\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|"
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    r"\b\d{1,2}:\d{2}\b|\d{4}年|\d{1,2}月\d{1,2}日|"
    r"\b(?:\d+|an?|one)\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b)",
    re.IGNORECASE,
)

# Generic furniture wording, a weak signal: the start of a short line that is
# not a sentence ("Video", "Photo: AP", "Share this"), or is one only because
# a colon follows the cue ("Photo: Reuters."). "Video footage showed..." is
# a sentence and stays.
_CUE = re.compile(
    r"^(?:[-–—•·|»>*#\[(]\s*)?(?:"
    r"read more|read also|see also|more from|more on|"
    r"share(?: this)?|tweet|print|email|e-mail|reply|"
    r"subscribe|sign (?:in|up)|log ?in|register|newsletter|follow us|advertisement|sponsored|"
    r"photo|photos|image|picture|credit|source|video|getty|copyright|©|ⓒ|"
    r"tags?|categories|category|filed under|posted in|posted by|written by|by\b|"
    r"show (?:more|news feed)|load more|see more|don.t miss|also|next|previous|back to top|skip to|"
    r"фото|видео|источник|поделиться|подписаться|"
    r"this text (?:is )?available|этот текст доступен"
    r")(?:\b|$)(?P<colon>\s*:)?",
    re.IGNORECASE,
)
# Headings that open a block of other content after the story: related and
# latest stories, most read, comments. A story rarely continues past one.
_SECTION = re.compile(
    r"\b(?:related|latest|most (?:read|popular|viewed|shared|commented)|popular|trending|"
    r"recommended|comments|leave a (?:reply|comment)|more (?:from|stories|news|articles)|"
    r"you (?:may|might) (?:also )?like|read (?:more|next|also)|also read|see also|don.t miss|"
    r"читайте|последние новости|популярн|похожие|комментари|новости по теме|"
    r"mehr zum thema|kommentare|meistgelesen|lire aussi|à lire|commentaires|les plus lus|"
    r"relacionad|comentários|comentarios|mais lidas|leia também|lo más leído|"
    r"correlati|commenti|leggi anche|più letti)\b|"
    # "About the author", "About Acme": a bio or company blurb follows
    r"^(?:about|sobre|über|à propos|a propos|acerca de|chi siamo)\s\w|^(?:об авторе|о компании|о нас)\b",
    re.IGNORECASE,
)

_COMMENTS = re.compile(
    r"\b(?:comments?|leave a (?:reply|comment)|add (?:a|your) comment|join the discussion|"
    r"комментари\w*|kommentare?|commentaires?|comentários?|comentarios?|commenti)\b",
    re.IGNORECASE,
)


# Legal and consent boilerplate: long, prose-like, and never the article.
_LEGAL = re.compile(
    r"all rights reserved|todos os direitos|todos los derechos|tous droits|alle rechte|"
    r"все права защищены|tutti i diritti|\bcookies?\b.{0,80}\b(?:use|uses|using|accept|consent|polic|settings|experience)|"
    r"privacy (?:policy|notice|statement)|terms (?:of|and) (?:use|service|conditions)|"
    r"^(?:copyright\s*)?[©ⓒ]|copyright\s*[©ⓒ(]|[©ⓒ]\s*(?:19|20)\d\d",
    re.IGNORECASE,
)
# A picture credit or caption tail: "(Image: GETTY)", "Photo: AP", "Credit...".
_CREDIT = re.compile(
    r"\((?:image|photo|picture|pic|credit|foto|фото|source)s?\s*:[^)]*\)\s*$|"
    r"(?:^|\s)(?:photo|image|credit|foto|фото)s?\s*(?::|\.\.\.|by\b)\s*\S.{0,60}$",
    re.IGNORECASE,
)


@dataclass
class Line:
    text: str
    index: int
    units: float  # length in words; unspaced scripts count ~2 characters a word
    stop: float | None  # stop-word density relative to the page's prose (None: no stoplist)
    sentence_end: bool
    commas: int
    title_case: bool
    date: bool  # the line is mostly a date or time
    cue: bool  # short line of generic furniture wording ("Read more", "Share")
    section: bool  # heading of a related-stories, latest-news or comments block
    comments: bool  # heading of a comments block
    legal: bool  # copyright, cookie or terms notice
    credit: bool  # picture credit or caption tail ("Photo: AP", "(Image: Getty)")
    repeated: bool  # the same line appears elsewhere on the page
    shout: bool  # an all-capitals line of several words: a promo link, not a subheading
    numeric: float  # share of tokens containing digits
    table: bool = False  # part of a run of table rows or an enumerated list
    quality: float = 0.0


def split_lines(text: str) -> list[str]:
    """Non-empty lines, invisible characters removed, whitespace collapsed."""
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _WS.sub(" ", _INVISIBLE.sub("", raw)).strip()
        if line:
            out.append(line)
    return out


_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")


def line_features(lines: list[str]) -> list[Line]:
    """Compute per-line features, then each line's quality."""
    counts: dict[str, int] = {}
    for text in lines:
        counts[text] = counts.get(text, 0) + 1
    lang = detect_language(lines)
    stops = stoplist(lang)

    feats: list[Line] = []
    raw_stop: list[float | None] = []
    for i, text in enumerate(lines):
        tokens = _TOKEN.findall(text)
        nospace = len(_NOSPACE.findall(text))
        spaced = [t for t in tokens if not _NOSPACE.search(t)] if nospace else tokens
        units = len(spaced) + nospace / 2.0
        if stops and spaced:
            raw_stop.append(sum(1 for t in spaced if t.lower() in stops) / len(spaced))
        else:
            raw_stop.append(None)
        feats.append(Line(
            text=text, index=i, units=units, stop=None,
            sentence_end=bool(_SENT_END.search(text)),
            commas=text.count(",") + text.count("，") + text.count("、"),
            title_case=_is_title_case(spaced),
            date=_is_date_line(text, tokens),
            cue=len(tokens) <= 8 and _is_cue(text),
            section=len(tokens) <= 6 and not _SENT_END.search(text) and bool(_SECTION.search(text)),
            comments=len(tokens) <= 6 and bool(_COMMENTS.search(text)),
            legal=bool(_LEGAL.search(text)),
            credit=len(tokens) <= 25 and bool(_CREDIT.search(text)),
            repeated=counts[text] > 1,
            shout=_is_shouting(spaced),
            numeric=len(_DIGIT_TOKEN.findall(text)) / len(tokens) if tokens else 0.0,
        ))
    _set_relative_stop(feats, raw_stop)
    _mark_tables(feats)
    for f in feats:
        f.quality = line_quality(f)
    return feats


def _set_relative_stop(feats: list[Line], raw: list[float | None]) -> None:
    """Stop-word density relative to the page's own prose.

    Stoplists differ wildly in size (453 English words, 4754 Russian), so an
    absolute threshold does not travel across languages. The yardstick is the
    upper quartile of the densities of the page's sentence-like lines (long,
    ending in a full stop): on a page with an article that is its prose,
    even when lists and tables make up much of the rest.
    """
    sample = sorted(r for f, r in zip(feats, raw)
                    if r is not None and f.units >= 10 and f.sentence_end)
    if len(sample) < 3:
        sample = sorted(r for f, r in zip(feats, raw) if r is not None and f.units >= 5)
    if not sample:
        return
    ref = sample[(3 * len(sample)) // 4]
    if ref < 0.05:  # the stoplist does not fit the page
        return
    for f, r in zip(feats, raw):
        if r is not None:
            f.stop = r / ref


_ENUM = re.compile(r"^[(#]?(\d{1,3})[.):]?(?:\s|$)")


def _mark_tables(feats: list[Line]) -> None:
    """Flag runs of table rows and enumerated list items.

    Article content that is not prose (league tables, stat lines, numbered
    product lists) scores badly line by line; but rows with numbers in them,
    several in a row, or items numbered 1, 2, 3..., are rarely page furniture.
    Flagged lines score slightly above zero (TABLE_QUALITY) instead of below,
    so the article region runs across them.
    """
    n = len(feats)
    row = [f.numeric >= 0.25 and f.units >= 4 and not f.date and not f.legal for f in feats]
    i = 0
    while i < n:
        if not row[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and (row[j + 1] or (j + 2 < n and row[j + 2] and feats[j + 1].units < 8)):
            j += 1
        if sum(row[i:j + 1]) >= 3:
            for f in feats[i:j + 1]:
                f.table = True
        i = j + 1
    # enumerations: a line starting with k followed within three lines by k+1
    starts: dict[int, int] = {}
    for f in feats:
        m = _ENUM.match(f.text)
        if m and f.units >= 2:
            starts[f.index] = int(m.group(1))
    for i, k in starts.items():
        for d in (1, 2, 3):
            if starts.get(i + d) == k + 1:
                for f in feats[i:i + d + 1]:
                    f.table = True
                break


def _is_cue(text: str) -> bool:
    m = _CUE.search(text)
    return bool(m) and (bool(m.group("colon")) or not _SENT_END.search(text))


def _is_shouting(tokens: list[str]) -> bool:
    """Six or more words, nearly all in capitals (short all-caps subheadings pass)."""
    words = [t for t in tokens if _LETTER_CASE.match(t)]
    if len(words) < 6:
        return False
    return sum(1 for t in words if t.isupper()) >= 0.8 * len(words)


def _is_title_case(tokens: list[str]) -> bool:
    """Most longer words capitalised, as in English headlines and menu items."""
    words = [t for t in tokens if len(t) > 3 and _LETTER_CASE.match(t)]
    if len(words) < 2:
        return False
    upper = sum(1 for t in words if t[0].isupper())
    return upper / len(words) >= 0.75


def _is_date_line(text: str, tokens: list[str]) -> bool:
    """A short line most of whose tokens belong to a date or time expression."""
    if len(tokens) > 10 or not (_DIGIT_TOKEN.search(text) or "ago" in text):
        return False
    covered = sum(len(_TOKEN.findall(m.group(0))) for m in _DATE.finditer(text))
    if not covered:
        return False
    years = sum(1 for t in tokens if len(t) == 4 and t.isdigit())
    return covered + years >= max(1, len(tokens) // 2)


# ---------------------------------------------------------------------------
# language


def detect_language(lines: list[str]) -> str | None:
    """ISO 639-1 code of the page's main language, from its longest lines."""
    sample = heapq.nlargest(20, lines, key=len)
    text = " ".join(sample)[:2000]
    if len(text) < 20:
        return None
    try:
        return classify(text)[0]
    except Exception:
        return None


# py3langid code -> name of the stoplist shipped with jusText
_STOPLIST_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian",
    "bn": "Bengali", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "fy": "West_Frisian", "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "ig": "Igbo", "is": "Icelandic", "it": "Italian", "jv": "Javanese",
    "ka": "Georgian", "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz",
    "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam",
    "mr": "Marathi", "ms": "Malay", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian_Bokmal",
    "pa": "Western_Panjabi", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "yo": "Yoruba",
    "an": "Aragonese", "lb": "Luxembourgish", "wa": "Walloon", "mt": "Maltese",
    "nn": "Norwegian_Nynorsk", "oc": "Occitan", "tk": "Turkmen", "vo": "Volapuk",
}


@lru_cache(maxsize=64)
def stoplist(lang: str | None) -> frozenset[str]:
    """jusText's stop words for a language code; empty when there are none."""
    name = _STOPLIST_NAMES.get(lang or "")
    if not name:
        return frozenset()
    try:
        import justext

        return frozenset(w.lower() for w in justext.get_stoplist(name))
    except Exception:
        return frozenset()


# ---------------------------------------------------------------------------
# scoring


def line_quality(f: Line) -> float:
    """How much a line looks like article prose, in [-1, 1]; 0 is neutral."""
    if f.legal or f.cue or f.section or f.date or f.credit or f.shout:
        return -1.0
    if f.table:
        return TABLE_QUALITY
    if f.units < 3:
        return -0.8
    s = -0.2
    s += 0.5 if f.sentence_end else -0.2
    if f.stop is not None:
        s += max(-0.6, min(0.6, (f.stop - 0.6) * 1.5))
    s += max(-0.5, min(0.6, (f.units - 12) / 20))
    if f.commas:
        s += 0.15
    if f.title_case:
        s -= 0.3
    if f.repeated:  # the longer a repeated line, the surer it is a teaser or menu
        s -= 0.5 if f.units < 10 else 2.0
    return max(-1.0, min(1.0, s))


TABLE_QUALITY = 0.15  # rows with numbers, several in a row, are usually content


def line_weight(f: Line) -> float:
    """What keeping the line is worth: its length, at least a few words."""
    return max(f.units, 3.0)


# The few hand-set weights of the region search (benchmarks/eval_boilerplate.py
# --crosscheck refits them on half the dev pages and scores the other half).
GAP_GROWTH = 0.5  # each further furniture line in a row costs this much more
RECOVERY_UNITS = 30.0  # a paragraph this long ends a furniture run; shorter prose only dents it
SECTION_COST = 20.0  # extra cost of crossing a "Related" / "Comments" heading
TAIL_DISCOUNT = 0.25  # prose after a comments heading is worth this much...
TAIL_AFTER = 100.0  # ...once this many words of prose came before the heading


def line_scores(feats: list[Line]) -> list[float]:
    """Each line's contribution to a region: weighted quality in context.

    * Furniture runs cost more and more: the k-th furniture line in a row
      costs (1 + GAP_GROWTH * k) times its own score, so a caption or an
      inline "More:" box inside a story is cheap to step over, while a long
      menu or link list between the story and some later prose is not.
    * A long paragraph ends the run; a short line of prose (a comment, a
      teaser blurb between headlines and dates) only dents it, so a list of
      items does not look like a story.
    * A section heading ("Related", "Most read", "Comments") costs a fixed
      amount on top, and once the story has been seen, prose after a
      comments heading counts for little.
    """
    scores = []
    run = 0.0
    tail = 1.0
    prose_seen = 0.0
    for f in feats:
        v = f.quality * line_weight(f)
        if f.comments and prose_seen >= TAIL_AFTER:
            tail = TAIL_DISCOUNT  # comments follow the story they discuss
        if v > 0:
            prose_seen += f.units
            v *= tail
            run *= max(0.0, 1.0 - f.units / RECOVERY_UNITS)
        elif v < 0:
            v *= 1.0 + GAP_GROWTH * run
            run += 1
        if f.section:
            v -= SECTION_COST
        scores.append(v)
    return scores


def best_region(feats: list[Line]) -> tuple[int, int]:
    """Maximum-sum contiguous run of line scores (Kadane); (-1, -1) if none."""
    best, best_start, best_end = 0.0, -1, -1
    cur, cur_start = 0.0, 0
    for i, v in enumerate(line_scores(feats)):
        if cur <= 0:
            cur, cur_start = 0.0, i
        cur += v
        if cur > best:
            best, best_start, best_end = cur, cur_start, i
    return best_start, best_end


def select_body(feats: list[Line], start: int, end: int) -> list[int]:
    """Indices of the lines kept from the best region.

    Furniture inside the story goes (credits, datelines, "Read more", a
    related headline that also sits in a sidebar, an all-caps link), and so
    do lines at the top that the story then repeats (a summary, "key
    points", a caption).
    """
    outside = {f.text for f in feats[:start]} | {f.text for f in feats[end + 1:]}
    keep = []
    for f in feats[start:end + 1]:
        if f.cue or f.section or f.date or f.legal or f.credit or f.shout:
            continue
        if f.repeated and f.text in outside and not f.sentence_end:
            continue  # a related-article headline that also sits in a sidebar
        keep.append(f)
    return [f.index for f in _drop_echoes(keep)]


ECHO_SHARE = 0.5  # a line half of whose 4-grams occur in a later line echoes it
ECHO_SCAN = 10  # only the first lines of the body are checked


def _drop_echoes(lines: list[Line]) -> list[Line]:
    """Drop the lines at the top of the body that the body then repeats.

    A dek, a "key points" list or a photo caption above the story often
    restates its first paragraphs; the story itself is what comes after.
    Only the top is trimmed: repeats further down (interview questions, a
    quoted tweet) are part of the story.
    """
    grams = [_word_grams(f.text) for f in lines]
    first = 0
    for k in range(min(len(lines), ECHO_SCAN)):
        g = grams[k]
        if len(g) >= 4:
            rest = set().union(*grams[k + 1:])
            if len(g & rest) >= ECHO_SHARE * len(g):
                first = k + 1
                continue
        if lines[k].units >= 20:
            break  # the story has begun
    return lines[first:]


def _word_grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


TITLE_WINDOW = 25  # lines before the body searched for the headline
HEADER_MAX = 12  # at most this many lines before the body make the header


def title_and_header(feats: list[Line], body: list[int]) -> tuple[str | None, list[str]]:
    """Headline and the other lines standing just before the body.

    The headline is looked for in the lines above the body (up to a sidebar
    or footer heading): a few words, no full stop at the end, not a date,
    credit or menu word, and above all sharing its words with the opening
    paragraphs, which retell it; a byline or a "Breaking News Emails" box
    does not. What stands between it and the body (dateline, kicker, byline)
    is the header, where the describe stage looks for a dateline.
    """
    start = body[0]
    window: list[Line] = []
    for f in reversed(feats[max(0, start - TITLE_WINDOW):start]):
        if f.section or f.legal:
            break  # a sidebar or footer above: the story's header ends here
        window.append(f)
    window.reverse()
    lede = _stems(" ".join(feats[i].text for i in body[:3]))
    best, best_score = -1, 0.0
    for k, f in enumerate(window):
        score = _headline_score(f, lede)
        if score > 0:
            score -= 0.01 * (len(window) - 1 - k)  # nearer the body is likelier
        if score > best_score:
            best, best_score = k, score
    title = window[best].text if best >= 0 else None
    header = [f.text for f in window[best + 1:]][-HEADER_MAX:]
    return title, header


_BYLINE = re.compile(r"^(?:by|от|von|par|por|di|door|av)\s", re.IGNORECASE)


def _stems(text: str) -> set[str]:
    """Crude stems (first five letters) of a text's longer words, or character
    pairs for unspaced scripts, for comparing a headline with the lede."""
    out = set()
    for t in _TOKEN.findall(text.lower()):
        if _NOSPACE.search(t):
            out.update(t[i:i + 2] for i in range(len(t) - 1))
        elif len(t) >= 3 and not t.isdigit():
            out.add(t[:5])
    return out


def _headline_score(f: Line, lede: set[str]) -> float:
    """How much a line looks like the story's headline; 0 when it cannot be."""
    if f.date or f.cue or f.section or f.legal or f.credit or f.table:
        return 0.0
    if not 3 <= f.units <= 30 or _BYLINE.match(f.text):
        return 0.0
    if f.text.endswith(".") and not f.text.endswith(".."):
        return 0.0  # a sentence: a dek or a caption, not the headline
    words = _stems(f.text)
    if not words:
        return 0.0
    overlap = len(words & lede) / len(words)
    if overlap < 0.2:
        return 0.0
    return overlap + (0.1 if f.title_case else 0.0) + (0.1 if f.repeated else 0.0)


# ---------------------------------------------------------------------------
# HTML to page text (the input the text path expects)

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 tr br section article header footer nav aside ul ol table "
    "blockquote figure figcaption form main dd dt pre dl hr address caption center details "
    "summary fieldset legend menu hgroup dialog thead tbody tfoot".split()
)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line.

    What a person gets by selecting all and pasting: scripts, styles and the
    head are dropped, each block element starts a new line, table cells are
    separated by a space.
    """
    try:
        import lxml.html
        from lxml import etree

        root = lxml.html.document_fromstring(
            html, parser=lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True))
        etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
        for el in root.iter():
            # source line breaks are spaces; only block boundaries break lines
            if el.text:
                el.text = _WS.sub(" ", el.text)
            if el.tail:
                el.tail = _WS.sub(" ", el.tail)
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if tag in _BLOCK_TAGS:
                el.text = "\n" + (el.text or "")
                el.tail = "\n" + (el.tail or "")
            elif tag in ("td", "th"):
                el.tail = " " + (el.tail or "")
        text = root.text_content()
    except Exception:  # unparsable markup: nothing to read
        return ""
    return "\n".join(line for line in (_WS.sub(" ", raw).strip() for raw in text.split("\n")) if line)
