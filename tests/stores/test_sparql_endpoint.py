"""`kg push sparql` against a real `oxigraph serve` on 127.0.0.1: push, read back, push again, same triples;
a push that fails midway (a real failure, through a proxy in front of the server) leaves the old graph."""

from __future__ import annotations

import base64
import http.server
import itertools
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError, StoreError
from kg.model import KnowledgeGraph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings
from kg.stores.sparql_endpoint import batches, push
from tests.stores.oxigraph_server import (
    Verdict,
    free_port,
    graph_triples,
    named_graphs,
    oxigraph_serve,
    proxy,
    select,
    update,
)

HOSTILE = "张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture
def built(small_graph: KnowledgeGraph, tmp_path: Path) -> Path:
    write_rdf(small_graph, Settings(out=tmp_path, progress=False))
    return tmp_path


def _lines(out: Path) -> int:
    return len(rdf_path(out, RdfFile.NTRIPLES).read_text(encoding="utf-8").splitlines())


def _built_triples(out: Path) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(rdf_path(out, RdfFile.NTRIPLES)), format=ox.RdfFormat.N_TRIPLES)}


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=120)


def test_push_twice_same_count(server: str, built: Path) -> None:
    first = push(built, server)
    assert first == _lines(built) > 50
    assert push(built, server) == first
    [row] = select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(row["n"]) == first


def test_cli_push_twice_leaves_exactly_the_built_triples(server: str, built: Path) -> None:
    """`kg push sparql` twice: the second push changes nothing, and the graph is exactly graph.nt
    (a triple left from an earlier, different load is gone, other graphs are untouched)."""
    graph, other = "https://w3id.org/ukg/graph/cli-twice", "https://w3id.org/ukg/graph/cli-other"
    stale = ox.Triple(ox.NamedNode("https://example.org/stale"), ox.NamedNode("https://example.org/p"),
                      ox.Literal("left from an earlier load"))
    kept = ox.Triple(stale.subject, stale.predicate, ox.Literal("another graph"))
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {stale} }} GRAPH <{other}> {{ {kept} }} }}")
    assert stale in graph_triples(server, graph)
    expected = _built_triples(built)
    snapshots = []
    for _ in range(2):
        result = _kg("push", "sparql", "--out", str(built), "--endpoint", server, "--graph", graph)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"pushed: the endpoint now holds {len(expected)} triples in the target graph"
        snapshots.append(graph_triples(server, graph))
    assert snapshots[0] == snapshots[1] == expected
    assert graph_triples(server, other) == {kept}


def test_push_into_named_graph_in_batches(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/test-batches"
    first = push(built, server + "/store", graph_iri=graph, batch_size=7)  # many PUT/POST batches
    assert first == _lines(built)
    assert push(built, server, graph_iri=graph, batch_size=1000) == first
    role = "<https://w3id.org/ukg/ontology#role>"
    rows = select(server, f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ ?f {role} ?n }} }}")
    assert rows == [{"n": "主席'\"<b>"}]


def test_hostile_names_round_trip_verbatim(server: str, built: Path) -> None:
    push(built, server, graph_iri="https://w3id.org/ukg/graph/hostile")
    rows = select(server, """
        SELECT ?name WHERE { GRAPH <https://w3id.org/ukg/graph/hostile> {
          ?p a <https://w3id.org/ukg/ontology#Person> ;
             <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } }""")
    assert rows == [{"name": HOSTILE}]


def test_unreachable_server_is_store_error(built: Path) -> None:
    with pytest.raises(StoreError, match="cannot reach") as info:
        push(built, f"http://127.0.0.1:{free_port()}")
    assert "\n" not in str(info.value)


