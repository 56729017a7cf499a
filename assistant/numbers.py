"""Numbers in Vietnamese text: digits and number words, what they count, and the conditions
put on them ("dưới 100 cử tri", "từ 10.000 dân trở lên").

A :class:`NumberMention` is a value with the measure word after it and the comparison a text
states about it; :meth:`NumberMention.interval` turns it into the set of values it allows, so
that a rule "nơi có dưới 100 cử tri" can be tested against a question about 150 voters by
interval intersection (:func:`compatible`). Number words, measure words and comparison words
come from the lexicon (``numerals.tsv``, ``measures.tsv``, ``conditions.tsv``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.lexicon import PhraseTable, folded, rows, table, words

# "1.200.000", "05", "2,5", "70%": Vietnamese writes "." between thousands and "," before decimals
_DIGITS = re.compile(r"^\d{1,3}(?:\.\d{3})+$|^\d+(?:,\d+)?$")
_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?!\d)|(?<!\d)\d{1,2}[/.-](?:19|20)\d{2}(?!\d)")
_NEAR = 3  # a measure word at most this many tokens after its number ("100 cử tri", "05 người trở lên")


@lru_cache(maxsize=2)
def _numerals(accented: bool = True) -> dict[str, tuple[float, str, str]]:
    """Number words → (value, kind, alone) from ``numerals.tsv``; folded keys when not ``accented``
    (first row wins: "nam" is "năm")."""
    out: dict[str, tuple[float, str, str]] = {}
    for r in rows("numerals"):
        key = r["word"] if accented else folded([r["word"]])[0]
        out.setdefault(key, (float(r["value"]), r["kind"], r["alone"]))
    return out


def digits_value(token: str) -> float | None:
    """The value of a written number ("1.200.000" → 1200000, "2,5" → 2.5, "05" → 5), or None."""
    if not _DIGITS.match(token):
        return None
    if "." in token:
        return float(token.replace(".", ""))
    return float(token.replace(",", "."))


def words_value(tokens: list[str], accented: bool = True, ordinal: bool = False) -> tuple[float, int, bool] | None:
    """The value of the Vietnamese number words at the start of ``tokens``, how many tokens they
    take, and whether they need a measure word after them to be a number ("năm" alone is
    also "year").

    "hai mươi mốt" → (21, 3), "mười hai" → (12, 2), "ba trăm linh năm" → (305, 4), "một triệu
    hai trăm nghìn" → (1200000, 5). None when they do not start a number: the first word is no
    number word, or one that is a number only inside a longer numeral ("tư" of "tư pháp"),
    unless ``ordinal`` (after "thứ": "lần thứ tư").
    """
    numerals = _numerals(accented)
    total = group = 0.0
    last_digit = 0.0
    used = 0
    previous_kind = ""
    for token in tokens:
        entry = numerals.get(token)
        if entry is None or entry[1] == "ordinal":
            break
        value, kind, _alone = entry
        if kind == "digit":
            if previous_kind == "digit":
                break  # "hai ba người" is two numbers
            group += value
            last_digit = value
        elif kind == "ten":
            if previous_kind in ("digit", "ten", "tens"):
                break
            group += 10
            last_digit = 0
        elif kind == "tens":
            if previous_kind != "digit":
                break
            group += last_digit * 9  # "hai mươi": the 2 already counted becomes 20
            last_digit = 0
        else:  # trăm, nghìn, triệu, tỷ
            if value == 100:
                group = (group or 1) * 100
            else:
                total += (group or 1) * value
                group = 0.0
        previous_kind = kind
        used += 1
    if not used:
        return None
    first = numerals[tokens[0]]
    if ordinal:
        return total + group, used, False
    if used == 1 and first[2] == "no":
        return None
    return total + group, used, used == 1 and first[2] == "measure"


@dataclass(frozen=True)
class NumberMention:
    """A number in a text and what the text says of it.

    Attributes:
        value: the number (5 for "05", 1200000 for "1.200.000 đồng", 0.5 for "nửa").
        family: the measure family of the word after it (``measures.tsv``: people, money,
            household …), or "" when none follows within three tokens.
        noun: that measure word as written (lower case), or "".
        op: the comparison the text puts on it: "=", "<", "<=", ">", ">=".
        start: index of the number's first token in the text's :func:`assistant.lexicon.words`.
    """

    value: float
    family: str = ""
    noun: str = ""
    op: str = "="
    start: int = 0

    def interval(self) -> tuple[float, float, bool, bool]:
        """The values allowed, as ``(low, high, low_closed, high_closed)``."""
        v = self.value
        return {"=": (v, v, True, True), "<": (-math.inf, v, False, False), "<=": (-math.inf, v, False, True),
                ">": (v, math.inf, False, False), ">=": (v, math.inf, True, False)}[self.op]


def compatible(a: NumberMention, b: NumberMention) -> bool:
    """Whether the values ``a`` and ``b`` allow overlap (interval intersection)."""
    lo1, hi1, lc1, hc1 = a.interval()
    lo2, hi2, lc2, hc2 = b.interval()
    lo, lo_closed = (lo1, lc1) if lo1 > lo2 else (lo2, lc2) if lo2 > lo1 else (lo1, lc1 and lc2)
    hi, hi_closed = (hi1, hc1) if hi1 < hi2 else (hi2, hc2) if hi2 < hi1 else (hi1, hc1 and hc2)
    return lo < hi or (lo == hi and lo_closed and hi_closed)


@lru_cache(maxsize=1)
def _measures() -> PhraseTable:
    return table("measures", "family")


@lru_cache(maxsize=1)
def _conditions() -> tuple[PhraseTable, PhraseTable]:
    data = rows("conditions")
    before = PhraseTable((r["phrase"], r["op"]) for r in data if r["position"] == "before")
    after = PhraseTable((r["phrase"], r["op"]) for r in data if r["position"] == "after")
    return before, after


_FIELD_BREAK = re.compile(r"[;:](?=\s|$)")


def mentions(text: str, accented: bool | None = None) -> list[NumberMention]:
    """Every number in ``text`` with its measure word and condition.

    A comparison word right before the number ("dưới 100", "không quá 3") or a "trở lên" /
    "trở xuống" within three tokens after its measure word sets ``op``; "từ 300 đến 4.000 cử
    tri" gives two mentions, ">= 300" and "<= 4000". Years and dates are numbers too; callers
    keep the ones with the measure family they need.
    """
    # a date's numbers count nothing ("15/3/2026, xã …" is no count of communes); nor does a year
    text = _DATE.sub(" ", text)
    if _FIELD_BREAK.search(text):
        # a number's measure word never lies across ";" or ":" ("Hộ cận nghèo: 21; Tỷ lệ …" is
        # no 21 tỷ): each field is read alone, token positions kept for the whole text
        if accented is None:
            every = words(text)
            accented = any(t != f for t, f in zip(every, folded(every)))
        found, offset, label = [], 0, ""
        for part in _FIELD_BREAK.split(text):
            for m in mentions(part, accented):
                if not m.family and m.start == 0 and label:
                    # "Tổng số hộ: 412", "Hộ nghèo: 14": the label's measure word counts the value
                    named = _measures().find(words(label), accented)
                    if named:
                        m = replace(m, family=named[-1].value, noun=named[-1].phrase)
                found.append(replace(m, start=m.start + offset))
            offset += len(words(part))
            label = part
        return found
    tokens = words(text)
    if accented is None:
        accented = any(t != f for t, f in zip(tokens, folded(tokens)))
    before, after = _conditions()
    measures = _measures()
    found: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        value = digits_value(tokens[i])
        used = 1
        if value is not None and i and tokens[i - 1] in ("năm", "nam") and 1900 <= value <= 2099:
            i += 1
            continue  # "năm 2025" is a year
        needs_measure = False
        if value is None:
            parsed = words_value(tokens[i:], accented)
            if parsed is None:
                i += 1
                continue
            value, used, needs_measure = parsed
        end = i + used
        family = noun = ""
        for m in measures.find(tokens[end:end + 4], accented):
            if m.start == 0:  # "100 cử tri", "1,2 triệu đồng", "70%"
                family, noun = m.value, m.phrase
                end = end + m.end
            break
        if needs_measure and not family:
            i += used
            continue
        if noun and noun.split()[0] in _numerals(True) and _numerals(True)[noun.split()[0]][1] == "multiplier":
            value *= _numerals(True)[noun.split()[0]][0]  # "1,2 triệu đồng"
        op = "="
        stop = i - 1 if i and tokens[i - 1] in ("là", "la") else i  # "ít nhất là 70 cử tri"
        for m in before.find(tokens[max(0, stop - 3):stop], accented):
            if max(0, stop - 3) + m.end == stop:  # the comparison word right before the number
                op = m.value
        for m in after.find(tokens[end:end + _NEAR], accented):
            op = m.value  # "05 người trở lên", "10.000 dân trở xuống"
            break
        if op == "=" and found and i >= 2 and tokens[i - 1] in ("đến", "den", "tới", "toi") \
                and found[-1].op == "=" and found[-1].start >= i - 6:
            # "từ 300 đến 4.000 cử tri": a range, both ends bound the same measure
            previous = found.pop()
            found.append(NumberMention(previous.value, previous.family or family, previous.noun or noun, ">=",
                                       previous.start))
            op = "<="
        found.append(NumberMention(value, family, noun, op, i))
        i = max(end, i + used)
    return found


def same_measure(a: NumberMention, b: NumberMention) -> bool:
    """The two count the same kind of thing: the same measure word, or words of one family."""
    if not a.family or not b.family:
        return False
    return a.noun == b.noun or a.family == b.family
