"""Compose the stages: ingest → extract → resolve → outputs. Only `build` touches files."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from kg.errors import InputError, OutputError
from kg.extract import extract
from kg.ingest import read_documents, segment_articles
from kg.model import Article, Document, Extraction, KnowledgeGraph, Skipped
from kg.outputs import OUTPUTS, get_writer
from kg.resolve import resolve
from kg.settings import Settings


@dataclass
class BuildSummary:
    """What a build read, found and wrote, with the time each stage took."""

    documents: int = 0
    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}   articles: {self.articles}   skipped: {len(self.skipped)}"]
        out += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        out.append("entities:  " + "  ".join(f"{k} {v}" for k, v in sorted(self.entities.items())))
        out.append("relations: " + "  ".join(f"{k} {v}" for k, v in sorted(self.relations.items())))
        out += self.notes
        out.append("timings:   " + "  ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()))
        out.append(f"wrote {len(self.written)} outputs under the output folder")
        return out


def load_articles(
    inputs: Sequence[Path], skipped: list[Skipped], progress: bool = False
) -> tuple[list[Document], list[Article]]:
    """Read every input file and cut it into articles (ingest stage)."""
    documents: list[Document] = []
    articles: list[Article] = []
    for doc in tqdm(read_documents(inputs, skipped), desc="ingest", unit="doc", disable=not progress):
        documents.append(doc)
        articles.extend(segment_articles(doc))
    return documents, articles


def anchor_quotes(extraction: Extraction, doc_text: str) -> Extraction:
    """Make every evidence quote the exact original text at its offsets (cleanup may have joined lines)."""
    candidates = tuple(
        replace(c, evidence=replace(c.evidence, quote=doc_text[c.evidence.start : c.evidence.end]))
        for c in extraction.candidates
    )
    return replace(extraction, candidates=candidates)


def extract_all(
    articles: Iterable[Article], documents: Sequence[Document], progress: bool = False
) -> list[Extraction]:
    """Run extraction on each article independently (extract stage), quotes anchored in the originals."""
    items = list(articles)
    texts = {d.id: d.text for d in documents}
    return [
        anchor_quotes(extract(a), texts[a.doc_id])
        for a in tqdm(items, desc="extract", unit="article", disable=not progress)
    ]


def build_graph(inputs: Sequence[Path], skipped: list[Skipped] | None = None) -> KnowledgeGraph:
    """The whole in-memory pipeline: files → KnowledgeGraph (no outputs written)."""
    skipped = [] if skipped is None else skipped
    documents, articles = load_articles(inputs, skipped)
    return resolve(extract_all(articles, documents), articles)


def _check_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".kg-write-probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror or exc}") from exc


def build(
    inputs: Sequence[Path],
    settings: Settings,
    outputs: Sequence[str] | None = None,
) -> tuple[KnowledgeGraph, BuildSummary]:
    """Run every stage on `inputs` and write the chosen outputs (default: all) under settings.out."""
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise InputError(f"input path not found: {', '.join(missing)}")
    _check_out(settings.out)
    summary = BuildSummary()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.timings[stage] = now - clock
        clock = now

    documents, articles = load_articles(inputs, summary.skipped, settings.progress)
    lap("ingest")
    if not articles:
        raise InputError(f"no text found in {', '.join(str(p) for p in inputs)}")
    summary.documents, summary.articles = len(documents), len(articles)
    if settings.strict and summary.skipped:
        first = summary.skipped[0]
        raise InputError(f"--strict: {len(summary.skipped)} input file(s) skipped, first {first.path}: {first.reason}")
    extractions = extract_all(articles, documents, settings.progress)
    lap("extract")
    graph = resolve(extractions, articles)
    lap("resolve")
    summary.entities.update(e.type.value for e in graph.entities)
    summary.relations.update(r.predicate.value for r in graph.relations)
    for name in outputs or list(OUTPUTS):
        summary.written.extend(get_writer(name)(graph, settings))
        lap(name)
    return graph, summary
