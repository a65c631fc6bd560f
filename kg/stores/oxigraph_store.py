"""The embedded SPARQL store: an Oxigraph database under OUT/oxigraph/, bulk-loaded from N-Quads.

`write_store` is the build output; `run_query` backs `kg query sparql` (the store opened read-only, a
SERVICE clause refused, the query run in a worker thread so Ctrl-C stops it). The ontology goes into
its own named graph so queries can read labels and definitions.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, QueryError, StoreError
from kg.model import KnowledgeGraph
from kg.rdf.convert import to_rdf
from kg.rdf.vocab import ONTOLOGY_IRI, ONTOLOGY_PATH, PREFIXES
from kg.runtime.atomic import atomic_dir
from kg.settings import Settings
from kg.stores.interruptible import run_interruptibly
from kg.stores.sparql_guard import check_no_service

log = logging.getLogger(__name__)

STORE_DIR = "oxigraph"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    **dict.fromkeys(
        ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "unsignedInt"), int
    ),
    **dict.fromkeys(("decimal", "double", "float"), float),
}
"""xsd datatype local name → Python type for query results."""


def store_path(out: Path) -> Path:
    return out / STORE_DIR


def load_store(path: Path, *nquads: bytes) -> float:
    """Create an Oxigraph store at `path` from parts of N-Quads plus the ontology graph; returns load
    seconds. The parts are kg's own serialisation, so the loader skips re-validating IRIs (lenient)."""
    store = ox.Store(str(path))
    start = time.perf_counter()
    for part in nquads:
        if part:
            store.bulk_load(part, format=ox.RdfFormat.N_QUADS, lenient=True)
    store.bulk_load(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(str(ONTOLOGY_IRI)))
    seconds = time.perf_counter() - start
    store.flush()
    del store
    return seconds


def write_store(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Build OUT/oxigraph/ atomically (a fresh store swapped in for the old one)."""
    data = to_rdf(graph, settings.base_iri)
    target = store_path(settings.out)
    with atomic_dir(target) as tmp:
        seconds = load_store(tmp, *data.encoded())  # default then named graphs: no joined copy
    log.info("oxigraph: %d quads bulk-loaded in %.3fs", data.quad_count(), seconds)
    return [target]


def _value(term: object) -> object:
    """A query-result term as a plain Python value (IRIs and strings as str, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.startswith(_XSD) and dt[len(_XSD):] in _NUMBERS:
            try:
                return _NUMBERS[dt[len(_XSD):]](term.value)
            except ValueError:
                return term.value
        if dt == _XSD + "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _one_line(exc: BaseException, limit: int = 300) -> str:
    """The engine's message on one line (long "expected one of …" lists cut short)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def open_store(out: Path) -> ox.Store:
    """The store of a previous build, read-only; InputError if there is none."""
    path = store_path(out)
    if not path.is_dir():
        raise InputError(f"no SPARQL store at {path}: run `kg build --out {out}` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the SPARQL store at {path}: {_one_line(exc)}") from exc


def query_store(store: ox.Store, query: str) -> tuple[list[str], list[list[object]]]:
    """Run a SPARQL query (the ukg prefixes predeclared); (column names, rows of plain values)."""
    try:
        result = store.query(query, prefixes=PREFIXES)
        if isinstance(result, ox.QueryBoolean):
            return ["result"], [[bool(result)]]
        if isinstance(result, ox.QueryTriples):
            return ["subject", "predicate", "object"], [[_value(t.subject), _value(t.predicate),
                                                         _value(t.object)] for t in result]
        columns = [v.value for v in result.variables]
        return columns, [[_value(solution[c]) for c in columns] for solution in result]
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
    except (ValueError, TypeError, RuntimeError) as exc:
        raise QueryError(f"SPARQL query failed: {_one_line(exc)}") from exc
    except OSError as exc:
        raise StoreError(f"SPARQL store error: {_one_line(exc)}") from exc


def run_query(out_dir: Path, query: str) -> tuple[list[str], list[list[object]]]:
    """`kg query sparql`: run one query on OUT/oxigraph/ (no SERVICE; Ctrl-C raises KeyboardInterrupt)."""
    check_no_service(query)
    store = open_store(out_dir)
    return run_interruptibly(lambda: query_store(store, query))
