"""The organisations registry: armed groups (never individuals) with names in Arabic, English and French.

Why: extraction names perpetrator groups the way the Global Terrorism Database does ("Al-Shabaab",
"Houthi extremists (Ansar Allah)"), analysts search them in any of three languages, and STIX threat-actors
need one stable key per group. Two bundled sources, merged here:

- ``marsad/data/organisations/groups.json``: Marsad's hand-curated groups active in and near the region,
  each with its GTD name, names and aliases in three languages, parent group, the countries where a
  generic mention of the parent means this branch, and its UN list reference where listed;
- ``marsad/data/organisations/un_sc_entities.json``: the entities of the UN Security Council Consolidated
  List (source and date kept in the file), converted by ``scripts/build_organisations.py``. Entities a
  curated group already covers (same reference) are folded into that group.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import ConfigError
from marsad.text import ARABIC_RE, fold

__all__ = [
    "Organisation",
    "Registry",
    "load_registry",
    "GROUPS_FILE",
    "UN_FILE",
    "ORGANISATION_KINDS",
    "LANGUAGES",
]

_DATA = Path(__file__).resolve().parents[1] / "data" / "organisations"
#: the hand-curated groups
GROUPS_FILE = _DATA / "groups.json"
#: the UN Security Council Consolidated List entities
UN_FILE = _DATA / "un_sc_entities.json"
#: armed-group: a named group; generic: a GTD generic perpetrator label; sanctioned-entity: other UN-listed body
ORGANISATION_KINDS = ("armed-group", "generic", "sanctioned-entity")
LANGUAGES = ("ar", "en", "fr")


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation. ``name`` is the English display name; ``gtd_name`` the GTD group name (None where
    GTD has none); ``names``/``aliases``/``weak_aliases`` are keyed by language; weak aliases are common
    words too (e.g. الشباب) that count only with a perpetrator cue; ``branch_countries`` are where a
    mention of the parent is read as this branch."""

    key: str
    name: str
    gtd_name: str | None
    names: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    weak_aliases: dict[str, tuple[str, ...]]
    parent: str | None
    branch_countries: tuple[str, ...]
    un_ref: str | None
    un_list: str | None
    kind: str
    source: str

    def all_names(self, *, weak: bool = False) -> list[str]:
        """Every name and alias in every language (weak aliases too when ``weak``), without repeats."""
        seen: dict[str, None] = {}
        for lang in LANGUAGES:
            if self.names.get(lang):
                seen[self.names[lang]] = None
            for alias in self.aliases.get(lang, ()):
                seen[alias] = None
            for alias in self.weak_aliases.get(lang, ()) if weak else ():
                seen[alias] = None
        if self.gtd_name:
            seen[self.gtd_name] = None
        return list(seen)

    def name_in(self, lang: str) -> str:
        """The display name in ``lang`` where known, else the English one."""
        return self.names.get(lang) or self.name


