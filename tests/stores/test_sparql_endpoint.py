"""`kg push sparql` against a real `oxigraph serve` on 127.0.0.1: push (default graph, article graphs,
ontology), read back, push again, same graphs; a push that fails midway (a real failure, through a proxy
in front of the server) leaves every graph as it was."""

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
import time
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.errors import InputError, StoreError
from kg.model import KnowledgeGraph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.rdf.vocab import ONTOLOGY_IRI, ONTOLOGY_PATH
from kg.settings import Settings
from kg.stores import sparql_endpoint
from kg.stores.sparql_endpoint import NamedGraph, Pushed, batches, push, quad_batches
from tests.stores.oxigraph_server import (
    Verdict,
    dataset,
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


def _built_named(out: Path) -> dict[str, set[ox.Triple]]:
    """Each named graph of graph.nq (the article graphs) with its triples, as pyoxigraph parses the file."""
    named: dict[str, set[ox.Triple]] = {}
    for q in ox.parse(path=str(rdf_path(out, RdfFile.NQUADS)), format=ox.RdfFormat.N_QUADS):
        if isinstance(q.graph_name, ox.NamedNode):
            named.setdefault(q.graph_name.value, set()).add(q.triple)
    return named


ONTOLOGY_TRIPLES = rdflib.Graph().parse(ONTOLOGY_PATH, format="turtle")


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=120)


def test_push_twice_same_count(server: str, built: Path) -> None:
    first = push(built, server)
    assert first.default == _lines(built) > 50
    assert push(built, server) == first
    [row] = select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(row["n"]) == first.default


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
        assert result.stdout.startswith(f"pushed {len(expected)} triples to the graph <{graph}>, "), result.stdout
        snapshots.append(graph_triples(server, graph))
    assert snapshots[0] == snapshots[1] == expected
    assert graph_triples(server, other) == {kept}


