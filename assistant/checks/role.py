"""An amount stated for one role does not answer a question about another."""
from __future__ import annotations

from functools import lru_cache

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from ingest.normalize import fold_diacritics

_AMOUNTS = frozenset({"amount", "percent"})


@lru_cache(maxsize=1)
def _roles() -> lexicon.PhraseTable:
    return lexicon.table("roles")


def roles_in(text: str) -> set[str]:
    """The roles ``text`` names (``lexicon/roles.tsv``, longest match: "phó chủ tịch" is not "chủ tịch"),
    folded."""
    return {fold_diacritics(m.phrase) for m in _roles().search(text)}


class RoleCheck(Check):
    """"Ủy viên … được hỗ trợ bao nhiêu?" is not answered by "Chủ tịch: 1,2 lần mức lương cơ sở":
    for an amount asked of a role, the unit's own roles decide, else its nearest context's
    (a sub-item under "Ủy viên:"); a unit or context naming only other roles does not answer,
    one naming none may."""

    name = "role"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.kind in _AMOUNTS and bool(frame.roles)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        asked = {fold_diacritics(r) for r in frame.roles}
        for layer in candidate.layers:
            named = roles_in(layer)
            if named:
                if named & asked:
                    return self.ok()
                return self.fail(f"states it for {', '.join(sorted(named))}, not {', '.join(sorted(asked))}",
                                 f"mức dành cho {', '.join(frame.roles)}")
        return self.ok()
