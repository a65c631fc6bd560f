"""The registry of extraction components: each declares what it reads and assigns on the article's
state, the entity types or predicates it produces, the confidence of each rule it emits and the
lexicon files it reads (as spaCy's `Language.component` declares `requires` and `assigns`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from kg.extract.state import ArticleState
from kg.settings import LEXICON_DIR

Run = Callable[[ArticleState], None]

DEFAULT_CONFIDENCE = 0.5
"""The confidence of a rule no component declares."""


@dataclass(frozen=True)
class Component:
    """One step of extraction over an ArticleState."""

    name: str
    run: Run
    reads: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    """Entity type or predicate values (schema/ontology.ttl) of what it adds."""
    confidence: Mapping[str, float] = field(default_factory=dict)
    """Rule name → the confidence of a fact the rule finds (relation rules)."""
    lexicons: tuple[str, ...] = ()
    """Files of schema/lexicon/ the component reads."""


REGISTRY: dict[str, Component] = {}


def component(
    name: str,
    *,
    reads: Sequence[str] = (),
    assigns: Sequence[str] = (),
    produces: Sequence[str] = (),
    confidence: Mapping[str, float] | None = None,
    lexicons: Sequence[str] = (),
) -> Callable[[Run], Run]:
    """Register the decorated function as extraction component `name` with its declaration."""

    def register(run: Run) -> Run:
        if name in REGISTRY:
            raise ValueError(f"two extraction components named {name!r}")
        REGISTRY[name] = Component(name, run, tuple(reads), tuple(assigns), tuple(produces),
                                   MappingProxyType(dict(confidence or {})), tuple(lexicons))
        return run

    return register


def check_pipeline(names: Sequence[str]) -> tuple[Component, ...]:
    """The components of `names`, in order, once checked: each is registered, reads only what the state
    starts with or an earlier component assigns, assigns only fields of the state, and names lexicon
    files that exist. A ValueError names the first component that breaks a rule."""
    known = {f.name for f in fields(ArticleState)}
    have = set(ArticleState.BASE)
    out: list[Component] = []
    for name in names:
        if name not in REGISTRY:
            raise ValueError(f"no extraction component named {name!r}; known: {', '.join(sorted(REGISTRY))}")
        c = REGISTRY[name]
        if missing := [r for r in c.reads if r not in have]:
            raise ValueError(f"component {name!r} reads {missing} before any component assigns them")
        if unknown := [a for a in c.assigns if a not in known]:
            raise ValueError(f"component {name!r} assigns {unknown}, which the article state does not hold")
        if absent := [f for f in c.lexicons if not (LEXICON_DIR / f).is_file()]:
            raise ValueError(f"component {name!r} names lexicon files that do not exist: {absent}")
        have.update(c.assigns)
        out.append(c)
    return tuple(out)


def confidences(pipeline: Sequence[Component]) -> dict[str, float]:
    """Every rule's confidence as the components of `pipeline` declare them."""
    out: dict[str, float] = {}
    for c in pipeline:
        for rule, value in c.confidence.items():
            if out.setdefault(rule, value) != value:
                raise ValueError(f"rule {rule!r} has two confidences")
    return out
