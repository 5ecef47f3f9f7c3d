"""Filing a batch gives what filing the same reports one by one gives (both backends), with few statements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor.filing_batch import file_reports
from marsad.monitor.incident_files import file_report
from marsad.store import make_engine
from marsad.store.incident_reports import (
    incident_band_keys, incident_band_keys_recent, incident_file_reports, incident_files,
)
from marsad.store.migrate import upgrade
from tests.monitor.filing_world import T0, report

AMBER = (TLP_MARKING_IDS[Tlp.AMBER],)
ORG = "identity--11111111-1111-4111-8111-111111111111"
MOSUL = dict(city="Mosul", admin1="Nineveh", latitude=36.34, longitude=43.13, text="Gunmen attacked a checkpoint in Mosul.")


def reports():
    """Reports that open, merge (also into incidents opened earlier in the same batch), repeat, stay apart."""
    return [
        report(1, killed=3, wounded=10),
        report(2, hours=5, killed=7, wounded=15),  # merges into 1, toll rises
        report(3, **MOSUL),
        report(4, hours=1, tlp="amber", marking=AMBER, created_by_ref=ORG),  # own incident, related-to 1's
        report(5, hours=2, **{**MOSUL, "killed": 9}),  # merges into 3
        report(6, date="2026-11-02", text="An old bombing in Kirkuk."),
        report(7, is_incident=False),
        report(2, hours=5, killed=7, wounded=15),  # already filed (earlier in the batch)
        report(8, hours=20, date=None, killed=11),  # undated follow-up of 1
        report(9, date="2026-11-01", date_precision="month", city=None, admin1=None, latitude=None, longitude=None,
               text="Bombings in Iraq this month."),
    ]


def table_rows(engine):
    """The stored rows; band keys from both trees as one (on SQLite a batch's keys wait in the recent one, where
    they are kept is no outcome)."""
    with engine.connect() as conn:
        return [sorted(tuple(r) for t in tables for r in conn.execute(select(t))) for tables in
                ((incident_files,), (incident_file_reports,), (incident_band_keys, incident_band_keys_recent))]


def comparable(filing):
    return None if filing is None else (filing.incident_id, filing.opened, filing.toll_rose, filing.objects)


@pytest.fixture
def engines(database_url, tmp_path):
    one = make_engine(database_url)
    upgrade(one)
    other = make_engine(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    upgrade(other)
    yield one, other
    one.dispose()
    other.dispose()


@pytest.mark.parametrize("split", [1, 3, 20])
def test_a_batch_files_exactly_as_one_by_one(engines, split):
    batched, single = engines
    given, now = reports(), T0 + timedelta(days=1)
    with single.begin() as conn:
        expected = [comparable(file_report(conn, r, now=now)) for r in given]
    got = []
    for start in range(0, len(given), split):
        with batched.begin() as conn:
            got += [comparable(f) for f in file_reports(conn, given[start:start + split], now=now)]
    assert got == expected
    assert table_rows(batched) == table_rows(single)
    assert [f[1] for f in got if f] == [True, False, True, True, False, True, False, False, True]


def test_a_batch_takes_a_few_statements_not_some_per_report(engines):
    engine, _ = engines
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    with engine.begin() as conn:
        filings = file_reports(conn, [report(n, hours=n, killed=n) for n in range(1, 41)], now=T0)
    # 40 reports, a constant few (9 on SQLite: the band keys go to the recent tree, then one key range moves: 2 more)
    assert len({f.incident_id for f in filings}) == 1 and len(statements) <= 10


def test_text_keys_reuse_the_fingerprints_signature_only_where_it_is_the_same():
    from marsad.monitor.filing_batch import text_keys
    from marsad.monitor.similarity import signature

    text = "Gunmen attacked a police checkpoint south of the city on Thursday, killing four officers."
    alone = signature(text)
    assert text_keys("", text, alone)[1] == text_keys("", text)[1]
    assert text_keys("", text, alone)[0].to_bytes() == text_keys("", text)[0].to_bytes()
    titled = text_keys("Checkpoint attack in the south", text, alone)
    assert titled[1] == text_keys("Checkpoint attack in the south", text)[1] != text_keys("", text)[1]


def test_text_keys_from_words_folded_once_equal_the_texts_own():
    from marsad.monitor.filing_batch import text_keys
    from marsad.monitor.similarity import words

    text = "Une voiture piégée a explosé près du marché de Kirkouk, lundi, faisant 7 morts, selon la police."
    for title in ("", "Kirkouk : attentat au marché"):
        folded = text_keys(title, text, None, words(title) + words(text))
        plain = text_keys(title, text)
        assert folded[0].to_bytes() == plain[0].to_bytes() and folded[1] == plain[1]
    long_text = "mot " * 6_000  # past the size limit: the words given are not the body's, so they are not used
    assert text_keys("", long_text, None, ["autre"])[1] == text_keys("", long_text)[1]


def _crowd(n: int, **fields):
    """A report of its own event: a text and title of words no other report has (no shared band keys)."""
    code = "".join(chr(ord("a") + int(d)) for d in f"{n:04d}")
    words = " ".join(f"{code}{suffix}" for suffix in ("qa", "qb", "qc", "qd", "qe", "qf", "qg", "qh"))
    return report(n, title=f"Dispatch {code}", text=f"Dispatch {words}.", latitude=None, longitude=None, **fields)


def test_a_crowded_window_offers_only_its_newest_candidates_as_one_by_one(engines):
    """More open incidents in a report's window than CANDIDATE_LIMIT: only the newest (by ``modified``) are
    candidates, in a batch (whose window rows are read without ``modified``) as one by one."""
    from marsad.monitor.incident_files import CANDIDATE_LIMIT

    batched, single = engines
    first = _crowd(1, admin1="Kirkuk", city="Kirkuk")  # the oldest incident: the newest report's own event
    crowd = [first] + [_crowd(n, admin1=f"Region {n}", city=None) for n in range(2, CANDIDATE_LIMIT + 7)]
    late = _crowd(9000, admin1="Kirkuk", city="Kirkuk", hours=2)
    for engine in (batched, single):
        for n, r in enumerate(crowd):  # one transaction each: distinct ``modified``, the first the oldest
            with engine.begin() as conn:
                file_reports(conn, [r], now=T0 + timedelta(minutes=n)) if engine is batched else file_report(
                    conn, r, now=T0 + timedelta(minutes=n))
    later = T0 + timedelta(hours=5)
    with single.begin() as conn:
        expected = comparable(file_report(conn, late, now=later))
    with batched.begin() as conn:
        got = comparable(file_reports(conn, [late], now=later)[0])
    assert got == expected
    assert got[1] is True  # its event's incident is not among the newest: it opens one
    assert table_rows(batched) == table_rows(single)
