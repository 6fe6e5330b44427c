"""Database fixtures: a SQLite file per test, and a real PostgreSQL server for the whole session.

Load with `pytest_plugins = ["tests.pg_fixture"]`. Where no PostgreSQL binaries exist the
PostgreSQL cases skip with a clear message; with BIOVALIANCE_REQUIRE_POSTGRES=1 (set by .ci/run)
they fail instead, so CI can never pass without them.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine.result import Result, Status, Suggestion
from bot.text import normalise
from db.log import QuestionLog, open_question_log
from pg_server import REQUIRE_ENV, PostgresServer, PostgresUnavailable, find_bindir

BACKENDS = ("sqlite", "postgresql")
SECRET = "test-pseudonym-secret"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    required = os.environ.get(REQUIRE_ENV) == "1"
    bindir = find_bindir()
    try:
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries (initdb, postgres) not found; install the postgresql "
                f"package to run these tests (with {REQUIRE_ENV}=1 this is an error)")
        server = PostgresServer.create(bindir)
    except PostgresUnavailable as exc:
        if required:
            pytest.fail(f"{REQUIRE_ENV}=1 but {exc}", pytrace=False)
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server."""
    postgres_server.start()  # no-op unless a test stopped it
    name = postgres_server.create_database("test")
    yield postgres_server.url(name)
    postgres_server.start()
    postgres_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'biovaliance.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, pseudonym_secret=SECRET,
                    log_retention_days=30)


@pytest.fixture
def question_log(settings: Settings) -> Iterator[QuestionLog]:
    log = open_question_log(settings)
    try:
        yield log
    finally:
        log.close()


@pytest.fixture
def make_result() -> Callable[..., Result]:
    """Factory: a Result as the engine would return it, `make_result("text", Status.CLARIFY, entry=...)`."""

    def make(question: str, status: Status | str = Status.UNANSWERED, *, lang: str = "fr",
             intent: str = "unknown", entry: str | None = None, score: float = 0.0,
             suggestions: tuple[tuple[str, str], ...] = ()) -> Result:
        return Result(question=question, normalised=normalise(question), status=Status(status), lang=lang,
                      intent=intent, entry=entry, score=score,
                      suggestions=tuple(Suggestion(e, label) for e, label in suggestions))

    return make