def test_push_into_named_graph_in_batches(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/test-batches"
    first = push(built, server + "/store", graph_iri=graph, batch_size=7)  # many PUT/POST batches
    assert first.default == _lines(built)
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
    assert "batch 3 of " in message and "HTTP 500" in message
    assert "the server is unchanged" in message and "was dropped" in message


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
        assert "cannot reach" in message and "the server is unchanged" in message
        assert "could not be dropped" in message
        temporary = re.findall(r"<(urn:kg-push:[0-9a-f-]+:0)>", message)
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

    alone = {"named_graphs": False, "ontology": False}
    with proxy(server, verdict) as url:
        with pytest.raises(StoreError, match="no SPARQL Update endpoint") as info:
            push(built, url, graph_iri=graph, batch_size=_lines(built))
        assert "--no-named-graphs --no-ontology" in str(info.value) and "unchanged" in str(info.value)
        with pytest.raises(StoreError, match="no SPARQL Update endpoint") as info:
            push(built, url, graph_iri=graph, batch_size=7, **alone)
        assert f"--batch-size {_lines(built)}" in str(info.value) and "unchanged" in str(info.value)
        assert graph_triples(server, graph) == {OLD} and named_graphs(server) == graphs
        assert push(built, url, graph_iri=graph, batch_size=_lines(built), **alone).default == _lines(built)
    assert graph_triples(server, graph) == _built_triples(built)


def test_cli_failed_push_exits_5_and_says_the_graph_is_unchanged(server: str, built: Path) -> None:
    graph = "https://w3id.org/ukg/graph/cli-failed"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    with proxy(server, _fail_post(2, 503)) as url:
        result = _kg("push", "sparql", "--out", str(built), "--endpoint", url, "--graph", graph, "--batch-size", "7")
    assert result.returncode == 5, result.stderr
    assert result.stderr.count("\n") == 1 and "the server is unchanged" in result.stderr
    assert graph_triples(server, graph) == {OLD}


def test_a_push_leaves_no_temporary_graph_and_an_empty_build_empties_the_target(server: str, built: Path,
                                                                                tmp_path: Path) -> None:
    graph = "https://w3id.org/ukg/graph/empty"
    update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    before = named_graphs(server) | set(_built_named(built)) | {str(ONTOLOGY_IRI)}
    assert push(built, server, graph_iri=graph, batch_size=7).default == _lines(built)
    assert named_graphs(server) == before
    empty = tmp_path / "empty"
    rdf_path(empty, RdfFile.NTRIPLES).parent.mkdir(parents=True)
    rdf_path(empty, RdfFile.NTRIPLES).write_bytes(b"")
    rdf_path(empty, RdfFile.NQUADS).write_bytes(b"")
    assert push(empty, server, graph_iri=graph) == Pushed(server, 0, 0, 0, len(ONTOLOGY_TRIPLES), 0)
    assert named_graphs(server) == before - {graph}  # an empty build names no article namespace: none dropped


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


@pytest.fixture(scope="module")
def seeds_built(seeds_graph: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The RDF files of the seed pages' graph: some thousands of triples, dozens of article graphs."""
    out = tmp_path_factory.mktemp("seeds-rdf")
    write_rdf(seeds_graph, Settings(out=out, progress=False))
    return out


def _server_graph(url: str, graph: str) -> rdflib.Graph:
    """One graph of the server as an rdflib graph (for comparisons up to blank-node names)."""
    parsed = rdflib.Graph()
    for t in graph_triples(url, graph):
        parsed.add(tuple(rdflib.util.from_n3(str(term)) for term in (t.subject, t.predicate, t.object)))
    return parsed


def _without(quads: set[ox.Quad], graph: str) -> set[ox.Quad]:
    return {q for q in quads if q.graph_name != ox.NamedNode(graph)}


def test_a_push_sends_the_default_graph_each_article_graph_and_the_ontology(tmp_path: Path, seeds_built: Path) -> None:
    """The server ends with graph.nt in its default graph, each named graph of graph.nq under its IRI and
    the ontology in the embedded store's ontology graph, and nothing else; a second push, the same."""
    named = _built_named(seeds_built)
    assert len(named) > 3
    with oxigraph_serve(tmp_path / "server") as server:
        states = []
        for _ in range(2):
            sent = push(seeds_built, server, batch_size=500)
            assert graph_triples(server) == _built_triples(seeds_built)
            assert named_graphs(server) == set(named) | {str(ONTOLOGY_IRI)}
            assert all(graph_triples(server, g) == triples for g, triples in named.items())
            assert isomorphic(_server_graph(server, str(ONTOLOGY_IRI)), ONTOLOGY_TRIPLES)
            assert sent == Pushed(server, _lines(seeds_built), len(named), sum(map(len, named.values())),
                                  len(ONTOLOGY_TRIPLES), 0)
            states.append(_without(dataset(server), str(ONTOLOGY_IRI)))  # its blank nodes are new each push
        assert states[0] == states[1]


def test_cli_summary_line_says_what_was_sent(tmp_path: Path, seeds_built: Path) -> None:
    named = _built_named(seeds_built)
    with oxigraph_serve(tmp_path / "server") as server:
        result = _kg("push", "sparql", "--out", str(seeds_built), "--endpoint", server)
        assert result.returncode == 0, result.stderr
        triples = len(_built_triples(seeds_built))
        assert result.stdout == (f"pushed {triples} triples to the default graph, {len(named)} article graphs "
                                 f"({sum(map(len, named.values()))} triples), ontology "
                                 f"({len(ONTOLOGY_TRIPLES)} triples) to {server}\n")
        result = _kg("push", "sparql", "--out", str(seeds_built), "--endpoint", server, "--no-named-graphs",
                     "--no-ontology")
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"pushed {triples} triples to the default graph to {server}\n"


def test_only_the_default_graph_without_named_graphs_and_ontology(tmp_path: Path, seeds_built: Path) -> None:
    """Today's behaviour: graph.nt into the target graph, no other graph touched."""
    with oxigraph_serve(tmp_path / "server") as server:
        update(server, f"INSERT DATA {{ GRAPH <{ONTOLOGY_IRI}> {{ {OLD} }} }}")
        sent = push(seeds_built, server, named_graphs=False, ontology=False)
        assert sent == Pushed(server, _lines(seeds_built))
        assert graph_triples(server) == _built_triples(seeds_built)
        assert named_graphs(server) == {str(ONTOLOGY_IRI)} and graph_triples(server, str(ONTOLOGY_IRI)) == {OLD}


def test_graphs_of_articles_no_longer_built_are_dropped_others_kept(tmp_path: Path, seeds_built: Path) -> None:
    named = _built_named(seeds_built)
    space = next(iter(named)).rsplit("/", 1)[0] + "/"
    stale, outside = f"{space}art-gone", "https://example.org/graph/kept"
    with oxigraph_serve(tmp_path / "server") as server:
        update(server, f"INSERT DATA {{ GRAPH <{stale}> {{ {OLD} }} GRAPH <{outside}> {{ {OLD} }} }}")
        assert push(seeds_built, server).stale == 1
        assert named_graphs(server) == set(named) | {str(ONTOLOGY_IRI), outside}
        assert push(seeds_built, server).stale == 0


def _fail_nth(method: str, match: Callable[[str], bool], number: int, status: int) -> Verdict:
    """A proxy verdict failing the `number`-th `method` request whose path `match`es, with `status`."""
    seen = itertools.count(1)

    def verdict(m: str, path: str, _: int) -> int | None:
        return status if m == method and match(path) and next(seen) == number else None

    return verdict


@pytest.mark.parametrize(("where", "verdict"), [
    ("an article batch", _fail_nth("POST", lambda p: p == "/store", 2, 500)),
    ("the swap", _fail_nth("POST", lambda p: p.startswith("/update"), 2, 500)),
])
def test_a_failure_before_or_at_the_swap_leaves_every_graph_as_it_was(tmp_path: Path, seeds_built: Path, where: str,
                                                                      verdict: Verdict) -> None:
    """A server holding an earlier push plus other data: a push failing at a batch of article graphs, or
    refused at the swap, leaves every quad where it was and no temporary graph."""
    named = sorted(_built_named(seeds_built))
    with oxigraph_serve(tmp_path / "server") as server:
        push(seeds_built, server)
        update(server, f"INSERT DATA {{ {OLD} GRAPH <{named[0]}> {{ {OLD} }} GRAPH <{ONTOLOGY_IRI}> {{ {OLD} }} "
                       f"GRAPH <{named[0].rsplit('/', 1)[0]}/art-gone> {{ {OLD} }} }}")
        update(server, f"DELETE WHERE {{ GRAPH <{named[-1]}> {{ ?s ?p ?o }} }}")
        before = dataset(server)
        with proxy(server, verdict) as url, pytest.raises(StoreError) as info:
            push(seeds_built, url, batch_size=500)
        assert dataset(server) == before, where
        message = str(info.value)
        assert "\n" not in message and "the server is unchanged" in message and "was dropped" in message


def test_one_update_of_several_moves_is_all_or_nothing_on_the_server(server: str) -> None:
    """What the swap relies on: Oxigraph applies a multi-operation update in one transaction, so a
    failing last MOVE undoes the first one."""
    a, b, tmp = "https://example.org/atomic/a", "https://example.org/atomic/b", "urn:kg-push:test:1"
    new = ox.Triple(OLD.subject, OLD.predicate, ox.Literal("new"))
    update(server, f"INSERT DATA {{ GRAPH <{a}> {{ {OLD} }} GRAPH <{tmp}> {{ {new} }} }}")
    with pytest.raises(urllib.error.HTTPError):
        update(server, f"MOVE GRAPH <{tmp}> TO GRAPH <{a}> ; MOVE GRAPH <urn:kg-push:test:missing> TO GRAPH <{b}>")
    assert graph_triples(server, a) == {OLD} and graph_triples(server, tmp) == {new}
    update(server, f"MOVE GRAPH <{tmp}> TO GRAPH <{a}> ; DROP SILENT GRAPH <{b}>")
    assert graph_triples(server, a) == {new}


def test_graph_option_may_not_collide_with_the_other_graphs(server: str, seeds_built: Path) -> None:
    named = sorted(_built_named(seeds_built))
    with pytest.raises(InputError, match="--no-ontology"):
        push(seeds_built, server, graph_iri=str(ONTOLOGY_IRI))
    with pytest.raises(InputError, match="--no-named-graphs"):
        push(seeds_built, server, graph_iri=named[0])
    with pytest.raises(InputError, match="namespace"):
        push(seeds_built, server, graph_iri=named[0].rsplit("/", 1)[0] + "/art-other")
    assert push(seeds_built, server, graph_iri=str(ONTOLOGY_IRI), ontology=False).ontology is None


def test_quad_batches_keep_a_graph_with_blank_nodes_whole() -> None:
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    plain = NamedGraph("https://example.org/g1", [ox.Triple(s, p, ox.Literal(str(i))) for i in range(5)], "urn:t:1")
    blank = NamedGraph("https://example.org/g2", [ox.Triple(ox.BlankNode(f"b{i}"), p, ox.BlankNode("b0"))
                                             for i in range(4)], "urn:t:2")
    bodies = quad_batches([plain, blank], 2)
    assert [b.count(b"\n") for b, _ in bodies] == [2, 2, 1, 4]
    assert [graphs for _, graphs in bodies] == [["urn:t:1"]] * 3 + [["urn:t:2"]]
    assert [b.count(b"\n") for b, _ in quad_batches([plain, blank], 10)] == [9]


def test_the_swap_may_take_longer_than_the_read_timeout(tmp_path: Path, built: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The server answers an update only once it is done (a MOVE of a 10 MB build's million triples takes
    it over a minute): the swap waits up to the deadline, not the per-read timeout. Here the read timeout
    is 1 s and the real server's answer to the swap is held 2 s by the proxy."""
    monkeypatch.setattr(sparql_endpoint, "TIMEOUT_S", 1)
    with oxigraph_serve(tmp_path / "server") as server:
        def verdict(method: str, path: str, number: int) -> None:
            if method == "POST" and path.startswith("/update") and number > 1:
                time.sleep(2)

        with proxy(server, verdict) as url:
            assert push(built, url, deadline=30).default == _lines(built)
        assert graph_triples(server) == _built_triples(built)
