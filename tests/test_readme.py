"""README.md stays true: every CLI command and subcommand is documented, and runnable blocks run.

Convention: a fenced block whose info string is `bash runnable` (or `sh runnable`) is run with
`bash -euo pipefail` in a scratch folder holding copies of seeds/, queries/ and schema/, with the
venv's bin first on PATH and `OUT` set to a scratch output folder (so `kg build` with no `--out`
writes there too). Blocks run in README order and share `OUT`, so a query block may follow a build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from kg.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RUNNABLE_LANGUAGES = {"bash", "sh"}
COPIED = ("seeds", "queries", "schema")
BLOCK_TIMEOUT = 600
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    """A fenced code block: the line its fence opens on, its info-string words and its text."""

    line: int
    info: tuple[str, ...]
    code: str

    @property
    def runnable(self) -> bool:
        return len(self.info) >= 2 and self.info[0] in RUNNABLE_LANGUAGES and "runnable" in self.info[1:]


def fenced_blocks(text: str) -> list[Block]:
    """Every fenced code block of a Markdown text, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opened = FENCE.match(lines[i].strip())
        if not opened:
            i += 1
            continue
        fence, body, j = opened["fence"], [], i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j])
            j += 1
        blocks.append(Block(i + 1, tuple(opened["info"].split()), "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def command_names() -> list[str]:
    """`kg NAME` for every command, `kg NAME SUB` for every subcommand of a group."""
    ctx = click.Context(cli)
    names = []
    for name in sorted(COMMANDS):
        command = cli.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            names += [f"kg {name} {sub}" for sub in command.list_commands(ctx)]
        else:
            names.append(f"kg {name}")
    return names


def run_blocks(blocks: list[Block], workdir: Path, out: Path) -> list[str]:
    """Run the runnable blocks in order in `workdir`; one message per failing block."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = dict(os.environ, OUT=str(out), PATH=path)
    failures = []
    for block in (b for b in blocks if b.runnable):
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.code], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=BLOCK_TIMEOUT)
        if done.returncode != 0:
            tail = done.stderr[-2000:]
            failures.append(f"README line {block.line}: exit {done.returncode}\n{block.code}{tail}")
    return failures


def test_every_command_and_subcommand_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    names = command_names()
    assert "kg query sparql" in names and "kg build" in names
    missing = [n for n in names if not re.search(rf"{re.escape(n)}(?![\w-])", text)]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"


def test_fenced_blocks_are_parsed_with_their_info_string() -> None:
    text = "# t\n\n```bash runnable\necho a\n```\n\n````console\n```bash runnable\nnot a fence\n```\n````\n"
    blocks = fenced_blocks(text)
    assert [(b.line, b.info, b.runnable) for b in blocks] == [(3, ("bash", "runnable"), True),
                                                              (7, ("console",), False)]
    assert blocks[0].code == "echo a\n"
    assert "not a fence" in blocks[1].code


def test_a_failing_runnable_block_is_reported(tmp_path: Path) -> None:
    blocks = fenced_blocks("```bash runnable\necho \"$OUT\" > seen.txt\n```\n\n```bash\nfalse\n```\n\n"
                           "```sh runnable\ntest -f seen.txt\nfalse\n```\n")
    failures = run_blocks(blocks, tmp_path, tmp_path / "out")
    assert (tmp_path / "seen.txt").read_text().strip() == str(tmp_path / "out")
    assert len(failures) == 1 and failures[0].startswith("README line 9: exit 1")


@pytest.mark.slow
def test_runnable_readme_blocks_run(tmp_path: Path) -> None:
    blocks = fenced_blocks(README.read_text(encoding="utf-8"))
    if not any(b.runnable for b in blocks):
        pytest.skip("no README block is marked `bash runnable` yet")
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / name)
    failures = run_blocks(blocks, tmp_path, tmp_path / "out")
    assert not failures, "\n\n".join(failures)
