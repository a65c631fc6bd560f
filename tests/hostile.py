"""Hostile text for the injection tests: payloads, a hand-made graph carrying them everywhere, a real
build of a fixture article written to carry them, and the text fields every output must give back."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib import Graph as RdflibGraph

from kg.ids import article_id, entity_id, relation_id
from kg.model import Article, Entity, EntityType, Evidence, KnowledgeGraph, MappedText, Piece, Predicate, Relation
from kg.outputs import OUTPUTS, get_writer
from kg.pipeline import build
from kg.rdf.vocab import PREFIXES
from kg.settings import Settings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "injection" / "page.txt"

PAYLOADS: tuple[str, ...] = (
    "'\"}$`<script>alert(1)</script>",
    "\"}; DROP ALL; #",
    "\" . } ; DELETE WHERE { ?s ?p ?o } #",
    "' OR 1=1 //",
    "MATCH (n) DETACH DELETE n",
    "`}) DETACH DELETE n //",
    "}}${x}{{7*7}}",
    "C:\\temp\\new\\\\\"",
    "a,b;c\n\"d\"\te",
    "]]><!-- x --><![CDATA[y]]>&amp;&#x41;",
    "\"}\n{\"type\":\"node\",\"id\":\"x\"}",
    "<img src=x onerror=\"window.__kgPwned=1\">",
    "\u2028\u2029\u0085\ufeff\u202e",
    "%00%0a%3Cscript%3E \\u0027",
    "  padded  ",
)
"""Quotes, braces, dollars, backticks, backslashes, markup, SPARQL/Cypher/JSON/CSV/XML fragments, odd
line separators; none holds a character XML 1.0 forbids or a CR (see the GraphML test for those)."""

ARTICLE_PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<script>alert('headline')</script>",
    "\\\"};",
    "' OR 1=1 //",
    "MATCH (n) DETACH DELETE n",
    "}}",
    "${x}",
    "C:\\temp\\new",
    "'}$`\\\\",
)
"""Substrings of the fixture article that extraction must carry into names, quotes and the headline."""

FILE_NAME = "九江 \"}; DROP ALL ' OR 1=1 <b>${x}`\\ #.txt"
"""The fixture article's file name (its document id), hostile too."""

T, P = EntityType, Predicate
DOC = "稿件 \"}; DROP ALL <b>#1.txt"


def hostile_graph() -> KnowledgeGraph:
    """A graph written for the test whose every text field (names, aliases, quotes, role, headline,
    byline, document id) holds payloads; offsets are real (each quote is body[start:end])."""
    sentences = [f"第{i}句:{p}。" for i, p in enumerate(PAYLOADS)]
    body = "".join(sentences)
    article = Article(DOC, 0, "标题" + PAYLOADS[0], "本报讯(记者" + PAYLOADS[3] + ")",
                      MappedText(body, (Piece(0, 0, len(body)),), body), ((0, len(body)),))
    spans, at = [], 0
    for s in sentences:
        spans.append((at, at + len(s)))
        at += len(s)

    def ev(i: int, rule: str = "test.rule") -> Evidence:
        start, end = spans[i]
        return Evidence(DOC, 0, start, end, body[start:end], rule, 0.8)

    body_name = PAYLOADS[1] + "总工会"
    ents = {
        "province": Entity(entity_id(T.REGION, "江西省"), T.REGION, "江西省", (), (("level", "province"),),
                           (article.key,)),
        "city": Entity(entity_id(T.REGION, "某市"), T.REGION, "某市", (PAYLOADS[6],), (("level", "city"),)),
        "body": Entity(entity_id(T.UNION_BODY, body_name), T.UNION_BODY, body_name, (PAYLOADS[2], PAYLOADS[7]),
                       (), (article.key,)),
        "org": Entity(entity_id(T.ORGANIZATION, PAYLOADS[4]), T.ORGANIZATION, PAYLOADS[4], (PAYLOADS[9],)),
        "person": Entity(entity_id(T.PERSON, PAYLOADS[3] + "张三"), T.PERSON, PAYLOADS[3] + "张三", (PAYLOADS[13],)),
        "group": Entity(entity_id(T.WORKER_GROUP, PAYLOADS[12] + "骑手"), T.WORKER_GROUP, PAYLOADS[12] + "骑手"),
    }
    initiatives = [Entity(entity_id(T.INITIATIVE, p + "行动"), T.INITIATIVE, p + "行动", (p,), (), (article.key,))
                   for p in PAYLOADS[::3] + (PAYLOADS[8], PAYLOADS[10], PAYLOADS[11], PAYLOADS[14])]
    ids = {k: e.id for k, e in ents.items()}
    facts: list[tuple[str, Predicate, str, tuple[Evidence, ...], tuple[tuple[str, str], ...]]] = [
        (ids["body"], P.LOCATED_IN, ids["city"], (ev(1), ev(2)), ()),
        (ids["city"], P.LOCATED_IN, ids["province"], (ev(6),), ()),
        (ids["body"], P.PARTNERS_WITH, ids["org"], (ev(4), ev(9)), ()),
        (ids["person"], P.HAS_ROLE, ids["body"], (ev(3),), (("role", PAYLOADS[5] + "主席"),)),
    ]
    for i, ini in enumerate(initiatives):
        facts.append((ids["body"], P.RUNS, ini.id, (ev(i), ev((i + 7) % len(PAYLOADS))), ()))
        facts.append((ini.id, P.SERVES, ids["group"], (ev((i + 11) % len(PAYLOADS)),), ()))
    rels = [Relation(relation_id(s, p, o), s, p, o, evs, 0.8, attrs) for s, p, o, evs, attrs in facts]
    return KnowledgeGraph(tuple(sorted([*ents.values(), *initiatives], key=lambda e: e.id)),
                          tuple(sorted(rels, key=lambda r: r.id)), (article,))


