"""The pipeline: reports and incidents stored with the queue rows in one transaction; copies dropped; markings and
alerts under the sharing rules; a poisonous item fails alone; kill -9 of a worker loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marsad.config import Settings
from marsad.errors import ConfigError
from marsad.model.incident import incident_fields
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.monitor.collect import poll
from marsad.monitor.incident_files import file_report
from marsad.monitor.items import make_item
from marsad.monitor.sources import add_source
from marsad.monitor import pipeline as pipeline_module
from marsad.monitor import preparing
from marsad.monitor.extract import extract_report
from marsad.monitor.pipeline import Pipeline, PipelineResult
from marsad.monitor.queue import QueuedItem
from marsad.monitor.queue import enqueue, queue_counts
from marsad.monitor.subscriptions import create_subscription
from marsad.store.alerts import alert_log
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.store.objects import stix_objects
from marsad.store.pipeline_items import pipeline_items
from tests.monitor.alert_world import alert_world
from tests.monitor.feeds_data import rss_of
from tests.monitor.local_http import LocalServer, Route

PUBLISHED = datetime(2026, 11, 17, 9, 0, tzinfo=timezone.utc)
SETTINGS = Settings(public_url="https://marsad.example.org")

# Our own sentences: one bombing in Kirkuk reported in three languages, a copy of the English report with a
# trailing sentence, an unrelated shooting in Mogadishu, and policy news that is not an incident.
KIRKUK_EN = ("A car bomb exploded near the central market in Kirkuk, Iraq on Monday, killing 7 people and wounding "
             "12 others, police officials said. No group has claimed responsibility for the attack so far.")
KIRKUK_AR = ("انفجرت سيارة مفخخة قرب السوق المركزي في مدينة كركوك العراقية يوم الاثنين، ما أسفر عن مقتل 7 أشخاص "
             "وإصابة 12 آخرين، بحسب مصادر في الشرطة.")
KIRKUK_FR = ("Une voiture piégée a explosé près du marché central de Kirkouk, en Irak, lundi, tuant 7 personnes et "
             "en blessant 12 autres, selon la police.")
KIRKUK_COPY = KIRKUK_EN + " The market was crowded."
MOGADISHU = ("Gunmen from al-Shabaab stormed a hotel in Mogadishu, Somalia on Sunday, killing 9 people and wounding "
             "15, security officials said.")
POLICY = "The foreign ministers met in Cairo to discuss trade and a new regional water agreement."


def item(key: str, text: str, *, url: str | None = None, **metadata):
    return make_item(source_id=None, key=key, url=url, title="", text=text, published=PUBLISHED, language=None,
                     metadata=metadata)


@pytest.fixture
def world(database_url):
    engine, collection, identities = alert_world(database_url)
    yield engine, collection, identities
    engine.dispose()


def queue(engine, *items) -> None:
    with engine.begin() as conn:
        enqueue(conn, list(items))


def stored(engine, stix_type: str) -> list[dict]:
    with engine.connect() as conn:
        return [r.object for r in conn.execute(select(stix_objects.c.object).where(stix_objects.c.type == stix_type))]


def rows(engine) -> dict[str, object]:
    with engine.connect() as conn:
        return {r.item_key: r for r in conn.execute(select(pipeline_items))}


def test_reports_incidents_and_queue_rows_go_together(world):
    engine, collection, _ = world
    queue(engine, item("en", KIRKUK_EN, url="https://news.example/en"), item("ar", KIRKUK_AR),
          item("fr", KIRKUK_FR), item("copy", KIRKUK_COPY), item("so", MOGADISHU), item("policy", POLICY))
    result = Pipeline(engine, SETTINGS, deliver=False, batch_size=4).run_once()
    assert result.duplicates == 1 and result.failed == 0 and result.processed == 5
    assert result.processed == result.not_incidents + result.opened + result.updated
    done = rows(engine)
    assert done["copy"].status == "duplicate" and done["copy"].duplicate_of == done["en"].id
    assert done["copy"].incident_id == done["en"].incident_id and done["copy"].report_id == done["en"].report_id
    assert done["policy"].status == "done" and done["policy"].incident_id is None
    assert done["so"].incident_id != done["en"].incident_id
    reports = {r["id"]: r for r in stored(engine, "report")}
    assert set(reports) == {r.report_id for r in done.values() if r.report_id}
    report = reports[done["en"].report_id]
    assert report["object_refs"] == [done["en"].incident_id] and report["lang"] == "en"
    assert report["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.CLEAR]]
    assert report["external_references"][0]["url"] == "https://news.example/en"
    incidents = {i["id"] for i in stored(engine, "incident")}
    assert {r.incident_id for r in done.values() if r.incident_id} <= incidents
    with engine.connect() as conn:
        assert queue_counts(conn) == {"pending": 0, "done": 5, "duplicate": 1, "failed": 0}
        assert all(r.processed_at >= r.arrived_at for r in done.values())
    assert Pipeline(engine, SETTINGS, deliver=False).run_once() == PipelineResult()


def test_a_feed_in_three_languages_gives_one_incident_and_one_alert_each(world):
    engine, _, _ = world
    create_subscription(engine, "jo", "iraq", {"countries": ["IQ"]}, language="ar")
    create_subscription(engine, "sa", "bombings", {"attack_types": ["Bombing/Explosion"]}, language="fr")
    feed = rss_of([("en-1", "Car bomb in Kirkuk", KIRKUK_EN), ("ar-1", "انفجار في كركوك", KIRKUK_AR),
                   ("fr-1", "Attentat à Kirkouk", KIRKUK_FR)])
    feed = feed.replace(b"</guid>", b"</guid><pubDate>Tue, 17 Nov 2026 09:00:00 GMT</pubDate>")
    with LocalServer() as server:
        server.routes["/feed"] = Route(body=feed, headers={"Content-Type": "application/rss+xml"})
        source = add_source(engine, "wire", "feed", server.url("/feed"), interval_seconds=60, allow_private=True)
        assert len(poll(engine, source).items) == 3
    result = Pipeline(engine, SETTINGS, deliver=False).run_once()
    assert result.processed == 3 and result.opened == 1 and result.updated == 2
    (incident_id,) = {r.incident_id for r in rows(engine).values()}
    versions = [i for i in stored(engine, "incident") if i["id"] == incident_id]
    latest = max(versions, key=lambda i: i["modified"])
    assert sorted(incident_fields(latest)["report_refs"]) == sorted(r.report_id for r in rows(engine).values())
    with engine.connect() as conn:
        told = conn.execute(select(alert_log.c.subscription_id, alert_log.c.incident_id)).all()
    assert len(told) == 2 and {t.incident_id for t in told} == {incident_id}


def test_a_copy_arriving_later_is_a_duplicate_too(world):
    engine, _, _ = world
    queue(engine, item("en", KIRKUK_EN))
    Pipeline(engine, SETTINGS, deliver=False).run_once()
    queue(engine, item("copy", KIRKUK_COPY), item("other", MOGADISHU))
    result = Pipeline(engine, SETTINGS, deliver=False).run_once()
    assert result.duplicates == 1 and result.processed == 1


def test_submission_keeps_its_marking_and_officer_fields(world):
    engine, collection, identities = world
    create_subscription(engine, "jo", "everything", {}, language="en")
    create_subscription(engine, "sa", "everything", {}, language="en")
    submission = item("sub-1", KIRKUK_EN, tlp="amber", release_to=["JO"], created_by_ref=identities["EG"],
                      submitted_by="eg", fields={"killed": 9, "country": "IQ"})
    queue(engine, submission)
    result = Pipeline(engine, SETTINGS, deliver=False).run_once()
    assert result.opened == 1 and result.alerts == 1
    (report,) = stored(engine, "report")
    assert report["created_by_ref"] == identities["EG"]
    assert report["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.AMBER], releasability_marking(["JO"])["id"]]
    (incident,) = stored(engine, "incident")
    assert TLP_MARKING_IDS[Tlp.AMBER] in incident["object_marking_refs"]
    with engine.connect() as conn:
        told = conn.execute(select(alert_log.c.message, alert_log.c.killed)).all()
    assert [r.killed for r in told] == [9]  # only JO may see it; the officer's toll won


def test_alerts_once_and_again_when_the_toll_rises(world):
    engine, _, _ = world
    create_subscription(engine, "jo", "iraq", {"countries": ["IQ"]}, language="ar")
    queue(engine, item("en", KIRKUK_EN))
    assert Pipeline(engine, SETTINGS, deliver=False).run_once().alerts == 1
    queue(engine, item("ar", KIRKUK_AR))  # same toll: nobody is told again
    assert Pipeline(engine, SETTINGS, deliver=False).run_once().alerts == 0
    rose = KIRKUK_EN.replace("killing 7", "killing 11").replace("No group", "The toll rose on Tuesday. No group")
    queue(engine, item("rose", rose))
    Pipeline(engine, SETTINGS, deliver=False).run_once()
    queue(engine, item("rose-again", rose.replace("police officials", "officials")))
    Pipeline(engine, SETTINGS, deliver=False).run_once()
    latest = max(stored(engine, "incident"), key=lambda i: i["modified"])
    toll = (incident_fields(latest)["killed"] or 0) + (incident_fields(latest)["wounded"] or 0)
    with engine.connect() as conn:
        reasons = sorted(conn.execute(select(alert_log.c.reason)).scalars())
    assert reasons == (["new", "toll"] if toll > 19 else ["new"])  # once per rise, not per report


def test_a_poisonous_item_fails_alone_after_its_attempts(world, monkeypatch):
    engine, _, _ = world
    real = file_report
    calls = {"poison": 0}

    def filer(conn, report, *, now):
        if report.item_key == "poison":
            calls["poison"] += 1
            raise RuntimeError("a bug this text triggers")
        return real(conn, report, now=now)

    queue(engine, item("en", KIRKUK_EN), item("poison", MOGADISHU), item("fr", KIRKUK_FR), item("p", POLICY))
    result = Pipeline(engine, SETTINGS, deliver=False, filer=filer, max_attempts=2).run_once()
    assert result.failed == 1 and result.processed == 3 and calls["poison"] == 3  # in its batch, then alone twice
    failed = rows(engine)["poison"]
    assert failed.status == "failed" and "a bug this text triggers" in failed.error and failed.attempts == 2
    assert {r.status for k, r in rows(engine).items() if k != "poison"} == {"done"}


def _queued(*items):
    now = datetime.now(timezone.utc)
    return [QueuedItem(id=n, item=i, arrived_at=now, attempts=1) for n, i in enumerate(items)]


def test_a_batch_is_extracted_together_as_item_by_item():
    batch = _queued(item("en", KIRKUK_EN), item("fr", KIRKUK_FR), item("p", POLICY), item("m", MOGADISHU))
    together = preparing.extracted(batch)
    assert together == [extract_report(q.item.as_report()) for q in batch]


def test_a_failing_batch_extraction_falls_back_to_one_by_one(monkeypatch):
    batch = _queued(item("en", KIRKUK_EN), item("m", MOGADISHU))

    def broken(reports):
        raise RuntimeError("batch reader bug")

    monkeypatch.setattr(preparing, "extract_batch", broken)
    assert preparing.extracted(batch) == [None, None]
    prepared = [preparing.prepare(q, r) for q, r in zip(batch, preparing.extracted(batch))]
    assert all(p.error is None and p.record["id"] == q.item.key for p, q in zip(prepared, batch))


def test_an_item_with_a_bad_marking_fails_with_its_reason(world):
    engine, _, _ = world
    queue(engine, item("bad", KIRKUK_EN, tlp="purple"), item("en", MOGADISHU))
    result = Pipeline(engine, SETTINGS, deliver=False, max_attempts=1).run_once()
    assert result.failed == 1 and result.processed == 1
    assert "not a TLP level" in rows(engine)["bad"].error


def test_run_forever_stops_on_the_event(world):
    engine, _, _ = world
    queue(engine, item("en", KIRKUK_EN))
    stop = threading.Event()
    worker = threading.Thread(target=Pipeline(engine, SETTINGS, deliver=False).run_forever, args=(stop,),
                              kwargs={"idle_sleep": 0.05})
    worker.start()
    deadline = time.monotonic() + 60
    while rows(engine)["en"].status == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    worker.join(10)
    assert not worker.is_alive() and rows(engine)["en"].status == "done"


def test_a_hub_without_its_collections_is_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    with pytest.raises(ConfigError, match="marsad init"):
        Pipeline(engine, SETTINGS).run_once()


# --- kill -9 ------------------------------------------------------------------------------------------------------
CHILD = """
import pathlib, sys, time
from marsad.config import Settings
from marsad.errors import ConfigError
from marsad.monitor import pipeline as pl
from marsad.monitor.incident_files import file_report
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
url, marker, stop_at, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
calls = 0
def stop_here():
    global calls
    calls += 1
    if calls == stop_at:  # inside the write transaction of the second batch, after the first committed
        pathlib.Path(marker).write_text("inside")
        time.sleep(120)
