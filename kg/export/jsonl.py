"""`articles.jsonl` and the `graph.jsonl` contract (Neo4j APOC JSON-lines export format)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from kg.export.atomic import write_lines
from kg.model import Article, Entity, KnowledgeGraph, Relation
from kg.settings import Settings


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


def article_record(article: Article) -> dict[str, object]:
    """One line of articles.jsonl: where the article sits in its document and its text."""
    return {
        "doc": article.doc_id,
        "index": article.index,
        "kind": article.kind,
        "kicker": article.kicker,
        "headline": article.headline,
        "byline": article.byline,
        "body_span": [article.spans[0][0], article.spans[-1][1]] if article.spans else None,
        "body_spans": [list(s) for s in article.spans],
        "body": article.body.text,
    }


def write_articles(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    path = settings.out / "articles.jsonl"
    return [write_lines(path, (_dumps(article_record(a)) for a in graph.articles))]


def node_record(entity: Entity) -> dict[str, object]:
    """An APOC node line: labels = the entity type; properties name, aliases and attributes."""
    props: dict[str, object] = {"name": entity.name, "aliases": list(entity.aliases)}
    props.update(dict(entity.attrs))
    props["articles"] = list(entity.articles)
    return {"type": "node", "id": entity.id, "labels": [entity.type.value], "properties": props}


def relationship_record(graph: KnowledgeGraph, rel: Relation) -> dict[str, object]:
    """An APOC relationship line with confidence and every piece of evidence."""
    start, end = graph.entity(rel.subject), graph.entity(rel.object)
    props: dict[str, object] = {"confidence": rel.confidence}
    props.update(dict(rel.attrs))
    props["evidence"] = [asdict(ev) for ev in rel.evidence]
    return {
        "type": "relationship",
        "id": rel.id,
        "label": rel.predicate.label,
        "start": {"id": start.id, "labels": [start.type.value]},
        "end": {"id": end.id, "labels": [end.type.value]},
        "properties": props,
    }


def graph_lines(graph: KnowledgeGraph) -> Iterator[str]:
    for entity in graph.entities:
        yield _dumps(node_record(entity))
    for rel in graph.relations:
        yield _dumps(relationship_record(graph, rel))


def write_graph(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    return [write_lines(settings.out / "graph.jsonl", graph_lines(graph))]
