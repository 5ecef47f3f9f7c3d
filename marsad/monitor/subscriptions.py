"""Alert subscriptions: what a user wants to hear about and where, validated before anything is stored.

Why its own module: the web API, the CLI and the matcher all see the same :class:`Subscription`; bad filters
(an attack type GTD does not have, a country code that is not ISO, a webhook URL that is not http(s), an e-mail
address without a domain) are refused here with :class:`~marsad.errors.InputError` naming the field, so the
matcher can trust every stored filter. A subscription belongs to one user; users manage only their own.

Filters (all optional; a subscription with none matches every incident its owner may see):
``countries`` (ISO codes), ``regions`` (name → ISO codes; a region matches any of its codes), ``groups``
(perpetrator names as GTD writes them, compared folded), ``attack_types``, ``themes`` (vocabulary names),
``min_killed``, ``min_wounded``, ``min_casualties`` (killed + wounded), ``keywords`` (found, folded, in the
incident's name or description).
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from marsad.access.audit import record_admin
from marsad.access.db import Db, connected, in_transaction
from marsad.errors import Conflict, InputError, NotFound
from marsad.model.countries import is_country_code
from marsad.model.vocab import ATTACK_TYPES, LANGUAGES, THEMES
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import alert_subscriptions

__all__ = [
    "FILTER_KEYS",
    "Subscription",
    "validate_filters",
    "validate_webhook_url",
    "validate_email",
    "is_private_host",
    "create_subscription",
    "list_subscriptions",
    "active_subscriptions",
    "subscriptions_by_id",
    "delete_subscription",
]

FILTER_KEYS = ("countries", "regions", "groups", "attack_types", "themes", "min_killed", "min_wounded",
               "min_casualties", "keywords")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
_MAX_ITEMS = 200


@dataclass(frozen=True)
class Subscription:
    """A stored subscription; ``username`` is its owner (whose sharing view decides what they may be told)."""

    id: int
    username: str
    name: str
    filters: dict[str, Any]
    language: str = "ar"
    inapp: bool = True
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    email: str | None = None
    active: bool = True
    created: datetime | None = None

    def public(self) -> dict:
        """What the owner sees of it (the webhook secret is shown only once, when created)."""
        return {"id": self.id, "name": self.name, "filters": self.filters, "language": self.language,
                "inapp": self.inapp, "webhook_url": self.webhook_url, "email": self.email, "active": self.active,
                "created": self.created.isoformat() if self.created else None}


def _strings(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"filter {key!r} must be a list of non-empty texts")
    if len(value) > _MAX_ITEMS:
        raise InputError(f"filter {key!r} has more than {_MAX_ITEMS} entries")
    return list(dict.fromkeys(v.strip() for v in value))


def _codes(key: str, value: Any) -> list[str]:
    codes = list(dict.fromkeys(c.upper() for c in _strings(key, value)))
    for code in codes:
        if not is_country_code(code):
            raise InputError(f"filter {key!r}: {code!r} is not an ISO 3166-1 alpha-2 country code")
    return codes


def _count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"filter {key!r} must be a whole number, 0 or more (got {value!r})")
    return value


def _regions(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not value:
        raise InputError("filter 'regions' must map a region name to a list of country codes")
    return {str(name).strip(): _codes(f"regions.{name}", codes) for name, codes in value.items()}


def validate_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """The filters, normalised (codes upper-case, duplicates dropped, empty ones removed); :class:`InputError`."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise InputError("filters must be an object")
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise InputError(f"unknown filter {unknown[0]!r}: use {', '.join(FILTER_KEYS)}")
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None or value == [] or value == {}:
            continue
        if key == "countries":
            out[key] = _codes(key, value)
        elif key == "regions":
            out[key] = _regions(value)
        elif key in ("attack_types", "themes"):
            vocab = ATTACK_TYPES if key == "attack_types" else THEMES
            out[key] = vocab.validate(_strings(key, value))
        elif key.startswith("min_"):
            out[key] = _count(key, value)
        else:
            out[key] = _strings(key, value)
    return out


