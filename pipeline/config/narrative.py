"""config/narrative.yaml: what people wrote for each year's report, by part -> :class:`Narrative` by year.

Contract: years are numbers and parts are among :data:`NARRATIVE_PARTS`; a part is a text split at
empty lines or a list of paragraphs, blanks dropped. :func:`parse_narratives` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .node import Node

NARRATIVE_PARTS = ("assessment", "tasks", "proposals")


@dataclass(frozen=True)
class Narrative:
    """What people wrote for a year's report, by part; an empty part is a placeholder in the report."""

    parts: Mapping[str, tuple[str, ...]]

    def part(self, key: str) -> tuple[str, ...]:
        return self.parts.get(key, ())


def parse_narratives(root: Node) -> dict[int, Narrative]:
    years = root.mapping(("years",))["years"]
    if years.value is None:
        return {}
    narratives = {}
    for key, node in years.entries():
        if not key.isdigit():
            raise node.fail("năm phải là một số, ví dụ 2026")
        parts = node.mapping((), NARRATIVE_PARTS)
        narratives[int(key)] = Narrative({name: _paragraphs(value) for name, value in parts.items()})
    return narratives


def _paragraphs(node: Node) -> tuple[str, ...]:
    """A text split at empty lines, or a list of paragraphs; blanks dropped."""
    if isinstance(node.value, list):
        texts = [item.text(allow_empty=True) for item in node.items()] if node.value else []
    else:
        texts = node.text(allow_empty=True).split("\n\n")
    return tuple(" ".join(t.split()) for t in texts if t.strip())
