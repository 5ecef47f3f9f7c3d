"""A liaison officer's own report: checked field by field, then queued for the pipeline like any source item.

Why a module of its own: member-state reports are the one input a person types, so every field is checked
here before anything is queued, and each refusal says which field is wrong with a stable ``code`` (the web
form translates it) and a message in the submitter's language (Arabic, English or French). What the officer
states (country, city, types, group, toll) travels in ``metadata["fields"]`` and wins over the machine's
extraction; the marking the submitter chose (TLP, release list) and their organisation's identity travel
with it, so the report and every incident built from it are shown only to those the rules allow (see the
contract of :mod:`marsad.monitor.queue`). Queueing and its audit entry commit in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from marsad.access.audit import record_write
from marsad.access.context import Viewer
from marsad.access.db import Db, in_transaction
from marsad.errors import AccessDenied, InputError
from marsad.model.countries import country as find_country_code
from marsad.model.countries import is_country_code
from marsad.model.markings import Tlp
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from marsad.monitor.items import SourceItem, make_item
from marsad.monitor.queue import enqueue

__all__ = ["SUBMITTER_ROLES", "DEFAULT_TLP", "SubmissionError", "Submission", "validate_submission",
           "submit_report", "MESSAGES"]

#: who may submit a report
SUBMITTER_ROLES = ("liaison", "analyst", "admin")
#: a member state's report is shared with the community of its collections unless the submitter says otherwise
DEFAULT_TLP = "amber"
MAX_TEXT = 100_000
MAX_COUNT = 100_000
_KNOWN = {"text", "title", "published", "language", "lang", "occurred", "country", "city", "admin1",
          "attack_type", "attack_types", "target_type", "target_types", "weapon_type", "weapon_types",
          "perpetrator", "killed", "wounded", "tlp", "release_to", "url"}
_VOCABS = {"attack_types": ATTACK_TYPES, "target_types": TARGET_TYPES, "weapon_types": WEAPON_TYPES}

#: message of each error code, per language; ``{field}`` and ``{value}`` are filled in
MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "{field} is required", "fr": "{field} est obligatoire", "ar": "الحقل {field} مطلوب"},
    "too_long": {"en": "{field} is too long", "fr": "{field} est trop long", "ar": "الحقل {field} طويل جدًا"},
    "not_text": {"en": "{field} must be text", "fr": "{field} doit être du texte", "ar": "الحقل {field} يجب أن يكون نصًا"},
    "bad_date": {"en": "{field}: {value} is not a date (YYYY-MM-DD)",
                 "fr": "{field} : {value} n'est pas une date (AAAA-MM-JJ)",
                 "ar": "{field}: القيمة {value} ليست تاريخًا (YYYY-MM-DD)"},
    "future_date": {"en": "{field}: {value} is in the future", "fr": "{field} : {value} est dans le futur",
                    "ar": "{field}: التاريخ {value} في المستقبل"},
    "bad_language": {"en": "language must be ar, en or fr", "fr": "la langue doit être ar, en ou fr",
                     "ar": "اللغة يجب أن تكون ar أو en أو fr"},
    "bad_country": {"en": "{value} is not an ISO 3166-1 country code", "fr": "{value} n'est pas un code pays ISO 3166-1",
                    "ar": "{value} ليس رمز دولة وفق ISO 3166-1"},
    "bad_term": {"en": "{value} is not a known {field} value", "fr": "{value} n'est pas une valeur connue de {field}",
                 "ar": "{value} ليست قيمة معروفة في {field}"},
    "bad_count": {"en": "{field} must be a whole number from 0 to 100000",
                  "fr": "{field} doit être un nombre entier de 0 à 100000",
                  "ar": "الحقل {field} يجب أن يكون عددًا صحيحًا من 0 إلى 100000"},
    "bad_tlp": {"en": "tlp must be clear, green, amber, amber+strict or red",
                "fr": "tlp doit être clear, green, amber, amber+strict ou red",
                "ar": "tlp يجب أن يكون clear أو green أو amber أو amber+strict أو red"},
    "bad_recipient": {"en": "{value} is not a recipient: use a state code (SA) or a registered organisation's "
                            "identity id", "fr": "{value} n'est pas un destinataire : un code d'État (SA) ou "
                            "l'identifiant d'une organisation enregistrée",
                      "ar": "{value} ليس جهة مستلمة: استخدم رمز دولة (SA) أو معرّف هوية منظمة مسجلة"},
    "release_needs_amber": {"en": "a release list applies to TLP:AMBER, AMBER+STRICT or RED only",
                            "fr": "une liste de diffusion ne s'applique qu'à TLP:AMBER, AMBER+STRICT ou RED",
                            "ar": "قائمة الإتاحة لا تنطبق إلا على TLP:AMBER أو AMBER+STRICT أو RED"},
    "unknown_field": {"en": "unknown field {field}", "fr": "champ inconnu {field}", "ar": "حقل غير معروف {field}"},
    "not_an_object": {"en": "a submission is a JSON object", "fr": "une soumission est un objet JSON",
                      "ar": "يجب أن يكون التقرير كائن JSON"},
}


class SubmissionError(InputError):
    """A refused submission: ``code`` (stable, for translation), ``field`` and a message in the user's language."""

    def __init__(self, code: str, field: str | None = None, value: Any = None, *, lang: str = "en"):
        table = MESSAGES[code]
        message = table.get(lang, table["en"]).format(field=field or "", value=repr(value) if value is not None else "")
        super().__init__(message, details=[{"code": code, "field": field, "message": message}])
        self.code, self.field = code, field


