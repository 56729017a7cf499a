"""Headings and list items recognised once, from the text of plain paragraph blocks."""
import pytest

from ingest.structure import heading_match, list_label, recognise
from ingest.types import Block


@pytest.mark.parametrize("line,expected", [
    ("Điều 3. Nhiệm vụ của Ban Thanh tra nhân dân", (4, "Điều 3.")),
    ("Điều 35.4.LQ.1. Mặt trận Tổ quốc Việt Nam", (4, "Điều 35.4.LQ.1.")),
    ("Điều 4", (4, "Điều 4")),
    ("ĐIỀU 7. HIỆU LỰC THI HÀNH", (4, "ĐIỀU 7.")),
    ("Chương II", (2, "Chương II")),
    ("CHƯƠNG III. ĐIỀU KHOẢN THI HÀNH", (2, "CHƯƠNG III.")),
    ("Phần thứ nhất", (1, "Phần thứ nhất")),
    ("Mục 2. Hội nghị cử tri", (3, "Mục 2.")),
    ("I. MỤC ĐÍCH, YÊU CẦU", (2, "I.")),
    ("I. Mục đích của kế hoạch này là", None),  # Roman numbers head sections only in capitals
    ("Mục tiêu của chương trình", None),
    ("Mục 397.0: thôn 5 vận động nhân dân tham gia làm đường", None),
    ("Điều chỉnh kế hoạch vốn", None),
    ("Mục 3 của kế hoạch này quy định rằng các thôn phải tổ chức họp dân để bàn bạc công khai", None),
])
def test_heading_lines(line, expected):
    assert heading_match(line) == expected


@pytest.mark.parametrize("line,expected", [
    ("1. Thôn là cộng đồng dân cư.", ("1.", 0)), ("2) Xã là đơn vị hành chính.", ("2)", 0)),
    ("1.2. Tiêu chí về giao thông", ("1.2.", 1)), ("a) Phiếu không theo mẫu;", ("a)", 1)),
    ("đ) Trạm y tế;", ("đ)", 1)), ("- Thời gian: 8 giờ", ("-", 2)), ("+ Thôn Bến Đò", ("+", 3)),
    ("• Ý thứ nhất", ("•", 2)), ("Năm 2025, xã đạt chuẩn.", None), ("2025 là năm bản lề", None),
])
def test_list_labels(line, expected):
    assert list_label(line) == expected


def test_recognise_gives_levels_parents_groups_and_joins_chapter_titles():
    lines = ["Chương I", "NHỮNG QUY ĐỊNH CHUNG", "Điều 1. Nhiệm vụ", "Ban có các nhiệm vụ sau:",
             "1. Giám sát:", "a) việc thu chi;", "- ở thôn;", "b) việc xây dựng.", "2. Tuyên truyền.",
             "Điều 2. Quyền", "1. Được cung cấp thông tin.", "| a | b |"]
    blocks = recognise([Block(text=t) for t in lines[:-1]] + [Block(kind="table_row", text=lines[-1], group=0)])
    kinds = [(b.kind, b.label, b.level, b.parent) for b in blocks]
    assert kinds == [("heading", "Chương I", 2, -1), ("heading", "", 2, 0), ("heading", "Điều 1.", 4, -1),
                     ("paragraph", "", 0, -1), ("list_item", "1.", 0, 3), ("list_item", "a)", 1, 4),
                     ("list_item", "-", 2, 5), ("list_item", "b)", 1, 4), ("list_item", "2.", 0, 3),
                     ("heading", "Điều 2.", 4, -1), ("list_item", "1.", 0, -1), ("table_row", "", 0, -1)]
    groups = [b.group for b in blocks]
    assert groups[4:9] == [0] * 5 and groups[10] == 1 and groups[11] == 2  # two lists, then the table
    assert [b.index for b in blocks] == list(range(len(lines)))
