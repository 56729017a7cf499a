"""Issue dates, titles and authors: what a reader of the document would name them."""
from pathlib import Path

import pytest

from ingest.metadata import clean_author, extract_metadata, find_author, find_date, sentence_case
from ingest.pipeline import ingest_paths
from tests.conftest import shared_path


def test_shared_case_31_signing_line_dates_the_notice_not_the_announced_meeting():
    path = shared_path("cases", "31-doc-date-from-event", "thong-bao-ket-qua-hiep-thuong.txt")
    result = ingest_paths([path])
    assert result.chunks[0].metadata["date"] == "2026-03-06"
    assert result.statuses[0].title == "Thông báo kết quả hiệp thương lần thứ hai xã Đông Vân Sơn"


def test_shared_case_24_a_meeting_time_is_not_an_issue_date():
    path = shared_path("cases", "24-html-br-lines", "thong-bao-hoi-nghi-tiep-xuc.html")
    assert "date" not in ingest_paths([path]).chunks[0].metadata


PLAN = [
    "ỦY BAN MTTQ VIỆT NAM XÃ TÂN LẬP",
    "KẾ HOẠCH",
    "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026",
    "Căn cứ Nghị quyết số 12/NQ-HĐND, ngày 05 tháng 01 năm 2026 của Hội đồng nhân dân xã Tân Lập;",
    "Thực hiện Kế hoạch số 03/KH-MTTQ ngày 10/01/2026 của Ban Thường trực Ủy ban MTTQ tỉnh,",
    "Ngày 18 tháng 11 năm 2026, các thôn tổ chức ngày hội tại nhà văn hóa.",
    "Thời gian: 7 giờ 30 ngày 18/11/2026",
]


@pytest.mark.parametrize("lines,expected", [
    (PLAN + ["Tân Lập, ngày 20 tháng 01 năm 2026", "TM. BAN THƯỜNG TRỰC"], "2026-01-20"),  # signed at the end
    (PLAN, None),  # cited documents' and events' dates never date the plan
    (["ỦY BAN MTTQ XÃ TÂN LẬP Số: 05/KH-MTTQ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
      "Tân Lập, ngày 15 tháng 4 năm 2026", "KẾ HOẠCH"], "2026-04-15"),  # one table cell with the motto
    (["Số hiệu: | 05/2026/NQ-HĐND", "Ngày ban hành: | 18/11/2025", "Căn cứ Luật số 72/2025/QH15 ngày 16/6/2025;"],
     "2025-11-18"),
    (["Thôn Đông ra mắt mô hình thôn xanh", "Thứ Ba, 18/11/2025 08:30", "Sáng ngày 16/11/2025, thôn tổ chức."],
     "2025-11-18"),
    (["Thành phố Huế, ngày 18 tháng 11 năm 2025"], "2025-11-18"),
])
def test_issue_date_rules(lines, expected):
    assert find_date("\n".join(lines)) == expected


@pytest.mark.parametrize("caps,expected", [
    ("KẾT QUẢ HIỆP THƯƠNG LẦN THỨ HAI XÃ TÂN LẬP NĂM 2026", "kết quả hiệp thương lần thứ hai xã Tân Lập năm 2026"),
    ("PHONG TRÀO THI ĐUA CỦA TỈNH BÀ RỊA - VŨNG TÀU VÀ TỈNH ĐẮK LẮK",
     "phong trào thi đua của tỉnh Bà Rịa - Vũng Tàu và tỉnh Đắk Lắk"),
    ("AN SINH XÃ HỘI Ở THÔN BẾN ĐÒ, XÃ TÂN LẬP", "an sinh xã hội ở thôn Bến Đò, xã Tân Lập"),
    ("SỬA ĐỔI NGHỊ QUYẾT SỐ 10/2022/NQ-HĐND CỦA HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NINH",
     "sửa đổi Nghị quyết số 10/2022/NQ-HĐND của Hội đồng nhân dân tỉnh Quảng Ninh"),
    ("TUYÊN TRUYỀN VỀ MẶT TRẬN TỔ QUỐC VIỆT NAM VÀ BẦU CỬ QUỐC HỘI KHÓA XVI",
     "tuyên truyền về Mặt trận Tổ quốc Việt Nam và bầu cử Quốc hội khóa XVI"),
    ("Tổ chức Tết trồng cây năm 2026", "tổ chức Tết trồng cây năm 2026"),  # typed in sentence case: kept
])
def test_titles_in_capitals_keep_their_names(caps, expected):
    assert sentence_case(caps, []) == expected


