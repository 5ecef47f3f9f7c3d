"""The web interface's message catalogues: extract marked strings, update the .po files, compile the .mo files.

Why a module (and not a pybabel config): the same extraction is run by the test that keeps the catalogues
complete, so "what must be translated" has one definition. Strings are taken from every template in
``marsad/web/templates`` (``_()``, ``gettext``, ``{% trans %}``) and from the web package's Python modules
(``_``, ``N_``, ``gettext``). English ``msgstr`` equals the ``msgid`` (filled automatically); Arabic and French
are filled by hand. Usage::

    python -m marsad.web.catalogues update [--domain marsad]   # add missing msgids to <domain>.po
    python -m marsad.web.catalogues compile                   # .po -> .mo for every language and domain
    python -m marsad.web.catalogues check                     # list what is missing (exit 1 if anything)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from marsad.web.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

__all__ = ["WEB_DIR", "extract_messages", "po_files", "load_catalogue", "missing_translations", "compiled_bytes",
           "stale_mo_files", "update", "compile_all", "main"]

WEB_DIR = Path(__file__).resolve().parent
_METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
_OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
_KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extract_messages() -> dict[str, list[str]]:
    """Every marked message of the web interface → where it is used (``file:line``)."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(WEB_DIR), _METHODS, keywords=_KEYWORDS, options_map=_OPTIONS, comment_tags=()):
        for text in (message if isinstance(message, tuple) else (message,)):
            if text:
                found.setdefault(text, []).append(f"{filename}:{lineno}")
    return found


def po_files(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


def load_catalogue(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _translated(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in po_files(lang):
        for message in load_catalogue(path, lang):
            if message.id and isinstance(message.id, str) and message.string:
                out[message.id] = message.string
    return out


def missing_translations() -> dict[str, list[str]]:
    """Language → msgids used by the interface without a non-empty translation."""
    used = extract_messages()
    return {lang: sorted(m for m in used if m not in _translated(lang)) for lang in LANGUAGES}


def compiled_bytes(path: Path, lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, load_catalogue(path, lang))
    return buffer.getvalue()


def stale_mo_files() -> list[Path]:
    """.po files whose .mo is missing or differs from a fresh compile."""
    stale = []
    for lang in LANGUAGES:
        for path in po_files(lang):
            mo = path.with_suffix(".mo")
            if not mo.is_file() or mo.read_bytes() != compiled_bytes(path, lang):
                stale.append(path)
    return stale


def update(domain: str = DOMAIN) -> int:
    """Add msgids found in the code but in no catalogue of a language to ``<domain>.po``; returns how many."""
    used, added = extract_messages(), 0
    for lang in LANGUAGES:
        known = {m.id for path in po_files(lang) for m in load_catalogue(path, lang)}
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
        catalogue = load_catalogue(path, lang) if path.is_file() else Catalog(locale=lang, domain=domain,
                                                                            project="Marsad")
        for message in sorted(set(used) - known):
            catalogue.add(message, message if lang == "en" else "", locations=[])
            added += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalogue, omit_header=False, sort_output=True, width=120, no_location=True)
    return added


def compile_all() -> list[Path]:
    """Write the .mo next to every .po."""
    written = []
    for lang in LANGUAGES:
        for path in po_files(lang):
            path.with_suffix(".mo").write_bytes(compiled_bytes(path, lang))
            written.append(path.with_suffix(".mo"))
    return written


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        domain = argv[argv.index("--domain") + 1] if "--domain" in argv else DOMAIN
        print(f"added {update(domain)} entries")
    elif command == "compile":
        print(f"wrote {len(compile_all())} .mo files")
    missing = missing_translations()
    for lang, ids in missing.items():
        for message in ids:
            print(f"{lang}: untranslated: {message}")
    return 1 if command == "check" and any(missing.values()) else 0


if __name__ == "__main__":  # pragma: no cover - command line
    sys.exit(main(sys.argv[1:]))
