"""A hostile probe of `kg`: bad inputs, hostile arguments and queries, kills, concurrency and user files
under OUT, each run against the real command line in a subprocess.

    python -m bench.probe                 # every probe, 8 kills
    python -m bench.probe --quick         # the fast probes and 2 kills (seconds, not minutes)
    python -m bench.probe --only fifo --only kills --json probe.json

It reports each probe (passed or what went wrong), then the figures of issue #23: probes tried, kills
survived (after every kill no kg process is left, every output in OUT parses and the next build equals
a clean one) and bytes lost (of user files planted under OUT and of outputs a kill left unreadable).
Exits 1 when a probe fails. Texts are invented (某 placeholders), never copied from an article.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from tempfile import mkdtemp

import click

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ("某县总工会为环卫工人建成爱心驿站\n\n本报讯(记者甲乙)近日,某县总工会在城区建成“暖心”驿站,"
           "为环卫工人和快递员提供休息、饮水等服务。\n")
TRADITIONAL = ("某市總工會舉辦職工技能競賽\n\n本報訊(記者丙丁)近日,某市總工會為外送員和計程車司機舉辦職工技能競賽,"
               "並設立勞動者服務驛站。\n")


@dataclass
class Outcome:
    """One probe's verdict; `lost` counts bytes of user files or outputs that did not survive."""

    name: str
    category: str
    ok: bool
    detail: str = ""
    lost: int = 0
    kills: int = 0
    survived: int = 0


@dataclass
class Probe:
    name: str
    category: str
    run: Callable[[Path], Outcome]
    quick: bool = True


PROBES: dict[str, Probe] = {}


def probe(category: str, quick: bool = True) -> Callable[[Callable[[Path], Outcome]], Callable[[Path], Outcome]]:
    """Register the decorated function (given a scratch folder) as a probe of `category`."""

    def register(fn: Callable[[Path], Outcome]) -> Callable[[Path], Outcome]:
        PROBES[fn.__name__] = Probe(fn.__name__, category, fn, quick)
        return fn

    return register


@dataclass
class Run:
    """A finished (or timed-out) `kg` subprocess."""

    code: int | None
    out: str
    err: str
    seconds: float
    timed_out: bool = False

    def problem(self, codes: tuple[int, ...]) -> str:
        """'' when the run ended in time with one of `codes` and no traceback, else what went wrong."""
        if self.timed_out:
            return f"still running after {self.seconds:.0f} s"
        if "Traceback" in self.err:
            return "traceback: " + self.err.strip().splitlines()[-1][:200]
        if self.code not in codes:
            return f"exit {self.code}, expected {'/'.join(map(str, codes))}: {self.err.strip()[:200]}"
        return ""


