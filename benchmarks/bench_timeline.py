"""Timeline latency against store size, on synthetic stores made of real analysed articles.

Issue 4 asks that building one entity's timeline from a store of 100,000
articles answers in under 200 ms, through indexes, not scans. Analysing
100,000 articles would take hours, so the stores are synthetic but made of
real rows:

1. A seed: a fixed random sample of Timeline17 articles (real news, several
   topics and outlets) is ingested and analysed once with storyline's own
   pipeline (``storyline.ingest``, then ``storyline.analyse_store``).
2. Each store of N articles is the seed's rows copied by SQL (``INSERT …
   SELECT`` with id offsets) until N articles: articles (with their FTS
   index), copies, LSH buckets, sentences, mentions, roles, quotes, time
   expressions, events, entities and aliases. Copy r has its dates shifted by
   r × ``--shift-days`` days. Countries and the entities that appear in at
   least ``--shared`` of the seed's articles keep their key in every copy, so
   a frequent entity's rows grow with the store as they would in a real one;
   every other entity becomes a new entity in each copy (its key, name and
   aliases get a ``~r`` suffix), so a rare entity stays rare. The copied
   mentions are then merged into events (``Store.index_events``, what the
   store does for each analysed article and migration 7 for an older store),
   timed apart as ``merge_seconds``.

What is timed is what ``storyline timeline --entity X`` (and ``--between A
B``) runs: ``Store.find_entities`` for each name, then ``timeline.timeline``
(one actor's best events read from the stored per-actor counts, a pair's
counted in SQL; the top entries' evidence read) —
the body of ``storyline.cli.timeline`` without the printing. Every query's
entries are also checked identical to the reference, ``timeline.key_events(
timeline.merge(Store.event_rows(...)))``, which reads every mention. For each store: a frequent
entity, a mid-frequency one, a rare one, a frequent pair and a pair of less
frequent actors (see ``pick_queries``), each cold (the first query after
opening the store, with the store's file pages dropped from the OS cache by
``posix_fadvise``) and warm (repeated on the open store), median and p95 of
wall-clock time, with CPU time beside. One end-to-end ``storyline timeline``
subprocess per query is timed for reference (Python start-up and imports
included). ``EXPLAIN QUERY PLAN`` of every statement a query runs is checked
for full scans.

The key dates of the same entities and pairs are timed the same way, cold and
warm: what ``storyline dates --entity X --limit 30`` (``--between A B``) runs,
``Store.find_entities`` for each name, then ``key_dates.from_store(store,
sides=..., limit=30, sentences=1)``: one entity's best days from the counts kept
per entity and day (``storyline.date_store``), then only those days' stored
sentences, one range of ``day_sentences`` per day; a pair reads the stored
sentences of the articles that name both sides. The copied rows' dated sentences
and day counts are made from scratch (``date_store.recount_all``, timed as
``day_count_seconds``), and ``date_upkeep`` times keeping them as articles are
saved. Each answer is checked against reading every
mention (``key_dates(Store.date_mentions(sides=...))``, timed as the reference),
with the number of date mentions read and the plans of its statements. The copies' time
expressions have their values shifted like the events' dates (a day whose
year the text left open, ``XXXX-04-15``, moves too), and their sentences and
mentions are copied with them, so a copy names its own days. ``--only-dates``
times only these; ``--stores DIR`` measures stores kept by an earlier
``--keep`` run instead of building them.

    python benchmarks/bench_timeline.py --data ../shared/data --sizes 1000,10000,100000

The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storyline.resolve import normalise_name  # noqa: E402
from storyline import event_store  # noqa: E402
from storyline import date_store  # noqa: E402
from storyline.key_dates import from_store, key_dates  # noqa: E402
from storyline.store import Store  # noqa: E402
from storyline.timeline import key_events, merge, timeline  # noqa: E402

CLI_LIMIT = 30  # ``storyline timeline``'s default --limit


# --------------------------------------------------------------------- the seed


def sample_records(data: Path, n: int, seed: int = 1) -> list[dict]:
    """A fixed random sample of T17 articles as JSONL records with their date and outlet."""
    paths = sorted(data.glob("t17/*/InputDocs/*/*.txt"))
    paths = sorted(random.Random(seed).sample(paths, min(n, len(paths))))
    records = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        folder, day = path.parents[2].name, path.parent.name
        records.append({"text": text, "date": day, "outlet": folder.split("_", 1)[1],
                        "url": f"https://t17.invalid/{folder}/{day}/{path.name}"})
    return records


def build_seed(data: Path, n: int, path: Path) -> dict:
    """Ingest and analyse the sample into ``path`` with storyline's own pipeline."""
    import storyline

    records = sample_records(data, n)
    jsonl = path.with_suffix(".jsonl")
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    with storyline.open(path) as store:
        ingest = storyline.ingest(store, [jsonl])
        analysis = storyline.analyse_store(store)
    jsonl.unlink()
    failed = ingest.failures + analysis.failures
    if analysis.failures and len(analysis.failures) > 0.05 * max(1, ingest.new_articles):
        path.unlink()
        raise SystemExit(f"the seed's analysis failed for {len(analysis.failures)} articles, e.g. "
                         f"{analysis.failures[0].reason}; not building stores from it")
    return {"sampled": len(records), "articles": ingest.new_articles, "duplicates": ingest.duplicates,
            "failed": len(failed), "mentions": analysis.mentions,
            "seconds": round(time.perf_counter() - start, 1), "cpu_seconds": round(time.process_time() - cpu, 1)}


