"""Claims that can be trusted (spec §9): completeness, no data, scaffolds, trusted keys,
wording, exit codes, forms of another event, no float noise in written files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonexpo.certificate.keys import generate_keys
from tests.conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("keys")
    private, _ = generate_keys(d / "issuer.key")
    return private


def example_copy(tmp_path: Path, yaml_extra: str = "", drop: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    for name in drop:
        (folder / f"{name}.csv").unlink()
    if yaml_extra:
        with (folder / "event.yaml").open("a", encoding="utf-8") as f:
            f.write(yaml_extra)
    return folder


def calc_json(folder: Path) -> dict:
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def certify(folder: Path, key: Path, tmp_path: Path):
    return run_cli("certificate", str(folder), "--key", str(key), "-o", str(tmp_path / "c.pdf"))


# -- 1. completeness ---------------------------------------------------------------------


def test_a_deleted_table_is_warned_about_and_refused(tmp_path, key) -> None:
    folder = example_copy(tmp_path, drop=("travel",))
    r = run_cli("calc", str(folder))
    assert r.returncode == 0
    assert "no data and no exclusion for: travel" in r.stderr
    r = certify(folder, key, tmp_path)
    assert r.returncode == 1
    assert "categories without data and without an exclusion in event.yaml: travel" in r.stderr
    assert not (tmp_path / "c.pdf").exists() and not (tmp_path / "c.json").exists()


def test_a_declared_exclusion_is_certified_and_listed(tmp_path, key) -> None:
    folder = example_copy(
        tmp_path,
        "exclusions:\n  waste: {reason: 'collected by the city, not weighed', "
        "estimate_tco2e: 12.5}\n",
        drop=("waste",),
    )
    result = calc_json(folder)
    assert result["boundary"]["exclusions"] == [
        {
            "category": "waste",
            "reason": "collected by the city, not weighed",
            "estimate_tco2e": 12.5,
        }
    ]
    assert result["boundary"]["complete"]
    assert {w["code"] for w in result["warnings"]} == {"factor_boundaries", "green_power_surplus"}
    r = certify(folder, key, tmp_path)
    assert r.returncode == 0, r.stderr
    record = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["record"]
    assert record["boundary"]["exclusions"] == [
        {
            "category": "waste",
            "reason": "collected by the city, not weighed",
            "estimate_tco2e": "12.500000",
        }
    ]
    from pypdf import PdfReader

    from carbonexpo.report.pdf import cjk_font_available

    if cjk_font_available():
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / "c.pdf").pages)
        assert "collected by the city" in text
    r = run_cli("report", str(folder), "-o", str(tmp_path / "r.md"))
    assert r.returncode == 0
    assert "collected by the city, not weighed (Estimate 12.5 tCO2e)" in (
        tmp_path / "r.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("exclusion", "message"),
    [
        ("{reason: not weighed}", "exclusion of waste lacks estimate_tco2e"),
        ("{estimate_tco2e: 3}", "exclusion of waste lacks reason"),
        ("{reason: '  ', estimate_tco2e: 3}", "exclusion of waste lacks reason"),
        ("{reason: big, estimate_tco2e: 2000}", "above claim.max_excluded_share 5.0 %"),
    ],
)
def test_incomplete_or_material_exclusions_are_refused(tmp_path, key, exclusion, message):
    folder = example_copy(tmp_path, f"exclusions:\n  waste: {exclusion}\n", drop=("waste",))
    assert any(message in w["text"] for w in calc_json(folder)["warnings"])
    r = certify(folder, key, tmp_path)
    assert r.returncode == 1 and message in r.stderr


def test_the_materiality_threshold_is_the_events(tmp_path, key) -> None:
    folder = example_copy(
        tmp_path, "exclusions:\n  waste: {reason: big, estimate_tco2e: 2000}\n", drop=("waste",)
    )
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace(
            "  radiative_forcing: true", "  radiative_forcing: true\n  max_excluded_share: 0.1"
        )
    )
    assert certify(folder, key, tmp_path).returncode == 0


# -- 2, 3. no data; scaffolds are not data ------------------------------------------------


def test_a_fresh_init_folder_has_no_data_and_no_certificate(tmp_path, key) -> None:
    folder = tmp_path / "ex"
    assert run_cli("init", str(folder), "--id", "ex-2025").returncode == 0
    result = calc_json(folder)
    t = result["totals"]
    assert t["offsets_eligible_tco2e"] == 0 and t["green_power_applied_mwh"] == 0
    assert t["status"] == "no_data" and t["neutral"] is False
    assert result["claim"]["wording"]["kind"] == "no_data"
    r = run_cli("calc", str(folder))
    assert "NO DATA" in r.stdout
    assert run_cli("calc", str(folder), "--require-neutral").returncode == 1
    r = certify(folder, key, tmp_path)
    assert r.returncode == 1 and "holds no activity data" in r.stderr
    # the example rows are where a person sees them, not in the tables
    assert "GEC-2025-001" in (folder / "TABLES.md").read_text(encoding="utf-8")
    assert (folder / "credits.csv").read_text(encoding="utf-8").count("\n") == 1


def test_deleting_every_table_gives_no_certificate(tmp_path, key) -> None:
    folder = tmp_path / "e"
    assert run_cli("init", str(folder), "--id", "e-2025").returncode == 0
    for f in folder.glob("*.csv"):
        f.unlink()
    r = certify(folder, key, tmp_path)
    assert r.returncode == 1 and not (tmp_path / "c.pdf").exists()


# -- 4. trusted keys ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory, key) -> Path:
    d = tmp_path_factory.mktemp("cert")
    r = run_cli("certificate", str(EXAMPLE), "--key", str(key), "-o", str(d / "cert.pdf"))
    assert r.returncode == 0, r.stderr
    return d / "cert.json"


def test_embedded_key_alone_is_not_authenticated(cert) -> None:
    r = run_cli("verify", str(cert))
    assert r.returncode == 1
    assert "issuer not authenticated" in r.stderr and "VALID" not in r.stdout


def test_a_record_re_signed_by_anyone_fails_against_the_trusted_key(cert, key, tmp_path):
    from carbonexpo.certificate.keys import load_private
    from carbonexpo.certificate.record import sign

    forged_key, _ = generate_keys(tmp_path / "forger.key")
    c = json.loads(cert.read_text(encoding="utf-8"))
    record = dict(c["record"], issuer="Someone Else")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(sign(record, load_private(forged_key))), encoding="utf-8")
    assert run_cli("verify", str(forged)).returncode == 1
    r = run_cli("verify", str(forged), "--public-key", str(key.with_suffix(".key.pub")))
    assert r.returncode == 1 and "key mismatch" in r.stderr


def test_trust_dir(cert, key, tmp_path) -> None:
    trust = tmp_path / "trust"
    trust.mkdir()
    generate_keys(tmp_path / "other.key")
    shutil.copy(tmp_path / "other.key.pub", trust / "other.pub")
    r = run_cli("verify", str(cert), "--trust", str(trust))
    assert r.returncode == 1 and "key mismatch" in r.stderr
    shutil.copy(tmp_path / "other.key.pub", trust / "another.pub")
    r = run_cli("verify", str(cert), "--trust", str(trust))
    assert r.returncode == 1 and "not signed with any of the 2 trusted keys" in r.stderr
    shutil.copy(key.with_suffix(".key.pub"), trust / "issuer.pub")
    r = run_cli("verify", str(cert), "--trust", str(trust))
    assert r.returncode == 0 and "VALID" in r.stdout and "issuer.pub" in r.stdout


# -- 5. wording -----------------------------------------------------------------------------


def test_eu_market_switches_to_compensated_wording(tmp_path, key) -> None:
    folder = example_copy(tmp_path)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("  radiative_forcing: true", "  radiative_forcing: true\n  markets: [CN, de]")
    )
    wording = calc_json(folder)["claim"]["wording"]
    assert wording["kind"] == "compensated" and "2024/825" in wording["rule"]
    assert wording["headline"]["code"] == "claim_compensated"
    assert not re.search(r"carbon neutral\b", wording["headline"]["text"], re.I)
    assert wording["headline"]["text"].startswith("Emissions compensated by retired credits")
    assert certify(folder, key, tmp_path).returncode == 0
    record = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["record"]
    assert record["claim"]["kind"] == "compensated"
    assert "实现碳中和" not in record["claim"]["headline_zh"]
    assert record["claim"]["headline_zh"].startswith("排放已由注销的碳信用补偿")


def test_wording_states_green_power_reductions_and_offsets_apart() -> None:
    wording = json.loads(run_cli("calc", str(EXAMPLE), "--json", "-").stdout)["claim"]["wording"]
    assert wording["kind"] == "carbon_neutral"
    assert wording["green_electricity"]["text"].startswith(
        "Green electricity: 2,162.618 of 2,162.618"
    )
    assert wording["reductions"]["text"].startswith("Reductions:")
    assert wording["offsets"]["text"].startswith("Offsets: 28,597.376 tCO2e of 34,000.000")


# -- 6. one exit-code table -----------------------------------------------------------------

BAD_INPUT = [
    ("booth", "estimate", "--area", "0"),
    ("booth", "estimate", "--area", "9", "--staff", "Shanghai:rocket:2"),
    ("ledger", "export-energy", "--db", "{tmp}/missing.db", "--event", str(EXAMPLE)),
    ("ledger", "verify", "--db", "{tmp}/missing.db"),
    ("ledger", "meters", "list", "--db", "{tmp}/missing.db"),
    ("calc", "{tmp}/nowhere"),
    ("calc", str(EXAMPLE), "--lines", "{tmp}/x.txt"),
    ("validate", "{tmp}"),
    ("report", str(EXAMPLE), "-o", "{tmp}/r.docx"),
    ("report", str(EXAMPLE), "-o", "{tmp}/r.md", "--exhibitor", "Nobody Ltd"),
    ("factors", "show", "no.such.key"),
    ("certificate", str(EXAMPLE), "--key", "{tmp}/none.key", "-o", "{tmp}/c.pdf"),
    ("verify", "{tmp}/none.json"),
    ("import-forms", str(EXAMPLE), "{tmp}/none.xlsx"),
    ("keys", "generate"),
    ("no-such-command",),
]


@pytest.mark.parametrize("args", BAD_INPUT, ids=lambda a: " ".join(a[:3]))
def test_bad_input_exits_2_everywhere(tmp_path, args) -> None:
    r = run_cli(*(a.format(tmp=tmp_path) for a in args))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr


def test_requirements_not_met_exit_1(tmp_path, key, event) -> None:
    folder = event({"accommodation": "country,room_nights\nCN,10\n"})
    assert run_cli("calc", str(folder), "--require-neutral").returncode == 1
    assert certify(folder, key, tmp_path).returncode == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert run_cli("verify", str(bad)).returncode == 1


def test_help_shows_the_exit_codes() -> None:
    for args in (("--help",), ("calc", "--help"), ("ledger", "claim", "--help")):
        out = run_cli(*args).stdout
        wanted = r"Exit codes: 0 done.*1 a\s+requirement\s+not\s+met.*2 bad\s+input"
        assert re.search(wanted, out, re.S)
    readme = (EXAMPLE.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "| 1 |" in readme and "| 2 |" in readme


# -- 7. forms carry their event -----------------------------------------------------------


def test_a_form_of_another_event_is_bad_input(tmp_path) -> None:
    other = tmp_path / "other"
    assert run_cli("init", str(other), "--id", "other-2025").returncode == 0
    form = tmp_path / "form.xlsx"
    r = run_cli("init", str(other), "--exhibitor-form", str(form), "--exhibitor", "Acme")
    assert r.returncode == 0 and "(event other-2025)" in r.stdout
    wb = load_workbook(form)
    assert wb["Instructions"]["B3"].value == "other-2025"
    assert wb["Instructions"]["B4"].value == "2"
    mine = example_copy(tmp_path)
    before = (mine / "booths.csv").read_bytes()
    r = run_cli("import-forms", str(mine), str(form))
    assert r.returncode == 2
    assert "form.xlsx:Instructions:B3: this form is for event 'other-2025', not 'cisce-2024'" in (
        r.stderr
    )
    assert (mine / "booths.csv").read_bytes() == before


def test_a_form_without_version_is_bad_input(tmp_path) -> None:
    mine = example_copy(tmp_path)
    form = tmp_path / "old.xlsx"
    assert (
        run_cli("init", str(mine), "--exhibitor-form", str(form), "--exhibitor", "A").returncode
        == 0
    )
    wb = load_workbook(form)
    wb["Instructions"]["B4"] = None
    wb.save(form)
    r = run_cli("import-forms", str(mine), str(form))
    assert r.returncode == 2 and "old.xlsx:Instructions:B4: form version missing" in r.stderr


# -- 8. no float noise --------------------------------------------------------------------

NOISE = re.compile(r"\d\.\d*(?:0000000|9999999)\d")


def test_result_json_and_csv_outputs_have_no_float_noise(tmp_path) -> None:
    out = tmp_path / "r.json"
    ex = tmp_path / "ex.csv"
    lines = tmp_path / "lines.csv"
    r = run_cli(
        "calc", str(EXAMPLE), "--json", str(out), "--exhibitors", str(ex), "--lines", str(lines)
    )
    assert r.returncode == 0, r.stderr
    for path in (out, ex):
        assert not NOISE.search(path.read_text(encoding="utf-8")), path
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["totals"]["electricity_mwh"] == 2162.6179  # was 2162.6178999999997
    assert result["totals"]["gross_tco2e"] == 28597.376415  # tCO2e to the gram
    assert not NOISE.search(lines.read_text(encoding="utf-8")[:2_000_000])


def test_counter_differences_keep_the_meters_precision(tmp_path) -> None:
    db = tmp_path / "v.db"
    folder = example_copy(tmp_path)
    (folder / "energy.csv").unlink()
    bms = tmp_path / "bms.csv"
    values = [1000.1, 1024.5, 1049.3, 1073.7]
    bms.write_text(
        "meter,timestamp,value\n"
        + "".join(f"E1,2024-11-26T{8 + i:02d}:00,{v}\n" for i, v in enumerate(values)),
        encoding="utf-8",
    )
    assert run_cli("ledger", "init", "--db", str(db)).returncode == 0
    r = run_cli(
        "ledger", "meters", "add", "E1", "--carrier", "electricity", "--unit", "kWh",
        "--cumulative", "--db", str(db),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert run_cli("ledger", "import", str(bms), "--db", str(db)).returncode == 0
    r = run_cli("ledger", "export-energy", "--event", str(folder), "--db", str(db))
    assert r.returncode == 0, r.stderr
    text = (folder / "energy.csv").read_text(encoding="utf-8")
    assert [ln.split(",")[4] for ln in text.splitlines()[1:]] == ["24.4", "24.8", "24.4"]
    r = run_cli("ledger", "meters", "list", "--db", str(db))
    assert "NaN" not in r.stdout


def test_imported_forms_write_whole_numbers_as_such(tmp_path) -> None:
    mine = example_copy(tmp_path)
    form = tmp_path / "f.xlsx"
    assert (
        run_cli("init", str(mine), "--exhibitor-form", str(form), "--exhibitor", "Zed").returncode
        == 0
    )
    wb = load_workbook(form)
    wb["Hotels"].append(["CN", 6])
    wb.save(form)
    assert run_cli("import-forms", str(mine), str(form)).returncode == 0
    assert "CN,6,Zed" in (mine / "accommodation.csv").read_text(encoding="utf-8")


# -- spec §11: the PDF carries the signed record; the QR code can be a link ----------------


def test_verify_works_on_the_pdf_alone(tmp_path, key) -> None:
    pdf = tmp_path / "c.pdf"
    r = run_cli("certificate", str(EXAMPLE), "--key", str(key), "-o", str(pdf))
    assert r.returncode == 0, r.stderr
    (tmp_path / "c.json").unlink()  # people pass the PDF around
    r = run_cli("verify", str(pdf), "--public-key", str(key.with_suffix(".key.pub")))
    assert r.returncode == 0 and r.stdout.startswith("VALID"), r.stderr
    assert run_cli("verify", str(pdf)).returncode == 1  # still needs a trusted key


def test_a_pdf_with_an_edited_record_or_none_fails(tmp_path, key) -> None:
    from carbonexpo.report.pdf import attachment, html_to_pdf

    pdf = tmp_path / "c.pdf"
    assert run_cli("certificate", str(EXAMPLE), "--key", str(key), "-o", str(pdf)).returncode == 0
    cert = json.loads(attachment(pdf.read_bytes(), "cert.json"))
    cert["record"]["totals"]["net_tco2e"] = "0.000001"
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(html_to_pdf("<p>certificate</p>", {"cert.json": json.dumps(cert).encode()}))
    r = run_cli("verify", str(forged), "--public-key", str(key.with_suffix(".key.pub")))
    assert r.returncode == 1 and "hash mismatch" in r.stderr
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(html_to_pdf("<p>no record</p>"))
    r = run_cli("verify", str(plain), "--public-key", str(key.with_suffix(".key.pub")))
    # a PDF that is no certificate at all is bad input, said plainly (issue 30)
    assert r.returncode == 2 and "plain.pdf is a PDF without the signed cert.json" in r.stderr


def test_verify_url_makes_the_qr_code_a_link(tmp_path, key) -> None:
    import subprocess

    from carbonexpo.certificate.issue import qr_payload

    cert = {"certificate_id": "CXC-1", "sha256": "ab"}
    assert qr_payload(cert, "https://v.example/check") == (
        "https://v.example/check?id=CXC-1&sha256=ab"
    )
    assert qr_payload(cert, "https://v.example/c?lang=zh").endswith("?lang=zh&id=CXC-1&sha256=ab")
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        from tests.conftest import skip_or_fail

        skip_or_fail("pdftoppm/zbarimg not installed (.ci/run installs them)")
    pdf = tmp_path / "c.pdf"
    r = run_cli(
        "certificate", str(EXAMPLE), "--key", str(key), "-o", str(pdf),
        "--verify-url", "https://v.example/check",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False
    ).stdout.strip()
    issued = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert out == f"https://v.example/check?id={issued['certificate_id']}&sha256={issued['sha256']}"
