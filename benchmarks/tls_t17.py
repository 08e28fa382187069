"""Timeline17 (T17) timeline-summarisation benchmark for storyline.

Protocol (see the data folder's README; Gholipour Ghalandari & Ifrim 2020, news-tls):
one task per gold timeline file. Input = the pooled articles of the task's topic
(every ``<topic>_*`` folder) published between the first and the last gold date,
inclusive (publication date = the ``InputDocs/YYYY-MM-DD`` folder name). Output =
l dates (l = number of gold dates), each with at most k sentences
(k = round(mean gold sentences per date)). Scores: date-selection P/R/F1 and
tilse 0.2.1's ``align_date_content_costs_many_to_one`` ROUGE-1/2 via
``TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])`` (ROUGE-1.5.5, stemming,
stopword removal). As in news-tls, precision and recall are averaged over tasks
and F1 is taken of the averages.

The system under test (storyline): every article is read with
``storyline.analyse.timex.find_timexes`` anchored at its publication date; only
day-precision DATE values inside the task window are candidates (the window is a
filter as in news-tls, never a score: its first/last dates get no bonus). A page or
comment timestamp (a day written with its year beside a clock time, ``is_stamp``) is
no mention (``--stamps`` counts them, as before).
Sentences that mention a day are parsed and run through
``storyline.analyse.events.find_events``. The default ``--method mention`` is the
product's own code, ``storyline.key_dates.key_dates`` (what ``storyline dates`` runs):
every date becomes a ``DateMention`` (``date_mentions``), a date's score is the number
of articles that mention it, ties go to the earlier date. The content signals of a later round
(``content_scores``: ``salience``, ``dedup``, ``cluster``, ``snap``, ``ledepub``,
``snap-ledepub``) were measured on dev and its halves (docs/quality.md); none is the
default. Two variants did not help on dev
(docs/quality.md, "Timeline17"): ``--method event`` adds the articles in which an
event trigger carries that date, and ``--method full`` demotes a date whose content
repeats an already chosen date at most two days away. Summaries, for every method, are
``key_dates``' own: per chosen date, the k sentences mentioning it that are closest to the
TF-IDF centroid of all its sentences (each weighted by the number of articles that carry
it, word weights from the chosen dates' sentences), preferring sentences with an event
trigger, de-duplicated. Two more signals, neither the default
(docs/quality.md): ``--method refs`` adds log(1 + articles published at least REF_LAG days
after the date that name it explicitly, "the April 20 explosion"), ``--method merged`` adds
log(1 + articles reporting the best-supported single event dated that day: same PLOVER type
and actors). ``--half even|odd`` scores every other task, for a fit/measure cross-check.
``--errors`` prints, per task, the gold dates missed and the wrong dates picked, each with
its class (``classify_errors``), and the totals.

    .venv/bin/python benchmarks/tls_t17.py --data ../shared/data/t17

Needs the ``tls`` benchmark extra: ``scripts/setup-tls.sh``. Per-article features
are cached (``--cache``, default /tmp/storyline-tls-cache); ``--no-cache`` disables it.
The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from storyline.cluster import dot as cos
from storyline.key_dates import MONTHS, DateMention, YEAR, is_stamp, key_dates, tfidf

FEATURE_VERSION = "6"
DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPLICIT = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s|$)|\d{1,4}[/.-]\d{1,2}", re.I)
DASHES = re.compile(r"^-{5,}\s*$")
# ------------------------------------------------------------------ data


def parse_gold(path: Path) -> dict[dt.date, list[str]]:
    """Gold timeline: date line, sentences, dash line. Duplicate date blocks are merged;
    a block whose date line is not a full YYYY-MM-DD (MJ_bbc's ``2011-04-0``) is ignored."""
    out: dict[dt.date, list[str]] = {}
    current: list[str] | None = None
    expect_date = True
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if DASHES.match(line):
            expect_date, current = True, None
            continue
        if expect_date:
            if not line:
                continue
            expect_date = False
            if DATE_LINE.match(line):
                try:
                    current = out.setdefault(dt.date.fromisoformat(line), [])
                except ValueError:
                    current = None
            else:
                current = None  # malformed date line: skip the block
            continue
        if line and current is not None:
            current.append(line)
    return {d: s for d, s in sorted(out.items()) if s}


def find_tasks(data: Path) -> list[dict]:
    folders = sorted(p for p in data.iterdir() if p.is_dir() and (p / "InputDocs").is_dir())
    by_topic: dict[str, list[Path]] = defaultdict(list)
    for f in folders:
        by_topic[f.name.split("_")[0]].append(f)
    tasks = []
    for f in folders:
        tl_dir = f / "timelines"
        if not tl_dir.is_dir():
            continue
        for tl in sorted(tl_dir.glob("*.txt")):
            tasks.append({"name": f"{f.name}/timelines/{tl.name}", "gold": parse_gold(tl),
                          "topic": f.name.split("_")[0], "folders": by_topic[f.name.split("_")[0]]})
    return tasks


def topic_articles(folders: list[Path]) -> list[tuple[str, dt.date, Path]]:
    out = []
    for f in folders:
        for day in sorted((f / "InputDocs").iterdir()):
            try:
                pub = dt.date.fromisoformat(day.name)
            except ValueError:
                continue
            for p in sorted(day.iterdir()):
                if p.is_file():
                    out.append((f"{f.name}/{day.name}/{p.name}", pub, p))
    return out


# ------------------------------------------------------------------ features

_DETOK = [(re.compile(r"-LRB-"), "("), (re.compile(r"-RRB-"), ")"), (re.compile(r"-LSB-"), "["),
          (re.compile(r"-RSB-"), "]"), (re.compile(r"``\s*"), '"'), (re.compile(r"\s*''"), '"'),
          (re.compile(r"\(\s+"), "("), (re.compile(r"\s+\)"), ")"),
          (re.compile(r"\s+([,.;:!?%])(?=\s|$)"), r"\1"),
          (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.I), r"\1"),
          (re.compile(r"\$\s+(?=\d)"), "$")]


