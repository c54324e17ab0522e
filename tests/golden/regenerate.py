"""Regenerate the golden files from the example event. Run from the project root:

    python tests/golden/regenerate.py

Review the diff before committing: a golden file changes only when a number is meant to change.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

GENERATED_AT = dt.datetime(2025, 1, 31, 12, 0, tzinfo=dt.UTC)


@functools.cache  # the tests read them many times; a run computes each once
def golden_result() -> str:
    from carbonexpo.api import result_json
    from carbonexpo.calc.calculate import calculate
    from carbonexpo.calc.result import build_result
    from carbonexpo.io.event import read_event

    # with the Monte Carlo a report runs (api.REPORT_RUNS): the intervals and the odds
    calc = calculate(read_event(ROOT / "examples" / "cisce-2024"), uncertainty_runs=1000)
    return result_json(build_result(calc, generated_at=GENERATED_AT))


def without_charts(html: str) -> str:
    """Charts are checked on their own: matplotlib's SVG differs between its versions."""
    import re

    return re.sub(r"<svg.*?</svg>", "<svg/>", html, flags=re.DOTALL)


@functools.cache
def golden_reports() -> dict[str, str]:

    from carbonexpo.report.render import render_html, render_markdown
    from carbonexpo.result import Result

    result = Result.model_validate_json(golden_result())
    out = {}
    for lang in ("en", "zh"):
        out[f"cisce-2024.report.{lang}.html"] = without_charts(render_html(result, lang))
        out[f"cisce-2024.report.{lang}.md"] = render_markdown(result, lang)
    return out


def golden_statement(exhibitor: str = "CN Supply Chain Co. 001") -> str:
    from carbonexpo.calc.calculate import calculate
    from carbonexpo.calc.result import build_result
    from carbonexpo.io.event import read_event
    from carbonexpo.report.render import render_template
    from carbonexpo.report.statement import statement_context

    calc = calculate(read_event(ROOT / "examples" / "cisce-2024"))
    result = build_result(calc, generated_at=GENERATED_AT)
    return render_template("statement.md.j2", statement_context(calc, result, exhibitor, "en"))


def main() -> None:
    (HERE / "cisce-2024.statement.en.md").write_text(golden_statement(), encoding="utf-8")
    (HERE / "cisce-2024.result.json").write_text(golden_result(), encoding="utf-8")
    for name, text in golden_reports().items():
        (HERE / name).write_text(text, encoding="utf-8")
    print("wrote", HERE)


if __name__ == "__main__":
    main()
