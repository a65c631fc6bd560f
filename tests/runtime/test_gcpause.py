"""The collector pause of a build: off inside, restored after, even on error."""

from __future__ import annotations

import gc

import pytest

from kg.runtime import gcpause


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block restores what it found: paused
    assert gc.isenabled()


def test_restored_after_an_error() -> None:
    with pytest.raises(ZeroDivisionError), gcpause.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_left_disabled_when_it_was() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
