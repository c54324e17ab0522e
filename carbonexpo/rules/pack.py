"""A rule pack: one standard's or one jurisdiction's rules for a claim, as data. Each file in
packs/ is one version of one pack (id + version), in force from `effective_from` (to
`effective_to`); the rule logic lives in code (rules.named), each rule of a pack names it and
gives its parameters and the clause they come from. Adding a jurisdiction is one file here."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from carbonexpo.resources import rules_dir

# libyaml's safe loader where PyYAML has it (8 packs: ~70 ms in Python, a fraction in C)
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Kind = Literal["standard", "jurisdiction", "instruments", "consumer_law"]
PackId = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text of the pack in both languages the reports speak."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Applies(Strict):
    """Where the pack governs a claim: by the venue's country or province (ISO 3166-1 / 3166-2),
    by the markets the claim is made in (claim.markets), or anywhere (all empty)."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()


class Rule(Strict):
    rule: str = Field(min_length=1, description="a named rule of rules.named")
    clause: str = Field(min_length=1, description="where the document says it")
    params: dict[str, Any] = Field(default_factory=dict)


class Pack(Strict):
    id: PackId = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    kind: Kind
    title: Text
    publisher: Text
    document: str = Field(min_length=1, description="document number or designation")
    source: str = Field(min_length=1, description="where it was read (title, address)")
    effective_from: dt.date
    effective_to: dt.date | None = None
    # the claim.standard this pack is (standards only): its registries are the calculation's
    # defaults for that standard
    standard: str | None = None
    applies: Applies = Applies()
    rules: tuple[Rule, ...] = Field(min_length=1)
    evidence: tuple[Text, ...] = ()
    # every applied instrument and eligible credit names an evidence file (a certificate is
    # refused otherwise while the pack applies)
    require_evidence: bool = False
    wording: dict[Literal["may", "may_not"], Text] = Field(default_factory=dict)
    note: Text | None = None

    @model_validator(mode="after")
    def dates_in_order(self) -> Pack:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    @field_validator("rules")
    @classmethod
    def known_rules(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        from carbonexpo.rules.named import RULES

        for r in rules:
            if r.rule not in RULES:
                raise ValueError(f"unknown rule {r.rule!r}: one of {', '.join(sorted(RULES))}")
            RULES[r.rule].params.model_validate(r.params)
        return rules

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.rule == name), None)


def pack_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every pack file: shipped in the package, or an evidence pack's own
    under re-run (resources.rules_dir)."""
    own = rules_dir()
    folder = own if own is not None else resources.files("carbonexpo.rules") / "packs"
    return sorted(
        (f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))
    )


def parse_pack(name: str, raw: bytes) -> Pack:
    """One pack file, refused with its name and the field at fault."""
    try:
        return Pack.model_validate(yaml.load(raw, Loader=LOADER))  # noqa: S506 (a safe loader)
    except ValidationError as exc:
        said = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ValueError(f"rule pack {name}: {said}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"rule pack {name}: not valid YAML: {exc}") from exc


@cache
def all_packs() -> tuple[Pack, ...]:
    """Every version of every shipped pack, by id then effective date."""
    packs = [parse_pack(name, raw) for name, raw in pack_files()]
    seen: set[tuple[str, str]] = set()
    for p in packs:
        if (p.id, p.version) in seen:
            raise ValueError(f"rule pack {p.id} version {p.version} is shipped twice")
        seen.add((p.id, p.version))
    return tuple(sorted(packs, key=lambda p: (p.id, p.effective_from)))


def pack_ids() -> list[str]:
    return sorted({p.id for p in all_packs()})


def pack_for(pack_id: str, day: dt.date) -> Pack | None:
    """The version of `pack_id` in force on `day`, else None (not yet, or no longer, in force)."""
    found = [p for p in all_packs() if p.id == pack_id and p.in_force(day)]
    return found[-1] if found else None


def versions(pack_id: str) -> list[Pack]:
    return [p for p in all_packs() if p.id == pack_id]


def standard_registries() -> dict[str, tuple[str, ...]]:
    """claim.standard -> the credit types its pack accepts (the calculation's default
    registries for that standard), from the latest version of each standard's pack."""
    out: dict[str, tuple[str, ...]] = {}
    for p in all_packs():
        rule = p.rule("accepted_credits")
        if p.standard and rule is not None:
            out[p.standard] = tuple(rule.params["types"])
    return out
