"""Folders: every supported file kind is read, bad files are reported not fatal, and read files are remembered."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from marsad.monitor.folders import read_folder

EML = b"""From: unit@example.org
To: desk@example.org
Subject: =?utf-8?b?2KrZgtix2YrYsSDYudin2KzZhA==?=
Date: Tue, 03 Nov 2026 09:15:00 +0300
Content-Language: ar
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Report body line one.
"""

EML_BAD_CHARSET = b"""Subject: odd
Content-Type: text/plain; charset="x-no-such-charset"

Caf\xe9 attack report.
"""


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_each_file_kind_is_read(tmp_path):
    write(tmp_path, "a.txt", "A plain report.")
    write(tmp_path, "b.json", json.dumps({"id": "r1", "text": "JSON report", "title": "T", "published": "2026-11-01",
                                         "lang": "fr"}))
    write(tmp_path, "c.jsonl", '{"id": "x", "text": "line one"}\nnot json\n\n{"text": "line two"}\n[1, 2]\n')
    write(tmp_path, "d.eml", EML)
    write(tmp_path, "sub/e.html", "<html><head><title>H</title></head><body><article><p>"
          + "An HTML report dropped in a sub-folder by a member state unit. " * 4 + "</p></article></body></html>")
    batch = read_folder(tmp_path, source_id=1)
    by_key = {item.key: item for item in batch.items}
    assert set(by_key) == {"a.txt", "b.json#r1", "c.jsonl#x", "c.jsonl#record-4", "d.eml", "sub/e.html"}
    assert by_key["a.txt"].text == "A plain report." and by_key["a.txt"].title == "a"
    assert by_key["b.json#r1"].published == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert by_key["b.json#r1"].language == "fr"
    mail = by_key["d.eml"]
    assert (mail.title, mail.text, mail.language) == ("تقرير عاجل", "Report body line one.", "ar")
    assert mail.published == datetime(2026, 11, 3, 6, 15, tzinfo=timezone.utc)
    assert "sub-folder" in by_key["sub/e.html"].text
    assert len(batch.fingerprints) == 5 and batch.problems == []


def test_wrong_encodings_never_crash(tmp_path):
    write(tmp_path, "latin.txt", "Café à Tunis: rapport d'incident.".encode("latin-1"))
    write(tmp_path, "arabic.txt", "تقرير عن هجوم في المدينة الشمالية صباح اليوم".encode("cp1256"))
    write(tmp_path, "bad.eml", EML_BAD_CHARSET)
    write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps({"id": 1, "text": "with BOM"}).encode())
    items = {item.key: item for item in read_folder(tmp_path).items}
    assert "Tunis" in items["latin.txt"].text
    assert "\ufffd" not in items["arabic.txt"].text and items["arabic.txt"].text
    assert "attack report" in items["bad.eml"].text
    assert items["bom.json#1"].text == "with BOM"


def test_bad_files_are_reported_and_others_still_read(tmp_path):
    write(tmp_path, "broken.json", "{not json")
    write(tmp_path, "empty.txt", "   ")
    write(tmp_path, "good.txt", "Still read.")
    write(tmp_path, "big.txt", "x" * 2000)
    write(tmp_path, ".hidden.txt", "hidden")
    write(tmp_path, "notes.docx", "ignored kind")
    os.symlink(tmp_path / "good.txt", tmp_path / "link.txt")
    batch = read_folder(tmp_path, max_file_bytes=1000)
    assert [item.key for item in batch.items] == ["good.txt"]
    assert any(p.startswith("broken.json") for p in batch.problems)
    assert any(p.startswith("big.txt") for p in batch.problems)


def test_read_files_are_remembered_and_rewritten_ones_read_again(tmp_path):
    path = write(tmp_path, "a.txt", "first")
    first = read_folder(tmp_path)
    assert [i.text for i in first.items] == ["first"]
    assert read_folder(tmp_path, known=set(first.fingerprints)).items == []
    path.write_text("second version")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    again = read_folder(tmp_path, known=set(first.fingerprints))
    assert [i.text for i in again.items] == ["second version"]


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    batch = read_folder(tmp_path / "nope")
    assert batch.items == [] and "not a readable folder" in batch.problems[0]


def test_a_huge_drop_is_spread_over_several_reads(tmp_path):
    for n in range(5):
        write(tmp_path, f"r{n}.txt", f"report {n}")
    known: set = set()
    texts = []
    for _ in range(3):
        batch = read_folder(tmp_path, known=known, max_files=2)
        known.update(batch.fingerprints)
        texts += [i.text for i in batch.items]
    assert sorted(texts) == [f"report {n}" for n in range(5)]


def test_a_huge_drop_of_records_is_read_a_few_files_at_a_time(tmp_path):
    for n in range(4):
        write(tmp_path, f"r{n}.jsonl", "\n".join(json.dumps({"id": f"{n}-{k}", "text": f"report {n}-{k}"})
                                                 for k in range(3)))
    known: set = set()
    sizes, texts = [], []
    for _ in range(3):
        batch = read_folder(tmp_path, known=known, max_items=5)
        known.update(batch.fingerprints)
        sizes.append(len(batch.items))
        texts += [i.text for i in batch.items]
    assert sizes == [6, 6, 0]  # whole files: the second one crosses the limit, the third waits
    assert sorted(texts) == sorted(f"report {n}-{k}" for n in range(4) for k in range(3))
