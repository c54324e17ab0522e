"""Results in Excel: `calc --xlsx` and `--lines x.xlsx`, read back with openpyxl; output paths
checked before anything is calculated."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from carbonexpo import api
from carbonexpo.errors import ArgumentError
from carbonexpo.report.workbook import EXCEL_MAX_ROWS
from tests.conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("xlsx")
    r = run_cli(
        "calc", str(EXAMPLE), "--json", str(d / "r.json"), "--xlsx", str(d / "r.xlsx"),
        "--lang", "zh", "--lines", str(d / "lines.xlsx"),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return d


def test_the_workbook_holds_the_result_as_numbers(outputs) -> None:
    result = json.loads((outputs / "r.json").read_text(encoding="utf-8"))
    book = load_workbook(outputs / "r.xlsx", read_only=True)
    assert book.sheetnames == [
        "摘要",
        "排放类别",
        "绿电凭证",
        "碳信用",
        "参展商",
        "所用排放因子",
        "假设",
    ]
    summary = {row[0]: row[1] for row in book["摘要"].iter_rows(min_row=2, values_only=True)}
    totals = result["totals"]
    # the JSON states tCO2e to the gram; the workbook keeps every digit
    assert summary["排放总量（tCO2e）"] == pytest.approx(totals["gross_tco2e"], abs=1e-6)
    assert summary["净排放（tCO2e）"] == pytest.approx(totals["net_tco2e"], abs=1e-9)
    assert summary["合格抵消量（tCO2e）"] == pytest.approx(totals["offsets_eligible_tco2e"])
    assert summary["用电量（MWh）"] == pytest.approx(totals["electricity_mwh"])
    # categories × phases × scopes add up to the location- and market-based totals
    rows = list(book["排放类别"].iter_rows(min_row=2, values_only=True))
    assert all(isinstance(r[3], float) and isinstance(r[2], int) for r in rows)
    assert sum(r[3] for r in rows) == pytest.approx(totals["location_based_tco2e"], rel=1e-9)
    assert sum(r[4] for r in rows) == pytest.approx(totals["market_based_tco2e"], rel=1e-9)
    assert {r[0] for r in rows} >= {"电力", "交通出行"}  # categories in the chosen language
    credits = list(book["碳信用"].iter_rows(min_row=2, values_only=True))
    assert len(credits) == len(result["credits"])
    eligible = sum(r[6] for r in credits if r[7] == result_term("eligible"))
    assert eligible == pytest.approx(totals["offsets_eligible_tco2e"])
    exhibitors = list(book["参展商"].iter_rows(min_row=2, values_only=True))
    assert len({r[0] for r in exhibitors}) == 620


def result_term(status: str) -> str:
    from carbonexpo.words import say

    return say("label." + status, "zh")


def test_lines_to_a_sheet_keep_every_line(outputs) -> None:
    result = json.loads((outputs / "r.json").read_text(encoding="utf-8"))
    sheet = load_workbook(outputs / "lines.xlsx", read_only=True)["lines"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == result["data_quality"]["lines"]
    kg = rows[0].index("kgco2e")
    assert sum(r[kg] for r in rows[1:]) / 1000 == pytest.approx(
        result["totals"]["location_based_tco2e"], rel=1e-9
    )


@pytest.mark.parametrize(
    ("count", "fits"),
    [(EXCEL_MAX_ROWS - 2, True), (EXCEL_MAX_ROWS - 1, True), (EXCEL_MAX_ROWS, False)],
)
def test_lines_fit_a_sheet_up_to_its_last_row(count, fits) -> None:
    if fits:
        api.lines_fit_a_sheet(count)
    else:
        with pytest.raises(ArgumentError, match="an Excel sheet holds 1,048,575"):
            api.lines_fit_a_sheet(count)


@pytest.mark.parametrize(
    ("option", "name", "said"),
    [
        ("--json", "r.xlsx", "--json: "),
        ("--xlsx", "r.json", "--xlsx: "),
        ("--lines", "l.docx", "--lines: "),
        ("--exhibitors", "e.xlsx", "--exhibitors: "),
    ],
)
def test_every_output_path_is_checked_before_calculating(tmp_path, option, name, said) -> None:
    """A folder with a problem answers about the output name, not the folder: the name was
    checked first, and nothing was written."""
    import shutil

    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE, folder)
    (folder / "travel.csv").write_text("nonsense\n1\n", encoding="utf-8")
    r = run_cli("calc", str(folder), option, str(tmp_path / name))
    assert r.returncode == 2 and r.stderr.startswith(said), r.stderr
    assert not (tmp_path / name).exists()
