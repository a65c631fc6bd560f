"""`kg push neo4j|sparql`: load a built graph into a server."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._format import warn_if_incomplete

BATCH_TRIPLES = 50_000  # kg.stores.sparql_endpoint's defaults, not imported so `kg push --help` stays fast
DEADLINE_S = 600.0

OUT_OPTION = click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"),
                          show_default=True, help="Output folder of a previous `kg build`.")


@click.group()
def push() -> None:
    """Push the built graph to a Neo4j server or a SPARQL 1.1 endpoint.

    \b
    Example:
      kg push sparql --endpoint http://127.0.0.1:7878
      kg push neo4j --uri bolt://localhost:7687 --user neo4j --password secret
    """


@push.command()
@OUT_OPTION
@click.option("--endpoint", required=True, help="Base URL of the SPARQL server (Graph Store Protocol).")
@click.option("--graph", "graph_iri", default=None, help="Named graph to load into (default: the default graph).")
@click.option("--user", default=None, envvar="KG_SPARQL_USER", help="HTTP basic-auth user.")
@click.option("--password", default=None, envvar="KG_SPARQL_PASSWORD", help="HTTP basic-auth password.")
@click.option("--batch-size", type=click.IntRange(min=1), default=BATCH_TRIPLES, show_default=True,
              help="Triples per request.")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), default=DEADLINE_S, show_default=True,
              metavar="SECONDS", help="Most seconds one request (the swap included) may take in all.")
@click.option("--no-named-graphs", is_flag=True, help="Do not send the per-article named graphs.")
@click.option("--no-ontology", is_flag=True, help="Do not send the ontology graph.")
def sparql(out: Path, endpoint: str, graph_iri: str | None, user: str | None, password: str | None,
           batch_size: int, deadline: float, no_named_graphs: bool, no_ontology: bool) -> None:
    """Replace graphs of a SPARQL 1.1 server with the build's, all at once or not at all.

    Sends the default graph (to --graph, else the server's default graph), one named graph per
    article (named by the article's IRI) and the ontology (https://w3id.org/ukg/ontology). Each goes
    in batches into a temporary graph, then one SPARQL Update (MOVE …; MOVE …) swaps them all in and
    drops the article graphs of articles no longer built: if anything fails first, the server keeps
    all its old graphs. Pushing twice leaves the same graphs.

    \b
    Example:
      kg push sparql --endpoint http://127.0.0.1:7878 --graph https://w3id.org/ukg/graph
    """
    warn_if_incomplete(out)
    from kg.stores.sparql_endpoint import push as push_sparql

    sent = push_sparql(out, endpoint, graph_iri=graph_iri, user=user, password=password, batch_size=batch_size,
                       deadline=deadline, named_graphs=not no_named_graphs, ontology=not no_ontology)
    parts = [f"{sent.default} triples to " + (f"the graph <{graph_iri}>" if graph_iri else "the default graph")]
    if not no_named_graphs:
        stale = f"; {sent.stale} of articles no longer built dropped" if sent.stale else ""
        parts.append(f"{sent.articles} article graphs ({sent.article_triples} triples{stale})")
    if sent.ontology is not None:
        parts.append(f"ontology ({sent.ontology} triples)")
    click.echo(f"pushed {', '.join(parts)} to {sent.server}")


@push.command()
@OUT_OPTION
@click.option("--uri", required=True, envvar="NEO4J_URI", help="bolt:// or neo4j:// URI.")
@click.option("--user", default="neo4j", envvar="NEO4J_USER", show_default=True)
@click.option("--password", required=True, envvar="NEO4J_PASSWORD")
@click.option("--database", default=None, envvar="NEO4J_DATABASE", help="Database name (default: server's).")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows per UNWIND batch.")
def neo4j(out: Path, uri: str, user: str, password: str, database: str | None, batch_size: int) -> None:
    """Load the graph into Neo4j with MERGE (a second push creates nothing).

    \b
    Example:
      kg push neo4j --uri bolt://localhost:7687 --user neo4j --password secret
    """
    warn_if_incomplete(out)
    from kg.stores.neo4j_store import push as push_neo4j

    counts = push_neo4j(out, uri, user, password, database=database, batch_size=batch_size)
    click.echo("pushed: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