def filer(conn, report, *, now):
    stop_here()
    return file_report(conn, report, now=now)
real = pl.file_reports
def batch_filer(conn, reports, **options):
    filed = real(conn, reports, **options)  # written, not yet committed
    stop_here()
    return filed
pl.file_reports = batch_filer
pl.Pipeline(make_engine(url), Settings(), worker="doomed", batch_size=4, deliver=False,
            filer=filer if mode == "one-by-one" else None, lease_seconds=1,
            extract_processes=2 if mode == "pooled" else 0, wal_checkpoints=True).run_once()  # as marsad monitor
"""


def kill_items():
    texts = [KIRKUK_EN, KIRKUK_AR, KIRKUK_FR, KIRKUK_COPY, MOGADISHU, POLICY]
    more = [MOGADISHU.replace("Sunday", "Friday").replace("9 people", "4 people").replace("hotel", "restaurant"),
            KIRKUK_FR.replace("7 personnes", "8 personnes")]
    return [item(f"i{n}", text) for n, text in enumerate(texts + more + texts[:2])]


def summary(engine):
    with engine.connect() as conn:
        statuses = {r.item_key: (r.status, r.report_id) for r in conn.execute(select(pipeline_items))}
        reports = conn.execute(select(stix_objects.c.stix_id).where(stix_objects.c.type == "report")).scalars().all()
        incidents = conn.execute(select(func.count(func.distinct(stix_objects.c.stix_id)))
                                 .where(stix_objects.c.type == "incident")).scalar()
    return statuses, sorted(reports), incidents


@pytest.mark.parametrize("mode, stop_at", [("one-by-one", "6"), ("batch", "2"), ("pooled", "2")])
def test_kill_9_mid_batch_loses_and_doubles_nothing(world, database_url, tmp_path, mode, stop_at):
    engine, _, _ = world
    queue(engine, *kill_items())
    marker = tmp_path / "inside"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, database_url, str(marker), stop_at, mode], env=env)
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the worker never reached its second batch"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    with engine.connect() as conn:
        between = queue_counts(conn)
    assert 0 < between["pending"] < len(kill_items())  # the first batch committed, the second did not
    time.sleep(1.2)  # the dead worker's lease runs out
    Pipeline(engine, SETTINGS, deliver=False, worker="survivor").run_once()
    statuses, reports, incidents = summary(engine)
    assert {s for s, _ in statuses.values()} <= {"done", "duplicate"}
    assert len(reports) == len(set(reports)) == len({r for s, r in statuses.values() if s == "done" and r})

    reference_engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'reference.db'}")  # the same items, no kill
    queue(reference_engine, *kill_items())
    Pipeline(reference_engine, SETTINGS, deliver=False, batch_size=4).run_once()
    expected_statuses, expected_reports, expected_incidents = summary(reference_engine)
    reference_engine.dispose()
    assert statuses == expected_statuses and reports == expected_reports and incidents == expected_incidents


def test_a_live_worker_claims_more_while_the_queue_backs_up_and_less_once_it_is_short():
    from marsad.monitor.pipeline import _next_size

    sizes, size = [], 32
    for claimed in (32, 64, 128, 200, 200, 7, 0):
        size = _next_size(size, claimed, 32, 200)
        sizes.append(size)
    assert sizes == [64, 128, 200, 200, 200, 32, 32]


def test_a_worker_settles_its_heap_once_so_full_collections_skip_the_models():
    import gc

    from marsad.monitor.pipeline import settle_heap

    settle_heap()
    frozen = gc.get_freeze_count()
    settle_heap()
    assert frozen > 10_000 and gc.get_freeze_count() == frozen


def test_a_worker_refreshes_the_planner_statistics_as_its_tables_grow(world, monkeypatch):
    """After 1,000 items, then 2,000 more, 4,000 more… (at most every 50,000): ANALYZE of the tables it grows."""
    from marsad.monitor import pipeline as pipeline_module

    engine, _, _ = world
    calls = []
    monkeypatch.setattr(pipeline_module, "ANALYSE_SCHEDULE", (2, 5))
    monkeypatch.setattr(pipeline_module, "analyse_tables", lambda e, tables: calls.append((e, tables)))
    queue(engine, *(item(f"p{n}", POLICY + f" Meeting {n}.") for n in range(12)))
    Pipeline(engine, SETTINGS, deliver=False, batch_size=1).run_once()
    assert len(calls) == 3  # after 2, 2 + 4 and 2 + 4 + 5 items (run_once waits for a refresh in a thread)
    assert all(e is engine and "incident_files" in tables for e, tables in calls)
    with engine.connect() as conn:
        assert queue_counts(conn)["pending"] == 0


# --- extraction processes and concurrent workers ------------------------------------------------------------------
def test_extraction_processes_give_what_the_writer_alone_gives(world, tmp_path):
    engine, _, _ = world
    queue(engine, *kill_items())
    pooled = Pipeline(engine, SETTINGS, deliver=False, batch_size=3, extract_processes=2).run_once()
    reference_engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'reference.db'}")
    queue(reference_engine, *kill_items())
    alone = Pipeline(reference_engine, SETTINGS, deliver=False, batch_size=3, extract_processes=0).run_once()
    expected = summary(reference_engine)
    reference_engine.dispose()
    assert pooled == alone and pooled.processed + pooled.duplicates == len(kill_items())
    assert summary(engine) == expected


def _die_in_extraction(batch):
    os._exit(1)  # the extraction process is killed mid-batch


def test_a_broken_extraction_pool_falls_back_to_the_writer(world, monkeypatch):
    engine, _, _ = world
    queue(engine, *kill_items()[:4])
    monkeypatch.setattr(preparing, "prepared_parts", _die_in_extraction)
    result = Pipeline(engine, SETTINGS, deliver=False, batch_size=2, extract_processes=1).run_once()
    assert result.processed + result.duplicates == 4 and result.failed == 0


def test_extraction_processes_end_with_a_killed_writer(tmp_path):
    code = ("import os, sys, time\n"
            "from marsad.monitor.preparing import Preparers\n"
            "p = Preparers(2); p.start()\n"
            "print(' '.join(str(c.pid) for c in p._pool._processes.values()), flush=True)\n"
            "time.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writer = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in writer.stdout.readline().split()]
    assert len(children) == 2
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(30)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_two_workers_filing_one_event_at_once_open_one_incident(world):
    engine, _, _ = world
    queue(engine, item("a", KIRKUK_EN), item("b", KIRKUK_FR))
    both = threading.Barrier(2, timeout=30)
    real_file = Pipeline._file

    def file_together(self, prepared):
        both.wait()  # each worker holds its item, extracted, and starts its write transaction with the other
        return real_file(self, prepared)
    results = []

    def work(name: str) -> None:
        pipeline = Pipeline(engine, SETTINGS, deliver=False, worker=name, batch_size=1)
        pipeline._file = file_together.__get__(pipeline)
        results.append(pipeline.process(pipeline._claim(1)))
    threads = [threading.Thread(target=work, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted((r.processed, r.opened, r.updated) for r in results) == [(1, 0, 1), (1, 1, 0)]
    _, reports, incidents = summary(engine)
    assert len(reports) == 2 and incidents == 1


def _waiting_on_a_lock(engine) -> bool:
    """Whether some session of this database waits for a lock (PostgreSQL only)."""
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql("SELECT count(*) FROM pg_locks AS l JOIN pg_stat_activity AS a "
                                         "ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()")
                    .scalar())


def _overlapping_workers(engine, first: list, second: list) -> tuple[list[str], dict]:
    """Worker w1 files ``first`` and stops inside its write transaction (its rows written, not committed); worker
    w2 then files ``second``. Returns the order the two transactions committed in and each one's result."""
    inside, release, order, results = threading.Event(), threading.Event(), [], {}
    real = pipeline_module.file_reports

    def pausing(conn, reports, **options):
        filed = real(conn, reports, **options)
        if threading.current_thread().name == "w1":
            inside.set()
            release.wait(60)
        return filed
    workers = {name: Pipeline(engine, SETTINGS, deliver=False, worker=name) for name in ("w1", "w2")}
    batches = {"w1": workers["w1"]._claim(len(first)), "w2": workers["w2"]._claim(len(second))}
    assert [[q.item.key for q in b] for b in batches.values()] == [[i.key for i in first], [i.key for i in second]]

    def work(name: str) -> None:
        results[name] = workers[name].process(batches[name])
        order.append(name)
    pipeline_module.file_reports = pausing
    one = threading.Thread(target=work, args=("w1",), name="w1")
    two = threading.Thread(target=work, args=("w2",), name="w2")
    try:
        one.start()
        assert inside.wait(60), "w1 never reached its filing"
        two.start()
        deadline = time.monotonic() + 30
        if engine.dialect.name == "postgresql":  # w2 is seen waiting for w1's transaction
            while not _waiting_on_a_lock(engine) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _waiting_on_a_lock(engine)
        else:  # SQLite: its one writer; w2 has had time to finish, were it not waiting
            two.join(1.5)
        assert order == [] and two.is_alive()
    finally:
        release.set()
        for thread in (one, two):
            if thread.is_alive():
                thread.join(60)
        pipeline_module.file_reports = real
    return order, results


