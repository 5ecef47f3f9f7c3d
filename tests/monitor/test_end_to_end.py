"""End to end: a local feed publishes one event in English, Arabic and French; the monitor files ONE incident
with all three reports attached and sends exactly one alert per subscriber, in the subscriber's language.

The reports arrive one after the other (the feed grows between polls), as news does: the first opens the
incident and alerts, the next two merge into it without re-alerting (same toll). One subscriber reads in-app
in Arabic, the other by e-mail in French through a local SMTP server (aiosmtpd) configured in the settings.
Arrival → alert time is printed (measured, not asserted; the bound is benchmarks/pipeline.py's).
"""

from __future__ import annotations

import email
import email.policy
import socket
from email.utils import format_datetime
from datetime import datetime, timezone
from xml.sax.saxutils import escape

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from marsad.config import Settings
from marsad.monitor.collect import poll
from marsad.monitor.delivery import AlertBroker, dispatcher_from_settings
from marsad.monitor.extract import extract_report
from marsad.monitor.incident_views import get_incident, list_incidents
from marsad.monitor.pipeline import Pipeline
from marsad.monitor.sources import add_source
from marsad.monitor.subscriptions import create_subscription
from marsad.store import Store
from marsad.store.alerts import alert_log
from marsad.store.pipeline_items import pipeline_items
from tests.monitor.alert_world import alert_world
from tests.monitor.local_http import LocalServer, Route

pytestmark = pytest.mark.slow

PUBLISHED = datetime(2026, 11, 16, 14, 0, tzinfo=timezone.utc)
#: one event (a car bomb in Kirkuk, 6 killed, 19 wounded), written for this test in three languages
ITEMS = [
    ("en", "Car bomb kills six in Kirkuk market",
     "KIRKUK, Iraq (Nov. 16, 2026) - A car bomb exploded in a crowded market in central Kirkuk on Monday, killing "
     "six civilians and wounding nineteen others, police said. The Islamic State group claimed responsibility for "
     "the bombing."),
    ("ar", "مقتل ستة مدنيين بتفجير سيارة مفخخة في سوق بكركوك",
     "كركوك (العراق) 16 تشرين الثاني/نوفمبر 2026 - انفجرت سيارة مفخخة في سوق مزدحم وسط مدينة كركوك يوم الاثنين، ما "
     "أسفر عن مقتل ستة مدنيين وإصابة تسعة عشر آخرين، بحسب الشرطة. وتبنى تنظيم داعش التفجير."),
    ("fr", "Une voiture piégée fait six morts sur un marché de Kirkouk",
     "KIRKOUK (Irak), 16 novembre 2026 - Une voiture piégée a explosé lundi dans un marché bondé du centre de "
     "Kirkouk, tuant six civils et en blessant dix-neuf autres, selon la police. Le groupe État islamique a "
     "revendiqué l'attentat."),
]


def _rss(count: int) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://news.example.org/{lang}/kirkuk</link>"
        f"<guid>kirkuk-{lang}</guid><pubDate>{format_datetime(PUBLISHED)}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for lang, title, text in ITEMS[:count])
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>https://news.example.org/</link><description>news</description>{entries}</channel></rss>"
            ).encode("utf-8")


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


def _latencies(engine) -> list[float]:
    """Seconds from each alerted incident's first item's arrival to each alert's recording."""
    with engine.connect() as conn:
        first = min(conn.execute(select(pipeline_items.c.arrived_at)).scalars())
        created = conn.execute(select(alert_log.c.created)).scalars().all()
    return [(c.replace(tzinfo=timezone.utc) - first.replace(tzinfo=timezone.utc)).total_seconds() for c in created]


def test_three_languages_one_incident_one_alert_per_subscriber(database_url, tmp_path, mailbox):
    box, smtp_port = mailbox
    engine, _, _ = alert_world(database_url)
    create_subscription(engine, "sa", "Iraq", {"countries": ["IQ"]}, language="ar")
    create_subscription(engine, "jo", "Bombings", {"attack_types": ["Bombing/Explosion"]}, language="fr",
                        inapp=False, email="veille@jo.example.org")
    settings = Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=smtp_port,
                        mail_from="alertes@marsad.example.org", public_url="https://marsad.example.org")
    broker = AlertBroker()
    pipeline = Pipeline(engine, settings, dispatcher=dispatcher_from_settings(settings, broker=broker))
    extract_report({"id": "warm-up", "text": "Ministers met in Rabat."})  # load the models before timing
    results = []
    with LocalServer() as server:
        source = add_source(engine, "wire", "feed", server.url("/rss"), interval_seconds=60, allow_private=True)
        for count in (1, 2, 3):  # the story develops: one more language on each poll
            server.routes["/rss"] = Route(200, _rss(count), {"Content-Type": "application/rss+xml"})
            polled = poll(engine, source)
            assert polled.error is None and len(polled.items) == 1
            results.append(pipeline.run_once())
    print("\nrun results:", results)
    assert [r.processed for r in results] == [1, 1, 1] and results[0].opened == 1

    store = Store(engine)
    incidents = list_incidents(store, None).incidents
    assert len(incidents) == 1, f"cross-language merge failed: {[v.summary() for v in incidents]}"
    incident = get_incident(store, None, incidents[0].id)
    langs = sorted(report.get("lang") for report in incident.reports)
    assert len(incident.reports) == 3 and langs == ["ar", "en", "fr"]
    fields = incident.summary()
    assert (fields["country"], fields["killed"], fields["wounded"]) == ("IQ", 6, 19)

    with engine.connect() as conn:
        alerts = conn.execute(select(alert_log)).all()
    assert sorted(a.channel for a in alerts) == ["email", "inapp"]  # one per subscriber: no re-alert on merges
    inapp = next(a for a in alerts if a.channel == "inapp")
    assert inapp.message["language"] == "ar" and "العراق" in inapp.message["text"]
    assert len(box.messages) == 1 and box.messages[0]["To"] == "veille@jo.example.org"
    assert box.messages[0]["From"] == "alertes@marsad.example.org"
    assert "Attentat à l'explosif" in box.messages[0]["Subject"]
    assert all(a.incident_id == incidents[0].id for a in alerts)
    latencies = _latencies(engine)
    print(f"{engine.dialect.name} arrival -> alert: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)} (first item's arrival to each "
          "alert's recording; not asserted)")
    engine.dispose()
