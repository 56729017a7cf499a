"""Qualifiers a question pins its fact to, and whether a sentence is about another one.

Documents list the same fact for several levels, rounds and ranks side by side: "Cấp tỉnh:
500.000 đồng; cấp xã: 350.000 đồng", "lần thứ ba … lần thứ tư", "khóa XVI", "sản phẩm 4
sao", "Giải Nhất … Giải Nhì", "nông thôn mới nâng cao … kiểu mẫu". A question about "cấp xã" or
"Giải Nhì" is not answered by the sentence about "cấp tỉnh" or "Giải Nhất", however well its
other words match. So a sentence that names a qualifier of the same family with another value,
and not the asked one, does not answer (:func:`contradicts`); a sentence that names none of that
family may. The families, their markers and values are ``lexicon/qualifiers.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant import lexicon
from assistant.numbers import words_value
from ingest.normalize import fold_diacritics

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ASKING = {"may", "bao"}  # "lần thứ mấy", "lần thứ bao nhiêu" ask the round, they name none
_ORDINALS = {"nhat": "1", "nhi": "2"}  # "lần thứ nhất", "lần thứ nhì"


@dataclass(frozen=True)
class _Family:
    name: str
    marker: tuple[str, ...]  # folded tokens
    after: bool
    values: tuple[tuple[str, ...], ...] | None  # folded closed list, or None for a numeral


@lru_cache(maxsize=1)
def _families() -> tuple[_Family, ...]:
    out = []
    for r in lexicon.rows("qualifiers"):
        values = None if r["value"] == "numeral" else tuple(
            tuple(lexicon.folded(lexicon.words(v))) for v in r["value"].split("|"))
        out.append(_Family(r["family"], tuple(lexicon.folded(lexicon.words(r["marker"]))), r["position"] == "after",
                           values))
    # longest markers first: "kỳ họp thứ" before "thứ"
    return tuple(sorted(out, key=lambda f: -len(f.marker)))


def _numeral(tokens: list[str], written: str = "") -> str | None:
    """A round or term as digits: "ba" → "3", "mười hai" → "12", "XII" → "12", "12" → "12";
    None for "mấy" / "bao nhiêu" (the question asks it) or no number. A Roman numeral counts
    only written in capitals (``written``: the token as typed): "vì" is no VI."""
    if not tokens:
        return None
    first = tokens[0]
    if first in _ASKING:
        return None
    if first.isdigit():
        return str(int(first))
    if first in _ORDINALS:
        return _ORDINALS[first]
    if first and all(c in _ROMAN for c in first) and written.isupper():
        values = [_ROMAN[c] for c in first]
        return str(sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)))
    parsed = words_value(tokens, accented=False, ordinal=True)
    return str(int(parsed[0])) if parsed and not parsed[2] else None


def qualifiers(text: str) -> dict[str, set[str]]:
    """The qualifiers ``text`` names, by family: ``{"level": {"xa"}, "round": {"3"}}``.

    Accents and case are ignored, numbers normalised ("lần thứ mười hai" → "12", "khóa XVI" →
    "16"). "lần thứ mấy" names no round; "cấp" before a capitalised name ("Tỉnh cấp xã Tân Phú
    500 triệu") is the verb "to grant", not a level.
    """
    raw = re.findall(r"\w+", text)
    tokens = [fold_diacritics(t.lower()) for t in raw]
    found: dict[str, set[str]] = {}
    for i in range(len(tokens)):
        for family in _families():
            n = len(family.marker)
            if tuple(tokens[i:i + n]) != family.marker:
                continue
            if family.after:
                rest, start = tokens[i + n:i + n + 3], i + n
            else:
                rest, start = tokens[max(0, i - 1):i], max(0, i - 1)
            value = None
            if family.values is None:
                value = _numeral(rest, raw[start] if start < len(raw) else "")
            else:
                for option in family.values:
                    if tuple(rest[:len(option)]) == option:
                        after = start + len(option)
                        if family.name == "level" and after < len(raw) and raw[after][:1].isupper() \
                                and not raw[after].isupper():
                            break  # "cấp xã Tân Phú": a grant to a named commune
                        value = " ".join(option)
                        break
            if value is not None:
                found.setdefault(family.name, set()).add(value)
            break
    return found


def contradicts(asked: dict[str, set[str]], text: str) -> bool:
    """True when ``text`` names, for a family the question ``asked`` about, only other values
    ("cấp tỉnh" for a question about "cấp xã")."""
    if not asked:
        return False
    named = qualifiers(text)
    return any(family in named and not (named[family] & values) for family, values in asked.items())
