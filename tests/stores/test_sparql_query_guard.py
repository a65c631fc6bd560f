"""`kg query sparql` reads the local store only (SERVICE refused, no request leaves) and stops on Ctrl-C."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.settings import Settings
from kg.stores.oxigraph_store import STORE_DIR, run_query, write_store
from kg.stores.sparql_guard import check_no_service, code_parts
from tests.conftest import make_graph


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ox-guard")
    write_store(make_graph(), Settings(out=out, progress=False))
    return out


class _Count(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint stand-in that records every request it gets and answers with an empty result."""

    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Count)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/sparql"
    finally:
        httpd.shutdown()


SERVICES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE<{url}>{{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }} }}",
    "PREFIX SERVICE: <{url}#> SELECT * WHERE {{ SERVICE SILENT SERVICE:x{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("query", SERVICES)
def test_service_is_refused_and_no_request_leaves(built: Path, listener: str, query: str) -> None:
    before = len(_Count.hits)
    with pytest.raises(QueryError, match="SERVICE") as info:
        run_query(built, query.format(url=listener))
    assert "\n" not in str(info.value)
    assert len(_Count.hits) == before


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://example.org/>' }",
    'SELECT * WHERE { ?s ?p """a "SERVICE" b""" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <x> {}",
])
def test_the_word_in_names_strings_iris_and_comments_is_not_a_service(built: Path, query: str) -> None:
    check_no_service(query)
    run_query(built, query)


def test_code_parts_skip_strings_iris_and_comments() -> None:
    query = "SELECT ?x WHERE { ?x <http://a/#b> 'c#d' } # e\nLIMIT 1"
    assert "".join(text for _, text in code_parts(query)) == "SELECT ?x WHERE { ?x   } \nLIMIT 1"
    assert "".join(text for _, text in code_parts("FILTER(?a < ?b && ?c > 1)")) == "FILTER(?a < ?b && ?c > 1)"


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
"""Five copies of every triple joined: hours of work on the small graph, for the Ctrl-C test."""


def _store_is_open(pid: int, store: Path) -> bool:
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(Path(link).is_relative_to(store) for link in links)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see when the store is open")
def test_ctrl_c_stops_a_long_query(built: Path) -> None:
    """A real SIGINT while Oxigraph evaluates a huge join: the command stops with exit 130 at once
    instead of after the query (it ran as one native call in the main thread, so the signal waited)."""
    store = (built / STORE_DIR).resolve()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "query", "sparql", CROSS_JOIN, "--out", str(built)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not _store_is_open(proc.pid, store):  # from here on a SIGINT lands in kg's own code
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the store was never opened"
            time.sleep(0.01)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "aborted" in stderr and "Traceback" not in stderr
