"""Configuration stage: the YAML files in ``<root>/config`` -> one frozen :class:`Config`.

Contract: every file is validated on load. Unknown keys, missing keys and bad values raise
:class:`ConfigError` naming the file, the key path and what is allowed, so a clerk who edits
the YAML by hand sees exactly which line to fix. Nothing downstream re-checks the config.

One module per file of ``config/`` (its dataclasses and its parser), read through
:mod:`.node`; :mod:`.load` composes them. This package only re-exports what the other stages use.
"""

from __future__ import annotations

from .calendar import (
    COUNTS_AS_LATE,
    KEEPS_ORIGINAL_DATE,
    NEXT_WORKING_DAY,
    NO_SHIFT,
    WORKING_DAYS,
    Exemption,
    YearCalendar,
)
from .criteria import (
    AFTER_RECOGNITION,
    NEW_ITEM,
    NO_OUTCOME,
    RULE_OUTCOMES,
    Conditions,
    CriteriaSet,
    Rule,
    outcome_reachable,
    state_label,
)
from .load import Config, load_config, load_mail_settings
from .mail import FEEDBACK_ACCEPTED, MAIL_KINDS, MailServer, MailSettings, MailTemplate
from .node import ConfigError, Node, excerpt, load_yaml
from .organization import ChartFormat, DocumentFormat, Issuer, Organization, ReportSpec, Signature
from .plan import Plan, PlanDocument
from .template import DATE_MAX, DATE_MIN, FIELD_TYPES, Field, Sheet, TemplateSchema
from .units import Unit
from .web import WebSettings

__all__ = [
    "AFTER_RECOGNITION",
    "COUNTS_AS_LATE",
    "DATE_MAX",
    "DATE_MIN",
    "FEEDBACK_ACCEPTED",
    "FIELD_TYPES",
    "KEEPS_ORIGINAL_DATE",
    "MAIL_KINDS",
    "NEW_ITEM",
    "NEXT_WORKING_DAY",
    "NO_OUTCOME",
    "NO_SHIFT",
    "RULE_OUTCOMES",
    "WORKING_DAYS",
    "ChartFormat",
    "Conditions",
    "Config",
    "ConfigError",
    "CriteriaSet",
    "DocumentFormat",
    "Exemption",
    "Field",
    "Issuer",
    "MailServer",
    "MailSettings",
    "MailTemplate",
    "Node",
    "Organization",
    "Plan",
    "PlanDocument",
    "ReportSpec",
    "Rule",
    "Sheet",
    "Signature",
    "TemplateSchema",
    "Unit",
    "WebSettings",
    "YearCalendar",
    "excerpt",
    "load_config",
    "load_mail_settings",
    "load_yaml",
    "outcome_reachable",
    "state_label",
]
