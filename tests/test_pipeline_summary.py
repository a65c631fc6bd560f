"""BuildSummary: warnings logged anywhere under `kg` are recorded for the summary and for --strict."""

from __future__ import annotations

import logging

import pytest

from kg.errors import InputError
from kg.ingest.read import record_skip
from kg.pipeline import BuildSummary


def test_watch_records_kg_warnings_once_and_skips_apart() -> None:
    summary = BuildSummary()
    with summary.watch(), summary.watch():
        record_skip(summary.skipped, "in/a.txt", "binary file")
        logging.getLogger("kg.rdf.validate").warning("SHACL: %d violation(s), details in %s", 2, "out/r.ttl")
        logging.getLogger("kg.runtime.cache").info("not a warning")
        logging.getLogger("elsewhere").warning("not kg's")
    logging.getLogger("kg.runtime.cache").warning("after the watch")
    assert summary.warnings == ["SHACL: 2 violation(s), details in out/r.ttl"]
    assert [(s.path, s.reason) for s in summary.skipped] == [("in/a.txt", "binary file")]
    lines = summary.lines()
    assert "  skipped in/a.txt: binary file" in lines
    assert lines[lines.index("warnings:  1") + 1] == "  SHACL: 2 violation(s), details in out/r.ttl"


def test_strict_watch_fails_on_any_warning_naming_the_first_and_the_count() -> None:
    summary = BuildSummary()
    with pytest.raises(InputError) as err, summary.watch(strict=True):
        logging.getLogger("kg.runtime.cache").warning("cannot write extraction cache entry %s", "ab12")
        logging.getLogger("kg.rdf.validate").warning("SHACL: 1 violation(s)")
    assert str(err.value) == "--strict: 2 warning(s), first: cannot write extraction cache entry ab12"
    assert err.value.exit_code == 2


def test_strict_watch_passes_without_warnings() -> None:
    summary = BuildSummary()
    with summary.watch(strict=True):
        logging.getLogger("kg.runtime.cache").info("fine")
    assert summary.problems() == []
