"""Pause Python's cyclic garbage collector for the length of a build.

A build allocates millions of small acyclic objects (dataclasses, tuples, strings), and every automatic
collection walks all live objects again (bench/README gives the cost). Reference counting still frees
everything at once; the few cycles a build leaves wait for the first collection after the pause.
Used once per process at the top (kg.pipeline's build, kg.runtime.output_process's children), never inside a
stage; forked extraction workers inherit the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cyclic collection inside the block (restored as it was on exit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
