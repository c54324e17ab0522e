"""carbonexpo's public Python API: everything the command line does, as functions. The CLI calls
only this module; a notebook can do the same.

    >>> import carbonexpo
    >>> run = carbonexpo.calculate("examples/cisce-2024")
    >>> run.result.totals.status
    'neutral'
    >>> round(run.result.totals.gross_tco2e)
    28597
    >>> carbonexpo.write_report(run, "report.html", lang="zh")          # doctest: +SKIP
    >>> carbonexpo.issue_certificate(run, key="issuer.key", pdf="cert.pdf")  # doctest: +SKIP
    >>> carbonexpo.verify_certificate("cert.json", public_key="issuer.key.pub").ok  # doctest: +SKIP
    True

Errors are exceptions from carbonexpo.errors: InputError (every problem, FILE:ROW:COLUMN),
RequirementNotMet (not neutral, certificate refused, verification failed), each with the exit
code the CLI uses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from carbonexpo import memory
from carbonexpo.access import Access, find_access, invite_exhibitors, token_hash
from carbonexpo.access import secret as site_secret
from carbonexpo.booth.entry import SECTIONS as ENTRY_SECTIONS
from carbonexpo.booth.entry import VERSION_FIELD as ENTRY_VERSION_FIELD
from carbonexpo.booth.entry import Checked as EntryCheck
from carbonexpo.booth.entry import Entry, booth_rows, folder_lock, submissions
from carbonexpo.booth.entry import check as check_entry
from carbonexpo.booth.entry import choices as entry_choices
from carbonexpo.booth.entry import opened as open_entry
from carbonexpo.booth.entry import page_estimate as entry_estimate
from carbonexpo.booth.entry import parse_form as parse_entry
from carbonexpo.booth.entry import rows_as_entered as entry_rows
from carbonexpo.booth.entry import save as save_entry
from carbonexpo.booth.forms import import_forms as _import_forms
from carbonexpo.booth.forms import write_form
from carbonexpo.booth.own_rows import current
from carbonexpo.booth.progress import exhibitor_page, exhibitor_progress, with_footprints
from carbonexpo.booth.service import estimate_many, estimate_one, format_estimates
from carbonexpo.calc.blocks import claimed_elsewhere
from carbonexpo.calc.calculate import Calculation, check_event, read_checked
from carbonexpo.calc.calculate import calculate as _calculate
from carbonexpo.calc.carbon_inclusive import METHODS, rewards
from carbonexpo.calc.compare import compare as _compare
from carbonexpo.calc.provisional import calculate_passing
from carbonexpo.calc.registry_check import RegistryCheck, check_against, check_out
from carbonexpo.calc.result import build_result
from carbonexpo.certificate.issue import issue_certificate as _issue_certificate
from carbonexpo.certificate.keys import generate_keys as _generate_keys
from carbonexpo.certificate.keys import load_trusted
from carbonexpo.certificate.read import read_certificate
from carbonexpo.certificate.record import Verification, verify
from carbonexpo.config import CATEGORY_NAMES as CATEGORIES
from carbonexpo.config import EventConfig
from carbonexpo.errors import (
    ArgumentError,
    ClaimRefused,
    InputError,
    NotNeutralError,
    Problem,
    raise_if,
    said_problem,
)
from carbonexpo.evidence.pack import pack_result, write_pack
from carbonexpo.evidence.verify import PackVerification, is_pack, pack_of, same_result
from carbonexpo.evidence.verify import verify_pack as _verify_pack
from carbonexpo.factors.catalog import load_set, load_sources, set_ids
from carbonexpo.factors.catalog import search as search_factors
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.io import prefetch
from carbonexpo.io.attendance_import import Imported
from carbonexpo.io.attendance_import import import_attendance as _import_attendance
from carbonexpo.io.event import EventData, load_config, settings_of
from carbonexpo.io.event import read_event as _read_event
from carbonexpo.io.factors_file import validate_factors_file
from carbonexpo.io.reference import reference_text as schema_reference
from carbonexpo.io.reference import table_text as table_reference
from carbonexpo.io.registry_export import read_export
from carbonexpo.io.scaffold import init_event as _init_event
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.schema import TABLE_ORDER as TABLES
from carbonexpo.io.writers import (
    defuse_formulas,
    write_atomic,
    write_bytes_atomic,
    write_csv_batches,
    write_csv_fast,
    write_frame_csv,
    write_parquet_batches,
    write_pieces_atomic,
    write_text_atomic,
)
from carbonexpo.ledger.operations import add_meter, add_meters_from, claim_event, export_energy
from carbonexpo.ledger.operations import import_file as import_readings
from carbonexpo.ledger.operations import meters as list_meters
from carbonexpo.ledger.operations import migrate as migrate_ledger
from carbonexpo.ledger.store import Ledger
from carbonexpo.mailer import MailedInvites, invite_by_mail
from carbonexpo.notes import Note
from carbonexpo.notes import render as render_note
from carbonexpo.numbers import round_sig
from carbonexpo.planning.make import make_scenario
from carbonexpo.report.labels import LABELS
from carbonexpo.report.pdf import MissingCJKFontWarning
from carbonexpo.report.render import render_template, report_context
from carbonexpo.report.statement import statement_bytes, write_statement
from carbonexpo.report.text import claims_text as _claims_text
from carbonexpo.report.text import comparison_text, summary_text
from carbonexpo.report.workbook import EXCEL_MAX_ROWS, lines_workbook
from carbonexpo.report.workbook import workbook_bytes as _workbook_bytes
from carbonexpo.report.worker import PdfWorker
from carbonexpo.report.write import report_bytes as _report_bytes
from carbonexpo.report.write import write_report as _write_report
from carbonexpo.resources import templates_dir
from carbonexpo.result import ClaimCheckOut, LedgerAnchor, Result
from carbonexpo.result_dump import result_json_bytes as _result_json_bytes
from carbonexpo.result_dump import result_json_pieces
from carbonexpo.words import said

PathLike = str | Path


@dataclass(frozen=True)
class Run:
    """One calculation: the typed result, and the tables behind it (inventory lines, exhibitor
    shares) for those who want every line."""

    result: Result
    calculation: Calculation

    @property
    def lines(self) -> pd.DataFrame:
        return self.calculation.lines

    @property
    def exhibitors(self) -> pd.DataFrame | None:
        return self.calculation.exhibitors


# -- reading and calculating ----------------------------------------------------------------


def read_event(folder: PathLike) -> EventData:
    """Read and validate an event folder; raise InputError listing every problem.

    >>> read_event("examples/cisce-2024").config.id
    'cisce-2024'
    """

    return _read_event(Path(folder))


@dataclass(frozen=True)
class Checked:
    """A folder that passed every check, and what is worth saying about how it was read."""

    data: EventData
    assumptions: list[Note]
    warnings: list[Note]


def validate(folder: PathLike) -> Checked:
    """`read_event` plus every check the calculation makes (places, factor keys)."""

    prefetch.start(Path(folder))  # before the import below: both proceed at once

    return Checked(*check_event(Path(folder)))


def calculate(
    folder: PathLike,
    *,
    ledger: PathLike | None = None,
    uncertainty_runs: int | None = None,
    seed: int = 0,
    registry: Iterable[PathLike] = (),
) -> Run:
    """Inventory, Scope 2 (location and market), offsets and the balance of an event folder.
    With `ledger`, serial blocks are checked against the claims of that ledger (read only)
    and the result records the ledger head it was checked against. With `uncertainty_runs`,
    the result carries 95 % intervals from a Monte Carlo seeded with `seed`. With `registry`
    (Verra or Gold Standard exports), credit rows are checked against them: a row that does
    not match counts for nothing, and the result records every check (registry_checks)."""

    prefetch.start(Path(folder))  # before the imports below: both proceed at once

    data = read_checked(Path(folder))
    claims, anchor = _ledger_claims(ledger)
    if uncertainty_runs is not None and not 10 <= uncertainty_runs <= 1_000_000:
        raise ArgumentError(
            "uncertainty_runs", f"{uncertainty_runs}: between 10 and 1,000,000 runs"
        )
    checks = _registry_checks(data, registry, claims)
    calc = _calculate(
        data, claims=claims, uncertainty_runs=uncertainty_runs, seed=seed, registry=checks
    )
    return Run(build_result(calc, ledger=anchor), calc)


def _registry_checks(
    data: EventData, exports: Iterable[PathLike], claims: pd.DataFrame | None
) -> list[RegistryCheck]:
    exports = list(exports)
    credits = data.tables.get("credits")
    if not exports:
        return []
    if credits is None:
        raise InputError(
            [said_problem("credits.csv", 0, "", said("detail.no_credits_table"), "missing")]
        )
    config = data.config
    elsewhere = claimed_elsewhere(credits.df, claims, kind="credit", event_id=config.id)
    return [
        check_against(
            credits.df,
            read_export(Path(e)),
            event_id=config.id,
            organiser=config.organiser,
            elsewhere=elsewhere,
        )
        for e in exports
    ]


def _ledger_claims(ledger: PathLike | None) -> tuple[pd.DataFrame | None, Any]:
    """The claims of a ledger (read only) and the head they were read at."""
    if ledger is None:
        return None, None

    with Ledger.open(str(ledger), create=False) as store:
        claims = store.claims_frame()
        seq, digest = store.head()
        name = store.name
    return claims, LedgerAnchor(file=name, audit_seq=seq, head_hash=digest)


@dataclass(frozen=True)
class ProvisionalRun:
    """A folder calculated on the rows that pass: `run` (None when nothing could be
    calculated), every problem, and what was set aside. Complete (no problems): `run` is what
    `calculate` gives. Otherwise it is for showing while the problems are fixed; reports and
    certificates are made from complete folders only."""

    run: Run | None
    problems: list[Any]
    rows_set_aside: int
    files_set_aside: list[str]

    @property
    def complete(self) -> bool:
        return not self.problems


def calculate_provisional(folder: PathLike, *, ledger: PathLike | None = None) -> ProvisionalRun:
    """`calculate`, but a folder with problems is calculated on the rows that pass instead of
    refused; the problems come back with the figures.

    >>> p = calculate_provisional("examples/cisce-2024")
    >>> p.complete, p.rows_set_aside
    (True, 0)
    """

    claims, anchor = _ledger_claims(ledger)
    p = calculate_passing(Path(folder), claims=claims)
    run = (
        Run(build_result(p.calculation, ledger=anchor), p.calculation)
        if p.calculation is not None
        else None
    )
    return ProvisionalRun(run, p.problems, p.rows_set_aside, p.files_set_aside)


def require_neutral(result: Result) -> None:
    """Raise NotNeutralError (exit 1) unless the event is neutral."""
    t = result.totals
    if t.status == "no_data":
        raise NotNeutralError("not neutral: the event folder holds no activity data")
    if not t.neutral:
        raise NotNeutralError(
            f"not neutral: gross {t.gross_tco2e:.3f} tCO2e exceeds eligible offsets "
            f"{t.offsets_eligible_tco2e:.3f} tCO2e by {t.net_tco2e:.3f} tCO2e"
        )


# -- claims under rule packs -------------------------------------------------------------------


def claims(run: Run) -> list[ClaimCheckOut]:
    """Every rule pack's verdict on the event's claim (may / may_not / not_checked), each
    reason with its rule and clause, the wording allowed, deadlines and evidence to keep
    (docs/rules.md). Packs are judged by the rules in force on the event's last day.

    >>> [c.pack for c in claims(calculate("examples/cisce-2024"))][:2]
    ['cn-instruments', 'eu-2024-825']
    """
    return list(run.result.claims)


def require_claims(checked: list[ClaimCheckOut], packs: Iterable[str]) -> None:
    """Raise ClaimRefused (exit 1) when a named pack says may_not; ArgumentError for a pack
    id that is not shipped (with the closest ids)."""
    known = {c.pack: c for c in checked}
    for pack in packs:
        if pack not in known:
            close = difflib.get_close_matches(pack, list(known), n=2, cutoff=0.4)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ArgumentError(
                "packs", f"{pack}: no such rule pack{hint}; one of {', '.join(known)}"
            )
        if known[pack].verdict == "may_not":
            failed = [r.note.text for r in known[pack].reasons if r.outcome == "fail"]
            raise ClaimRefused(f"{pack} says may_not: " + "; ".join(failed))


def claims_json(checked: list[ClaimCheckOut]) -> str:
    """The verdicts as JSON text (the result's `claims` field)."""
    text = orjson.dumps([c.model_dump(mode="json") for c in checked], option=orjson.OPT_INDENT_2)
    return text.decode("utf-8") + "\n"


def write_claims_json(checked: list[ClaimCheckOut], json_path: PathLike) -> None:
    """claims_json written atomically to `json_path`."""
    write_text_atomic(Path(json_path), claims_json(checked))


def claims_text(checked: list[ClaimCheckOut], *, lang: str = "en") -> str:
    """The verdicts as `carbonexpo claims` prints them (deadlines still open marked)."""
    return _claims_text(checked, lang=lang, today=dt.date.today())


# -- evidence packs -----------------------------------------------------------------------------


def evidence_pack(
    folder: PathLike,
    out: PathLike,
    *,
    key: PathLike | None = None,
    made_on: dt.date | None = None,
    ledger: PathLike | None = None,
    registry: Iterable[PathLike] = (),
) -> dict[str, Any]:
    """One zip an auditor takes away (docs/evidence.md): the event folder's inputs and evidence
    files, the factor data and rule packs used, the result (generated at `made_on`, default
    today), the reports (HTML and Markdown, zh and en) and a manifest of every entry's size and
    SHA-256, signed with `key` (an issuer key of `generate_keys`). The same folder on the same
    date gives the same bytes. `registry` exports are checked as `calculate` does and packed
    too (the re-run checks against the packed copies). Returns the manifest record;
    InputError as `calculate`.

    >>> evidence_pack("examples/cisce-2024", "pack.zip", key="issuer.key")  # doctest: +SKIP
    """
    day = made_on or dt.date.today()
    exports = [Path(e) for e in registry]
    # each step's memory is returned before the next (the pack's peak is the largest step's,
    # not their sum): the reports and the pack need the result only, not the calculation
    result = pack_result(calculate(folder, ledger=ledger, registry=exports).result, day)
    memory.give_back()
    packed_json = result_json_bytes(result)
    memory.give_back()
    reports = {
        f"report.{lang}.{suffix}": _report_bytes(result, f".{suffix}", lang)
        for lang in ("en", "zh")
        for suffix in ("html", "md")
    }
    return write_pack(
        Path(folder),
        result,
        reports,
        Path(out),
        key=Path(key) if key is not None else None,
        made_on=day,
        result_json=packed_json,
        exports=exports,
    )


def verify_evidence(
    pack: PathLike, *, public_key: PathLike | None = None, trust: PathLike | None = None
) -> PackVerification:
    """Check an evidence pack: the manifest's signature against a trusted key, every entry's
    hash (a changed byte is named by its entry), and the calculation re-run from the pack
    alone giving the packed result. `ok` only when all three hold."""
    trusted = load_trusted(Path(public_key) if public_key else None, Path(trust) if trust else None)
    return _verify_pack(Path(pack), trusted)


# -- credits against registry exports ---------------------------------------------------------


def check_credits(
    folder: PathLike, exports: Iterable[PathLike], *, ledger: PathLike | None = None
) -> list[RegistryCheck]:
    """Each credit row of credits.csv whose registry has an export among `exports` (Verra's VCU
    export, Gold Standard's credits export) checked against it: the serial range exists, was
    retired in the stated quantity, to this event, on the stated date — and, with `ledger`, not
    claimed there by another event. InputError for an export of another layout or a folder
    without credits.csv."""
    claims, _ = _ledger_claims(ledger)
    checks = _registry_checks(read_event(folder), exports, claims)
    if not checks:
        raise ArgumentError("exports", "give at least one registry export")
    return checks


def registry_check_text(checks: list[RegistryCheck], *, lang: str = "en") -> str:
    """What `carbonexpo credits check` prints: each mismatch at its row, then per export the
    rows checked, its SHA-256 and the day it was checked."""
    rows = []
    for c in checks:
        rows += [f"credits.csv:{m.row}: {render_note(m.note, lang)}" for m in c.mismatches]
    for c in checks:
        rows.append(
            f"{c.export.file} ({c.export.registry}, sha256 {c.export.sha256[:16]}…, checked "
            f"{dt.date.today().isoformat()}): {len(c.checked_rows)} row(s) checked, "
            f"{len(c.mismatches)} mismatch(es)"
        )
    return "\n".join(rows) + "\n"


def registry_check_json(checks: list[RegistryCheck]) -> str:
    """The checks as JSON: per export its file, registry, SHA-256, date, rows and mismatches."""
    today = dt.date.today().isoformat()
    body = [check_out(c, today).model_dump(mode="json") for c in checks]
    return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def write_registry_check_json(checks: list[RegistryCheck], json_path: PathLike) -> None:
    """registry_check_json written atomically to `json_path`."""
    write_text_atomic(Path(json_path), registry_check_json(checks))


# -- outputs ----------------------------------------------------------------------------------


def result_json(result: Result | Any) -> str:
    """UTF-8 JSON, two-space indent, no float noise (numbers.clean: tCO2e to the gram, other
    floats at 12 significant digits), a line end at the end. A NaN or infinity is refused."""
    return result_json_bytes(result).decode("utf-8")


def result_json_bytes(result: Result | Any) -> bytes:
    """result_json as the UTF-8 bytes written to a file (no text copy made on the way: the
    JSON of 100,000 credit rows is 42 MB; the credit rows dumped in chunks, see
    carbonexpo.result_dump)."""
    return _result_json_bytes(result)


LINES_SUFFIXES = (".csv", ".parquet", ".xlsx")


def check_output_paths(
    *,
    json_path: str | None = None,
    lines_path: PathLike | None = None,
    exhibitors_path: PathLike | None = None,
    xlsx_path: PathLike | None = None,
) -> None:
    """Refuse an output path whose extension does not say what would be written in it, before
    anything is calculated (a result JSON named .xlsx, lines to .docx).

    Raises ArgumentError naming the argument and the extensions it takes.
    """
    if json_path and json_path != "-" and Path(json_path).suffix.lower() not in ("", ".json"):
        # no extension (a pipe, /dev/null) is taken as it is; another one says another format
        raise ArgumentError("json_path", f"{json_path}: must end in .json (or be '-')")
    if lines_path and Path(lines_path).suffix.lower() not in LINES_SUFFIXES:
        raise ArgumentError("lines_path", "must end in .csv, .parquet or .xlsx")
    if exhibitors_path and Path(exhibitors_path).suffix.lower() != ".csv":
        raise ArgumentError("exhibitors_path", "must end in .csv")
    if xlsx_path and Path(xlsx_path).suffix.lower() != ".xlsx":
        raise ArgumentError("xlsx_path", f"{xlsx_path}: must end in .xlsx")


def write_outputs(
    run: Run,
    *,
    json_path: str | None = None,
    lines_path: PathLike | None = None,
    exhibitors_path: PathLike | None = None,
    xlsx_path: PathLike | None = None,
    lang: str = "en",
) -> None:
    """The result JSON ('-' for stdout), the inventory lines (.csv, .parquet or .xlsx), the
    per-exhibitor table (.csv) and the workbook (.xlsx, in `lang`), each written atomically.

    Raises ArgumentError for a path of the wrong kind, or lines more than a sheet holds (then
    nothing is written).
    """

    check_output_paths(
        json_path=json_path,
        lines_path=lines_path,
        exhibitors_path=exhibitors_path,
        xlsx_path=xlsx_path,
    )
    if exhibitors_path and run.exhibitors is None:
        raise ArgumentError("exhibitors_path", "needs booths.csv in the event folder")
    if lines_path and Path(lines_path).suffix.lower() == ".xlsx":
        lines_fit_a_sheet(len(run.lines))
    if json_path == "-":
        sys.stdout.write(result_json(run.result))
    elif json_path:
        write_pieces_atomic(Path(json_path), result_json_pieces(run.result))
    if lines_path:
        write_lines_of(run, Path(lines_path))
    if exhibitors_path and run.exhibitors is not None:
        table = run.exhibitors.copy()
        table["total_kgco2e"] = table["own_kgco2e"] + table["allocated_kgco2e"]
        # opened in spreadsheets: no formula injection
        safe = defuse_formulas(without_float_noise(table))
        write_frame_csv(Path(exhibitors_path), safe)
    if xlsx_path:
        write_bytes_atomic(Path(xlsx_path), workbook_bytes(run, lang=lang))


def lines_fit_a_sheet(count: int) -> None:
    """Refuse more inventory lines than one Excel sheet holds (1,048,575 below its header)."""

    if count + 1 > EXCEL_MAX_ROWS:
        raise ArgumentError(
            "lines_path",
            f"{count:,} lines: an Excel sheet holds {EXCEL_MAX_ROWS - 1:,}; write them to "
            ".csv or .parquet",
        )


def workbook_bytes(run: Run, *, lang: str = "en") -> bytes:
    """The result as an .xlsx workbook in `lang`: summary, categories × phases × scopes,
    instruments, credits, exhibitors, factors used, assumptions (numbers as numbers, units in
    the headers).

    >>> workbook_bytes(calculate("examples/cisce-2024"), lang="zh")[:2]
    b'PK'
    """

    return _workbook_bytes(run.result, run.lines, lang)


def without_float_noise(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns at 12 significant digits (numbers.round_sig), the rest as they are."""

    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = round_sig(out[col].to_numpy(dtype=np.float64))
    return out


def write_lines(lines: pd.DataFrame, path: Path) -> None:
    """The inventory lines to .csv, .parquet or .xlsx (atomically)."""

    out = without_float_noise(lines.drop(columns=["proxy"]))
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        write_atomic(path, lambda p: out.to_parquet(p, index=False))
    elif suffix == ".xlsx":
        lines_fit_a_sheet(len(out))
        write_atomic(path, lambda p: lines_workbook(out, p))
    else:
        write_csv_fast(out, path)


def write_lines_of(run: Run, path: Path) -> None:
    """A run's inventory lines to .csv or .parquet batch by batch (never every line in memory
    at once; the same CSV bytes as write_lines), or to .xlsx (a sheet holds them all anyway)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or "lines" in vars(run.calculation):  # .xlsx, or already built
        write_lines(run.lines, path)
        return
    batches = (
        without_float_noise(b.drop(columns=["proxy"])) for b in run.calculation.line_batches()
    )
    if suffix == ".parquet":
        write_parquet_batches(batches, path)
    else:
        write_csv_batches(batches, path)


REPORT_FORMATS = (".html", ".htm", ".md", ".pdf")


def _report_format(argument: str, suffix: str) -> None:
    """The one check of a report's format (its file's extension)."""
    if suffix.lower() not in REPORT_FORMATS:
        raise ArgumentError(argument, "must end in .html, .md or .pdf")


def write_report(
    run: Run, path: PathLike, *, lang: str = "en", exhibitor: str | None = None
) -> None:
    """The balance report (HTML, Markdown or PDF by extension), or one exhibitor's statement."""
    path = Path(path)
    _report_format("path", path.suffix)
    if exhibitor is None:
        _write_report(run.result, path, lang)
        return

    write_statement(run.calculation, run.result, exhibitor, path, lang)


REPORT_RUNS = 1000  # a report carries the 95 % intervals and the verdict's odds (seed 0)


def report_folder(
    folder: PathLike,
    path: PathLike,
    *,
    lang: str = "en",
    exhibitor: str | None = None,
    ledger: PathLike | None = None,
) -> Run:
    """`calculate` and `write_report` in one call, which is faster for an event PDF: a second
    process imports WeasyPrint and matplotlib and loads the fonts while the data is read
    (report.worker; the same bytes, rendered here when the worker is not worth it or fails)."""
    path = Path(path)
    _report_format("path", path.suffix)
    if path.suffix.lower() != ".pdf" or exhibitor is not None:
        run = calculate(folder, ledger=ledger, uncertainty_runs=REPORT_RUNS)
        write_report(run, path, lang=lang, exhibitor=exhibitor)
        return run

    with PdfWorker() as worker:
        run = calculate(folder, ledger=ledger, uncertainty_runs=REPORT_RUNS)
        write_bytes_atomic(path, worker.pdf(run.result, lang))
    return run


def report_bytes(run: Run, suffix: str, *, lang: str = "en", exhibitor: str | None = None) -> bytes:
    """What write_report would write, as bytes (for a web download)."""
    _report_format("suffix", suffix)
    if exhibitor is None:
        return _report_bytes(run.result, suffix, lang)

    return statement_bytes(run.calculation, run.result, exhibitor, suffix, lang)


# -- certificates -----------------------------------------------------------------------------


def generate_keys(out: PathLike) -> tuple[Path, Path]:
    """A new Ed25519 key pair: OUT (private, mode 600) and OUT.pub; never overwrites."""

    return _generate_keys(Path(out))


def issue_certificate(
    run: Run,
    *,
    key: PathLike,
    pdf: PathLike,
    issuer: str | None = None,
    issue_date: str | None = None,
    verify_url: str | None = None,
    evidence: PathLike | None = None,
) -> dict[str, Any]:
    """Sign the result and write PDF + cert.json beside it; CertificateRefused (exit 1) when the
    event is not neutral, has no data or an incomplete boundary. With `evidence` (the event's
    evidence pack), the certificate carries the pack's manifest hash; ArgumentError when the
    pack's result is not this run's."""

    pdf = Path(pdf)
    if pdf.suffix.lower() != ".pdf":
        raise ArgumentError("pdf", "must end in .pdf")
    if issue_date is not None:
        try:
            dt.date.fromisoformat(issue_date)
        except ValueError as exc:
            raise ArgumentError("issue_date", f"{issue_date!r} is not a date YYYY-MM-DD") from exc
    manifest_sha256 = None
    if evidence is not None:
        manifest_sha256, packed = pack_of(Path(evidence))
        if not same_result(packed, orjson.loads(result_json_bytes(run.result))):
            raise ArgumentError(
                "evidence", f"{Path(evidence).name}: its result is not this event's as calculated"
            )
    return _issue_certificate(
        run.result,
        key_path=Path(key),
        pdf_path=pdf,
        issuer=issuer or run.result.event.organiser or "unknown",
        issue_date=issue_date,
        verify_url=verify_url,
        evidence_sha256=manifest_sha256,
    )


def is_evidence_pack(path: PathLike) -> bool:
    """A zip (an evidence pack) rather than a certificate (PDF or JSON)."""
    return is_pack(Path(path))


def verify_certificate(
    cert: PathLike,
    *,
    public_key: PathLike | None = None,
    trust: PathLike | None = None,
    evidence: PathLike | None = None,
) -> Verification:
    """Hash, signature and signer of cert.json — or of the cert.json embedded in the
    certificate PDF: `ok` only when a trusted key signed it. With `evidence`, the evidence
    pack is verified too (verify_evidence) and must be the one the certificate names."""

    trusted = load_trusted(Path(public_key) if public_key else None, Path(trust) if trust else None)
    data = read_certificate(Path(cert))
    outcome = replace(verify(data, trusted), certificate=data)
    if evidence is None or not outcome.ok:
        return outcome
    pack = _verify_pack(Path(evidence), trusted)
    named = data["record"].get("evidence_manifest_sha256")
    why = list(pack.problems)
    if named is None:
        why.append("the certificate names no evidence pack (issued without --evidence)")
    elif named != pack.manifest_sha256:
        why.append(f"{Path(evidence).name} is not the evidence pack the certificate names")
    if why:
        return replace(outcome, ok=False, messages=why, said=[])
    return outcome


# -- folders, forms, exhibitors, factors, ledger ---------------------------------------------


def init_event(folder: PathLike, event_id: str = "my-event") -> list[Path]:
    """A new event folder: a commented event.yaml, header-only tables and TABLES.md."""

    return _init_event(Path(folder), event_id)


def write_exhibitor_form(
    folder: PathLike, form: PathLike, exhibitor: str = "", *, lang: str = "en"
) -> str:
    """An .xlsx form for one exhibitor of the event in `folder`, in `lang` (en or zh),
    pre-filled with the rows the tables hold for them; returns the event id. A form in either
    language is imported the same."""

    config, problems = load_config(Path(folder) / "event.yaml")
    raise_if(problems)
    assert config is not None
    rows = current(Path(folder), exhibitor) if exhibitor else None
    write_form(
        Path(form),
        event_id=config.id,
        event_name=config.name,
        exhibitor=exhibitor,
        prefill=rows,
        lang=lang,
    )
    return config.id


def import_forms(folder: PathLike, forms: Iterable[PathLike]) -> dict[str, int]:
    """Lay returned exhibitor forms over the folder's tables: checked as the files are, a
    cell changes only where it reads differently; rows per table the forms hold."""

    return _import_forms(Path(folder), [Path(f) for f in forms])


# -- planning: compare and scenarios -----------------------------------------------------------


def load_result(path: PathLike) -> tuple[Result, str]:
    """The result of an event folder (calculated, with 1,000 Monte Carlo runs for the
    verdict's odds) or of a result JSON, and a short name."""

    p = Path(path)
    if p.is_dir():
        return calculate(p, uncertainty_runs=1000).result, p.name
    if not p.is_file():
        raise ArgumentError("a/b", f"{p}: neither an event folder nor a result JSON")
    try:
        return Result.model_validate_json(p.read_bytes()), p.name
    except ValueError as exc:
        errors: list[dict[str, Any]] = list(getattr(exc, "errors", lambda: [])())
        if errors and errors[0].get("type") != "json_invalid":
            where = ".".join(str(x) for x in errors[0].get("loc", ()))
            why = f"{where}: {errors[0].get('msg', 'not as a result holds it')}"
            detail = f"not a carbonexpo result JSON ({len(errors)} field(s) wrong, first {why})"
        else:
            detail = "not a carbonexpo result JSON: not JSON text (give `calc --json` output)"
        raise InputError([Problem(p.name, 0, "", detail, "not_a_result")]) from None


def compare(a: PathLike, b: PathLike) -> Any:
    """Two results side by side (folders or result JSONs): calc.compare.Comparison."""

    ra, na = load_result(a)
    rb, nb = load_result(b)
    if na == nb:
        na, nb = str(a), str(b)
    return _compare(ra, rb, na, nb)


def scenario(folder: PathLike, scenario_file: PathLike, out: PathLike) -> Any:
    """Apply a what-if file to a copy of the event folder and compare it with the base.

    folder: the base event folder; scenario_file: the what-if YAML (docs/planning.md);
    out: a new (or empty) folder for the changed copy, whose event.yaml records the scenario,
    its changes and the gross emissions of both.

    Returns the Comparison of base and scenario. Raises InputError (a bad scenario file),
    ArgumentError (`out` not empty) or CarbonExpoError (the base is itself a scenario, or a
    table to change is an .xlsx).

    >>> scenario("examples/cisce-2024", "examples/scenario-rail.yaml", "rail")  # doctest: +SKIP
    """

    make_scenario(Path(folder), Path(scenario_file), Path(out), calculate)
    return compare(folder, out)


# -- carbon inclusiveness (碳普惠) -----------------------------------------------------------------


def phc_export(folder: PathLike, out: PathLike, *, method: str | None = None) -> dict[str, Any]:
    """visitors.csv's green-trip reductions as a CSV a carbon-inclusiveness platform can take
    (one row per visitors.csv row or visitor id); returns the summary."""

    if method is not None and method not in METHODS:
        raise ArgumentError("method", f"unknown method {method!r} (known: {', '.join(METHODS)})")
    data = read_event(folder)
    table = data.tables.get("visitors")
    if table is None:
        raise InputError(
            [said_problem("visitors.csv", 0, "", said("detail.phc_needs_visitors"), "missing_file")]
        )
    resolver = FactorResolver.for_event(list(data.config.factor_sets), data.user_factors)
    result = rewards(table.df, data.config, resolver, file=table.file, method_id=method)
    frame = result.rows.assign(
        event_id=data.config.id,
        programme_id=result.programme_id or "",
        method_source=result.method.source,
    )
    safe = defuse_formulas(without_float_noise(frame))
    write_frame_csv(Path(out), safe)
    return result.summary()


# -- the web face ----------------------------------------------------------------------------


def report_labels(lang: str) -> dict[str, str]:
    """The report's words (and the glossary's terms) in one language, by name.

    >>> report_labels("zh")["electricity"]
    '电力'
    """

    return LABELS[lang]


def event_config(folder: PathLike) -> EventConfig:
    """The event's settings (event.yaml) alone, without reading its tables.

    Raises InputError listing every problem of event.yaml.

    >>> event_config("examples/cisce-2024").timezone
    'Asia/Shanghai'
    """

    config, problems = load_config(Path(folder) / "event.yaml")
    if config is None:
        raise InputError(problems)
    return config


def invite(
    folder: PathLike, *, renew: bool = False, base_url: str = ""
) -> tuple[list[tuple[str, str | None, str]], int]:
    """Secret links for the staff and every exhibitor of booths.csv that has none yet.

    folder: the event folder (event.yaml and booths.csv).
    renew: revoke every earlier link and make new ones for all.
    base_url: prefixed to each link's path (e.g. https://expo.example.org).

    Returns ([(role, exhibitor or None, url)], how many earlier links were kept). Only the
    tokens' hashes are stored, so a link is shown once. Raises InputError when event.yaml does
    not load, booths.csv is missing, or one exhibitor is written two ways.

    >>> links, kept = invite("my-event", base_url="https://expo.example.org")  # doctest: +SKIP
    """

    event_config(folder)
    links, kept = invite_exhibitors(Path(folder), renew=renew)
    base = base_url.rstrip("/")
    return [(link.access.role, link.access.exhibitor, base + link.path()) for link in links], kept


def mail_invites(
    folder: PathLike,
    *,
    smtp: str,
    sender: str,
    base_url: str = "",
    renew: bool = False,
    lang: str | None = None,
    dry_run: bool = False,
    password: str | None = None,
) -> MailedInvites:
    """Invite every exhibitor of booths.csv by mail: its link to the address(es) of its
    `contact_email` cells, in `lang` (default: Chinese for an event in China, else English).

    smtp: smtp://HOST[:PORT], smtp+starttls://USER@HOST[:587] or smtps://USER@HOST[:465];
    password: for the login when the URL holds none. dry_run: say who would get which
    address, make no link and send nothing.

    Returns MailedInvites: who was mailed, the links not mailed (with why: shown once, send
    them another way), the links kept from before. Raises InputError (no booths.csv, a
    malformed address, one exhibitor written two ways) or ArgumentError (a bad URL or sender;
    a server that cannot be reached) before any link is made.

    >>> mail_invites("expo", smtp="smtp://127.0.0.1:25", sender="expo@example.org",
    ...              dry_run=True)  # doctest: +SKIP
    """

    config = event_config(folder)
    return invite_by_mail(
        Path(folder),
        config,
        smtp=smtp,
        sender=sender,
        base_url=base_url,
        renew=renew,
        lang=lang,
        dry_run=dry_run,
        password=password,
    )


# -- visitor travel -------------------------------------------------------------------------


def attendance_columns(kind: str) -> list[str]:
    """The columns of registrations.csv, scans.csv or survey.csv (what --map may name)."""
    return [c.name for c in SCHEMAS[kind].columns]


def import_attendance(
    export: PathLike,
    folder: PathLike,
    kind: str,
    *,
    rename: dict[str, str] | None = None,
    replace: bool = False,
) -> Imported:
    """A registration system's export into the folder's registrations.csv, scans.csv or
    survey.csv: checked as that table (in the event's time zone), headers renamed by `rename`
    (HEADER: '-' leaves one out; headers that are no column are left out and listed), attendee
    ids replaced by the folder's keyed pseudonyms; written atomically (`replace` to replace an
    existing table)."""
    config, _ = settings_of(Path(folder))
    return _import_attendance(
        Path(export), Path(folder), kind, timezone=config.timezone, rename=rename, replace=replace
    )


__all__ = [
    "CATEGORIES",
    "ENTRY_SECTIONS",
    "ENTRY_VERSION_FIELD",
    "TABLES",
    "Access",
    "Checked",
    "ClaimCheckOut",
    "Entry",
    "EntryCheck",
    "Imported",
    "Ledger",
    "MailedInvites",
    "MissingCJKFontWarning",
    "PackVerification",
    "ProvisionalRun",
    "RegistryCheck",
    "Result",
    "Run",
    "add_meter",
    "add_meters_from",
    "attendance_columns",
    "booth_rows",
    "calculate",
    "calculate_provisional",
    "check_credits",
    "check_entry",
    "check_output_paths",
    "claim_event",
    "claims",
    "claims_json",
    "claims_text",
    "compare",
    "comparison_text",
    "entry_choices",
    "entry_estimate",
    "entry_rows",
    "estimate_many",
    "estimate_one",
    "event_config",
    "evidence_pack",
    "exhibitor_page",
    "exhibitor_progress",
    "export_energy",
    "find_access",
    "folder_lock",
    "format_estimates",
    "generate_keys",
    "import_attendance",
    "import_forms",
    "import_readings",
    "init_event",
    "invite",
    "is_evidence_pack",
    "issue_certificate",
    "lines_fit_a_sheet",
    "list_meters",
    "load_result",
    "load_set",
    "load_sources",
    "mail_invites",
    "migrate_ledger",
    "open_entry",
    "parse_entry",
    "phc_export",
    "read_certificate",
    "read_event",
    "registry_check_json",
    "registry_check_text",
    "render_note",
    "render_template",
    "report_bytes",
    "report_context",
    "report_folder",
    "report_labels",
    "require_claims",
    "require_neutral",
    "result_json",
    "result_json_bytes",
    "save_entry",
    "scenario",
    "schema_reference",
    "search_factors",
    "set_ids",
    "site_secret",
    "submissions",
    "summary_text",
    "table_reference",
    "templates_dir",
    "token_hash",
    "validate",
    "validate_factors_file",
    "verify_certificate",
    "verify_evidence",
    "with_footprints",
    "without_float_noise",
    "workbook_bytes",
    "write_claims_json",
    "write_exhibitor_form",
    "write_lines",
    "write_lines_of",
    "write_outputs",
    "write_registry_check_json",
    "write_report",
]
