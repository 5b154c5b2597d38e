"""Explanation trace: every amount says which rule, which parameter, which figure (R-CA-12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialaid.benefits.domain.json_values import to_json
from socialaid.benefits.domain.parameters import ParameterUsed


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
            "inputs": to_json(self.inputs),
            "parameters": [p.trace_entry for p in self.parameters],
            "result": to_json(self.result),
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
        """The steps as JSON values (what is stored and answered)."""
        return [s.to_dict() for s in self.steps]
