"""The group-commit writer, the answered tally, and review groups kept at record time.

The writer is tested with a plain function as its `write` (it is generic); everything else runs
against the real databases (SQLite and PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import column, create_engine, insert, select, table

from bot.config import Settings
from bot.engine.result import Result, Status
from db import database
from db.groups import REFRESH_SECONDS
from db.log import QuestionLog, open_question_log
from db.models import AnsweredCount, Question, QuestionGroup
from db.writer import GroupCommitWriter, WriterClosed

pytest_plugins = ["tests.pg_fixture"]

NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)


# --- the writer alone ------------------------------------------------------------------------------

def test_records_queued_during_a_commit_share_the_next_one() -> None:
    batches: list[list[dict]] = []
    first_commit = threading.Event()
    release = threading.Event()

    def write(records: list[dict]) -> None:
        batches.append([r["n"] for r in records])
        if len(batches) == 1:
            first_commit.set()
            release.wait(10)

    writer = GroupCommitWriter(write)
    try:
        first = writer.submit({"n": 0})
        assert first_commit.wait(10)
        rest = [writer.submit({"n": n}) for n in range(1, 30)]  # queued while commit 1 is in progress
        release.set()
        wait([first, *rest], timeout=10)
        assert all(f.done() and f.exception() is None for f in [first, *rest])
        assert batches == [[0], list(range(1, 30))]  # two commits for thirty records
    finally:
        writer.close()


def test_a_bad_record_fails_alone_and_the_others_are_written() -> None:
    written: list[int] = []
    gate = threading.Event()

    def write(records: list[dict]) -> None:
        gate.wait(10)
        if any(r["n"] == 3 for r in records):
            raise ValueError("bad record")
        written.extend(r["n"] for r in records)

    writer = GroupCommitWriter(write)
    try:
        futures = [writer.submit({"n": n}) for n in range(6)]
        gate.set()
        wait(futures, timeout=10)
        assert isinstance(futures[3].exception(), ValueError)
        assert [f.exception() for i, f in enumerate(futures) if i != 3] == [None] * 5
        assert sorted(written) == [0, 1, 2, 4, 5]
    finally:
        writer.close()


def test_close_writes_what_is_queued_and_the_last_tick_then_refuses() -> None:
    written: list[dict] = []
    ticks = iter([[], [{"n": "tick"}]])
    writer = GroupCommitWriter(written.extend, tick=lambda: next(ticks, []), tick_seconds=3600)
    futures = [writer.submit({"n": n}) for n in range(50)]
    writer.close()
    assert all(f.done() for f in futures)
    assert [r["n"] for r in written][:50] == list(range(50))
    assert {"n": "tick"} in written or len(written) == 50  # the tick ran at flush or at close
    with pytest.raises(WriterClosed):
        writer.submit({"n": 99})
    writer.close()  # idempotent


# --- the question log with its writer ----------------------------------------------------------------

def counts(log: QuestionLog) -> dict[tuple, int]:
    with log._sessions() as session:
        return {(c.day, c.status, c.entry, c.lang): c.count for c in session.scalars(select(AnsweredCount))}


def test_answered_counts_wait_in_memory_until_a_flush(settings: Settings, make_result) -> None:
    log = open_question_log(settings, flush_seconds=3600)
    try:
        for _ in range(3):
            log.record(make_result("Où est EFS ?", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW)
        log.record(make_result("une vraie question"), channel="telegram", now=NOW)  # a commit, no tick
        assert counts(log) == {}
        log.flush()
        assert counts(log) == {(NOW.date(), "answered", "efs", "fr"): 3}
        log.record(make_result("Où est EFS ?", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW)
    finally:
        log.close()  # writes the last count
    with open_question_log(settings) as reopened:
        assert counts(reopened) == {(NOW.date(), "answered", "efs", "fr"): 4}


def test_answered_counts_are_written_every_few_seconds(settings: Settings, make_result) -> None:
    with open_question_log(settings, flush_seconds=0.05) as log:
        log.record(make_result("Où est EFS ?", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW)
        deadline = time.monotonic() + 20
        while not counts(log) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert counts(log) == {(NOW.date(), "answered", "efs", "fr"): 1}


def test_a_recorded_question_is_in_the_database_when_record_returns(question_log: QuestionLog, make_result) -> None:
    pending = [question_log.submit(make_result(f"question {i}"), channel="telegram", now=NOW) for i in range(40)]
    for each in pending:
        each.future.result(timeout=30)
    with question_log._sessions() as session:
        assert len(session.scalars(select(Question.id)).all()) == 40


def test_a_connection_the_server_closed_costs_no_record_and_no_spool(question_log: QuestionLog, make_result) -> None:
    """The writer's PostgreSQL connections skip the pre-ping: when the server ended one (a restart,
    an idle timeout), the batch is written again on a fresh connection, not spooled."""
    from db.log import Outcome

    assert question_log.record(make_result("first question"), channel="telegram", now=NOW) == Outcome.STORED
    if question_log.engine.dialect.name == "postgresql":
        with question_log.engine.connect() as connection:  # another connection ends the writer's
            ended = connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar_one()
        assert ended >= 1
    assert question_log.record(make_result("second question"), channel="telegram", now=NOW) == Outcome.STORED
    assert not question_log.spool_path.exists() or question_log.spool_path.stat().st_size == 0
    with question_log._sessions() as session:
        assert len(session.scalars(select(Question.id)).all()) == 2


# --- questions committed on the event loop (SQLite) -----------------------------------------------

async def test_the_loop_writer_commits_what_arrives_in_one_turn_together_and_steps_aside_when_slow() -> None:
    import asyncio

    from db import loop_writer

    now = [0.0]
    batches: list[list[int]] = []

    def write(records: list[dict]) -> None:
        batches.append([r["n"] for r in records])
        if records[0]["n"] >= 98:
            now[0] += loop_writer.SLOW_COMMIT_S * 2  # this commit was slow
        if records[0]["n"] == 7:
            raise RuntimeError("database is locked")

    writer = loop_writer.LoopWriter(write, clock=lambda: now[0])
    assert await asyncio.gather(*(writer.write({"n": n}) for n in range(5))) == [True] * 5
    assert batches == [[0, 1, 2, 3, 4]], "one turn of the loop, one transaction"
    assert await writer.write({"n": 7}) is False, "a failed batch is left to the writer thread"
    assert writer.usable()
    assert await writer.write({"n": 98}) is True
    assert writer.usable(), "one slow commit (the first of a process always is) changes nothing"
    assert await writer.write({"n": 99}) is True
    assert not writer.usable(), "two slow commits in a row: the writer thread takes the next questions"
    now[0] += loop_writer.PAUSE_S
    assert writer.usable()


async def test_a_kept_question_is_committed_by_the_loop_on_sqlite_and_by_the_writer_on_postgresql(
    settings: Settings, make_result
) -> None:
    on_sqlite = not settings.database_url.startswith("postgresql")
    log = open_question_log(settings)
    try:
        import asyncio

        kept = await asyncio.gather(*(log.keep(make_result(f"question {i}"), channel="telegram") for i in range(20)))
        assert kept == [True] * 20
        assert (log._writer is None) == on_sqlite, "SQLite: no writer thread needed; PostgreSQL: always it"
        with log._sessions() as session:
            assert len(session.scalars(select(Question.id)).all()) == 20
    finally:
        log.close()


async def test_a_locked_sqlite_database_never_holds_the_loop(tmp_path: Path, make_result) -> None:
    """Another process holds SQLite's write lock: the loop does not wait for it; the writer thread
    does, until the write deadline, and the question goes to the spool. Meanwhile the loop runs."""
    import asyncio
    import sqlite3

    settings = Settings(data_dir=tmp_path / "data", pseudonym_secret="s", db_write_timeout=0.5)
    log = open_question_log(settings)
    try:
        assert await log.keep(make_result("a first question"), channel="telegram")
        other = sqlite3.connect(settings.data_dir / "biovaliance.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        assert await log.keep(make_result("a second question"), channel="telegram")
        waited = time.monotonic() - started
        ticker.cancel()
        other.rollback()
        other.close()
        # The write deadline is 0.5 s: a loop that waited for the lock would have stalled longer.
        assert waited < 2 and ticks >= 10, "the loop kept running while the writer thread waited"
        assert "a second question" in log.spool_path.read_text(), "kept in the spool within the deadline"
    finally:
        log.close()


# --- dismissed phrasings through the index -------------------------------------------------------------

def test_dismissed_phrasings_are_matched_exactly_then_fuzzily(question_log: QuestionLog, make_result) -> None:
    question_log.record(make_result("Quel temps fait-il à Dijon ?"), channel="cli", now=NOW)
    question_log.dismiss("g1", now=NOW)
    for text in ("quel temps fait il a dijon", "Quel temps fait-il à Dijon svp ?", "Il fait quel temps à Dijon ?"):
        question_log.record(make_result(text), channel="cli", now=NOW)
    question_log.record(make_result("Où se trouve RD-Biotech ?"), channel="cli", now=NOW)
    with question_log._sessions() as session:
        states = dict(session.execute(select(Question.text, Question.state)).all())
    assert states == {"Quel temps fait-il à Dijon ?": "dismissed", "quel temps fait il a dijon": "dismissed",
                      "Quel temps fait-il à Dijon svp ?": "dismissed",
                      "Il fait quel temps à Dijon ?": "dismissed", "Où se trouve RD-Biotech ?": "open"}


def test_a_dismissal_by_another_process_reaches_this_writer(settings: Settings, make_result) -> None:
    bot, staff = open_question_log(settings), open_question_log(settings)
    try:
        bot.record(make_result("Quel est le prix du parking ?"), channel="telegram", now=NOW)
        assert [g.count for g in bot.groups()] == [1]  # the bot's caches are loaded now
        staff.dismiss("g1", now=NOW)
        time.sleep(REFRESH_SECONDS + 0.1)  # other processes' changes are looked for once a second
        bot.record(make_result("Quel est le prix du parking"), channel="telegram", now=NOW)
        assert bot.groups() == []  # went straight to dismissed, not into the (now dismissed) group
        [dismissed] = bot.groups("dismissed")
        assert dismissed.count == 2
    finally:
        bot.close()
        staff.close()


# --- groups kept at record time ------------------------------------------------------------------------

def group_rows(log: QuestionLog) -> list[tuple[str, int]]:
    with log._sessions() as session:
        return sorted((g.state, g.count) for g in session.scalars(select(QuestionGroup)))


def test_each_question_joins_its_group_when_recorded(question_log: QuestionLog, make_result) -> None:
    for text in ("Où se trouve l'usine RD-Biotech ?", "ou se trouve l usine rd biotech",
                 "Quel est le salaire d'un technicien ?", "Où se trouve l'usine RD-Biotech svp ?"):
        question_log.record(make_result(text), channel="cli", now=NOW)
    assert group_rows(question_log) == [("open", 1), ("open", 3)]
    with question_log._sessions() as session:
        assert len(set(session.scalars(select(Question.group_id)))) == 2
    groups, total = question_log.review_page(limit=1)
    assert total == 2 and [g.key for g in groups] == ["g1"] and groups[0].question_ids == (1, 2, 4)


def test_a_review_action_touches_its_group_only(question_log: QuestionLog, make_result) -> None:
    for text in ("Combien coûte le parking ?", "Quel temps fait-il ?", "combien coute le parking",
                 "Quel temps fait il ?"):
        question_log.record(make_result(text), channel="cli", now=NOW)
    assert question_log.resolve("g2", now=NOW) == 2
    assert group_rows(question_log) == [("open", 2), ("resolved", 2)]
    question_log.record(make_result("Quel temps fait-il"), channel="cli", now=NOW)  # a new open group
    assert group_rows(question_log) == [("open", 1), ("open", 2), ("resolved", 2)]


def test_acting_on_one_question_takes_it_out_of_its_group(question_log: QuestionLog, make_result) -> None:
    for text in ("Combien coûte le parking ?", "combien coute le parking", "Combien coûte le parking svp ?"):
        question_log.record(make_result(text), channel="cli", now=NOW)
    assert question_log.resolve("2", now=NOW) == 1
    assert group_rows(question_log) == [("open", 2), ("resolved", 1)]
    assert question_log.group("g1").question_ids == (1, 3)
    assert question_log.group("g2").question_ids == (2,)


def test_forget_and_purge_keep_group_counts_true(question_log: QuestionLog, make_result) -> None:
    alice, bob = question_log.user_key(1), question_log.user_key(2)
    question_log.record(make_result("Combien coûte le parking ?"), channel="telegram", user_key=alice, now=NOW)
    question_log.record(make_result("combien coute le parking"), channel="telegram", user_key=bob, now=NOW)
    question_log.record(make_result("Quel temps fait-il ?"), channel="telegram", user_key=alice, now=NOW)
    question_log.forget(alice)
    assert group_rows(question_log) == [("open", 1)]
    assert [g.key for g in question_log.groups()] == ["g2"]  # named after its oldest remaining question
    question_log.purge(0, now=NOW + dt.timedelta(days=1))
    assert group_rows(question_log) == [] and question_log.groups() == []


def test_concurrent_writers_keep_group_counts_exact(question_log: QuestionLog, make_result) -> None:
    texts = ["Combien coûte le parking ?", "Quel temps fait-il ?", "Où manger à Dijon ?"]

    def ask(i: int) -> None:
        question_log.record(make_result(texts[i % 3]), channel="telegram", now=NOW)

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(ask, range(120)))
    assert group_rows(question_log) == [("open", 40)] * 3


def test_migration_groups_questions_logged_before_it(tmp_path: Path) -> None:
    """A log from before 0002: its open questions are grouped by the upgrade, as review grouped them."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = database.make_engine(url)
    config = database.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")  # the revision before the groups
    old_questions = create_engine(url).connect()
    rows = [{"record_id": f"r{i}", "asked_at": NOW.replace(tzinfo=None), "text": text,
             "normalised": text, "lang": "fr", "status": "unanswered", "score": 0.0, "suggestions": "[]",
             "channel": "cli", "state": state}
            for i, (text, state) in enumerate([("combien coute le parking", "open"),
                                               ("combien coute le parking svp", "open"),
                                               ("quel temps fait il", "open"),
                                               ("quel temps fait il", "resolved")])]
    questions = table("questions", *(column(name) for name in rows[0]))
    with old_questions.begin():
        old_questions.execute(insert(questions), rows)
    old_questions.close()
    database.upgrade(engine)
    log = QuestionLog(engine, spool_path=tmp_path / "spool.jsonl", secret="s")
    try:
        assert [(g.key, g.count) for g in log.groups()] == [("g1", 2), ("g3", 1)]
        assert [(g.key, g.count) for g in log.groups("resolved")] == [("g4", 1)]
        log.record(_result("combien coute le parking stp"), channel="cli", now=NOW)
        assert [(g.key, g.count) for g in log.groups()] == [("g1", 3), ("g3", 1)]
    finally:
        log.close()


def _result(text: str) -> Result:
    return Result(question=text, normalised=text, status=Status.UNANSWERED, lang="fr", intent="unknown",
                  entry=None, score=0.0, suggestions=())
