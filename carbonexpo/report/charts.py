"""Charts as inline SVG (matplotlib, Agg-free SVG backend). Deterministic output: fixed hash
salt, no date metadata, text kept as text so that it is searchable and renders CJK."""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

from carbonexpo.report.pdf import CJK_HELP, MissingCJKFontWarning, cjk_font_files

CJK_FONTS = [
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "DejaVu Sans",
]
COLOURS = [
    "#1b7f5f",
    "#3fa37f",
    "#7cc4a4",
    "#b7e0cc",
    "#2f6690",
    "#3a7ca5",
    "#81c3d7",
    "#d9a441",
    "#c06c2b",
    "#8c564b",
]


def _know_cjk_fonts() -> None:
    """matplotlib's font list is cached on first use: when the CJK font was installed after
    it (the README example run first), matplotlib would not see it and warn once per glyph.
    Fonts fontconfig knows for Chinese are added to the in-process list, once."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if known & set(CJK_FONTS[:-1]):
        return
    for path in cjk_font_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # a font file matplotlib cannot read
            continue


def _figure(width: float = 6.4, height: float = 3.0):
    """A figure and its axes, made without pyplot: no global figure registry to close, and
    14 MiB less in every run that draws a chart (pyplot loads each backend's machinery)."""
    import matplotlib
    from matplotlib.figure import Figure

    _know_cjk_fonts()

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "carbonexpo",
            "font.family": "sans-serif",
            "font.sans-serif": CJK_FONTS,
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.tight_layout()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "carbonexpo"})
    missing = [w for w in caught if "missing from font" in str(w.message)]
    for w in caught:
        if w not in missing:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing:  # one warning for the chart, not one per glyph
        warnings.warn(CJK_HELP, MissingCJKFontWarning, stacklevel=3)
    text = buf.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.DOTALL)
    return text


def bar_chart(
    labels: list[str],
    values: list[float],
    title: str,
    unit: str,
    horizontal: bool = True,
    intervals: list[tuple[float, float] | None] | None = None,
) -> str:
    """Bars; `intervals` (low, high per bar, horizontal charts) are drawn as error bars."""
    fig, ax = _figure(6.4, max(2.2, 0.32 * len(labels) + 0.8) if horizontal else 3.0)
    if horizontal:
        xerr = None
        if intervals is not None:
            lows = [v - (iv[0] if iv else v) for v, iv in zip(values, intervals, strict=True)]
            highs = [(iv[1] if iv else v) - v for v, iv in zip(values, intervals, strict=True)]
            xerr = [[max(x, 0.0) for x in lows[::-1]], [max(x, 0.0) for x in highs[::-1]]]
        ax.barh(
            labels[::-1],
            values[::-1],
            color=COLOURS[0],
            xerr=xerr,
            error_kw={"ecolor": "#444444", "capsize": 3, "elinewidth": 1},
        )
        ax.set_xlabel(unit)
        ax.xaxis.set_major_formatter(thousands())
    else:
        ax.bar(labels, values, color=COLOURS[: len(labels)])
        ax.set_ylabel(unit)
        ax.yaxis.set_major_formatter(thousands())
    ax.set_title(title)
    return _svg(fig)


def daily_chart(days: list[str], kwh: list[float], title: str) -> str:
    fig, ax = _figure(6.4, 2.6)
    ax.bar([d[5:] for d in days], kwh, color=COLOURS[4])
    ax.yaxis.set_major_formatter(thousands())
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=60)
    return _svg(fig)


def hourly_chart(
    hours: list[str],
    consumption: list[float],
    generation: list[float],
    matched: list[float],
    labels: tuple[str, str, str],
    title: str,
) -> str:
    """Load and green generation hour by hour, the matched part filled."""
    fig, ax = _figure(6.4, 2.8)
    x = list(range(len(hours)))
    ax.plot(x, consumption, color=COLOURS[0], linewidth=0.9, label=labels[0])
    ax.plot(x, generation, color=COLOURS[2], linewidth=0.9, label=labels[1])
    ax.fill_between(x, matched, color=COLOURS[2], alpha=0.45, linewidth=0, label=labels[2])
    days = [i for i, h in enumerate(hours) if h[11:13] == "00"] or [0]
    ax.set_xticks(days, [hours[i][5:10] for i in days], rotation=60)
    ax.set_ylabel("MWh")
    ax.set_title(title)
    ax.legend(fontsize=9, frameon=False, loc="upper right")
    return _svg(fig)


def waterfall_chart(steps: list[tuple[str, float, str]], title: str, unit: str) -> str:
    """steps: (label, value, kind) with kind 'total' (a bar from 0) or 'delta' (a floating
    bar from the running level)."""
    fig, ax = _figure(6.4, 3.0)
    level = 0.0
    for i, (_label, value, kind) in enumerate(steps):
        if kind == "total":
            ax.bar(i, value, color=COLOURS[0])
            level = value
        else:
            bottom = level + min(value, 0.0)
            ax.bar(i, abs(value), bottom=bottom, color=COLOURS[7] if value < 0 else COLOURS[8])
            level += value
        ax.text(
            i,
            max(level, 0) if kind != "total" else value,
            f"{value:,.0f}",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xticks(range(len(steps)), [s[0] for s in steps])
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(thousands())
    ax.set_title(title)
    return _svg(fig)


def thousands() -> Any:
    """Value axes as the tables print numbers: 25,000, not 25000."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")
