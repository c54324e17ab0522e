"""The PDF worker (report.worker): the same bytes as rendering in this process, whatever
happens to the worker; its warnings reach the caller; an unused worker is stopped."""

from __future__ import annotations

import subprocess
import warnings
from functools import cache
from pathlib import Path

import pytest

from carbonexpo.report.pdf import MissingCJKFontWarning
from carbonexpo.report.worker import ENV_SWITCH, PdfWorker
from carbonexpo.report.write import report_bytes
from carbonexpo.result import Result
from tests.golden.regenerate import golden_result


def fc_list(pattern: str) -> list[str]:
    out = subprocess.run(["fc-list", pattern, "file"], capture_output=True, text=True).stdout
    return [line.split(":")[0].strip() for line in out.splitlines() if line.strip()]


@cache
def result() -> Result:
    return Result.model_validate_json(golden_result())


@cache
def here(lang: str) -> bytes:
    return report_bytes(result(), ".pdf", lang)


@pytest.fixture(autouse=True)
def worker_allowed(monkeypatch) -> None:
    monkeypatch.delenv(ENV_SWITCH, raising=False)


def test_the_worker_renders_the_bytes_this_process_renders() -> None:
    with PdfWorker() as worker:
        assert worker.started  # the test machine has two cores
        pdf = worker.pdf(result(), "zh")
    assert pdf.startswith(b"%PDF") and pdf == here("zh")


def test_a_worker_that_died_is_replaced_by_rendering_here() -> None:
    with PdfWorker() as worker:
        assert worker._proc is not None
        worker._proc.kill()
        worker._proc.wait()
        pdf = worker.pdf(result(), "en")
    assert pdf == here("en")


def test_switched_off_renders_here(monkeypatch) -> None:
    monkeypatch.setenv(ENV_SWITCH, "0")
    with PdfWorker() as worker:
        assert not worker.started
        assert worker.pdf(result(), "en") == here("en")


def test_an_unused_worker_is_stopped() -> None:
    worker = PdfWorker()
    proc = worker._proc
    assert proc is not None
    with pytest.raises(RuntimeError), worker:
        raise RuntimeError("the calculation failed")
    assert proc.poll() is not None and not worker.started


def test_the_workers_warnings_are_issued_here(tmp_path, monkeypatch) -> None:
    # the worker's fontconfig knows one font, and it does not cover Chinese
    from carbonexpo.report.pdf import cjk_font_files

    chinese = set(fc_list(":lang=zh")) | set(cjk_font_files())
    latin = [
        f for f in fc_list("DejaVu Sans:style=Book") if f.endswith(".ttf") and f not in chinese
    ]
    if not latin:
        pytest.skip("no font without Chinese coverage to run the worker with")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / Path(latin[0]).name).symlink_to(latin[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    with PdfWorker() as worker, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = worker.pdf(result(), "zh")
    assert pdf.startswith(b"%PDF")
    assert any(
        issubclass(w.category, MissingCJKFontWarning) and "fonts-wqy-microhei" in str(w.message)
        for w in caught
    )
