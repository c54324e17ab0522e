"""Write a report file in the format its extension names."""

from __future__ import annotations

from pathlib import Path

from carbonexpo.errors import CarbonExpoError
from carbonexpo.io.writers import write_bytes_atomic, write_text_atomic
from carbonexpo.report.render import render_html, render_markdown
from carbonexpo.result import Result

FORMATS = (".html", ".htm", ".md", ".pdf")


def write_report(result: Result, path: Path, lang: str = "en") -> None:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        write_text_atomic(path, render_html(result, lang))
    elif suffix == ".md":
        write_text_atomic(path, render_markdown(result, lang))
    elif suffix == ".pdf":
        from carbonexpo.report.pdf import html_to_pdf

        write_bytes_atomic(path, html_to_pdf(render_html(result, lang)))
    else:
        raise CarbonExpoError(f"unknown report format {path.suffix!r}: use .html, .md or .pdf")
