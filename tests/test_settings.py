"""Settings: the base IRI must be absolute, hold no character RFC 3987 forbids and end with / or #."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import InputError
from kg.settings import DEFAULT_BASE_IRI, Settings, check_base_iri

BAD = [
    "https://example.org/a b/",  # a space: graph.nt and graph.nq no longer parse
    "https://example.org/> <https://evil.example/p> \"x\" .\n@prefix e: <https://evil.example/",  # Turtle injection
    "https://example.org/>#",
    "example.org/",  # no scheme
    "/relative/",
    "https://example.org/kg",  # minted IRIs would run into the last segment
    "https://example.org/%zz/",
    "https://example.org/#a#",
    "https://example.org/\u202e/",
    "https://example.org/\udc80/",  # an undecodable byte in a command-line argument
    "https://example.org/\t/",
    "https://example.org/[x]/",  # brackets only around an IPv6 host
    "https://host:port/",
    "",
]


@pytest.mark.parametrize("iri", BAD)
def test_unusable_base_iris_are_refused(iri: str) -> None:
    with pytest.raises(InputError, match="--base-iri is not a usable base IRI") as info:
        check_base_iri(iri)
    assert "\n" not in str(info.value).replace(repr(iri), "")
    with pytest.raises(InputError, match="base IRI"):
        Settings(out=".", base_iri=iri)  # type: ignore[arg-type]


@pytest.mark.parametrize("iri", [DEFAULT_BASE_IRI, "https://example.org/kg#", "http://例子.中国/图谱/", "urn:x:kg/",
                                 "https://[::1]:8080/kg/", "https://example.org/a%20b/"])
def test_usable_base_iris_pass(iri: str) -> None:
    assert check_base_iri(iri) == iri == Settings(out=".", base_iri=iri).base_iri  # type: ignore[arg-type]


def test_the_environment_default_is_checked_when_settings_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_BASE_IRI", "https://example.org/bad iri/")
    with pytest.raises(InputError, match="KG_BASE_IRI is not a usable base IRI"):
        Settings(out=".")  # type: ignore[arg-type]
    monkeypatch.setenv("KG_BASE_IRI", "https://example.org/ok/")
    assert Settings(out=".").base_iri == "https://example.org/ok/"  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_every_accepted_base_makes_iris_oxigraph_accepts(text: str) -> None:
    """Whatever passes the check yields IRIs an RDF parser takes (the N-Triples line parses back)."""
    iri = "https://example.org/" + text + "/"
    try:
        check_base_iri(iri)
    except InputError:
        return
    node = ox.NamedNode(iri + "entity/x")
    line = f"<{node.value}> <{node.value}> <{node.value}> .\n"
    [quad] = ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert quad.subject == node
