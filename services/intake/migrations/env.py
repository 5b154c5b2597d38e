from alembic import context

from socialaid.db.migrations import run_alembic_env
from socialaid.intake.config import Settings
from socialaid.intake.db import metadata

url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
run_alembic_env(url, [metadata])
