"""The web pages' words: the catalog's ui section. Report terms (categories, phases, statuses)
come from the report labels."""

from __future__ import annotations

from carbonexpo.words import section

LANGS = ("zh", "en")  # the pages' languages, the first the default

UI = section("ui")
