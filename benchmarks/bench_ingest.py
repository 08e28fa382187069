"""Ingest throughput and peak memory without NLP (read, clean, describe, dedupe, store).

Text pages: Timeline17 articles (real news, 400-800 words each) written as .txt
files; HTML pages: the boilerplate benchmark's pages. Each run is a fresh
process (so peak RSS is that run's own), one worker, a fresh store, timed
after a warm-up page (imports and model loading are a once-per-process cost);
throughput is given per CPU-second (what one core does, even on a busy
machine) and per wall-clock second. Several
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


def t17_texts(data: Path, limit: int, words: tuple[int, int] = (400, 800)) -> list[str]:
    """Real articles of about 600 words (the issue's page size), in a fixed order."""
    texts = []
    for path in sorted(data.glob("t17/*/InputDocs/*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if words[0] <= len(text.split()) <= words[1]:
            texts.append(text)
        if len(texts) >= limit:
            break
    return texts


def child(folder: str, db: str) -> None:
    """Run in a fresh process: ingest ``folder`` and print time and peak memory."""
    sys.path.insert(0, str(ROOT))
    import storyline
    from storyline.pipeline import process
    from storyline.read import read

    # Warm up: imports and the language model load once per process, not per page.
    first = next(d for d in read([folder]))
    process([first])
    start, cpu0 = time.perf_counter(), time.process_time()
    with storyline.open(db) as store:
        report = storyline.ingest(store, [folder], workers=1)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": report.documents, "articles": report.new_articles,
                      "seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb}))


def run_child(folder: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, __file__, "--child", str(folder), str(Path(tmp) / "b.db")],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rates(r: dict) -> dict:
    return {**r, "docs_per_s": r["documents"] / r["seconds"], "docs_per_cpu_s": r["documents"] / r["cpu_seconds"]}


def trafilatura_alone(pages: list[str]) -> float:
    """The reference: trafilatura's own extraction of the same pages, CPU time."""
    import trafilatura

    trafilatura.extract(pages[0])
    start = time.process_time()
    for html in pages:
        trafilatura.extract(html)
    return len(pages) / (time.process_time() - start)


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
            r = rates(run_child(folder))
            results["text"].append({"size": size, **r})
            print(f"text  {size:6d} pages: {r['docs_per_cpu_s']:7.1f} docs per CPU-second "
                  f"({r['docs_per_s']:.1f}/s wall), peak {r['peak_mb']:.0f} MB", flush=True)

        html_pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                      for p in sorted((args.data / "boilerplate" / "html").glob("*.html.gz"))]
        folder = Path(tmp) / "html"
        folder.mkdir()
        for i, html in enumerate(html_pages):
            (folder / f"{i:05d}.html").write_text(html)
        r = rates(run_child(folder))
        r["trafilatura_alone_per_cpu_s"] = trafilatura_alone(html_pages)
        r["ratio_to_trafilatura"] = r["docs_per_cpu_s"] / r["trafilatura_alone_per_cpu_s"]
        results["html"] = r
        print(f"html  {len(html_pages):6d} pages: {r['docs_per_cpu_s']:7.1f} docs per CPU-second "
              f"(trafilatura.extract alone {r['trafilatura_alone_per_cpu_s']:.1f}, ratio {r['ratio_to_trafilatura']:.2f}), "
              f"peak {r['peak_mb']:.0f} MB", flush=True)
    print(json.dumps({"mean_words_per_text_page": round(words), **results}))


if __name__ == "__main__":
    main()
