"""50 concurrent writers lose and duplicate nothing, on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot.config import Settings
from bot.engine.result import Status
from db.log import QuestionLog, open_question_log
from db.models import AnsweredCount, Feedback, Question

pytest_plugins = ["tests.pg_fixture"]

WRITERS = 50
PER_WRITER = 8
NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)


def written(log: QuestionLog) -> tuple[Counter[str], int, int]:
    log.flush()  # answered questions are counted in memory until the next flush
    with log._sessions() as session:
        texts = Counter(session.scalars(select(Question.text)))
        answered = sum(session.scalars(select(AnsweredCount.count)))
        feedback = len(session.scalars(select(Feedback.id)).all())
    return texts, answered, feedback


def test_fifty_threads_share_one_log(question_log: QuestionLog, make_result) -> None:
    def writer(w: int) -> None:
        for i in range(PER_WRITER):
            outcomes = [
                question_log.record(make_result(f"écrivain {w} question {i}"), channel="telegram",
                                    user_key=question_log.user_key(w), now=NOW),
                question_log.record(make_result("ok", Status.ANSWERED, entry="efs"), channel="telegram", now=NOW),
                question_log.feedback(entry="efs", helpful=True, user_key=question_log.user_key(w), lang="fr", now=NOW),
            ]
            assert all(outcome.kept for outcome in outcomes)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))  # re-raises any writer's exception

    # A write that waited past the deadline under this load went to the spool as well: replay it.
    question_log.flush_spool()
    texts, answered, feedback = written(question_log)
    assert texts == Counter(f"écrivain {w} question {i}" for w in range(WRITERS) for i in range(PER_WRITER))
    assert answered == feedback == WRITERS * PER_WRITER
    assert not question_log.spool_path.exists() or question_log.spool_path.stat().st_size == 0


def test_fifty_writers_across_five_processes_worth_of_logs(settings: Settings, make_result) -> None:
    """Five QuestionLog instances (as five bot processes would have), ten threads each."""
    logs = [open_question_log(settings) for _ in range(5)]
    try:
        def writer(w: int) -> None:
            log = logs[w % len(logs)]
            for i in range(PER_WRITER):
                log.record(make_result(f"processus {w % 5} fil {w} n° {i}"), channel="telegram", now=NOW)
                log.record(make_result("salut", Status.SMALLTALK), channel="telegram", now=NOW)

        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(writer, range(WRITERS)))
        for log in logs:
            log.flush()
            log.flush_spool()
        texts, answered, _feedback = written(logs[0])
        assert texts == Counter(f"processus {w % 5} fil {w} n° {i}" for w in range(WRITERS) for i in range(PER_WRITER))
        assert answered == WRITERS * PER_WRITER
    finally:
        for log in logs:
            log.close()