@dataclass(frozen=True)
class Submission:
    """A checked submission: the item to queue and what the submitter chose."""

    item: SourceItem
    tlp: str
    release_to: tuple[str, ...]
    fields: Mapping[str, Any]


def _text(data: Mapping, name: str, limit: int, lang: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SubmissionError("required", name, lang=lang)
        return None
    if not isinstance(value, str):
        raise SubmissionError("not_text", name, lang=lang)
    if len(value) > limit:
        raise SubmissionError("too_long", name, lang=lang)
    return value.strip()


def _date(data: Mapping, name: str, lang: str, now: datetime) -> datetime | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str) and len(value.strip()) == 10:
            when = datetime.combine(date.fromisoformat(value.strip()), datetime.min.time(), timezone.utc)
        else:
            when = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise SubmissionError("bad_date", name, value, lang=lang) from None
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    if when > now + timedelta(days=1):
        raise SubmissionError("future_date", name, value, lang=lang)
    return when.astimezone(timezone.utc)


def _terms(data: Mapping, plural: str, lang: str) -> list[str]:
    raw = data.get(plural, data.get(plural[:-1]))
    if raw in (None, "", []):
        return []
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SubmissionError("not_text", plural, lang=lang)
    vocab = _VOCABS[plural]
    for value in values:
        if value not in vocab:
            raise SubmissionError("bad_term", plural, value, lang=lang)
    return list(dict.fromkeys(values))


def _count(data: Mapping, name: str, lang: str) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise SubmissionError("bad_count", name, lang=lang)
    return value


def _fields(data: Mapping, lang: str, now: datetime) -> dict[str, Any]:
    """The officer's own extraction fields (only those given)."""
    fields: dict[str, Any] = {}
    code = _text(data, "country", 60, lang)
    if code is not None:
        try:
            fields["country"] = find_country_code(code).code
        except InputError:
            raise SubmissionError("bad_country", "country", code, lang=lang) from None
    for name, limit in (("city", 200), ("admin1", 200), ("perpetrator", 300)):
        value = _text(data, name, limit, lang)
        if value is not None:
            fields[name] = value
    for plural in _VOCABS:
        terms = _terms(data, plural, lang)
        if terms:
            fields[plural] = terms
    for name in ("killed", "wounded"):
        value = _count(data, name, lang)
        if value is not None:
            fields[name] = value
    occurred = _date(data, "occurred", lang, now)
    if occurred is not None:
        fields["occurred"] = occurred.date().isoformat()
    return fields


