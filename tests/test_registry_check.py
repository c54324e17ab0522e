"""`carbonexpo credits check` (issue 36): credit rows against small exports made from the
registries' published column layouts (Verra VCU export, Gold Standard credits export)."""

from __future__ import annotations

import json

from tests.conftest import EVENT_YAML, make_event, run_cli

VERRA_HEAD = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,"
    "Project Type,Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,"
    "Additional Certifications,Retirement/Cancellation Date,Retirement Beneficiary,"
    "Retirement Reason,Retirement Details"
)


def vcu(first: int, last: int, date: str = "", beneficiary: str = "", details: str = "") -> str:
    serial = f"11043-{first}-{last}-VCS-VCU-259-VER-IN-1-1529-01012021-31122021-0"
    return (
        f"2024-06-01,,2021-01-01,2021-12-31,1529,Wind India,India,Energy industries,ACM0002,"
        f'"500,000","{last - first + 1:,}",{serial},,{date},{beneficiary},'
        f"Environmental Benefit,{details}"
    )


VERRA = (
    "\n".join(
        [
            VERRA_HEAD,
            vcu(1000, 1999, "2025-01-20", "Test Org", "retired for test-expo"),  # row 2: matches
            vcu(2000, 2999),  # row 3: issued, never retired
            vcu(3000, 3999, "2025-01-20", "Someone Else", "their own 2024 emissions"),  # row 4
            vcu(4000, 4499, "2025-01-20", "Test Org", "test-expo"),  # row 5: half of 4000-4999
            vcu(4500, 4999),  # row 6: the other half, not retired
            vcu(6000, 6999, "2025-03-03", "Test Org", "test-expo"),  # row 7: another date
        ]
    )
    + "\n"
)
GS = (
    "Vintage,Credit Status,Quantity,GSID,Project Name,Project Developer,Country,Product Type,"
    "Project Type,Methodology,Programme of Activities,POA GSID,Issuance Date,Retirement Date,"
    "Monitoring Period Start,Monitoring Period End,Serial Number,Note,Aeroplane Operator Name,"
    "Label,Use Case,Using Entity,Article Six Authorization\n"
    "2023,Retired,500,1199,Biogas,CROSS,India,VER,Biogas - Heat,,Standalone,,2024-05-01,"
    "2025-01-20,2023-01-01,2023-12-31,GS1-1-IN-GS1199-4-2023-30060-1-500,for test-expo,,"
    "Emission Reduction,Voluntary,Test Org,Not Applicable\n"
    "2023,Retired,500,1199,Biogas,CROSS,India,VER,Biogas - Heat,,Standalone,,2024-05-01,"
    "2025-02-02,2023-01-01,2023-12-31,GS1-1-IN-GS1199-4-2023-30060-501-1000,for test-expo,,"
    "Emission Reduction,Voluntary,Test Org,Not Applicable\n"
)
PREFIX = "11043-{a}-{b}-VCS-VCU-259-VER-IN-1-1529-01012021-31122021-0"


def credit(registry: str, a: int, b: int) -> str:
    return f"{registry},VCS-1529,2021,{PREFIX.format(a=a, b=b)},{a},{b},2025-01-20,test-expo"


CREDITS = (
    "\n".join(
        [
            "registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary",
            credit("VCS", 1000, 1999),  # 2 ok
            credit("VCS", 2000, 2999),  # 3
            credit("Verra", 3000, 3999),  # 4
            credit("VCS", 4000, 4999),  # 5
            credit("VCS", 8000, 8999),  # 6
            credit("VCS", 6000, 6999),  # 7
            "GS,GS1199,2023,GS1-1-IN-GS1199-4-2023-30060,1,500,2025-01-20,test-expo",  # 8 ok
            "GS,GS1199,2023,GS1-1-IN-GS1199-4-2023-30060,501,1000,2025-01-20,test-expo",  # 9 date
            "CCER,CCER-1,2023,CCER-1-V2023,1,10,2025-01-20,test-expo",  # 10: no export given
        ]
    )
    + "\n"
)


def folder(tmp_path):
    f = make_event(tmp_path / "ev", {"credits": CREDITS}, EVENT_YAML)
    (tmp_path / "vcus.csv").write_text(VERRA, encoding="utf-8")
    (tmp_path / "gs.csv").write_text(GS, encoding="utf-8")
    return f


