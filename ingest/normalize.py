"""Vietnamese text normalisation shared by every layer.

Everything that enters the index goes through :func:`normalize_text`, and every query
through the same functions, so that both sides compare like with like.
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200c\u200d\u2060]")
_MANY_NEWLINES = re.compile(r"\n\s*\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of horizontal whitespace to one space and trim each line."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def normalize_text(text: str) -> str:
    """NFC, drop control characters, unify line ends, collapse spaces, drop blank lines.

    The result has one paragraph per line and no empty lines.
    """
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = collapse_spaces(text)
    return _MANY_NEWLINES.sub("\n", text).strip()


def normalize_inline(text: str) -> str:
    """NFC and collapse all whitespace, newlines included, to single spaces.

    This is the normalisation of the evaluation hit rule (``shared/eval/README.md``).
    """
    return re.sub(r"\s+", " ", nfc(text)).strip()


def fold_diacritics(text: str) -> str:
    """Strip Vietnamese diacritics and map đ/Đ to d/D: ``"Đường"`` → ``"Duong"``.

    Used for the accent-folded keyword field so that questions typed without
    diacritics ("nong thon moi") meet the same passages.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).replace("đ", "d").replace("Đ", "D")


def syllables(text: str) -> list[str]:
    """Lower-cased NFC word tokens (Vietnamese syllables, numbers), in order."""
    return _WORD.findall(nfc(text).lower())


def has_diacritics(text: str) -> bool:
    """True when ``text`` contains any Vietnamese diacritic or đ."""
    return fold_diacritics(text) != text


# Onsets (initial consonant clusters) of Vietnamese syllables; none is a word by itself.
_ONSETS = ("ngh", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "ch", "b", "c", "d", "đ", "g",
           "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
_VOWELS = "aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_TONED = set("áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵăâêôơư")
_SPLIT_ONSET = re.compile(
    r"(?<![\w])(" + "|".join(_ONSETS) + r") (?=[" + _VOWELS + r"])", re.IGNORECASE)
_E_FAMILY = "êếềểễệ"
_O_FAMILY = "ôốồổỗộ"
_OW_FAMILY = "ơớờởỡợ"
_A_FAMILY = "âấầẩẫậ"
# glide + vowel pairs that form a Vietnamese nucleus (iê/yê, uô, uâ, uyê, ươ)
_NUCLEUS_NEXT = {"i": _E_FAMILY, "y": _E_FAMILY, "u": _O_FAMILY + _A_FAMILY, "ư": _OW_FAMILY}
_SPLIT_NUCLEUS = re.compile(r"(?<![\w])((?:" + "|".join(_ONSETS) + r")?[uoiyư]{1,2}) (?=(\w))", re.IGNORECASE)


def _join_nucleus(m: re.Match) -> str:
    left, right = m.group(1), m.group(2)
    allowed = _NUCLEUS_NEXT.get(left[-1].lower(), "")
    return left if right.lower() in allowed else m.group(0)


_BROKEN_LAYER_MIN = 20


def repair_split_syllables(text: str) -> str:
    """Re-join syllables that a PDF text layer split before their vowel ("ch ủ" → "chủ").

    A lone onset followed by a space and a vowel is always re-joined (an onset is
    never a word). When that happened at least 20 times — evidence of a broken text
    layer — splits after a bare glide ("cu ộc", "quy ền", "Vi ệt") are re-joined too.
    """
    text = nfc(text)
    repaired, count = _SPLIT_ONSET.subn(r"\1", text)
    if count >= _BROKEN_LAYER_MIN:
        repaired = _SPLIT_NUCLEUS.sub(_join_nucleus, repaired)
    return repaired


_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "i", "y", "o", "u")
_SYLLABLE = re.compile(
    r"^(?:" + "|".join(_ONSETS) + r")?[" + _VOWELS + r"]{1,3}(?:" + "|".join(_CODAS) + r")?$")


def looks_like_syllable(word: str) -> bool:
    """True when ``word`` has the shape of one Vietnamese syllable (onset, vowels, coda).

    Abbreviations written in capitals (MTTQ, HĐND, UBND) do not: they tell
    themselves apart from capitalised words (CHỨC, TỔ) this way.
    """
    return bool(_SYLLABLE.match(nfc(word).lower()))
