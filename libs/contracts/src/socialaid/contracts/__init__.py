"""Event contracts shared by producers and consumers."""

from socialaid.contracts import events
from socialaid.contracts.base import (
    REGISTRY,
    TOPIC_DESCRIPTIONS,
    Contract,
    Topic,
    contract_for,
    register,
)

__all__ = [
    "REGISTRY",
    "TOPIC_DESCRIPTIONS",
    "Contract",
    "Topic",
    "contract_for",
    "events",
    "register",
]
