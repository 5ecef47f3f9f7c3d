"""Reports for the merging tests: written for these tests (no corpus text), with hand-made extraction records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor.incident_files import FiledReport

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
CLEAR = (TLP_MARKING_IDS[Tlp.CLEAR],)
TEXT = ("A car bomb exploded near a police checkpoint in Kirkuk on Thursday, killing {k} people and wounding {w}, "
        "according to the provincial health directorate. Security forces closed the roads around the market.")


def record(**fields) -> dict:
    out = {"id": None, "is_incident": True, "incident_probability": 0.9, "lang": "en", "date": "2026-11-20",
           "country": "IQ", "admin1": "Kirkuk", "city": "Kirkuk", "latitude": 35.468, "longitude": 44.392,
           "perpetrator": "Unknown", "attack_types": ["Bombing/Explosion"], "target_types": ["Police"],
           "weapon_types": ["Explosives"], "killed": 5, "wounded": 12, "themes": []}
    out.update(fields)
    return out


def report(n: int, *, hours: float = 0, text: str | None = None, title: str | None = None, tlp: str = "clear",
           marking=CLEAR, release_to=(), created_by_ref=None, **fields) -> FiledReport:
    rec = record(**fields)
    when = T0 + timedelta(hours=hours)
    body = text if text is not None else TEXT.format(k=rec.get("killed"), w=rec.get("wounded"))
    return FiledReport(
        report_id=f"report--00000000-0000-4000-8000-{n:012d}", item_key=f"item-{n}", source="test-feed",
        url=f"https://news.example/{n}", title=title or f"Car bomb in Kirkuk (report {n})", text=body,
        language="en", published=when, received=when + timedelta(minutes=1), record=rec, tlp=tlp,
        release_to=tuple(release_to), created_by_ref=created_by_ref, marking_refs=tuple(marking))