def shared_keys(seed: Path, share: float) -> set[str]:
    """Entities every copy keeps: countries, and those in at least ``share`` of the seed's articles."""
    conn = sqlite3.connect(seed)
    total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    keys = {r[0] for r in conn.execute("SELECT key FROM entities WHERE type = 'COUNTRY'")}
    keys |= {r[0] for r in conn.execute(
        "SELECT entity_key FROM mentions WHERE entity_key IS NOT NULL GROUP BY entity_key"
        " HAVING COUNT(DISTINCT article_id) >= ?", (math.ceil(share * total),))}
    conn.close()
    return keys


# --------------------------------------------------------------- replication

DATE_PREFIX = re.compile(r"(\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?")
UNKNOWN_YEAR = 2000  # a leap year, so that a year-unknown XXXX-02-29 moves too


def shift_date(value: str | None, days: int) -> str | None:
    """An ISO date (or its year or month) moved by ``days``, at the precision it had; anything else as is.

    A day or month whose year the text left open (``XXXX-04-15``, as time expressions and event dates have it)
    moves the same way and keeps its unknown year; a bare ``XXXX`` stays as it is."""
    if not value or not days:
        return value
    m = DATE_PREFIX.match(value)
    if not m:
        return value
    year, month, day = m.groups()
    unknown = year == "XXXX"
    if unknown and not month:
        return value
    try:
        base = dt.date(UNKNOWN_YEAR if unknown else int(year), int(month or 7), int(day or (15 if month else 1)))
        moved = base + dt.timedelta(days=days)
    except (ValueError, OverflowError):
        return value
    text = moved.isoformat()[: 10 if day else 7 if month else 4]
    if unknown:
        text = "XXXX" + text[4:]
    return text + value[m.end():]


def _key(col: str) -> str:
    return (f"CASE WHEN {col} IS NULL OR :r = 0 OR {col} IN (SELECT key FROM temp.shared) THEN {col}"
            f" ELSE {col} || '~' || :r END")


# Per table: how a copy's column differs from the seed's (other columns are copied as they are), and
# which seed rows a partial copy takes. ``:r`` is the copy number, ``:days`` its date shift, ``:off_<table>``
# the id offset of that table, ``:last`` the last seed article id the copy takes.
TABLES: dict[str, tuple[dict[str, str], str]] = {
    "articles": ({"id": "id + :off_articles", "published": "shift(published, :days)",
                  "first_seen": "shift(first_seen, :days)", "exact_hash": "exact_hash || ':' || :r"}, "id <= :last"),
    "copies": ({"id": "id + :off_copies", "article_id": "article_id + :off_articles",
                "source": "source || '#' || :r", "published": "shift(published, :days)",
                "fetched_at": "shift(fetched_at, :days)"}, "article_id <= :last"),
    "lsh_buckets": ({"article_id": "article_id + :off_articles"}, "article_id <= :last"),
    "analysed": ({"article_id": "article_id + :off_articles"}, "article_id <= :last"),
    "sentences": ({"article_id": "article_id + :off_articles"}, "article_id <= :last"),
    "entities": ({"key": _key("key"), "name": "CASE WHEN :r = 0 OR key IN (SELECT key FROM temp.shared) THEN name"
                  " ELSE name || ' ~' || :r END"}, ":r = 0 OR key NOT IN (SELECT key FROM temp.shared)"),
    "aliases": ({"entity_key": _key("entity_key"), "alias": "CASE WHEN :r = 0 OR entity_key IN"
                 " (SELECT key FROM temp.shared) THEN alias ELSE alias || ' ' || :r END"},
                ":r = 0 OR entity_key NOT IN (SELECT key FROM temp.shared)"),
    "mentions": ({"id": "id + :off_mentions", "article_id": "article_id + :off_articles",
                  "entity_key": _key("entity_key")}, "article_id <= :last"),
    "roles": ({"entity_key": _key("entity_key"), "article_id": "article_id + :off_articles",
               "date": "shift(date, :days)"}, "article_id <= :last"),
    "quotes": ({"id": "id + :off_quotes", "article_id": "article_id + :off_articles",
                "speaker_key": _key("speaker_key")}, "article_id <= :last"),
    "timexes": ({"article_id": "article_id + :off_articles", "value": "shift(value, :days)",
                 "end_value": "shift(end_value, :days)"}, "article_id <= :last"),
    "events": ({"id": "id + :off_events", "article_id": "article_id + :off_articles",
                "source_key": _key("source_key"), "target_key": _key("target_key"),
                "date": "shift(date, :days)", "date_end": "shift(date_end, :days)",
                "event_group": "NULL"}, "article_id <= :last"),  # merged below, as the store merges new mentions
}
ID_TABLES = ("articles", "copies", "mentions", "quotes", "events")