def is_private_host(host: str) -> bool:
    """True when ``host`` is an IP address that is not public (loopback, private, link-local, reserved…)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost")
    return not address.is_global


def validate_webhook_url(url: str, *, allow_private: bool = False) -> str:
    """The URL if it is http(s) with a host (and not a private address unless allowed); :class:`InputError`."""
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"webhook URL {url!r} must be an http:// or https:// address with a host")
    if parts.username or parts.password:
        raise InputError("webhook URL must not carry a user name or password")
    if not allow_private and is_private_host(parts.hostname):
        raise InputError(f"webhook URL {url!r} points to a private or loopback address")
    return parts.geturl()


def validate_email(address: str) -> str:
    """The address if it looks like ``name@domain.tld``; :class:`InputError` otherwise."""
    address = str(address).strip()
    if not _EMAIL.match(address) or len(address) > 320:
        raise InputError(f"{address!r} is not an e-mail address")
    return address


def _row(row) -> Subscription:
    return Subscription(id=row.id, username=row.username, name=row.name, filters=dict(row.filters or {}),
                        language=row.language, inapp=row.inapp, webhook_url=row.webhook_url,
                        webhook_secret=row.webhook_secret, email=row.email, active=row.active, created=row.created)


def _select():
    return select(alert_subscriptions, users.c.username).join(users, users.c.id == alert_subscriptions.c.user_id)


def _channels(webhook_url, webhook_secret, email, inapp, allow_private) -> tuple:
    url = validate_webhook_url(webhook_url, allow_private=allow_private) if webhook_url else None
    secret = (webhook_secret or secrets.token_urlsafe(32)) if url else None
    if secret is not None and len(secret) < 16:
        raise InputError("a webhook secret needs at least 16 characters")
    mail = validate_email(email) if email else None
    if not (inapp or url or mail):
        raise InputError("a subscription needs a channel: in-app, a webhook URL or an e-mail address")
    return url, secret, mail


def create_subscription(db: Db, username: str, name: str, filters: dict | None = None, *, language: str = "ar",
                        inapp: bool = True, webhook_url: str | None = None, webhook_secret: str | None = None,
                        email: str | None = None, allow_private: bool = False, actor: str | None = None,
                        remote_addr: str | None = None) -> Subscription:
    """Store a validated subscription of ``username``; the returned one carries the webhook secret (show it once).

    :class:`InputError` for a bad filter or channel, :class:`Conflict` if the user has one of that name,
    :class:`NotFound` for an unknown user. Audited (``subscription.add``, actor: ``actor`` or the user).
    """
    name = str(name or "").strip()
    if not name or len(name) > 200:
        raise InputError("a subscription needs a name of 1 to 200 characters")
    if language not in LANGUAGES:
        raise InputError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    clean = validate_filters(filters)
    url, secret, mail = _channels(webhook_url, webhook_secret, email, inapp, allow_private)
    with in_transaction(db, f"the subscription {name!r}") as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"no user named {username!r}")
        values = dict(user_id=user_id, name=name, filters=clean, inapp=bool(inapp), webhook_url=url,
                      webhook_secret=secret, email=mail, language=language, active=True, created=utcnow())
        try:
            with conn.begin_nested():
                new_id = conn.execute(insert(alert_subscriptions).values(**values)).inserted_primary_key[0]
        except IntegrityError:
            raise Conflict(f"{username!r} already has a subscription named {name!r}") from None
        record_admin(conn, actor or username, "subscription.add", remote_addr=remote_addr, user=username,
                     subscription=new_id, name=name, filters=clean, webhook=url, email=mail)
    return Subscription(id=new_id, username=username, name=name, filters=clean, language=language, inapp=bool(inapp),
                        webhook_url=url, webhook_secret=secret, email=mail, created=values["created"])


def list_subscriptions(db: Db, username: str) -> list[Subscription]:
    """The subscriptions of ``username``, oldest first."""
    with connected(db) as conn:
        rows = conn.execute(_select().where(users.c.username == username).order_by(alert_subscriptions.c.id))
        return [_row(r) for r in rows]


#: built once: the pipeline reads the active subscriptions at every batch (building the statement and its cache key
#: cost more than running it)
_ACTIVE = (_select().where(alert_subscriptions.c.active.is_(True), users.c.active.is_(True))
           .order_by(alert_subscriptions.c.id))


def active_subscriptions(db: Db) -> list[Subscription]:
    """Every active subscription of every active user (what the matcher indexes)."""
    with connected(db) as conn:
        return [_row(r) for r in conn.execute(_ACTIVE)]


def subscriptions_by_id(db: Db, ids: Iterable[int]) -> dict[int, Subscription]:
    """The active subscriptions of active users among ``ids`` (a paused or deleted one is absent)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with connected(db) as conn:
        rows = conn.execute(_select().where(alert_subscriptions.c.id.in_(wanted),
                                            alert_subscriptions.c.active.is_(True), users.c.active.is_(True)))
        return {r.id: _row(r) for r in rows}


def delete_subscription(db: Db, username: str, subscription_id: int, *, actor: str | None = None,
                        remote_addr: str | None = None) -> None:
    """Delete one of ``username``'s subscriptions (and its log); :class:`NotFound` if they have none with that id.
    Audited (``subscription.remove``)."""
    with in_transaction(db, "the deletion") as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        done = conn.execute(delete(alert_subscriptions).where(
            alert_subscriptions.c.id == subscription_id, alert_subscriptions.c.user_id == user_id)).rowcount
        if not done:
            raise NotFound(f"{username!r} has no subscription {subscription_id}")
        record_admin(conn, actor or username, "subscription.remove", remote_addr=remote_addr, user=username,
                     subscription=subscription_id)
