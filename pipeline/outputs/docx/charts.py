"""Charts stage: statistics -> the reports' charts as PNG images.

Contract:

- :func:`chart_data` ``(key, stats) -> ChartData | None`` is pure and needs no matplotlib: what a
  chart shows (categories, series of values, caption), read from the statistics' tables and
  figures, so a chart cannot disagree with the tables beside it. ``None`` when there is nothing to
  draw: no model in the breakdown, or no earlier year known for the trend.
- :func:`draw` ``(chart, width_mm) -> Figure`` draws it: a breakdown (``by_field``, ``by_group``) as
  horizontal bars, new and continuing models stacked, the total at the end of each bar; the trend
  (``trend``) as bars grouped by year for models, collective and individual exemplars.
- :func:`png_bytes` saves the figure at a fixed size and resolution without metadata (no software
  version, no date): the same chart gives the same bytes.

matplotlib is imported inside the functions that draw, so ``dvk --help`` and every command that
writes no report never load it. Every text is drawn with the DejaVu Sans file shipped inside
matplotlib, which has every Vietnamese letter, so no system font package is needed and no other
font can be picked up. Greys, black outlines and one hatch only: the charts print well in black
and white. Numbers are in Vietnamese format (1.234).
"""

from __future__ import annotations

import functools
import io
import textwrap
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.vnformat import number
from ...year.stat_table import StatTable
from ...year.stats import Statistics

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

BREAKDOWNS = {"by_field": "lĩnh vực", "by_group": "khối"}
TREND = "trend"
CHART_KEYS = (*BREAKDOWNS, TREND)
NEW_COLUMN, CONTINUING_COLUMN, TOTAL_COLUMN = "Mô hình mới", "Mô hình tiếp tục", "Tổng số mô hình"
OTHER_STATUS = "Chưa rõ tình trạng"
TREND_SERIES = (
    ("models_total", "Mô hình"),
    ("collectives_total", "Điển hình tập thể"),
    ("individuals_total", "Điển hình cá nhân"),
)

DPI = 200
FONT_FILE = "DejaVuSans.ttf"
FONT_PT = 10.0
SMALL_FONT_PT = 9.0
LABEL_CHARS = 28  # category labels wrap at this width
MM_PER_INCH = 25.4
BAR_ROW_MM = 9.0  # height of one category of a horizontal bar chart
BREAKDOWN_FRAME_MM = 24.0  # axis and legend around the bars
TREND_HEIGHT_MM = 80.0
# Fills that stay apart in black and white: dark grey, light grey, white with a hatch.
FILLS = (("#404040", ""), ("#b3b3b3", ""), ("white", "////"))
EDGE = "black"
GRID = "#d9d9d9"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows. ``stacked``: horizontal stacked bars; otherwise vertical grouped bars."""

    key: str
    caption: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool

    def totals(self) -> tuple[float, ...]:
        """Per category, the sum over the series."""
        return tuple(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))


# --------------------------------------------------------------------------- data


def chart_data(key: str, stats: Statistics) -> ChartData | None:
    """The chart ``key`` (one of :data:`CHART_KEYS`) of the year, or None when there is nothing to draw."""
    if key == TREND:
        return _trend(stats)
    if key not in BREAKDOWNS:
        raise ValueError(f"biểu đồ “{key}” không có; cho phép: {', '.join(CHART_KEYS)}")
    return _breakdown(key, stats.table(key), stats.year) if stats.has_table(key) else None


def _breakdown(key: str, table: StatTable, year: int) -> ChartData | None:
    """Models per row of a breakdown table, new and continuing stacked (and any other status); a
    row nobody reported (text in its figures) is left out, a bar at 0 would say it has none."""
    table = replace(table, rows=tuple(row for row in table.rows if isinstance(row[1], int | float)))
    new, continuing, total = (_column(table, name) for name in (NEW_COLUMN, CONTINUING_COLUMN, TOTAL_COLUMN))
    if not any(total):
        return None
    series = [Series(NEW_COLUMN, new), Series(CONTINUING_COLUMN, continuing)]
    other = tuple(t - n - c for t, n, c in zip(total, new, continuing, strict=True))
    if any(other):
        series.append(Series(OTHER_STATUS, other))
    categories = tuple(str(row[0]) for row in table.rows)
    return ChartData(key, f"Số mô hình theo {BREAKDOWNS[key]}, năm {year}", categories, tuple(series), True)


def _column(table: StatTable, name: str) -> tuple[float, ...]:
    index = table.columns.index(name)
    return tuple(float(row[index]) for row in table.rows)


def _trend(stats: Statistics) -> ChartData | None:
    """Models and exemplars over the years known; None while only this year is known."""
    trends = [stats.trend(key) for key, _ in TREND_SERIES]
    years = tuple(year for year, _ in trends[0])
    if len(years) < 2:
        return None
    series = tuple(
        Series(label, tuple(value for _, value in trend))
        for (_, label), trend in zip(TREND_SERIES, trends, strict=True)
    )
    caption = f"Số mô hình, điển hình qua các năm {years[0]}–{years[-1]}"
    return ChartData(TREND, caption, tuple(str(y) for y in years), series, False)


# --------------------------------------------------------------------------- drawing


def font_path() -> Path:
    """The DejaVu Sans file inside matplotlib's own data folder."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / FONT_FILE


