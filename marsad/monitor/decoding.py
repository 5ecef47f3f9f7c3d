"""Bytes → text for whatever a source sends: declared charset, then UTF-8, then detection, then Latin-1.

Why one function: feeds, pages, e-mails and dropped files all arrive as bytes with a charset that may be
missing, wrong (a Windows-1256 Arabic page labelled UTF-8) or unknown to Python. Decoding must never raise:
a report with a few wrong characters is still worth reading, a crashed poll is not. Latin-1 decodes every
byte string, so it is the last resort.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

__all__ = ["decode_bytes"]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding used)``: BOM, declared charset, UTF-8, detected charset, else Latin-1. Never raises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try(data, encoding)
            if text is not None:
                return text, encoding
    for encoding in (declared, "utf-8"):
        text = _try(data, encoding)
        if text is not None:
            return text, encoding.lower()
    best = from_bytes(data[:200_000]).best()
    if best is not None:
        text = _try(data, best.encoding)
        if text is not None:
            return text, best.encoding
    return data.decode("latin-1"), "latin-1"
