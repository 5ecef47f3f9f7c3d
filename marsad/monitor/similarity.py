"""Text similarity of reports: word shingles, MinHash signatures and LSH band keys.

Why: the pipeline must (1) drop near-identical copies of one wire story before extraction (the same text
re-published with a new headline or a trailing sentence) and (2) score how alike two reports of a candidate
merge are. Both need a similarity that is cheap, works the same in Arabic, English and French, and can be
looked up in a table without comparing a new item with every item seen.

- **Shingles** are runs of ``k`` consecutive word tokens of the text folded by :mod:`marsad.text` (Arabic
  letter variants, diacritics, accents and case folded, French elisions split, Arabic attached prefixes such as
  و/ال/بال stripped by :func:`marsad.text.search_key`), so "الهجوم" and "والهجوم", "l'attaque" and
  "attaque" are the same word. Each word is hashed with CRC-32 — stable across processes and machines
  (Python's ``hash`` is salted per process, which would make stored keys useless) — and a shingle's hash
  combines its words' hashes (vectorised with numpy).
- **Signatures** are MinHash over those hashes with :data:`NUM_PERM` multiply-shift hash functions computed
  by numpy in one vectorised step (datasketch's per-shingle ``update`` costs a SHA-1 each; this is far
  faster, and the parameters are fixed, so signatures made by any worker compare). The fraction of equal
  slots estimates the Jaccard similarity of the shingle sets.
- **Band keys** (:func:`near_duplicate_key`) cut the signature into :data:`BANDS` bands of :data:`ROWS`
  rows; two texts share at least one key with probability 1 − (1 − J^ROWS)^BANDS — ≈ 0.98 at J = 0.8,
  ≈ 0.5 at J = 0.6, ≈ 0.02 at J = 0.3 with 16 × 8 — so a table of keys finds near-duplicates in a lookup.
  The caller confirms a hit with :func:`similarity` (:data:`NEAR_DUPLICATE` = 0.8).
- A key is a signed 64-bit integer (:func:`lsh_key`): the band's 8-byte BLAKE2b digest XOR a constant of its
  band (the band number folded in: the same rows in two bands give two keys), so a chance match is 2⁻⁶⁴ as
  with the digest alone. Why an integer: the pipeline stores ~32 keys per item in two random-key B-trees; as text
  (``"07:bdb03d04595143e0"``) each entry was 2-3× larger and compared byte by byte (migration 0015).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from marsad.monitor.scanner import folded_text, scan_text
from marsad.text import search_key

__all__ = ["NUM_PERM", "BANDS", "ROWS", "NEAR_DUPLICATE", "Signature", "Words", "words", "shingles", "signature",
           "signature_of_words", "signatures_of_words", "similarity", "jaccard", "near_duplicate_key",
           "near_duplicate_keys", "is_near_duplicate", "lsh_key", "key_mix"]

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
#: estimated Jaccard similarity of 5-word shingles above which two texts are copies of one story
NEAR_DUPLICATE = 0.8
_SHIFT = np.uint64(29)
_rng = np.random.Generator(np.random.PCG64(20240517))  # fixed: every process must draw the same functions
_A = (_rng.integers(1, 2 ** 32, size=NUM_PERM, dtype=np.uint32) | np.uint32(1)).reshape(NUM_PERM, 1)
_B = _rng.integers(0, 2 ** 32, size=NUM_PERM, dtype=np.uint32).reshape(NUM_PERM, 1)
del _rng
_BASE = np.uint64(0x100000001B3)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
_EMPTY_BYTES = _EMPTY.astype("<u4").tobytes()
_MIN = np.minimum.reduce
#: the multiply-shift functions as one row each way (shingles down, functions across: see signatures_of_words)
_A_ROW, _B_ROW = _A.reshape(1, NUM_PERM), _B.reshape(1, NUM_PERM)
#: a word token of folded text, as :func:`marsad.text.tokens` finds them
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, eq=False)
class Signature:
    """A MinHash signature: ``values`` (``NUM_PERM`` uint32) and whether the text had any word at all."""

    values: np.ndarray
    empty: bool = False

    def to_bytes(self) -> bytes:
        """The signature as 4 × NUM_PERM little-endian bytes, for storing in a table."""
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        if len(data) != 4 * NUM_PERM:
            raise ValueError(f"a signature has {NUM_PERM} values, not {len(data) // 4}")
        values = np.frombuffer(data, dtype="<u4")
        return cls(values, data == _EMPTY_BYTES)


class _Keys(dict):
    """Folded token → its :func:`words` unit (:func:`~marsad.text.search_key`), or "" for a token :func:`words`
    leaves out; filled on first sight (a news vocabulary is some tens of thousands of words), so a report's
    tokens are mapped by one C-level ``map`` instead of a Python call per token (stemming an Arabic word is a
    loop over 19 prefixes)."""

    def __missing__(self, token: str) -> str:
        key = search_key(token) if len(token) > 1 or token.isdigit() else ""
        if len(self) < _CACHE_LIMIT:
            self[token] = key
        return key


class _Hashes(dict):
    """A :func:`words` unit → its CRC-32, filled on first sight: a report's words are hashed by one C-level
    ``map`` (a dictionary probe costs less than encoding and hashing), and the merge signature (k = 1) and the
    near-duplicate one (k = 5) of one report share the work."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode())
        if len(self) < _CACHE_LIMIT:
            self[word] = value
        return value


