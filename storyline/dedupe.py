"""The dedupe stage: exact hashes, MinHash signatures and LSH band keys.

Two copies of an article are *exact* duplicates when their normalised texts
are equal (same words, whatever the case, spacing or punctuation), and *near*
duplicates when the Jaccard similarity of their word 5-shingle sets is high
(same article, different sidebar). The store keeps ``band_keys`` of every
article in an indexed table, looks up the articles sharing a key with a new
one, and confirms each candidate with ``jaccard``.

The MinHash is datasketch's, value for value: the same shingle hash
(``sha1_hash32``: the first four bytes of SHA-1, little-endian), the same
permutations drawn from ``np.random.RandomState(seed)`` and the same
arithmetic, for both datasketch schemes ("affine32", its default since 2.0,
and "legacy", the Mersenne-prime scheme of earlier versions). Signatures are
therefore interchangeable with ``datasketch.MinHash(num_perm, seed, scheme)``
built from the same shingles, which the tests check. Speed comes from doing
the work once per batch, in numpy: the normalised texts are joined into one
buffer and shingles are byte spans of it (never rebuilt as strings); SHA-1
runs vectorised, one lane per shingle; the permutations are applied to all
shingles of the batch at once, cache-blocked, with a per-text
``np.minimum.reduceat``. So pass batches (``fingerprints``): a single text
is no faster than datasketch.

datasketch is a development dependency only (tests and benchmark); nothing
here imports it.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Sequence

import numpy as np

from .models import Fingerprint

NUM_PERM = 128
SHINGLE_SIZE = 5
SCHEME = "affine32"  # datasketch's default since 2.0; "legacy" is also supported
SCHEMES = ("affine32", "legacy")

_NON_WORD = re.compile(r"\W+")
_VECTOR_MIN_CHARS = 256  # below this, numpy's per-call overhead costs more than the regex
_MAX32 = np.uint32(0xFFFFFFFF)
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64(0xFFFFFFFF)
_SHIFT61 = np.uint64(61)
_SHA1_H = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
_SHA1_K = tuple(np.uint32(k) for k in (0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xCA62C1D6))
_SHA1_KEEP = np.array([0, 0xFF000000, 0xFFFF0000, 0xFFFFFF00, 0xFFFFFFFF], dtype=np.uint32)  # by bytes kept
_SHA1_END = np.array([0x80000000, 0x800000, 0x8000, 0x80], dtype=np.uint32)  # 0x80 at byte 0..3 of a word
_SHA1_MAX_BLOCKS = 4
_U1, _U2, _U5, _U27, _U30, _U31 = (np.uint32(v) for v in (1, 2, 5, 27, 30, 31))  # numpy scalars are slow to make
_SHA1_LANES = 16384  # messages hashed side by side: amortises numpy's per-call cost, stays in cache
_SHA1_MIN_LANES = 4096  # below this, one hashlib call per message is faster (measured)
_BLOCK = 4096  # shingles per permutation block, so a block of num_perm x _BLOCK values stays in cache


# --- text -------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Casefolded NFKC text whose words (``\\w+``) are separated by single spaces.

    Punctuation and whitespace runs both become one space, rather than being
    deleted, so that spacing around punctuation does not matter: ``Obama's``
    and a tokenised ``Obama 's`` both give ``obama s``.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    if len(folded) < _VECTOR_MIN_CHARS:
        return _NON_WORD.sub(" ", folded).strip(" ")
    if folded.isascii():  # most English pages: one byte per character
        units, encoding = np.frombuffer(folded.encode("ascii"), dtype=np.uint8), "ascii"
    else:
        units, encoding = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype="<u4"), "utf-32-le"
        if units.max() > 0xFFFF:  # astral characters (emoji...) are rare: let re classify them
            return _NON_WORD.sub(" ", folded).strip(" ")
    # Same result as the regex, ~5x faster on articles: keep word characters
    # and the first character of each non-word run, which becomes the space.
    word = _word_table()[units]
    keep = word.copy()
    keep[1:] |= word[:-1]
    out = np.where(word, units, units.dtype.type(32))[keep]
    if out.size and out[-1] == 32:
        out = out[:-1]
    return out.astype(units.dtype, copy=False).tobytes().decode(encoding)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """For every BMP code point, whether ``re`` counts it as ``\\w`` (alphanumeric or underscore)."""
    return np.array([c.isalnum() or c == "_" for c in map(chr, range(0x10000))], dtype=bool)


def exact_hash(text: str) -> str:
    """Hex digest of the normalised text: equal for copies differing only in case, spacing, punctuation."""
    return _digest(normalise(text))


def _digest(norm: str) -> str:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=20).hexdigest()


def shingles(text: str, k: int = SHINGLE_SIZE) -> list[str]:
    """Word k-shingles of the normalised text; a text of fewer than k words is one shingle, an empty one none."""
    words = normalise(text).split()
    if not words:
        return []
    if len(words) < k:
        return [" ".join(words)]
    return [" ".join(words[i:i + k]) for i in range(len(words) - k + 1)]


# --- MinHash ----------------------------------------------------------------------


@lru_cache(maxsize=16)
def permutations(num_perm: int = NUM_PERM, seed: int = 1, scheme: str = SCHEME) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's permutations for this seed and scheme, drawn exactly as it draws them.

    Cached because the legacy draw is a Python loop; the arrays are read-only.
    """
    gen = np.random.RandomState(seed)
    if scheme == "affine32":
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    elif scheme == "legacy":
        pairs = [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        a, b = np.array(pairs, dtype=np.uint64).T.copy()
    else:
        raise ValueError(f"unknown MinHash scheme {scheme!r}; expected one of {SCHEMES}")
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _shingle_spans(norm: Sequence[str], k: int) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """All shingles of a batch of normalised texts as byte spans of one buffer: (buffer, starts, ends, counts).

    The normalised texts are joined with newlines (a normalised text holds no
    newline), so a shingle is the bytes from the start of its first word to
    the end of its last: exactly ``" ".join(words).encode()``, not rebuilt.
    """
    words = np.array([s.count(" ") + 1 if s else 0 for s in norm], dtype=np.int64)
    counts = np.where(words >= k, words - k + 1, np.minimum(words, 1))
    buf = "\n".join(s for s in norm if s).encode("utf-8")
    if not buf:
        empty = np.zeros(0, dtype=np.int64)
        return buf, empty, empty, counts
    arr = np.frombuffer(buf, dtype=np.uint8)
    seps = np.flatnonzero((arr == 32) | (arr == 10))
    word_start = np.concatenate(([0], seps + 1))
    word_end = np.concatenate((seps, [len(buf)]))
    # For every non-empty text: index of its first word and its word count.
    n = words[words > 0]
    first = np.concatenate(([0], np.cumsum(n)[:-1]))
    per_text = np.maximum(n - k + 1, 1)
    # Shingle j of a text starts at word first+j and ends at word
    # min(first+j+k, first+n) - 1 (a short text's one shingle is all of it).
    offsets = np.arange(per_text.sum()) - np.repeat(np.cumsum(per_text) - per_text, per_text)
    start_word = np.repeat(first, per_text) + offsets
    end_word = np.minimum(start_word + k, np.repeat(first + n, per_text)) - 1
    return buf, word_start[start_word], word_end[end_word], counts


def _hash_spans(buf: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """datasketch's ``sha1_hash32`` of every span ``buf[s:e]`` (first 4 SHA-1 bytes, little-endian), uint32.

    One ``hashlib.sha1`` call per shingle costs as much as all the rest of a
    signature, so when a batch has enough shingles SHA-1 itself runs
    vectorised (FIPS 180-4, one numpy lane per shingle), at about half the
    cost. numpy's per-call overhead makes that a loss below _SHA1_MIN_LANES
    messages of one length class, and longer shingles (> 247 bytes) are rare:
    those go through hashlib.
    """
    lengths = ends - starts
    blocks = (lengths + 8) // 64 + 1  # the message, the 0x80 byte and the 8-byte length
    out = np.empty(len(starts), dtype=np.uint32)
    words = None
    for nb in np.unique(blocks).tolist():
        group = np.flatnonzero(blocks == nb)
        if nb > _SHA1_MAX_BLOCKS or len(group) < _SHA1_MIN_LANES:
            spans = zip(starts[group].tolist(), ends[group].tolist())
            out[group] = np.frombuffer(b"".join([hashlib.sha1(buf[s:e]).digest()[:4] for s, e in spans]), "<u4")
            continue
        if words is None:
            words = _be_words(buf)
        chunks = -(-len(group) // _SHA1_LANES)  # equal chunks, so none is left nearly empty
        for sel in np.array_split(group, chunks):
            out[sel] = _sha1_first_word(_sha1_padded(words, starts[sel], lengths[sel], nb)).byteswap()
    return out


def _be_words(buf: bytes) -> np.ndarray:
    """words[i] is the big-endian uint32 at byte i of ``buf`` (zero-padded past its end)."""
    data = np.frombuffer(buf + bytes(64 * _SHA1_MAX_BLOCKS + 3), dtype=np.uint8)
    words = data[:-3].astype(np.uint32) << np.uint32(24)
    words |= data[1:-2].astype(np.uint32) << np.uint32(16)
    words |= data[2:-1].astype(np.uint32) << np.uint32(8)
    words |= data[3:]
    return words


def _sha1_padded(words: np.ndarray, starts: np.ndarray, lengths: np.ndarray, blocks: int) -> np.ndarray:
    """The padded messages as big-endian words, shape (16 * blocks, n): one column per message."""
    starts, lengths = starts.astype(np.int32), lengths.astype(np.int32)  # half the index traffic of int64
    offsets = np.arange(0, 64 * blocks - 8, 4, dtype=np.int32)[:, None]
    m = np.empty((16 * blocks, len(starts)), dtype=np.uint32)
    body = m[:-2]
    np.take(words, starts[None, :] + offsets, out=body)
    body *= offsets + 4 <= lengths[None, :]  # keep the words wholly inside the message, zero the rest
    last, tail = lengths >> 2, lengths & 3  # the word where the message ends, and its bytes used
    m[last, np.arange(len(starts))] = (words[starts + (last << 2)] & _SHA1_KEEP[tail]) | _SHA1_END[tail]
    m[-2] = 0
    m[-1] = lengths.astype(np.uint32) << np.uint32(3)  # length in bits (the high word stays 0: messages are short)
    return m


def _sha1_first_word(m: np.ndarray) -> np.ndarray:
    """H0 of SHA-1 of every column of padded messages ``m``; uint32 arithmetic wraps as SHA-1's."""
    n = m.shape[1]
    h = [np.full(n, v, dtype=np.uint32) for v in _SHA1_H]
    w = np.empty((80, n), dtype=np.uint32)
    f, g, x = np.empty(n, np.uint32), np.empty(n, np.uint32), np.empty((3, n), np.uint32)
    for block in range(m.shape[0] // 16):
        w[:16] = m[16 * block:16 * block + 16]
        # Message schedule, three words per step (w[t] needs w[t-3]), K added once per round range.
        for t in range(16, 80, 3):
            k = min(3, 80 - t)
            y, dst = x[:k], w[t:t + k]
            np.bitwise_xor(w[t - 3:t - 3 + k], w[t - 8:t - 8 + k], out=y)
            y ^= w[t - 14:t - 14 + k]
            y ^= w[t - 16:t - 16 + k]
            np.left_shift(y, _U1, out=dst)
            y >>= _U31
            dst |= y
        for i, k_i in enumerate(_SHA1_K):
            w[20 * i:20 * i + 20] += k_i
        a, b, c, d, e = (v.copy() for v in h)
        for t in range(80):
            if t < 20:  # e += Ch(b, c, d)
                np.bitwise_xor(c, d, out=f)
                f &= b
                f ^= d
            elif 40 <= t < 60:  # e += Maj(b, c, d) = (b & c) + (d & (b ^ c)), disjoint bits
                np.bitwise_and(b, c, out=f)
                e += f
                np.bitwise_xor(b, c, out=f)
                f &= d
            else:  # e += Parity(b, c, d)
                np.bitwise_xor(b, c, out=f)
                f ^= d
            e += f
            e += w[t]
            np.left_shift(a, _U5, out=g)  # e += rotl(a, 5), in two disjoint halves
            e += g
            np.right_shift(a, _U27, out=g)
            e += g
            np.right_shift(b, _U2, out=g)  # b = rotl(b, 30), in place
            b <<= _U30
            b |= g
            a, b, c, d, e = e, a, b, c, d
        for v, new in zip(h, (a, b, c, d, e)):
            v += new
    return h[0]


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch's affine32 scheme applies before permuting."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _permute(block: np.ndarray, a: np.ndarray, b: np.ndarray, scheme: str) -> np.ndarray:
    """Permuted values, shape (num_perm, len(block)), with datasketch's exact (wrapping) arithmetic."""
    if scheme == "affine32":
        out = a[:, None] * block[None, :]  # uint32: wraparound is the mod 2^32
        out += b[:, None]
        return out
    out = a[:, None] * block.astype(np.uint64)[None, :]  # uint64 wraparound, as datasketch
    out += b[:, None]
    # x % (2^61 - 1) without integer division: 2^61 = 1 mod p, so fold the
    # top 3 bits onto the low 61, then subtract p once if still >= p.
    high = out >> _SHIFT61
    out &= _MERSENNE
    out += high
    np.subtract(out, _MERSENNE, out=out, where=out >= _MERSENNE)
    out &= _MAX_HASH
    return out


def signatures(texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = 1, scheme: str = SCHEME) -> np.ndarray:
    """MinHash signatures of a batch of texts, shape (len(texts), num_perm), uint32.

    Row i equals ``datasketch.MinHash(num_perm, seed=seed, scheme=scheme)``
    updated with ``[s.encode() for s in shingles(texts[i])]``. A text with no
    words keeps datasketch's empty value (all 0xFFFFFFFF).
    """
    return _signatures([normalise(t) for t in texts], num_perm, seed, scheme)


def _signatures(norm: Sequence[str], num_perm: int, seed: int, scheme: str) -> np.ndarray:
    a, b = permutations(num_perm, seed, scheme)
    buf, starts, ends, counts = _shingle_spans(norm, SHINGLE_SIZE)
    hashes = _hash_spans(buf, starts, ends)
    if scheme == "affine32":
        hashes = _fmix32(hashes)
    out = np.full((num_perm, len(norm)), _MAX32, dtype=np.uint32)
    doc = np.repeat(np.arange(len(norm)), counts)
    for lo in range(0, len(hashes), _BLOCK):
        values = _permute(hashes[lo:lo + _BLOCK], a, b, scheme)
        ids = doc[lo:lo + _BLOCK]
        # ids are sorted, so a text is one run within a block: reduce each
        # run, then merge with what earlier blocks found for the same text.
        runs = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
        mins = np.minimum.reduceat(values, runs, axis=1).astype(np.uint32, copy=False)
        out[:, ids[runs]] = np.minimum(out[:, ids[runs]], mins)
    return np.ascontiguousarray(out.T)


def _as_signature(sig: bytes | np.ndarray) -> np.ndarray:
    if isinstance(sig, (bytes, bytearray, memoryview)):
        return np.frombuffer(sig, dtype="<u4")
    return np.asarray(sig)


def fingerprints(texts: Sequence[str], num_perm: int = NUM_PERM) -> list[Fingerprint]:
    """Exact hash and MinHash signature (uint32 little-endian bytes) of every text of a batch."""
    norm = [normalise(t) for t in texts]  # once, for both hashes
    sigs = _signatures(norm, num_perm, 1, SCHEME).astype("<u4", copy=False)
    return [Fingerprint(_digest(n), sig.tobytes()) for n, sig in zip(norm, sigs)]


def fingerprint(text: str, num_perm: int = NUM_PERM) -> Fingerprint:
    """Exact hash and MinHash signature of one text (prefer ``fingerprints`` for many)."""
    return fingerprints([text], num_perm)[0]


def jaccard(sig_a: bytes | np.ndarray, sig_b: bytes | np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of permutations on which the two minima agree."""
    a, b = _as_signature(sig_a), _as_signature(sig_b)
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"signatures differ in length or are empty: {a.size} and {b.size} values")
    return float(np.count_nonzero(a == b)) / a.size


# --- LSH --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) minimising the equally weighted false-positive and false-negative areas.

    Same criterion and search order as datasketch's ``_optimal_param`` with
    weights (0.5, 0.5); the integrals of the polynomials 1-(1-s^r)^b are
    exact with Gauss-Legendre nodes (degree b*r <= num_perm), so no scipy.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    bands, rows = pairs[:, :1], pairs[:, 1:]
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(lo: float, hi: float, false_negative: bool) -> np.ndarray:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        p = 1 - (1 - s ** rows) ** bands  # probability that a pair at similarity s becomes a candidate
        return ((1 - p) if false_negative else p) @ weights * (hi - lo) / 2

    error = 0.5 * integral(0.0, threshold, False) + 0.5 * integral(threshold, 1.0, True)
    b, r = pairs[int(np.argmin(error))]  # argmin keeps the first of equal errors, like datasketch
    return int(b), int(r)


def band_keys(signature: bytes | np.ndarray, bands: int, rows: int) -> list[int]:
    """One key per band: a 63-bit non-negative int (a SQLite INTEGER) of the band index and its values.

    BLAKE2b of fixed little-endian bytes, so keys are the same in every
    process, Python and platform (unlike ``hash()``); the band index is part
    of the hashed bytes, so equal values in different bands do not collide.
    """
    sig = _as_signature(signature).astype("<u4", copy=False)
    if bands * rows > sig.size:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} values, the signature has {sig.size}")
    keys = []
    for band in range(bands):
        data = band.to_bytes(4, "little") + sig[band * rows:(band + 1) * rows].tobytes()
        digest = hashlib.blake2b(data, digest_size=8, person=b"storyline-lsh").digest()
        keys.append(int.from_bytes(digest, "little") & ((1 << 63) - 1))
    return keys
