"""graph.html in headless Debian chromium, offline: draws it all, searches, filters, never runs article text.

Saves docs/img/graph.png (the seeds graph) and docs/img/focus.png (a focus view) for the README.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.export.html import NODE_CAP, find_entity, neighbourhood, render_html
from kg.ids import entity_id, relation_id
from kg.model import Entity, EntityType, Evidence, KnowledgeGraph, Predicate, Relation
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium "
                       "(run scripts/install-chromium.sh as root)"),
]
playwright = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (test extra)")

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-extensions", "--disable-sync"]
IMG = ROOT / "docs" / "img"
PWN = '<script>window.__kgPwned = 1</script><img src=x onerror="window.__kgPwned = 2">'


@dataclasses.dataclass
class Loaded:
    """A page opened offline, with everything it tried to fetch and every error or dialog it raised."""

    page: object
    url: str
    requests: list[str]
    errors: list[str]
    dialogs: list[str]
    wall_ms: float

    def js(self, expr: str) -> object:
        return self.page.evaluate(expr)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser: object, tmp_path: Path) -> Iterator:
    contexts: list[object] = []

    def _open(html: str, name: str = "page.html") -> Loaded:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
        contexts.append(ctx)
        page = ctx.new_page()
        loaded = Loaded(page, path.as_uri(), [], [], [], 0.0)
        page.on("console", lambda m: loaded.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.on("dialog", lambda d: (loaded.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda r: (loaded.requests.append(r.request.url),
                                      r.continue_() if r.request.url == loaded.url else r.abort()))
        start = time.perf_counter()
        page.goto(loaded.url)
        page.wait_for_selector("body[data-stable='1']", state="attached", timeout=60_000)
        loaded.wall_ms = (time.perf_counter() - start) * 1000
        return loaded

    yield _open
    for ctx in contexts:
        ctx.close()  # type: ignore[attr-defined]


def hostile(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The fixture graph with script/img injections in a headline, an evidence quote and an alias."""
    articles = tuple(dataclasses.replace(a, headline=a.headline + PWN) for a in graph.articles)
    rels = tuple(dataclasses.replace(r, evidence=tuple(dataclasses.replace(ev, quote=ev.quote + PWN)
                                                       for ev in r.evidence)) for r in graph.relations)
    ents = tuple(dataclasses.replace(e, aliases=(*e.aliases, PWN)) if e.type is EntityType.PERSON else e
                 for e in graph.entities)
    return KnowledgeGraph(ents, rels, articles)


def generated(n: int, seed: int = 3) -> KnowledgeGraph:
    """A random (seeded) graph of `n` entities: union bodies in regions running initiatives for groups."""
    rnd = random.Random(seed)
    kinds = [list(EntityType)[i % 6] for i in range(n)]
    ents = [Entity(entity_id(t, f"{t.value}{i}"), t, f"{t.value}{i}") for i, t in enumerate(kinds)]
    ev = Evidence("gen.txt", 0, 0, 2, "句子", "test")
    pairs = {(rnd.randrange(n), rnd.randrange(n)) for _ in range(int(n * 1.3))}
    rels = {relation_id(ents[a].id, Predicate.PARTNERS_WITH, ents[b].id):
            Relation(relation_id(ents[a].id, Predicate.PARTNERS_WITH, ents[b].id), ents[a].id,
                     Predicate.PARTNERS_WITH, ents[b].id, (ev,), 0.5) for a, b in pairs if a != b}
    return KnowledgeGraph(tuple(sorted(ents, key=lambda e: e.id)), tuple(v for _, v in sorted(rels.items())))


def counts(p: Loaded) -> tuple[int, int]:
    """Nodes and edges the network actually draws (visible after filters)."""
    return p.js("[kg.network.body.nodeIndices.length, kg.network.body.edgeIndices.length]")  # type: ignore[return-value]


def hover(p: Loaded, xy: dict[str, float]) -> str:
    box = p.page.locator("#kg-network").bounding_box()  # type: ignore[attr-defined]
    p.page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])  # type: ignore[attr-defined]
    tip = p.page.locator("div.vis-tooltip")  # type: ignore[attr-defined]
    tip.wait_for(state="visible", timeout=5000)
    return tip.inner_text()


def test_loads_offline_and_draws_every_node_and_edge(small_graph: KnowledgeGraph, open_page) -> None:
    p = open_page(render_html(small_graph))
    assert p.errors == [] and p.dialogs == []
    assert p.requests == [p.url]  # nothing but the page itself was fetched
    n, m = len(small_graph.entities), len(small_graph.relations)
    assert p.js("[kg.nodes.length, kg.edges.length]") == [n, m]
    assert counts(p) == [n, m]
    assert p.js("document.querySelectorAll('#kg-types input').length") == len(EntityType)
    assert p.js("kg.network.physics.physicsEnabled") is False  # off once stable: nothing keeps moving
    assert isinstance(p.js("kg.stableMs"), int)


