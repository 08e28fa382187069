"""Synthetic news pages for tests that need many distinct articles.

Built from the example corpus' own vocabulary with a seeded generator, so
every run writes the same pages, and no two pages are near-duplicates unless
a test makes them so.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "caucasus"


def vocabulary() -> list[str]:
    words = set()
    for path in EXAMPLES.glob("*.txt"):
        words.update(w for w in re.findall(r"[A-Za-z]+", path.read_text()) if len(w) > 2)
    return sorted(words)


def article(rng: random.Random, words: list[str], paragraphs: int = 5) -> str:
    """A headline and a few paragraphs of sentence-shaped text."""
    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(12, 22))).capitalize() + "."

    title = " ".join(rng.choice(words) for _ in range(7)).capitalize()
    body = ["" .join(" ".join(sentence() for _ in range(rng.randint(3, 5)))) for _ in range(paragraphs)]
    return title + "\n\n" + "\n\n".join(body) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 0) -> list[Path]:
    rng, words = random.Random(seed), vocabulary()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"page_{i:05d}.txt"
        path.write_text(article(rng, words))
        paths.append(path)
    return paths


# --- event mentions full of ties, for the timeline and the stored merged events ----------------------------

EVENT_ACTORS = [(None, None, None), ("COUNTRY:AM", "AM", "Armenia"), (None, "AZ", "Baku"), ("P:1", "AM", "Pashinyan"),
                ("P:2", None, "Aliyev"), (None, None, "ÉRIVAN"), (None, None, "érivan"), (None, None, "Érivan"),
                (None, None, "the Minister"), (None, None, "THE MINISTER"), ("P:1", None, "Nikol"), (None, "", "")]
EVENT_COLUMNS = ("sentence, type, mode, trigger, source_text, source_key, source_country, target_text, target_key,"
                 " target_country, place, date, date_end, date_precision, date_inferred, date_source, background,"
                 " confidence, sentence_text, actors_inferred")


def random_event_row(rnd: random.Random, i: int) -> tuple:
    """An events row without its article: equal confidences, dates and actors are common; non-ASCII names."""
    (sk, sc, st), (tk, tc, tt) = rnd.choice(EVENT_ACTORS), rnd.choice(EVENT_ACTORS)
    date = rnd.choice(["2024-05-10", "2024-05-11", "2024-05-12", "XXXX-04-15", None, "2024"])
    return (rnd.randint(0, 3), rnd.choice(["CONSULT", "AGREE", "FIGHT"]), rnd.choice(["occurred", "planned"]), "t",
            st, sk, sc, tt, tk, tc, rnd.choice(["Almaty", "Baku", None, None]), date, None, "day", rnd.randint(0, 1),
            rnd.choice(["text", "text", "reported", "none"]), int(rnd.random() < 0.3),
            rnd.choice([0.1, 0.3, 0.5, 0.5, 0.7, 0.9, 0.9]), f"Sentence {i}.", int(rnd.random() < 0.2))


def fill_random_events(store, rnd: random.Random, articles: int = 40, mentions: int = 1500) -> None:
    """Articles with random outlets and dates, four entities, and random event mentions, merged (``index_events``)."""
    with store.transaction():
        for a in range(1, articles + 1):
            store.conn.execute(
                "INSERT INTO articles (id, text, outlet, published, exact_hash, signature) VALUES (?,?,?,?,?,?)",
                (a, "x", rnd.choice(["a.am", "b.az", "", None, "c.ru"]),
                 rnd.choice(["2024-05-01", "2024-05-02", None, ""]), str(a), b""))
        for key, name in (("COUNTRY:AM", "Armenia"), ("COUNTRY:AZ", "Azerbaijan"), ("P:1", "Pashinyan"),
                          ("P:2", "Aliyev")):
            store.conn.execute("INSERT INTO entities (key, type, name) VALUES (?,?,?)", (key, "X", name))
        store.conn.executemany(
            f"INSERT INTO events (article_id, {EVENT_COLUMNS}) VALUES ({','.join('?' * 21)})",
            [(rnd.randint(1, articles), *random_event_row(rnd, i)) for i in range(mentions)])
        store.index_events()


# --- dated news pages, for the key dates and their stored counts --------------------------------------------

DATED_SUBJECTS = ["Armenia", "Azerbaijan", "Kazakhstan", "Russia", "President Ilham Aliyev", "Nikol Pashinyan",
                  "Kassym-Jomart Tokayev", "the foreign ministers of Armenia and Azerbaijan", "Sergei Lavrov"]
DATED_ACTS = ["met in Almaty", "signed a protocol in Baku", "held talks in Yerevan", "spoke by phone",
              "condemned the shelling near the border", "agreed to meet again", "visited Moscow"]
DATED_ENDS = ["officials said", "according to the ministry", "as the agencies reported", "the press office said",
              "a spokesman told reporters", "in a move welcomed by the European Union", "amid protests outside"]
MONTH_NAMES = ["March", "April", "May", "June"]


def dated_article(rng: random.Random, i: int) -> str:
    """A short report whose sentences name days ("On May 3 …", "on Tuesday") and actors, with a page stamp."""
    lines = [f"Report {i}: {rng.choice(DATED_SUBJECTS)} {rng.choice(DATED_ACTS)}", ""]
    for _ in range(rng.randint(4, 7)):
        day = f"{rng.choice(MONTH_NAMES)} {rng.randint(1, 6)}"
        when = rng.choice([f"On {day}", f"On {day}", "On Tuesday", "Yesterday"])
        lines.append(f"{when} {rng.choice(DATED_SUBJECTS)} {rng.choice(DATED_ACTS)}, {rng.choice(DATED_ENDS)}.")
    if rng.random() < 0.4:  # a page timestamp: no mention of its day
        lines.insert(2, f"Updated {rng.choice(MONTH_NAMES)} {rng.randint(1, 6)}, 2024 10:{rng.randint(10, 59)} am:"
                        f" {rng.choice(DATED_SUBJECTS)} {rng.choice(DATED_ACTS)}, officials said.")
    return "\n".join(lines) + "\n"


def write_dated_corpus(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` dated reports as JSON lines with publication dates in 2024 (so relative days resolve)."""
    import json

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reports.jsonl"
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({"text": dated_article(rng, i), "url": f"https://news{i % 4}.example/{i}",
                                  "published": f"2024-06-{rng.randint(7, 28):02d}"}) + "\n")
    return [path]
