"""Relief service (受灾人员救助): disaster events and graded response levels (R-DR)."""
