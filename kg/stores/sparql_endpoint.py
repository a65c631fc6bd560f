"""`kg push sparql`: replace graphs of a SPARQL 1.1 server with a build's, all at once or not at all.

A push sends the default graph (OUT/rdf/graph.nt, into the server's default graph or --graph), each
article's named graph (from OUT/rdf/graph.nq, under the article's IRI) and the ontology (schema/
ontology.ttl, into the graph the embedded store keeps it in). Each goes in batches into its own temporary
graph (the default graph with the Graph Store Protocol, the others as N-Quads POSTed to the store), then
ONE SPARQL Update moves them all onto their targets (`MOVE <tmp1> TO <g1> ; MOVE <tmp2> TO <g2> ; …`,
one transaction on Oxigraph): readers see all the old graphs until that request and all the new ones
after it, and a second push leaves the same state. The same update drops the server's graphs in the
build's article namespace (`<base IRI>article/`) that this build no longer has. A request that fails
before the swap drops every temporary graph and leaves the server as it was. A server without an update
endpoint cannot swap: the default graph alone then goes as one PUT when it fits in one batch, else
nothing is sent. URLs follow Oxigraph's layout: <endpoint>/store, /query and /update. Each request has a
total deadline besides the per-read timeout, so a server that trickles bytes cannot hold a push for ever;
credentials written into the URL are sent as basic auth and never printed.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlencode, urlsplit

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.rdf.exports import RdfFile, rdf_path
from kg.rdf.vocab import ONTOLOGY_IRI, ONTOLOGY_PATH
from kg.stores.urls import redact

BATCH_TRIPLES = 50_000
TIMEOUT_S = 60
"""Seconds one read or connect may wait (an update, which answers only once done, waits up to its deadline)."""
DEADLINE_S = 600.0
"""Seconds one whole request may take (a batch of BATCH_TRIPLES is ~7 MB)."""
_SERVICE_SUFFIXES = ("/store", "/query", "/update", "/sparql")
_NO_UPDATE = (404, 405, 501)
"""HTTP codes of a server that has no SPARQL Update endpoint."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server: base URL (no credentials), basic-auth credentials, target graph (None = default)."""

    base: str
    graph: str | None = None
    user: str | None = None
    password: str | None = None

    def store_url(self, graph: str | None) -> str:
        return f"{self.base}/store?" + (urlencode({"graph": graph}) if graph else "default")

    def query_url(self, query: str) -> str:
        return f"{self.base}/query?" + urlencode({"query": query})

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def target(self) -> str:
        """The target graph in SPARQL Update syntax."""
        return f"GRAPH <{self.graph}>" if self.graph else "DEFAULT"

    def headers(self) -> dict[str, str]:
        if self.user is None:
            return {}
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}


def make_endpoint(url: str, graph_iri: str | None, user: str | None, password: str | None) -> Endpoint:
    """Check and normalise the server URL (a trailing /store, /query… is dropped; user:password@ in it
    become the credentials unless given apart) and check the graph IRI; InputError otherwise."""
    shown = redact(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"endpoint is not a valid URL: {shown!r} ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InputError(f"endpoint must be an http(s) URL with a host, got {shown!r}")
    if parts.query or parts.fragment:
        raise InputError(f"endpoint must not hold a ?query or #fragment: {shown!r}")
    if parts.username is not None:
        user = user if user is not None else unquote(parts.username)
        password = password if password is not None else unquote(parts.password or "")
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port is not None else "")
    path = parts.path.rstrip("/")
    for suffix in _SERVICE_SUFFIXES:
        path = path.removesuffix(suffix)
    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as exc:
            raise InputError(f"--graph is not a valid IRI: {graph_iri!r}") from exc
    return Endpoint(f"{parts.scheme.lower()}://{netloc}{path}", graph_iri, user, password)


