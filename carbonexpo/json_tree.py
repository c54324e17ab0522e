"""Walks over JSON-like trees (dicts, lists and scalars), naming places as `a.b[2].c`. No
dependencies: the certificate record and the result's numbers both use it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def find_float(
    value: Any, path: str, wanted: Callable[[float], bool] = lambda x: True
) -> tuple[str, float] | None:
    """The path (`a.b[2].c`) and value of the first float of a JSON-like tree that is
    `wanted` (any float by default), or None."""
    if isinstance(value, float):
        return (path, value) if wanted(value) else None
    if isinstance(value, dict):
        items: Iterator[tuple[str, Any]] = ((f"{path}.{k}", v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for where, v in items:
        if (found := find_float(v, where, wanted)) is not None:
            return found
    return None