#: entries each of the two word caches keeps at most (a few MB; past it, new words are worked out each time)
_CACHE_LIMIT = 200_000
_KEYS = _Keys()
_HASHES = _Hashes()


def words(text: str) -> list[str]:
    """The folded, prefix-stripped word tokens of ``text`` (the units shingles are made of).

    One-letter words other than digits are left out: they are mostly French elided articles (the ``l`` of
    ``l'attaque``) and English "a", which would make "l'attaque" and "attaque" differ. (:data:`_KEYS` maps a
    left-out token to "", which ``filter`` drops: no search key is empty.)"""
    if not text:
        return []
    folded = folded_text(text)  # the readers' fold of a report's text, kept for the last few texts
    # without "_" the \w+ runs of the folded text are the words of the scanners' form (kept too): a split
    # is five times cheaper than the regex
    toks = _TOKEN.findall(folded) if "_" in folded else scan_text(text).split()
    return list(filter(None, map(_KEYS.__getitem__, toks)))


def _shingles_of_words(seq: list[str], k: int) -> np.ndarray:
    """The shingle hashes of ``seq`` in text order, repeats kept: MinHash is a minimum, which repeats do not
    change, so the signatures skip ``np.unique`` (a sort: some 15 % of a signature's cost in a profile of the
    pipeline's items); :func:`shingles` makes a set of them."""
    if k < 1:
        raise ValueError("k must be 1 or more")
    if not seq:
        return np.empty(0, dtype=np.uint32)
    word_hashes = np.fromiter(map(_HASHES.__getitem__, seq), dtype=np.uint64, count=len(seq))
    k = min(k, len(seq))  # a text of k words or fewer is one shingle of them all
    count = len(seq) - k + 1
    combined = word_hashes
    if k > 1:  # the polynomial, in place: no array made per word of a shingle
        combined = word_hashes[:count] * _BASE
        for j in range(1, k - 1):
            combined += word_hashes[j:j + count]
            combined *= _BASE
        combined += word_hashes[k - 1:k - 1 + count]
    mixed = combined >> _SHIFT
    mixed ^= combined
    return mixed.astype(np.uint32)  # the low 32 bits (a cast to uint32 wraps: no mask needed)


def shingles(text: str, k: int = 5) -> set[int]:
    """32-bit hashes of every run of ``k`` consecutive words; a text shorter than ``k`` words is one shingle."""
    return set(_shingles_of_words(words(text), k).tolist())


def _minhash(x: np.ndarray) -> Signature:
    if not x.size:
        return Signature(_EMPTY, True)
    # a·x + b mod 2**32 with odd a is a bijection of 32-bit values: each row is a random permutation of the
    # (already well-mixed) shingle hashes; uint32 arithmetic is ~10× faster than uint64 here. In place and
    # reduced by the ufunc itself: ``ndarray.min`` goes through numpy's Python wrapper, a per-call cost that
    # weighs on the short reports the pipeline mostly signs (a few dozen shingles)
    permuted = _A * x
    permuted += _B
    return Signature(_MIN(permuted, axis=1))


