"""Verification service (家庭经济状况核对): consent check, department queries, evidence and verified figures."""
