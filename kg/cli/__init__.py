"""The `kg` command line: a thin layer over the library, one module per command.

Every command catches `KGError` and reports it in one line with a non-zero exit.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from kg.errors import KGError

# command name -> "module:attribute"; imported lazily so `kg --help` stays fast.
COMMANDS: dict[str, str] = {
    "build": "kg.cli.build:build",
    "eval": "kg.cli.evaluate:eval_cmd",
    "export": "kg.cli.export:export_cmd",
    "query": "kg.cli.query:query",
    "push": "kg.cli.push:push",
    "viz": "kg.cli.viz:viz",
    "validate": "kg.cli.validate:validate",
    "stats": "kg.cli.stats:stats",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
def cli(verbose: bool) -> None:
    """Build a knowledge graph of Chinese trade-union news.

    \b
    Example:
      kg build seeds/ --out out/
      kg query sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )


def main() -> None:
    """Console entry point: run the CLI, turning KGError and usage errors into one line and an exit code."""
    try:
        cli.main(standalone_mode=False)
    except KGError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:  # a group called without a command: its help
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:  # a bad flag or value: one line too, naming the help to read
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{where}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
