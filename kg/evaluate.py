"""Score a built graph (OUT/graph.jsonl) against gold files with the guideline's matching rules.

Corpus level: gold is the union of every article's facts (entities merged by type and normalised
name, aliases unioned; relations deduplicated). Names compare after `normalise_name`; a gold alias
shared by two gold entities of one type is ambiguous and not used. Items are paired one-to-one
(maximum bipartite matching), so a duplicate prediction of one gold item counts as spurious.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.jsonlines import read_records
from kg.model import CORE_PREDICATES, CORE_TYPES, SYMMETRIC, EntityType, Predicate
from kg.ontology import schema
from kg.resolve import normalise_name

log = logging.getLogger(__name__)

_TYPES = {t.value: t for t in EntityType}
_PREDICATES = {p.value: p for p in Predicate} | {p.label: p for p in Predicate}
_DOMAIN: dict[Predicate, tuple[frozenset[EntityType], frozenset[EntityType]]] = {
    Predicate(p.value): (frozenset(map(EntityType, p.domain)), frozenset(map(EntityType, p.range)))
    for p in schema().predicates
}
"""Which endpoint types a gold relation's names are looked up in first when a name has several types: the
predicate's rdfs:domain and rdfs:range in schema/ontology.ttl."""


@dataclass
class Item:
    """An entity (gold or predicted): type, display name, and the normalised forms it answers to."""

    type: EntityType
    name: str
    names: set[str] = field(default_factory=set)  # normalised name and aliases
    usable: set[str] = field(default_factory=set)  # gold: the forms a prediction may match


@dataclass(frozen=True)
class Fact:
    """A relation between two items (indexes into the entity list of the same side)."""

    predicate: Predicate
    subject: int
    object: int


@dataclass
class Side:
    """One side of the comparison: entities and relations."""

    entities: list[Item] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def total(scores: Iterable[Score]) -> Score:
    """Micro-average: the sum of counts."""
    items = list(scores)
    return Score(sum(s.tp for s in items), sum(s.fp for s in items), sum(s.fn for s in items))


@dataclass
class Report:
    """Scores per type and predicate, micro totals, and the missed/spurious items."""

    entities: dict[str, Score]
    relations: dict[str, Score]
    missed: list[str]
    spurious: list[str]

    @property
    def core_entities(self) -> Score:
        return total(self.entities[t.value] for t in CORE_TYPES)

    @property
    def core_relations(self) -> Score:
        return total(self.relations[p.value] for p in CORE_PREDICATES)

    def as_dict(self) -> dict[str, object]:
        return {
            "entities": {k: s.as_dict() for k, s in self.entities.items()},
            "relations": {k: s.as_dict() for k, s in self.relations.items()},
            "micro": {"core_entities": self.core_entities.as_dict(),
                      "core_relations": self.core_relations.as_dict(),
                      "all_entities": total(self.entities.values()).as_dict(),
                      "all_relations": total(self.relations.values()).as_dict()},
            "missed": self.missed,
            "spurious": self.spurious,
        }


def load_gold(paths: Sequence[Path]) -> Side:
    """The union of every gold article: entities merged by (type, normalised name), relations deduplicated."""
    side = Side()
    index: dict[tuple[EntityType, str], int] = {}
    facts: dict[tuple[Predicate, int, int], None] = {}
    for path in paths:
        found = False  # whether the file holds any entity or relation
        for n, rec in read_records(path):
            try:
                local: dict[str, list[int]] = defaultdict(list)
                for e in rec.get("entities", []):
                    type_ = _TYPES[e["type"]]
                    key = (type_, normalise_name(e["name"]))
                    if key not in index:
                        index[key] = len(side.entities)
                        side.entities.append(Item(type_, e["name"]))
                    item = side.entities[index[key]]
                    item.names.update(normalise_name(x) for x in [e["name"], *e.get("aliases", [])])
                    local[e["name"]].append(index[key])
                for r in rec.get("relations", []):
                    pred = _PREDICATES[r["predicate"]]
                    subj = _endpoint(side, local, r["subject"], _DOMAIN[pred][0])
                    obj = _endpoint(side, local, r["object"], _DOMAIN[pred][1])
                    if pred in SYMMETRIC and obj < subj:
                        subj, obj = obj, subj
                    facts[(pred, subj, obj)] = None
            except (KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}:{n}: not a gold record ({exc!s} missing or unknown)") from exc
            found = found or bool(rec.get("entities") or rec.get("relations"))
        if not found:
            log.warning("no gold facts in %s: it scores as an empty gold standard", path)
    side.facts = [Fact(*k) for k in facts]
    _mark_usable(side.entities)
    return side


def _endpoint(side: Side, local: dict[str, list[int]], name: str, allowed: frozenset[EntityType]) -> int:
    found = local.get(name, [])
    fitting = [i for i in found if side.entities[i].type in allowed] or found
    if not fitting:
        raise KeyError(f"relation endpoint {name!r} is not an entity of the article")
    return fitting[0]


def _mark_usable(items: list[Item]) -> None:
    """Each gold item answers to its name and to every alias no other gold item of its type shares."""
    owners: dict[tuple[EntityType, str], set[int]] = defaultdict(set)
    for i, it in enumerate(items):
        for nm in it.names:
            owners[(it.type, nm)].add(i)
    for i, it in enumerate(items):
        it.usable = {normalise_name(it.name)} | {nm for nm in it.names if owners[(it.type, nm)] == {i}}


