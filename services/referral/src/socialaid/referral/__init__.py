"""Referral service (转办转介): department subscriptions, webhook deliveries and referrals (R-RF)."""
