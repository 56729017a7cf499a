"""An answer about one place does not come from a sentence about another."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.places import PlaceCheck as _Places, document_where


class PlaceCheck(Check):
    """A unit answers a question naming places ("xã Lương Minh", "Hà Nam đã chi …") only if it
    names one of them, or its document (title, headings, file name) does and the unit names
    no other place of the same kind, or its passage names one and no other
    (:class:`assistant.places.PlaceCheck`)."""

    name = "place"
    hard = True

    def __init__(self) -> None:
        self._cache: dict[int, tuple[_Places, QuestionFrame]] = {}

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.places)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        places = self._checker(frame)
        where = document_where(candidate.hit)
        if places.allows(candidate.text, candidate.unit.hit_index, candidate.hit, where):
            return self.ok()
        return self.fail(f"about another place than {', '.join(frame.place_names)}")

    def _checker(self, frame: QuestionFrame) -> _Places:
        cached = self._cache.get(id(frame))
        if cached is None or cached[1] is not frame:
            kinds = [kind for kind, name in frame.places if kind]
            cached = (_Places(frame.place_names, not frame.accented, kinds), frame)
            self._cache = {id(frame): cached}
        return cached[0]
