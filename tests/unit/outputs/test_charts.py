"""Charts stage: the data behind each chart, the drawn figure, the PNG bytes, the font, and the
charts inside both Word reports (and their trend from the register over three years)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from pipeline.config import ChartFormat, Config, ConfigError, load_config
from pipeline.outputs.docx.charts import CHART_KEYS, ChartData, Series, chart_data, draw, font_path, png_bytes
from pipeline.outputs.docx.report import report_bytes
from pipeline.run.cycle import run_consolidation
from pipeline.year.consolidate import LATE, ON_TIME, Consolidation, Item, UnitStatus
from pipeline.year.stats import Statistics, statistics
from tests.support.builder import activity_answers, copy_config, drop_workbook, morning_of, new_workspace

REPO = Path(__file__).parents[3]
YEAR = 2026
DATE = dt.date(2026, 12, 5)
WIDTH_MM = 150.0
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
KT, VH, QP = "Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh"
CAPTIONS = {
    "by_field": "Số mô hình theo lĩnh vực, năm 2026",
    "by_group": "Số mô hình theo khối, năm 2026",
    "trend": "Số mô hình, điển hình qua các năm 2024–2026",
}
# Earlier years as the register would answer them (only the charted figures matter here).
EARLIER = {
    2024: {"models_total": 2, "collectives_total": 0, "individuals_total": 1234},
    2025: {"models_total": 4, "collectives_total": 1, "individuals_total": 2},
}


# --------------------------------------------------------------------------- data


def _item(config: Config, kind: str, code: str, name: str, **values: Any) -> Item:
    unit = config.units.get(code)
    assert unit is not None
    values = {"name": name, "field": KT, "status": NEW, "proposal": "Không đề nghị", **values}
    return Item(kind, unit, values, 80, config.criteria.classify(80), f"{code}.xlsx", kind, 5)


def _status(config: Config, code: str, status: str = ON_TIME) -> UnitStatus:
    unit = config.units.get(code)
    assert unit is not None
    return UnitStatus(unit, status, 0, f"{code}.xlsx", dt.date(YEAR, 11, 20), 1, {})


def _consolidation(config: Config, with_models: bool = True) -> Consolidation:
    models = (
        _item(config, "models", "KP-BD01", "Tuyến đường hoa"),
        _item(config, "models", "KP-BD01", "Camera an ninh", field=QP, status=CONTINUING),
        _item(config, "models", "KP-BD02", "Vườn cây dinh dưỡng", field=VH),
        _item(config, "models", "MTTQ", "Mái ấm tình thương", status=CONTINUING),
        _item(config, "models", "MTTQ", "Ngày Chủ nhật xanh", field=VH, status=CONTINUING),
        _item(config, "models", "HLHPN", "Phụ nữ giúp nhau", status=CONTINUING),
    )
    items = {
        "models": models if with_models else (),
        "collectives": (_item(config, "collectives", "MTTQ", "Ban công tác Mặt trận"),) if with_models else (),
        "individuals": (_item(config, "individuals", "HLHPN", "Nguyễn Thị Hoa"),) if with_models else (),
    }
    on_time = [_status(config, code) for code in ("KP-BD01", "MTTQ", "HLHPN")]
    units = (*on_time, _status(config, "KP-BD02", LATE))
    return Consolidation(YEAR, units, items, {}, ())


def _with_earlier(stats: Statistics) -> Statistics:
    return dataclasses.replace(stats, previous=EARLIER[YEAR - 1], earlier=EARLIER)


@pytest.fixture(scope="module")
def data(config: Config) -> Consolidation:
    return _consolidation(config)


@pytest.fixture(scope="module")
def stats(data: Consolidation, config: Config) -> Statistics:
    """This year's statistics with two earlier years known (the year-on-year table is built too)."""
    return statistics(data, config, EARLIER[YEAR - 1], None, EARLIER)


