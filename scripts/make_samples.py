"""Regenerate the binary sample documents (DOCX, PDF) in ``samples/``.

The samples are invented documents of a fictional commune (xã An Bình); the
output is committed so that set-up needs no generator. Needs ``fpdf2`` and the
DejaVu fonts (Debian ``fonts-dejavu-core``): ``python scripts/make_samples.py``.
"""
from __future__ import annotations

from pathlib import Path

import docx
from fpdf import FPDF

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

PDF_LINES = [
    "ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH",
    "BAN THƯỜNG TRỰC",
    "Số: 07/HD-MTTQ-BTT",
    "An Bình, ngày 05 tháng 3 năm 2025",
    "",
    "HƯỚNG DẪN",
    "VỀ TỔ CHỨC VÀ HOẠT ĐỘNG CỦA BAN GIÁM SÁT ĐẦU TƯ CỦA CỘNG ĐỒNG XÃ AN BÌNH",
    "",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Hướng dẫn này giúp các thôn trên địa bàn xã An Bình thành lập và duy trì Ban giám sát đầu tư "
    "của cộng đồng đối với các công trình xây dựng nông thôn mới có sự đóng góp của Nhân dân.",
    "II. THÀNH PHẦN VÀ NHIỆM KỲ",
    "1. Ban giám sát đầu tư của cộng đồng ở mỗi thôn có từ 05 đến 09 thành viên, do hội nghị thôn bầu ra.",
    "2. Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là 30 tháng, cùng nhiệm kỳ với "
    "Ban Thanh tra nhân dân.",
    "3. Trưởng ban do Ban Công tác Mặt trận thôn giới thiệu và phải là người thường trú tại thôn.",
    "III. NỘI DUNG GIÁM SÁT",
    "Ban giám sát đầu tư của cộng đồng giám sát các nội dung sau:",
    "a) Sự phù hợp của công trình với quy hoạch xây dựng nông thôn mới của xã;",
    "b) Việc công khai dự toán, kinh phí và phần đóng góp của người dân;",
    "c) Chất lượng vật liệu và tiến độ thi công;",
    "d) Việc nghiệm thu, bàn giao và duy tu công trình sau khi hoàn thành.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "Chậm nhất ngày 30/4/2025, Ban Công tác Mặt trận các thôn gửi danh sách thành viên Ban giám sát "
    "đầu tư của cộng đồng về Ban Thường trực Ủy ban MTTQ xã để tổng hợp.",
]

DOCX_HEADER = [
    "ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH",
    "BAN THƯỜNG TRỰC",
    "Số: 15/KH-MTTQ-BTT",
    "An Bình, ngày 12 tháng 01 năm 2025",
    "KẾ HOẠCH",
    "THỰC HIỆN CUỘC VẬN ĐỘNG TOÀN DÂN ĐOÀN KẾT XÂY DỰNG NÔNG THÔN MỚI NĂM 2025",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Phát huy vai trò chủ thể của Nhân dân trong xây dựng xã nông thôn mới kiểu mẫu; mỗi khu dân cư "
    "có ít nhất một mô hình tự quản về bảo vệ môi trường.",
    "II. CHỈ TIÊU",
    "Năm 2025, Ban Thường trực Ủy ban MTTQ xã An Bình phấn đấu đạt các chỉ tiêu trong bảng sau:",
]
DOCX_TABLE = [
    ("Chỉ tiêu", "Mục tiêu năm 2025"),
    ("Tỷ lệ hộ gia đình đạt danh hiệu Gia đình văn hóa", "95%"),
    ("Số km đường giao thông nông thôn do Nhân dân đóng góp làm mới", "12 km"),
    ("Số nhà Đại đoàn kết xây mới cho hộ nghèo", "8 căn"),
]
DOCX_FOOTER = [
    "III. TỔ CHỨC THỰC HIỆN",
    "Ban Công tác Mặt trận các thôn báo cáo kết quả thực hiện về Ban Thường trực trước ngày 15/12/2025.",
]


def make_pdf(path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    for line in PDF_LINES:
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def make_docx(path: Path) -> None:
    document = docx.Document()
    for line in DOCX_HEADER:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=2)
    for left, right in DOCX_TABLE:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = left, right
    for line in DOCX_FOOTER:
        document.add_paragraph(line)
    document.core_properties.title = ""
    document.save(str(path))


if __name__ == "__main__":
    make_pdf(SAMPLES / "huong-dan-giam-sat-cong-dong-an-binh.pdf")
    make_docx(SAMPLES / "ke-hoach-ntm-an-binh-2025.docx")
    print("samples written to", SAMPLES)
