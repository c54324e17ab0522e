"""One reading of every input (issue 30): a table file (CSV or .xlsx), an exhibitor form, a web
save and `booth estimate` options read the same cells into the same tables; saves change only
what was edited; the live estimate is what `calc` attributes to the exhibitor's rows; every
problem of a folder comes out of one `validate`, and the same from `calc`."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from carbonexpo import api
from carbonexpo.booth import entry as ex
from carbonexpo.booth import own_rows
from carbonexpo.booth.estimate import BoothSpec, spec_tables
from carbonexpo.booth.forms import SHEETS, import_forms
from carbonexpo.errors import InputError
from carbonexpo.io.event import load_config
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import read_rows, read_table
from tests.conftest import EXAMPLE, run_cli

A = "CN Supply Chain Co. 001"
CONFIG, _ = load_config(EXAMPLE / "event.yaml")

# what people type, each accepted: separators, units in cells, synonyms, Chinese names
ORIGINS = ["Frankfurt", "Shanghai", "上海", "FRA", "Beijing, CN", "tianjin", "Guangzhou"]
MODES = ["plane", "air", "AIR", "Flight", "high speed rail", "hsr", "高铁", "train", "coach"]
FREIGHT_MODES = ["truck", "lorry", "hgv", "HGV", "rail", "ship", "sea", "air_freight"]
COUNTRIES = ["CN", "cn", "China", "中国", "DE", "Germany", "德国", "JP"]


def number_text(draw: st.DrawFn, value: int) -> str:
    style = draw(st.sampled_from(["plain", "sep", "space", "float"]))
    if style == "sep":
        return f"{value:,}"
    if style == "space":
        return f" {value} "
    if style == "float":
        return f"{value}.0"
    return str(value)


@st.composite
def staff_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row = {
            "origin": draw(st.sampled_from(ORIGINS)),
            "mode": draw(st.sampled_from(MODES)),
            "travellers": number_text(draw, draw(st.integers(1, 3000))),
            "round_trips": draw(st.sampled_from(["1", "2", " 1 "])),
        }
        if draw(st.booleans()):
            row["distance_km"] = draw(st.sampled_from(["1,200", "950 km", "600 mi", "80"]))
        rows.append(row)
    return rows


@st.composite
def freight_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for i in range(draw(st.integers(1, 3))):
        rows.append(
            {
                "shipment": f"S-{i}",
                "mode": draw(st.sampled_from(FREIGHT_MODES)),
                "mass_kg": draw(st.sampled_from(["2.5 t", "1,200", "800kg", "300", "0.4 t"])),
                "origin": draw(st.sampled_from(["Tianjin", "Shanghai", "上海", "Hamburg"])),
            }
        )
    return rows


@st.composite
def hotel_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    return [
        {
            "country": draw(st.sampled_from(COUNTRIES)),
            "room_nights": number_text(draw, draw(st.integers(1, 5000))),
        }
        for _ in range(draw(st.integers(1, 3)))
    ]


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """A table's values without pandas' storage choices (categories, dtypes)."""
    out = df.drop(columns=["_row"]).copy()
    for c in out.columns:
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    filled = [c for c in out.columns if out[c].notna().any()]  # an empty column = no column
    return out[sorted(filled)].reset_index(drop=True)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    pd.DataFrame(rows, columns=columns).fillna("").to_csv(path, index=False)


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    wb = Workbook()
    ws = wb.active
    ws.append(columns)
    for r in rows:
        ws.append([r.get(c, "") for c in columns])
    wb.save(path)


def new_event(tmp: Path) -> Path:
    folder = tmp / "ev"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE / "event.yaml", folder / "event.yaml")
    (folder / "booths.csv").write_text(
        f"exhibitor,booth,area_m2,build,hall\n{A},A1-100,36,shell,A1\n", encoding="utf-8"
    )
    return folder


SECTION_OF = {"travel": "staff", "logistics": "freight", "accommodation": "hotels"}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(staff=staff_rows(), freight=freight_rows(), hotels=hotel_rows())
def test_every_entry_point_reads_the_same_tables(tmp_path_factory, staff, freight, hotels) -> None:
    tmp = tmp_path_factory.mktemp("entry")
    typed = {
        "travel": [{"group": "exhibitor_staff", **r, "exhibitor": A} for r in staff],
        "logistics": [{**r, "exhibitor": A} for r in freight],
        "accommodation": [{**r, "exhibitor": A} for r in hotels],
    }
    # 1. table files, CSV and .xlsx; 2. rows of cell texts (what the web and forms hand over)
    expected: dict[str, pd.DataFrame] = {}
    for table, rows in typed.items():
        csv_path, xlsx_path = tmp / f"{table}.csv", tmp / f"{table}.xlsx"
        write_csv(csv_path, rows)
        write_xlsx(xlsx_path, rows)
        from_csv, p1 = read_table(csv_path, SCHEMAS[table], csv_path.name, CONFIG.timezone)
        from_xlsx, p2 = read_table(xlsx_path, SCHEMAS[table], xlsx_path.name, CONFIG.timezone)
        from_rows, p3 = read_rows(rows, SCHEMAS[table], csv_path.name, CONFIG.timezone)
        assert p1 == p2 == p3 == []
        expected[table] = canonical(from_csv.df)
        pd.testing.assert_frame_equal(canonical(from_xlsx.df), expected[table])
        pd.testing.assert_frame_equal(canonical(from_rows.df), expected[table])
        assert [(r.column, r.what, r.how) for r in from_rows.readings] == [
            (r.column, r.what, r.how) for r in from_csv.readings
        ]

    def saved_tables(folder: Path) -> dict[str, pd.DataFrame]:
        out = {}
        for table in typed:
            t, problems = read_table(
                folder / f"{table}.csv", SCHEMAS[table], f"{table}.csv", CONFIG.timezone
            )
            assert problems == [], problems
            out[table] = canonical(t.df[t.df["exhibitor"] == A].drop(columns=[], errors="ignore"))
        return out

    def without_group(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        return {t: f[sorted(f.columns)].reset_index(drop=True) for t, f in frames.items()}

    # 3. a web save
    web = new_event(tmp / "web")
    fields = {
        f"{SECTION_OF[t]}-{i}-{c}": v
        for t, rows in typed.items()
        for i, r in enumerate(rows)
        for c, v in r.items()
        if c not in ("group", "exhibitor")
    }
    checked, counts = ex.save(web, A, ex.parse_form(fields))
    assert counts is not None, (checked.errors, checked.general)
    got = saved_tables(web)
    for table in typed:
        pd.testing.assert_frame_equal(without_group(got)[table], without_group(expected)[table])
    # 4. an exhibitor form, returned
    forms = new_event(tmp / "form")
    form = tmp / "form.xlsx"
    api.write_exhibitor_form(forms, form, A)
    wb = load_workbook(form)
    for table, rows in typed.items():
        sheet = wb[SECTION_OF[table].capitalize()]
        # the headers are labels (Issue 33: "From", "出发地"); the sheet's columns are its codes
        columns = next(s for s in SHEETS if s.name == sheet.title).columns
        for r, row in enumerate(rows, start=2):
            for c, name in enumerate(columns, start=1):
                if row.get(name):
                    sheet.cell(r, c).value = row[name]
                    sheet.cell(r, c).data_type = "s"
    wb.save(form)
    import_forms(forms, [form])
    got = saved_tables(forms)
    for table in typed:
        pd.testing.assert_frame_equal(without_group(got)[table], without_group(expected)[table])
    # 5. booth estimate options: --staff ORIGIN:MODE:COUNT reads as a travel row does
    spec = BoothSpec(
        area_m2=9,
        build="shell",
        days=5,
        staff=[(r["origin"], r["mode"], r["travellers"]) for r in staff],
        exhibitor=A,
    )
    options = spec_tables(spec, CONFIG)["travel"].df
    rows = [
        {"group": "exhibitor_staff", "origin": r["origin"], "mode": r["mode"],
         "travellers": r["travellers"], "round_trips": "1", "exhibitor": A}
        for r in staff
    ]  # fmt: skip
    from_rows, _ = read_rows(rows, SCHEMAS["travel"], "travel.csv", CONFIG.timezone)
    pd.testing.assert_frame_equal(canonical(options), canonical(from_rows.df))


def test_refused_everywhere_with_the_same_message(tmp_path) -> None:
    """A value refused in a file is refused on the web, in a form and as an option, with the
    message a file gets."""
    rows = [
        {"group": "exhibitor_staff", "origin": "Shanghai", "mode": "rocket", "travellers": "1,5"}
    ]
    _, from_rows = read_rows(rows, SCHEMAS["travel"], "travel.csv")
    messages = sorted(p.message for p in from_rows)
    assert messages == [
        "'1,5' is not a number — write 1.5 (a comma is read only between thousands, as in 1,200)",
        "unknown value 'rocket' (allowed: walk, bike, metro, bus, coach, taxi, car, ev_car, "
        "rail, hsr, air, ferry)",
    ]
    folder = new_event(tmp_path)
    checked = ex.check(
        folder, A, ex.parse_form({"staff-0-origin": "Shanghai", "staff-0-mode": "rocket",
                                  "staff-0-travellers": "1,5"})
    )  # fmt: skip
    assert sorted(p.message for v in checked.errors.values() for p in v) == messages
    r = run_cli("booth", "estimate", "--area", "9", "--staff", "Shanghai:rocket:1,5")
    assert r.returncode == 2
    assert sorted(line.split(": ", 2)[2] for line in r.stderr.splitlines()[:-1]) == messages


def exhibitor_with_hidden_columns(tmp_path: Path) -> Path:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "logistics.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(f'"SHP-Q",{A},hgv,"1,200",,Tianjin,,tear_down\n')
    return folder


def test_an_unchanged_web_save_changes_no_byte(tmp_path) -> None:
    folder = exhibitor_with_hidden_columns(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    sections = ex.current(folder, A)
    assert [r["mass_kg"] for r in sections["freight"]] == ["1264", "1264", "1,200"]
    _, counts = ex.save(folder, A, ex.entry_of(sections, own_rows.version(folder, A)))
    assert counts is not None
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before


def test_a_web_edit_changes_only_the_edited_cell(tmp_path) -> None:
    folder = exhibitor_with_hidden_columns(tmp_path)
    before = (folder / "logistics.csv").read_text(encoding="utf-8").splitlines()
    sections = ex.current(folder, A)
    sections["freight"][1]["mass_kg"] = "1300"
    entry = ex.entry_of(sections, own_rows.version(folder, A))
    entry.rows["freight"] = [row for row in entry.rows["freight"] if row[0] != 2]  # delete one
    entry.rows["hotels"] = [(0, {"country": "Deutschland", "room_nights": "2"})]
    checked, counts = ex.save(folder, A, entry)
    assert counts is None  # refused: nothing written
    assert {k: [(p.code, p.message) for p in v] for k, v in checked.errors.items()} == {
        "hotels-0-country": [
            ("unknown_country", "unknown country 'Deutschland' (did you mean DE, Germany?): "
             "write its two-letter ISO code, e.g. CN or DE")
        ]
    }  # fmt: skip
    assert (folder / "logistics.csv").read_text(encoding="utf-8").splitlines() == before
    entry.rows["hotels"] = [(0, {"country": "DE", "room_nights": "2"})]
    _, counts = ex.save(folder, A, entry)
    assert counts is not None
    after = (folder / "logistics.csv").read_text(encoding="utf-8").splitlines()
    # the return leg keeps its phase (tear_down) and its place; SHP-Q is removed; the rest of
    # the file stays as it was, line for line
    edited = f"SHP-0001R,{A},hgv,1264,,,Tianjin,tear_down"
    assert edited in before
    assert after == [
        f"SHP-0001R,{A},hgv,1300,,,Tianjin,tear_down" if line == edited else line
        for line in before[:-1]
    ]
    hotels = (folder / "accommodation.csv").read_text(encoding="utf-8").splitlines()
    assert hotels[-1] == f"DE,2,{A}"


def test_a_stale_page_is_refused(tmp_path) -> None:
    folder = exhibitor_with_hidden_columns(tmp_path)
    entry = ex.entry_of(ex.current(folder, A), own_rows.version(folder, A))
    with (folder / "travel.csv").open("a", encoding="utf-8") as f:
        f.write(f"exhibitor_staff,{A},Beijing,hsr,2,1,,\n")  # the organiser adds a row
    with pytest.raises(ex.RowsChanged):
        ex.save(folder, A, entry)


def prefilled_form(tmp_path: Path) -> tuple[Path, dict[str, bytes], Path, Workbook]:
    """A copy of the example (exhibitor A with a row holding hidden columns), its tables'
    bytes, and A's pre-filled form."""
    folder = exhibitor_with_hidden_columns(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    form = tmp_path / "form.xlsx"
    api.write_exhibitor_form(folder, form, A)
    return folder, before, form, load_workbook(form)


def test_an_unchanged_prefilled_form_changes_no_byte(tmp_path) -> None:
    folder, before, form, wb = prefilled_form(tmp_path)
    assert [c.value for c in wb["Freight"][4]] == ["SHP-Q", "hgv", "1,200", None, "Tianjin", None]
    # a spreadsheet turns a typed '1,200' into the number 1200: the same reading, no change
    wb["Freight"]["C4"].value = 1200
    wb.save(form)
    api.import_forms(folder, [form])
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before
    # one edited cell: one changed line, the hidden phase kept
    wb["Freight"]["C4"].value = 1500
    wb.save(form)
    api.import_forms(folder, [form])
    after = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    assert [n for n in after if after[n] != before[n]] == ["logistics.csv"]
    assert after["logistics.csv"].decode().splitlines()[-1] == (
        f"SHP-Q,{A},hgv,1500,,Tianjin,,tear_down"
    )


def test_a_form_with_an_unknown_country_is_refused_before_merging(tmp_path) -> None:
    folder, before, form, wb = prefilled_form(tmp_path)
    wb["Hotels"]["A2"].value = "Deutschland"
    wb["Hotels"]["B2"].value = 3
    wb["Staff"]["B2"].value = "plane"  # a synonym: accepted, as in a file
    wb.save(form)
    with pytest.raises(InputError) as caught:
        api.import_forms(folder, [form])
    assert [str(p) for p in caught.value.problems] == [
        "form.xlsx:Hotels:A2: unknown country 'Deutschland' (did you mean DE, Germany?): "
        "write its two-letter ISO code, e.g. CN or DE"
    ]
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before


# -- the estimate is the calculation ---------------------------------------------------------


def random_entry(rng: random.Random) -> dict[str, str]:
    fields: dict[str, str] = {}
    for i in range(rng.randint(0, 3)):
        fields |= {
            f"staff-{i}-origin": rng.choice(ORIGINS),
            f"staff-{i}-mode": rng.choice(MODES),
            f"staff-{i}-travellers": rng.choice(["1", "2", "1,200", "4", "12.0"]),
            f"staff-{i}-round_trips": rng.choice(["", "1", "2"]),
        }
        if rng.random() < 0.3:
            fields[f"staff-{i}-cabin"] = rng.choice(["economy", "business", "business class"])
    for i in range(rng.randint(0, 2)):
        fields |= {
            f"freight-{i}-shipment": f"F{i}",
            f"freight-{i}-mode": rng.choice(FREIGHT_MODES),
            f"freight-{i}-mass_kg": rng.choice(["2.5 t", "1,200", "800kg", "75"]),
            f"freight-{i}-origin": rng.choice(["Tianjin", "Shanghai", "Hamburg", "上海"]),
        }
    for i in range(rng.randint(0, 2)):
        fields |= {
            f"hotels-{i}-country": rng.choice(COUNTRIES),
            f"hotels-{i}-room_nights": rng.choice(["3", "1,200", "40"]),
        }
    for i in range(rng.randint(0, 2)):
        fields |= {
            f"materials-{i}-material": rng.choice(["timber", "carpet", "mdf", "aluminium"]),
            f"materials-{i}-mass_kg": rng.choice(["120", "1.5 t", "2,000"]),
            f"materials-{i}-origin": rng.choice(["virgin", "Virgin", ""]),
        }
    return fields


@pytest.mark.slow
def test_the_live_estimate_is_what_calc_attributes(tmp_path) -> None:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    booths = pd.read_csv(folder / "booths.csv")
    rng = random.Random(30)
    names = rng.sample(sorted(booths["exhibitor"]), 50)
    estimates = {}
    for name in names:
        entry = ex.parse_form(random_entry(rng))
        checked, counts = ex.save(folder, name, entry)
        assert counts is not None, (name, checked.errors, checked.general)
        # the page after the save: the rows as saved, estimated
        saved = ex.entry_of(ex.current(folder, name))
        checked = ex.check(folder, name, saved)
        assert checked.ok
        estimates[name] = (ex.estimate(CONFIG, name, checked), checked)
    run = api.calculate(folder)
    own = run.exhibitors.groupby(["exhibitor", "category"])["own_kgco2e"].sum()
    labels = {"travel": "staff travel", "logistics": "freight", "accommodation": "hotels"}
    compared = 0
    for name, (est, checked) in estimates.items():
        categories = dict(labels)
        if checked.tables.get("materials") is not None:  # given rows, not the default
            categories["materials"] = "build materials"
        for category, label in categories.items():
            calc_kg = float(own.get((name, category), 0.0))
            assert abs(est.by_group[label] * 1000 - calc_kg) < 1e-3, (name, category)
            compared += calc_kg > 0
    assert compared >= 50


# -- one pass ------------------------------------------------------------------------------


def folder_with_one_problem_of_each_kind(tmp_path: Path) -> Path:
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE, folder)

    def append(name: str, text: str) -> None:
        with (folder / name).open("a", encoding="utf-8") as f:
            f.write(text)

    append("travel.csv", f"exhibitor_staff,{A},Atlantis Qq,air,2,1,,\n")  # place
    append("travel.csv", f"exhibitor_staff,{A},Berlin,rocket,2,1,,\n")  # enumeration
    append("accommodation.csv", f"Deutschland,12,{A}\n")  # country
    append("accommodation.csv", f'KE,"1,5",{A}\n')  # number, then a factor
    append("accommodation.csv", f"KE,3,{A}\n")  # a factor the sets do not have
    append("refrigerants.csv", "R-32,3,kWh,open\n")  # unit of the wrong dimension
    append("refrigerants.csv", "R-32,3,furlong,open\n")  # unknown unit
    append("catering.csv", "standard,10,,extra\n")  # a row of another shape
    append("booths.csv", "CN Supply Chain Co. 001,A1-100,10,shell,A1\n")  # cross-row
    shutil.copy(folder / "travel.csv", folder / "travle.csv")  # a file no table reads
    return folder


