import shutil
import unicodedata
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders import load_file
from tests.conftest import SAMPLES, shared_path


def test_html_portal_page_article_without_chrome():
    fmt, loaded = load_file(SAMPLES / "tin-ngay-hoi-dai-doan-ket-thon-dong.html")
    text = "\n".join(loaded.paragraphs)
    assert fmt == "html"
    assert loaded.title == "Thôn Đông tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2025"
    assert "trao 3 nhà Đại đoàn kết" in text
    for chrome in ("Trang nhất", "Văn bản mới", "Tổng lượt truy cập", "Những tin cũ hơn", "Bản quyền thuộc"):
        assert chrome not in text


def test_docx_paragraphs_and_table_rows_in_order():
    fmt, loaded = load_file(SAMPLES / "ke-hoach-ntm-an-binh-2025.docx")
    paragraphs = loaded.paragraphs
    assert fmt == "docx"
    lead = paragraphs.index("Năm 2025, Ban Thường trực Ủy ban MTTQ xã An Bình phấn đấu đạt các chỉ tiêu trong bảng sau:")
    assert paragraphs[lead + 1] == "Chỉ tiêu | Mục tiêu năm 2025"
    assert paragraphs[lead + 3] == "Số km đường giao thông nông thôn do Nhân dân đóng góp làm mới | 12 km"
    assert paragraphs[-1].startswith("Ban Công tác Mặt trận các thôn báo cáo")


def test_pdf_lines_rejoined_into_paragraphs():
    fmt, loaded = load_file(SAMPLES / "huong-dan-giam-sat-cong-dong-an-binh.pdf")
    assert fmt == "pdf"
    assert ("2. Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là 30 tháng, "
            "cùng nhiệm kỳ với Ban Thanh tra nhân dân.") in loaded.paragraphs
    assert "c) Chất lượng vật liệu và tiến độ thi công;" in loaded.paragraphs


def test_markdown_front_matter_headings_and_markup():
    _fmt, loaded = load_file(SAMPLES / "quy-che-ban-thuong-truc-an-binh.md")
    assert loaded.title == "Quy chế làm việc của Ban Thường trực Ủy ban MTTQ xã An Bình"
    assert loaded.headings[0] == 1
    assert "Điều 3. Chế độ họp" in loaded.paragraphs
    assert not any("---" in p or p.startswith("title:") for p in loaded.paragraphs)


def test_markdown_list_items_on_their_own_lines_stay_paragraphs():
    from ingest.loaders.markdown import load_markdown

    loaded = load_markdown("# Luật Thử nghiệm\n\nĐiều 2. Giải thích từ ngữ\n\nTrong Luật này:\n"
                           "1. Thôn là cộng đồng dân cư.\n2. Xã là đơn vị hành chính.\n"
                           "a) điểm một\nnối tiếp điểm một\n- gạch đầu dòng\n")
    assert loaded.paragraphs == ["Luật Thử nghiệm", "Điều 2. Giải thích từ ngữ", "Trong Luật này:",
                                 "1. Thôn là cộng đồng dân cư.", "2. Xã là đơn vị hành chính.",
                                 "a) điểm một nối tiếp điểm một", "- gạch đầu dòng"]


def test_doc_via_antiword():
    if not shutil.which("antiword") and not shutil.which("catdoc"):
        pytest.skip("antiword/catdoc not installed")
    path = shared_path("corpus", "mttq_xa_luong_minh_bau_cu_2026", "08_Luat_83-2025-QH15_sua_doi_Luat_Bau_cu_DBQH_HDND.doc")
    fmt, loaded = load_file(path)
    assert fmt == "doc"
    assert any("Luật số 83/2025/QH15" in p or "83/2025/QH15" in p for p in loaded.paragraphs)