def detok(line: str) -> str:
    for pat, rep in _DETOK:
        line = pat.sub(rep, line)
    return line.strip()


def article_features(path: Path, pub: dt.date, with_events: bool = True) -> dict:
    """Lines, day-precision dates per line, and events in the lines that mention a day."""
    from storyline.analyse.timex import find_timexes

    raw = path.read_text(encoding="utf-8", errors="replace")
    lines = [ln.strip() for ln in raw.splitlines()]
    lines = [ln for ln in lines if ln]
    clean = [detok(ln) for ln in lines]
    starts, pos = [], 0
    for c in clean:
        starts.append(pos)
        pos += len(c) + 1
    text = "\n".join(clean)

    def line_of(off: int, st: list[int]) -> int:
        lo, hi = 0, len(st) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if st[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo

    dates = []
    for t in find_timexes(text, pub, "en") if text else []:
        if t.type == "DATE" and t.precision == "day" and t.value and len(t.value) == 10:
            # explicit: the text names the day ("April 20", "20/4"), not only relative to the article
            # ("Tuesday", "yesterday"); stamp: a page or comment timestamp (``is_stamp``)
            li = line_of(t.start, starts)
            off = t.start - starts[li]
            dates.append([li, t.value, bool(t.inferred), bool(EXPLICIT.search(t.text)),
                          is_stamp(clean[li], off, off + len(t.text)), t.text])
    events = []
    dated_lines = sorted({d[0] for d in dates})
    if with_events and dated_lines:
        from storyline.analyse.events import find_events

        sub = [clean[i] for i in dated_lines]
        sub_starts, p = [], 0
        for s in sub:
            sub_starts.append(p)
            p += len(s) + 1
        try:
            evs = find_events("\n".join(sub), "en", anchor=pub)
        except Exception as exc:  # one bad article must not stop the benchmark
            print(f"events failed on {path}: {exc}", file=sys.stderr)
            evs = []
        for e in evs:
            li = dated_lines[line_of(e.trigger_start, sub_starts)]
            dv = e.date.value if e.date is not None and e.date.precision == "day" else None
            actors = [a.name or a.text for a in (e.source, e.target) if a is not None]
            events.append([li, e.type, e.mode, round(float(e.confidence), 3), dv, actors])
    return {"lines": lines, "dates": dates, "events": events}


def _feature_job(args):
    key, pub, path, cache_dir, with_events = args
    cache_file = None
    if cache_dir:
        h = hashlib.sha1(Path(path).read_bytes() + f"|{pub}|{FEATURE_VERSION}|{with_events}".encode()).hexdigest()
        cache_file = Path(cache_dir) / f"{h}.json"
        if cache_file.exists():
            return key, json.loads(cache_file.read_text())
    feats = article_features(Path(path), pub, with_events)
    if cache_file is not None:
        tmp = cache_file.with_suffix(".tmp%d" % os.getpid())
        tmp.write_text(json.dumps(feats))
        tmp.replace(cache_file)
    return key, feats


def load_features(arts, cache_dir, with_events, workers):
    jobs = [(k, pub, str(p), cache_dir, with_events) for k, pub, p in arts]
    if cache_dir:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
    out = {}
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            for k, f in pool.imap_unordered(_feature_job, jobs, chunksize=4):
                out[k] = f
    else:
        for j in jobs:
            k, f = _feature_job(j)
            out[k] = f
    return out


# ------------------------------------------------------------------ the system

TOKEN = re.compile(r"[a-z0-9]+")
STOP = set("""a an the of to in on at for and or but is are was were be been being by with from as that
this it its he she they we you i his her their our not no have has had will would can could said says
say about after before over into than then there which who whom what when where while also up out more
most some such only s t lrb rrb""".split())

# PLOVER types that rarely make a timeline entry by themselves
WEAK_TYPES = {"CONSULT", "SUPPORT", "AGREE", "REQUEST"}  # talk, not action (only used as a tie-break)


def tokens(s: str) -> list[str]:
    return [w for w in TOKEN.findall(s.lower()) if w not in STOP and len(w) > 1]


def collect(arts, feats, start, end, stamps=False):
    """Per date: the articles mentioning it, the articles where an event carries it, its sentences,
    and the two signals of ``--method refs`` / ``merged`` (in ``extra``). Timestamps (``is_stamp``)
    are no mention unless ``stamps``."""
    mention = defaultdict(set)
    event_art = defaultdict(set)
    later_refs = defaultdict(set)  # articles published >= REF_LAG days after the date that name it
    happenings = defaultdict(lambda: defaultdict(set))  # date -> (type, actors) -> articles
    sents = defaultdict(dict)  # date -> {sentence text: has_event}
    support = defaultdict(lambda: defaultdict(set))  # date -> sentence text -> articles carrying it
    pubcount = Counter()
    for key, pub, _ in arts:
        f = feats[key]
        pubcount[pub.isoformat()] += 1
        ev_lines = defaultdict(list)
        for li, typ, mode, conf, dv, *rest in f["events"]:
            ev_lines[li].append((typ, mode, conf, dv, tuple(rest[0]) if rest else ()))
        for li, val, _inferred, *more in f["dates"]:
            explicit = more[:1]
            if not (start <= val <= end) or (not stamps and len(more) > 1 and more[1]):
                continue
            mention[val].add(key)
            if explicit and explicit[0] and (pub - dt.date.fromisoformat(val)).days >= REF_LAG:
                later_refs[val].add(key)
            evs = [e for e in ev_lines.get(li, ()) if e[1] != "hypothetical" and e[1] != "negated"]
            if any(e[3] == val for e in evs):
                event_art[val].add(key)
            for typ, mode, _conf, dv, actors in evs:
                if mode == "occurred" and dv == val and actors:
                    happenings[val][(typ, frozenset(actors))].add(key)
            line = f["lines"][li]
            if 4 <= len(line.split()) <= 60:
                sents[val][line] = sents[val].get(line, False) or bool(evs)
                support[val][line].add(key)
    extra = {"support": support, "refs": {d: len(v) for d, v in later_refs.items()},
             "merged": {d: max(len(a) for a in h.values()) for d, h in happenings.items()}}
    return mention, event_art, sents, pubcount, extra


REF_LAG = 2  # days: a reference from an article this much later is a look back, not the day's news
REFS_WEIGHT = 0.5
MERGED_WEIGHT = 0.5


def tfidf_vectors(docs: list[list[str]], df: Counter, n_docs: int) -> list[dict]:
    return [tfidf(toks, df, n_docs) for toks in docs]


def select_dates(method, l, mention, event_art, sents, pubcount, df, n_docs, extra=None, tie="earlier"):
    """The l best dates; among dates of equal score the earlier wins (``tie="later"``: the later)."""
    cands = sorted(mention)
    if method == "pubcount":
        ranked = sorted(pubcount, key=lambda d: (-pubcount[d], d))
        return ranked[:l]
    extra = extra or {}
    if method in CONTENT_METHODS:
        # a content score; ties go to the date more articles mention, then the earlier date
        cs = extra["content"]
        pool = sorted(set(cands) | set(cs))
        order = {d: i if tie == "earlier" else -i for i, d in enumerate(pool)}
        ranked = sorted(pool, key=lambda d: (-cs.get(d, 0), -len(mention.get(d, ())), order[d]))
        return ranked[:l]
    score = {}
    for d in cands:
        m = len(mention[d])
        if method in ("mention", "full"):
            score[d] = m
        elif method == "refs":
            # later explicit references ("the April 20 explosion", written weeks on): the date mattered
            score[d] = math.log1p(m) + REFS_WEIGHT * math.log1p(extra.get("refs", {}).get(d, 0)) + 1e-6 * m
        elif method == "merged":
            # the best-supported happening of the day: the same (type, actors) event dated d, in how many articles
            score[d] = math.log1p(m) + MERGED_WEIGHT * math.log1p(extra.get("merged", {}).get(d, 0)) + 1e-6 * m
        else:
            score[d] = m + len(event_art.get(d, ()))
    order = {d: i if tie == "earlier" else -i for i, d in enumerate(cands)}
    ranked = sorted(cands, key=lambda d: (-score[d], order[d]))
    if method in ("mention", "event", "refs", "merged"):
        return ranked[:l]
    # full: demote a date whose sentences mostly repeat those of an already chosen date
    # one or two days away (the same happening, resolved to a neighbouring day)
    cents = {}

    def centroid(d):
        if d not in cents:
            vecs = tfidf_vectors([tokens(s) for s in sents.get(d, {})], df, n_docs)
            c = Counter()
            for v in vecs:
                for w, x in v.items():
                    c[w] += x
            norm = math.sqrt(sum(x * x for x in c.values())) or 1.0
            cents[d] = {w: x / norm for w, x in c.items()}
        return cents[d]

    chosen: list[str] = []
    pool = ranked[: max(3 * l, l + 20)]
    adj = dict(score)
    while len(chosen) < l and pool:
        best = max(pool, key=lambda d: (adj[d], -pool.index(d)))
        pool.remove(best)
        chosen.append(best)
        bd = dt.date.fromisoformat(best)
        for d in pool:
            gap = abs((dt.date.fromisoformat(d) - bd).days)
            if gap <= 2:
                sim = cos(centroid(d), centroid(best))
                adj[d] = adj[d] * (1 - REDUNDANCY * sim)
    if len(chosen) < l:
        chosen += [d for d in ranked if d not in chosen][: l - len(chosen)]
    return chosen


REDUNDANCY = 0.3

# ------------------------------------------------------------------ content signals (this round)
# Methods that read the text of a date's mentions, not only their number. Each is parameter-free
# except ``cluster`` (CLUSTER_SIM). See docs/quality.md, "Timeline17", and the report of this round.
CONTENT_METHODS = ("salience", "dedup", "cluster", "snap", "ledepub", "snap-ledepub")
CLUSTER_SIM = 0.3  # cosine to a cluster's centroid for a mention sentence to join it


def _vec_sum(vecs) -> Counter:
    c = Counter()
    for v in vecs:
        for w, x in v.items():
            c[w] += x
    return c


def _cos_raw(v: dict, c: Counter) -> float:
    """Cosine of a unit vector ``v`` with an unnormalised sum vector ``c``."""
    norm = math.sqrt(sum(x * x for x in c.values())) or 1.0
    return sum(x * c.get(w, 0.0) for w, x in v.items()) / norm


def content_scores(method, arts, feats, start, end, mention, stamps=False) -> dict:
    """Per candidate date, the score of a content method.

    ``salience``: sum over the articles mentioning d of the TF-IDF cosine between the article's
    sentence that mentions d and the centroid of the task's whole input (all its articles): a
    date named where the story's central words are, rather than in passing.
    ``dedup``: articles mentioning d, counting once the articles whose mention sentences are
    identical (wire copy syndicated across outlets).
    ``cluster``: articles in the largest group of d's mention sentences that say the same thing
    (greedy single pass, cosine to the group centroid >= CLUSTER_SIM).
    ``ledepub``: as ``mention``, plus the article's publication day when its first line (title
    fused with the first sentence) names no day: undated news is that day's news.
    ``snap``: as ``mention``, but an article's mention of d moves to the neighbouring day d-1 or
    d+1 when that day has more articles and its mention sentences are closer to the neighbour's
    content than to the rest of d's (the same happening, split over two days).
    ``snap-ledepub``: both.
    """
    keys = [k for k, _, _ in arts]
    docs = [[w for ln in feats[k]["lines"] for w in tokens(detok(ln))] for k in keys]
    df = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs)
    lines_of = defaultdict(lambda: defaultdict(set))  # date -> article -> mention lines
    for key in keys:
        for li, val, _inf, *more in feats[key]["dates"]:
            if start <= val <= end and (stamps or not (len(more) > 1 and more[1])):
                lines_of[val][key].add(li)
    if method in ("ledepub", "snap-ledepub"):
        for key, pub, _ in arts:
            f = feats[key]
            day = pub.isoformat()
            if not f["lines"] or any(x[0] == 0 for x in f["dates"]) or key in lines_of.get(day, {}):
                continue
            lines_of[day][key].add(0)
    vec_cache: dict = {}

    def item_vec(key, lis):
        out = Counter()
        for li in lis:
            if (key, li) not in vec_cache:
                vec_cache[key, li] = tfidf_vectors([tokens(detok(feats[key]["lines"][li]))], df, n)[0]
            for w, x in vec_cache[key, li].items():
                out[w] += x
        norm = math.sqrt(sum(x * x for x in out.values())) or 1.0
        return {w: x / norm for w, x in out.items()}

    if method == "salience":
        cen = _vec_sum(tfidf_vectors(docs, df, n))
        cn = math.sqrt(sum(x * x for x in cen.values())) or 1.0
        cen = {w: x / cn for w, x in cen.items()}
        return {d: sum(max(cos(item_vec(k, [li]), cen) for li in lis) for k, lis in a.items())
                for d, a in lines_of.items()}
    if method == "dedup":
        return {d: len({frozenset(detok(feats[k]["lines"][li]).lower() for li in lis) for k, lis in a.items()})
                for d, a in lines_of.items()}
    if method == "cluster":
        out = {}
        for d, a in lines_of.items():
            groups: list = []  # [sum vector, articles]
            for k in sorted(a):
                for li in sorted(a[k]):
                    v = item_vec(k, [li])
                    if not v:
                        continue
                    best, bs = None, CLUSTER_SIM
                    for g in groups:
                        sim = _cos_raw(v, g[0])
                        if sim > bs:
                            best, bs = g, sim
                    if best is None:
                        groups.append([Counter(v), {k}])
                    else:
                        for w, x in v.items():
                            best[0][w] += x
                        best[1].add(k)
            out[d] = max((len(g[1]) for g in groups), default=0)
        return out
    score = {d: len(a) for d, a in lines_of.items()}
    if method in ("snap", "snap-ledepub"):
        vecs = {d: {k: item_vec(k, lis) for k, lis in a.items()} for d, a in lines_of.items()}
        sums = {d: _vec_sum(kv.values()) for d, kv in vecs.items()}
        delta = Counter()
        for d, kv in vecs.items():
            for k, v in kv.items():
                own = sums[d].copy()
                own.subtract(v)
                best, bs = None, _cos_raw(v, own)
                for step in (-1, 1):
                    nb = (dt.date.fromisoformat(d) + dt.timedelta(days=step)).isoformat()
                    if nb in vecs and len(vecs[nb]) > len(kv):
                        sim = _cos_raw(v, sums[nb])
                        if sim > bs:
                            best, bs = nb, sim
                if best is not None:
                    delta[d] -= 1
                    if k not in vecs[best]:
                        delta[best] += 1
        for d, c in delta.items():
            score[d] += c
    return score


