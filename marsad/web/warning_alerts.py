"""Early warnings become alerts through the users' alert subscriptions, each computed over what that user may see.

Why in this layer: warnings are :mod:`marsad.analysis`, subscriptions, the alert log's delivery and its messages
are :mod:`marsad.monitor`, and the two siblings may not import each other — so the piece that needs both lives
above them, here, and is called by ``marsad warnings --alert`` (and any scheduler of the hub) and read by the
analysis API.

Rules:

- **Whose view**: warnings are computed separately for each subscriber with :func:`marsad.analysis.trends.
  visibility` of their own :class:`~marsad.access.context.Viewer`, so a warning never reveals a rise made of
  incidents the subscriber may not see (an unknown or inactive user gets nothing).
- **Which subscriptions**: a warning on series ``dimension = key`` reaches a subscription that names that series
  — the country among its countries or regions, the group among its groups (folded), the attack type among its
  attack types, the theme among its themes — or that names no country, region, group, attack type or theme at all
  (it watches everything). Incident-level filters (minimum toll, keywords) do not apply to a series.
- **Once**: one alert per subscription, series, period and channel: the alert log's unique key holds the warning
  key ``warning:<period>:<dimension>:<key>:<first day>`` in place of an incident id, with toll 0, so a rerun or a
  second worker records nothing twice.
- **Messages**: fixed ar/en/fr templates — the series, the count, the expected count, the period — with a link
  to the trend of that series.
- **In-app**: rows whose ``incident_id`` starts with ``warning:`` are read by :func:`recent_warning_alerts`
  (``GET /api/warnings/alerts``); :func:`marsad.monitor.alerts.recent_alerts` (and so the live stream) lists
  them with the incident alerts.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marsad.access.audit import record_read
from marsad.access.context import Viewer, load_viewer
from marsad.access.db import Db, connected, in_transaction
from marsad.analysis import brief_text as bt
from marsad.analysis.briefs import group_name
from marsad.analysis.trends import visibility
from marsad.analysis.warnings import DEFAULT_DIMENSIONS, Alert, early_warnings
from marsad.errors import NotFound
from marsad.model.countries import country_name, is_country_code
from marsad.model.vocab import VOCABULARIES
from marsad.monitor.alert_messages import AlertMessage
from marsad.monitor.alerts import PendingAlert
from marsad.monitor.subscriptions import Subscription, active_subscriptions
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import alert_log, alert_subscriptions
from marsad.text import fold

__all__ = ["WARNING_PREFIX", "TEMPLATES", "warning_key", "watches", "render_warning", "alert_warnings",
           "recent_warning_alerts", "WarningRun"]

WARNING_PREFIX = "warning:"
#: subscription filter holding each dimension's watched values
_FILTER_OF = {"country": "countries", "group": "groups", "attack_type": "attack_types", "theme": "themes"}
_VOCAB_OF = {"attack_type": "attack_types", "theme": "themes", "target_type": "target_types",
             "weapon_type": "weapon_types"}

TEMPLATES = {
    "en": {"subject": "Early warning: {series} — {count} in {period} (about {expected} expected)",
           "body": "{series}: {count} in {period}, where the series' own baseline expected about {expected} "
                   "(p = {p}).", "link": "Trend", "subscription": "Subscription"},
    "fr": {"subject": "Alerte précoce : {series} — {count} en {period} (environ {expected} attendus)",
           "body": "{series} : {count} en {period}, alors que la référence de la série en attendait environ "
                   "{expected} (p = {p}).", "link": "Tendance", "subscription": "Abonnement"},
    "ar": {"subject": "إنذار مبكر: {series} — {count} في {period} (المتوقع نحو {expected})",
           "body": "{series}: {count} في {period}، بينما كان المتوقع وفق خط الأساس للسلسلة نحو {expected} "
                   "(الاحتمال {p}).", "link": "الاتجاه", "subscription": "الاشتراك"},
}


@dataclass(frozen=True)
class WarningRun:
    """What :func:`alert_warnings` did: subscribers checked, warnings found for them, alerts recorded."""

    subscribers: int
    warnings: int
    pending: list[PendingAlert]


def warning_key(alert: Alert, period: str) -> str:
    """The alert log's stand-in for an incident id: one per series and period (at most 300 characters)."""
    return f"{WARNING_PREFIX}{period}:{alert.dimension}:{alert.key}"[:289] + f":{alert.period.isoformat()}"