@pytest.fixture(scope="module")
def charts(stats: Statistics) -> dict[str, ChartData]:
    found = {key: chart_data(key, stats) for key in CHART_KEYS}
    assert all(found.values())
    return {key: chart for key, chart in found.items() if chart is not None}


def _column(stats: Statistics, key: str, name: str) -> list[float]:
    table = stats.table(key)
    return [float(row[table.columns.index(name)]) for row in table.rows]


# --------------------------------------------------------------------------- what the charts show


@pytest.mark.parametrize("key", ["by_field", "by_group"])
def test_breakdown_chart_data_are_the_table_columns(stats: Statistics, charts: dict[str, ChartData], key: str) -> None:
    chart = charts[key]
    assert chart.categories == tuple(row[0] for row in stats.table(key).rows)
    assert [s.label for s in chart.series] == ["Mô hình mới", "Mô hình tiếp tục"]
    assert list(chart.series[0].values) == _column(stats, key, "Mô hình mới")
    assert list(chart.series[1].values) == _column(stats, key, "Mô hình tiếp tục")
    assert list(chart.totals()) == _column(stats, key, "Tổng số mô hình")
    assert chart.caption == CAPTIONS[key]


def test_field_chart_counts(charts: dict[str, ChartData]) -> None:
    chart = charts["by_field"]
    assert chart.categories == (KT, VH, QP, "Xây dựng hệ thống chính trị")
    assert chart.series[0].values == (1, 1, 0, 0)  # new
    assert chart.series[1].values == (2, 1, 1, 0)  # continuing


def test_a_status_outside_new_and_continuing_gets_its_own_series(config: Config, data: Consolidation) -> None:
    odd = _item(config, "models", "MTTQ", "Mô hình tạm dừng", status="Tạm dừng")
    changed = dataclasses.replace(data, items={**data.items, "models": (*data.items["models"], odd)})
    chart = chart_data("by_field", statistics(changed, config))
    assert chart is not None
    assert [s.label for s in chart.series] == ["Mô hình mới", "Mô hình tiếp tục", "Chưa rõ tình trạng"]
    assert chart.series[2].values == (1, 0, 0, 0)
    assert chart.totals()[0] == 4


def test_trend_chart_data_are_the_years_known(charts: dict[str, ChartData], stats: Statistics) -> None:
    chart = charts["trend"]
    assert chart.categories == ("2024", "2025", "2026")
    assert [s.label for s in chart.series] == ["Mô hình", "Điển hình tập thể", "Điển hình cá nhân"]
    assert chart.series[0].values == (2, 4, stats.figures["models_total"])
    assert chart.series[1].values == (0, 1, 1)
    assert chart.series[2].values == (1234, 2, 1)
    assert chart.caption == CAPTIONS["trend"]


def test_trend_with_only_last_year_known(data: Consolidation, config: Config) -> None:
    chart = chart_data("trend", statistics(data, config, EARLIER[2025]))
    assert chart is not None
    assert chart.categories == ("2025", "2026")
    assert chart.caption == "Số mô hình, điển hình qua các năm 2025–2026"


def test_trend_takes_earlier_years_only_and_those_that_have_the_figure(stats: Statistics) -> None:
    odd = {2023: {"collectives_total": 7}, 2026: {"models_total": 99}, 2027: {"models_total": 99}}
    changed = dataclasses.replace(stats, earlier={**EARLIER, **odd})
    assert changed.trend("models_total") == ((2024, 2), (2025, 4), (2026, 6))
    assert changed.trend("collectives_total") == ((2023, 7), (2024, 0), (2025, 1), (2026, 1))


def test_no_trend_while_only_this_year_is_known(data: Consolidation, config: Config) -> None:
    assert chart_data("trend", statistics(data, config)) is None


def test_no_breakdown_chart_without_models(config: Config) -> None:
    stats = statistics(_consolidation(config, with_models=False), config)
    assert stats.table("by_field").rows  # the table is there, all zeros
    assert chart_data("by_field", stats) is None
    assert chart_data("by_group", stats) is None


