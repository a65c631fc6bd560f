"""kg: a knowledge-graph builder for Chinese trade-union news.

The data flow, one direction, one module (or package) per stage:

    ingest   (kg.ingest)   text files → Documents → Articles (cleaned, offsets kept)
    extract  (kg.extract)  Article → Extraction (mentions + relation candidates)
    resolve  (kg.resolve)  Extractions → canonical entities, aliases, region hierarchy
    graph    (kg.graph)    → KnowledgeGraph (deterministic ids, merged evidence)
    outputs  (kg.outputs)  → graph.jsonl, RDF files + Oxigraph, property graph + LadybugDB, HTML

`kg.pipeline` composes the stages; `kg.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
