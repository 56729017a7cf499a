from assistant.extractive import has_kind, split_units


def test_list_kept_whole_with_its_lead_in():
    passage = ("Điều 3. Giám sát\nMặt trận giám sát bằng các hình thức sau:\na) Nghiên cứu văn bản;\n"
               "b) Tổ chức đoàn giám sát.\nKết quả được gửi cơ quan có thẩm quyền. Cơ quan phải trả lời.")
    units = split_units(passage)
    assert "Mặt trận giám sát bằng các hình thức sau:\na) Nghiên cứu văn bản;\nb) Tổ chức đoàn giám sát." in units
    assert "Kết quả được gửi cơ quan có thẩm quyền." in units
    assert "Cơ quan phải trả lời." in units


def test_quantity_answers_must_count_the_asked_thing():
    from assistant.extractive import has_kind

    q = "Ban Thanh tra nhân dân ở xã có bao nhiêu thành viên?"
    assert has_kind("Ban Thanh tra nhân dân ở xã có từ 5 đến 11 thành viên.", "number", q)
    assert not has_kind("Nhiệm kỳ của Ban Thanh tra nhân dân là 2 năm.", "number", q)
    money = "Trưởng ban công tác Mặt trận được hưởng phụ cấp hằng tháng là bao nhiêu?"
    assert not has_kind("Trưởng ban công tác Mặt trận tổ chức họp 2 lần mỗi năm.", "number", money)
    assert has_kind("Mức phụ cấp là 1.500.000 đồng/tháng.", "number", money)
    assert has_kind("bảo đảm ít nhất 35% tổng số người", "number", "phụ nữ chiếm ít nhất bao nhiêu phần trăm?")
    assert has_kind("Ban Thường trực cấp tỉnh từ 7 - 9 đồng chí", "number", "BTT cấp tỉnh có bao nhiêu người?")


def test_who_questions_need_a_name_not_in_the_question():
    from assistant.extractive import has_kind

    q = "Ai là Chủ tịch Ủy ban MTTQ xã An Bình?"
    assert not has_kind("Khi cần, Chủ tịch Ủy ban MTTQ xã triệu tập họp bất thường.", "person", q)
    assert has_kind("Chủ tịch Ủy ban MTTQ xã là ông Nguyễn Văn Bình.", "person", q)


def test_faq_answer_follows_its_question():
    from assistant.extractive import TermStats, select_units
    from ingest.types import Chunk
    from vectorstore.retriever import Hit

    text = ("Hỏi: Xã đăng ký mô hình kiểu mẫu trên lĩnh vực nào?\n"
            "Đáp: Xã đăng ký mô hình trên lĩnh vực môi trường.\n"
            "Hỏi: Người dân tham gia bằng cách nào?\n"
            "Đáp: Mỗi hộ gia đình phân loại rác tại nguồn và trồng hàng rào xanh.")
    hit = Hit(Chunk("faq:0", text, ["Hỏi đáp nông thôn mới"], {"title": "Hỏi đáp nông thôn mới"}), 1.0, 0.9, 1.0)
    stats = TermStats([text, "Người dân xã An Bình dự ngày hội.", "Quy chế làm việc của Ban Thường trực."])
    units = select_units("Người dân tham gia bằng cách nào?", [hit], stats)
    assert units[0].text.startswith("Đáp: Mỗi hộ gia đình phân loại rác")  # shares no word with the question
    assert units[0].coverage == 1.0


def test_dong_the_currency_is_not_hoi_dong_or_cong_dong():
    from assistant.extractive import has_kind, quantity_pattern

    question = "Thu nhập bình quân đầu người phải đạt tối thiểu bao nhiêu triệu đồng/năm?"
    assert has_kind("đạt 55 triệu đồng/người/năm", "number", question)
    assert not has_kind("NGHỊ QUYẾT SỐ 10/2022/NQ-HĐND NGÀY 14 THÁNG 7 NĂM 2022 CỦA HỘI ĐỒNG NHÂN DÂN TỈNH",
                        "number", question)
    # "Quỹ … cộng đồng" does not make a count of times a question about money
    pattern = quantity_pattern("Ban kiểm soát kiểm toán Quỹ hỗ trợ cộng đồng mấy lần mỗi năm?")
    assert pattern is None or not pattern.search("500 triệu đồng")


