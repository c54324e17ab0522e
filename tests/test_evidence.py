"""The evidence column (issue 36): a relative path to a proof, checked as a file of the event
folder; claim.require_evidence (or a rule pack that asks) refuses a certificate while an
instrument or credit in use names none."""

from __future__ import annotations

import os

import pytest

from carbonexpo.certificate.issue import refuse_unless_certifiable
from carbonexpo.errors import CertificateRefused, InputError
from tests.conftest import EVENT_YAML, exclusions_yaml, make_event

ENERGY = """\
meter,carrier,start,end,quantity,unit,evidence
M1,electricity,2024-11-26T08:00,2024-11-26T18:00,2000,kWh,bms/hall-a.csv
M1,electricity,2024-11-27T08:00,2024-11-27T18:00,2000,kWh,bms/hall-a.csv
"""
GREEN = """\
instrument_id,type,mwh,generation_start,generation_end,country,serial_prefix,first,last,beneficiary,retired_on,evidence
GEC-1,GEC,1,2024-10-01,2024-10-31,CN,GEC-A,1,1,test-expo,2024-11-30,{gec}
"""
CREDITS = """\
registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary,evidence
CCER,P-1,2023,CCER-P1,1,10,2024-12-20,test-expo,{credit}
"""
EXCLUDED = exclusions_yaml()


def folder(tmp_path, gec="proofs/gec.pdf", credit="proofs/ccer.pdf", extra="", files=True):
    f = make_event(
        tmp_path / "ev",
        {
            "energy": ENERGY,
            "green_power": GREEN.format(gec=gec),
            "credits": CREDITS.format(credit=credit),
        },
        EVENT_YAML + extra + EXCLUDED,
    )
    if files:
        for name in ("bms/hall-a.csv", "proofs/gec.pdf", "proofs/ccer.pdf"):
            (f / name).parent.mkdir(parents=True, exist_ok=True)
            (f / name).write_bytes(b"proof " + name.encode())
    return f


def problems_of(path) -> list[str]:
    import carbonexpo

    with pytest.raises(InputError) as caught:
        carbonexpo.calculate(path)
    return [str(p) for p in caught.value.problems]


def test_evidence_files_are_listed_in_the_result(tmp_path) -> None:
    import carbonexpo

    r = carbonexpo.calculate(folder(tmp_path)).result
    assert r.evidence is not None
    assert r.evidence.files == ["bms/hall-a.csv", "proofs/ccer.pdf", "proofs/gec.pdf"]
    assert r.evidence.missing == [] and r.evidence.required is False


@pytest.mark.parametrize(
    ("gec", "message"),
    [
        (
            "proofs/nothing.pdf",
            "green_power.csv:2:evidence: proofs/nothing.pdf: no such file in the event folder",
        ),
        (
            "../outside.pdf",
            "green_power.csv:2:evidence: ../outside.pdf: evidence must be a file inside",
        ),
        (
            "/etc/hostname",
            "green_power.csv:2:evidence: /etc/hostname: evidence must be a file inside",
        ),
        (
            "C:\\proofs\\gec.pdf",
            "green_power.csv:2:evidence: C:\\proofs\\gec.pdf: evidence must be a file inside",
        ),
        (
            "proofs/",
            "green_power.csv:2:evidence: proofs/: no such file in the event folder",
        ),  # a folder
    ],
)
def test_a_path_that_is_not_a_file_of_the_folder_is_a_problem(tmp_path, gec, message) -> None:
    found = problems_of(folder(tmp_path, gec=gec))
    assert any(p.startswith(message) for p in found), found


def test_one_missing_source_file_named_by_many_meter_rows_is_one_lookup_and_every_row(
    tmp_path,
) -> None:
    f = folder(tmp_path, files=False)
    (f / "proofs").mkdir()
    for name in ("gec.pdf", "ccer.pdf"):
        (f / "proofs" / name).write_bytes(b"x")
    found = [p for p in problems_of(f) if p.startswith("energy.csv")]
    assert found == [
        "energy.csv:2:evidence: bms/hall-a.csv: no such file in the event folder",
        "energy.csv:3:evidence: bms/hall-a.csv: no such file in the event folder",
    ]


