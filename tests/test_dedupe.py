"""The dedupe stage: exact hashes, MinHash signatures identical to datasketch's, LSH band keys."""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from storyline import dedupe
from storyline.dedupe import (
    NUM_PERM, band_keys, exact_hash, fingerprint, fingerprints, jaccard, lsh_params, normalise, shingles, signatures,
)

THRESHOLD = 0.8
BANDS, ROWS = lsh_params(THRESHOLD)
SIDEBAR = "Последние новости"  # where the seeds' "latest news" block starts
PINNED_TEXT = "Armenia and Azerbaijan may sign a peace treaty in Kazakhstan, Tokayev said."
RU = ("Министр иностранных дел Армении Арарат Мирзоян встретился в Алматы с главой МИД Азербайджана "
      "Джейхуном Байрамовым. Стороны обсудили текст мирного договора и делимитацию границы. ")
HY = ("Հայաստանի և Ադրբեջանի արտաքին գործերի նախարարները հանդիպեցին Ալմաթիում՝ Ղազախստանում։ "
      "Կողմերը քննարկեցին խաղաղության պայմանագրի տեքստը։ ")


def pages(examples: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(examples.glob("*.txt"))]


def body(page: str) -> str:
    return page.split(SIDEBAR)[0]


def regex_normalise(text: str) -> str:
    """The definition that ``normalise`` implements faster."""
    return re.sub(r"\W+", " ", unicodedata.normalize("NFKC", text).casefold()).strip(" ")


def true_jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a)), set(shingles(b))
    return len(sa & sb) / len(sa | sb)


def random_texts(n: int, words: int, seed: int = 0) -> list[str]:
    """Unrelated texts over a mixed Latin/Cyrillic/Armenian vocabulary (some shingles need two SHA-1 blocks)."""
    rng = random.Random(seed)
    vocab = [f"word{i}" for i in range(3000)] + [f"слово{i}" for i in range(2000)] + [f"բառ{i}" for i in range(500)]
    return [" ".join(rng.choice(vocab) for _ in range(words)) for _ in range(n)]


def shared_keys(a, b) -> set[int]:
    return set(band_keys(a, BANDS, ROWS)) & set(band_keys(b, BANDS, ROWS))


# --- normalising and exact hashes ---------------------------------------------------


def test_normalise_folds_case_width_spacing_and_punctuation():
    assert normalise("  Hello,\tWORLD!!\n") == "hello world"
    assert normalise("ＡＢＣ ﬁne Straße") == "abc fine strasse"  # NFKC, then casefold
    # Punctuation separates words, so spacing around it does not matter.
    assert normalise("Obama's plan (in Almaty)") == normalise("Obama 's plan ( in Almaty )") == "obama s plan in almaty"
    assert normalise("«Токаев» — Алматы…") == "токаев алматы"
    assert normalise("") == "" and normalise(" .,;— ") == ""


def test_exact_hash_ignores_trivial_differences_only():
    a = "Tokayev met Aliyev in Almaty. The talks lasted three hours."
    same = ["tokayev met aliyev in almaty the talks lasted three hours",
            "  TOKAYEV met   Aliyev in Almaty —\nthe talks lasted three hours!!",
            "Tokayev met Aliyev in Almaty.\r\n\r\nThe talks lasted three hours."]
    for variant in same:
        assert exact_hash(variant) == exact_hash(a)
    for different in ["Tokayev met Aliyev in Astana. The talks lasted three hours.",
                      "Tokayev met Aliyev in Almaty. The talks lasted two hours.",
                      "Tokayev met Aliyev in Almaty."]:
        assert exact_hash(different) != exact_hash(a)
    assert re.fullmatch(r"[0-9a-f]{40}", exact_hash(a))


def test_seed_pages_000_and_001_share_their_article(examples):
    p = pages(examples)
    assert exact_hash(body(p[0])) == exact_hash(body(p[1]))
    assert exact_hash(p[0]) != exact_hash(p[1])  # the sidebars differ


