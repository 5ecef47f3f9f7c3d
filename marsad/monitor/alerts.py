"""From an incident to alerts: which subscriptions it matches, who may be told, and when to tell them again.

Why here: the monitoring pipeline hands over one incident record at a time (the STIX incident with its GTD
extension plus the sharing facts the store resolved: TLP, release list, originator, collections); this module
decides, for every active subscription, whether its owner gets an alert, and records the alert once.

Rules:

- **Matching**: every filter given must hold (see :mod:`marsad.monitor.subscriptions`): country in the countries
  or one of the regions, perpetrator among the groups (folded), an attack type and a theme in common, killed /
  wounded / killed + wounded at least the minimum, each keyword found folded in the name or the description.
- **Sharing**: an alert reaches a user only if :func:`marsad.access.policy.can_see` lets their
  :class:`~marsad.access.context.Viewer` see the incident through its collections. Alerts never widen sharing.
- **Re-alert**: the *toll* is killed + wounded (an unreported figure counts as 0). The first match alerts
  (reason ``new``); later reports of the same incident alert again (reason ``toll``) only when the toll is higher
  than the highest toll already alerted for that subscription — once per rise, never per report; identical or
  lower updates alert no one. A report below a subscription's threshold does not match; the first report that
  crosses it is that subscription's ``new`` alert. The unique key (subscription, incident, channel, toll) in
  ``alert_log`` makes this hold across concurrent workers.
- **Speed**: :class:`SubscriptionIndex` files each subscription under its most selective filter (countries,
  else groups, else attack types, else "any"), so an incident is checked only against the buckets of its own
  country, perpetrator and attack types plus the unfiltered ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from marsad.access.audit import record_read
from marsad.access.context import Viewer, load_viewer
from marsad.access.db import Db, connected, in_transaction
from marsad.access.policy import ObjectFacts, can_see, object_facts, visible_clause
from marsad.config import Settings
from marsad.errors import NotFound
from marsad.model.incident import incident_fields
from marsad.monitor.alert_messages import AlertMessage, AlertWords, alert_words
from marsad.monitor.subscriptions import Subscription
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import alert_log, alert_subscriptions, insert_log_rows, previous_alerts
from marsad.store.objects import stix_objects
from marsad.text import fold

__all__ = [
    "AlertIncident",
    "PendingAlert",
    "SubscriptionIndex",
    "CompiledFilters",
    "IncidentFacts",
    "subscription_matches",
    "toll_of",
    "record_alerts",
    "record_batch_alerts",
    "alert_incident",
    "recent_alerts",
    "latest_alert_id",
    "public_base_url",
    "WARNING_PREFIX",
]


@dataclass(frozen=True)
class AlertIncident:
    """An incident as the pipeline hands it over: the STIX object, its sharing facts and its collections."""

    obj: Mapping[str, Any]
    facts: ObjectFacts
    collections: frozenset[str] = frozenset()

    @classmethod
    def of(cls, obj: Mapping[str, Any], *, tlp: str | None, release_to: Iterable[str] = (),
           collections: Iterable[str] = ()) -> AlertIncident:
        """From a STIX incident and the TLP / release list the store resolved from its markings."""
        facts = object_facts({"id": obj["id"], "type": "incident", "created_by_ref": obj.get("created_by_ref"),
                              "tlp": tlp, "release_to": tuple(release_to)})
        return cls(obj=obj, facts=facts, collections=frozenset(str(c) for c in collections))


@dataclass(frozen=True)
class PendingAlert:
    """One recorded alert on one channel, waiting for delivery (``log_id`` is its ``alert_log`` row)."""

    log_id: int
    channel: str
    subscription: Subscription
    message: AlertMessage


def public_base_url(settings: Settings) -> str:
    """Where alert links point: the ``public_url`` setting, else ``http://host:port`` of ``marsad serve``."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def toll_of(fields: Mapping[str, Any]) -> int:
    """Killed + wounded, an unreported figure counting as 0."""
    return int(fields.get("killed") or 0) + int(fields.get("wounded") or 0)


def _countries(filters: Mapping[str, Any]) -> set[str]:
    codes = set(filters.get("countries") or ())
    for region in (filters.get("regions") or {}).values():
        codes.update(region)
    return codes


