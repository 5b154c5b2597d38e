from alembic import context

from socialaid.benefits.config import Settings
from socialaid.benefits.db import metadata
from socialaid.db.migrations import run_alembic_env

url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
run_alembic_env(url, [metadata])