def test_unknown_chart_is_refused(stats: Statistics) -> None:
    with pytest.raises(ValueError, match="by_origin"):
        chart_data("by_origin", stats)


# --------------------------------------------------------------------------- the drawn figure


def _texts(figure: Any) -> list[Any]:
    from matplotlib.text import Text

    return [t for t in figure.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("key", ["by_field", "by_group"])
def test_drawn_bars_are_the_figures(charts: dict[str, ChartData], key: str) -> None:
    chart = charts[key]
    axes = draw(chart, WIDTH_MM).axes[0]
    new, continuing = axes.containers
    assert [bar.get_width() for bar in new] == list(chart.series[0].values)
    assert [bar.get_width() for bar in continuing] == list(chart.series[1].values)
    assert [bar.get_x() for bar in continuing] == list(chart.series[0].values)  # stacked on the new ones
    labels = [t.get_text().replace("\n", " ") for t in axes.get_yticklabels()]
    assert labels == list(chart.categories)
    assert axes.yaxis_inverted()  # the first category on top, as in the table


def test_long_category_labels_wrap_into_even_lines(charts: dict[str, ChartData]) -> None:
    axes = draw(charts["by_group"], WIDTH_MM).axes[0]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels[0] == "Chi bộ khu phố, thôn"  # short: one line
    assert labels[3] == "Mặt trận Tổ quốc\nvà các đoàn thể"  # not "… các đoàn\nthể"


def test_drawn_trend_bars_and_labels(charts: dict[str, ChartData]) -> None:
    figure = draw(charts["trend"], WIDTH_MM)
    axes = figure.axes[0]
    heights = [[bar.get_height() for bar in container] for container in axes.containers]
    assert heights == [[2, 4, 6], [0, 1, 1], [1234, 2, 1]]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2024", "2025", "2026"]
    texts = [t.get_text() for t in _texts(figure)]
    assert "1.234" in texts  # the value on the bar, in Vietnamese format
    assert "1.000" in [t.get_text() for t in axes.get_yticklabels()]  # the axis too
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "Mô hình",
        "Điển hình tập thể",
        "Điển hình cá nhân",
    ]


def test_every_text_uses_the_bundled_dejavu_sans(charts: dict[str, ChartData]) -> None:
    for chart in charts.values():
        texts = _texts(draw(chart, WIDTH_MM))
        assert len(texts) > 8
        for text in texts:
            assert Path(text.get_fontproperties().get_file()) == font_path(), text.get_text()


def test_only_greys_so_it_prints_in_black_and_white(charts: dict[str, ChartData]) -> None:
    from matplotlib.colors import to_rgb

    for chart in charts.values():
        for container in draw(chart, WIDTH_MM).axes[0].containers:
            red, green, blue = to_rgb(container[0].get_facecolor())
            assert red == green == blue


# --------------------------------------------------------------------------- PNG bytes


