"""What the value reader does not tell: .xlsx cells holding Excel errors or uncalculated formulas.

python-calamine returns ``""`` for a cell holding ``#DIV/0!`` or ``#N/A``, and for a formula
whose result the file does not carry (written by a program that does not calculate), both of
which would read as "not filled in". Only the sheet XML tells; this module finds those cells. It parses
with expat and refuses any DTD, so entity expansion cannot be smuggled in; the caller has
already bounded the package's uncompressed size.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from xml.parsers import expat

from ..core.errors import DvkError
from .cells import CellError, FormulaWithoutValue

SpecialCells = dict[tuple[int, int], CellError | FormulaWithoutValue]
_ADDRESS = re.compile(r"([A-Z]{1,3})(\d+)")

# A formula element (``<f>``, ``<f t="shared" ...>``, ``<x:f>``), not ``<formula1>`` of a data validation.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


class UnsafeXml(DvkError, ValueError):
    """The XML declares a DTD (a vector for entity expansion): not from a spreadsheet program."""


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args: object) -> None:
        raise UnsafeXml("DTD")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


@dataclass(frozen=True)
class SheetExtras:
    """Per sheet: error cells and formulas without a value; cells formatted in a legacy Vietnamese font."""

    special: SpecialCells
    legacy_fonts: dict[tuple[int, int], str]


LEGACY_FONT_PREFIXES = (".vn", "vni-")


def sheet_extras(data: bytes) -> dict[str, SheetExtras]:
    """What the value reader does not tell, per sheet name (only sheets that have any)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package_extras(_Members(package))


class _Members(Mapping[str, bytes]):
    """A zip's members by name, inflated when asked for."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        self.package = package
        self.names = set(package.namelist())

    def __getitem__(self, name: str) -> bytes:
        if name not in self.names:
            raise KeyError(name)
        return self.package.read(name)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def package_extras(parts: Mapping[str, bytes]) -> dict[str, SheetExtras]:
    """:func:`sheet_extras` of a package given as its parts (member name -> content)."""
    if "xl/workbook.xml" not in parts:
        return {}
    legacy_styles = _legacy_font_styles(parts["xl/styles.xml"]) if "xl/styles.xml" in parts else {}
    found = {}
    for name, part in _sheet_parts(parts).items():
        xml = parts.get(part, b"")
        if legacy_styles or _may_hold_special(xml):
            found[name] = _scan(xml, legacy_styles)
    return found


# Quick searches before _FORMULA, which tries a tag name at every "<" of the sheet: an error cell,
# an unprefixed formula element (itself a match of _FORMULA) and what a prefixed one ends with.
_ERROR_CELL = re.compile(rb"t=(?:\"e\"|'e')")
_PLAIN_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIXED_FORMULA_END = re.compile(rb":f[\s/>]")


def _may_hold_special(xml: bytes) -> bool:
    """Whether a sheet's XML has an error cell or a formula element (then it is scanned)."""
    if _ERROR_CELL.search(xml) or _PLAIN_FORMULA.search(xml):
        return True
    return _PREFIXED_FORMULA_END.search(xml) is not None and _FORMULA.search(xml) is not None


class _StyleScanner:
    """expat handlers collecting the font names of ``<fonts>`` and the font of each ``<cellXfs>`` style."""

    def __init__(self) -> None:
        self.fonts: list[str] = []
        self.font_of_style: list[str] = []
        self.section = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local in ("fonts", "cellXfs"):
            self.section = local
        elif self.section == "fonts" and local == "font":
            self.fonts.append("")
        elif self.section == "fonts" and local == "name" and self.fonts:
            self.fonts[-1] = attrs.get("val", "")
        elif self.section == "cellXfs" and local == "xf":
            self.font_of_style.append(attrs.get("fontId", "0"))

    def end(self, tag: str) -> None:
        if _local(tag) == self.section:
            self.section = ""

    def font(self, font_id: str) -> str:
        return self.fonts[int(font_id)] if font_id.isdigit() and int(font_id) < len(self.fonts) else ""


