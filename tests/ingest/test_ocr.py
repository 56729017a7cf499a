"""Pages without a text layer: reported per page, read by Tesseract when it is installed."""
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders import load_file
from ingest.ocr import ocr_available
from ingest.pipeline import ingest_paths
from tests.conftest import shared_path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = ["BIÊN BẢN HỌP BAN CÔNG TÁC MẶT TRẬN THÔN TRUNG",
         "Kinh phí dự kiến tổ chức ngày hội: 30 triệu đồng."]


def _scan(path: Path) -> Path:
    """A one-page PDF that is only a picture of text, as a scanner makes."""
    image_mod = pytest.importorskip("PIL.Image")
    from PIL import ImageDraw, ImageFont

    if not FONT.exists():
        pytest.skip("DejaVu font not installed")
    image = image_mod.new("L", (1700, 500), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 44)
    for i, line in enumerate(LINES):
        draw.text((80, 120 + i * 110), line, fill=0, font=font)
    image.save(path, "PDF", resolution=200)
    return path


def test_scan_without_ocr_is_a_clear_failure(tmp_path, monkeypatch):
    monkeypatch.setattr("ingest.loaders.pdf.ocr_available", lambda: False)
    with pytest.raises(IngestError) as err:
        load_file(_scan(tmp_path / "scan.pdf"))
    assert err.value.reason == "no_text" and "OCR required" in err.value.message


@pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr, tesseract-ocr-vie, poppler-utils not installed")
def test_scan_is_read_by_ocr(tmp_path):
    result = ingest_paths([_scan(tmp_path / "scan.pdf")])
    assert result.statuses[0].status == "ok" and "read by OCR" in result.statuses[0].message
    text = " ".join(c.text for c in result.chunks)
    assert "30 triệu đồng" in text and "BIÊN BẢN" in text


def test_shared_case_04_mixed_file_names_its_scanned_page(monkeypatch):
    monkeypatch.setattr("ingest.loaders.pdf.ocr_available", lambda: False)
    path = shared_path("cases", "04-scanned-pdf-no-text", "ho_so_tron_trang_scan.pdf")
    result = ingest_paths([path])
    status = result.statuses[0]
    assert status.status == "ok" and "page(s) 2 have no text layer — OCR required" in status.message
