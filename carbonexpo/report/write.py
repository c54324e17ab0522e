"""Write a report file in the format its extension names."""

from __future__ import annotations

from pathlib import Path

from carbonexpo.errors import CarbonExpoError
from carbonexpo.io.writers import write_bytes_atomic
from carbonexpo.report.render import render_html, render_markdown
from carbonexpo.result import Result

FORMATS = (".html", ".htm", ".md", ".pdf")


def report_bytes(result: Result, suffix: str, lang: str = "en") -> bytes:
    """The report as the bytes of a .html, .md or .pdf file."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        return render_html(result, lang).encode("utf-8")
    if suffix == ".md":
        return render_markdown(result, lang).encode("utf-8")
    if suffix == ".pdf":
        from carbonexpo.report.pdf import html_to_pdf

        return html_to_pdf(render_html(result, lang))
    raise CarbonExpoError(f"unknown report format {suffix!r}: use .html, .md or .pdf")


def write_report(result: Result, path: Path, lang: str = "en") -> None:
    write_bytes_atomic(path, report_bytes(result, path.suffix, lang))
