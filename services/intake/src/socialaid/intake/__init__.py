"""Intake service (一门受理): applications, household rosters, consent and the case lifecycle."""
