"""Qualifiers a question pins its fact to, and whether a sentence is about another one.

Documents list the same fact for several levels, rounds and ranks side by side: "Cấp tỉnh:
500.000 đồng; cấp xã: 350.000 đồng", "lần thứ ba … lần thứ tư", "khóa XVI", "sản phẩm 4
sao", "Giải Nhất … Giải Nhì", "nông thôn mới nâng cao … kiểu mẫu". A question about "cấp xã" or "Giải Nhì" is not answered by the
sentence about "cấp tỉnh" or "Giải Nhất", however well its other words match. So a sentence
that names a qualifier of the same family with another value, and not the asked one, does
not answer (:func:`contradicts`); a sentence that names none of that family may.
"""
from __future__ import annotations

import re

from ingest.normalize import fold_diacritics

_ONES = {"nhat": 1, "mot": 1, "nhi": 2, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "lam": 5, "sau": 6,
         "bay": 7, "tam": 8, "chin": 9}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ASKING = {"may", "bao"}  # "lần thứ mấy", "lần thứ bao nhiêu" ask the round, they name none
# each family: a pattern over folded lower-case text whose group 1 is the value
_FAMILIES = {
    "round": re.compile(r"\blan thu (\w+(?: \w+){0,2})"),
    "term": re.compile(r"\bkhoa ([ivxlc]+|\d+)\b"),
    "stars": re.compile(r"\b(\d) sao\b"),
    "prize": re.compile(r"\bgiai (nhat|nhi|ba|tu|khuyen khich)\b"),
    # the tier of nông thôn mới, not the verb "nâng cao" nor "khu dân cư kiểu mẫu"
    "ntm_tier": re.compile(r"\b(?:nong thon moi|ntm) (nang cao|kieu mau)\b"),
}
# "cấp xã" is a level; "được cấp … ", "Tỉnh cấp xã Tân Phú" (to grant) is not: a capitalised name follows
_LEVEL = re.compile(r"\bcap (trung uong|tinh|huyen|xa)\b(?!\s+(?-i:[A-Z]))", re.IGNORECASE)


def _number(words: str) -> str | None:
    """A round or term as digits: "ba" → "3", "mười hai" → "12", "XII" → "12", "12" → "12";
    None for "mấy" / "bao nhiêu" (the question asks it)."""
    parts = words.split()
    first = parts[0]
    if first in _ASKING:
        return None
    if first.isdigit():
        return str(int(first))
    if all(c in _ROMAN for c in first):
        values = [_ROMAN[c] for c in first]
        return str(sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)))
    # Vietnamese numerals: "ba", "mười hai", "hai mươi", "hai mươi mốt"
    total, tens = 0, False
    for i, w in enumerate(parts):
        if w == "muoi":
            total, tens = (total or 1) * 10, True
        elif w in _ONES:
            total += _ONES[w]
            if tens or i + 1 == len(parts) or parts[i + 1] != "muoi":
                break
        else:
            break
    return str(total) if total else first


def qualifiers(text: str) -> dict[str, set[str]]:
    """The qualifiers ``text`` names, by family: ``{"level": {"xa"}, "round": {"3"}}``.

    Families: administrative level ("cấp tỉnh"), round ("lần thứ ba", "lần thứ mười hai"),
    term ("khóa XVI"), stars ("4 sao"), prize ("Giải Nhì") and the tier of nông thôn mới
    ("nâng cao", "kiểu mẫu"); accents and case are ignored, numbers normalised. "lần thứ mấy"
    names no round, and "cấp" before a name ("cấp xã Tân Phú 500 triệu") is the verb.
    """
    kept_case = fold_diacritics(text)
    folded = kept_case.lower()
    found: dict[str, set[str]] = {}
    levels = {m.group(1).lower() for m in _LEVEL.finditer(kept_case)}
    if levels:
        found["level"] = levels
    for family, pattern in _FAMILIES.items():
        values = {_number(m.group(1)) if family in ("round", "term") else m.group(1) for m in pattern.finditer(folded)}
        values.discard(None)
        if values:
            found[family] = values
    return found


def contradicts(asked: dict[str, set[str]], text: str) -> bool:
    """True when ``text`` names, for a family the question ``asked`` about, only other values
    ("cấp tỉnh" for a question about "cấp xã")."""
    if not asked:
        return False
    named = qualifiers(text)
    return any(family in named and not (named[family] & values) for family, values in asked.items())
