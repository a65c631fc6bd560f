"""`kg push sparql` against a real `oxigraph serve` on 127.0.0.1: push, count, push again, same count."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import InputError, StoreError
from kg.model import KnowledgeGraph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings
from kg.stores.sparql_endpoint import batches, push

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
HOSTILE = "张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server binary is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {proc.stderr.read().decode()[:300]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def built(small_graph: KnowledgeGraph, tmp_path: Path) -> Path:
    write_rdf(small_graph, Settings(out=tmp_path, progress=False))
    return tmp_path


def _select(url: str, query: str) -> list[dict[str, str]]:
    req = urllib.request.Request(f"{url}/query?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as response:
        data = json.loads(response.read())
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def _lines(out: Path) -> int:
    return len(rdf_path(out, RdfFile.NTRIPLES).read_text(encoding="utf-8").splitlines())


def test_push_twice_same_count(server: str, built: Path) -> None:
    first = push(built, server)
    assert first == _lines(built) > 100
    assert push(built, server) == first
    [row] = _select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(row["n"]) == first


def test_push_into_named_graph_in_batches(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/test-batches"
    first = push(built, server + "/store", graph_iri=graph, batch_size=7)  # many PUT/POST batches
    assert first == _lines(built)
    assert push(built, server, graph_iri=graph, batch_size=1000) == first
    role = "<https://w3id.org/ukg/ontology#role>"
    rows = _select(server, f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ ?f {role} ?n }} }}")
    assert rows == [{"n": "主席'\"<b>"}]


def test_hostile_names_round_trip_verbatim(server: str, built: Path) -> None:
    push(built, server, graph_iri="https://w3id.org/ukg/graph/hostile")
    rows = _select(server, """
        SELECT ?name WHERE { GRAPH <https://w3id.org/ukg/graph/hostile> {
          ?p a <https://w3id.org/ukg/ontology#Person> ;
             <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } }""")
    assert rows == [{"name": HOSTILE}]


def test_unreachable_server_is_store_error(built: Path) -> None:
    with pytest.raises(StoreError, match="cannot reach") as info:
        push(built, f"http://127.0.0.1:{_free_port()}")
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
