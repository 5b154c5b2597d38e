"""Adapters to systems outside payments: the paying bank, Prometheus."""
