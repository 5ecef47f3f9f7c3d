"""The pipeline's CPU work on a claimed batch, done before its write transaction: extraction, marking, fingerprint.

Why a module of its own: this work needs no database, so it can run anywhere — in the writer, or in extraction
processes (:class:`Preparers`) that read the next batch while the writer files the current one, so that one
pipeline uses more than one core. :mod:`marsad.monitor.pipeline` files what this prepares.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from marsad.errors import MarsadError
from marsad.monitor.extract import BATCH, extract_batch, extract_report
from marsad.monitor.filing_batch import TextKeys, text_keys
from marsad.monitor.near_duplicates import Fingerprint, fingerprint
from marsad.monitor.queue import QueuedItem
from marsad.monitor.reports import ItemMarking, apply_officer_fields, item_marking
from marsad.monitor.merging import MERGE_K
from marsad.monitor.similarity import (Words, near_duplicate_keys, signature_of_words, signatures_of_words,
                                     words)

__all__ = ["Prepared", "Preparers", "prepare", "prepared_batch", "extracted", "describe"]

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A claimed item after the CPU work: its marking, extraction record and fingerprint (or what went wrong)."""

    queued: QueuedItem
    marking: ItemMarking | None = None
    record: dict | None = None
    fingerprint: Fingerprint | None = None
    keys: TextKeys | None = None
    error: str | None = None


def describe(exc: BaseException) -> str:
    """What went wrong, as stored in the queue row: our own errors' message, else the exception's class too."""
    if isinstance(exc, MarsadError):
        return exc.message
    return f"{exc.__class__.__name__}: {exc}"


def extracted(batch: Sequence[QueuedItem]) -> list[dict | None]:
    """The extraction records of a batch, read together (``extract_batch`` runs each reader over a dozen
    reports at a time, which keeps the readers' tables in the CPU caches: about 1.5x faster than one by one);
    None for an item whose report cannot be built, or for all of them if the batch read fails, so that
    :func:`prepare` reads those one by one and a bad item fails alone."""
    reports: list[Mapping | None] = []
    for queued in batch:
        try:
            reports.append(queued.item.as_report())
        except Exception:  # noqa: BLE001 - prepare reports this item's own error
            reports.append(None)
    try:
        records = iter(extract_batch([r for r in reports if r is not None]))
    except Exception:  # noqa: BLE001 - fall back to one by one
        log.exception("batch extraction failed; extracting item by item")
        return [None] * len(batch)
    return [next(records) if r is not None else None for r in reports]


@dataclass
class _Read:
    """An item between extraction and its signatures: its marking and record, the words of its text (or title)
    for the fingerprint, and, for an incident, the words of its title then text for its filing keys."""

    queued: QueuedItem
    marking: ItemMarking
    record: dict
    printed: Words
    filed: Words | None


def prepare(queued: QueuedItem, record: dict | None = None) -> Prepared:
    """Marking, extraction (officer fields over machine fields) and fingerprint of one item; never raises.
    ``record`` is the item's extraction when the batch was read together."""
    read = _read(queued, record)
    return read if isinstance(read, Prepared) else _finish(read)


def _read(queued: QueuedItem, record: dict | None) -> _Read | Prepared:
    """The item's marking, record and words, or a :class:`Prepared` with what went wrong; never raises."""
    item = queued.item
    try:
        marking = item_marking(item)
        if record is None:
            record = extract_report(item.as_report())
        if "error" in record:
            return Prepared(queued, error=f"extraction refused the item: {record['error']}")
        fields = item.metadata.get("fields")
        if fields:  # an officer's stated fields (else the record as extracted: no copy of it)
            record = apply_officer_fields(record, fields)
        title_words, text_words = words(item.title), words(item.text)  # folded once for both signatures
        filed = Words(title_words + text_words) if record.get("is_incident") else None
        return _Read(queued, marking, record, Words(text_words if item.text else title_words), filed)
    except Exception as exc:  # noqa: BLE001 - one bad item must not stop its batch
        log.exception("item %s could not be prepared", queued.id)
        return Prepared(queued, error=describe(exc))


def _finish(read: _Read) -> Prepared:
    """The item's fingerprint and filing keys from its words (and the signatures they carry); never raises."""
    item = read.queued.item
    try:
        printed = fingerprint(item, signature_of_words(read.printed))
        keys = text_keys(item.title, item.text, printed.signature if item.text else None,
                         read.filed) if read.filed is not None else None
        return Prepared(read.queued, read.marking, read.record, printed, keys)
    except Exception as exc:  # noqa: BLE001 - one bad item must not stop its batch
        log.exception("item %s could not be prepared", read.queued.id)
        return Prepared(read.queued, error=describe(exc))


