from assistant.qualifiers import contradicts, qualifiers


def test_qualifiers_are_read_by_family_with_numbers_normalised():
    assert qualifiers("Ban Thường trực Ủy ban MTTQ cấp tỉnh") == {"level": {"tinh"}}
    assert qualifiers("Hội nghị hiệp thương lần thứ ba") == {"round": {"3"}}
    assert qualifiers("hoi nghi hiep thuong lan thu 3") == {"round": {"3"}}
    assert qualifiers("Quốc hội khóa XVI và khóa 15") == {"term": {"16", "15"}}
    assert qualifiers("sản phẩm OCOP đạt 4 sao") == {"stars": {"4"}}
    assert qualifiers("Giải Nhì hội thi") == {"prize": {"nhi"}}
    assert qualifiers("giải quyết khiếu nại của cử tri") == {}


def test_a_text_naming_only_another_value_contradicts_the_question():
    asked = qualifiers("Chủ tịch Ủy ban bầu cử cấp xã được hỗ trợ bao nhiêu?")
    assert contradicts(asked, "- Cấp tỉnh: 500.000 đồng/tháng.")
    assert not contradicts(asked, "- Cấp xã: 350.000 đồng/tháng.")
    assert not contradicts(asked, "Cấp tỉnh 500.000 đồng, cấp xã 350.000 đồng.")  # names the asked one too
    assert not contradicts(asked, "Mức hỗ trợ 350.000 đồng/tháng.")  # names no level
    assert contradicts(qualifiers("Đại hội lần thứ tư họp ngày nào?"), "Đại hội lần thứ ba họp ngày 20/5/2024.")
    assert not contradicts({}, "Cấp tỉnh: 500.000 đồng.")


def test_the_tier_of_nong_thon_moi_is_a_qualifier():
    asked = qualifiers("Xã An Bình đạt chuẩn nông thôn mới kiểu mẫu năm nào?")
    assert asked == {"ntm_tier": {"kieu mau"}}
    assert contradicts(asked, "Ngày 20/12/2023, xã được công nhận đạt chuẩn nông thôn mới nâng cao.")
    assert not contradicts(asked, "Xã đăng ký xây dựng xã nông thôn mới kiểu mẫu giai đoạn 2024 - 2025.")


def test_what_is_no_qualifier():
    assert qualifiers("Hội nghị hiệp thương lần thứ mấy lập danh sách chính thức?") == {}  # asks the round
    assert qualifiers("Đại hội lần thứ bao nhiêu?") == {}
    assert qualifiers("Hội nghị lần thứ mười hai khóa VIII") == {"round": {"12"}, "term": {"8"}}
    assert qualifiers("Tỉnh cấp xã Tân Phú 500 triệu đồng") == {}  # "cấp" is the verb, then a place
    assert qualifiers("Nâng cao đời sống văn hóa ở khu dân cư kiểu mẫu") == {}  # not the tier of nông thôn mới