def watches(sub: Subscription, alert: Alert) -> bool:
    """True when the subscription should hear of a warning on ``alert``'s series (see the module docstring)."""
    filters = sub.filters or {}
    named = {key: list(filters.get(key) or ()) for key in _FILTER_OF.values()}
    regions = [code for codes in (filters.get("regions") or {}).values() for code in codes]
    if not any(named.values()) and not regions:
        return True
    if alert.dimension == "country":
        return alert.key in named["countries"] or alert.key in regions
    if alert.dimension == "group":
        return fold(alert.key) in {fold(g) for g in named["groups"]}
    wanted = _FILTER_OF.get(alert.dimension)
    return wanted is not None and alert.key in named[wanted]


def _series(alert: Alert, lang: str) -> str:
    if alert.dimension == "country":
        return country_name(alert.key, lang) if is_country_code(alert.key) else alert.key
    if alert.dimension == "group":
        return group_name(alert.key, lang) or alert.key
    vocab = VOCABULARIES.get(_VOCAB_OF.get(alert.dimension, ""))
    return vocab.get(alert.key).label(lang) if vocab is not None and alert.key in vocab else alert.key


def _period(start: date, period: str, lang: str) -> str:
    return bt.say_date(start, {"day": "day", "week": "day", "month": "month", "year": "year"}[period], lang)


def render_warning(alert: Alert, period: str, lang: str, base_url: str, *, subscription: str | None = None
                   ) -> AlertMessage:
    """The alert message of a warning in ``lang`` (ar, en, fr), with a link to the series' trend."""
    lang = lang if lang in TEMPLATES else "en"
    words = TEMPLATES[lang]
    values = {"series": _series(alert, lang), "count": bt.counted(alert.count, "incidents", lang),
              "period": _period(alert.period, period, lang), "expected": bt.digits(alert.expected, lang),
              "p": bt.digits(float(f"{alert.p_value:.2g}"), lang)}
    query = urlencode({"by": alert.dimension, "period": period, "at": alert.period.isoformat(),
                       alert.dimension: alert.key})
    url = f"{base_url.rstrip('/')}/api/trends?{query}"
    subject, body = words["subject"].format(**values), words["body"].format(**values)
    lines = [body, *([f"{words['subscription']}: {subscription}"] if subscription else [])]
    text = "\n".join([subject, "", *lines, "", f"{words['link']}: {url}"])
    direction = "rtl" if lang == "ar" else "ltr"
    page = (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>'
            f"{html.escape(subject)}</title></head><body dir=\"{direction}\"><h1>{html.escape(subject)}</h1>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in lines)
            + f'<p><a href="{html.escape(url, quote=True)}">{html.escape(words["link"])}</a></p></body></html>')
    data = {"kind": "warning", "incident_id": warning_key(alert, period), "reason": "new",
            "dimension": alert.dimension, "key": alert.key, "period": period, "period_start": alert.period.isoformat(),
            "count": alert.count, "expected": alert.expected, "p_value": float(f"{alert.p_value:.3g}")}
    return AlertMessage(subject=subject, text=text, html=page, url=url, language=lang, data=data)


def _channels(sub: Subscription) -> list[str]:
    return [c for c, on in (("inapp", sub.inapp), ("webhook", bool(sub.webhook_url)), ("email", bool(sub.email))) if on]


def _claim(conn, rows: list[dict]) -> dict[tuple[int, str], int]:
    """Insert the rows, skipping those already recorded (unique key); (subscription id, channel, warning key) →
    log id of the rows this call inserted."""
    if not rows:
        return {}
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = (dialect_insert(alert_log).on_conflict_do_nothing()
                 .returning(alert_log.c.id, alert_log.c.subscription_id, alert_log.c.channel, alert_log.c.incident_id))
    return {(r.subscription_id, r.channel, r.incident_id): r.id for r in conn.execute(statement, rows)}