def build_store(seed: Path, path: Path, size: int, shared: set[str], shift_days: int) -> dict:
    """A store of ``size`` articles: the seed's rows copied with new ids, shifted dates, per-copy entities."""
    Store(path).close()  # the schema, with every migration of this checkout
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("ATTACH DATABASE ? AS seed", (str(seed),))
    conn.create_function("shift", 2, shift_date, deterministic=True)
    conn.execute("CREATE TEMP TABLE shared (key TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.shared VALUES (?)", [(k,) for k in sorted(shared)])
    ids = [r[0] for r in conn.execute("SELECT id FROM seed.articles ORDER BY id")]
    offsets = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM seed.{t}").fetchone()[0] for t in ID_TABLES}
    statements = []
    for table, (changed, where) in TABLES.items():
        cols = [r[1] for r in conn.execute(f"PRAGMA seed.table_info({table})")]
        exprs = ", ".join(changed.get(c, f'"{c}"') for c in cols)
        names = ", ".join(f'"{c}"' for c in cols)
        statements.append(f"INSERT INTO main.{table} ({names}) SELECT {exprs} FROM seed.{table} WHERE {where}")
    copies = math.ceil(size / len(ids))
    for r in range(copies):
        params = {"r": r, "days": r * shift_days, "last": ids[min(len(ids), size - r * len(ids)) - 1],
                  **{f"off_{t}": r * offsets[t] for t in ID_TABLES}}
        conn.execute("BEGIN")
        for sql in statements:
            used = set(re.findall(r":(\w+)", sql))
            conn.execute(sql, {k: v for k, v in params.items() if k in used})
        conn.execute("COMMIT")
    conn.close()
    copied = time.perf_counter()
    with Store(path) as store, store.transaction():  # every copied mention into its merged event, in one go
        store.index_events()
    merged = time.perf_counter()
    with Store(path) as store, store.transaction():  # and every copied article's days counted per entity
        date_store.recount_all(store.conn)
    day_counts = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM main.{t}").fetchone()[0]
              for t in ("articles", "mentions", "events", "entities", "aliases", "event_groups",
                        "event_group_actors", "sentences", "timexes")}
    conn.close()
    return {**counts, "copies_of_seed": copies, "build_seconds": round(copied - start, 1),
            "merge_seconds": round(merged - copied, 1), "day_count_seconds": round(day_counts - merged, 1),
            "db_mb": round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20, 1)}


# --------------------------------------------------------------- the queries


def run_timeline(store: Store, names: list[str]) -> list:
    """What ``storyline timeline --entity X`` / ``--between A B`` computes (storyline.cli.timeline)."""
    sides = [store.find_entities(n, normalise_name) for n in names]  # cli._entity_keys
    return timeline(store, actors=sides, limit=CLI_LIMIT, background=False)


def reference(store: Store, names: list[str]) -> tuple[int, list]:
    """The same timeline the old way, from every mention: (mention rows read, entries)."""
    rows = store.event_rows(actors=[store.find_entities(n, normalise_name) for n in names])
    return len(rows), key_events(merge(rows), limit=CLI_LIMIT, background=False)


