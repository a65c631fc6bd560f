"""File exports: JSON Lines, RDF serialisations, property-graph tables, HTML."""