def test_a_header_in_capitals_is_not_an_answer():
    from assistant.extractive import TermStats, select_units
    from ingest.types import Chunk
    from vectorstore.retriever import Hit

    text = ("NGHỊ QUYẾT VỀ MỨC THU NHẬP BÌNH QUÂN CỦA XÃ NÔNG THÔN MỚI NĂM 2022\n"
            "Thu nhập bình quân đầu người của xã nông thôn mới năm 2022 phải đạt tối thiểu 55 triệu đồng.")
    hit = Hit(Chunk("nq:0", text, ["Nghị quyết"], {"title": "Nghị quyết"}), 1.0, 0.9, 1.0)
    stats = TermStats([text, "Ngày hội đại đoàn kết ở thôn.", "Quy chế làm việc."])
    units = select_units("Thu nhập bình quân của xã nông thôn mới năm 2022 là bao nhiêu?", [hit], stats)
    assert units[0].text.startswith("Thu nhập bình quân đầu người")


def test_a_neighbouring_commune_does_not_answer_for_the_one_asked_about():
    from assistant.extractive import TermStats, select_units
    from ingest.types import Chunk
    from vectorstore.retriever import Hit

    text = ("Năm 2025, xã Tân Lập đã xây dựng 40 căn nhà đại đoàn kết cho hộ nghèo.\n"
            "Trong khi đó, xã Phú Mỹ bên cạnh đã sửa chữa 25 căn nhà cho hộ cận nghèo.")
    hit = Hit(Chunk("t:0", text, ["Tin xã Tân Lập"], {"title": "Tin xã Tân Lập", "source": "tin_tan_lap.txt"}),
              1.0, 0.9, 1.0)
    stats = TermStats([text, "Ngày hội ở thôn.", "Quy chế làm việc."])
    question = "Xã Tân Lập sửa chữa bao nhiêu căn nhà cho hộ cận nghèo?"
    units = select_units(question, [hit], stats, places=["Tân Lập"])
    assert units and all("Phú Mỹ" not in u.text for u in units)
    # a province's document may answer from a sentence about one of its communes
    units = select_units("Ở Phú Yên, xã nào sửa chữa nhà cho hộ cận nghèo?", [Hit(
        Chunk("p:0", text, ["Báo cáo tỉnh Phú Yên"], {"title": "Báo cáo tỉnh Phú Yên"}), 1.0, 0.9, 1.0)],
        stats, places=["Phú Yên"])
    assert units and "Phú Mỹ" in units[0].text


def test_an_amount_answers_a_payment_question_only_next_to_the_same_payment():
    question = "Trưởng ban giám sát đầu tư của cộng đồng được phụ cấp bao nhiêu tiền mỗi tháng?"
    assert has_kind("Trưởng ban được hưởng phụ cấp 500.000 đồng/tháng.", "number", question)
    assert not has_kind("Mỗi nhà được hỗ trợ 60 triệu đồng từ Quỹ “Vì người nghèo”.", "number", question)
    # a question that names no payment takes any amount
    assert has_kind("mức thấp nhất là 20.000.000 đồng/năm/xã", "number", "Xã được bố trí bao nhiêu tiền?")
    # the payment may be named in the heading above the amount
    heading = "Điều 5. Phụ cấp hằng tháng"
    assert has_kind("- Trưởng ban Công tác Mặt trận thôn: 1.200.000 đồng/tháng.", "number", question, heading)
    # who receives it must match when both say it: not a hộ nghèo's "hỗ trợ" for a trưởng ban
    asked = "Trưởng ban Công tác Mặt trận thôn được hỗ trợ bao nhiêu tiền mỗi tháng?"
    assert not has_kind("Mỗi hộ nghèo của xã Phú Thịnh được hỗ trợ 3.000.000 đồng.", "number", asked)
    assert has_kind("Trưởng ban Công tác Mặt trận thôn được hỗ trợ 500.000 đồng/tháng.", "number", asked)
    assert has_kind("Mỗi nhà Đại đoàn kết được hỗ trợ 60 triệu đồng.", "number",
                    "Mỗi nhà Đại đoàn kết được hỗ trợ bao nhiêu tiền?")
    # a multiple of "lương cơ sở" is an amount, but not the value of "lương cơ sở" itself
    assert has_kind("Trưởng ban: bằng 0,3 lần mức lương cơ sở.", "number", question.replace("phụ cấp", "lương"))
    assert not has_kind("Chủ nhiệm: bằng 1,2 lần mức lương cơ sở.", "number", "Lương cơ sở hiện nay là bao nhiêu tiền?")