def test_vectorised_normalise_equals_the_regex():
    table = dedupe._word_table()
    mismatched = [c for c in range(0x10000) if bool(re.fullmatch(r"\w", chr(c))) != table[c]]
    assert mismatched == []
    rng = random.Random(1)
    unicode_pool, ascii_pool = [chr(c) for c in range(0x10000)], [chr(c) for c in range(128)]
    for i in range(300):
        # Odd cases are pure ASCII, which takes a byte-wide path.
        pool, filler = (ascii_pool, " .,-abc\n\t'_") if i % 2 else (unicode_pool, " .,-abcАбՀ\n\t'_")
        text = "".join(rng.choice(pool) if rng.random() < 0.3 else rng.choice(filler)
                       for _ in range(rng.randint(256, 1500)))
        assert normalise(text) == regex_normalise(text)
    emoji = "Tokayev 😀 met Aliyev 🇰🇿 in Almaty 𝔄𝔩𝔪𝔞𝔱𝔶. " * 20  # astral characters: the regex path
    assert normalise(emoji) == regex_normalise(emoji)
    assert normalise(emoji).startswith("tokayev met aliyev in almaty almaty tokayev")


# --- shingles -------------------------------------------------------------------------


def test_shingles_of_empty_short_and_long_texts():
    assert shingles("") == [] and shingles(" — !! ") == []
    assert shingles("One") == ["one"]
    assert shingles("One, two; three.") == ["one two three"]
    assert shingles("a b c d e") == ["a b c d e"]
    assert shingles("a b c d e f") == ["a b c d e", "b c d e f"]
    assert shingles("a b c", k=2) == ["a b", "b c"]


def test_cyrillic_and_armenian_tokenise():
    ru = shingles(RU)
    assert ru[0] == "министр иностранных дел армении арарат"
    assert len(ru) == len(normalise(RU).split()) - 4
    hy = normalise(HY).split()
    # Armenian comma ՝ and full stop ։ separate words; NFKC opens the ligature և into ե+ւ.
    assert hy[:3] == ["հայաստանի", "եւ", "ադրբեջանի"]
    assert "ալմաթիում" in hy and "ղազախստանում" in hy and "տեքստը" in hy
    assert all(re.fullmatch(r"\w+", w) for w in hy)
    sigs = signatures([RU, HY, RU + "Источник: ТАСС.", HY + "Աղբյուր՝ Արմենպրես"])
    assert jaccard(sigs[0], sigs[2]) >= THRESHOLD and shared_keys(sigs[0], sigs[2])
    assert jaccard(sigs[1], sigs[3]) >= 0.6  # a short text: one added word is a larger share
    assert jaccard(sigs[0], sigs[1]) < 0.1


# --- signatures -------------------------------------------------------------------------


def test_signature_shape_dtype_and_empty_texts():
    assert signatures([]).shape == (0, NUM_PERM)
    sigs = signatures(["", "...", "one", "one two three four five six"])
    assert sigs.shape == (4, NUM_PERM) and sigs.dtype == np.uint32
    assert (sigs[0] == 0xFFFFFFFF).all() and (sigs[1] == 0xFFFFFFFF).all()  # datasketch's empty MinHash
    assert (sigs[2] != 0xFFFFFFFF).any() and (sigs[3] != 0xFFFFFFFF).any()
    assert signatures(["one two"], num_perm=64).shape == (1, 64)
    assert len(fingerprint("").signature) == 4 * NUM_PERM


def test_batch_equals_one_text_at_a_time():
    # The batch is large enough for the vectorised SHA-1; one text at a time goes through hashlib.
    texts = random_texts(12, 800) + ["", "short text", RU * 3, HY * 3]
    batch = signatures(texts)
    assert sum(len(shingles(t)) for t in texts) > dedupe._SHA1_MIN_LANES
    for text, row in zip(texts, batch):
        assert np.array_equal(signatures([text])[0], row)
    fps = fingerprints(texts)
    assert [f.signature for f in fps] == [fingerprint(t).signature for t in texts]
    assert [f.exact for f in fps] == [exact_hash(t) for t in texts]


def test_vectorised_sha1_equals_hashlib(monkeypatch):
    monkeypatch.setattr(dedupe, "_SHA1_MIN_LANES", 1)  # every length class through the numpy SHA-1
    rng = random.Random(2)
    messages = [bytes(rng.randrange(256) for _ in range(n)) for n in list(range(0, 300)) + [55, 56, 119, 120] * 5]
    buf = b"".join(messages)
    ends = np.cumsum([len(m) for m in messages])
    starts = ends - [len(m) for m in messages]
    expected = [int.from_bytes(hashlib.sha1(m).digest()[:4], "little") for m in messages]
    assert dedupe._hash_spans(buf, starts, ends).tolist() == expected


