"""Reports: golden HTML and Markdown (en, zh), PDF text and a PNG of page 1, escaping, fonts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from carbonexpo.report.render import render_html
from carbonexpo.result import Result
from tests.conftest import EXAMPLE, ROOT, run_cli, skip_or_fail
from tests.golden.regenerate import golden_reports, golden_result

GOLDEN = Path(__file__).parent / "golden"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.mark.parametrize(
    "name",
    [
        "cisce-2024.report.en.html",
        "cisce-2024.report.zh.html",
        "cisce-2024.report.en.md",
        "cisce-2024.report.zh.md",
    ],
)
def test_report_matches_golden(name: str) -> None:
    assert golden_reports()[name] == (GOLDEN / name).read_text(encoding="utf-8")


def test_report_sections_in_disclosure_order() -> None:
    md = (GOLDEN / "cisce-2024.report.zh.md").read_text(encoding="utf-8")
    heads = re.findall(r"^## (.+)$", md, flags=re.M)
    assert [h[:2] for h in heads] == [
        "摘要",  # the verdict first (spec §11), then the disclosure sections in order
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
        "七、",
        "八、",
    ]
    assert "实现碳中和" in md
    summary = md.split("## 一、")[0]
    assert "实现碳中和" in summary and "绿色电力覆盖率" in summary and "使用的抵消量" in summary


def test_booth_estimate_assumptions_are_notes_in_both_languages() -> None:
    from carbonexpo.booth.estimate import BoothSpec, estimate_booth, estimate_config
    from carbonexpo.notes import render

    config = estimate_config(
        venue="Beijing", country="CN", factor_sets=["cn-mee-2022", "desnz-2024"], grid="CN"
    )
    est = estimate_booth(BoothSpec(area_m2=36, build="custom", days=5), config)
    codes = [a.code for a in est.assumptions]
    assert codes[:3] == ["booth_materials", "booth_power", "booth_hours"]
    zh = [render(a, "zh") for a in est.assumptions]
    assert "特装展位" in zh[0] and "288 千瓦时" in zh[2]
    assert "custom booth" in est.assumptions[0].text


def test_chinese_report_leaves_no_calculator_sentence_in_english() -> None:
    from carbonexpo.notes import render_all

    result = Result.model_validate_json(golden_result())
    notes = [i.reasons for i in result.instruments] + [c.reasons for c in result.credits]
    notes += [[n] for n in result.assumptions + result.warnings]
    for group in notes:
        zh = render_all(group, "zh")
        assert not re.search(r"[a-z]{4,} [a-z]{4,} [a-z]{4,}", zh), zh  # no English phrase


def test_charts_are_inline_svg_with_text() -> None:
    html = render_html(Result.model_validate_json(golden_result()), "zh")
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 5  # category, phase, daily electricity, hourly matching, waterfall
    assert "按类别的排放" in html and "从基于位置的排放到净排放" in html
    assert "<image" not in html and "<metadata>" not in html
    assert not re.search(r"(href|src)=\"(https?|file):", html)


def test_pdf_has_chinese_name_and_net_figure_and_a_page_png(tmp_path) -> None:
    out = tmp_path / "report.pdf"
    r = run_cli("report", str(EXAMPLE), "-o", str(out), "--lang", "zh")
    assert r.returncode == 0, r.stderr
    from carbonexpo.report.pdf import cjk_font_available

    if not cjk_font_available():  # mixed fallback fonts make the text layer unreadable
        skip_or_fail("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "2nd China International Supply Chain Expo" in text and "0.0" in text
    assert "第二届中国国际供应链促进博览会" in text
    assert "净排放量" in text
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "70",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(out),
                str(ARTIFACTS / "report-zh-page"),
            ],
            check=True,
        )
        assert any(ARTIFACTS.glob("report-zh-page*.png"))


def test_html_escapes_hostile_names(event, tmp_path) -> None:
    hostile = "<script>alert(1)</script>"
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            f'"{hostile}",electricity,2024-11-26T08:00,2024-11-26T09:00,10,kWh\n',
            "booths": f'exhibitor,booth,area_m2\n"{hostile}",A1,9\n',
        }
    )
    out = tmp_path / "r.html"
    r = run_cli("report", str(folder), "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pdf_fetcher_refuses_local_files(tmp_path) -> None:
    from carbonexpo.report.pdf import html_to_pdf

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    html = (
        f'<p>x</p><img src="file://{secret}"><link rel="stylesheet" href="file://{secret}">'
        f'<iframe src="file://{secret}"></iframe>'
    )
    pdf = html_to_pdf(html)
    assert b"TOPSECRET" not in pdf


def test_missing_cjk_font_warns(monkeypatch) -> None:
    from carbonexpo.report import pdf

    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    with pytest.warns(pdf.MissingCJKFontWarning, match="fonts-wqy-microhei"):
        pdf.check_fonts("<p>碳中和</p>")


def test_unknown_report_format_is_a_usage_error(tmp_path) -> None:
    r = run_cli("report", str(EXAMPLE), "-o", str(tmp_path / "r.docx"))
    assert r.returncode == 2


@pytest.mark.parametrize("suffix", [".html", ".md", ".pdf"])
def test_report_of_an_event_with_empty_tables(event, tmp_path, suffix) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n",
            "credits": "registry,project_id,vintage,serial_prefix,first,last\n",
        }
    )
    out = tmp_path / f"r{suffix}"
    r = run_cli("report", str(folder), "-o", str(out), "--lang", "zh")
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 0
    r = run_cli("calc", str(folder), "--json", "-")
    assert any("inventory is empty" in w["text"] for w in json.loads(r.stdout)["warnings"])


def test_chinese_chart_with_a_stale_matplotlib_font_cache_does_not_flood(monkeypatch) -> None:
    """The README example run before a CJK font was installed leaves matplotlib's font list
    without it; a zh chart must then find the font (no per-glyph warnings), and with no CJK
    font at all warn once, not once per glyph."""
    import warnings

    from matplotlib import font_manager

    from carbonexpo.report import charts
    from carbonexpo.report.pdf import MissingCJKFontWarning, cjk_font_files

    if not cjk_font_files():
        skip_or_fail("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    stale = [f for f in font_manager.fontManager.ttflist if f.name not in charts.CJK_FONTS[:-1]]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    font_manager.fontManager._findfont_cached.cache_clear()
    labels = ["电力", "交通出行", "住宿", "物流运输"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = charts.bar_chart(labels, [1.0, 2.0, 3.0, 4.0], "按类别排放", "吨二氧化碳当量")
    assert "交通出行" in svg
    assert [str(w.message) for w in caught] == []
    assert {f.name for f in font_manager.fontManager.ttflist} & set(charts.CJK_FONTS[:-1])

    stale = [f for f in stale if f.name not in charts.CJK_FONTS[:-1]]  # addfont added to it
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    monkeypatch.setattr(charts, "cjk_font_files", lambda: ())  # no CJK font on this machine
    font_manager.fontManager._findfont_cached.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.bar_chart(labels, [1.0, 2.0, 3.0, 4.0], "按类别排放", "吨二氧化碳当量")
    assert [w.category for w in caught] == [MissingCJKFontWarning]
    font_manager.fontManager._findfont_cached.cache_clear()


def test_chinese_report_translates_every_enumeration() -> None:
    """Instrument types, statuses, categories, phases and bases never reach a zh report raw."""
    from carbonexpo.config import CATEGORY_NAMES, PHASES
    from carbonexpo.io.schema import INSTRUMENT_TYPES
    from carbonexpo.notes import GLOSSARY
    from carbonexpo.report.render import render_template, report_context

    result = Result.model_validate_json(golden_result())
    md = render_template("report.md.j2", report_context(result, "zh", with_charts=False))
    html = render_html(result, "zh")
    tokens = [
        *INSTRUMENT_TYPES,
        *CATEGORY_NAMES,
        *PHASES,
        "applied",
        "rejected",
        "eligible",
        "market",
        "location",
    ]
    page = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", html, flags=re.DOTALL)
    for text in (md, page):
        # citations and the factor table's publisher notes are quoted in their own language
        quoted = ("http", "DESNZ", "kgCO2e/")
        text = "\n".join(line for line in text.splitlines() if not any(q in line for q in quoted))
        for token in tokens:
            # a key such as green_power.csv or claim.well_to_tank is a name, not a word
            raw = re.search(rf"(?<![\w./-]){re.escape(token)}(?![\w./-])", text)
            assert raw is None, (token, text[max(raw.start() - 60, 0) : raw.end() + 60])
    used = {i.type for i in result.instruments}
    assert used and all(GLOSSARY["zh"][u] in md for u in used)


def test_report_pdf_keeps_headings_with_their_content_and_repeats_table_headers() -> None:
    import io

    from pypdf import PdfReader

    from carbonexpo.report.labels import LABELS
    from carbonexpo.report.pdf import html_to_pdf

    result = Result.model_validate_json(golden_result())
    html = render_html(result, "en")
    assert html.count("<thead>") >= 8  # every column-header table repeats its header
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(html_to_pdf(html))).pages]
    headings = {LABELS["en"][f"s{i}"] for i in range(1, 9)} | {
        LABELS["en"][k] for k in ("factors_used", "inputs", "sources") if k in LABELS["en"]
    }
    for n, text in enumerate(pages, start=1):
        body = [line.strip() for line in text.splitlines() if line.strip()]
        body = [line for line in body if not re.fullmatch(r"\d+ / \d+", line)]  # page number
        assert body and body[-1] not in headings, f"page {n} ends with heading {body[-1]!r}"
    credits_header = LABELS["en"]["registry"]
    assert sum(credits_header in p for p in pages) >= 1
