"""language-content: built for the other languages only, read back together with the object's own name."""

from __future__ import annotations

from marsad.model.translations import check_names, language_content, names_of, primary_name

OBJ = {"type": "identity", "id": "identity--3fbc6b68-c297-44a8-973f-69f67538f42c", "name": "Iraq",
       "modified": "2026-01-01T00:00:00.000Z"}


def test_language_content_skips_the_objects_own_name():
    content = language_content(OBJ, {"en": "Iraq", "ar": "العراق", "fr": "Irak"}, created="2026-01-01T00:00:00.000Z")
    assert content["contents"] == {"ar": {"name": "العراق"}, "fr": {"name": "Irak"}}
    assert language_content(OBJ, {"en": "Iraq"}, created="2026-01-01T00:00:00.000Z") is None
    other = {"object_ref": "identity--00000000-0000-4000-8000-000000000000", "contents": {"fr": {"name": "X"}}}
    assert names_of(OBJ, [content, other]) == {"en": "Iraq", "ar": "العراق", "fr": "Irak"}


def test_primary_name_prefers_english_then_arabic():
    assert primary_name({"fr": "Irak", "ar": "العراق"}) == ("ar", "العراق")
    assert primary_name(check_names({"fr": "Irak", "en": " Iraq "}, "x")) == ("en", "Iraq")
