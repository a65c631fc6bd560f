"""Deterministic identifiers: the same entity or fact gets the same id in every run."""

from __future__ import annotations

import hashlib

from kg.model import EntityType, Predicate
from kg.ontology import schema

_PREFIX = {EntityType(t.value): t.id_prefix for t in schema().types}
"""Each type's id prefix (kgs:idPrefix in schema/ontology.ttl)."""


def _digest(*parts: str) -> str:
    """First 12 hex digits of the SHA-1 of the parts joined by U+001F (enum members join as their values)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def entity_id(type_: EntityType, name: str) -> str:
    """`ub-1a2b3c4d5e6f` style id from the entity's type and canonical name."""
    return f"{_PREFIX[type_]}-{_digest(type_, name)}"


def relation_id(subject: str, predicate: Predicate, obj: str) -> str:
    """Id of a fact from its subject id, predicate and object id."""
    return f"r-{_digest(subject, predicate, obj)}"


def article_id(doc_id: str, index: int) -> str:
    """Id of an article node: its document and position on the page."""
    return f"art-{_digest(doc_id, str(index))}"
