"""Which rules assess which programme: one module per programme, one entry point.

Each programme module exposes ``PROGRAMME``, ``RULE_SET_VERSION``,
``REQUIRED_KEYS`` and ``OPTIONAL_KEYS`` (parameter keys), ``PARAMETERS`` (the
catalogue specs of the keys it introduces) and ``assess(household, params) ->
Assessment``. The parameter catalogue is the union of the modules' specs.
"""

from __future__ import annotations

from types import ModuleType

from socialaid.benefits.domain import (
    dibao,
    disaster_relief,
    grants,
    medical,
    price_subsidy,
    tekun,
    temporary,
)
from socialaid.benefits.domain.household import Household
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec
from socialaid.benefits.domain.result import Assessment, UnsupportedProgramme

_MODULES: tuple[ModuleType, ...] = (
    dibao,
    tekun,
    medical,
    temporary,
    disaster_relief,
    grants,
    price_subsidy,
)

# programme code → module; grants serves education, housing, heating and employment.
RULES: dict[str, ModuleType] = {}
for _m in _MODULES:
    for _programme in getattr(_m, "PROGRAMMES", (_m.PROGRAMME,)):
        RULES[_programme] = _m

CATALOGUE: dict[str, ParameterSpec] = {}
for _m in _MODULES:
    for _spec in _m.PARAMETERS:
        if _spec.key in CATALOGUE and CATALOGUE[_spec.key] != _spec:
            raise RuntimeError(f"parameter {_spec.key} is declared twice with different specs")
        CATALOGUE[_spec.key] = _spec


def rules_for(programme: str) -> ModuleType:
    try:
        return RULES[programme]
    except KeyError as exc:
        raise UnsupportedProgramme(programme) from exc


def keys_for(programme: str) -> tuple[str, ...]:
    m = rules_for(programme)
    return tuple(m.REQUIRED_KEYS) + tuple(m.OPTIONAL_KEYS)


def spec_for(key: str) -> ParameterSpec | None:
    return CATALOGUE.get(key)


def assess(programme: str, household: Household, params: ParameterSet) -> Assessment:
    """Assess ``household`` for ``programme`` with the parameters in force for it."""
    result: Assessment = rules_for(programme).assess(household, params)
    return result
