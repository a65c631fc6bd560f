"""kg: a knowledge-graph builder for Chinese trade-union news.

The data flow, one direction, one module (or package) per stage:

    ingest   (kg.ingest)   text files → Documents → Articles (cleaned, offsets kept)
    extract  (kg.extract)  Article → Extraction (mentions + relation candidates), registered components
    resolve  (kg.resolve)  Extractions → KnowledgeGraph (canonical entities, aliases, region hierarchy,
                           deterministic ids, merged evidence)
    outputs  (kg.outputs)  → graph.jsonl, RDF files + Oxigraph, property graph + LadybugDB, HTML

The schema (types, predicates) is read from schema/ontology.ttl by kg.ontology. `kg.pipeline` composes
the stages with kg.runtime (processes, lock, cache, atomic writes), which no stage imports; `kg.cli`
is a thin command line over it.
"""

__version__ = "0.1.0"
