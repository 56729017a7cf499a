"""Revisions without a new số hiệu: stated replacements and dated versions of one title."""
from pathlib import Path

from ingest.pipeline import ingest_paths
from ingest.revisions import find_replaces, supersessions
from vectorstore.retriever import _superseded

OLD_PLAN = """ỦY BAN MTTQ VIỆT NAM XÃ TÂN LẬP
Tân Lập, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức Ngày hội Đại đoàn kết toàn dân tộc thôn Bến Đò năm 2026
Ngày hội tổ chức vào ngày 15 tháng 11 năm 2026 tại sân nhà văn hóa thôn Bến Đò.
Mỗi hộ đóng góp 50.000 đồng cho ngày hội.
"""
NEW_PLAN = """ỦY BAN MTTQ VIỆT NAM XÃ TÂN LẬP
Tân Lập, ngày 20 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức Ngày hội Đại đoàn kết toàn dân tộc thôn Bến Đò năm 2026 (điều chỉnh)
Ngày hội tổ chức vào ngày 18 tháng 11 năm 2026 tại sân nhà văn hóa thôn Bến Đò.
Mỗi hộ đóng góp 30.000 đồng cho ngày hội.
Văn bản này thay thế kế hoạch ban hành ngày 05/3/2026.
"""


def test_stated_replacement_by_date_supersedes_the_original(tmp_path: Path):
    (tmp_path / "ke-hoach-ngay-hoi.txt").write_text(OLD_PLAN, encoding="utf-8")
    (tmp_path / "ke-hoach-ngay-hoi-dieu-chinh.txt").write_text(NEW_PLAN, encoding="utf-8")
    result = ingest_paths([tmp_path])
    by_file = {c.metadata["file_name"]: c.metadata for c in result.chunks}
    new = by_file["ke-hoach-ngay-hoi-dieu-chinh.txt"]
    assert new["replaces"] == [{"text": "kế hoạch ban hành ngày 05/3/2026", "type": "Kế hoạch", "date": "2026-03-05"}]
    documents = {m["doc_id"]: m for m in by_file.values()}
    assert supersessions(documents) == {by_file["ke-hoach-ngay-hoi.txt"]["doc_id"]: new["doc_id"]}
    dropped = {result.chunks[i].metadata["file_name"] for i in _superseded(result.chunks)}
    assert dropped == {"ke-hoach-ngay-hoi.txt"}


def _doc(title, date, so_hieu=None, doc_type="Kế hoạch", replaces=None):
    meta = {"title": title, "date": date, "doc_type": doc_type}
    if so_hieu:
        meta["so_hieu"] = so_hieu
    if replaces:
        meta["replaces"] = replaces
    return meta


def test_supersession_rules():
    title = "Kế hoạch tổ chức Tết trồng cây xã Tân Lập năm 2026"
    docs = {
        "v1": _doc(title, "2026-01-05"), "v2": _doc(title, "2026-01-20"),  # versions of one title
        "n12": _doc("Kế hoạch tuyên truyền bầu cử xã Tân Lập", "2026-02-01", "12/KH-MTTQ"),
        "n15": _doc("Kế hoạch tuyên truyền bầu cử xã Tân Lập", "2026-03-01", "15/KH-MTTQ"),  # another number: both stay
        "q1": _doc("Quy chế làm việc của Ban Thường trực", "2025-05-01", "03/QC-MTTQ"),
        "q2": _doc("Quy chế làm việc", "2026-05-01", replaces=[{"type": "Quy chế", "so_hieu": "03/QC-MTTQ"}]),
        "h1": _doc("Kế hoạch về giám sát đầu tư của cộng đồng thôn Bến Đò", "2025-04-01"),
        "h2": _doc("Kế hoạch giám sát năm 2026", "2026-04-01",
                   replaces=[{"type": "Kế hoạch", "title": "Kế hoạch giám sát đầu tư của cộng đồng thôn Bến Đò"}]),
        "a1": _doc("Chương trình", "2024-01-01"), "a2": _doc("Chương trình", "2025-01-01"),  # a bare type names nothing
        "s1": _doc("Hướng dẫn hiệp thương", "2025-01-01", "01/HD-MTTQ"),
        "s2": _doc("Hướng dẫn hiệp thương (sửa đổi)", "2025-06-01", "01/HD-MTTQ"),  # same số hiệu, later date
    }
    assert supersessions(docs) == {"v1": "v2", "q1": "q2", "h1": "h2", "s1": "s2"}


def test_only_the_document_itself_replaces():
    compiled = ["Điều 5.2.NĐ.1.9. Hiệu lực thi hành",
                "Nghị định này thay thế Nghị định số 30/2012/NĐ-CP ngày 12 tháng 4 năm 2012 của Chính phủ."]
    assert find_replaces(compiled, "Tài liệu") == []  # a compilation quoting the laws it gathers
    found = find_replaces(["Nghị quyết này thay thế Nghị quyết liên tịch số 525/2012/NQLT/UBTVQH13 ngày 27 tháng 9 "
                           "năm 2012 về việc tiếp xúc cử tri và Nghị quyết số 753/2005/UBTVQH11 ngày 02 tháng 4 năm 2005."],
                          "Nghị quyết liên tịch")
    assert [(r.get("so_hieu"), r.get("date")) for r in found] == [("525/2012/NQLT/UBTVQH13", "2012-09-27"),
                                                                   ("753/2005/UBTVQH11", "2005-04-02")]
    assert found[0]["title"] == "Nghị quyết liên tịch tiếp xúc cử tri"
