import json

from assistant.alqac import article_document, load_chunks, load_questions, rank_of_gold
from ingest.chunking import approx_token_count


def test_articles_become_documents_with_their_law_and_article_heading(tmp_path):
    rows = [{"doc_id": "s::Luật A::9", "subset": "s", "law_id": "Luật A", "article_id": "9",
             "text": "Mặt trận Tổ quốc Việt Nam\n\nMặt trận Tổ quốc Việt Nam là cơ sở chính trị."},
            {"doc_id": "t::Luật B::1", "subset": "t", "law_id": "Luật B", "article_id": "1", "text": "Khác"}]
    (tmp_path / "corpus.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text(json.dumps({"query_id": "q1", "subset": "s", "text": "MTTQ là gì?",
                                                        "gold_doc_ids": ["s::Luật A::9"]}), encoding="utf-8")
    doc = article_document(rows[0])
    assert doc.text.startswith("Điều 9. Mặt trận Tổ quốc Việt Nam\n")
    chunks = load_chunks(tmp_path, "s", approx_token_count, 480)
    assert len(chunks) == 1 and chunks[0].heading_path[0] == "Luật A"
    assert chunks[0].metadata["article_doc_id"] == "s::Luật A::9"
    assert load_questions(tmp_path, "s")[0]["gold_doc_ids"] == ["s::Luật A::9"]
    assert rank_of_gold(["x", "s::Luật A::9"], ["s::Luật A::9"]) == 2 and rank_of_gold(["x"], ["y"]) is None
