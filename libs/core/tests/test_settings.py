"""Production refuses to start with development secrets (probe: services started happily with
the development encryption keys)."""

import pytest
from pydantic import ValidationError

from socialaid.core.settings import ServiceSettings

STRONG_A = "a" * 20 + "-strong-secret-one-xyz"
STRONG_B = "b" * 20 + "-strong-secret-two-xyz"


def test_development_defaults_are_fine_outside_production() -> None:
    assert ServiceSettings().environment == "development"


@pytest.mark.parametrize(
    ("hash_key", "encryption_key"),
    [
        (None, None),  # both left at their development defaults
        (STRONG_A, None),
        (None, STRONG_B),
        ("short-secret", STRONG_B),
        (STRONG_A, STRONG_A),  # the same secret for both purposes
    ],
)
def test_production_refuses_development_or_weak_secrets(
    hash_key: str | None, encryption_key: str | None
) -> None:
    values: dict[str, str] = {"environment": "production"}
    if hash_key:
        values["pii_hash_key"] = hash_key
    if encryption_key:
        values["pii_encryption_key"] = encryption_key
    with pytest.raises(ValidationError, match="production"):
        ServiceSettings.model_validate(values)


def test_production_starts_with_its_own_secrets() -> None:
    s = ServiceSettings.model_validate(
        {"environment": "production", "pii_hash_key": STRONG_A, "pii_encryption_key": STRONG_B}
    )
    assert s.environment == "production"
