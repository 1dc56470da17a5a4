"""Resumable output: a partial file and a checkpoint beside the output, renamed into place at the end.

While ``cxtext analyze`` writes ``out.jsonl`` (or ``.csv``), the rows go to ``.out.jsonl.part`` in the
same folder. After each chunk the part file is flushed to disk and then ``.out.jsonl.checkpoint`` (a
small JSON file, itself replaced atomically) records how many input rows and how many bytes of the
part file are complete, with the counts so far. The output name appears only when the run is complete
(the part file is renamed), so no file that looks whole is ever partial.

``--resume`` reads the checkpoint, checks that the input file, the options and the lexicons are the
ones it was written with, cuts the part file back to the recorded size (bytes written after the last
checkpoint belong to rows that will be analysed again) and continues with the next row: no row is
lost and none is written twice, whatever stopped the run (Ctrl-C, a killed process, a power cut).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ._errors import InputError

__all__ = ["Checkpoint", "PartFile", "part_path", "checkpoint_path", "input_identity", "RESUMABLE"]

RESUMABLE = (".jsonl", ".csv")
FORMAT = "cxtext-checkpoint/1"


def part_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.part")


def checkpoint_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.checkpoint")


def input_identity(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What tells us the input is the same file as before: where it is, its size and modification time."""
    p = Path(path).resolve()
    st = p.stat()
    return {"path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


@dataclass(slots=True)
class Checkpoint:
    """How far a run got: rows of the input done and bytes of the part file that hold them."""

    input: dict[str, Any]
    settings: str  # digest of the options, the lexicons and the cxtext version
    rows: int = 0
    bytes: int = 0
    text_column: str = ""
    text_column_guessed: bool = False
    statuses: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT

    def save(self, path: Path) -> None:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(self), fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        """The checkpoint at ``path``, or ``None`` when there is none; an unreadable one is an error."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: the checkpoint cannot be read ({exc}); run without --resume to start again") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f"{path}: not a cxtext checkpoint (or from another version); run without --resume to start again")
        try:
            return cls(**data)
        except TypeError as exc:
            raise InputError(f"{path}: the checkpoint is incomplete ({exc}); run without --resume to start again") from None

    def check(self, path: Path, identity: dict[str, Any], settings: str) -> None:
        """Refuse to resume onto a different input or different settings: the rows would not match."""
        if self.input != identity:
            raise InputError(
                f"{path}: the input file changed since the interrupted run (it was {self.input['path']}, "
                f"{self.input['size']:,} bytes); run without --resume to start again"
            )
        if self.settings != settings:
            raise InputError(
                f"{path}: the interrupted run used other options, lexicons or cxtext version; "
                "run with the same options, or without --resume to start again"
            )


class PartFile:
    """The part file of a resumable run: append bytes, make them durable, cut back to a checkpoint."""

    def __init__(self, path: Path, *, size: int | None = None) -> None:
        """Open ``path`` for appending; with ``size``, first cut it to that many bytes (resume).

        The file is locked while the run lasts: a second run writing the same output fails at once
        instead of interleaving its rows with the first one's.
        """
        self.path = path
        self._fh: BinaryIO = open(path, "a+b")  # "a": never truncated before the lock is held
        try:
            _lock(self._fh, path)
            have = os.fstat(self._fh.fileno()).st_size
            if size is not None and have < size:
                raise InputError(
                    f"{path}: the partial output is shorter ({have:,} bytes) than its checkpoint says "
                    f"({size:,}); run without --resume to start again"
                )
            self._fh.truncate(size or 0)
            self._fh.seek(size or 0)
        except BaseException:
            self._fh.close()
            raise
        self.size = size or 0

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self.size += len(data)

    def sync(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def _lock(fh: BinaryIO, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            raise InputError(f"{path}: another cxtext run is writing this output; wait for it or choose another -o") from None
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise InputError(f"{path}: another cxtext run is writing this output; wait for it or choose another -o") from None
