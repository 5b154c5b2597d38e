from alembic import context

from socialaid.db.migrations import run_alembic_env
from socialaid.payments.config import Settings
from socialaid.payments.db import metadata

url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
run_alembic_env(url, [metadata])