def signature(text: str | set[int], k: int = 5) -> Signature:
    """The MinHash signature of a text (or of a shingle set already made by :func:`shingles`)."""
    if isinstance(text, set):
        return _minhash(np.fromiter(text, dtype=np.uint32, count=len(text)))
    return _minhash(_shingles_of_words(words(text), k))


class Words(list):
    """A text's :func:`words` with signatures of them already worked out (``signatures``: k → signature), which
    :func:`signature_of_words` returns: a caller that signs a batch's texts together (:func:`signatures_of_words`)
    hands each text's words to code that asks for their signature one text at a time."""

    __slots__ = ("signatures",)

    def __init__(self, seq=(), signatures: dict[int, Signature] | None = None):
        super().__init__(seq)
        self.signatures = {} if signatures is None else signatures


def signature_of_words(seq: list[str], k: int = 5) -> Signature:
    """The signature of a text from its :func:`words` — equal to ``signature(text, k)`` — so a caller that needs
    several (the near-duplicate fingerprint at k = 5 and the merge signature at k = 1) folds the text once.
    The words of a title and a body joined by a line break are the title's words then the body's, so the two
    can be tokenised apart and concatenated. :class:`Words` give the signature they carry for ``k``."""
    if isinstance(seq, Words) and k in seq.signatures:
        return seq.signatures[k]
    return _minhash(_shingles_of_words(list(seq), k))


def signatures_of_words(pairs: Sequence[tuple[Sequence[str], int]]) -> list[Signature]:
    """``signature_of_words(seq, k)`` of each (words, k) pair — bit-identical — worked out together.

    Why: the pipeline's reports are short (a few dozen words), so a signature's cost is mostly numpy's fixed cost
    per call (some ten calls each); a batch's shingles are made per k over all its texts at once and permuted in
    one (shingles × NUM_PERM) step, each text's minimum taken by ``np.minimum.reduceat`` over its rows (a minimum
    is exact: the same values as one by one). Functions across a row make the minimum an element-wise one."""
    out: list[Signature | None] = [None] * len(pairs)
    parts: list[np.ndarray] = []
    order: list[int] = []
    by_k: dict[int, list[int]] = {}
    for n, (seq, k) in enumerate(pairs):
        if k < 1:
            raise ValueError("k must be 1 or more")
        if not seq:
            out[n] = Signature(_EMPTY, True)
        elif len(seq) < k:  # one shingle of all its words: a k of its own
            parts.append(_shingles_of_words(list(seq), k))
            order.append(n)
        else:
            by_k.setdefault(k, []).append(n)
    for k, members in by_k.items():
        parts.append(_joined_shingles([pairs[n][0] for n in members], k))
        order += members
    if order:
        counts = [len(pairs[n][0]) - min(pairs[n][1], len(pairs[n][0])) + 1 for n in order]
        permuted = np.concatenate(parts).reshape(-1, 1) * _A_ROW
        permuted += _B_ROW
        starts = np.cumsum([0, *counts[:-1]])
        for n, values in zip(order, np.minimum.reduceat(permuted, starts, axis=0)):
            out[n] = Signature(values.copy())  # its own 512 bytes: a cached signature keeps no batch alive
    return out


def _joined_shingles(seqs: list[Sequence[str]], k: int) -> np.ndarray:
    """The shingle hashes of texts of ``k`` words or more, text after text: those of the texts joined, less the
    ``k - 1`` shingles across each join (the polynomial of :func:`_shingles_of_words`, on the joined words)."""
    joined = _shingles_of_words(list(chain.from_iterable(seqs)), k)
    if k == 1 or len(seqs) == 1:
        return joined
    ends = np.cumsum([len(seq) for seq in seqs[:-1]])
    return np.delete(joined, (ends.reshape(-1, 1) - np.arange(1, k)).ravel())


def _as_signature(value, k: int) -> Signature:
    return value if isinstance(value, Signature) else signature(value, k)


