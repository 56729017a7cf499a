"""Vietnamese text in the pre-Unicode 8-bit encodings TCVN3 (ABC, fonts .VnTime…) and
VNI-Windows (fonts VNI-Times…), converted to NFC Unicode.

Word files store such text as cp1252 characters in runs whose font names the encoding
("Céng hßa" in .VnTime, "Coäng hoøa" in VNI-Times); plain-text files hold the raw bytes.
TCVN3 maps one byte to one letter (table of TCVN 5712:1993, as glibc's iconv
"TCVN5712-1" decodes it); VNI-Windows writes a base vowel followed by a mark byte.
"""
from __future__ import annotations

import re
import unicodedata

from ingest.normalize import looks_like_syllable

# TCVN 5712 (VN1 superset of TCVN3/ABC) for bytes 0x80–0xFF, in byte order
_TCVN_HIGH = ("ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ" "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ" "\u0300\u0309\u0303\u0301\u0323"
              "àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ")
assert len(_TCVN_HIGH) == 128


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # bytes cp1252 leaves undefined come through as C1 controls


_TCVN3 = {_cp1252_char(0x80 + i): ch for i, ch in enumerate(_TCVN_HIGH)}


def legacy_chars(data: bytes) -> str:
    """Raw 8-bit bytes as the cp1252 characters Word would show for them."""
    return "".join(chr(b) if b < 0x80 else _cp1252_char(b) for b in data)

_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
_VOWELS = set("aeiouyơư")


def _with_case(ch: str, upper: bool) -> str:
    return ch.upper() if upper else ch


def vni_to_unicode(text: str) -> str:
    """Decode VNI-Windows text (as cp1252 characters) to NFC Unicode."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        base = _VNI_SINGLE.get(low, low)
        if base != low:
            ch = _with_case(base, ch.isupper())
        nxt = text[i + 1] if i + 1 < len(text) else ""
        mark = nxt.lower()
        if base in _VOWELS and mark:
            combining = None
            if base in "aeo" and mark in _CIRCUMFLEX:
                combining = "\u0302" + _CIRCUMFLEX[mark]
            elif base == "a" and mark in _BREVE:
                combining = "\u0306" + _BREVE[mark]
            elif mark in _TONE:
                combining = _TONE[mark]
            if combining is not None:
                out.append(unicodedata.normalize("NFC", ch + combining))
                i += 2
                continue
        out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def tcvn3_to_unicode(text: str) -> str:
    """Decode TCVN3/ABC text (as cp1252 characters) to NFC Unicode."""
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(ch, ch) for ch in text))


_CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
_FONT_ENCODING = [(re.compile(r"^vni[-_ ]", re.IGNORECASE), "vni"),
                  (re.compile(r"^\.?vn(?!i[-_ ])[a-z]", re.IGNORECASE), "tcvn3")]
_WORD = re.compile(r"[^\W\d_]+")


def encoding_of_font(font: str | None) -> str | None:
    """``tcvn3`` for ".VnTime", ".VnArial"…; ``vni`` for "VNI-Times"…; else None."""
    for pattern, name in _FONT_ENCODING:
        if font and pattern.match(font.strip()):
            return name
    return None


def convert(text: str, encoding: str, font: str | None = None) -> str:
    """``text`` from ``encoding`` (tcvn3 or vni) to Unicode; fonts ending in "H"
    (".VnTimeH") show capitals of lower-case codes."""
    result = _CONVERTERS[encoding](text)
    if font and encoding == "tcvn3" and font.strip().endswith("H"):
        result = result.upper()
    return result


def syllable_share(text: str) -> float:
    """Share of words in ``text`` that have the shape of Vietnamese syllables (0–1)."""
    words = _WORD.findall(text)
    return sum(looks_like_syllable(w) for w in words) / len(words) if words else 1.0


def detect_and_convert(text: str, min_gain: float = 0.2, min_share: float = 0.85) -> tuple[str, str | None]:
    """Convert ``text`` when it reads as TCVN3 or VNI rather than as itself.

    Each conversion is tried; one is kept when at least ``min_share`` of its words are
    Vietnamese syllables and it beats the text as given by ``min_gain``.

    Returns:
        ``(text, encoding)``: the text in NFC; ``encoding`` is None when it was not converted.
    """
    text = unicodedata.normalize("NFC", text)  # decomposed Unicode is Unicode, not a legacy encoding
    baseline = syllable_share(text)
    best, best_name, best_share = text, None, baseline
    for name, fn in _CONVERTERS.items():
        candidate = fn(text)
        share = syllable_share(candidate)
        if share > best_share:
            best, best_name, best_share = candidate, name, share
    if best_name and best_share >= min_share and best_share - baseline >= min_gain:
        return best, best_name
    return text, None
