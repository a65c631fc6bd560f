"""KnowledgeGraph → RDF: deterministic IRIs under Settings.base_iri, as N-Triples terms grouped by subject.

The default graph holds the whole graph; each article's named graph (named by the article's IRI)
repeats the triples that article supports (their evidence, in the default graph, points to the
article). Terms are built as N-Triples text once per build (`to_rdf`, memoised for the graph at hand)
and shared by the RDF files, the Oxigraph load and SHACL, so no writer builds millions of term
objects of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from rdflib import Dataset, Graph

from kg.ids import article_id, entity_id
from kg.model import Article, Entity, EntityType, Evidence, KnowledgeGraph, Relation
from kg.ontology import schema
from kg.rdf.vocab import CLASS_IRI, PREDICATE_IRI, PREFIXES, SCHEMA, UKG
from kg.runtime.memo import last_graph
from kg.settings import Settings

XSD = PREFIXES["xsd"]
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            ord("\b"): "\\b", ord("\f"): "\\f",
            **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\r\t\b\f"}}
"""Canonical N-Triples string escapes (quote, backslash, control characters)."""


def iri(value: str) -> str:
    """An IRI term (kg only mints IRIs it has percent-encoded where needed)."""
    return f"<{value}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal term: plain (xsd:string), language-tagged or typed."""
    text = f'"{value.translate(_ESCAPES)}"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^<{datatype}>" if datatype and datatype != XSD + "string" else text


_INTEGER = f"^^<{XSD}integer>"


def integer(value: int) -> str:
    """An xsd:integer literal (digits need no escapes)."""
    return f'"{int(value)}"{_INTEGER}'


@lru_cache(maxsize=4096)
def short_literal(value: str) -> str:
    """`literal(value)` for the few strings that recur on many facts (rule names, roles)."""
    return literal(value)


def decimal_text(value: float) -> str:
    """The canonical xsd:decimal lexical form (always a fraction digit, at most six)."""
    text = f"{Decimal(str(value)):.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


@lru_cache(maxsize=1024)
def decimal(value: float) -> str:
    return literal(decimal_text(value), datatype=XSD + "decimal")


def _v(term: object) -> str:
    return iri(str(term))


RDF_NS = PREFIXES["rdf"]
SKOS_NS = PREFIXES["skos"]
DCT_NS = PREFIXES["dcterms"]
PROV_NS = PREFIXES["prov"]
A = iri(RDF_NS + "type")
PREF_LABEL, ALT_LABEL, BROADER = iri(SKOS_NS + "prefLabel"), iri(SKOS_NS + "altLabel"), iri(SKOS_NS + "broader")
IS_PART_OF, IDENTIFIER = iri(DCT_NS + "isPartOf"), iri(DCT_NS + "identifier")
DERIVED_FROM = iri(PROV_NS + "wasDerivedFrom")
R_SUBJECT, R_PREDICATE, R_OBJECT = iri(RDF_NS + "subject"), iri(RDF_NS + "predicate"), iri(RDF_NS + "object")
MENTIONS, HEADLINE = _v(SCHEMA.mentions), _v(SCHEMA.headline)
U = {name: _v(getattr(UKG, name)) for name in (
    "Article", "Document", "Fact", "Evidence", "articleIndex", "byline", "confidence", "role", "hasEvidence",
    "quote", "startOffset", "endOffset", "rule")}
CLASS = {t: _v(c) for t, c in CLASS_IRI.items()}
PREDICATE = {p: _v(i) for p, i in PREDICATE_IRI.items()}

ENTITY_ATTRS: dict[str, str] = {key: iri(a.iri) for a in schema().attributes for key in a.keys}
"""Entity attributes written as literals: the datatype properties with kgs:attrKey in schema/ontology.ttl
(level, code …); "broader" becomes a skos:broader link between worker groups. Other attribute keys have
no term in the ontology and are left out of the RDF."""


