"""Alembic environment for the question log.

The application passes an open connection in `config.attributes["connection"]` (see
`db.database.upgrade`); the `alembic` command line passes the database with `-x url=...`. On PostgreSQL a
transaction-scoped advisory lock makes bot processes starting together migrate one at a time.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text

from db.models import Base

MIGRATION_LOCK = 0x42494F56  # "BIOV": any constant shared by every process of this application


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database URL: alembic -c db/alembic.ini -x url=... <command>")
    return url


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = context.config.attributes.get("connection")
    if given is not None:
        _migrate(given)
    else:
        engine = create_engine(_url(), poolclass=pool.NullPool)
        try:
            with engine.connect() as connection:
                _migrate(connection)
                connection.commit()
        finally:
            engine.dispose()