def load_predicted(path: Path) -> Side:
    """Entities and relations of a graph.jsonl (APOC JSON lines); other labels are ignored."""
    side = Side()
    index: dict[str, int] = {}
    for n, rec in read_records(path):
        try:
            if rec["type"] == "node":
                type_ = next((_TYPES[x] for x in rec.get("labels", []) if x in _TYPES), None)
                if type_ is None:
                    continue
                props = rec.get("properties", {})
                names = {normalise_name(x) for x in [props["name"], *(props.get("aliases") or [])]}
                index[str(rec["id"])] = len(side.entities)
                side.entities.append(Item(type_, props["name"], names))
            elif rec["type"] == "relationship":
                pred = _PREDICATES.get(rec["label"])
                s, o = index.get(str(rec["start"]["id"])), index.get(str(rec["end"]["id"]))
                if pred is None or s is None or o is None:
                    continue
                if pred in SYMMETRIC and o < s:
                    s, o = o, s
                side.facts.append(Fact(pred, s, o))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not an APOC JSON line ({exc!s} missing)") from exc
    return side


def _max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths): predicted index → gold index."""
    gold_of: dict[int, int] = {}
    pred_of: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges.get(p, ()):
            if g in seen:
                continue
            seen.add(g)
            if g not in pred_of or augment(pred_of[g], seen):
                pred_of[g] = p
                gold_of[p] = g
                return True
        return False

    for p in sorted(edges):
        augment(p, set())
    return gold_of


def _entity_matches(pred: Side, gold: Side) -> dict[int, list[int]]:
    by_form: dict[tuple[EntityType, str], list[int]] = defaultdict(list)
    for g, it in enumerate(gold.entities):
        for nm in sorted(it.usable):
            by_form[(it.type, nm)].append(g)
    out: dict[int, list[int]] = {}
    for p, it in enumerate(pred.entities):
        hits = sorted({g for nm in it.names for g in by_form.get((it.type, nm), ())})
        if hits:
            out[p] = hits
    return out


def _show(side: Side, f: Fact) -> str:
    s, o = side.entities[f.subject], side.entities[f.object]
    return f"{f.predicate.value}: {s.type.value} {s.name} → {o.type.value} {o.name}"


def score(pred: Side, gold: Side) -> Report:
    """Compare a predicted side with the gold side: per type, per predicate, and the errors."""
    ematch = _entity_matches(pred, gold)
    entities: dict[str, Score] = {}
    missed: list[str] = []
    spurious: list[str] = []
    for t in EntityType:
        ps = [i for i, it in enumerate(pred.entities) if it.type is t]
        gs = [i for i, it in enumerate(gold.entities) if it.type is t]
        pairs = _max_matching({p: ematch[p] for p in ps if p in ematch})
        hit_gold = set(pairs.values())
        entities[t.value] = Score(len(pairs), len(ps) - len(pairs), len(gs) - len(pairs))
        missed += sorted(f"entity {t.value}: {gold.entities[g].name}" for g in gs if g not in hit_gold)
        spurious += sorted(f"entity {t.value}: {pred.entities[p].name}" for p in ps if p not in pairs)
    relations: dict[str, Score] = {}
    by_gold: dict[tuple[Predicate, int, int], list[int]] = defaultdict(list)
    for g, f in enumerate(gold.facts):
        by_gold[(f.predicate, f.subject, f.object)].append(g)
    for pr in Predicate:
        ps = [i for i, f in enumerate(pred.facts) if f.predicate is pr]
        gs = [i for i, f in enumerate(gold.facts) if f.predicate is pr]
        edges: dict[int, list[int]] = {}
        for p in ps:
            f = pred.facts[p]
            subj, obj = ematch.get(f.subject, []), ematch.get(f.object, [])
            cands = {g for s in subj for o in obj for g in by_gold.get((pr, s, o), [])}
            if pr in SYMMETRIC:
                cands |= {g for s in subj for o in obj for g in by_gold.get((pr, o, s), [])}
            if cands:
                edges[p] = sorted(cands)
        pairs = _max_matching(edges)
        hit_gold = set(pairs.values())
        relations[pr.value] = Score(len(pairs), len(ps) - len(pairs), len(gs) - len(pairs))
        missed += sorted(f"relation {_show(gold, gold.facts[g])}" for g in gs if g not in hit_gold)
        spurious += sorted(f"relation {_show(pred, pred.facts[p])}" for p in ps if p not in pairs)
    return Report(entities, relations, missed, spurious)


def evaluate(graph_path: Path, gold_paths: Sequence[Path]) -> Report:
    """Read both sides from disk and score them."""
    if not gold_paths:
        raise InputError("no gold files given")
    gold = load_gold(gold_paths)
    return score(load_predicted(graph_path), gold)


def table_rows(report: Report) -> list[list[object]]:
    """Rows of the printed table: one per type, per predicate, and the two core micro totals."""

    def row(kind: str, name: str, s: Score) -> list[object]:
        return [kind, name, s.tp, s.fp, s.fn, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"]

    rows = [row("entity", k, s) for k, s in report.entities.items()]
    rows += [row("relation", k, s) for k, s in report.relations.items()]
    rows.append(row("micro", "core entities", report.core_entities))
    rows.append(row("micro", "core relations", report.core_relations))
    return rows


TABLE_COLUMNS = ("kind", "name", "tp", "fp", "fn", "precision", "recall", "f1")