def test_injected_markup_shows_as_text_and_never_runs(small_graph: KnowledgeGraph, open_page) -> None:
    graph = hostile(small_graph)
    p = open_page(render_html(graph))
    assert p.js("window.__kgPwned") is None and p.dialogs == [] and p.errors == []
    person = next(e for e in graph.entities if e.type is EntityType.PERSON)
    text = hover(p, p.js(f"kg.network.canvasToDOM(kg.network.getPosition({person.id!r}))"))
    assert person.name in text and PWN in text and "某市总工会推出暖心驿站<script>" in text
    role = next(r for r in graph.relations if r.predicate is Predicate.HAS_ROLE)
    p.page.mouse.move(0, 0)
    mid = p.js(f"""(() => {{
        const a = kg.network.getPosition({role.subject!r}), b = kg.network.getPosition({role.object!r});
        return kg.network.canvasToDOM({{x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}}); }})()""")
    text = hover(p, mid)
    assert "has_role" in text and "0.9" in text and "主席'\"<b>" in text and PWN in text
    assert p.js("document.querySelectorAll('.vis-tooltip :is(script, img, b)').length") == 0
    assert p.js("window.__kgPwned") is None and p.requests == [p.url]
    # defence in depth: the page's CSP lets only its own two hashed scripts run
    p.js("(() => { const s = document.createElement('script'); s.textContent = 'window.__kgPwned = 3';"
         " document.body.appendChild(s); })()")
    assert p.js("window.__kgPwned") is None


@pytest.mark.parametrize("query", ["市总", "某市总工会", "总工"])
def test_search_focuses_a_node_by_name_or_alias(small_graph: KnowledgeGraph, open_page, query: str) -> None:
    p = open_page(render_html(small_graph))
    union = find_entity(small_graph, "某市总工会").id
    p.page.fill("#kg-search", query)
    p.page.press("#kg-search", "Enter")
    assert p.js("kg.network.getSelectedNodes()") == [union]
    assert "某市总工会" in p.page.inner_text("#kg-search-status")
    p.page.fill("#kg-search", "不存在的名字")
    assert p.js("kg.search('不存在的名字')") is None and "no match" in p.page.inner_text("#kg-search-status")


def test_focus_view_selects_its_entity(small_graph: KnowledgeGraph, open_page) -> None:
    union = find_entity(small_graph, "某市总工会").id
    view = neighbourhood(small_graph, union, 1)
    p = open_page(render_html(view, "某市总工会 · depth 1", focus=union))
    assert p.errors == [] and counts(p) == [len(view.entities), len(view.relations)] == [5, 4]
    assert p.js("kg.network.getSelectedNodes()") == [union]
    assert p.page.title() == "某市总工会 · depth 1"


def test_unticking_a_type_or_predicate_hides_it(small_graph: KnowledgeGraph, open_page) -> None:
    p = open_page(render_html(small_graph))
    n, m = len(small_graph.entities), len(small_graph.relations)
    regions = {e.id for e in small_graph.entities if e.type is EntityType.REGION}
    touching = sum(1 for r in small_graph.relations if r.subject in regions or r.object in regions)
    p.page.uncheck("#kg-types input[data-type='Region']")
    assert counts(p) == [n - len(regions), m - touching]
    assert not set(p.js("kg.network.body.nodeIndices")) & regions
    p.page.check("#kg-types input[data-type='Region']")
    assert counts(p) == [n, m]
    p.page.uncheck("#kg-predicates input[data-predicate='located_in']")
    located = sum(1 for r in small_graph.relations if r.predicate is Predicate.LOCATED_IN)
    assert counts(p) == [n, m - located]
    assert p.errors == []


def test_big_graph_is_capped_with_a_note_and_fixed_layout(open_page) -> None:
    graph = generated(NODE_CAP + 300)
    p = open_page(render_html(graph), "big.html")
    assert p.errors == [] and p.requests == [p.url]
    assert p.js("kg.nodes.length") == NODE_CAP == counts(p)[0]
    assert p.js("kg.network.physics.options.enabled") is False
    note = p.page.locator("#kg-note")
    assert note.is_visible() and "kg viz --focus" in note.inner_text()
    assert f"{NODE_CAP} most connected of {NODE_CAP + 300} entities" in note.inner_text()
    assert p.wall_ms < 30_000


@pytest.mark.slow
def test_seeds_graph_and_focus_screenshots(seeds_graph: KnowledgeGraph, open_page) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    p = open_page(render_html(seeds_graph, "kg · seeds"), "graph.html")
    shown = min(len(seeds_graph.entities), NODE_CAP)
    assert p.errors == [] and p.requests == [p.url] and counts(p)[0] == shown
    print(f"seeds: {len(seeds_graph.entities)} entities, {len(seeds_graph.relations)} relations, "
          f"stable after {p.js('kg.stableMs')} ms (page load {p.wall_ms:.0f} ms)")
    p.page.screenshot(path=str(IMG / "graph.png"))
    unions = [e for e in seeds_graph.entities if e.type is EntityType.UNION_BODY]
    degree = {e.id: sum(e.id in (r.subject, r.object) for r in seeds_graph.relations) for e in unions}
    center = max(unions, key=lambda e: (degree[e.id], e.id))
    view = neighbourhood(seeds_graph, center.id, 2)
    f = open_page(render_html(view, f"{center.name} · depth 2", focus=center.id), "focus.html")
    assert f.errors == [] and counts(f) == [len(view.entities), len(view.relations)]
    assert f.js("kg.network.getSelectedNodes()") == [center.id]  # the focus entity is selected on load
    print(f"focus {center.name}: {len(view.entities)} entities, {len(view.relations)} relations, "
          f"stable after {f.js('kg.stableMs')} ms")
    f.page.screenshot(path=str(IMG / "focus.png"))
