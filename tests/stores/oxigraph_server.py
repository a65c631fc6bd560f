"""A real `oxigraph serve` on 127.0.0.1 for the push tests, small HTTP helpers to read it back, and a
forwarding proxy in front of it that fails chosen requests."""

from __future__ import annotations

import http.server
import itertools
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_serve(location: Path) -> Iterator[str]:
    """Start `oxigraph serve` on a free local port with its data in `location`; yield its base URL."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server binary is not installed")
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {proc.stderr.read().decode()[:300]}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()  # type: ignore[union-attr]


def select(url: str, query: str) -> list[dict[str, str]]:
    """Rows of a SPARQL SELECT sent to `url`/query, each binding as its plain string value."""
    req = urllib.request.Request(f"{url}/query?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as response:
        data = json.loads(response.read())
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def graph_triples(url: str, graph: str | None = None) -> set[ox.Triple]:
    """Every triple of one graph of the server (the default graph when None), fetched with a GSP GET."""
    target = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    req = urllib.request.Request(f"{url}/store?{target}", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=30) as response:
        return {q.triple for q in ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES)}


def dataset(url: str) -> set[ox.Quad]:
    """Every quad of the server (all graphs), fetched with a GSP GET of the whole store."""
    req = urllib.request.Request(f"{url}/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=30) as response:
        return set(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))


def update(url: str, text: str) -> None:
    """Send one SPARQL 1.1 Update to `url`/update."""
    req = urllib.request.Request(f"{url}/update", data=text.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
    with urllib.request.urlopen(req, timeout=10):
        pass


def named_graphs(url: str) -> set[str]:
    """The names of every non-empty named graph of the server."""
    return {row["g"] for row in select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


Verdict = Callable[[str, str, int], int | None]
"""(method, path, number of the request from 1) -> None to forward it, an HTTP status to answer with
instead, or 0 to close the connection without an answer."""


@contextmanager
def proxy(upstream: str, verdict: Verdict) -> Iterator[str]:
    """A forwarding HTTP proxy on 127.0.0.1 in front of a real server (`upstream`), failing the requests
    `verdict` picks; yields its base URL. The requests it forwards reach the server unchanged."""
    count = itertools.count(1)

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            decision = verdict(self.command, self.path, next(count))
            if decision == 0:
                self.close_connection = True
                return
            if decision is None:
                status, data, kind = self._forward(body)
            else:
                status, data, kind = decision, b"failed by the test proxy", "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _forward(self, body: bytes) -> tuple[int, bytes, str]:
            kept = ("content-type", "accept", "authorization")
            headers = {k: v for k, v in self.headers.items() if k.lower() in kept}
            req = urllib.request.Request(upstream + self.path, data=body if self.command != "GET" else None,
                                         method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=60) as response:
                    return response.status, response.read(), response.headers.get("Content-Type", "text/plain")
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read(), exc.headers.get("Content-Type", "text/plain")

        do_GET = do_PUT = do_POST = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
