"""Numbers the rules use and the texts state: one home, read by the rule (calc/) and by the
message catalog (words.rule_params), so that changing a number changes the rule and every
sentence stating it. Kept here, below both, because the catalog may not import the calculation.
"""

from __future__ import annotations

import datetime as dt

# Great-circle -> route distance for distances computed from coordinates. Rail 1.2, car 1.3 and
# bus 1.5 follow the conventions used by Labos1.5 and pledge4future/co2calculator; air, sea and
# ferry use the great-circle distance (DESNZ air factors include their own 8 % routing uplift).
DETOUR = {
    "walk": 1.3,
    "bike": 1.3,
    "metro": 1.2,
    "bus": 1.5,
    "coach": 1.3,
    "taxi": 1.3,
    "car": 1.3,
    "ev_car": 1.3,
    "rail": 1.2,
    "hsr": 1.2,
    "air": 1.0,
    "ferry": 1.0,
    "hgv": 1.3,
    "van": 1.3,
    "sea": 1.0,
    "barge": 1.0,
}
# Air bands by one-way great-circle distance, whatever the countries (spec §3, revised in wave
# 2): under 483 km (300 miles, the US EPA's short-haul split) a flight is dominated by take-off
# and landing, DESNZ's "domestic" factor; from 3,700 km, long-haul.
DOMESTIC_MAX_KM = 483.0
LONG_HAUL_KM = 3700.0
SHORT_FLIGHT_KM = 100.0  # a flight shorter than this is implausible: warned about

# Chinese green electricity certificates (GEC): valid two years from the production month
# (NEA 国能发新能规〔2024〕67号); GECs of generation before 2024 until the end of 2025.
GEC_VALID_MONTHS = 24
GEC_LEGACY_BEFORE = dt.date(2024, 1, 1)  # generation months before this one are legacy
GEC_LEGACY_UNTIL = dt.date(2025, 12, 31)