def timed(store: Store, names: list[str]) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    entries = run_timeline(store, names)
    return {"ms": (time.perf_counter() - wall) * 1000, "cpu_ms": (time.process_time() - cpu) * 1000,
            "entries": len(entries)}


def drop_cache(path: Path) -> None:
    """Ask the kernel to forget the store's pages, so the next read comes from disk (clean pages only)."""
    for p in (path, Path(str(path) + "-wal")):
        if p.exists():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def measure(path: Path, names: list[str], reps: int, cold_reps: int) -> dict:
    colds, opens = [], []
    for _ in range(cold_reps):
        drop_cache(path)
        t = time.perf_counter()
        store = Store(path)
        opens.append((time.perf_counter() - t) * 1000)
        colds.append(timed(store, names))
        store.close()
    with Store(path) as store:
        timed(store, names)  # warm-up
        warms = [timed(store, names) for _ in range(reps)]
        entries = run_timeline(store, names)
        t = time.perf_counter()
        rows, expected = reference(store, names)
        reference_ms = (time.perf_counter() - t) * 1000
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    return {
        "names": names, "rows": rows, "entries": warms[0]["entries"], "reference_ms": reference_ms,
        "same_as_reference": [e.as_dict() for e in entries] == [e.as_dict() for e in expected],
        "cold_ms": med(colds, "ms"), "cold_p95_ms": pct([x["ms"] for x in colds], 0.95),
        "cold_cpu_ms": med(colds, "cpu_ms"), "open_ms": statistics.median(opens),
        "warm_ms": med(warms, "ms"), "warm_p95_ms": pct([x["ms"] for x in warms], 0.95),
        "warm_cpu_ms": med(warms, "cpu_ms"),
    }


# ---------------------------------------------------------------- key dates

DATES_LIMIT, DATES_SENTENCES = 30, 1  # as ``storyline dates --limit 30 --sentences 1``


def run_dates(store: Store, names: list[str]) -> tuple[list, list]:
    """Reading every mention, the reference: (mentions, days)."""
    sides = [store.find_entities(n, normalise_name) for n in names]  # cli._actor_sides
    mentions = store.date_mentions(sides=sides)
    return mentions, key_dates(mentions, limit=DATES_LIMIT, sentences=DATES_SENTENCES)


def product_dates(store: Store, names: list[str]) -> list:
    """What ``storyline dates --entity X`` / ``--between A B`` computes (storyline.cli.dates)."""
    sides = [store.find_entities(n, normalise_name) for n in names]
    return from_store(store, sides=sides, limit=DATES_LIMIT, sentences=DATES_SENTENCES)


def timed_dates(store: Store, names: list[str]) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    days = product_dates(store, names)
    end = time.perf_counter()
    return {"ms": (end - wall) * 1000, "cpu_ms": (time.process_time() - cpu) * 1000, "days": days}


def measure_dates(path: Path, names: list[str], reps: int, cold_reps: int) -> dict:
    """The key-dates query timed as ``measure`` times the timeline: cold (fresh open, OS cache dropped), warm."""
    colds = []
    for _ in range(cold_reps):
        drop_cache(path)
        store = Store(path)
        colds.append(timed_dates(store, names))
        store.close()
    with Store(path) as store:
        timed_dates(store, names)  # warm-up
        warms = [timed_dates(store, names) for _ in range(reps)]
        wall = time.perf_counter()
        mentions, days = run_dates(store, names)
        reference_ms = (time.perf_counter() - wall) * 1000
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    same = all([d.as_dict() for d in x["days"]] == [d.as_dict() for d in days] for x in colds + warms)
    return {
        "names": names, "mentions": len(mentions), "stamps": sum(m.stamp for m in mentions),
        "articles": len({m.article for m in mentions}), "days": len(days),
        "top_days": [(d.date, d.articles) for d in sorted(days, key=lambda d: (-d.articles, d.date))[:3]],
        "reference_ms": round(reference_ms, 2), "same_as_reference": same,
        "cold_ms": med(colds, "ms"), "cold_p95_ms": pct([x["ms"] for x in colds], 0.95),
        "cold_cpu_ms": med(colds, "cpu_ms"),
        "warm_ms": med(warms, "ms"), "warm_p95_ms": pct([x["ms"] for x in warms], 0.95),
        "warm_cpu_ms": med(warms, "cpu_ms"),
    }


