"""Who belongs to the regional body: its secretariat and member states, as STIX ``identity`` objects.

Why a data file: the Arab League's 22 states and General Secretariat are Marsad's default, but another
regional body (or a sub-group of states) runs Marsad with its own list by pointing :func:`load_membership`
at its own JSON file of the same shape (``marsad/data/membership/arab_league.json``)::

    {"updated": "<STIX timestamp>", "body": {"key", "names": {ar, en, fr}},
     "secretariat": {"key", "names": {…}}, "members": [{"code": "SA", "names": {…}}, …]}

Each state's identity id is UUIDv5 of its ISO code alone, so the same state is the same identity in every
federation; the secretariat's id comes from its key. Names: English in ``name``, Arabic and French in a
``language-content``; the ISO code sits in an ``external_references`` entry (source "ISO 3166-1").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import ConfigError, InputError
from marsad.model.countries import DATA_DIR, is_country_code
from marsad.model.ids import MARSAD_IDENTITY_ID, stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.model.translations import check_names, language_content, primary_name

__all__ = ["Member", "Membership", "load_membership", "state_identity_id", "DEFAULT_MEMBERSHIP_FILE", "ISO_SOURCE"]

DEFAULT_MEMBERSHIP_FILE = DATA_DIR / "membership" / "arab_league.json"
ISO_SOURCE = "ISO 3166-1"
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_CLEAR = [TLP_MARKING_IDS[Tlp.CLEAR]]


def state_identity_id(code: str) -> str:
    """The identity id of the state with ISO alpha-2 ``code`` (the same in every Marsad federation)."""
    return stable_id("identity", f"state:{code.upper()}")


@dataclass(frozen=True, slots=True)
class Member:
    """A member state (``code`` set) or the secretariat (``code`` None)."""

    key: str
    names: dict[str, str]
    code: str | None = None

    @property
    def identity_id(self) -> str:
        return state_identity_id(self.code) if self.code else stable_id("identity", f"secretariat:{self.key}")


@dataclass(frozen=True, slots=True)
class Membership:
    """The regional body: its names, secretariat, member states and the file's ``updated`` timestamp."""

    key: str
    names: dict[str, str]
    secretariat: Member
    members: tuple[Member, ...]
    updated: str

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.members]

    def member(self, code: str) -> Member | None:
        return next((m for m in self.members if m.code == code.upper()), None)

    def identities(self) -> list[dict]:
        """Identity objects (secretariat first, then states) and their language-contents."""
        out = []
        for who in (self.secretariat, *self.members):
            identity = _identity(who, self.updated)
            out.append(identity)
            content = language_content(identity, who.names, created=self.updated,
                                       created_by_ref=MARSAD_IDENTITY_ID, object_marking_refs=_CLEAR)
            if content:
                out.append(content)
        return out


def _identity(who: Member, timestamp: str) -> dict:
    _, name = primary_name(who.names)
    identity = {
        "type": "identity",
        "spec_version": "2.1",
        "id": who.identity_id,
        "created_by_ref": MARSAD_IDENTITY_ID,
        "created": timestamp,
        "modified": timestamp,
        "name": name,
        "identity_class": "organization",
        "object_marking_refs": list(_CLEAR),
    }
    if who.code:
        identity["sectors"] = ["government-national"]
        identity["external_references"] = [{"source_name": ISO_SOURCE, "external_id": who.code}]
    else:
        identity["sectors"] = ["government-regional"]
    return identity


def _entry(raw: object, where: str, with_code: bool) -> Member:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} is not an object")
    try:
        names = check_names(raw.get("names") or {}, where)
    except InputError as exc:
        raise ConfigError(exc.message) from None
    if not with_code:
        key = str(raw.get("key") or "").strip()
        if not key:
            raise ConfigError(f"{where} has no key")
        return Member(key=key, names=names)
    code = str(raw.get("code") or "").strip().upper()
    if not is_country_code(code):
        raise ConfigError(f"{where}: {raw.get('code')!r} is not an ISO 3166-1 alpha-2 country code")
    return Member(key=code, names=names, code=code)


def load_membership(path: str | Path | None = None) -> Membership:
    """The membership in ``path`` (default: the Arab League file shipped with Marsad); :class:`ConfigError`
    naming the file and the problem if it cannot be used."""
    file = Path(path) if path is not None else DEFAULT_MEMBERSHIP_FILE
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the membership file {file}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("members"), list) or not raw["members"]:
        raise ConfigError(f"membership file {file}: needs a non-empty members list")
    updated = raw.get("updated") or "2026-01-01T00:00:00.000Z"
    if not isinstance(updated, str) or not _TIMESTAMP.match(updated):
        raise ConfigError(f"membership file {file}: updated must be a STIX timestamp such as 2026-01-01T00:00:00.000Z")
    body = _entry(raw.get("body"), f"{file}: body", with_code=False)
    secretariat = _entry(raw.get("secretariat"), f"{file}: secretariat", with_code=False)
    members = tuple(_entry(m, f"{file}: member {i + 1}", with_code=True) for i, m in enumerate(raw["members"]))
    codes = [m.code for m in members]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"membership file {file}: a state is listed twice")
    return Membership(key=body.key, names=body.names, secretariat=secretariat, members=members, updated=updated)
