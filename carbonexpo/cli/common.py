"""Shared CLI plumbing: error handling and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from carbonexpo.errors import EXIT_CODES

# an existing folder (an event folder, a folder of keys)
DIR = click.Path(exists=True, file_okay=False, path_type=Path)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_HELP = "Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES) + "."
REGISTRY_OPTION = click.option(
    "--registry",
    "registry_exports",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="check credit rows against a registry's public export (Verra VCU or Gold Standard "
    "credits export; repeatable): a row that does not match counts for nothing",
)
LEDGER_OPTION = click.option(
    "--ledger",
    "ledger_path",
    help="check serial blocks against claims in this ledger: an SQLite file or a "
    "postgresql:// URL (read only)",
)
F = TypeVar("F", bound=Callable[..., Any])
# the library's argument names (errors.ArgumentError) as the options a person types
OPTION_OF = {
    "uncertainty_runs": "--runs",
    "lines_path": "--lines",
    "exhibitors_path": "--exhibitors",
    "json_path": "--json",
    "smtp": "--smtp",
    "sender": "--from",
    "xlsx_path": "--xlsx",
    "path": "--output",
    "suffix": "--output",
    "pdf": "--output",
    "out": "--output",
    "issue_date": "--date",
    "a/b": "A/B",
    "method": "--method",
    "name": "TABLE",
    "staff": "--staff",
    "freight": "--freight",
    "build": "--build",
    "area_m2": "--area",
    "days": "--days",
    "venue": "--venue",
    "country": "--country",
    "packs": "--require",
    "evidence": "--evidence",
}


def handle_errors(func: F) -> F:
    """InputError -> every problem on stderr, exit 2; any other CarbonExpoError -> one line,
    with the exit code its class carries (errors.EXIT_CODES: 1 requirement not met, 2 bad
    input)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from carbonexpo.errors import (
            ArgumentError,
            CarbonExpoError,
            InputError,
            OptionError,
            RequirementNotMet,
        )

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{len(exc.problems)} problem(s); nothing was written.", err=True)
            sys.exit(2)
        except ArgumentError as exc:  # the library's argument, said as the option typed
            click.echo(f"{OPTION_OF.get(exc.argument, exc.argument)}: {exc.detail}", err=True)
            sys.exit(exc.exit_code)
        except (OptionError, RequirementNotMet) as exc:
            click.echo(str(exc), err=True)
            sys.exit(exc.exit_code)
        except CarbonExpoError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def lang_option(what: str, default: str | None = "en") -> Callable[[F], F]:
    """--lang zh|en: the language of `what` (default shown when there is one)."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=default,
        show_default=default is not None,
        help=f"language of {what}",
    )


def map_option(example: str) -> Callable[[F], F]:
    """--map HEADER=COLUMN (repeatable): read a header of an export as one of our columns."""
    return click.option(
        "--map",
        "mapping",
        multiple=True,
        metavar="HEADER=COLUMN",
        help=f"read a header of the export as a column, e.g. --map {example}",
    )


def parse_map(items: tuple[str, ...], columns: list[str]) -> dict[str, str]:
    """--map values as {header: column}; a malformed item or an unknown column is refused with
    the columns there are."""
    from carbonexpo.errors import OptionError

    rename = {}
    for item in items:
        header, _, column = item.partition("=")
        if not header.strip() or column.strip() not in columns:
            raise OptionError(
                "--map",
                f"{item!r}: expected HEADER=COLUMN, COLUMN one of {', '.join(columns)}",
            )
        rename[header.strip()] = column.strip()
    return rename
