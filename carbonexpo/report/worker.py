"""Render a report PDF in a second process that gets ready while the calculation runs.

A PDF report spends about a second on work that does not depend on the data: importing
WeasyPrint and matplotlib, loading the fonts, compiling the template. `PdfWorker()` starts a
process that does all of that at once; the caller calculates meanwhile (on the other core) and
then hands the worker the result:

    with PdfWorker() as worker:
        run = calculate(folder)
        pdf = worker.pdf(run.result, "zh")

The bytes are those `report.write.report_bytes(result, ".pdf", lang)` gives in this process (the
result goes over as its JSON, which round-trips exactly; tested). Nothing depends on the worker:
on one core, with CARBONEXPO_PDF_WORKER=0, or if the worker cannot start or fails, the PDF is
rendered here. Warnings the worker records (a missing CJK font) are issued again here.

Protocol: the parent writes one JSON line {"lang": ...} and the result's JSON to the worker's
stdin and closes it; the worker answers with one JSON line {"warnings": [[category, message]...],
"bytes": N} and the N bytes of the PDF. A worker whose stdin closes empty exits quietly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carbonexpo.result import Result

ENV_SWITCH = "CARBONEXPO_PDF_WORKER"  # "0": always render in this process
TIMEOUT_S = 600


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_starting() -> bool:
    """A second process only pays when it has a core of its own."""
    return os.environ.get(ENV_SWITCH, "1") != "0" and _cores() >= 2 and bool(sys.executable)


class PdfWorker:
    """A process that prepares to render one report PDF (see the module's text)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        if worth_starting():
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "carbonexpo.report.worker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self._proc = None

    @property
    def started(self) -> bool:
        return self._proc is not None

    def pdf(self, result: Result, lang: str) -> bytes:
        """The report PDF of `result`: from the worker when it answers, else rendered here."""
        proc, self._proc = self._proc, None
        if proc is not None:
            answer = _ask(proc, result, lang)
            if answer is not None:
                caught, pdf = answer
                _warn_again(caught)
                return pdf
        from carbonexpo.report.write import report_bytes

        return report_bytes(result, ".pdf", lang)

    def close(self) -> None:
        """Stop a worker that was not used (the calculation failed)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _ask(
    proc: subprocess.Popen[bytes], result: Result, lang: str
) -> tuple[list[list[str]], bytes] | None:
    request = json.dumps({"lang": lang}).encode() + b"\n" + result.model_dump_json().encode()
    try:
        out, _ = proc.communicate(request, timeout=TIMEOUT_S)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
        return None
    if proc.returncode != 0:
        return None
    head, newline, pdf = out.partition(b"\n")
    try:
        status = json.loads(head) if newline else None
    except ValueError:
        return None
    if not isinstance(status, dict) or status.get("bytes") != len(pdf):
        return None
    return list(status.get("warnings", [])), pdf


def _warn_again(caught: list[list[str]]) -> None:
    from carbonexpo.report.pdf import MissingCJKFontWarning

    for category, message in caught:
        kind = MissingCJKFontWarning if category == MissingCJKFontWarning.__name__ else UserWarning
        warnings.warn(message, kind, stacklevel=3)


# -- the worker's side ------------------------------------------------------------------------


def warm_up() -> None:
    """Import and load everything a report PDF needs that does not depend on the data."""
    from carbonexpo.report import charts
    from carbonexpo.report.render import environment
    from carbonexpo.result import Result  # noqa: F401  (builds the result's validator)

    environment().get_template("report.html.j2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a missing font is reported for the real report
        fig, ax = charts._figure(1.0, 1.0)
        ax.set_title("碳 CO2e 0.5")
        charts._svg(fig)
        import weasyprint  # noqa: F401


def serve_one() -> int:
    warm_up()
    request = sys.stdin.buffer.read()
    if not request:
        return 0
    from carbonexpo.report.write import report_bytes
    from carbonexpo.result import Result

    head, _, body = request.partition(b"\n")
    lang = str(json.loads(head)["lang"])
    result = Result.model_validate_json(body)
    from carbonexpo.report.pdf import MissingCJKFontWarning

    with warnings.catch_warnings(record=True) as caught:  # as `carbonexpo report` records them
        warnings.simplefilter("always", MissingCJKFontWarning)
        pdf = report_bytes(result, ".pdf", lang)
    status = {
        "warnings": [[w.category.__name__, str(w.message)] for w in caught],
        "bytes": len(pdf),
    }
    sys.stdout.buffer.write(json.dumps(status).encode() + b"\n" + pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    import gc

    gc.set_threshold(50_000, 20, 20)  # as the CLI: a short run that builds many objects
    code = serve_one()
    # the answer is flushed: skip tearing down matplotlib, WeasyPrint & co. (0.1-0.2 s the
    # parent would wait for)
    os._exit(code)
