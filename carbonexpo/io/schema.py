"""The columns of every table of the event folder (spec §2), as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from carbonexpo.config import PHASES

Kind = Literal["str", "float", "int", "datetime", "date", "enum", "unit"]

CARRIERS = ("electricity", "natural_gas", "diesel", "petrol", "lpg", "heat", "cooling")
ENERGY_ONLY_CARRIERS = ("electricity", "heat", "cooling")  # measured in energy units only
TRAVEL_MODES = (
    "walk",
    "bike",
    "metro",
    "bus",
    "coach",
    "taxi",
    "car",
    "ev_car",
    "rail",
    "hsr",
    "air",
    "ferry",
)
FREIGHT_MODES = ("hgv", "van", "rail", "sea", "air", "barge")
INSTRUMENT_TYPES = ("GEC", "green_power_trade", "I-REC", "GO", "PPA", "onsite")
FOREST_SINK = "FOREST-SINK"  # forestry carbon sinks (林业碳汇): credits.csv rows of this registry
CREDIT_KINDS = ("reduction", "removal")  # ISO 14068-1 asks for the two apart
SERIAL_COLUMNS = ("vintage", "serial_prefix", "first", "last")
# the boundary's categories a reported footprint may carry (not electricity: see reported)
REPORTED_CATEGORIES = (
    "fuels", "heat_cooling", "refrigerants", "travel", "accommodation", "logistics", "catering",
    "waste", "materials",
)  # fmt: skip
# data-quality tier of an activity row (spec §13): the default uncertainty range of its amount
QUALITY_TIERS = ("measured", "calculated", "estimated")
# who an attendee of registrations.csv / survey.csv is; the first four are travel.csv's groups
ATTENDEE_TYPES = (
    "visitor", "exhibitor_staff", "organiser_staff", "speaker", "press", "vip", "buyer",
)  # fmt: skip
YES_NO = ("yes", "no")
QUALITY_TABLES = (
    "energy",
    "refrigerants",
    "travel",
    "accommodation",
    "logistics",
    "catering",
    "waste",
    "materials",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "str"
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None  # inclusive lower bound for numbers
    # inclusive upper bound: what one event can physically hold, so that arithmetic on any
    # accepted value stays exact and finite
    maximum: float | None = None
    positive: bool = False  # strictly > 0
    integer: bool = False
    # text of mostly distinct values (an attendee's pseudonym): kept as Arrow text, never made
    # a dictionary (a million distinct ids in one dictionary cost seconds), grouped by hashes
    identifier: bool = False


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    description: str = ""
    example: dict[str, str] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: Kind = "str", **kw: Any) -> Column:
    return Column(name, kind, **kw)


Q = {"minimum": 0.0}
MAX_KM = 50_000.0  # one way, beyond any route on Earth (half the circumference is 20,038 km)
SERIAL_MAX = 10**15  # serial numbers and their counts stay exact in int64 and float64
SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in [
        TableSchema(
            "energy",
            (
                _c("meter", required=True),
                _c("carrier", "enum", required=True, choices=CARRIERS),
                _c("start", "datetime", required=True),
                _c("end", "datetime", required=True),
                _c("quantity", "float", required=True, maximum=1e9, **Q),
                _c("unit", "unit", required=True),
                _c("hall"),
                _c("phase", "enum", choices=PHASES),
                _c("quality", "enum", choices=QUALITY_TIERS),
                _c("site"),  # one of event.yaml's sites: its grid prices the electricity
                _c("evidence"),  # the meter's source file (a BMS export): io/evidence.py
            ),
            "venue energy, one row per meter interval",
            {
                "meter": "HALL-A-MAIN",
                "carrier": "electricity",
                "start": "2025-11-26T08:00",
                "end": "2025-11-26T09:00",
                "quantity": "850",
                "unit": "kWh",
                "hall": "A",
                "phase": "",
            },
        ),
        TableSchema(
            "refrigerants",
            (
                _c("gas", required=True),
                _c("quantity", "float", required=True, maximum=1e6, **Q),
                _c("unit", "unit", required=True),
                _c("phase", "enum", choices=PHASES),
                _c("exhibitor"),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "refrigerant top-ups (leaks)",
            {"gas": "R-410A", "quantity": "12", "unit": "kg"},
        ),
        TableSchema(
            "green_power",
            (
                _c("instrument_id", required=True),
                _c("type", "enum", required=True, choices=INSTRUMENT_TYPES),
                _c("mwh", "float", required=True, maximum=1e7, **Q),
                _c("generation_start", "date", required=True),
                _c("generation_end", "date", required=True),
                _c("country", required=True),
                _c("technology"),
                _c("serial_prefix"),
                _c("first", "int", minimum=0, maximum=SERIAL_MAX, integer=True),
                _c("last", "int", minimum=0, maximum=SERIAL_MAX, integer=True),
                _c("beneficiary"),
                _c("retired_on", "date"),
                _c("project_id"),
                _c("evidence"),
            ),
            "green-power instruments",
            {
                "instrument_id": "GEC-2025-001",
                "type": "GEC",
                "mwh": "500",
                "generation_start": "2025-09-01",
                "generation_end": "2025-09-30",
                "country": "CN",
                "technology": "wind",
                "serial_prefix": "GEC-NM-WIND-202509",
                "first": "1",
                "last": "500",
                "beneficiary": "my-event",
                "retired_on": "2025-12-10",
            },
        ),
        TableSchema(
            "travel",
            (
                _c(
                    "group",
                    "enum",
                    choices=("visitor", "exhibitor_staff", "organiser_staff", "speaker"),
                ),
                _c("exhibitor"),
                _c("origin"),
                _c("mode", "enum", required=True, choices=TRAVEL_MODES),
                _c("travellers", "float", required=True, maximum=1e8, **Q),
                _c("round_trips", "float", maximum=1e3, **Q),
                _c("distance_km", "float", maximum=MAX_KM, **Q),
                _c(
                    "cabin",
                    "enum",
                    choices=("average", "economy", "premium", "business", "first"),
                ),
                _c("quality", "enum", choices=QUALITY_TIERS),
                _c("site"),  # one of event.yaml's sites: distances run to it
            ),
            "visitor and staff travel",
            {
                "group": "visitor",
                "exhibitor": "",
                "origin": "Shanghai",
                "mode": "hsr",
                "travellers": "120",
                "round_trips": "1",
                "distance_km": "",
                "cabin": "",
            },
        ),
        TableSchema(
            "accommodation",
            (
                _c("country", required=True),
                _c("room_nights", "float", required=True, maximum=1e8, **Q),
                _c("exhibitor"),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "hotel room-nights",
            {"country": "CN", "room_nights": "350"},
        ),
        TableSchema(
            "logistics",
            (
                _c("shipment", required=True),
                _c("exhibitor"),
                _c("mode", "enum", required=True, choices=FREIGHT_MODES),
                _c("mass_kg", "float", required=True, maximum=1e9, **Q),
                _c("distance_km", "float", maximum=MAX_KM, **Q),
                _c("origin"),
                _c("destination"),
                _c("phase", "enum", choices=PHASES),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "exhibit freight legs",
            {
                "shipment": "SHP-0001",
                "exhibitor": "",
                "mode": "hgv",
                "mass_kg": "2400",
                "distance_km": "",
                "origin": "Tianjin",
                "destination": "",
            },
        ),
        TableSchema(
            "catering",
            (
                _c(
                    "meal",
                    "enum",
                    required=True,
                    choices=("vegan", "vegetarian", "standard", "meat"),
                ),
                _c("servings", "float", required=True, maximum=1e9, **Q),
                _c("exhibitor"),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "meals served",
            {"meal": "standard", "servings": "1000"},
        ),
        TableSchema(
            "waste",
            (
                _c(
                    "stream",
                    "enum",
                    required=True,
                    choices=(
                        "mixed",
                        "paper",
                        "plastic",
                        "food",
                        "wood",
                        "metal",
                        "glass",
                        "carpet",
                    ),
                ),
                _c(
                    "treatment",
                    "enum",
                    required=True,
                    choices=("landfill", "incineration", "recycling", "composting", "reuse"),
                ),
                _c("mass_kg", "float", required=True, maximum=1e9, **Q),
                _c("exhibitor"),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "waste by stream and treatment",
            {"stream": "mixed", "treatment": "incineration", "mass_kg": "5000"},
        ),
        TableSchema(
            "materials",
            (
                _c("material", required=True),
                _c("mass_kg", "float", required=True, maximum=1e9, **Q),
                _c("origin", "enum", choices=("virgin", "recycled", "reused")),
                _c("exhibitor"),
                _c("quality", "enum", choices=QUALITY_TIERS),
            ),
            "booth and event materials",
            {"material": "timber", "mass_kg": "800", "origin": "virgin", "exhibitor": ""},
        ),
        TableSchema(
            "credits",
            (
                _c("registry", required=True),
                _c("project_id", required=True),
                # required on every row but a forestry sink's (registry FOREST-SINK), which
                # may have no serials: io/checks.check_credit_rows
                _c("vintage", "int", minimum=1990, maximum=2100, integer=True),
                _c("serial_prefix"),
                _c("first", "int", minimum=0, maximum=SERIAL_MAX, integer=True),
                _c("last", "int", minimum=0, maximum=SERIAL_MAX, integer=True),
                _c("retired_on", "date"),
                _c("beneficiary"),
                _c("project_type"),
                _c("kind", "enum", choices=CREDIT_KINDS),
                _c("quantity_tco2e", "float", maximum=1e9, positive=True),
                _c("period_start", "date"),
                _c("period_end", "date"),
                _c("evidence"),
            ),
            "carbon credits retired for the event",
            {
                "registry": "CCER",
                "project_id": "CCER-14-2025-001",
                "vintage": "2025",
                "serial_prefix": "CCER-14-2025-001-V2025",
                "first": "1",
                "last": "1000",
                "retired_on": "2025-12-15",
                "beneficiary": "my-event",
                "project_type": "afforestation",
            },
        ),
        TableSchema(
            "reported",
            (
                _c("item", required=True),
                # electricity needs kWh for its market-based value: it is entered in energy.csv
                _c("category", "enum", required=True, choices=REPORTED_CATEGORIES),
                _c("tco2e", "float", required=True, maximum=1e9, **Q),
                _c("scope", "int", minimum=1, maximum=3, integer=True),
                _c("period_start", "date"),
                _c("period_end", "date"),
                _c("reporter"),
                _c("verifier"),
                _c("evidence"),
                _c("phase", "enum", choices=("build_up", "open", "tear_down")),
                _c("exhibitor"),
            ),
            "footprints reported as totals (a sub-event, a supplier, a verified inventory), "
            "added to gross as their own lines",
            {
                "item": "Media centre (verified inventory)",
                "category": "materials",
                "tco2e": "125.4",
                "scope": "3",
                "period_start": "2025-11-20",
                "period_end": "2025-11-30",
                "reporter": "Media centre operator",
                "verifier": "CQC (ISO 14064-3, limited assurance)",
                "evidence": "verification statement 2025-12-10, no. 123",
            },
        ),
        TableSchema(
            "factors",
            (
                _c("key", required=True),
                _c("unit", "unit", required=True),
                _c("kgco2e_per_unit", "float", required=True, maximum=1e8, **Q),
                _c("source", required=True),
                _c("year", "int", minimum=1900, integer=True),
            ),
            "event-specific emission factors (override the shipped sets)",
            {
                "key": "passenger.car",
                "unit": "passenger_km",
                "kgco2e_per_unit": "0.12",
                "source": "Organiser survey 2024: average occupancy 1.4",
                "year": "2024",
            },
        ),
        TableSchema(
            "visitors",
            (
                _c("origin"),
                _c("mode", "enum", required=True, choices=TRAVEL_MODES),
                _c("visitors", "float", required=True, maximum=1e8, **Q),
                _c("trips", "float", maximum=1e3, **Q),
                _c("distance_km", "float", maximum=MAX_KM, **Q),
                _c("visitor_id"),
            ),
            "visitors' trips for carbon inclusiveness (碳普惠); not part of the inventory",
            {
                "origin": "Beijing",
                "mode": "metro",
                "visitors": "1",
                "trips": "2",
                "distance_km": "22",
                "visitor_id": "V-000123",
            },
        ),
        TableSchema(
            "registrations",
            (
                # pseudonymous; replaced by integers on read, never written out
                _c("attendee_id", required=True, identifier=True),
                _c("origin", required=True),  # a place, or a country (its capital)
                _c("type", "enum", choices=ATTENDEE_TYPES),
                _c("days", "int", minimum=1, maximum=366, integer=True),
            ),
            "one row per registered attendee: where they come from (visitor travel estimate)",
            {"attendee_id": "A-000123", "origin": "Hangzhou", "type": "visitor", "days": "2"},
        ),
        TableSchema(
            "scans",
            (
                _c("attendee_id", required=True, identifier=True),
                _c("date", "datetime", required=True),  # a date or a timestamp
            ),
            "badge scans at the entrances: days attended, visitors vs visits",
            {"attendee_id": "A-000123", "date": "2025-11-26T09:14"},
        ),
        TableSchema(
            "survey",
            (
                _c("origin", required=True),
                _c("mode", "enum", required=True, choices=TRAVEL_MODES),
                _c("party_size", "float", minimum=1.0, maximum=100.0),
                _c("hotel_nights", "float", maximum=366.0, **Q),
                _c("went_home", "enum", choices=YES_NO),
                _c("type", "enum", choices=ATTENDEE_TYPES),
            ),
            "attendees' travel survey, one row per response (main mode of the journey)",
            {
                "origin": "Nanjing",
                "mode": "hsr",
                "party_size": "1",
                "hotel_nights": "1",
                "went_home": "no",
                "type": "visitor",
            },
        ),
        TableSchema(
            "generation",
            (
                _c("instrument_id", required=True),
                _c("start", "datetime", required=True),
                _c("end", "datetime", required=True),
                _c("mwh", "float", required=True, maximum=1e6, **Q),
            ),
            "hourly generation of green-power instruments (on-site PV meters, hourly certificates)",
            {
                "instrument_id": "ONSITE-ROOF-PV",
                "start": "2025-11-26T12:00",
                "end": "2025-11-26T13:00",
                "mwh": "0.42",
            },
        ),
        TableSchema(
            "booths",
            (
                _c("exhibitor", required=True),
                _c("booth", required=True),
                _c("area_m2", "float", required=True, positive=True, maximum=1e6),
                _c("build", "enum", choices=("shell", "custom", "modular", "space_only")),
                _c("hall"),
                # where `invite --smtp` mails the exhibitor's link (several: comma-separated)
                _c("contact_email"),
                _c("site"),  # one of event.yaml's sites (several sites only)
            ),
            "exhibitors' booths",
            {
                "exhibitor": "Example Co.",
                "booth": "A-101",
                "area_m2": "36",
                "build": "shell",
                "hall": "A",
                "contact_email": "expo@example.com",
            },
        ),
    ]
}
TABLE_ORDER = list(SCHEMAS)
# Building-management-system exports imported into the ledger (not part of an event folder).
BMS_EXPORT = TableSchema(
    "bms",
    (
        _c("meter", required=True),
        _c("timestamp", "datetime", required=True),
        _c("value", "float", required=True, minimum=0.0, maximum=1e15),
        _c("end", "datetime"),
    ),
    "meter readings: interval quantities, or counter values of cumulative meters",
)
