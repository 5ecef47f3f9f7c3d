"""One row of a GTD or ACLED CSV export → the fields of a Marsad incident (no I/O, no database).

Why its own module: the mappings are the part people check and argue about — which GTD country name is which
ISO code, which ACLED event type is which GTD attack type — so they are plain tables here, tested row by row,
apart from the file reading and storing of :mod:`marsad.analysis.history`.

GTD rows keep GTD's own vocabulary (codes are preferred to texts, so older exports whose weapon text is
"Explosives/Bombs/Dynamite" map as well). ``iday``/``imonth`` 0 mean "unknown" in GTD: the date's precision
drops to month or year. Blank ``nkill``/``nwound`` mean unknown (not 0) and stay unknown. Countries that no
longer exist and have no single successor (Soviet Union, Yugoslavia, Czechoslovakia, "International") get no
country: they are counted as unknown country, never moved to an arbitrary successor state.

ACLED event types map to GTD attack types by :data:`ACLED_ATTACK_TYPES`; Protests, Riots and Strategic
developments are not violent incidents in GTD's sense and are left out (counted, not errors). ACLED's
``time_precision`` 1 and 2 (day, within a week) give a day-precise date, 3 a month-precise one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime

from marsad.errors import InputError
from marsad.model.countries import countries, country, find_country
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES

__all__ = [
    "GTD_REQUIRED",
    "ACLED_REQUIRED",
    "GTD_COUNTRY_NAMES",
    "ACLED_ATTACK_TYPES",
    "ACLED_OUT_OF_SCOPE",
    "NotAnIncident",
    "gtd_fields",
    "acled_fields",
    "gtd_country",
]

GTD_REQUIRED = ("eventid", "country_txt")
ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "country")

#: GTD ``country_txt`` values that Marsad's country names do not find by themselves (None: no single state)
GTD_COUNTRY_NAMES: dict[str, str | None] = {
    "West Bank and Gaza Strip": "PS", "Ivory Coast": "CI", "Bosnia-Herzegovina": "BA", "Macedonia": "MK",
    "East Timor": "TL", "Zaire": "CD", "People's Republic of the Congo": "CG", "Republic of the Congo": "CG",
    "Democratic Republic of the Congo": "CD", "Rhodesia": "ZW", "South Vietnam": "VN", "North Yemen": "YE",
    "South Yemen": "YE", "West Germany (FRG)": "DE", "East Germany (GDR)": "DE", "Serbia-Montenegro": "RS",
    "New Hebrides": "VU", "St. Kitts and Nevis": "KN", "St. Lucia": "LC", "Swaziland": "SZ", "Brunei": "BN",
    "Slovak Republic": "SK", "Czech Republic": "CZ", "Kosovo": "XK", "Vatican City": "VA", "Falkland Islands": "FK",
    "Hong Kong": "HK", "Macau": "MO", "Soviet Union": None, "Yugoslavia": None, "Czechoslovakia": None,
    "International": None,
}

#: ACLED (event_type, sub_event_type) → (GTD attack type, GTD weapon type or None); "*" is any sub-event type
ACLED_ATTACK_TYPES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("Explosions/Remote violence", "Chemical weapon"): ("Unknown", "Chemical"),
    ("Explosions/Remote violence", "*"): ("Bombing/Explosion", "Explosives"),
    ("Violence against civilians", "Abduction/forced disappearance"): ("Hostage Taking (Kidnapping)", None),
    ("Violence against civilians", "Sexual violence"): ("Unarmed Assault", None),
    ("Violence against civilians", "*"): ("Armed Assault", None),
    ("Battles", "*"): ("Armed Assault", "Firearms"),
}
#: ACLED event types that are not incidents in GTD's sense
ACLED_OUT_OF_SCOPE = ("Protests", "Riots", "Strategic developments")

_WEAPON_ALIASES = {"Explosives/Bombs/Dynamite": "Explosives"}
_ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y", "%m/%d/%Y")


class NotAnIncident(Exception):
    """A row that is valid but out of scope (e.g. an ACLED protest): left out and counted, not an error."""


def _blank(value: str | None) -> bool:
    return value is None or not str(value).strip() or str(value).strip().upper() in ("NA", "NAN", "NULL")


def _number(row: Mapping[str, str], key: str) -> float | None:
    value = row.get(key)
    if _blank(value):
        return None
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        raise InputError(f"{key} {value!r} is not a number") from None


def _people(row: Mapping[str, str], key: str) -> int | None:
    value = _number(row, key)
    return None if value is None or value < 0 else int(value)


def _flag(row: Mapping[str, str], key: str) -> bool | None:
    value = (row.get(key) or "").strip()
    return {"1": True, "0": False}.get(value)


def _place(row: Mapping[str, str], lat_key: str, lon_key: str) -> dict:
    lat, lon = _number(row, lat_key), _number(row, lon_key)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return {}
    return {"latitude": lat, "longitude": lon}


def gtd_country(name: str) -> str | None:
    """The ISO code of a GTD ``country_txt`` (None when it names no single present-day state)."""
    name = (name or "").strip()
    if name in GTD_COUNTRY_NAMES:
        code = GTD_COUNTRY_NAMES[name]
        return code if code is None or _known(code) else None
    return find_country(name)


def _known(code: str) -> bool:
    try:
        country(code)
    except InputError:
        return False
    return True


def _gtd_date(row: Mapping[str, str]) -> tuple[str, str]:
    year = _number(row, "iyear") if "iyear" in row else _number(row, "year")
    if year is None:
        raise InputError("no year (iyear)")
    month, day = _number(row, "imonth") or 0, _number(row, "iday") or 0
    try:
        if month and day:
            return date(int(year), int(month), int(day)).isoformat(), "day"
        if month:
            return date(int(year), int(month), 1).isoformat(), "month"
        return date(int(year), 1, 1).isoformat(), "year"
    except ValueError:
        raise InputError(f"{int(year)}-{int(month)}-{int(day)} is not a date") from None


def _terms(row: Mapping[str, str], prefix: str, count: int, vocab, aliases=None) -> list[str]:
    found = []
    for n in range(1, count + 1):
        code, text = row.get(f"{prefix}{n}"), (row.get(f"{prefix}{n}_txt") or "").strip()
        text = (aliases or {}).get(text, text)
        if text in vocab:
            found.append(text)
        elif not _blank(code):
            try:
                found.append(vocab.by_code(int(float(code))).name)
            except (InputError, ValueError):
                continue
    return list(dict.fromkeys(found))


def gtd_fields(row: Mapping[str, str]) -> dict:
    """``make_incident`` keyword arguments (plus ``event_id``, ``name``, ``description``) of a GTD row."""
    event_id = (row.get("eventid") or "").strip()
    if not re.fullmatch(r"\d{6,15}", event_id):
        raise InputError(f"eventid {event_id!r} is not a GTD event id")
    occurred, precision = _gtd_date(row)
    perpetrator = (row.get("gname") or "").strip()
    attack = _terms(row, "attacktype", 3, ATTACK_TYPES)
    fields = {
        "event_id": event_id, "occurred": occurred, "occurred_precision": precision,
        "country": gtd_country(row.get("country_txt", "")), "admin1": (row.get("provstate") or "").strip() or None,
        "city": (row.get("city") or "").strip() or None, **_place(row, "latitude", "longitude"),
        "attack_types": attack, "target_types": _terms(row, "targtype", 3, TARGET_TYPES),
        "weapon_types": _terms(row, "weaptype", 4, WEAPON_TYPES, _WEAPON_ALIASES),
        "perpetrator": None if perpetrator in ("", "Unknown") else perpetrator,
        "killed": _people(row, "nkill"), "wounded": _people(row, "nwound"),
        "success": _flag(row, "success"), "suicide": _flag(row, "suicide"),
        "description": (row.get("summary") or "").strip() or None,
    }
    where = ", ".join(p for p in (fields["city"], (row.get("country_txt") or "").strip()) if p and p != "Unknown")
    shown = occurred[:{"day": 10, "month": 7, "year": 4}[precision]]
    fields["name"] = f"{(attack or ['Incident'])[0]}{' — ' + where if where else ''} ({shown})"
    return fields


def _acled_date(row: Mapping[str, str]) -> tuple[str, str]:
    text = (row.get("event_date") or "").strip()
    for fmt in _ACLED_DATE_FORMATS:
        try:
            when = datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise InputError(f"event_date {text!r} is not a date")
    precision = "month" if (row.get("time_precision") or "").strip() == "3" else "day"
    return (when.replace(day=1) if precision == "month" else when).isoformat(), precision


def _acled_country(row: Mapping[str, str]) -> str | None:
    code = find_country((row.get("country") or "").strip())
    if code is None and not _blank(row.get("iso")):
        try:
            code = _numeric_codes().get(str(int(float(row["iso"]))).zfill(3))
        except ValueError:
            code = None
    return code


@functools.cache
def _numeric_codes() -> dict[str, str]:
    return {c.numeric: c.code for c in countries()}


def acled_fields(row: Mapping[str, str]) -> dict:
    """``make_incident`` keyword arguments (plus ``event_id``, ``name``, ``description``) of an ACLED row;
    :class:`NotAnIncident` for protests, riots and strategic developments."""
    event_id = (row.get("event_id_cnty") or "").strip()
    if not event_id:
        raise InputError("no event_id_cnty")
    kind, sub = (row.get("event_type") or "").strip(), (row.get("sub_event_type") or "").strip()
    if kind in ACLED_OUT_OF_SCOPE:
        raise NotAnIncident(kind)
    mapped = ACLED_ATTACK_TYPES.get((kind, sub)) or ACLED_ATTACK_TYPES.get((kind, "*"))
    if mapped is None:
        raise InputError(f"event_type {kind!r} is not an ACLED event type")
    occurred, precision = _acled_date(row)
    notes = (row.get("notes") or "").strip()
    actor = (row.get("actor1") or "").strip()
    fields = {
        "event_id": event_id, "occurred": occurred, "occurred_precision": precision, "country": _acled_country(row),
        "admin1": (row.get("admin1") or "").strip() or None, "city": (row.get("location") or "").strip() or None,
        **_place(row, "latitude", "longitude"), "attack_types": [mapped[0]],
        "weapon_types": [mapped[1]] if mapped[1] else [], "perpetrator": actor or None,
        "killed": _people(row, "fatalities"), "suicide": True if sub == "Suicide bomb" else None,
        "themes": ["drones"] if "drone" in f"{sub} {notes}".lower() else [], "description": notes or None,
    }
    where = ", ".join(p for p in (fields["city"], (row.get("country") or "").strip()) if p)
    fields["name"] = f"{sub or kind}{' — ' + where if where else ''} ({occurred})"
    return fields
