"""The reference the Stories figures are compared with: single-pass TF-IDF cosine to centroids.

Each article (in publication-date order) is compared with the centroid (sum of
member unit vectors) of every story so far — no index, no entities, no time —
and joins the most similar one at or above the threshold, else starts a new
story. IDF is fitted on the whole pool first, as a batch baseline would
(a streaming system cannot see the future; this flatters the baseline). Words
are the same unigrams ``storyline.cluster.features`` gives, so the perturbed
pools of ``eval_stories.py`` (``--perturb twins|align|twins+align``) apply
unchanged.

Usage:
    python benchmarks/baseline_stories.py --data FOLDER [--cache FILE] [--perturb P] [--sweep T1,T2,..]

The last line printed is one JSON object with ``bcubed_f1``, ``bcubed_p``,
``bcubed_r``, ``articles`` at the first threshold of the sweep.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_stories as es  # noqa: E402


def tfidf_vectors(fs) -> list[dict[str, float]]:
    """Unit TF-IDF vectors over unigrams, IDF from the whole pool."""
    df = Counter(k for f in fs for k in f.terms if " " not in k)
    n = len(fs)
    out = []
    for f in fs:
        vec = {k: w * (math.log((n + 1) / (df[k] + 1)) + 1) for k, w in f.terms.items() if " " not in k}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        out.append({k: w / norm for k, w in vec.items()})
    return out


def single_pass(vectors: list[dict[str, float]], threshold: float) -> list[int]:
    """Story of each vector, comparing with every centroid so far (exact, brute force)."""
    by_key: dict[str, dict[int, float]] = {}  # key → story → centroid weight
    norms: list[float] = []  # squared centroid norms
    out = []
    for vec in vectors:
        dots: Counter = Counter()
        for k, w in vec.items():
            for sid, c in by_key.get(k, {}).items():
                dots[sid] += w * c
        best, score = None, -1.0
        for sid, d in sorted(dots.items()):
            s = d / math.sqrt(norms[sid]) if norms[sid] > 0 else 0.0
            if s > score:
                best, score = sid, s
        if best is None or score < threshold:
            best = len(norms)
            norms.append(0.0)
        for k, w in vec.items():
            row = by_key.setdefault(k, {})
            old = row.get(best, 0.0)
            row[best] = old + w
            norms[best] += (old + w) ** 2 - old * old
        out.append(best)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=None, help="gzipped JSON cache of mentions")
    ap.add_argument("--ner-chars", type=int, default=2000)
    ap.add_argument("--perturb", choices=["none", "twins", "align", "twins+align"], default="none")
    ap.add_argument("--twin-seed", type=int, default=0)
    ap.add_argument("--twin-words", type=float, default=0.5)
    ap.add_argument("--sweep", default="0.1", help="comma-separated thresholds")
    args = ap.parse_args(argv)

    docs = es.load_pool(args.data)
    if not docs:
        print(f"no articles found below {args.data}", file=sys.stderr)
        return 2
    fs = es.pool_features(docs, args.ner_chars, args.cache)
    gold = [d.topic for d in docs]
    if "twins" in args.perturb:
        gold, fs = es.twins(docs, fs, seed=args.twin_seed, words=args.twin_words)
    if "align" in args.perturb:
        fs = es.align(docs, fs)
    order = sorted(range(len(fs)), key=lambda i: (fs[i].date or dt.date.min, i))
    vectors = tfidf_vectors([fs[i] for i in order])
    results = []
    print("| threshold | B3 F1 | P | R | stories |\n|---|---|---|---|---|")
    for t in (float(x) for x in args.sweep.split(",")):
        r = es.bcubed([gold[i] for i in order], single_pass(vectors, t))
        results.append({**r, "threshold": t, "perturb": args.perturb})
        print(f"| {t} | {r['bcubed_f1']:.3f} | {r['bcubed_p']:.3f} | {r['bcubed_r']:.3f} | {r['stories']} |")
    print(json.dumps(results[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
