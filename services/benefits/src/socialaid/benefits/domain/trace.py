"""Explanation trace: every amount says which rule, which parameter, which figure (R-CA-12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from socialaid.benefits.domain.parameters import ParameterUsed


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return value


@dataclass(frozen=True)
class TraceStep:
    rule_id: str
    legal_ref: str
    inputs: dict[str, Any]
    parameters: tuple[ParameterUsed, ...]
    result: dict[str, Any]
    explanation: str  # 说明: one plain Chinese line a caseworker can read to the household

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "legal_ref": self.legal_ref,
            "inputs": _text(self.inputs),
            "parameters": [
                {
                    "key": p.key,
                    "value": _text(p.value),
                    "region_code": p.region_code,
                    "valid_from": p.valid_from.isoformat(),
                    "parameter_id": p.parameter_id,
                }
                for p in self.parameters
            ],
            "result": _text(self.result),
            "说明": self.explanation,
        }


@dataclass
class Trace:
    steps: list[TraceStep] = field(default_factory=list)

    def add(
        self,
        rule_id: str,
        legal_ref: str,
        *,
        inputs: dict[str, Any],
        result: dict[str, Any],
        explanation: str,
        parameters: tuple[ParameterUsed, ...] = (),
    ) -> None:
        self.steps.append(TraceStep(rule_id, legal_ref, inputs, parameters, result, explanation))

    def to_list(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.steps]
