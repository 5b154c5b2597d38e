"""Shared foundations: settings, identifiers, money, domain errors, logging, telemetry."""
