"""The Timeline17 benchmark's date signals and summaries, on made-up article features (no data needed)."""
from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tls():
    spec = importlib.util.spec_from_file_location("tls_t17", ROOT / "benchmarks" / "tls_t17.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _arts():
    # (key, publication date); features: lines, dates [line, value, inferred, explicit], events
    feats = {
        "a/1": {"lines": ["The rig exploded on Tuesday killing eleven workers .", "BP said it was sorry ."],
                "dates": [[0, "2010-04-20", True, False]],
                "events": [[0, "ASSAULT", "occurred", 0.9, "2010-04-20", ["rig"]]]},
        "a/2": {"lines": ["Officials met on Wednesday to discuss the spill response ."],
                "dates": [[0, "2010-04-21", True, False]], "events": []},
        "a/3": {"lines": ["Officials met again on April 21 and on Thursday ."],
                "dates": [[0, "2010-04-21", True, True], [0, "2010-04-22", True, False]], "events": []},
        "b/1": {"lines": ["Since the April 20 explosion , oil has leaked into the Gulf ."],
                "dates": [[0, "2010-04-20", True, True]], "events": []},
    }
    pubs = {"a/1": "2010-04-21", "a/2": "2010-04-22", "a/3": "2010-04-22", "b/1": "2010-05-30"}
    return [(k, dt.date.fromisoformat(p), None) for k, p in pubs.items()], feats


def test_signals_and_methods():
    tls = _tls()
    arts, feats = _arts()
    mention, event_art, sents, pubcount, extra = tls.collect(arts, feats, "2010-04-20", "2010-06-01")
    assert {d: len(v) for d, v in mention.items()} == {"2010-04-20": 2, "2010-04-21": 2, "2010-04-22": 1}
    # only b/1 looks back at a day it names ("the April 20 explosion", 40 days on)
    assert extra["refs"] == {"2010-04-20": 1}
    assert extra["merged"] == {"2010-04-20": 1}
    df = Counter()
    for ss in sents.values():
        for s in ss:
            df.update(set(tls.tokens(s)))
    n = sum(len(ss) for ss in sents.values())
    # a tie on mentions: the count breaks it by the earlier date, the later reference by evidence
    assert tls.select_dates("mention", 1, mention, event_art, sents, pubcount, df, n, extra) == ["2010-04-20"]
    assert tls.select_dates("refs", 2, mention, event_art, sents, pubcount, df, n, extra) == ["2010-04-20", "2010-04-21"]
    # the default path is the product's own choice of days and summaries (storyline.key_dates)
    entries = tls.key_dates(tls.date_mentions(arts, feats), 2, 1, "2010-04-20", "2010-06-01")
    assert [e.date for e in entries] == ["2010-04-20", "2010-04-21"]
    assert len(entries[1].summary) == 1 and "met" in entries[1].summary[0]


def test_timestamps_are_no_mention():
    """(``is_stamp`` itself is tested in tests/test_key_dates.py.)"""
    tls = _tls()
    arts, feats = _arts()
    feats["a/2"]["dates"] = [[0, "2010-04-21", False, True, True, "April 21, 2010"]]
    mention = tls.collect(arts, feats, "2010-04-20", "2010-06-01")[0]
    assert {d: len(v) for d, v in mention.items()} == {"2010-04-20": 2, "2010-04-21": 1, "2010-04-22": 1}
    mention = tls.collect(arts, feats, "2010-04-20", "2010-06-01", stamps=True)[0]
    assert len(mention["2010-04-21"]) == 2


def test_error_classes():
    tls = _tls()
    arts, feats = _arts()
    feats["b/1"]["lines"].append("A hearing on 3 May 2010 was postponed to a later day .")
    mention = tls.collect(arts, feats, "2010-04-20", "2010-06-01")[0]
    gold = ["2010-04-20", "2010-04-25", "2010-05-03", "2010-05-30", "2010-05-31"]
    missed, wrong = tls.classify_errors(arts, feats, mention, gold, ["2010-04-20", "2010-04-21", "2010-04-22"])
    assert [(g, c) for g, c, *_ in missed] == [
        ("2010-04-25", "a-absent"),        # nobody names it
        ("2010-05-03", "a-expression"),    # named, but no timex in the features covers it
        ("2010-05-30", "a-pubdate-only"),  # only an article's publication day
        ("2010-05-31", "a-absent"),
    ]
    # 04-21 is a day from gold 04-20; 04-22 is three days from gold, its one article published on it
    assert wrong == [("2010-04-21", "adjacent", 2), ("2010-04-22", "pubday", 1)]
    assert tls._surface(dt.date(2010, 9, 4)).search("on Sept. 4th the well was sealed")
