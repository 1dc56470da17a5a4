"""The one place that knows where cxtext's data files live.

Order of precedence, for lexicons and templates alike: an explicit argument, then an environment
variable (``CXTEXT_LEXICONS``, ``CXTEXT_TEMPLATES``), then the copy shipped inside the installed package
(found through :mod:`importlib.resources`, never through the working directory).
"""

from __future__ import annotations

import gzip
import json
import os
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from ._errors import InputError, ModelError

__all__ = ["lexicon_dir", "template_dir", "model_path", "read_model", "industry_dir", "industry_names", "qa_rules_path"]

_ENV = {"lexicons": "CXTEXT_LEXICONS", "templates": "CXTEXT_TEMPLATES"}


def _packaged(name: str) -> Traversable:
    root = resources.files("cxtext")
    path = root / name
    if not path.is_dir():
        raise InputError(
            f"the cxtext installation has no {name!r} folder ({root}); the package is incomplete. "
            f"Reinstall it (pip install --force-reinstall cxtext) or set {_ENV[name]} to a {name} folder."
        )
    return path


def _resolve(name: str, explicit: str | os.PathLike[str] | None) -> Traversable:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_dir():
            raise InputError(f"{name} folder not found: {path}")
        return path
    env = os.environ.get(_ENV[name])
    if env:
        path = Path(env)
        if not path.is_dir():
            raise InputError(f"{_ENV[name]}={env!r} does not name a folder")
        return path
    return _packaged(name)


def lexicon_dir(explicit: str | os.PathLike[str] | None = None) -> Traversable:
    """The shipped lexicon folder, or the one the caller or environment names."""
    return _resolve("lexicons", explicit)


def template_dir(explicit: str | os.PathLike[str] | None = None) -> Traversable:
    """The report template folder."""
    return _resolve("templates", explicit)


def industry_names() -> list[str]:
    """The names of the shipped industry packs, sorted."""
    root = _packaged("lexicons") / "industries"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def industry_dir(name: str) -> Traversable:
    """The shipped lexicon pack of one industry (``lexicons/industries/<name>``)."""
    path = _packaged("lexicons") / "industries" / name
    if not name or "/" in name or "\\" in name or name.startswith(".") or not path.is_dir():
        raise InputError(f"unknown industry {name!r}; shipped packs: {', '.join(industry_names()) or 'none'}")
    return path


def model_path(name: str) -> Traversable:
    """A model file shipped in the package's ``models`` folder."""
    return resources.files("cxtext") / "models" / name


def read_model(path: str | os.PathLike[str] | Traversable, what: str = "model") -> dict[str, Any]:
    """The JSON object of a model file, gzipped or not; a missing or unreadable file is a :class:`ModelError`."""
    try:
        raw = path.read_bytes() if hasattr(path, "read_bytes") else open(path, "rb").read()
    except FileNotFoundError:
        raise ModelError(f"{path}: {what} file not found") from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: not a readable {what} file ({exc})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a readable {what} file (a JSON object is expected)")
    return data


def qa_rules_path() -> Traversable:
    """The shipped call-centre QA rules (``lexicons/qa_rules.yaml``); user rules are laid over them."""
    return _packaged("lexicons") / "qa_rules.yaml"
