"""Markdown tables as rows with their column names, in both shapes met in the corpus."""
from pathlib import Path

from ingest.loaders.markdown import load_markdown
from ingest.pipeline import ingest_paths
from tests.conftest import shared_path

# a page saved from a legal portal: page furniture, then each cell on its own lines between "|" lines
PORTAL_PAGE = """|
|
Đang tải văn bản...
#
**Số hiệu:**
|
05/2026/NQ-HĐND
|
|
**Loại văn bản:**
|
Nghị quyết
|
|
**NGHỊ QUYẾT**
VỀ MỨC HỖ TRỢ HỘ NGHÈO XÃ TÂN LẬP NĂM 2026
*Căn cứ Luật Tổ chức chính
quyền địa phương số 72/2025/QH15;*
Mức hỗ trợ theo Bảng sau:
|
**TT**
|
**Đối tượng**
|
**Mức hỗ trợ (đồng/tháng)**
|
|
1
|
Hộ nghèo
|
500.000
|
|
2
|
Hộ cận
nghèo
|
300.000
|
|
3
|
Hộ mới thoát nghèo
|
200.000
|
|
Nghị quyết này có hiệu lực kể từ ngày ký.
Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành.
"""


def test_shared_case_23_rows_with_their_column_names():
    path = shared_path("cases", "23-markdown-table-row", "bao-cao-ho-ngheo-2025.md")
    result = ingest_paths([path])
    lines = [(t, b) for c in result.chunks for t, b in c.lines()]
    header = next(b for _t, b in lines if b.kind == "table_header")
    assert header.cells == ["Thôn", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo", "Tỷ lệ hộ nghèo"]
    bai_say = next(b for t, b in lines if t.startswith("Bãi Sậy"))
    assert bai_say.kind == "table_row" and bai_say.text == "Bãi Sậy | 356 | 14 | 18 | 3,93%"
    assert dict(zip(bai_say.header, bai_say.cells))["Hộ nghèo"] == "14"
    rows = [b for _t, b in lines if b.kind == "table_row"]
    assert len(rows) == 6 and len({b.group for b in rows} | {header.group}) == 1
    assert len({c.id for c in result.chunks if any(b.kind == "table_row" for b in c.blocks)}) == 1


def test_one_cell_per_line_table_rebuilt_into_rows_and_furniture_never_a_title(tmp_path: Path):
    loaded = load_markdown(PORTAL_PAGE)
    rows = [(b.kind, b.text, b.header) for b in loaded.blocks if b.kind.startswith("table")]
    header = ["TT", "Đối tượng", "Mức hỗ trợ (đồng/tháng)"]
    assert rows == [
        ("table_row", "Số hiệu: | 05/2026/NQ-HĐND", []), ("table_row", "Loại văn bản: | Nghị quyết", []),
        ("table_header", "TT | Đối tượng | Mức hỗ trợ (đồng/tháng)", []),
        ("table_row", "1 | Hộ nghèo | 500.000", header), ("table_row", "2 | Hộ cận nghèo | 300.000", header),
        ("table_row", "3 | Hộ mới thoát nghèo | 200.000", header)]
    text = "\n".join(loaded.paragraphs)
    assert "Đang tải văn bản" not in text
    last = loaded.blocks[-1]
    assert last.kind == "paragraph" and last.text.startswith("Nghị quyết này có hiệu lực kể từ ngày ký.")
    path = tmp_path / "nq-05-2026.md"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    status = ingest_paths([path]).statuses[0]
    assert status.title == "Nghị quyết về mức hỗ trợ hộ nghèo xã Tân Lập năm 2026"


def test_cells_that_never_repeat_a_count_stay_paragraphs():
    loaded = load_markdown("|\nMột ô lẻ\n|\n|\nĐoạn văn sau bảng.\n")
    assert [(b.kind, b.text) for b in loaded.blocks] == [("paragraph", "Một ô lẻ"),
                                                         ("paragraph", "Đoạn văn sau bảng.")]


def test_pipe_table_without_a_rule_has_no_header():
    loaded = load_markdown("| Thôn Bến Đò | 12 |\n| Thôn Gò Mít | 8 |\n")
    assert [(b.kind, b.header) for b in loaded.blocks] == [("table_row", []), ("table_row", [])]
