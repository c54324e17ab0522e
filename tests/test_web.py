"""The web face over HTTP (spec §12), with Starlette's test client and, for concurrency, a real
uvicorn server: links and tokens, the exhibitor's page, form and estimate, the staff dashboard
and downloads, /verify, and the security rules (404, CSRF, size limits, isolation, escaping)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import stat
import time
from pathlib import Path

import httpx2 as httpx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from carbonexpo import api
from carbonexpo.access import STATE_DIR, AccessList
from carbonexpo.booth.forms import same_exhibitor
from carbonexpo.web.app import create_app
from carbonexpo.web.text import UI
from tests.conftest import EXAMPLE
from tests.web_server import running

A = "CN Supply Chain Co. 001"
B = "CN Supply Chain Co. 002"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "event"
    shutil.copytree(EXAMPLE, out)
    return out


@pytest.fixture
def links(folder: Path) -> dict[str, str]:
    made, kept = api.invite(folder)
    assert kept == 0
    return {("staff" if role == "staff" else str(who)): url for role, who, url in made}


@pytest.fixture
def client(folder: Path, links) -> TestClient:
    return TestClient(create_app(folder, lang="en"))


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def form_fields(html: str) -> dict[str, str]:
    """The named inputs and selected options of a page, as a browser would post them."""
    fields = dict(re.findall(r'<input name="([^"]+)" value="([^"]*)"', html))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields["csrf"] = csrf_of(html)
    return fields


def rows_of(folder: Path, table: str, exhibitor: str | None = None) -> pd.DataFrame:
    df = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    if exhibitor is None:
        return df
    return df[df["exhibitor"].map(same_exhibitor) == same_exhibitor(exhibitor)]


# -- links ----------------------------------------------------------------------------------


def test_invite_stores_only_hashes_of_long_tokens(folder: Path, links) -> None:
    booths = pd.read_csv(folder / "booths.csv")
    assert len(links) == booths["exhibitor"].nunique() + 1
    stored = (folder / STATE_DIR / "access.json").read_text(encoding="utf-8")
    for url in links.values():
        token = url.rsplit("/", 1)[1]
        assert len(token) >= 22  # ≥ 128 bits in URL-safe base64 (ours: 43 chars, 256 bits)
        assert token not in stored
    mode = (folder / STATE_DIR / "access.json").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE((folder / STATE_DIR / "secret").stat().st_mode) == 0o600


def test_invite_again_keeps_links_and_renew_revokes_them(folder: Path, links) -> None:
    again, kept = api.invite(folder)
    assert again == [] and kept == len(links)
    old = links[A].rsplit("/", 1)[1]
    assert AccessList.load(folder).find(old) is not None
    renewed, _ = api.invite(folder, renew=True)
    assert len(renewed) == len(links)
    assert AccessList.load(folder).find(old) is None


# -- exhibitor page -------------------------------------------------------------------------


def path(url: str) -> str:
    return url if url.startswith("/") else "/" + url.split("/", 3)[3]


def test_unknown_or_wrong_role_tokens_are_404(client: TestClient, links) -> None:
    exhibitor_token = path(links[A]).rsplit("/", 1)[1]
    staff_token = path(links["staff"]).rsplit("/", 1)[1]
    for url in (
        "/e/nope",
        "/e/" + "A" * 43,
        f"/staff/{exhibitor_token}",
        f"/e/{staff_token}",
        "/staff/nope/result.json",
        f"/staff/{exhibitor_token}/result.json",
        "/e/nope/statement.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/e/nope/estimate", data={}).status_code == 404


def test_exhibitor_sees_only_their_rows(client: TestClient, links, folder: Path) -> None:
    r = client.get(path(links[A]))
    assert r.status_code == 200
    html = r.text
    assert A in html and B not in html
    own = rows_of(folder, "logistics", A)
    other = rows_of(folder, "logistics", B)
    assert set(own["shipment"]) <= set(re.findall(r'value="(SHP-[^"]+)"', html))
    assert not set(other["shipment"]) & set(re.findall(r'value="(SHP-[^"]+)"', html))
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"


def test_saving_replaces_only_that_exhibitors_rows(client: TestClient, links, folder: Path) -> None:
    before_other = {t: rows_of(folder, t) for t in ("travel", "logistics", "materials")}
    page = client.get(path(links[A])).text
    fields = form_fields(page)
    fields.update(
        {
            "staff-0-origin": "Shanghai",
            "staff-0-mode": "hsr",
            "staff-0-travellers": "6",
            "staff-1-origin": "PVG",
            "staff-1-mode": "air",
            "staff-1-travellers": "2",
            "hotels-0-country": "CN",
            "hotels-0-room_nights": "24",
            "materials-0-material": "timber",
            "materials-0-mass_kg": "900",
            "materials-0-origin": "virgin",
            # not editable from the page: ignored
            "booth-0-area_m2": "1",
            "staff-0-exhibitor": B,
        }
    )
    r = client.post(path(links[A]), data=fields, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    travel = rows_of(folder, "travel", A)
    staff = travel[travel["group"] == "exhibitor_staff"]
    assert sorted(staff["origin"]) == ["PVG", "Shanghai"]
    assert rows_of(folder, "accommodation", A)["room_nights"].tolist() == ["24"]
    assert rows_of(folder, "booths", A)["area_m2"].tolist() == ["360"]
    for table, before in before_other.items():
        after = rows_of(folder, table)
        keep = lambda df: df[df["exhibitor"].map(same_exhibitor) != same_exhibitor(A)]  # noqa: E731
        pd.testing.assert_frame_equal(
            keep(before).reset_index(drop=True), keep(after).reset_index(drop=True)
        )
    # the event still calculates, with the new rows in it
    run = api.calculate(folder)
    assert run.result.totals.gross_tco2e > 0
    again = client.get(path(links[A]) + "?saved=1").text
    assert UI["en"]["saved"] in again and 'value="PVG"' in again


def test_bad_cells_are_shown_next_to_their_field_and_nothing_is_written(
    client: TestClient, links, folder: Path
) -> None:
    before = (folder / "travel.csv").read_bytes()
    fields = form_fields(client.get(path(links[A])).text)
    fields.update(
        {
            "staff-1-origin": "Atlantis City",
            "staff-1-mode": "hsr",
            "staff-1-travellers": "-3",
        }
    )
    r = client.post(path(links[A]), data=fields)
    assert r.status_code == 422
    html = r.text
    span = re.search(r'data-for="staff-1-travellers">([^<]*)<', html).group(1)
    assert "negative" in span
    assert 'value="Atlantis City"' in html  # what they typed is kept
    # places are checked once the table's cells are right (as for a file)
    fields["staff-1-travellers"] = "3"
    r = client.post(path(links[A]), data={**fields, "csrf": csrf_of(html)})
    assert r.status_code == 422
    place = re.search(r'data-for="staff-1-origin">([^<]*)<', r.text).group(1)
    assert "Atlantis City" in place and "not found" in place
    assert (folder / "travel.csv").read_bytes() == before


def test_posts_without_the_pages_csrf_token_are_refused(
    client: TestClient, links, folder: Path
) -> None:
    before = (folder / "travel.csv").read_bytes()
    fields = form_fields(client.get(path(links[A])).text)
    fields["staff-0-travellers"] = "99"
    no_token = {k: v for k, v in fields.items() if k != "csrf"}
    assert client.post(path(links[A]), data=no_token).status_code == 403
    # a token of another exhibitor's page does not open this one
    other = csrf_of(client.get(path(links[B])).text)
    assert client.post(path(links[A]), data={**fields, "csrf": other}).status_code == 403
    # a token without its cookie (another browser) is refused
    fresh = TestClient(client.app)
    assert fresh.post(path(links[A]), data=fields).status_code == 403
    assert (folder / "travel.csv").read_bytes() == before
    assert client.post(path(links[A]) + "/estimate", data=no_token).status_code == 403


def test_live_estimate_flags_estimates_and_errors(client: TestClient, links) -> None:
    page = client.get(path(links[A])).text
    fields = form_fields(page)
    fields.update({"staff-1-origin": "Shanghai", "staff-1-mode": "air", "staff-1-travellers": "x"})
    r = client.post(
        path(links[A]) + "/estimate", data=fields, headers={"X-CSRF-Token": fields["csrf"]}
    )
    assert r.status_code == 200
    data = r.json()
    groups = {g["key"]: g for g in data["groups"]}
    assert groups["electricity"]["estimated"] is True  # booth power is never measured per booth
    assert data["total_tco2e"] == pytest.approx(sum(g["tco2e"] for g in data["groups"]))
    assert "staff-1-travellers" in data["errors"]
    # materials left empty: the build type's typical materials, flagged
    cleared = {k: ("" if k.startswith("materials-") else v) for k, v in fields.items()}
    r = client.post(path(links[A]) + "/estimate", data=cleared)
    groups = {g["key"]: g for g in r.json()["groups"]}
    assert groups["materials"]["estimated"] is True and groups["materials"]["tco2e"] > 0


def test_statement_only_after_the_event(folder: Path, links) -> None:
    import datetime as dt

    during = TestClient(create_app(folder, today=dt.date(2024, 11, 27)))
    assert during.get(path(links[A]) + "/statement.html").status_code == 404
    after = TestClient(create_app(folder, today=dt.date(2025, 1, 10)))
    page = after.get(path(links[A])).text
    assert "statement.pdf" in page
    r = after.get(path(links[A]) + "/statement.html?lang=zh")
    assert r.status_code == 200 and A in r.text and B not in r.text
    pdf = after.get(path(links[A]) + "/statement.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_language_switch_on_every_page(client: TestClient, links) -> None:
    for url in (path(links[A]), path(links["staff"]), "/verify"):
        en = client.get(url + "?lang=en")
        assert 'lang="en"' in en.text and "?lang=zh" in en.text
        zh = client.get(url + "?lang=zh")
        assert 'lang="zh-CN"' in zh.text and "?lang=en" in zh.text
    # the choice sticks (cookie) until switched again
    assert 'lang="zh-CN"' in client.get("/verify").text


def test_names_are_escaped(folder: Path) -> None:
    booths = folder / "booths.csv"
    booths.write_text(
        booths.read_text(encoding="utf-8") + '"<script>alert(1)</script>",Z9-1,20,shell,Z\n',
        encoding="utf-8",
    )
    made, _ = api.invite(folder)
    url = next(u for _, who, u in made if who and "script" in who)
    html = TestClient(create_app(folder)).get(path(url)).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_ui_words_exist_in_both_languages() -> None:
    assert set(UI["en"]) == set(UI["zh"])
    for key in UI["en"]:
        assert re.findall(r"\{(\w+)\}", UI["en"][key]) == re.findall(
            r"\{(\w+)\}", UI["zh"][key]
        ) or sorted(re.findall(r"\{(\w+)\}", UI["en"][key])) == sorted(
            re.findall(r"\{(\w+)\}", UI["zh"][key])
        ), key


# -- staff ----------------------------------------------------------------------------------


def test_staff_dashboard_shows_totals_submissions_and_downloads(
    client: TestClient, links, folder: Path
) -> None:
    fields = form_fields(client.get(path(links[A])).text)
    assert client.post(path(links[A]), data=fields, follow_redirects=False).status_code == 303
    r = client.get(path(links["staff"]))
    assert r.status_code == 200
    html = r.text
    run = api.calculate(folder)
    assert f"{run.result.totals.gross_tco2e:,.1f}" in html
    row = re.search(rf'<tr data-exhibitor="{re.escape(A)}">(.*?)</tr>', html, re.S).group(1)
    assert "submitted" in row and "not submitted" not in row
    row_b = re.search(rf'<tr data-exhibitor="{re.escape(B)}">(.*?)</tr>', html, re.S).group(1)
    assert "not submitted" in row_b
    assert "1 of 620 exhibitors submitted" in html
    assert html.count("<svg") == 5  # the report's charts, hourly matching among them
    assert 'id="cfe">2.0 %<' in html  # the example's CFE score (hourly matching)
    for section in ("completeness", "problems", "instruments", "credits", "downloads"):
        assert f'id="{section}"' in html
    base = path(links["staff"])
    result = client.get(base + "/result.json")
    assert json.loads(result.content)["totals"]["gross_tco2e"] == pytest.approx(
        run.result.totals.gross_tco2e
    )
    assert "attachment" in result.headers["content-disposition"]
    assert client.get(base + "/report.html?lang=zh").text.count("<svg") >= 3
    lines = client.get(base + "/lines.csv").text.splitlines()
    assert len(lines) == run.result.data_quality.lines + 1
    assert client.get(base + "/secrets.txt").status_code == 404


@pytest.mark.slow  # renders a PDF
def test_staff_downloads_the_report_as_pdf(client: TestClient, links) -> None:
    assert client.get(path(links["staff"]) + "/report.pdf?lang=en").content.startswith(b"%PDF")


def test_staff_dashboard_lists_validation_problems(folder: Path, links) -> None:
    travel = folder / "travel.csv"
    travel.write_text(
        travel.read_text(encoding="utf-8") + "visitor,,,metro,-5,1,10,\n", encoding="utf-8"
    )
    html = TestClient(create_app(folder, lang="en")).get(path(links["staff"])).text
    assert "travel.csv" in html and "negative" in html
    assert UI["en"]["no_problems"] not in html


# -- verify ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("issued")
    api.generate_keys(d / "issuer.key")
    trust = d / "trust"
    trust.mkdir()
    shutil.copy(d / "issuer.key.pub", trust / "issuer.pub")
    run = api.calculate(EXAMPLE)
    api.issue_certificate(run, key=d / "issuer.key", pdf=d / "cert.pdf", issue_date="2025-02-01")
    published = d / "published"
    published.mkdir()
    shutil.copy(d / "cert.json", published / "cert.json")
    return {"dir": d, "trust": trust, "published": published}


def verify_post(client: TestClient, content: bytes, name: str, extra: dict | None = None):
    csrf = csrf_of(client.get("/verify").text)
    return client.post(
        "/verify",
        data={"csrf": csrf, **(extra or {})},
        files={"certificate": (name, content, "application/octet-stream")},
    )


def test_verify_upload_json_and_pdf(folder: Path, certificate) -> None:
    client = TestClient(create_app(folder, lang="en", trust=certificate["trust"]))
    for name in ("cert.json", "cert.pdf"):
        r = verify_post(client, (certificate["dir"] / name).read_bytes(), name)
        assert r.status_code == 200 and ">VALID<" in r.text, name
    tampered = json.loads((certificate["dir"] / "cert.json").read_text(encoding="utf-8"))
    tampered["record"]["totals"]["net_tco2e"] = "-1.000000"
    r = verify_post(client, json.dumps(tampered).encode(), "cert.json")
    assert r.status_code == 422 and ">INVALID<" in r.text and "hash mismatch" in r.text
    r = verify_post(client, b"not a certificate", "x.json")
    assert r.status_code == 400 and ">INVALID<" in r.text
    assert "x.json is not a carbonexpo certificate" in r.text and "Expecting" not in r.text
    # a key that is not trusted here
    untrusted = TestClient(create_app(folder, lang="en"))
    r = verify_post(untrusted, (certificate["dir"] / "cert.json").read_bytes(), "cert.json")
    assert ">INVALID<" in r.text and "not authenticated" in r.text


def test_verify_qr_link(folder: Path, certificate) -> None:
    cert = json.loads((certificate["dir"] / "cert.json").read_text(encoding="utf-8"))
    link = f"/verify?id={cert['certificate_id']}&sha256={cert['sha256']}"
    client = TestClient(
        create_app(
            folder, lang="en", trust=certificate["trust"], published=certificate["published"]
        )
    )
    r = client.get(link)
    assert ">VALID<" in r.text and cert["certificate_id"] in r.text
    # the link names another certificate than the uploaded file
    plain = TestClient(create_app(folder, lang="en", trust=certificate["trust"]))
    wrong = {"id": cert["certificate_id"], "sha256": "0" * 64}
    r = verify_post(plain, (certificate["dir"] / "cert.json").read_bytes(), "cert.json", wrong)
    assert ">INVALID<" in r.text and "not the certificate the link names" in r.text


def test_uploads_are_size_limited(client: TestClient) -> None:
    csrf = csrf_of(client.get("/verify").text)
    r = client.post(
        "/verify",
        data={"csrf": csrf},
        files={"certificate": ("big.json", b"{" + b" " * (3 * 1024 * 1024) + b"}")},
    )
    assert r.status_code == 413


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.text == "ok"


# -- concurrency, on a real server ----------------------------------------------------------


@pytest.fixture
def server(folder: Path, links):
    with running(create_app(folder, lang="en")) as url:
        yield url


def test_fifty_exhibitors_saving_at_once_lose_nothing(server: str, links, folder: Path) -> None:
    names = sorted(n for n in links if n != "staff")[:50]

    async def prepare(http, name: str) -> dict[str, str]:
        page = await http.get(path(links[name]))
        fields = form_fields(page.text)
        fields.update(
            {
                "hotels-0-country": "CN",
                "hotels-0-room_nights": str(7 + names.index(name)),
                "staff-5-origin": "Tianjin",
                "staff-5-mode": "hsr",
                "staff-5-travellers": "3",
            }
        )
        return fields

    async def save(http, name: str, fields: dict[str, str]) -> int:
        r = await http.post(path(links[name]), data=fields, follow_redirects=False)
        return r.status_code

    async def storm() -> tuple[list[int], float, float]:
        # one client per exhibitor: each is a browser of its own, with its own cookies
        clients = [httpx.AsyncClient(base_url=server, timeout=120) for _ in names]
        try:
            t0 = time.perf_counter()
            forms = await asyncio.gather(
                *(prepare(c, n) for c, n in zip(clients, names, strict=True))
            )
            t1 = time.perf_counter()
            codes = await asyncio.gather(
                *(save(c, n, f) for c, n, f in zip(clients, names, forms, strict=True))
            )
            return list(codes), t1 - t0, time.perf_counter() - t1
        finally:
            for c in clients:
                await c.aclose()

    codes, pages, saves = asyncio.run(storm())
    print(f"\n50 exhibitor pages at once: {pages:.2f} s; 50 concurrent saves: {saves:.2f} s")
    assert codes == [303] * 50
    hotels = rows_of(folder, "accommodation")
    for i, name in enumerate(names):
        mine = hotels[hotels["exhibitor"] == name]
        assert mine["room_nights"].tolist() == [str(7 + i)], name
    log = json.loads((folder / STATE_DIR / "submissions.json").read_text(encoding="utf-8"))
    assert set(names) <= set(log)
    api.calculate(folder)  # the tables are whole and valid after the storm


# -- the commands ----------------------------------------------------------------------------


def test_invite_and_serve_commands(folder: Path, tmp_path: Path) -> None:
    from tests.conftest import run_cli

    r = run_cli("invite", str(folder), "--base-url", "https://expo.example.org/")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("staff\thttps://expo.example.org/staff/")
    assert sum(1 for line in lines if "\thttps://expo.example.org/e/" in line) == 620
    assert "621 new link(s); 0 kept" in r.stderr
    again = run_cli("invite", str(folder))
    assert again.stdout == "" and "0 new link(s); 621 kept" in again.stderr
    empty = tmp_path / "not-an-event"
    empty.mkdir()
    r = run_cli("serve", str(empty), "--port", "1")
    assert r.returncode == 2 and "event.yaml" in r.stderr
    assert run_cli("invite", str(empty)).returncode == 2


def test_access_logs_never_show_a_token() -> None:
    import logging

    from carbonexpo.web import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/e/SECRETTOKEN123/statement.pdf?lang=zh", "1.1", 200),
        None,
    )
    RedactTokens().filter(record)
    assert "SECRETTOKEN123" not in record.getMessage()
    assert "/e/…/statement.pdf" in record.getMessage()


# -- whatever a person types ----------------------------------------------------------------


@pytest.fixture(scope="module")
def typed_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed") / "event"
    shutil.copytree(EXAMPLE, folder)
    made, _ = api.invite(folder)
    url = next(u for role, who, u in made if who == A)
    return folder, url, TestClient(create_app(folder, lang="en"))


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=1+1",
            "@SUM(A1)",
            "-5",
            "1e400",
            "nan",
            "1,200",
            "２０",
            "0x10",
            "Shanghai",
            "PVG",
            "hsr",
            "air",
            "kg",
            "",
            " ",
            "\t",
            "\x00",
            "<script>",
            "'; DROP TABLE x;--",
            "9" * 40,
        ]
    ),
)


@settings(max_examples=25, deadline=None)
@given(
    cells=st.dictionaries(
        st.sampled_from(
            [
                "staff-0-origin",
                "staff-0-mode",
                "staff-0-travellers",
                "staff-0-round_trips",
                "staff-0-distance_km",
                "staff-0-cabin",
                "freight-0-shipment",
                "freight-0-mode",
                "freight-0-mass_kg",
                "freight-0-origin",
                "freight-0-destination",
                "hotels-0-country",
                "hotels-0-room_nights",
                "materials-0-material",
                "materials-0-mass_kg",
                "materials-0-origin",
                "booth-0-build",
                "staff-199-origin",
                "staff-x-origin",
                "nonsense",
            ]
        ),
        CELL,
        max_size=8,
    )
)
def test_whatever_is_typed_the_answer_is_saved_or_explained(typed_site, cells) -> None:
    """Never a server error: the form is saved (303) and the event still calculates, or it
    is refused (422) with the problems shown, and the tables are as before."""
    folder, url, client = typed_site
    before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    page = client.get(path(url))
    fields = {**form_fields(page.text), **cells}
    r = client.post(path(url), data=fields, follow_redirects=False)
    assert r.status_code in (303, 422), r.text[:500]
    if r.status_code == 303:
        api.validate(folder)
    else:
        assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before
        assert "Not saved" in r.text
    estimate = client.post(path(url) + "/estimate", data=fields)
    assert estimate.status_code == 200 and "groups" in estimate.json()


# -- the dashboard at real size (620 exhibitors) -----------------------------------------------


def test_a_bad_cell_leaves_the_totals_shown_with_a_banner(folder: Path, links) -> None:
    travel = folder / "travel.csv"
    travel.write_text(
        travel.read_text(encoding="utf-8") + "visitor,,,metro,-5,1,10,\n", encoding="utf-8"
    )
    client = TestClient(create_app(folder, lang="en"))
    html = client.get(path(links["staff"])).text
    banner = re.search(r'<div class="notice bad" id="set-aside"[^>]*>(.*?)</div>', html, re.S)
    assert banner is not None
    assert "1 problem(s)" in banner.group(1) and "1 row(s) are set aside" in banner.group(1)
    assert 'href="#problems"' in banner.group(1)
    assert 'id="gross"' in html and "provisional" in html  # totals shown, marked
    assert html.index('id="totals"') < html.index('id="exhibitors"')
    # the totals are those of the folder without the bad row
    good = api.calculate(EXAMPLE).result.totals.gross_tco2e
    assert f"{good:,.1f} tCO2e" in html
    assert UI["en"]["downloads_wait"] in html  # no report of partial data
    assert client.get(path(links["staff"]) + "/report-en.html").status_code == 409
    zh = client.get(path(links["staff"]) + "?lang=zh").text
    assert "暂不计入" in zh and "数值为负: &#39;-5&#39;" in zh  # the problem's detail in zh too


def exhibitor_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-exhibitor="([^"]+)">', html)


def test_exhibitors_are_searched_sorted_and_paged_on_the_server(client: TestClient, links) -> None:
    base = path(links["staff"])
    first = client.get(base).text
    assert len(exhibitor_rows(first)) == 50 and "page 1 of 13 (620 exhibitors)" in first
    assert exhibitor_rows(first)[0] == A
    last = client.get(base + "?page=13").text
    assert len(exhibitor_rows(last)) == 620 - 12 * 50
    assert "page 13 of 13" in client.get(base + "?page=99").text  # beyond the last: the last
    found = client.get(base + "?q=co.+042").text  # any case, exhibitor or booth
    assert exhibitor_rows(found) == ["CN Supply Chain Co. 042"]
    assert "page 1 of 1 (1 exhibitors)" in found
    by_tco2e = exhibitor_rows(client.get(base + "?sort=-tco2e").text)
    by_area = exhibitor_rows(client.get(base + "?sort=area").text)
    assert by_tco2e != exhibitor_rows(first) and by_area != by_tco2e
    page = client.get(base + "?sort=-tco2e").text
    figures = re.findall(r'<td class="num">([\d,.]+) \+ ([\d,.]+)</td>', page)
    totals = [float(a.replace(",", "")) + float(b.replace(",", "")) for a, b in figures]
    assert totals == sorted(totals, reverse=True) and len(totals) == 50
    assert 'aria-sort="descending"' in page
    assert "statement.pdf?exhibitor=" in page


def test_downloads_are_named_by_language(client: TestClient, links) -> None:
    base = path(links["staff"])
    zh = client.get(base + "/report-zh.html")
    en = client.get(base + "/report-en.html")
    assert zh.headers["content-disposition"].endswith('cisce-2024-report-zh.html"')
    assert en.headers["content-disposition"].endswith('cisce-2024-report-en.html"')
    assert "碳中和" in zh.text and "Carbon-neutrality balance report" in en.text
    old = client.get(base + "/report.html?lang=zh")  # the name before: ?lang decides
    assert old.headers["content-disposition"].endswith('cisce-2024-report-zh.html"')
    book = client.get(base + "/result-zh.xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert book.headers["content-disposition"].endswith('cisce-2024-result-zh.xlsx"')


def test_submitted_at_in_the_events_time_zone(client: TestClient, links, folder: Path) -> None:
    fields = form_fields(client.get(path(links[A])).text)
    assert client.post(path(links[A]), data=fields, follow_redirects=False).status_code == 303
    saved = api.submissions(folder)[A]["saved"]  # UTC, as stored
    import datetime as dt
    from zoneinfo import ZoneInfo

    local = dt.datetime.fromisoformat(saved).astimezone(ZoneInfo("Asia/Shanghai"))
    html = client.get(path(links["staff"])).text
    row = re.search(rf'<tr data-exhibitor="{re.escape(A)}">(.*?)</tr>', html, re.S).group(1)
    assert local.strftime("%Y-%m-%d %H:%M") in row and saved not in row


def test_the_staff_reads_any_exhibitors_statement(client: TestClient, links) -> None:
    base = path(links["staff"])
    r = client.get(base + "/statement.html", params={"exhibitor": B})
    assert r.status_code == 200 and B in r.text
    assert client.get(base + "/statement.html", params={"exhibitor": "Nobody"}).status_code == 404


# names, ids, factor keys, units and formats are not English words on a Chinese page
ALLOWED_LATIN = re.compile(
    r"^(?:[A-Z0-9][A-Za-z0-9]*(?:[-_/.][A-Za-z0-9]+)*|[a-z0-9_]+(?:\.[a-z0-9_]+)+|"
    r"tCO2e|kgCO2e|MWh|kWh|carbonexpo|English|Excel|Asia/Shanghai|PDF|HTML|CSV|JSON)$"
)


def english_words(html: str, allowed: set[str]) -> set[str]:
    """Words of three or more Latin letters in the visible text that are not names, ids, factor
    keys, units or file formats."""
    import html as markup

    html = re.sub(r"<(script|style|svg|template|code)\b.*?</\1>", " ", html, flags=re.S)
    text = markup.unescape(re.sub(r"<[^>]+>", " ", html))
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9_./-]*", text)
    return {t for t in tokens if re.search(r"[a-z]{3}", t) and not ALLOWED_LATIN.match(t)}


def test_chinese_pages_hold_no_english_words(client: TestClient, links) -> None:
    config = api.event_config(EXAMPLE)
    names = {config.name, config.venue.name, A, B, *config.venue.name.split(" ")}
    for page in (links["staff"], links[A]):
        html = client.get(path(page) + "?lang=zh").text
        assert english_words(html, names) == set(), page
    verify = client.get("/verify?lang=zh").text
    assert english_words(verify, names) == set()
    # the check can fail
    assert english_words("<p>总量 not submitted</p>", names) == {"not", "submitted"}


def test_verify_shows_what_was_certified_in_the_readers_language(folder: Path, certificate) -> None:
    client = TestClient(create_app(folder, lang="zh", trust=certificate["trust"]))
    r = verify_post(client, (certificate["dir"] / "cert.pdf").read_bytes(), "cert.pdf")
    record = json.loads((certificate["dir"] / "cert.json").read_text(encoding="utf-8"))["record"]
    assert r.status_code == 200
    table = re.search(r'<table id="certified">(.*?)</table>', r.text, re.S).group(1)
    gross = float(record["totals"]["gross_tco2e"])
    assert f"{gross:,.3f} tCO2e" in table and record["issuer"] in table
    assert "2025-02-01" in table and "生态环境部" in table and "实现碳中和" in table
    assert "由受信任的公钥 issuer.pub 签名" in r.text  # the reason in zh
    assert 'id="trusted">' in r.text and ": issuer<" in r.text  # trusted issuers by name


def api_verify(client: TestClient, content: bytes, query: str = ""):
    return client.post("/api/verify" + query, content=content)


def test_api_verify_good_tampered_and_foreign(folder: Path, certificate) -> None:
    client = TestClient(create_app(folder, trust=certificate["trust"]))
    good = (certificate["dir"] / "cert.json").read_bytes()
    r = api_verify(client, good)  # no cookie, no CSRF token, no Origin
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True
    record = json.loads(good)["record"]
    assert body["claim"]["gross_tco2e"] == pytest.approx(float(record["totals"]["gross_tco2e"]))
    assert body["claim"]["issuer"] == record["issuer"] and body["trusted_issuers"] == ["issuer"]
    pdf = api_verify(client, (certificate["dir"] / "cert.pdf").read_bytes())
    assert pdf.status_code == 200 and pdf.json()["id"] == body["id"]
    # tampered: a figure changed after signing
    tampered = json.loads(good)
    tampered["record"]["totals"]["net_tco2e"] = "-1.000000"
    r = api_verify(client, json.dumps(tampered).encode())
    assert r.status_code == 422 and r.json()["ok"] is False
    assert r.json()["messages"][0].startswith("hash mismatch")
    assert r.json()["claim"] is None  # nothing is stated from a record that does not hold
    # foreign: signed by a key this site does not trust
    other = certificate["dir"] / "other"
    other.mkdir()
    api.generate_keys(other / "other.key")
    api.issue_certificate(
        api.calculate(EXAMPLE),
        key=other / "other.key",
        pdf=other / "c.pdf",
        issue_date="2025-02-01",
    )
    r = api_verify(client, (other / "c.json").read_bytes())
    assert r.status_code == 422 and "key mismatch" in r.json()["messages"][0]
    # not a certificate; a cross-site script may ask too (it changes nothing)
    r = api_verify(client, b"hello")
    assert r.status_code == 400 and r.json()["ok"] is False
    r = client.post("/api/verify", content=good, headers={"origin": "https://registry.example"})
    assert r.status_code == 200
    # the link of a QR code: the hash must be the one named
    r = api_verify(client, good, f"?id={body['id']}&sha256={'0' * 64}")
    assert r.status_code == 422 and "not the certificate the link names" in r.json()["messages"][0]
