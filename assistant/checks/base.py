"""What a check sees and says: a :class:`Candidate` unit with its passage, and a :class:`Verdict`."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from assistant.frame import QuestionFrame
from assistant.scoring import Match
from assistant.units import Unit
from vectorstore.retriever import Hit


@dataclass(frozen=True)
class Verdict:
    """One check's judgement of one unit.

    Attributes:
        check: the check's name ("kind", "place" …).
        ok: the unit passes.
        reason: why, in English, for ``--explain`` and logs.
        hard: a failed hard check drops the unit altogether (another place, an instruction); a
            failed soft one keeps it as related text that does not answer (a target for a
            result, a sentence without the asked date): an honest partial answer may show it.
        missing: for a failed soft check, what the documents do not state, in Vietnamese, as the
            partial answer says it ("mức tiền cụ thể", "kết quả thực hiện").
    """

    check: str
    ok: bool
    reason: str = ""
    hard: bool = False
    missing: str = ""


@dataclass
class Candidate:
    """An answer unit under judgement, with the passage it comes from and how it matches."""

    unit: Unit
    hit: Hit
    match: Match
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.unit.text

    @cached_property
    def headings(self) -> str:
        """The passage's heading path below the document title ("Chương II › Điều 5. Phụ cấp …")."""
        return " ".join(self.hit.chunk.heading_path[1:])

    @cached_property
    def context(self) -> str:
        """The unit's inherited context and the passage's headings, nearest first, as one text."""
        return " ".join([*self.unit.context, self.headings])

    @property
    def layers(self) -> list[str]:
        """The unit as shown, then its two nearest parents (lead-in, numbered item or heading):
        where a check looks, nearest first, for what the unit is said of."""
        return [self.unit.shown, *self.unit.context[:2]]

    @property
    def metadata(self) -> dict:
        return self.hit.chunk.metadata

    @property
    def passed(self) -> bool:
        return all(v.ok for v in self.verdicts)

    @property
    def dropped(self) -> bool:
        return any(not v.ok and v.hard for v in self.verdicts)

    @property
    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]


class Check:
    """A named gate on answer units: ``check(candidate, frame) -> Verdict``.

    Subclasses set ``name`` and ``hard`` and implement :meth:`check`; :meth:`applies` says
    whether the question gives the check anything to judge (a place check has nothing to do
    for a question naming no place), so that ``--explain`` lists only checks that judged.
    """

    name = "check"
    hard = False

    def applies(self, frame: QuestionFrame) -> bool:
        return True

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        raise NotImplementedError

    def ok(self, reason: str = "") -> Verdict:
        return Verdict(self.name, True, reason, self.hard)

    def fail(self, reason: str, missing: str = "") -> Verdict:
        return Verdict(self.name, False, reason, self.hard, missing)
