"""Every string of the web interface is translated in ar, en and fr, and the committed .mo files are current."""

from marsad.web.catalogues import extract_messages, missing_translations, stale_mo_files
from marsad.web.i18n import LANGUAGES, LOCALE_DIR


def test_strings_are_extracted_from_templates_and_code():
    found = extract_messages()
    assert "Sign in" in found  # templates
    assert "Wrong username or password." in found  # page code (N_)


def test_every_string_is_translated_in_every_language():
    missing = missing_translations()
    assert not any(missing.values()), (
        f"untranslated strings (run `python -m marsad.web.catalogues update`, fill msgstr, then compile): {missing}")


def test_compiled_catalogues_are_up_to_date():
    for lang in LANGUAGES:
        assert (LOCALE_DIR / lang / "LC_MESSAGES" / "marsad.mo").is_file()
    stale = stale_mo_files()
    assert not stale, f"recompile with `python -m marsad.web.catalogues compile`: {stale}"
