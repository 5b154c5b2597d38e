"""Use cases: take a unit of work, never commit (the route or runner commits once)."""

SOURCE = "/socialaid/payments"