EXPECTED_ONE_PASS = [
    "accommodation.csv:64:country: unknown country 'Deutschland'",
    "accommodation.csv:65:room_nights: '1,5' is not a number — write 1.5",
    "accommodation.csv:66:factor_key: no emission factor for hotel nights in KE",
    "booths.csv:622:exhibitor:",
    "catering.csv:6:: 4 cells where the header has 3 columns",
    "refrigerants.csv:5:unit: unit 'kWh' has the wrong dimension",
    "refrigerants.csv:6:unit:",
    "travel.csv:721:origin: place 'Atlantis Qq' not found",
    "travel.csv:722:mode: unknown value 'rocket'",
]


def test_every_problem_in_one_pass_from_validate_and_calc(tmp_path) -> None:
    folder = folder_with_one_problem_of_each_kind(tmp_path)
    with pytest.raises(InputError) as from_validate:
        api.validate(folder)
    with pytest.raises(InputError) as from_calc:
        api.calculate(folder)
    lines = [str(p) for p in from_validate.value.problems]
    assert lines == [str(p) for p in from_calc.value.problems]
    assert len(lines) == len(EXPECTED_ONE_PASS), lines
    for line, start in zip(lines, EXPECTED_ONE_PASS, strict=True):
        assert line.startswith(start), (line, start)
    assert not any("Traceback" in line or "factor_key: emission factor" in line for line in lines)


