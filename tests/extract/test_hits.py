"""Hit and model classes built with kg.model.quick_init behave as the frozen dataclasses they are."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from kg.extract.regions import Place
from kg.extract.state import Found
from kg.model import EntityType, Evidence, Mention, Predicate, quick_init


def test_same_signature_defaults_and_value() -> None:
    p = Place(3, 5, "兰州", "兰州市", "city")
    assert list(inspect.signature(Place).parameters) == [f.name for f in dataclasses.fields(Place)]
    assert (p.code, p.parent_name) == ("", "")
    assert p == Place(3, 5, "兰州", "兰州市", "city", "", "") and hash(p) == hash(Place(3, 5, "兰州", "兰州市", "city"))
    assert p != Place(3, 5, "兰州", "兰州市", "city", "620100")
    assert repr(p).startswith("Place(start=3, end=5")


def test_still_frozen_and_picklable() -> None:
    m = Mention(EntityType.REGION, "兰州", 0, 2, "兰州市", "regions.table", (("level", "city"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(m)) == m
    assert dataclasses.replace(m, start=1).start == 1
    assert Evidence("d", 0, 1, 2, "q", "r").confidence == 1.0
    f = Found(EntityType.UNION_BODY, "a", Predicate.RUNS, EntityType.INITIATIVE, "b", (0, 1), "runs.agent")
    assert f.attrs == () and vars(f) == {k.name: getattr(f, k.name) for k in dataclasses.fields(f)}


def test_keyword_arguments_and_missing_ones() -> None:
    assert Place(start=1, end=2, text="x", name="x", level="town").level == "town"
    with pytest.raises(TypeError):
        Place(1, 2, "x")  # type: ignore[call-arg]


def test_refuses_fields_it_cannot_copy() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        quick_init(WithFactory)
