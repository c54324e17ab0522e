"""Shared CLI plumbing: error handling and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from carbonexpo.errors import EXIT_CODES

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_HELP = "Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES) + "."
LEDGER_OPTION = click.option(
    "--ledger",
    "ledger_path",
    help="check serial blocks against claims in this ledger: an SQLite file or a "
    "postgresql:// URL (read only)",
)
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """InputError -> every problem on stderr, exit 2; any other CarbonExpoError -> one line,
    with the exit code its class carries (errors.EXIT_CODES: 1 requirement not met, 2 bad
    input)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from carbonexpo.errors import (
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
        except (OptionError, RequirementNotMet) as exc:
            click.echo(str(exc), err=True)
            sys.exit(exc.exit_code)
        except CarbonExpoError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]
