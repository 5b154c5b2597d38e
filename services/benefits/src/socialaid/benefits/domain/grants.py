"""grants rules: not implemented yet — assess() refuses the programme."""

from __future__ import annotations

from socialaid.benefits.domain.household import Household
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec
from socialaid.benefits.domain.result import Assessment, UnsupportedProgramme

PROGRAMME = "grants"
PROGRAMMES = ("education", "housing", "heating", "employment")
RULE_SET_VERSION = "grants/none"
REQUIRED_KEYS: tuple[str, ...] = ()
OPTIONAL_KEYS: tuple[str, ...] = ()
PARAMETERS: tuple[ParameterSpec, ...] = ()


def assess(household: Household, params: ParameterSet) -> Assessment:
    raise UnsupportedProgramme(PROGRAMME)
