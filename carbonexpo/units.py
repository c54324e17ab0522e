"""The project's one pint registry, with the activity units emission factors are per.

Calculations work in plain floats; this module only answers 'what is the multiplier from unit A
to unit B' once per distinct unit string, so that a whole column is converted by one multiply.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint


def _build_registry() -> pint.UnitRegistry:
    import pint  # imported here, on the warm-up thread: 0.1 s off every start

    reg: pint.UnitRegistry = pint.UnitRegistry(cache_folder=None)
    reg.define("passenger = [passenger]")
    reg.define("passenger_km = passenger * kilometer = pkm")
    reg.define("tonne_km = tonne * kilometer = tkm")
    reg.define("room_night = [room_night]")
    reg.define("serving = [serving] = meal")
    reg.define("vehicle = [vehicle]")
    # counts: named explicitly, else pint reads 'unit' as micro-nit and 'pcs' as parsecs
    reg.define("item = [item] = _ = unit = units = piece = pieces = pcs = 件 = 个")
    reg.define("vehicle_km = vehicle * kilometer = vkm")
    reg.define("tce = 29.3076 * gigajoule")  # tonne of coal equivalent (GB/T 2589)
    reg.define("kgCO2e = [co2e]")
    reg.define("tCO2e = 1000 * kgCO2e")
    return reg


_lock = threading.Lock()
_future: Future[pint.UnitRegistry] | None = None


def warm_up() -> None:
    """Start building the registry in the background (it overlaps with CSV parsing, which
    releases the GIL); the first unit lookup waits for it."""
    global _future
    with _lock:
        if _future is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pint")
            _future = pool.submit(_build_registry)
            pool.shutdown(wait=False)


def registry() -> pint.UnitRegistry:
    warm_up()
    assert _future is not None
    return _future.result()


ENERGY = "[length] ** 2 * [mass] / [time] ** 2"
VOLUME = "[length] ** 3"
MASS = "[mass]"
ALIASES = {
    "m3": "meter ** 3",
    "Nm3": "meter ** 3",
    "L": "liter",
    "l": "liter",
    "t": "tonne",
    "MWh": "megawatt_hour",
    "kWh": "kilowatt_hour",
    "GWh": "gigawatt_hour",
    "GJ": "gigajoule",
    "MJ": "megajoule",
    "TJ": "terajoule",
    "tonnes": "tonne",
}
# What people type for the units above in another case, or in Chinese (spec §10): read only
# through this table, never by lowering arbitrary text (mg and Mg differ).
FOLDED_ALIASES = {
    **{k.lower(): v for k, v in ALIASES.items()},
    "kwh": "kilowatt_hour", "mwh": "megawatt_hour", "gwh": "gigawatt_hour",
    "gj": "gigajoule", "mj": "megajoule", "tj": "terajoule", "kg": "kilogram",
    "m³": "meter ** 3", "nm³": "meter ** 3", "litre": "liter", "litres": "liter",
    "度": "kilowatt_hour", "千瓦时": "kilowatt_hour", "兆瓦时": "megawatt_hour",
    "吨": "tonne", "公斤": "kilogram", "千克": "kilogram", "升": "liter",
    "立方米": "meter ** 3", "吉焦": "gigajoule",
}  # fmt: skip


class UnitProblem(ValueError):
    """A unit string that does not parse, or has the wrong dimension."""


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once; raise UnitProblem with a readable message."""
    cleaned = text.strip()
    if not cleaned:
        raise UnitProblem("empty unit")
    try:
        unit = registry().parse_units(ALIASES.get(cleaned, cleaned))
    except Exception as exc:  # pint raises several unrelated types for garbage
        folded = FOLDED_ALIASES.get(cleaned.lower())
        if folded is None:
            raise UnitProblem(f"unknown unit {text!r} (e.g. kWh, MWh, GJ, m3, L, kg, t)") from exc
        unit = registry().parse_units(folded)
    return unit


def dimension_of(text: str) -> str:
    return str(registry().get_dimensionality(parse_unit(text)))


@lru_cache(maxsize=4096)
def multiplier(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is; UnitProblem when the dimensions differ."""
    import pint

    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(registry().Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitProblem(
            f"unit {from_unit!r} cannot be converted to {to_unit!r} (wrong dimension)"
        ) from exc


def same_dimension(a: str, b: str) -> bool:
    return dimension_of(a) == dimension_of(b)


def has_dimension(text: str, *dimensions: str) -> bool:
    reg = registry()
    dim = reg.get_dimensionality(parse_unit(text))
    return any(dim == reg.get_dimensionality(d) for d in dimensions)
