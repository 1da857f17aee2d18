"""A saved mail file read in bounded memory: its messages, each parsed from the disk a line at a
time with its large bodies left out.

Contract: the file is only ever read, in lines of at most :data:`LINE` bytes (a longer line comes
in pieces). An ``.mbox`` is split where a line starts with ``From `` (as :mod:`mailbox` splits it);
an ``.eml`` is one message. Each message goes to the standard parser through :class:`_BodyFilter`,
which follows the MIME structure (headers, boundaries) and keeps a part's body only up to a size:
a spreadsheet's up to ``keep`` bytes (an attachment at the limit, encoded) while the message's
spreadsheets together stay within ``keep`` and :data:`SLACK`; any other part's (text, photos) up
to :data:`OTHER_BODY`. A body left out reaches the parser empty, and its part gets the header
:attr:`Omissions.header` (named with a token of this read, so that no message can carry it) giving
the size of what was left out, decoded. Memory stays a few times ``keep``, whatever the sizes of
the file, of its messages and of their attachments.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesFeedParser, BytesHeaderParser
from pathlib import Path
from typing import BinaryIO

from .kinds import attachment_kind, clean_name

LINE = 64 * 1024
OTHER_BODY = 64 * 1024
HEADER_BYTES = 256 * 1024  # a part's headers beyond this are left out
SLACK = 1024 * 1024
_BLANK = (b"\n", b"\r\n")


@dataclass(frozen=True)
class Omissions:
    """The header that marks a part whose body was left out, and how to read it."""

    header: str = field(default_factory=lambda: f"X-Dvk-Omitted-{secrets.token_hex(8)}")

    def size(self, part: Message) -> int | None:
        """The decoded size of the body left out of ``part``; None when its body was kept."""
        value = part.get(self.header)
        return int(str(value)) if value is not None else None


def messages(path: Path, mbox: bool, keep: int, omissions: Omissions) -> Iterator[Message]:
    """Every message of the file at ``path`` (one for an ``.eml``), parsed in bounded memory."""
    with path.open("rb") as handle:
        for lines in _split(handle) if mbox else (_lines(handle),):
            yield _parse(lines, keep, omissions)


def _lines(handle: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The file's lines from where it stands, each with whether it starts a line (a line longer
    than :data:`LINE` comes in pieces, only the first of which does)."""
    starts = True
    while line := handle.readline(LINE):
        yield line, starts
        starts = line.endswith(b"\n")


def _split(handle: BinaryIO) -> Iterator[Iterator[tuple[bytes, bool]]]:
    """The messages of an mbox, one after the other, each as its lines after its ``From`` line.
    The blank line before the next ``From`` line is not the message's (as :mod:`mailbox` reads
    it); text before the first ``From`` line belongs to no message."""
    lines = _lines(handle)
    pending: tuple[bytes, bool] | None = None
    for line, starts in lines:
        if starts and line.startswith(b"From "):
            pending = (line, starts)
            break
    while pending is not None:
        _skip_rest_of_line(pending, lines)
        found: list[tuple[bytes, bool] | None] = [None]
        yield _message_lines(lines, found)
        pending = found[0]


def _skip_rest_of_line(first: tuple[bytes, bool], lines: Iterator[tuple[bytes, bool]]) -> None:
    line = first[0]
    while not line.endswith(b"\n"):
        line = next(lines, (b"\n", True))[0]


def _message_lines(
    lines: Iterator[tuple[bytes, bool]], found: list[tuple[bytes, bool] | None]
) -> Iterator[tuple[bytes, bool]]:
    """One mbox message's lines, up to the next ``From`` line (left in ``found``)."""
    blank: tuple[bytes, bool] | None = None
    for line, starts in lines:
        if starts and line.startswith(b"From "):
            found[0] = (line, starts)
            return
        if blank is not None:
            yield blank
            blank = None
        if starts and line in _BLANK:
            blank = (line, starts)
        else:
            yield line, starts


def _parse(lines: Iterator[tuple[bytes, bool]], keep: int, omissions: Omissions) -> Message:
    parser = BytesFeedParser(policy=policy.default)
    body_filter = _BodyFilter(parser, keep, omissions)
    for line, starts in lines:
        body_filter.line(line, starts)
    return body_filter.close()


