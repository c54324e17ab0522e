"""The server settings of `carbonexpo serve`: bounds on what one client can hold.

uvicorn's own settings bound idle keep-alive connections (`timeout_keep_alive`), the number of
connections (`limit_concurrency`: past it, 503), and the size of a request head
(`h11_max_incomplete_event_size`). A client that sends its request head slowly (one byte a
second, or nothing at all after connecting) is closed by `BoundedH11` after HEAD_TIMEOUT
seconds; a body sent too slowly is cut by the Guard's BODY_TIMEOUT (web.guard)."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_TIMEOUT = 10.0  # seconds from connecting (or from the last response) to a whole head
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept
MAX_CONNECTIONS = 200  # open connections and tasks; past it: 503
MAX_HEAD_BYTES = 64 * 1024


class BoundedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head has not arrived
    within HEAD_TIMEOUT (a slow-loris client)."""

    head_timeout = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and self._head_timer is not None:  # a whole head arrived
            self._head_timer.cancel()
            self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():  # the next head of a kept-alive connection
            self._restart_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _restart_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.cycle is None or self.cycle.response_complete:  # still waiting for a head
            self.transport.close()


def server_options(root_path: str = "", forwarded_allow_ips: str | None = None) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for a public server. Behind a reverse proxy:
    `root_path` is the prefix the proxy serves the site under (/expo), and X-Forwarded-Proto /
    X-Forwarded-For are believed only from `forwarded_allow_ips` (the proxy's addresses; by
    default none, so that a client cannot claim https or another address)."""
    return {
        "http": BoundedH11,
        "timeout_keep_alive": KEEP_ALIVE,
        "limit_concurrency": MAX_CONNECTIONS,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "server_header": False,
        "root_path": root_path.rstrip("/"),
        "proxy_headers": forwarded_allow_ips is not None,
        "forwarded_allow_ips": forwarded_allow_ips or "",
    }
