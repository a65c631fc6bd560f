"""The Python SHACL core checks on small hand-written graphs, one edge of one constraint each, against pyshacl."""

from __future__ import annotations

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.rdf.convert import RdfData, literal
from kg.rdf.shacl import compile_shapes
from kg.rdf.shacl_core import DataGraph
from kg.rdf.validate import ntriples_triples, validate_graph

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
EX = "http://example.org/"

Result = tuple[object, object, object, str]


def _rdflib_term(nt: str) -> object:
    """One of our N-Triples terms as the rdflib term pyshacl reports (None for an empty field)."""
    if not nt:
        return None
    if nt.startswith("_:"):
        return BNode(nt[2:])
    return next(iter(Graph().parse(data=f"<urn:s> <urn:p> {nt} .", format="nt").objects()))


def _turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _ours(shapes: Graph, data: Graph) -> set[Result]:
    result = validate_graph(data, compile_shapes(shapes))
    return {(_rdflib_term(v.focus), _rdflib_term(v.path), _rdflib_term(v.value), v.component[1:-1].split("#")[1])
            for v in result.results}


def _pyshacl(shapes: Graph, data: Graph) -> set[Result]:
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none")
    return {(report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.value),
             str(report.value(r, SH.sourceConstraintComponent)).split("#")[1])
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def _same_as_pyshacl(shapes: str, data: str) -> set[Result]:
    """Our results on the Turtle snippets, checked equal to pyshacl's (same parsed graphs, so same blank nodes)."""
    shapes_graph, data_graph = _turtle(shapes), _turtle(data)
    ours = _ours(shapes_graph, data_graph)
    assert ours == _pyshacl(shapes_graph, data_graph)
    return ours


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def _values(results: set[Result], component: str) -> set[object]:
    return {value for _, _, value, c in results if c == component}


def test_min_length_counts_unescaped_characters() -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minLength 2 ] ."
    data = r'ex:a ex:p "\"" , "\"\"" , "\u00e9" , "\\n" , "ab"@zh , ex:ab , [ ex:q 1 ] .'
    results = _same_as_pyshacl(shapes, data)
    bad = _values(results, "MinLengthConstraintComponent")
    assert Literal('"') in bad and Literal("é") in bad  # one character each, two or more when escaped
    assert Literal('""') not in bad and Literal("\\n") not in bad and Literal("ab", lang="zh") not in bad
    assert any(isinstance(v, BNode) for v in bad) and ex("ab") not in bad


def test_datatype_plain_is_string_and_tagged_is_lang_string() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:s ; sh:datatype xsd:string ] , [ sh:path ex:l ; sh:datatype rdf:langString ] ,
                    [ sh:path ex:i ; sh:datatype xsd:integer ] ."""
    data = """ex:a ex:s "plain" , "typed"^^xsd:string , "tagged"@en , 5 , ex:iri , [ ex:q 1 ] ;
        ex:l "plain" , "tagged"@zh-Hant ; ex:i 5 , "5"^^xsd:int , "abc"^^xsd:integer , "5" ."""
    results = _same_as_pyshacl(shapes, data)
    bad = _values(results, "DatatypeConstraintComponent")
    assert {Literal("tagged", lang="en"), Literal(5), ex("iri"), Literal("5")} <= bad
    assert Literal("abc", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")) in bad  # ill-typed
    assert Literal("plain") in bad  # for rdf:langString
    assert Literal("typed") not in bad and Literal("tagged", lang="zh-hant") not in bad


BOUNDED = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:v ; sh:minInclusive 0 ; sh:maxInclusive 1 ] ."""


@pytest.mark.parametrize(("value", "ok"), [
    ("0", True), ("1.0", True), ('"0.5"^^xsd:double', True), ('"1"^^xsd:float', True), ('"1"^^xsd:byte', True),
    ("1.5", False), ("-1", False), ('"1E1"^^xsd:double', False), ('"-INF"^^xsd:double', False),
    ('"0.5"', False), ('"x"^^xsd:integer', False), ("ex:iri", False),
])
def test_inclusive_bounds_compare_numbers_by_value(value: str, ok: bool) -> None:
    results = _same_as_pyshacl(BOUNDED, f"ex:a ex:v {value} .")
    assert (not results) == ok


@pytest.mark.parametrize("value", ['"2020-01-01"^^xsd:date', "true", '"0"@en', '"NaN"^^xsd:double'])
def test_bounds_that_sparql_cannot_compare_break_both(value: str) -> None:
    """SPARQL's >= and <= are errors (date, boolean, text against a number) or false (NaN) here, so both
    bounds are violated; pyshacl differs on these."""
    results = _ours(_turtle(BOUNDED), _turtle(f"ex:a ex:v {value} ."))
    assert {c for *_, c in results} == {"MinInclusiveConstraintComponent", "MaxInclusiveConstraintComponent"}


LESS_THAN = "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ."


@pytest.mark.parametrize(("start", "end", "ok"), [
    ("1", "2", True), ("2", "2.5", True), ('"1"^^xsd:float', '"1.5"^^xsd:double', True), ('"a"', '"b"', True),
    ('"2020-01-01"^^xsd:date', '"2021-01-01"^^xsd:date', True), ("false", "true", True),
    ("3", "3", False), ("true", "false", False), ("5", "4.5", False), ('"b"', '"a"', False), ("1", '"2"', False),
    ('"2021-01-01T00:00:00Z"^^xsd:dateTime', '"2020-01-01T00:00:00Z"^^xsd:dateTime', False),
])
def test_less_than_compares_like_sparql(start: str, end: str, ok: bool) -> None:
    results = _same_as_pyshacl(LESS_THAN, f"ex:a ex:start {start} ; ex:end {end} .")
    assert (not results) == ok