def upkeep(path: Path, n: int = 200, seed: int = 1) -> dict:
    """What keeping the merged events costs when articles are saved: ``n`` random articles with events have their
    mentions taken out of their events and merged again, one article at a time, as ``Store.save_analysis`` does
    after writing an article's rows; rolled back afterwards. The counts must come out as they were."""
    with Store(path) as store:
        ids = [r[0] for r in store.conn.execute("SELECT DISTINCT article_id FROM events ORDER BY article_id")]
        chosen = random.Random(seed).sample(ids, min(n, len(ids)))
        check = ("SELECT COUNT(*), SUM(articles), SUM(outlets), ROUND(SUM(score), 6), SUM(first >> 32), SUM(first & 4294967295) FROM event_group_actors")
        before = store.conn.execute(check).fetchone()
        mentions = 0
        store.conn.execute("BEGIN")
        wall, cpu = time.perf_counter(), time.process_time()
        for article_id in chosen:
            stale = event_store.article_groups(store.conn, article_id)
            mentions += store.conn.execute("UPDATE events SET event_group = NULL WHERE article_id = ?",
                                           (article_id,)).rowcount
            store.index_events(stale)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        same = store.conn.execute(check).fetchone() == before
        store.conn.execute("ROLLBACK")
    return {"articles": len(chosen), "mentions": mentions, "ms_per_article": wall * 1000 / len(chosen),
            "cpu_ms_per_article": cpu * 1000 / len(chosen), "counts_unchanged": same}


def date_upkeep(path: Path, n: int = 200, seed: int = 1) -> dict:
    """What keeping the dated sentences and the day counts costs when articles are saved: ``n`` random articles'
    rows taken away and stored again from their analysis, one at a time, as ``Store.save_analysis`` does;
    rolled back afterwards. Both tables must come out as they were."""
    with Store(path) as store:
        ids = [r[0] for r in store.conn.execute("SELECT DISTINCT article_id FROM day_sentences")]
        chosen = random.Random(seed).sample(ids, min(n, len(ids)))
        check = ("SELECT (SELECT COUNT(*) || ' ' || SUM(articles) FROM entity_days),"
                 " (SELECT COUNT(*) || ' ' || SUM(length(text) + length(actors)) FROM day_sentences)")
        before = store.conn.execute(check).fetchone()
        store.conn.execute("BEGIN")
        wall, cpu = time.perf_counter(), time.process_time()
        for article_id in chosen:
            date_store.forget(store.conn, article_id)
            date_store.remember(store.conn, [article_id])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        same = store.conn.execute(check).fetchone() == before
        store.conn.execute("ROLLBACK")
    return {"articles": len(chosen), "ms_per_article": wall * 1000 / len(chosen),
            "cpu_ms_per_article": cpu * 1000 / len(chosen), "tables_unchanged": same}


def cli_run(path: Path, names: list[str]) -> dict:
    """One end-to-end ``storyline timeline`` in a subprocess, for reference; also checks it agrees with the API."""
    exe = Path(sys.executable).with_name("storyline")
    args = ["--entity", names[0]] if len(names) == 1 else ["--between", *names]
    cmd = [str(exe), "timeline", *args, "--db", str(path), "--json"]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    ms = (time.perf_counter() - start) * 1000
    with Store(path) as store:
        entries = run_timeline(store, names)
    cli = json.loads(out.stdout)
    same = [e["date"] for e in cli] == [e.date for e in entries] and len(cli) == len(entries)
    return {"cli_ms": ms, "cli_entries": len(cli), "cli_agrees": same}


def query_plans(path: Path, names: list[str], run=None) -> list[dict]:
    """``EXPLAIN QUERY PLAN`` of every statement one timeline query (or ``run``'s) runs; ``scans`` lists
    full-table scans."""
    seen: list[str] = []
    with Store(path) as store:
        store.conn.set_trace_callback(seen.append)
        (run or run_timeline)(store, names)
        store.conn.set_trace_callback(None)
        plans = []
        for sql in seen:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            steps = [r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            # a scan of a parameter list (json_each) or of a materialized subquery or CTE reads no table
            scans = [s for s in steps if s.startswith("SCAN ") and not s.startswith("SCAN CONSTANT")
                     and "VIRTUAL TABLE" not in s and not s.startswith(("SCAN (subquery", "SCAN named"))]
            plans.append({"sql": sql[:160], "plan": steps, "scans": scans})
    return plans


def lookup_plan(path: Path, name: str) -> dict:
    """The name lookup alone for a name that is no alias (the LIKE fallback of ``find_entities``)."""
    with Store(path) as store:
        store.find_entities(name, normalise_name)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            keys = store.find_entities(name, normalise_name)
            times.append((time.perf_counter() - t) * 1000)
    return {"name": name, "keys": len(keys), "ms": statistics.median(times), "plans": query_plans_lookup(path, name)}


def query_plans_lookup(path: Path, name: str) -> list[list[str]]:
    seen: list[str] = []
    with Store(path) as store:
        store.conn.set_trace_callback(seen.append)
        store.find_entities(name, normalise_name)
        store.conn.set_trace_callback(None)
        return [[r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + s)] for s in seen
                if s.lstrip().upper().startswith("SELECT")]


