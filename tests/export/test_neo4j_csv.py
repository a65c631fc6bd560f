"""neo4j-admin import CSVs: headers the tool expects, exact values, the command line, same bytes every run."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from kg.export.neo4j_csv import ARRAY_DELIMITER, ARRAY_DELIMITER_SUBSTITUTE, import_command, write_csv
from kg.model import KnowledgeGraph
from kg.outputs import OUTPUTS, get_writer
from kg.pgraph import MENTIONS, to_property_graph
from kg.settings import Settings


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(graph: KnowledgeGraph, out: Path) -> Path:
    write_csv(graph, Settings(out=out, progress=False))
    return out / "neo4j-import"


def test_registered_as_output_writer() -> None:
    assert get_writer("neo4j_csv") is write_csv and "neo4j_csv" in OUTPUTS


def test_one_file_per_label_and_type_with_admin_headers(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    folder = _write(small_graph, tmp_path)
    pg = to_property_graph(small_graph)
    labels = sorted({n.label for n in pg.nodes})
    types = sorted({r.type for r in pg.rels})
    assert sorted(p.name for p in folder.glob("nodes_*.csv")) == [f"nodes_{x}.csv" for x in labels]
    assert sorted(p.name for p in folder.glob("rels_*.csv")) == [f"rels_{x}.csv" for x in types]
    region_header = (folder / "nodes_Region.csv").read_text(encoding="utf-8").splitlines()[0]
    assert region_header == "id:ID(Entity),:LABEL,name,aliases:string[],articles:string[],level,code"
    runs_header = (folder / "rels_RUNS.csv").read_text(encoding="utf-8").splitlines()[0]
    assert runs_header.startswith(":START_ID(Entity),:END_ID(Entity),:TYPE,id,predicate,confidence:double,")
    assert "sources:string[]" in runs_header and "quotes:string[]" in runs_header
    for label in labels:
        rows = _read(folder / f"nodes_{label}.csv")
        assert sorted(r["id:ID(Entity)"] for r in rows) == sorted(n.id for n in pg.nodes_of(label))
        assert {r[":LABEL"] for r in rows} == {label}
    for type_ in types:
        rows = _read(folder / f"rels_{type_}.csv")
        assert [(r[":START_ID(Entity)"], r[":END_ID(Entity)"], r[":TYPE"]) for r in rows] == [
            (x.start, x.end, type_) for x in pg.rels_of(type_)]


def test_values_survive_quoting_and_array_splitting(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    folder = _write(small_graph, tmp_path)
    person = next(e for e in small_graph.entities if e.type.value == "Person")
    role = next(r for r in small_graph.relations if r.predicate.label == "HAS_ROLE")
    people = _read(folder / "nodes_Person.csv")
    assert [p["name"] for p in people] == [person.name]
    has_role = _read(folder / "rels_HAS_ROLE.csv")[0]
    assert has_role["role"] == dict(role.attrs)["role"]
    assert has_role["quotes:string[]"].split(ARRAY_DELIMITER) == [ev.quote for ev in role.evidence]
    body = next(e for e in small_graph.entities if e.type.value == "UnionBody")
    row = next(r for r in _read(folder / "nodes_UnionBody.csv") if r["id:ID(Entity)"] == body.id)
    assert row["aliases:string[]"].split(ARRAY_DELIMITER) == list(body.aliases)
    assert len(_read(folder / f"rels_{MENTIONS}.csv")) == sum(len(e.articles) for e in small_graph.entities)


def test_delimiter_in_an_element_and_multiline_quotes(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    rel = small_graph.relations[0]
    ev = replace(rel.evidence[0], quote=f"第一行{ARRAY_DELIMITER};\n第二行,\"引号\"")
    graph = replace(small_graph, relations=(replace(rel, evidence=(ev, ev)),) + small_graph.relations[1:])
    folder = _write(graph, tmp_path)
    row = next(r for r in _read(folder / f"rels_{rel.predicate.label}.csv") if r["id"] == rel.id)
    expected = "第一行" + ARRAY_DELIMITER_SUBSTITUTE + ";\n第二行,\"引号\""
    assert row["quotes:string[]"].split(ARRAY_DELIMITER) == [expected, expected]


def test_import_script_lists_every_file(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    folder = _write(small_graph, tmp_path)
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script
    for path in folder.glob("nodes_*.csv"):
        assert f"--nodes={path.name}" in script
    for path in folder.glob("rels_*.csv"):
        assert f"--relationships={path.name}" in script
    assert "--multiline-fields=true" in script and "--id-type=string" in script
    assert (folder / "import.sh").stat().st_mode & 0o111
    argv = import_command(["nodes_A.csv"], ["rels_B.csv"], "graphdb")
    assert argv[:4] == ["neo4j-admin", "database", "import", "full"] and argv[-1] == "graphdb"
    assert " ".join(argv[:4]) in (folder / "IMPORT.md").read_text(encoding="utf-8")


def test_same_bytes_every_run_and_no_stale_files(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    a, b = _write(small_graph, tmp_path / "a"), _write(small_graph, tmp_path / "b")
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    (a / "nodes_Stale.csv").write_text("x", encoding="utf-8")
    _write(small_graph, tmp_path / "a")
    assert sorted(p.name for p in a.iterdir()) == names
