"""Dates, numbers, countries and vocabulary labels as a reader of the page's language expects them.

Why here and not in templates: every page shows the same kinds of values and they must look the same
everywhere. Arabic pages use Arabic-Indic digits throughout (numbers, dates, Hijri dates), and a Gregorian
date is followed by its Hijri date — ``١٥ مارس ٢٠٢٤ (٥ رمضان ١٤٤٥ هـ)``; English and French pages show the
Gregorian date with Latin digits. Country names come from :mod:`marsad.model.countries`, vocabulary labels
from :mod:`marsad.model.vocab`; an unknown value is shown as it is (escaped by the template).

Every function is also a Jinja filter of the same name without ``format_`` (see ``rendering.py``):
``{{ value|date }}``, ``{{ value|datetime }}``, ``{{ n|number }}``, ``{{ code|country }}``,
``{{ name|vocab("attack_types") }}``, ``{{ city|place(country, "city", admin1) }}``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import format_decimal
from hijridate import Gregorian

from marsad.analysis.briefs import group_name
from marsad.model.countries import country_name, is_country_code
from marsad.model.place_names import place_name
from marsad.model.vocab import VOCABULARIES

__all__ = ["arabic_digits", "parse_when", "format_date", "format_datetime", "format_hijri", "format_month",
           "format_number", "format_country", "format_vocab", "format_group", "format_place",
           "localise_marker_places"]

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_digits(text: str) -> str:
    """``text`` with Western digits written as Arabic-Indic digits."""
    return text.translate(_ARABIC_DIGITS)


def _digits(text: str, lang: str) -> str:
    return arabic_digits(text) if lang == "ar" else text


def parse_when(value: Any) -> datetime | date | None:
    """A date or aware datetime from a STIX timestamp, an ISO date, a date or a datetime (None if unreadable)."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_hijri(day: date, lang: str = "ar") -> str:
    """The Hijri (Umm al-Qura) date of ``day``: ``٥ رمضان ١٤٤٥ هـ`` (empty outside the calendar's range)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (ValueError, OverflowError):
        return ""
    if lang == "ar":
        return arabic_digits(f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ")
    return f"{hijri.day} {hijri.month_name('en')} {hijri.year} AH"


def format_date(value: Any, lang: str = "ar", *, hijri: bool | None = None) -> str:
    """A long date in ``lang``; in Arabic followed by the Hijri date in brackets (``hijri`` forces it on/off)."""
    when = parse_when(value)
    if when is None:
        return "" if value is None else str(value)
    day = when.date() if isinstance(when, datetime) else when
    text = _digits(_babel_date(day, "long", locale=lang), lang)
    if hijri if hijri is not None else lang == "ar":
        extra = format_hijri(day, lang)
        text = f"{text} ({extra})" if extra else text
    return text


def format_month(value: Any, lang: str = "ar") -> str:
    """A month and year (``مارس ٢٠٢٤``, ``Mar 2024``, ``mars 2024``), e.g. for chart axes."""
    when = parse_when(value)
    if when is None:
        return "" if value is None else str(value)
    return _digits(_babel_date(when, "LLLL y" if lang == "ar" else "LLL y", locale=lang), lang)


def format_group(name: Any, lang: str = "ar") -> str:
    """A perpetrator group's name in ``lang`` from the organisations registry (as recorded when unknown there);
    empty for no named group (callers show their own "Unknown")."""
    return group_name(str(name), lang) or "" if name else ""


def format_datetime(value: Any, lang: str = "ar") -> str:
    """A date and time (UTC, hours and minutes) in ``lang``; the Hijri date beside it in Arabic."""
    when = parse_when(value)
    if not isinstance(when, datetime):
        return format_date(value, lang)
    when = when.astimezone(timezone.utc)
    clock = _digits(_babel_time(when.time(), "HH:mm", locale=lang), lang)
    return f"{format_date(when, lang)} {clock} UTC"


def format_number(value: Any, lang: str = "ar") -> str:
    """An integer or decimal with the grouping and digits of ``lang`` (empty for None)."""
    if value is None or value == "":
        return ""
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return str(value)
    if lang == "ar":
        return arabic_digits(format_decimal(number, locale="ar", numbering_system="arab"))
    return format_decimal(number, locale=lang)


def format_country(code: Any, lang: str = "ar") -> str:
    """The name of the country ``code`` in ``lang`` (the code itself if it is not a country)."""
    if not code:
        return ""
    text = str(code)
    return country_name(text.upper(), lang) if is_country_code(text.upper()) else text


def format_vocab(value: Any, vocabulary: str, lang: str = "ar") -> str:
    """The label of ``value`` in the vocabulary ``vocabulary`` (``attack_types``, ``target_types``,
    ``weapon_types``, ``themes``) in ``lang``; other values as they are."""
    vocab = VOCABULARIES.get(vocabulary)
    if not value:
        return ""
    if vocab is not None and value in vocab:
        return vocab.get(value).label(lang)
    return str(value)


def format_place(name: Any, country: Any = None, kind: str = "city", admin1: Any = None, *, lang: str = "ar") -> str:
    """A recorded (English) city or admin1 name (``kind``) in ``country`` as the gazetteer names it in ``lang``
    (Arabic on Arabic pages; as recorded otherwise or when unknown); empty for no name."""
    return place_name(str(name) if name else None, lang, str(country) if country else None, kind,
                      str(admin1) if admin1 else None)


def localise_marker_places(collection: dict[str, Any], lang: str) -> dict[str, Any]:
    """The map's GeoJSON markers with each ``city``/``admin1`` property in ``lang`` (in place; returned), so
    popups on Arabic pages show Arabic place names. Clusters carry no place and are left alone."""
    for feature in collection.get("features") or ():
        props = feature.get("properties") or {}
        code, admin1 = props.get("country"), props.get("admin1")
        if props.get("city"):
            props["city"] = format_place(props["city"], code, "city", admin1, lang=lang)
        if admin1:
            props["admin1"] = format_place(admin1, code, "admin1", lang=lang)
    return collection
