import pytest

from assistant.answer_type import AnswerTypeBoost, holds_asked, precise_kind
from assistant.frame import analyse
from assistant.scoring import TermStats
from ingest.types import Chunk
from vectorstore.retriever import Hit


def frame(question: str):
    return analyse(question, question, TermStats(["x"]))


def _hit(i: int, text: str, score: float) -> Hit:
    return Hit(chunk=Chunk(id=f"c{i}", text=text, heading_path=[], metadata={}), score=score, dense_score=0.8,
               keyword_score=1.0, index=i)


MONEY = "Mỗi năm xã được bố trí tối thiểu bao nhiêu tiền cho Cuộc vận động?"


@pytest.mark.parametrize("question, holds, lacks", [
    (MONEY, "Kinh phí của xã mức thấp nhất là 20.000.000 đồng/năm/xã.", "Hội đồng nhân dân xã quyết định kinh phí."),
    ("Ban Thanh tra nhân dân ở xã có mấy thành viên?", "Ban có từ 5 đến 11 thành viên.", "Ban do Hội nghị bầu ra, nhiệm kỳ 2 năm."),
    ("Ngày hội Đại đoàn kết được tổ chức vào ngày nào?", "Ngày hội tổ chức ngày 18/11 hằng năm.", "Ngày hội do Ban Công tác Mặt trận tổ chức."),
])
def test_precise_questions_name_the_shape_of_their_answer(question, holds, lacks):
    f = frame(question)
    kind = precise_kind(f)
    assert kind is not None
    assert holds_asked(holds, "", f, kind) and not holds_asked(lacks, "", f, kind)


@pytest.mark.parametrize("question", [
    "Thời hạn tạm trú tối đa là 02 năm và có thể gia hạn thêm nhiều nhất 02 lần, đúng hay sai?",
    "Thời hạn quản lý người sử dụng trái phép chất ma túy là bao lâu?",
    "Không được sử dụng lao động nữ mang thai từ tháng thứ bao nhiêu làm việc ban đêm?",
    "Hình phạt cải tạo không giam giữ áp dụng với người phạm tội mức độ nào?",
    "Mặt trận Tổ quốc thực hiện giám sát bằng những cách nào?",
])
def test_durations_ordinals_yes_no_and_open_questions_ask_no_precise_fact(question):
    assert precise_kind(frame(question)) is None


def test_boost_lifts_the_candidate_that_holds_the_amount():
    hits = [_hit(0, "Điều 1. Phạm vi điều chỉnh: kinh phí thực hiện Cuộc vận động.", 0.030),
            _hit(1, "Điều 5. Lập dự toán kinh phí của Cuộc vận động.", 0.029),
            _hit(2, "Kinh phí của Ủy ban cấp xã mức thấp nhất là 20.000.000 đồng/năm/xã.", 0.025),
            _hit(3, "Điều 7. Hiệu lực thi hành.", 0.020)]
    reranked = AnswerTypeBoost(0.4).rerank(frame(MONEY), hits)
    assert [h.chunk.id for h in reranked] == ["c2", "c0", "c1", "c3"]
    # one of four holds it: × (1 + 0.4 × 3/4)
    assert reranked[0].score == pytest.approx(0.025 * 1.3)
    assert [h.score for h in reranked[1:]] == [0.030, 0.029, 0.020]


def test_evidence_every_candidate_holds_changes_nothing():
    hits = [_hit(i, f"phạt tiền từ {i + 1}.000.000 đồng", 0.03 - i * 0.001) for i in range(4)]
    assert AnswerTypeBoost(0.4).rerank(frame("Bị phạt bao nhiêu tiền?"), hits) == hits


def test_factor_zero_or_an_open_question_keeps_the_order_and_a_negative_factor_is_refused():
    hits = [_hit(0, "Ban hoạt động theo quy chế.", 0.03), _hit(1, "Ban có 5 thành viên.", 0.026)]
    assert AnswerTypeBoost(0).rerank(frame("Ban có mấy thành viên?"), hits) == hits
    assert AnswerTypeBoost(0.4).rerank(frame("Ban hoạt động thế nào?"), hits) == hits
    # one of two holds it: 0.026 × (1 + 0.4 × 1/2) = 0.0312 > 0.03
    assert [h.chunk.id for h in AnswerTypeBoost(0.4).rerank(frame("Ban có mấy thành viên?"), hits)] == ["c1", "c0"]
    for bad in (-0.1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            AnswerTypeBoost(bad)


def test_assistant_search_applies_the_boost_to_accent_free_questions(assistant):
    question = "moi nha dai doan ket duoc ho tro bao nhieu tien"
    _query, f = assistant.understand(question)
    assert "bao nhiêu tiền" in f.reading
    _query, hits = assistant.search(question, k=3)
    assert holds_asked(hits[0].chunk.text, "", f, precise_kind(f))
    assert "60 triệu đồng" in hits[0].passage.text
