"""The organisations registry: GTD names, aliases in three languages, UN list, hierarchy."""

from __future__ import annotations

import json

import pytest

from marsad.errors import ConfigError
from marsad.model.organisations import GROUPS_FILE, UN_FILE, load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize("gtd_name", [
    "Islamic State of Iraq and the Levant (ISIL)", "Al-Shabaab", "Houthi extremists (Ansar Allah)", "Boko Haram",
    "Al-Qaida in the Arabian Peninsula (AQAP)", "Jamaat Nusrat al-Islam wal Muslimin (JNIM)",
    "Khorasan Chapter of the Islamic State", "Taliban", "Tehrik-i-Taliban Pakistan (TTP)",
])
def test_gtd_names_resolve(registry, gtd_name):
    org = registry.by_gtd_name(gtd_name)
    assert org is not None and org.gtd_name == gtd_name
    assert org.names.get("ar") and org.names.get("fr")


@pytest.mark.parametrize("alias,key", [
    ("داعش", "isil"), ("تنظيم الدولة", "isil"), ("Daech", "isil"), ("État islamique", "isil"), ("ISIS", "isil"),
    ("الحوثيون", "houthis"), ("Ansar Allah", "houthis"), ("حركة الشباب", "al-shabaab"), ("AQMI", "aqim"),
    ("تنظيم القاعدة", "al-qaida"), ("talibans", "taliban"),
])
def test_aliases_in_three_languages(registry, alias, key):
    assert key in [o.key for o in registry.find(alias)]


def test_weak_alias_is_not_a_plain_alias(registry):
    assert "al-shabaab" not in [o.key for o in registry.find("الشباب")]
    assert "الشباب" in registry.get("al-shabaab").all_names(weak=True)
    assert "al-shabaab" in [o.key for o in registry.find("الشباب", weak=True)]
    assert "al-qaida" in [o.key for o in registry.find("القاعدة", weak=True)]


def test_lineage_and_children(registry):
    assert [o.key for o in registry.lineage("isil-barqa")] == ["isil-barqa", "isil-libya", "isil"]
    assert "isil-sinai" in [o.key for o in registry.children("isil")]


def test_every_parent_exists(registry):
    for org in registry:
        assert org.parent is None or org.parent in registry


def test_un_list_is_merged_with_source_and_date(registry):
    assert registry.un_date == "2024-09-26" and "Security Council" in registry.un_source
    assert registry.by_un_ref("SOe.001").key == "al-shabaab"
    listed = [o for o in registry if o.kind == "sanctioned-entity"]
    assert listed and all(o.un_ref and o.source == "un-sc-consolidated-list" for o in listed)


def test_perpetrators_exclude_sanctioned_companies(registry):
    kinds = {o.kind for o in registry.perpetrators()}
    assert kinds <= {"armed-group", "generic"}


def test_no_individuals_in_curated_groups():
    groups = json.loads(GROUPS_FILE.read_text(encoding="utf-8"))["groups"]
    assert all(g["kind"] in ("armed-group", "generic") for g in groups)


def test_repeated_key_is_a_config_error(tmp_path):
    groups = json.loads(GROUPS_FILE.read_text(encoding="utf-8"))
    groups["groups"].append(groups["groups"][0])
    path = tmp_path / "groups.json"
    path.write_text(json.dumps(groups), encoding="utf-8")
    with pytest.raises(ConfigError, match="repeats a key"):
        load_registry(path, UN_FILE)


def test_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load_registry(tmp_path / "missing.json", UN_FILE)
