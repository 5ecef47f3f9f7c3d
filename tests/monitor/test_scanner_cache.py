"""Built scanners are kept on disk, reused while their sources are unchanged, rebuilt otherwise."""

from __future__ import annotations

import os

from marsad.monitor.scanner import NameScanner, scan_text
from marsad.monitor.scanner_cache import cached_scanner
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