def kg(*args: str | Path, cwd: Path | None = None, timeout: float = 120.0, stdin: str | None = None) -> Run:
    """Run `python -m kg ARGS` (this interpreter, this checkout) to completion or `timeout`."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=timeout, input=stdin, errors="replace")
    except subprocess.TimeoutExpired as exc:
        return Run(None, str(exc.stdout or ""), str(exc.stderr or ""), time.perf_counter() - start, True)
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def build(inputs: Path, out: Path, *more: str, timeout: float = 120.0) -> Run:
    return kg("build", inputs, "--out", out, "-q", "-j", "0", "--only", "articles", "--only", "graph", *more,
              timeout=timeout)


def verdict(name: str, category: str, problem: str, **extra: int) -> Outcome:
    return Outcome(name, category, not problem, problem, **extra)


def graph_lines(out: Path) -> list[dict[str, object]]:
    path = out / "graph.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def names(out: Path) -> list[str]:
    return [str(d["properties"]["name"]) for d in graph_lines(out) if d["type"] == "node"]  # type: ignore[index]


# ---------------------------------------------------------------- inputs


def _input_probe(name: str, make: Callable[[Path], None], codes: tuple[int, ...] = (0, 2), timeout: float = 120.0,
                 check: Callable[[Path, Run], str] | None = None, quick: bool = True) -> None:
    """Register an input probe: `make` fills a folder, `kg build` must end in time with `codes`, then `check`."""

    def run(tmp: Path) -> Outcome:
        pages = tmp / "pages"
        pages.mkdir()
        make(pages)
        result = build(pages, tmp / "out", timeout=timeout)
        problem = result.problem(codes) or (check(tmp / "out", result) if check else "")
        return verdict(name, "inputs", problem)

    run.__name__ = name
    probe("inputs", quick)(run)


def _has(*wanted: str) -> Callable[[Path, Run], str]:
    def check(out: Path, _: Run) -> str:
        found = set(names(out))
        missing = [w for w in wanted if w not in found]
        return f"missing entities {missing}" if missing else ""

    return check


def _docs(n: int) -> Callable[[Path, Run], str]:
    def check(out: Path, _: Run) -> str:
        docs = _docs_of(out)
        return "" if len(docs) == n else f"{len(docs)} documents, expected {n}"

    return check


def _no_twins(found: list[str]) -> str:
    """'' unless two entity names differ only by invisible characters."""
    seen: dict[str, str] = {}
    for name in found:
        key = "".join(ch for ch in name if ch.isprintable() and ch not in "\u200b\u200c\u200d\u2060\ufeff")
        if key in seen and seen[key] != name:
            return f"duplicate entities {seen[key]!r} and {name!r}"
        seen[key] = name
    return ""


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes(data)


def _nested(d: Path) -> None:
    deep = d
    for _ in range(1200):
        deep = deep / "d"
        deep.mkdir()
    (deep / "a.txt").write_text(ARTICLE, encoding="utf-8")


def _fifo(d: Path) -> None:
    os.mkfifo(d / "pipe.txt")
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")


def _links(d: Path) -> None:
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "broken.txt").symlink_to(d / "nowhere.txt")
    (d / "loop").symlink_to(d / "loop")
    (d / "root").symlink_to("/")


def _twin_names(d: Path) -> None:
    visible = "某县工会简报.txt"
    (d / visible).write_text(ARTICLE, encoding="utf-8")
    with open(os.path.join(os.fsencode(d), visible.encode("gbk")), "wb") as fh:
        fh.write(TRADITIONAL.encode("utf-8"))


def _gbk_after_ascii(d: Path) -> None:
    head = "<html><head><meta charset='gbk'><title>x</title></head><body>" + "<!-- " + "a" * (1 << 20) + " -->"
    (d / "page.html").write_bytes(head.encode("ascii") + f"<p>{ARTICLE}</p></body></html>".encode("gbk"))


_input_probe("empty_file", _write("empty.txt", b""), codes=(2,))
_input_probe("binary_file", _write("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), codes=(2,))
_input_probe("bad_byte_kept", _write("a.txt", ARTICLE.encode("utf-8").replace("近日".encode(), b"\xff\xfe")),
             codes=(0,), check=_has("暖心驿站"))
_input_probe("gbk_text", _write("a.txt", ARTICLE.encode("gbk")), codes=(0,), check=_has("环卫工人"))
_input_probe("big5_traditional", _write("a.txt", TRADITIONAL.encode("big5")), codes=(0,), check=_has("劳动者服务驿站"))
_input_probe("utf16_without_bom", _write("a.txt", ARTICLE.encode("utf-16-le")), codes=(0,), check=_has("环卫工人"))
_input_probe("gbk_html_after_ascii_mib", _gbk_after_ascii, codes=(0,), check=_has("环卫工人"))
_input_probe("zero_width_names", _write("a.txt", ARTICLE.replace("暖心", "暖\u200b心").encode() + ARTICLE.encode()),
             codes=(0,), check=lambda out, _: _no_twins(names(out)))
_input_probe("fifo_and_text", _fifo, codes=(0,), timeout=60)
_input_probe("links_loop_and_root", _links, codes=(0,), timeout=60, check=_docs(1))
_input_probe("nested_1200_folders", _nested, codes=(0,), check=_docs(1))
_input_probe("same_visible_name_two_encodings", _twin_names, codes=(0,), check=_docs(2))
_input_probe("one_line_1mb", lambda d: (d / "a.txt").write_text(ARTICLE.replace("\n", "") * 6000, encoding="utf-8"),
             codes=(0,), timeout=120, quick=False)


@probe("inputs")
def out_inside_input(tmp: Path) -> Outcome:
    pages = tmp / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(ARTICLE, encoding="utf-8")
    counts = []
    for _ in range(3):
        run = build(pages, pages / "out")
        if problem := run.problem((0,)):
            return verdict("out_inside_input", "inputs", problem)
        counts.append(len(_docs_of(pages / "out")))
    return verdict("out_inside_input", "inputs", "" if counts == [1, 1, 1] else f"documents per build {counts}")


def _docs_of(out: Path) -> set[str]:
    path = out / "articles.jsonl"
    if not path.exists():
        return set()
    return {json.loads(line)["doc"] for line in path.read_text(encoding="utf-8").splitlines()}


# ---------------------------------------------------------------- arguments and queries


def _seeds_out(tmp: Path) -> Path:
    out = tmp / "out"
    run = kg("build", ROOT / "seeds", "--out", out, "-q", "-j", "0", timeout=300)
    if run.problem((0,)):
        raise RuntimeError(f"seeds build failed: {run.err.strip()[:300]}")
    return out


def _argument_probe(name: str, args: Callable[[Path], list[str | Path]], codes: tuple[int, ...],
                    setup: Callable[[Path], None] | None = None, forbidden: str = "") -> None:
    def run(tmp: Path) -> Outcome:
        if setup:
            setup(tmp)
        result = kg(*args(tmp), timeout=60)
        problem = result.problem(codes)
        if not problem and forbidden and forbidden in result.err + result.out:
            problem = f"printed {forbidden!r}"
        return verdict(name, "arguments", problem)

    run.__name__ = name
    probe("arguments")(run)


def _page(tmp: Path) -> None:
    (tmp / "pages").mkdir()
    (tmp / "pages" / "a.txt").write_text(ARTICLE, encoding="utf-8")


def _gold(text: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        _page(tmp)
        build(tmp / "pages", tmp / "out", "--only", "rdf")
        (tmp / "gold.jsonl").write_text(text, encoding="utf-8")

    return setup


_argument_probe("base_iri_space", lambda t: ["build", t / "pages", "--out", t / "out", "-q", "--base-iri",
                                             "http://x y/"], (2,), _page)
_argument_probe("base_iri_angle", lambda t: ["build", t / "pages", "--out", t / "out", "-q", "--base-iri",
                                             "http://x/>"], (2,), _page)
_argument_probe("workers_negative", lambda t: ["build", t / "pages", "--out", t / "out", "-q", "-j", "-1"], (2,), _page)
_argument_probe("endpoint_bad_ipv6", lambda t: ["push", "sparql", "--out", t / "out", "--endpoint", "http://[::1"],
                (2, 5), _gold(""))
_argument_probe("endpoint_password_hidden", lambda t: ["push", "sparql", "--out", t / "out", "--endpoint",
                                                       "http://u:s3cretpw@127.0.0.1:9/"], (5,), _gold(""),
                forbidden="s3cretpw")
_argument_probe("neo4j_batch_zero", lambda t: ["push", "neo4j", "--out", t / "out", "--uri", "bolt://127.0.0.1:9",
                                               "--batch-size", "0"], (2,), _gold(""))
_argument_probe("gold_deep_nesting", lambda t: ["eval", t / "gold.jsonl", "--out", t / "out"], (2,),
                _gold("[" * 100000 + "]" * 100000 + "\n"))
_argument_probe("gold_huge_number", lambda t: ["eval", t / "gold.jsonl", "--out", t / "out"], (2,),
                _gold('{"doc": "a.txt", "n": ' + "9" * 5001 + "}\n"))
_argument_probe("gold_lone_surrogate", lambda t: ["eval", t / "gold.jsonl", "--out", t / "out"], (0, 2),
                _gold('{"doc": "a\\ud800.txt", "entities": [], "relations": []}\n'))
_argument_probe("stats_truncated_graph", lambda t: ["stats", "--out", t / "out"], (2,),
                lambda t: (_gold("")(t), (t / "out" / "graph.jsonl").write_text('{"type":"node","id":', "utf-8")))


_REFUSED = {
    "cypher": ["CHECKPOINT", "MATCH (n) DETACH DELETE n", "COPY (MATCH (n) RETURN n.id) TO '{out}/x.csv'",
               "LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *", "CREATE (n:UnionBody {id: 'x'})",
               "INSTALL httpfs", "ATTACH '{out}/x' AS y (dbtype lbug)"],
    "sparql": ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL",
               "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
}
_READS = {"cypher": "MATCH (n:UnionBody) RETURN count(n) AS n", "sparql": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}


@probe("queries", quick=False)
def write_queries_refused(tmp: Path) -> Outcome:
    """Every write, file or network statement exits 4; the stores still answer and hold the same data after."""
    out = _seeds_out(tmp)
    before = {lang: kg("query", lang, _READS[lang], "--out", out, "--format", "csv").out for lang in _READS}
    problems = []
    for lang, statements in _REFUSED.items():
        for statement in statements:
            run = kg("query", lang, statement.replace("{out}", str(out)), "--out", out, timeout=60)
            if problem := run.problem((4,)):
                problems.append(f"{lang} {statement[:30]!r}: {problem}")
    after = {lang: kg("query", lang, _READS[lang], "--out", out, "--format", "csv").out for lang in _READS}
    if before != after:
        problems.append(f"stores changed or stopped answering: {before} → {after}")
    if (out / "x.csv").exists():
        problems.append("COPY TO wrote a file")
    return verdict("write_queries_refused", "queries", "; ".join(problems))


# ---------------------------------------------------------------- the output folder


PLANTED = {"docs/.backup.old/thesis.docx": b"PK\x03\x04 a thesis", ".git/.index.tmp": b"DIRC index",
           "notes.tmp": b"my notes", ".draft.tmp": b"a draft", "sub/.x.old": b"old but mine"}


def plant(out: Path) -> None:
    for rel, data in PLANTED.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


def planted_lost(out: Path) -> int:
    """Bytes of the planted user files that are gone or changed."""
    return sum(len(data) for rel, data in PLANTED.items()
               if not (out / rel).is_file() or (out / rel).read_bytes() != data)


@probe("output folder")
def user_files_under_out(tmp: Path) -> Outcome:
    _page(tmp)
    out = tmp / "out"
    out.mkdir()
    plant(out)
    problem = build(tmp / "pages", out).problem((0,)) or build(tmp / "pages", out).problem((0,))
    lost = planted_lost(out)
    return verdict("user_files_under_out", "output folder", problem or (f"{lost} bytes of user files lost" if lost
                                                                         else ""), lost=lost)


@probe("output folder")
def symlinked_control_files(tmp: Path) -> Outcome:
    _page(tmp)
    out = tmp / "out"
    out.mkdir()
    target = tmp / "precious.txt"
    target.write_bytes(b"precious bytes")
    problems = []
    for name in (".kg.lock", ".kg-incomplete", ".kg-write-probe"):
        link = out / name
        link.symlink_to(target)
        run = build(tmp / "pages", out)
        if run.problem((0, 3)):
            problems.append(f"{name}: {run.problem((0, 3))}")
        link.unlink(missing_ok=True)
    lost = 0 if target.read_bytes() == b"precious bytes" else len(b"precious bytes")
    if lost:
        problems.append("a symlink's target was overwritten")
    return verdict("symlinked_control_files", "output folder", "; ".join(problems), lost=lost)


@probe("output folder")
def concurrent_builds(tmp: Path) -> Outcome:
    """Two builds into one OUT: one finishes, the other exits 3 at once."""
    pages = _corpus(tmp, "500KB")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "kg", "build", str(pages), "--out", str(tmp / "out"), "-q", "-j", "1"]
    first = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    second = kg("build", pages, "--out", tmp / "out", "-q", "-j", "1", timeout=60)
    first_err = first.communicate(timeout=300)[1]
    problem = second.problem((3,)) or ("" if first.returncode == 0 else f"first build exit {first.returncode}: "
                                       f"{first_err.strip()[:200]}")
    return verdict("concurrent_builds", "output folder", problem)


# ---------------------------------------------------------------- kills


def _corpus(tmp: Path, size: str) -> Path:
    folder = tmp / f"corpus-{size}"
    if not folder.exists():
        subprocess.run([sys.executable, "-m", "bench.generate", "--size", size, "--out", str(folder), "--seed", "3"],
                       check=True, cwd=ROOT, capture_output=True)
    return folder / "pages"


def _processes_in_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _unreadable(out: Path) -> list[str]:
    """Outputs in OUT that do not parse (JSON lines) or are cut short."""
    bad = []
    for name in ("graph.jsonl", "articles.jsonl"):
        path = out / name
        if path.exists():
            try:
                for line in path.read_text(encoding="utf-8").splitlines():
                    json.loads(line)
            except (ValueError, UnicodeDecodeError):
                bad.append(name)
    return bad


@probe("kills", quick=True)
def kills(tmp: Path, count: int = 8, seed: int = 23) -> Outcome:
    """SIGKILL or SIGTERM `kg build -j 2` at random moments over a previous good build, with user files
    planted in OUT: after each kill no process of the build is left within 10 s and every output parses;
    at the end one build must equal a clean build byte for byte (graph.jsonl, articles.jsonl)."""
    pages = _corpus(tmp, "1MB")
    clean = tmp / "clean"
    if problem := build(pages, clean, timeout=600).problem((0,)):
        return verdict("kills", "kills", f"clean build: {problem}")
    out = tmp / "out"
    build(pages, out, timeout=600)
    plant(out)
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    survived, problems, lost = 0, [], 0
    for k in range(count):
        sig = signal.SIGKILL if k % 2 == 0 else signal.SIGTERM
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(pages), "--out", str(out), "-q", "-j", "2",
                                 "--no-cache", "--only", "articles", "--only", "graph"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(rng.uniform(0.5, 6.0))
        proc.send_signal(sig)
        try:
            proc.communicate(timeout=30)  # EOF on the pipes: no orphan holds them
        except subprocess.TimeoutExpired:
            problems.append(f"kill {k} ({sig.name}): the build's pipes stayed open")
        deadline = time.monotonic() + 10
        while _processes_in_group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _processes_in_group(proc.pid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        bad = _unreadable(out)
        lost += sum((out / b).stat().st_size for b in bad)
        if left:
            problems.append(f"kill {k} ({sig.name}): {len(left)} process(es) left")
        elif bad:
            problems.append(f"kill {k} ({sig.name}): unreadable {bad}")
        else:
            survived += 1
    if problem := build(pages, out, timeout=600).problem((0,)):
        problems.append(f"rebuild: {problem}")
    else:
        for name in ("graph.jsonl", "articles.jsonl"):
            if (out / name).read_bytes() != (clean / name).read_bytes():
                problems.append(f"rebuild differs from a clean build: {name}")
    lost += planted_lost(out)
    if planted_lost(out):
        problems.append(f"{planted_lost(out)} bytes of user files lost")
    return verdict("kills", "kills", "; ".join(problems), lost=lost, kills=count, survived=survived)


# ---------------------------------------------------------------- runner


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def lines(self) -> list[str]:
        out = [f"{'ok ' if o.ok else 'FAIL'} {o.category:<14} {o.name:<34} {o.detail}" for o in self.outcomes]
        kills = sum(o.kills for o in self.outcomes)
        out.append(f"probes tried: {len(self.outcomes)}   passed: {len(self.outcomes) - len(self.failed)}   "
                   f"failed: {len(self.failed)}")
        out.append(f"kills survived: {sum(o.survived for o in self.outcomes)} of {kills}   "
                   f"bytes lost: {sum(o.lost for o in self.outcomes)}")
        return out


def run_probes(selected: list[str], kill_count: int) -> Report:
    report = Report()
    for name in selected:
        item = PROBES[name]
        tmp = Path(mkdtemp(prefix=f"kg-probe-{name}-"))
        try:
            outcome = item.run(tmp) if name != "kills" else kills(tmp, kill_count)
        except Exception as exc:  # noqa: BLE001 - a probe that breaks is a failed probe, reported as such
            outcome = Outcome(name, item.category, False, f"probe error: {type(exc).__name__}: {exc}")
        finally:  # rm copes with the 1,200-deep folders that shutil.rmtree recurses into
            subprocess.run(["rm", "-rf", "--", str(tmp)], check=False)
        report.outcomes.append(outcome)
        click.echo(report.lines()[len(report.outcomes) - 1], err=True)
    return report


@click.command()
@click.option("--quick", is_flag=True, help="Only the fast probes, and 2 kills.")
@click.option("--only", "only", multiple=True, type=click.Choice(sorted(PROBES)), help="Run only these probes.")
@click.option("--kills", "kill_count", type=click.IntRange(1, 100), default=None,
              help="How many kills [8; 2 with --quick].")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Also write the report as JSON.")
def main(quick: bool, only: tuple[str, ...], kill_count: int | None, json_path: Path | None) -> None:
    """Run the hostile probes against this checkout's `kg` and report probes tried, kills survived, bytes lost.

    Example:
      python -m bench.probe --quick
    """
    selected = list(only) or [n for n, p in PROBES.items() if p.quick or not quick]
    report = run_probes(selected, kill_count or (2 if quick else 8))
    for line in report.lines()[-2:]:
        click.echo(line)
    if json_path:
        json_path.write_text(json.dumps([asdict(o) for o in report.outcomes], ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
