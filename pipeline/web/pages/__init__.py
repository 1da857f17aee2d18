"""The pages of the browser workspace, one module per group of pages; each gives ``routes(site)``.

Every handler does what one command does, through the same function of :mod:`pipeline.run`, and
renders the result; none holds logic of the pipeline's own.
"""

from __future__ import annotations

from types import ModuleType

from . import consolidate, council, downloads, home, login, receive, unit

PAGES: tuple[ModuleType, ...] = (home, login, receive, consolidate, council, unit, downloads)
