"""Entity-level exact-span micro P/R/F1 of ``storyline.analyse.mentions`` on CoNLL-2003-style files.

    python benchmarks/eval_ner.py --data /path/to/valid.txt      # one file
    python benchmarks/eval_ner.py --data /path/to/ner/           # every CoNLL file in a folder

Each ``-DOCSTART-`` document is rebuilt as text (tokens joined by spaces,
sentences by newlines) and tagged whole, so the document-level rules see
the same context an article gives them; predicted character spans are then
mapped back onto the gold tokens. Scored types: PER, LOC, ORG. Gold MISC
and predicted NORP (or anything else) are dropped before scoring, so a
demonym is neither rewarded nor punished.

The last line printed is one JSON object: f1, p, r, PER_f1, LOC_f1, ORG_f1,
sentences (plus documents, entity counts and tokens per second).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TYPES = ("PER", "LOC", "ORG")


@dataclass
class Document:
    sentences: list[list[tuple[str, str]]]  # (token, IOB2 tag) per sentence


def read_conll(path: Path) -> list[Document]:
    """Documents of a CoNLL file; a file without -DOCSTART- lines is one document."""
    docs: list[Document] = []
    sentence: list[tuple[str, str]] = []
    current: Document | None = None

    def flush_sentence() -> None:
        nonlocal sentence, current
        if sentence:
            if current is None:
                current = Document([])
                docs.append(current)
            current.sentences.append(sentence)
            sentence = []

    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            flush_sentence()
        elif parts[0] == "-DOCSTART-":
            flush_sentence()
            current = Document([])
            docs.append(current)
        else:
            sentence.append((parts[0], parts[-1]))
    flush_sentence()
    return [d for d in docs if d.sentences]


def gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """(first token, token after the last, type) for each IOB2 entity, IOB1 tolerated."""
    spans: set[tuple[int, int, str]] = set()
    start, kind = None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (prefix != "I" or label != kind):
            spans.add((start, i, kind))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, kind = i, label
    return spans


def rebuild(doc: Document) -> tuple[str, list[int], list[int], list[str]]:
    """The document's text and, per token, its start and end offsets and gold tag."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[str] = []
    pos = 0
    for s, sentence in enumerate(doc.sentences):
        if s:
            pieces.append("\n")
            pos += 1
        for t, (token, tag) in enumerate(sentence):
            if t:
                pieces.append(" ")
                pos += 1
            starts.append(pos)
            pieces.append(token)
            pos += len(token)
            ends.append(pos)
            tags.append(tag)
    return "".join(pieces), starts, ends, tags


def predicted_spans(mentions, starts: list[int], ends: list[int]) -> set[tuple[int, int, str]]:
    """Mentions as token spans; a span not on token boundaries stays as a sure miss."""
    by_start = {c: i for i, c in enumerate(starts)}
    by_end = {c: i + 1 for i, c in enumerate(ends)}
    spans = set()
    for m in mentions:
        if m.label not in TYPES:
            continue
        first, last = by_start.get(m.start), by_end.get(m.end)
        if first is None or last is None:
            spans.add((-1 - m.start, -1 - m.end, m.label))  # never equal to a gold span
        else:
            spans.add((first, last, m.label))
    return spans


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def conll_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix in {".txt", ".conll"})


def evaluate(paths: list[Path], errors: Path | None = None, batch_size: int = 16) -> dict:
    return evaluate_docs([d for p in paths for d in read_conll(p)], errors, batch_size)


def evaluate_docs(docs: list[Document], errors: Path | None = None, batch_size: int = 16,
                  quiet: bool = False) -> dict:
    from storyline.analyse.mentions import mentions_in_docs

    rebuilt = [rebuild(d) for d in docs]
    counts = {t: Counter() for t in TYPES}
    tokens = sum(len(r[1]) for r in rebuilt)
    log = errors.open("w", encoding="utf-8") if errors else None
    began = time.perf_counter()
    results = mentions_in_docs((r[0] for r in rebuilt), lang="en", batch_size=batch_size)
    for (text, starts, ends, tags), mentions in zip(rebuilt, results):
        gold = {s for s in gold_spans(tags) if s[2] in TYPES}
        pred = predicted_spans(mentions, starts, ends)
        for t in TYPES:
            g = {s for s in gold if s[2] == t}
            p = {s for s in pred if s[2] == t}
            counts[t].update(tp=len(g & p), fp=len(p - g), fn=len(g - p))
        if log:
            write_errors(log, text, starts, ends, gold, pred)
    seconds = time.perf_counter() - began
    if log:
        log.close()
    return report(counts, sum(len(d.sentences) for d in docs), len(docs), tokens / seconds, quiet)


