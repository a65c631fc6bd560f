"""RDF side: ontology constants, KnowledgeGraph → RDF conversion, file exports, SHACL validation.

Order of use: vocab (names) → convert (quads) → exports (files) → validate (SHACL report).
"""
