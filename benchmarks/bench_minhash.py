"""Near-duplicate signatures: storyline's MinHash against ``datasketch.MinHash.bulk``.

Both compute MinHash signatures of the same documents in one run, with the
same number of permutations, the same seed and the same permutation scheme;
datasketch is given storyline's shingles (``dedupe.shingles``, UTF-8) with its
default hash, so the signatures must be identical. Reported:

* docs/s of ``dedupe.signatures`` (texts in, signatures out: it normalises,
  shingles, hashes and permutes), called on batches of ``--batch`` texts;
* docs/s of ``MinHash.bulk`` given the ready-made shingle lists (its time does
  NOT include making the shingles, which favours datasketch): ``ratio``; also
  with the time of making them (``ratio_incl_shingling``), and the ratio of
  CPU times (``ratio_cpu``), steadier than wall time on a shared machine;
* agreement: the share of documents whose signatures are identical, and the
  largest difference of Jaccard estimates over random pairs and over pairs of
  neighbouring files (same topic and day, so some overlap).

The contenders take turns batch by batch (``--batch`` texts), and each total
is the best of ``--repeat`` rounds.
No timing is asserted anywhere; the tests check the identity.

Usage:
    python benchmarks/bench_minhash.py [--data DIR] [--limit N] [--scheme affine32|legacy]
        [--num-perm 128] [--seed 1] [--batch 64] [--repeat 3] [--pairs 20000]

``--data`` is a folder of .txt articles (default: the T17 InputDocs under
../shared/data/t17, falling back to examples/caucasus repeated). The last
line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storyline import dedupe  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "t17"
FALLBACK = ROOT / "examples" / "caucasus"
FALLBACK_COPIES = 400  # five pages x 400 ~ the size of T17's dev part


def load_texts(data: Path | None, limit: int | None) -> tuple[list[str], str]:
    """The documents to sign, and a description of where they came from."""
    folder = data or DEFAULT_DATA
    paths = []
    if folder.is_dir():
        paths = sorted(folder.glob("**/InputDocs/**/*.txt")) or sorted(folder.glob("**/*.txt"))
    if paths:
        texts, source = [p.read_text(encoding="utf-8", errors="replace") for p in paths], str(folder)
    elif data is not None:
        sys.exit(f"no .txt files under {data}")
    else:
        pages = [p.read_text(encoding="utf-8") for p in sorted(FALLBACK.glob("*.txt"))]
        texts, source = pages * FALLBACK_COPIES, f"{FALLBACK} x{FALLBACK_COPIES} (T17 not found at {folder})"
    return texts[:limit] if limit else texts, source


def timed(fn) -> tuple[float, float, object]:
    """Wall time and CPU time of one call, and its result (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--scheme", choices=dedupe.SCHEMES, default=dedupe.SCHEME)
    ap.add_argument("--num-perm", type=int, default=dedupe.NUM_PERM)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64, help="texts per signatures() call (ingest uses 64)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=20000)
    args = ap.parse_args(argv)

    import datasketch  # dev dependency, needed here only
    from datasketch import MinHash

    texts, source = load_texts(args.data, args.limit)
    kw = dict(num_perm=args.num_perm, seed=args.seed, scheme=args.scheme)

    batches = [texts[i:i + args.batch] for i in range(0, len(texts), args.batch)]

    def ours(batch: list[str]) -> np.ndarray:
        return dedupe.signatures(batch, args.num_perm, args.seed, args.scheme)

    def shingle_lists(batch: list[str]) -> list[list[bytes]]:
        return [[s.encode("utf-8") for s in dedupe.shingles(t)] for t in batch]

    # Warm up both (permutation cache, word table, imports) outside the timings.
    ours(texts[:8])
    MinHash.bulk(shingle_lists(texts[:8]), **kw)

    # Contenders take turns batch by batch, so a busy moment of this shared
    # machine hits all of them; each total is the best of --repeat rounds.
    names = ("ours", "shingling", "bulk")
    wall, cpu = {k: [] for k in names}, {k: [] for k in names}
    for _ in range(args.repeat):
        round_wall, round_cpu = dict.fromkeys(names, 0.0), dict.fromkeys(names, 0.0)
        sigs, lists, mhs = [], [], []
        for batch in batches:
            for name, fn, out in (("ours", lambda: ours(batch), sigs),
                                  ("shingling", lambda: shingle_lists(batch), lists),
                                  ("bulk", lambda: MinHash.bulk(lists[-1], **kw), mhs)):
                w, c, result = timed(fn)
                round_wall[name] += w
                round_cpu[name] += c
                out.append(result)
        for name in names:
            wall[name].append(round_wall[name])
            cpu[name].append(round_cpu[name])
    sig = np.concatenate(sigs) if sigs else np.zeros((0, args.num_perm), np.uint32)
    lists = [doc for batch in lists for doc in batch]
    mhs = [m for batch in mhs for m in batch]
    t_ours, t_shingle, t_bulk = (min(wall[k]) for k in names)
    c_ours, c_bulk = min(cpu["ours"]), min(cpu["bulk"])

    ref = np.array([m.hashvalues for m in mhs], dtype=np.uint64).reshape(len(texts), args.num_perm)
    identical = float(np.mean(np.all(sig.astype(np.uint64) == ref, axis=1))) if len(texts) else 1.0
    rng = np.random.default_rng(0)
    n = len(texts)
    pairs = [tuple(p) for p in rng.integers(0, n, size=(args.pairs, 2))] + [(i, i + 1) for i in range(n - 1)]
    diffs = [abs(dedupe.jaccard(sig[i], sig[j]) - mhs[i].jaccard(mhs[j])) for i, j in pairs]
    shingles_total = sum(len(x) for x in lists)

    print(f"data      {source}: {n} docs, {shingles_total} shingles")
    print(f"machine   {machine()}, datasketch {datasketch.__version__}")
    print(f"settings  scheme={args.scheme} num_perm={args.num_perm} seed={args.seed} batch={args.batch} "
          f"best of {args.repeat}")
    print(f"ours            {t_ours:7.3f} s  {n / t_ours:9.0f} docs/s  (texts -> signatures)")
    print(f"datasketch bulk {t_bulk:7.3f} s  {n / t_bulk:9.0f} docs/s  (given shingles)")
    print(f"  + shingling   {t_shingle:7.3f} s  {n / (t_bulk + t_shingle):9.0f} docs/s  (texts -> signatures)")
    print(f"ratio {t_bulk / t_ours:.2f}x vs bulk alone, {(t_bulk + t_shingle) / t_ours:.2f}x with shingling; "
          f"in CPU time {c_bulk / c_ours:.2f}x vs bulk alone")
    print(f"agreement: {identical:.2%} identical signatures; max |Jaccard diff| {max(diffs, default=0.0):.4f} "
          f"over {len(pairs)} pairs")
    result = {
        "ours_docs_per_s": round(n / t_ours, 1),
        "datasketch_docs_per_s": round(n / t_bulk, 1),
        "ratio": round(t_bulk / t_ours, 3),
        "ratio_incl_shingling": round((t_bulk + t_shingle) / t_ours, 3),
        "ratio_cpu": round(c_bulk / c_ours, 3),
        "identical_share": identical,
        "max_jaccard_diff": max(diffs, default=0.0),
        "docs": n,
        "shingles": shingles_total,
        "scheme": args.scheme,
        "num_perm": args.num_perm,
        "seed": args.seed,
        "batch": args.batch,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
