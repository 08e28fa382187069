"""Score storyline's quote finder against PolNeAR attribution annotations.

    python benchmarks/eval_quotes.py --data ../shared/data/quotes/dev
    python benchmarks/eval_quotes.py --data ../shared/data/quotes/train --limit 120

Every ``text/`` folder below ``--data`` that has an ``attributions/`` sibling
is read; an article's gold is its first ``<stem>_<ann>.ann`` file by name (the
agreement articles have one file per annotator; they are not merged).

Metrics, over word tokens (``\\w+``) of the gold and predicted spans:

* a gold attribution (one brat event with a Content) is *found* when the
  parts of one predicted quote cover at least half of its content's words;
  recall = found / gold;
* a predicted quote is *correct* when its parts cover at least half of the
  words of some gold content; precision = correct / predicted. This is the
  task's definition; because it would reward over-long spans, a stricter
  *mutual* variant also asks that at least half of the prediction's own words
  lie inside that gold content (reported as ``content_f1_mutual``);
* speaker accuracy: among found gold attributions that have a Source, the
  share whose best-covering predicted quote has a speaker span that overlaps
  the gold source span by at least one character.

The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

WORD = re.compile(r"\w+")
ANN_LINE = re.compile(r"^([TE#]\d+)\t")


def find_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(text, first .ann) pairs below ``folder``, in a stable order."""
    pairs = []
    for text_dir in sorted(p for p in folder.rglob("text") if p.is_dir()):
        ann_dir = text_dir.parent / "attributions"
        if not ann_dir.is_dir():
            continue
        for txt in sorted(text_dir.glob("*.txt")):
            pattern = re.compile(re.escape(txt.stem) + r"_[0-9A-Za-z]+\.ann")
            anns = sorted(a for a in ann_dir.glob(txt.stem + "_*.ann") if pattern.fullmatch(a.name))
            if anns:
                pairs.append((txt, anns[0]))
    return pairs


def load_gold(path: Path) -> list[dict]:
    """Events of a brat file as {"content": [(s, e)…], "source": [(s, e)…] | None}."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        m = ANN_LINE.match(line)
        if not m:
            continue  # a continuation line of a multi-line covered text
        fields = line.split("\t")
        if line.startswith("T"):
            label_offsets = fields[1].split(" ", 1)
            if len(label_offsets) == 2:
                frags = [tuple(map(int, f.split())) for f in label_offsets[1].split(";")]
                spans[fields[0]] = frags
        elif line.startswith("E"):
            roles: dict[str, list] = {}
            for arg in fields[1].split()[1:]:
                role, tid = arg.split(":")
                roles.setdefault(re.sub(r"\d+$", "", role), []).extend(spans.get(tid, []))
            if roles.get("Content"):
                events.append({"content": roles["Content"], "source": roles.get("Source") or None})
    return events


def word_starts(text: str, parts) -> set[int]:
    return {m.start() for s, e in parts for m in WORD.finditer(text, s, e)}


def overlaps(a, b) -> bool:
    return any(min(e1, e2) > max(s1, s2) for s1, e1 in a for s2, e2 in b)


def score_article(text: str, gold: list[dict], quotes) -> dict:
    """Counts for one article (see the module docstring)."""
    gw = [word_starts(text, g["content"]) for g in gold]
    pw = [word_starts(text, q.parts) for q in quotes]
    c = dict(gold=0, found=0, pred=len(quotes), correct=0, correct_mutual=0, with_source=0, speaker_ok=0)
    for g, words in zip(gold, gw):
        if not words:
            continue
        c["gold"] += 1
        cover = [len(words & p) for p in pw]
        best = max(range(len(cover)), key=cover.__getitem__) if cover else None
        if best is None or cover[best] < 0.5 * len(words):
            continue
        c["found"] += 1
        if g["source"]:
            c["with_source"] += 1
            q = quotes[best]
            if q.speaker_start is not None and overlaps([(q.speaker_start, q.speaker_end)], g["source"]):
                c["speaker_ok"] += 1
    for p in pw:
        hits = [words for words in gw if words and len(words & p) >= 0.5 * len(words)]
        if hits:
            c["correct"] += 1
            if any(len(words & p) >= 0.5 * len(p) for words in hits):
                c["correct_mutual"] += 1
    return c


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="folder with text/ + attributions/ below it")
    ap.add_argument("--limit", type=int, default=0, help="score an evenly spaced sample of N articles")
    ap.add_argument("--n-process", type=int, default=1, help="spaCy processes")
    args = ap.parse_args(argv)

    from storyline.analyse.nlp import english
    from storyline.analyse.quotes import find_quotes

    pairs = find_pairs(args.data)
    if not pairs:
        sys.exit(f"no text/ + attributions/ pairs below {args.data}")
    if args.limit and args.limit < len(pairs):
        step = len(pairs) / args.limit
        pairs = [pairs[int(i * step)] for i in range(args.limit)]
    texts = [t.read_text(encoding="utf-8") for t, _ in pairs]
    nlp = english()
    t0 = time.perf_counter()
    total: dict[str, int] = {}
    for (txt, ann), text, doc in zip(pairs, texts, nlp.pipe(texts, batch_size=16, n_process=args.n_process)):
        c = score_article(text, load_gold(ann), find_quotes(text, "en", doc=doc))
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    secs = time.perf_counter() - t0
    p = total["correct"] / total["pred"] if total["pred"] else 0.0
    r = total["found"] / total["gold"] if total["gold"] else 0.0
    pm = total["correct_mutual"] / total["pred"] if total["pred"] else 0.0
    acc = total["speaker_ok"] / total["with_source"] if total["with_source"] else 0.0
    print(f"articles {len(pairs)}  gold {total['gold']}  predicted {total['pred']}  ({secs:.1f}s incl. parsing)")
    print(f"content  P {p:.3f}  R {r:.3f}  F1 {f1(p, r):.3f}   (mutual 50%: P {pm:.3f} F1 {f1(pm, r):.3f})")
    print(f"speaker  {total['speaker_ok']}/{total['with_source']} = {acc:.3f}")
    result = {
        "content_f1": round(f1(p, r), 4), "content_p": round(p, 4), "content_r": round(r, 4),
        "speaker_acc": round(acc, 4), "articles": len(pairs),
        "content_f1_mutual": round(f1(pm, r), 4), "gold": total["gold"], "predicted": total["pred"],
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
