"""``cxtext cache``: where the user cache is, what it holds, and ``--clear`` to empty it."""

from __future__ import annotations

import argparse
from typing import TextIO

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("cache", help="show or clear the cache of built tokenizers",
                              description="Show the user cache folder (CXTEXT_CACHE_DIR overrides it; "
                                          "CXTEXT_NO_CACHE=1 turns it off) and its files; --clear removes them.")
    p.add_argument("--clear", action="store_true", help="remove every cache file")
    p.set_defaults(func=_cmd_cache)


def _cmd_cache(args: argparse.Namespace, err: TextIO) -> int:
    import sys

    from . import _cache

    out = sys.stdout
    folder = _cache.cache_dir()
    if folder is None:
        out.write(f"cache: off ({_cache.ENV_OFF} is set)\n")
        return 0
    if args.clear:
        n = _cache.clear()
        out.write(f"cache: {folder}: removed {n} file(s)\n")
        return 0
    files = _cache.entries()
    total = sum(f.stat().st_size for f in files)
    out.write(f"cache: {folder}: {len(files)} file(s), {total / 1e6:.1f} MB\n")
    for f in files:
        out.write(f"  {f.name}  {f.stat().st_size / 1e6:.1f} MB\n")
    return 0
