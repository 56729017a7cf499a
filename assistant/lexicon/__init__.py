"""The answer step's word lists, read once from the TSV files beside this module.

Each file is a table with a header line and an ``origin`` column (see ``README.md`` here);
:func:`rows` reads one, :class:`PhraseTable` matches its phrases in a text's syllables. Texts
are matched as written (lower case, with accents) when they carry accents, and accent-folded
when they carry none, so "ngay nao" finds "ngày nào" and "họp" is not "hợp". This module is the
one place where lexicon phrases are turned into the forms that are compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from ingest.normalize import fold_diacritics, has_diacritics, nfc


class LexiconError(ValueError):
    """A lexicon file is malformed (wrong column count, missing origin); names the file and line."""


ORIGINS = frozenset({"general", "legal_text", "admin", "dev_question", "case"})


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``assistant/lexicon/<name>.tsv`` as dicts keyed by its header.

    Raises:
        LexiconError: a row with another number of columns than the header, an empty
            first column, or an origin outside :data:`ORIGINS`.
    """
    text = resources.files("assistant.lexicon").joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    header: list[str] | None = None
    out: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            if header[-1] != "origin":
                raise LexiconError(f"{name}.tsv:{number}: the last column must be 'origin'")
            continue
        if len(cells) != len(header) or not cells[0]:
            raise LexiconError(f"{name}.tsv:{number}: expected {len(header)} tab-separated columns, got {len(cells)}")
        row = dict(zip(header, cells))
        if row["origin"] not in ORIGINS:
            raise LexiconError(f"{name}.tsv:{number}: unknown origin {row['origin']!r}")
        out.append(row)
    return tuple(out)


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|%|\w+")


def words(text: str) -> list[str]:
    """Lower-case tokens of ``text`` (NFC), the form phrases are matched on: syllables, whole
    written numbers ("1.200.000", "2,5") and "%"."""
    return _TOKEN.findall(nfc(text).lower())


def folded(tokens: Sequence[str]) -> list[str]:
    """``tokens`` without accents (đ → d)."""
    return [fold_diacritics(t) for t in tokens]


@dataclass(frozen=True)
class Match:
    """A phrase found in a token list: tokens ``[start, end)``, the phrase and its value."""

    start: int
    end: int
    phrase: str
    value: str


class PhraseTable:
    """Phrases mapped to values, found in a text's syllables by longest match, left to right.

    Args:
        entries: ``(phrase, value)`` pairs; a phrase listed twice keeps its first value.
        fold: also match accent-folded phrases in texts typed without accents.
    """

    def __init__(self, entries: Iterable[tuple[str, str]], fold: bool = True) -> None:
        self.exact: dict[tuple[str, ...], tuple[str, str]] = {}
        self.loose: dict[tuple[str, ...], tuple[str, str]] = {}
        for phrase, value in entries:
            key = tuple(words(phrase))
            if not key:
                continue
            self.exact.setdefault(key, (phrase, value))
            if fold:
                self.loose.setdefault(tuple(folded(key)), (phrase, value))
        self.longest = max((len(k) for k in self.exact), default=0)

    @classmethod
    def from_file(cls, name: str, value_column: str | None = None, fold: bool = True) -> "PhraseTable":
        """The table of ``<name>.tsv``: its first column as phrases, ``value_column`` as values
        (default: the phrase itself)."""
        data = rows(name)
        key = next(iter(data[0])) if data else ""
        return cls(((r[key], r[value_column] if value_column else r[key]) for r in data), fold)

    def find(self, tokens: Sequence[str], accented: bool | None = None) -> list[Match]:
        """Non-overlapping matches in ``tokens`` (from :func:`words`), longest first at each
        position. ``accented``: whether the text was typed with accents (default: whether any
        token has one); without, phrases are compared folded."""
        if accented is None:
            accented = any(has_diacritics(t) for t in tokens)
        table, seq = (self.exact, list(tokens)) if accented else (self.loose, folded(tokens))
        found: list[Match] = []
        i = 0
        while i < len(seq):
            for n in range(min(self.longest, len(seq) - i), 0, -1):
                hit = table.get(tuple(seq[i:i + n]))
                if hit:
                    found.append(Match(i, i + n, hit[0], hit[1]))
                    i += n
                    break
            else:
                i += 1
        return found

    def search(self, text: str, accented: bool | None = None) -> list[Match]:
        """:meth:`find` over the syllables of ``text``."""
        return self.find(words(text), accented if accented is not None else has_diacritics(text))

    def values(self, text: str, accented: bool | None = None) -> list[str]:
        """The values of the phrases in ``text``, in order of appearance."""
        return [m.value for m in self.search(text, accented)]

    def __contains__(self, phrase: str) -> bool:
        return tuple(words(phrase)) in self.exact


@lru_cache(maxsize=None)
def table(name: str, value_column: str | None = None, fold: bool = True) -> PhraseTable:
    """The :class:`PhraseTable` of a lexicon file, built once."""
    return PhraseTable.from_file(name, value_column, fold)


@lru_cache(maxsize=None)
def column(name: str, key: str, value: str) -> dict[str, str]:
    """``{row[key]: row[value]}`` of a lexicon file (first occurrence wins)."""
    out: dict[str, str] = {}
    for row in rows(name):
        out.setdefault(row[key], row[value])
    return out


@lru_cache(maxsize=None)
def alternation(name: str, column: str, value: str | None = None, key: str | None = None, folded: bool = False) -> str:
    """A regular-expression alternation of a lexicon file's phrases (escaped, longest first; spaces
    match any whitespace, hyphens any dash): the rows of ``<name>.tsv`` whose ``column`` equals
    ``value`` (all rows when None), their ``key`` column (default the first). With ``folded``,
    the accent-folded forms are added too (for text typed without accents)."""
    data = rows(name)
    key = key or next(iter(data[0]))
    phrases = {r[key] for r in data if value is None or r[column] == value}
    if folded:
        phrases |= {fold_diacritics(p) for p in phrases}
    escaped = [re.escape(p).replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
               for p in sorted(phrases, key=len, reverse=True)]
    return "|".join(escaped)
