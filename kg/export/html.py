"""`graph.html`: an interactive vis-network page that is one self-contained file (no network needed).

The vis-network library is inlined from pyvis's package data; graph data travels as one escaped
JSON block that the page's script turns into tooltips with `textContent`, so article text never
becomes markup. Big graphs get a precomputed layout (physics off) and are capped to the most
connected entities with a visible note. `kg viz` reads a built graph back with `kg.export.jsonl.read_graph`.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import math
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from kg.errors import InputError
from kg.model import Entity, EntityType, KnowledgeGraph, Predicate
from kg.ontology import schema
from kg.package_files import package_file
from kg.runtime.atomic import write_text
from kg.settings import Settings

PHYSICS_LIMIT = 300
"""Above this many nodes the layout is precomputed with networkx and physics is off."""
NODE_CAP = 1500
"""Above this many nodes only the most connected ones are drawn (with a note saying so)."""
MAX_QUOTES = 5
"""Evidence quotes shown per edge tooltip (the total is shown too)."""
MAX_ARTICLES = 8
"""Articles listed per node tooltip (the total is shown too)."""
LAYOUT_SEED = 7
LAYOUT_CORE = 300
"""Entities of a big graph laid out by networkx's spring layout; the rest are placed beside a neighbour."""
_GOLDEN = math.pi * (3 - math.sqrt(5))

TEMPLATES = Path(__file__).parent / "templates"


def vis_network() -> Path:
    """vis-network as pyvis ships it (found without importing pyvis, which pulls in IPython)."""
    return package_file("pyvis", "lib/vis-9.1.2/vis-network.min.js")


@dataclass(frozen=True)
class NodeStyle:
    """How one entity type is drawn: vis shape, colour, legend glyph and Chinese label."""

    shape: str
    color: str
    glyph: str
    zh: str


@dataclass(frozen=True)
class EdgeStyle:
    """How one predicate is drawn: line colour and Chinese label."""

    color: str
    zh: str


TYPE_STYLE: dict[EntityType, NodeStyle] = {
    EntityType(t.value): NodeStyle(t.shape, t.color, t.glyph, t.zh) for t in schema().types
}
"""Each type's kgs:shape, kgs:color, kgs:glyph and Chinese rdfs:label in schema/ontology.ttl."""

PREDICATE_STYLE: dict[Predicate, EdgeStyle] = {
    Predicate(p.value): EdgeStyle(p.color, p.zh) for p in schema().predicates
}
"""Each predicate's kgs:color and Chinese rdfs:label in schema/ontology.ttl."""


# ---------------------------------------------------------------- selecting what to draw


def _subgraph(graph: KnowledgeGraph, keep: set[str]) -> KnowledgeGraph:
    """The entities in `keep` and the relations between them (articles kept for headlines)."""
    return KnowledgeGraph(
        entities=tuple(e for e in graph.entities if e.id in keep),
        relations=tuple(r for r in graph.relations if r.subject in keep and r.object in keep),
        articles=graph.articles,
    )


def degrees(graph: KnowledgeGraph) -> Counter[str]:
    """Number of relations touching each entity (both directions)."""
    deg: Counter[str] = Counter({e.id: 0 for e in graph.entities})
    for r in graph.relations:
        deg[r.subject] += 1
        deg[r.object] += 1
    return deg


def most_connected(graph: KnowledgeGraph, cap: int = NODE_CAP, pinned: str = "") -> tuple[KnowledgeGraph, str]:
    """At most `cap` entities, `pinned` and then the most connected, and a note on what was left out."""
    if len(graph.entities) <= cap:
        return graph, ""
    deg = degrees(graph)
    ranked = sorted(graph.entities, key=lambda e: (e.id != pinned, -deg[e.id], e.id))
    kept = _subgraph(graph, {e.id for e in ranked[:cap]})
    left = Counter(e.type.value for e in ranked[cap:])
    note = (
        f"Showing the {cap} most connected of {len(graph.entities)} entities and {len(kept.relations)} of "
        f"{len(graph.relations)} relations; left out: "
        + ", ".join(f"{n} {t}" for t, n in sorted(left.items()))
        + ". To explore one entity, run: kg viz --focus NAME --depth 2 (--types narrows it further)"
    )
    return kept, note


def _keys(text: str) -> str:
    return "".join(text.split()).casefold()


