"""Base class and registry of event contracts.

Rules: a field is only ever added as optional; a breaking change is a new type
ending in ``.v2``. ``TYPE`` is the CloudEvents ``type``; ``TOPIC`` the Kafka topic.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "cn.gov.socialaid."


class Topic:
    CASE = "socialaid.case"
    VERIFICATION = "socialaid.verification"
    ASSESSMENT = "socialaid.assessment"
    PAYMENT = "socialaid.payment"
    REFERRAL = "socialaid.referral"
    DISASTER = "socialaid.disaster"
    PARAMETER = "socialaid.parameter"
    ENTITLEMENT = "socialaid.entitlement"
    DEADLETTER = "socialaid.deadletter"

    @classmethod
    def all(cls) -> list[str]:
        return [v for k, v in vars(cls).items() if k.isupper()]


TOPIC_DESCRIPTIONS = {
    Topic.CASE: "Case lifecycle (intake): submitted, accepted, assessed, approved, rejected, enrolled. Key: case id.",
    Topic.VERIFICATION: "Economic verification results (verification). Key: case id.",
    Topic.ASSESSMENT: "Benefit assessments (benefits). Key: case id.",
    Topic.PAYMENT: "Payroll and payment results (payments). Key: case id or payroll id.",
    Topic.REFERRAL: "Referrals to departments and their reports (referral). Key: case id.",
    Topic.DISASTER: "Disaster declarations (relief). Key: disaster id.",
    Topic.PARAMETER: "Published policy parameter versions (benefits). Key: parameter key.",
    Topic.ENTITLEMENT: "Entitlement amounts changed by a recalculation (benefits). Key: case id.",
    Topic.DEADLETTER: "Messages a consumer could not apply, with diagnostics. Key: subject.",
}


class Contract(BaseModel):
    """Event data. Subclasses set TYPE, TOPIC and SUBJECT (the field holding the subject id)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    SUBJECT: ClassVar[str] = "case_id"
    SUMMARY: ClassVar[str] = ""

    def subject(self) -> str:
        return str(getattr(self, self.SUBJECT))

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


REGISTRY: dict[str, type[Contract]] = {}


def register(cls: type[Contract]) -> type[Contract]:
    if not cls.TYPE.startswith(TYPE_PREFIX) or not cls.TYPE.rsplit(".", 1)[-1].startswith("v"):
        raise ValueError(f"bad event type {cls.TYPE}")
    if cls.TYPE in REGISTRY:
        raise ValueError(f"duplicate event type {cls.TYPE}")
    if cls.TOPIC not in Topic.all():
        raise ValueError(f"unknown topic {cls.TOPIC}")
    REGISTRY[cls.TYPE] = cls
    return cls


def contract_for(event_type: str) -> type[Contract]:
    return REGISTRY[event_type]
