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
