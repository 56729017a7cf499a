"""Places and years named in questions and texts."""
from assistant.places import place_names, years_named


def test_place_names_the_question_is_about():
    assert place_names("Hà Nam đã chi bao nhiêu tỷ đồng cho nông thôn mới?") == ["Hà Nam"]
    assert place_names("Tỉnh Quảng Ninh có bao nhiêu đơn vị bầu cử?") == ["Quảng Ninh"]
    assert place_names("Kế hoạch thi đua ở Nghệ An và ở Đắk Lắk khác gì nhau?") == ["Nghệ An", "Đắk Lắk"]
    assert place_names("Giám sát bầu cử của phường Bắc Cam Ranh, Mặt trận làm gì?") == ["Bắc Cam Ranh"]
    assert place_names("Ở xã Lương Minh, hội nghị lần thứ ba xong khi nào?") == ["Lương Minh"]
    # organisations, abbreviations and unaccented typing are not places
    assert place_names("Theo Luật Mặt trận, cơ quan nào tổng hợp ý kiến cử tri?") == []
    assert place_names("BTT UBMTTQ cấp tỉnh có bao nhiêu người?") == []
    assert place_names("ha nam la tinh thu may hoan thanh nong thon moi") == []
    assert place_names("Chi tieu cua xa Phu Loc la bao nhieu?") == ["Phu Loc"]  # typed without accents
    assert place_names("Bộ tiêu chí của Hà Tĩnh có mấy tiêu chí?") == ["Hà Tĩnh"]  # "Tĩnh" is not "tỉnh"
    assert place_names("Nhiệm kỳ của Ban Thanh tra nhân dân xã Phú Lộc?") == ["Phú Lộc"]
    assert place_names("Ban Thường trực MTTQ xã Phú Lộc họp khi nào?") == ["Phú Lộc"]
    # in apposition the most specific name is the subject
    assert place_names("Thôn Tây xã An Bình làm mới bao nhiêu km?") == ["Tây"]
    assert place_names("Xã Lý Nhân, tỉnh Hà Nam có gì?") == ["Lý Nhân"]


def test_a_question_typed_in_capitals_still_names_its_places():
    from assistant.places import gazetteer

    known = gazetteer(["Năm 2025, xã Phú Lộc làm mới 12 km.", "UBND tỉnh Quảng Ninh; Tỉnh Hà Nam có 5 huyện."])
    assert {"phu loc", "quang ninh", "ha nam"} <= known
    assert {"can tho", "hoi an"} & known == {"can tho"}  # the national list of provinces and cities is in too
    assert place_names("CẦN THƠ CÓ BAO NHIÊU XÃ?", known) == ["Cần Thơ"]
    assert place_names("Huyện Đông Anh có mấy xã?") == ["Đông Anh"]  # "anh" is also a pronoun
    assert place_names("XÃ PHÚ LỘC CÓ BAO NHIÊU KM ĐƯỜNG LÀM MỚI?", known) == ["Phú Lộc"]
    assert place_names("HÀ NAM ĐÃ CHI BAO NHIÊU TỶ ĐỒNG CHO NÔNG THÔN MỚI?", known) == ["Hà Nam"]
    assert place_names("BAN THANH TRA NHÂN DÂN Ở XÃ CÓ BAO NHIÊU THÀNH VIÊN?", known) == []
    assert place_names("CHI TIEU CUA XA PHU LOC LA BAO NHIEU?", known) == ["Phu Loc"]
    # a name runs on into the next words; a name the documents give says where it ends
    assert place_names("XÃ PHÚ LỘC LÀM MỚI BAO NHIÊU KM ĐƯỜNG", known) == ["Phú Lộc"]
    assert place_names("XA PHU LOC LAM MOI BAO NHIEU KM DUONG", known) == ["Phu Loc"]
    assert place_names("TỈNH HÀ NAM HIỆN CÓ BAO NHIÊU XÃ", known) == ["Hà Nam"]
    # else its first two words; one word no document gives is no place ("xã gồm …")
    assert place_names("XÃ PHÚ THỊNH LÀM MỚI BAO NHIÊU KM", known) == ["Phú Thịnh"]
    assert place_names("UBBC Ở XÃ GỒM BAO NHIÊU THÀNH VIÊN?", known) == []
    # abbreviations stay what they are: "HĐND Quảng Ninh" is a body
    assert place_names("NGHỊ QUYẾT 99/2025 CỦA HĐND QUẢNG NINH BAN HÀNH NGÀY NÀO?", known) == []


def test_years_named():
    assert years_named("Chỉ tiêu năm 2024, giai đoạn 2021-2025, đến tháng 3/2021?") == ["2024", "2021", "2025"]
    assert years_named("Có 300 hộ và 12 km đường, mã 120245") == []


def test_a_files_folder_does_not_say_where_it_is_about():
    from assistant.places import document_where
    from ingest.types import Chunk
    from vectorstore.retriever import Hit

    chunk = Chunk("c:0", "…", ["Kế hoạch"], {"title": "Kế hoạch", "source": "corpus/mttq_xa_Luong_Minh/12_phuong_Bac_Cam_Ranh.docx"})
    described, file_name = document_where(Hit(chunk, 1.0, 0.9, 1.0))
    assert "Bac Cam Ranh" in file_name and "Luong" not in file_name + described
