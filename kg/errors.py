"""The error hierarchy: raised where bad input enters, reported by the CLI in one line."""


class KGError(Exception):
    """Base of every error kg reports to a user (one line, non-zero exit)."""

    exit_code = 1


class InputError(KGError):
    """Input paths missing, unreadable, or holding no usable text."""

    exit_code = 2


class OutputError(KGError):
    """The output folder cannot be written."""

    exit_code = 3


class QueryError(KGError):
    """A query the engine rejected; the message is the engine's."""

    exit_code = 4


class StoreError(KGError):
    """A store or server that cannot be reached, opened or written."""

    exit_code = 5


class SchemaError(KGError):
    """A schema or lexicon file kg cannot use (the message names the file and line)."""

    exit_code = 2


class DependencyError(KGError):
    """An installed package lacks a file kg reads from it (the message names the version range kg needs)."""

    exit_code = 1
