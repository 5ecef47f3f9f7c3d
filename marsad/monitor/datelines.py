"""Datelines: "KABUL, Afghanistan (AP) —", "BAMAKO (AFP) -", "بغداد -" at the head of a news report.

Why: a dateline names where the report was *filed* (usually a capital), not where the incident happened
("KABUL, Afghanistan — ... an operation in Andar district, Ghazni province"). The place reader masks it
and prefers the places of the report's own sentences, falling back to the dateline only when they name
nothing more precise. A dateline is a place name (ALL CAPS anywhere in the head of the report, or any
capitalised name starting a line and followed by a dash; an Arabic name starting a line and followed by a
dash or colon), optionally ", Country", optionally an agency or date in parentheses; the name must be in
the gazetteer, so "ISAF (International ...)" or "AFP -" is no dateline.
"""

from __future__ import annotations

import functools
import re

from marsad.model.gazetteer import load_gazetteer

__all__ = ["find_dateline", "mask_dateline", "DATELINE_WINDOW"]

#: how far into a report (characters) a dateline is looked for: after a title and agency header at most
DATELINE_WINDOW = 400

_CAPS = r"[A-Z][A-Z'’.\-]+"
_NAME = r"[A-Z][\w'’.\-]*"
_REST = rf"(?:,[ \t]+{_NAME}(?:[ \t]+{_NAME}){{0,2}}){{0,2}}"
_PAREN = r"\([^()\n]{1,40}\)[ \t]*"
_DASH = r"[-–—][ \t]*"
# "at the start or after a space or |", tested after the first capital (so that the engine jumps from capital
# to capital: a third of the cost of testing it at every position)
_CAPS_LINE = re.compile(
    rf"(?P<place>[A-Z](?<![^\s|][A-Z])[A-Z'’.\-]+(?:[ \t]+{_CAPS}){{0,2}}){_REST}[ \t]*(?:{_PAREN}(?:[-–—:][ \t]*)?|[-–—:][ \t]*)")
_NAME_LINE = re.compile(rf"(?m)^[ \t]*(?P<place>{_NAME}(?:[ \t]+{_NAME}){{0,2}}){_REST}[ \t]*(?:{_PAREN})?{_DASH}")
_ARABIC_LINE = re.compile(
    r"(?m)^[ \t]*(?P<place>[\u0621-\u064a\u0671-\u06d3]+(?:[ \t][\u0621-\u064a\u0671-\u06d3]+)?)[ \t]*"
    rf"(?:{_PAREN})?[-–—:][ \t]*")

_CAPITAL = re.compile("[A-Z]")


def find_dateline(text: str) -> tuple[int, int] | None:
    """[start, end) of the dateline at the head of ``text`` (place, country, agency or date, dash), or None."""
    head = text[:DATELINE_WINDOW]
    if head.isascii():
        patterns = [_CAPS_LINE, _NAME_LINE]
    elif _CAPITAL.search(head):
        patterns = [_CAPS_LINE, _NAME_LINE, _ARABIC_LINE]
    else:  # both Latin patterns start with a capital A–Z (an Arabic head seldom holds one)
        patterns = [_ARABIC_LINE]
    for pattern in patterns:
        for match in pattern.finditer(head):
            if _is_place(match["place"]):
                return match.start("place"), match.end()
    return None


@functools.lru_cache(maxsize=4096)
def _is_place(name: str) -> bool:
    """Whether the gazetteer knows ``name``: the same few capitals head report after report, so the answers
    are kept (folding and looking a name up costs more than the rest of the dateline search)."""
    return bool(load_gazetteer().lookup(name))


def mask_dateline(text: str) -> tuple[str, tuple[int, int] | None]:
    """``text`` with its dateline blanked out (spaces, so offsets stay put), and the dateline's span."""
    span = find_dateline(text)
    if span is None:
        return text, None
    start, end = span
    return text[:start] + " " * (end - start) + text[end:], span
