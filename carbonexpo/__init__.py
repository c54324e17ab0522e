"""carbonexpo: was the exhibition really zero-carbon? The public API is carbonexpo.api,
re-exported here: `carbonexpo.calculate(folder)`, `carbonexpo.write_report(run, path)`, …"""

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what __getattr__ hands out at run time, typed for type checkers
    from carbonexpo import api as api
    from carbonexpo.api import *  # noqa: F403

from carbonexpo.version import __version__ as __version__


def __getattr__(name: str) -> Any:
    """The API's names, imported on first use (so that `carbonexpo --help` stays fast)."""
    if name != "api" and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # `from carbonexpo import geo` asks here before importing the submodule: importing
        # the façade now would import the module that is asking (a circular import)
        raise AttributeError(name)
    api = importlib.import_module("carbonexpo.api")
    if name == "api":
        return api
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'carbonexpo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return ["__version__", "api", *importlib.import_module("carbonexpo.api").__all__]
