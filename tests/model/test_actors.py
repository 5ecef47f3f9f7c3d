"""Threat actors: deterministic ids, names in three languages, aliases, validity."""

from __future__ import annotations

import pytest
from stix2validator import validate_instance

from marsad.errors import InputError
from marsad.model.actors import make_threat_actor, threat_actor_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.model.translations import names_of

NAMES = {"ar": "حركة الشباب المجاهدين", "en": "Al-Shabaab", "fr": "Chabab"}


def only_uuid4_warnings(obj):
    result = validate_instance(obj)
    assert result.is_valid, [str(e) for e in result.errors]
    return [str(w) for w in result.warnings if "{103}" not in str(w)]  # {103}: deterministic (UUIDv5) id


def test_threat_actor_and_language_content():
    actor, content = make_threat_actor(NAMES, ["Harakat al-Shabaab al-Mujahideen", "al-shabaab", "الشباب"])
    assert actor["type"] == "threat-actor" and actor["threat_actor_types"] == ["terrorist"]
    assert actor["name"] == "Al-Shabaab"
    assert actor["aliases"] == ["حركة الشباب المجاهدين", "Chabab", "Harakat al-Shabaab al-Mujahideen", "الشباب"]
    assert actor["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.CLEAR]]
    assert content["object_ref"] == actor["id"] and content["object_modified"] == actor["modified"]
    assert content["contents"] == {"ar": {"name": NAMES["ar"]}, "fr": {"name": NAMES["fr"]}}
    assert names_of(actor, [content]) == NAMES
    assert only_uuid4_warnings(actor) == [] and only_uuid4_warnings(content) == []


def test_ids_are_deterministic():
    a1, c1 = make_threat_actor(NAMES)
    a2, c2 = make_threat_actor(dict(reversed(list(NAMES.items()))))
    assert (a1, c1) == (a2, c2)
    assert a1["id"] == threat_actor_id("al-shabaab") == threat_actor_id("AL-SHABAAB")
    keyed, _ = make_threat_actor({"en": "Renamed"}, key="al-shabaab")
    assert keyed["id"] == a1["id"]


def test_arabic_only_name():
    actor, content = make_threat_actor({"ar": "أنصار بيت المقدس"})
    assert actor["name"] == "أنصار بيت المقدس" and actor["lang"] == "ar"
    assert content is None


@pytest.mark.parametrize("names", [{}, {"en": "  "}, {"de": "IS"}])
def test_bad_names(names):
    with pytest.raises(InputError):
        make_threat_actor(names)