CARRIERS = [name for name in OUTPUTS if name != "shacl"]
"""The outputs that carry article text (the SHACL report only describes violations)."""


def write_all(graph: KnowledgeGraph, out: Path) -> Path:
    """Every output that carries text, written from `graph` under `out` as `kg build` writes them."""
    settings = Settings(out=out, progress=False, workers=1, cache=False)
    for name in CARRIERS:
        get_writer(name)(graph, settings)
    return out


def build_fixture(tmp: Path, outputs: list[str] | None = CARRIERS) -> tuple[KnowledgeGraph, Path]:
    """A real `kg build` of the fixture article saved under its hostile file name: (graph, OUT)."""
    folder = tmp / "in"
    folder.mkdir(parents=True)
    shutil.copyfile(FIXTURE, folder / FILE_NAME)
    out = tmp / "out"
    graph, _ = build([folder], Settings(out=out, progress=False, workers=1, cache=False), outputs)
    return graph, out


Field = tuple[str, str, str]
"""(kind, owner id, text): one text value of the graph and the entity, relation or article holding it."""

KINDS = ("name", "alias", "quote", "role", "headline", "byline", "doc")


def text_fields(graph: KnowledgeGraph, kinds: tuple[str, ...] = KINDS, rdf: bool = False) -> set[Field]:
    """Every text value an output must give back verbatim (RDF writes no alias equal to the name)."""
    out: set[Field] = set()
    for e in graph.entities:
        out.add(("name", e.id, e.name))
        out |= {("alias", e.id, a) for a in e.aliases if not (rdf and a == e.name)}
    for r in graph.relations:
        out |= {("quote", r.id, ev.quote) for ev in r.evidence}
        role = dict(r.attrs).get("role")
        if role:
            out.add(("role", r.id, role))
    for a in graph.articles:
        node = article_id(a.doc_id, a.index)
        out.add(("doc", node, a.doc_id))
        out |= {(k, node, v) for k, v in (("headline", a.headline), ("byline", a.byline)) if v}
    return {f for f in out if f[0] in kinds}


def payload_texts(graph: KnowledgeGraph) -> list[str]:
    """The distinct text values of `graph` (what must never appear in a statement's text)."""
    return sorted({text for _, _, text in text_fields(graph)})


def with_carriage_returns(graph: KnowledgeGraph) -> KnowledgeGraph:
    """`graph` with a lone CR in every text field (a CR reaches a build only through a file name:
    ingest turns CR and CRLF in the text into LF). Ids are kept, so fields stay comparable."""

    def cr(text: str) -> str:
        return f"{text}\r甲" if text else text

    ents = tuple(replace(e, name=cr(e.name), aliases=tuple(map(cr, e.aliases))) for e in graph.entities)
    rels = tuple(replace(r, attrs=tuple((k, cr(v)) for k, v in r.attrs),
                         evidence=tuple(replace(ev, quote=cr(ev.quote), doc=cr(ev.doc)) for ev in r.evidence))
                 for r in graph.relations)
    arts = tuple(replace(a, doc_id=cr(a.doc_id), headline=cr(a.headline), byline=cr(a.byline))
                 for a in graph.articles)
    keys = {a.key: b.key for a, b in zip(graph.articles, arts, strict=True)}
    ents = tuple(replace(e, articles=tuple(keys.get(k, k) for k in e.articles)) for e in ents)
    return KnowledgeGraph(ents, rels, arts)


_FIELDS_QUERY = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items()) + """
SELECT ?kind ?owner ?text WHERE { %s {
  { ?owner skos:prefLabel ?text BIND ("name" AS ?kind) }
  UNION { ?owner skos:altLabel ?text BIND ("alias" AS ?kind) }
  UNION { ?owner ukg:hasEvidence/ukg:quote ?text BIND ("quote" AS ?kind) }
  UNION { ?owner ukg:role ?text BIND ("role" AS ?kind) }
  UNION { ?owner schema:headline ?text BIND ("headline" AS ?kind) }
  UNION { ?owner ukg:byline ?text BIND ("byline" AS ?kind) }
  UNION { ?owner a ukg:Article ; dcterms:isPartOf/dcterms:identifier ?text BIND ("doc" AS ?kind) }
} }"""


def fields_query(graph_iri: str | None = None) -> str:
    """The SPARQL SELECT reading every text field (kind, owner IRI, text) back from RDF."""
    return _FIELDS_QUERY % (f"GRAPH <{graph_iri}>" if graph_iri else "")


def rdf_fields(rows: list[list[object]] | list[dict[str, str]]) -> set[Field]:
    """Fields from fields_query rows (lists of values, or dicts as a SPARQL endpoint answers);
    an owner IRI ends with the id of its entity, fact (= relation) or article."""
    if rows and isinstance(rows[0], dict):
        return {(r["kind"], r["owner"].rsplit("/", 1)[-1], r["text"]) for r in rows}  # type: ignore[index]
    return {(str(k), str(o).rsplit("/", 1)[-1], str(t)) for k, o, t in rows}  # type: ignore[misc]


def _ox_term(term: object) -> ox.NamedNode | ox.Literal:
    assert not isinstance(term, BNode)  # kg mints no blank nodes
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    assert isinstance(term, URIRef)
    return ox.NamedNode(str(term))


def rdflib_fields(graph: RdflibGraph) -> set[Field]:
    """Fields of a graph parsed by rdflib (copied term by term into an in-memory Oxigraph store)."""
    store = ox.Store()
    store.extend(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph)
    return rdf_fields([[s["kind"].value, s["owner"].value, s["text"].value] for s in store.query(fields_query())])
