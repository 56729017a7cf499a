import json

from assistant.eval import evaluate, is_hit, load_questions


def test_hit_rule_contains_or_60_percent_overlap():
    quote = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là 30 tháng"
    assert is_hit("… 2. " + quote + ", cùng nhiệm kỳ", quote)
    cut = quote[: int(len(quote) * 0.65)]
    assert is_hit("phần đầu đoạn " + cut, quote)
    assert not is_hit("phần đầu đoạn " + quote[: int(len(quote) * 0.5)], quote)
    assert is_hit("Nhiệm  kỳ\ncủa Ban giám sát", "Nhiệm kỳ của Ban giám sát")


def test_evaluate_metrics_over_a_small_question_file(tmp_path, assistant):
    questions = [
        {"id": "q1", "kind": "number", "question": "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?",
         "gold": [{"file": "x", "quote": "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là 30 tháng"}]},
        {"id": "q2", "kind": "no_diacritics", "question": "ban thuong truc tiep cong dan vao ngay nao",
         "gold": [{"file": "x", "quote": "Ban Thường trực tổ chức tiếp công dân vào sáng thứ Năm hằng tuần"}]},
        {"id": "q3", "kind": "unanswerable", "question": "Giá vé tàu hỏa từ Hà Nội vào Sài Gòn là bao nhiêu?", "gold": []},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions), encoding="utf-8")
    report = evaluate(assistant, load_questions(path)).to_dict()
    assert report["n"] == 3 and report["n_answerable"] == 2
    assert report["recall@5"] == 1.0 and report["mrr@10"] > 0.5
    assert set(report["by_kind"]) == {"number", "no_diacritics", "unanswerable"}
    assert report["by_kind"]["unanswerable"]["n_questions"] == 1 and report["by_kind"]["number"]["n"] == 1
    assert report["refusal_rate"] == 1.0 and report["false_refusal_rate"] == 0.0
    assert report["answer_on_gold_rate"] == 1.0 and report["partial_rate"] == 0.0
    assert 0 < report["answer_chars_median"] <= report["answer_chars_p90"] < 400
