"""HTML -> PDF with WeasyPrint. The URL fetcher allows only data: URLs: a report or certificate
never reads a local file or touches the network, whatever its text contains."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from functools import cache

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class MissingCJKFontWarning(UserWarning):
    """Chinese text would print as empty boxes: no CJK font is installed."""


@cache
def cjk_font_files() -> tuple[str, ...]:
    """Files of the fonts fontconfig knows for Chinese (checked once; empty without
    fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    out = subprocess.run(
        [fc_list, ":lang=zh", "file"], capture_output=True, text=True, check=False
    ).stdout
    return tuple(sorted({line.split(":")[0].strip() for line in out.splitlines() if line}))


def cjk_font_available() -> bool:
    """True when fontconfig knows a font covering Chinese."""
    return bool(cjk_font_files())


CJK_HELP = (
    "no Chinese (CJK) font is installed, so Chinese text would print as empty boxes; "
    "install one, e.g. `apt-get install fonts-wqy-microhei` (Debian/Ubuntu) or "
    "fonts-noto-cjk"
)


def check_fonts(html: str) -> None:
    if CJK.search(html) and not cjk_font_available():
        warnings.warn(CJK_HELP, MissingCJKFontWarning, stacklevel=2)


def html_to_pdf(html: str, attachments: dict[str, bytes] | None = None) -> bytes:
    """The PDF of `html`; `attachments` (file name -> content) are embedded as PDF file
    attachments (a certificate carries its signed cert.json)."""
    import io

    from weasyprint import HTML, Attachment, URLFetcher

    check_fonts(html)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    files = [
        Attachment(file_obj=io.BytesIO(data), name=name, url_fetcher=fetcher)
        for name, data in (attachments or {}).items()
    ]
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(attachments=files)


class AttachmentProblem(ValueError):
    """A PDF that cannot be read, or (`duplicate`) that carries the attachment twice."""

    def __init__(self, message: str, *, duplicate: bool = False):
        super().__init__(message)
        self.duplicate = duplicate


def attachment(pdf: bytes, name: str) -> bytes | None:
    """The content of the file attachment `name` of a PDF, or None. Raises
    AttachmentProblem for a PDF that cannot be read or that carries `name` twice (which one
    would a reader show?)."""
    import io

    from pypdf import PdfReader

    try:
        found = PdfReader(io.BytesIO(pdf)).attachments.get(name)
    except RecursionError:
        raise AttachmentProblem("the PDF is nested too deeply to read") from None
    except Exception as exc:  # pypdf raises many kinds on a corrupted file
        raise AttachmentProblem(f"the PDF cannot be read ({type(exc).__name__})") from None
    if found and len(found) > 1:
        raise AttachmentProblem(
            f"the PDF carries {len(found)} files named {name}: one is allowed", duplicate=True
        )
    return found[0] if found else None
