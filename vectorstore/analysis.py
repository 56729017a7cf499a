"""Vietnamese analysis for the keyword index.

Each syllable yields an exact token and an accent-folded token (``~`` prefix, đ→d),
and each pair of adjacent syllables yields the same two kinds of bigram (``_`` join).
A question typed without diacritics meets documents through the folded tokens; one
typed with diacritics matches both kinds, so the exact form ranks first
(``đường`` above ``Dương``). Bigrams stand in for Vietnamese multi-syllable words
("nông thôn", "mặt trận") without a word segmenter.
"""
from __future__ import annotations

from ingest.normalize import fold_diacritics, syllables


def analyze(text: str) -> list[str]:
    """Keyword tokens of ``text``: exact and folded unigrams and bigrams."""
    sylls = syllables(text)
    folded = [fold_diacritics(s) for s in sylls]
    tokens: list[str] = []
    for s, f in zip(sylls, folded):
        tokens.append(s)
        tokens.append("~" + f)
    for i in range(len(sylls) - 1):
        tokens.append(f"{sylls[i]}_{sylls[i + 1]}")
        tokens.append(f"~{folded[i]}_{folded[i + 1]}")
    return tokens