@dataclass
class _Leaf:
    """A part without subparts whose body is being read: held until its end, or left out."""

    headers: list[bytes]
    keep: int
    spreadsheet: bool
    base64: bool
    body: bytearray = field(default_factory=bytearray)
    size: int = 0
    characters: int = 0  # of the body, line breaks and padding excluded: what base64 decodes from
    omitted: bool = False

    def add(self, line: bytes) -> None:
        self.size += len(line)
        self.characters += len(line.rstrip(b"\r\n")) - line.count(b"=")
        if self.omitted:
            return
        if self.size > self.keep:
            self.omitted, self.body = True, bytearray()
        else:
            self.body += line

    def decoded_size(self) -> int:
        return self.characters * 3 // 4 if self.base64 else self.size


class _BodyFilter:
    """Lines of one message -> the parser, with the bodies over their size left out (see the module)."""

    def __init__(self, parser: BytesFeedParser, keep: int, omissions: Omissions) -> None:
        self.parser, self.keep, self.omissions = parser, keep, omissions
        self.budget = keep + SLACK  # for the message's spreadsheets together
        self.boundaries: list[bytes] = []
        self.headers: list[bytes] | None = []  # None: reading a body
        self.header_bytes = 0
        self.leaf: _Leaf | None = None
        self.region = 0  # bytes of a multipart's preamble or epilogue so far

    def line(self, line: bytes, starts: bool) -> None:
        if self.headers is not None:
            self._header_line(line, starts)
        elif starts and line.startswith(b"--") and self._boundary(line):
            return
        elif self.leaf is not None:
            self.leaf.add(line)
        else:
            self.region += len(line)
            if self.region <= OTHER_BODY:
                self.parser.feed(line)

    def close(self) -> Message:
        if self.headers is not None:
            self.parser.feed(b"".join(self.headers))
        self._close_leaf()
        return self.parser.close()

    def _header_line(self, line: bytes, starts: bool) -> None:
        assert self.headers is not None
        if starts and line in _BLANK:
            self._end_headers(line)
        elif self.header_bytes + len(line) <= HEADER_BYTES:
            self.headers.append(line)
            self.header_bytes += len(line)

    def _end_headers(self, blank: bytes) -> None:
        assert self.headers is not None
        lines, self.headers, self.header_bytes = [*self.headers, blank], None, 0
        part = BytesHeaderParser(policy=policy.compat32).parsebytes(b"".join(lines))
        boundary = part.get_boundary() if part.get_content_maintype() == "multipart" else None
        if boundary:
            self.parser.feed(b"".join(lines))
            self.boundaries.append(boundary.encode("ascii", "surrogateescape"))
            self.region = 0
            return
        content_type = part.get_content_type()
        kind = attachment_kind(clean_name(str(part.get_filename() or ""), 0, content_type), content_type)
        spreadsheet = kind == "spreadsheet"
        keep = min(self.keep, self.budget) if spreadsheet else OTHER_BODY
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        self.leaf = _Leaf(lines, keep, spreadsheet, encoding == "base64")

    def _boundary(self, line: bytes) -> bool:
        """A boundary line of an open multipart: the part before it ends (and any inner multipart
        left open); after it come a part's headers, or the multipart's epilogue."""
        text = line.rstrip(b"\r\n").rstrip(b" \t")
        for depth in range(len(self.boundaries) - 1, -1, -1):
            separator = b"--" + self.boundaries[depth]
            if text in (separator, separator + b"--"):
                self._close_leaf()
                self.parser.feed(line)
                del self.boundaries[depth + (text == separator) :]  # the closing one goes too
                self.headers, self.region = ([] if text == separator else None), 0
                return True
        return False

    def _close_leaf(self) -> None:
        leaf, self.leaf = self.leaf, None
        if leaf is None:
            return
        if not leaf.omitted:
            if leaf.spreadsheet:
                self.budget -= leaf.size
            self.parser.feed(b"".join(leaf.headers))
            for start in range(0, len(leaf.body), LINE):  # in pieces: the parser splits what it is fed
                self.parser.feed(bytes(leaf.body[start : start + LINE]))
            return
        *headers, blank = leaf.headers
        marker = f"{self.omissions.header}: {leaf.decoded_size()}".encode() + blank
        self.parser.feed(b"".join([*headers, marker, blank]))
