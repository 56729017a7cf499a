"""A figure for the whole country is not answered from one commune's or province's document."""
from __future__ import annotations

from functools import lru_cache

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.places import place_mentions


@lru_cache(maxsize=1)
def _national() -> lexicon.PhraseTable:
    return lexicon.table("scopes", "scope")


class ScopeCheck(Check):
    """For a question about the whole country ("cả nước", "toàn quốc"), a unit that does not
    itself speak of the country, from a document whose title or issuer names a province, a
    district or a commune, does not answer: "tỷ lệ cử tri đi bầu đạt từ 98%" in a commune's plan
    is not the national turnout."""

    name = "scope"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.scope == "national"

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        if _national().search(f"{candidate.text} {candidate.context}"):
            return self.ok("speaks of the country")
        meta = candidate.metadata
        local = place_mentions(" ".join(str(meta.get(k) or "") for k in ("title", "issuer")).title())
        if local:
            return self.fail(f"a local document ({local[0][1]})", "số liệu của cả nước")
        return self.ok()
