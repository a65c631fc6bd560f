"""The flat triples table (OUT/triples.csv, OUT/triples.tsv): one row per fact and piece of evidence.

Made for a spreadsheet or pandas, which read it without options: no cell holds a control character (each
character of Unicode category Cc, and the line and paragraph separators U+2028/U+2029, becomes one space,
so a quote keeps its length and its start/end offsets), fields holding the separator or a quote are quoted
the RFC 4180 way, and a text cell starting with = + - @ TAB or CR gets a leading ' as in
`kg query --format csv` (the shared `kg.export.spreadsheet.spreadsheet_safe`), so a spreadsheet never runs it as
a formula. No column holds a list. `date` is reserved for the article's date and empty for now.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from itertools import islice

from kg.export.spreadsheet import spreadsheet_safe
from kg.model import Evidence, KnowledgeGraph, Relation

COLUMNS = ("subject", "subject_type", "predicate", "object", "object_type", "article", "quote", "confidence",
           "rule", "start", "end", "date", "subject_id", "object_id", "fact")
"""The header: the fact read as names and types, where it was read (article = doc#index, the quote and its
character offsets in the document), how sure and by which rule; then the ids that join it to graph.jsonl."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters no cell keeps (Unicode Cc plus the line and paragraph separators): each becomes one space."""


def clean(text: str) -> str:
    """`text` without control characters (each becomes a space, so offsets into it stay valid)."""
    return text if _CONTROL.search(text) is None else _CONTROL.sub(" ", text)


def _text(value: str) -> str:
    return spreadsheet_safe(value, clean(value))


def _rows(graph: KnowledgeGraph) -> Iterator[list[object]]:
    """The table's rows in relation-id order, evidence in its stored order; a fact without evidence is one
    row with empty evidence cells."""
    names = {e.id: (_text(e.name), _text(e.type.value)) for e in graph.entities}
    for rel in graph.relations:
        head = [*names[rel.subject][:2], _text(rel.predicate.label), *names[rel.object][:2]]
        tail = ["", _text(rel.subject), _text(rel.object), _text(rel.id)]
        evidence: tuple[Evidence | None, ...] = rel.evidence or (None,)
        for ev in evidence:
            yield [*head, *_evidence(rel, ev), *tail]


def _evidence(rel: Relation, ev: Evidence | None) -> list[object]:
    if ev is None:
        return ["", "", rel.confidence, "", "", ""]
    return [_text(f"{ev.doc}#{ev.article}"), _text(ev.quote), ev.confidence, _text(ev.rule), ev.start, ev.end]


def table_blocks(graph: KnowledgeGraph, delimiter: str) -> Iterator[bytes]:
    """The table as UTF-8 blocks of up to 4096 rows, header first, LF line ends."""
    rows = _rows(graph)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    while chunk := list(islice(rows, 4096)):
        writer.writerows(chunk)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