def _row(sub: Subscription, key: str, channel: str, message: AlertMessage, now) -> dict:
    inapp = channel == "inapp"
    return dict(subscription_id=sub.id, incident_id=key, reason="new", killed=None, wounded=None, toll=0,
                channel=channel, status="delivered" if inapp else "pending", attempts=int(inapp), error=None,
                message=message.as_json(), created=now, delivered_at=now if inapp else None)


def _viewer(conn, username: str) -> Viewer | None:
    try:
        return load_viewer(conn, username)
    except NotFound:
        return None


def _record_for_user(db: Db, username: str, subs: list[Subscription], *, base_url: str, period: str,
                     at: date | None, lookback: int, alpha: float, dimensions: Sequence[str]
                     ) -> tuple[int, list[PendingAlert]] | None:
    chosen: list[tuple[Subscription, str, str, AlertMessage]] = []
    with in_transaction(db, f"the warning alerts of {username}") as conn:
        viewer = _viewer(conn, username)
        if viewer is None:
            return None
        found = early_warnings(conn, where=visibility(viewer), dimensions=dimensions, period=period, at=at,
                               lookback=lookback, alpha=alpha)
        for sub in subs:
            for alert in (a for a in found if watches(sub, a)):
                message = render_warning(alert, period, sub.language, base_url, subscription=sub.name)
                key = warning_key(alert, period)
                chosen += [(sub, key, channel, message) for channel in _channels(sub)]
        ids = _claim(conn, [_row(sub, key, channel, message, utcnow()) for sub, key, channel, message in chosen])
        if ids:
            record_read(conn, viewer, [], via="warning-alert",
                        warnings=sorted({key for _, _, key in ids})[:50])
    return len(found), [PendingAlert(ids[(sub.id, channel, key)], channel, sub, message)
                        for sub, key, channel, message in chosen if (sub.id, channel, key) in ids]


def alert_warnings(db: Db, *, base_url: str, period: str = "month", at: date | None = None, lookback: int = 1,
                   alpha: float = 0.005, dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
                   subscriptions: Iterable[Subscription] | None = None, dispatcher: Any = None) -> WarningRun:
    """Compute each subscriber's warnings over their own view, record one alert per watching subscription,
    series, period and channel (one transaction per subscriber), then hand them to ``dispatcher.deliver``."""
    by_user: dict[str, list[Subscription]] = defaultdict(list)
    for sub in subscriptions if subscriptions is not None else active_subscriptions(db):
        if sub.active:
            by_user[sub.username].append(sub)
    checked, warned, pending = 0, 0, []
    for username, subs in sorted(by_user.items()):
        done = _record_for_user(db, username, subs, base_url=base_url, period=period, at=at, lookback=lookback,
                                alpha=alpha, dimensions=dimensions)
        if done is None:
            continue
        checked, warned = checked + 1, warned + done[0]
        pending += done[1]
    if dispatcher is not None and pending:
        dispatcher.deliver(db, pending)
    return WarningRun(checked, warned, pending)


def recent_warning_alerts(db: Db, viewer: Viewer, *, limit: int = 50) -> list[dict]:
    """The viewer's in-app warning alerts, newest first (each was computed over the viewer's own view)."""
    query = (select(alert_log.c.id, alert_log.c.message, alert_log.c.created, alert_subscriptions.c.name)
             .join(alert_subscriptions, alert_subscriptions.c.id == alert_log.c.subscription_id)
             .join(users, users.c.id == alert_subscriptions.c.user_id)
             .where(users.c.username == viewer.username, alert_log.c.channel == "inapp",
                    alert_log.c.incident_id.startswith(WARNING_PREFIX))
             .order_by(alert_log.c.id.desc()).limit(max(1, min(limit, 500))))
    with connected(db) as conn:
        rows = conn.execute(query).all()
    return [{"id": r.id, "subscription": r.name, "created": r.created.isoformat(), **dict(r.message)} for r in rows]