def test_legacy_modulo_fold_is_exact():
    # _permute(scheme="legacy") with a=1, hv=0 leaves x = b: check the fold on values around the prime.
    p = (1 << 61) - 1
    xs = [0, 1, p - 1, p, p + 1, p + 6, 2 * p, (1 << 61), (1 << 62) + 5, 7 * (1 << 61) + p - 1, (1 << 64) - 1]
    xs += [random.Random(3).getrandbits(64) for _ in range(200)]
    a = np.ones(len(xs), dtype=np.uint64)
    b = np.array(xs, dtype=np.uint64)
    got = dedupe._permute(np.zeros(1, dtype=np.uint32), a, b, "legacy")[:, 0]
    assert got.tolist() == [(x % p) & 0xFFFFFFFF for x in xs]


@pytest.mark.parametrize("scheme,num_perm,seed", [("affine32", 128, 1), ("legacy", 128, 1), ("affine32", 64, 7),
                                                  ("legacy", 256, 42)])
def test_identical_to_datasketch(examples, scheme, num_perm, seed):
    datasketch = pytest.importorskip("datasketch", reason="datasketch (a dev dependency) is not installed")
    texts = pages(examples) + random_texts(8, 700, seed) + ["", "one", "a b c d e", RU, HY, PINNED_TEXT]
    ours = signatures(texts, num_perm=num_perm, seed=seed, scheme=scheme)
    ref = datasketch.MinHash.bulk([[s.encode() for s in shingles(t)] for t in texts],
                                  num_perm=num_perm, seed=seed, scheme=scheme)
    for row, m in zip(ours, ref):
        assert np.array_equal(row, m.hashvalues)
    for i, j in [(0, 1), (0, 2), (5, 6), (1, len(texts) - 1)]:
        assert jaccard(ours[i], ours[j]) == ref[i].jaccard(ref[j])


def test_identical_to_datasketch_on_t17_articles(shared_data):
    datasketch = pytest.importorskip("datasketch", reason="datasketch (a dev dependency) is not installed")
    paths = sorted(shared_data("t17").glob("*/InputDocs/*/*.txt"))[::12]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    ours = signatures(texts)
    ref = datasketch.MinHash.bulk([[s.encode() for s in shingles(t)] for t in texts], num_perm=NUM_PERM, seed=1)
    assert all(np.array_equal(row, m.hashvalues) for row, m in zip(ours, ref))


def test_pinned_values_do_not_drift():
    # Stored signatures and band keys must stay valid across releases: these are datasketch's values
    # (test above) and the band keys of the first store; changing them orphans every existing store.
    fp = fingerprint(PINNED_TEXT)
    assert np.frombuffer(fp.signature, "<u4")[:4].tolist() == [276485171, 110658616, 161369616, 288509350]
    assert band_keys(fp.signature, 9, 13)[:3] == [7906400417610593334, 9102900972774284513, 2383770841165769626]
    assert fp.exact == "76fd1ab29eb9ced92962d23d74fb8bda46246027"


# --- near duplicates ----------------------------------------------------------------------


def test_same_article_with_different_trailing_blocks_is_a_near_duplicate(examples):
    article = body(pages(examples)[0])
    variants = [
        article,
        article + "\nRead more: Kazakhstan offers Almaty as a venue for the talks",
        article + "\nPhoto: press service of the President of Kazakhstan\nSubscribe to our Telegram channel",
        "Kazakhstan, 13 June. " + article.replace("Previously,", "Earlier,") + "\nSource: Orda.kz",
    ]
    sigs = signatures(variants)
    for i in range(len(variants)):
        for j in range(i + 1, len(variants)):
            est, true = jaccard(sigs[i], sigs[j]), true_jaccard(variants[i], variants[j])
            assert true >= 0.85
            assert est >= THRESHOLD, (i, j, est, true)
            assert shared_keys(sigs[i], sigs[j]), (i, j)


def test_whole_seed_pages_differ_because_of_their_sidebars(examples):
    # The sidebars are most of 000 and 001: cleaning must remove them before dedupe can match.
    p = pages(examples)
    sigs = signatures(p)
    assert abs(jaccard(sigs[0], sigs[1]) - true_jaccard(p[0], p[1])) < 0.1
    assert jaccard(sigs[0], sigs[1]) < THRESHOLD


def test_unrelated_articles_score_low_and_share_no_band(examples):
    texts = pages(examples)[1:] + random_texts(60, 400, seed=5)  # 001..004 are different articles
    sigs = signatures(texts)
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert jaccard(sigs[i], sigs[j]) < 0.1, (i, j)
            assert not shared_keys(sigs[i], sigs[j]), (i, j)


