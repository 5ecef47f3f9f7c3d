"""The monitoring pipeline: queued items → STIX reports → merged incidents → alerts, batch by batch.

Why this shape: a worker claims a batch from the durable queue (:mod:`marsad.monitor.queue`) and does the CPU
work — fingerprints for near-duplicate detection and extraction — outside any transaction, so several workers
extract in parallel (and a worker's extraction processes, :mod:`marsad.monitor.preparing`, prepare its next batch
while it files this one: the filing transactions are serial, the extraction need not be). Then, in ONE write transaction that starts by taking the store's write lock
(:func:`marsad.store.writes.lock_clock`, which serialises writers across processes), it re-checks that it
still holds the items, drops near-identical copies (:mod:`marsad.monitor.near_duplicates`), files the reports
into incidents (:func:`marsad.monitor.filing_batch.file_reports`: the batch's candidates read once, its rows
written once), stores the reports, the incident versions and their relationships
(:func:`marsad.store.writes.put_objects`), records the alerts (:func:`marsad.monitor.alerts.record_batch_alerts`:
one log insert and one audit entry per user alerted) and marks the queue rows done. Statements are per batch,
not per item, so the write lock is held briefly and the CPU work stays outside it (extraction, fingerprints and
the reports' merge signatures are computed before the transaction). A worker killed at any point
commits all of that or none of it, so a restarted worker neither loses nor doubles an item. Delivery
(webhooks, e-mail, the live stream) happens after the commit and never blocks the queue.

A failing batch is retried item by item, so one poisonous item costs its own attempts (and ends ``failed``
with its error after ``max_attempts``) while the others go through.

Collections: open-source items are filed in the ``regional`` collection (every member state's community);
a submission goes where its metadata says (``collection``), else there too.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, select

from marsad.access.context import Viewer, load_viewer
from marsad.access.setup import REGIONAL_COLLECTION
from marsad.config import Settings
from marsad.errors import ConfigError, NotFound
from marsad.monitor.alerts import AlertIncident, PendingAlert, SubscriptionIndex, public_base_url, record_batch_alerts
from marsad.monitor.collect import poll_due
from marsad.monitor.delivery import Dispatcher, dispatcher_from_settings, redeliver_due
from marsad.monitor.extract import extract
from marsad.monitor.filing_batch import TextKeys, file_reports
from marsad.monitor.incident_files import FiledReport
from marsad.monitor.near_duplicates import find_duplicates, record_fingerprints
from marsad.monitor.preparing import Prepared, Preparers, describe, prepared_batch
from marsad.monitor.queue import DEFAULT_LEASE_SECONDS, DEFAULT_MAX_ATTEMPTS, QueuedItem, claim, fail
from marsad.monitor.reports import ItemMarking, report_id_of, report_object
from marsad.monitor.subscriptions import active_subscriptions
from marsad.store.collections import get_collection
from marsad.store.engine import WalCheckpointer
from marsad.store.pipeline_items import among, mark_finished, pipeline_items
from marsad.store.rows import default_marking_reader
from marsad.store.store import analyse_tables
from marsad.store.sources import sources as sources_table
from marsad.store.writes import lock_clock, put_objects

__all__ = ["PipelineResult", "Pipeline", "Filer", "LIVE_BATCH", "ONCE_BATCH", "LIVE_LARGEST", "ANALYSED_TABLES",
           "ANALYSE_SCHEDULE", "settle_heap"]

log = logging.getLogger(__name__)

#: batch size of :meth:`Pipeline.run_forever`: small, so an alert never waits for hundreds of other items
LIVE_BATCH = 32
#: default batch size of :meth:`Pipeline.run_once` (draining a queue: throughput first). A batch's commit and
#: checkpoint write every index page its items touched once, so pages shared by several items are written once:
#: on a SQLite store of 19,000 items, 2,906 more cost 2.53 ms/item of writer CPU in batches of 200, 2.28 in
#: batches of 500, 2.25 in batches of 1,000 (the commit's part 0.35 -> 0.22 -> 0.17 ms/item)
ONCE_BATCH = 500
#: default largest batch of :meth:`Pipeline.run_forever` once the queue backs up (it starts at :data:`LIVE_BATCH`):
#: an item's alert waits for its whole batch, so a live service stays with smaller batches than a drain
LIVE_LARGEST = 200
#: the tables a worker's batches grow, whose planner statistics it refreshes (:class:`_Statistics`)
ANALYSED_TABLES = ("pipeline_items", "pipeline_near_keys", "incident_files", "incident_file_reports",
                   "incident_band_keys", "incident_facts", "incident_terms", "stix_objects", "collection_objects",
                   "object_releases", "alert_log", "audit_log")
#: items a worker processes before its first statistics refresh; the interval doubles after each, up to the last
ANALYSE_SCHEDULE = (1_000, 50_000)
#: what files one report into an incident (the signature of :func:`marsad.monitor.incident_files.file_report`);
#: tests pass one to interfere with a single item
Filer = Callable[..., Any]


@dataclass
class PipelineResult:
    """What a run did: items filed, copies dropped, non-incidents, incidents opened / updated, alerts, failures."""

    processed: int = 0
    duplicates: int = 0
    not_incidents: int = 0
    opened: int = 0
    updated: int = 0
    alerts: int = 0
    failed: int = 0

    def add(self, other: PipelineResult) -> PipelineResult:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


@dataclass
class _Batch:
    """What one write transaction stores (per collection, by id and version) and the incidents to alert on."""

    objects: dict[str, dict[tuple, dict]] = field(default_factory=dict)
    latest: dict[str, tuple[dict, ItemMarking, str]] = field(default_factory=dict)

    def add(self, collection: str, objects: list[dict]) -> None:
        kept = self.objects.setdefault(collection, {})
        for obj in objects:
            kept[(obj["id"], obj.get("modified"))] = obj


class Pipeline:
    """Processes the queue: :meth:`run_once` until it is empty, :meth:`run_forever` as a service.

    ``worker`` names this process in leases (default: host, pid and a random suffix); ``batch_size`` is the
    size of :meth:`run_once`'s batches and the largest of :meth:`run_forever`'s (default :data:`ONCE_BATCH` and
    :data:`LIVE_LARGEST`); ``deliver`` sends the
    recorded alerts after each batch (False: record only, e.g. for tests and benchmarks); the batch's reports are
    filed together by :func:`marsad.monitor.filing_batch.file_reports` (the same outcome as one by one, with a
    few statements per batch), or one by one by ``filer`` when one is given. ``extract_processes`` (default 0;
    ``marsad monitor --extract-processes``) extraction processes prepare the next batch while this one files
    (:class:`marsad.monitor.preparing.Preparers`); leave it 0 in a process that already runs other threads
    (``marsad up``): they are forked.

    ``wal_checkpoints=True`` (``marsad monitor``, benchmarks/pipeline.py): on SQLite, :meth:`run_once` and
    :meth:`run_forever` checkpoint the write-ahead log from a background thread
    (:class:`marsad.store.engine.WalCheckpointer`, started after the extraction processes fork, stopped when the
    run ends) instead of inside the batch commit that pushes the log past 1,000 pages: that checkpoint copied
    the batch's pages into the database and synced both files on the writer's serial path (a batch of 200
    dirties thousands of index pages — ~9,000 on a 19,000-item store — so every commit paid it). Only for
    the engine's owner: starting one changes the engine's connect listeners, which SQLAlchemy does not guard
    against a connection opened meanwhile by another thread, and an engine has one checkpointer (``marsad
    up``'s is its web app's). Durability is unchanged or better: with ``synchronous=NORMAL`` a WAL commit is
    durable once the log is synced, which every checkpoint does first — now every 0.25 s instead of at the
    next commit past 1,000 pages; kill -9 loses nothing either way (the log is in the operating system's cache).
    """

    def __init__(self, engine: Engine, settings: Settings, *, worker: str | None = None,
                 batch_size: int | None = None, deliver: bool = True, dispatcher: Dispatcher | None = None,
                 filer: Filer | None = None,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS, max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 extract_processes: int = 0, wal_checkpoints: bool = False):
        self.engine, self.settings = engine, settings
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch_size = max(1, batch_size or ONCE_BATCH)  # run_once's batches
        self.live_largest = max(1, batch_size or LIVE_LARGEST)  # run_forever's largest
        self.deliver = deliver
        self.dispatcher = dispatcher or dispatcher_from_settings(settings)
        self.filer = filer
        self.lease_seconds, self.max_attempts = lease_seconds, max_attempts
        self.base_url = public_base_url(settings)
        self._collections: dict[str, str] = {}
        self._source_names: dict[int, str] = {}
        self._statistics = _Statistics(engine)
        self._preparers = Preparers(extract_processes)
        self._checkpointer = WalCheckpointer(engine) if wal_checkpoints else None

    # -- the loop ------------------------------------------------------------------------------------------
    def run_once(self) -> PipelineResult:
        """Process everything queued (and claimable by this worker), then return what was done."""
        self.check_ready()
        settle_heap()
        total = PipelineResult()
        self._start()
        try:
            if not self._preparers.pooled:
                while batch := self._claim(self.batch_size):
                    total.add(self.process(batch))
                return total
            ahead = None  # the claimed batch being prepared while the one before it files
            while True:
                batch = self._claim(self.batch_size)
                following = (batch, self._preparers.submit(batch)) if batch else None
                if ahead is not None:
                    total.add(self._store(ahead[0], ahead[1]()))
                if following is None:
                    return total
                ahead = following
        finally:
            self._stop()

    def _start(self) -> None:
        """A run's helpers: the extraction processes first (forked before any thread of ours), then the
        background checkpoints."""
        self._preparers.start()
        if self._checkpointer is not None:
            self._checkpointer.start()

    def _stop(self) -> None:
        """Stop the run's helpers: the extraction processes, a statistics refresh under way, the checkpoints
        (the run's pooled connections, which only checkpoint past the backstop, are closed: the engine's next
        ones checkpoint themselves again)."""
        self._preparers.close()
        self._statistics.wait()
        if self._checkpointer is not None and self._checkpointer.applies:
            self._checkpointer.stop()
            self.engine.dispose(close=True)

    def _claim(self, size: int) -> list[QueuedItem]:
        return claim(self.engine, self.worker, size, lease_seconds=self.lease_seconds, max_attempts=self.max_attempts)

    def run_forever(self, stop: threading.Event, *, poll_sources: bool = True, idle_sleep: float = 0.5,
                    poll_every: float = 5.0, batch_size: int | None = None) -> None:
        """Poll due sources (every ``poll_every`` seconds) and process the queue until ``stop`` is set (SIGTERM
        sets it too when called from the main thread). A failure of one round is logged, never fatal.

        Batches are smaller than :meth:`run_once`'s (default :data:`LIVE_BATCH`): an item's alert is committed
        with its whole batch, so a live service trades a little throughput for seconds of latency. A claim
        takes what is pending up to that size, so a short queue gives short batches; when a claim comes back
        full the queue is backing up (a burst, or the machine busy), and the next claim may be twice as large,
        up to the worker's ``batch_size`` (default :data:`LIVE_LARGEST`, smaller than :meth:`run_once`'s
        :data:`ONCE_BATCH`), so fewer per-batch statements let it catch up (:func:`_next_size`).
        With extraction processes, a full claim is split among them (:meth:`_pooled_round`).
        """
        live = batch_size or min(self.live_largest, LIVE_BATCH)
        size = live
        restore = None
        if threading.current_thread() is threading.main_thread():  # before the models load (seconds when busy)
            restore = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        last_poll = float("-inf")
        ahead = None  # with extraction processes: the claimed batch being prepared while the one before files
        try:
            self.check_ready()
            settle_heap()
            self._start()
            while not stop.is_set():
                busy = False
                try:
                    if poll_sources and time.monotonic() - last_poll >= poll_every:
                        last_poll = time.monotonic()
                        poll_due(self.engine)
                    redeliver_due(self.engine, self.dispatcher, enabled=self.deliver)  # H7: due webhook/e-mail alerts
                    batch = self._claim(size)
                    if self._preparers.pooled:
                        ahead = self._pooled_round(batch, ahead, size)
                    elif batch:
                        self.process(batch)
                    busy = bool(batch)
                    size = _next_size(size, len(batch), live, max(live, self.live_largest))
                except Exception:  # noqa: BLE001 - the service outlives a failed round (database restart…)
                    log.exception("pipeline round failed; retrying")
                if not busy and ahead is None:
                    stop.wait(idle_sleep)
            if ahead is not None:  # claimed and prepared: file it rather than leave it to a lease running out
                self._store(ahead[0], ahead[1]())
        finally:
            self._stop()
            if restore is not None:
                signal.signal(signal.SIGTERM, restore)

    def _pooled_round(self, batch: list[QueuedItem], ahead: tuple | None, size: int) -> tuple | None:
        """A live round with extraction processes. A full claim (the queue is backing up: throughput first) starts
        preparing in them, and is filed after the next claim while that one prepares; a short claim (latency
        first) is prepared in line and filed at once: a hop through another process only adds its wait for a
        core (p50 296 -> 732 ms on a loaded machine when short claims went through the pool too). Files the batch
        prepared before in either case; returns the one left preparing, if any."""
        short = 0 < len(batch) < size
        following = (batch, self._preparers.submit(batch)) if batch and not short else None
        if ahead is not None:
            self._store(ahead[0], ahead[1]())
        if short:
            self.process(batch)
        return following

    def check_ready(self) -> None:
        """:class:`~marsad.errors.ConfigError` when the hub was never initialised (no regional collection)."""
        try:
            with self.engine.connect() as conn:
                self._collection_id(conn, REGIONAL_COLLECTION)
        except NotFound:
            raise ConfigError(f"the {REGIONAL_COLLECTION!r} collection does not exist: run `marsad init` first") from None

    # -- one batch -----------------------------------------------------------------------------------------
    def process(self, batch: Sequence[QueuedItem]) -> PipelineResult:
        """Prepare, file and store one claimed batch; returns what was done (failures included)."""
        return self._store(batch, prepared_batch(batch))

    def _store(self, batch: Sequence[QueuedItem], prepared: list[Prepared]) -> PipelineResult:
        """File and store a prepared batch (failures recorded)."""
        result = PipelineResult()
        broken = [p for p in prepared if p.error]
        if broken:
            result.failed += self._fail(broken)
        result.add(self._file_safely([p for p in prepared if not p.error]))
        self._statistics.count(len(batch))
        return result

    def _file_safely(self, prepared: list[Prepared]) -> PipelineResult:
        if not prepared:
            return PipelineResult()
        try:
            result, pending = self._file(prepared)
        except Exception as exc:  # noqa: BLE001 - find the item at fault: retry one by one
            if len(prepared) > 1:
                log.warning("batch of %d failed (%s); retrying item by item", len(prepared), describe(exc))
                total = PipelineResult()
                for one in prepared:
                    total.add(self._file_safely([one]))
                return total
            log.warning("item %s failed: %s", prepared[0].queued.id, describe(exc))
            prepared[0].error = describe(exc)
            return PipelineResult(failed=self._fail(prepared))
        self._deliver(pending)
        return result

    def _fail(self, prepared: list[Prepared]) -> int:
        """Record failures; returns how many items are now ``failed`` for good (the rest go back to the queue)."""
        with self.engine.begin() as conn:
            return sum(fail(conn, self.worker, p.queued, p.error or "failed", max_attempts=self.max_attempts)
                       for p in prepared)

    def _deliver(self, pending: list[PendingAlert]) -> None:
        if not (self.deliver and pending):
            return
        try:
            self.dispatcher.deliver(self.engine, pending)
        except Exception:  # noqa: BLE001 - alerts are recorded; delivery status stays pending
            log.exception("delivery of %d alerts failed", len(pending))

    # -- the write transaction -----------------------------------------------------------------------------
    def _file(self, prepared: list[Prepared]) -> tuple[PipelineResult, list[PendingAlert]]:
        result, pending, outcomes = PipelineResult(), [], {}
        with self.engine.begin() as conn:
            lock_clock(conn)
            prepared = self._still_mine(conn, prepared)
            duplicates = find_duplicates(conn, [(p.queued.id, p.fingerprint) for p in prepared])
            batch = _Batch()
            kept = [p for p in prepared if p.queued.id not in duplicates]
            filings = self._file_reports(conn, [self._filed_report(conn, p) for p in kept],
                                         {report_id_of(p.queued.item): p.keys for p in kept if p.keys})
            for p in prepared:
                if p.queued.id in duplicates:
                    result.duplicates += 1
                    outcomes[p.queued.id] = {"status": "duplicate", "duplicate_of": duplicates[p.queued.id]}
            for p, (report, filing) in zip(kept, filings):
                outcomes[p.queued.id] = self._collect(conn, p, report, filing, batch, result)
            for collection, objects in batch.objects.items():
                put_objects(conn, list(objects.values()), collection_id=collection, all_or_nothing=True,
                            reader=default_marking_reader)
            pending = self._alert(conn, batch)
            record_fingerprints(conn, [(p.queued.id, p.fingerprint) for p in prepared
                                       if p.queued.id not in duplicates])
            self._finish(conn, outcomes)
        result.alerts += len(pending)
        return result, pending

    def _filed_report(self, conn, p: Prepared) -> FiledReport:
        item, marking = p.queued.item, p.marking
        return FiledReport(
            report_id=report_id_of(item), item_key=item.key, source=self._source_name(conn, item.source_id),
            url=item.url, title=item.title, text=item.text, language=p.record.get("lang"), published=item.published,
            received=p.queued.arrived_at, record=p.record, tlp=marking.tlp, release_to=marking.release_to,
            created_by_ref=marking.created_by_ref, marking_refs=marking.marking_refs)

    def _file_reports(self, conn, reports: list[FiledReport], keys: dict[str, TextKeys]) -> list[tuple[FiledReport, Any]]:
        """File the batch's reports in order: all together (text keys computed before the transaction), or one
        by one through ``filer``."""
        if self.filer is None:
            return list(zip(reports, file_reports(conn, reports, now=datetime.now(timezone.utc), keys=keys)))
        return [(r, self.filer(conn, r, now=datetime.now(timezone.utc))) for r in reports]

    def _collect(self, conn, p: Prepared, report: FiledReport, filing, batch: _Batch, result: PipelineResult) -> dict:
        """Count one item's filing and add what to store (its report, the incident version) to the batch."""
        item, marking = p.queued.item, p.marking
        result.processed += 1
        if filing is None:
            result.not_incidents += 1
            return {"status": "done"}
        result.opened += int(bool(filing.opened))
        result.updated += int(not filing.opened)
        collection = self._collection_id(conn, item.metadata.get("collection") or REGIONAL_COLLECTION)
        obj = report_object(item, marking, report_id=report.report_id, object_refs=[filing.incident_id],
                            lang=p.record.get("lang"), source_name=report.source)
        batch.add(collection, [*marking.definitions, obj, *filing.objects])
        batch.latest[filing.incident_id] = (filing.incident, marking, collection)
        return {"status": "done", "report_id": report.report_id, "incident_id": filing.incident_id}

    def _alert(self, conn, batch: _Batch) -> list[PendingAlert]:
        """Alerts for the latest version of each incident the batch touched (one alert per toll rise, not per
        report: the alert log decides)."""
        if not batch.latest:
            return []
        index = SubscriptionIndex(active_subscriptions(conn))
        if not index.size:
            return []
        events = [AlertIncident.of(incident, tlp=marking.tlp, release_to=marking.release_to, collections=[collection])
                  for incident, marking, collection in batch.latest.values()]
        return record_batch_alerts(conn, events, index, base_url=self.base_url, viewer_of=_viewer_cache(conn))

    def _still_mine(self, conn, prepared: list[Prepared]) -> list[Prepared]:
        """The items this worker still holds (a lease that ran out may have passed them to another worker)."""
        c = pipeline_items.c
        query = select(c.id).where(among(conn, c.id, [p.queued.id for p in prepared]), c.lease_owner == self.worker,
                                   c.status == "pending")
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        mine = set(conn.execute(query).scalars())
        lost = len(prepared) - len(mine)
        if lost:
            log.warning("%d items were taken over by another worker after their lease ran out", lost)
        return [p for p in prepared if p.queued.id in mine]

    def _finish(self, conn, outcomes: dict[int, dict]) -> None:
        """Mark the rows done or duplicate (a duplicate gets its original's report and incident), in one statement
        of constant text (:func:`marsad.store.pipeline_items.mark_finished`)."""
        originals = {o["duplicate_of"] for o in outcomes.values() if "duplicate_of" in o} - outcomes.keys()
        known = {}
        if originals:
            found = conn.execute(select(pipeline_items.c.id, pipeline_items.c.report_id, pipeline_items.c.incident_id)
                                 .where(among(conn, pipeline_items.c.id, sorted(originals))))
            known = {r.id: {"report_id": r.report_id, "incident_id": r.incident_id} for r in found}
        rows = []
        for item_id, outcome in outcomes.items():
            base = known.get(outcome.get("duplicate_of")) or outcomes.get(outcome.get("duplicate_of"), {})
            rows.append((item_id, outcome["status"], outcome.get("report_id", base.get("report_id")),
                         outcome.get("incident_id", base.get("incident_id")), outcome.get("duplicate_of")))
        if rows:
            mark_finished(conn, rows, datetime.now(timezone.utc))

    # -- small caches --------------------------------------------------------------------------------------
    def _collection_id(self, conn, alias: str) -> str:
        if alias not in self._collections:
            self._collections[alias] = get_collection(conn, alias).id
        return self._collections[alias]

    def _source_name(self, conn, source_id: int | None) -> str | None:
        if source_id is None:
            return None
        if source_id not in self._source_names:
            name = conn.execute(select(sources_table.c.name).where(sources_table.c.id == source_id)).scalar()
            self._source_names[source_id] = name or f"source-{source_id}"
        return self._source_names[source_id]