@dataclass(frozen=True, slots=True)
class CompiledFilters:
    """A subscription's filters prepared once for matching (sets, folded groups and keywords)."""

    countries: frozenset[str]
    groups: frozenset[str]
    attack_types: frozenset[str]
    themes: frozenset[str]
    min_killed: int
    min_wounded: int
    min_casualties: int
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, filters: Mapping[str, Any]) -> CompiledFilters:
        return cls(frozenset(_countries(filters)), frozenset(fold(g) for g in filters.get("groups") or ()),
                   frozenset(filters.get("attack_types") or ()), frozenset(filters.get("themes") or ()),
                   filters.get("min_killed", 0), filters.get("min_wounded", 0), filters.get("min_casualties", 0),
                   tuple(fold(k) for k in filters.get("keywords") or ()))

    def matches(self, facts: IncidentFacts) -> bool:
        """True when the incident passes every filter given."""
        if self.countries and facts.country not in self.countries:
            return False
        if self.groups and facts.perpetrator not in self.groups:
            return False
        if self.attack_types and self.attack_types.isdisjoint(facts.attack_types):
            return False
        if self.themes and self.themes.isdisjoint(facts.themes):
            return False
        if facts.killed < self.min_killed or facts.wounded < self.min_wounded:
            return False
        if facts.killed + facts.wounded < self.min_casualties:
            return False
        return all(k in facts.text for k in self.keywords)


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the filters read of an incident (country, folded perpetrator and text…), prepared once per incident."""

    country: str | None
    perpetrator: str
    attack_types: frozenset[str]
    themes: frozenset[str]
    killed: int
    wounded: int
    text: str

    @classmethod
    def of(cls, fields: Mapping[str, Any], *, text: bool = True) -> IncidentFacts:
        """``text=False``: leave the folded name and description out (empty), for matching subscriptions none of
        which has keywords — folding them was a fifth of a pipeline batch's alerting."""
        return cls(fields.get("country"), fold(fields.get("perpetrator") or ""),
                   frozenset(fields.get("attack_types") or ()), frozenset(fields.get("themes") or ()),
                   int(fields.get("killed") or 0), int(fields.get("wounded") or 0),
                   fold(f"{fields.get('name') or ''} {fields.get('description') or ''}") if text else "")


