"""The project's one pint registry, with the activity units emission factors are per.

Calculations work in plain floats; this module only answers 'what is the multiplier from unit A
to unit B' once per distinct unit string, so that a whole column is converted by one multiply.
"""

from __future__ import annotations

from functools import lru_cache

import pint

ureg = pint.UnitRegistry(cache_folder=None)
ureg.define("passenger = [passenger]")
ureg.define("passenger_km = passenger * kilometer = pkm")
ureg.define("tonne_km = tonne * kilometer = tkm")
ureg.define("room_night = [room_night]")
ureg.define("serving = [serving] = meal")
ureg.define("vehicle = [vehicle]")
ureg.define("vehicle_km = vehicle * kilometer = vkm")
ureg.define("tce = 29.3076 * gigajoule")  # tonne of coal equivalent (GB/T 2589)
ureg.define("kgCO2e = [co2e]")
ureg.define("tCO2e = 1000 * kgCO2e")

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


class UnitProblem(ValueError):
    """A unit string that does not parse, or has the wrong dimension."""


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once; raise UnitProblem with a readable message."""
    cleaned = text.strip()
    if not cleaned:
        raise UnitProblem("empty unit")
    try:
        unit = ureg.parse_units(ALIASES.get(cleaned, cleaned))
    except Exception as exc:  # pint raises several unrelated types for garbage
        raise UnitProblem(f"unknown unit {text!r}") from exc
    return unit


def dimension_of(text: str) -> str:
    return str(ureg.get_dimensionality(parse_unit(text)))


@lru_cache(maxsize=4096)
def multiplier(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is; UnitProblem when the dimensions differ."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(ureg.Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitProblem(
            f"unit {from_unit!r} cannot be converted to {to_unit!r} (wrong dimension)"
        ) from exc


def same_dimension(a: str, b: str) -> bool:
    return dimension_of(a) == dimension_of(b)


def has_dimension(text: str, *dimensions: str) -> bool:
    dim = ureg.get_dimensionality(parse_unit(text))
    return any(dim == ureg.get_dimensionality(d) for d in dimensions)
