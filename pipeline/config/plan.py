"""``plan`` in config/organization.yaml: the plan the movement follows -> :class:`Plan`.

Contract: the section is optional (an installation without it gets an empty :class:`Plan`); every
key of it is optional too. ``round`` is the round's name ("giai đoạn 2026 – 2031"); ``basis`` the
documents of the level above that the plan carries out, ``documents`` the installation's own
(each with ``kind``, and optionally ``symbol``, ``date``, ``issuer``, ``about``); ``tasks`` the
standard tasks of every next year, one sentence each. These pre-draft the parts of the reports that
people write (:mod:`pipeline.year.narrative`); nothing here is printed as it is read.
:func:`parse_plan` raises :class:`~pipeline.config.node.ConfigError` (file and key path) on the
first fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.vnformat import plain_date
from .node import Node


@dataclass(frozen=True)
class PlanDocument:
    """A document: "Kế hoạch" 04-KH/BTGDVTU of 26/8/2025 of its issuer, about what."""

    kind: str
    symbol: str = ""
    date: dt.date | None = None
    issuer: str = ""
    about: str = ""

    @property
    def reference(self) -> str:
        """``Kế hoạch số 04-KH/BTGDVTU ngày 26/8/2025 của … về …``, with what is known."""
        parts = [self.kind]
        if self.symbol:
            parts.append(f"số {self.symbol}")
        if self.date is not None:
            parts.append(f"ngày {plain_date(self.date)}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        if self.about:
            parts.append(self.about)
        return " ".join(parts)

    @property
    def number_and_date(self) -> str:
        """``số 12-KH/ĐU, ngày 15/9/2025`` (what is known of it; "" when neither)."""
        parts = ([f"số {self.symbol}"] if self.symbol else []) + (
            [f"ngày {plain_date(self.date)}"] if self.date is not None else []
        )
        return ", ".join(parts)


@dataclass(frozen=True)
class Plan:
    """The round, the documents and the yearly tasks of the movement's plan."""

    round: str = ""
    basis: tuple[PlanDocument, ...] = ()
    documents: tuple[PlanDocument, ...] = ()
    tasks: tuple[str, ...] = ()


def parse_plan(node: Node) -> Plan:
    m = node.mapping((), ("round", "basis", "documents", "tasks"))
    return Plan(
        round=m["round"].text() if "round" in m else "",
        basis=_documents(m["basis"]) if "basis" in m else (),
        documents=_documents(m["documents"]) if "documents" in m else (),
        tasks=tuple(" ".join(item.text().split()) for item in m["tasks"].items(allow_empty=True))
        if "tasks" in m
        else (),
    )


def _documents(node: Node) -> tuple[PlanDocument, ...]:
    return tuple(_document(item) for item in node.items(allow_empty=True))


def _document(node: Node) -> PlanDocument:
    m = node.mapping(("kind",), ("symbol", "date", "issuer", "about"))

    def text(key: str) -> str:
        return " ".join(m[key].text(allow_empty=True).split()) if key in m else ""

    date = m["date"].date() if "date" in m and m["date"].value not in (None, "") else None
    return PlanDocument(text("kind"), text("symbol"), date, text("issuer"), text("about"))
