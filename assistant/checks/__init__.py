"""Named checks on answer units, one small class each: ``check(candidate, frame) -> Verdict``.

:func:`default_checks` lists them in the order they run; ``mttq ask --explain`` prints every
verdict with its reason. Hard checks drop a unit (another place, an instruction, the other
branch of a condition); soft ones keep it as related text that does not answer.
"""
from __future__ import annotations

from assistant.checks.article import ArticleCheck
from assistant.checks.base import Candidate, Check, Verdict
from assistant.checks.bound import BoundCheck
from assistant.checks.condition import ConditionCheck
from assistant.checks.definition import DefinitionCheck
from assistant.checks.document import DocumentCheck
from assistant.checks.instruction import InstructionCheck
from assistant.checks.kind import KindCheck, missing_phrase
from assistant.checks.place import PlaceCheck
from assistant.checks.qualifier import QualifierCheck
from assistant.checks.role import RoleCheck
from assistant.checks.salience import SalienceCheck
from assistant.checks.scope import ScopeCheck
from assistant.checks.stance import StanceCheck
from assistant.checks.subject import SubjectCheck
from assistant.checks.year import YearCheck

__all__ = ["ArticleCheck", "Candidate", "Check", "Verdict", "default_checks", "missing_phrase", "BoundCheck", "ConditionCheck",
           "DefinitionCheck", "DocumentCheck", "InstructionCheck", "KindCheck", "PlaceCheck", "QualifierCheck",
           "RoleCheck", "SalienceCheck", "ScopeCheck", "StanceCheck", "SubjectCheck", "YearCheck"]


def default_checks(salient_share: float, disabled: frozenset[str] = frozenset()) -> list[Check]:
    """The checks, hard ones first; ``disabled`` names checks to leave out (for ablations)."""
    checks: list[Check] = [InstructionCheck(), PlaceCheck(), ConditionCheck(), YearCheck(), QualifierCheck(),
                           DocumentCheck(), ArticleCheck(), ScopeCheck(), KindCheck(), SubjectCheck(), RoleCheck(), BoundCheck(), StanceCheck(),
                           DefinitionCheck(), SalienceCheck(salient_share)]
    return [c for c in checks if c.name not in disabled]
