"""Nothing lost: records go to a spool file when the database is down and are written exactly once.

The outage is real: the test suite's PostgreSQL server is stopped in the middle of a run.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.engine.result import Status
from db.log import LogUnavailable, QuestionLog, open_question_log
from db.models import AnsweredCount, Feedback, Question
from pg_server import PostgresServer

pytest_plugins = ["tests.pg_fixture"]

SECRET = "test-pseudonym-secret"
NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)


def stored_texts(log: QuestionLog) -> list[str]:
    with log._sessions() as session:
        return list(session.scalars(select(Question.text).order_by(Question.id)))


def answered_total(log: QuestionLog) -> int:
    with log._sessions() as session:
        return sum(session.scalars(select(AnsweredCount.count)))


def feedback_total(log: QuestionLog) -> int:
    with log._sessions() as session:
        return len(session.scalars(select(Feedback.id)).all())


def spooled_lines(log: QuestionLog) -> list[str]:
    return log.spool_path.read_text().splitlines() if log.spool_path.exists() else []


def test_postgres_outage_mid_run_loses_and_duplicates_nothing(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    log = open_question_log(settings)
    try:
        def ask(i: int) -> None:
            log.record(make_result(f"question numéro {i} sur la panne"), channel="telegram",
                       user_key=log.user_key(i), now=NOW)
            log.record(make_result("ok", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW)
            log.feedback(entry="efs", helpful=i % 2 == 0, user_key=log.user_key(i), lang="fr", now=NOW)

        for i in range(0, 20):
            ask(i)
        assert spooled_lines(log) == []

        postgres_server.stop()
        for i in range(20, 40):
            ask(i)  # returns normally: every record goes to the spool
        kinds = Counter(json.loads(line)["kind"] for line in spooled_lines(log))
        assert (kinds["question"], kinds["feedback"]) == (20, 20)  # answered ones are only counted in memory
        with pytest.raises(LogUnavailable):
            log.groups()

        postgres_server.start()
        for i in range(40, 60):
            ask(i)  # spooled behind the others until the database is tried again
        log.flush_spool()  # what the next retry (at most RETRY_AFTER_S later) does
        log.record(make_result("ok", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW)
        assert spooled_lines(log) == []
        assert stored_texts(log) == [f"question numéro {i} sur la panne" for i in range(60)]  # once each, in order
        log.flush()
        assert answered_total(log) == 61
        assert feedback_total(log) == 60
    finally:
        log.close()


def test_outage_while_a_writer_thread_keeps_recording(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    log = open_question_log(settings)
    sent: list[int] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        i = 0
        try:
            while not stop.is_set():
                log.record(make_result(f"fil d'écriture {i}"), channel="telegram", now=NOW)
                sent.append(i)
                i += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 20
        while len(sent) < count and time.monotonic() < deadline and not errors:
            time.sleep(0.005)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for(30)
        postgres_server.stop()  # in the middle of the run, while writes are in flight
        down_at = len(sent)
        wait_for(down_at + 30)
        assert len(spooled_lines(log)) >= 25
        postgres_server.start()
        wait_for(len(sent) + 30)
    finally:
        stop.set()
        thread.join()
    try:
        assert errors == []
        log.flush_spool()
        assert spooled_lines(log) == []
        texts = stored_texts(log)
        assert Counter(texts) == Counter(f"fil d'écriture {i}" for i in sent)  # every one, exactly once
    finally:
        log.close()


def test_spool_is_replayed_at_open_after_a_restart(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    postgres_server.stop()
    with open_question_log(settings) as log:  # the bot starts while the database is down
        log.record(make_result("avant le redémarrage"), channel="cli", now=NOW)
        assert log.learned_aliases() == []
    postgres_server.start()
    with open_question_log(settings) as log:
        assert spooled_lines(log) == []
        assert stored_texts(log) == ["avant le redémarrage"]


def test_replaying_the_same_spool_twice_writes_once(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    """A crash after the commit but before the spool is emptied replays it again: no duplicates."""
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    with open_question_log(settings) as log:
        postgres_server.stop()
        log.record(make_result("une fois"), channel="cli", now=NOW)
        log.record(make_result("ok", Status.ANSWERED, entry="efs"), channel="cli", now=NOW)
        log.feedback(entry="efs", helpful=True, user_key=None, lang="fr", now=NOW)
        log.flush()  # the answered count, spooled too
        saved = log.spool_path.read_bytes()
        postgres_server.start()
        assert log.flush_spool() == 3
        log.spool_path.write_bytes(saved)  # as if the process died before truncating
        assert log.flush_spool() == 3
        assert stored_texts(log) == ["une fois"]
        assert answered_total(log) == 1 and feedback_total(log) == 1


def test_two_processes_sharing_a_spool_replay_it_once(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    first, second = open_question_log(settings), open_question_log(settings)
    try:
        postgres_server.stop()
        for i in range(100):
            (first if i % 2 else second).record(make_result(f"partagé {i}"), channel="cli", now=NOW)
        postgres_server.start()
        barrier = threading.Barrier(8)

        def flush(log: QuestionLog) -> None:
            barrier.wait()
            log.flush_spool()

        threads = [threading.Thread(target=flush, args=(log,)) for log in (first, second) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(stored_texts(first)) == sorted(f"partagé {i}" for i in range(100))
    finally:
        first.close()
        second.close()


def spool_line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False) + "\n"


def test_spool_format_and_unreadable_lines(settings: Settings) -> None:
    """The documented spool format replays on either backend; a torn line is set aside, not lost."""
    settings.data_dir.mkdir(parents=True)
    spool = settings.data_dir / "spool.jsonl"
    question = spool_line(kind="question", record_id="5b0c3c4e-9d0e-4a57-9d59-1df1f7b0a001",
                          asked_at="2025-11-20T10:30:00+00:00", text="Écrit à la main", normalised="ecrit a la main",
                          lang="fr", status="unanswered", intent=None, entry=None, score=0.0, suggestions=[],
                          channel="telegram", chat_type="private", user_key=None)
    answered = spool_line(kind="answered", record_id="5b0c3c4e-9d0e-4a57-9d59-1df1f7b0a002",
                          at="2025-11-20T10:31:00+00:00", status="answered", entry="efs", lang="fr")
    spool.write_text(question + '{"kind": "question", "record_id": "torn' + "\n" + answered)
    with open_question_log(settings) as log:  # replays at open
        assert stored_texts(log) == ["Écrit à la main"]
        assert answered_total(log) == 1
        assert spooled_lines(log) == []
        [rejected] = [json.loads(line) for line in (settings.data_dir / "spool.jsonl.rejected").read_text().splitlines()]
        assert rejected["line"] == '{"kind": "question", "record_id": "torn'
        assert rejected["reason"] == "not valid JSON (a torn or damaged line)"
        spool.write_text(question + answered)  # the same records again
        log.flush_spool()
        assert stored_texts(log) == ["Écrit à la main"] and answered_total(log) == 1
