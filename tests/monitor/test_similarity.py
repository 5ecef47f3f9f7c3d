"""Shingles, MinHash signatures and LSH band keys (marsad.monitor.similarity)."""

from __future__ import annotations

import hashlib
import pickle
import subprocess
import sys
import zlib

import numpy as np

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.similarity import (BANDS, NUM_PERM, ROWS, Signature, Words, is_near_duplicate, jaccard,
                                       key_mix, lsh_key, near_duplicate_key, near_duplicate_keys, shingles, signature,
                                       signature_of_words, signatures_of_words, similarity, words, _A, _B, _EMPTY)
from marsad.text import search_key, tokens

STORY = ("A car bomb exploded near the police station in the city centre on Monday morning, killing five people "
         "and wounding twelve others, the interior ministry said in a statement.")
REWRITE = ("UPDATE: A car bomb exploded near the police station in the city centre on Monday morning, killing five "
           "people and wounding twelve others, the interior ministry said in a statement.")
OTHER = "The foreign minister met his counterpart to discuss trade, investment and a new railway between the countries."


def test_same_text_is_identical_and_unrelated_text_is_not():
    assert similarity(STORY, STORY) == 1.0
    assert similarity(STORY, OTHER) < 0.1


def test_republished_copy_of_a_story_is_a_near_duplicate_and_shares_a_band_key():
    assert is_near_duplicate(STORY, REWRITE)
    assert set(near_duplicate_key(STORY)) & set(near_duplicate_key(REWRITE))
    assert not set(near_duplicate_key(STORY)) & set(near_duplicate_key(OTHER))


def test_folding_makes_case_accents_and_arabic_prefixes_equal():
    assert words("L’Attaque à GAO") == ["attaque", "gao"]
    assert shingles("L'ATTAQUE près de Gao", k=2) == shingles("attaque pres de gao", k=2)
    assert shingles("والهجوم على مركز الشرطة", k=1) == shingles("الهجوم علي مركز الشرطه", k=1)


def test_short_text_is_one_shingle_and_empty_text_has_none():
    assert len(shingles("two words", k=5)) == 1
    assert shingles("", k=5) == set() and shingles("  ,;  ") == set()
    assert similarity("", STORY) == 0.0 and similarity("", "") == 0.0
    assert near_duplicate_key("") == []
    with pytest.raises(ValueError):
        shingles(STORY, k=0)


def test_keys_are_one_per_band_signed_64_bit_and_stable_across_processes():
    keys = near_duplicate_key(STORY)
    assert len(keys) == BANDS == len(set(keys))
    assert all(type(k) is int and -(2 ** 63) <= k < 2 ** 63 for k in keys)
    code = ("import sys; from marsad.monitor.similarity import near_duplicate_key as k; "
            "print(','.join(map(str, k(sys.argv[1]))))")
    out = subprocess.run([sys.executable, "-c", code, STORY], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345"}).stdout.strip()
    assert [int(k) for k in out.split(",")] == keys


def test_a_key_is_its_bands_digest_with_the_band_folded_in():
    """The band's 8-byte BLAKE2b digest XOR its band's constant: the same rows in two bands give two keys."""
    sig = signature(STORY)
    data = sig.values.astype("<u4").tobytes()
    for band, key in enumerate(near_duplicate_key(sig)):
        digest = hashlib.blake2b(data[band * ROWS * 4:(band + 1) * ROWS * 4], digest_size=8).digest()
        assert key == lsh_key(digest, key_mix(f"band {band}")) == int.from_bytes(digest, "big", signed=True) ^ \
            key_mix(f"band {band}")
    same_rows = Signature(np.tile(sig.values[:ROWS], BANDS))
    assert len(set(near_duplicate_key(same_rows))) == BANDS
    assert len({key_mix(f"band {band}") for band in range(BANDS)} | {key_mix("url")}) == BANDS + 1


def test_signature_round_trips_through_bytes_and_accepts_a_shingle_set():
    sig = signature(STORY)
    back = Signature.from_bytes(sig.to_bytes())
    assert similarity(sig, back) == 1.0 and not back.empty
    assert similarity(signature(shingles(STORY)), sig) == 1.0
    assert Signature.from_bytes(signature("").to_bytes()).empty
    with pytest.raises(ValueError):
        Signature.from_bytes(b"\0" * 8)


word_lists = st.lists(st.sampled_from([f"w{i}" for i in range(60)]), min_size=6, max_size=60)


@settings(max_examples=60, deadline=None)
@given(word_lists, word_lists)
def test_estimate_is_symmetric_bounded_and_close_to_exact_jaccard(a, b):
    ta, tb = " ".join(a), " ".join(b)
    estimate = similarity(ta, tb, k=2)
    assert estimate == similarity(tb, ta, k=2)
    assert 0.0 <= estimate <= 1.0
    # 128 slots: standard error ≤ 0.045; 0.25 is > 5 standard errors
    assert abs(estimate - jaccard(shingles(ta, 2), shingles(tb, 2))) <= 0.25
    assert len(signature(ta).values) == NUM_PERM


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.text(max_size=200), st.sampled_from([1, 2, 5]))
def test_signature_of_words_equals_the_texts_signature_title_and_body_apart(title, body, k):
    whole = signature(f"{title}\n{body}", k)
    parts = signature_of_words(words(title) + words(body), k)
    assert whole.empty == parts.empty and (whole.values == parts.values).all()


