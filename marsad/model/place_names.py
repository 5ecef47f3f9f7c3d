"""Place names in the reader's language: a recorded (English) city or admin1 name → the gazetteer's name.

Why a module of its own: incidents record places as the gazetteer's English names (extraction, submissions,
GTD/ACLED imports), but briefs, pages, lists and map popups are read in Arabic first. Both the analysis layer
(briefs) and the web layer need the same mapping, so it lives at the bottom (model) and is cached: a page
lists many incidents in the same few places.

Only Arabic is translated: the bundled gazetteer's other names are the English ones, which French pages use
as they are (GeoNames' French names are not shipped). A name the gazetteer does not know is returned as
recorded.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.model.gazetteer import load_gazetteer

__all__ = ["arabic_place", "place_name"]


@lru_cache(maxsize=4096)
def arabic_place(name: str, country: str | None, kind: str, admin1: str | None = None) -> str:
    """The Arabic name the bundled gazetteer gives a recorded (English) place ``name`` of ``kind``
    (``city`` or ``admin1``) in ``country``, else ``name`` as recorded; a city in the recorded ``admin1`` is
    preferred among places of the same name."""
    found = [p for p in load_gazetteer().lookup(name, country=country, kind=kind) if p.name_ar]
    found.sort(key=lambda p: p.admin1 != admin1)
    return found[0].name_ar.replace("\u200c", " ") if found else name


def place_name(name: str | None, lang: str, country: str | None = None, kind: str = "city",
               admin1: str | None = None) -> str:
    """``name`` as a reader of ``lang`` expects it: the gazetteer's Arabic name on Arabic pages, else as
    recorded (empty for no name)."""
    if not name:
        return ""
    text = str(name)
    if lang != "ar":
        return text
    code = str(country).upper() if country else None
    return arabic_place(text, code, kind, admin1 if kind == "city" else None)
