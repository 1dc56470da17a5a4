"""Step 7 of the gap model: a local SQLite history of report runs, so each run can show its deltas.

One table, ``runs``, one row per run: when, which input, how many rows, and the run's summary as
JSON (the gap table of factors and themes, the key experience, the sentiment mix). The summary has
the shape :meth:`cxtext.GapReport.compare` accepts, so comparing a run with the previous one is
``report.compare(previous.summary)``. SQLite is in the standard library and the file is portable;
nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ._errors import InputError

__all__ = ["Run", "last_run", "save_run", "runs"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    input TEXT NOT NULL,
    rows INTEGER NOT NULL,
    summary TEXT NOT NULL
)
"""
_VERSION = 1


@dataclass(frozen=True, slots=True)
class Run:
    """One recorded run: ``summary`` is the JSON object stored for it."""

    id: int
    created: str
    input: str
    rows: int
    summary: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "input": self.input, "rows": self.rows,
                "summary": dict(self.summary)}


def _connect(path: str | os.PathLike[str], *, create: bool) -> sqlite3.Connection | None:
    name = os.fspath(path)
    if not os.path.exists(name):
        if not create:
            return None
        folder = os.path.dirname(os.path.abspath(name))
        if not os.path.isdir(folder):
            raise InputError(f"{name}: cannot create the history file, the folder {folder} does not exist")
    try:
        con = sqlite3.connect(name)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, _VERSION):
            con.close()
            raise InputError(f"{name}: history written by a newer cxtext (version {version}); use another --history file")
        con.execute(_SCHEMA)
        con.execute(f"PRAGMA user_version = {_VERSION}")
        cols = {r[1] for r in con.execute("PRAGMA table_info(runs)")}
        if not {"id", "created", "input", "rows", "summary"} <= cols:
            con.close()
            raise InputError(f"{name}: has a 'runs' table that is not a cxtext history; use another --history file")
        return con
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{name}: not a cxtext history (SQLite) file ({exc}); pass another --history path") from None


def runs(path: str | os.PathLike[str]) -> list[Run]:
    """Every recorded run, oldest first (empty when the file does not exist)."""
    con = _connect(path, create=False)
    if con is None:
        return []
    try:
        rows = con.execute("SELECT id, created, input, rows, summary FROM runs ORDER BY id").fetchall()
    finally:
        con.close()
    out = []
    for id_, created, input_, n, summary in rows:
        try:
            data = json.loads(summary)
        except json.JSONDecodeError:
            raise InputError(f"{os.fspath(path)}: run {id_} has a damaged summary; delete the file to start afresh") from None
        out.append(Run(id=id_, created=created, input=input_, rows=n, summary=data))
    return out


def last_run(path: str | os.PathLike[str]) -> Run | None:
    """The most recent run, or ``None`` when there is none yet."""
    found = runs(path)
    return found[-1] if found else None


def save_run(
    path: str | os.PathLike[str],
    summary: Mapping[str, Any],
    *,
    input: str,
    rows: int,
    created: datetime | None = None,
) -> Run:
    """Append a run; returns it with its id. The write is one transaction."""
    con = _connect(path, create=True)
    assert con is not None
    stamp = (created or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    text = json.dumps(summary, ensure_ascii=False)
    try:
        with con:
            cur = con.execute("INSERT INTO runs (created, input, rows, summary) VALUES (?, ?, ?, ?)",
                              (stamp, input, rows, text))
        return Run(id=int(cur.lastrowid or 0), created=stamp, input=input, rows=rows, summary=json.loads(text))
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{os.fspath(path)}: cannot write the history ({exc})") from None
    finally:
        con.close()
