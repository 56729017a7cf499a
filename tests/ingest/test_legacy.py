import unicodedata

import pytest

from ingest.legacy import _TCVN_HIGH, detect_and_convert, encoding_of_font, tcvn3_to_unicode, vni_to_unicode
from ingest.loaders import load_file
from tests.conftest import shared_path

TEXT = "Ban Thường trực Ủy ban Mặt trận Tổ quốc xã hướng dẫn tổ chức Ngày hội Đại đoàn kết toàn dân tộc"


def _to_tcvn3_bytes(text: str) -> bytes:
    """Encode as a TCVN3 file would hold it (the charset has no toned capitals: lower them)."""
    byte_of = {ch: 0x80 + i for i, ch in enumerate(_TCVN_HIGH) if ch.islower() or not ch.isalpha()}
    byte_of.update({"Đ": 0xA7, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6})
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        out += ch.encode() if ch.isascii() else bytes([byte_of.get(ch) or byte_of[ch.lower()]])
    return bytes(out)


def test_vni_marks_compose():
    assert vni_to_unicode("Maët traän Toå quoác Vieät Nam") == "Mặt trận Tổ quốc Việt Nam"
    assert vni_to_unicode("höôùng daãn, ñoaøn keát, UÛy ban, nghóa, vaên") == "hướng dẫn, đoàn kết, Ủy ban, nghĩa, văn"


def test_tcvn3_keeps_u_horn_soft_hyphen():
    assert tcvn3_to_unicode("h\xadíng d\xc9n") == "hướng dẫn"  # 0xAD is ư, not a soft hyphen to drop


def test_fonts_name_the_encoding():
    assert encoding_of_font(".VnTime") == "tcvn3" and encoding_of_font(".VnTimeH") == "tcvn3"
    assert encoding_of_font("VNI-Times") == "vni"
    assert encoding_of_font("Times New Roman") is None and encoding_of_font("Verdana") is None


def test_unicode_and_english_are_left_alone():
    assert detect_and_convert(TEXT) == (TEXT, None)
    english = "The committee meets every month to review the progress of the programme."
    assert detect_and_convert(english) == (english, None)


def test_tcvn3_text_file_converted(tmp_path):
    path = tmp_path / "cong-van.txt"
    path.write_bytes(_to_tcvn3_bytes(TEXT + ".\r\n") * 3)
    _fmt, loaded = load_file(path)
    assert loaded.metadata["legacy_encoding"] == "tcvn3"
    assert loaded.paragraphs[0] == TEXT.replace("Ủy", "ủy") + "."  # TCVN3 has no toned capitals


@pytest.mark.parametrize("name", ["cong_van_2009_tcvn3.txt", "cong_van_2009_vni.txt",
                                  "cong_van_2009_tcvn3_VnTime.docx", "cong_van_2009_VNI-Times.docx"])
def test_shared_case_03_converted(name):
    from ingest.normalize import normalize_text

    path = shared_path("cases", "03-legacy-tcvn3-vni", name)
    expected = path.with_name("expected_unicode.txt").read_text(encoding="utf-8")
    _fmt, loaded = load_file(path)
    text = normalize_text("\n".join(loaded.paragraphs))
    for phrase in ("Cộng hòa xã hội chủ nghĩa Việt Nam", "Ngày hội Đại đoàn kết toàn dân tộc", "Mặt trận Tổ quốc",
                   "hướng dẫn"):
        assert phrase in text
    assert " ".join(text.lower().split()) == " ".join(normalize_text(expected).lower().split())


@pytest.mark.parametrize("name", ["thong_bao_nfc.txt", "thong_bao_nfd.txt", "thong_bao_tron_nfc_nfd.txt"])
def test_shared_case_02_nfd_is_unicode_not_legacy(name):
    from ingest.normalize import normalize_text

    path = shared_path("cases", "02-nfd-unicode-text", name)
    _fmt, loaded = load_file(path)
    assert "legacy_encoding" not in loaded.metadata
    text = normalize_text("\n".join(loaded.paragraphs))
    reference = normalize_text(path.with_name("thong_bao_nfc.txt").read_text(encoding="utf-8"))
    assert text == unicodedata.normalize("NFC", text)
    assert " ".join(text.split()) == " ".join(reference.split())
