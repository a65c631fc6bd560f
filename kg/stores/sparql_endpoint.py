"""`kg push sparql`: load OUT/rdf/graph.nt into a SPARQL 1.1 server with the Graph Store Protocol.

The first batch is PUT (replacing the target graph), later batches are POSTed (merged), so a second
push leaves the same triples. URLs follow Oxigraph's layout: <endpoint>/store and <endpoint>/query.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.rdf.exports import RdfFile, rdf_path

BATCH_TRIPLES = 50_000
TIMEOUT_S = 60
_SERVICE_SUFFIXES = ("/store", "/query", "/update", "/sparql")


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server: base URL, optional basic-auth credentials, target graph (None = default)."""

    base: str
    graph: str | None = None
    user: str | None = None
    password: str | None = None

    @property
    def store_url(self) -> str:
        return f"{self.base}/store?" + (urlencode({"graph": self.graph}) if self.graph else "default")

    def query_url(self, query: str) -> str:
        return f"{self.base}/query?" + urlencode({"query": query})

    def headers(self) -> dict[str, str]:
        if self.user is None:
            return {}
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}


def make_endpoint(url: str, graph_iri: str | None, user: str | None, password: str | None) -> Endpoint:
    """Normalise the server URL (a trailing /store, /query… is dropped) and check the graph IRI."""
    base = url.rstrip("/")
    for suffix in _SERVICE_SUFFIXES:
        base = base.removesuffix(suffix)
    if not base.startswith(("http://", "https://")):
        raise InputError(f"endpoint must be an http(s) URL, got {url!r}")
    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as exc:
            raise InputError(f"--graph is not a valid IRI: {graph_iri!r}") from exc
    return Endpoint(base, graph_iri, user, password)


def _request(endpoint: Endpoint, method: str, url: str, body: bytes | None = None,
             content_type: str | None = None, accept: str | None = None) -> bytes:
    headers = endpoint.headers()
    if content_type:
        headers["Content-Type"] = content_type
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise StoreError(f"authentication failed at {endpoint.base} (HTTP {exc.code})") from exc
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:200]
        raise StoreError(f"{method} {url.split('?')[0]} failed: HTTP {exc.code} {detail}".rstrip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StoreError(f"cannot reach SPARQL endpoint {endpoint.base}: {reason}") from exc


def count_triples(endpoint: Endpoint) -> int:
    """Number of triples in the target graph, asked with a SPARQL COUNT."""
    pattern = f"GRAPH <{endpoint.graph}> {{ ?s ?p ?o }}" if endpoint.graph else "?s ?p ?o"
    raw = _request(endpoint, "GET", endpoint.query_url(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"),
                   accept="application/sparql-results+json")
    try:
        return int(json.loads(raw)["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError) as exc:
        raise StoreError(f"unexpected answer from {endpoint.base}/query: {raw[:120]!r}") from exc


def batches(lines: list[bytes], size: int) -> list[bytes]:
    """N-Triples lines joined into request bodies of at most `size` triples (at least one body)."""
    return [b"".join(lines[i : i + size]) for i in range(0, len(lines), size)] or [b""]


def push(out_dir: Path, endpoint: str, graph_iri: str | None = None, user: str | None = None,
         password: str | None = None, batch_size: int = BATCH_TRIPLES) -> int:
    """Replace the target graph with the built graph; returns its triple count after the push."""
    source = rdf_path(out_dir, RdfFile.NTRIPLES)
    if not source.is_file():
        raise InputError(f"no RDF graph at {source}: run `kg build --out {out_dir}` first")
    target = make_endpoint(endpoint, graph_iri, user, password)
    lines = [line + b"\n" for line in source.read_bytes().splitlines() if line.strip()]
    for i, body in enumerate(batches(lines, batch_size)):
        _request(target, "PUT" if i == 0 else "POST", target.store_url, body, "application/n-triples")
    return count_triples(target)
