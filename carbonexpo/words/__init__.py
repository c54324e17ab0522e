"""The one message catalog: every word a person reads, per language, keyed 'section.name'.

    glossary.*   enumerations (categories, phases, modes, instruments)
    note.*       the calculation's statements (assumptions, warnings, reasons)
    problem.*    the title of a problem code;  detail.*  a problem's detail
    standard.*   a standard as a sentence names it
    claim.*      the words a claim may use (calc/wording.py chooses which)
    scenario.*   what a planning scenario changed
    label.*      the report;  ui.*  the web pages
    verify.*     what a certificate check found

A text is a str.format template. Parameters come from the caller; a number a rule uses (a
detour factor, an air band, a GEC date) is not written into a text but named, and `say` fills
it from the constant the rule itself reads (`rule_params`), so changing the constant changes
every sentence that states it. tests/test_words.py fails when a key lacks a language, when two
languages' placeholders differ, or when a rule constant appears in a text as a literal.

This module imports nothing heavy: errors.py (imported by every command) reads problem titles
from it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from carbonexpo.words import en, zh

LANGS = ("en", "zh")
TEXTS: dict[str, dict[str, str]] = {"en": en.TEXTS, "zh": zh.TEXTS}
__all__ = ["LANGS", "TEXTS", "Said", "placeholders", "rule_params", "said", "say", "section"]


@cache
def section(name: str) -> dict[str, dict[str, str]]:
    """One section as {lang: {name: text}} (the key without its 'section.' prefix)."""
    prefix = name + "."
    return {
        lang: {k[len(prefix) :]: v for k, v in texts.items() if k.startswith(prefix)}
        for lang, texts in TEXTS.items()
    }


def placeholders(text: str) -> set[str]:
    """The names of the fields a template fills ('{rows}', '{kw:g}' -> rows, kw)."""
    return {
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(text)
        if field
    }


@cache
def rule_params() -> dict[str, Any]:
    """The constants the rules use (carbonexpo/constants.py), under the names the texts give
    them."""
    from carbonexpo import constants as c

    return {
        "detour_rail": c.DETOUR["rail"],
        "detour_road": c.DETOUR["car"],
        "detour_bus": c.DETOUR["bus"],
        "detour_air": c.DETOUR["air"],
        "domestic_max_km": c.DOMESTIC_MAX_KM,
        "long_haul_km": c.LONG_HAUL_KM,
        "short_flight_km": c.SHORT_FLIGHT_KM,
        "gec_valid_years": c.GEC_VALID_MONTHS // 12,
        "gec_legacy_until": c.GEC_LEGACY_UNTIL.isoformat(),
        "gec_legacy_before_year": c.GEC_LEGACY_BEFORE.year,
    }


def say(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text of `key` in `lang` (English when that language lacks it), filled with params and,
    for the names a text uses but the caller did not give, the rules' constants."""
    texts = TEXTS.get(lang, TEXTS["en"])
    template = texts.get(key) or TEXTS["en"][key]
    return fill(template, params)


def fill(template: str, params: Mapping[str, Any]) -> str:
    wanted = placeholders(template)
    if wanted - params.keys():
        params = {**rule_params(), **params}
    return template.format(**params)


@dataclass(frozen=True)
class Said:
    """A catalog key with its parameters, rendered in any language when read (a problem's
    detail is made once, in English for logs and files, and shown in the reader's)."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The text in `lang`; a parameter that is itself a Said (a hint, a phrase) is rendered
        in the same language."""
        return say(
            self.key,
            lang,
            **{k: v.text(lang) if isinstance(v, Said) else v for k, v in self.params},
        )


def said(key: str, /, **params: Any) -> Said:
    if key not in TEXTS["en"]:
        raise KeyError(f"no text {key!r} in the catalog")
    return Said(key, tuple(params.items()))
