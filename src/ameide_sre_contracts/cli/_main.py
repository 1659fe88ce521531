"""The command line: its parser, and `main`, which turns every outcome into an exit code and one safe line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ameide_sre_contracts._version import __version__
from ameide_sre_contracts.cli import _info, _ingest, _messages, _registry
from ameide_sre_contracts.cli._io import (
    EPILOG,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_SOFTWARE,
    EXIT_USAGE,
)
from ameide_sre_contracts.errors import ContractError, ValidationError, printable, shown
from ameide_sre_contracts.topics import CONTRACT_VERSION

_SUMMARY = "look inside, check and convert SRE envelopes without writing Python"


def parser() -> argparse.ArgumentParser:
    """The command line, with --help on every command."""
    root = argparse.ArgumentParser(
        prog="sre-contracts",
        description=f"`sre-contracts`: {_SUMMARY}.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (SRE contract {CONTRACT_VERSION})"
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None) -> argparse.ArgumentParser:
        # Every command keeps the epilog's line breaks (the exit code table).
        return commands.add_parser(
            name,
            help=summary,
            description=description or summary[:1].upper() + summary[1:] + ".",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    _info.add_commands(command)
    _messages.add_commands(command)
    _ingest.add_commands(command)
    _registry.add_commands(command)
    return root


def _quiet_stdout() -> None:
    """After the reader closed the pipe: send what Python still flushes at exit nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except ValidationError as error:
        for violation in error.violations:
            print(violation)
        if error.omitted:
            print(f"... and {error.omitted} more")
        return EXIT_INVALID
    except BrokenPipeError:  # `sre-contracts ... | head`: the reader has what it wanted
        _quiet_stdout()
        return EXIT_OK
    except (ContractError, OSError) as error:  # usage, unreadable or unwritable files, input that is not a message
        print(f"sre-contracts {args.command}: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # a fault of ours still ends in one escaped line, not a traceback
        text = printable(shown(str(error), 200))
        print(f"sre-contracts {args.command}: internal error: {type(error).__name__}: {text}", file=sys.stderr)
        return EXIT_SOFTWARE
    return result