def test_the_documents_own_mixed_case_mentions_win():
    body = ["Hội nghị diễn ra tại thôn Bến Đò.", "Bà con ở khu vực bến đò cũ được mời dự."]
    assert sentence_case("HỌP DÂN KHU BẾN ĐÒ", body) == "họp dân khu bến đò"  # "khu" names no unit here
    assert sentence_case("HỌP DÂN THÔN BẾN ĐÒ", ["Ngày mai họp ở thôn Bến Đò."]) == "họp dân thôn Bến Đò"


def test_txt_titles(tmp_path: Path):
    caps = tmp_path / "ban_tin.txt"
    caps.write_text("HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN XÃ TÂN LẬP\nNgày 12/4/2026, xã Tân Lập tổ chức hội nghị.\n",
                    encoding="utf-8")
    headless = tmp_path / "tin_hoi_nghi-tan-lap.txt"
    headless.write_text("Xã Tân Lập khen thưởng 27 cá nhân điển hình\nHội nghị diễn ra sáng 12/4/2026 tại hội trường "
                        "xã, với sự tham dự của đại diện các thôn và các đoàn thể.\n", encoding="utf-8")
    slab = tmp_path / "bien_ban.txt"
    slab.write_text(" ".join(["Hôm nay tại nhà văn hóa thôn Bến Đò, bà con bàn việc làm đường."] * 5) + "\n"
                    + "Cuộc họp kết thúc lúc 11 giờ.\n", encoding="utf-8")
    titles = {Path(s.path).name: s.title for s in ingest_paths([caps, headless, slab]).statuses}
    assert titles == {"ban_tin.txt": "Hội nghị điển hình tiên tiến xã Tân Lập",
                      "tin_hoi_nghi-tan-lap.txt": "Xã Tân Lập khen thưởng 27 cá nhân điển hình",
                      "bien_ban.txt": "bien ban"}


@pytest.mark.parametrize("byline,expected", [
    ("Tác giả: Nguyễn Văn Bình", "Nguyễn Văn Bình"), ("Tác giả Nguyễn Văn Bình", "Nguyễn Văn Bình"),
    ("Bài, ảnh: Lê Thị Hoa", "Lê Thị Hoa"), ("Bài và ảnh: Hà Thị Nhuần", "Hà Thị Nhuần"),
    ("Tác giả bài viết: Lê Thị Hoa", "Lê Thị Hoa"), ("Hoàng Thị Hoa (TTXVN)", "Hoàng Thị Hoa (TTXVN)"),
    ("B.B.Đ", "B.B.Đ"), ("Theo nongthonmoi.gov.vn", ""), ("Xem thêm:", ""), ("Chào thân ái!", ""),
])
def test_author_label_removed(byline, expected):
    assert clean_author(byline) == expected


def test_author_from_a_byline_line_or_the_end_of_the_article():
    assert find_author(["Thôn Bến Đò làm đường", "Bà con góp 300 ngày công.", "Tác giả: Nguyễn Văn Bình"]) \
        == "Nguyễn Văn Bình"
    assert find_author(["Thôn Bến Đò làm đường", "Bà con góp 300 ngày công làm đường liên thôn./. Khánh Thu"]) \
        == "Khánh Thu"
    # an official document ends with its signer, not an author
    assert find_author(["Hội nghị kết thúc.", "CHỦ TỊCH", "Nguyễn Văn Bình"]) is None
    assert "author" not in extract_metadata(["THÔNG BÁO", "Về lịch họp", "Họp lúc 8 giờ.", "Nguyễn Văn Bình"])


def test_html_author_stored_without_its_label():
    from tests.conftest import SAMPLES

    result = ingest_paths([SAMPLES / "tin-ngay-hoi-dai-doan-ket-thon-dong.html"])
    assert result.chunks[0].metadata["author"] == "Nguyễn Văn Bình"
