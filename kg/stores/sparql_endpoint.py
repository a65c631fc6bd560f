"""`kg push sparql`: replace one graph of a SPARQL 1.1 server with OUT/rdf/graph.nt, all at once or not at all.

The triples are POSTed in batches (Graph Store Protocol) into a temporary named graph (urn:uuid:…),
then one SPARQL Update, `MOVE <temporary> TO <target>`, swaps them in: readers of the target graph see
the old triples until that request and the new ones after it, and a second push leaves the same triples.
A batch that fails drops the temporary graph and leaves the target as it was. A server without an update
endpoint cannot swap: the graph then goes as one PUT when it fits in one batch, else nothing is sent.
URLs follow Oxigraph's layout: <endpoint>/store, /query and /update. Each request has a total deadline
besides the per-read timeout, so a server that trickles bytes cannot hold a push for ever; credentials
written into the URL are sent as basic auth and never printed.
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
from kg.stores.urls import redact

BATCH_TRIPLES = 50_000
TIMEOUT_S = 60
"""Seconds one read or connect may wait."""
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
                accept: str | None = None) -> bytes:
        """The answer's body; StoreError (one line, no credentials) on any failure."""
        headers = self.endpoint.headers()
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        where = f"{method} {url.split('?')[0]}"
        with _Watchdog(self.deadline) as watchdog:
            try:
                with _opener(watchdog).open(request, timeout=TIMEOUT_S) as response:
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
        self.request("POST", self.endpoint.update_url, text.encode("utf-8"), "application/sparql-update")

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


def _has_update(client: Client, scratch: str) -> bool:
    """Whether the server takes SPARQL Update, asked with an update that changes nothing."""
    try:
        client.update(f"DROP SILENT GRAPH <{scratch}>")
    except HttpStatusError as exc:
        if exc.code in _NO_UPDATE:
            return False
        raise
    return True


def _drop(client: Client, graph: str) -> str:
    """Drop the temporary graph; the clause a failure message ends with."""
    try:
        client.update(f"DROP SILENT GRAPH <{graph}>")
    except StoreError as exc:
        return (f"; the temporary graph <{graph}> holding the partial upload could not be dropped ({exc}): "
                f"drop it with the update DROP SILENT GRAPH <{graph}>")
    return "; the partial upload in a temporary graph was dropped"


def push(out_dir: Path, endpoint: str, graph_iri: str | None = None, user: str | None = None,
         password: str | None = None, batch_size: int = BATCH_TRIPLES, deadline: float = DEADLINE_S) -> int:
    """Replace the target graph with the built graph at once; returns its triple count after the push.
    On failure (StoreError) the target graph is as it was, unless the message says otherwise."""
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    if not deadline > 0:
        raise InputError(f"deadline must be more than 0 seconds, got {deadline}")
    source = rdf_path(out_dir, RdfFile.NTRIPLES)
    if not source.is_file():
        raise InputError(f"no RDF graph at {source}: run `kg build --out {out_dir}` first")
    target = make_endpoint(endpoint, graph_iri, user, password)
    client = Client(target, deadline)
    lines = [line + b"\n" for line in source.read_bytes().splitlines() if line.strip()]
    bodies = batches(lines, batch_size)
    temporary = f"urn:uuid:{uuid.uuid4()}"
    try:
        has_update = _has_update(client, temporary)
    except StoreError as exc:
        raise StoreError(f"{exc}; nothing was sent, the target graph is unchanged") from exc
    if not has_update:
        if len(bodies) > 1:
            raise StoreError(
                f"{target.base} has no SPARQL Update endpoint ({target.update_url} not found), so the graph "
                f"cannot be swapped in at once and nothing was sent; the target graph is unchanged. Push the "
                f"{len(lines)} triples as one PUT with --batch-size {len(lines)}")
        client.request("PUT", target.store_url(target.graph), bodies[0], "application/n-triples")
        return client.count()
    for number, body in enumerate(bodies if lines else [], 1):
        try:
            client.request("POST", target.store_url(temporary), body, "application/n-triples")
        except StoreError as exc:
            raise StoreError(f"push failed at batch {number} of {len(bodies)}: {exc}; the target graph is "
                             f"unchanged{_drop(client, temporary)}") from exc
    _swap(client, temporary, bool(lines))
    try:
        return client.count()
    except StoreError as exc:
        raise StoreError(f"the graph was replaced, but counting its triples failed: {exc}") from exc


def _swap(client: Client, temporary: str, loaded: bool) -> None:
    """One SPARQL Update that replaces the target graph with the temporary one (or empties it)."""
    silent = "" if loaded else " SILENT"  # no triples, no temporary graph: the target just empties
    try:
        client.update(f"MOVE{silent} GRAPH <{temporary}> TO {client.endpoint.target}")
    except HttpStatusError as exc:
        raise StoreError(f"the server refused to swap the new graph in ({exc}); the target graph is "
                         f"unchanged{_drop(client, temporary)}") from exc
    except StoreError as exc:
        raise StoreError(f"no answer to the update that swaps the new graph in ({exc}): the target graph "
                         f"holds either its old triples or the new ones; push again to be sure"
                         f"{_drop(client, temporary)}") from exc
