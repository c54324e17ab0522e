"""`carbonexpo ledger …`: the venue ledger of meters, readings and claims, in an SQLite file
or in PostgreSQL (`--db postgresql://…`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, handle_errors, map_option, parse_map

DB = click.option(
    "--db",
    "db",
    envvar="CARBONEXPO_DB",
    default="carbonexpo.db",
    show_default=True,
    help="ledger: an SQLite file, or postgresql://user@host/dbname (or $CARBONEXPO_DB)",
)


@click.group(context_settings=CONTEXT)
def ledger() -> None:
    """The venue ledger: meter readings and cross-event claims, in one SQLite file or in
    PostgreSQL for many venues and a shared registry of claims.

    Example: carbonexpo ledger init --db venue.db --timezone Asia/Shanghai
    """


@ledger.command("init", context_settings=CONTEXT)
@DB
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="time zone of timestamps without an offset in BMS exports",
)
@handle_errors
def init_cmd(db: str, timezone: str) -> None:
    """Create the ledger (or check an existing one).

    Example: carbonexpo ledger init --db venue.db --timezone Asia/Shanghai
    """
    from carbonexpo.api import Ledger

    with Ledger.open(db, create=True, timezone=timezone) as store:
        click.echo(f"ledger {store.name} ready (time zone {store.timezone})")


@ledger.group("meters", context_settings=CONTEXT)
def meters_group() -> None:
    """Meters known to the ledger.

    Example: carbonexpo ledger meters add E-A1-01 --carrier electricity --unit kWh --hall A1
    """


@meters_group.command("add", context_settings=CONTEXT)
@DB
@click.argument("meter_id", required=False)
@click.option("--carrier")
@click.option("--unit")
@click.option(
    "--from",
    "from_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="add every meter of a CSV: meter, carrier, unit[, hall, cumulative, rollover]",
)
@click.option("--hall")
@click.option("--cumulative", is_flag=True, help="the meter reports a running counter")
@click.option("--rollover", type=float, help="the counter wraps to 0 after this value")
@handle_errors
def meters_add(
    db: str,
    meter_id: str | None,
    carrier: str | None,
    unit: str | None,
    from_csv: Path | None,
    hall: str | None,
    cumulative: bool,
    rollover: float | None,
) -> None:
    """Add a meter, or every meter of a CSV with --from.

    Example: carbonexpo ledger meters add GAS-1 --carrier natural_gas --unit m3 --cumulative
    """
    from carbonexpo.api import Ledger, add_meter, add_meters_from
    from carbonexpo.errors import OptionError

    if from_csv is not None:
        if meter_id or carrier or unit:
            raise OptionError("--from", "give either METER_ID with its options, or --from")
        with Ledger.open(db) as store:
            n = add_meters_from(store, from_csv)
        click.echo(f"added {n} meter(s) from {from_csv.name}")
        return
    if not (meter_id and carrier and unit):
        raise OptionError("METER_ID", "give METER_ID --carrier C --unit U, or --from meters.csv")

    with Ledger.open(db) as store:
        add_meter(
            store,
            meter_id,
            carrier=carrier,
            unit=unit,
            hall=hall,
            cumulative=cumulative,
            rollover=rollover,
        )
    click.echo(f"added meter {meter_id}")


@meters_group.command("list", context_settings=CONTEXT)
@DB
@handle_errors
def meters_list(db: str) -> None:
    """List meters with their number of readings.

    Example: carbonexpo ledger meters list --db venue.db
    """
    from carbonexpo.api import Ledger
    from carbonexpo.api import list_meters as meters

    with Ledger.open(db) as store:
        table = meters(store)
    if table.empty:
        click.echo("no meters")
        return
    click.echo(table.to_string(index=False, na_rep="–"))


@ledger.command("import", context_settings=CONTEXT)
@DB
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cumulative", is_flag=True, help="treat every meter of the file as a counter")
@map_option("Zeitstempel=timestamp")
@handle_errors
def import_cmd(db: str, file: Path, cumulative: bool, mapping: tuple[str, ...]) -> None:
    """Import a BMS export (CSV/XLSX: meter, timestamp, value[, end]; headers in any case);
    idempotent.

    Example: carbonexpo ledger import bms-2024-11.csv --db venue.db --map Zeitstempel=timestamp
    """
    rename = parse_map(mapping, ["meter", "timestamp", "value", "end"])
    from carbonexpo.api import Ledger
    from carbonexpo.api import import_readings as import_file

    with Ledger.open(db) as store:
        size = file.stat().st_size
        show = size > 20_000_000 and sys.stderr.isatty()
        with click.progressbar(
            length=max(size // 40, 1),
            label=f"importing {file.name}",
            file=sys.stderr,
            hidden=not show,
        ) as bar:
            summary = import_file(
                store,
                file,
                force_cumulative=cumulative,
                progress=lambda n: bar.update(n),
                rename=rename,
            )
    if summary["already_imported"]:
        click.echo(f"{file.name}: already imported, nothing added")
        return
    for note in summary["notes"]:
        click.echo(f"note: {note}")
    click.echo(
        f"{file.name}: {summary['added']} interval(s) added, {summary['ignored']} already present"
    )


@ledger.command("export-energy", context_settings=CONTEXT)
@DB
@click.option(
    "--event",
    "folder",
    type=DIR,
    required=True,
    help="event folder (its event.yaml gives the period)",
)
@click.option("--force", is_flag=True, help="replace an existing energy.csv")
@handle_errors
def export_energy_cmd(db: str, folder: Path, force: bool) -> None:
    """Write the event's energy.csv from the stored readings of its reporting period.

    Example: carbonexpo ledger export-energy --event my-expo --db venue.db
    """
    from carbonexpo.api import Ledger, export_energy

    with Ledger.open(db) as store:
        target = export_energy(store, folder, force=force)
    click.echo(f"wrote {target}")


@ledger.command("claim", context_settings=CONTEXT)
@DB
@click.argument("folder", type=DIR)
@handle_errors
def claim_cmd(db: str, folder: Path) -> None:
    """Record the event's applied green-power and eligible credit blocks; refuse any block
    already claimed by another event.

    Example: carbonexpo ledger claim examples/cisce-2024 --db venue.db
    """
    from carbonexpo.api import Ledger, claim_event

    with Ledger.open(db) as store:
        summary = claim_event(store, folder)
    click.echo(
        f"claimed {summary['claimed']} block(s) ({summary['already']} already claimed by "
        f"this event, {summary['not_claimable']} not applied or not eligible)"
    )


@ledger.command("verify", context_settings=CONTEXT)
@DB
@click.option(
    "--expect-head",
    "expect_head",
    metavar="SEQ:HASH|CERT",
    help="the head an earlier run printed, or a certificate (cert.json or its PDF) whose "
    "ledger anchor to hold the log to: catches a log cut short or rewritten and re-hashed",
)
@handle_errors
def verify_cmd(db: str, expect_head: str | None) -> None:
    """Re-check the hash chain of the audit log, the rows each entry wrote and the settings
    (meta) the log recorded; print the head to keep for next time.

    Example: carbonexpo ledger verify --db venue.db --expect-head 12:3f5a…
    """
    from carbonexpo.api import Ledger
    from carbonexpo.errors import OptionError, VerificationFailed

    expected = None
    if expect_head is not None and Path(expect_head).is_file():
        expected = _anchor_of_certificate(Path(expect_head))
    elif expect_head is not None:
        seq_text, _, digest = expect_head.strip().partition(":")
        digest = digest.strip().lower()
        if (
            not seq_text.strip().isdigit()
            or len(digest) != 64
            or not all(c in "0123456789abcdef" for c in digest)
        ):
            raise OptionError(
                "--expect-head", f"{expect_head!r}: expected SEQ:HASH, e.g. 12:<64 hex digits>"
            )
        expected = (int(seq_text), digest)
    with Ledger.open(db) as store:
        broken = store.verify()
        if broken is None and expected is not None:
            broken = store.check_head(expected)
        entries = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
        seq, digest = store.head()
    if broken:
        raise VerificationFailed(f"BROKEN at audit entry {broken.seq}: {broken.why}")
    click.echo(f"ledger intact: {entries} audit entries verified; head {seq}:{digest}")
    if expected is None:
        click.echo(
            "note: without --expect-head, entries removed from the end, or a log rewritten "
            "and re-hashed by someone who can write to the database, cannot be told from an "
            "intact ledger: keep the head above (a certificate records it) and pass it next time"
        )
    else:
        click.echo(f"the expected head {expected[0]}:{expected[1][:12]}… is in the log")


def _anchor_of_certificate(path: Path) -> tuple[int, str]:
    """(audit_seq, head_hash) of the ledger a certificate's calculation was checked against."""
    from carbonexpo.api import read_certificate
    from carbonexpo.errors import OptionError

    cert = read_certificate(path)
    record = cert.get("record") if isinstance(cert, dict) else None
    anchor = record.get("ledger") if isinstance(record, dict) else None
    if not isinstance(anchor, dict) or "audit_seq" not in anchor or "head_hash" not in anchor:
        raise OptionError(
            "--expect-head",
            f"{path.name} records no ledger (its event was calculated without --ledger)",
        )
    return int(anchor["audit_seq"]), str(anchor["head_hash"])


@ledger.command("migrate", context_settings=CONTEXT)
@click.option("--from", "source", required=True, help="the ledger to copy (file or URL)")
@click.option("--to", "target", required=True, help="an empty ledger to create (file or URL)")
@handle_errors
def migrate_cmd(source: str, target: str) -> None:
    """Copy a ledger entry for entry — audit chain, meters, readings, counters, imports,
    claims — into a new database, then verify both.

    Example: carbonexpo ledger migrate --from venue.db --to postgresql://carbonexpo@db/ledger
    """
    from carbonexpo.api import Ledger, migrate_ledger

    with Ledger.open(source) as src, Ledger.open(target, create=True, migrate=True) as dst:
        counts = migrate_ledger(src, dst)
        name = dst.name
    listed = ", ".join(f"{n:,} {t}" for t, n in counts.items())
    click.echo(f"copied to {name}: {listed}; both verify")
