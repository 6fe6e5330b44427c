"""Engines for SQLite and PostgreSQL, and migrations run from code."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
SQLITE_BUSY_TIMEOUT_S = 30
VERSION_TABLE = "alembic_version"
# libpq settings that make a hung or vanished PostgreSQL server fail fast instead of blocking:
# connecting, a dead peer (keepalives, unacknowledged data), a statement or a lock that never
# ends. A server that is merely frozen still holds its sockets open, which no client-side libpq
# setting detects: QuestionLog's write deadline covers that case.
POSTGRES_CONNECT_ARGS = {
    "connect_timeout": 5,
    "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # ms
    "options": "-c statement_timeout=15000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000",
}


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
    connect_args = dict(POSTGRES_CONNECT_ARGS) if url.get_backend_name() == "postgresql" else {}
    # hide_parameters: a database error must never put a visitor's question or key in a log line
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20, pool_timeout=5,
                         connect_args=connect_args, hide_parameters=True)


def quick_engine(engine: Engine) -> Engine:
    """An engine for single statements on a visitor's path (the conversation state: one read and
    one upsert per message), on PostgreSQL in autocommit with no pre-ping: one round trip per
    statement instead of four (ping, BEGIN, the statement, COMMIT or ROLLBACK), and the server
    keeps the statements prepared. A connection that broke meanwhile fails that one call (its
    caller falls back) and the pool replaces it. SQLite: `engine` itself (no ping, nothing to save).
    """
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=8, pool_timeout=5,
                         connect_args=dict(POSTGRES_CONNECT_ARGS), hide_parameters=True)


def writer_engine(engine: Engine) -> Engine:
    """The question log's write path (one writer thread, the spool's replays): on PostgreSQL no
    pre-ping, one round trip fewer per batch; a connection that broke meanwhile fails that one
    attempt, which the log repeats once on a fresh connection. SQLite: `engine` itself.
    """
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(engine.url, pool_size=2, max_overflow=4, pool_timeout=5,
                         connect_args=dict(POSTGRES_CONNECT_ARGS), hide_parameters=True)


def no_wait_engine(engine: Engine) -> Engine | None:
    """SQLite: an engine on the same file whose connections never wait for another writer's lock
    (for writes made on the event loop: "database is locked" at once, and the caller hands the
    write to a thread that may wait). None for PostgreSQL, whose writes never run on the loop.
    """
    if engine.dialect.name != "sqlite":
        return None
    no_wait = create_engine(engine.url, connect_args={"timeout": 0}, hide_parameters=True)
    _configure_sqlite(no_wait, busy_timeout_s=0)
    return no_wait


def _configure_sqlite(engine: Engine, *, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> None:
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
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # erased questions are overwritten, not just unlinked
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_path(raw_url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL, memory or URI databases."""
    url = database_url(raw_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser()


def sqlite_damage(path: Path) -> str | None:
    """Why the SQLite file at `path` is unusable (bad header, truncated, damaged pages), or None."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        return None if "locked" in str(exc) or "unable to open" in str(exc) else str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()
    problems = [row[0] for row in rows if row[0] != "ok"]
    return "; ".join(problems[:3]) or None


def set_aside_if_damaged(path: Path) -> Path | None:
    """Move a damaged SQLite file (and its WAL) aside so a fresh one is created; returns where to.

    Raises OSError when it cannot be moved (the caller then runs on the spool alone).
    """
    reason = sqlite_damage(path)
    if reason is None:
        return None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(path, target)
    logger.error("the SQLite file %s is damaged (%s): moved to %s, a fresh one is created; "
                 "nothing waiting in the spool is lost", path, reason, target)
    return target


def is_damage(exc: DBAPIError) -> bool:
    """A SQLite error that says the file itself is damaged, not that it is busy or unreachable."""
    orig = exc.orig
    return isinstance(orig, sqlite3.DatabaseError) and (
        not isinstance(exc, OperationalError) or "malformed" in str(orig) or "not a database" in str(orig))


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
