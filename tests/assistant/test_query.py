from assistant.query import abbreviations, build_query, content_terms, expand_abbreviations, is_follow_up


def test_abbreviations_expand_both_ways_and_ignore_case_and_accents():
    assert "nông thôn mới" in expand_abbreviations("tieu chi xa NTM kieu mau")
    assert "NTM" in expand_abbreviations("tiêu chí xã nông thôn mới kiểu mẫu")
    assert "NTM" in expand_abbreviations("tieu chi xa nong thon moi kieu mau")
    assert "Hội đồng nhân dân" in expand_abbreviations("đại biểu hdnd xã")
    assert "tiếp xúc cử tri" in expand_abbreviations("ĐBQH đi TXCT")
    assert expand_abbreviations("câu hỏi không viết tắt gì") == []


def test_dictionary_lives_in_one_file_and_has_the_domain_terms():
    shorts = {a.short for a in abbreviations()}
    assert {"MTTQ", "UBMTTQ", "NTM", "UBND", "HĐND", "ĐBQH", "BTT", "KDC", "TXCT", "UBBC"} <= shorts


def test_follow_up_joined_to_previous_user_turn():
    history = [{"role": "user", "content": "Hồ sơ ứng cử đại biểu HĐND xã gồm những gì?"},
               {"role": "assistant", "content": "Hồ sơ gồm đơn, sơ yếu lý lịch…"}]
    query = build_query("Còn thời hạn nộp thì sao?", history)
    assert query.standalone.startswith("Hồ sơ ứng cử đại biểu HĐND xã gồm những gì?")
    assert query.standalone.endswith("Còn thời hạn nộp thì sao?")
    assert "Hội đồng nhân dân" in query.keyword


def test_standalone_question_is_not_rewritten():
    history = [{"role": "user", "content": "Câu hỏi trước về bầu cử"}]
    question = "Tỉnh Hà Nam được công nhận hoàn thành nhiệm vụ xây dựng nông thôn mới vào ngày nào?"
    assert not is_follow_up(question)
    assert build_query(question, history).standalone == question


def test_content_terms_drop_question_words():
    assert content_terms("Nhiệm kỳ của Ban là bao nhiêu tháng?") == ["nhiem", "ky", "ban"]


def test_synonyms_reach_the_keyword_query_only():
    from assistant.query import expand_synonyms

    assert "chậm nhất" in expand_synonyms("hội nghị phải xong muộn nhất là ngày nào")
    assert "hình thức" in expand_synonyms("giám sát bằng những cách nào")
    query = build_query("Hội nghị hiệp thương lần thứ ba phải xong muộn nhất là ngày nào?")
    assert "chậm nhất" in query.keyword and "chậm nhất" not in query.dense


def test_unaccented_question_is_restored_for_the_dense_side():
    query = build_query("ha nam hoan thanh nong thon moi", restore=lambda _t: "hà nam hoàn thành nông thôn mới")
    assert query.dense.startswith("hà nam hoàn thành nông thôn mới")
    assert "ha nam hoan thanh nong thon moi" in query.keyword and "hà nam" in query.keyword


def test_reference_back_is_a_follow_up():
    assert is_follow_up("Chương trình của hội nghị đó gồm những phần nào?")


def test_follow_ups_typed_without_accents():
    assert is_follow_up("Con lan thu ba thi ban viec gi, va nguoi the nao thi khong duoc dua vao danh sach?")
    assert is_follow_up("The con viec xay dung bang tien dan dong gop thi co phai chiu thue khong?")
    assert is_follow_up("con xa phu loc trong ke hoach nam sau thi sao")
    assert not is_follow_up("ban thanh tra nhan dan o xa co bao nhieu thanh vien")
    # "do" may be "đó" or "do": the accent-restored reading decides
    history = [{"role": "user", "content": "Ai tổ chức hội nghị tiếp xúc cử tri ở xã?"}]
    question = "chuong trinh cua hoi nghi do gom nhung phan nao"
    assert build_query(question, history).standalone == question
    restored = build_query(question, history, restore=lambda q: "chương trình của hội nghị đó gồm những phần nào")
    assert restored.standalone.startswith("Ai tổ chức hội nghị")


def test_document_numbers_named_in_questions():
    from assistant.query import document_refs

    assert document_refs("Theo QĐ 301-QĐ/TW, BTT cấp tỉnh có bao nhiêu người?") == ["301-QĐ/TW"]
    assert document_refs("Quyết định 318 ngày 13/3/2025 nói gì?") == ["318"]
    assert document_refs("văn bản 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN") == ["102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN"]
    assert document_refs("Ngày 31/12/2020 tỉnh Hà Nam được công nhận") == []


def test_synonym_words_say_what_a_text_also_says():
    from assistant.query import synonym_words
    from ingest.normalize import fold_diacritics, syllables

    said = synonym_words(syllables("Kinh phí của xã mức thấp nhất là 20.000.000 đồng/năm"), fold=False)
    assert {"tối", "thiểu", "tiền"} <= said
    # with accents typed, "tổng hợp" is no "họp"; folded, the two cannot be told apart
    assert "hội" not in synonym_words(syllables("gửi Ủy ban để tổng hợp"), fold=False)
    assert "hoi" in synonym_words([fold_diacritics(w) for w in syllables("gửi Ủy ban để tổng hợp")])
    assert synonym_words(syllables("Ban có 5 thành viên"), fold=False) == set()
