"""The ALQAC-as-documents export, on a tiny invented corpus in the benchmark's schema."""
import json

from assistant.eval import is_hit, load_questions
from bench.alqac_markdown import export, law_file_name
from ingest.pipeline import ingest_one


def _derived(tmp_path):
    rows = [
        {"doc_id": "t::Luật Thử nghiệm, sửa đổi::1", "subset": "t", "law_id": "Luật Thử nghiệm, sửa đổi",
         "article_id": "1", "text": "Phạm vi điều chỉnh\n\nLuật này quy định về việc trồng cây xanh ở thôn."},
        {"doc_id": "t::Luật Thử nghiệm, sửa đổi::2", "subset": "t", "law_id": "Luật Thử nghiệm, sửa đổi",
         "article_id": "2", "text": "Giải thích từ ngữ\n\nTrong Luật này:\n1. Thôn là cộng đồng dân cư.\n"
                                    "2. Cây xanh là cây trồng nơi công cộng."},
        {"doc_id": "x::Luật Khác::1", "subset": "x", "law_id": "Luật Khác", "article_id": "1", "text": "Khác\n\nKhông lấy."},
    ]
    queries = [{"query_id": "t::train::1", "subset": "t", "split": "train", "text": "Thôn là gì?",
                "question_type": "Tự luận", "gold_doc_ids": ["t::Luật Thử nghiệm, sửa đổi::2"]}]
    derived = tmp_path / "derived"
    derived.mkdir()
    (derived / "corpus.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (derived / "queries.jsonl").write_text(json.dumps(queries[0], ensure_ascii=False), encoding="utf-8")
    return derived


def test_one_markdown_file_per_law_and_gold_quotes_that_hit_the_article(tmp_path):
    out = tmp_path / "out"
    assert export(_derived(tmp_path), "t", out) == (1, 1)
    law = out / "laws" / law_file_name("Luật Thử nghiệm, sửa đổi")
    assert [p.name for p in (out / "laws").iterdir()] == [law.name]
    text = law.read_text(encoding="utf-8")
    assert text.startswith("# Luật Thử nghiệm, sửa đổi\n") and "Điều 2. Giải thích từ ngữ" in text
    (question,) = load_questions(out / "questions.jsonl")
    assert question["gold"][0]["quote"].startswith("Điều 2. Giải thích từ ngữ Trong Luật này")
    chunks = []
    assert ingest_one(law, chunks).status == "ok"
    hits = [c for c in chunks if is_hit(c.text, question["gold"][0]["quote"])]
    assert [c.heading_path[-1] for c in hits] == ["Điều 2. Giải thích từ ngữ"]
    assert chunks[0].metadata["doc_type"] == "Luật" and chunks[0].metadata["title"] == "Luật Thử nghiệm, sửa đổi"