def test_two_overlapping_transactions_of_one_event_give_one_incident_one_copy_one_alert(world, tmp_path):
    """The guarantee any finer write lock must keep: w2 starts its transaction while w1's (which filed the event
    and the original of a copy) is open; w2's report of the same event merges into w1's incident, its copy is a
    duplicate and nobody is alerted twice, exactly as when the two batches run one after the other."""
    engine, _, _ = world
    create_subscription(engine, "jo", "iraq", {"countries": ["IQ"]}, language="ar")
    first, second = [item("en", KIRKUK_EN)], [item("fr", KIRKUK_FR), item("copy", KIRKUK_COPY)]
    queue(engine, *first, *second)
    order, results = _overlapping_workers(engine, first, second)
    assert order == ["w1", "w2"]  # w2 committed after w1, although it began while w1 was open
    assert (results["w2"].processed, results["w2"].duplicates, results["w2"].updated) == (1, 1, 1)
    done = rows(engine)
    assert done["copy"].status == "duplicate" and done["copy"].duplicate_of == done["en"].id
    assert done["fr"].incident_id == done["en"].incident_id

    reference, _, _ = alert_world(f"sqlite:///{tmp_path / 'reference.db'}")  # the same batches one after the other
    create_subscription(reference, "jo", "iraq", {"countries": ["IQ"]}, language="ar")
    queue(reference, *first, *second)
    serial = Pipeline(reference, SETTINGS, deliver=False)
    serial.process(serial._claim(1))
    serial.process(serial._claim(2))
    with reference.connect() as conn:
        expected_reasons = sorted(conn.execute(select(alert_log.c.reason)).scalars())
    expected = summary(reference)
    reference.dispose()
    with engine.connect() as conn:
        reasons = sorted(conn.execute(select(alert_log.c.reason)).scalars())
    assert summary(engine) == expected and expected[2] == 1
    assert reasons == expected_reasons == ["new"]


