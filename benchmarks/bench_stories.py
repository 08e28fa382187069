"""Time adding a batch of new articles to the stories of a store that already holds N articles.

What is measured: ``storyline.pipeline.cluster(store)`` — what ``storyline
ingest`` runs after analysis — adding ``--batch`` new analysed articles to a
store whose N older articles are already in stories, for each N of
``--sizes``; seconds per new article, and how that grows against the store.
Each run is a fresh process on a fresh copy of the store; sizes and
approaches take turns run by run (``--repeat`` rounds, medians reported),
then one more run each under tracemalloc for memory. A third approach,
``memory``, times the clustering alone for reference: the store's whole
state loaded into a plain ``StoryClusterer`` and the batch's features
computed beforehand (both untimed), then only ``add`` per article — the
work the algorithm itself does, which grows with the number of candidate
stories until an article's candidate list is full. All approaches must give
the same assignments (``same_stories``). ``--old`` also
times the approach before migration 5 (the clusterer's whole state as one
JSON blob, read, and written back with every story row, per ingest), on the
same store and batch, and checks that both give the same stories.

Articles: the Timeline17 articles below ``--data`` (about 2,300, four
topics), replicated to reach N. Replica 0 is the pool as it is; replica r is
dated r × (the pool's span + 30 days) later, and 80 % of its words (chosen
per replica by a hash; stop words and words under three letters kept) get a
replica-specific suffix, in the text and in the names of people and
organisations, so each replica tells other stories (T17's four topics give
about 50 stories per replica) with a partly shared vocabulary and the same
places. The store holds the first N articles of that stream.
The batch is always the same 1,000 articles (the pool's first ones in date
order, respelled as one more replica), dated from the day after the store's
last article: news arriving after the archive. Mentions come from the
project's NER on each article's first 2,000 characters, found once per pool
article (``--cache``) and respelled with the text; articles, mentions and
"analysed" rows are written to the store's tables directly (no cleaning or
analysis is timed). The store's existing stories are built by clustering the
N articles in memory in date order and writing them out with
``cluster_store.write_all`` (what ``storyline stories --rebuild`` does).

Usage:
    python benchmarks/bench_stories.py --data /work/shared/data/t17 \\
        --cache mentions.json.gz --sizes 5000,50000 [--batch 1000] [--old] [--repeat 3]

The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BATCH_REPLICA = 10_000
STORY_TABLES = ("story_clusterer", "story_keys", "story_centroids", "story_postings", "story_postings_story",
                "story_articles", "story_articles_story", "stories")

# ---------------------------------------------------------------- the article stream

_WORD = re.compile(r"[^\W\d_]+")


def _suffix(r: int) -> str:
    out = ""
    while True:
        r, d = divmod(r, 26)
        out += chr(ord("a") + d)
        if r == 0:
            return "q" + out


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "big")


RESPELL = 0.8  # share of the words a replica respells


def respell(text: str | None, r: int, stop: frozenset, share: float = RESPELL) -> str | None:
    """A share of the words of ``text`` (the same words throughout replica ``r``) with the replica's suffix."""
    if r == 0 or text is None:
        return text
    suffix = _suffix(r)

    def sub(m: re.Match) -> str:
        w = m.group()
        lw = w.lower()
        if len(lw) < 3 or lw in stop or _hash(f"{r}:{lw}") % 1000 >= share * 1000:
            return w
        return w + suffix

    return _WORD.sub(sub, text)


