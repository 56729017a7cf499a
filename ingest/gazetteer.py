"""Names that keep their capitals when a title in capitals is written in sentence case.

Data files (UTF-8, tab-separated, each with an ``origin`` column), in ``ingest/data``:

- ``places.tsv``: the provinces and centrally-run cities (name, kind, level, until, origin);
  ``until`` is the date a unit ceased to exist (merged), empty for current ones;
- ``admin_units.tsv``: the category nouns that precede a place name ("xã", "thôn", …);
- ``place_name_stops.tsv``: words that end a place name after its category noun ("năm",
  "giai đoạn", "hội" as in "xã hội" …);
- ``proper_names.tsv``: names of institutions and persons written with capitals
  ("Mặt trận Tổ quốc Việt Nam", "Quốc hội", "Bác Hồ").

Vietnamese spelling capitalises every syllable of a place name (Nghị định 30/2020/NĐ-CP,
Phụ lục II), so after a category noun the following syllables up to a stop word, a number
or punctuation (at most four) are a name.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ingest.structure import read_tsv

_MAX_NAME_SYLLABLES = 4
_PUNCT = ".,;:()\"“”'‘’!?"


@dataclass(frozen=True)
class Place:
    """A row of ``places.tsv``."""

    name: str
    kind: str
    level: str
    until: str
    origin: str


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """The provinces and centrally-run cities of Viet Nam, current and merged ones."""
    return tuple(Place(r["name"], r["kind"], r["level"], r["until"], r["origin"]) for r in read_tsv("places.tsv"))


@lru_cache(maxsize=1)
def admin_units() -> tuple[tuple[str, ...], ...]:
    """Category nouns as lower-case syllable tuples, longest first (("tổ", "dân", "phố"), …)."""
    units = {tuple(r["unit"].lower().split()) for r in read_tsv("admin_units.tsv")}
    return tuple(sorted(units, key=len, reverse=True))


@lru_cache(maxsize=1)
def _stops() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_tsv("place_name_stops.tsv"))


@lru_cache(maxsize=1)
def known_names() -> tuple[tuple[str, ...], ...]:
    """Proper names and place names as syllable tuples in their written case, longest first."""
    names = [r["name"] for r in read_tsv("proper_names.tsv")] + [p.name for p in places()]
    return tuple(sorted({tuple(n.split()) for n in names}, key=len, reverse=True))


def _core(token: str) -> str:
    return token.strip(_PUNCT)


def _capitalised(token: str) -> str:
    core = _core(token)
    if not core:
        return token
    start = token.index(core)
    return token[:start] + core[:1].upper() + core[1:].lower() + token[start + len(core):]


def capitalise_names(tokens: list[str], keep: list[bool], common: Callable[[str], bool] = lambda w: False) -> list[str]:
    """Re-capitalise the proper names among lower-cased title ``tokens``: known names
    (written as in the data files) and the syllables after a category noun ("xã tân lập"
    → "xã Tân Lập"), unless the document itself writes the word in lower case (``common``).
    ``keep[i]`` marks tokens already decided (abbreviations); it is updated."""
    out = list(tokens)
    lowered = [_core(t).lower() for t in tokens]
    for name in known_names():
        n = len(name)
        low = [w.lower() for w in name]
        for i in range(len(tokens) - n + 1):
            # a name matched whole wins over an abbreviation guess ("ĐẮK LẮK" is not one)
            if lowered[i:i + n] == low:
                for k, written in enumerate(name):
                    core = _core(out[i + k])
                    out[i + k] = out[i + k].replace(core, written, 1) if core else out[i + k]
                    keep[i + k] = True
    i = 0
    while i < len(tokens):
        unit = next((u for u in admin_units() if tuple(lowered[i:i + len(u)]) == u), None)
        if unit is None or (i + len(unit) < len(tokens) and keep[i + len(unit)]) \
                or tokens[i + len(unit) - 1][-1:] in _PUNCT:  # "tổ dân phố; việc …": no name follows
            i += 1
            continue
        j = i + len(unit)
        taken = 0
        while j < len(tokens) and taken < _MAX_NAME_SYLLABLES:
            token, word = tokens[j], lowered[j]
            if token in ("-", "–") and taken and j + 1 < len(tokens):
                j += 1  # "Bà Rịa - Vũng Tàu"
                continue
            if (not word or word in _stops() or any(ch.isdigit() for ch in word) or keep[j] or common(word)
                    or token[:1] in "(\"“" or any(tuple(lowered[j:j + len(u)]) == u for u in admin_units())):
                break
            out[j] = _capitalised(out[j])
            keep[j] = True
            taken += 1
            j += 1
            if token[-1:] in _PUNCT and token != "-":
                break  # "thành phố Huế)" / "xã Tân Lập," ends the name
        i = max(j, i + 1)
    return out