def _marking(viewer: Viewer, data: Mapping, lang: str) -> tuple[str, tuple[str, ...]]:
    try:
        tlp = Tlp.parse(data.get("tlp") or DEFAULT_TLP).value
    except InputError:
        raise SubmissionError("bad_tlp", "tlp", lang=lang) from None
    raw = data.get("release_to") or []
    entries = [raw] if isinstance(raw, str) else raw
    if not isinstance(entries, list):
        raise SubmissionError("bad_recipient", "release_to", raw, lang=lang)
    if entries and tlp in ("clear", "green"):
        raise SubmissionError("release_needs_amber", "release_to", lang=lang)
    recipients = set()
    for entry in entries:
        text = str(entry).strip()
        if len(text) == 2 and is_country_code(text.upper()):
            recipients.add(text.upper())
        elif text in viewer.member_identities:
            recipients.add(text)
        else:
            raise SubmissionError("bad_recipient", "release_to", entry, lang=lang)
    return tlp, tuple(sorted(recipients))


def validate_submission(viewer: Viewer, data: Any, *, now: datetime | None = None) -> Submission:
    """Check ``data`` (the form or JSON body) for ``viewer``; :class:`SubmissionError` names the first bad field.

    :class:`AccessDenied` when the user may not submit (role) or has no organisation identity to sign with.
    """
    lang = viewer.language if viewer.language in MESSAGES["required"] else "en"
    viewer.require_role(*SUBMITTER_ROLES, to="submit reports")
    if not viewer.identity_id:
        raise AccessDenied(f"{viewer.username!r} belongs to no organisation with an identity: cannot sign a report")
    if not isinstance(data, Mapping):
        raise SubmissionError("not_an_object", lang=lang)
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise SubmissionError("unknown_field", unknown[0], lang=lang)
    now = now or datetime.now(timezone.utc)
    text = _text(data, "text", MAX_TEXT, lang, required=True)
    title = _text(data, "title", 1_000, lang) or " ".join(text.split())[:120]
    language = _text(data, "language", 8, lang) or _text(data, "lang", 8, lang)
    if language is not None and language.lower() not in ("ar", "en", "fr"):
        raise SubmissionError("bad_language", "language", language, lang=lang)
    published = _date(data, "published", lang, now) or now
    fields = _fields(data, lang, now)
    tlp, release_to = _marking(viewer, data, lang)
    url = _text(data, "url", 2_000, lang)
    metadata = {"tlp": tlp, "release_to": list(release_to), "created_by_ref": viewer.identity_id,
                "submitted_by": viewer.username, "fields": fields}
    item = make_item(source_id=None, key=f"submission:{uuid.uuid4()}", url=url, title=title, text=text,
                     published=published, language=language.lower() if language else None, fetched_at=now,
                     metadata=metadata, max_chars=MAX_TEXT)
    if item is None:  # pragma: no cover - text is required above
        raise SubmissionError("required", "text", lang=lang)
    return Submission(item, tlp, release_to, fields)


def submit_report(db: Db, viewer: Viewer, data: Any, *, remote_addr: str | None = None,
                  now: datetime | None = None) -> dict[str, Any]:
    """Check and queue an officer's report (queue row and audit entry in one transaction); returns a receipt."""
    submission = validate_submission(viewer, data, now=now)
    item = submission.item
    with in_transaction(db, "the report") as conn:
        queued = enqueue(conn, [item])
        record_write(conn, viewer, [], remote_addr=remote_addr, source="submission", item=item.key,
                     tlp=submission.tlp, release_to=list(submission.release_to))
    return {"key": item.key, "queued": queued, "title": item.title, "language": item.language,
            "published": item.published.isoformat() if item.published else None, "tlp": submission.tlp,
            "release_to": list(submission.release_to), "created_by_ref": viewer.identity_id,
            "fields": dict(submission.fields)}
