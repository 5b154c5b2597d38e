"""Queries over the benefits tables, one module per aggregate. Never commits.

Every query answers typed records (frozen dataclasses), never SQLAlchemy rows.
"""