def find_entity(graph: KnowledgeGraph, name: str) -> Entity:
    """The entity whose name (or, failing that, a unique alias) is `name`; InputError with close matches."""
    key = _keys(name)
    by_name = [e for e in graph.entities if _keys(e.name) == key]
    by_alias = [e for e in graph.entities if key in {_keys(a) for a in e.aliases}]
    for found in (by_name, by_alias):
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(f"{e.name} ({e.type.value})" for e in found)
            raise InputError(f"{name!r} names several entities: {listed}; give the full name")
    labels = sorted({e.name for e in graph.entities} | {a for e in graph.entities for a in e.aliases})
    close = difflib.get_close_matches(name, labels, n=6, cutoff=0.4)
    close += [s for s in labels if key and key in _keys(s) and s not in close][: 6 - len(close)]
    hint = f"; close matches: {', '.join(close)}" if close else "; no close matches (see `kg stats`)"
    raise InputError(f"no entity named {name!r} in the graph{hint}")


def neighbourhood(
    graph: KnowledgeGraph, center: str, depth: int = 1, types: Iterable[EntityType] = ()
) -> KnowledgeGraph:
    """Entities within `depth` relations of `center` (either direction), restricted to `types` if given."""
    allowed = set(types) or set(EntityType)
    kind = {e.id: e.type for e in graph.entities}
    adjacent: dict[str, set[str]] = {e.id: set() for e in graph.entities}
    for r in graph.relations:
        adjacent[r.subject].add(r.object)
        adjacent[r.object].add(r.subject)
    seen, queue = {center: 0}, deque([center])
    while queue:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        for nxt in sorted(adjacent[node]):
            if nxt not in seen and kind[nxt] in allowed:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return _subgraph(graph, set(seen))


def only_types(graph: KnowledgeGraph, types: Iterable[EntityType]) -> KnowledgeGraph:
    """The graph restricted to entities of `types` (all when empty)."""
    allowed = set(types) or set(EntityType)
    return _subgraph(graph, {e.id for e in graph.entities if e.type in allowed})


# ---------------------------------------------------------------- building the page


def layout(graph: KnowledgeGraph, core: int = LAYOUT_CORE) -> dict[str, tuple[int, int]]:
    """Deterministic canvas positions: networkx spring layout of the `core` most connected entities, then each
    other entity beside an already placed neighbour (linear time, so big graphs stay fast)."""
    deg = degrees(graph)
    ranked = sorted(deg, key=lambda n: (-deg[n], n))
    adjacent: dict[str, list[str]] = {n: [] for n in ranked}
    for r in graph.relations:
        if r.subject != r.object:
            adjacent[r.subject].append(r.object)
            adjacent[r.object].append(r.subject)
    g = nx.Graph()
    g.add_nodes_from(sorted(n for n in ranked[:core] if deg[n]))  # isolated ones go to the outer spiral
    core_edges = ((r.subject, r.object) for r in graph.relations if r.subject in g and r.object in g)
    g.add_edges_from(sorted(core_edges))
    scale = 40.0 * max(len(ranked), 1) ** 0.5
    spring = nx.spring_layout(g, k=3.0 / max(len(g), 1) ** 0.5, seed=LAYOUT_SEED)
    pos = {n: (float(x) * scale, float(y) * scale) for n, (x, y) in spring.items()}
    children: Counter[str] = Counter()
    outer = 0
    for start in [n for n in ranked if n in pos] + ranked:
        if start not in pos:  # first entity of a component the core does not reach: on an outer spiral
            outer += 1
            angle, radius = outer * _GOLDEN, scale * 1.1 + 30.0 * outer**0.5
            pos[start] = (radius * math.cos(angle), radius * math.sin(angle))
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in sorted(adjacent[node], key=lambda n: (-deg[n], n)):
                if nxt not in pos:
                    children[node] += 1
                    k = children[node]
                    angle, radius = k * _GOLDEN, 15.0 + 35.0 * k**0.5
                    x, y = pos[node]
                    pos[nxt] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
                    queue.append(nxt)
    return {n: (round(x), round(y)) for n, (x, y) in pos.items()}


def _vis_options(physics: bool, edges: int) -> dict[str, object]:
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": physics},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.3},
            "stabilization": {"enabled": physics, "iterations": 400, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": edges > 500},
        "nodes": {"scaling": {"min": 10, "max": 42}, "font": {"size": 14, "face": "sans-serif"}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "font": {"size": 10, "align": "middle", "face": "sans-serif"},
            "smooth": {"enabled": physics, "type": "dynamic"},
            "width": 1.5,
        },
    }