def similarity(a, b, k: int = 5) -> float:
    """Estimated Jaccard similarity (0..1) of two texts, shingle sets or signatures; 0 if either is empty."""
    sa, sb = _as_signature(a, k), _as_signature(b, k)
    if sa.empty or sb.empty:
        return 0.0
    return float(np.count_nonzero(sa.values == sb.values)) / NUM_PERM


def jaccard(a: set[int], b: set[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (for short texts, where it is cheaper than estimating)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def key_mix(tag: str) -> int:
    """The signed 64-bit constant a key of kind ``tag`` (``"band 0"`` … ``"band 15"``, ``"url"``) is XORed with.

    Why fixed and derived from the tag: every process and every stored key must agree, and migration 0015
    turned the text keys of earlier versions (``"NN:hex"``, ``"url:hex"``) into these integers with them."""
    return int.from_bytes(hashlib.blake2b(tag.encode(), digest_size=8, person=b"marsad-lsh").digest(), "big",
                          signed=True)


_BAND_MIX = tuple(key_mix(f"band {band}") for band in range(BANDS))
_BAND_MIX_ARRAY = np.array(_BAND_MIX, dtype=">i8")


def lsh_key(digest: bytes, mix: int) -> int:
    """A stored key: the first 8 bytes of ``digest`` (big-endian, signed) XOR ``mix`` (:func:`key_mix`), so a
    BIGINT column holds it and keys of different kinds (bands, URLs) are told apart by their constants."""
    return int.from_bytes(digest[:8], "big", signed=True) ^ mix


def near_duplicate_key(text, k: int = 5) -> list[int]:
    """LSH band keys (signed 64-bit integers, one per band) of a text or signature; texts sharing a key are
    near-duplicate candidates.

    An empty text has no keys (it is nobody's duplicate). A signature keeps its keys once worked out: the
    pipeline asks for those of a report's text signature twice (its near-duplicate fingerprint, and its
    filing keys when it has no title).
    """
    sig = _as_signature(text, k)
    if sig.empty:
        return []
    keys = sig.__dict__.get("_band_keys")
    if keys is None:
        keys = _band_keys(sig.values)
        sig.__dict__["_band_keys"] = keys  # a memo beside the frozen fields (no field: equal __init__, pickles)
    return list(keys)


def near_duplicate_keys(signatures: Sequence[Signature]) -> list[list[int]]:
    """``near_duplicate_key(sig)`` of each signature (kept by each, as that function does), worked out together:
    the band digests of all of them joined and read as one array (numpy's fixed costs once per batch)."""
    todo = [sig for sig in signatures if not sig.empty and "_band_keys" not in sig.__dict__]
    if todo:
        digests = _band_digests(np.concatenate([sig.values for sig in todo]).astype("<u4").tobytes())
        keys = (np.frombuffer(digests, dtype=">i8").reshape(-1, BANDS) ^ _BAND_MIX_ARRAY).tolist()
        for sig, row in zip(todo, keys):
            sig.__dict__["_band_keys"] = tuple(row)
    return [near_duplicate_key(sig) for sig in signatures]


def _band_keys(values: np.ndarray) -> tuple[int, ...]:
    """Each band's 8-byte BLAKE2b digest as a big-endian signed integer XOR its band's constant: the digests
    joined and read as one array (no ``int.from_bytes`` and XOR per band in Python)."""
    digests = _band_digests(values.astype("<u4").tobytes())
    return tuple((np.frombuffer(digests, dtype=">i8") ^ _BAND_MIX_ARRAY).tolist())


#: an 8-byte BLAKE2b with nothing hashed yet: copying it costs less than making one (no parameters to parse)
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)
_BAND_BYTES = ROWS * 4


def _band_digests(data: bytes) -> bytes:
    """The 8-byte BLAKE2b digest of each band's bytes in ``data`` (signatures' values, little-endian), joined."""
    digests = []
    for start in range(0, len(data), _BAND_BYTES):
        hasher = _BLAKE2B_8.copy()
        hasher.update(data[start:start + _BAND_BYTES])
        digests.append(hasher.digest())
    return b"".join(digests)


def is_near_duplicate(a, b, k: int = 5) -> bool:
    """Whether two texts (or signatures) are copies of one story (estimated Jaccard ≥ NEAR_DUPLICATE)."""
    return similarity(a, b, k) >= NEAR_DUPLICATE
