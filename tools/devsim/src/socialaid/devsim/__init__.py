"""Stand-ins for external systems in development and tests, reached only through configurable URLs."""
