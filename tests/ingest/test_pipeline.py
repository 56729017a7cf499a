from pathlib import Path

from ingest.pipeline import ingest_paths
from tests.conftest import SAMPLES


def test_samples_all_ingested_with_metadata():
    result = ingest_paths([SAMPLES])
    statuses = {Path(s.path).name: s for s in result.statuses}
    assert statuses["README.md"].status == "skipped"
    ok = [s for s in result.statuses if s.status == "ok"]
    assert len(ok) == 5 and not result.failed
    pdf_chunks = [c for c in result.chunks if c.metadata["format"] == "pdf"]
    assert pdf_chunks[0].metadata["so_hieu"] == "07/HD-MTTQ-BTT"
    assert pdf_chunks[0].metadata["date"] == "2025-03-05"
    assert pdf_chunks[0].metadata["doc_type"] == "Hướng dẫn"
    docx_chunk = next(c for c in result.chunks if c.metadata["format"] == "docx")
    assert docx_chunk.metadata["title"].startswith("Kế hoạch thực hiện cuộc vận động")


def test_one_bad_file_never_stops_the_batch(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Ủy ban MTTQ xã tổ chức hội nghị.\nHội nghị bàn về nông thôn mới.", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.7 broken")
    (tmp_path / "c.docx").write_bytes(b"")
    (tmp_path / "d.xlsx").write_bytes(b"x")
    (tmp_path / "e.txt").write_text("Còn một tệp tốt nữa ở cuối lô.\nNó phải được nạp.", encoding="utf-8")
    result = ingest_paths([tmp_path])
    got = {Path(s.path).name: (s.status, s.reason) for s in result.statuses}
    assert got == {"a.txt": ("ok", ""), "b.pdf": ("failed", "corrupt"), "c.docx": ("failed", "empty"),
                   "d.xlsx": ("skipped", "unsupported_format"), "e.txt": ("ok", "")}
    assert {c.metadata["file_name"] for c in result.chunks} == {"a.txt", "e.txt"}


def test_file_contents_win_over_misleading_suffix(tmp_path: Path):
    html = (SAMPLES / "tin-ngay-hoi-dai-doan-ket-thon-dong.html").read_bytes()
    (tmp_path / "tin.doc").write_bytes(html)
    (tmp_path / "ke-hoach.doc").write_bytes((SAMPLES / "ke-hoach-ntm-an-binh-2025.docx").read_bytes())
    result = ingest_paths([tmp_path])
    assert [s.status for s in result.statuses] == ["ok", "ok"]
    text = "\n".join(c.text for c in result.chunks)
    assert "<html" not in text and "<title>" not in text
    assert "trao 3 nhà Đại đoàn kết" in text and "12 km" in text


def test_undecodable_file_name_and_missing_file_keep_the_batch(tmp_path: Path):
    import os

    from vectorstore.store import IndexStore

    bad_name = os.fsdecode(b"Th\xf4ng_b\xe1o.txt")  # Latin-1 bytes, not UTF-8
    (tmp_path / bad_name).write_text("Thông báo của Ủy ban MTTQ xã về lịch tiếp công dân.\nLịch họp.", encoding="utf-8")
    result = ingest_paths([tmp_path, tmp_path / "khong-co.txt"])
    statuses = [(s.status, s.reason) for s in result.statuses]
    assert statuses == [("ok", ""), ("failed", "not_found")]
    assert "\ufffd" in result.statuses[0].path
    # the whole batch can still be written
    import numpy as np
    store = IndexStore.build(result.chunks, np.eye(len(result.chunks), 4, dtype=np.float32), embedding_model="m",
                             extra={"files": [s.__dict__ for s in result.statuses]})
    store.save(tmp_path / "index")
    assert IndexStore.load(tmp_path / "index").chunks[0].metadata["file_name"].endswith(".txt")
