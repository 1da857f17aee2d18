"""What the tool takes for an e-mail address: ``ten@mien.vn`` and nothing around it.

Contract: :func:`is_address` accepts a bare address (RFC 5322 dot-atom, then a domain name of at
least two labels), in ASCII since messages go out without SMTPUTF8, and refuses everything else: a
display name or angle brackets (``Boss <a@x.vn>``: the name the unit's mail shows is the unit's
own), spaces, line breaks (header injection), quoted or non-ASCII local parts, address literals.
Whatever it accepts, ``email.headerregistry.Address(addr_spec=...)`` accepts as it is.
"""

from __future__ import annotations

import re

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
MAX_LOCAL, MAX_ADDRESS = 64, 254  # RFC 5321


def is_address(text: str) -> bool:
    """Whether ``text`` is one bare e-mail address, e.g. ``kp-bd01@binhdinh.vn``."""
    if len(text) > MAX_ADDRESS or ADDRESS.fullmatch(text) is None:
        return False
    return len(text.rsplit("@", 1)[0]) <= MAX_LOCAL