def date_mentions(arts, feats) -> list[DateMention]:
    """The system's input: every day-precision date of every article as a ``storyline.key_dates.DateMention``,
    its sentence the line it sits on (Timeline17 gives one sentence per line), its outlet the article's folder."""
    out = []
    for key, pub, _ in arts:
        f = feats[key]
        ev_lines = {li for li, _typ, mode, *_ in f["events"] if mode not in ("hypothetical", "negated")}
        for li, val, _inferred, *more in f["dates"]:
            out.append(DateMention(article=key, day=val, sentence=f["lines"][li], published=pub.isoformat(),
                                   outlet=key.split("/")[0], stamp=len(more) > 1 and bool(more[1]), event="event" if li in ev_lines else None,
                                   language="en"))
    return out


# ------------------------------------------------------------------ error analysis



def _surface(d: dt.date) -> re.Pattern:
    """The ways a text can name a day: "April 20(th)", "Apr. 20", "20(th) (of) April", "2010-04-20", "4/20"."""
    name = MONTHS[d.month - 1]
    mon = "(?:" + name + "|" + name[:3] + r"\.?" + (r"|Sept\.?" if d.month == 9 else "") + ")"
    day = f"0?{d.day}(?:st|nd|rd|th)?"
    return re.compile(rf"\b{mon}\s+{day}\b(?!\s*\d)|\b{day}\s+(?:of\s+)?{mon}\b|\b{d.isoformat()}\b"
                      rf"|\b0?{d.month}/0?{d.day}\b")


