"""What the tool takes for an e-mail address: a bare ``ten@mien.vn``, and whatever it takes goes
into a message's header unchanged."""

from __future__ import annotations

from email.headerregistry import Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.mailaddress import ADDRESS, is_address


@pytest.mark.parametrize(
    "text",
    ["kp-bd01@dvk-binhdinh.example", "ban.xdd@binhdinh.gov.vn", "a+b_c'd@x-y.vn", "X@Y.VN"],
)
def test_a_bare_address_is_taken(text: str) -> None:
    assert is_address(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Boss <attacker@x.example>", id="display-name"),
        pytest.param("<attacker@x.example>", id="angle-brackets"),
        pytest.param("not an address @@ <>", id="not-an-address"),
        pytest.param("a@x.example\r\nBcc: b@x.example", id="header-injection"),
        pytest.param("a@x.example\n", id="trailing-line-break"),
        pytest.param("nguyễn@x.vn", id="non-ascii-local-part"),
        pytest.param("a@xã.vn", id="non-ascii-domain"),
        pytest.param('"a b"@x.vn', id="quoted-local-part"),
        pytest.param("a@[127.0.0.1]", id="address-literal"),
        pytest.param("a@localhost", id="one-label-domain"),
        pytest.param("a..b@x.vn", id="double-dot"),
        pytest.param("a@-x.vn", id="label-starts-with-hyphen"),
        pytest.param("a@b@x.vn", id="two-at-signs"),
        pytest.param("x" * 65 + "@x.vn", id="local-part-too-long"),
        pytest.param("", id="empty"),
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert not is_address(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.from_regex(ADDRESS, fullmatch=True))
def test_what_is_taken_goes_into_a_header_unchanged(text: str) -> None:
    if is_address(text):
        assert Address("Chi bộ khu phố Kim Châu", addr_spec=text).addr_spec == text
