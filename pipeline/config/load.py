"""Loading ``<root>/config`` whole: every file parsed and cross-checked -> one frozen :class:`Config`.

Contract: this is the only module of the stage that reads files; each file is parsed by its own
module. The order is fixed (criteria, template, the proposals of criteria.yaml against the
template's list, units, organization, calendar, the installation's secret, mail, the upward
key, web), so a config broken in several places always reports the same first error.
mail.yaml, the upward key and web.yaml are optional; every other file must be there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..core.upward import UpwardKey
from .calendar import YearCalendar, parse_calendar
from .criteria import Criteria, parse_criteria
from .mail import MailSettings, parse_mail
from .node import ConfigError, Node, load_yaml
from .organization import Organization, parse_organization
from .template import TemplateSchema, parse_template
from .units import Units, parse_units
from .web import WebSettings, parse_web

T = TypeVar("T")


@dataclass(frozen=True)
class Config:
    root: Path
    organization: Organization
    units: Units
    calendar: Mapping[int, YearCalendar]
    template: TemplateSchema
    criteria: Criteria
    secret: bytes = field(repr=False, default=b"")
    mail: MailSettings = field(default_factory=MailSettings)
    # The key the level above issued to sign this installation's summary (pipeline/core/upward.py).
    upward: UpwardKey | None = field(repr=False, default=None)
    web: WebSettings = field(default_factory=WebSettings)

    def year(self, year: int) -> YearCalendar:
        """The calendar of ``year``; a year missing from calendar.yaml is a config error."""
        if year not in self.calendar:
            known = ", ".join(str(y) for y in sorted(self.calendar))
            raise ConfigError(
                f"config/calendar.yaml: chưa có năm {year} trong “years” (đang có: {known}). "
                f"Hãy thêm hạn nộp của năm {year}."
            )
        return self.calendar[year]


def load_config(root: Path) -> Config:
    """Load and cross-check every file of ``<root>/config``."""
    folder = root / "config"

    def node(name: str) -> Node:
        return load_yaml(folder / name, f"config/{name}")

    criteria_node = node("criteria.yaml")
    criteria = parse_criteria(criteria_node)
    template = parse_template(node("template.yaml"), criteria)
    _check_proposals(criteria, template, criteria_node)
    units = parse_units(node("units.yaml"))
    return Config(
        root=root,
        organization=parse_organization(node("organization.yaml")),
        units=units,
        calendar=parse_calendar(node("calendar.yaml"), units),
        template=template,
        criteria=criteria,
        secret=_secret(root),
        mail=load_mail_settings(folder),
        upward=_upward_key(root),
        web=_optional(folder, "web.yaml", parse_web, WebSettings()),
    )


def load_mail_settings(folder: Path) -> MailSettings:
    """config/mail.yaml, or the defaults when the ward has no such file (drafts still work)."""
    return _optional(folder, "mail.yaml", parse_mail, MailSettings())


def _optional(folder: Path, name: str, parse: Callable[[Node], T], default: T) -> T:
    """An optional file of config/, parsed, or ``default`` when the ward has no such file."""
    path = folder / name
    return parse(load_yaml(path, f"config/{name}")) if path.exists() else default


def _secret(root: Path) -> bytes:
    from ..core.identity import SecretError, load_secret

    try:
        return load_secret(root)
    except SecretError as exc:
        raise ConfigError(str(exc)) from None


def _upward_key(root: Path) -> UpwardKey | None:
    from ..core.upward import UpwardKeyError, load_upward_key

    try:
        return load_upward_key(root)
    except UpwardKeyError as exc:
        raise ConfigError(str(exc)) from None


def _check_proposals(criteria: Criteria, template: TemplateSchema, node: Node) -> None:
    """Every proposal named in criteria.yaml must be one of the template's proposals."""
    allowed = template.lists.get("proposals", ())
    for proposal in criteria.proposal_minimum:
        if proposal not in allowed:
            raise node.fail(
                f"đề xuất “{proposal}” trong “proposal_minimum” không có trong danh sách “proposals” của template.yaml"
            )
