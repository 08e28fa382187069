"""Ingest throughput and peak memory without NLP (read, clean, describe, dedupe, store).

Text pages: Timeline17 articles (real news, ~700 words each) written as .txt
files; HTML pages: the boilerplate benchmark's pages. Each run is a fresh
process (so peak RSS is that run's own), one worker, a fresh store. Several
input sizes show whether memory stays flat as the input grows. The reference
for the HTML path is trafilatura alone over the same pages, in the same run.

    python benchmarks/bench_ingest.py --data ../shared/data --sizes 250,500,1000,2000

The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def t17_texts(data: Path, limit: int) -> list[str]:
    texts = []
    for path in sorted(data.glob("t17/*/InputDocs/*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if len(text.split()) >= 150:
            texts.append(text)
        if len(texts) >= limit:
            break
    return texts


def child(folder: str, db: str) -> None:
    """Run in a fresh process: ingest ``folder`` and print time and peak memory."""
    sys.path.insert(0, str(ROOT))
    import storyline

    start = time.perf_counter()
    with storyline.open(db) as store:
        report = storyline.ingest(store, [folder], workers=1)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": report.documents, "articles": report.new_articles,
                      "seconds": seconds, "peak_mb": peak_mb}))


def run_child(folder: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, __file__, "--child", str(folder), str(Path(tmp) / "b.db")],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def trafilatura_alone(pages: list[str]) -> float:
    import trafilatura

    start = time.perf_counter()
    for html in pages:
        trafilatura.extract(html)
    return len(pages) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default="250,500,1000,2000")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    sizes = [int(s) for s in args.sizes.split(",")]
    texts = t17_texts(args.data, max(sizes))
    words = sum(len(t.split()) for t in texts) / len(texts)
    results = {"text": [], "html": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / f"text{size}"
            folder.mkdir()
            for i, text in enumerate(texts[:size]):
                (folder / f"{i:05d}.txt").write_text(text)
            r = run_child(folder)
            r["articles_per_s"] = r["documents"] / r["seconds"]
            results["text"].append({"size": size, **r})
            print(f"text  {size:6d} pages: {r['articles_per_s']:7.1f} docs/s, peak {r['peak_mb']:.0f} MB", flush=True)

        html_pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                      for p in sorted((args.data / "boilerplate" / "html").glob("*.html.gz"))]
        folder = Path(tmp) / "html"
        folder.mkdir()
        for i, html in enumerate(html_pages):
            (folder / f"{i:05d}.html").write_text(html)
        r = run_child(folder)
        r["articles_per_s"] = r["documents"] / r["seconds"]
        r["trafilatura_alone_per_s"] = trafilatura_alone(html_pages)
        r["ratio_to_trafilatura"] = r["articles_per_s"] / r["trafilatura_alone_per_s"]
        results["html"] = r
        print(f"html  {len(html_pages):6d} pages: {r['articles_per_s']:7.1f} docs/s "
              f"(trafilatura alone {r['trafilatura_alone_per_s']:.1f}/s, ratio {r['ratio_to_trafilatura']:.2f}), "
              f"peak {r['peak_mb']:.0f} MB", flush=True)
    print(json.dumps({"mean_words_per_text_page": round(words), **results}))


if __name__ == "__main__":
    main()