# ------------------------------------------------------------ picking entities


def pick_queries(seed: Path, shared: set[str]) -> dict[str, list[str]]:
    """A frequent entity (most event rows), a mid-frequency one (the median of the shared non-country entities
    with 3 or more event rows), a rare one (1–3 event rows, in one copy only), a frequent pair (the frequent
    entity and its most frequent partner) and a pair of less frequent actors (3 or more events together, the
    smallest larger side), each by a name the alias index resolves to exactly the entity meant."""
    with Store(seed) as store:
        def resolves(name: str, key: str) -> bool:
            return store.find_entities(name, normalise_name) == [key] and store.conn.execute(
                "SELECT 1 FROM aliases WHERE alias = ?", (normalise_name(name),)).fetchone() is not None

        counts: Counter = Counter()
        for r in store.conn.execute("SELECT source_key, target_key, source_country, target_country FROM events"):
            keys = {r[0], r[1]} | {f"COUNTRY:{c}" for c in (r[2], r[3]) if c}
            counts.update(k for k in keys if k)
        names = dict(store.conn.execute("SELECT key, name FROM entities"))
        frequent = next(k for k, _ in counts.most_common() if k in shared and resolves(names[k], k))
        frequent_shared = sorted((n, k) for k, n in counts.items() if k in shared and n >= 3 and k != frequent
                                 and not k.startswith("COUNTRY:") and resolves(names[k], k))
        mid = frequent_shared[len(frequent_shared) // 2][1]
        rare = next(k for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                    if 1 <= n <= 3 and k not in shared and k.startswith("PER:") and resolves(names[k], k))
        partners: Counter = Counter()
        code = frequent.split(":", 1)[1] if frequent.startswith("COUNTRY:") else None
        for r in store.event_rows(actors=[[frequent]]):
            source_side = r["source_key"] == frequent or (code and r["source_country"] == code)
            other_key, other_country = ((r["target_key"], r["target_country"]) if source_side
                                        else (r["source_key"], r["source_country"]))
            other = f"COUNTRY:{other_country}" if other_country else other_key
            if other and other != frequent and other in shared:
                partners[other] += 1
        partner = next(k for k, _ in partners.most_common() if resolves(names[k], k))
        pairs: Counter = Counter()
        for r in store.conn.execute("SELECT source_key, source_country, target_key, target_country FROM events"):
            a, b = (f"COUNTRY:{c}" if c else k for k, c in ((r[0], r[1]), (r[2], r[3])))
            if a in shared and b in shared and a != b:
                pairs[tuple(sorted((a, b)))] += 1
        small = min((max(counts[a], counts[b]), a, b) for (a, b), n in pairs.items()
                    if n >= 3 and resolves(names[a], a) and resolves(names[b], b))
    return {"frequent entity": [names[frequent]], "mid-frequency entity": [names[mid]], "rare entity": [names[rare]],
            "frequent pair (--between)": [names[frequent], names[partner]],
            "pair of less frequent actors (--between)": [names[small[1]], names[small[2]]]}


# -------------------------------------------------------------------- report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()},"
            f" SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def fmt(ms: float) -> str:
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=1000, help="T17 articles analysed for the seed")
    parser.add_argument("--sizes", default="1000,10000,100000", help="store sizes, in articles")
    parser.add_argument("--reps", type=int, default=15, help="warm repetitions per query")
    parser.add_argument("--cold-reps", type=int, default=5, help="cold repetitions (fresh open, OS cache dropped)")
    parser.add_argument("--shared", type=float, default=0.02,
                        help="entities in at least this share of the seed's articles keep their key in every copy")
    parser.add_argument("--shift-days", type=int, default=30, help="each copy's dates move this many days more")
    parser.add_argument("--seed-db", type=Path, help="analysed seed store to reuse (built there if missing)")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the stores (and the seed) afterwards")
    parser.add_argument("--only-dates", action="store_true",
                        help="time only the key-dates queries (no timeline queries, CLI runs, lookup or upkeep)")
    parser.add_argument("--stores", type=Path, help="measure the stores store_<size>.db already in this folder (kept,"
                        " not rebuilt; the seed is read from --seed-db or seed.db there)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    if args.stores:
        work, args.keep = args.stores, True
    else:
        work = Path(tempfile.mkdtemp(prefix="bench_timeline_", dir=args.workdir))
    wall0, cpu0, load0 = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    try:
        seed = args.seed_db or work / "seed.db"
        if seed.exists():
            seed_info = {"reused": str(seed)}
        else:
            print(f"analysing the seed ({args.sample} T17 articles) into {seed} …", file=sys.stderr)
            seed_info = build_seed(args.data, args.sample, seed)
        shared = shared_keys(seed, args.shared)
        queries = pick_queries(seed, shared)
        print(f"seed: {seed_info}; {len(shared)} shared entities; queries: {queries}", file=sys.stderr)

        results, plans, date_plans = [], {}, {}
        for size in sizes:
            path = work / f"store_{size}.db"
            if args.stores:
                info = store_info(path)
                print(f"reusing {size:,}: {info}", file=sys.stderr)
            else:
                info = build_store(seed, path, size, shared, args.shift_days)
                print(f"built {size:,}: {info}", file=sys.stderr)
            row = {"size": size, **info, "queries": {}, "dates": {}}
            for label, names in queries.items():
                if args.only_dates:
                    break
                m = measure(path, names, args.reps, args.cold_reps)
                m.update(cli_run(path, names))
                p = query_plans(path, names)
                m["scans"] = sorted({s for x in p for s in x["scans"]})
                plans[label] = p
                row["queries"][label] = m
                print(f"  {label}: {json.dumps(m)}", file=sys.stderr)
            for label, names in queries.items():
                m = measure_dates(path, names, args.reps, args.cold_reps)
                p = query_plans(path, names, product_dates)
                m["scans"] = sorted({s for x in p for s in x["scans"]})
                date_plans[label] = p
                row["dates"][label] = m
                print(f"  key dates, {label}: {json.dumps(m)}", file=sys.stderr)
            if not args.only_dates:
                row["lookup_fallback"] = lookup_plan(path, queries["frequent entity"][0][:-1])
                row["upkeep"] = upkeep(path)
                print(f"  upkeep: {json.dumps(row['upkeep'])}", file=sys.stderr)
            row["date_upkeep"] = date_upkeep(path)
            print(f"  dated sentences and day counts upkeep: {json.dumps(row['date_upkeep'])}", file=sys.stderr)
            results.append(row)
            if not args.keep:
                for p in work.glob(path.name + "*"):
                    p.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"stores kept in {work}", file=sys.stderr)

    load = f"load average {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    print(f"Machine: {machine()}; {load}")
    print(f"Whole run: {time.perf_counter() - wall0:,.0f} s wall, {time.process_time() - cpu0:,.0f} s CPU "
          "(this process; the CLI subprocesses not counted)")
    print(f"Seed: {seed_info}; {len(shared)} entities shared by every copy (countries and entities in "
          f">= {args.shared:.0%} of seed articles); copy r shifted by r x {args.shift_days} days.")
    print()
    if not args.only_dates:
        report_timeline(results, queries, plans)
    report_dates(results, queries, date_plans)
    summary = {
        "machine": machine(), "load_average_start_end": [load0, os.getloadavg()[0]], "seed": seed_info,
        "shared_entities": len(shared), "queries": queries,
        "sizes": [{k: v for k, v in r.items() if k != "lookup_fallback"} | ({
            "lookup_fallback_ms": round(r["lookup_fallback"]["ms"], 2)} if "lookup_fallback" in r else {})
            for r in results],
        "scans": {label: sorted({s for x in p for s in x["scans"]}) for label, p in plans.items()},
        "date_scans": {label: sorted({s for x in p for s in x["scans"]}) for label, p in date_plans.items()},
        "total_seconds": round(time.perf_counter() - wall0, 1),
        "total_cpu_seconds": round(time.process_time() - cpu0, 1),
    }
    print(json.dumps(rounded(summary), ensure_ascii=False))


