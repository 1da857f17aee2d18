"""Findings: what the pipeline has to say about a received file, as values.

Every finding has a stable kebab-case code from :data:`CATALOGUE`, a severity (``error``: the
file is rejected; ``warning``: accepted and flagged; ``info``: a silent repair, recorded), the
place (file, sheet, cell) and a Vietnamese message with a hint that says what to do. Stages
collect findings in full and never stop at the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Cảnh báo", INFO: "Ghi nhận"}


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: str
    title: str
    message: str
    hint: str


def _load_catalogue() -> dict[str, FindingType]:
    """The catalogue shipped beside this module (findings.yaml)."""
    import yaml

    text = Path(__file__).with_name("findings.yaml").read_text(encoding="utf-8")
    # libyaml when available: every command imports this catalogue, and the pure-Python parser
    # took most of a second of ``dvk consolidate`` when nothing else had to be done.
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {code: FindingType(code, **entry) for code, entry in raw.items()}


CATALOGUE: dict[str, FindingType] = _load_catalogue()


@dataclass(frozen=True)
class Finding:
    """One thing found in one file, at one place."""

    code: str
    severity: str
    file: str
    sheet: str
    cell: str
    message: str
    hint: str

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }


def finding(code: str, *, file: str, sheet: str = "", cell: str = "", **params: Any) -> Finding:
    """Build a finding of ``code`` with its catalogue message filled from ``params``."""
    kind = CATALOGUE[code]
    values = {"sheet": sheet, "cell": cell, **params}
    return Finding(code, kind.severity, file, sheet, cell, kind.message.format(**values), kind.hint.format(**values))


def has_errors(findings: tuple[Finding, ...] | list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


_CELL = re.compile(r"([A-Z]+)(\d+)")


def cell_order(cell: str) -> tuple[int, int]:
    """Sort key of an A1 address: row first, then column; an empty address sorts first."""
    match = _CELL.fullmatch(cell)
    if not match:
        return (0, 0)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return (int(match.group(2)), column)


def sorted_findings(findings: list[Finding], sheet_order: tuple[str, ...] = ()) -> tuple[Finding, ...]:
    """Findings by file, then sheet (in workbook order), then cell, then code."""

    def key(f: Finding) -> tuple[str, int, str, tuple[int, int], str]:
        rank = sheet_order.index(f.sheet) if f.sheet in sheet_order else len(sheet_order)
        return (f.file, rank, f.sheet, cell_order(f.cell), f.code)

    return tuple(sorted(findings, key=key))
