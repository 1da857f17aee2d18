"""Reading the YAML files of ``<root>/config``: :func:`load_yaml` -> :class:`Node`.

Contract: a :class:`Node` is a YAML value with its file and key path; each accessor checks the
value's shape and raises :class:`ConfigError` naming the file, the key path and what is allowed.
A missing, unreadable or malformed file is a :class:`ConfigError` too. The per-file parsers read
their file only through these accessors, so every error says where to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import DvkError


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
        where = f"khóa “{self.path}”" if self.path else "nội dung tệp"
        return ConfigError(f"{self.file}: {where}: {problem}")

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
            raise self.fail(f"khóa không được biết: {', '.join(unknown)}; các khóa hợp lệ: {allowed}")
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
        return text

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"phải là một số (đang là “{self.value}”)")
        return float(self.value)

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"phải là một số nguyên (đang là “{self.value}”)")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("phải là true hoặc false")
        return self.value

    def date(self) -> dt.date:
        # A YAML timestamp ("2026-11-25 08:00") is a datetime, which does not compare with dates.
        if not isinstance(self.value, dt.date) or isinstance(self.value, dt.datetime):
            raise self.fail(f"phải là một ngày dạng YYYY-MM-DD (đang là “{self.value}”)")
        return self.value

    def one_of(self, allowed: tuple[str, ...]) -> str:
        text = self.text()
        if text not in allowed:
            raise self.fail(f"giá trị “{text}” không hợp lệ; cho phép: {', '.join(allowed)}")
        return text

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())


def load_yaml(path: Path, label: str) -> Node:
    """Parse one YAML file; a missing or malformed file is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{label}: không tìm thấy tệp cấu hình ({path}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{label}: không đọc được tệp ({exc}).") from None
    try:
        # libyaml when available (config of a province's 5,400 units: 10× faster); the pure-Python
        # loader reads a file libyaml refuses again, so that the message is always the same.
        return Node(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), label)
    except yaml.YAMLError:
        pass
    try:
        return Node(yaml.safe_load(text), label)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1}, cột {mark.column + 1})" if mark else ""
        raise ConfigError(f"{label}: lỗi cú pháp YAML{where}: {getattr(exc, 'problem', exc)}") from None