def test_less_than_on_iris_is_a_violation() -> None:
    """SPARQL's < is an error on IRIs, so a violation (pyshacl compares their text instead)."""
    results = _ours(_turtle(LESS_THAN), _turtle("ex:a ex:start ex:x ; ex:end ex:y ."))
    assert {(v, c) for _, _, v, c in results} == {(ex("x"), "LessThanConstraintComponent")}


def test_less_than_reports_each_value_once_against_all_others() -> None:
    results = _same_as_pyshacl(LESS_THAN, "ex:a ex:start 1 , 5 ; ex:end 3 , 7 .")
    assert _values(results, "LessThanConstraintComponent") == {Literal(5)}


def test_subclass_targets_and_class_values() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ] , [ sh:path ex:q ; sh:class ex:C ] ."""
    data = """ex:D rdfs:subClassOf ex:C . ex:E rdfs:subClassOf ex:D . ex:F rdfs:subClassOf ex:G .
        ex:c a ex:C . ex:d a ex:D . ex:e a ex:E ; ex:q ex:d , ex:f , "lit" , [ a ex:E ] . ex:f a ex:F ."""
    results = _same_as_pyshacl(shapes, data)
    missing = {f for f, _, _, c in results if c == "MinCountConstraintComponent"}
    assert {f for f in missing if isinstance(f, URIRef)} == {ex("c"), ex("d"), ex("e")}  # not ex:f (an ex:G)
    assert len(missing) == 4  # and the blank node of type ex:E
    assert _values(results, "ClassConstraintComponent") == {ex("f"), Literal("lit")}


def test_blank_node_values_and_node_kinds() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:nodeKind sh:IRI ;
        sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ] , [ sh:path ex:q ; sh:nodeKind sh:BlankNodeOrIRI ] ."""
    data = """ex:a ex:p ex:b , [ ex:r 1 ] ; ex:q [ ex:r 2 ] , ex:c , "lit" . [ ex:p ex:b ] ."""
    results = _same_as_pyshacl(shapes, data)
    kinds = {(f, v) for f, _, v, c in results if c == "NodeKindConstraintComponent"}
    assert len(kinds) == 3 and (ex("a"), Literal("lit")) in kinds
    assert sum(isinstance(f, BNode) and f == v for f, v in kinds) == 1  # the focus node itself
    assert sum(f == ex("a") and isinstance(v, BNode) for f, v in kinds) == 1  # [ ex:r 1 ] is not an IRI


def test_min_count_missing_and_max_count_several() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b , ex:c ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ] ."""
    results = _same_as_pyshacl(shapes, 'ex:a ex:p 1 . ex:b ex:p 1 , 2 , "1" . ex:c ex:q 1 .')
    assert {(f, c) for f, _, _, c in results} == {(ex("b"), "MaxCountConstraintComponent"),
                                                  (ex("c"), "MinCountConstraintComponent")}


def test_in_or_and_target_subjects_of() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
        sh:property [ sh:path ex:p ; sh:in ( ex:x ex:y "z" ) ] ,
                    [ sh:path ex:q ; sh:or ( [ sh:class ex:A ] [ sh:class ex:B ] ) ] ."""
    data = """ex:a ex:p ex:x , "z" , ex:w , "z"@en ; ex:q ex:i , ex:j , ex:k . ex:i a ex:A . ex:j a ex:B .
        ex:b ex:q ex:k ."""
    results = _same_as_pyshacl(shapes, data)
    assert _values(results, "InConstraintComponent") == {ex("w"), Literal("z", lang="en")}
    assert {(f, v) for f, _, v, c in results if c == "OrConstraintComponent"} == {(ex("a"), ex("k"))}


def test_a_duplicated_line_is_one_value() -> None:
    line = b'<http://example.org/a> <http://example.org/p> "1" .\n'
    triples = ntriples_triples(line + line)
    assert DataGraph(triples, ["<http://example.org/p>"]).objects("<http://example.org/p>") == {
        "<http://example.org/a>": ['"1"']}


def test_kg_terms_are_read_as_written() -> None:
    """RdfData input (kg's own escaped terms, no parsing) gives the same results as the same graph via rdflib."""
    shapes = compile_shapes(Graph().parse(data=PREFIXES + """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:datatype xsd:string ] .""", format="turtle"))
    data = RdfData()
    for text in ['"', '""', "\n", "\t\\", "a\u0001"]:
        data.add(f"<{EX}a>", f"<{EX}p>", literal(text))
    data.add(f"<{EX}a>", f"<{EX}p>", literal("ab", "zh"))
    ours = validate_graph(data, shapes).results
    assert {v.value for v in ours} == {literal('"'), literal("\n"), literal("ab", "zh")}
    rdflib_graph = Graph().parse(data=b"".join(f"{line}\n".encode() for line in data.ntriples()), format="nt")
    assert validate_graph(rdflib_graph, shapes).results == ours
