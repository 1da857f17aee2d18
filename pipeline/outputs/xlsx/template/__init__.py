"""Template stage: schema (config/template.yaml) + unit + year -> the unit's Excel workbook.

Contract: :func:`build_template` (in memory, pure), :func:`template_bytes` (deterministic bytes)
and :func:`write_templates` (one file per active unit) of :mod:`.build`, each carrying the unit's
live models from the register (:func:`prefill_from_register`, :mod:`.prefill`).

The layout follows :mod:`pipeline.core.layout`, which the reader shares: the "Hướng dẫn" sheet
first (:mod:`.instructions`), then one sheet per schema sheet (:mod:`.forms`, :mod:`.tables`, with
the validations of :mod:`.validation`), then the hidden ``_lists`` and signed ``_meta`` sheets.
Header and label texts are exactly the schema labels so the reader can match them back. Every
sheet is protected without a password; only the input cells are unlocked. All text is NFC
(:mod:`.looks` holds the cell formats).
"""

from .build import build_template, template_bytes, write_templates
from .prefill import CONTINUING_LIST, PREFILLED_KINDS, PrefilledItem, prefill_from_register
from .tables import SPARE_ROWS
from .validation import BOOLEAN_CHOICES

__all__ = [
    "BOOLEAN_CHOICES",
    "CONTINUING_LIST",
    "PREFILLED_KINDS",
    "SPARE_ROWS",
    "PrefilledItem",
    "build_template",
    "prefill_from_register",
    "template_bytes",
    "write_templates",
]