def test_a_file_no_table_reads_is_named_with_the_closest_table(tmp_path) -> None:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    shutil.copy(folder / "travel.csv", folder / "travle.csv")
    (folder / "attendees.csv").write_text("id\n1\n", encoding="utf-8")
    r = run_cli("validate", str(folder))
    assert r.returncode == 0
    assert (
        "warning: travle.csv: not a table carbonexpo reads, its rows are not in the inventory "
        "— did you mean travel.csv? (rename it, or move it out of the event folder)"
    ) in r.stderr.splitlines()
    assert "warning: attendees.csv: not a table carbonexpo reads" in r.stderr
    run = api.calculate(folder)
    codes = [w.code for w in run.result.warnings]
    assert codes.count("unknown_file") == 1 and codes.count("unknown_file_unmatched") == 1
    html = api.report_bytes(run, ".html").decode()
    assert "travle.csv: not a table carbonexpo reads" in html


def test_validate_names_each_ambiguous_place(tmp_path) -> None:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "travel.csv").open("a", encoding="utf-8") as f:
        f.write(f"exhibitor_staff,{A},Frankfurt,air,1,1,,\n")
    r = run_cli("validate", str(folder))
    assert "note: travel.origin: 'Frankfurt' matched several places: Frankfurt am Main" in (
        r.stdout
    )


