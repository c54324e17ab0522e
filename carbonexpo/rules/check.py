"""A verdict per rule pack: may / may_not / not_checked, each reason naming its rule and clause.

A pack is judged when it applies: in force on the event's last day (the day the claim can be
made), and the venue (any site) is in its countries or provinces, and the claim is made in one
of its markets (claim.markets), for those packs that name any. Then:
- may_not when any rule fails;
- not_checked when none fails but one needs what the event folder does not hold (a claim is
  never stronger than its data);
- may when every rule passed.
A pack that does not apply is listed with verdict not_checked and says why it does not apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from carbonexpo.notes import Note, note
from carbonexpo.rules.named import RULES, Facts, Finding, PackRules
from carbonexpo.rules.pack import Pack, Text, all_packs, pack_for, pack_ids

Verdict = Literal["may", "may_not", "not_checked"]
VERDICTS: tuple[Verdict, ...] = ("may", "may_not", "not_checked")


@dataclass(frozen=True)
class Reason:
    rule: str
    clause: str
    outcome: str
    note: Note


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    rule: str
    clause: str
    note: Note


@dataclass(frozen=True)
class ClaimCheck:
    pack: Pack
    applies: bool
    verdict: Verdict
    reasons: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...]

    @property
    def wording(self) -> Text | None:
        if not self.applies or self.verdict == "not_checked":
            return None
        return self.pack.wording.get(self.verdict)


def _earliest(pack_id: str) -> Pack:
    return min((p for p in all_packs() if p.id == pack_id), key=lambda p: p.effective_from)


def _applies(pack: Pack | None, pack_id: str, f: Facts) -> Reason | None:
    """Why the pack does not govern this claim, or None when it does."""
    if pack is None:
        first = _earliest(pack_id)
        n = note(
            "rule_not_in_force",
            end=f.end.isoformat(),
            effective_from=first.effective_from.isoformat(),
        )
        return Reason("in_force", first.document, "out_of_scope", n)
    a = pack.applies
    if a.countries and not set(f.countries) & set(a.countries):
        n = note("rule_not_here", countries=list(a.countries), venue=list(f.countries))
        return Reason("applies", pack.document, "out_of_scope", n)
    if a.regions and f.regions and not set(f.regions) & set(a.regions):
        n = note("rule_not_in_region", regions=list(a.regions), venue=list(f.regions))
        return Reason("applies", pack.document, "out_of_scope", n)
    if a.markets and not set(f.markets) & set(a.markets):
        return Reason("applies", pack.document, "out_of_scope", note("rule_no_market"))
    return None


def check_pack(pack_id: str, f: Facts) -> ClaimCheck:
    pack = pack_for(pack_id, f.end)
    outside = _applies(pack, pack_id, f)
    if outside is not None or pack is None:
        assert outside is not None
        return ClaimCheck(pack or _earliest(pack_id), False, "not_checked", (outside,), ())
    reasons: list[Reason] = []
    deadlines: list[Deadline] = []
    if pack.applies.regions and not f.regions:
        reasons.append(
            Reason(
                "applies",
                pack.document,
                "not_checked",
                note("rule_region_unknown", regions=list(pack.applies.regions)),
            )
        )
    validated = [(r, RULES[r.rule].params.model_validate(r.params)) for r in pack.rules]
    rules: PackRules = [(r.rule, p) for r, p in validated]
    for r, p in validated:
        findings: list[Finding] = RULES[r.rule].check(p, f, rules)
        for found in findings:
            reasons.append(Reason(r.rule, r.clause, found.outcome, found.note))
            if found.deadline is not None:
                deadlines.append(
                    Deadline(
                        found.deadline,
                        r.rule,
                        r.clause,
                        note(
                            "rule_deadline", date=found.deadline.isoformat(), document=pack.document
                        ),
                    )
                )
    outcomes = {r.outcome for r in reasons}
    if "out_of_scope" in outcomes:
        scope = [r for r in reasons if r.outcome == "out_of_scope"]
        return ClaimCheck(pack, False, "not_checked", tuple(scope), ())
    verdict: Verdict = (
        "may_not" if "fail" in outcomes else "not_checked" if "not_checked" in outcomes else "may"
    )
    return ClaimCheck(pack, True, verdict, tuple(reasons), tuple(deadlines))


def check_claims(f: Facts) -> list[ClaimCheck]:
    """Every shipped pack, in id order, judged for this event."""
    return [check_pack(pack_id, f) for pack_id in pack_ids()]
