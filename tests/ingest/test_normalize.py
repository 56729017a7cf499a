import unicodedata

from ingest.normalize import (fold_diacritics, has_diacritics, normalize_inline, normalize_text,
                              repair_split_syllables, syllables)


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Mặt trận Tổ quốc Việt Nam")
    assert nfd != "Mặt trận Tổ quốc Việt Nam"
    assert normalize_text(nfd) == "Mặt trận Tổ quốc Việt Nam"


def test_whitespace_collapsed_and_blank_lines_dropped():
    text = "  Điều 1.\u00a0\u00a0Phạm vi \t điều chỉnh \r\n\r\n\n Quy chế  này \u200b\n"
    assert normalize_text(text) == "Điều 1. Phạm vi điều chỉnh\nQuy chế này"
    assert normalize_inline("a\n b\t\tc") == "a b c"


def test_fold_diacritics_maps_d_stroke():
    assert fold_diacritics("Đường làng ở xã Nông thôn mới") == "Duong lang o xa Nong thon moi"
    assert has_diacritics("đường") and not has_diacritics("duong")


def test_syllables_lowercase_nfc():
    assert syllables("UBND xã An Bình, 2025!") == ["ubnd", "xã", "an", "bình", "2025"]


def test_split_syllables_repaired_without_joining_real_words():
    broken = ("Nhà nước bảo đảm quy ền làm ch ủ của Nhân dân; công nh ận, b ảo vệ quyền con ng ười, "
              "th ực hiện, n ước mạnh, công b ằng, cu ộc sống, Đảng C ộng s ản Vi ệt Nam. ") * 3
    fixed = repair_split_syllables(broken + "cho ăn, đi ăn, điểm b khoản 2")
    for word in ("quyền", "chủ", "nhận", "bảo", "người", "thực", "nước", "bằng", "cuộc", "Cộng", "sản", "Việt"):
        assert word in fixed
    assert fixed.endswith("cho ăn, đi ăn, điểm b khoản 2")


def test_clean_text_is_left_alone_by_repair():
    text = "Ủy ban nhân dân xã tổ chức hội nghị, cho ăn ở, đi ăn cỗ."
    assert repair_split_syllables(text) == text
