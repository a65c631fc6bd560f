"""`articles.jsonl` and the `graph.jsonl` contract (Neo4j APOC JSON-lines export format)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Article, Entity, EntityType, Evidence, KnowledgeGraph, MappedText, Predicate, Relation
from kg.runtime.atomic import write_lines
from kg.settings import Settings

_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
"""Characters str.splitlines (and pre-2019 JavaScript) take for line ends, escaped so that every
record stays on one line for any reader; JSON escapes the ASCII control characters itself."""
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One compact encoder for every record (json.dumps would build a new one per call)."""


def _dumps(obj: object) -> str:
    """One record as compact JSON on one line."""
    text = _ENCODER.encode(obj)
    for char, escaped in _LINE_BREAKS:
        if char in text:
            text = text.replace(char, escaped)
    return text


def _evidence_record(ev: Evidence) -> dict[str, object]:
    """An evidence object in field order (what dataclasses.asdict gives, without its deep copy)."""
    return {"doc": ev.doc, "article": ev.article, "start": ev.start, "end": ev.end, "quote": ev.quote,
            "rule": ev.rule, "confidence": ev.confidence}


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
    props["evidence"] = [_evidence_record(ev) for ev in rel.evidence]
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


# --- reading a build back: the inverse of write_graph / write_articles


def _records(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{no}: not valid JSON ({exc.msg})") from None
            if not isinstance(rec, dict):
                raise InputError(f"{path}:{no}: expected a JSON object")
            yield no, rec


def _attrs(props: dict) -> tuple[tuple[str, str], ...]:
    """Remaining properties as (key, text) pairs in file order; non-strings as compact JSON."""
    return tuple(
        (k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in props.items()
    )


def _entity(rec: dict) -> Entity | None:
    label = next((lb for lb in rec.get("labels", []) if lb in EntityType._value2member_map_), None)
    if label is None:
        return None
    props = dict(rec.get("properties", {}))
    name, aliases, articles = props.pop("name"), props.pop("aliases", []), props.pop("articles", [])
    return Entity(rec["id"], EntityType(label), name, tuple(aliases), _attrs(props), tuple(articles))


def _relation(rec: dict) -> Relation | None:
    try:
        predicate = Predicate(rec["label"].lower())
    except ValueError:
        return None
    props = dict(rec.get("properties", {}))
    evidence = tuple(Evidence(**ev) for ev in props.pop("evidence", []))
    confidence = float(props.pop("confidence", 1.0))
    start, end = rec["start"]["id"], rec["end"]["id"]
    return Relation(rec["id"], start, predicate, end, evidence, confidence, _attrs(props))


def _articles(path: Path) -> tuple[Article, ...]:
    if not path.exists():
        return ()
    return tuple(
        Article(rec["doc"], rec["index"], rec.get("headline", ""), rec.get("byline", ""),
                MappedText(rec.get("body", ""), ()), tuple(tuple(s) for s in rec.get("body_spans", [])),
                rec.get("kicker", ""), rec.get("kind", "story"))
        for _, rec in _records(path)
    )


def read_graph(out: Path) -> KnowledgeGraph:
    """The KnowledgeGraph of a built OUT folder (graph.jsonl, plus article headlines from articles.jsonl)."""
    path = out / "graph.jsonl"
    if not path.exists():
        raise InputError(f"{path} not found: run `kg build --out {out}` first")
    entities: list[Entity] = []
    relations: list[Relation] = []
    for no, rec in _records(path):
        try:
            if rec.get("type") == "node":
                entities.extend(e for e in [_entity(rec)] if e)
            elif rec.get("type") == "relationship":
                relations.extend(r for r in [_relation(rec)] if r)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{no}: not an APOC node/relationship line ({exc})") from None
    ids = {e.id for e in entities}
    dangling = [r.id for r in relations if r.subject not in ids or r.object not in ids]
    if dangling:
        raise InputError(f"{path}: relationship {dangling[0]} points at a node that is not in the file")
    return KnowledgeGraph(
        entities=tuple(sorted(entities, key=lambda e: e.id)),
        relations=tuple(sorted(relations, key=lambda r: r.id)),
        articles=_articles(out / "articles.jsonl"),
    )