class _Statistics:
    """Refreshes the planner statistics of :data:`ANALYSED_TABLES` after this worker processed 1,000 items, then
    2,000 more, 4,000 more… (at most every 50,000: :data:`ANALYSE_SCHEDULE`), after a batch committed.

    Why: the pipeline's tables start empty and grow by tens of rows per item; without autovacuum (off on some
    servers, and slow to react to a table growing from nothing) PostgreSQL keeps planning for empty tables —
    server CPU per item grew ~7x from 2,000 to 100,000 items. Doubling keeps the cost (an ANALYZE samples a
    bounded number of rows per table) a vanishing share of the work at any size. On PostgreSQL the refresh runs
    in a thread on a connection of its own (the server works, this process waits): an ANALYZE of large tables
    takes a second or more, which would otherwise hold up every item queued meanwhile (the live stream's p99);
    a refresh still running when the next is due postpones it. SQLite's (bounded) refresh runs in line, as it
    writes to the database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.interval, self.largest = ANALYSE_SCHEDULE
        self.since = 0
        self._running: threading.Thread | None = None

    def count(self, items: int) -> None:
        self.since += items
        if self.since < self.interval or (self._running is not None and self._running.is_alive()):
            return
        self.since = 0
        self.interval = min(self.largest, 2 * self.interval)
        if self.engine.dialect.name != "postgresql":
            analyse_tables(self.engine, ANALYSED_TABLES)
            return
        self._running = threading.Thread(target=analyse_tables, args=(self.engine, ANALYSED_TABLES),
                                         name="marsad-analyse", daemon=True)
        self._running.start()

    def wait(self) -> None:
        """Until a refresh under way has finished (a worker that stops leaves none behind)."""
        if self._running is not None:
            self._running.join()


_settled_in: int | None = None


def settle_heap() -> None:
    """Load the extraction models, then move everything alive into the garbage collector's permanent generation
    (:func:`gc.freeze`), once per process.

    Why: a worker's heap is mostly the models and tables loaded once (≈190,000 objects) that live as long as
    the process; without this every full collection walks them all again, ≈0.2 ms of CPU per item (measured
    over 1,000 items: GC 0.32 → 0.13 ms/item). A forked worker settles its own heap once more."""
    global _settled_in
    if _settled_in == os.getpid():
        return
    _settled_in = os.getpid()
    extract("A bomb exploded in Baghdad on Monday, killing 3 people.")
    gc.collect()
    gc.freeze()


def _next_size(size: int, claimed: int, live: int, largest: int) -> int:
    """The next live claim's size: doubled (up to ``largest``) after a full claim, back to ``live`` otherwise."""
    return min(largest, size * 2) if claimed >= size else live


def _viewer_cache(conn) -> Callable[[str], Viewer | None]:
    """Subscribers' viewers read once per batch (None: unknown or inactive user, who gets nothing)."""
    cache: dict[str, Viewer | None] = {}

    def viewer_of(username: str) -> Viewer | None:
        if username not in cache:
            try:
                cache[username] = load_viewer(conn, username)
            except NotFound:
                cache[username] = None
        return cache[username]
    return viewer_of