def _chunks(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kinds.append(png[at + 4 : at + 8])
        at += 12 + length
    return kinds


def test_png_decodes_with_the_configured_width(charts: dict[str, ChartData]) -> None:
    from PIL import Image

    for key, chart in charts.items():
        image = Image.open(io.BytesIO(png_bytes(chart, WIDTH_MM)))
        image.load()
        assert image.format == "PNG" and image.mode == "RGBA", key
        assert image.width == round(WIDTH_MM / 25.4 * 200)  # 150 mm at 200 dpi
        assert 300 < image.height < image.width
        assert image.getpixel((0, 0)) == (255, 255, 255, 255)  # white paper, not transparent


def test_png_has_no_metadata(charts: dict[str, ChartData]) -> None:
    for chart in charts.values():
        kinds = {kind for kind in _chunks(png_bytes(chart, WIDTH_MM)) if kind != b"IDAT"}
        assert kinds == {b"IHDR", b"pHYs", b"IEND"}  # no tEXt (software version), no tIME


def test_same_chart_gives_the_same_bytes(charts: dict[str, ChartData]) -> None:
    png_bytes.cache_clear()
    first = png_bytes(charts["trend"], WIDTH_MM)
    png_bytes.cache_clear()
    assert png_bytes(charts["trend"], WIDTH_MM) == first
    assert png_bytes(charts["trend"], WIDTH_MM - 10) != first


def test_user_matplotlib_settings_do_not_change_the_chart(charts: dict[str, ChartData]) -> None:
    import matplotlib

    png_bytes.cache_clear()
    clean = png_bytes(charts["by_field"], WIDTH_MM)
    png_bytes.cache_clear()
    hostile = {"savefig.transparent": True, "savefig.bbox": "tight", "font.size": 20, "hatch.linewidth": 3.0}
    with matplotlib.rc_context(hostile):
        assert png_bytes(charts["by_field"], WIDTH_MM) == clean


def test_same_bytes_in_another_process(charts: dict[str, ChartData]) -> None:
    """A fresh interpreter (another hash seed, a cold font cache lookup) draws the same bytes."""
    script = (
        "import sys; from pipeline.outputs.docx.charts import ChartData, Series, png_bytes; "
        f"sys.stdout.buffer.write(png_bytes({charts['by_group']!r}, {WIDTH_MM!r}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, cwd=REPO, env=env)
    assert done.stdout == png_bytes(charts["by_group"], WIDTH_MM)


# --------------------------------------------------------------------------- the font


def _vietnamese_letters() -> list[str]:
    """Every Vietnamese letter, lower and upper case, as one precomposed (NFC) code point."""
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng
    vowels = ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y")
    lower = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones]
    lower += [*"bcdghklmnpqrstvx", "đ"]
    return lower + [letter.upper() for letter in lower]


def test_vietnamese_letters_are_precomposed_and_complete() -> None:
    letters = _vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 17) == 178
    assert all(len(letter) == 1 for letter in letters)
    assert {"ạ", "Ặ", "ờ", "Ữ", "ỷ", "Đ"} <= set(letters)


def test_bundled_font_has_every_vietnamese_glyph(charts: dict[str, ChartData]) -> None:
    from fontTools.ttLib import TTFont

    cmap = TTFont(font_path()).getBestCmap()
    missing = [letter for letter in _vietnamese_letters() if ord(letter) not in cmap]
    assert not missing
    drawn = {ch for chart in charts.values() for t in _texts(draw(chart, WIDTH_MM)) for ch in t.get_text()}
    assert not [ch for ch in drawn if ch != "\n" and ord(ch) not in cmap]


# --------------------------------------------------------------------------- in the reports


