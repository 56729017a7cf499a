"""The widget's own starter questions are answered by the sample corpus it is demonstrated on."""
import re
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[2] / "api" / "static" / "widget.js"


def default_suggestions() -> list[str]:
    source = WIDGET.read_text(encoding="utf-8")
    block = re.search(r"data\.suggestions \|\| (.*?)\)\.split", source, re.S).group(1)
    return [s.strip() for s in "".join(re.findall(r'"([^"]*)"', block)).split("|") if s.strip()]


def test_every_default_suggestion_is_answered_from_the_samples(assistant):
    suggestions = default_suggestions()
    assert len(suggestions) == 3
    for question in suggestions:
        answer = assistant.answer(question)
        assert answer.status == "answered" and answer.citations, (question, answer.answer)
