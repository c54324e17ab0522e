"""Shared CLI plumbing: error handling and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LEDGER_OPTION = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="check serial blocks against claims in this ledger database (read only)",
)
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """InputError -> every problem on stderr, exit 2; NotNeutralError -> exit 1;
    any other CarbonExpoError -> one clear line, exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from carbonexpo.errors import CarbonExpoError, InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{len(exc.problems)} problem(s); nothing was written.", err=True)
            sys.exit(2)
        except CarbonExpoError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
