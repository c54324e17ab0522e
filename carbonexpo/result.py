"""The result of a calculation (spec §4, §9) as typed, frozen models: what `calc --json` writes,
what reports, certificates, the ledger and the CLI read. DataFrames stay inside the
calculation; everything here is plain data. docs/result.schema.json is generated from these
models (`python -m carbonexpo.result > docs/result.schema.json`; a test keeps it current)."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import UnionType
from typing import Any, ClassVar, Literal, TypeVar, Union, cast, get_args, get_origin, overload

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, TypeAdapter
from pydantic_core import core_schema

from carbonexpo.notes import Note

Status = Literal["neutral", "not_neutral", "no_data"]
ClaimKind = Literal["carbon_neutral", "compensated", "not_neutral", "no_data"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


R = TypeVar("R", bound=BaseModel)


PLAIN = (str, int, float, bool, type(None))


def _plain(annotation: Any) -> bool:
    """Whether a value of this type is its own JSON value (pydantic's mode="json" dump gives
    it back as it is): text, numbers, booleans, None, literals of those, unions of those."""
    if annotation in PLAIN:
        return True
    origin = get_origin(annotation)
    if origin is Literal:
        return all(type(a) in PLAIN for a in get_args(annotation))
    if origin in (Union, UnionType):
        return all(_plain(a) for a in get_args(annotation))
    return False


class MapColumn:
    """A column of dict[str, float] values: each row's set of keys as a number into the sets
    seen (each set held once), its values in one array of doubles (a row's from its start).
    Read back as dicts equal to those appended (an empty dict included)."""

    __slots__ = ("_key_sets", "_numbered", "_set", "_start", "_values")

    def __init__(self) -> None:
        self._key_sets: list[tuple[str, ...]] = []
        self._numbered: dict[tuple[str, ...], int] = {}
        self._set = array("I")  # each row's set of keys
        self._start = array("q")  # each row's first value in _values
        self._values = array("d")

    def append(self, value: Mapping[str, float]) -> None:
        keys = tuple(value)
        number = self._numbered.get(keys)
        if number is None:
            number = self._numbered[keys] = len(self._key_sets)
            self._key_sets.append(keys)
        self._set.append(number)
        self._start.append(len(self._values))
        self._values.extend(value.values())

    def __len__(self) -> int:
        return len(self._set)

    def __getitem__(self, index: int) -> dict[str, float]:
        keys = self._key_sets[self._set[index]]
        start = self._start[index]
        return dict(zip(keys, self._values[start : start + len(keys)], strict=True))

    def __iter__(self) -> Iterator[dict[str, float]]:
        for index in range(len(self._set)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MapColumn):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


class ColumnRows(Sequence[R]):
    """A read-only sequence of RECORD, held as one list per field and made into a record when
    one is read: a list of many small pydantic records costs ~1.3 kB a record before its
    values (100,000 credit blocks as records took ~130 MiB of a calculation's peak, as columns
    ~12). Validated and serialised as list[RECORD], so the result JSON, its schema and
    `Result.model_validate_json` are as they were. Each row is validated once, when added.
    carbonexpo.result_dump writes these lists in chunks.

    A float field is held in an array of doubles (8 bytes a value, not a float object and its
    list slot: 32), a dict[str, float] field as a MapColumn (its keys a set of keys held once,
    its values doubles: a dict of one entry is ~200 bytes, a tuple of its keys and a tuple of
    its values ~150): 1 M exhibitors' statements took ~700 bytes a row as lists of objects."""

    __slots__ = ("_columns", "_count")
    RECORD: ClassVar[type[BaseModel]]
    FIELDS: ClassVar[tuple[str, ...]]
    NUMBERS: ClassVar[frozenset[str]]  # float fields, held as array('d')
    MAPS: ClassVar[frozenset[str]]  # dict[str, float] fields, held as MapColumn
    # fields dumped through pydantic value by value (json_values); the others are their JSON
    ADAPTED: ClassVar[dict[str, TypeAdapter[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls.RECORD.model_fields
        cls.FIELDS = tuple(fields)
        cls.NUMBERS = frozenset(n for n, f in fields.items() if f.annotation is float)
        cls.MAPS = frozenset(n for n, f in fields.items() if get_origin(f.annotation) is dict)
        for name in cls.MAPS:
            if get_args(fields[name].annotation) != (str, float):
                raise TypeError(f"{cls.__name__}.{name}: a dict field is dict[str, float]")
        decorators = cls.RECORD.__pydantic_decorators__
        custom = bool(decorators.field_serializers or decorators.model_serializers)
        cls.ADAPTED = {
            name: TypeAdapter(cast(Any, f.annotation))
            for name, f in fields.items()
            if custom or not (name in cls.MAPS or _plain(f.annotation))
        }

    def __init__(self, rows: Iterable[R | Mapping[str, Any]] = ()) -> None:
        columns: dict[str, Any] = {
            name: array("d") if name in self.NUMBERS else MapColumn() if name in self.MAPS else []
            for name in self.FIELDS
        }
        count = 0
        for row in rows:
            record = row if isinstance(row, self.RECORD) else self.RECORD.model_validate(row)
            for name, column in columns.items():
                column.append(getattr(record, name))
            count += 1
        self._columns = columns
        self._count = count

    def _record(self, values: Iterable[Any]) -> R:
        # the values were validated when added: the record is built, not validated again
        fields = dict(zip(self.FIELDS, values, strict=True))
        return self.RECORD.model_construct(**fields)  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._count

    def json_values(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows start to stop as `TypeAdapter(list[RECORD]).dump_python(rows, mode="json")`
        gives them (a test holds the two equal), read from the columns: no record is made. A
        field of a type that is its own JSON (text, number, boolean, a literal, None, a dict of
        numbers) is taken as held; any other goes through its type's adapter."""
        values = []
        for name, column in self._columns.items():
            if isinstance(column, MapColumn):
                part: list[Any] = [column[i] for i in range(start, min(stop, self._count))]
            else:
                part = (
                    column[start:stop].tolist() if isinstance(column, array) else column[start:stop]
                )
            adapter = self.ADAPTED.get(name)
            if adapter is not None:
                part = [v if v == [] else adapter.dump_python(v, mode="json") for v in part]
            values.append(part)
        return [dict(zip(self.FIELDS, row, strict=True)) for row in zip(*values, strict=True)]

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        return self._record(column[index] for column in self._columns.values())

    def __iter__(self) -> Iterator[R]:
        for values in zip(*self._columns.values(), strict=True):
            yield self._record(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ColumnRows):
            return self.RECORD is other.RECORD and self._columns == other._columns
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._count} rows)"

    def first(self, field: str, value: Any) -> R | None:
        """The first record whose `field` (not a dict field) equals `value`, or None: the
        column searched, one record made (a search record by record made every record before
        the hit)."""
        if field in self.MAPS:
            raise ValueError(f"{field}: a dict field is not searched")
        try:
            return self[self._columns[field].index(value)]
        except ValueError:
            return None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        records = handler.generate_schema(list[cls.RECORD])  # type: ignore[name-defined]
        from_records = core_schema.no_info_after_validator_function(cls, records)
        return core_schema.json_or_python_schema(
            json_schema=from_records,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(cls), from_records]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                list, return_schema=records
            ),
        )


class VenueOut(Frozen):
    name: str
    country: str
    grid: str
    latitude: float
    longitude: float
    area_m2: float | None = None
    region: str | None = None


class EventOut(Frozen):
    id: str
    name: str
    organiser: str | None = None
    venue: VenueOut
    visits: int | None = None


class DateSpan(Frozen):
    start: str
    end: str


class Period(Frozen):
    start: str
    end: str
    timezone: str
    phases: dict[str, DateSpan]


class Wording(Frozen):
    """The words a claim may use; see calc/wording.py for the rules."""

    status: Status
    kind: ClaimKind
    rule: str
    # catalog codes with their figures; `text` is the English rendering, every language is
    # rendered from the code (notes.render)
    headline: Note
    green_electricity: Note
    reductions: Note
    offsets: Note
    # "neutral with X % probability", when claim.min_confidence asks the claim to carry its odds
    odds: Note | None = None


class ClaimOut(Frozen):
    standard: str
    standard_title: str
    basis: Literal["market", "location"]
    accepted_registries: list[str]
    accepted_registries_source: str
    credit_vintage_max_age_years: int
    green_power_vintage_months: int
    radiative_forcing: bool
    residual_factor_key: str
    max_excluded_share: float
    markets: list[str]
    wording: Wording
    confidence: float = 0.95  # the odds' target (claim.confidence)
    min_confidence: float | None = None  # a certificate below it is refused


class FactorSetRef(Frozen):
    id: str
    version: str
    sha256: str


class InputFile(Frozen):
    file: str
    rows: int
    sha256: str


class Totals(Frozen):
    location_based_tco2e: float
    market_based_tco2e: float
    scope1_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    scope3_tco2e: float
    electricity_mwh: float
    green_power_applied_mwh: float
    green_power_surplus_mwh: float
    offsets_eligible_tco2e: float
    offsets_rejected_tco2e: float
    gross_tco2e: float
    neutrality_tested_tco2e: float = Field(
        description="what the offsets are tested against: gross, or its upper bound "
        "(claim.offset_to: upper)"
    )
    net_tco2e: float
    surplus_tco2e: float
    neutral: bool
    status: Status
    per_visit_kgco2e: float | None
    per_m2_kgco2e: float | None
    green_power_avoided_tco2e: float = Field(
        description="the instruments' effect: market-based Scope 2 without the green-power "
        "instruments minus with them (never negative)"
    )
    offsets_removals_tco2e: float = Field(
        default=0.0,
        description="of the eligible offsets, the removals (forestry sinks): reported apart "
        "from reductions (ISO 14068-1)",
    )
    location_minus_market_tco2e: float = Field(
        default=0.0,
        description="location-based minus market-based Scope 2: the instruments' effect plus "
        "the difference between the location and residual factors (may be negative)",
    )


class ExclusionOut(Frozen):
    category: str
    reason: str | None
    estimate_tco2e: float | None


class Boundary(Frozen):
    included: list[str]
    excluded: list[str]
    exclusions: list[ExclusionOut]
    missing: list[str]
    excluded_estimate_tco2e: float
    excluded_share: float | None = Field(description="None when gross is 0 and estimates are not")
    max_excluded_share: float
    complete: bool
    problems: list[Note]


class IntervalOut(Frozen):
    low: float
    high: float


class Approach1(Frozen):
    total: IntervalOut
    by_category: dict[str, IntervalOut]
    # the total as normal (mean the point figure, σ the half-width / 1.96): calc.odds
    p_neutral: float | None = None
    offset_buffer_tco2e: float | None = None


class Uncertainty(Frozen):
    """95 % intervals (tCO2e, claim basis) from a seeded Monte Carlo (IPCC 2006 Vol. 1
    Ch. 3, Approach 2), with Approach 1 (error propagation) as a check (spec §13)."""

    method: Literal["monte_carlo"]
    runs: int
    seed: int
    confidence: float
    total: IntervalOut
    by_category: dict[str, IntervalOut]
    mean_tco2e: float
    approach1: Approach1
    ranges: dict[str, dict[str, float | str]]
    # the verdict's odds (calc.odds; docs/uncertainty.md): the share of runs whose total the
    # eligible offsets cover, and the extra eligible tCO2e for `target_confidence`
    target_confidence: float | None = None
    offsets_tco2e: float | None = None
    p_neutral: float | None = None
    offset_buffer_tco2e: float | None = None
    buffer_mc_error_tco2e: float | None = None


class HourlyByHour(Frozen):
    start: list[str]
    consumption_mwh: list[float]
    generation_mwh: list[float]
    matched_mwh: list[float]


class SiteTotals(Frozen):
    location_tco2e: float
    market_tco2e: float
    electricity_mwh: float


class AvoidedGeneration(Frozen):
    """Green power's "CO2 cut" as organisers publish it (X MWh of green power cut Y t): the
    applied MWh at the named factor. A disclosure, apart from Scope 2: never in the balance."""

    mwh: float
    factor_key: str
    kgco2e_per_kwh: float
    source: str
    tco2e: float
    in_balance: Literal[False] = False


class HourlyOut(Frozen):
    """Hourly matching beside the annual method (spec §14)."""

    method: str
    cfe_score: float
    consumption_mwh: float
    generation_mwh: float
    matched_mwh: float
    unmatched_mwh: float
    profile_allocated_mwh: float = Field(
        description="monthly certificates spread by the load profile (claim."
        "hourly_profile_allocation), never in the CFE score"
    )
    market_based_hourly_tco2e: float
    residual_kg_per_kwh: float
    hours_matched: int
    hours: int
    scaled_instruments: dict[str, float]
    by_hour: HourlyByHour


class CarbonInclusiveOut(Frozen):
    """Visitors' green-trip reductions for a 碳普惠 platform; never deducted (spec §14)."""

    method: str
    method_source: str
    baseline_mode: str
    programme_id: str | None
    visitors: float
    trips: float
    reduction_tco2e: float
    by_mode: dict[str, float]
    rows: int
    not_covered_rows: int
    not_covered_modes: list[str]
    deducted_from_inventory: Literal[False]


class TravelBand(Frozen):
    """One distance band of the visitor-travel estimate and the split its attendees were
    given, with the survey bootstrap's 95 % interval of each mode's share."""

    band: str  # local|regional|medium|long / domestic|international
    attendees: float
    responses: int  # the band's own responses
    split_source: Literal["own", "band", "default"]
    split_responses: int  # responses the split was taken from (0: the default)
    split: dict[str, float]
    split_low: dict[str, float]
    split_high: dict[str, float]
    went_home_share: float
    hotel_nights_per_attendee: float
    party_size: dict[str, float]


class TravelOrigin(Frozen):
    """Attendees per origin; an origin below visitor_travel.min_origin_count is shown as its
    country ('(other places, CN)')."""

    origin: str
    country: str
    attendees: float
    km: float | None


class VisitorTravelOut(Frozen):
    """Visitor travel estimated from registrations or scans and a survey (docs/visitor-travel.md).
    No attendee id is kept."""

    method: Literal["registration + survey"]
    source_file: str
    attendees: int
    visits: int
    days_from: Literal["scans", "registrations", "default"]
    duplicates: int
    no_shows: int
    unregistered: int
    survey_responses: int
    survey_responses_used: int
    response_rate: float | None
    coverage_of_visits: float | None
    unresolved_attendees: int
    unresolved_share: float
    excluded_types: list[str]
    excluded_attendees: int
    min_responses: int
    min_origin_count: int
    travel_tco2e: float
    hotel_tco2e: float
    sampling_interval: IntervalOut  # tCO2e of the estimate, 95 %, from the survey alone
    runs: int
    seed: int
    bands: list[TravelBand]
    origins: list[TravelOrigin]


class Intensities(Frozen):
    """Gross emissions (the claim's basis) per unit of the event (spec §13); None when the
    event does not give the denominator."""

    per_visit_kgco2e: float | None
    per_m2_kgco2e: float | None
    per_exhibitor_tco2e: float | None
    per_open_day_tco2e: float | None


class DataQuality(Frozen):
    proxy_tco2e: float
    proxy_share: float
    lines: int


class InstrumentOut(Frozen):
    instrument_id: str
    type: str
    status: Literal["applied", "rejected"]
    mwh: float
    mwh_applied: float
    reason: str = Field(description="the reasons in English, joined by '; '")
    reasons: list[Note]


class CreditOut(Frozen):
    registry: str
    project_id: str
    vintage: int
    serial_prefix: str
    first: int
    last: int
    tco2e: float
    status: Literal["eligible", "rejected"]
    reason: str = Field(description="the reasons in English, joined by '; '")
    reasons: list[Note]
    retired_on: str | None
    beneficiary: str | None
    kind: Literal["reduction", "removal"] = "reduction"


class CreditRows(ColumnRows[CreditOut]):
    """The credit rows of a result (100,000 credit blocks as records took ~130 MiB)."""

    RECORD = CreditOut


class FactorUsed(Frozen):
    key: str
    unit: str
    kgco2e_per_unit: float
    set: str
    source: str
    source_id: str
    proxy_for: str


class SourceOut(Frozen):
    source_id: str
    publisher: str
    title: str
    year: str
    url: str
    licence: str
    attribution: str


class LedgerAnchor(Frozen):
    file: str
    audit_seq: int
    head_hash: str


class ExhibitorStatement(Frozen):
    exhibitor: str
    area_m2: float
    own_tco2e: float
    allocated_tco2e: float
    total_tco2e: float
    own_by_category: dict[str, float]
    allocated_by_category: dict[str, float]


class ExhibitorRows(ColumnRows[ExhibitorStatement]):
    """A result's per-exhibitor statements (one per exhibitor of booths.csv)."""

    RECORD = ExhibitorStatement


class LocalText(Frozen):
    """A rule pack's own text (wording, evidence), in the languages the pack gives."""

    en: str
    zh: str


class ClaimReason(Frozen):
    rule: str
    clause: str
    outcome: Literal["pass", "fail", "not_checked", "out_of_scope", "info"]
    note: Note


class ClaimDeadline(Frozen):
    date: str
    rule: str
    clause: str
    note: Note


class ClaimCheckOut(Frozen):
    """One rule pack's verdict on the claim (docs/rules.md)."""

    pack: str
    version: str
    kind: str
    standard: str | None = Field(description="the claim.standard this pack is, if any")
    document: str
    title: str
    effective_from: str
    applies: bool
    verdict: Literal["may", "may_not", "not_checked"]
    reasons: list[ClaimReason]
    wording: LocalText | None
    deadlines: list[ClaimDeadline]
    evidence: list[LocalText]


class Scope2Regime(Frozen):
    """Market-based electricity under one Scope 2 regime, side by side when hourly data
    exist: the Scope 2 Guidance in force (annual matching) and the revision's draft (hourly
    matching with deliverability)."""

    regime: Literal["annual", "hourly"]
    status: Literal["in_force", "draft"]
    guidance: str
    electricity_market_tco2e: float


class EvidenceRow(Frozen):
    file: str
    row: int
    item: str


class EvidenceRows(ColumnRows[EvidenceRow]):
    """The rows an evidence file is missing for (every credit block of an event that gives
    none)."""

    RECORD = EvidenceRow


class EvidenceOut(Frozen):
    """Evidence files (docs/evidence.md): whether every applied instrument and eligible credit
    must name one, who asks, the files the tables name, and the rows in use without one."""

    required: bool
    required_by: list[str]
    files: list[str]
    missing: EvidenceRows


class RegistryMismatch(Frozen):
    row: int
    kind: str
    note: Note


class RegistryCheckOut(Frozen):
    """credits.csv checked against a registry's public export (docs/evidence.md): the export's
    file and SHA-256, the day (the result's), the rows checked and each mismatch, whose row then
    counts for nothing."""

    export: str
    registry: str
    sha256: str
    checked_on: str
    rows: list[int]
    mismatches: list[RegistryMismatch]


class Result(Frozen):
    event: EventOut
    carbonexpo_version: str
    generated_at: str
    period: Period
    claim: ClaimOut
    factor_sets: list[FactorSetRef]
    inputs: list[InputFile]
    totals: Totals
    boundary: Boundary
    by_category: dict[str, float]
    by_phase: dict[str, float]
    by_scope: dict[str, dict[str, float]]
    daily_electricity_kwh: dict[str, float]
    data_quality: DataQuality
    intensities: Intensities
    uncertainty: Uncertainty | None = None
    hourly: HourlyOut | None = None
    avoided_generation: AvoidedGeneration | None = None
    # with several sites (event.yaml sites:): per site, and "shared" for what no site names
    by_site: dict[str, SiteTotals] | None = None
    carbon_inclusive: CarbonInclusiveOut | None = None
    visitor_travel: VisitorTravelOut | None = None
    instruments: list[InstrumentOut]
    credits: CreditRows
    factors_used: list[FactorUsed]
    sources: list[SourceOut]
    assumptions: list[Note]
    warnings: list[Note]
    exhibitors: ExhibitorRows | None = None
    ledger: LedgerAnchor | None = None
    # every rule pack's verdict (carbonexpo claims); empty in results made before rule packs
    claims: list[ClaimCheckOut] = Field(default_factory=list)
    scope2_regimes: list[Scope2Regime] | None = None
    evidence: EvidenceOut | None = None
    registry_checks: list[RegistryCheckOut] | None = None

    def exhibitor(self, name: str) -> ExhibitorStatement | None:
        return self.exhibitors.first("exhibitor", name) if self.exhibitors else None


def json_schema() -> str:
    schema = Result.model_json_schema(mode="serialization")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(json_schema(), end="")