def _vis_nodes(graph: KnowledgeGraph, pos: dict[str, tuple[int, int]], deg: Counter[str]) -> list[dict[str, object]]:
    """vis-network node objects (the ones pyvis makes): styled by type, sized by degree; an id's first
    entity wins."""
    nodes: dict[str, dict[str, object]] = {}
    for e in graph.entities:
        if e.id in nodes:
            continue
        style = TYPE_STYLE[e.type]
        node: dict[str, object] = {
            "id": e.id, "label": e.name or e.id, "shape": style.shape, "color": style.color, "value": deg[e.id],
            "kgType": e.type.value, "kgAliases": list(e.aliases), "kgAttrs": [list(a) for a in e.attrs],
            "kgArticles": list(e.articles),
        }
        if e.id in pos:
            node["x"], node["y"] = pos[e.id]
        nodes[e.id] = node
    return list(nodes.values())


def _vis_edges(graph: KnowledgeGraph, drawn: set[str]) -> list[dict[str, object]]:
    """vis-network edge objects (the ones pyvis makes for a directed graph): labelled and coloured by predicate."""
    edges = []
    for r in graph.relations:
        if r.subject not in drawn or r.object not in drawn:
            raise ValueError(f"relation {r.id} points at an entity that is not drawn")
        evidence = [[f"{ev.doc}#{ev.article}", ev.quote] for ev in r.evidence[:MAX_QUOTES]]
        edges.append({
            "from": r.subject, "to": r.object, "arrows": "to", "id": r.id, "label": r.predicate.value,
            "color": PREDICATE_STYLE[r.predicate].color, "kgPredicate": r.predicate.value,
            "kgConfidence": round(r.confidence, 3), "kgAttrs": [list(a) for a in r.attrs], "kgEvidence": evidence,
            "kgEvidenceTotal": len(r.evidence),
        })
    return edges


def page_data(
    graph: KnowledgeGraph, note: str = "", physics_limit: int = PHYSICS_LIMIT, focus: str = ""
) -> dict[str, object]:
    """Everything the page script needs, as plain JSON-able data (text left raw; the script escapes)."""
    physics = len(graph.entities) <= physics_limit
    nodes = _vis_nodes(graph, {} if physics else layout(graph), degrees(graph))
    edges = _vis_edges(graph, {e.id for e in graph.entities})
    used = {k for e in graph.entities for k in e.articles} | {
        f"{ev.doc}#{ev.article}" for r in graph.relations for ev in r.evidence[:MAX_QUOTES]
    }
    types = Counter(e.type for e in graph.entities)
    preds = Counter(r.predicate for r in graph.relations)
    return {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(json.dumps(_vis_options(physics, len(graph.relations)))),
        "physics": physics,
        "note": note,
        "focus": focus,
        "maxArticles": MAX_ARTICLES,
        "articles": {a.key: a.headline for a in graph.articles if a.key in used},
        "types": [
            {"type": t.value, "zh": s.zh, "color": s.color, "glyph": s.glyph, "count": types[t]}
            for t, s in TYPE_STYLE.items()
        ],
        "predicates": [
            {"predicate": p.value, "zh": s.zh, "color": s.color, "count": preds[p]}
            for p, s in PREDICATE_STYLE.items()
        ],
    }


_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                ("\u2029", "\\u2029"))


def script_json(obj: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` can end the element or open markup."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE:
        text = text.replace(char, escaped)
    return text


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       keep_trailing_newline=True)


@cache
def _asset(path: Path) -> Markup:
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{path} cannot be inlined: it contains </script")
    return Markup(text)


def render_html(
    graph: KnowledgeGraph,
    title: str = "kg knowledge graph",
    note: str = "",
    cap: int = NODE_CAP,
    physics_limit: int = PHYSICS_LIMIT,
    focus: str = "",
) -> str:
    """The self-contained page for `graph` (capped to `cap` entities, with a note); `focus` selected."""
    shown, cap_note = most_connected(graph, cap, focus)
    data = page_data(shown, " ".join(n for n in (note, cap_note) if n), physics_limit, focus)
    scripts = [_asset(vis_network()), _asset(TEMPLATES / "graph.js")]
    return _environment().get_template("graph.html.j2").render(
        title=title,
        entities=len(shown.entities),
        relations=len(shown.relations),
        data=Markup(script_json(data)),
        vis_js=scripts[0],
        page_js=scripts[1],
        page_css=_asset(TEMPLATES / "graph.css"),
        script_hashes=Markup(" ".join(_csp_hash(s) for s in scripts)),
    )


def _csp_hash(script: str) -> str:
    """CSP source for one inline script: only these scripts may run, never an injected one or an onerror."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def write_html(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: OUT/graph.html, the whole graph (or its most connected part)."""
    return [write_text(settings.out / "graph.html", render_html(graph))]


def write_page(graph: KnowledgeGraph, path: Path, title: str, focus: str = "") -> Path:
    """Write one view (e.g. the neighbourhood of entity `focus`, selected on load) to `path`, atomically."""
    return write_text(path, render_html(graph, title, focus=focus))


