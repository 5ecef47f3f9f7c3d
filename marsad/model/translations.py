"""Names in Arabic, English and French through STIX ``language-content`` objects.

Why: STIX gives an object one ``name``; Marsad's users read Arabic first, partners English or French.
The STIX way to carry the other languages is a ``language-content`` object pointing at the object, so
any STIX tool keeps them and Marsad's interface picks the reader's language. One place builds and reads
them so every kind of object (identities, threat actors…) does it the same way.
"""

from __future__ import annotations

from marsad.errors import InputError
from marsad.model.ids import stable_id
from marsad.model.vocab import LANGUAGES

__all__ = ["primary_name", "language_content", "names_of", "check_names"]


def check_names(names: dict[str, str], what: str) -> dict[str, str]:
    """``names`` with empty values dropped; :class:`InputError` if nothing is left or a language is odd."""
    clean = {lang: str(value).strip() for lang, value in (names or {}).items() if value and str(value).strip()}
    if not clean:
        raise InputError(f"{what} needs a name in at least one of {', '.join(LANGUAGES)}")
    for lang in clean:
        if lang not in LANGUAGES:
            raise InputError(f"{what}: names are given in {', '.join(LANGUAGES)}, not {lang!r}")
    return clean


def primary_name(names: dict[str, str]) -> tuple[str, str]:
    """(language, name) used as the object's STIX ``name``: English for interoperability, else Arabic, else French."""
    for lang in ("en", "ar", "fr"):
        if names.get(lang):
            return lang, names[lang]
    raise InputError("no name given")


def language_content(obj: dict, names: dict[str, str], *, created: str, modified: str | None = None,
                     field: str = "name", created_by_ref: str | None = None,
                     object_marking_refs: list[str] | None = None) -> dict | None:
    """The language-content giving ``obj``'s ``field`` in each language of ``names`` other than the one in
    ``obj`` itself; None when there is no other language. Its id is derived from ``obj``'s id."""
    contents = {lang: {field: text} for lang, text in sorted(names.items()) if text and text != obj.get(field)}
    if not contents:
        return None
    out = {
        "type": "language-content",
        "spec_version": "2.1",
        "id": stable_id("language-content", f"{obj['id']}:{field}"),
        "created": created,
        "modified": modified or created,
        "object_ref": obj["id"],
        "object_modified": obj["modified"],
        "contents": contents,
    }
    if created_by_ref:
        out["created_by_ref"] = created_by_ref
    if object_marking_refs:
        out["object_marking_refs"] = list(object_marking_refs)
    return out


def names_of(obj: dict, contents: list[dict] | tuple = (), field: str = "name") -> dict[str, str]:
    """``field`` of ``obj`` in every language known: from the language-contents that point at it (and its
    ``lang``, English if unset)."""
    out = {obj.get("lang", "en"): obj[field]} if obj.get(field) else {}
    for content in contents:
        if content.get("object_ref") != obj.get("id"):
            continue
        for lang, values in (content.get("contents") or {}).items():
            if isinstance(values, dict) and values.get(field):
                out[lang] = values[field]
    return out