def _font(size: float = FONT_PT) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font_path(), size=size)


def draw(chart: ChartData, width_mm: float) -> Figure:
    """The chart as a matplotlib figure (Agg canvas, not registered with pyplot), ``width_mm`` wide."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _default_style():
        height_mm = BREAKDOWN_FRAME_MM + BAR_ROW_MM * len(chart.categories) if chart.stacked else TREND_HEIGHT_MM
        figure = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        (_draw_stacked if chart.stacked else _draw_grouped)(axes, chart)
        _finish(axes, chart)
    return figure


@functools.lru_cache(maxsize=16)
def png_bytes(chart: ChartData, width_mm: float) -> bytes:
    """The chart as PNG bytes that depend only on ``chart`` and ``width_mm`` (both reports share it)."""
    buffer = io.BytesIO()
    with _default_style():  # saving reads settings too (transparency, bbox, padding)
        draw(chart, width_mm).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _default_style() -> AbstractContextManager[None]:
    """matplotlib's own defaults, whatever a user's matplotlibrc says: it must not change a report."""
    import matplotlib.style

    return matplotlib.style.context("default")


def _bar_style(index: int) -> dict[str, Any]:
    colour, hatch = FILLS[index % len(FILLS)]
    return {"color": colour, "hatch": hatch, "edgecolor": EDGE, "linewidth": 0.6}


def _draw_stacked(axes: Axes, chart: ChartData) -> None:
    """Horizontal bars, first category on top, the series stacked, each bar's total at its end."""
    positions = range(len(chart.categories))
    left = [0.0] * len(chart.categories)
    for index, series in enumerate(chart.series):
        axes.barh(positions, series.values, left=left, height=0.6, label=series.label, **_bar_style(index))
        left = [a + b for a, b in zip(left, series.values, strict=True)]
    top = max(chart.totals())
    for position, total in zip(positions, chart.totals(), strict=True):
        axes.text(total + top * 0.01, position, number(total), va="center", fontproperties=_font(SMALL_FONT_PT))
    labels = [_wrap(c) for c in chart.categories]
    axes.set_yticks(list(positions), labels, fontproperties=_font())
    axes.invert_yaxis()
    _value_axis(axes, top, horizontal=True)


def _wrap(label: str) -> str:
    """``label`` on as few lines of at most ``LABEL_CHARS`` as it needs, the lines of even length
    (no single word left alone on the last line)."""
    lines = len(textwrap.wrap(label, LABEL_CHARS)) or 1
    width = max(1, -(-len(label) // lines))
    while len(textwrap.wrap(label, width)) > lines:
        width += 1
    return "\n".join(textwrap.wrap(label, width))


def _draw_grouped(axes: Axes, chart: ChartData) -> None:
    """Vertical bars, one group per category (year), one bar per series, each with its value on top."""
    width = 0.8 / len(chart.series)
    for index, series in enumerate(chart.series):
        offset = (index - (len(chart.series) - 1) / 2) * width
        xs = [p + offset for p in range(len(chart.categories))]
        axes.bar(xs, series.values, width=width, label=series.label, **_bar_style(index))
        for x, value in zip(xs, series.values, strict=True):
            axes.text(x, value, number(value), ha="center", va="bottom", fontproperties=_font(SMALL_FONT_PT))
    axes.set_xticks(list(range(len(chart.categories))), chart.categories, fontproperties=_font())
    _value_axis(axes, max(max(s.values) for s in chart.series), horizontal=False)


def _value_axis(axes: Axes, top: float, horizontal: bool) -> None:
    """Whole-number ticks in Vietnamese format, fixed (not recomputed when drawn), with a light grid."""
    from matplotlib.ticker import MaxNLocator

    ticks = [t for t in MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True).tick_values(0, max(top, 1.0)) if t >= 0]
    limit = max(ticks[-1], top * 1.12)  # room for the value labels
    axis = axes.xaxis if horizontal else axes.yaxis
    axis.set_ticks(ticks, [number(t) for t in ticks], fontproperties=_font())
    (axes.set_xlim if horizontal else axes.set_ylim)(0, limit)
    axis.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def _finish(axes: Axes, chart: ChartData) -> None:
    """Open frame and the legend under the plot."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0 if chart.stacked else 3.5)
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 if chart.stacked else -0.1),
        ncols=len(chart.series),
        frameon=False,
        prop=_font(),
    )
