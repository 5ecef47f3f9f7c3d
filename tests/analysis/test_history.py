"""GTD and ACLED imports from small CSV files written here (real files' quirks included), and the row mappings."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from stix2validator import ValidationOptions, validate_instance

from marsad.analysis.history import import_history
from marsad.analysis.history_rows import NotAnIncident, acled_fields, gtd_country, gtd_fields
from marsad.analysis.trends import counts, visibility
from marsad.errors import InputError, StoreError
from marsad.model import incident_fields
from marsad.model.ids import stable_id
from marsad.store import open_store, stix_objects

GTD_HEADER = ["eventid", "iyear", "imonth", "iday", "country", "country_txt", "provstate", "city", "latitude",
              "longitude", "attacktype1", "attacktype1_txt", "attacktype2", "attacktype2_txt", "targtype1",
              "targtype1_txt", "weaptype1", "weaptype1_txt", "gname", "nkill", "nwound", "summary", "success",
              "suicide"]
#: invented rows in GTD's layout (not GTD data)
GTD_ROWS = [
    ["201501010001", "2015", "1", "1", "95", "Iraq", "Nineveh", "Mosul", "36.34", "43.13", "3", "Bombing/Explosion",
     "", "", "4", "Military", "6", "Explosives", "Group A", "3", "10", "A made-up bombing.", "1", "0"],
    ["201501050002", "2015", "1", "0", "95", "Iraq", "Anbar", "Ramadi", "", "", "2", "Armed Assault", "1",
     "Assassination", "3", "Police", "5", "Firearms", "Unknown", "", "2", "", "1", "0"],
    ["201502000003", "2015", "0", "0", "200", "Syria", "", "Unknown", "", "", "9", "Unknown", "", "", "", "", "6",
     "Explosives/Bombs/Dynamite", "Group B", "0", "", "", "0", "0"],
    ["198903030004", "1989", "3", "3", "359", "Soviet Union", "", "Tbilisi", "", "", "2", "Armed Assault", "", "",
     "", "", "", "", "Group C", "1", "0", "", "1", "0"],
    ["201503030005", "2015", "3", "3", "95", "Iraq", "Salah ad Din", "Tikrît", "", "", "3", "Bombing/Explosion", "",
     "", "", "", "", "", "Group A", "1.0", "0", "", "1", "1"],
    ["bad-id", "2015", "3", "3", "95", "Iraq", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["201504040007", "2015", "13", "3", "95", "Iraq", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", ""],
    ["201501010001", "2015", "1", "1", "95", "Iraq", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", ""],
]


def _write_csv(path: Path, header, rows, encoding="utf-8-sig") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


def _incidents(store) -> dict:
    page = store.query(types=["incident"], limit=1000)
    return {item.object["id"]: incident_fields(item.object) for item in page.objects}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "latin-1"])
def test_gtd_import_maps_rows_and_reports_bad_ones(store, tmp_path, encoding):
    path = _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS, encoding)
    report = import_history(store, path, "gtd", tlp="clear")
    assert (report.rows, report.added, len(report.problems)) == (8, 5, 3)
    assert [p.line for p in report.problems] == [7, 8, 9]
    assert "eventid" in report.problems[0].reason and "repeats" in report.problems[2].reason
    assert report.unknown_countries == Counter({"Soviet Union": 1})
    got = _incidents(store)
    first = got[stable_id("incident", "gtd:201501010001")]
    assert (first["country"], first["admin1"], first["city"], first["killed"], first["wounded"]) == \
        ("IQ", "Nineveh", "Mosul", 3, 10)
    assert first["attack_types"] == ["Bombing/Explosion"] and first["weapon_types"] == ["Explosives"]
    second = got[stable_id("incident", "gtd:201501050002")]
    assert second["occurred_precision"] == "month" and second["killed"] is None and second["perpetrator"] is None
    assert second["attack_types"] == ["Armed Assault", "Assassination"]
    third = got[stable_id("incident", "gtd:201502000003")]
    assert third["occurred_precision"] == "year" and third["weapon_types"] == ["Explosives"]
    assert got[stable_id("incident", "gtd:201503030005")]["city"] == "Tikrît"
    assert "line 7" in report.summary()


def test_counts_by_country_equal_the_file(store, tmp_path):
    path = _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS[:5])
    import_history(store, path, "gtd", tlp="clear")
    expected = Counter(gtd_country(row[5]) for row in GTD_ROWS[:5])
    with store.engine.connect() as conn:
        got = {c.key: c.tally.incidents for c in counts(conn, "country", None, where=visibility(None))}
    assert got == dict(expected) == {"IQ": 3, "SY": 1, None: 1}


def test_reimport_is_idempotent_and_a_corrected_row_is_a_new_version(store, tmp_path):
    path = _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS[:5])
    import_history(store, path, "gtd")
    again = import_history(store, path, "gtd")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    corrected = [list(row) for row in GTD_ROWS[:5]]
    corrected[0][19] = "4"
    third = import_history(store, _write_csv(tmp_path / "gtd2.csv", GTD_HEADER, corrected), "gtd")
    assert (third.added, third.updated, third.unchanged) == (0, 1, 4)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(stix_objects)
                            .where(stix_objects.c.type == "incident")).scalar() == 6
        cells = counts(conn, None, None, where=None)
    assert cells[0].tally.incidents == 5 and cells[0].tally.killed == 4 + 0 + 1 + 1


def test_default_marking_is_green_and_tlp_is_honoured(store, tmp_path):
    path = _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS[:1])
    import_history(store, path, "gtd")
    with store.engine.connect() as conn:
        assert conn.execute(select(stix_objects.c.tlp).where(stix_objects.c.type == "incident")).scalar() == "green"
        assert counts(conn, None, None, where=visibility(None)) == []


def test_missing_column_refuses_the_file(store, tmp_path):
    path = _write_csv(tmp_path / "x.csv", ["id", "date"], [["1", "2020-01-01"]])
    with pytest.raises(InputError, match="eventid"):
        import_history(store, path, "gtd")
    with pytest.raises(InputError, match="no such file"):
        import_history(store, tmp_path / "absent.csv", "gtd")


def test_a_file_of_only_bad_rows_is_refused(store, tmp_path):
    path = _write_csv(tmp_path / "bad.csv", GTD_HEADER, GTD_ROWS[5:7])
    with pytest.raises(InputError, match="no usable row"):
        import_history(store, path, "gtd")


ACLED_HEADER = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "country",
                "admin1", "location", "latitude", "longitude", "fatalities", "notes", "iso"]
ACLED_ROWS = [
    ["XYZ1", "2024-04-13", "1", "Explosions/Remote violence", "Suicide bomb", "Group D", "Nigeria", "Borno",
     "Maiduguri", "11.85", "13.16", "7", "Invented note.", "566"],
    ["XYZ2", "13 April 2024", "3", "Violence against civilians", "Abduction/forced disappearance", "Group D",
     "Nigeria", "Borno", "Bama", "", "", "0", "", "566"],
    ["XYZ3", "2024-04-14", "1", "Protests", "Peaceful protest", "Protesters", "Cameroon", "", "", "", "", "0", "",
     "120"],
    ["XYZ4", "2024-04-15", "1", "Explosions/Remote violence", "Air/drone strike", "Group E", "Somewhere", "", "", "",
     "", "2", "A drone struck.", "120"],
    ["XYZ5", "not a date", "1", "Battles", "Armed clash", "Group E", "Cameroon", "", "", "", "", "1", "", "120"],
]


def test_acled_import_maps_event_types(store, tmp_path):
    path = _write_csv(tmp_path / "acled.csv", ACLED_HEADER, ACLED_ROWS)
    report = import_history(store, path, "acled", tlp="clear")
    assert (report.rows, report.added, report.out_of_scope, len(report.problems)) == (5, 3, 1, 1)
    got = _incidents(store)
    bomb = got[stable_id("incident", "acled:XYZ1")]
    assert bomb["attack_types"] == ["Bombing/Explosion"] and bomb["suicide"] is True and bomb["country"] == "NG"
    kidnap = got[stable_id("incident", "acled:XYZ2")]
    assert kidnap["attack_types"] == ["Hostage Taking (Kidnapping)"] and kidnap["occurred"] == "2024-04-01"
    drone = got[stable_id("incident", "acled:XYZ4")]
    assert drone["country"] == "CM" and drone["themes"] == ["drones"]  # country from the ISO numeric code


def test_row_mappings_directly():
    with pytest.raises(NotAnIncident):
        acled_fields(dict(zip(ACLED_HEADER, ACLED_ROWS[2])))
    assert gtd_country("West Bank and Gaza Strip") == "PS" and gtd_country("Yugoslavia") is None
    legacy = dict(zip(GTD_HEADER, GTD_ROWS[0]))
    legacy.pop("iyear")
    legacy["year"] = "2015"
    assert gtd_fields(legacy)["occurred"] == "2015-01-01"


def test_reimport_into_another_collection_adds_membership_only(store, tmp_path):
    path = _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS[:2])
    import_history(store, path, "gtd", collection=store.create_collection("A", alias="a").id)
    other = store.create_collection("B", alias="b").id
    report = import_history(store, path, "gtd", collection=other)
    assert (report.added, report.unchanged) == (0, 2)
    assert store.count(other, types=["incident"]) == 2 and store.count(types=["incident"], versions="all") == 2


def test_a_store_failure_stops_the_import_and_says_how_far_it_got(store, tmp_path, monkeypatch):
    monkeypatch.setattr("marsad.analysis.history.CHUNK", 2)
    real, calls = store.put_objects, []

    def failing(objects, **options):
        calls.append(len(objects))
        if len(calls) == 2:
            raise StoreError("could not store the objects: the database is busy or unavailable; nothing was changed")
        return real(objects, **options)

    monkeypatch.setattr(store, "put_objects", failing)
    with pytest.raises(StoreError, match="2 incidents stored before"):
        import_history(store, _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS[:5]), "gtd")
    assert store.count(types=["incident"]) == 2


def test_every_imported_object_passes_the_stix2_validator(store, tmp_path):
    """What an import writes is exchanged with peers: each object must be valid STIX 2.1 for OASIS's validator."""
    import_history(store, _write_csv(tmp_path / "gtd.csv", GTD_HEADER, GTD_ROWS), "gtd")
    import_history(store, _write_csv(tmp_path / "acled.csv", ACLED_HEADER, ACLED_ROWS), "acled")
    stored = store.query(limit=1000, versions="all").objects
    assert len(stored) >= 4
    for item in stored:
        result = validate_instance(item.object, ValidationOptions(version="2.1"))
        assert result.is_valid, (item.object["id"], [str(e) for e in result.errors])