@pytest.mark.parametrize("live_batch", [2, 32])  # full claims (a backlog: filed a claim later) and short ones
def test_run_forever_with_extraction_processes_files_everything_once(world, tmp_path, live_batch):
    engine, _, _ = world
    queue(engine, *kill_items())
    stop = threading.Event()

    def stop_when_done() -> None:
        deadline = time.monotonic() + 90
        while any(r.status == "pending" for r in rows(engine).values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
    watcher = threading.Thread(target=stop_when_done)
    watcher.start()
    Pipeline(engine, SETTINGS, deliver=False, extract_processes=2).run_forever(
        stop, poll_sources=False, idle_sleep=0.05, batch_size=live_batch)
    watcher.join(10)
    reference_engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'reference.db'}")
    queue(reference_engine, *kill_items())
    Pipeline(reference_engine, SETTINGS, deliver=False, batch_size=live_batch).run_once()
    expected = summary(reference_engine)
    reference_engine.dispose()
    assert summary(engine) == expected


# --- WAL checkpoints and batch sizes --------------------------------------------------------------------------------
def _observing_filer(seen: list):
    """A filer that records, inside the write transaction, the connection's checkpoint threshold and whether the
    background checkpoint thread runs."""
    def filer(conn, report, *, now):
        seen.append((conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar(),
                     any(t.name == "marsad-wal-checkpoint" for t in threading.enumerate())))
        return file_report(conn, report, now=now)
    return filer