def _sign(reads: list[_Read]) -> None:
    """The signatures :func:`_finish` asks for, and their band keys, worked out for a part of a batch together
    (:func:`~marsad.monitor.similarity.signatures_of_words`: ~40 % less CPU than one by one on the pipeline's
    short reports) and carried by the words: the fingerprint's (k = 5), and an incident's merge signature
    (:data:`~marsad.monitor.merging.MERGE_K`) and, with a title, the title-and-text one (k = 5) whose band keys
    :func:`~marsad.monitor.filing_batch.text_keys` files. A failure leaves each item to work out its own."""
    wanted = [(read.printed, 5) for read in reads]
    wanted += [(read.filed, MERGE_K) for read in reads if read.filed is not None]
    wanted += [(read.filed, 5) for read in reads if read.filed is not None and read.queued.item.title]
    try:
        signed = signatures_of_words(wanted)
        near_duplicate_keys([sig for (_, k), sig in zip(wanted, signed) if k == 5])
    except Exception:  # noqa: BLE001 - _finish signs each item alone and reports its own error
        log.exception("signing a batch together failed; signing item by item")
        return
    for (seq, k), sig in zip(wanted, signed):
        seq.signatures[k] = sig


def prepared_batch(batch: Sequence[QueuedItem]) -> list[Prepared]:
    """The CPU work of a claimed batch: its items extracted together, then each one's marking and fingerprint,
    :data:`~marsad.monitor.extract.BATCH` items at a time: the fingerprints then find the texts the readers
    just folded still in :func:`~marsad.monitor.scanner.folded_text`'s cache (16 texts), not folded again;
    and the part's signatures are worked out together (:func:`_sign`)."""
    out: list[Prepared] = []
    for start in range(0, len(batch), BATCH):
        part = batch[start:start + BATCH]
        reads = [_read(q, r) for q, r in zip(part, extracted(part))]
        _sign([read for read in reads if isinstance(read, _Read)])
        out += [read if isinstance(read, Prepared) else _finish(read) for read in reads]
    return out


def prepared_parts(batch: Sequence[QueuedItem]) -> list[tuple]:
    """:func:`prepared_batch` in an extraction process: each item's parts without its queue row, which the
    writer already holds (less to copy back)."""
    return [(p.marking, p.record, p.fingerprint, p.keys, p.error) for p in prepared_batch(batch)]


#: fewest items an extraction process is given from one batch (``extract_batch`` reads a dozen at a time)
_SMALLEST_PART = 8
#: seconds between an extraction process's checks that its writer is still alive
_PARENT_CHECK = 1.0
#: Linux prctl option: the signal a process gets when its parent ends
_PR_SET_PDEATHSIG = 1


def _follow_parent(parent: int) -> None:
    """In an extraction process: end with the writer that forked it. Killed with -9, the writer leaves its
    processes waiting on their queue for ever (they hold its ends too), and holding copies of its database
    sockets: its PostgreSQL backend, still inside the write transaction, keeps the store's write lock until
    they are closed. Linux kills them with the writer (``PR_SET_PDEATHSIG``); elsewhere a thread checks."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):  # not Linux: the thread below is all there is
        pass
    if os.getppid() != parent:  # the writer died before the line above
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK)
        os._exit(0)
    threading.Thread(target=watch, name="marsad-parent-watch", daemon=True).start()


class Preparers:
    """Prepares claimed batches in ``processes`` forked extraction processes while the writer files the batch
    before (0: in line, in the writer).

    Why: on SQLite one process writes, and on PostgreSQL the filing transaction is serial too (the store's
    write lock); extraction (~0.7-1.1 ms of CPU per item) is the part that needs no database, so a writer that
    hands it to other processes keeps filing while the next batch is read — one pipeline uses several cores.
    The processes are forked once, after :func:`marsad.monitor.pipeline.settle_heap` (the models are shared, not loaded again) and before
    any thread of the worker starts. Nothing they do is durable: an item is done only when the writer's
    transaction commits, so kill -9 of the writer or of an extraction process loses nothing (the leases run out).
    A broken pool (a process killed) is shut down and the worker goes on extracting in line.
    """

    def __init__(self, processes: int):
        self.processes = max(0, processes)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        if self.processes and self._pool is None:
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_follow_parent, initargs=(os.getpid(),))
            self._pool.submit(os.getpid).result()  # forks every process now, before any thread of ours runs

    def submit(self, batch: Sequence[QueuedItem]) -> Callable[[], list[Prepared]]:
        """Start preparing ``batch``; returns what gives the prepared items (waiting for them if need be)."""
        if self._pool is None:
            prepared = prepared_batch(batch)
            return lambda: prepared
        size = max(_SMALLEST_PART, -(-len(batch) // self.processes))
        try:
            parts = [self._pool.submit(prepared_parts, batch[i:i + size]) for i in range(0, len(batch), size)]
        except Exception:  # noqa: BLE001 - a broken pool: extract in line from now on
            self._broken()
            return self.submit(batch)
        return lambda: self._gather(batch, parts)

    def _gather(self, batch: Sequence[QueuedItem], parts: list[Future]) -> list[Prepared]:
        try:
            done = [one for part in parts for one in part.result()]
        except Exception:  # noqa: BLE001 - a process died (killed, out of memory): prepare this batch in line
            self._broken()
            return prepared_batch(batch)
        return [Prepared(q, *one) for q, one in zip(batch, done)]

    def _broken(self) -> None:
        log.exception("the extraction processes failed; extracting in the writer from now on")
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
