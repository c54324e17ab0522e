"""Completeness of the boundary (spec §9): every category of §4 either has data or is declared
under `exclusions:` with a reason and an estimate, and the excluded estimates stay within the
claim's materiality threshold. A gap never passes silently: `calc` warns, `certificate`
refuses."""

from __future__ import annotations

from dataclasses import dataclass

from carbonexpo.config import CATEGORY_NAMES, EventConfig
from carbonexpo.notes import Note, note


@dataclass(frozen=True)
class ExclusionLine:
    category: str
    reason: str | None
    estimate_tco2e: float | None


@dataclass(frozen=True)
class Completeness:
    included: tuple[str, ...]  # categories with at least one inventory line
    exclusions: tuple[ExclusionLine, ...]  # declared in event.yaml, for categories without data
    missing: tuple[str, ...]  # no data and no exclusion: a silent gap
    needless: tuple[str, ...]  # declared excluded, yet the folder has data for it (data wins)
    incomplete: tuple[str, ...]  # exclusions lacking a reason or an estimate
    excluded_tco2e: float
    excluded_share: float  # excluded estimates ÷ gross (inf when gross is 0 and something is)
    max_excluded_share: float
    no_data: bool  # no activity data at all

    @property
    def over_threshold(self) -> bool:
        return self.excluded_share > self.max_excluded_share

    @property
    def complete(self) -> bool:
        """True when a certificate may rest on this boundary."""
        return not (self.no_data or self.missing or self.incomplete or self.over_threshold)

    def problems(self) -> list[Note]:
        """Why a claim on this boundary cannot be certified."""
        out = []
        if self.no_data:
            out.append(note("no_data"))
        if self.missing:
            out.append(note("categories_missing_refusal", categories=list(self.missing)))
        return out + self._exclusion_problems()

    def _exclusion_problems(self) -> list[Note]:
        out = []
        for e in self.exclusions:
            given = (("reason", e.reason), ("estimate_tco2e", e.estimate_tco2e))
            lacks = [name for name, value in given if value is None]
            if lacks:
                out.append(note("exclusion_lacks", category=e.category, missing=lacks))
        if self.over_threshold and not self.no_data:
            out.append(
                note(
                    "exclusions_over_threshold",
                    excluded=self.excluded_tco2e,
                    share=_percent(self.excluded_share),
                    maximum=_percent(self.max_excluded_share),
                )
            )
        return out

    def warnings(self) -> list[Note]:
        out = []
        if self.missing:
            out.append(note("categories_missing", categories=list(self.missing)))
        out += self._exclusion_problems()
        out += [note("exclusion_ignored", category=c) for c in self.needless]
        return out


def _percent(share: float) -> str:
    return "∞ %" if share == float("inf") else f"{share * 100:.1f} %"


def assess(config: EventConfig, present: set[str], gross_tco2e: float) -> Completeness:
    declared = config.exclusions
    exclusions = tuple(
        ExclusionLine(c, declared[c].reason, declared[c].estimate_tco2e)
        for c in CATEGORY_NAMES
        if c in declared and c not in present
    )
    excluded = sum(e.estimate_tco2e or 0.0 for e in exclusions)
    if gross_tco2e > 0:
        share = excluded / gross_tco2e
    else:
        share = float("inf") if excluded > 0 else 0.0
    return Completeness(
        included=tuple(c for c in CATEGORY_NAMES if c in present),
        exclusions=exclusions,
        missing=tuple(c for c in CATEGORY_NAMES if c not in present and c not in declared),
        needless=tuple(c for c in CATEGORY_NAMES if c in present and c in declared),
        incomplete=tuple(
            e.category for e in exclusions if e.reason is None or e.estimate_tco2e is None
        ),
        excluded_tco2e=excluded,
        excluded_share=share,
        max_excluded_share=config.claim.max_excluded_share,
        no_data=not present,
    )