def test_each_kind_of_mismatch_is_named_at_its_row(tmp_path) -> None:
    f = folder(tmp_path)
    r = run_cli(
        "credits",
        "check",
        str(f),
        "--registry",
        str(tmp_path / "vcus.csv"),
        "--registry",
        str(tmp_path / "gs.csv"),
    )
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[:6] == [
        "credits.csv:3: the 1000 units are issued but not retired (export rows 3)",
        "credits.csv:4: retired for Someone Else, not for test-expo (export rows 4)",
        "credits.csv:5: only 500 of the 1000 units are retired (export rows 5, 6)",
        "credits.csv:6: serials VCS-VCU-259-VER-IN-1-1529-01012021-31122021-0 8000–8999 are "
        "not in vcus.csv",
        "credits.csv:7: credits.csv says retired on 2025-01-20; the registry says 2025-03-03 "
        "(export rows 7)",
        "credits.csv:9: credits.csv says retired on 2025-01-20; the registry says 2025-02-02 "
        "(export rows 3)",
    ]
    assert lines[6].startswith("vcus.csv (VCS, sha256 ")
    assert lines[6].endswith("6 row(s) checked, 5 mismatch(es)")
    assert lines[7].startswith("gs.csv (GS, sha256 ")
    assert lines[7].endswith("2 row(s) checked, 1 mismatch(es)")
    assert "credits.csv:2:" not in r.stdout and "credits.csv:8:" not in r.stdout
    assert "credits.csv:10:" not in r.stdout  # CCER: no export of its registry given
    assert r.stderr == "6 credit row mismatch(es) against the registry\n"


def test_the_checks_as_json_name_the_export_and_its_hash(tmp_path) -> None:
    import hashlib

    f = folder(tmp_path)
    out = tmp_path / "checks.json"
    run_cli(
        "credits", "check", str(f), "--registry", str(tmp_path / "vcus.csv"), "--json", str(out)
    )
    (body,) = json.loads(out.read_text(encoding="utf-8"))
    assert body["sha256"] == hashlib.sha256((tmp_path / "vcus.csv").read_bytes()).hexdigest()
    assert body["rows"] == [2, 3, 4, 5, 6, 7]
    assert [m["kind"] for m in body["mismatches"]] == [
        "not_retired", "wrong_beneficiary", "short_quantity", "not_in_registry", "other_date",
    ]  # fmt: skip


def test_a_file_of_another_layout_is_refused(tmp_path) -> None:
    f = folder(tmp_path)
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    r = run_cli("credits", "check", str(f), "--registry", str(tmp_path / "other.csv"))
    assert r.returncode == 2 and r.stderr.startswith(
        "other.csv:1:: not a Verra VCU or Gold Standard credits export"
    )


def test_the_zh_text_is_chinese(tmp_path) -> None:
    f = folder(tmp_path)
    r = run_cli(
        "credits", "check", str(f), "--registry", str(tmp_path / "vcus.csv"), "--lang", "zh"
    )
    assert "credits.csv:3: 这 1000 个单位已签发但未注销（导出文件第 3 行）" in r.stdout


def test_a_block_another_event_claimed_in_the_ledger_is_named(tmp_path) -> None:
    f = folder(tmp_path)
    other = make_event(
        tmp_path / "other",
        {
            "credits": CREDITS.replace("test-expo", "other-expo"),
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "M1,electricity,2024-11-26T08:00,2024-11-26T18:00,1000,kWh\n",
        },
        EVENT_YAML.replace("id: test-expo", "id: other-expo").replace(
            "standard: mee-2019",
            "standard: iso-14068-1",  # VCS and GS accepted: claimed
        ),
    )
    db = tmp_path / "ledger.db"
    assert run_cli("ledger", "init", "--db", str(db)).returncode == 0
    claimed = run_cli("ledger", "claim", str(other), "--db", str(db))
    assert claimed.returncode == 0, claimed.stderr
    assert "claimed 8 block(s)" in claimed.stdout, claimed.stdout
    r = run_cli(
        "credits", "check", str(f), "--registry", str(tmp_path / "vcus.csv"), "--ledger", str(db)
    )
    assert (
        "credits.csv:2: serial block already claimed by event 'other-expo' in the ledger"
        in r.stdout
    )


def test_calc_with_an_export_counts_only_the_rows_that_match_and_records_the_check(
    tmp_path,
) -> None:
    import hashlib

    f = folder(tmp_path)
    standard = (f / "event.yaml").read_text(encoding="utf-8")
    (f / "event.yaml").write_text(  # VCS and GS among the accepted registries
        standard.replace("standard: mee-2019", "standard: iso-14068-1"), encoding="utf-8"
    )
    out = tmp_path / "r.json"
    r = run_cli("calc", str(f), "--registry", str(tmp_path / "vcus.csv"), "--json", str(out))
    assert r.returncode == 0, r.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    status = {c["first"]: c["status"] for c in result["credits"] if c["registry"] != "GS"}
    assert status[1000] == "eligible"  # row 2 matches the export
    assert [status[k] for k in (2000, 3000, 4000, 8000, 6000)] == ["rejected"] * 5
    third = next(c for c in result["credits"] if c["first"] == 2000)
    assert third["reason"] == "the 1000 units are issued but not retired (export rows 3)"
    (check,) = result["registry_checks"]
    assert check["export"] == "vcus.csv" and check["registry"] == "VCS"
    assert check["sha256"] == hashlib.sha256((tmp_path / "vcus.csv").read_bytes()).hexdigest()
    assert check["checked_on"] == result["generated_at"][:10]
    assert check["rows"] == [2, 3, 4, 5, 6, 7]
    assert len(check["mismatches"]) == 5
    without = run_cli("calc", str(f), "--json", "-")
    assert json.loads(without.stdout)["registry_checks"] is None
