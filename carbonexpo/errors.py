"""One error root with narrow subclasses; table problems carry file, row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from carbonexpo.words import TEXTS, Said, said, say

MAX_MESSAGE = 600  # characters of one message
MAX_PER_FILE = 1000  # problems listed per file; the rest are counted


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of the user's input.

    `row` is the line as a spreadsheet shows it (header = 1, first data row = 2); 0 means the
    problem concerns the whole file or column. `column` is a column name, or a key path for YAML.
    """

    file: str
    row: int
    column: str
    message: str
    code: str  # a key of the catalog's problem section: what kind of problem, in any language
    where: str = ""  # a location of another shape, e.g. FILE:SHEET:CELL of a form
    # the catalog text the message holds (in English), so it can be shown in another language
    detail: Said | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:  # a 10 MB cell is not quoted whole
            cut = self.message[: MAX_MESSAGE - 60]
            object.__setattr__(
                self, "message", f"{cut}… ({len(self.message):,} characters, shortened)"
            )
        if "problem." + self.code not in TEXTS["en"]:
            raise KeyError(f"problem code {self.code!r} has no title in the catalog (words/)")

    def title(self, lang: str = "en") -> str:
        """What kind of problem this is, in the reader's language."""
        return say("problem." + self.code, lang)

    def text(self, lang: str = "en") -> str:
        """The message in the reader's language: its catalog detail translated, the place and
        the quoted value as they are (a detail not yet in the catalog stays English)."""
        if self.detail is None or lang == "en":
            return self.message
        english = self.detail.text("en")
        return self.message.replace(english, self.detail.text(lang), 1)

    def __str__(self) -> str:
        if self.where:
            return printable(f"{self.where}: {self.message}")
        return printable(f"{self.file}:{self.row}:{self.column}: {self.message}")


def said_problem(
    file: str, row: int, column: str, detail: Said, code: str, where: str = ""
) -> Problem:
    """A problem whose message is a catalog text: English in logs and files, the reader's
    language on a page or in a report (Problem.text)."""
    return Problem(file, row, column, detail.text("en"), code, where=where, detail=detail)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """One line with no control characters: each is shown as its escape (\\x00, \\n), so that a
    message about a hostile file cannot garble the terminal or split into two problems."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


EXIT_OK = 0
EXIT_NOT_MET = 1
EXIT_BAD_INPUT = 2
EXIT_CODES = (
    (EXIT_OK, "done (a non-neutral event is a result, not an error)"),
    (
        EXIT_NOT_MET,
        "a requirement not met: not neutral with --require-neutral, certificate refused, "
        "verification failed, a ledger claim refused or a broken audit chain",
    ),
    (EXIT_BAD_INPUT, "bad input: FILE:ROW:COLUMN: or --option: messages; nothing was written"),
)


class CarbonExpoError(Exception):
    """Root of every error carbonexpo raises on purpose; anything else is a bug. Unless a
    subclass says otherwise, it is bad input (exit 2): a file, a folder or an option."""

    exit_code = EXIT_BAD_INPUT


class OptionError(CarbonExpoError):
    """A command-line option's value is bad; the message starts with the option's name."""

    def __init__(self, option: str, message: str):
        self.option = option
        super().__init__(f"{option}: {message}")


class ArgumentError(CarbonExpoError):
    """A library function's argument is bad; the message starts with the argument's name
    (`uncertainty_runs: 5: between 10 and 1,000,000 runs`). The CLI says it as the option the
    person typed (cli.common.OPTION_OF: `--runs: …`)."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        self.detail = message
        super().__init__(f"{argument}: {message}")


class RequirementNotMet(CarbonExpoError):
    """The input is fine, but what was asked cannot be granted (exit 1)."""

    exit_code = EXIT_NOT_MET


class InputError(CarbonExpoError):
    """The user's input is bad. Holds every problem found, in file/row order (exit code 2)."""

    def __init__(self, problems: Iterable[Problem], partial: object = None):
        self.problems = _capped(
            sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))
        )
        # what could be read despite the problems (validate checks it further, in one pass)
        self.partial = partial
        super().__init__("\n".join(str(p) for p in self.problems))


class NotACertificate(CarbonExpoError):
    """A file given to verify is no certificate at all (not JSON, or a PDF without cert.json):
    bad input (exit 2), not a failed verification."""


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PER_FILE problems of one file, then one line counting the rest."""
    out: list[Problem] = []
    count: dict[str, int] = {}
    for p in problems:
        count[p.file] = count.get(p.file, 0) + 1
        if count[p.file] <= MAX_PER_FILE:
            out.append(p)
    for file, n in count.items():
        if n > MAX_PER_FILE:
            out.append(
                said_problem(
                    file,
                    0,
                    "",
                    said("detail.more_problems_in", count=n - MAX_PER_FILE, file=file),
                    "more_problems",
                )
            )
    return out


class FactorDataError(CarbonExpoError):
    """A shipped factor set is broken (missing file, bad unit, unresolved source, wrong hash)."""


class NotNeutralError(RequirementNotMet):
    """The event is not carbon neutral where neutrality was required (exit code 1)."""


class LedgerError(CarbonExpoError):
    """A ledger operation was asked with bad input (no such database, a meter that exists)."""


class ClaimRefused(RequirementNotMet):
    """The ledger refused a claim: a block is already claimed by another event (exit 1)."""


class CertificateError(CarbonExpoError):
    """A certificate file or key is malformed (bad input)."""


class CertificateRefused(RequirementNotMet):
    """No certificate for this event: not neutral, no data, or an incomplete boundary."""


class VerificationFailed(RequirementNotMet):
    """A certificate or ledger did not verify (exit 1)."""


def raise_if(problems: list[Problem]) -> None:
    """Raise one InputError carrying all problems, if there are any."""
    if problems:
        raise InputError(problems)
