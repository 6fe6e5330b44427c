"""Random sequences of record / outage / recovery / forget against real SQLite and PostgreSQL, by
two bot processes' worth of logs (one database, a spool each): nothing acknowledged is lost,
nothing is stored twice, nothing forgotten comes back (not even from the other process's spool).

Outages are real and instant: on SQLite another connection holds the write lock (a writer stuck
for ever), on PostgreSQL the server is frozen with SIGSTOP. Writes then miss their (short)
deadline and go to the spool, while the stuck write may still land later: both paths must
agree. Examples are few and sequences short, to keep the suite within a minute or so.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from bot.engine.result import Result, Status
from db import database
from db.log import QuestionLog
from db.models import Feedback, Question
from faults import frozen
from pg_server import PostgresServer

pytest_plugins = ["tests.pg_fixture"]

SECRET = "property-secret-0123456789"
START = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)
USERS = ("ana", "ben", "chloe")

PROCESSES = (0, 1)
operations = st.lists(st.one_of(
    st.tuples(st.just("record"), st.sampled_from(USERS), st.sampled_from(PROCESSES)),
    st.tuples(st.just("feedback"), st.sampled_from(USERS), st.sampled_from(PROCESSES)),
    st.tuples(st.just("outage"), st.just(""), st.just(0)),
    st.tuples(st.just("recover"), st.just(""), st.just(0)),
    st.tuples(st.just("forget"), st.sampled_from(USERS), st.sampled_from(PROCESSES)),
), min_size=1, max_size=16)


def question(text: str) -> Result:
    return Result(question=text, normalised=text, status=Status.UNANSWERED, lang="fr", intent="unknown")


class SqliteOutage:
    """A second connection holding the write lock: every writer waits, as if stuck."""

    def __init__(self, path: Path):
        self._path = path
        self._holder: sqlite3.Connection | None = None

    def start(self) -> None:
        self._holder = sqlite3.connect(self._path, isolation_level=None, timeout=30)
        self._holder.execute("BEGIN IMMEDIATE")

    def stop(self) -> None:
        assert self._holder is not None
        self._holder.execute("ROLLBACK")
        self._holder.close()
        self._holder = None


class PostgresOutage:
    def __init__(self, server: PostgresServer):
        self._server = server
        self._freeze = None

    def start(self) -> None:
        self._freeze = frozen(self._server)
        self._freeze.__enter__()

    def stop(self) -> None:
        assert self._freeze is not None
        self._freeze.__exit__(None, None, None)
        self._freeze = None


def run_sequence(logs: list[QuestionLog], outage, ops: list[tuple[str, str, int]]) -> None:  # type: ignore[no-untyped-def]
    expected_questions: set[str] = set()
    expected_feedback: set[str] = set()
    made_by: dict[str, list[str]] = {u: [] for u in USERS}
    down = False
    clock = START
    try:
        for n, (op, user, process) in enumerate(ops):
            clock += dt.timedelta(seconds=1)
            log = logs[process]
            key = log.user_key(USERS.index(user) + 1) if user else None
            if op == "record":
                text = f"{user} question {n}"
                assert log.record(question(text), channel="telegram", user_key=key, now=clock).kept
                expected_questions.add(text)
                made_by[user].append(text)
            elif op == "feedback":
                entry = f"e{n}"
                assert log.feedback(entry=entry, helpful=True, user_key=key, lang="fr", now=clock).kept
                expected_feedback.add(entry)
                made_by[user].append(entry)
            elif op == "outage" and not down:
                outage.start()
                down = True
            elif op == "recover" and down:
                outage.stop()
                down = False
            elif op == "forget" and not down:
                log.forget(key, now=clock)
                expected_questions -= set(made_by[user])
                expected_feedback -= set(made_by[user])
                made_by[user] = []
    finally:
        if down:
            outage.stop()
    for log in logs:
        log.flush_spool()
    with logs[0]._sessions() as session:
        questions = list(session.scalars(select(Question.text)))
        feedback = list(session.scalars(select(Feedback.entry)))
    assert sorted(questions) == sorted(expected_questions)  # none lost, none twice, none back from the dead
    assert sorted(feedback) == sorted(expected_feedback)


@contextmanager
def fresh_logs(url: str, data_dir: Path) -> Iterator[list[QuestionLog]]:
    """Two logs on one database, each with its own spool (two bot processes on two machines)."""
    logs = [QuestionLog(database.make_engine(url), spool_path=data_dir / f"p{i}" / "spool.jsonl", secret=SECRET,
                        write_timeout=0.15, retry_after=0.2, staff_timeout=20) for i in PROCESSES]
    logs[0].upgrade()
    try:
        yield logs
    finally:
        for log in logs:
            log.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_random_sequences_on_sqlite(ops: list[tuple[str, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.sqlite3"
        with fresh_logs(f"sqlite:///{path}", Path(tmp)) as logs:
            run_sequence(logs, SqliteOutage(path), ops)


@pytest.fixture(scope="module")
def pg(postgres_server: PostgresServer) -> PostgresServer:
    return postgres_server


def test_random_sequences_on_postgresql(pg: PostgresServer) -> None:
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=operations)
    def check(ops: list[tuple[str, str, int]]) -> None:
        pg.start()
        name = pg.create_database("prop")
        try:
            with tempfile.TemporaryDirectory() as tmp, fresh_logs(pg.url(name), Path(tmp)) as logs:
                run_sequence(logs, PostgresOutage(pg), ops)
        finally:
            pg.drop_database(name)

    check()
