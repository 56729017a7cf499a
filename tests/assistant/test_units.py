"""Answer units shown as a reader needs them."""
from assistant.units import _row_display
from ingest.types import Block


def test_a_row_is_shown_with_its_column_names():
    row = Block(kind="table_row", text="Bãi Sậy | 356 | 3,93%", cells=["Bãi Sậy", "356", "3,93%"],
                header=["Thôn", "Tổng số hộ", "Tỷ lệ hộ nghèo"])
    assert _row_display(row) == "Thôn: Bãi Sậy; Tổng số hộ: 356; Tỷ lệ hộ nghèo: 3,93%"


def test_a_header_merged_over_two_columns_labels_them_once():
    """Word repeats a merged header cell for each column it spans (case 10: "Thôn" over the STT
    and the name): the row reads "Thôn: 3 Thôn Trung", not "Thôn: 3; Thôn: Thôn Trung"."""
    row = Block(kind="table_row", text="3 | Thôn Trung | 1.420 | 520", cells=["3", "Thôn Trung", "1.420", "520"],
                header=["Thôn", "Thôn", "Ngày công lao động", "Tiền mặt đóng góp (triệu đồng)"])
    assert _row_display(row) == "Thôn: 3 Thôn Trung; Ngày công lao động: 1.420; Tiền mặt đóng góp (triệu đồng): 520"
    total = Block(kind="table_row", text="Tổng cộng | 3.650 | 1.295", cells=["", "Tổng cộng", "3.650", "1.295"],
                  header=["Thôn", "Thôn", "Ngày công lao động", "Tiền mặt đóng góp (triệu đồng)"])
    assert _row_display(total).startswith("Thôn: Tổng cộng; Ngày công lao động: 3.650")
