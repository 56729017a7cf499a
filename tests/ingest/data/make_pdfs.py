"""Regenerate the small PDFs of tests/ingest (a two-column bulletin, a ruled table).

The text is invented (a fictional xã Tân Lập). The PDFs are committed, so the tests need
neither fpdf2 nor fonts; to rebuild them: ``pip install fpdf2`` and Debian's
``fonts-dejavu-core``, then ``python tests/ingest/data/make_pdfs.py``.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

LEFT = [
    "HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN",
    "Ngày 12 tháng 4 năm 2026, Ủy ban MTTQ xã Tân Lập tổ chức Hội nghị biểu dương điển hình "
    "tiên tiến trong Cuộc vận động Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh.",
    "Hội nghị đã khen thưởng 14 tập thể và 27 cá nhân có thành tích xuất sắc; thôn Bến Đò được "
    "tặng Bằng khen của Ủy ban MTTQ tỉnh vì đã hiến 2.300 mét vuông đất làm đường liên thôn.",
    "Các đại biểu thống nhất duy trì mô hình tổ tự quản vệ sinh môi trường ở tất cả các thôn.",
]
RIGHT = [
    "QUỸ VÌ NGƯỜI NGHÈO",
    "Trong quý I năm 2026, Ban vận động Quỹ Vì người nghèo xã Tân Lập đã tiếp nhận 186 triệu "
    "đồng do cán bộ, đảng viên và Nhân dân ủng hộ.",
    "Từ nguồn quỹ, xã đã hỗ trợ sửa chữa 5 nhà Đại đoàn kết, mỗi nhà 30 triệu đồng, và trao "
    "120 suất quà cho hộ nghèo, hộ cận nghèo nhân dịp đầu năm.",
    "Ban vận động kêu gọi các doanh nghiệp trên địa bàn tiếp tục chung tay ủng hộ Quỹ.",
]

TABLE_ROWS = [
    ("STT", "Tiêu chí", "Chỉ tiêu", "Kết quả", "Đánh giá"),
    ("1", "Quy hoạch", "Đạt", "Đạt", "Đạt"),
    ("2", "Giao thông", "100% đường trục xã được cứng hóa", "100%", "Đạt"),
    ("3", "Thu nhập bình quân đầu người", "Từ 66 triệu đồng/năm", "71,5 triệu đồng/năm", "Đạt"),
    ("4", "Tỷ lệ hộ nghèo đa chiều", "Dưới 2%", "1,8%", "Đạt"),
    ("5", "Tỷ lệ người dân tham gia bảo hiểm y tế", "Từ 95%", "93,4%", "Chưa đạt"),
]


def two_columns(path: Path) -> None:
    """A bulletin in two columns written line by line across both columns (left line 1,
    right line 1, left line 2 …), as some publishing tools order the content stream: a
    reader that follows the stream interleaves the columns."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 10, "BẢN TIN MẶT TRẬN XÃ TÂN LẬP - SỐ 04/2026", align="C", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 8
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 2
    columns = []
    for lines in (LEFT, RIGHT):
        wrapped: list[tuple[str, str]] = []
        for k, paragraph in enumerate(lines):
            style = "B" if k == 0 else ""
            pdf.set_font("DejaVu", style, 11)
            for line in pdf.multi_cell(width, 6, paragraph, dry_run=True, output="LINES"):
                wrapped.append((style, line))
            wrapped.append(("", ""))
        columns.append(wrapped)
    for row in range(max(len(c) for c in columns)):
        for column, wrapped in enumerate(columns):
            if row < len(wrapped) and wrapped[row][1]:
                style, line = wrapped[row]
                pdf.set_font("DejaVu", style, 11)
                pdf.text(pdf.l_margin + column * (width + 10), top + row * 6, line)
    pdf.output(str(path))


def ruled_table(path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, "Tân Lập, ngày 15 tháng 5 năm 2026", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, "BẢNG ĐÁNH GIÁ MỨC ĐỘ ĐẠT TIÊU CHÍ XÃ NÔNG THÔN MỚI NÂNG CAO –", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "XÃ TÂN LẬP NĂM 2026", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.ln(3)
    pdf.multi_cell(0, 6, "Kết quả tự đánh giá của xã Tân Lập theo từng tiêu chí như sau:",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    with pdf.table(col_widths=(10, 50, 45, 45, 25), text_align="LEFT") as table:
        for row in TABLE_ROWS:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Xã Tân Lập tiếp tục vận động Nhân dân tham gia bảo hiểm y tế để đạt tiêu chí "
                         "trong năm 2026.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


if __name__ == "__main__":
    two_columns(HERE / "ban-tin-hai-cot.pdf")
    ruled_table(HERE / "bang-danh-gia-ntm-nang-cao.pdf")
