"""A config file's YAML looked over from its parser's events, before any value is built.

Contract: :func:`scan_yaml` walks the event stream (no recursion, constant memory) and raises
:class:`Refused` with the key path and line where it stopped when the document nests deeper
than :data:`MAX_DEPTH`, holds more than :data:`MAX_NODES` values once every alias (``*name``) is
counted as the values it stands for, or has a key longer than :data:`MAX_KEY` characters. So a
"billion laughs" of a few lines that would expand to gigabytes, and a nesting that would overflow
the loader's Python stack, are refused before they cost anything. A syntax error is left to the
loader, which names its line. Aliases within the budget are fine: the shipped config uses none,
but a clerk may share a block with ``&name`` and ``*name``.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..core.vnformat import number

# The shipped config nests 6 deep; the pure-Python loader overflows Python's stack near 500.
MAX_DEPTH = 50
# A province's units.yaml of 5,400 units has about 49,000 values: ten times that is no config.
MAX_NODES = 500_000
MAX_KEY = 200


class Refused(Exception):
    """Why the file is refused (Vietnamese), the key path and the line (from 1) where it was seen."""

    def __init__(self, problem: str, path: str, line: int) -> None:
        super().__init__(problem)
        self.problem, self.path, self.line = problem, path, line


@dataclass
class _Collection:
    """A mapping or sequence being read: its key path, anchor, size so far and where its next value goes."""

    path: str
    mapping: bool
    anchor: str | None
    size: int = 1
    index: int = 0
    key: str = ""
    at_key: bool = True


def scan_yaml(text: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    """Raise :class:`Refused` when ``text`` nests too deep, expands too far or has a runaway key."""
    scan = _Scan()
    for event in yaml.parse(text, Loader=loader):
        scan.see(event)


class _Scan:
    def __init__(self) -> None:
        self.open: list[_Collection] = []
        self.anchors: dict[str, int] = {}  # anchor -> the number of values it stands for
        self.total = 0

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionEndEvent):
            self._close()
        elif isinstance(event, yaml.NodeEvent):
            path = self._place(event)
            if isinstance(event, yaml.CollectionStartEvent):
                self._open(event, path)
            else:
                self._value(event, path)

    def _place(self, event: yaml.NodeEvent) -> str:
        """The key path of the value ``event`` starts (a key's is its mapping's); moves its parent on."""
        if not self.open:
            return ""
        parent = self.open[-1]
        if not parent.mapping:
            parent.index += 1
            return f"{parent.path}[{parent.index - 1}]"
        if parent.at_key:
            parent.at_key = False
            parent.key = str(event.value) if isinstance(event, yaml.ScalarEvent) else "?"
            if len(parent.key) > MAX_KEY:
                raise Refused(f"có một khóa dài quá {MAX_KEY} ký tự", parent.path, _line(event))
            return parent.path
        parent.at_key = True
        return f"{parent.path}.{parent.key}" if parent.path else parent.key

    def _open(self, event: yaml.CollectionStartEvent, path: str) -> None:
        if len(self.open) >= MAX_DEPTH:
            raise Refused(
                f"các giá trị lồng nhau quá {MAX_DEPTH} cấp; tệp cấu hình chỉ cần vài cấp", path, _line(event)
            )
        self._count(1, path, event)
        mapping = isinstance(event, yaml.MappingStartEvent)
        self.open.append(_Collection(path, mapping, event.anchor))

    def _close(self) -> None:
        done = self.open.pop()
        if done.anchor is not None:
            self.anchors[done.anchor] = done.size
        if self.open:
            self.open[-1].size += done.size

    def _value(self, event: yaml.NodeEvent, path: str) -> None:
        # An alias stands for every value under its anchor (an unknown one is the loader's error).
        size = self.anchors.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
        self._count(size, path, event)
        if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            self.anchors[event.anchor] = 1
        if self.open:
            self.open[-1].size += size

    def _count(self, size: int, path: str, event: yaml.Event) -> None:
        self.total += size
        if self.total > MAX_NODES:
            raise Refused(
                f"tệp có quá {number(MAX_NODES)} giá trị khi trải các tham chiếu “*tên” ra; "
                "hãy bỏ các tham chiếu lồng nhau và ghi thẳng giá trị",
                path,
                _line(event),
            )


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0
