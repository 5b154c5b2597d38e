"""Database access shared by every service: engine, unit of work, platform tables, migrations."""

from socialaid.db.engine import Database, UnitOfWork, new_metadata

__all__ = ["Database", "UnitOfWork", "new_metadata"]
