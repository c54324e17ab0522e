"""A real uvicorn server on a free loopback port, in a thread, for tests that need real
concurrent connections or a real browser."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(app: Any, **options: Any) -> Iterator[str]:
    """`options`: server_options' (root_path, forwarded_allow_ips)."""
    import uvicorn

    port = free_port()
    from carbonexpo.web.server import server_options

    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **server_options(**options)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
