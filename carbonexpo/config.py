"""The event configuration (event.yaml) as strict pydantic models: unknown keys are errors."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonexpo.notes import Note
from carbonexpo.rules.named import DOCUMENTS
from carbonexpo.rules.pack import standard_registries

Standard = Literal["mee-2019", "iso-14068-1", "pas-2060"]
PHASES = ("build_up", "open", "tear_down")  # in time order
EventId = Annotated[str, Field(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=80)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def default_registries(standard: str) -> tuple[str, ...]:
    """The credit types a standard accepts by default: its rule pack's accepted_credits
    (carbonexpo/rules/packs; MEE 2019 names forestry sinks (林业碳汇) among the ways)."""
    return standard_registries()[standard]


STANDARD_TITLES = {
    "mee-2019": "MEE Guideline for carbon neutrality of large-scale events (2019, trial)",
    "iso-14068-1": "ISO 14068-1:2023 Climate change management — carbon neutrality",
    "pas-2060": "PAS 2060:2014 (withdrawn 2025; legacy option)",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Venue(Strict):
    name: str = Field(min_length=1)
    country: CountryCode
    grid: str = Field(min_length=1, description="grid region key, e.g. CN-North")
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    # ISO 3166-2 province or region (CN-31 Shanghai, CN-44 Guangdong); when not given it is
    # read from the nearest city of the shipped GeoNames data (rule packs by province)
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
    # at most a square kilometre of halls ten times over: finite, and checked, not trusted
    area_m2: float | None = Field(default=None, gt=0, le=1e7, allow_inf_nan=False)

    @field_validator("area_m2", mode="before")
    @classmethod
    def natural_area(cls, v: object) -> object:
        return natural_number(v)


YAML_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
YAML_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$")


def natural_date(value: object) -> object:
    """2025/06/08, 2025.6.8, 2025年6月8日 and 20250608 as dates (spec §10); day/month-first
    forms are left for pydantic to refuse."""
    if isinstance(value, int) and 19000101 <= value <= 21001231:
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        if m := YAML_DATE.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}", text):
            raise ValueError(f"{text!r}: day and month order is ambiguous, write YYYY-MM-DD")
    return value


def natural_number(value: object) -> object:
    """'50,000' as 50000 (thousands separators)."""
    if isinstance(value, str) and YAML_THOUSANDS.match(value):
        return value.replace(",", "").strip()
    return value


class DateRange(Strict):
    start: dt.date
    end: dt.date

    @field_validator("start", "end", mode="before")
    @classmethod
    def natural(cls, v: object) -> object:
        return natural_date(v)

    @model_validator(mode="after")
    def end_not_before_start(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Phases(Strict):
    build_up: DateRange | None = None
    open: DateRange
    tear_down: DateRange | None = None

    @model_validator(mode="after")
    def phases_in_order(self) -> Phases:
        order = [
            (n, r)
            for n, r in (
                ("build_up", self.build_up),
                ("open", self.open),
                ("tear_down", self.tear_down),
            )
            if r is not None
        ]
        for (n1, r1), (n2, r2) in itertools.pairwise(order):
            if r2.start <= r1.end:
                raise ValueError(f"{n2} starts {r2.start}, not after {n1} ends {r1.end}")
        return self

    def items(self) -> list[tuple[str, DateRange]]:
        return [
            (n, r)
            for n, r in (
                ("build_up", self.build_up),
                ("open", self.open),
                ("tear_down", self.tear_down),
            )
            if r is not None
        ]

    @property
    def start(self) -> dt.date:
        return self.items()[0][1].start

    @property
    def end(self) -> dt.date:
        return self.items()[-1][1].end


DocumentKey = Literal[DOCUMENTS]  # type: ignore[valid-type]


class ClaimDocument(Strict):
    file: str = Field(min_length=1, max_length=500)
    date: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def path_alone(cls, v: object) -> object:
        return {"file": v} if isinstance(v, str) else v

    @field_validator("date", mode="before")
    @classmethod
    def natural(cls, v: object) -> object:
        return natural_date(v)


class Claim(Strict):
    standard: Standard = "mee-2019"
    basis: Literal["market", "location"] = "market"
    accepted_registries: tuple[str, ...] | None = None
    credit_vintage_max_age_years: int = Field(default=5, ge=0, le=50)
    green_power_vintage_months: int = Field(default=24, ge=0, le=240)
    # measured back from each month of use (the consumption an instrument covers), or from the
    # end of the reporting period (the rule before issue 34, where a standard asks for it)
    green_power_vintage_from: Literal["use", "period_end"] = "use"
    radiative_forcing: bool = True
    max_excluded_share: float = Field(default=0.05, ge=0, le=1)
    well_to_tank: bool = False  # add upstream lines of fuels, electricity, heat and travel
    # "upper": offsets must cover the upper bound of the 95 % interval (spec §13)
    offset_to: Literal["point", "upper"] = "point"
    # the probability of neutrality the offset buffer is sized for (docs/uncertainty.md)
    confidence: float = Field(default=0.95, ge=0.5, le=0.999)
    # below this probability of neutrality a certificate is refused (None: not asked)
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    # allocate monthly certificates along the load profile in hourly matching (labelled)
    hourly_profile_allocation: bool = False
    markets: tuple[str, ...] = ()
    # the factor green power's "CO2 cut" is disclosed at, apart from Scope 2 and never in the
    # balance: grid (the venue grid's average), fossil (the country's fossil-only power) or a
    # factor key (a local factor of factors.csv, e.g. electricity.grid.CN-Shanghai-local)
    avoided_generation_factor: str = Field(default="grid", min_length=1)
    # the documents rule packs ask for (docs/rules.md), each a file of the event folder, with
    # its date where a pack asks that it precede the event (a plan at the preparation stage)
    documents: dict[DocumentKey, ClaimDocument] = Field(default_factory=dict)
    # how the claim is made where a pack offers routes (Guangdong): declared by the organiser
    # with a full evidence file, or certified by a technical service body
    route: Literal["self_declaration", "certificate"] | None = None
    # every applied instrument and eligible credit must name an evidence file (issue 36); a
    # rule pack may ask the same (require_evidence: Guangdong's cancellation proofs)
    require_evidence: bool = False

    @field_validator("markets")
    @classmethod
    def markets_upper(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(m.strip().upper() for m in v)

    @field_validator("accepted_registries")
    @classmethod
    def registries_not_blank(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is not None:
            if not v:
                raise ValueError("accepted_registries is empty: no credit could be eligible")
            if any(not r.strip() for r in v):
                raise ValueError("an accepted registry is empty")
        return v

    @property
    def registries(self) -> tuple[str, ...]:
        return self.accepted_registries or default_registries(self.standard)


Category = Literal[
    "electricity",
    "fuels",
    "heat_cooling",
    "refrigerants",
    "travel",
    "accommodation",
    "logistics",
    "catering",
    "waste",
    "materials",
]
CATEGORY_NAMES: tuple[str, ...] = get_args(Category)  # the boundary of spec §9, in §4's order


class Exclusion(Strict):
    """A category left out of the inventory (spec §9): why, and how much it is thought to be.
    Both may be missing here: `calc` warns and `certificate` refuses, naming what is missing."""

    reason: str | None = None
    estimate_tco2e: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    @field_validator("reason")
    @classmethod
    def blank_is_missing(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None


class CarbonInclusive(Strict):
    """The event's carbon-inclusiveness (碳普惠) programme for visitors (spec §14)."""

    method: Literal["factor-difference", "beijing-maas-2020", "guangzhou-metro-2017"] = (
        "factor-difference"
    )
    baseline_mode: str = "car"
    # the project id under which the programme's credits are issued: such credits are refused
    # as offsets of this event (the same reductions twice)
    programme_id: str | None = None