def classify_errors(arts, feats, mention, gold_dates, pred_dates) -> tuple[list, list]:
    """Why a gold date was missed, and what kind of date was picked instead.

    Missed gold date: ``a-absent`` (never extracted, no article names it; ``a-pubdate-only`` if an
    article was published that day), ``a-expression`` (an article names it as "Month D" or "D Month"
    but no timex covers it), ``b-resolved`` (a timex covers that name, its year inferred, and
    resolves it to another day further from the article's publication than the gold day), ``c-outranked`` (extracted, too few articles; ``c-tie`` when
    tied with the last date picked). Wrong pick, first class that fits: ``adjacent`` (one day
    from a gold date), ``future`` (at least half of its articles were published before it: a
    scheduled event), ``pubday`` (half published on it), ``background`` (half published a week
    or more later), ``other``.
    """
    pub_of = {k: p for k, p, _ in arts}
    pubs = Counter(p.isoformat() for _, p, _ in arts)
    ranked = sorted(mention, key=lambda d: (-len(mention[d]), d))
    cutoff = len(mention[pred_dates[-1]]) if pred_dates and pred_dates[-1] in mention else 0
    missed = []
    for g in gold_dates:
        if g in pred_dates:
            continue
        if g in mention:
            n = len(mention[g])
            missed.append((g, "c-tie" if n == cutoff else "c-outranked", n, ranked.index(g) + 1))
            continue
        gd = dt.date.fromisoformat(g)
        pat, cls = _surface(gd), None
        for key, pub, _ in arts:
            f = feats[key]
            for li, line in enumerate(f["lines"]):
                for m in pat.finditer(detok(line)):
                    on_line = [d for d in f["dates"] if d[0] == li and len(d) > 5 and m.group() in d[5]]
                    # resolved elsewhere though the article is nearer the gold day than the value it chose
                    if any(d[1] != g and not YEAR.search(d[5])
                           and abs((gd - pub).days) < abs((dt.date.fromisoformat(d[1]) - pub).days)
                           for d in on_line):
                        cls = "b-resolved"
                    elif not on_line and cls is None:
                        cls = "a-expression"
        if cls is None:
            cls = "a-pubdate-only" if pubs.get(g) else "a-absent"
        missed.append((g, cls, 0, None))
    golds = [dt.date.fromisoformat(g) for g in gold_dates]
    wrong = []
    for d in pred_dates:
        if d in gold_dates:
            continue
        dd = dt.date.fromisoformat(d)
        ps = [pub_of[k] for k in mention.get(d, ())]
        n = len(ps) or 1
        if min(abs((g - dd).days) for g in golds) <= 1:
            cls = "adjacent"
        elif sum(p < dd for p in ps) * 2 >= n:
            cls = "future"
        elif sum(p == dd for p in ps) * 2 >= n:
            cls = "pubday"
        elif sum((p - dd).days >= 7 for p in ps) * 2 >= n:
            cls = "background"
        else:
            cls = "other"
        wrong.append((d, cls, len(ps)))
    return missed, wrong


