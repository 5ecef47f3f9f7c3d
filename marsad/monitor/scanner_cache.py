"""Built name scanners kept on disk between runs, so the first report of a process is read fast.

Why: building the place scanner (about 85,000 gazetteer name forms folded, filtered and compiled into an
Aho-Corasick automaton) takes over a second of CPU at every start of ``marsad extract`` or of the
monitor; loading the built scanner takes well under a tenth of that. The file lives in the user's data
folder (``$MARSAD_DATA_DIR`` or :func:`marsad.config.default_data_dir`, sub-folder ``cache``) and its name
carries a digest of everything the scanner is built from (the source files named by the caller — code and
data — and the pyahocorasick version), so any change rebuilds it. The file is a pickle: it is written by
this process's user with mode 0600 in a 0700 folder and read only when it is owned by that user and
writable by no one else; any failure (read-only disk, stale or damaged file) means a plain rebuild.

A fresh install has no cache yet, so a scanner may also ship with Marsad (``marsad/data/scanners``, written
by ``python scripts/build_scanners.py``): its rows (automaton keys and payloads, plain text, never code) with
a digest of the *content* of the same sources and of the rows themselves. It is used only when both
digests match and costs a third of a build (it is not copied into the user's cache).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from marsad.config import default_data_dir
from marsad.monitor.scanner import LAYOUT, NameScanner

__all__ = ["cached_scanner", "cache_folder", "SHIPPED_FOLDER", "ship_scanner", "shipped_scanner"]

#: where scanners shipped with Marsad are kept (one ``<name>.tsv.gz`` each)
SHIPPED_FOLDER = Path(__file__).resolve().parents[1] / "data" / "scanners"
#: name → (sources, build) of every scanner asked for in this process, so that it can be shipped
_REQUESTED: dict[str, tuple[tuple[Path, ...], Callable[[], NameScanner]]] = {}


def cache_folder() -> Path:
    """Where built scanners are kept: ``<data dir>/cache``."""
    return Path(os.environ.get("MARSAD_DATA_DIR") or default_data_dir()) / "cache"


def _digest(sources: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("pyahocorasick").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"?")
    for source in sources:
        info = source.stat()
        if info.st_size > 1_000_000:  # a large data file: its size and time stand for it
            digest.update(f"{source.name}:{info.st_size}:{info.st_mtime_ns}".encode())
        else:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:20]


def _trusted(path: Path) -> bool:
    """Whether ``path`` and its folder belong to this user and no one else can write them."""
    for item in (path, path.parent):
        info = item.stat()
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def _load(path: Path) -> NameScanner | None:
    try:
        if not path.is_file() or not _trusted(path):
            return None
        scanner = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError):
        return None
    return scanner if isinstance(scanner, NameScanner) and getattr(scanner, "layout", None) == LAYOUT else None


def _save(path: Path, scanner: NameScanner) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(scanner, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # a read-only or full disk: the scanner is rebuilt next time


def cached_scanner(name: str, sources: Iterable[Path], build: Callable[[], NameScanner],
                   folder: Path | None = None) -> NameScanner:
    """The scanner ``build()`` makes, loaded from the cache file for ``name`` and the digest of ``sources``
    when there is one, else built and saved there (older files of the same name are removed)."""
    sources = tuple(sources)
    _REQUESTED[name] = (sources, build)
    folder = folder or cache_folder()
    try:
        path = folder / f"{name}-{_digest(sources)}.pickle"
    except OSError:
        return shipped_scanner(name, sources) or build()
    scanner = _load(path) or shipped_scanner(name, sources)
    if scanner is not None:
        return scanner  # a shipped scanner is not saved: writing the pickle costs more than it saves
    scanner = build()
    _save(path, scanner)
    try:
        for old in folder.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink()
    except OSError:
        pass
    return scanner


def _content_digest(name: str, sources: Iterable[Path]) -> str:
    """A digest of the bytes of every source (size and time say nothing once files are copied elsewhere)."""
    digest = hashlib.sha256(name.encode())
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _rows_text(rows: list[tuple[str, tuple]]) -> str:
    return "".join("\t".join((key, *payloads)) + "\n" for key, payloads in rows)


def shipped_scanner(name: str, sources: Iterable[Path], folder: Path | None = None) -> NameScanner | None:
    """The scanner shipped as ``<folder>/<name>.tsv.gz`` when it was made from sources with the same content
    as ``sources`` and its rows are intact, else None."""
    path = (folder or SHIPPED_FOLDER) / f"{name}.tsv.gz"
    try:
        if not path.is_file():
            return None
        header, _, body = gzip.decompress(path.read_bytes()).decode("utf-8").partition("\n")
        about = json.loads(header)
        if (about.get("sources") != _content_digest(name, sources)
                or about.get("rows") != hashlib.sha256(body.encode("utf-8")).hexdigest()):
            return None
    except (OSError, ValueError, EOFError, AttributeError):
        return None
    rows = [line.split("\t") for line in body.split("\n")[:-1]]
    return NameScanner.from_rows((row[0], tuple(row[1:])) for row in rows)


def ship_scanner(name: str, folder: Path | None = None) -> Path:
    """Build the scanner ``name`` (asked for by :func:`cached_scanner` in this process) and write it for
    :func:`shipped_scanner`; ``ValueError`` when its payloads are not plain text."""
    sources, build = _REQUESTED[name]
    rows = build().rows()
    for key, payloads in rows:
        if any(not isinstance(p, str) or "\t" in p or "\n" in p for p in payloads) or "\t" in key or "\n" in key:
            raise ValueError(f"scanner {name!r} cannot ship: key {key!r} has payloads {payloads!r}")
    body = _rows_text(rows)
    about = {"name": name, "sources": _content_digest(name, sources),
             "rows": hashlib.sha256(body.encode("utf-8")).hexdigest(), "count": len(rows)}
    path = (folder or SHIPPED_FOLDER) / f"{name}.tsv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress((json.dumps(about) + "\n" + body).encode("utf-8"), 9, mtime=0))
    return path
