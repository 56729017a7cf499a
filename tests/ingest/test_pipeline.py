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
