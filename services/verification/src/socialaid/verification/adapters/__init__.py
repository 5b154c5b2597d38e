"""Clients of other systems (department connectors): called by use cases, no tables."""
