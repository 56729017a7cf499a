"""DOCX read as its author sees it: text boxes, footnotes, table headers, titles."""
from pathlib import Path

import docx
from docx.oxml import parse_xml

from ingest.loaders import load_file
from ingest.pipeline import ingest_paths
from tests.conftest import shared_path

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def _box_run(text: str) -> str:
    """A run holding a text box as Word 2010+ writes it: DrawingML in mc:Choice, the same
    box as VML in mc:Fallback."""
    para = f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
    return (f'<w:r {_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
            f'<w:txbxContent>{para}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{para}</w:txbxContent>'
            f'</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def test_alternate_content_text_box_read_once_after_its_anchor(tmp_path: Path):
    doc = docx.Document()
    anchor = doc.add_paragraph("Thôn Bến Đò thông báo lịch thu gom rác.")
    anchor._p.append(parse_xml(_box_run("Lưu ý: xe thu gom đến vào 6 giờ sáng thứ Bảy.")))
    doc.add_paragraph("Các hộ để rác đúng nơi quy định.")
    path = tmp_path / "hop-van-ban.docx"
    doc.save(path)
    blocks = load_file(path)[1].blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Thôn Bến Đò thông báo lịch thu gom rác."),
        ("text_box", "Lưu ý: xe thu gom đến vào 6 giờ sáng thứ Bảy."),
        ("paragraph", "Các hộ để rác đúng nơi quy định.")]
    assert blocks[1].parent == 0


def test_shared_case_27_text_box_and_footnote_indexed_and_titled_from_the_header():
    path = shared_path("cases", "27-docx-textbox-footnote", "thong-bao-gia-dinh-van-hoa.docx")
    result = ingest_paths([path])
    status = result.statuses[0]
    assert status.status == "ok"
    assert status.title == "Thông báo về việc bình xét danh hiệu Gia đình văn hóa năm 2025 thôn Gò Mít"
    assert "text box" in status.message and "footnote" in status.message
    lines = [line for chunk in result.chunks for line in chunk.lines()]
    box = next(b for t, b in lines if "Hạn nộp hồ sơ" in t)
    assert box.kind == "text_box" and "ngày 20 tháng 12 năm 2025" in box.text
    note = next(b for t, b in lines if "500.000 đồng" in t)
    assert note.kind == "footnote" and note.label == "1"
    citing = next(b for t, b in lines if b.index == note.parent)
    assert citing.text == "Hộ đạt danh hiệu Gia đình văn hóa 3 năm liền được khen thưởng."


def test_shared_case_29_the_documents_own_heading_is_its_title():
    folder = shared_path("cases", "29-docx-stale-title")
    result = ingest_paths([folder / "ke-hoach-tet-trong-cay-2026.docx", folder / "thong-bao-lich-hop.docx"])
    titles = [s.title for s in result.statuses]
    assert titles == ["Kế hoạch tổ chức Tết trồng cây đời đời nhớ ơn Bác Hồ Xuân Bính Ngọ năm 2026",
                      "Thông báo lịch họp dân thôn Rộc Tre tháng 2 năm 2026"]
    # the stale property names another year and thôn: it must not reach the index at all
    stored = " ".join(str(v) for c in result.chunks for v in c.metadata.values())
    assert "2019" not in stored and "Đồng Chằm" not in stored and "Word Document" not in stored


def test_property_title_is_a_fallback_and_placeholders_never_titles(tmp_path: Path):
    from ingest.pipeline import is_placeholder_title

    doc = docx.Document()
    doc.core_properties.title = "Quy ước văn hóa thôn Bến Đò"
    for text in ("Điều 1. Mọi gia đình giữ gìn vệ sinh chung.", "Điều 2. Không đốt rơm rạ ven đường."):
        doc.add_paragraph(text)
    doc.save(tmp_path / "quy-uoc.docx")
    assert ingest_paths([tmp_path / "quy-uoc.docx"]).statuses[0].title == "Quy ước văn hóa thôn Bến Đò"
    for placeholder in ("Word Document", "Document1", "Microsoft Word - ke hoach.docx", "Untitled", "bao-cao.doc"):
        assert is_placeholder_title(placeholder), placeholder
    assert not is_placeholder_title("Kế hoạch tổ chức Ngày hội Đại đoàn kết")


def test_table_header_rows_with_merged_cells_and_layout_tables_without(tmp_path: Path):
    doc = docx.Document()
    layout = doc.add_table(rows=1, cols=2)  # no style: a borderless layout table
    layout.cell(0, 0).text, layout.cell(0, 1).text = "ỦY BAN MTTQ XÃ TÂN LẬP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    table = doc.add_table(rows=4, cols=3, style="Table Grid")
    top = table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 0).text, top.text = "Thôn", "Kết quả năm 2025"
    table.cell(1, 1).text, table.cell(1, 2).text = "Số hộ nghèo", "Số hộ thoát nghèo"
    for r, row in enumerate([("Bến Đò", "12", "5"), ("Gò Mít", "8", "3")], start=2):
        for k, value in enumerate(row):
            table.cell(r, k).text = value
    path = tmp_path / "bang.docx"
    doc.save(path)
    blocks = load_file(path)[1].blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("table_row", "ỦY BAN MTTQ XÃ TÂN LẬP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("table_header", "Thôn | Kết quả năm 2025"),
        ("table_header", "Thôn | Số hộ nghèo | Số hộ thoát nghèo"),
        ("table_row", "Bến Đò | 12 | 5"), ("table_row", "Gò Mít | 8 | 3")]
    assert blocks[0].header == []
    assert blocks[3].cells == ["Bến Đò", "12", "5"]
    assert blocks[3].header == ["Thôn", "Kết quả năm 2025 Số hộ nghèo", "Kết quả năm 2025 Số hộ thoát nghèo"]
    assert blocks[1].group == blocks[4].group != blocks[0].group


def test_shared_case_10_table_rows_carry_their_column_names():
    result = ingest_paths([shared_path("cases", "10-docx-tables-headers", "bao_cao_mttq_2025.docx")])
    rows = {b.text: b for c in result.chunks for _t, b in c.lines() if b.kind == "table_row"}
    trung = rows["3 | Thôn Trung | 1.420 | 520"]
    assert dict(zip(trung.header, trung.cells)) == {"Thôn": "Thôn Trung", "Ngày công lao động": "1.420",
                                                     "Tiền mặt đóng góp (triệu đồng)": "520"}


def test_soft_line_break_record_becomes_label_value_lines(tmp_path: Path):
    doc = docx.Document()
    para = doc.add_paragraph("Hội nghị tổng kết")
    for line in ("Thời gian: 8 giờ ngày 20/12/2025", "Địa điểm: Nhà văn hóa thôn Bến Đò"):
        run = para.add_run()
        run.add_break()
        run.add_text(line)
    doc.save(tmp_path / "lich.docx")
    blocks = load_file(tmp_path / "lich.docx")[1].blocks
    assert [(b.kind, b.label, b.value, b.parent) for b in blocks] == [
        ("paragraph", "", "", -1), ("record_line", "Thời gian", "8 giờ ngày 20/12/2025", 0),
        ("record_line", "Địa điểm", "Nhà văn hóa thôn Bến Đò", 0)]
