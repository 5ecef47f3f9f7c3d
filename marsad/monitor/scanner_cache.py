"""Built name scanners kept on disk between runs, so the first report of a process is read fast.

Why: building the place scanner (about 85,000 gazetteer name forms folded, filtered and compiled into an
Aho-Corasick automaton) takes over a second of CPU at every start of ``marsad extract`` or of the
monitor; loading the built scanner takes well under a tenth of that. The file lives in the user's data
folder (``$MARSAD_DATA_DIR`` or :func:`marsad.config.default_data_dir`, sub-folder ``cache``) and its name
carries a digest of everything the scanner is built from (the source files named by the caller — code and
data — and the pyahocorasick version), so any change rebuilds it. The file is a pickle: it is written by
this process's user with mode 0600 in a 0700 folder and read only when it is owned by that user and
writable by no one else; any failure (read-only disk, stale or damaged file) means a plain rebuild.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from marsad.config import default_data_dir
from marsad.monitor.scanner import NameScanner

__all__ = ["cached_scanner", "cache_folder"]


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
    return scanner if isinstance(scanner, NameScanner) else None


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
    folder = folder or cache_folder()
    try:
        path = folder / f"{name}-{_digest(sources)}.pickle"
    except OSError:
        return build()
    scanner = _load(path)
    if scanner is not None:
        return scanner
    scanner = build()
    _save(path, scanner)
    try:
        for old in folder.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink()
    except OSError:
        pass
    return scanner
