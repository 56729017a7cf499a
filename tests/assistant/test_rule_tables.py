"""The answer step's rules, tested from tables (tests/assistant/cases/*.tsv: input, expected, origin)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.checks import BoundCheck, Candidate, ConditionCheck, RoleCheck, StanceCheck, YearCheck
from assistant.facts import holds
from assistant.frame import analyse
from assistant.numbers import mentions
from assistant.qualifiers import contradicts, qualifiers
from assistant.scoring import TermStats, document_context, match
from assistant.units import units_of
from ingest.types import Chunk
from vectorstore.retriever import Hit

CASES = Path(__file__).parent / "cases"


def table(name: str) -> list[dict[str, str]]:
    with open(CASES / f"{name}.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows and all(r["origin"] for r in rows), f"{name}.tsv: every row needs an origin"
    return rows


def ids(rows: list[dict[str, str]], key: str) -> list[str]:
    return [r[key][:60] for r in rows]


def candidate(question: str, unit_text: str) -> tuple[Candidate, object]:
    """The candidate of a one-line passage ``unit_text`` for ``question`` (the unit equal to the
    line), with the question's frame."""
    stats = TermStats([unit_text, "Ngày hội ở thôn.", "Quy chế làm việc.", "Báo cáo năm."])
    frame = analyse(question, question, stats)
    hit = Hit(Chunk("t:0", unit_text, ["Tài liệu"], {"title": "Tài liệu"}), 1.0, 0.9, 1.0)
    unit = next(u for u in units_of(hit, 0) if u.text == unit_text)
    return Candidate(unit, hit, match(unit, frame, document_context(hit, not frame.accented))), frame


@pytest.mark.parametrize("row", table("kinds"), ids=ids(table("kinds"), "question"))
def test_the_kind_of_fact_asked(row):
    frame = analyse(row["question"], row["question"], TermStats(["x"]))
    assert frame.kind == row["asks"]
    assert (frame.measure or "") == row["measure"]


@pytest.mark.parametrize("row", table("facts"), ids=ids(table("facts"), "text"))
def test_what_a_text_holds(row):
    assert holds(row["kind"], row["text"], row["question"], row["measure"] or None) == (row["holds"] == "yes")


@pytest.mark.parametrize("row", table("numbers"), ids=ids(table("numbers"), "text"))
def test_numbers_with_their_measure_and_condition(row):
    found = "; ".join(f"{m.op}{m.value:.10g} {m.family}".strip() for m in mentions(row["text"]))
    assert found == row["mentions"].strip()


@pytest.mark.parametrize("row", table("qualifiers"), ids=ids(table("qualifiers"), "text"))
def test_another_qualifier_contradicts(row):
    assert contradicts(qualifiers(row["question"]), row["text"]) == (row["contradicts"] == "yes")


@pytest.mark.parametrize("name, check, column", [("conditions", ConditionCheck(), "allowed"),
                                                 ("stances", StanceCheck(), "answers"),
                                                 ("bounds", BoundCheck(), "answers"),
                                                 ("roles", RoleCheck(), "answers"),
                                                 ("years", YearCheck(), "answers")])
def test_checks_from_tables(name, check, column):
    failures = []
    for row in table(name):
        c, frame = candidate(row["question"], row["unit"])
        verdict = check.check(c, frame) if check.applies(frame) else None
        ok = verdict is None or verdict.ok
        if ok != (row[column] == "yes"):
            failures.append(f"{row['question']} | {row['unit']}: expected {row[column]}, "
                            f"got {verdict.reason if verdict else 'not applied'}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("row", table("instructions"), ids=ids(table("instructions"), "text"))
def test_text_addressed_to_whoever_answers(row):
    from ingest.injection import looks_like_instruction

    assert looks_like_instruction(row["text"]) == (row["instruction"] == "yes")


def test_a_value_that_meets_the_question_condition_covers_its_words():
    """"Tỷ lệ hộ nghèo: 3,93%" covers "trên 3%" of the question (its comparison word and number)
    by its value; a value that does not meet the condition covers neither word."""
    failures = []
    for row in table("condition_terms"):
        c, frame = candidate(row["question"], row["unit"])
        assert frame.condition_terms, row["question"]
        covers = frame.condition_terms <= c.match.present
        if covers != (row["covers"] == "yes"):
            failures.append(f"{row['question']} | {row['unit']}: expected {row['covers']}, "
                            f"terms {sorted(frame.condition_terms)}")
    assert not failures, "\n".join(failures)


def test_two_question_words_held_only_in_the_other_order_are_not_covered():
    """"tieu chi" (tiêu chí, criteria) typed without accents is not covered by "chỉ tiêu"
    (targets): a unit holding two adjacent question terms only the other way round covers
    neither."""
    failures = []
    for row in table("word_order"):
        c, frame = candidate(row["question"], row["unit"])
        covered = c.match.coverage >= 0.99
        if covered != (row["covered"] == "yes"):
            failures.append(f"{row['question']} | {row['unit']}: expected {row['covered']}, "
                            f"coverage {c.match.coverage:.2f}")
    assert not failures, "\n".join(failures)