class VisitorTravel(Strict):
    """How travel is estimated from registrations.csv or scans.csv and survey.csv
    (docs/visitor-travel.md)."""

    # a distance band's mode split is its own responses' only from this many on; below, the
    # band borrows (docs/visitor-travel.md: at 30 a share's 95 % interval is at most ±18 points)
    min_responses: int = Field(default=30, ge=1, le=1_000_000)
    # origins with fewer attendees are shown as their country in every output (privacy)
    min_origin_count: int = Field(default=10, ge=1, le=1_000_000)
    # nearer than this (one way, as the crow flies): local, home every night, no hotel
    local_km: float = Field(default=50.0, gt=0, le=300)
    # hotel nights of the attendees estimated from the survey: None = unless accommodation.csv
    # exists (the same nights would be counted twice)
    hotels: bool | None = None


class ScenarioRecord(Strict):
    """Written by `carbonexpo scenario` into the new folder's event.yaml: what was changed,
    from which folder, and the gross emissions of both when it was made (spec §13)."""

    name: str
    base: str
    made: dt.date
    # catalog notes (code, params; `text` is their English, for a person reading the file);
    # a folder written before the catalog holds plain English sentences
    changes: tuple[Note | str, ...]
    base_gross_tco2e: float
    gross_tco2e: float


