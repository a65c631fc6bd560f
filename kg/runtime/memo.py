"""Memoise a per-build derivation of the KnowledgeGraph (RDF terms, property-graph rows).

Several outputs of one build need the same derived rows; each would otherwise rebuild them. The
cache keeps only the result for the last graph object seen (by identity), so it never grows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_caches: list[dict[str, object]] = []


def last_graph(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache `fn(graph, *args)` for the last graph object (identity) and args; thread-safe."""
    cache: dict[str, object] = {}
    lock = threading.Lock()
    _caches.append(cache)

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        graph, rest = args[0], (args[1:], tuple(sorted(kwargs.items())))
        with lock:
            if cache.get("graph") is graph and cache.get("rest") == rest:
                return cache["value"]  # type: ignore[return-value]
            value = fn(*args, **kwargs)
            cache.update(graph=graph, rest=rest, value=value)
            return value

    return wrapper


def release() -> None:
    """Drop every cached derivation (a build calls this when its outputs are written)."""
    for cache in _caches:
        cache.clear()