def store_info(path: Path) -> dict:
    """The counts ``build_store`` reports, of a store built before."""
    if not path.exists():
        raise SystemExit(f"no store {path} to reuse")
    conn = sqlite3.connect(path)
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM main.{t}").fetchone()[0]
              for t in ("articles", "mentions", "events", "entities", "aliases", "event_groups",
                        "event_group_actors", "sentences", "timexes")}
    conn.close()
    return {**counts, "reused": True,
            "db_mb": round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20, 1)}


def print_plans(title: str, plans: dict) -> None:
    print(title)
    for label, p in plans.items():
        for x in p:
            print(f"- {label}: {x['sql'][:90]}… → {'; '.join(x['plan'])}")


def report_dates(results: list[dict], queries: dict, plans: dict) -> None:
    print("Key dates (`key_dates.from_store(store, sides=..., limit=30, sentences=1)`, name lookup included;"
          " the reference reads every date mention of the query, warm):")
    print()
    print("| store | query | date mentions of the query (stamps) | articles | days | cold median ms (p95) "
          "| warm median ms (p95) | warm CPU ms | same as reference | reference warm ms | timeline cold / warm ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for label, q in r["dates"].items():
            t = r["queries"].get(label)
            tl = f"{fmt(t['cold_ms'])} / {fmt(t['warm_ms'])}" if t else "–"
            print(f"| {r['size']:,} | {label}: {' / '.join(q['names'])} | {q['mentions']:,} ({q['stamps']:,}) "
                  f"| {q['articles']:,} | {q['days']} | {fmt(q['cold_ms'])} ({fmt(q['cold_p95_ms'])}) "
                  f"| {fmt(q['warm_ms'])} ({fmt(q['warm_p95_ms'])}) | {fmt(q['warm_cpu_ms'])} "
                  f"| {q['same_as_reference']} | {fmt(q['reference_ms'])} | {tl} |")
    print()
    print_plans("Key-dates query plans (largest store):", plans)
    print()


def report_timeline(results: list[dict], queries: dict, plans: dict) -> None:
    print("| store | articles | mentions | event rows | DB MB | query | event rows read | entries "
          "| cold median ms (p95) | warm median ms (p95) | warm CPU ms | same as reference | reference (old path) warm ms "
          "| CLI subprocess ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for label, q in r["queries"].items():
            print(f"| {r['size']:,} | {r['articles']:,} | {r['mentions']:,} | {r['events']:,} | {r['db_mb']:,.0f} "
                  f"| {label}: {' / '.join(q['names'])} | {q['rows']:,} | {q['entries']} "
                  f"| {fmt(q['cold_ms'])} ({fmt(q['cold_p95_ms'])}) | {fmt(q['warm_ms'])} ({fmt(q['warm_p95_ms'])}) "
                  f"| {fmt(q['warm_cpu_ms'])} | {q['same_as_reference']} | {fmt(q['reference_ms'])} | {q['cli_ms']:,.0f} |")
    print()
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"Growth from {a['size']:,} to {b['size']:,} articles (size ratio {b['size'] / a['size']:.0f}x):")
        print()
        print("| query | event rows read ratio | cold latency ratio | warm latency ratio | warm CPU ratio |")
        print("|---|---|---|---|---|")
        for label in queries:
            qa, qb = a["queries"][label], b["queries"][label]
            print(f"| {label} | {qb['rows'] / max(1, qa['rows']):.1f}x | {qb['cold_ms'] / qa['cold_ms']:.1f}x "
                  f"| {qb['warm_ms'] / qa['warm_ms']:.1f}x | {qb['warm_cpu_ms'] / qa['warm_cpu_ms']:.1f}x |")
        print()
    print_plans("Query plans (largest store):", plans)
    for r in results:
        f = r["lookup_fallback"]
        print(f"- name lookup by substring {f['name']!r} (no alias), {r['size']:,} articles: {fmt(f['ms'])} ms, "
              f"plans: {f['plans']}")
    print()
    print("Keeping merged events when articles are saved (`upkeep`: re-merge one article at a time, rolled back):")
    for r in results:
        u = r["upkeep"]
        print(f"- {r['size']:,} articles: {u['articles']} articles, {u['mentions']} mentions: "
              f"{u['ms_per_article']:.2f} ms per article ({u['cpu_ms_per_article']:.2f} CPU), "
              f"counts unchanged: {u['counts_unchanged']}")
    print()
    print("Keeping the dated sentences and day counts when articles are saved (`date_upkeep`, rolled back):")
    for r in results:
        u = r["date_upkeep"]
        print(f"- {r['size']:,} articles: {u['articles']} articles: {u['ms_per_article']:.2f} ms per article "
              f"({u['cpu_ms_per_article']:.2f} CPU), tables unchanged: {u['tables_unchanged']}")
    print()


def rounded(obj):
    if isinstance(obj, float):
        return round(obj, 2)
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [rounded(v) for v in obj]
    return obj


if __name__ == "__main__":
    main()
