"""Write the three tutorial notebooks (outputs stripped) from the cell sources below.

Run `python notebooks/make_notebooks.py` after editing a cell; tests/test_notebooks.py executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import tempfile
from pathlib import Path

import pandas as pd

# The repo root holds seeds/ and kg/: found from the notebook's folder, whether Jupyter runs it
# from notebooks/ or from the root.
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "seeds").is_dir() and (p / "kg").is_dir())
SEEDS = ROOT / "seeds"
print("repo root:", ROOT)'''

BUILD_IF_NEEDED = '''\
import os

from kg.pipeline import build
from kg.settings import Settings

OUTPUTS = {outputs}  # the outputs this notebook reads

# Reuse a built output folder when KG_OUT names one (the test suite does), otherwise build the
# seeds into a fresh temporary folder (outside the repo, so nothing lands in git).
OUT = Path(os.environ["KG_OUT"]) if os.environ.get("KG_OUT") else None
if OUT is None or not (OUT / "graph.jsonl").is_file():
    OUT = Path(tempfile.mkdtemp(prefix="kg-notebook-"))
    _, summary = build([SEEDS], Settings(out=OUT, progress=False, workers=1), outputs=OUTPUTS)
    print("\\n".join(summary.lines()))
print("output folder:", OUT)'''


def nb01() -> list:
    return [
        new_markdown_cell(
            "# 01 · Build the graph and explore it\n\n"
            "Build the knowledge graph of the five seed pages with the Python API (no shelling out), "
            "look at it in tables, open the interactive view and read one entity's facts with the "
            "sentences they came from."
        ),
        new_code_cell(SETUP),
        new_markdown_cell(
            "`kg.pipeline.build` runs every stage and writes every output under `Settings.out`, the "
            "same as `kg build seeds --out OUT`. We write into a temporary folder; `workers=1` runs "
            "extraction in this process."
        ),
        new_code_cell(
            "from kg.pipeline import build\n"
            "from kg.settings import Settings\n\n"
            'OUT = Path(tempfile.mkdtemp(prefix="kg-notebook-01-"))\n'
            "graph, summary = build([SEEDS], Settings(out=OUT, progress=False, workers=1))\n"
            'print("\\n".join(summary.lines()))'
        ),
        new_markdown_cell("## Entities per type"),
        new_code_cell(
            "entities = pd.DataFrame(\n"
            '    [{"id": e.id, "type": e.type.value, "name": e.name, "aliases": len(e.aliases)}'
            " for e in graph.entities]\n"
            ")\n"
            'per_type = entities.groupby("type").size().rename("entities").to_frame()\n'
            "assert per_type[\"entities\"].to_dict() == dict(summary.entities)\n"
            "per_type"
        ),
        new_markdown_cell(
            "## Facts as a table\n\nOne row per relation, with the names at both ends and the "
            "number of sentences supporting it."
        ),
        new_code_cell(
            "facts = pd.DataFrame(\n"
            "    [\n"
            "        {\n"
            '            "subject": graph.entity(r.subject).name,\n'
            '            "subject_type": graph.entity(r.subject).type.value,\n'
            '            "predicate": r.predicate.value,\n'
            '            "object": graph.entity(r.object).name,\n'
            '            "object_type": graph.entity(r.object).type.value,\n'
            '            "confidence": r.confidence,\n'
            '            "evidence": len(r.evidence),\n'
            "        }\n"
            "        for r in graph.relations\n"
            "    ]\n"
            ")\n"
            'assert facts.groupby("predicate").size().to_dict() == dict(summary.relations)\n'
            "facts.head()"
        ),
        new_markdown_cell("## Top union bodies by initiatives run"),
        new_code_cell(
            'runs = facts[(facts.predicate == "runs") & (facts.subject_type == "UnionBody")'
            ' & (facts.object_type == "Initiative")]\n'
            "top_bodies = (\n"
            '    runs.groupby("subject")["object"].nunique().rename("initiatives")\n'
            '    .reset_index().rename(columns={"subject": "body"})\n'
            '    .sort_values(["initiatives", "body"], ascending=[False, True], ignore_index=True)\n'
            ")\n"
            "top_bodies.head(10)"
        ),
        new_markdown_cell("## Worker groups by the initiatives serving them"),
        new_code_cell(
            'serves = facts[(facts.predicate == "serves") & (facts.object_type == "WorkerGroup")]\n'
            "groups = (\n"
            '    serves[serves.subject_type == "Initiative"].groupby("object")["subject"].nunique()\n'
            '    .rename("initiatives").reset_index().rename(columns={"object": "group"})\n'
            '    .sort_values(["initiatives", "group"], ascending=[False, True], ignore_index=True)\n'
            ")\n"
            "groups.head(10)"
        ),
        new_markdown_cell(
            "## The interactive view\n\n`OUT/graph.html` is one self-contained page (pyvis); shown "
            "here inline. Drag nodes, hover for names, zoom with the wheel."
        ),
        new_code_cell(
            "import html\n\n"
            "from IPython.display import HTML\n\n"
            'page = (OUT / "graph.html").read_text(encoding="utf-8")\n'
            'assert "<html" in page.lower()\n'
            "frame = f'<iframe srcdoc=\"{html.escape(page)}\" width=\"100%\" height=\"600\"></iframe>'\n"
            "HTML(f\"<div>{frame}</div>\")"
        ),
        new_markdown_cell(
            "## One entity's facts with their evidence\n\nThe union body with the most facts. Every "
            "fact carries the document, the article in it, character offsets into the original "
            "text and the quoted sentence."
        ),
        new_code_cell(
            "from collections import Counter\n\n"
            "degree = Counter()\n"
            "for r in graph.relations:\n"
            "    degree.update({r.subject, r.object})\n"
            'bodies = [e for e in graph.entities if e.type.value == "UnionBody"]\n'
            "body = max(bodies, key=lambda e: (degree[e.id], e.name))\n"
            "rows = []\n"
            "for r in graph.relations:\n"
            "    if body.id not in (r.subject, r.object):\n"
            "        continue\n"
            "    other = graph.entity(r.object if r.subject == body.id else r.subject)\n"
            "    for ev in r.evidence:\n"
            "        rows.append({\"predicate\": r.predicate.value, \"other\": other.name, \"doc\": ev.doc,\n"
            "                     \"article\": ev.article, \"start\": ev.start, \"end\": ev.end,\n"
            "                     \"quote\": ev.quote})\n"
            "body_facts = pd.DataFrame(rows)\n"
            "# the quote is exactly the original text at its offsets\n"
            "for row in body_facts.itertuples():\n"
            '    assert (SEEDS / row.doc).read_text(encoding="utf-8")[row.start:row.end] == row.quote\n'
            'print(body.name, "—", len(body_facts), "pieces of evidence")\n'
            "body_facts"
        ),
    ]


def nb02() -> list:
    return [
        new_markdown_cell(
            "# 02 · Research questions in SPARQL and Cypher\n\n"
            "The same three questions asked of the embedded SPARQL store (Oxigraph, `OUT/oxigraph/`) "
            "and the embedded Cypher store (LadybugDB, `OUT/ladybug/`). The queries live in "
            "`queries/` as `.rq`/`.cypher` twins; `kg query sparql --file …` and "
            "`kg query cypher --file …` run the same files from the shell."
        ),
        new_code_cell(SETUP),
        new_code_cell(BUILD_IF_NEEDED.format(outputs='["oxigraph", "ladybug"]')),
        new_code_cell(
            "from kg.stores import ladybug_store, oxigraph_store\n\n"
            'QUERIES = ROOT / "queries"\n\n\n'
            "def sparql(name: str) -> pd.DataFrame:\n"
            '    """Run queries/<name>.rq on the SPARQL store."""\n'
            '    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")\n'
            "    columns, rows = oxigraph_store.run_query(OUT, text)\n"
            "    return pd.DataFrame(rows, columns=columns)\n\n\n"
            "def cypher(name: str) -> pd.DataFrame:\n"
            '    """Run queries/<name>.cypher on the Cypher store."""\n'
            '    text = (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")\n'
            "    columns, rows = ladybug_store.run_query(OUT, text)\n"
            "    return pd.DataFrame(rows, columns=columns)\n\n\n"
            "def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:\n"
            '    """Two answers agree: same columns, same rows in any order."""\n'
            "    key = list(a.columns)\n"
            "    if list(a.columns) != list(b.columns):\n"
            "        return False\n"
            "    return a.sort_values(key, ignore_index=True).equals(b.sort_values(key, ignore_index=True))"
        ),
        new_markdown_cell(
            "## 1. Which initiatives are run by bodies within one province?\n\n"
            "`ukg:locatedIn` is transitive: `?body ukg:locatedIn+ ?province` reaches a county union "
            "through its city; in Cypher `-[:LOCATED_IN*1..6]->`. The province is written in the "
            "query file (甘肃省)."
        ),
        new_code_cell(
            "print((QUERIES / \"q01_initiatives_in_province.rq\").read_text(encoding=\"utf-8\"))\n"
            'q1_sparql = sparql("q01_initiatives_in_province")\n'
            'q1_cypher = cypher("q01_initiatives_in_province")\n'
            "assert same(q1_sparql, q1_cypher) and len(q1_sparql) > 0\n"
            "q1_sparql"
        ),
        new_markdown_cell("## 2. Which worker groups are served by the most initiatives?"),
        new_code_cell(
            'print((QUERIES / "q02_worker_groups_ranked.cypher").read_text(encoding="utf-8"))\n'
            'q2_sparql, q2_cypher = sparql("q02_worker_groups_ranked"), cypher("q02_worker_groups_ranked")\n'
            "assert same(q2_sparql, q2_cypher) and len(q2_sparql) > 0\n"
            "q2_cypher.head(10)"
        ),
        new_markdown_cell("## 3. Who holds which role in which organization?"),
        new_code_cell(
            'q7_sparql, q7_cypher = sparql("q07_people_and_roles"), cypher("q07_people_and_roles")\n'
            "assert same(q7_sparql, q7_cypher) and len(q7_sparql) > 0\n"
            "q7_sparql"
        ),
        new_markdown_cell(
            "## Ad-hoc queries\n\nA string from outside (a name a user typed, a label from an article) "
            "enters a query as an RDF term that pyoxigraph serialises and escapes, never pasted raw "
            "into the query text."
        ),
        new_code_cell(
            "import pyoxigraph as ox\n\n"
            'name = ox.Literal(q2_sparql.loc[0, "group"], language="zh")\n'
            'query = ("SELECT ?p ?o WHERE { VALUES ?label { " + str(name) + " }"\n'
            '         " ?g skos:prefLabel ?label ; ?p ?o }")\n'
            "columns, rows = oxigraph_store.run_query(OUT, query)\n"
            "pd.DataFrame(rows, columns=columns).head()"
        ),
        new_markdown_cell("## Initiatives per province (q10), as a plot"),
        new_code_cell(
            "import matplotlib\n\n"
            'matplotlib.use("Agg")\n'
            "import matplotlib.pyplot as plt\n"
            "from IPython.display import Image, display\n\n"
            'q10 = sparql("q10_initiatives_per_province")\n'
            'assert same(q10, cypher("q10_initiatives_per_province"))\n'
            "# CJK font when one is installed; latin fallback otherwise\n"
            'plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]\n'
            "fig, ax = plt.subplots(figsize=(8, 5))\n"
            'ax.barh(q10["province"][::-1], q10["n"][::-1])\n'
            'ax.set_xlabel("distinct initiatives run by bodies in the province")\n'
            "fig.tight_layout()\n"
            'png = OUT / "initiatives_per_province.png"\n'
            "fig.savefig(png, dpi=100)\n"
            "plt.close(fig)\n"
            "assert png.stat().st_size > 0\n"
            "display(Image(filename=str(png)))\n"
            "q10.head()"
        ),
    ]


def nb03() -> list:
    return [
        new_markdown_cell(
            "# 03 · Export for research\n\n"
            "Every build writes the graph in open formats: Turtle and N-Quads (one named graph per "
            "article), CSV files for `neo4j-admin import`, and GraphML for Gephi/yEd. Here we read "
            "each back with rdflib, pandas and networkx, and show how to cite a fact's evidence."
        ),
        new_code_cell(SETUP),
        new_code_cell(BUILD_IF_NEEDED.format(outputs='["graph", "rdf", "neo4j_csv", "graphml"]')),
        new_markdown_cell("## Turtle: the whole graph as RDF"),
        new_code_cell(
            "import rdflib\n"
            "from rdflib.namespace import RDF, SKOS\n\n"
            'UKG = rdflib.Namespace("https://w3id.org/ukg/ontology#")\n'
            "g = rdflib.Graph()\n"
            'g.parse(OUT / "rdf" / "graph.ttl", format="turtle")\n'
            'print(len(g), "triples")\n'
            "bodies = sorted(str(label) for b in g.subjects(RDF.type, UKG.UnionBody) "
            "for label in g.objects(b, SKOS.prefLabel))\n"
            "assert bodies\n"
            'pd.DataFrame({"union body": bodies}).head()'
        ),
        new_markdown_cell(
            "## N-Quads: one named graph per article\n\nEach article's facts are also in a graph "
            "named by the article's IRI, so a study can keep or drop sources article by article."
        ),
        new_code_cell(
            "ds = rdflib.Dataset()\n"
            'ds.parse(OUT / "rdf" / "graph.nq", format="nquads")\n'
            "sizes = pd.DataFrame(\n"
            '    [{"graph": str(c.identifier), "triples": len(c)} for c in ds.graphs() if len(c)]\n'
            ').sort_values(["triples", "graph"], ascending=[False, True], ignore_index=True)\n'
            "article_graphs = sizes[sizes.graph.str.contains('/article/')]\n"
            "assert len(article_graphs) > 0\n"
            'print(len(article_graphs), "article graphs")\n'
            "sizes.head()"
        ),
        new_markdown_cell(
            "## CSV for neo4j-admin import\n\nOne file per node label and relationship type; the "
            "header says each column's type (`:ID`, `:START_ID`, `string[]` lists separated by the control "
            "character U+001F)."
        ),
        new_code_cell(
            'csv_dir = OUT / "neo4j-import"\n'
            'print(sorted(p.name for p in csv_dir.iterdir()))\n'
            'runs = pd.read_csv(csv_dir / "rels_RUNS.csv", dtype=str, keep_default_na=False)\n'
            "nodes = pd.concat(\n"
            '    [pd.read_csv(p, dtype=str, keep_default_na=False)\n'
            '     for p in sorted(csv_dir.glob("nodes_*.csv"))]\n'
            ")\n"
            'name_of = dict(zip(nodes["id:ID(Entity)"], nodes["name"], strict=True))\n'
            'runs["body"] = runs[":START_ID(Entity)"].map(name_of)\n'
            'runs["initiative"] = runs[":END_ID(Entity)"].map(name_of)\n'
            'assert runs[["body", "initiative"]].notna().all().all()\n'
            'runs[["body", "initiative", "confidence:double", "sources:string[]"]].head()'
        ),
        new_markdown_cell("## GraphML with networkx"),
        new_code_cell(
            "import networkx as nx\n\n"
            'G = nx.read_graphml(OUT / "graph.graphml")\n'
            'print(G.number_of_nodes(), "nodes,", G.number_of_edges(), "edges")\n'
            "assert G.number_of_nodes() > 0 and G.number_of_edges() > 0\n"
            "first_node = next(iter(G.nodes(data=True)))\n"
            "first_edge = next(iter(G.edges(data=True)))\n"
            "print(first_node)\n"
            "print(first_edge)\n"
            "# centrality among entities (Article nodes and their MENTIONS edges left out)\n"
            'entities_only = G.subgraph(n for n, d in G.nodes(data=True) if d.get("type") != "Article")\n'
            "undirected = entities_only.to_undirected()\n"
            "centrality = nx.degree_centrality(undirected)\n"
            "central = sorted(centrality.items(), key=lambda kv: (-kv[1], kv[0]))[:10]\n"
            'pd.DataFrame([{"node": G.nodes[n].get("name", n), "degree centrality": round(c, 3)}'
            " for n, c in central])"
        ),
        new_markdown_cell(
            "## Citing an edge's evidence\n\n`graph.jsonl` (the interchange contract) keeps every "
            "reading of a fact: the document, the article in it, start/end character offsets into "
            "the original document text, the quoted sentence, the rule and its confidence. The "
            "offsets are exact, so a citation can be checked against the source file."
        ),
        new_code_cell(
            "import json\n\n"
            'jsonl = (OUT / "graph.jsonl").read_text(encoding="utf-8")\n'
            "lines = [json.loads(x) for x in jsonl.splitlines()]\n"
            'names = {o["id"]: o["properties"]["name"] for o in lines if o["type"] == "node"}\n'
            'edges = [o for o in lines if o["type"] == "relationship"]\n'
            '# the RUNS fact read most often\n'
            'runs_edges = [o for o in edges if o["label"] == "RUNS"]\n'
            'edge = max(runs_edges, key=lambda o: (len(o["properties"]["evidence"]), o["id"]))\n'
            'ev = edge["properties"]["evidence"][0]\n'
            'source = (SEEDS / ev["doc"]).read_text(encoding="utf-8")\n'
            'assert source[ev["start"]:ev["end"]] == ev["quote"]\n'
            'fact = f\'{names[edge["start"]["id"]]} —{edge["label"]}→ {names[edge["end"]["id"]]}\'\n'
            'print(fact)\n'
            'print(f\'  source: seeds/{ev["doc"]}, article {ev["article"]},\'\n'
            '      f\' characters {ev["start"]}–{ev["end"]}\')\n'
            'print(f\'  quote:  “{ev["quote"]}”\')\n'
            'print(f\'  rule:   {ev["rule"]} (confidence {ev["confidence"]})\')\n'
            'pd.DataFrame(edge["properties"]["evidence"])'
        ),
    ]


NOTEBOOKS = {
    "01_build_and_explore.ipynb": nb01,
    "02_query_sparql_and_cypher.ipynb": nb02,
    "03_export_for_research.ipynb": nb03,
}


def write_all(folder: Path = HERE) -> list[Path]:
    """Write every notebook with outputs stripped; return the paths."""
    written = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells())
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"c{i:02d}"
        nbformat.validate(nb)
        path = folder / name
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(p)