def _reopen(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _pictures(doc: Any) -> list[tuple[Any, Any]]:
    """(picture paragraph, the paragraph after it) for every paragraph holding an inline picture."""
    paragraphs = doc.paragraphs
    return [(p, paragraphs[i + 1]) for i, p in enumerate(paragraphs) if p._p.xpath(".//wp:inline")]


def _alignment(paragraph: Any) -> Any:
    """The paragraph's own alignment, else its style's."""
    return paragraph.alignment or paragraph.style.paragraph_format.alignment


def _image_bytes(doc: Any, paragraph: Any) -> bytes:
    blip = paragraph._p.xpath(".//a:blip")[0]
    return bytes(doc.part.related_parts[blip.get(qn("r:embed"))].blob)


@pytest.fixture(scope="module")
def reports(stats: Statistics, data: Consolidation, config: Config) -> dict[str, Any]:
    return {kind: _reopen(report_bytes(kind, stats, data, config, DATE)) for kind in ("province", "standing")}


def test_province_report_has_the_three_charts_with_captions(
    reports: dict[str, Any], charts: dict[str, ChartData]
) -> None:
    doc = reports["province"]
    assert len(doc.inline_shapes) == 3
    pictures = _pictures(doc)
    captions = [caption.text for _, caption in pictures]
    assert captions == [f"Biểu đồ {n}. {CAPTIONS[key]}" for n, key in enumerate(CHART_KEYS, start=1)]
    for (picture, caption), key in zip(pictures, CHART_KEYS, strict=True):
        assert _image_bytes(doc, picture) == png_bytes(charts[key], WIDTH_MM)
        assert _alignment(picture) == _alignment(caption) == WD_ALIGN_PARAGRAPH.CENTER
        assert picture.paragraph_format.keep_with_next  # never a chart without its caption
        assert all(run.italic for run in caption.runs)
        assert picture._p.xpath(".//wp:docPr")[0].get("descr") == caption.text


def test_charts_follow_their_tables(reports: dict[str, Any]) -> None:
    """Each chart comes after the table it draws: by field, then the year-on-year table. The group table is
    Biểu 2 of the appendix, so its chart follows the body's breakdown tables, before the year-on-year table."""
    order = []
    for block in reports["province"].iter_inner_content():
        if hasattr(block, "rows"):
            order.append(f"table:{block.rows[0].cells[0].text}")
        elif block.text.startswith("Biểu đồ"):
            order.append(block.text.split(".")[0])
    assert order.index("Biểu đồ 1") == order.index("table:Lĩnh vực") + 1
    assert order.index("Biểu đồ 2") == order.index("table:Địa bàn") + 1
    assert (
        order.index("Biểu đồ 2") < order.index("table:Nội dung") < order.index("table:Khối", order.index("Biểu đồ 2"))
    )
    assert order.index("Biểu đồ 3") == order.index("table:Nội dung") + 1


def test_pictures_fit_the_margins(reports: dict[str, Any], config: Config) -> None:
    document = config.organization.document
    text_width = 210 - document.margins_mm["left"] - document.margins_mm["right"]
    for doc in reports.values():
        for shape in doc.inline_shapes:
            assert round(shape.width.mm, 1) == WIDTH_MM <= text_width
            assert shape.height.mm < shape.width.mm


def test_standing_report_has_the_field_chart(reports: dict[str, Any]) -> None:
    doc = reports["standing"]
    assert [caption.text for _, caption in _pictures(doc)] == [f"Biểu đồ 1. {CAPTIONS['by_field']}"]


def test_report_with_charts_is_byte_identical_on_rerun(stats: Statistics, data: Consolidation, config: Config) -> None:
    png_bytes.cache_clear()
    first = report_bytes("province", stats, data, config, DATE)
    png_bytes.cache_clear()
    assert report_bytes("province", stats, data, config, DATE) == first


def test_charts_switched_off_in_config(stats: Statistics, data: Consolidation, config: Config) -> None:
    off = dataclasses.replace(config, organization=dataclasses.replace(config.organization, charts=ChartFormat(False)))
    doc = _reopen(report_bytes("province", stats, data, off, DATE))
    assert len(doc.inline_shapes) == 0
    assert not [p.text for p in doc.paragraphs if p.text.startswith("Biểu đồ")]


def test_no_models_no_charts(config: Config) -> None:
    empty = _consolidation(config, with_models=False)
    doc = _reopen(report_bytes("province", statistics(empty, config), empty, config, DATE))
    assert len(doc.inline_shapes) == 0
    assert not [p.text for p in doc.paragraphs if p.text.startswith("Biểu đồ")]


def test_only_the_trend_is_numbered_when_it_is_the_only_chart(config: Config) -> None:
    empty = _consolidation(config, with_models=False)
    stats = statistics(empty, config, EARLIER[2025], None, EARLIER)
    doc = _reopen(report_bytes("province", stats, empty, config, DATE))
    assert [caption.text for _, caption in _pictures(doc)] == [f"Biểu đồ 1. {CAPTIONS['trend']}"]


def test_writing_no_report_never_loads_matplotlib() -> None:
    """``dvk --help`` and the modules up to the report stay free of matplotlib (it costs seconds)."""
    script = (
        "import sys; from click.testing import CliRunner; from pipeline.cli.main import main; "
        "import pipeline.outputs.docx.report, pipeline.outputs.docx.charts, pipeline.run.cycle; "
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- configuration


def _config_with(tmp_path: Path, charts_yaml: str) -> Config:
    copy_config(tmp_path)
    path = tmp_path / "config" / "organization.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\ncharts:")
    path.write_text(head + "\n" + charts_yaml, encoding="utf-8")
    return load_config(tmp_path)


def test_charts_are_on_by_default(tmp_path: Path) -> None:
    assert _config_with(tmp_path, "").organization.charts == ChartFormat(True, 150.0)


def test_charts_config_is_read(tmp_path: Path) -> None:
    charts = _config_with(tmp_path, "charts:\n  enabled: false\n  width_mm: 120\n").organization.charts
    assert charts == ChartFormat(False, 120.0)


@pytest.mark.parametrize(
    ("yaml_text", "path", "detail"),
    [
        pytest.param("charts:\n  width_mm: 170\n", "charts.width_mm", "không quá 165 mm", id="wider-than-text"),
        pytest.param("charts:\n  width_mm: 0\n", "charts.width_mm", "lớn hơn 0", id="zero-width"),
        pytest.param("charts:\n  enabled: có\n", "charts.enabled", "true hoặc false", id="not-a-flag"),
        pytest.param("charts:\n  colour: red\n", "charts", "khóa không được biết: colour", id="unknown-key"),
    ],
)
def test_bad_charts_config_names_the_key(tmp_path: Path, yaml_text: str, path: str, detail: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _config_with(tmp_path, yaml_text)
    message = str(refused.value)
    assert message.startswith(f"config/organization.yaml: khóa “{path}”")
    assert detail in message


# --------------------------------------------------------------------------- from the register


def _drop(root: Path, config: Config, code: str, names: list[str], year: int) -> None:
    scores = {f.key: 10.0 for f in config.template.sheet("models").score_fields()}
    models = [
        {"name": name, "field": KT, "status": NEW, "start_year": year, "proposal": "Không đề nghị", **scores}
        for name in names
    ]
    answers = {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(year, 11, 20)},
        "models": models,
        "activities": activity_answers(config, 1),
    }
    drop_workbook(root, config, code, answers, f"{code}-{year}.xlsx", morning_of(dt.date(year, 11, 20)), year)


def test_trend_over_three_years_comes_from_the_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = new_workspace(tmp_path)
    for year, names in ((2025, ["Đường hoa"]), (2026, ["Camera", "Vườn rau", "Tủ sách"]), (2027, ["Chợ sạch"])):
        _drop(tmp_path, config, "KP-BD01", names, year)
        result = run_consolidation(tmp_path, config, year, None, now=dt.datetime(year, 11, 30))
    doc = docx.Document(str(next(p for p in result.outputs if p.name == "bao-cao-tinh-2027.docx")))
    captions = [caption.text for _, caption in _pictures(doc)]
    assert captions[-1] == "Biểu đồ 3. Số mô hình, điển hình qua các năm 2025–2027"
    trend = ChartData(
        "trend",
        "Số mô hình, điển hình qua các năm 2025–2027",
        ("2025", "2026", "2027"),
        (
            Series("Mô hình", (1, 3, 1)),
            Series("Điển hình tập thể", (0, 0, 0)),
            Series("Điển hình cá nhân", (0, 0, 0)),
        ),
        stacked=False,
    )
    assert _image_bytes(doc, _pictures(doc)[-1][0]) == png_bytes(trend, WIDTH_MM)
    monkeypatch.setattr("pipeline.run.cycle.TREND_YEARS", 2)  # the trend shows this year and last only
    result = run_consolidation(tmp_path, config, 2027, None, now=dt.datetime(2027, 11, 30))
    doc = docx.Document(str(next(p for p in result.outputs if p.name == "bao-cao-tinh-2027.docx")))
    assert _pictures(doc)[-1][1].text == "Biểu đồ 3. Số mô hình, điển hình qua các năm 2026–2027"