@pytest.mark.parametrize("run", ["once", "forever"])
def test_a_run_checkpoints_the_wal_off_its_commits_and_gives_the_engine_back(tmp_path, run):
    """SQLite: while a run goes, its commits do not checkpoint (only past the backstop) and a thread does;
    afterwards the engine's connections checkpoint as before and the thread is gone."""
    from marsad.store.engine import BACKSTOP_PAGES

    engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'wal.db'}")
    queue(engine, item("en", KIRKUK_EN), item("so", MOGADISHU))
    seen: list = []
    pipeline = Pipeline(engine, SETTINGS, deliver=False, batch_size=1, filer=_observing_filer(seen),
                        wal_checkpoints=True)
    if run == "once":
        pipeline.run_once()
    else:
        stop = threading.Event()
        worker = threading.Thread(target=pipeline.run_forever, args=(stop,), kwargs={"idle_sleep": 0.02},
                                  daemon=True)
        worker.start()
        try:
            deadline = time.monotonic() + 60
            while len(seen) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            stop.set()
            worker.join(60)
        assert not worker.is_alive()
    assert seen == [(BACKSTOP_PAGES, True)] * 2
    assert not any(t.name == "marsad-wal-checkpoint" for t in threading.enumerate())
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    assert {r.status for r in rows(engine).values()} == {"done"}
    engine.dispose()


