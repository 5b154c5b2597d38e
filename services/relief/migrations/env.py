from alembic import context

from socialaid.db.migrations import run_alembic_env
from socialaid.relief.config import Settings
from socialaid.relief.db import metadata

url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
run_alembic_env(url, [metadata])
