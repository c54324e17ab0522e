"""The grammar of factor keys, in one place: what each activity of the tables looks up in a
factor set (and what a factors.csv row must be keyed by to serve it). Dotted, lower-case words
with the codes as written (CN, CN-North, R-410A):

| activity                    | key                                   |
|-----------------------------|---------------------------------------|
| grid electricity            | electricity.grid.<region>             |
| residual mix                | electricity.residual.<country>        |
| passenger travel            | passenger.<mode>                      |
| a flight                    | passenger.air.<band>.<cabin>[.rf]     |
| freight                     | freight.<mode>                        |
| a hotel night               | hotel.<country>                       |
| a meal                      | meal.<meal>                           |
| waste                       | waste.<stream>.<treatment>            |
| a material                  | material.<material>.<origin>          |
| a refrigerant top-up        | refrigerant.<gas>                     |
"""

from __future__ import annotations

from carbonexpo.words import Said, said


def grid(region: str) -> str:
    return f"electricity.grid.{region}"


def fossil(country: str) -> str:
    """The country's fossil-only power (e.g. MEE/NBS 全国化石能源电力)."""
    return f"electricity.fossil.{country}"


def residual(country: str) -> str:
    return f"electricity.residual.{country}"


def passenger(mode: str) -> str:
    return f"passenger.{mode}"


def flight(band: str, cabin: str, radiative_forcing: bool) -> str:
    return f"passenger.air.{band}.{cabin}" + (".rf" if radiative_forcing else "")


def freight(mode: str) -> str:
    return f"freight.{mode}"


def hotel(country: str) -> str:
    return f"hotel.{country}"


def meal(name: str) -> str:
    return f"meal.{name}"


def waste(stream: str, treatment: str) -> str:
    return f"waste.{stream}.{treatment}"


def material(name: str, origin: str) -> str:
    return f"material.{name.strip().lower()}.{origin}"


def refrigerant(gas: str) -> str:
    return f"refrigerant.{gas}"


ACTIVITY_HEADS = (
    "hotel", "refrigerant", "material", "meal", "waste", "passenger", "freight", "electricity",
    "fuel",
)  # fmt: skip


def describe(key: str) -> Said:
    """What a key stands for, in the words of the tables ('hotel.AQ' -> "hotel nights in
    AQ"), so that a missing factor is named as the activity the person entered."""
    head, _, rest = key.partition(".")
    if head in ACTIVITY_HEADS and rest:
        return said(f"detail.activity_{head}", rest=rest)
    return said("detail.activity_key", key=key)