# ------------------------------------------------------------------ evaluation


def date_prf(pred: list[str], gold: list[str]) -> tuple[float, float]:
    shared = len(set(pred) & set(gold))
    return (shared / len(pred) if pred else 0.0), (shared / len(gold) if gold else 0.0)


def f1(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--method", default="mention", choices=["pubcount", "mention", "event", "full", "refs", "merged", *CONTENT_METHODS])
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "storyline-tls-cache"))
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--no-events", action="store_true", help="skip the parse: no event preference in summaries; --method event/full degrade to mention")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-rouge", action="store_true", help="date F1 only (fast)")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="only the tasks with even (or odd) index in sorted order, for a fit/measure cross-check")
    ap.add_argument("--stamps", action="store_true",
                    help="count page and comment timestamps as mentions (before this round's default)")
    ap.add_argument("--tie", default="earlier", choices=["earlier", "later"],
                    help="which of two dates of equal score goes first (docs/quality.md, Timeline17)")
    ap.add_argument("--errors", action="store_true",
                    help="print, per task, the gold dates missed and the wrong dates picked, classified (classify_errors)")
    ap.add_argument("--rouge", default="original", choices=["original", "reimpl"],
                    help="tilse ROUGE backend: original ROUGE-1.5.5 (default, as news-tls) or tilse's python reimplementation")
    args = ap.parse_args(argv)
    t0 = time.time()
    tasks = find_tasks(args.data)
    if args.half:
        tasks = tasks[0 if args.half == "even" else 1::2]
    if not tasks:
        sys.exit(f"no tasks under {args.data}")
    with_events = not args.no_events and args.method != "pubcount"

    evaluator = None
    if not args.no_rouge:
        from tilse.data import timelines as tl_mod
        from tilse.evaluation import rouge as rouge_mod

        evaluator = rouge_mod.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"],
                                                     rouge_computation=args.rouge)
    feats: dict = {}
    sums = Counter()
    error_counts: Counter = Counter()
    n_articles = 0
    for task in tasks:
        gold = task["gold"]
        gold_dates = [d.isoformat() for d in gold]
        start, end = gold_dates[0], gold_dates[-1]
        l = len(gold)
        k = max(1, round(sum(len(s) for s in gold.values()) / l))
        arts = [a for a in topic_articles(task["folders"]) if start <= a[1].isoformat() <= end]
        missing = [a for a in arts if a[0] not in feats]
        if missing:
            feats.update(load_features(missing, None if args.no_cache else args.cache, with_events, args.workers))
        n_articles = len(feats)
        mention, event_art, sents, pubcount, extra = collect(arts, feats, start, end, args.stamps)
        mentions = date_mentions(arts, feats)
        if args.stamps:
            mentions = [replace(m, stamp=False) for m in mentions]
        if args.method == "mention" and args.tie == "earlier":
            # the product's own choice of days (storyline.key_dates), as `storyline dates` makes it
            entries = key_dates(mentions, l, k, start, end)
        else:
            if args.method in CONTENT_METHODS:
                extra["content"] = content_scores(args.method, arts, feats, start, end, mention, args.stamps)
            df = Counter()
            n_docs = 0
            for d, ss in sents.items():
                for s in ss:
                    n_docs += 1
                    df.update(set(tokens(s)))
            pred_dates = select_dates(args.method, l, mention, event_art, sents, pubcount, df, n_docs, extra,
                                      args.tie)
            for d in pred_dates:
                if not sents.get(d):
                    # a day chosen only through ``ledepub`` votes: its undated articles' first lines
                    mentions += [DateMention(article=key, day=d, sentence=feats[key]["lines"][0], published=d,
                                             outlet=key.split("/")[0], language="en")
                                 for key, pub, _ in arts if pub.isoformat() == d and feats[key]["lines"]]
            entries = key_dates(mentions, l, k, start, end, days=pred_dates)
        pred = {e.date: e.summary for e in entries}
        pred_dates = [e.date for e in entries]
        p, r = date_prf(list(pred), gold_dates)
        row = {"task": task["name"], "l": l, "k": k, "articles": len(arts), "date_p": p, "date_r": r,
               "date_f1": f1(p, r)}
        sums["date_p"] += p
        sums["date_r"] += r
        if evaluator is not None:
            said = {dt.date.fromisoformat(d): ss for d, ss in pred.items() if ss}
            if said:
                pred_tl = tl_mod.Timeline(said)
                gt = tl_mod.GroundTruth([tl_mod.Timeline({d: ss for d, ss in gold.items()})])
                res = evaluator.evaluate_align_date_content_costs_many_to_one(pred_tl, gt)
            else:  # nothing to align (no article in the window names a day): tilse cannot score an empty timeline
                res = {m: {"precision": 0.0, "recall": 0.0, "f_score": 0.0} for m in ("rouge_1", "rouge_2")}
            for m, short in (("rouge_1", "ar1"), ("rouge_2", "ar2")):
                sums[short + "_p"] += res[m]["precision"]
                sums[short + "_r"] += res[m]["recall"]
                row[short + "_f1"] = res[m]["f_score"]
        print("  ".join(f"{k_}={v:.3f}" if isinstance(v, float) else f"{k_}={v}" for k_, v in row.items()),
              flush=True)
        if args.errors:
            missed, wrong = classify_errors(arts, feats, mention, gold_dates, pred_dates)
            for g, cls, n, rank in missed:
                print(f"    missed {g} {cls}" + (f" articles={n} rank={rank}" if rank else ""))
                error_counts["missed " + cls] += 1
            for d, cls, n in wrong:
                print(f"    wrong  {d} {cls} articles={n}")
                error_counts["wrong " + cls] += 1
    n = len(tasks)
    out = {"method": args.method, "tasks": n}
    for m in ("date", "ar1", "ar2"):
        if m == "date" or evaluator is not None:
            out[m + "_p"] = sums[m + "_p"] / n
            out[m + "_r"] = sums[m + "_r"] / n
            out[m + "_f1"] = f1(out[m + "_p"], out[m + "_r"])
    if evaluator is None:
        out["ar1_f1"] = out["ar2_f1"] = None
    out["rouge_backend"] = None if evaluator is None else (
        "ROUGE-1.5.5 (perl, via tilse's pyrouge)" if args.rouge == "original" else "tilse python reimplementation")
    out["articles"] = n_articles
    out["seconds"] = round(time.time() - t0, 1)
    if args.errors:
        print("ERRORS " + json.dumps(dict(sorted(error_counts.items()))))
    print(f"AVERAGE over {n} tasks: date F1 {out['date_f1']:.3f}"
          + ("" if evaluator is None else f"  AR-1 F1 {out['ar1_f1']:.3f}  AR-2 F1 {out['ar2_f1']:.3f}"))
    print(json.dumps({k_: (round(v, 4) if isinstance(v, float) else v) for k_, v in out.items()}))


if __name__ == "__main__":
    main()