class Registry:
    """Organisations by key, with lookups by GTD name, UN reference and any name or alias."""

    def __init__(self, organisations: list[Organisation], *, un_source: str = "", un_date: str | None = None):
        self._by_key = {o.key: o for o in organisations}
        self._by_gtd = {fold(o.gtd_name): o for o in organisations if o.gtd_name}
        self._by_un: dict[str, Organisation] = {}
        self._by_name: dict[str, list[Organisation]] = {}
        self._by_weak: dict[str, list[Organisation]] = {}
        for org in organisations:
            for aliases in org.weak_aliases.values():
                for alias in aliases:
                    self._by_weak.setdefault(fold(alias), []).append(org)
            if org.un_ref:
                self._by_un.setdefault(org.un_ref, org)
            for name in org.all_names():
                bucket = self._by_name.setdefault(fold(name), [])
                if org not in bucket:
                    bucket.append(org)
        #: the UN list's source and date
        self.un_source = un_source
        self.un_date = un_date

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Organisation | None:
        """The organisation with ``key``, or None."""
        return self._by_key.get(key)

    def by_gtd_name(self, name: str) -> Organisation | None:
        """The organisation whose GTD group name is ``name`` (case and accents ignored), or None."""
        return self._by_gtd.get(fold(name or ""))

    def by_un_ref(self, reference: str) -> Organisation | None:
        """The organisation listed under UN reference ``reference`` (e.g. ``QDe.115``), or None."""
        return self._by_un.get((reference or "").strip())

    def find(self, name: str, *, weak: bool = False) -> list[Organisation]:
        """Organisations with ``name`` as a name or alias in any language (folded match); weak aliases
        (common words such as القاعدة, "the base") count only when ``weak`` is true."""
        key = fold(name or "")
        found = list(self._by_name.get(key, []))
        if weak:
            found += [o for o in self._by_weak.get(key, []) if o not in found]
        return found

    def children(self, key: str) -> list[Organisation]:
        """The organisations whose parent is ``key``."""
        return [o for o in self._by_key.values() if o.parent == key]

    def lineage(self, key: str) -> list[Organisation]:
        """``key`` and its ancestors, nearest first (stops on a loop or an unknown parent)."""
        chain: list[Organisation] = []
        current = self._by_key.get(key)
        while current is not None and current not in chain:
            chain.append(current)
            current = self._by_key.get(current.parent) if current.parent else None
        return chain

    def perpetrators(self) -> list[Organisation]:
        """Organisations a news report can name as perpetrators: armed groups and GTD generic labels."""
        return [o for o in self._by_key.values() if o.kind in ("armed-group", "generic")]


def _by_lang(raw: dict | None) -> dict[str, tuple[str, ...]]:
    raw = raw or {}
    return {lang: tuple(raw.get(lang) or ()) for lang in LANGUAGES}


def _curated(entry: dict, un: dict[str, dict]) -> Organisation:
    listed = un.get(entry.get("un_ref") or "")
    names = {lang: value for lang, value in (entry.get("names") or {}).items() if value}
    return Organisation(
        key=entry["key"], name=names.get("en") or entry["gtd_name"], gtd_name=entry.get("gtd_name"),
        names=names, aliases=_by_lang(entry.get("aliases")), weak_aliases=_by_lang(entry.get("weak_aliases")),
        parent=entry.get("parent"), branch_countries=tuple(entry.get("branch_countries") or ()),
        un_ref=entry.get("un_ref"), un_list=listed["list"] if listed else None,
        kind=entry.get("kind", "armed-group"), source="marsad",
    )


def _from_un(entity: dict) -> Organisation:
    original = entity.get("name_original_script") or ""
    names = {"en": entity["name"]}
    if ARABIC_RE.search(original):
        names["ar"] = original
    return Organisation(
        key=f"un-{entity['reference'].lower()}", name=entity["name"], gtd_name=None, names=names,
        aliases={"ar": (), "en": tuple(entity.get("aliases") or ()), "fr": ()}, weak_aliases=_by_lang(None),
        parent=None, branch_countries=(), un_ref=entity["reference"], un_list=entity.get("list"),
        kind="sanctioned-entity", source="un-sc-consolidated-list",
    )


@functools.cache
def load_registry(groups_path: str | Path | None = None, un_path: str | Path | None = None) -> Registry:
    """The registry from the curated groups file and the UN list file (defaults: the bundled ones)."""
    groups_file = Path(groups_path) if groups_path else GROUPS_FILE
    un_file = Path(un_path) if un_path else UN_FILE
    try:
        groups = json.loads(groups_file.read_text(encoding="utf-8"))["groups"]
        un_doc = json.loads(un_file.read_text(encoding="utf-8"))
        un = {e["reference"]: e for e in un_doc["entities"]}
        curated = [_curated(entry, un) for entry in groups]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"the organisations registry cannot be read ({groups_file}, {un_file}): {exc}") from exc
    keys = [o.key for o in curated]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"the organisations registry {groups_file} repeats a key")
    covered = {o.un_ref for o in curated if o.un_ref}
    listed = [_from_un(e) for ref, e in sorted(un.items()) if ref not in covered]
    return Registry(curated + listed, un_source=un_doc.get("source", ""), un_date=un_doc.get("list_date"))
