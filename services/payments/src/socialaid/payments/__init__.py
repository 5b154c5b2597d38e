"""Payments service (资金发放): entitlements, monthly payrolls, bank instructions and the fund ledger."""