def _reference_words(text: str) -> list[str]:
    """words() as first written: a search key per token, one-letter non-digits left out."""
    return [search_key(w) for w in tokens(text or "") if len(w) > 1 or w.isdigit()]


def _reference_signature(seq: list[str], k: int) -> tuple[bytes, bool]:
    """The signature as first written: unique shingle hashes (np.unique), then the row minima of a·x + b."""
    if not seq:
        return _EMPTY.tobytes(), True
    x = np.frombuffer(_reference_shingles(seq, k), dtype=np.uint32)
    return (_A * x + _B).min(axis=1).tobytes(), False


#: Arabic with prefixes and diacritics, French elisions and accents, digits, one-letter words, punctuation
mixed_text = st.text(st.sampled_from(list("ab lé'’ 7٣ والهجومبالقاعدةً ّ,.-_\nÉ")), max_size=120)


@settings(max_examples=150, deadline=None)
@given(mixed_text, st.sampled_from([1, 2, 3, 5]))
def test_words_signatures_and_shingles_equal_the_first_written_ones(text, k):
    """The word-key and hash caches, the repeats kept and the in-place arithmetic change no value."""
    seq = words(text)
    assert seq == words(text) == _reference_words(text)
    sig = signature_of_words(seq, k)
    assert (sig.values.tobytes(), sig.empty) == _reference_signature(seq, k)
    assert signature(text, k).values.tobytes() == sig.values.tobytes()
    assert shingles(text, k) == set(np.frombuffer(_reference_shingles(seq, k), dtype=np.uint32).tolist())


def _reference_shingles(seq: list[str], k: int) -> bytes:
    if not seq:
        return b""
    hashes = np.array([zlib.crc32(w.encode()) for w in seq], dtype=np.uint64)
    k = min(k, len(seq))
    count = len(seq) - k + 1
    combined = np.zeros(count, dtype=np.uint64)
    for j in range(k):
        combined = combined * np.uint64(0x100000001B3) + hashes[j:j + count]
    return np.unique(((combined ^ (combined >> np.uint64(29))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)).tobytes()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2 ** 32 - 1), min_size=NUM_PERM, max_size=NUM_PERM))
def test_band_keys_are_kept_per_signature_and_equal_the_per_band_formula(values):
    sig = Signature(np.array(values, dtype=np.uint32))
    data = sig.values.astype("<u4").tobytes()
    expected = [int.from_bytes(hashlib.blake2b(data[b * ROWS * 4:(b + 1) * ROWS * 4], digest_size=8).digest(), "big",
                               signed=True) ^ key_mix(f"band {b}") for b in range(BANDS)]
    first = near_duplicate_key(sig)
    assert first == expected
    first.append(0)  # the caller's list is its own: the kept keys do not change
    assert near_duplicate_key(sig) == expected
    back = pickle.loads(pickle.dumps(sig))  # an extraction process sends signatures back pickled
    assert near_duplicate_key(back) == expected == near_duplicate_key(Signature.from_bytes(sig.to_bytes()))
    assert repr(sig) == repr(back)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(mixed_text, st.sampled_from([1, 2, 3, 5])), max_size=14))
def test_signatures_worked_out_together_equal_those_worked_out_one_by_one(texts):
    """Texts shorter than k, empty ones, repeats and mixed k in one batch: the same bytes, and each signature its
    own array (a kept signature must not hold a batch's)."""
    pairs = [(words(text), k) for text, k in texts]
    together = signatures_of_words(pairs)
    alone = [signature_of_words(seq, k) for seq, k in pairs]
    assert [(s.values.tobytes(), s.empty) for s in together] == [(s.values.tobytes(), s.empty) for s in alone]
    assert all(s.values.base is None or s.empty for s in together)
    keys = near_duplicate_keys(together)
    assert keys == [near_duplicate_key(s) for s in alone]
    assert near_duplicate_keys(together) == keys  # kept by each signature


def test_words_carry_their_signatures_and_k_must_be_positive():
    seq = Words(words(STORY))
    sig = signature_of_words(seq, 2)
    assert seq == words(STORY)
    seq.signatures[2] = marked = Signature(sig.values.copy())
    assert signature_of_words(seq, 2) is marked
    assert signature_of_words(seq, 3).values.tobytes() == signature(STORY, 3).values.tobytes()
    with pytest.raises(ValueError):
        signatures_of_words([(seq, 0)])
