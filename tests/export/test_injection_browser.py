"""Hostile names and quotes in graph.html, in headless chromium: shown as text, never run, never markup.

Uses the harness of test_html_browser.py (offline context, dialog/error/request capture, tooltip hover)
on the hand-made hostile graph and on a real build of the fixture article (tests/hostile.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.export.html import find_entity, neighbourhood, render_html
from kg.model import EntityType, KnowledgeGraph, Predicate
from tests.export.test_html_browser import CHROMIUM, Loaded, browser, hover, open_page  # noqa: F401 (fixtures)
from tests.hostile import build_fixture, hostile_graph

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    """A real build (graph and page only) of the fixture article."""
    return build_fixture(tmp_path_factory.mktemp("built"), ["articles", "graph", "html"])


def _clean(p: Loaded) -> None:
    """Nothing ran: no dialog, no error, no request but the page, no injected element or flag."""
    assert p.dialogs == [] and p.errors == [] and p.requests == [p.url]
    assert p.js("window.__kgPwned") is None
    assert p.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert p.js("document.scripts.length") == 3  # the data block and the page's two scripts


def _midpoint(p: Loaded, a: str, b: str) -> dict[str, float]:
    return p.js(f"""(() => {{
        const a = kg.network.getPosition({a!r}), b = kg.network.getPosition({b!r});
        return kg.network.canvasToDOM({{x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}}); }})()""")  # type: ignore[return-value]


def _check_tooltips(p: Loaded, graph: KnowledgeGraph) -> None:
    """Hover the initiative whose name holds <script> and the fact with the most hostile quote."""
    node = next(e for e in graph.entities if e.type is EntityType.INITIATIVE and "<script>" in e.name)
    text = hover(p, p.js(f"kg.network.canvasToDOM(kg.network.getPosition({node.id!r}))"))  # type: ignore[arg-type]
    assert node.name in text
    rel = next(r for r in graph.relations if r.predicate is Predicate.RUNS and r.object == node.id)
    p.page.mouse.move(0, 0)  # type: ignore[attr-defined]
    text = hover(p, _midpoint(p, rel.subject, rel.object))
    assert "runs" in text and all(ev.quote in text for ev in rel.evidence)
    assert p.js("document.querySelectorAll('.vis-tooltip *:not(div):not(span):not(br)').length") == 0
    _clean(p)


def test_hand_made_hostile_graph_runs_nothing(open_page) -> None:  # noqa: F811
    graph = hostile_graph()
    p = open_page(render_html(graph))
    _clean(p)
    _check_tooltips(p, graph)


def test_built_page_of_the_fixture_article_runs_nothing(built: tuple[KnowledgeGraph, Path], open_page) -> None:  # noqa: F811
    graph, out = built
    p = open_page((out / "graph.html").read_text(encoding="utf-8"))
    _clean(p)
    assert p.js("kg.nodes.length") == len(graph.entities)
    _check_tooltips(p, graph)


def test_focus_view_titled_with_a_hostile_name(open_page) -> None:  # noqa: F811
    graph = hostile_graph()
    person = next(e for e in graph.entities if e.type is EntityType.PERSON)
    assert find_entity(graph, person.name) == person
    view = neighbourhood(graph, person.id, 1)
    p = open_page(render_html(view, f"{person.name} · depth 1", focus=person.id), "focus.html")
    _clean(p)
    assert p.page.title() == f"{person.name} · depth 1"  # type: ignore[attr-defined]
    assert p.js("kg.network.getSelectedNodes()") == [person.id]
