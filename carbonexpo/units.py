"""The project's one pint registry, with the activity units emission factors are per.

Calculations work in plain floats; this module only answers 'what is the multiplier from unit A
to unit B' once per distinct unit string, so that a whole column is converted by one multiply.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from carbonexpo.unit_table import DIMENSIONS, MULTIPLIERS, UNITS
from carbonexpo.words import Said, said

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
    "Nm³": "meter ** 3",  # else pint reads number_meter³, refused
    "nm³": "meter ** 3",  # else pint reads nanometre³: gas a billion billion billion times less
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
    """A unit string that does not parse, or has the wrong dimension: str() is the English
    text, `detail` the catalog text for any language."""

    def __init__(self, detail: Said) -> None:
        super().__init__(detail.text("en"))
        self.detail = detail


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once; raise UnitProblem with a readable message."""
    cleaned = text.strip()
    if not cleaned:
        raise UnitProblem(said("detail.empty_unit"))
    try:
        unit = registry().parse_units(ALIASES.get(cleaned, cleaned))
    except Exception as exc:  # pint raises several unrelated types for garbage
        folded = FOLDED_ALIASES.get(cleaned.lower())
        if folded is None:
            raise UnitProblem(said("detail.unknown_unit", text=text)) from exc
        unit = registry().parse_units(folded)
    return unit


def check_unit(text: str) -> None:
    """Raise UnitProblem unless `text` is a unit: the table of common units first (no pint
    registry on the usual path), then pint."""
    if _known(text) is None:
        parse_unit(text)


def _known(text: str) -> tuple[str, str] | None:
    """(pint's name, dimension) of a unit of the shipped table (unit_table), else None."""
    return UNITS.get(text.strip())


def dimension_of(text: str) -> str:
    """The unit's dimension as text, the same for any order of its factors."""
    if known := _known(text):
        return known[1]
    return _dimension_text(registry().get_dimensionality(parse_unit(text)))


def _dimension_text(dimensionality: Any) -> str:
    return " * ".join(f"{name} ** {power:g}" for name, power in sorted(dimensionality.items()))


@lru_cache(maxsize=4096)
def multiplier(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is; UnitProblem when the dimensions differ."""
    src, dst = _known(from_unit), _known(to_unit)
    if src is not None and dst is not None:
        if (found := MULTIPLIERS.get((src[0], dst[0]))) is not None:
            return found
        if src[1] != dst[1]:
            raise UnitProblem(_wrong_dimension(from_unit, to_unit))
    return pint_multiplier(from_unit, to_unit)


def pint_multiplier(from_unit: str, to_unit: str) -> float:
    """`multiplier` computed by pint (the reference the table is generated from)."""
    import pint

    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(registry().Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitProblem(_wrong_dimension(from_unit, to_unit)) from exc


def _wrong_dimension(from_unit: str, to_unit: str) -> Said:
    return said("detail.unit_not_convertible", unit=from_unit, to=to_unit)


def same_dimension(a: str, b: str) -> bool:
    return dimension_of(a) == dimension_of(b)


def has_dimension(text: str, *dimensions: str) -> bool:
    if (known := _known(text)) is not None and all(d in DIMENSIONS for d in dimensions):
        return known[1] in {DIMENSIONS[d] for d in dimensions}
    reg = registry()
    dim = reg.get_dimensionality(parse_unit(text))
    return any(dim == reg.get_dimensionality(d) for d in dimensions)


# -- the table of common units ------------------------------------------------------------
# What people and factor sets write most (the aliases above, every unit of the shipped factor
# sets, their pint names): read without building pint's registry (0.2-0.3 s, the critical
# path of a small event). unit_table.py is generated by pint from this list (`python -m
# carbonexpo.units > carbonexpo/unit_table.py`) and a test regenerates and compares it.
TABLE_UNITS = sorted(
    {
        *ALIASES,
        *ALIASES.values(),
        *FOLDED_ALIASES,
        *FOLDED_ALIASES.values(),
        *("kg", "g", "t", "tonne", "kilogram", "L", "liter", "m3", "km", "m", "Wh", "kJ"),
        *("tce", "passenger_km", "pkm", "tonne_km", "tkm", "room_night", "serving", "meal"),
        *("item", "unit", "units", "piece", "pieces", "pcs", "件", "个", "vehicle_km", "vkm"),
        *("passenger", "vehicle", "kgCO2e", "tCO2e"),
    }
)


def table_source() -> str:
    """The text of unit_table.py, computed by pint."""
    units = {text: (str(parse_unit(text)), dimension_of_pint(text)) for text in TABLE_UNITS}
    names = sorted({name: text for text, (name, _) in units.items()}.items())
    lines = [
        '"""Generated by `python -m carbonexpo.units` from pint (see units.TABLE_UNITS); do not',
        'edit. tests/test_units.py regenerates it and compares."""',
        "",
        "# unit as written (stripped) -> (pint's name, dimension)",
        "UNITS: dict[str, tuple[str, str]] = {",
        *(f"    {_q(t)}: ({_q(n)}, {_q(d)})," for t, (n, d) in units.items()),
        "}",
        "# (from, to) by pint's names -> how many `to` one `from` is (same dimension only)",
        "MULTIPLIERS: dict[tuple[str, str], float] = {",
    ]
    for a, text_a in names:
        for b, text_b in names:
            if units[text_a][1] == units[text_b][1]:
                value = repr(pint_multiplier(text_a, text_b)).replace("e+", "e")  # as ruff
                lines.append(f"    ({_q(a)}, {_q(b)}): {value},")
    lines += [
        "}",
        "# the dimensions named in units.py -> pint's text for them",
        "DIMENSIONS: dict[str, str] = {",
        *(
            f"    {_q(d)}: {_q(_dimension_text(registry().get_dimensionality(d)))},"
            for d in (ENERGY, VOLUME, MASS)
        ),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A string literal as the formatter writes it (double quotes)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def dimension_of_pint(text: str) -> str:
    return _dimension_text(registry().get_dimensionality(parse_unit(text)))


if __name__ == "__main__":
    print(table_source(), end="")
