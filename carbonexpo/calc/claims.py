"""The facts of a calculated event that rule packs judge (rules.named.Facts), and the verdict
of every pack (rules.check) as the result states it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc.calculate import Calculation
from carbonexpo.calc.offsets import removals_tco2e
from carbonexpo.config import EventConfig
from carbonexpo.geo import region_at
from carbonexpo.rules.check import ClaimCheck, check_claims
from carbonexpo.rules.named import Credit, Document, Facts, Instrument

# rejections that depend on the standard (its registries, its window): a pack judges those
# credits by its own rules; any other rejection (not retired for this event, claimed by another
# event, too old, the event's own programme) makes a credit unusable under every pack
BY_STANDARD = frozenset({"registry_not_accepted", "sink_not_accepted", "retired_late"})


def regions_of(config: EventConfig) -> tuple[str, ...]:
    """ISO 3166-2 provinces of the venue and the sites (given, or read from the coordinates);
    for Hong Kong and Macao, their country codes."""
    out: list[str] = []
    for place in (config.venue, *config.sites):
        region = place.region or region_at(place.latitude, place.longitude, place.country)
        if region is None and place.country in ("HK", "MO"):
            region = place.country
        if region is not None and region not in out:
            out.append(region)
    return tuple(out)


def _credits(frame: pd.DataFrame) -> tuple[Credit, ...]:
    if frame.empty:
        return ()
    retired = pd.to_datetime(frame["retired_on"], errors="coerce")
    out = []
    for registry, vintage, day, tco2e, kind, reasons in zip(
        frame["registry"].astype(str),
        frame["vintage"].to_numpy(dtype=np.int64),
        retired,
        frame["tco2e"].to_numpy(dtype=np.float64),
        frame["kind"].astype(str),
        frame["reasons"],
        strict=True,
    ):  # credit blocks: thousands at most, one small record each
        codes = {n.code for n in reasons or ()}
        out.append(
            Credit(
                registry=registry,
                vintage=int(vintage),
                retired_on=None if pd.isna(day) else day.date(),
                tco2e=float(tco2e),
                kind=kind,
                usable=codes <= BY_STANDARD,
            )
        )
    return tuple(out)


def _instruments(frame: pd.DataFrame) -> tuple[Instrument, ...]:
    if frame.empty:
        return ()
    used = frame[frame["mwh_applied"].to_numpy(dtype=np.float64) > 0]
    return tuple(
        Instrument(str(i), str(t), float(m))
        for i, t, m in zip(used["instrument_id"], used["type"], used["mwh_applied"], strict=True)
    )


def facts_of(calc: Calculation) -> Facts:
    config = calc.data.config
    folder = calc.data.folder
    documents = {
        key: Document(d.file, (folder / d.file).is_file(), d.date)
        for key, d in config.claim.documents.items()
    }
    countries = tuple(dict.fromkeys(p.country for p in (config.venue, *config.sites)))
    return Facts(
        start=config.phases.start,
        end=config.phases.end,
        visits=config.visits,
        area_m2=config.venue.area_m2,
        countries=countries,
        regions=regions_of(config),
        markets=tuple(config.claim.markets),
        standard=config.claim.standard,
        no_data=calc.completeness.no_data,
        tested_tco2e=calc.balance.tested_tco2e,
        gross_tco2e=calc.balance.gross_tco2e,
        credits=_credits(calc.offsets.credits),
        instruments=_instruments(calc.green_power.instruments),
        removals_tco2e=removals_tco2e(calc.offsets.credits),
        documents=documents,
        route=config.claim.route,
    )


def claims_of(calc: Calculation) -> list[ClaimCheck]:
    return check_claims(facts_of(calc))


def claim_record(check: ClaimCheck) -> dict[str, Any]:
    """One pack's verdict as the result holds it."""
    p = check.pack
    wording = check.wording
    return {
        "pack": p.id,
        "version": p.version,
        "kind": p.kind,
        "standard": p.standard,
        "document": p.document,
        "title": p.title.en,
        "effective_from": p.effective_from.isoformat(),
        "applies": check.applies,
        "verdict": check.verdict,
        "reasons": [
            {"rule": r.rule, "clause": r.clause, "outcome": r.outcome, "note": r.note}
            for r in check.reasons
        ],
        "wording": None if wording is None else {"en": wording.en, "zh": wording.zh},
        "deadlines": [
            {"date": d.date.isoformat(), "rule": d.rule, "clause": d.clause, "note": d.note}
            for d in check.deadlines
        ],
        "evidence": [{"en": e.en, "zh": e.zh} for e in p.evidence] if check.applies else [],
    }
