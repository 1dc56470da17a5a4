"""Every error cxtext raises on purpose.

Each class also subclasses the builtin a caller would naturally catch, so ``except ValueError`` keeps
working for code that does not know cxtext. Messages say what happened, where (file:line, row,
column) and what to do about it.

    CxtextError
    ├── LexiconError(ValueError)        a lexicon file is malformed
    ├── ConfigError(ValueError)         a YAML/JSON configuration is malformed
    ├── InputError(ValueError)          an input file or column cannot be read as asked
    ├── ModelError(ValueError)          a sentiment model file is unusable
    └── MissingDependencyError(ImportError)   an optional extra is not installed
"""

from __future__ import annotations

__all__ = [
    "CxtextError",
    "LexiconError",
    "ConfigError",
    "InputError",
    "ModelError",
    "MissingDependencyError",
]


class CxtextError(Exception):
    """Base class of every error cxtext raises deliberately."""


class LexiconError(CxtextError, ValueError):
    """A lexicon file has a line that cannot be used; the message starts with ``file:line:``."""


class ConfigError(CxtextError, ValueError):
    """A configuration file or value is invalid; the message names the field and, when known, the line."""


class InputError(CxtextError, ValueError):
    """An input file, sheet or column cannot be read as requested."""


class ModelError(CxtextError, ValueError):
    """A sentiment model file is missing, corrupt, or was written by an incompatible version."""


class MissingDependencyError(CxtextError, ImportError):
    """An optional dependency is needed for the requested feature."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}, which is not installed. "
            f"Install it with: pip install 'cxtext[{extra}]'"
        )
        self.package = package
        self.extra = extra


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters: a whole file given where
    one value was expected must not fill the screen."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(str(value)):,} characters)"
