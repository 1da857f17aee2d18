"""Reading the YAML files of ``<root>/config``: :func:`load_yaml` -> :class:`Node`.

Contract: a :class:`Node` is a YAML value with its file and key path; each accessor checks the
value's shape and raises :class:`ConfigError` naming the file, the key path and what is allowed.
A missing, unreadable, malformed or runaway file is a :class:`ConfigError` too (see
:mod:`.yamlscan`). The per-file parsers read their file only through these accessors, so every error
says where to fix it; a message quotes at most :data:`EXCERPT` characters of a value and is at most
:data:`MAX_MESSAGE` long, whatever the value holds.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import DvkError
from ..core.textnorm import stray_character
from ..core.vnformat import number
from .yamlerrors import syntax_message
from .yamlscan import Refused, scan_yaml

try:  # libyaml when available (config of a province's 5,400 units: 10x faster)
    from yaml import CSafeLoader as _FastBase
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _FastBase  # type: ignore[assignment]

EXCERPT = 60
MAX_MESSAGE = 400
MAX_FILE_BYTES = 16 * 1024 * 1024  # a province's units.yaml is 0.6 MB
_EXCERPT_REPR = reprlib.Repr()
_EXCERPT_REPR.maxlevel, _EXCERPT_REPR.maxlist, _EXCERPT_REPR.maxdict = 2, 4, 4
_EXCERPT_REPR.maxstring = _EXCERPT_REPR.maxother = EXCERPT


class ConfigError(DvkError):
    """A configuration file is missing, unreadable or invalid (exit code 2)."""

    def user_message(self) -> str:
        return f"Lỗi cấu hình: {self}"


class Node:
    """A YAML value with its file and key path, for error messages that say where."""

    def __init__(self, value: Any, file: str, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    def fail(self, problem: str) -> ConfigError:
        where = f"khóa “{excerpt(self.path, 2 * EXCERPT)}”" if self.path else "nội dung tệp"
        return ConfigError(excerpt(f"{self.file}: {where}: {problem}", MAX_MESSAGE))

    def _child(self, key: str | int, value: Any) -> Node:
        path = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)
        return Node(value, self.file, path)

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Node]:
        if not isinstance(self.value, dict):
            raise self.fail("phải là một bảng khóa: giá trị")
        keys = {str(k) for k in self.value}
        unknown = sorted(keys - set(required) - set(optional))
        if unknown:
            allowed = ", ".join((*required, *optional))
            raise self.fail(f"khóa không được biết: {excerpt(', '.join(unknown))}; các khóa hợp lệ: {allowed}")
        missing = [k for k in required if k not in keys]
        if missing:
            raise self.fail(f"thiếu khóa: {', '.join(missing)}")
        return {str(k): self._child(str(k), v) for k, v in self.value.items()}

    def items(self, allow_empty: bool = False) -> Iterator[Node]:
        if allow_empty and self.value in (None, []):
            return iter(())
        if not isinstance(self.value, list) or not self.value:
            raise self.fail("phải là một danh sách không rỗng")
        return (self._child(i, v) for i, v in enumerate(self.value))

    def entries(self) -> Iterator[tuple[str, Node]]:
        if not isinstance(self.value, dict) or not self.value:
            raise self.fail("phải là một bảng khóa: giá trị không rỗng")
        return ((str(k), self._child(str(k), v)) for k, v in self.value.items())

    def text(self, allow_empty: bool = False) -> str:
        if self.value is None and allow_empty:
            return ""
        if not isinstance(self.value, str | int | float) or isinstance(self.value, bool):
            raise self.fail("phải là một chuỗi ký tự")
        text = str(self.value)
        if not text.strip() and not allow_empty:
            raise self.fail("không được để trống")
        stray = stray_character(text)
        if stray is not None:
            position, char = stray
            raise self.fail(
                f"có ký tự điều khiển, không in được (mã U+{ord(char):04X}) ở vị trí thứ {position + 1}; "
                "hãy gõ lại giá trị này"
            )
        return text

    def line(self) -> str:
        """A text on one line (a name, a label): :meth:`text` without tab or line break."""
        text = self.text()
        if any(c in text for c in "\t\n\r"):
            raise self.fail(f"“{excerpt(text)}” phải nằm trên một dòng (không có dấu xuống dòng, tab)")
        return text

    def number(self, least: float | None = None, most: float | None = None, above: float | None = None) -> float:
        """A finite number, at least ``least``, at most ``most`` and greater than ``above`` (each when given)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not math.isfinite(self.value):
            raise self.fail(f"phải là một số (đang là “{excerpt(self.value)}”)")
        value = float(self.value)
        if (least is not None and value < least) or (most is not None and value > most):
            raise self.fail(f"phải là một số {_range(least, most)} (đang là {value:g})")
        if above is not None and value <= above:
            raise self.fail(f"phải là một số lớn hơn {above:g} (đang là {value:g})")
        return value

    def integer(self, least: int | None = None, most: int | None = None) -> int:
        """An integer, at least ``least`` and at most ``most`` (each when given)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"phải là một số nguyên (đang là “{excerpt(self.value)}”)")
        if (least is not None and self.value < least) or (most is not None and self.value > most):
            raise self.fail(f"phải là một số nguyên {_range(least, most)} (đang là {self.value})")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("phải là true hoặc false")
        return self.value

    def date(self) -> dt.date:
        # A YAML timestamp ("2026-11-25 08:00") is a datetime, which does not compare with dates.
        if not isinstance(self.value, dt.date) or isinstance(self.value, dt.datetime):
            raise self.fail(f"phải là một ngày dạng YYYY-MM-DD (đang là “{excerpt(self.value)}”)")
        return self.value

    def one_of(self, allowed: tuple[str, ...]) -> str:
        text = self.text()
        if text not in allowed:
            raise self.fail(f"giá trị “{excerpt(text)}” không hợp lệ; cho phép: {', '.join(allowed)}")
        return text

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``value`` as a message quotes it: at most ``limit`` characters, control characters shown as
    “�”, and never more of a large list or mapping than its first few values."""
    text = value if isinstance(value, str) else _EXCERPT_REPR.repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text if text.isprintable() else "".join(c if c.isprintable() else "�" for c in text)


