"""Library entry points the CLI calls: run a calculation, write its outputs, summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc.calculate import Calculation, calculate
from carbonexpo.calc.result import build_result
from carbonexpo.io.event import read_event
from carbonexpo.io.writers import defuse_formulas, write_atomic, write_text_atomic
from carbonexpo.numbers import clean_tree, round_sig


def run_calc(folder: Path, *, ledger: Path | None = None) -> tuple[Calculation, dict[str, Any]]:
    data = read_event(folder)
    claims = None
    head = None
    if ledger is not None:
        from carbonexpo.ledger.store import Ledger

        with Ledger.open(ledger, create=False) as store:
            claims = store.claims_frame()
            head = store.head()
    calc = calculate(data, claims=claims)
    result = build_result(calc)
    if head is not None and ledger is not None:
        result["ledger"] = {"file": ledger.name, "audit_seq": head[0], "head_hash": head[1]}
    return calc, result


def result_json(result: Any) -> str:
    """UTF-8 JSON, two-space indent, no float noise (numbers.clean: tCO2e to the gram, other
    floats at 12 significant digits). A NaN or infinity is refused (orjson would write null,
    hiding a bug)."""
    import orjson

    cleaned = clean_tree(result)
    return (
        orjson.dumps(cleaned, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY).decode(
            "utf-8"
        )
        + "\n"
    )


def write_outputs(
    calc: Calculation,
    result: dict[str, Any],
    *,
    json_path: str | None,
    lines_path: Path | None,
    exhibitors_path: Path | None,
) -> None:
    if json_path == "-":
        import sys

        sys.stdout.write(result_json(result))
    elif json_path:
        write_text_atomic(Path(json_path), result_json(result))
    if lines_path:
        write_lines(calc.lines, lines_path)
    if exhibitors_path and calc.exhibitors is not None:
        table = calc.exhibitors.copy()
        table["total_kgco2e"] = table["own_kgco2e"] + table["allocated_kgco2e"]
        safe = defuse_formulas(
            without_float_noise(table)
        )  # opened in spreadsheets: no formula injection
        write_atomic(exhibitors_path, lambda p: safe.to_csv(p, index=False))


def without_float_noise(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns at 12 significant digits (numbers.round_sig), the rest as they are."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = round_sig(out[col].to_numpy(dtype=np.float64))
    return out


def write_lines(lines: pd.DataFrame, path: Path) -> None:
    out = without_float_noise(lines.drop(columns=["proxy"]))
    if path.suffix.lower() == ".parquet":
        write_atomic(path, lambda p: out.to_parquet(p, index=False))
    else:
        write_atomic(path, lambda p: out.to_csv(p, index=False))


def summary_text(result: dict[str, Any]) -> str:
    t = result["totals"]
    w = 34
    rows = [
        f"{result['event']['name']} ({result['event']['id']})",
        f"standard: {result['claim']['standard']}; basis: {result['claim']['basis']}",
        "",
        f"{'location-based':<{w}} {t['location_based_tco2e']:>14,.3f} tCO2e",
        f"{'market-based':<{w}} {t['market_based_tco2e']:>14,.3f} tCO2e",
        f"{'  scope 1':<{w}} {t['scope1_tco2e']:>14,.3f} tCO2e",
        f"{'  scope 2 (location)':<{w}} {t['scope2_location_tco2e']:>14,.3f} tCO2e",
        f"{'  scope 2 (market)':<{w}} {t['scope2_market_tco2e']:>14,.3f} tCO2e",
        f"{'  scope 3':<{w}} {t['scope3_tco2e']:>14,.3f} tCO2e",
        f"{'electricity':<{w}} {t['electricity_mwh']:>14,.3f} MWh",
        f"{'green power applied':<{w}} {t['green_power_applied_mwh']:>14,.3f} MWh",
        f"{'eligible offsets':<{w}} {t['offsets_eligible_tco2e']:>14,.3f} tCO2e",
        f"{'gross (' + result['claim']['basis'] + ')':<{w}} {t['gross_tco2e']:>14,.3f} tCO2e",
        f"{'net':<{w}} {t['net_tco2e']:>14,.3f} tCO2e",
        "",
        "by category:",
    ]
    rows += [f"  {k:<{w - 2}} {v:>14,.3f} tCO2e" for k, v in result["by_category"].items() if v]
    rejected_i = sum(1 for i in result["instruments"] if i["status"] == "rejected")
    rejected_c = sum(1 for c in result["credits"] if c["status"] == "rejected")
    rows += [
        "",
        f"instruments: {len(result['instruments'])} ({rejected_i} rejected); "
        f"credit blocks: {len(result['credits'])} ({rejected_c} rejected)",
        VERDICTS[t["status"]].format(net=t["net_tco2e"]),
    ]
    return "\n".join(rows)


VERDICTS = {
    "neutral": "NEUTRAL",
    "not_neutral": "NOT NEUTRAL: short by {net:,.3f} tCO2e",
    "no_data": "NO DATA: the folder holds no activity data, so no claim can be made",
}


def write_report_for(
    calc: Calculation,
    result: dict[str, Any],
    path: Path,
    *,
    lang: str,
    exhibitor: str | None = None,
) -> None:
    from carbonexpo.report.write import write_report

    if exhibitor is None:
        write_report(result, path, lang)
        return
    from carbonexpo.report.statement import write_statement

    write_statement(calc, result, exhibitor, path, lang)
