"""`kg push sparql` against a real `oxigraph serve` on 127.0.0.1: push, read back, push again, same triples."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError, StoreError
from kg.model import KnowledgeGraph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings
from kg.stores.sparql_endpoint import batches, push
from tests.stores.oxigraph_server import free_port, graph_triples, oxigraph_serve, select, update

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
