"""What keeps the browser workspace to its clerk: sessions, CSRF tokens, same origin, headers.

Contract: :class:`Guard` is the one middleware every request passes. It
- refuses a ``Host`` the server was not started for (a page of another site resolving its own name
  to 127.0.0.1 cannot talk to the server: DNS rebinding), when the server listens on loopback;
- gives every browser a session (a random token in an HttpOnly, SameSite=Strict cookie); when a
  password is set, a session must have logged in (:data:`LOGIN_PATH`) before it sees any page;
- refuses every state-changing request (any method but GET and HEAD) that comes from another
  origin (``Origin``, else ``Sec-Fetch-Site``) or lacks the session's CSRF token (header
  :data:`CSRF_HEADER`, form field or query parameter :data:`CSRF_FIELD`);
- adds a Content-Security-Policy without inline script or style, and the headers that keep the
  pages out of frames, caches and other sites' referrers.
Passwords are stored as scrypt hashes (:func:`hash_password`), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp

SESSION_COOKIE = "dvk_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
LOGIN_PATH = "/dang-nhap"
SAFE_METHODS = frozenset({"GET", "HEAD"})
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 1000
# The largest urlencoded form read for its token; a form of the workspace is a few hundred bytes.
_SMALL_FORM = 64 * 1024
_OPEN_PATHS = (LOGIN_PATH, "/static/")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Not "no-referrer": under it Chromium sends "Origin: null" with the pages' own form posts,
    # which the origin check must then refuse; "same-origin" still tells other sites nothing.
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

_SCRYPT = (14, 8, 1)  # log2 n, r, p: about 16 MB and 50 ms per check


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$<log2 n>$<r>$<p>$<salt>$<hash>``, the form config/web.yaml takes."""
    salt = salt or secrets.token_bytes(16)
    log_n, r, p = _SCRYPT
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=1 << log_n, r=r, p=p, dklen=32)
    return f"scrypt${log_n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a :func:`hash_password` value) was made from."""
    try:
        _, log_n, r, p, salt, digest = stored.split("$")
        again = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=1 << int(log_n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(again.hex(), digest)


@dataclass
class Sessions:
    """The sessions of one server process: random tokens, kept in memory (a restart logs out)."""

    password_hash: str = ""
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _started: dict[str, float] = field(default_factory=dict)
    _logged_in: set[str] = field(default_factory=set)

    @property
    def password_required(self) -> bool:
        return bool(self.password_hash)

    def open(self) -> str:
        """A new session; the oldest are forgotten past :data:`MAX_SESSIONS` (a client that keeps
        no cookie opens one per request, and memory stays bounded)."""
        while len(self._started) >= MAX_SESSIONS:
            oldest = next(iter(self._started))
            del self._started[oldest]
            self._logged_in.discard(oldest)
        token = secrets.token_urlsafe(32)
        self._started[token] = time.monotonic()
        return token

    def known(self, token: str | None) -> bool:
        started = self._started.get(token or "")
        return started is not None and time.monotonic() - started <= SESSION_SECONDS

    def log_in(self, token: str, password: str) -> bool:
        if not (self.known(token) and verify_password(password, self.password_hash)):
            return False
        self._logged_in.add(token)
        return True

    def allowed(self, token: str | None) -> bool:
        return self.known(token) and (not self.password_required or token in self._logged_in)

    def csrf_token(self, token: str) -> str:
        """The session's CSRF token: a MAC of the session's token, so no table to keep."""
        return hmac.new(self.secret, token.encode("ascii"), hashlib.sha256).hexdigest()

    def csrf_valid(self, token: str | None, given: str | None) -> bool:
        return bool(token and given) and hmac.compare_digest(self.csrf_token(token or ""), given or "")


class Guard(BaseHTTPMiddleware):
    """The checks of the module's contract, around every request."""

    def __init__(self, app: ASGIApp, sessions: Sessions, allowed_hosts: frozenset[str] | None) -> None:
        super().__init__(app)
        self.sessions = sessions
        self.allowed_hosts = allowed_hosts

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        refusal = await self._refusal(request)
        if refusal is not None:
            return with_headers(refusal)
        token = request.cookies.get(SESSION_COOKIE)
        fresh = None
        if not self.sessions.known(token):
            token = fresh = self.sessions.open()
        request.state.session = token
        request.state.csrf = self.sessions.csrf_token(token or "")
        if not self.sessions.allowed(token) and not request.url.path.startswith(_OPEN_PATHS):
            response: Response = RedirectResponse(LOGIN_PATH, status_code=303)
        else:
            response = await call_next(request)
        if fresh:
            response.set_cookie(SESSION_COOKIE, fresh, httponly=True, samesite="strict", path="/")
        return with_headers(response)

    async def _refusal(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return _refused(400, "Địa chỉ máy chủ không hợp lệ. Hãy mở trang bằng địa chỉ lệnh dvk serve in ra.")
        if request.method in SAFE_METHODS:
            return None
        if not _same_origin(request):
            return _refused(403, "Yêu cầu đến từ một trang khác nên bị từ chối.")
        token = request.cookies.get(SESSION_COOKIE)
        if not self.sessions.csrf_valid(token, await _csrf_given(request)):
            return _refused(
                403, "Phiên làm việc đã hết hạn hoặc yêu cầu thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại."
            )
        return None


def _same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from the workspace's own pages."""
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        return parts.netloc == request.headers.get("host", "") and parts.scheme in ("http", "https")
    # No Origin (an old browser, a script): a browser still says where the request comes from.
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


async def _csrf_given(request: Request) -> str | None:
    """The token the request carries: header, query parameter (multipart uploads), or form field."""
    given = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    if given:
        return given
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = await _small_body(request)
        if body is None:
            return None
        values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD, [])
        return values[0] if values else None
    return None


async def _small_body(request: Request) -> bytes | None:
    """The body of a small form (kept by the request for the handler), None when it is too large
    or its size is not declared (a browser always declares a form's)."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > _SMALL_FORM:
        return None
    body = await request.body()
    return body if len(body) <= _SMALL_FORM else None


def _refused(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)


def with_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("cache-control", "no-store")
    return response
