"""Mentions and relations of the types and predicates schema/ontology.ttl declares with data, not code.

A type with `kgs:lexicon "names.txt"` gets a dictionary finder: every name listed in that file of
lexicon/ (a `.txt` word list, or a `.tsv` whose first column is the canonical name and an optional
second column `aliases (|)`) found in the text is a mention of the type. A predicate with `kgs:cue`
words gets a clause rule: in one clause (a sentence cut at ，；：), a mention of a domain type, then a
cue, then a mention of a range type state the fact. The seeds schema declares neither, so these rules
find nothing there; they let a copy of the schema (KG_SCHEMA_DIR) add a type or predicate end to end.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract.lexicon import read_rows
from kg.extract.registry import DEFAULT_CONFIDENCE, component
from kg.extract.state import ArticleState, Found
from kg.model import EntityType, Mention, Predicate
from kg.ontology import schema
from kg.settings import LEXICON_DIR

Span = tuple[int, int]
_CLAUSE_END = re.compile(r"[，,；;：:]")
LEXICON_RULE = "declared.lexicon"
CUE_RULE = "declared.cue"


@cache
def _names() -> tuple[tuple[str, EntityType, str], ...]:
    """(surface form, type, canonical name) of every declared lexicon, longest form first."""
    out: dict[str, tuple[EntityType, str]] = {}
    for t in schema().types:
        if not t.lexicon:
            continue
        path = LEXICON_DIR / t.lexicon
        for row in read_rows(path):
            forms = row[0].split() if path.suffix == ".txt" else [row[0], *(row[1].split("|") if len(row) > 1 else [])]
            for form in forms:
                canonical = form if path.suffix == ".txt" else row[0]
                if form:
                    out.setdefault(form, (EntityType(t.value), canonical))
    return tuple(sorted(((f, *v) for f, v in out.items()), key=lambda x: (-len(x[0]), x[0])))


def find_declared(text: str, body: str) -> list[Mention]:
    """Mentions of the lexicon-declared types in `text` (matching text; `body` gives the surface form):
    each form where no longer form already matched."""
    names = _names()
    if not names:
        return []
    taken = bytearray(len(text))
    out: list[Mention] = []
    for form, type_, canonical in names:
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * len(form)
                out.append(Mention(type_, body[start:end], start, end, canonical, LEXICON_RULE))
            start = text.find(form, end)
    return sorted(out, key=lambda m: (m.start, m.end))


def _clauses(text: str, sents: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sents:
        cuts = [m.end() for m in _CLAUSE_END.finditer(text, s, e)]
        out += list(zip([s, *cuts], [*cuts, e], strict=True))
    return out


def declared_relations(text: str, sents: list[Span], mentions: list[Mention]) -> list[Found]:
    """Facts of the cue-declared predicates: in one clause, the last domain mention before a cue and the
    first range mention after it. The evidence is the clause's sentence."""
    rules = [(p, Predicate(p.value)) for p in schema().predicates if p.cues]
    if not rules:
        return []
    out: list[Found] = []
    for sent in sents:
        for cs, ce in _clauses(text, [sent]):
            inside = [m for m in mentions if cs <= m.start and m.end <= ce]
            for spec, pred in rules:
                for cue in spec.cues:
                    at = text.find(cue, cs, ce)
                    while at >= 0:
                        subj = [m for m in inside if m.end <= at and m.type.value in spec.domain]
                        obj = [m for m in inside if m.start >= at + len(cue) and m.type.value in spec.range]
                        if subj and obj:
                            s, o = subj[-1], obj[0]
                            out.append(Found(s.type, s.name, pred, o.type, o.name, sent, CUE_RULE))
                        at = text.find(cue, at + len(cue), ce)
    return out


@component("declared.names", reads=("text", "body", "mentions"), assigns=("declared", "mentions"))
def _declared_names(doc: ArticleState) -> None:
    """Mentions of the lexicon-declared types, merged into the article's mentions in text order."""
    doc.declared = find_declared(doc.text, doc.body)
    if doc.declared:
        doc.mentions = tuple(sorted((*doc.mentions, *doc.declared), key=lambda m: (m.start, m.end, m.type, m.name)))


@component("declared.facts", reads=("text", "sentences", "mentions"), assigns=("found",),
           confidence={CUE_RULE: DEFAULT_CONFIDENCE})
def _declared_facts(doc: ArticleState) -> None:
    doc.found += declared_relations(doc.text, doc.sentences, list(doc.mentions))
