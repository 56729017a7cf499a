from ingest.metadata import extract_metadata, find_date, find_so_hieu


def test_header_of_official_document():
    paragraphs = ["ỦY BAN NHÂN DÂN TỈNH HÀ SƠN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Số: 291/UBND-NN&TNMT | Hà Sơn, ngày 01 tháng 02 năm 2021",
                  "CÔNG VĂN", "VỀ VIỆC TIẾP TỤC THỰC HIỆN XÂY DỰNG NÔNG THÔN MỚI",
                  "Kính gửi: Ủy ban nhân dân các huyện"]
    meta = extract_metadata(paragraphs)
    assert meta["so_hieu"] == "291/UBND-NN&TNMT"
    assert meta["date"] == "2021-02-01"
    assert meta["doc_type"] == "Công văn"
    assert meta["title"] == "Công văn về việc tiếp tục thực hiện xây dựng nông thôn mới"
    assert meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH HÀ SƠN"


def test_issuer_of_a_two_line_header_is_the_lower_body_of_the_upper():
    """Nghị định 30/2020/NĐ-CP, Phụ lục I: the parent body above, the issuing body below."""
    two_lines = ["ỦY BAN MTTQ VIỆT NAM TỈNH HÀ SƠN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "BAN THƯỜNG TRỰC | Độc lập - Tự do - Hạnh phúc",
                 "Số: 12/KH-MTTQ-BTT | Hà Sơn, ngày 01 tháng 02 năm 2025", "KẾ HOẠCH"]
    assert extract_metadata(two_lines)["issuer"] == "BAN THƯỜNG TRỰC ỦY BAN MTTQ VIỆT NAM TỈNH HÀ SƠN"
    one_line = ["HỘI ĐỒNG NHÂN DÂN XÃ TÂN LẬP", "Số: 05/NQ-HĐND", "NGHỊ QUYẾT"]
    assert extract_metadata(one_line)["issuer"] == "HỘI ĐỒNG NHÂN DÂN XÃ TÂN LẬP"
    # the motto under the national name is no body
    motto = ["BỘ NỘI VỤ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "THÔNG TƯ"]
    assert extract_metadata(motto)["issuer"] == "BỘ NỘI VỤ"


def test_a_trich_yeu_opening_like_a_sentence_is_still_the_title():
    plan = ["ỦY BAN MTTQ VIỆT NAM XÃ HÒA PHONG", "Số: 12/KH-MTTQ", "KẾ HOẠCH",
            "Thực hiện Cuộc vận động toàn dân đoàn kết xây dựng nông thôn mới năm 2026",
            "I. MỤC ĐÍCH, YÊU CẦU"]
    assert extract_metadata(plan)["title"].startswith("Kế hoạch thực hiện Cuộc vận động toàn dân đoàn kết")
    body = ["ỦY BAN MTTQ VIỆT NAM XÃ HÒA PHONG", "Số: 13/KH-MTTQ", "KẾ HOẠCH",
            "Thực hiện Kế hoạch số 12/KH-UBND của Ủy ban nhân dân xã, Ban Thường trực xây dựng kế hoạch như sau:"]
    assert extract_metadata(body)["title"] == "Kế hoạch"


def test_so_hieu_forms():
    assert find_so_hieu("Nghị quyết số: 101/2025/UBTVQH15") == "101/2025/UBTVQH15"
    assert find_so_hieu("Số: 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN") == "102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN"
    # a number merely cited in the body is another document's
    assert find_so_hieu("Căn cứ Luật số 75/2015/QH13 ngày 09/6/2015") is None


def test_dates():
    assert find_date("Hà Nội, ngày 26 tháng 9 năm 2025") == "2025-09-26"
    assert find_date("Thứ ba - 12/10/2021 15:41") == "2021-10-12"
    assert find_date("ngày 31 tháng 2 năm 2025") is None


def test_law_sentence_is_not_a_title():
    meta = extract_metadata(["Luật này quy định về quyền, trách nhiệm của Mặt trận Tổ quốc Việt Nam."])
    assert "doc_type" not in meta


def test_shared_case_10_report_header_gives_metadata_not_the_motto():
    from ingest.pipeline import ingest_paths
    from tests.conftest import shared_path

    result = ingest_paths([shared_path("cases", "10-docx-tables-headers", "bao_cao_mttq_2025.docx")])
    meta = result.chunks[0].metadata
    assert meta["doc_type"] == "Báo cáo" and meta["so_hieu"] == "27/BC-MTTQ" and meta["date"] == "2025-12-05"
    assert meta["title"].startswith("Báo cáo kết quả thực hiện cuộc vận động")
    assert all("Độc lập - Tự do" not in c.heading_path[0] for c in result.chunks)


def test_shared_case_10_order_rows_header_and_no_motto_chunk():
    import json

    from ingest.pipeline import ingest_paths
    from tests.conftest import shared_path

    path = shared_path("cases", "10-docx-tables-headers", "bao_cao_mttq_2025.docx")
    expected = json.loads(path.with_name("expected.json").read_text(encoding="utf-8"))
    result = ingest_paths([path])
    text = "\n".join(c.text for c in result.chunks)
    positions = [text.find(m) for m in expected["body_order_markers"]]
    assert -1 not in positions and positions == sorted(positions)
    for row in expected["table_rows"]:
        assert " | ".join(row) in text
    assert result.chunks[0].metadata["running_header"] == expected["header_text"]
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
    assert all(c.text.replace("\n", " ").strip() != motto for c in result.chunks)


def test_document_type_from_a_declared_title():
    from ingest.metadata import type_from_title

    assert extract_metadata(["Điều 1. Phạm vi điều chỉnh", "Luật này quy định …"], "Luật Cư trú")["doc_type"] == "Luật"
    assert type_from_title("Bộ luật dân sự") == "Luật"
    assert type_from_title("Nghị định 12/2024/NĐ-CP về …") == "Nghị định"
    assert type_from_title("Luật sư tư vấn miễn phí cho người dân") is None  # a profession, not a law
    assert type_from_title("LUẬT SƯ VÀ QUYỀN BÀO CHỮA") is None
    assert type_from_title("Ngày hội Đại đoàn kết") is None
