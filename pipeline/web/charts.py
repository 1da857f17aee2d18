"""The reports' charts drawn on the page: :class:`~pipeline.outputs.docx.charts.ChartData` -> SVG.

The same data as the reports' PNG charts (so a page cannot disagree with a report), drawn as
inline SVG: no script, no style attribute (the page's Content-Security-Policy allows neither), the
fills are CSS classes of ``app.css``. A breakdown is horizontal bars, its series stacked, the total
at the end; the trend is vertical bars grouped by year. Numbers in Vietnamese format.
"""

from __future__ import annotations

from html import escape

from ..core.vnformat import number
from ..outputs.docx.charts import ChartData

WIDTH = 720
LABEL_WIDTH = 250
ROW = 26
BAR = 18
LEGEND = 28
TREND_HEIGHT = 260


def svg_chart(chart: ChartData) -> str:
    """The chart as an ``<svg>`` element, with a title for screen readers."""
    body = _stacked(chart) if chart.stacked else _grouped(chart)
    height = _height(chart)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(chart.caption)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(chart.caption)}</title>{body}{_legend(chart, height - LEGEND + 8)}</svg>"
    )


def _height(chart: ChartData) -> int:
    if chart.stacked:
        return len(chart.categories) * ROW + LEGEND + 8
    return TREND_HEIGHT + LEGEND


def _stacked(chart: ChartData) -> str:
    totals = chart.totals()
    most = max(totals, default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    parts = []
    for row, category in enumerate(chart.categories):
        y = row * ROW + 4
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + BAR - 4}" text-anchor="end">{escape(_short(category))}</text>'
        )
        x = float(LABEL_WIDTH)
        for index, series in enumerate(chart.series):
            width = series.values[row] / most * room
            if width > 0:
                parts.append(
                    f'<rect class="s{index}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}">'
                    f"<title>{escape(series.label)}: {number(series.values[row])}</title></rect>"
                )
            x += width
        parts.append(f'<text class="value" x="{x + 4:.1f}" y="{y + BAR - 4}">{number(totals[row])}</text>')
    return "".join(parts)


def _grouped(chart: ChartData) -> str:
    most = max((v for s in chart.series for v in s.values), default=0) or 1
    groups = len(chart.categories) or 1
    slot = (WIDTH - 40) / groups
    bar = min(40.0, slot / (len(chart.series) + 1))
    base = TREND_HEIGHT - 24
    parts = [f'<line class="axis" x1="20" y1="{base}" x2="{WIDTH - 20}" y2="{base}"/>']
    for g, category in enumerate(chart.categories):
        left = 20 + g * slot + (slot - bar * len(chart.series)) / 2
        for index, series in enumerate(chart.series):
            value = series.values[g]
            height = value / most * (base - 24)
            x = left + index * bar
            parts.append(
                f'<rect class="s{index}" x="{x:.1f}" y="{base - height:.1f}" width="{bar - 2:.1f}" height="{height:.1f}">'
                f"<title>{escape(series.label)} {escape(category)}: {number(value)}</title></rect>"
                f'<text class="value" x="{x + bar / 2 - 1:.1f}" y="{base - height - 4:.1f}" '
                f'text-anchor="middle">{number(value)}</text>'
            )
        parts.append(
            f'<text class="label" x="{20 + g * slot + slot / 2:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    return "".join(parts)


def _legend(chart: ChartData, y: int) -> str:
    parts, x = [], 20
    for index, series in enumerate(chart.series):
        parts.append(
            f'<rect class="s{index}" x="{x}" y="{y}" width="14" height="14"/>'
            f'<text class="label" x="{x + 20}" y="{y + 12}">{escape(series.label)}</text>'
        )
        x += 40 + 8 * len(series.label)
    return "".join(parts)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
