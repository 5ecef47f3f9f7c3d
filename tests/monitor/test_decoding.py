"""Decoding never raises and prefers what is right: BOM, declared charset, UTF-8, detection, Latin-1."""

from __future__ import annotations

from hypothesis import given, strategies as st

from marsad.monitor.decoding import decode_bytes


def test_utf8_and_boms():
    assert decode_bytes("مرصد".encode()) == ("مرصد", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbfabc")[0] == "abc"
    assert decode_bytes("é".encode("utf-16"))[0] == "é"


def test_declared_charset_wins_and_unknown_ones_are_ignored():
    assert decode_bytes("é".encode("latin-1"), "iso-8859-1")[0] == "é"
    assert decode_bytes("abc".encode(), "x-no-such-charset") == ("abc", "utf-8")


def test_arabic_windows_1256_is_detected():
    text = "أعلنت وزارة الداخلية عن إحباط هجوم على نقطة تفتيش في المدينة"
    decoded, encoding = decode_bytes(text.encode("cp1256"), "utf-8")
    assert decoded == text and encoding != "utf-8"


@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "ascii", "bogus", "utf-16"]))
def test_never_raises(data, declared):
    text, encoding = decode_bytes(data, declared)
    assert isinstance(text, str) and encoding
