from assistant.diacritics import DiacriticRestorer

CORPUS = [
    "Ngày 31/12/2020 tỉnh Hà Nam được công nhận hoàn thành nhiệm vụ xây dựng nông thôn mới.",
    "Mặt trận Tổ quốc Việt Nam tham gia công tác bầu cử đại biểu Quốc hội.",
    "Ban Thanh tra nhân dân ở xã có từ 5 đến 11 thành viên.",
    "Đường thôn Đông được bê tông hóa; ông Dương là trưởng thôn.",
]


def test_restores_the_reading_the_corpus_supports():
    restorer = DiacriticRestorer.from_texts(CORPUS)
    assert restorer.restore("ha nam hoan thanh xay dung nong thon moi") == "hà nam hoàn thành xây dựng nông thôn mới"
    assert restorer.restore("mat tran to quoc tham gia bau cu") == "mặt trận tổ quốc tham gia bầu cử"
    assert restorer.restore("ban thanh tra nhan dan co bao nhieu thanh vien") == \
        "ban thanh tra nhân dân có bao nhiêu thành viên"


def test_text_with_any_accent_or_unknown_words_is_kept():
    restorer = DiacriticRestorer.from_texts(CORPUS)
    assert restorer.restore("Hà Nam hoan thanh") == "Hà Nam hoan thanh"
    assert restorer.restore("xyz 2025 nong thon") == "xyz 2025 nông thôn"


def test_a_citizens_words_win_over_the_documents_homographs():
    # official texts say "tối thiểu", "bộ máy", "hợp tác" far more than a citizen's "tôi",
    # "mấy", "họp": the question register is seeded, the documents' word still wins in context
    documents = ["Mức chi tối thiểu, tối đa cho bộ máy; phối hợp, hợp tác, phù hợp với bộ máy."] * 5
    restorer = DiacriticRestorer.from_texts(documents)
    assert restorer.restore("thon toi co may nguoi di hop") == "thôn tôi có mấy người đi họp"
    assert restorer.restore("muc chi toi thieu cho bo may") == "mức chi tối thiểu cho bộ máy"