def test_doc_without_converter_fails_with_clear_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    path = tmp_path / "a.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(IngestError) as err:
        load_file(path)
    assert err.value.reason == "converter_missing"
    assert "antiword" in err.value.message


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("broken.pdf", b"%PDF-1.4\n garbage that is not a pdf", "corrupt"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "corrupt"),
    ("binary.txt", b"\x00\x01\x02" * 50, "binary"),
    ("table.xlsx", b"something", "unsupported_format"),
])
def test_bad_files_get_reason_codes(tmp_path: Path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        load_file(path)
    assert err.value.reason == reason


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _to_cp1258(text: str) -> bytes:
    """Encode as windows-1258 does: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


def test_windows_1258_text_decoded(tmp_path: Path):
    text = "Ủy ban Mặt trận Tổ quốc xã tổ chức hội nghị hiệp thương lần thứ nhất vào tháng Mười hai.\n" * 5
    path = tmp_path / "cp1258.txt"
    path.write_bytes(_to_cp1258(text))
    _fmt, loaded = load_file(path)
    joined = "\n".join(loaded.paragraphs)
    assert "\ufffd" not in joined
    assert "Ủy ban Mặt trận Tổ quốc xã tổ chức hội nghị hiệp thương" in unicodedata.normalize("NFC", joined)


@pytest.mark.parametrize("name", ["tin_cp1258.txt", "tin_cp1258_co_meta.html", "tin_cp1258_khong_meta.html",
                                  "tin_utf8_khai_bao_sai_1258.html"])
def test_shared_case_12_windows_1258(name):
    from ingest.normalize import normalize_text

    path = shared_path("cases", "12-html-windows-1258", name)
    _fmt, loaded = load_file(path)
    text = normalize_text("\n".join(loaded.paragraphs))
    for phrase in ("Mặt trận Tổ quốc", "Ngày hội Đại đoàn kết toàn dân tộc", "bê tông hóa 1,8 km đường trục thôn"):
        assert phrase in text
    assert "\ufffd" not in text and "á»" not in text and "Ã" not in text


def test_html_counters_in_article_area_are_dropped(tmp_path: Path):
    page = ("<html><body><article><h1>Hội nghị hiệp thương lần thứ nhất</h1>"
            + "<p>Ủy ban MTTQ xã tổ chức hội nghị hiệp thương lần thứ nhất để thỏa thuận cơ cấu, thành phần "
              "và số lượng người ứng cử đại biểu Hội đồng nhân dân xã.</p>" * 3
            + "<p>Đang truy cập: 37 – Tổng lượt truy cập: 1.204.331</p></article></body></html>")
    path = tmp_path / "tin.html"
    path.write_text(page, encoding="utf-8")
    _fmt, loaded = load_file(path)
    assert not any("truy cập" in p for p in loaded.paragraphs)
    assert any("hiệp thương lần thứ nhất" in p for p in loaded.paragraphs)


def test_same_html_loaded_twice_keeps_its_text():
    first = load_file(SAMPLES / "tin-ngay-hoi-dai-doan-ket-thon-dong.html")[1].paragraphs
    second = load_file(SAMPLES / "tin-ngay-hoi-dai-doan-ket-thon-dong.html")[1].paragraphs
    assert first == second and len(second) >= 4


def test_shared_case_11_list_page_is_not_merged_into_one_text():
    from ingest.pipeline import ingest_paths

    article = shared_path("cases", "11-html-boilerplate", "bai_viet_ngay_hoi.html")
    listing = article.with_name("trang_danh_muc_tin_tuc.html")
    statuses = {s.path.rsplit("/", 1)[-1]: s for s in ingest_paths([article, listing]).statuses}
    assert statuses["bai_viet_ngay_hoi.html"].status == "ok"
    assert statuses["trang_danh_muc_tin_tuc.html"].reason == "index_page"


@pytest.mark.parametrize("name,reason", [("rong.html", "empty"), ("trang_trang.pdf", "empty"),
                                         ("chi_khoang_trang.txt", "empty"), ("rong.docx", "empty")])
def test_shared_case_07_empty_files(name, reason):
    with pytest.raises(IngestError) as err:
        from ingest.pipeline import build_document

        path = shared_path("cases", "07-empty-files", name)
        fmt, loaded = load_file(path)
        build_document(path, fmt, loaded)
    assert err.value.reason == reason


def test_shared_case_20_long_pdf_whole_and_flate_bomb_refused():
    import resource

    from ingest.pipeline import ingest_paths

    folder = shared_path("cases", "20-huge-upload-long-doc")
    result = ingest_paths([folder / "tai_lieu_400_trang.pdf", folder / "flate_bomb_300MB.pdf"])
    long_doc, bomb = result.statuses
    assert long_doc.status == "ok" and bomb.status == "failed" and bomb.reason == "too_large"
    text = "\n".join(c.text for c in result.chunks)
    assert "TL-9137" in text and text.count("Mục ") > 15_000  # every line of the 400 pages, none lost
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2_000_000  # KiB: bounded memory


@pytest.mark.parametrize("case,name,status,reason", [
    ("05-encrypted-pdf", "ke_hoach_co_mat_khau.pdf", "failed", "encrypted"),
    ("05-encrypted-pdf", "ke_hoach_chi_han_che_quyen.pdf", "ok", ""),
    ("05-encrypted-pdf", "ke_hoach_rc4_40bit.pdf", "ok", ""),
    ("06-corrupt-pdf", "cat_cut_giua_chung.pdf", "failed", "corrupt"),
    ("06-corrupt-pdf", "sai_offset_xref.pdf", "ok", ""),
    ("06-corrupt-pdf", "thieu_eof.pdf", "ok", ""),
    ("06-corrupt-pdf", "startxref_eof_cung_dong.pdf", "ok", ""),
    ("06-corrupt-pdf", "thuc_ra_la_html.pdf", "ok", ""),
])
def test_shared_cases_05_06_encrypted_and_corrupt_pdfs(case, name, status, reason):
    from ingest.pipeline import ingest_paths

    result = ingest_paths([shared_path("cases", case, name)])
    assert (result.statuses[0].status, result.statuses[0].reason) == (status, reason)
    if status == "ok":
        assert result.chunks and "\ufffd" not in "".join(c.text for c in result.chunks)


@pytest.mark.parametrize("name", ["bao_cao_fallback_font.pdf", "bao_cao_nfd.pdf"])
def test_shared_case_01_pdf_text_layers_repaired(name):
    from ingest.normalize import normalize_text

    path = shared_path("cases", "01-pdf-diacritics-split", name)
    _fmt, loaded = load_file(path)
    text = normalize_text("\n".join(loaded.paragraphs))
    assert unicodedata.is_normalized("NFC", text)
    for phrase in ("xã đạt chuẩn nông thôn mới nâng cao", "58,2 triệu đồng", "Ủy ban Mặt trận Tổ quốc"):
        assert phrase in text
    expected = normalize_text(path.with_name("expected_text.txt").read_text(encoding="utf-8"))
    assert " ".join(text.lower().split()) == " ".join(expected.lower().split())
