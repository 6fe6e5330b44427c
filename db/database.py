"""Engines for SQLite and PostgreSQL, and migrations run from code."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url

PACKAGE_DIR = Path(__file__).resolve().parent
SQLITE_BUSY_TIMEOUT_S = 30
VERSION_TABLE = "alembic_version"


def database_url(raw: str) -> URL:
    """Parse DATABASE_URL; plain postgres:// and postgresql:// URLs get the psycopg 3 driver."""
    url = make_url(raw)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(raw_url: str) -> Engine:
    """An engine ready for several threads (and, on PostgreSQL, several processes)."""
    url = database_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    # hide_parameters: a database error must never put a visitor's question or key in a log line
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20, connect_args=connect_args,
                         hide_parameters=True)


def _configure_sqlite(engine: Engine) -> None:
    """WAL (readers never block the writer), a busy timeout, and BEGIN IMMEDIATE.

    pysqlite's own transaction handling starts a deferred transaction, which fails at once with
    "database is locked" when it later needs to write while another connection is writing; taking
    the write lock at BEGIN lets the busy timeout do its job instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    """Migrations from the package directory: works from the source tree and when installed."""
    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision (no-op when it is there); returns that revision."""
    head = head_revision()
    if current_revision(engine) == head:
        return head  # the usual case at start: skip Alembic's environment altogether
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database; None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
