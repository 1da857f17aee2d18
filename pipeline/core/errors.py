"""One base class for every error the tool reports to its user, with the exit code it ends with.

As in click's ``exceptions.py``: each error class carries its ``exit_code`` as a class attribute
and its message, in Vietnamese, says what went wrong and what to do. The command line maps every
:class:`DvkError` in one place; a stage raises the subclass that names its problem. An error that
only passes between two stages (a reader's refusal turned into a finding) derives from it too, so
that whatever escapes is still reported, not shown as a traceback.

Exit codes: 1 a file or a recipient failed, 2 usage, configuration or workspace problem.
"""

from __future__ import annotations

USAGE_EXIT = 2


class DvkError(Exception):
    """An error for the user: :meth:`user_message` is what the command line prints."""

    exit_code = USAGE_EXIT

    def user_message(self) -> str:
        return str(self)
