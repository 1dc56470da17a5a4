"""A user cache for what is slow to build and cheap to reload: jieba's dictionary with the lexicon terms.

Building the private jieba tokenizer (jieba's 350,000-word dictionary plus every lexicon term, each
given the frequency that keeps it whole) takes seconds; reloading the finished table takes a few
hundred milliseconds. The cache lives in the platform's user cache folder (``~/.cache/cxtext`` on
Linux, ``~/Library/Caches/cxtext`` on macOS, ``%LOCALAPPDATA%\\cxtext\\Cache`` on Windows), or in
``CXTEXT_CACHE_DIR``; ``CXTEXT_NO_CACHE=1`` turns it off.

Entries are named by a key that hashes everything they were built from (the cxtext and jieba
versions, the bytes of jieba's dictionary, the lexicon terms, the Python version), so a change to any
of them simply finds no entry and builds a new one. Every entry carries a checksum; a damaged or
foreign file is ignored. Writers write a temporary file and rename it into place, so processes that
build the same entry at the same time never see each other's half-written file. The cache is best
effort: any failure to read or write it is logged and the work is done without it.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cache_key", "load", "store", "clear", "entries", "ENV_DIR", "ENV_OFF"]

ENV_DIR = "CXTEXT_CACHE_DIR"
ENV_OFF = "CXTEXT_NO_CACHE"
_MAGIC = b"CXTEXT-CACHE/1\n"
_DIGEST = 32  # sha256
_KEEP = 8  # entries of one kind kept; older ones are removed when a new one is stored
_SUFFIX = ".bin"

log = logging.getLogger(__name__)


def _platform_dir() -> Path:
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "cxtext" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "cxtext"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and os.path.isabs(base) else home / ".cache") / "cxtext"


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is turned off (``CXTEXT_NO_CACHE``)."""
    if os.environ.get(ENV_OFF, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(ENV_DIR, "").strip()
    return Path(explicit) if explicit else _platform_dir()


def cache_key(*parts: str | bytes) -> str:
    """A hex key for an entry from the things it was built from (the Python version is always part)."""
    h = hashlib.sha256()
    for part in (f"python {sys.version_info[0]}.{sys.version_info[1]} marshal {marshal.version}", *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def _path(folder: Path, kind: str, key: str) -> Path:
    return folder / f"{kind}-{key}{_SUFFIX}"


def load(kind: str, key: str) -> Any | None:
    """The cached value, or ``None`` when there is none (or it is damaged, or caching is off)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = _path(folder, kind, key)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cxtext cache: cannot read %s (%s); building instead", path, exc)
        return None
    head = len(_MAGIC) + _DIGEST
    if data[: len(_MAGIC)] != _MAGIC or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC) : head]:
        log.warning("cxtext cache: %s is damaged or not a cxtext cache file; ignoring it", path)
        return None
    try:
        return marshal.loads(data[head:])
    except (EOFError, ValueError, TypeError) as exc:  # pragma: no cover - guarded by the checksum
        log.warning("cxtext cache: %s cannot be decoded (%s); ignoring it", path, exc)
        return None


def store(kind: str, key: str, value: Any) -> Path | None:
    """Write ``value`` (plain data: dicts, lists, strings, numbers) atomically; returns the path or ``None``."""
    folder = cache_dir()
    if folder is None:
        return None
    payload = marshal.dumps(value)
    path = _path(folder, kind, key)
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
    except OSError as exc:
        log.warning("cxtext cache: cannot write %s (%s); continuing without the cache", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return None
    _prune(folder, kind)
    return path


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest few entries of one kind: each lexicon change leaves an entry behind."""
    try:
        found = sorted(folder.glob(f"{kind}-*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:  # another process pruned at the same time
        pass


def entries() -> list[Path]:
    """The cache files present (empty when caching is off or nothing was cached yet)."""
    folder = cache_dir()
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{_SUFFIX}"))


def clear() -> int:
    """Remove every cache file; returns how many were removed."""
    n = 0
    for path in entries():
        try:
            path.unlink()
            n += 1
        except OSError:
            pass
    return n