class Stream:
    """Article k of the stream: replica k // P of pool article k % P (see the module docstring)."""

    def __init__(self, data: Path, cache: Path | None):
        from eval_stories import find_all_mentions, load_pool

        from storyline.cluster import stop_words

        self.docs = load_pool(data)
        self.mentions = [sorted(ms, key=lambda m: m.start) for ms in find_all_mentions(self.docs, 2000, cache)]
        self.shift = (self.docs[-1].date - self.docs[0].date).days + 30
        self.stop = stop_words("en")

    def article(self, k: int, replica: int | None = None, day0: dt.date | None = None) -> tuple:
        """(text, title, date, outlet, mentions) of stream article ``k`` (or of pool article k as ``replica``)."""
        from eval_stories import title_of

        n = len(self.docs)
        r, i = (k // n, k % n) if replica is None else (replica, k)
        d = self.docs[i]
        date = d.date + dt.timedelta(days=r * self.shift) if day0 is None else day0 + (d.date - self.docs[0].date)
        text = respell(d.text, r, self.stop)
        mentions = [m if m.label not in ("PER", "ORG") else
                    dataclasses.replace(m, text=respell(m.text, r, self.stop),
                                        canonical=respell(m.canonical, r, self.stop)) for m in self.mentions[i]]
        return text, title_of(text), date, d.outlet, mentions

    def batch(self, size: int, after: dt.date) -> list[tuple]:
        return [self.article(i, BATCH_REPLICA, after + dt.timedelta(days=1)) for i in range(size)]


def insert(store, articles: list[tuple]) -> list[int]:
    """Analysed articles with their mentions, straight into the tables ``pipeline.cluster`` reads."""
    from storyline.pipeline import ANALYSIS_VERSION

    ids = []
    with store.transaction():
        for text, title, date, outlet, mentions in articles:
            aid = store.conn.execute(
                "INSERT INTO articles (title, text, language, outlet, published, published_precision, exact_hash,"
                " signature) VALUES (?, ?, 'en', ?, ?, 'day', ?, x'')",
                (title, text, outlet, date.isoformat(), hashlib.sha1(text.encode()).hexdigest())).lastrowid
            store.conn.execute("INSERT INTO analysed (article_id, version) VALUES (?, ?)", (aid, ANALYSIS_VERSION))
            store.conn.executemany(
                'INSERT INTO mentions (article_id, sentence, start, "end", text, label, role, canonical, country)'
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(aid, m.sentence, m.start, m.end, m.text, m.label, m.role, m.canonical, m.country)
                 for m in mentions])
            ids.append(aid)
    return ids


def _features(item: tuple):
    from storyline.cluster import features

    aid, (text, title, date, outlet, mentions) = item
    return features(aid, text, title, date, "en", outlet, mentions=mentions)


def build(stream: Stream, n: int, batch: int, path: Path, workers: int) -> dict:
    """A store with the stream's first ``n`` articles in stories (as rows, and as the old blob) and the
    batch unclustered."""
    from storyline import cluster_store
    from storyline.cluster import StoryClusterer
    from storyline.store import Store

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    store = Store(path)
    clusterer = StoryClusterer()
    chunk = 2000
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for lo in range(0, n, chunk):
            articles = [stream.article(k) for k in range(lo, min(n, lo + chunk))]
            ids = insert(store, articles)
            for f in pool.imap(_features, zip(ids, articles), chunksize=20):
                clusterer.add(f)
            print(f"  {min(n, lo + chunk)}/{n} articles clustered, {time.perf_counter() - started:.0f}s",
                  file=sys.stderr)
    last = stream.article(n - 1)[2]
    with store.transaction():
        cluster_store.write_all(store.conn, clusterer)
        # The same state as the one blob the store held before migration 5, for --old.
        store.conn.execute("INSERT INTO story_state (id, state) VALUES (1, ?)", (json.dumps(clusterer.state()),))
    insert(store, stream.batch(batch, last))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {"build_seconds": round(time.perf_counter() - started, 1), "stories": len(clusterer._stories),
            "index": clusterer.index_size(), "last_date": last.isoformat()}


# ---------------------------------------------------------------- the old approach (before migration 5)