def _legacy_font_styles(xml: bytes) -> dict[str, str]:
    """Cell style index (the ``s`` attribute) -> font name, for styles whose font is TCVN3 or VNI."""
    lowered = xml.lower()
    if b'".vn' not in lowered and b'"vni-' not in lowered:
        return {}
    scanner = _StyleScanner()
    parser = _parser()
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.Parse(xml, True)
    fonts = {str(index): scanner.font(font_id) for index, font_id in enumerate(scanner.font_of_style)}
    return {index: name for index, name in fonts.items() if name.lower().startswith(LEGACY_FONT_PREFIXES)}


def _sheet_parts(package: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part in the package, through the workbook's relationships."""
    return dict(_sheet_targets(package.get("xl/_rels/workbook.xml.rels", b""), package["xl/workbook.xml"]))


@functools.lru_cache(maxsize=256)
def _sheet_targets(rels: bytes, workbook: bytes) -> tuple[tuple[str, str], ...]:
    """:func:`_sheet_parts` of a workbook part and its relationships, remembered by their bytes:
    the files made from one template carry the same two parts, which need not be parsed again."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def on_rel(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            sheets.append((attrs.get("name", ""), rid))

    _parse(rels, on_rel)
    _parse(workbook, on_sheet)
    return tuple((name, _resolve(targets.get(rid, ""))) for name, rid in sheets)


def _resolve(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _parse(xml: bytes, on_start: Callable[[str, dict[str, str]], None]) -> None:
    if not xml:
        return
    parser = _parser()
    parser.StartElementHandler = on_start
    parser.Parse(xml, True)


class _CellScanner:
    """expat handlers collecting error cells (``t="e"``) and formulas without a cached value."""

    def __init__(self, legacy_styles: dict[str, str]) -> None:
        self.legacy_styles = legacy_styles
        self.legacy_fonts: dict[tuple[int, int], str] = {}
        self.cells: SpecialCells = {}
        self.address = ""
        self.kind = ""
        self.formula: str | None = None
        self.value: str | None = None
        self.reading = ""
        self.style = "0"

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "c":
            self.address, self.kind, self.formula, self.value = attrs.get("r", ""), attrs.get("t", ""), None, None
            self.style = attrs.get("s", "0")
        elif local in ("f", "v"):
            self.reading = local
            if local == "f":
                self.formula = self.formula or ""
            else:
                self.value = ""

    def data(self, text: str) -> None:
        if self.reading == "f":
            self.formula = (self.formula or "") + text
        elif self.reading == "v":
            self.value = (self.value or "") + text

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local in ("f", "v"):
            self.reading = ""
        elif local == "c":
            self._close_cell()

    def _close_cell(self) -> None:
        match = _ADDRESS.fullmatch(self.address)
        if not match:
            return
        place = (int(match.group(2)), _column(match.group(1)))
        if self.style in self.legacy_styles:
            self.legacy_fonts[place] = self.legacy_styles[self.style]
        if self.kind == "e":
            self.cells[place] = CellError((self.value or "").strip())
        elif self.formula is not None and not self.value and self.kind != "str":
            # An empty <v> of a string formula is a cached empty text; anything else has no result.
            self.cells[place] = FormulaWithoutValue("=" + self.formula.strip())


def _scan(xml: bytes, legacy_styles: dict[str, str]) -> SheetExtras:
    """Error cells, formulas without a value and legacy-font cells of one sheet's XML."""
    scanner = _CellScanner(legacy_styles)
    parser = _parser()
    parser.StartElementHandler = scanner.start
    parser.buffer_text = True  # one call per text run, not per chunk of it: the same text, far fewer calls
    parser.CharacterDataHandler = scanner.data
    parser.EndElementHandler = scanner.end
    parser.Parse(xml, True)
    return SheetExtras(scanner.cells, scanner.legacy_fonts)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
