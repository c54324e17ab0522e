"""The named rules rule packs parameterise. Each takes its parameters (validated by its own
model) and the facts of one event, and returns findings: passed, failed, not checked (the event
folder does not hold what the rule needs), out of scope, or said for information, each with a
catalog note. A pack names the rule, gives the parameters and cites the clause."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from carbonexpo.notes import Note, note

Outcome = Literal["pass", "fail", "not_checked", "out_of_scope", "info"]
DOCUMENTS = (
    "management_plan",
    "pre_accounting_report",
    "verification_statement",
    "evidence_file",
    "declaration",
    "platform_declaration",
)  # claim.documents keys a pack may ask for


@dataclass(frozen=True)
class Credit:
    registry: str
    vintage: int
    retired_on: dt.date | None
    tco2e: float
    kind: str
    # retired for this event, not claimed elsewhere, not the event's own programme: what does
    # not depend on the standard (a registry or window that one pack refuses another may accept)
    usable: bool


@dataclass(frozen=True)
class Instrument:
    instrument_id: str
    type: str
    mwh_applied: float


@dataclass(frozen=True)
class Document:
    file: str
    exists: bool
    date: dt.date | None = None


@dataclass(frozen=True)
class Facts:
    """What the rules may look at: the event, its balance and its records."""

    start: dt.date
    end: dt.date
    visits: int | None
    area_m2: float | None
    countries: tuple[str, ...]  # the venue's and every site's
    regions: tuple[str, ...]  # ISO 3166-2 of the venue and sites, where known
    markets: tuple[str, ...]
    standard: str
    no_data: bool
    tested_tco2e: float
    gross_tco2e: float
    credits: tuple[Credit, ...] = ()
    instruments: tuple[Instrument, ...] = ()  # applied to the event's consumption
    removals_tco2e: float = 0.0
    documents: dict[str, Document] = field(default_factory=dict)
    route: str | None = None


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    note: Note
    deadline: dt.date | None = None


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# every rule of a pack with its validated parameters, in the pack's order (a rule may appear
# more than once: `document` for each document a pack asks for)
PackRules = Sequence[tuple[str, Params]]


@dataclass(frozen=True)
class NamedRule:
    params: type[Params]
    check: Callable[[Params, Facts, PackRules], list[Finding]]
    # a rule that narrows which credits count: (params, credit, facts) -> counts
    credits: Callable[[Any, Credit, Facts], bool] | None = None


RULES: dict[str, NamedRule] = {}


def _rule(
    name: str,
    params: type[Params],
    credits: Callable[[Any, Credit, Facts], bool] | None = None,
) -> Callable[[Callable[..., list[Finding]]], Callable[..., list[Finding]]]:
    def register(fn: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
        RULES[name] = NamedRule(params, fn, credits)
        return fn

    return register


@cache  # asked once per credit row and rule: the same few (day, months) each time
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of a shorter month): 2024-12-02 + 12 months is
    2025-12-02, 2024-02-29 + 12 is 2025-02-28."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def counted_credits(pack_rules: PackRules, facts: Facts) -> list[Credit]:
    """The usable credits every credit-narrowing rule of the pack lets count."""
    out = []
    for c in facts.credits:
        if not c.usable:
            continue
        if all(
            RULES[name].credits(p, c, facts)  # type: ignore[misc]
            for name, p in pack_rules
            if RULES[name].credits is not None
        ):
            out.append(c)
    return out


# -- scope -----------------------------------------------------------------------------------


class InScope(Params):
    visits_min: int | None = Field(default=None, ge=0)
    area_m2_min: float | None = Field(default=None, ge=0)


@_rule("in_scope", InScope)
def in_scope(p: InScope, f: Facts, _: PackRules) -> list[Finding]:
    """An exhibition is in scope at or above either threshold."""
    if p.visits_min is not None and f.visits is not None and f.visits >= p.visits_min:
        return [
            Finding("pass", note("rule_in_scope_visits", visits=f.visits, minimum=p.visits_min))
        ]
    if p.area_m2_min is not None and f.area_m2 is not None and f.area_m2 >= p.area_m2_min:
        return [
            Finding("pass", note("rule_in_scope_area", area_m2=f.area_m2, minimum=p.area_m2_min))
        ]
    if f.visits is None and f.area_m2 is None:
        return [Finding("not_checked", note("rule_scope_unknown"))]

    def shown(value: float | None) -> str:
        return "–" if value is None else f"{value:,.0f}"

    return [
        Finding(
            "out_of_scope",
            note(
                "rule_out_of_scope",
                visits=shown(f.visits),
                visits_min=shown(p.visits_min),
                area_m2=shown(f.area_m2),
                area_m2_min=shown(p.area_m2_min),
            ),
        )
    ]


# -- the balance and the credits ---------------------------------------------------------------


class NoParams(Params):
    pass


@_rule("neutral_balance", NoParams)
def neutral_balance(_: NoParams, f: Facts, pack: PackRules) -> list[Finding]:
    """The credits this pack lets count cover the total the claim is tested against."""
    if f.no_data:
        return [Finding("fail", note("rule_no_data"))]
    counted = sum(c.tco2e for c in counted_credits(pack, f))
    if counted >= f.tested_tco2e:
        return [
            Finding(
                "pass", note("rule_balanced", counted_tco2e=counted, tested_tco2e=f.tested_tco2e)
            )
        ]
    return [
        Finding(
            "fail",
            note(
                "rule_not_balanced",
                counted_tco2e=counted,
                tested_tco2e=f.tested_tco2e,
                short_tco2e=f.tested_tco2e - counted,
            ),
        )
    ]


class AcceptedCredits(Params):
    types: tuple[str, ...] = Field(min_length=1)
    # False: the types are those to use "by preference" (MEE 2019: 优先), others are allowed
    exclusive: bool


@cache
def _upper(types: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.upper() for t in types)


def _accepted(p: AcceptedCredits, c: Credit, _: Facts) -> bool:
    return not p.exclusive or c.registry.upper() in _upper(p.types)


@_rule("accepted_credits", AcceptedCredits, credits=_accepted)
def accepted_credits(p: AcceptedCredits, f: Facts, _: PackRules) -> list[Finding]:
    """Credits of the named types (`types`). `exclusive: true`: other types fail and do not
    count; `exclusive: false` (types to use by preference): other types are said and count."""
    types = {t.upper() for t in p.types}
    other = sorted({c.registry for c in f.credits if c.usable and c.registry.upper() not in types})
    tco2e = sum(c.tco2e for c in f.credits if c.usable and c.registry.upper() not in types)
    if not other:
        return [Finding("pass", note("rule_credit_types", types=list(p.types)))]
    if p.exclusive:
        return [
            Finding(
                "fail",
                note("rule_credit_types_refused", others=other, tco2e=tco2e, types=list(p.types)),
            )
        ]
    return [
        Finding(
            "info",
            note("rule_credit_types_preferred", others=other, tco2e=tco2e, types=list(p.types)),
        )
    ]


class RetirementWindow(Params):
    months: int = Field(ge=0, le=120)  # after the event's last day


def _in_window(p: RetirementWindow, c: Credit, f: Facts) -> bool:
    return c.retired_on is not None and c.retired_on <= add_months(f.end, p.months)


@_rule("retirement_window", RetirementWindow, credits=_in_window)
def retirement_window(p: RetirementWindow, f: Facts, _: PackRules) -> list[Finding]:
    """Every credit retired no later than `months` after the event's last day (the same day of
    the month, or the month's last day); later ones fail and do not count. The deadline is
    listed."""
    deadline = add_months(f.end, p.months)
    late = [c for c in f.credits if c.usable and not _in_window(p, c, f)]
    if late:
        return [
            Finding(
                "fail",
                note(
                    "rule_retired_late",
                    blocks=len(late),
                    tco2e=sum(c.tco2e for c in late),
                    deadline=deadline.isoformat(),
                    months=p.months,
                ),
                deadline,
            )
        ]
    return [
        Finding(
            "pass",
            note("rule_retired_in_window", deadline=deadline.isoformat(), months=p.months),
            deadline,
        )
    ]


@_rule("ex_post_credits", NoParams)
def ex_post_credits(_: NoParams, f: Facts, __: PackRules) -> list[Finding]:
    """Credits issued for reductions already achieved. credits.csv holds no issuance date, so
    only a vintage later than the retirement year (certainly ex ante) can be seen."""
    ahead = [
        c
        for c in f.credits
        if c.usable and c.retired_on is not None and c.vintage > c.retired_on.year
    ]
    if ahead:
        return [
            Finding(
                "fail", note("rule_ex_ante", blocks=len(ahead), tco2e=sum(c.tco2e for c in ahead))
            )
        ]
    return [Finding("not_checked", note("rule_ex_post_unknown"))]


@_rule("removals_apart", NoParams)
def removals_apart(_: NoParams, f: Facts, __: PackRules) -> list[Finding]:
    """Removals are reported apart from reductions (the result's offsets_removals_tco2e)."""
    return [Finding("pass", note("rule_removals_apart", removals_tco2e=f.removals_tco2e))]


# -- documents and routes --------------------------------------------------------------------


class DocumentRule(Params):
    document: Literal[DOCUMENTS]  # type: ignore[valid-type]
    # dated before the event's first day (a plan made at the preparation stage)
    before_event: bool = False


@_rule("document", DocumentRule)
def document(p: DocumentRule, f: Facts, _: PackRules) -> list[Finding]:
    """`claim.documents.<document>` names a file of the event folder (not declared: not
    checked; declared but absent: fails); with `before_event`, its date precedes the event's
    first day (no date: not checked)."""
    return _document(p.document, p.before_event, f)


def _document(key: str, before_event: bool, f: Facts) -> list[Finding]:
    d = f.documents.get(key)
    if d is None:
        return [Finding("not_checked", note("rule_document_missing", document=key))]
    if not d.exists:
        return [Finding("fail", note("rule_document_not_found", document=key, file=d.file))]
    if before_event:
        if d.date is None:
            return [
                Finding("not_checked", note("rule_document_undated", document=key, file=d.file))
            ]
        if d.date >= f.start:
            return [
                Finding(
                    "fail",
                    note(
                        "rule_document_late",
                        document=key,
                        date=d.date.isoformat(),
                        start=f.start.isoformat(),
                    ),
                )
            ]
    return [Finding("pass", note("rule_document_kept", document=key, file=d.file))]


class ClaimRoute(Params):
    routes: dict[str, tuple[Literal[DOCUMENTS], ...]]  # type: ignore[valid-type]


@_rule("claim_route", ClaimRoute)
def claim_route(p: ClaimRoute, f: Facts, _: PackRules) -> list[Finding]:
    """`claim.route` is one of `routes`, and the documents that route needs are kept."""
    if f.route is None:
        return [Finding("not_checked", note("rule_route_missing", routes=sorted(p.routes)))]
    if f.route not in p.routes:
        return [Finding("fail", note("rule_route_unknown", route=f.route, routes=sorted(p.routes)))]
    out = [Finding("pass", note("rule_route", route=f.route))]
    for key in p.routes[f.route]:
        out += _document(key, False, f)
    return out


class NotCheckable(Params):
    what: str = Field(min_length=1, description="a note code saying what cannot be seen")


@_rule("not_checkable", NotCheckable)
def not_checkable(p: NotCheckable, _: Facts, __: PackRules) -> list[Finding]:
    """A requirement no event folder holds (a platform's acknowledgement, a hierarchy of
    actions): always said as not checked, never as passed."""
    return [Finding("not_checked", note(p.what))]


# -- claims to consumers, legacy standards ---------------------------------------------------------


@_rule("offset_claim_banned", NoParams)
def offset_claim_banned(_: NoParams, f: Facts, pack: PackRules) -> list[Finding]:
    """A claim of neutral impact based on offsetting may not be made to consumers."""
    used = min(sum(c.tco2e for c in f.credits if c.usable), f.gross_tco2e)
    if used > 0:
        return [
            Finding(
                "fail", note("rule_offset_claim_banned", used_tco2e=used, markets=list(f.markets))
            )
        ]
    return [Finding("pass", note("rule_no_offsets_used"))]


class LegacyStandard(Params):
    """A withdrawn specification: verifications by its publisher ended on a date. After it a
    claim is warned about (said as information, never passed silently), not refused: the
    specification allows other-party and self validation."""

    verifications_until: dt.date


@_rule("legacy_standard", LegacyStandard)
def legacy_standard(p: LegacyStandard, f: Facts, _: PackRules) -> list[Finding]:
    """A withdrawn specification: the day verifications by its publisher end is listed; an
    event ending after it is warned about (other-party or self validation remain)."""
    until = p.verifications_until.isoformat()
    if f.end > p.verifications_until:  # a warning: self-validation remains possible
        return [Finding("info", note("rule_legacy_ended", until=until, end=f.end.isoformat()))]
    return [Finding("info", note("rule_legacy_until", until=until), p.verifications_until)]


# -- green-power instruments -------------------------------------------------------------------


class InstrumentTypes(Params):
    accepted: tuple[str, ...] = Field(min_length=1)
    # accepted until their own cut-off (instrument_cutoff)
    transitional: tuple[str, ...] = ()
    countries: tuple[str, ...] = Field(min_length=1)  # consumption in these countries


@_rule("instrument_types", InstrumentTypes)
def instrument_types(p: InstrumentTypes, f: Facts, _: PackRules) -> list[Finding]:
    """For consumption in `countries`, only instruments of the `accepted` types (and the
    `transitional` ones, judged by their own cut-off) cover electricity."""
    if not set(f.countries) & set(p.countries):
        return [Finding("pass", note("rule_instruments_elsewhere", countries=list(p.countries)))]
    allowed = set(p.accepted) | set(p.transitional)
    other = [i for i in f.instruments if i.type not in allowed]
    if other:
        return [
            Finding(
                "fail",
                note(
                    "rule_instrument_type_refused",
                    types=sorted({i.type for i in other}),
                    mwh=sum(i.mwh_applied for i in other),
                    accepted=list(p.accepted),
                ),
            )
        ]
    return [Finding("pass", note("rule_instrument_types", accepted=list(p.accepted)))]


class InstrumentCutoff(Params):
    type: str = Field(min_length=1)
    countries: tuple[str, ...] = Field(min_length=1)
    # consumption on or after this day cannot be covered by this type
    consumption_from: dt.date


@_rule("instrument_cutoff", InstrumentCutoff)
def instrument_cutoff(p: InstrumentCutoff, f: Facts, _: PackRules) -> list[Finding]:
    """Instruments of `type` cannot cover consumption in `countries` on or after
    `consumption_from` (an event ending on that day fails)."""
    used = [i for i in f.instruments if i.type == p.type]
    if not used or not set(f.countries) & set(p.countries):
        return [
            Finding(
                "pass", note("rule_cutoff_unused", type=p.type, date=p.consumption_from.isoformat())
            )
        ]
    if f.end >= p.consumption_from:
        return [
            Finding(
                "fail",
                note(
                    "rule_cutoff_passed",
                    type=p.type,
                    mwh=sum(i.mwh_applied for i in used),
                    date=p.consumption_from.isoformat(),
                    end=f.end.isoformat(),
                ),
            )
        ]
    return [
        Finding(
            "pass",
            note(
                "rule_cutoff_before",
                type=p.type,
                date=p.consumption_from.isoformat(),
                end=f.end.isoformat(),
            ),
        )
    ]
