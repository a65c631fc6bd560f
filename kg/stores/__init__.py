"""Stores: embedded Oxigraph and LadybugDB, Neo4j and SPARQL-endpoint push."""
