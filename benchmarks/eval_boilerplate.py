"""Score storyline's boilerplate removal on a folder laid out like
``shared/data/boilerplate`` (index.jsonl, page/<id>.txt, html/<id>.html.gz,
gold/<id>.txt).

The metric is the article-extraction-benchmark's own ``evaluate.py``:
bags of word 4-grams (tokens = regex ``\\w+``, case kept); per page
TP/FP/FN are normalised by their sum; precision and recall are
macro-averaged over pages (a page with no predicted shingles is left out of
the precision average, one with no gold shingles out of the recall
average); F1 is the harmonic mean of the two averages.

Usage:
    python benchmarks/eval_boilerplate.py --data FOLDER [--verbose] [--limit N]
        [--paths text,html] [--half 0|1] [--crosscheck]

The last line printed is one JSON object with the scores.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    """Multiset of word n-grams; a text of 1..n-1 tokens is one shingle."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """Normalised (TP, FP, FN) of one page, as the benchmark computes them."""
    g, p = shingles(gold), shingles(pred)
    tp = fp = fn = 0
    for key in set(g) | set(p):
        gc, pc = g.get(key, 0), p.get(key, 0)
        tp += min(gc, pc)
        fp += max(pc - gc, 0)
        fn += max(gc - pc, 0)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def page_pr(tp: float, fp: float, fn: float) -> tuple[float | None, float | None]:
    """Per-page precision and recall; None where the page is left out."""
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    p = tp / (tp + fp) if tp + fp > 0 else None
    r = tp / (tp + fn) if tp + fn > 0 else None
    return p, r


def corpus_scores(counts: Iterable[tuple[float, float, float]]) -> dict:
    """Macro-averaged precision and recall, and F1 of those averages."""
    ps, rs = [], []
    for tp, fp, fn in counts:
        p, r = page_pr(tp, fp, fn)
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"p": p, "r": r, "f1": f1}


def load_index(folder: Path) -> list[dict]:
    """Records of index.jsonl; falls back to the gold file names."""
    index = folder / "index.jsonl"
    if index.exists():
        with index.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    return [{"id": p.stem, "url": None} for p in sorted((folder / "gold").glob("*.txt"))]


def read_html(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def evaluate(folder: Path, records: list[dict], paths: list[str],
             verbose: bool = False) -> dict:
    """Run the chosen cleaner paths over the records and score them.

    Only the cleaning call is timed, in CPU seconds of this process, so other
    jobs on the machine do not count against it.
    """
    from storyline.clean import clean_html, clean_text

    inputs: dict[str, Callable[[dict], Path]] = {
        "text": lambda rec: folder / "page" / f"{rec['id']}.txt",
        "html": lambda rec: folder / "html" / f"{rec['id']}.html.gz",
    }
    clean_text("Warm-up: loads the language identifier and the stop lists once.")
    result: dict = {}
    for name in paths:
        counts, seconds = [], 0.0
        for rec in records:
            path = inputs[name](rec)
            if not path.exists():  # this page has no input for this path
                continue
            gold = (folder / "gold" / f"{rec['id']}.txt").read_text(encoding="utf-8")
            if name == "text":
                page = path.read_text(encoding="utf-8")
                start = time.process_time()
                pred = clean_text(page).text
            else:
                page = read_html(path)
                start = time.process_time()
                pred = clean_html(page, rec.get("url")).text
            seconds += time.process_time() - start
            c = page_counts(gold, pred)
            counts.append(c)
            if verbose:
                p, r = page_pr(*c)
                print(f"{name}\t{rec['id'][:12]}\tP={_fmt(p)}\tR={_fmt(r)}")
        s = corpus_scores(counts)
        result.update({f"{name}_f1": round(s["f1"], 4), f"{name}_p": round(s["p"], 4),
                       f"{name}_r": round(s["r"], 4),
                       f"{name}_pages_per_s": round(len(counts) / seconds, 1) if seconds else None})
    return result


# The text cleaner's few hand-set weights, and the values the cross-check tries.
KNOBS = {
    "GAP_GROWTH": [0.25, 0.5, 1.0],
    "RECOVERY_UNITS": [15.0, 30.0, 50.0],
    "SECTION_COST": [10.0, 20.0, 40.0],
    "TAIL_DISCOUNT": [0.0, 0.25, 0.5],
    "TABLE_QUALITY": [0.0, 0.15, 0.3],
}


def crosscheck(folder: Path, records: list[dict]) -> dict:
    """Does tuning the text cleaner's weights on half the pages hold on the other half?

    Every combination of KNOBS is run on all pages; for each half (even / odd
    positions in the index) the best combination on that half is then scored
    on the other half, beside the shipped defaults.
    """
    import itertools

    from storyline import clean as module

    texts = {r["id"]: (folder / "page" / f"{r['id']}.txt").read_text(encoding="utf-8") for r in records}
    golds = {r["id"]: (folder / "gold" / f"{r['id']}.txt").read_text(encoding="utf-8") for r in records}
    defaults = {k: getattr(module, k) for k in KNOBS}
    combos = [dict(zip(KNOBS, values)) for values in itertools.product(*KNOBS.values())]
    if defaults not in combos:
        combos.append(defaults)
    per_combo = []
    try:
        for combo in combos:
            for k, v in combo.items():
                setattr(module, k, v)
            per_combo.append([page_counts(golds[r["id"]], module.clean_text(texts[r["id"]]).text)
                              for r in records])
    finally:
        for k, v in defaults.items():
            setattr(module, k, v)

    def f1(counts: list, half: int) -> float:
        return corpus_scores(counts[half::2])["f1"]

    out: dict = {"defaults": defaults}
    d = combos.index(defaults)
    for fit in (0, 1):
        test = 1 - fit
        best = max(range(len(combos)), key=lambda i: f1(per_combo[i], fit))
        out[f"fit_on_half{fit}"] = {
            "best": combos[best],
            "fit_half_f1": round(f1(per_combo[best], fit), 4),
            "other_half_f1": round(f1(per_combo[best], test), 4),
            "defaults_other_half_f1": round(f1(per_combo[d], test), 4),
            "best_possible_other_half_f1": round(max(f1(c, test) for c in per_combo), 4),
        }
    return out


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="folder laid out like shared/data/boilerplate")
    ap.add_argument("--paths", default="text,html", help="comma-separated: text, html")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    ap.add_argument("--half", type=int, choices=(0, 1), default=None,
                    help="score only every other page (0: even positions, 1: odd)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print one line per page")
    ap.add_argument("--crosscheck", action="store_true",
                    help="fit the text cleaner's weights on one half of the pages, score the other")
    args = ap.parse_args(argv)

    records = load_index(args.data)
    if args.half is not None:
        records = records[args.half::2]
    if args.limit:
        records = records[:args.limit]
    if args.crosscheck:
        print(json.dumps(crosscheck(args.data, records)))
        return 0
    result = evaluate(args.data, records, [p.strip() for p in args.paths.split(",") if p.strip()],
                      verbose=args.verbose)
    result["pages"] = len(records)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
