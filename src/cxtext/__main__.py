"""``python -m cxtext``: the same as the ``cxtext`` command."""

from ._cli import run

run()
