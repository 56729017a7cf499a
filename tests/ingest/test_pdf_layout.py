"""PDF pages read as their authors laid them out: two columns, ruled tables, titles cut at a dash.
The PDFs are made by tests/ingest/data/make_pdfs.py (invented text)."""
from pathlib import Path

from ingest.loaders import load_file
from ingest.loaders.pdf import join_page_lines, read_columns
from ingest.pipeline import ingest_paths

DATA = Path(__file__).parent / "data"


def test_two_column_bulletin_read_column_by_column():
    """The content stream runs line by line across both columns; each paragraph must
    still come out whole, from its own column."""
    paragraphs = load_file(DATA / "ban-tin-hai-cot.pdf")[1].paragraphs
    assert paragraphs[0] == "BẢN TIN MẶT TRẬN XÃ TÂN LẬP - SỐ 04/2026"
    assert ("Hội nghị đã khen thưởng 14 tập thể và 27 cá nhân có thành tích xuất sắc; thôn Bến Đò được tặng "
            "Bằng khen của Ủy ban MTTQ tỉnh vì đã hiến 2.300 mét vuông đất làm đường liên thôn.") in paragraphs
    assert ("Từ nguồn quỹ, xã đã hỗ trợ sửa chữa 5 nhà Đại đoàn kết, mỗi nhà 30 triệu đồng, và trao 120 suất "
            "quà cho hộ nghèo, hộ cận nghèo nhân dịp đầu năm.") in paragraphs
    left = paragraphs.index("HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN")
    right = paragraphs.index("QUỸ VÌ NGƯỜI NGHÈO")
    assert right > left + 3  # the whole left column first


def test_columns_only_where_both_sides_are_prose():
    single = ["Ủy ban MTTQ xã Tân Lập tổ chức hội nghị tổng kết công tác năm 2025 với sự tham gia",
              "của đại diện các thôn và các đoàn thể chính trị - xã hội trên địa bàn xã.",
              "                                                          Tân Lập, ngày 5 tháng 1 năm 2026"] * 3
    assert read_columns(single) is None
    table = ["STT   Thôn          Số hộ     Hộ nghèo", "1     Bến Đò        320       12",
             "2     Gò Mít        298       4", "3     Rộc Tre       501       23",
             "4     Khe Lau       187       2", "5     Bãi Sậy       356       14"]
    assert read_columns(table) is None


def test_ruled_table_rows_with_their_header_and_a_title_cut_at_a_dash():
    result = ingest_paths([DATA / "bang-danh-gia-ntm-nang-cao.pdf"])
    status = result.statuses[0]
    assert status.title == "Bảng đánh giá mức độ đạt tiêu chí xã nông thôn mới nâng cao – xã Tân Lập năm 2026"
    blocks = [b for c in result.chunks for b in c.blocks]
    header = next(b for b in blocks if b.kind == "table_header")
    assert header.cells == ["STT", "Tiêu chí", "Chỉ tiêu", "Kết quả", "Đánh giá"] and header.page == 1
    rows = [b for b in blocks if b.kind == "table_row"]
    assert [r.text for r in rows][1] == "2 | Giao thông | 100% đường trục xã được cứng hóa | 100% | Đạt"
    bhyt = rows[-1]
    assert dict(zip(bhyt.header, bhyt.cells))["Kết quả"] == "93,4%" and bhyt.cells[-1] == "Chưa đạt"
    assert len({c.id for c in result.chunks if any(b.kind == "table_row" for b in c.blocks)}) == 1
    text = "\n".join(c.text for c in result.chunks)
    assert text.count("Tỷ lệ người dân tham gia bảo hiểm y tế") == 1  # the table's lines are not kept twice


def test_a_line_cut_after_a_dash_continues():
    assert join_page_lines(["BẢNG ĐÁNH GIÁ KẾT QUẢ NÂNG CAO –", "XÃ TÂN LẬP NĂM 2026", "Nội dung."]) == [
        "BẢNG ĐÁNH GIÁ KẾT QUẢ NÂNG CAO – XÃ TÂN LẬP NĂM 2026", "Nội dung."]
