"""Rule packs (issue 35): every pack validates, every rule sits at its limits, verdicts follow
the rules in force on the event's date, `carbonexpo claims` lists every pack, docs/rules.md is
generated from the packs, and a certificate names the packs it was checked against."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from carbonexpo.rules.check import check_pack
from carbonexpo.rules.named import Credit, Document, Facts, Instrument, add_months
from carbonexpo.rules.pack import all_packs, pack_for, pack_ids, parse_pack
from tests.conftest import EVENT_YAML, EXAMPLE, ROOT, exclusions_yaml, make_event, run_cli

D = dt.date
SHIPPED = {
    "mee-2019",
    "iso-14068-1-2023",
    "pas-2060",
    "shanghai-2025",
    "guangdong-db44-2639-2025",
    "t-gdlc-018-2024",
    "eu-2024-825",
    "cn-instruments",
}


def facts(**changes: object) -> Facts:
    """A neutral event in Beijing ending 2024-12-02, 1,000 t of CCER retired in time."""
    base = Facts(
        start=D(2024, 11, 21),
        end=D(2024, 12, 2),
        visits=150_000,
        area_m2=120_000.0,
        countries=("CN",),
        regions=("CN-11",),
        markets=(),
        standard="mee-2019",
        no_data=False,
        tested_tco2e=900.0,
        gross_tco2e=900.0,
        credits=(Credit("CCER", 2023, D(2025, 1, 10), 1000.0, "reduction", True),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def outcomes(check, rule: str) -> list[str]:
    return [r.outcome for r in check.reasons if r.rule == rule]


# -- the packs as data -------------------------------------------------------------------------


def test_every_required_pack_ships_and_validates() -> None:
    assert set(pack_ids()) == SHIPPED
    for p in all_packs():
        assert p.rules and p.source and p.document
        assert all(r.clause.strip() for r in p.rules)  # every parameter cites its clause


def test_a_pack_with_an_unknown_rule_or_a_bad_parameter_is_refused_with_its_name() -> None:
    raw = (ROOT / "carbonexpo/rules/packs/shanghai-2025.yaml").read_bytes()
    with pytest.raises(ValueError, match=r"rule pack x\.yaml: .*unknown rule 'in_scop'"):
        parse_pack("x.yaml", raw.replace(b"rule: in_scope", b"rule: in_scop"))
    with pytest.raises(ValueError, match=r"rule pack y\.yaml: .*visits_min"):
        parse_pack("y.yaml", raw.replace(b"visits_min: 10000", b"visits_min: -1"))
    with pytest.raises(ValueError, match="effective_to is before effective_from"):
        parse_pack("z.yaml", raw + b"effective_to: 2020-01-01\n")


PINNED = {  # the parameters the limit tests below sit at: a changed pack fails here first
    ("shanghai-2025", "in_scope"): {"visits_min": 10000, "area_m2_min": 5000},
    ("mee-2019", "retirement_window"): {"months": 12},
    ("iso-14068-1-2023", "retirement_window"): {"months": 12},
    ("guangdong-db44-2639-2025", "retirement_window"): {"months": 12},
    ("cn-instruments", "instrument_cutoff"): {
        "type": "I-REC",
        "countries": ["CN"],
        "consumption_from": D(2025, 3, 1),
    },
    ("pas-2060", "legacy_standard"): {"verifications_until": D(2025, 12, 31)},
}


@pytest.mark.parametrize(("pack", "rule"), list(PINNED))
def test_the_parameters_the_limit_tests_pin(pack: str, rule: str) -> None:
    (p,) = [p for p in all_packs() if p.id == pack]
    assert p.rule(rule) is not None and p.rule(rule).params == PINNED[(pack, rule)]


@pytest.mark.parametrize(
    ("pack", "effective"),
    [
        ("shanghai-2025", D(2025, 7, 9)),
        ("t-gdlc-018-2024", D(2025, 1, 1)),
        ("guangdong-db44-2639-2025", D(2026, 1, 22)),
        ("eu-2024-825", D(2026, 9, 27)),
        ("cn-instruments", D(2024, 8, 26)),
    ],
)
def test_a_pack_is_in_force_from_its_date(pack: str, effective: dt.date) -> None:
    one_day = dt.timedelta(days=1)
    assert pack_for(pack, effective - one_day) is None
    assert pack_for(pack, effective) is not None
    assert pack_for(pack, effective + one_day) is not None


# -- scope ---------------------------------------------------------------------------------------


SHANGHAI = {"regions": ("CN-31",), "start": D(2026, 3, 1), "end": D(2026, 3, 5)}


@pytest.mark.parametrize(
    ("visits", "area", "applies"),
    [
        (9_999, 4_999.99, False),
        (10_000, 4_999.99, True),
        (10_001, 4_999.99, True),
        (9_999, 5_000.0, True),
        (9_999, 5_000.01, True),
        (None, None, True),  # not known: judged, and said not checked
    ],
)
def test_shanghai_scope_at_its_thresholds(visits, area, applies) -> None:
    c = check_pack("shanghai-2025", facts(visits=visits, area_m2=area, **SHANGHAI))
    assert c.applies is applies
    if not applies:
        assert c.verdict == "not_checked" and c.reasons[0].outcome == "out_of_scope"
        assert "9,999 visits (threshold 10,000)" in c.reasons[0].note.text
    if visits is None:
        assert outcomes(c, "in_scope") == ["not_checked"]


def test_a_pack_of_a_province_applies_only_there() -> None:
    beijing = check_pack("shanghai-2025", facts(regions=("CN-11",), end=D(2026, 3, 5)))
    assert not beijing.applies and "CN-31" in beijing.reasons[0].note.text
    unknown = check_pack("shanghai-2025", facts(regions=(), end=D(2026, 3, 5)))
    assert unknown.applies and unknown.reasons[0].outcome == "not_checked"
    hk = check_pack("t-gdlc-018-2024", facts(countries=("HK",), regions=("HK",), end=D(2025, 6, 1)))
    assert hk.applies


# -- credits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pack", ["mee-2019", "iso-14068-1-2023", "guangdong-db44-2639-2025"])
@pytest.mark.parametrize(("days", "passes"), [(-1, True), (0, True), (1, False)])
def test_retirement_one_day_inside_and_outside_the_window(pack, days, passes) -> None:
    end = D(2026, 3, 5)
    deadline = add_months(end, 12)
    assert deadline == D(2027, 3, 5)
    retired = deadline + dt.timedelta(days=days)
    f = facts(
        start=D(2026, 3, 1),
        end=end,
        regions=("CN-44",),
        credits=(Credit("CCER", 2025, retired, 1000.0, "reduction", True),),
    )
    c = check_pack(pack, f)
    assert outcomes(c, "retirement_window") == (["pass"] if passes else ["fail"])
    assert outcomes(c, "neutral_balance") == (["pass"] if passes else ["fail"])
    if not passes:
        assert c.verdict == "may_not"
    assert [d.date for d in c.deadlines if d.rule == "retirement_window"] == [deadline]


def test_a_month_end_deadline_is_the_last_day_of_the_shorter_month() -> None:
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 3, 31), 1) == D(2025, 4, 30)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


@pytest.mark.parametrize(
    ("credits", "outcome"), [(899.999, "fail"), (900.0, "pass"), (900.001, "pass")]
)
def test_credits_exactly_covering_the_tested_total_balance(credits, outcome) -> None:
    f = facts(credits=(Credit("CCER", 2023, D(2025, 1, 10), credits, "reduction", True),))
    assert outcomes(check_pack("mee-2019", f), "neutral_balance") == [outcome]


def test_preferred_types_are_said_exclusive_types_refuse() -> None:
    vcs = (Credit("VCS", 2023, D(2025, 1, 10), 1000.0, "reduction", True),)
    mee = check_pack("mee-2019", facts(credits=vcs))
    assert outcomes(mee, "accepted_credits") == ["info"]
    assert outcomes(mee, "neutral_balance") == ["pass"]  # 优先: not exclusive
    iso = check_pack(
        "iso-14068-1-2023",
        facts(credits=(*vcs, Credit("PHCER", 2023, D(2025, 1, 10), 500.0, "reduction", True))),
    )
    assert outcomes(iso, "accepted_credits") == ["fail"] and iso.verdict == "may_not"
    assert "500.000 tCO2e of PHCER" in iso.reasons[1].note.text


def test_unusable_credits_count_under_no_pack() -> None:
    gone = (Credit("CCER", 2023, D(2025, 1, 10), 1000.0, "reduction", False),)
    assert outcomes(check_pack("mee-2019", facts(credits=gone)), "neutral_balance") == ["fail"]


@pytest.mark.parametrize(
    ("vintage", "outcome"), [(2024, "not_checked"), (2025, "not_checked"), (2026, "fail")]
)
def test_a_vintage_after_the_retirement_year_is_ex_ante(vintage, outcome) -> None:
    f = facts(credits=(Credit("CCER", vintage, D(2025, 6, 1), 1000.0, "reduction", True),))
    assert outcomes(check_pack("iso-14068-1-2023", f), "ex_post_credits") == [outcome]


# -- instruments --------------------------------------------------------------------------------


IREC = (Instrument("IREC-1", "I-REC", 100.0),)


@pytest.mark.parametrize(
    ("end", "outcome"),
    [(D(2025, 2, 28), "pass"), (D(2025, 3, 1), "fail"), (D(2025, 3, 2), "fail")],
)
def test_an_irec_for_chinese_consumption_before_and_after_the_cutoff(end, outcome) -> None:
    c = check_pack(
        "cn-instruments", facts(start=end - dt.timedelta(days=5), end=end, instruments=IREC)
    )
    assert outcomes(c, "instrument_cutoff") == [outcome]
    assert c.verdict == ("may" if outcome == "pass" else "may_not")


def test_an_irec_outside_china_is_not_judged_by_chinese_rules() -> None:
    c = check_pack(
        "cn-instruments", facts(countries=("DE",), regions=(), end=D(2026, 1, 1), instruments=IREC)
    )
    assert not c.applies


def test_a_guarantee_of_origin_is_not_a_chinese_instrument() -> None:
    c = check_pack("cn-instruments", facts(instruments=(Instrument("GO-1", "GO", 50.0),)))
    assert outcomes(c, "instrument_types") == ["fail"] and c.verdict == "may_not"


# -- dates: legacy, EU, documents ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "code"),
    [
        (D(2025, 12, 30), "rule_legacy_until"),
        (D(2025, 12, 31), "rule_legacy_until"),
        (D(2026, 1, 1), "rule_legacy_ended"),
    ],
)
def test_pas_2060_warns_after_verifications_ended(end, code) -> None:
    c = check_pack("pas-2060", facts(start=end - dt.timedelta(days=5), end=end))
    (legacy,) = [r for r in c.reasons if r.rule == "legacy_standard"]
    assert legacy.outcome == "info" and legacy.note.code == code


@pytest.mark.parametrize(
    ("end", "applies"), [(D(2026, 9, 26), False), (D(2026, 9, 27), True), (D(2026, 9, 28), True)]
)
def test_an_offset_based_claim_to_eu_consumers_from_2026_09_27(end, applies) -> None:
    f = facts(start=end - dt.timedelta(days=3), end=end, markets=("DE",))
    c = check_pack("eu-2024-825", f)
    assert c.applies is applies
    if applies:
        assert c.verdict == "may_not" and outcomes(c, "offset_claim_banned") == ["fail"]
        assert "contribution" in c.wording.en
    assert not check_pack("eu-2024-825", dataclasses.replace(f, markets=("CN",))).applies


@pytest.mark.parametrize(
    ("date", "outcome"),
    [
        (D(2026, 2, 28), "pass"),
        (D(2026, 3, 1), "fail"),
        (D(2026, 3, 2), "fail"),
        (None, "not_checked"),
    ],
)
def test_guangdong_plan_made_before_the_event(date, outcome) -> None:
    f = facts(
        start=D(2026, 3, 1),
        end=D(2026, 3, 5),
        regions=("CN-44",),
        documents={"management_plan": Document("plan.pdf", True, date)},
    )
    c = check_pack("guangdong-db44-2639-2025", f)
    assert [r.outcome for r in c.reasons if r.rule == "document"] == [outcome]


def test_guangdong_routes_ask_for_their_own_evidence() -> None:
    base = facts(start=D(2026, 3, 1), end=D(2026, 3, 5), regions=("CN-44",))
    assert outcomes(check_pack("guangdong-db44-2639-2025", base), "claim_route") == ["not_checked"]
    declared = dataclasses.replace(
        base,
        route="self_declaration",
        documents={
            "management_plan": Document("plan.pdf", True, D(2026, 1, 5)),
            "evidence_file": Document("evidence.zip", True),
        },
    )
    c = check_pack("guangdong-db44-2639-2025", declared)
    assert c.verdict == "may", [r.note.text for r in c.reasons]
    missing = dataclasses.replace(
        declared, documents={**declared.documents, "evidence_file": Document("evidence.zip", False)}
    )
    assert check_pack("guangdong-db44-2639-2025", missing).verdict == "may_not"


def test_the_same_event_in_2024_and_in_2026_gets_the_rules_in_force_each_year() -> None:
    year_2024 = facts(markets=("FR",), instruments=IREC, regions=("CN-31",))
    year_2026 = dataclasses.replace(year_2024, start=D(2026, 11, 21), end=D(2026, 12, 2))
    a = {p: check_pack(p, year_2024) for p in pack_ids()}
    b = {p: check_pack(p, year_2026) for p in pack_ids()}
    changed = {
        p for p in pack_ids() if a[p].verdict != b[p].verdict or a[p].applies != b[p].applies
    }
    assert {"eu-2024-825", "cn-instruments", "shanghai-2025"} <= changed
    assert not a["eu-2024-825"].applies and b["eu-2024-825"].verdict == "may_not"
    assert a["cn-instruments"].verdict == "may" and b["cn-instruments"].verdict == "may_not"
    assert b["shanghai-2025"].pack.version == "2025-07-09"


# -- through the folder: config, CLI, result, certificate -----------------------------------


def test_claims_on_the_example_lists_every_pack_with_a_verdict(tmp_path) -> None:
    out = tmp_path / "claims.json"
    r = run_cli("claims", str(EXAMPLE), "--json", str(out))
    assert r.returncode == 0, r.stderr
    listed = json.loads(out.read_text(encoding="utf-8"))
    assert {c["pack"] for c in listed} == SHIPPED
    assert all(c["verdict"] in ("may", "may_not", "not_checked") for c in listed)
    for c in listed:
        assert all(x["rule"] and x["clause"] and x["note"]["text"] for x in c["reasons"])
    mee = next(c for c in listed if c["pack"] == "mee-2019")
    assert mee["verdict"] == "not_checked"  # no plan, no verification statement in the folder
    assert "mee-2019 (2019, 生态环境部公告 2019年第19号): not checked" in r.stdout
    assert "deadline: by 2025-12-02 under 生态环境部公告 2019年第19号" in r.stdout
    assert run_cli("claims", str(EXAMPLE), "--require", "mee-2019").returncode == 0
    refused = run_cli("claims", str(EXAMPLE), "--require", "iso-14068-1-2023")
    assert refused.returncode == 1 and "iso-14068-1-2023 says may_not" in refused.stderr
    unknown = run_cli("claims", str(EXAMPLE), "--require", "iso-14068")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(
        "--require: iso-14068: no such rule pack (did you mean iso-14068-1-2023"
    )


ENERGY = """\
meter,carrier,start,end,quantity,unit
M1,electricity,2024-11-26T08:00,2024-11-26T18:00,1000,kWh
"""
IREC_ROW = """\
instrument_id,type,mwh,generation_start,generation_end,country,beneficiary,retired_on
IREC-1,I-REC,0.5,2024-10-01,2024-10-31,CN,test-expo,2024-11-30
"""
CREDITS = """\
registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary
CCER,P-1,2023,CCER-P1,1,10,2024-12-20,test-expo
"""


def _folder(tmp: Path, year: int, extra_yaml: str = "") -> Path:
    def dated(text: str) -> str:
        return text.replace("2024-", f"{year}-").replace("2023,", f"{year - 1},")

    tables = {"energy": dated(ENERGY), "green_power": dated(IREC_ROW), "credits": dated(CREDITS)}
    return make_event(tmp / f"ev{year}", tables, dated(EVENT_YAML) + extra_yaml)


def test_a_folder_dated_2024_and_2026_gets_each_years_rules(tmp_path) -> None:
    import carbonexpo

    got, irec = {}, {}
    for year in (2024, 2026):
        run = carbonexpo.calculate(_folder(tmp_path, year, "  markets: [DE]\n"))
        got[year] = {c.pack: c for c in run.result.claims}
        irec[year] = run.result.instruments[0]
    # the I-REC covers the 2024 event's electricity; in 2026 the balance refuses it, naming
    # the pack, so the green-electricity claim rests on nothing it cannot count
    assert got[2024]["cn-instruments"].verdict == "may"
    assert irec[2024].status == "applied" and irec[2024].mwh_applied == 0.5
    assert irec[2026].status == "rejected" and irec[2026].mwh_applied == 0
    assert irec[2026].reason == (
        "I-REC cannot cover consumption in this country from 2025-03-01 "
        "(cn-instruments (国能发新能规〔2024〕67号; I-TRACK notice (2025)))"
    )
    assert not got[2024]["eu-2024-825"].applies
    assert got[2026]["eu-2024-825"].verdict == "may_not"
    assert got[2026]["eu-2024-825"].version == "2024"


def test_documents_are_files_of_the_folder_and_a_plan_carries_its_date(tmp_path) -> None:
    import carbonexpo

    folder = _folder(
        tmp_path,
        2024,
        "  documents:\n    management_plan: {file: plan.pdf, date: 2024/09/01}\n"
        "    verification_statement: review.pdf\n",
    )
    (folder / "plan.pdf").write_bytes(b"%PDF-1.4 plan")
    run = carbonexpo.calculate(folder)
    (mee,) = [c for c in run.result.claims if c.pack == "mee-2019"]
    docs = [r for r in mee.reasons if r.rule == "document"]
    assert [r.outcome for r in docs] == ["pass", "fail"]
    assert "review.pdf" in docs[1].note.text and mee.verdict == "may_not"


def test_the_venues_province_is_read_from_its_coordinates_or_given() -> None:
    from carbonexpo.geo import region_at

    assert region_at(40.07, 116.55, "CN") == "CN-11"  # Beijing, Shunyi
    assert region_at(31.19, 121.31, "CN") == "CN-31"  # Shanghai, Hongqiao NECC
    assert region_at(23.10, 113.36, "CN") == "CN-44"  # Guangzhou, Canton Fair complex
    assert region_at(48.85, 2.35, "FR") is None


def test_a_certificate_names_its_packs_and_is_refused_when_its_standard_says_may_not(
    tmp_path,
) -> None:
    import carbonexpo
    from carbonexpo.certificate.record import build_record
    from carbonexpo.errors import CertificateRefused

    run = carbonexpo.calculate(EXAMPLE)
    record = build_record(run.result, issuer="t", issue_date="2025-01-10")
    assert {p["id"] for p in record["rule_packs"]} == {
        c.pack for c in run.result.claims if c.applies
    }
    assert (
        next(p for p in record["rule_packs"] if p["id"] == "mee-2019")["verdict"] == "not_checked"
    )
    # ISO 14068-1 with a credit whose vintage is after its retirement year: ex ante
    iso = EVENT_YAML.replace("standard: mee-2019", "standard: iso-14068-1")
    folder = make_event(
        tmp_path / "iso",
        {"energy": ENERGY, "credits": CREDITS.replace("2023,", "2026,")},
        iso + exclusions_yaml(),
    )
    iso_run = carbonexpo.calculate(folder)
    assert iso_run.result.totals.neutral
    key, _ = carbonexpo.generate_keys(tmp_path / "issuer.key")
    with pytest.raises(CertificateRefused, match=r"iso-14068-1-2023 2023 says may_not: .*ex ante"):
        carbonexpo.issue_certificate(iso_run, key=key, pdf=tmp_path / "c.pdf")


def test_docs_rules_md_is_generated_from_the_packs() -> None:
    from carbonexpo.rules.docs import rules_markdown

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


@pytest.mark.parametrize(
    ("end", "status"),
    [("2025-02-28", "applied"), ("2025-03-01", "rejected"), ("2025-03-02", "rejected")],
)
def test_the_balance_refuses_an_irec_for_consumption_from_the_cutoff(tmp_path, end, status) -> None:
    import carbonexpo

    yaml_text = (
        EVENT_YAML.replace(
            "{start: 2024-11-21, end: 2024-11-25}", "{start: 2025-02-20, end: 2025-02-22}"
        )
        .replace("{start: 2024-11-26, end: 2024-11-30}", "{start: 2025-02-23, end: 2025-02-25}")
        .replace("{start: 2024-12-01, end: 2024-12-02}", f"{{start: 2025-02-26, end: {end}}}")
    )
    energy = ENERGY.replace("2024-11-26", "2025-02-24")
    irec = IREC_ROW.replace("2024-10-01,2024-10-31", "2025-01-01,2025-01-31").replace(
        "2024-11-30", "2025-02-25"
    )
    run = carbonexpo.calculate(
        make_event(tmp_path / "ev", {"energy": energy, "green_power": irec}, yaml_text)
    )
    assert run.result.instruments[0].status == status


def test_a_pas_2060_claim_after_2025_is_warned_about_in_the_result(tmp_path) -> None:
    import carbonexpo

    pas = EVENT_YAML.replace("standard: mee-2019", "standard: pas-2060")
    for year, warned in ((2025, False), (2026, True)):
        folder = make_event(
            tmp_path / str(year), {"energy": ENERGY.replace("2024-", f"{year}-")},
            pas.replace("2024-", f"{year}-"),
        )  # fmt: skip
        codes = [w.code for w in carbonexpo.calculate(folder).result.warnings]
        assert ("rule_legacy_ended" in codes) is warned


def test_packs_read_alike_by_libyaml_and_by_python():
    """The packs are read by libyaml's safe loader where PyYAML has it: every shipped pack
    gives the same data as through PyYAML's own (pure Python) safe loader."""
    import yaml

    from carbonexpo.rules.pack import LOADER, pack_files

    files = pack_files()
    assert len(files) >= 8
    for _, raw in files:
        assert yaml.load(raw, Loader=LOADER) == yaml.safe_load(raw)