def _units_of_one_passage(question: str, text: str, title: str):
    """:func:`select_units` over one passage of a document titled ``title``."""
    from assistant.extractive import TermStats, select_units
    from ingest.types import Chunk
    from vectorstore.retriever import Hit

    hit = Hit(Chunk(f"{title}:0", text, [title], {"title": title}), 1.0, 0.9, 1.0)
    return select_units(question, [hit], TermStats([text, "Ngày hội ở thôn.", "Quy chế làm việc.", "Báo cáo năm."]))


def test_another_level_round_or_prize_does_not_answer():
    text = ("Chi hỗ trợ cước điện thoại cho Chủ tịch Ủy ban bầu cử:\n"
            "- Cấp tỉnh: 500.000 đồng/tháng.\n"
            "- Cấp xã: 350.000 đồng/tháng.\n"
            "Giải Nhất hội thi được thưởng 2.000.000 đồng.")
    units = _units_of_one_passage("Chủ tịch Ủy ban bầu cử cấp xã được hỗ trợ cước điện thoại bao nhiêu tiền?",
                                  text, "Quyết định chi bầu cử")
    assert units and "350.000" in units[0].text and "500.000" not in units[0].text
    units = _units_of_one_passage("Giải Nhì hội thi được thưởng bao nhiêu tiền?", text, "Quyết định chi bầu cử")
    assert all("Giải Nhất" not in u.text for u in units)


def test_a_year_answers_nam_nao_and_a_round_is_no_weekday():
    assert has_kind("Xã đạt chuẩn năm 2023.", "date", "Xã đạt chuẩn năm nào?")
    assert not has_kind("Ban tổng hợp kết quả hằng quý.", "date", "Xã đạt chuẩn năm nào?")
    assert has_kind("Tiếp công dân sáng thứ Năm hằng tuần.", "date", "Tiếp công dân vào ngày nào?")
    assert not has_kind("Biên bản Hội nghị hiệp thương lần thứ ba.", "date", "Hội nghị xong ngày nào?")


def test_a_bullet_says_its_fact_of_the_numbered_item_above_it():
    text = ("2. Hội nghị hiệp thương lần thứ hai\n"
            "- Thời gian: chậm nhất ngày 05/01/2026.\n"
            "3. Hội nghị hiệp thương lần thứ ba\n"
            "Nội dung: lập danh sách chính thức những người ứng cử.\n"
            "- Thời gian: chậm nhất ngày 20/02/2026.")
    units = _units_of_one_passage("Hội nghị hiệp thương lần thứ ba xong chậm nhất ngày nào?", text, "Kế hoạch bầu cử")
    assert units and "20/02/2026" in units[0].text and units[0].coverage > 0.5


def test_counting_words_are_no_weekdays_and_days_have_several_forms():
    question = "Hội nghị sơ kết tổ chức vào ngày nào?"
    assert not has_kind("Thứ hai, hội nghị sơ kết được tổ chức tại hội trường.", "date", question)
    assert not has_kind("Nhiệm vụ thứ hai là thảo luận văn kiện.", "date", question)
    assert has_kind("Hội nghị họp vào thứ Ba tuần đầu tháng.", "date", question)
    assert has_kind("Ngày hội tổ chức vào 18 tháng 11 năm 2025.", "date", question)


def test_an_faq_answer_is_about_its_question_level():
    text = ("Hỏi: Ai là người ký quyết định khen thưởng cấp xã?\n"
            "Đáp: Chủ tịch Ủy ban nhân dân xã Tân Phú ký quyết định.")
    assert all("Chủ tịch" not in u.text for u in
               _units_of_one_passage("Ai ký quyết định khen thưởng cấp tỉnh?", text, "Hỏi đáp thi đua"))
    units = _units_of_one_passage("Ai ký quyết định khen thưởng cấp xã?", text, "Hỏi đáp thi đua")
    assert units and "Chủ tịch Ủy ban nhân dân xã Tân Phú" in units[0].text
