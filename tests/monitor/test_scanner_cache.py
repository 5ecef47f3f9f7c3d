"""Built scanners are kept on disk, reused while their sources are unchanged, rebuilt otherwise."""

from __future__ import annotations

import gzip
import os
import pickle

import pytest

from marsad.monitor import scanner_cache
from marsad.monitor.places import place_scanner
from marsad.monitor.scanner import NameScanner, scan_text
from marsad.monitor.scanner_cache import cached_scanner, ship_scanner, shipped_scanner
from marsad.text import fold


def _builder(calls: list):
    def build() -> NameScanner:
        calls.append(1)
        return NameScanner([(fold("Mosul"), "mosul"), (fold("الموصل"), "mosul")])
    return build


def _keys(scanner: NameScanner, text: str) -> list:
    return [(h.key, h.payloads) for h in scanner.scan(scan_text(text))]


def test_second_call_loads_the_saved_scanner(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    calls: list = []
    first = cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    second = cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    assert calls == [1]
    assert _keys(second, "a bomb in Mosul") == _keys(first, "a bomb in Mosul") == [("mosul", ("mosul",))]
    assert _keys(second, "وبالموصل") == [("موصل", ("mosul",))]
    saved = list((tmp_path / "cache").glob("demo-*.pickle"))
    assert len(saved) == 1 and saved[0].stat().st_mode & 0o077 == 0


def test_changed_source_rebuilds_and_drops_the_old_file(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    calls: list = []
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    source.write_text("v2")
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    assert calls == [1, 1]
    assert len(list((tmp_path / "cache").glob("demo-*.pickle"))) == 1


def test_damaged_or_untrusted_file_is_rebuilt(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    calls: list = []
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    saved = next((tmp_path / "cache").glob("demo-*.pickle"))
    saved.write_bytes(b"not a pickle")
    assert _keys(cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache"), "Mosul")
    os.chmod(saved, 0o666)  # writable by others: never loaded
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    assert calls == [1, 1, 1]


def test_unwritable_folder_still_gives_a_scanner(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    calls: list = []
    scanner = cached_scanner("demo", [source], _builder(calls), folder=blocker / "cache")
    assert calls == [1] and _keys(scanner, "Mosul")


def _shipping(tmp_path, calls: list):
    """A source, a cache folder and a shipped folder holding the scanner built from the source."""
    source = tmp_path / "source.txt"
    source.write_text("v1")
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    ship_scanner("demo", folder=tmp_path / "shipped")
    return source


def test_shipped_scanner_equals_the_built_one(tmp_path):
    calls: list = []
    source = _shipping(tmp_path, calls)
    shipped = shipped_scanner("demo", [source], folder=tmp_path / "shipped")
    built = _builder([])()
    assert shipped is not None and shipped.rows() == built.rows()
    for text in ("a bomb in Mosul", "وبالموصل", "Mosulx"):
        assert _keys(shipped, text) == _keys(built, text)


def test_shipped_scanner_is_refused_when_a_source_changed_or_the_rows_are_damaged(tmp_path):
    calls: list = []
    source = _shipping(tmp_path, calls)
    source.write_text("v2")
    assert shipped_scanner("demo", [source], folder=tmp_path / "shipped") is None
    source.write_text("v1")
    path = tmp_path / "shipped" / "demo.tsv.gz"
    header, body = gzip.decompress(path.read_bytes()).decode().split("\n", 1)
    path.write_bytes(gzip.compress((header + "\n" + body.replace("mosul", "basra", 1)).encode()))
    assert shipped_scanner("demo", [source], folder=tmp_path / "shipped") is None
    path.write_bytes(b"not gzip")
    assert shipped_scanner("demo", [source], folder=tmp_path / "shipped") is None


def test_scanner_with_other_payloads_cannot_ship(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    cached_scanner("odd", [source], lambda: NameScanner([("mosul", 7)]), folder=tmp_path / "cache")
    with pytest.raises(ValueError):
        ship_scanner("odd", folder=tmp_path / "shipped")


def test_bundled_place_scanner_is_shipped_and_current():
    """A stale shipped scanner is ignored (start-up builds it: over a second); regenerate it with
    `python scripts/build_scanners.py` after changing anything it is built from."""
    place_scanner()
    sources, _ = scanner_cache._REQUESTED["place-scanner"]
    shipped = shipped_scanner("place-scanner", sources)
    assert shipped is not None, "marsad/data/scanners/place-scanner.tsv.gz is stale: run scripts/build_scanners.py"
    assert shipped.rows() == place_scanner().rows()


def test_scanner_built_with_another_layout_is_rebuilt(tmp_path):
    # a process running older code can save its scanner under the digest of newer sources: never load it
    source = tmp_path / "source.txt"
    source.write_text("v1")
    calls: list = []
    cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    saved = next((tmp_path / "cache").glob("demo-*.pickle"))
    old = NameScanner([(fold("Mosul"), "mosul")])
    old.layout = 1
    saved.write_bytes(pickle.dumps(old))
    again = cached_scanner("demo", [source], _builder(calls), folder=tmp_path / "cache")
    assert calls == [1, 1] and _keys(again, "وبالموصل") == [("موصل", ("mosul",))]
