"""What every response and request of the web face goes through: a cap on request bodies,
security headers, and CSRF tokens bound to a per-browser cookie.

CSRF: the browser gets a random `cx_csrf` cookie (SameSite=Strict, HttpOnly); every form and
the estimate request carry HMAC(event secret, cookie | scope), where the scope is the page
(e.g. the exhibitor's hashed token). A forged request from another site has neither."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "cx_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        b"form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    # links carry secret tokens: never send them to another site in a Referer header
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


HSTS = (b"strict-transport-security", b"max-age=31536000")


def same_origin(headers: dict[bytes, bytes]) -> bool:
    """A POST from a page of this site: the browser's Origin header (when it names one) is the
    host the request went to. Requests without an Origin still need the CSRF token."""
    origin = headers.get(b"origin")
    # absent, or "null": browsers send null for a form posted from a page whose
    # Referrer-Policy is no-referrer (ours: links carry secret tokens); the CSRF token decides
    if origin is None or origin == b"null":
        return True
    from urllib.parse import urlsplit

    host = headers.get(b"host", b"").decode("latin-1").lower()
    try:
        return urlsplit(origin.decode("latin-1")).netloc.lower() == host
    except ValueError:
        return False


BODY_TIMEOUT = 30.0  # seconds for a whole request body (a form, a certificate upload)


class TooLarge(Exception):
    pass


PUBLIC_POSTS = frozenset({"/api/verify"})


class TooSlow(Exception):
    pass


class Guard:
    """ASGI middleware: refuses request bodies above `max_body` bytes with 413 (by
    Content-Length, or while reading a chunked body) and adds the security headers."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        # /api/verify changes nothing and reads no cookie: any site's script may ask it
        public = scope.get("path") in PUBLIC_POSTS
        if scope.get("method") == "POST" and not public and not same_origin(headers):
            await _plain(send, 403, b"cross-origin request refused")
            return
        secure = scope.get("scheme") == "https"
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _plain(send, 413, b"request body too large")
            return
        seen = 0
        started = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BODY_TIMEOUT

        body_done = False

        async def limited() -> Message:
            nonlocal seen, body_done
            if body_done:  # later calls wait for a disconnect: not the client's body
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise TooSlow from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *HEADERS]
                if secure:  # served over https (directly or as the proxy says): stay on it
                    message["headers"].append(HSTS)
            await send(message)

        try:
            await self.app(scope, limited, with_headers)
        except TooLarge:
            if not started:
                await _plain(send, 413, b"request body too large")
        except TooSlow:
            if not started:
                await _plain(send, 408, b"request body too slow")


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(key: bytes, nonce: str, scope: str) -> str:
    return hmac.new(key, f"{nonce}|{scope}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, nonce: str | None, scope: str, given: Any) -> bool:
    if not nonce or not isinstance(given, str) or len(given) != 64:
        return False
    return hmac.compare_digest(csrf_token(key, nonce, scope), given)
