"""A real `oxigraph serve` on 127.0.0.1 for the push tests, plus small HTTP helpers to read it back."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
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


def update(url: str, text: str) -> None:
    """Send one SPARQL 1.1 Update to `url`/update."""
    req = urllib.request.Request(f"{url}/update", data=text.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
    with urllib.request.urlopen(req, timeout=10):
        pass
