"""Structured notes: every assumption, warning and reason the calculation states is a code with
parameters, rendered by one catalog per language. No sentence is ever parsed back: the Chinese
text comes from the same code and parameters as the English one.

`Note.text` is the English rendering, kept in the result JSON for people who read it raw.
Enumeration values among the parameters (categories, phases, table names) are shown through
the one glossary (`GLOSSARY`), which the report labels use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from carbonexpo.words import fill, section

Param = str | int | float | bool | list[str] | None
LANGS = ("en", "zh")
__all__ = ["GLOSSARY", "MESSAGES", "Note", "note", "render", "render_all"]

GLOSSARY = section("glossary")  # enumerations as a reader sees them (report labels too)
# parameters whose values are enumerations shown through the glossary (raw in English text)
GLOSSED = frozenset(
    {"table", "phase", "category", "categories", "build", "modes", "to", "groups", "unchanged"}
    | {"document", "route", "routes"}
)

MESSAGES = section("note")
LIST_SEPARATOR = {"en": ", ", "zh": "、"}
NOTE_SEPARATOR = {"en": "; ", "zh": "；"}


class Note(BaseModel):
    """One statement of the calculation: a catalog code and its parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    params: dict[str, Param] = {}

    @model_validator(mode="before")
    @classmethod
    def _drop_rendered_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and "text" in data:  # a result JSON read back
            data = {k: v for k, v in data.items() if k != "text"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        return render(self, "en")


def note(code: str, **params: Param) -> Note:
    if code not in MESSAGES["en"]:
        raise KeyError(f"no message {code!r} in the catalog")
    return Note(code=code, params=params)


def _shown(name: str, value: Param, lang: str) -> Any:
    if name == "claim_standard" and isinstance(value, str):  # as a sentence names it
        return section("standard")[lang].get(value, value)
    if name == "standard" and lang != "en" and isinstance(value, str):  # English keeps the id
        return section("standard")[lang].get(value, value)
    glossary = GLOSSARY[lang] if (lang != "en" and name in GLOSSED) else {}
    if isinstance(value, list):
        return LIST_SEPARATOR[lang].join(glossary.get(str(v), str(v)) for v in value)
    if isinstance(value, str):
        return glossary.get(value, value)
    return value


def render(n: Note, lang: str = "en") -> str:
    """A note in `lang` (the catalog's text for its code, its parameters filled; English
    where a language lacks the code)."""
    template = MESSAGES[lang].get(n.code) or MESSAGES["en"][n.code]
    return fill(template, {k: _shown(k, v, lang) for k, v in n.params.items()})


def render_all(notes: Iterable[Note], lang: str = "en") -> str:
    """Several notes as one line (reasons of one instrument or credit block)."""
    return NOTE_SEPARATOR[lang].join(render(n, lang) for n in notes)