class Site(Venue):
    """One of the event's sites (a zone, a hall on another grid): energy.csv, booths.csv and
    travel.csv rows name it in their `site` column."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class EventConfig(Strict):
    id: EventId
    name: str = Field(min_length=1)
    organiser: str | None = None
    timezone: str = "UTC"
    venue: Venue
    # several sites (zones on two provincial grids …); without it the venue is the one site
    sites: tuple[Site, ...] = ()
    phases: Phases
    # at most ten billion: more than the world's population, and exact in int64 and float64
    visits: int | None = Field(default=None, ge=0, le=10_000_000_000)

    @field_validator("visits", mode="before")
    @classmethod
    def natural_visits(cls, v: object) -> object:
        return natural_number(v)

    factor_sets: tuple[str, ...] = Field(min_length=1)
    claim: Claim = Claim()
    exclusions: dict[Category, Exclusion] = Field(default_factory=dict)
    allocation: Literal["area"] = "area"
    scenario: ScenarioRecord | None = None
    carbon_inclusive: CarbonInclusive | None = None
    visitor_travel: VisitorTravel = VisitorTravel()

    @field_validator("sites")
    @classmethod
    def sites_apart(cls, v: tuple[Site, ...]) -> tuple[Site, ...]:
        ids = [s.id.lower() for s in v]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"site id given twice: {', '.join(twice)}")
        return v

    @model_validator(mode="after")
    def sites_in_one_market(self) -> EventConfig:
        other = sorted({s.country for s in self.sites} - {self.venue.country})
        if other:
            raise ValueError(
                f"sites in {', '.join(other)} as well as {self.venue.country}: the market-based "
                "method takes one market boundary per event (sites in several countries are "
                "not supported yet)"
            )
        return self

    def site(self, site_id: str | None) -> Venue:
        """The site of that id (any case); the venue for None or ''."""
        if not site_id:
            return self.venue
        wanted = site_id.strip().lower()
        return next((s for s in self.sites if s.id.lower() == wanted), self.venue)

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    def local_midnight_epoch(self, day: dt.date) -> int:
        """UTC seconds at the local midnight that starts `day` in the event's time zone."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(self.timezone))
        return int(local.timestamp())

    def local_midnights(self, first: dt.date, last: dt.date) -> list[int]:
        """UTC seconds of the local midnight starting each day from `first` to the day after
        `last`: the edges of local days, exact across daylight-saving changes."""
        days = (last - first).days + 2
        return [self.local_midnight_epoch(first + dt.timedelta(days=i)) for i in range(days)]

    def period_epoch(self) -> tuple[int, int]:
        """The reporting period as UTC seconds [start, end): local midnight of the first day
        to local midnight after the last day (spec §2: inclusive local dates)."""
        return (
            self.local_midnight_epoch(self.phases.start),
            self.local_midnight_epoch(self.phases.end + dt.timedelta(days=1)),
        )

    @property
    def event_year(self) -> int:
        """The year the open phase starts (spec §3.2)."""
        return self.phases.open.start.year
