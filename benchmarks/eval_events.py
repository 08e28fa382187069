"""Score storyline's event extraction on PLOVER gold-standard records (JSON lines).

For every ``.jsonl`` file below ``--data`` (any names), each record with a
``text`` and an ``event`` other than ``DOCUMENT`` is one case. ``FIGHT`` (a
PLOVER 0.5 type) is scored as ``ASSAULT``.

* type accuracy: the share of records where the type of the *top* predicted
  event equals the gold type. The top event is ``events.top_event``: highest
  confidence, and confidence falls with the trigger's depth under the
  sentence root, so it is the governing event of the sentence (ties: the
  earliest trigger). No prediction counts as wrong.
* actor found: the record's source and target are both found (records with
  no gold target need only the source). A gold side is found when any of its
  gold actors is matched by a predicted actor of the same role from the top
  event, i.e. their character spans overlap the gold ``actorText`` (located in
  the text, ignoring case and runs of spaces; of an elided "A ... B" only A
  is located) or their country (alpha-2, turned into
  alpha-3 by pycountry) equals the gold ``code`` (CAMEO exceptions such as
  ``JAP`` mapped). The ``others`` of a reciprocal event count for both roles.
* source / target precision: of the records whose top event has a predicted
  actor of that role (``source``, resp. ``target``; ``others`` count for both
  roles as above), the share where one of them matches a gold actor of that
  role by the same rules. A predicted actor where the record has no gold actor
  of that role counts as wrong. ``source_n`` / ``target_n`` are the
  denominators.

Usage:
    python benchmarks/eval_events.py --data FOLDER [--errors N] [--half even|odd]

``--half`` scores only records with even (or odd) index in file order, for a
fit/measure cross-check. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pycountry

from storyline.analyse.events import EventMention, find_events, top_event

CAMEO_CODES = {"JAP": "JPN", "ROM": "ROU", "GMY": "DEU", "UK": "GBR", "SER": "SRB", "YUG": "SRB",
               "TMP": "TLS", "ZAR": "COD", "BOS": "BIH", "PAL": "PSE", "RUM": "ROU", "KOS": "XKX"}


def load(folder: Path) -> list[dict]:
    records = []
    for path in sorted(folder.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                if r.get("event") == "DOCUMENT" or not r.get("text"):
                    continue
                records.append(r)
    return records


def gold_type(record: dict) -> str:
    return "ASSAULT" if record["event"] == "FIGHT" else record["event"]


def alpha3(code: str | None) -> str | None:
    if not code:
        return None
    c = pycountry.countries.get(alpha_2=code)
    return c.alpha_3 if c else None


def gold_actors(record: dict, key: str) -> list[dict]:
    value = record.get(key)
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def _locate(text: str, words: str) -> tuple[int, int] | None:
    """Where a gold actorText is in the text: case and runs of spaces ignored ("NATO  peacekeeping"),
    and for an elided one ("Bosnian Serbs ... forces") its first part."""
    first = re.split(r"\s*\.\.+\s*", words.strip())[0]
    if not first:
        return None
    m = re.search(r"\s+".join(map(re.escape, first.split())), text, flags=re.I)
    return (m.start(), m.end()) if m else None


def _found(text: str, gold: list[dict], predicted: list) -> bool:
    for g in gold:
        code = CAMEO_CODES.get(g.get("code", ""), g.get("code", ""))
        span = _locate(text, g.get("actorText") or "")
        for p in predicted:
            if span and p.start < span[1] and span[0] < p.end:
                return True
            if code and alpha3(p.country) == code:
                return True
    return False


def score_record(record: dict, events: list[EventMention]) -> tuple[bool, bool, EventMention | None]:
    top = top_event(events)
    if top is None:
        return False, False, None
    sources = [a for a in (top.source, *top.others) if a]
    targets = [a for a in (top.target, *top.others) if a]
    ok_type = top.type == gold_type(record)
    src_gold, tgt_gold = gold_actors(record, "source"), gold_actors(record, "target")
    ok_src = not src_gold or _found(record["text"], src_gold, sources)
    ok_tgt = not tgt_gold or _found(record["text"], tgt_gold, targets)
    return ok_type, ok_src and ok_tgt, top


def actor_precision(record: dict, top: EventMention | None) -> dict[str, bool | None]:
    """Per role: None when the top event has no predicted actor of that role, else whether one
    of the predicted actors matches a gold actor of that role (no gold actor: wrong)."""
    out: dict[str, bool | None] = {}
    for role in ("source", "target"):
        predicted = [a for a in (getattr(top, role), *top.others) if a] if top else []
        out[role] = (_found(record["text"], gold_actors(record, role), predicted) if predicted else None)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print this many misclassified records")
    ap.add_argument("--half", choices=("even", "odd"), default=None)
    args = ap.parse_args(argv)
    records = load(args.data)
    if args.half:
        records = records[0 if args.half == "even" else 1::2]
    t0 = time.perf_counter()
    types = actors = 0
    precise = {"source": [0, 0], "target": [0, 0]}  # role → [matched, predicted]
    confusion: Counter = Counter()
    shown = 0
    for r in records:
        events = find_events(r["text"], "en")
        ok_type, ok_actor, top = score_record(r, events)
        types += ok_type
        actors += ok_actor
        for role, ok in actor_precision(r, top).items():
            if ok is not None:
                precise[role][0] += ok
                precise[role][1] += 1
        if not ok_type:
            confusion[(gold_type(r), top.type if top else None)] += 1
        if (not ok_type or not ok_actor) and shown < args.errors:
            shown += 1
            print(f"- gold {gold_type(r)} {[a.get('actorText') for a in gold_actors(r, 'source')]} → "
                  f"{[a.get('actorText') for a in gold_actors(r, 'target')]}\n  {r['text']}\n  top: "
                  + (f"{top.type} {top.mode} '{top.trigger}' {top.source and top.source.text} → "
                     f"{top.target and top.target.text}" if top else "none"), file=sys.stderr)
    n = len(records) or 1
    seconds = time.perf_counter() - t0
    print("most common confusions (gold → predicted):", confusion.most_common(8))
    result = {"type_acc": round(types / n, 3), "actor_found": round(actors / n, 3),
              "source_precision": round(precise["source"][0] / (precise["source"][1] or 1), 3),
              "target_precision": round(precise["target"][0] / (precise["target"][1] or 1), 3),
              "source_n": precise["source"][1], "target_n": precise["target"][1],
              "records": len(records), "seconds": round(seconds, 2)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