class _Refuse(http.server.BaseHTTPRequestHandler):
    """A server that answers every request with 401, as one with basic auth does on bad credentials."""

    def _deny(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = _deny

    def log_message(self, *args: object) -> None:
        pass


def test_auth_failure_is_store_error(built: Path) -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Refuse)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(StoreError, match="authentication failed"):
            push(built, f"http://127.0.0.1:{httpd.server_port}", user="u", password="wrong")
    finally:
        httpd.shutdown()


def test_missing_build_and_bad_arguments(server: str, built: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        push(tmp_path / "nothing", server)
    with pytest.raises(InputError, match="IRI"):
        push(built, server, graph_iri="not an iri> }")
    with pytest.raises(InputError, match="http"):
        push(built, "ftp://example.org")


def test_batches() -> None:
    lines = [b"<a> <b> <c> .\n"] * 5
    assert [b.count(b"\n") for b in batches(lines, 2)] == [2, 2, 1]
    assert batches([], 2) == [b""]


OLD = ox.Triple(ox.NamedNode("https://example.org/old"), ox.NamedNode("https://example.org/p"),
                ox.Literal("held before the push"))


def _fail_post(number: int, status: int) -> Verdict:
    """A proxy verdict failing the `number`-th POST to /store (a batch upload) with `status`."""
    posts = itertools.count(1)

    def verdict(method: str, path: str, _: int) -> int | None:
        if method == "POST" and path.startswith("/store") and next(posts) == number:
            return status
        return None

    return verdict


def test_a_failed_batch_leaves_the_old_graph_and_no_temporary_graph(server: str, built: Path) -> None:
    """The probe's case: the third batch fails. Before, the first batch had replaced the graph (PUT),
    so the server kept a fraction of the new triples and none of the old ones."""
    graph = "https://w3id.org/ukg/graph/failed-batch"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    graphs = named_graphs(server)
    with proxy(server, _fail_post(3, 500)) as url, pytest.raises(StoreError) as info:
        push(built, url, graph_iri=graph, batch_size=7)
    assert graph_triples(server, graph) == {OLD}
    assert named_graphs(server) == graphs
    message = str(info.value)
    assert "\n" not in message
    assert f"batch 3 of {-(-_lines(built) // 7)}" in message and "HTTP 500" in message
    assert "the target graph is unchanged" in message and "was dropped" in message


def test_server_gone_midway_leaves_the_old_graph_and_names_the_temporary_one(tmp_path: Path, built: Path) -> None:
    """Every request from the third batch on gets no answer, as from a server that went away: the default
    graph keeps its triples, and the message names the temporary graph it could not drop."""
    with oxigraph_serve(tmp_path / "server") as server:
        update(server, f"INSERT DATA {{ {OLD} }}")
        gone = threading.Event()
        posts = itertools.count(1)

        def verdict(method: str, path: str, _: int) -> int | None:
            if method == "POST" and path.startswith("/store") and next(posts) == 3:
                gone.set()
            return 0 if gone.is_set() else None

        with proxy(server, verdict) as url, pytest.raises(StoreError) as info:
            push(built, url, batch_size=7)
        message = str(info.value)
        assert "cannot reach" in message and "the target graph is unchanged" in message
        assert "could not be dropped" in message
        temporary = re.findall(r"<(urn:uuid:[0-9a-f-]+)>", message)
        assert len(set(temporary)) == 1, message
        assert graph_triples(server) == {OLD}
        assert named_graphs(server) == set(temporary)
        assert len(graph_triples(server, temporary[0])) == 14  # the two batches that went through


def test_without_an_update_endpoint_only_a_single_put_is_sent(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/no-update"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    graphs = named_graphs(server)

    def verdict(method: str, path: str, _: int) -> int | None:
        return 404 if path.startswith("/update") else None

    with proxy(server, verdict) as url:
        with pytest.raises(StoreError, match="no SPARQL Update endpoint") as info:
            push(built, url, graph_iri=graph, batch_size=7)
        assert f"--batch-size {_lines(built)}" in str(info.value) and "unchanged" in str(info.value)
        assert graph_triples(server, graph) == {OLD} and named_graphs(server) == graphs
        assert push(built, url, graph_iri=graph, batch_size=_lines(built)) == _lines(built)
    assert graph_triples(server, graph) == _built_triples(built)


def test_cli_failed_push_exits_5_and_says_the_graph_is_unchanged(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/cli-failed"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    with proxy(server, _fail_post(2, 503)) as url:
        result = _kg("push", "sparql", "--out", str(built), "--endpoint", url, "--graph", graph, "--batch-size", "7")
    assert result.returncode == 5, result.stderr
    assert result.stderr.count("\n") == 1 and "the target graph is unchanged" in result.stderr
    assert graph_triples(server, graph) == {OLD}


def test_a_push_leaves_no_temporary_graph_and_an_empty_build_empties_the_target(server: str, built: Path,
                                                                                tmp_path: Path) -> None:
    graph = "https://w3id.org/ukg/graph/empty"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    before = named_graphs(server)
    assert push(built, server, graph_iri=graph, batch_size=7) == _lines(built)
    assert named_graphs(server) == before
    empty = tmp_path / "empty"
    rdf_path(empty, RdfFile.NTRIPLES).parent.mkdir(parents=True)
    rdf_path(empty, RdfFile.NTRIPLES).write_bytes(b"")
    assert push(empty, server, graph_iri=graph) == 0
    assert named_graphs(server) == before - {graph}


@contextmanager
def _trickle(step: float) -> Iterator[str]:
    """A server on 127.0.0.1 that reads a request, then sends a valid answer one byte every `step` seconds."""
    answer = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def reply(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in answer:
                    if stop.wait(step):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=reply, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def test_a_trickling_server_is_cut_off_at_the_deadline(built: Path) -> None:
    """Every byte comes well within the per-read timeout, so only a deadline on the whole request ends it."""
    with _trickle(step=0.5) as url, pytest.raises(StoreError, match="no complete answer within 1 s") as info:
        push(built, url, deadline=1.0)
    assert "\n" not in str(info.value)


class _Record(_Refuse):
    """A server answering 401 that records the Authorization header it got."""

    seen: list[str] = []

    def _deny(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        super()._deny()

    do_GET = do_PUT = do_POST = _deny


def test_credentials_in_the_url_are_sent_as_basic_auth_and_never_shown(built: Path) -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Record)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(StoreError, match="authentication failed") as info:
            push(built, f"http://alice:s3cret@127.0.0.1:{httpd.server_port}")
    finally:
        httpd.shutdown()
    assert "s3cret" not in str(info.value)
    assert base64.b64decode(_Record.seen[0].removeprefix("Basic ")) == b"alice:s3cret"
    with pytest.raises(StoreError, match="cannot reach") as info:
        push(built, f"http://alice:s3cret@127.0.0.1:{free_port()}")
    assert "s3cret" not in str(info.value) and "alice" not in str(info.value)


@pytest.mark.parametrize(("endpoint", "code"), [
    ("http://[::1", 2), ("http://u:s3cret@[::1", 2), ("http://u:s3cret@host:99999", 2), ("ftp://u:s3cret@h", 2),
    ("http://", 2), ("http://u:s3cret@127.0.0.1:{port}", 5),
])
def test_cli_bad_or_unreachable_endpoints_are_one_line_without_credentials(built: Path, endpoint: str,
                                                                           code: int) -> None:
    result = _kg("push", "sparql", "--out", str(built), "--endpoint", endpoint.format(port=free_port()))
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr


def test_cli_batch_size_zero_is_a_usage_error(built: Path) -> None:
    result = _kg("push", "sparql", "--out", str(built), "--endpoint", "http://127.0.0.1:1", "--batch-size", "0")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--batch-size" in result.stderr
    with pytest.raises(InputError, match="at least 1"):
        push(built, "http://127.0.0.1:1", batch_size=0)
