"""Ingest stage: input files → Documents → cleaned, segmented Articles with offsets into the original.

Order: read (decode, html) → paragraphs → clean (pinyin, duplicates, boxes, column breaks)
→ segment → stitch → assemble. `fold` is the same-length matching normaliser for other stages.
"""

from kg.ingest.articles import segment_articles
from kg.ingest.normalize import fold
from kg.ingest.read import read_documents

__all__ = ["fold", "read_documents", "segment_articles"]