def test_a_pipeline_that_does_not_own_its_engine_leaves_its_checkpoints_alone(tmp_path):
    """By default (``marsad up``, whose web app checkpoints the same engine; tests sharing it between threads)
    a run neither starts a checkpoint thread nor changes the engine's connections."""
    engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'wal.db'}")
    queue(engine, item("en", KIRKUK_EN))
    seen: list = []
    Pipeline(engine, SETTINGS, deliver=False, filer=_observing_filer(seen)).run_once()
    assert seen == [(1000, False)]
    engine.dispose()


def test_run_once_drains_in_larger_batches_than_a_live_worker_grows_to(world, monkeypatch):
    from marsad.monitor.pipeline import LIVE_LARGEST, ONCE_BATCH

    engine, _, _ = world
    default, chosen = Pipeline(engine, SETTINGS), Pipeline(engine, SETTINGS, batch_size=64)
    assert (default.batch_size, default.live_largest) == (ONCE_BATCH, LIVE_LARGEST) and ONCE_BATCH > LIVE_LARGEST
    assert (chosen.batch_size, chosen.live_largest) == (64, 64)
    asked = []
    real = pipeline_module.claim
    monkeypatch.setattr(pipeline_module, "claim", lambda engine, worker, n, **kw: asked.append(n) or real(
        engine, worker, n, **kw))
    queue(engine, item("en", KIRKUK_EN))
    assert default.run_once().processed == 1 and asked == [ONCE_BATCH, ONCE_BATCH]
