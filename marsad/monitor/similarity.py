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
import zlib
from dataclasses import dataclass

import numpy as np

from marsad.text import search_key, tokens

__all__ = ["NUM_PERM", "BANDS", "ROWS", "NEAR_DUPLICATE", "Signature", "words", "shingles", "signature",
           "signature_of_words", "similarity", "jaccard", "near_duplicate_key", "is_near_duplicate", "lsh_key",
           "key_mix"]

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
#: estimated Jaccard similarity of 5-word shingles above which two texts are copies of one story
NEAR_DUPLICATE = 0.8
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.Generator(np.random.PCG64(20240517))  # fixed: every process must draw the same functions
_A = (_rng.integers(1, 2 ** 32, size=NUM_PERM, dtype=np.uint32) | np.uint32(1)).reshape(NUM_PERM, 1)
_B = _rng.integers(0, 2 ** 32, size=NUM_PERM, dtype=np.uint32).reshape(NUM_PERM, 1)
del _rng
_BASE = np.uint64(0x100000001B3)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
_EMPTY_BYTES = _EMPTY.astype("<u4").tobytes()


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


def words(text: str) -> list[str]:
    """The folded, prefix-stripped word tokens of ``text`` (the units shingles are made of).

    One-letter words other than digits are left out: they are mostly French elided articles (the ``l`` of
    ``l'attaque``) and English "a", which would make "l'attaque" and "attaque" differ."""
    return [search_key(word) for word in tokens(text or "") if len(word) > 1 or word.isdigit()]


def _shingle_array(text: str, k: int) -> np.ndarray:
    """Unique shingle hashes as uint64: each word CRC-32'd once, a run of k words combined as a polynomial
    in those hashes (vectorised; joining and hashing every k-word string costs ~3× more)."""
    return _shingles_of_words(words(text), k)


def _shingles_of_words(seq: list[str], k: int) -> np.ndarray:
    if k < 1:
        raise ValueError("k must be 1 or more")
    if not seq:
        return np.empty(0, dtype=np.uint32)
    word_hashes = np.fromiter((zlib.crc32(w.encode()) for w in seq), dtype=np.uint64, count=len(seq))
    k = min(k, len(seq))
    count = len(seq) - k + 1
    combined = np.zeros(count, dtype=np.uint64)
    for j in range(k):
        combined = combined * _BASE + word_hashes[j:j + count]
    return np.unique(((combined ^ (combined >> np.uint64(29))) & _MASK32).astype(np.uint32))


def shingles(text: str, k: int = 5) -> set[int]:
    """32-bit hashes of every run of ``k`` consecutive words; a text shorter than ``k`` words is one shingle."""
    return set(_shingle_array(text, k).tolist())


def _minhash(x: np.ndarray) -> Signature:
    if not x.size:
        return Signature(_EMPTY, True)
    # a·x + b mod 2**32 with odd a is a bijection of 32-bit values: each row is a random permutation of the
    # (already well-mixed) shingle hashes; uint32 arithmetic is ~10× faster than uint64 here
    return Signature((_A * x + _B).min(axis=1))


def signature(text: str | set[int], k: int = 5) -> Signature:
    """The MinHash signature of a text (or of a shingle set already made by :func:`shingles`)."""
    if isinstance(text, set):
        return _minhash(np.fromiter(text, dtype=np.uint32, count=len(text)))
    return _minhash(_shingle_array(text, k))


def signature_of_words(seq: list[str], k: int = 5) -> Signature:
    """The signature of a text from its :func:`words` — equal to ``signature(text, k)`` — so a caller that needs
    several (the near-duplicate fingerprint at k = 5 and the merge signature at k = 1) folds the text once.
    The words of a title and a body joined by a line break are the title's words then the body's, so the two
    can be tokenised apart and concatenated."""
    return _minhash(_shingles_of_words(list(seq), k))


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


def lsh_key(digest: bytes, mix: int) -> int:
    """A stored key: the first 8 bytes of ``digest`` (big-endian, signed) XOR ``mix`` (:func:`key_mix`), so a
    BIGINT column holds it and keys of different kinds (bands, URLs) are told apart by their constants."""
    return int.from_bytes(digest[:8], "big", signed=True) ^ mix


def near_duplicate_key(text, k: int = 5) -> list[int]:
    """LSH band keys (signed 64-bit integers, one per band) of a text or signature; texts sharing a key are
    near-duplicate candidates.

    An empty text has no keys (it is nobody's duplicate).
    """
    sig = _as_signature(text, k)
    if sig.empty:
        return []
    data = sig.values.astype("<u4").tobytes()
    width = ROWS * 4
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return [from_bytes(blake2b(data[band * width:(band + 1) * width], digest_size=8).digest(), "big", signed=True)
            ^ _BAND_MIX[band] for band in range(BANDS)]


def is_near_duplicate(a, b, k: int = 5) -> bool:
    """Whether two texts (or signatures) are copies of one story (estimated Jaccard ≥ NEAR_DUPLICATE)."""
    return similarity(a, b, k) >= NEAR_DUPLICATE
