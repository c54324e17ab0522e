"""The report's words: the catalog's label section, with the glossary's terms (categories,
phases, modes) under the same names. Templates take every visible word from here."""

from __future__ import annotations

from carbonexpo.words import LANGS, section

LABELS = {lang: {**section("label")[lang], **section("glossary")[lang]} for lang in LANGS}
STANDARD_NAMES = section("standard")