def cluster_blob(store) -> dict:
    """``pipeline.cluster`` as it was: the whole state as one JSON blob, every story row rewritten."""
    from storyline.cluster import StoryClusterer
    from storyline.pipeline import article_features

    row = store.conn.execute("SELECT state FROM story_state WHERE id = 1").fetchone()
    clusterer = StoryClusterer.from_state(json.loads(row[0])) if row else StoryClusterer()
    rows = store.unclustered()
    for r in rows:
        clusterer.add(article_features(store, r))
    with store.transaction():
        conn = store.conn
        conn.execute("INSERT OR REPLACE INTO story_state (id, state) VALUES (1, ?)", (json.dumps(clusterer.state()),))
        conn.execute("DELETE FROM stories")
        conn.execute("DELETE FROM story_articles")
        dump = lambda x: json.dumps(list(x), ensure_ascii=False)  # noqa: E731
        conn.executemany(
            'INSERT INTO stories (id, label, start, "end", articles, outlets, languages, top_entities, top_terms)'
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(s.id, s.label, s.start and s.start.isoformat(), s.end and s.end.isoformat(), len(s.article_ids),
              dump(s.outlets), dump(s.languages), dump(s.top_entities), dump(s.top_terms))
             for s in clusterer.stories()])
        conn.executemany("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                         sorted(clusterer.assignments().items()))
    return {"articles": len(rows), "stories": len(clusterer._stories)}


# ---------------------------------------------------------------- one measured run (a child process)


def measure(db: Path, approach: str, trace: bool) -> dict:
    """Add the store's unclustered articles (the batch) as ``approach`` does; time and memory."""
    from storyline import cluster, cluster_store, pipeline
    from storyline.store import Store

    spent = {"features": 0.0, "unclustered": 0.0, "prefetch": 0.0, "load": 0.0, "save": 0.0}  # CPU seconds

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - t
        return wrapper

    cluster.features = timed("features", cluster.features)
    Store.unclustered = timed("unclustered", Store.unclustered)
    cluster_store.prefetch_keys = timed("prefetch", cluster_store.prefetch_keys)
    cluster_store.save = timed("save", cluster_store.save)
    for cls, name in ((cluster_store._Stories, "__missing__"), (cluster_store._Index, "_load"),
                      (cluster_store._Indexed, "_load")):
        setattr(cls, name, timed("load", getattr(cls, name)))
    loaded = []
    add_batch = cluster_store.add_batch
    cluster_store.add_batch = lambda *a, **k: loaded.append(_loaded(add_batch(*a, **k))) or None

    store = Store(db)
    batch = store.conn.execute("SELECT COUNT(*) FROM analysed d LEFT JOIN story_articles s"
                               " ON s.article_id = d.article_id WHERE s.article_id IS NULL").fetchone()[0]
    # Warm-up, untimed: the first article's features load the gazetteer and the date tagger.
    pipeline.article_features(store, store.unclustered()[0])
    spent.update(dict.fromkeys(spent, 0.0))
    warm_rss = peak_rss_mb()
    if approach == "memory":  # the clustering alone: state already in memory, features already computed
        clusterer = cluster_store.load_all(store.conn)
        fs = [pipeline.article_features(store, row) for row in store.unclustered()]
        spent.update(dict.fromkeys(spent, 0.0))
    if trace:
        tracemalloc.start()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if approach == "memory":
        for f in fs:
            clusterer.add(f)
        result = {"stories": len(clusterer._stories)}
    else:
        result = pipeline.cluster(store) if approach == "new" else cluster_blob(store)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    out = {"approach": approach, "batch": batch, "wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
           "seconds_per_article": round(wall / batch, 5), "cpu_per_article": round(cpu / batch, 5),
           "parts_cpu_seconds": {k: round(v, 3) for k, v in spent.items()},
           "cpu_per_article_without_features": round((cpu - spent["features"]) / batch, 5),
           "stories_after": result["stories"], "rss_after_warmup_mb": warm_rss, "peak_rss_mb": peak_rss_mb()}
    if trace:
        out["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    if loaded:
        out["loaded"] = {k: sum(x[k] for x in loaded) for k in loaded[0]}
    assigned = sorted(clusterer.assignments().items()) if approach == "memory" else [
        tuple(r) for r in store.conn.execute("SELECT article_id, story_id FROM story_articles ORDER BY article_id")]
    out["assignments_sha1"] = hashlib.sha1(json.dumps(assigned).encode()).hexdigest()
    store.close()
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it does not carry the parent's over exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _loaded(c) -> dict:
    """How much of the store's state a batch read into memory."""
    stories = dict(c._stories)
    return {"stories": len(stories),
            "centroid_entries": sum(len(p) for s in stories.values() for p in s.parts.values()),
            "posting_lists": len(dict(c._index)), "postings": sum(len(p) for p in dict(c._index).values()),
            "keys": len(c._df)}


def full_state_memory(db: Path) -> dict:
    """Bytes of the whole clusterer state in memory (what the old approach loads per batch), by tracemalloc."""
    from storyline.cluster import StoryClusterer

    conn = sqlite3.connect(db)
    blob = conn.execute("SELECT state FROM story_state WHERE id = 1").fetchone()[0]
    conn.close()
    tracemalloc.start()
    clusterer = StoryClusterer.from_state(json.loads(blob))
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"blob_mb": round(len(blob) / 2**20, 1), "in_memory_mb": round(held / 2**20, 1),
            "index": clusterer.index_size()}


def disk_sizes(db: Path) -> dict:
    conn = sqlite3.connect(db)
    sizes = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    conn.close()
    return {"story_tables_mb": round(sum(sizes.get(t, 0) for t in STORY_TABLES) / 2**20, 1),
            "by_table_mb": {t: round(sizes.get(t, 0) / 2**20, 1) for t in STORY_TABLES},
            "file_mb": round(os.path.getsize(db) / 2**20, 1)}


def child(db: Path, approach: str, trace: bool, work: Path) -> dict:
    """``measure`` in a fresh process on a fresh copy of ``db``."""
    copy = work / f"run-{approach}.db"
    shutil.copyfile(db, copy)
    try:
        out = subprocess.run([sys.executable, __file__, "--measure", approach, "--db", str(copy)]
                             + (["--trace"] if trace else []), check=True, capture_output=True, text=True).stdout
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path)
    ap.add_argument("--cache", type=Path, default=None, help="gzipped JSON cache of mentions (eval_stories' format)")
    ap.add_argument("--sizes", default="5000,50000")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per size and approach (median reported)")
    ap.add_argument("--old", action="store_true", help="also time the one-blob approach of before migration 5")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-stories")
    ap.add_argument("--rebuild", action="store_true", help="build the stores even when the workdir has them")
    ap.add_argument("--workers", type=int, default=2, help="processes computing features while building")
    ap.add_argument("--measure", choices=["new", "old", "memory"], help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.db, args.measure, args.trace)))
        return 0

    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    stream = Stream(args.data, args.cache)
    print(f"pool: {len(stream.docs)} articles; replica shift {stream.shift} days; machine: {os.cpu_count()} CPUs",
          file=sys.stderr)
    results = {}
    approaches = ["new", "memory", "old"] if args.old else ["new", "memory"]
    dbs = {n: args.workdir / f"store-{n}.db" for n in sizes}
    for n in sizes:
        meta = args.workdir / f"store-{n}.json"
        if args.rebuild or not (dbs[n].exists() and meta.exists()):
            print(f"building a store of {n} articles ...", file=sys.stderr)
            meta.write_text(json.dumps(build(stream, n, args.batch, dbs[n], args.workers)))
        results[n] = {"store_articles": n, "build": json.loads(meta.read_text()), "disk": disk_sizes(dbs[n])}
    # Sizes and approaches take turns, run by run, so that other jobs on the machine weigh on all alike.
    runs: dict = {(n, a): [] for n in sizes for a in approaches}
    for i in range(args.repeat):
        for n in sizes:
            for approach in approaches:
                runs[n, approach].append(child(dbs[n], approach, False, args.workdir))
        print(f"round {i + 1}/{args.repeat} done", file=sys.stderr)
    for n in sizes:
        res = results[n]
        for approach in approaches:
            traced = child(dbs[n], approach, True, args.workdir)
            res[approach] = {k: statistics.median(r[k] for r in runs[n, approach]) for k in (
                "seconds_per_article", "cpu_per_article", "cpu_per_article_without_features", "rss_after_warmup_mb",
                "peak_rss_mb")}
            res[approach].update(runs=runs[n, approach], traced=traced)
            print(f"N={n} {approach}: {res[approach]['seconds_per_article'] * 1000:.2f} ms/article wall, "
                  f"{res[approach]['cpu_per_article'] * 1000:.2f} ms CPU "
                  f"({res[approach]['cpu_per_article_without_features'] * 1000:.2f} without features), "
                  f"peak RSS {res[approach]['peak_rss_mb']} MB, peak traced {traced['traced_peak_mb']} MB",
                  file=sys.stderr)
        res["same_stories"] = len({r["assignments_sha1"] for a in approaches for r in res[a]["runs"]}) == 1
        if args.old:
            res["full_state"] = full_state_memory(dbs[n])

    summary = {"batch": args.batch, "sizes": sizes, "cpus": os.cpu_count()}
    for approach in approaches:
        summary[approach] = {k: {n: results[n][approach][k] for n in sizes} for k in (
            "seconds_per_article", "cpu_per_article", "cpu_per_article_without_features", "rss_after_warmup_mb",
            "peak_rss_mb")}
        summary[approach]["traced_peak_mb"] = {n: results[n][approach]["traced"]["traced_peak_mb"] for n in sizes}
        if len(sizes) > 1:
            for k in ("seconds_per_article", "cpu_per_article", "cpu_per_article_without_features"):
                per = summary[approach][k]
                summary[approach][k.replace("per_article", "ratio")] = round(per[sizes[-1]] / per[sizes[0]], 2)
    if len(sizes) > 1:
        summary["store_ratio"] = round(sizes[-1] / sizes[0], 2)
    summary["stories_in_store"] = {n: results[n]["build"]["stories"] for n in sizes}
    summary["loaded_by_batch"] = {n: results[n]["new"]["runs"][0].get("loaded") for n in sizes}
    summary["disk"] = {n: results[n]["disk"]["story_tables_mb"] for n in sizes}
    summary["same_stories"] = all(results[n]["same_stories"] for n in sizes)
    if args.old:
        summary["full_state"] = {n: results[n]["full_state"] for n in sizes}
    (args.workdir / "results.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
