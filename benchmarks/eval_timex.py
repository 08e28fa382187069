"""Score storyline's time-expression tagger on TimeML (.tml) files, TempEval-3 style.

For every ``.tml`` file below ``--data``: the document creation time (the
``TIMEX3`` with ``functionInDocument="CREATION_TIME"``) is the anchor; the
content of ``<TEXT>`` with its tags stripped (and XML entities unescaped) is
the input to ``storyline.analyse.timex.find_timexes``; the gold ``TIMEX3``
elements inside ``<TEXT>`` give spans (as offsets in that stripped text),
types and values.

What is scored (the issue's task: find DATE expressions and normalise them
against the creation time): gold TIMEX3 of type DATE against predictions of
type DATE. A prediction of another type (TIME, DURATION, SET) is left out
entirely, neither a hit nor a false alarm, and a gold DURATION/TIME/SET is
not a target; so a DATE prediction over a gold DURATION counts as a false
positive, and a TIME prediction over a gold DATE as a miss.

* strict: the spans are identical, after trimming surrounding whitespace and
  trailing ``.,;:`` on both sides (the official scorer compares token
  extents, where a trailing full stop is its own token);
* relaxed: the spans overlap by at least one character. Pairs are matched
  one to one, greedily by overlap size, so one long prediction cannot match
  two gold expressions;
* value F1 = (share of relaxed pairs whose ``value`` equals the gold value
  exactly, as strings) x relaxed F1, as in TempEval-3.

Counts are micro-averaged over all documents. ``--by-folder`` also prints the
scores per first-level subfolder (TimeBank, AQUAINT in the dev data).

Usage:
    python benchmarks/eval_timex.py --data FOLDER [--by-folder] [--errors N] [--limit N]

The last line printed is one JSON object with the scores.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyline.analyse.timex import find_timexes

_DCT = re.compile(r"<DCT>.*?<TIMEX3[^>]*?value=\"(?P<v>[^\"]+)\"", re.S)
_TEXT = re.compile(r"<TEXT>(?P<t>.*?)</TEXT>", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r"(\w+)=\"([^\"]*)\"")
_TRIM = " \t\r\n.,;:"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str
    value: str | None
    text: str


@dataclass
class Doc:
    path: Path
    anchor: dt.date
    text: str
    gold: list[Span]


def parse_tml(path: Path) -> Doc:
    """The anchor, the tag-stripped text of <TEXT> and its gold TIMEX3 spans."""
    raw = path.read_text(encoding="utf-8")
    anchor = dt.date.fromisoformat(_DCT.search(raw).group("v")[:10])
    body = _TEXT.search(raw).group("t")
    out: list[str] = []
    length = 0
    open_timex: list[tuple[int, dict]] = []
    gold: list[Span] = []
    pos = 0
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos:m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name, attrs, selfclosing = m.groups()
        if name != "TIMEX3" or selfclosing:
            continue
        if not closing:
            open_timex.append((length, dict(_ATTR.findall(attrs))))
        elif open_timex:
            start, a = open_timex.pop()
            gold.append(Span(start, length, a.get("type", ""), a.get("value"), ""))
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    gold = [Span(s.start, s.end, s.type, s.value, text[s.start:s.end]) for s in gold]
    return Doc(path, anchor, text, gold)


def _trimmed(text: str, s: Span) -> tuple[int, int]:
    start, end = s.start, s.end
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    while start < end and text[start] in _TRIM:
        start += 1
    return start, end


@dataclass
class Counts:
    docs: int = 0
    gold: int = 0
    pred: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Counts") -> None:
        for name in ("docs", "gold", "pred", "strict", "relaxed", "value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def scores(self) -> dict:
        def prf(tp: int) -> tuple[float, float, float]:
            p = tp / self.pred if self.pred else 0.0
            r = tp / self.gold if self.gold else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)
        sp, sr, sf = prf(self.strict)
        rp, rr, rf = prf(self.relaxed)
        acc = self.value / self.relaxed if self.relaxed else 0.0
        return {"value_f1": round(acc * rf, 4), "strict_f1": round(sf, 4), "relaxed_f1": round(rf, 4),
                "value_accuracy": round(acc, 4), "strict_p": round(sp, 4), "strict_r": round(sr, 4),
                "relaxed_p": round(rp, 4), "relaxed_r": round(rr, 4),
                "gold": self.gold, "pred": self.pred, "docs": self.docs}


def score_doc(doc: Doc, kind: str = "DATE") -> Counts:
    """Match one document's DATE predictions to its gold DATEs."""
    gold = [g for g in doc.gold if g.type == kind]
    pred = [Span(p.start, p.end, p.type, p.value, p.text)
            for p in find_timexes(doc.text, doc.anchor, "en") if p.type == kind]
    c = Counts(docs=1, gold=len(gold), pred=len(pred))
    gt = [_trimmed(doc.text, g) for g in gold]
    pt = [_trimmed(doc.text, p) for p in pred]
    c.strict = len(set(gt) & set(pt))
    pairs = sorted(((min(ge, pe) - max(gs, ps), gi, pi)
                    for gi, (gs, ge) in enumerate(gt) for pi, (ps, pe) in enumerate(pt)
                    if min(ge, pe) > max(gs, ps)), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        c.relaxed += 1
        if pred[pi].value == gold[gi].value:
            c.value += 1
        else:
            c.errors.append(f"VALUE {doc.path.name} {doc.anchor} gold={gold[gi].text!r}:{gold[gi].value}"
                            f" pred={pred[pi].text!r}:{pred[pi].value}")
        if gt[gi] != pt[pi]:
            c.errors.append(f"SPAN  {doc.path.name} gold={gold[gi].text!r} pred={pred[pi].text!r}")
    for gi, g in enumerate(gold):
        if gi not in used_g:
            c.errors.append(f"MISS  {doc.path.name} {doc.anchor} {g.text!r}:{g.value}  ...{_context(doc, g)}")
    for pi, p in enumerate(pred):
        if pi not in used_p:
            other = [g for g in doc.gold if g.start < p.end and p.start < g.end]
            note = f" (gold {other[0].type} {other[0].value})" if other else ""
            c.errors.append(f"FALSE {doc.path.name} {doc.anchor} {p.text!r}:{p.value}{note}  ...{_context(doc, p)}")
    return c


def _context(doc: Doc, s: Span, width: int = 50) -> str:
    return re.sub(r"\s+", " ", doc.text[max(0, s.start - width):s.end + width])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="folder searched recursively for .tml files")
    ap.add_argument("--by-folder", action="store_true", help="also score each first-level subfolder")
    ap.add_argument("--errors", type=int, default=0, help="print up to N error lines")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N files")
    args = ap.parse_args(argv)

    files = sorted(args.data.rglob("*.tml"))
    if args.limit:
        files = files[:args.limit]
    if not files:
        print(f"no .tml files below {args.data}", file=sys.stderr)
        return 2
    total = Counts()
    groups: dict[str, Counts] = {}
    t0 = time.perf_counter()
    for path in files:
        c = score_doc(parse_tml(path))
        total.add(c)
        rel = path.relative_to(args.data).parts
        groups.setdefault(rel[0] if len(rel) > 1 else ".", Counts()).add(c)
    seconds = time.perf_counter() - t0
    for line in total.errors[:args.errors]:
        print(line)
    if args.by_folder:
        for name, c in sorted(groups.items()):
            s = c.scores()
            print(f"{name:12s} docs={s['docs']:4d} strict={s['strict_f1']:.3f} "
                  f"relaxed={s['relaxed_f1']:.3f} value={s['value_f1']:.3f}")
    result = total.scores()
    result["seconds"] = round(seconds, 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
