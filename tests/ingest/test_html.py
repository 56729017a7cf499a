"""HTML read as blocks from trafilatura's XML: <br> records, tables with header cells."""
from pathlib import Path

import pytest

from ingest.loaders.html import load_html
from ingest.pipeline import ingest_paths
from ingest.structure import record_line, split_record
from tests.conftest import shared_path


def test_shared_case_24_br_record_lines_of_one_meeting_stay_together():
    path = shared_path("cases", "24-html-br-lines", "thong-bao-hoi-nghi-tiep-xuc.html")
    result = ingest_paths([path])
    lines = [(c.id, b) for c in result.chunks for _t, b in c.lines()]
    second = next(b for _id, b in lines if b.text == "Điểm tiếp xúc thứ hai")
    record = [(cid, b) for cid, b in lines if b.parent == second.index]
    assert [(b.kind, b.label, b.value) for _cid, b in record] == [
        ("record_line", "Thời gian", "14 giờ 00 ngày 15/01/2026"),
        ("record_line", "Địa điểm", "Hội trường thôn Rộc Tre"),
        ("record_line", "Cử tri tham dự", "thôn Rộc Tre, thôn Bãi Sậy và thôn Khe Lau"),
        ("record_line", "Chủ trì", "bà Hà Thị Nhuần, Ủy viên Ban Thường trực")]
    assert len({cid for cid, _b in record}) == 1 and {b.group for _c, b in record} == {second.group}
    row = next(b for _id, b in lines if b.text.startswith("Hội trường thôn Rộc Tre |"))
    assert dict(zip(row.header, row.cells)) == {"Điểm tiếp xúc": "Hội trường thôn Rộc Tre",
                                                 "Số đại biểu HĐND": "6", "Số cử tri dự kiến": "180"}


def test_lists_and_lines_that_are_not_records():
    html = ("<html><body><article><h1>Kế hoạch ra quân làm đường thôn Bến Đò</h1>"
            "<p>Ban Công tác Mặt trận thôn Bến Đò phát động Nhân dân ra quân làm đường bê tông liên xóm "
            "trong tháng Ba năm 2026 với sự tham gia của tất cả các hộ.</p>"
            "<ul><li>Mỗi hộ góp 2 ngày công</li><li>Hộ nghèo được miễn</li></ul>"
            "<p>Dòng thứ nhất của bài thơ<br>Dòng thứ hai của bài thơ</p></article></body></html>")
    blocks = load_html(html).blocks
    assert [(b.kind, b.text) for b in blocks[2:]] == [
        ("list_item", "Mỗi hộ góp 2 ngày công"), ("list_item", "Hộ nghèo được miễn"),
        ("paragraph", "Dòng thứ nhất của bài thơ"), ("paragraph", "Dòng thứ hai của bài thơ")]


@pytest.mark.parametrize("line,expected", [
    ("Thời gian: 8 giờ 00 ngày 14/01/2026", ("Thời gian", "8 giờ 00 ngày 14/01/2026")),
    ("Chủ trì: ông Lò Văn Pẩu", ("Chủ trì", "ông Lò Văn Pẩu")),
    ("Lưu ý: hạn nộp là ngày 20/12", ("Lưu ý", "hạn nộp là ngày 20/12")),
    ("Hội nghị đã thống nhất các nội dung chính của kế hoạch năm tới như sau: một là", None),
    ("Điều 5: Hiệu lực", None),  # a numbered label is a heading, not a field
    ("thời gian: 8 giờ", None),
    ("Thời gian:", None),
])
def test_record_lines(line, expected):
    assert record_line(line) == expected


def test_a_record_needs_two_label_lines_and_nothing_else():
    assert split_record(["Lưu ý: mang theo căn cước"]) is None
    assert split_record(["Lịch họp", "Thời gian: 8 giờ", "Nội dung chính là bàn kế hoạch."]) is None
    assert split_record(["Thời gian: 8 giờ", "Địa điểm: Nhà văn hóa"]) == (
        "", [("Thời gian: 8 giờ", "Thời gian", "8 giờ"), ("Địa điểm: Nhà văn hóa", "Địa điểm", "Nhà văn hóa")])
