"""The web face (spec §12): `create_app` builds the ASGI app, `serve` runs it with uvicorn."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

SECRET_PATH = re.compile(r"/(e|staff)/[^/?\s]+")


class RedactTokens(logging.Filter):
    """Access-log lines name the path; a link's token is a password, so it is never logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                SECRET_PATH.sub(r"/\1/…", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def serve(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    lang: str = "zh",
    trust: Path | None = None,
    published: Path | None = None,
    ledger: str | Path | None = None,
    root_path: str = "",
    forwarded_allow_ips: str | None = None,
) -> None:
    """Run the web face over an event folder until interrupted. A folder whose event.yaml
    does not load is refused before listening; table problems are shown on the staff page, so
    that they can be fixed while the site runs."""
    import uvicorn

    from carbonexpo import api
    from carbonexpo.web.app import create_app

    api.event_config(folder)  # raises InputError listing event.yaml's problems
    app = create_app(Path(folder), lang=lang, trust=trust, published=published, ledger=ledger)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    from carbonexpo.web.server import server_options

    options = server_options(root_path, forwarded_allow_ips)
    uvicorn.run(app, host=host, port=port, log_level="info", **options)


def create_app(folder: Path, **options: Any) -> Any:
    from carbonexpo.web.app import create_app as _create

    return _create(folder, **options)