def _range(least: float | None, most: float | None) -> str:
    """“từ 0 đến 100”, “không nhỏ hơn 0” or “không lớn hơn 100”: the range a value must lie in."""
    if least is not None and most is not None:
        return f"từ {number(least)} đến {number(most)}"
    if least is not None:
        return f"không nhỏ hơn {number(least)}"
    return f"không lớn hơn {number(most or 0)}"


def load_yaml(path: Path, label: str) -> Node:
    """Parse one YAML file; a missing, malformed or runaway file is a :class:`ConfigError`."""
    text = _read(path, label)
    try:
        return Node(_load(text, _FastLoader, label), label)
    except yaml.YAMLError:
        pass
    try:
        # The pure-Python loader reads a file libyaml refuses again, so that the message is always the same.
        return Node(_load(text, _PlainLoader, label), label)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: {excerpt(syntax_message(exc, MAX_MESSAGE // 2), MAX_MESSAGE)}") from None


def _read(path: Path, label: str) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(f"{label}: tệp lớn quá {MAX_FILE_BYTES // 2**20} MB, không phải một tệp cấu hình.")
        return data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{label}: không tìm thấy tệp cấu hình ({path}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{label}: không đọc được tệp ({excerpt(str(exc), 2 * EXCERPT)}).") from None


def _load(text: str, loader: type[_FastBase] | type[yaml.SafeLoader], label: str) -> Any:
    """The document's value, once :func:`.yamlscan.scan_yaml` has found it neither too deep nor too large."""
    try:
        scan_yaml(text, loader)
    except Refused as refused:
        raise Node(None, label, refused.path).fail(f"{refused.problem} (dòng {refused.line})") from None
    return yaml.load(text, Loader=loader)


def _construct_object(loader: yaml.constructor.SafeConstructor, node: yaml.Node, deep: bool) -> Any:
    """A value YAML reads but Python cannot build (a day that does not exist, an integer of thousands
    of digits) is a YAML error at its line, not a ValueError."""
    try:
        return yaml.constructor.SafeConstructor.construct_object(loader, node, deep)
    except (ValueError, OverflowError):
        problem = f"giá trị “{excerpt(node.value)}” không đọc được: ngày không có thật hoặc số quá dài; hãy sửa lại"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


class _FastLoader(_FastBase):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        return _construct_object(self, node, deep)


class _PlainLoader(yaml.SafeLoader):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        return _construct_object(self, node, deep)