def subscription_matches(filters: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """True when the incident ``fields`` (from :func:`incident_fields`) pass every filter given."""
    return CompiledFilters.of(filters).matches(IncidentFacts.of(fields))


class SubscriptionIndex:
    """Active subscriptions filed by their most selective filter, for matching thousands per incident quickly."""

    def __init__(self, subscriptions: Iterable[Subscription]):
        self.by_country: dict[str, list[tuple[Subscription, CompiledFilters]]] = defaultdict(list)
        self.by_group: dict[str, list[tuple[Subscription, CompiledFilters]]] = defaultdict(list)
        self.by_type: dict[str, list[tuple[Subscription, CompiledFilters]]] = defaultdict(list)
        self.anything: list[tuple[Subscription, CompiledFilters]] = []
        self.size = 0
        #: whether some subscription filters on keywords (else an incident's text is not folded for matching)
        self.keywords = False
        for sub in subscriptions:
            self.add(sub)

    def add(self, sub: Subscription) -> None:
        """File one subscription (inactive ones are ignored)."""
        if not sub.active:
            return
        self.size += 1
        compiled = CompiledFilters.of(sub.filters)
        self.keywords = self.keywords or bool(compiled.keywords)
        entry = (sub, compiled)
        if compiled.countries:
            for code in compiled.countries:
                self.by_country[code].append(entry)
        elif compiled.groups:
            for group in compiled.groups:
                self.by_group[group].append(entry)
        elif compiled.attack_types:
            for kind in compiled.attack_types:
                self.by_type[kind].append(entry)
        else:
            self.anything.append(entry)

    def matching(self, fields: Mapping[str, Any]) -> list[Subscription]:
        """Subscriptions whose filters all hold for the incident ``fields`` (sharing not yet considered).

        Only the buckets of the incident's country, perpetrator and attack types and the unfiltered bucket are
        read; a subscription filed under several (e.g. two attack types) is returned once.
        """
        facts = IncidentFacts.of(fields, text=self.keywords)
        buckets = [self.by_country.get(facts.country or "", ()), self.by_group.get(facts.perpetrator, ()),
                   self.anything, *(self.by_type.get(kind, ()) for kind in facts.attack_types)]
        found: dict[int, Subscription] = {}
        for bucket in buckets:
            for sub, compiled in bucket:
                if sub.id not in found and compiled.matches(facts):
                    found[sub.id] = sub
        return list(found.values())


#: incidents per "previous alerts" lookup (one statement for a whole pipeline batch)
_CHUNK = 500


def _previous(conn, incident_ids: list[str], subscription_ids: set[int]
              ) -> dict[tuple[str, int], tuple[int, int | None, int | None]]:
    """Per (incident, subscription): (highest toll alerted, killed, wounded at that alert), for all the
    ``incident_ids`` at once (:func:`marsad.store.alerts.previous_alerts`: one SQL text and one parameter whatever
    the batch's number of incidents, not one placeholder per incident)."""
    best: dict[tuple[str, int], tuple[int, int | None, int | None]] = {}
    for start in range(0, len(incident_ids), _CHUNK):
        for incident_id, subscription_id, toll, killed, wounded in previous_alerts(
                conn, incident_ids[start:start + _CHUNK]):
            key = (incident_id, subscription_id)
            if subscription_id in subscription_ids and (key not in best or toll > best[key][0]):
                best[key] = (toll, killed, wounded)
    return best


def _channels(sub: Subscription) -> list[str]:
    return [c for c, on in (("inapp", sub.inapp), ("webhook", bool(sub.webhook_url)), ("email", bool(sub.email))) if on]


def _log_row(sub: Subscription, fields: dict, channel: str, reason: str, message: AlertMessage, now) -> tuple:
    """An ``alert_log`` row in :data:`~marsad.store.alerts.LOG_COLUMNS` order."""
    inapp = channel == "inapp"  # the in-app channel is the log itself: delivered when recorded
    return (sub.id, fields["id"], reason, fields.get("killed"), fields.get("wounded"), toll_of(fields), channel,
            "delivered" if inapp else "pending", int(inapp), None, message.as_json(), now, now if inapp else None)


def _claim(conn, rows: list[tuple]) -> dict[tuple[int, str, str], int]:
    """Insert the log rows in one statement, skipping those another worker already recorded (the unique key);
    returns (subscription id, incident id, channel) → log id of the rows this call inserted."""
    return {(subscription_id, incident_id, channel): log_id
            for log_id, subscription_id, incident_id, channel in insert_log_rows(conn, rows)}


def _viewer_cache(db_conn) -> Callable[[str], Viewer | None]:
    cache: dict[str, Viewer | None] = {}

    def viewer_of(username: str) -> Viewer | None:
        if username not in cache:
            try:
                cache[username] = load_viewer(db_conn, username)
            except NotFound:
                cache[username] = None
        return cache[username]
    return viewer_of


def record_alerts(db: Db, incident: AlertIncident, index: SubscriptionIndex, *, base_url: str,
                  viewer_of: Callable[[str], Viewer | None] | None = None) -> list[PendingAlert]:
    """Decide and record the alerts ``incident`` causes (one transaction, with one audit ``read`` entry per
    user alerted); returns them for delivery. See :func:`record_batch_alerts`."""
    return record_batch_alerts(db, [incident], index, base_url=base_url, viewer_of=viewer_of)


def _choose(incident: AlertIncident, fields: dict, matched: list[Subscription], previous: Mapping, base_url: str,
            viewer_of: Callable[[str], Viewer | None], viewers: dict[str, Viewer]
            ) -> list[tuple[Subscription, str, AlertMessage, dict]]:
    """(subscription, channel, message, incident fields) of the alerts one incident causes: a first match or a
    toll above the highest already alerted, for subscribers who may see it."""
    toll, chosen = toll_of(fields), []
    rendered: dict[tuple, AlertWords] = {}  # per language, reason and previous toll: the same for every subscriber
    for sub in matched:
        before = previous.get((fields["id"], sub.id))
        if before is not None and toll <= before[0]:
            continue
        viewer = viewer_of(sub.username)
        if viewer is None or not can_see(viewer, incident.facts, incident.collections):
            continue
        viewers[sub.username] = viewer
        reason = "new" if before is None else "toll"
        earlier = before[1:] if before else None
        key = (sub.language, reason, earlier)
        if key not in rendered:
            rendered[key] = alert_words(fields, sub.language, base_url, reason=reason, previous=earlier)
        message = rendered[key].message(sub.name)
        chosen += [(sub, channel, message, fields) for channel in _channels(sub)]
    return chosen


def record_batch_alerts(db: Db, incidents: Sequence[AlertIncident], index: SubscriptionIndex, *, base_url: str,
                        viewer_of: Callable[[str], Viewer | None] | None = None) -> list[PendingAlert]:
    """Decide and record the alerts of several incidents (each at most once: give each incident's latest
    version) in one transaction; returns them for delivery.

    Why batched: the pipeline alerts on every incident a batch touched, and per-incident statements (previous
    alerts, log insert, audit chain append) cost more than the matching. So the previous alerts of all the
    incidents are read in one query, all log rows are inserted in one statement (skipping rows another worker
    recorded: the unique key), and each user alerted gets ONE audit ``read`` entry (``via="alert"``) listing
    every incident the call told them about — still who, which objects, when.

    ``viewer_of(username)`` gives a subscriber's viewer (default: read from the account tables, None when the
    user is unknown or inactive — such a user gets nothing).
    """
    work = []
    for incident in incidents:
        fields = incident_fields(dict(incident.obj))
        matched = index.matching(fields)
        if matched:
            work.append((incident, fields, matched))
    if not work:
        return []
    now, viewers = utcnow(), {}
    chosen: list[tuple[Subscription, str, AlertMessage, dict]] = []
    with in_transaction(db, "the alerts of the incidents") as conn:
        viewer_of = viewer_of or _viewer_cache(conn)
        previous = _previous(conn, sorted({f["id"] for _, f, _ in work}),
                             {s.id for _, _, matched in work for s in matched})
        for incident, fields, matched in work:
            chosen += _choose(incident, fields, matched, previous, base_url, viewer_of, viewers)
        ids = _claim(conn, [_log_row(sub, fields, channel, message.data["reason"], message, now)
                            for sub, channel, message, fields in chosen])
        told: dict[str, set[str]] = {}
        for sub, channel, _, fields in chosen:
            if (sub.id, fields["id"], channel) in ids:
                told.setdefault(sub.username, set()).add(fields["id"])
        for username in sorted(told):  # an alert shows the incident: audited as a read, committed with the alert
            record_read(conn, viewers[username], sorted(told[username]), via="alert")
    return [PendingAlert(ids[(sub.id, fields["id"], channel)], channel, sub, message)
            for sub, channel, message, fields in chosen if (sub.id, fields["id"], channel) in ids]


def alert_incident(db: Db, incident: AlertIncident, index: SubscriptionIndex, *, base_url: str,
                   dispatcher: Any = None, viewer_of: Callable[[str], Viewer | None] | None = None
                   ) -> list[PendingAlert]:
    """Record the alerts of ``incident`` then hand them to ``dispatcher.deliver(db, pending)`` (if given)."""
    pending = record_alerts(db, incident, index, base_url=base_url, viewer_of=viewer_of)
    if dispatcher is not None and pending:
        dispatcher.deliver(db, pending)
    return pending


#: alert log rows whose ``incident_id`` starts with this are early warnings (``marsad.web.warning_alerts``)
WARNING_PREFIX = "warning:"


def _own_inapp(viewer: Viewer):
    return (select(alert_log.c.id, alert_log.c.incident_id, alert_log.c.message, alert_log.c.created,
                   alert_subscriptions.c.name)
            .join(alert_subscriptions, alert_subscriptions.c.id == alert_log.c.subscription_id)
            .join(users, users.c.id == alert_subscriptions.c.user_id)
            .where(users.c.username == viewer.username, alert_log.c.channel == "inapp"))


def latest_alert_id(db: Db, viewer: Viewer) -> int:
    """The highest in-app alert log id of the viewer (0 if none): where a new live stream starts reading."""
    with connected(db) as conn:
        return conn.execute(select(func.max(_own_inapp(viewer).subquery().c.id))).scalar() or 0


def recent_alerts(db: Db, viewer: Viewer, *, limit: int = 50, after_id: int | None = None) -> list[dict]:
    """The viewer's in-app alerts, incident alerts and early warnings alike, newest first (or, with
    ``after_id``, those after it, oldest first) — what the live stream replays.

    Sharing is decided again at read time: an alert whose incident the viewer may no longer see (rights
    withdrawn, incident re-marked or deleted) is left out, so a stored alert never outlives the right to see it.
    A warning (``incident_id`` ``warning:…``) names no object: it was computed over this subscriber's own view
    when recorded and is theirs alone (the join on the subscription's user), so it is kept; its message is in
    the subscription's language like any other alert's.
    """
    query = _own_inapp(viewer)
    if after_id is not None:
        query = query.where(alert_log.c.id > after_id).order_by(alert_log.c.id)
    else:
        query = query.order_by(alert_log.c.id.desc())
    with connected(db) as conn:
        rows = conn.execute(query.limit(max(1, min(limit, 500)))).all()
        wanted = sorted({r.incident_id for r in rows if not r.incident_id.startswith(WARNING_PREFIX)})
        visible = set(conn.execute(select(stix_objects.c.stix_id).distinct().where(
            stix_objects.c.stix_id.in_(wanted), visible_clause(viewer))).scalars()) if wanted else set()
    return [{"id": r.id, "subscription": r.name, "created": r.created.isoformat(), **dict(r.message)}
            for r in rows if r.incident_id in visible or r.incident_id.startswith(WARNING_PREFIX)]