@dataclass(frozen=True)
class Minter:
    """Mints the IRI terms of instances under one base IRI (same input, same IRI, every run).
    Article and document IRIs are remembered: every evidence and mention asks for them again."""

    base: str
    _articles: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)
    _documents: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def entity(self, entity_id_: str) -> str:
        return f"<{self.base}entity/{entity_id_}>"

    def fact(self, relation_id: str) -> str:
        return f"<{self.base}fact/{relation_id}>"

    def evidence(self, ev: Evidence) -> str:
        """The passage: the document's IRI with an RFC 5147 fragment for its character span."""
        return f"{self.document(ev.doc)[:-1]}#char={ev.start},{ev.end}>"

    def article(self, doc_id: str, index: int) -> str:
        key = (doc_id, index)
        term = self._articles.get(key)
        if term is None:
            term = self._articles[key] = f"<{self.base}article/{article_id(doc_id, index)}>"
        return term

    def document(self, doc_id: str) -> str:
        term = self._documents.get(doc_id)
        if term is None:
            term = self._documents[doc_id] = f"<{self.base}document/{quote(doc_id, safe='/')}>"
        return term


Triples = dict[str, dict[tuple[str, str], None]]
"""subject term → ordered set of (predicate, object) terms."""


@dataclass
class RdfData:
    """The RDF of one graph: the default graph and one named graph per article, as N-Triples terms.

    `default` and each `named[g]` map subject → {(predicate, object)}; iteration via `triples`
    and `quads` is sorted, so every serialisation of the same graph has the same bytes.
    """

    default: Triples = field(default_factory=lambda: defaultdict(dict))
    named: dict[str, Triples] = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    _sorted: list[tuple[str, list[tuple[str, str]]]] | None = field(default=None, init=False, repr=False,
                                                                    compare=False)
    _encoded: tuple[bytes, bytes] | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, s: str, p: str, o: str, g: str | None = None) -> None:
        (self.default if g is None else self.named[g])[s][(p, o)] = None

    @staticmethod
    def triples(graph: Triples) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """(subject, its sorted (predicate, object) pairs), subjects sorted."""
        for s in sorted(graph):
            yield s, sorted(graph[s])

    def sorted_default(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """`triples(default)` as a list, sorted once: every file of the default graph walks it.
        Call once the data is complete."""
        if self._sorted is None:
            self._sorted = list(self.triples(self.default))
        return self._sorted

    def graph_names(self) -> list[str]:
        return sorted(self.named)

    def ntriples(self, end: str = "") -> Iterator[str]:
        """N-Triples lines of the default graph, each followed by `end` (no newline by default)."""
        for s, pairs in self.sorted_default():
            for p, o in pairs:
                yield f"{s} {p} {o} .{end}"

    def nquads(self) -> Iterator[str]:
        """N-Quads lines: the default graph first, then each named graph in IRI order."""
        yield from self.ntriples()
        yield from self.named_nquads()

    def named_nquads(self, end: str = "") -> Iterator[str]:
        """N-Quads lines of the named graphs, in IRI order, each followed by `end`."""
        for g in self.graph_names():
            for s, pairs in self.triples(self.named[g]):
                for p, o in pairs:
                    yield f"{s} {p} {o} {g} .{end}"

    def encoded(self) -> tuple[bytes, bytes]:
        """(N-Triples of the default graph, N-Quads of the named graphs) as UTF-8, encoded once: the
        N-Triples and N-Quads files, the store load and SHACL all use them. Call once the data is complete."""
        if self._encoded is None:
            default = "".join(self.ntriples("\n")).encode("utf-8")
            named = "".join(self.named_nquads("\n")).encode("utf-8")
            self._encoded = (default, named)
        return self._encoded

    def triple_count(self) -> int:
        return sum(len(v) for v in self.default.values())

    def quad_count(self) -> int:
        return self.triple_count() + sum(len(v) for g in self.named.values() for v in g.values())


def _entity_triples(entity: Entity, mint: Minter, known: set[str], data: RdfData) -> None:
    node = mint.entity(entity.id)
    data.add(node, A, CLASS[entity.type])
    data.add(node, PREF_LABEL, literal(entity.name, "zh"))
    for alias in entity.aliases:
        if alias != entity.name:
            data.add(node, ALT_LABEL, literal(alias, "zh"))
    for key, value in entity.attrs:
        if key in ENTITY_ATTRS and value:
            data.add(node, ENTITY_ATTRS[key], literal(value))
        elif key == "broader" and entity.type is EntityType.WORKER_GROUP:
            target = entity_id(EntityType.WORKER_GROUP, value)
            if target in known:
                data.add(node, BROADER, mint.entity(target))
    for key in entity.articles:
        doc, _, index = key.rpartition("#")
        data.add(mint.article(doc, int(index)), MENTIONS, node)


def _article_triples(doc_id: str, index: int, article: Article | None, mint: Minter, data: RdfData) -> None:
    node, doc = mint.article(doc_id, index), mint.document(doc_id)
    data.add(node, A, U["Article"])
    data.add(node, IS_PART_OF, doc)
    data.add(node, IDENTIFIER, literal(f"{doc_id}#{index}"))
    data.add(node, U["articleIndex"], integer(index))
    data.add(doc, A, U["Document"])
    data.add(doc, IDENTIFIER, literal(doc_id))
    if article is not None and article.headline:
        data.add(node, HEADLINE, literal(article.headline))
    if article is not None and article.byline:
        data.add(node, U["byline"], literal(article.byline))


def _relation_triples(rel: Relation, mint: Minter, data: RdfData, passages: set[str]) -> None:
    """The asserted triple, its ukg:Fact, the passages it was read from and, in each article's named
    graph, the triple again. A passage (`passages` holds those already written) is shared by every
    fact read from the same sentence."""
    s, p, o = mint.entity(rel.subject), PREDICATE[rel.predicate], mint.entity(rel.object)
    fact = mint.fact(rel.id)
    add = data.add
    add(s, p, o)
    for pred, obj in ((A, U["Fact"]), (R_SUBJECT, s), (R_PREDICATE, p), (R_OBJECT, o),
                      (U["confidence"], decimal(rel.confidence))):
        add(fact, pred, obj)
    role = dict(rel.attrs).get("role")
    if role:
        add(fact, U["role"], short_literal(role))
    for ev in rel.evidence:
        node, article = mint.evidence(ev), mint.article(ev.doc, ev.article)
        add(fact, U["hasEvidence"], node)
        if ev.rule:
            add(fact, U["rule"], short_literal(ev.rule))
        add(s, p, o, article)
        if node not in passages:
            passages.add(node)
            for pred, obj in ((A, U["Evidence"]), (DERIVED_FROM, article), (U["quote"], literal(ev.quote)),
                              (U["startOffset"], integer(ev.start)), (U["endOffset"], integer(ev.end))):
                add(node, pred, obj)


def _article_keys(graph: KnowledgeGraph) -> set[tuple[str, int]]:
    keys = {(a.doc_id, a.index) for a in graph.articles}
    keys |= {(ev.doc, ev.article) for r in graph.relations for ev in r.evidence}
    for entity in graph.entities:
        for key in entity.articles:
            doc, _, index = key.rpartition("#")
            keys.add((doc, int(index)))
    return keys


def build_rdf(graph: KnowledgeGraph, base_iri: str) -> RdfData:
    """Every triple of the graph (default graph) and of each article (named graphs), without duplicates."""
    mint = Minter(base_iri)
    known = {e.id for e in graph.entities}
    data = RdfData()
    for entity in graph.entities:
        _entity_triples(entity, mint, known, data)
    by_key = {(a.doc_id, a.index): a for a in graph.articles}
    for doc, index in sorted(_article_keys(graph)):
        _article_triples(doc, index, by_key.get((doc, index)), mint, data)
    passages: set[str] = set()
    for rel in graph.relations:
        _relation_triples(rel, mint, data, passages)
    return data


@last_graph
def to_rdf(graph: KnowledgeGraph, base_iri: str) -> RdfData:
    """`build_rdf`, memoised for the graph at hand (the RDF, store and SHACL outputs of one build share it),
    its sorted triples and bytes made here, once, so the writers' threads only read them."""
    data = build_rdf(graph, base_iri)
    data.encoded()
    return data


def prepare(graph: KnowledgeGraph, settings: Settings) -> None:
    """Make the graph's RDF terms now (`to_rdf`), so writers in processes forked afterwards inherit them."""
    to_rdf(graph, settings.base_iri)


def nquads_bytes(data: RdfData) -> bytes:
    default, named = data.encoded()
    return default + named


def ntriples_bytes(data: RdfData) -> bytes:
    return data.encoded()[0]


def to_dataset(data: RdfData) -> Dataset:
    """An rdflib Dataset of the quads (for tests and small graphs)."""
    ds = Dataset()
    ds.parse(data=nquads_bytes(data).decode("utf-8"), format="nquads")
    return ds


def default_graph(data: RdfData) -> Graph:
    """The default graph alone as an rdflib Graph (for tests and small graphs)."""
    return Graph().parse(data=ntriples_bytes(data).decode("utf-8"), format="nt")