def test_prose_is_a_description_not_a_file(tmp_path) -> None:
    import carbonexpo

    f = folder(tmp_path, credit='"retirement statement 2024-12-20, no. 77"')
    r = carbonexpo.calculate(f).result
    assert [(m.file, m.row, m.item) for m in r.evidence.missing] == [("credits.csv", 2, "P-1")]


def test_required_evidence_refuses_a_certificate_naming_the_rows(tmp_path) -> None:
    import carbonexpo

    f = folder(tmp_path, gec="", extra="")
    text = (f / "event.yaml").read_text(encoding="utf-8")
    (f / "event.yaml").write_text(
        text.replace("  basis: market\n", "  basis: market\n  require_evidence: true\n"),
        encoding="utf-8",
    )
    r = carbonexpo.calculate(f).result
    assert r.evidence.required and r.evidence.required_by == ["claim.require_evidence"]
    with pytest.raises(CertificateRefused) as refused:
        refuse_unless_certifiable(r)
    assert (
        "evidence is required (claim.require_evidence) but 1 instrument(s) or credit(s) in use "
        "name no evidence file: green_power.csv:2 (GEC-1)"
    ) in str(refused.value)
    full = carbonexpo.calculate(folder(tmp_path / "b", extra="")).result
    refuse_unless_certifiable(full)  # neither refused for evidence nor anything else


def test_a_rule_pack_that_asks_for_evidence_makes_it_required(tmp_path) -> None:
    import carbonexpo

    guangzhou = (
        EVENT_YAML.replace("latitude: 40.07", "latitude: 23.10")
        .replace("longitude: 116.55", "longitude: 113.36")
        .replace("CN-North", "CN-South")
        .replace("2024-", "2026-")
    )
    f = make_event(
        tmp_path / "gz",
        {
            "energy": ENERGY.replace("2024-", "2026-"),
            "credits": CREDITS.format(credit="")
            .replace("2024-", "2026-")
            .replace("2023,", "2025,"),
        },
        guangzhou,
    )
    (f / "bms").mkdir()
    (f / "bms" / "hall-a.csv").write_text("x", encoding="utf-8")
    r = carbonexpo.calculate(f).result
    assert r.evidence.required_by == ["guangdong-db44-2639-2025 2026-01-22"]
    assert [m.item for m in r.evidence.missing] == ["P-1"]


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads any file: an unreadable file cannot be made"
)
def test_an_unreadable_file_is_named(tmp_path) -> None:
    f = folder(tmp_path)
    (f / "proofs" / "gec.pdf").chmod(0)
    assert any("proofs/gec.pdf: the file cannot be read" in p for p in problems_of(f))


def test_a_link_leading_out_of_the_folder_is_outside(tmp_path) -> None:
    f = folder(tmp_path)
    (f / "proofs" / "gec.pdf").unlink()
    (f / "proofs" / "gec.pdf").symlink_to("/etc/hostname")
    assert any(
        p.startswith("green_power.csv:2:evidence: proofs/gec.pdf: evidence must be a file inside")
        for p in problems_of(f)
    )


def test_several_missing_files_are_each_named_with_their_rows(tmp_path) -> None:
    """The rows of each failing file are found in one pass over the column: two files named
    by interleaved rows are each said at their own rows."""
    f = folder(tmp_path)
    (f / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit,evidence\n"
        "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,10,kWh,bms/a.csv\n"
        "M2,electricity,2024-11-26T08:00,2024-11-26T09:00,10,kWh,bms/b.csv\n"
        "M1,electricity,2024-11-26T09:00,2024-11-26T10:00,10,kWh,bms/a.csv\n"
        "M3,electricity,2024-11-26T08:00,2024-11-26T09:00,10,kWh,bms/hall-a.csv\n",
        encoding="utf-8",
    )
    assert [p for p in problems_of(f) if p.startswith("energy.csv")] == [
        "energy.csv:2:evidence: bms/a.csv: no such file in the event folder",
        "energy.csv:3:evidence: bms/b.csv: no such file in the event folder",
        "energy.csv:4:evidence: bms/a.csv: no such file in the event folder",
    ]
