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

_ORDINALS = {"nhat": 1, "mot": 1, "nhi": 2, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
             "tam": 8, "chin": 9, "muoi": 10}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
# each family: a pattern over folded lower-case text whose group 1 is the value
_FAMILIES = {
    "level": re.compile(r"\bcap (trung uong|tinh|huyen|xa)\b"),
    "round": re.compile(r"\blan thu (\w+)\b"),
    "term": re.compile(r"\bkhoa ([ivxlc]+|\d+)\b"),
    "stars": re.compile(r"\b(\d) sao\b"),
    "prize": re.compile(r"\bgiai (nhat|nhi|ba|tu|khuyen khich)\b"),
    "ntm_tier": re.compile(r"\b(nang cao|kieu mau)\b"),  # nông thôn mới nâng cao / kiểu mẫu
}


def _number(word: str) -> str:
    """An ordinal or a Roman or Arabic numeral as digits ("tư" → "4", "XVI" → "16")."""
    if word.isdigit():
        return str(int(word))
    if word in _ORDINALS:
        return str(_ORDINALS[word])
    if word and all(c in _ROMAN for c in word):
        values = [_ROMAN[c] for c in word]
        return str(sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)))
    return word


def qualifiers(text: str) -> dict[str, set[str]]:
    """The qualifiers ``text`` names, by family: ``{"level": {"xa"}, "round": {"3"}}``.

    Families: administrative level ("cấp tỉnh"), round ("lần thứ ba"), term ("khóa XVI"),
    stars ("4 sao"), prize ("Giải Nhì") and the tier of nông thôn mới ("nâng cao", "kiểu
    mẫu"); accents and case are ignored, numbers normalised.
    """
    folded = fold_diacritics(text.lower())
    found: dict[str, set[str]] = {}
    for family, pattern in _FAMILIES.items():
        values = {_number(m.group(1)) if family in ("round", "term") else m.group(1) for m in pattern.finditer(folded)}
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
