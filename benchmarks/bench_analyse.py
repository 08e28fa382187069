"""Analysis throughput beside bare spaCy, in one run, on the same English news text.

The reference is the bare `en_core_web_sm` pipeline (all components) over the
same texts with `nlp.pipe`; ours is `storyline.analyse.analyse_texts`
(one parse, then mentions with document context, quotes, time expressions,
events). It also times the analysis without events, for the share events add.
The two take turns in rounds and each keeps its best round, timed in CPU
seconds (the machine may be shared). Russian throughput is reported apart
(``--ru-docs`` copies of a 4×-repeated four-sentence text, best of ``--rounds``);
``--russian-only`` skips the English part and needs no data:

    python benchmarks/bench_analyse.py --data ../shared/data --docs 200
    python benchmarks/bench_analyse.py --russian-only --ru-docs 50

The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUSSIAN = (
    "Президент Казахстана Касым-Жомарт Токаев провел переговоры с премьер-министром Армении "
    "Николом Пашиняном в Ереване. «Мы поддерживаем мирный процесс», — заявил Токаев. "
    "Министры иностранных дел Армении и Азербайджана встретились 10–11 мая в Алматы. "
    "По словам официального представителя Кремля Дмитрия Пескова, встреча прошла конструктивно. "
)


def texts(data: Path, n: int) -> list[str]:
    out = []
    for path in sorted(data.glob("t17/*/InputDocs/*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if 400 <= len(text.split()) <= 800:
            out.append(text)
        if len(out) >= n:
            break
    return out


def timed(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ru-docs", type=int, default=50)
    parser.add_argument("--russian-only", action="store_true")
    args = parser.parse_args()

    from storyline.analyse import analyse_texts, nlp

    ru_docs = [RUSSIAN * 4] * args.ru_docs
    ru_words = sum(len(t.split()) for t in ru_docs)
    list(analyse_texts([(ru_docs[0], "ru", None)]))  # warm up: natasha's models load once
    if args.russian_only:
        ru = min(timed(lambda: list(analyse_texts([(t, "ru", None) for t in ru_docs]))) for _ in range(args.rounds))
        result = {"russian_docs": len(ru_docs), "russian_words": ru_words, "russian_cpu_s": round(ru, 2),
                  "russian_words_per_cpu_s": round(ru_words / ru)}
        print(f"Russian (natasha): {result['russian_words_per_cpu_s']} words/CPU-s")
        print(json.dumps(result))
        return

    docs = texts(args.data, args.docs)
    words = sum(len(t.split()) for t in docs)
    spacy_nlp = nlp.english()
    list(analyse_texts([(docs[0], "en", None)]))  # warm up: models load once per process

    bare, ours, no_events = [], [], []
    for _ in range(args.rounds):
        bare.append(timed(lambda: list(spacy_nlp.pipe(docs, batch_size=16))))
        ours.append(timed(lambda: list(analyse_texts([(t, "en", None) for t in docs]))))
        no_events.append(timed(lambda: list(analyse_texts([(t, "en", None) for t in docs], events=False))))
    ru = min(timed(lambda: list(analyse_texts([(t, "ru", None) for t in ru_docs]))) for _ in range(args.rounds))

    result = {
        "docs": len(docs), "words": words,
        "spacy_words_per_cpu_s": round(words / min(bare)),
        "ours_words_per_cpu_s": round(words / min(ours)),
        "ratio": round(min(bare) / min(ours), 3),
        "events_share": round(min(ours) / min(no_events) - 1, 3),
        "russian_words_per_cpu_s": round(ru_words / ru),
    }
    print(f"bare spaCy nlp.pipe: {result['spacy_words_per_cpu_s']} words/CPU-s; "
          f"storyline analysis: {result['ours_words_per_cpu_s']} words/CPU-s; ratio {result['ratio']}")
    print(f"events add {100 * result['events_share']:.1f}% to the analysis time")
    print(f"Russian (natasha): {result['russian_words_per_cpu_s']} words/CPU-s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
