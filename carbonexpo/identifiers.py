"""The one canonical form in which identifiers are compared: serial prefixes, registry and
project ids, exhibitor names. Two spellings that a person reads as the same identifier are the
same identifier here, so that a variant can never make a "new" serial block or a second
exhibitor.

The canonical key of a text is, in this order:
1. Unicode NFKC (full-width Ｃ and ａ become C and a; compatibility forms fold);
2. format and control characters dropped (zero-width space U+200B, joiners, BOM, soft hyphen);
3. every dash-like character (Unicode category Pd: hyphen U+2010, non-breaking hyphen, figure,
   en and em dashes, U+2212 minus, small and full-width hyphen-minus) read as '-';
4. case folded (str.casefold: 'ß' is 'ss', 'CCER' is 'ccer');
5. white space: removed entirely in serial-like ids (an inner space makes no new block),
   folded to one space in names ('Acme  Co.' is 'acme co.').

Dependency-free on purpose: the ledger, the readers and the web all use it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MINUS_LIKE = {"\u2212", "\u2043", "\u02d7", "\ufe63", "\uff0d"}  # not all are category Pd


# ASCII text folds without Unicode tables: NFKC leaves it as it is, its only dash is '-', its
# format/control characters are C0 and DEL (those that are white space stay), casefold is lower
_ASCII_CONTROLS = {c: None for c in [*range(0x20), 0x7F] if not chr(c).isspace()}


def _folded(text: str) -> str:
    if text.isascii():  # a million exhibitor names in ~1 s instead of ~15 s
        return text.translate(_ASCII_CONTROLS).lower()
    return _folded_unicode(text)


def _folded_unicode(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category in ("Cf", "Cc") and not ch.isspace():
            continue
        if category == "Pd" or ch in MINUS_LIKE:
            ch = "-"
        out.append(ch)
    # folding case can undo NFKC ('A\u0301' folds to 'a\u0301'): normalise once more
    return unicodedata.normalize("NFKC", "".join(out).casefold())


@lru_cache(maxsize=65536)
def id_key(text: object) -> str:
    """The key of a serial prefix, registry id or project id: 'CCER-X' = 'ccer‐x' = 'CCER - X'
    = 'ＣＣＥＲ-Ｘ' = 'CCER\u200b-X'."""
    # normalised again once spaces are gone: 'A´' folds to 'a', ' ', U+0301, which compose
    return unicodedata.normalize("NFKC", "".join(_folded(str(text)).split()))


@lru_cache(maxsize=65536)
def name_key(text: object) -> str:
    """The key of a person's or an organisation's name: 'Acme  Co.' = 'acme co.' =
    'ＡＣＭＥ Co.'."""
    return unicodedata.normalize("NFKC", " ".join(_folded(str(text)).split()))


def other_spellings(names: Iterable[str]) -> list[tuple[int, str, str]]:
    """(position, name, the first spelling) of every name that is an earlier one written
    another way ('ACME  Co.' after 'Acme Co.'): one exhibitor must have one spelling."""
    first: dict[str, str] = {}
    out = []
    for i, name in enumerate(names):
        spelt = first.setdefault(name_key(name), name)
        if spelt != name:
            out.append((i, name, spelt))
    return out
