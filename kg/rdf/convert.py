"""KnowledgeGraph → RDF: deterministic IRIs under Settings.base_iri, sorted quads, an rdflib Dataset.

The default graph holds the whole graph; each article's named graph (named by the article's IRI)
repeats the facts that article supports together with their evidence from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from rdflib import RDF, Dataset, Graph, Literal, Node, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from kg.ids import article_id, entity_id
from kg.model import Article, Entity, EntityType, Evidence, KnowledgeGraph, Relation
from kg.rdf.vocab import CLASS_IRI, PREDICATE_IRI, SCHEMA, UKG

Quad = tuple[Node, Node, Node, URIRef | None]
"""(subject, predicate, object, graph); graph None is the default graph."""


@dataclass(frozen=True)
class Minter:
    """Mints the IRIs of instances under one base IRI (same input, same IRI, every run)."""

    base: str

    def entity(self, entity_id_: str) -> URIRef:
        return URIRef(f"{self.base}entity/{entity_id_}")

    def fact(self, relation_id: str) -> URIRef:
        return URIRef(f"{self.base}fact/{relation_id}")

    def evidence(self, relation_id: str, ev: Evidence) -> URIRef:
        key = "\x1f".join((ev.doc, str(ev.article), str(ev.start), str(ev.end), ev.rule))
        return URIRef(f"{self.base}evidence/{relation_id}-{hashlib.sha1(key.encode()).hexdigest()[:8]}")

    def article(self, doc_id: str, index: int) -> URIRef:
        return URIRef(f"{self.base}article/{article_id(doc_id, index)}")

    def document(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}document/{quote(doc_id, safe='/')}")


def decimal(value: float) -> Literal:
    """A canonical xsd:decimal literal (always with a fraction digit, at most six)."""
    text = f"{Decimal(str(value)):.6f}".rstrip("0")
    return Literal(text + "0" if text.endswith(".") else text, datatype=XSD.decimal)


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


ENTITY_ATTRS: dict[str, URIRef] = {
    "level": UKG.level,
    "code": UKG.adminCode,
    "adcode": UKG.adminCode,
    "kind": UKG.organizationKind,
}
"""Entity attributes written as literals; "broader" becomes a skos:broader link between worker groups.
Other attribute keys have no term in the ontology and are left out of the RDF."""


def _entity_triples(entity: Entity, mint: Minter, known: set[str]) -> Iterator[tuple[Node, Node, Node]]:
    node = mint.entity(entity.id)
    yield node, RDF.type, CLASS_IRI[entity.type]
    yield node, SKOS.prefLabel, _zh(entity.name)
    for alias in entity.aliases:
        if alias != entity.name:
            yield node, SKOS.altLabel, _zh(alias)
    for key, value in entity.attrs:
        if key in ENTITY_ATTRS and value:
            yield node, ENTITY_ATTRS[key], Literal(value)
        elif key == "broader" and entity.type is EntityType.WORKER_GROUP:
            target = entity_id(EntityType.WORKER_GROUP, value)
            if target in known:
                yield node, SKOS.broader, mint.entity(target)


def _article_triples(doc_id: str, index: int, article: Article | None, mint: Minter) -> Iterator[tuple]:
    node, doc = mint.article(doc_id, index), mint.document(doc_id)
    yield node, RDF.type, UKG.Article
    yield node, DCTERMS.isPartOf, doc
    yield node, DCTERMS.identifier, Literal(f"{doc_id}#{index}")
    yield node, UKG.articleIndex, Literal(index)
    yield doc, RDF.type, UKG.Document
    yield doc, DCTERMS.identifier, Literal(doc_id)
    if article is not None and article.headline:
        yield node, SCHEMA.headline, Literal(article.headline)
    if article is not None and article.byline:
        yield node, UKG.byline, Literal(article.byline)


def _relation_quads(rel: Relation, mint: Minter) -> Iterator[Quad]:
    s, p, o = mint.entity(rel.subject), PREDICATE_IRI[rel.predicate], mint.entity(rel.object)
    fact = mint.fact(rel.id)
    yield s, p, o, None
    for triple in ((fact, RDF.type, UKG.Fact), (fact, RDF.subject, s), (fact, RDF.predicate, p),
                   (fact, RDF.object, o), (fact, UKG.confidence, decimal(rel.confidence))):
        yield *triple, None
    role = dict(rel.attrs).get("role")
    if role:
        yield fact, UKG.role, Literal(role), None
    for ev in rel.evidence:
        node, graph = mint.evidence(rel.id, ev), mint.article(ev.doc, ev.article)
        triples = [
            (fact, UKG.hasEvidence, node),
            (node, RDF.type, UKG.Evidence),
            (node, PROV.wasDerivedFrom, graph),
            (node, DCTERMS.source, mint.document(ev.doc)),
            (node, UKG.quote, Literal(ev.quote)),
            (node, UKG.startOffset, Literal(ev.start)),
            (node, UKG.endOffset, Literal(ev.end)),
            (node, UKG.confidence, decimal(ev.confidence)),
        ]
        if ev.rule:
            triples.append((node, UKG.rule, Literal(ev.rule)))
        for triple in triples:
            yield *triple, None
            yield *triple, graph
        yield s, p, o, graph


def _article_keys(graph: KnowledgeGraph) -> set[tuple[str, int]]:
    keys = {(a.doc_id, a.index) for a in graph.articles}
    keys |= {(ev.doc, ev.article) for r in graph.relations for ev in r.evidence}
    for entity in graph.entities:
        for key in entity.articles:
            doc, _, index = key.rpartition("#")
            keys.add((doc, int(index)))
    return keys


def _sort_key(quad: Quad) -> tuple[str, str, str, str]:
    s, p, o, g = quad
    return ("" if g is None else g.n3(), s.n3(), p.n3(), o.n3())


def to_quads(graph: KnowledgeGraph, base_iri: str) -> list[Quad]:
    """Every quad of the graph, without duplicates, sorted (default graph first)."""
    mint = Minter(base_iri)
    known = {e.id for e in graph.entities}
    quads: set[Quad] = set()
    for entity in graph.entities:
        quads.update((*t, None) for t in _entity_triples(entity, mint, known))
        for key in entity.articles:
            doc, _, index = key.rpartition("#")
            quads.add((mint.article(doc, int(index)), SCHEMA.mentions, mint.entity(entity.id), None))
    by_key = {(a.doc_id, a.index): a for a in graph.articles}
    for doc, index in _article_keys(graph):
        quads.update((*t, None) for t in _article_triples(doc, index, by_key.get((doc, index)), mint))
    for rel in graph.relations:
        quads.update(_relation_quads(rel, mint))
    return sorted(quads, key=_sort_key)


def to_dataset(quads: list[Quad]) -> Dataset:
    """An rdflib Dataset holding the quads (named graphs per article, the rest in the default graph)."""
    ds = Dataset()
    for s, p, o, g in quads:
        ds.add((s, p, o, g if g is not None else ds.default_graph.identifier))
    return ds


def default_graph(quads: list[Quad]) -> Graph:
    """The default graph alone: the whole knowledge graph with its provenance."""
    g = Graph()
    for s, p, o, name in quads:
        if name is None:
            g.add((s, p, o))
    return g
