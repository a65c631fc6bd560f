"""Compose the stages: ingest → extract → resolve → outputs (and exports). Only `build` and `export` touch files.

Ingest and extract stream per document (read in the parent, segmented and extracted by an engine
from kg.runtime.parallel, reused from kg.runtime.cache when unchanged); resolve runs once over all of them.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import BinaryIO

from kg.document import DocResult, Timed, anchor_quotes, extract_segmented, process_document, warm
from kg.errors import InputError, OutputError, StoreError
from kg.export.formats import EXPORTERS, ExportFormat
from kg.export.formats import export as export_format
from kg.export.jsonl import read_graph
from kg.extract import extract
from kg.ingest import read_documents, segment_articles
from kg.ingest.read import SKIP_MARK, record_skip, source_label
from kg.model import Article, Document, Extraction, KnowledgeGraph, Skipped
from kg.outputs import OUTPUTS
from kg.resolve import Collector, resolve
from kg.runtime import gcpause, memo
from kg.runtime.atomic import TEMP_PREFIX
from kg.runtime.cache import ExtractionCache
from kg.runtime.lock import guarded_build, writing_into
from kg.runtime.output_process import run_outputs
from kg.runtime.parallel import ordered_map
from kg.runtime.parallel import start as start_engine
from kg.runtime.progress import Bar
from kg.settings import Settings


class _WarningLog(logging.Handler):
    """Collects the message of every warning logged under `kg`, except skipped files (listed apart)."""

    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if not getattr(record, SKIP_MARK, False):
            self.sink.append(record.getMessage())


@dataclass
class BuildSummary:
    """What a build read, found and wrote, with the time each stage took and the cache's use.

    With several workers `ingest` and `extract` are summed over the workers; `ingest+extract` is
    the wall-clock time of the two stages together (they stream into each other). `collect` is the
    first half of resolution, done in this process as the extractions stream in (within
    `ingest+extract`); `resolve` is the rest, once they are all in.
    """

    documents: int = 0
    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0
    warnings: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every skipped file and every other warning of the build, one line each."""
        return [f"skipped {s.path}: {s.reason}" for s in self.skipped] + self.warnings

    def check_strict(self) -> None:
        """--strict: raise InputError naming the first problem and how many there are, if any."""
        problems = self.problems()
        if problems:
            raise InputError(f"--strict: {len(problems)} warning(s), first: {problems[0]}")

    @contextmanager
    def watch(self, strict: bool = False) -> Iterator[None]:
        """Record in `warnings` every warning logged under `kg` while the body runs (nested watches
        record once); with `strict`, fail when the body ends if any file was skipped or warned about."""
        logger = logging.getLogger("kg")
        handler = _WarningLog(self.warnings)
        nested = any(isinstance(h, _WarningLog) and h.sink is self.warnings for h in logger.handlers)
        if not nested:
            logger.addHandler(handler)
        try:
            yield
        finally:
            if not nested:
                logger.removeHandler(handler)
        if strict:
            self.check_strict()

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}   articles: {self.articles}   skipped: {len(self.skipped)}"]
        out += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        if self.warnings:
            out.append(f"warnings:  {len(self.warnings)}")
            out += [f"  {w}" for w in self.warnings]
        out.append("entities:  " + "  ".join(f"{k} {v}" for k, v in sorted(self.entities.items())))
        out.append("relations: " + "  ".join(f"{k} {v}" for k, v in sorted(self.relations.items())))
        out += self.notes
        if self.cache_hits or self.cache_misses:
            out.append(f"cache:     {self.cache_hits} documents reused, {self.cache_misses} extracted")
        out.append("timings:   " + "  ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()))
        out.append(f"wrote {len(self.written)} outputs under the output folder")
        return out


def load_articles(
    inputs: Sequence[Path], skipped: list[Skipped], progress: bool = False
) -> tuple[list[Document], list[Article]]:
    """Read every input file and cut it into articles (ingest stage)."""
    documents: list[Document] = []
    articles: list[Article] = []
    for doc in Bar(read_documents(inputs, skipped), desc="ingest", unit="doc", disable=not progress):
        documents.append(doc)
        articles.extend(segment_articles(doc))
    return documents, articles


def extract_all(
    articles: Iterable[Article], documents: Sequence[Document], progress: bool = False
) -> list[Extraction]:
    """Run extraction on each article independently (extract stage), quotes anchored in the originals."""
    items = list(articles)
    texts = {d.id: d.text for d in documents}
    return [
        anchor_quotes(extract(a), texts[a.doc_id])
        for a in Bar(items, desc="extract", unit="article", disable=not progress)
    ]


NO_ARTICLES = "no articles (no running text: only headings, digits or punctuation)"


def extract_documents(
    inputs: Sequence[Path], settings: Settings, summary: BuildSummary
) -> tuple[list[Article], Collector]:
    """Ingest and extract, streaming into resolve: documents are read one by one, worked on by the
    engine (or taken from the cache), and each one's extractions are collected for resolution
    (kg.resolve.Collector) in document order as soon as its predecessors' are, then dropped; texts
    are dropped once worked on. Returns the articles in document order and the collector.

    Files skipped and documents without articles are listed in `summary.skipped`, other warnings in
    `summary.warnings`. With --strict the first skipped file stops the build (after the remaining
    files are read, to count them); any other warning fails it at the end of the stage."""
    with summary.watch(settings.strict):
        return _extract_documents(inputs, settings, summary)


def _extract_documents(
    inputs: Sequence[Path], settings: Settings, summary: BuildSummary
) -> tuple[list[Article], Collector]:
    cache = ExtractionCache(settings.out) if settings.cache else None
    if cache is not None:
        cache.prune()
    collector = Collector()
    results: dict[int, tuple[Article, ...]] = {}  # the articles of each document collected
    waiting: dict[int, DocResult] = {}  # results that came back before a predecessor's
    keys: dict[int, str] = {}
    labels: dict[int, str] = {}
    segmented: dict[int, tuple[Article, ...]] = {}  # split: the articles of documents out with the worker
    spent = Counter[str]()
    bar = Bar(desc="extract", unit="doc", disable=not settings.progress)

    def settle(index: int, result: DocResult) -> None:
        """Collect this result and every waiting one it unblocks, in document order."""
        waiting[index] = result
        t0 = time.perf_counter()
        while len(results) in waiting:
            done = waiting.pop(len(results))
            for article, extraction in zip(done.articles, done.extractions, strict=True):
                collector.add(extraction, article)
            results[len(results)] = done.articles
        spent["collect"] += time.perf_counter() - t0
        bar.update()

    def documents(split: bool) -> Iterator[tuple[int, Document | tuple[Document, tuple[Article, ...]]]]:
        stream = read_documents(inputs, summary.skipped, settings.out, settings.follow_links)
        for index in count():
            t0 = time.perf_counter()
            doc = next(stream, None)
            spent["read"] += time.perf_counter() - t0
            if settings.strict and summary.skipped:
                for _ in stream:  # read (not work on) the rest, so the error counts every unusable file
                    pass
                summary.check_strict()
            if doc is None:
                return
            summary.documents += 1
            labels[index] = source_label(doc)
            if cache is not None:
                keys[index] = cache.key(doc)
                hit = cache.get(keys[index])
                if isinstance(hit, DocResult):
                    settle(index, hit)
                    continue
            if split:
                t0 = time.perf_counter()
                articles = tuple(segment_articles(doc))
                spent["segment"] += time.perf_counter() - t0
                segmented[index] = articles
                yield index, (doc, articles)
            else:
                yield index, doc

    def on_result(index: int, timed: Timed) -> None:
        result = timed.result
        if index in segmented:
            result = DocResult(segmented.pop(index), result.extractions)
        spent["segment"] += timed.segment
        spent["extract"] += timed.extract
        if cache is not None:
            cache.put(keys.pop(index), result)
        settle(index, result)

    summary.notes += _out_in_inputs(inputs, settings.out)
    t0 = time.perf_counter()
    with bar, start_engine(settings, warm) as runner:
        if runner.split:
            summary.notes.append(f"engine:    {runner.name}, 1 worker extracting while this process segments")
        elif runner.workers > 1:
            summary.notes.append(f"engine:    {runner.name}, {runner.workers} workers")
        work = extract_segmented if runner.split else process_document
        ordered_map(runner, work, documents(runner.split), on_result)
    wall = time.perf_counter() - t0
    summary.timings["ingest"] = spent["read"] + spent["segment"]
    summary.timings["extract"] = spent["extract"]
    summary.timings["collect"] = spent["collect"]
    summary.timings["ingest+extract"] = wall
    if cache is not None:
        summary.cache_hits, summary.cache_misses = cache.hits, cache.misses
    for i, articles in results.items():
        if not articles:
            record_skip(summary.skipped, labels[i], NO_ARTICLES)
    return [a for articles in results.values() for a in articles], collector


def _out_in_inputs(inputs: Sequence[Path], out: Path) -> list[str]:
    """A note for each input folder holding OUT (OUT is never read as input: its outputs would grow each build)."""
    inside = [p for p in map(Path, inputs) if p.is_dir() and out.resolve().is_relative_to(p.resolve())]
    return [f"notice:    the output folder {out} is inside the input {p}; it was not read" for p in inside]


def build_graph(inputs: Sequence[Path], skipped: list[Skipped] | None = None) -> KnowledgeGraph:
    """The whole in-memory pipeline: files → KnowledgeGraph (no outputs written)."""
    skipped = [] if skipped is None else skipped
    with gcpause.paused():
        documents, articles = load_articles(inputs, skipped)
        return resolve(extract_all(articles, documents), articles)


DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
"""Errors of a disk that takes no more (full, over quota, read-only, file size limit): while writing outputs they
are the output folder's fault, reported as OutputError (exit 3), not as a crash."""


def _disk_error(exc: OSError | StoreError) -> str | None:
    """The reason, when `exc` is one of DISK_ERRORS: by its errno, or by its text for the stores' native code,
    whose errors carry none (pyoxigraph: "IO error: No space left on device: While appending to file…";
    LadybugDB's, wrapped in a StoreError)."""
    number = getattr(exc, "errno", None)
    if number in DISK_ERRORS:
        return getattr(exc, "strerror", None) or os.strerror(number)
    if number is None:
        return next((os.strerror(e) for e in sorted(DISK_ERRORS) if os.strerror(e) in str(exc)), None)
    return None


def _check_out(out: Path) -> None:
    """OutputError unless a file can be made in OUT: a fresh temporary (O_EXCL, so never through a symlink)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}write-probe.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror or exc}") from exc


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the body runs, SIGTERM stops it as Ctrl-C does (KeyboardInterrupt: workers stopped, lock released,
    the mark left only if an output changed); a second SIGTERM kills at once. Only in the main thread, and
    only where SIGTERM has no handler of the caller's."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def build(
    inputs: Sequence[Path],
    settings: Settings,
    outputs: Sequence[str] | None = None,
    exports: Sequence[ExportFormat] = (),
) -> tuple[KnowledgeGraph, BuildSummary]:
    """Run every stage on `inputs` and write the chosen outputs (default: all) under settings.out, then the
    chosen `exports` at their paths under OUT (kg.export.formats), holding OUT's lock and with OUT marked
    incomplete until every output is in place (kg.runtime.lock). SIGTERM stops it as Ctrl-C does
    (`sigterm_as_interrupt`)."""
    with sigterm_as_interrupt():
        return _build(inputs, settings, outputs, exports)


def _build(
    inputs: Sequence[Path], settings: Settings, outputs: Sequence[str] | None, exports: Sequence[ExportFormat] = ()
) -> tuple[KnowledgeGraph, BuildSummary]:
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise InputError(f"input path not found: {', '.join(missing)}")
    if settings.worker_count < 0:
        raise InputError(f"--workers must be at least 0, got {settings.workers}")
    _check_out(settings.out)
    try:
        with guarded_build(settings.out), gcpause.paused():
            return _run(inputs, settings, outputs, exports)
    except (OSError, StoreError) as exc:
        reason = _disk_error(exc)
        if reason is None:
            raise
        raise OutputError(f"cannot write to output folder {settings.out}: {reason}") from exc


def _run(
    inputs: Sequence[Path], settings: Settings, outputs: Sequence[str] | None, exports: Sequence[ExportFormat] = ()
) -> tuple[KnowledgeGraph, BuildSummary]:
    """The stages of `build`, once the inputs and OUT are checked and OUT is locked."""
    summary = BuildSummary()
    articles, collector = extract_documents(inputs, settings, summary)
    if not articles:
        raise InputError(f"no text found in {', '.join(str(p) for p in inputs)}")
    summary.articles = len(articles)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.timings[stage] = now - clock
        clock = now

    graph = collector.graph(articles)
    del collector
    lap("resolve")
    summary.entities.update(e.type.value for e in graph.entities)
    summary.relations.update(r.predicate.value for r in graph.relations)
    chosen = list(outputs or OUTPUTS)
    with summary.watch(settings.strict):
        written, seconds = run_outputs(graph, settings, chosen)
    summary.written.extend(written)
    summary.timings.update(seconds)
    lap("outputs")
    if exports:
        for fmt in exports:
            summary.written.extend(export_format(graph, fmt, settings.out / EXPORTERS[fmt].default, settings.base_iri))
        memo.release()  # the exports' derivations (RDF terms, property-graph rows) are no longer needed
        lap("exports")
    if "shacl" in chosen:
        from kg.rdf.validate import summary_note

        note = summary_note(settings.out)
        if note:
            summary.notes.append(note)
    return graph, summary


def export(out: Path, formats: Sequence[ExportFormat], base_iri: str, target: Path | None = None) -> list[Path]:
    """`kg export`: the graph of the build in OUT (graph.jsonl, articles.jsonl) written in each format at its
    path under OUT, or the one format at `target`; holds OUT's lock while writing into it, the collector
    paused (the whole graph is read into memory first). Returns the paths written."""
    targets = [target] if target is not None else [out / EXPORTERS[f].default for f in formats]
    with gcpause.paused(), writing_into(out, target if target is not None else out):
        try:
            graph = read_graph(out)
            return [p for fmt, path in zip(formats, targets, strict=True)
                    for p in export_format(graph, fmt, path, base_iri)]
        finally:
            memo.release()  # the graph and its derivations are freed here, by reference counts alone


def export_to(out: Path, fmt: ExportFormat, base_iri: str, stream: BinaryIO) -> None:
    """`kg export FORMAT --file -`: the one file of a single-file format written to `stream` (nothing under
    OUT changes, so no lock)."""
    blocks = EXPORTERS[fmt].blocks
    if blocks is None:
        raise InputError(f"{fmt.value} is a folder of files; it cannot go to one stream")
    with gcpause.paused():
        try:
            for block in blocks(read_graph(out), base_iri):
                stream.write(block)
        finally:
            memo.release()