def bare_speed(paths: list[Path], batch_size: int) -> float:
    """Tokens per second of the shared English pipeline alone, for the throughput ratio."""
    from storyline.analyse import nlp

    texts = [rebuild(d) for p in paths for d in read_conll(p)]
    tokens = sum(len(t[1]) for t in texts)
    began = time.perf_counter()
    for _ in nlp.english().pipe((t[0] for t in texts), batch_size=batch_size):
        pass
    return tokens / (time.perf_counter() - began)


def write_errors(log, text, starts, ends, gold, pred) -> None:
    """One line per wrong span: kind, type, text and the sentence around it, for studying misses."""
    def show(s):
        if s[0] < 0:
            a, b = -1 - s[0], -1 - s[1]
        else:
            a, b = starts[s[0]], ends[s[1] - 1]
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        context = text[line_start: line_end if line_end >= 0 else None]
        return f"{text[a:b]!r}\t{context[:160]}"

    gold_by_span = {(s[0], s[1]): s[2] for s in gold}
    for s in sorted(pred - gold, key=lambda s: abs(s[0])):
        other = gold_by_span.get((s[0], s[1]))
        kind = f"TYPE gold={other}" if other else "FP"
        log.write(f"{kind}\t{s[2]}\t{show(s)}\n")
    pred_spans = {(s[0], s[1]) for s in pred}
    for s in sorted(gold - pred):
        if (s[0], s[1]) not in pred_spans:
            log.write(f"FN\t{s[2]}\t{show(s)}\n")


def report(counts: dict, sentences: int, documents: int, speed: float, quiet: bool = False) -> dict:
    result: dict = {}
    total = Counter()
    for t in TYPES:
        c = counts[t]
        total.update(c)
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        if not quiet:
            print(f"{t:4s} P={p:.3f} R={r:.3f} F1={f:.3f}  (gold {c['tp'] + c['fn']}, predicted {c['tp'] + c['fp']})")
        result[f"{t}_f1"] = round(f, 4)
        result[f"{t}_p"] = round(p, 4)
        result[f"{t}_r"] = round(r, 4)
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    if not quiet:
        print(f"all  P={p:.3f} R={r:.3f} F1={f:.3f}")
    summary = {"f1": round(f, 4), "p": round(p, 4), "r": round(r, 4),
               "PER_f1": result["PER_f1"], "LOC_f1": result["LOC_f1"], "ORG_f1": result["ORG_f1"],
               "sentences": sentences, "documents": documents, "tokens_per_s": round(speed)}
    summary.update({k: v for k, v in result.items() if k not in summary})
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="a CoNLL file or a folder of them")
    parser.add_argument("--errors", type=Path, help="write every wrong or missed span here")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--speed", action="store_true",
                        help="also time bare spaCy nlp.pipe on the same texts and print the ratio")
    args = parser.parse_args(argv)
    paths = conll_files(args.data)
    if not paths:
        print(f"no CoNLL files at {args.data}", file=sys.stderr)
        return 2
    if args.speed:
        from storyline.analyse.mentions import find_mentions

        find_mentions("WARM UP: load the model and gazetteers before timing, Yerevan.")
        bare = bare_speed(paths, args.batch_size)
    summary = evaluate(paths, args.errors, args.batch_size)
    if args.speed:
        print(f"bare nlp.pipe {bare:.0f} tokens/s; with mentions {summary['tokens_per_s']} "
              f"({summary['tokens_per_s'] / bare:.2f}x)")
        summary["bare_tokens_per_s"] = round(bare)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
