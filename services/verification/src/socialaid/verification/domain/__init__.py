"""Pure verification logic: no FastAPI, no SQLAlchemy, no I/O."""
