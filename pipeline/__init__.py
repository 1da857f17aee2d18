"""Yearly reporting cycle of the “Dân vận khéo” movement: templates, intake, validation, consolidation, reports."""

__version__ = "0.1.0"