class _Watchdog:
    """Shuts a request's sockets down when its deadline passes, which ends any read waiting on them."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """A urllib opener (proxies and redirects as usual) whose connections the watchdog can cut."""

    def watched(cls: type[http.client.HTTPConnection]) -> Callable[..., http.client.HTTPConnection]:
        def make(*args: object, **kwargs: object) -> http.client.HTTPConnection:
            conn = cls(*args, **kwargs)  # type: ignore[arg-type]
            create = conn._create_connection  # type: ignore[attr-defined]
            conn._create_connection = lambda *a, **k: watchdog.watch(create(*a, **k))  # type: ignore[attr-defined]
            connect = conn.connect

            def connect_and_watch() -> None:
                connect()
                watchdog.watch(conn.sock)  # the TLS socket, once wrapped

            conn.connect = connect_and_watch  # type: ignore[method-assign]
            return conn

        return make

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(watched(http.client.HTTPConnection), req)  # type: ignore[arg-type]

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(watched(http.client.HTTPSConnection), req,  # type: ignore[arg-type]
                                context=getattr(self, "_context", None))

    return urllib.request.build_opener(Http, Https)


class HttpStatusError(StoreError):
    """The server answered, with an error status."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Client:
    """Requests to one endpoint, each bounded by `deadline` seconds in all."""

    endpoint: Endpoint
    deadline: float = DEADLINE_S

    def request(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
                accept: str | None = None, timeout: float = TIMEOUT_S) -> bytes:
        """The answer's body; StoreError (one line, no credentials) on any failure. `timeout` bounds
        each read, the deadline the whole request."""
        headers = self.endpoint.headers()
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        where = f"{method} {url.split('?')[0]}"
        with _Watchdog(self.deadline) as watchdog:
            try:
                with _opener(watchdog).open(request, timeout=timeout) as response:
                    data = response.read()
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise StoreError(f"authentication failed at {self.endpoint.base} (HTTP {exc.code})") from exc
                detail = redact(" ".join(exc.read().decode("utf-8", "replace").split())[:200])
                raise HttpStatusError(exc.code, f"{where} failed: HTTP {exc.code} {detail}".rstrip()) from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                if watchdog.expired:
                    raise self._late(where) from exc
                reason = redact(str(getattr(exc, "reason", exc)) or type(exc).__name__)
                raise StoreError(f"cannot reach SPARQL endpoint {self.endpoint.base}: {reason}") from exc
        if watchdog.expired:
            raise self._late(where)
        return data

    def _late(self, where: str) -> StoreError:
        return StoreError(f"{where} gave no complete answer within {self.deadline:g} s (the server is stalled "
                          "or too slow; see --deadline)")

    def update(self, text: str) -> None:
        """Send one SPARQL Update; its answer may take up to the deadline (a MOVE of a million triples
        takes the server a minute or more before it sends a byte)."""
        self.request("POST", self.endpoint.update_url, text.encode("utf-8"), "application/sparql-update",
                     timeout=self.deadline + TIMEOUT_S)  # the deadline's watchdog ends it first

    def count(self) -> int:
        """Number of triples in the target graph, asked with a SPARQL COUNT."""
        graph = self.endpoint.graph
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        raw = self.request("GET", self.endpoint.query_url(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"),
                           accept="application/sparql-results+json")
        try:
            return int(json.loads(raw)["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise StoreError(f"unexpected answer from {self.endpoint.base}/query: {raw[:120]!r}") from exc


def count_triples(endpoint: Endpoint, deadline: float = DEADLINE_S) -> int:
    """Number of triples in the target graph of `endpoint`."""
    return Client(endpoint, deadline).count()


def batches(lines: list[bytes], size: int) -> list[bytes]:
    """N-Triples lines joined into request bodies of at most `size` triples (at least one body)."""
    return [b"".join(lines[i : i + size]) for i in range(0, len(lines), size)] or [b""]


@dataclass(frozen=True)
class NamedGraph:
    """One named graph to push: its IRI and triples, loaded first into the temporary graph `temporary`."""

    iri: str
    triples: list[ox.Triple]
    temporary: str

    @property
    def whole(self) -> bool:
        """Whether it must go in one request: a blank node is only itself within one document."""
        return any(isinstance(term, ox.BlankNode) for t in self.triples for term in (t.subject, t.object))


def quad_batches(graphs: list[NamedGraph], size: int) -> list[tuple[bytes, list[str]]]:
    """The graphs as N-Quads request bodies of at most `size` triples, each triple in its graph's
    temporary graph, with the temporary graphs each body writes to. A graph holding blank nodes is never
    split (it goes alone when larger than `size`)."""
    chunks: list[tuple[NamedGraph, list[ox.Triple]]] = []
    for g in graphs:
        step = len(g.triples) if g.whole else size
        chunks += [(g, g.triples[i : i + step]) for i in range(0, len(g.triples), max(step, 1))]
    bodies: list[tuple[bytes, list[str]]] = []
    quads: list[ox.Quad] = []
    touched: list[str] = []
    for g, triples in chunks:
        if quads and len(quads) + len(triples) > size:
            bodies.append((ox.serialize(quads, format=ox.RdfFormat.N_QUADS), touched))
            quads, touched = [], []
        name = ox.NamedNode(g.temporary)
        quads += [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        if not touched or touched[-1] != g.temporary:
            touched.append(g.temporary)
    if quads:
        bodies.append((ox.serialize(quads, format=ox.RdfFormat.N_QUADS), touched))
    return bodies


def article_graphs(out_dir: Path, run: str) -> list[NamedGraph]:
    """The named graphs of OUT/rdf/graph.nq (one per article), in IRI order. The file is the default
    graph's N-Triples followed by the named graphs' quads, so only what follows graph.nt is parsed."""
    path = rdf_path(out_dir, RdfFile.NQUADS)
    if not path.is_file():
        raise InputError(f"no N-Quads file at {path} to take the article graphs from: run `kg build --out "
                         f"{out_dir}` again, or push the default graph alone with --no-named-graphs")
    data = path.read_bytes()
    default = rdf_path(out_dir, RdfFile.NTRIPLES).read_bytes()
    if data.startswith(default):
        data = data[len(default):]
    named: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode):
                named.setdefault(quad.graph_name.value, []).append(quad.triple)
    except SyntaxError as exc:
        raise InputError(f"cannot read {path}: {' '.join(str(exc).split())[:200]}") from exc
    return [NamedGraph(iri, named[iri], f"{run}:{n}") for n, iri in enumerate(sorted(named), 1)]


def ontology_graph(temporary: str) -> NamedGraph:
    """schema/ontology.ttl as the graph the embedded store keeps it in (ONTOLOGY_IRI)."""
    try:
        triples = [q.triple for q in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE)]
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot read the ontology {ONTOLOGY_PATH}: {' '.join(str(exc).split())[:200]}") from exc
    return NamedGraph(str(ONTOLOGY_IRI), triples, temporary)


def article_namespace(graphs: list[NamedGraph]) -> str | None:
    """The namespace every article graph IRI of the build is in (`<base IRI>article/`), None if the
    build has none or they do not share one."""
    spaces = {g.iri[: g.iri.rfind("/") + 1] for g in graphs}
    if len(spaces) != 1:
        return None
    [space] = spaces
    return space if space.endswith("/article/") and '"' not in space and "\\" not in space else None


@dataclass(frozen=True)
class Pushed:
    """What a push sent: the server (base URL, no credentials), triples of the default (or --graph)
    graph, article graphs and their triples, the ontology's triples (None when not sent) and how many
    graphs of articles no longer built it dropped."""

    server: str
    default: int
    articles: int = 0
    article_triples: int = 0
    ontology: int | None = None
    stale: int = 0


def _has_update(client: Client, scratch: str) -> bool:
    """Whether the server takes SPARQL Update, asked with an update that changes nothing."""
    try:
        client.update(f"DROP SILENT GRAPH <{scratch}>")
    except HttpStatusError as exc:
        if exc.code in _NO_UPDATE:
            return False
        raise
    return True


def _drop(client: Client, graphs: list[str]) -> str:
    """Drop the temporary graphs in one update; the clause a failure message ends with."""
    if not graphs:
        return ""
    try:
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
    except StoreError as exc:
        if len(graphs) == 1:
            return (f"; the temporary graph <{graphs[0]}> holding the partial upload could not be dropped "
                    f"({exc}): drop it with the update DROP SILENT GRAPH <{graphs[0]}>")
        prefix = graphs[0].rpartition(":")[0]
        return (f"; the {len(graphs)} temporary graphs holding the partial upload (their IRIs start with "
                f"{prefix}:) could not be dropped ({exc}): drop them with the update DROP SILENT GRAPH "
                f"<{graphs[0]}> ; … ; DROP SILENT GRAPH <{graphs[-1]}>")
    return "; the partial upload in temporary graphs was dropped"


def _check_targets(target: Endpoint, graphs: list[NamedGraph], space: str | None) -> None:
    """--graph must not be one of the other graphs pushed, nor in the article namespace."""
    if target.graph is None:
        return
    for g in graphs:
        if g.iri == target.graph:
            what = "the ontology graph" if g.iri == str(ONTOLOGY_IRI) else "an article graph"
            flag = "--no-ontology" if g.iri == str(ONTOLOGY_IRI) else "--no-named-graphs"
            raise InputError(f"--graph <{target.graph}> is {what} this push also sends: choose another IRI "
                             f"or push with {flag}")
    if space is not None and target.graph.startswith(space):
        raise InputError(f"--graph <{target.graph}> is in the article graphs' namespace <{space}>: choose "
                         "another IRI or push with --no-named-graphs")


def push(out_dir: Path, endpoint: str, graph_iri: str | None = None, user: str | None = None,
         password: str | None = None, batch_size: int = BATCH_TRIPLES, deadline: float = DEADLINE_S,
         named_graphs: bool = True, ontology: bool = True) -> Pushed:
    """Replace the target graph with the built default graph, each article's named graph with the built
    one and the ontology graph with schema/ontology.ttl, all at once; returns what was sent. On failure
    (StoreError) the server is as it was, unless the message says otherwise."""
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    if not deadline > 0:
        raise InputError(f"deadline must be more than 0 seconds, got {deadline}")
    source = rdf_path(out_dir, RdfFile.NTRIPLES)
    if not source.is_file():
        raise InputError(f"no RDF graph at {source}: run `kg build --out {out_dir}` first")
    target = make_endpoint(endpoint, graph_iri, user, password)
    run = f"urn:kg-push:{uuid.uuid4()}"
    articles = article_graphs(out_dir, run) if named_graphs else []
    space = article_namespace(articles)
    others = articles + ([ontology_graph(f"{run}:{len(articles) + 1}")] if ontology else [])
    _check_targets(target, others, space)
    client = Client(target, deadline)
    lines = [line + b"\n" for line in source.read_bytes().splitlines() if line.strip()]
    bodies = batches(lines, batch_size)
    temporary = f"{run}:0"
    try:
        has_update = _has_update(client, temporary)
    except StoreError as exc:
        raise StoreError(f"{exc}; nothing was sent, the server is unchanged") from exc
    if not has_update:
        if others:
            raise StoreError(
                f"{target.base} has no SPARQL Update endpoint ({target.update_url} not found), so the graphs "
                f"cannot be swapped in at once and nothing was sent; the server is unchanged. Push the default "
                f"graph alone with --no-named-graphs --no-ontology --batch-size {max(len(lines), 1)}")
        if len(bodies) > 1:
            raise StoreError(
                f"{target.base} has no SPARQL Update endpoint ({target.update_url} not found), so the graph "
                f"cannot be swapped in at once and nothing was sent; the server is unchanged. Push the "
                f"{len(lines)} triples as one PUT with --batch-size {len(lines)}")
        client.request("PUT", target.store_url(target.graph), bodies[0], "application/n-triples")
        return Pushed(target.base, len(lines))
    sent: list[str] = []
    uploads = [(body, [temporary]) for body in (bodies if lines else [])]
    uploads += quad_batches(others, batch_size)
    for number, (body, graphs) in enumerate(uploads, 1):
        sent += [g for g in graphs if g not in sent[-1:]]
        try:
            if graphs == [temporary]:
                client.request("POST", target.store_url(temporary), body, "application/n-triples")
            else:
                client.request("POST", f"{target.base}/store", body, "application/n-quads")
        except StoreError as exc:
            raise StoreError(f"push failed at batch {number} of {len(uploads)}: {exc}; the server is "
                             f"unchanged{_drop(client, sent)}") from exc
    try:
        stale = _stale_graphs(client, space, {g.iri for g in articles})
    except StoreError as exc:
        raise StoreError(f"listing the article graphs on the server failed: {exc}; the server is "
                         f"unchanged{_drop(client, sent)}") from exc
    _swap(client, temporary, bool(lines), others, stale, sent)
    return Pushed(target.base, len(lines), len(articles), sum(len(g.triples) for g in articles),
                  len(others[-1].triples) if ontology else None, len(stale))


def _stale_graphs(client: Client, space: str | None, pushed: set[str]) -> list[str]:
    """Named graphs of the server in the article namespace that this push does not send, in IRI order."""
    if space is None:
        return []
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{space}")) }}'
    raw = client.request("GET", client.endpoint.query_url(query), accept="application/sparql-results+json")
    try:
        names = {row["g"]["value"] for row in json.loads(raw)["results"]["bindings"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"unexpected answer from {client.endpoint.base}/query: {raw[:120]!r}") from exc
    return sorted(names - pushed)


def _swap(client: Client, temporary: str, loaded: bool, others: list[NamedGraph], stale: list[str],
          sent: list[str]) -> None:
    """One SPARQL Update that drops the stale article graphs and moves every temporary graph onto its
    target: the server applies it as one transaction, so readers see all the old graphs or all the new."""
    silent = "" if loaded else " SILENT"  # no triples, no temporary graph: the target just empties
    operations = [f"DROP SILENT GRAPH <{g}>" for g in stale]
    operations.append(f"MOVE{silent} GRAPH <{temporary}> TO {client.endpoint.target}")
    operations += [f"MOVE{'' if g.triples else ' SILENT'} GRAPH <{g.temporary}> TO GRAPH <{g.iri}>" for g in others]
    try:
        client.update(" ;\n".join(operations))
    except HttpStatusError as exc:
        raise StoreError(f"the server refused to swap the new graphs in ({exc}); the server is "
                         f"unchanged{_drop(client, sent)}") from exc
    except StoreError as exc:
        raise StoreError(f"no answer to the update that swaps the new graphs in ({exc}): the server holds "
                         f"either all its old graphs or all the new ones; push again to be sure"
                         f"{_drop(client, sent)}") from exc