def test_t17_candidates_are_similar_and_dissimilar_pairs_rarely_collide(shared_data):
    paths = sorted(shared_data("t17").glob("*/InputDocs/*/*.txt"))[::8]
    texts = [t for t in (p.read_text(encoding="utf-8") for p in paths) if t.strip()]
    sigs = signatures(texts)
    est = (sigs[:, None, :] == sigs[None, :, :]).mean(axis=2)
    keys = [set(band_keys(s, BANDS, ROWS)) for s in sigs]
    low = collisions = 0
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if est[i, j] < 0.3:
                low += 1
                collisions += bool(keys[i] & keys[j])
    assert low > 10000
    assert collisions <= 1  # theory: 1 - (1 - 0.3^13)^9 ~ 1.4e-6 per pair
    # The estimates track the true Jaccard of the shingle sets.
    rng = random.Random(4)
    for i, j in [tuple(rng.sample(range(len(texts)), 2)) for _ in range(40)]:
        assert abs(est[i, j] - true_jaccard(texts[i], texts[j])) < 0.15


def test_estimates_track_true_jaccard():
    rng = random.Random(6)
    words = [f"w{i}" for i in range(5000)]
    errors = []
    for overlap in np.linspace(0.05, 0.98, 25):
        shared = rng.sample(words, 600)
        keep = int(len(shared) * overlap)
        a = " ".join(shared)
        b = " ".join(shared[:keep] + rng.sample(words, len(shared) - keep))
        sa, sb = signatures([a, b])
        errors.append(abs(jaccard(sa, sb) - true_jaccard(a, b)))
    assert max(errors) < 0.15 and float(np.mean(errors)) < 0.05


# --- jaccard, LSH parameters, band keys ------------------------------------------------------


def test_jaccard_accepts_bytes_and_arrays():
    sa, sb = signatures(["one two three four five six seven", "one two three four five six eight"])
    assert jaccard(sa, sb) == jaccard(sa.astype("<u4").tobytes(), sb) == jaccard(sa.tobytes(), sb.tobytes())
    assert jaccard(sa, sa) == 1.0
    with pytest.raises(ValueError):
        jaccard(sa, sb[:64])


def test_lsh_params():
    assert lsh_params(0.8) == (9, 13)
    for threshold in (0.5, 0.8, 0.9):
        b, r = lsh_params(threshold)
        assert b * r <= NUM_PERM
    with pytest.raises(ValueError):
        lsh_params(1.0)


def test_lsh_params_match_datasketch():
    lsh = pytest.importorskip("datasketch.lsh", reason="datasketch with scipy is not installed")
    cases = [(t, n) for n in (64, 128) for t in np.round(np.arange(0.3, 0.96, 0.05), 2)] + [(0.8, 256)]
    for threshold, num_perm in cases:
        assert lsh_params(float(threshold), num_perm) == lsh._optimal_param(threshold, num_perm, 0.5, 0.5)


def test_band_keys_shape_range_and_band_mixing():
    sig = signatures(["Tokayev met Aliyev in Almaty to discuss the peace treaty"])[0]
    keys = band_keys(sig, BANDS, ROWS)
    assert len(keys) == BANDS and all(isinstance(k, int) and 0 <= k < 2 ** 63 for k in keys)
    assert band_keys(sig.astype("<u4").tobytes(), BANDS, ROWS) == keys
    flat = np.full(NUM_PERM, 12345, dtype=np.uint32)  # same values in every band
    assert len(set(band_keys(flat, BANDS, ROWS))) == BANDS
    changed = sig.copy()
    changed[ROWS + 1] ^= 1  # one value of the second band
    diff = [i for i, (x, y) in enumerate(zip(keys, band_keys(changed, BANDS, ROWS))) if x != y]
    assert diff == [1]
    with pytest.raises(ValueError):
        band_keys(sig[:100], BANDS, ROWS)


def test_band_keys_are_the_same_in_another_process():
    texts = [PINNED_TEXT, RU, HY]
    here = [band_keys(fingerprint(t).signature, BANDS, ROWS) for t in texts]
    code = ("import json, sys; from storyline.dedupe import band_keys, fingerprint, lsh_params; "
            "b, r = lsh_params(0.8); texts = json.load(sys.stdin); "
            "print(json.dumps([band_keys(fingerprint(t).signature, b, r) for t in texts]))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                         env=env, check=True, timeout=120)
    assert json.loads(out.stdout) == here
