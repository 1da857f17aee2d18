"""Configuration stage: the shipped config loads; every broken config is refused with file and key path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import pipeline.config.load as config_load
from pipeline.config import (
    COUNTS_AS_LATE,
    KEEPS_ORIGINAL_DATE,
    NEXT_WORKING_DAY,
    NO_SHIFT,
    WORKING_DAYS,
    Config,
    ConfigError,
    Exemption,
    Node,
    Plan,
    load_config,
)
from tests.support.builder import edit_config

REPO = Path(__file__).parents[3]
SHEET_KEYS = ("unit", "models", "collectives", "individuals", "activities")
# The "Lĩnh vực" field of the "Mô hình" sheet: sheets[1].fields[2] (its first occurrence in the file).
MODEL_FIELD = (
    "      - key: field\n"
    "        label: Lĩnh vực\n"
    "        type: choice\n"
    "        choices: fields\n"
    "        required: true\n"
)
# The commented-out example of config/calendar.yaml, to turn into a real "exempt" list.
EXEMPT_EXAMPLE = '    # exempt:\n    #   - {unit: KP-BD10, reason: "Chi bộ đang sáp nhập"}\n'


# --------------------------------------------------------------------------- the shipped config


def test_shipped_config_loads(config: Config) -> None:
    assert len(config.units.units) == 39
    assert len(config.units.groups) == 4
    assert config.units.origins == ("phường Bình Định (cũ)", "xã Nhơn Khánh (cũ)", "xã Nhơn Phúc (cũ)")
    assert tuple(s.key for s in config.template.sheets) == SHEET_KEYS
    assert (config.template.version, config.template.earlier_versions) == ("2026.2", ("2026.1",))
    assert config.year(2026).units_deadline.isoformat() == "2026-11-25"
    assert set(config.organization.reports) >= {"province", "standing"}


def test_units_are_complete(config: Config) -> None:
    codes = [u.code for u in config.units.units]
    assert len(set(codes)) == len(codes)
    group_keys = {g.key for g in config.units.groups}
    for unit in config.units.units:
        assert unit.group in group_keys, unit.code
        assert unit.origin in ("", *config.units.origins), unit.code
        assert unit.min_models >= 1
    assert config.units.get("KP-BD01") is not None
    assert config.units.get("XYZ") is None
    assert config.units.group_label("dang-bo") == "Đảng bộ trực thuộc"


@pytest.mark.parametrize("sheet_key", ["models", "collectives", "individuals"])
def test_score_fields_are_expanded_from_criteria(config: Config, sheet_key: str) -> None:
    sheet = config.template.sheet(sheet_key)
    criteria = config.criteria.sets[sheet_key].criteria
    scores = sheet.score_fields()
    assert [f.key for f in scores] == [f"score_{c.key}" for c in criteria]
    for field, criterion in zip(scores, criteria, strict=True):
        assert field.label == f"Điểm: {criterion.label} (tối đa {criterion.max:g})"
        assert "tối đa" in field.label
        assert (field.type, field.required, field.min, field.max) == ("number", True, 0, criterion.max)
        assert field.criterion_set == sheet_key
    assert config.criteria.sets[sheet_key].max_total == 100


def test_choice_fields_carry_their_list(config: Config) -> None:
    field = config.template.sheet("models").field("field")
    assert field.choice_list == "fields"
    assert field.choices == config.template.lists["fields"]
    assert "Kinh tế" in field.choices


def test_prefilled_fields_are_locked(config: Config) -> None:
    unit = config.template.sheet("unit")
    assert [(f.key, f.prefill, f.locked) for f in unit.fields if f.prefill] == [
        ("unit_code", "unit.code", True),
        ("unit_name", "unit.name", True),
    ]
    assert not unit.field("preparer").locked


def test_config_is_frozen(config: Config) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.template.version = "2027.1"  # type: ignore[misc]


def test_every_yaml_file_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    # pipeline.config.load is the only module that reads files (mail.yaml included).
    read: list[str] = []
    real = config_load.load_yaml

    def spy(path: Path, label: str) -> Node:
        read.append(path.name)
        assert label == f"config/{path.name}"
        return real(path, label)

    monkeypatch.setattr(config_load, "load_yaml", spy)
    load_config(REPO)
    shipped = sorted(p.name for p in (REPO / "config").iterdir() if p.suffix in (".yaml", ".yml"))
    assert sorted(read) == shipped
    assert len(read) == len(set(read))


@pytest.mark.parametrize(
    ("total", "label"),
    [
        pytest.param(100, "Xuất sắc", id="100"),
        pytest.param(90, "Xuất sắc", id="90-exactly"),
        pytest.param(89.99, "Tốt", id="just-below-90"),
        pytest.param(75, "Tốt", id="75-exactly"),
        pytest.param(74.5, "Đạt", id="74.5"),
        pytest.param(50, "Đạt", id="50-exactly"),
        pytest.param(49.9, "Không đạt", id="49.9"),
        pytest.param(0, "Không đạt", id="0"),
        pytest.param(-3, "Không đạt", id="below-every-minimum"),
    ],
)
def test_classify_thresholds(config: Config, total: float, label: str) -> None:
    assert config.criteria.classify(total) == label


# --------------------------------------------------------------------------- broken configs


def _refused(root: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_a_copied_config_loads(root: Path) -> None:
    assert len(load_config(root).units.units) == 39


@pytest.mark.parametrize(
    ("name", "old", "new", "path", "detail"),
    [
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD + "        colour: red\n",
            "sheets[1].fields[2]",
            "khóa không được biết: colour",
            id="unknown-key-in-field",
        ),
        pytest.param(
            "units.yaml",
            "{code: KP-BD02, ",
            "{code: KP-BD02, colour: red, ",
            "units[1]",
            "khóa không được biết: colour",
            id="unknown-key-in-unit",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD.replace("        label: Lĩnh vực\n", ""),
            "sheets[1].fields[2]",
            "thiếu khóa: label",
            id="missing-key-in-field",
        ),
        pytest.param(
            "organization.yaml",
            "      name: Lê Vũ Vân Kiều\n",
            "",
            "reports.province.signature",
            "thiếu khóa: name",
            id="missing-key-in-signature",
        ),
        pytest.param(
            "organization.yaml",
            "      position: TRƯỞNG BAN\n",
            "      on_behalf: T/M BAN XÂY DỰNG ĐẢNG\n      position: TRƯỞNG BAN\n",
            "reports.standing.signature.on_behalf",
            "“T/M” chỉ dùng khi ký thay mặt một tập thể lãnh đạo",
            id="on-behalf-of-a-board",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD.replace("type: choice", "type: numbr"),
            "sheets[1].fields[2].type",
            "“numbr” không hợp lệ; cho phép: text, integer, number, date, choice, boolean",
            id="bad-field-type",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD.replace("        choices: fields\n", ""),
            "sheets[1].fields[2]",
            "cần “choices”",
            id="choice-without-choices",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD.replace("choices: fields", "choices: linh_vuc"),
            "sheets[1].fields[2].choices",
            "“linh_vuc” không hợp lệ; cho phép: fields, model_status, proposals",
            id="choice-naming-unknown-list",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD.replace("required: true", "required: có"),
            "sheets[1].fields[2].required",
            "true hoặc false",
            id="required-not-a-flag",
        ),
        pytest.param(
            "template.yaml",
            "      - criteria: models\n",
            "      - criteria: model\n",
            "sheets[1].fields[17].criteria",
            "“model” không hợp lệ; cho phép: models, collectives, individuals",
            id="unknown-criteria-set",
        ),
        pytest.param(
            "template.yaml",
            "    title: Mô hình\n",
            "    title: Mô hình/Dự án\n",
            "sheets[1].title",
            "tối đa 31 ký tự",
            id="sheet-title-with-slash",
        ),
        pytest.param(
            "template.yaml",
            "    rows: 30\n",
            "",
            "sheets[1]",
            "cần “rows”",
            id="table-without-rows",
        ),
        pytest.param(
            "template.yaml",
            "  - key: activities\n",
            "  - key: activity\n",
            "sheets",
            "thiếu sheet có key “activities”",
            id="required-sheet-missing",
        ),
        pytest.param(
            "template.yaml",
            '        since: "2026.2"\n',
            '        since: "2027.1"\n',
            "sheets[4].fields[7].since",
            "“2027.1” không hợp lệ; cho phép: 2026.1, 2026.2",
            id="field-since-an-unknown-version",
        ),
        pytest.param(
            "template.yaml",
            'earlier_versions: ["2026.1"]',
            'earlier_versions: ["2026.1", "2026.2"]',
            "earlier_versions",
            "trùng phiên bản hiện hành “2026.2”",
            id="earlier-versions-naming-the-current-one",
        ),
        pytest.param(
            "template.yaml",
            "        required_if: own_plan\n",
            "        required_if: dialogues\n",
            "sheets[4].fields[20].required_if",
            "“dialogues” phải là key của một cột dạng boolean",
            id="required-if-not-a-yes-no-field",
        ),
        pytest.param(
            "template.yaml",
            '        required_if: own_plan\n        since: "2026.2"\n',
            "        required_if: own_plan\n",
            "sheets[4].fields[20].required_if",
            "cột “own_plan” có “since” mới hơn cột này",
            id="required-if-on-a-field-older-than-its-condition",
        ),
        pytest.param(
            "template.yaml",
            MODEL_FIELD,
            MODEL_FIELD + "        required_if: status\n",
            "sheets[1].fields[2].required_if",
            "chỉ dùng trong sheet dạng form",
            id="required-if-in-a-table",
        ),
        pytest.param(
            "units.yaml",
            "code: KP-BD02,",
            "code: KP-BD01,",
            "units[1]",
            "mã đơn vị “KP-BD01” bị trùng",
            id="duplicate-unit-code",
        ),
        pytest.param(
            "units.yaml",
            "code: KP-BD01, name: Chi bộ khu phố Liêm Định, group: khu-dan-cu,",
            "code: KP-BD01, name: Chi bộ khu phố Liêm Định, group: khu-pho,",
            "units[0].group",
            "“khu-pho” không hợp lệ; cho phép: khu-dan-cu, co-quan, dang-bo, mttq-doan-the",
            id="unit-group-not-in-groups",
        ),
        pytest.param(
            "units.yaml",
            'group: khu-dan-cu, origin: "phường Bình Định (cũ)", email: kp-bd01',
            'group: khu-dan-cu, origin: "Bình Định", email: kp-bd01',
            "units[0].origin",
            "“Bình Định” không có trong “origins”",
            id="origin-not-in-origins",
        ),
        pytest.param(
            "units.yaml",
            "code: KP-BD01,",
            "code: KP-BĐ01,",
            "units[0].code",
            "chỉ được gồm chữ không dấu",
            id="unit-code-with-diacritics",
        ),
        pytest.param(
            "units.yaml",
            "default_min_models: 1\n",
            "default_min_models: một\n",
            "default_min_models",
            "số nguyên",
            id="min-models-not-integer",
        ),
        pytest.param(
            "calendar.yaml",
            "units_deadline: 2026-11-25\n",
            "units_deadline: 25/11/2026\n",
            "years.2026.units_deadline",
            "YYYY-MM-DD",
            id="deadline-not-a-date",
        ),
        pytest.param(
            "calendar.yaml",
            "units_deadline: 2026-11-25\n",
            "units_deadline: 2026-11-25 17:00\n",
            "years.2026.units_deadline",
            "YYYY-MM-DD",
            id="deadline-with-a-time",
        ),
        pytest.param(
            "calendar.yaml",
            "    late_counting: calendar-days\n",
            "    late_counting: calendar-days\n    colour: red\n",
            "years.2026",
            "khóa không được biết: colour",
            id="unknown-key-in-year",
        ),
        pytest.param(
            "calendar.yaml",
            "      - 2026-04-30 ",
            "      - 30/04/2026 ",
            "years.2026.holidays[3]",
            "YYYY-MM-DD",
            id="holiday-not-a-date",
        ),
        pytest.param(
            "calendar.yaml",
            "      - 2026-01-01 ",
            "      - 2025-01-01 ",
            "years.2026.holidays[0]",
            "phải thuộc năm 2026",
            id="holiday-of-another-year",
        ),
        pytest.param(
            "calendar.yaml",
            "to: 2026-02-22}  #",
            "to: 2026-02-12}  #",
            "years.2026.holidays[1].to",
            "đứng trước “from”",
            id="holiday-range-backwards",
        ),
        pytest.param(
            "calendar.yaml",
            "to: 2026-02-22}  #",
            "to: 2026-12-22}  #",
            "years.2026.holidays[1]",
            "dài quá 31 ngày",
            id="holiday-range-too-long",
        ),
        pytest.param(
            "calendar.yaml",
            "to: 2026-02-22}  #",
            "until: 2026-02-22}  #",
            "years.2026.holidays[1]",
            "khóa không được biết: until",
            id="holiday-range-unknown-key",
        ),
        pytest.param(
            "calendar.yaml",
            "late_counting: calendar-days",
            "late_counting: working-day",
            "years.2026.late_counting",
            "“working-day” không hợp lệ; cho phép: calendar-days, working-days",
            id="bad-late-counting",
        ),
        pytest.param(
            "calendar.yaml",
            "deadline_shift: none",
            "deadline_shift: next-monday",
            "years.2026.deadline_shift",
            "“next-monday” không hợp lệ; cho phép: none, next-working-day",
            id="bad-deadline-shift",
        ),
        pytest.param(
            "calendar.yaml",
            "    corrections_deadline: 2026-12-02\n",
            "    corrections_deadline: 2026-12-02\n    templates_issued: 2026-11-26\n",
            "years.2026.templates_issued",
            "ngày phát hành mẫu biểu không được sau hạn gửi báo cáo (units_deadline)",
            id="templates-issued-after-the-deadline",
        ),
        pytest.param(
            "calendar.yaml",
            "resubmission_after_deadline: keeps-original-date",
            "resubmission_after_deadline: late",
            "years.2026.resubmission_after_deadline",
            "“late” không hợp lệ; cho phép: keeps-original-date, counts-as-late",
            id="bad-resubmission-policy",
        ),
        pytest.param(
            "calendar.yaml",
            EXEMPT_EXAMPLE,
            '    exempt:\n      - {unit: KP-BD99, reason: "Giải thể"}\n',
            "years.2026.exempt[0].unit",
            "mã đơn vị “KP-BD99” không có trong danh sách đơn vị của config/units.yaml",
            id="exempt-unknown-unit",
        ),
        pytest.param(
            "calendar.yaml",
            EXEMPT_EXAMPLE,
            '    exempt:\n      - {unit: YT, reason: "Sáp nhập"}\n      - {unit: YT, reason: "Giải thể"}\n',
            "years.2026.exempt[1].unit",
            "đơn vị “YT” được ghi miễn báo cáo hai lần",
            id="exempt-twice",
        ),
        pytest.param(
            "calendar.yaml",
            EXEMPT_EXAMPLE,
            "    exempt:\n      - {unit: YT}\n",
            "years.2026.exempt[0]",
            "thiếu khóa: reason",
            id="exempt-without-reason",
        ),
        pytest.param(
            "units.yaml",
            "{code: KP-BD02, ",
            "{code: KP-BD02, valid_from: 2026-07-01, valid_to: 2026-06-30, ",
            "units[1].valid_to",
            "đứng trước “valid_from”",
            id="unit-valid-to-before-valid-from",
        ),
        pytest.param(
            "units.yaml",
            "{code: KP-BD02, ",
            "{code: KP-BD02, valid_from: 1/7/2025, ",
            "units[1].valid_from",
            "YYYY-MM-DD",
            id="unit-valid-from-not-a-date",
        ),
        pytest.param(
            "criteria.yaml",
            "label: Bền vững, max: 20}",
            "label: Bền vững, max: 0}",
            "sets.collectives.criteria[4].max",
            "lớn hơn 0",
            id="criterion-max-zero",
        ),
        pytest.param(
            "criteria.yaml",
            "{label: Tốt, min: 75}",
            "{label: Tốt, min: 95}",
            "classification",
            "giảm dần",
            id="classification-not-descending",
        ),
        pytest.param(
            "organization.yaml",
            "  standing:\n",
            "  thuong_truc:\n",
            "reports",
            "thiếu báo cáo “standing”",
            id="report-missing",
        ),
    ],
)
def test_broken_config_names_file_and_key(root: Path, name: str, old: str, new: str, path: str, detail: str) -> None:
    edit_config(root, name, old, new)
    message = _refused(root)
    assert message.startswith(f"config/{name}: ")
    assert f"khóa “{path}”:" in message
    assert detail in message


def test_malformed_yaml_names_file_and_line(root: Path) -> None:
    line = "  2027: {units_deadline: 2027-11-25, upward_deadline: 2027-12-05}"
    number = (root / "config" / "calendar.yaml").read_text(encoding="utf-8").splitlines().index(line) + 1
    edit_config(root, "calendar.yaml", line, line + "}")  # a stray brace at the end of the line
    message = _refused(root)
    assert message.startswith(f"config/calendar.yaml: lỗi cú pháp YAML (dòng {number}, cột 66): ")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("years:\n\t2026: {}\n", "(dòng 2, cột 1)", id="tab-indent"),
        pytest.param('years: {2026: "unclosed}\n', "", id="unclosed-quote"),
    ],
)
def test_malformed_yaml_variants(root: Path, text: str, where: str) -> None:
    (root / "config" / "calendar.yaml").write_text(text, encoding="utf-8")
    message = _refused(root)
    assert message.startswith("config/calendar.yaml: lỗi cú pháp YAML (dòng ")
    assert where in message


SUBJECT = "    subject: Kết quả thực hiện Phong trào thi đua “Dân vận khéo” năm {year}\n"


@pytest.mark.parametrize(
    ("new", "where", "hint"),
    [
        pytest.param(
            SUBJECT.replace("năm {year}", "năm {year}: báo cáo"),
            (0, 76),
            'nếu đây là nội dung văn bản, hãy đặt cả nội dung trong dấu ngoặc kép ("...")',
            id="colon-in-text",
        ),
        pytest.param(
            "\t" + SUBJECT.lstrip(), (0, 1), "có ký tự tab: tệp cấu hình chỉ được thụt lề bằng dấu cách", id="tab"
        ),
        pytest.param(
            SUBJECT + "    Nơi nhận\n",
            (2, 5),
            "thiếu dấu hai chấm sau tên khóa (phải ghi “khóa: giá trị”)",
            id="no-colon",
        ),
        pytest.param(
            SUBJECT[1:],
            (0, 4),
            "thụt lề không khớp: các khóa cùng cấp phải thụt vào bằng nhau",
            id="indentation",
        ),
        pytest.param(
            SUBJECT.replace("subject: ", "subject: @"),
            (0, 14),
            "ký tự “@” không được đứng đầu một giá trị: hãy đặt cả nội dung trong dấu ngoặc kép",
            id="reserved-character",
        ),
        pytest.param(
            SUBJECT.replace("subject: ", "subject: [a, b"),
            (0, 75),
            "expected ',' or ']', but got '{'; hãy so dòng này (và dòng ngay trên) với tệp mẫu cùng tên",
            id="fallback",
        ),
    ],
)
def test_a_yaml_syntax_error_is_said_in_vietnamese_with_its_fix(
    root: Path, new: str, where: tuple[int, int], hint: str
) -> None:
    """The common faults of a hand-edited file, as load_config reports them: line (``where[0]`` lines
    below the edited one), column and the fix."""
    lines = (root / "config" / "organization.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines.index(SUBJECT) + 1 + where[0]
    edit_config(root, "organization.yaml", SUBJECT, new)
    message = _refused(root)
    assert message.startswith(f"config/organization.yaml: lỗi cú pháp YAML (dòng {line}, cột {where[1]}): ")
    assert hint in message


def test_an_unclosed_quote_is_named_where_it_opens(root: Path) -> None:
    path = root / "config" / "organization.yaml"
    lines = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as file:
        file.write('place: "Bình Định\n')
    message = _refused(root)
    assert message.startswith(f"config/organization.yaml: lỗi cú pháp YAML (dòng {lines + 2}, cột 1): ")
    assert f"dấu ngoặc mở ở dòng {lines + 1}, cột 8 không có dấu ngoặc đóng" in message


def test_non_mapping_file_is_refused(root: Path) -> None:
    (root / "config" / "units.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    assert _refused(root) == "config/units.yaml: nội dung tệp: phải là một bảng khóa: giá trị"


@pytest.mark.parametrize("name", ["calendar.yaml", "criteria.yaml", "organization.yaml", "template.yaml", "units.yaml"])
def test_missing_file_is_named(root: Path, name: str) -> None:
    (root / "config" / name).unlink()
    message = _refused(root)
    assert message.startswith(f"config/{name}: không tìm thấy tệp cấu hình")


def test_year_missing_from_calendar(config: Config) -> None:
    with pytest.raises(ConfigError) as caught:
        config.year(2040)
    message = str(caught.value)
    assert message.startswith("config/calendar.yaml: ")
    assert "“years”" in message
    assert "2040" in message
    assert "2026" in message  # the years that are there


# --------------------------------------------------------------------------- calendar rules and unit dates


def test_shipped_calendar_rules(config: Config) -> None:
    year = config.year(2026)
    assert len(year.holidays) == 15  # 1/1, Tết 14-22/2 (9 days), 26/4, 30/4, 1/5, 1/9, 2/9
    assert {dt.date(2026, 2, 14), dt.date(2026, 2, 22), dt.date(2026, 9, 1)} <= year.holidays
    assert dt.date(2026, 2, 23) not in year.holidays
    assert (year.late_counting, year.deadline_shift, year.exempt) == ("calendar-days", NO_SHIFT, ())
    assert year.resubmission_after_deadline == KEEPS_ORIGINAL_DATE
    assert year.deadline == year.units_deadline == dt.date(2026, 11, 25)
    assert (year.templates_issued, year.issued_from) == (None, dt.date(2026, 1, 1))


def test_calendar_defaults_when_keys_are_left_out(config: Config) -> None:
    year = config.year(2027)
    assert (year.holidays, year.exempt) == (frozenset(), ())
    assert (year.late_counting, year.deadline_shift) == ("calendar-days", NO_SHIFT)
    assert year.resubmission_after_deadline == KEEPS_ORIGINAL_DATE


def test_every_calendar_option_is_read(root: Path) -> None:
    edit_config(root, "calendar.yaml", "late_counting: calendar-days", "late_counting: working-days")
    edit_config(root, "calendar.yaml", "deadline_shift: none", "deadline_shift: next-working-day")
    edit_config(root, "calendar.yaml", "deadline: keeps-original-date", "deadline: counts-as-late")
    edit_config(
        root, "calendar.yaml", EXEMPT_EXAMPLE, '    exempt:\n      - {unit: KP-BD10, reason: "Đang sáp nhập"}\n'
    )
    edit_config(
        root, "calendar.yaml", "2027: {units_deadline: 2027-11-25,", "2027: {holidays: [], units_deadline: 2027-11-25,"
    )
    edit_config(root, "calendar.yaml", "    corrections_deadline: 2026-12-02\n", "    templates_issued: 2026-10-15\n")
    config = load_config(root)
    year = config.year(2026)
    assert year.issued_from == year.templates_issued == dt.date(2026, 10, 15)
    assert (year.late_counting, year.deadline_shift) == (WORKING_DAYS, NEXT_WORKING_DAY)
    assert year.resubmission_after_deadline == COUNTS_AS_LATE
    assert year.exempt == (Exemption("KP-BD10", "Đang sáp nhập"),)
    assert (year.exemption("KP-BD10"), year.exemption("KP-BD01")) == ("Đang sáp nhập", None)
    assert config.year(2027).holidays == frozenset()


def test_unit_dates_are_read(root: Path) -> None:
    edit_config(
        root, "units.yaml", "{code: KP-BD02, ", "{code: KP-BD02, valid_from: 2025-07-01, valid_to: 2026-06-30, "
    )
    units = load_config(root).units
    unit = units.get("KP-BD02")
    assert unit is not None and (unit.valid_from, unit.valid_to) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert unit.active_on(dt.date(2025, 11, 25)) and unit.active_on(dt.date(2026, 6, 30))
    assert not unit.active_on(dt.date(2026, 11, 25)) and not unit.active_on(dt.date(2025, 6, 30))
    assert len(units.active_on(dt.date(2026, 11, 25))) == 38
    assert len(units.active_on(dt.date(2025, 11, 25))) == 39


def test_the_plan_is_read_optional_and_checked(root: Path) -> None:
    plan = load_config(root).organization.plan
    assert plan.round == "giai đoạn 2026 – 2031" and len(plan.tasks) == 6
    assert plan.basis[0].reference == (
        "Kế hoạch số 04-KH/BTGDVTU ngày 26/8/2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy "
        "về tiếp tục đẩy mạnh thực hiện Phong trào thi đua “Dân vận khéo”"
    )
    assert plan.basis[1].reference == "Hướng dẫn số 15-HD/BTGDVTU ngày 11/9/2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert [(d.kind, d.symbol, d.date, d.number_and_date) for d in plan.documents] == [("Kế hoạch", "", None, "")]
    own = "  documents:\n    - kind: Kế hoạch\n"
    edit_config(root, "organization.yaml", own, own + "      symbol: 12-KH/ĐU\n      date: 2025-09-15\n")
    assert load_config(root).organization.plan.documents[0].number_and_date == "số 12-KH/ĐU, ngày 15/9/2025"
    edit_config(root, "organization.yaml", "      date: 2025-09-15", "      date: 15/9/2025")
    assert "khóa “plan.documents[0].date”: phải là một ngày dạng YYYY-MM-DD" in _refused(root)
    path = root / "config" / "organization.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("\nplan:")[0] + "\n", encoding="utf-8")
    assert load_config(root).organization.plan == Plan()