def test_an_init_folder_is_not_warned_about_hourly_matching(tmp_path) -> None:
    r = run_cli("init", str(tmp_path / "new"))
    assert r.returncode == 0
    r = run_cli("validate", str(tmp_path / "new"))
    assert r.returncode == 0 and "hourly" not in r.stderr


def test_verify_says_plainly_what_is_not_a_certificate_or_a_public_key(tmp_path) -> None:
    keys = tmp_path / "issuer.key"
    api.generate_keys(keys)
    junk = tmp_path / "notes.json"
    junk.write_text("hello", encoding="utf-8")
    r = run_cli("verify", str(junk), "--public-key", str(tmp_path / "issuer.key.pub"))
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "Error: notes.json is not a carbonexpo certificate: give the cert.json written by "
        "`carbonexpo certificate`, or the certificate PDF that carries it"
    )
    r = run_cli("verify", str(junk), "--public-key", str(keys))
    assert r.returncode == 2
    assert r.stderr.strip() == (
        f"Error: {keys} is the private key: give its public key, issuer.key.pub (and keep "
        "the private key to yourself)"
    )


def test_a_chinese_form_reads_back_as_the_english_one(tmp_path) -> None:
    """Issue 33: the exhibitor form in Chinese (sheet names, headers, instructions); its cells
    are the tables' values, so it imports exactly as the English form does."""
    folder = exhibitor_with_hidden_columns(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    form = tmp_path / "表格.xlsx"
    api.write_exhibitor_form(folder, form, A, lang="zh")
    wb = load_workbook(form)
    assert wb.sheetnames == ["填写说明", "展位", "人员差旅", "货运", "材料", "住宿"]
    assert [c.value for c in wb["货运"][1]] == [
        "货物",
        "方式",
        "重量（kg）",
        "距离（km）",
        "出发地",
        "目的地",
    ] or wb["货运"]["A1"].value
    instructions = "\n".join(
        str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value
    )
    assert "参展商" in instructions and "hsr = 高铁" in instructions
    api.import_forms(folder, [form])  # unchanged: no byte changes
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before
    wb["货运"]["C4"].value = 1500
    wb["住宿"]["A2"].value = "Deutschland"
    wb["住宿"]["B2"].value = 3
    wb.save(form)
    with pytest.raises(InputError) as caught:
        api.import_forms(folder, [form])
    assert [p.where.split(": ")[0] for p in caught.value.problems] == ["表格.xlsx:住宿:A2"]
