"""The component registry: the pipeline's declarations hold, and a broken pipeline is refused by name."""

from __future__ import annotations

import pytest

from kg.extract import PIPELINE, extract
from kg.extract.registry import REGISTRY, check_pipeline, component, confidences
from kg.model import EntityType, Predicate
from kg.pipeline import load_articles
from kg.settings import LEXICON_DIR
from tests.conftest import SEEDS
from tests.extract.conftest import make_article


def test_pipeline_runs_every_registered_component_once() -> None:
    assert sorted(PIPELINE) == sorted(REGISTRY)
    assert len(check_pipeline(PIPELINE)) == len(PIPELINE)


def test_produces_names_types_and_predicates_of_the_schema() -> None:
    known = {t.value for t in EntityType} | {p.value for p in Predicate}
    assert {v for c in REGISTRY.values() for v in c.produces} <= known
    produced = {v for c in REGISTRY.values() for v in c.produces}
    assert {t.value for t in EntityType} <= produced and {p.value for p in Predicate} <= produced


def test_every_extraction_lexicon_is_declared_by_a_component() -> None:
    files = {p.name for p in LEXICON_DIR.iterdir() if p.suffix in {".tsv", ".txt"}}
    declared = {f for c in REGISTRY.values() for f in c.lexicons}
    assert files - declared - {"regions_short_forms.tsv"} == set()  # that one is the division table's


def test_every_rule_the_seeds_emit_has_a_declared_confidence() -> None:
    skipped: list = []
    _, articles = load_articles([SEEDS], skipped)
    rules = {c.evidence.rule for a in articles for c in extract(a).candidates}
    assert len(rules) > 10 and rules <= set(confidences(check_pipeline(PIPELINE)))


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("runs",), r"component 'runs' reads \['sentences', 'actors', 'main', 'initiatives'\] before"),
        (("places", "no-such-step"), "no extraction component named 'no-such-step'"),
    ],
)
def test_a_broken_pipeline_is_refused(names: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_pipeline(names)


def test_a_component_is_checked_for_what_it_assigns_and_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.extract.registry.REGISTRY", dict(REGISTRY))
    component("test.bad_field", assigns=("no_such_field",))(lambda doc: None)
    component("test.bad_lexicon", lexicons=("no_such_file.txt",))(lambda doc: None)
    with pytest.raises(ValueError, match="assigns \\['no_such_field'\\], which the article state does not hold"):
        check_pipeline(("test.bad_field",))
    with pytest.raises(ValueError, match="lexicon files that do not exist: \\['no_such_file.txt'\\]"):
        check_pipeline(("test.bad_lexicon",))
    with pytest.raises(ValueError, match="two extraction components named 'places'"):
        component("places")(lambda doc: None)


def test_extract_fills_the_state_in_pipeline_order() -> None:
    article = make_article("南京市总工会为外卖骑手开展“暖心”行动。")
    result = extract(article)
    assert {m.type for m in result.mentions} >= {EntityType.UNION_BODY, EntityType.WORKER_GROUP, EntityType.INITIATIVE}
    declared = confidences(check_pipeline(PIPELINE))
    facts = {(c.predicate, c.evidence.rule, c.evidence.confidence) for c in result.candidates}
    assert (Predicate.RUNS, "runs.agent", declared["runs.agent"]) in facts
    assert (Predicate.SERVES, "serves.sentence", declared["serves.sentence"]) in facts
