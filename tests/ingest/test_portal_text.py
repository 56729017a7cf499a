from ingest.loaders.text import load_text
from ingest.portal_text import looks_like_portal_page
from tests.conftest import shared_path

PAGE = """Trang nhất
  • Tin hoạt động
  • Văn bản MTTQ
  • Liên hệ
Trang nhất » Tin Tức » Công tác phòng trào
Xã An Bình ra mắt mô hình thôn xanh sạch đẹp
Thứ hai - 02/06/2025 09:15
  •
Sáng 30/5, Ban Công tác Mặt trận thôn Trung phối hợp với Chi hội Phụ nữ ra mắt mô hình thôn xanh sạch đẹp với sự tham gia của hơn một trăm hộ gia đình trong thôn và các đoàn thể.
Mỗi hộ cam kết phân loại rác tại nguồn, trồng hàng rào xanh và giữ gìn vệ sinh đường làng ngõ xóm vào mỗi sáng Chủ nhật hằng tuần trong suốt năm 2025 theo kế hoạch của thôn.
Tác giả bài viết: Lê Thị Hoa
Nguồn tin: Ban Công tác Mặt trận thôn Trung
Những tin mới hơn
  • Hội nghị tổng kết năm (20/12/2024)
Đang truy cập : 12
Tổng lượt truy cập : 120334
"""


def test_saved_portal_page_keeps_article_and_drops_chrome():
    loaded = load_text(PAGE)
    text = "\n".join(loaded.paragraphs)
    assert loaded.title == "Xã An Bình ra mắt mô hình thôn xanh sạch đẹp"
    assert "Thứ hai - 02/06/2025 09:15" in text
    assert "phân loại rác tại nguồn" in text
    assert "Tác giả bài viết: Lê Thị Hoa" in text and "Nguồn tin:" in text
    for chrome in ("Tin hoạt động", "Trang nhất", "Những tin mới hơn", "Hội nghị tổng kết", "Đang truy cập"):
        assert chrome not in text


def test_ordinary_text_is_not_a_portal_page():
    lines = ["Thành viên Ban TTND phải là người trung thực",
             "Ban TTND được thành lập ở xã, phường, thị trấn."]
    assert not looks_like_portal_page(lines)
    assert load_text("\n".join(lines)).paragraphs == lines


def test_shared_seed_page_article_only():
    path = shared_path("corpus", "seed", "000_cf2a834351ab7ecc.txt")
    loaded = load_text(path.read_text(encoding="utf-8"))
    text = "\n".join(loaded.paragraphs)
    assert loaded.title.startswith("Bài học kinh nghiệm và giải pháp")
    assert "Thứ ba - 12/10/2021 15:41" in text
    assert "Ngày 31/12/2020 tỉnh Hà Nam được Thủ tướng Chính phủ công nhận" in text
    assert "Tác giả bài viết: Tăng Thu Hà" in text
    assert "Nguồn tin: Ban Phong trào Ủy ban MTTQ tỉnh" in text
    for chrome in ("Những tin mới hơn", "Những tin cũ hơn", "Tổng lượt truy cập", "Khách viếng thăm",
                   "Hoạt động MTTQ huyện", "Đăng nhập", "Khai mạc Đại hội Thể dục thể thao", "Tổng số điểm"):
        assert chrome not in text
