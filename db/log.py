"""The question log: what front ends call to record questions and feedback, and staff to review.

Recording goes through one writer thread that commits in batches (db.writer): `submit` returns
a future that completes once the question is durable, which is what the Telegram handler awaits
before saying "passed on to the team"; `record` is the same, blocking. Answered questions are
only counted, in memory (db.tally), and written every few seconds and at close. Staff methods are
synchronous and thread-safe; Telegram handlers call them through asyncio.to_thread.
Recording never fails and never keeps a visitor waiting longer than `write_timeout` (2 s by
default), whatever the storage does: a record the writer has not made durable by then, or that it
failed to write (database down, hung, full, read-only or damaged), goes to the local spool
(`db.spool`), replayed exactly once when the database answers again; if the spool cannot be
written either, the outcome says so (Outcome.LOST) so the reply does not promise what was not
kept, and the loss is counted and logged once per outage.

Groups: each question joins a group when it is recorded (db.groups), so review reads groups
instead of computing them. A group is named after its oldest question, `g<id>`. `g12` means
"the group that question 12 belongs to now", `12` means question 12 alone.
"""
from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import json
import logging
import enum
import os
import re
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from bot.text import normalise as _normalise  # the engine's own folding, for masked questions
from db import database, erasure, repository
from db.deadline import DeadlineExceeded, DeadlineRunner
from db.loop_writer import LoopWriter
from db.groups import ReviewIndexes
from db.masking import mask_contacts
from db.models import DISMISSED, OPEN, RESOLVED, STATES, Question
from db.privacy import load_or_create_secret, pseudonymise
from db.review_index import LoggedQuestion, ReviewGroup, ReviewIndex
from db.spool import Poison, Record, Spool
from db.tally import AnsweredTally
from db.writer import TICK_SECONDS, GroupCommitWriter

logger = logging.getLogger(__name__)

CHANNELS = ("telegram", "cli")
GROUP_ACTIONS = ("link", "dismiss", "resolve")
SPOOL_FILE = "spool.jsonl"
WRITE_TIMEOUT_S = 2.0  # longest a visitor's reply waits for the database
RETRY_AFTER_S = 5.0  # after a failed or late write, records go straight to the spool this long
STAFF_TIMEOUT_S = 15.0  # longest a staff or /forget operation waits before saying "unavailable"
MAX_QUESTION_ID = 2**31 - 1  # INTEGER on PostgreSQL; ids beyond are refused before any query
CSV_COLUMNS = ("id", "asked_at", "text", "normalised", "lang", "status", "intent", "entry", "score",
               "suggestions", "channel", "chat_type", "state", "reviewed_at", "linked_entry")


# What `submit` returns for an answered question: counted in memory, nothing to wait for.
_COUNTED: Future[None] = Future()
_COUNTED.set_result(None)


class LogUnavailable(RuntimeError):
    """The database cannot be reached for a review, statistics or privacy operation."""


class UnknownQuestion(LookupError):
    """No question (or group) with that id."""


class Outcome(enum.Enum):
    """What became of a record: in the database, safe in the spool, or lost (both failed)."""

    STORED = "stored"
    SPOOLED = "spooled"
    LOST = "lost"

    @property
    def kept(self) -> bool:
        return self is not Outcome.LOST


def _is_poison(exc: BaseException) -> bool:
    """The record itself is at fault (the database refuses its content), not the storage."""
    if isinstance(exc, (DataError, IntegrityError, Poison, ValueError, TypeError, KeyError)):
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


def _describe(exc: BaseException) -> str:
    """Type and first line of a storage error: never a parameter (hide_parameters), never a question."""
    inner = getattr(exc, "orig", None) or exc
    detail = str(inner).strip().splitlines()
    return f"{type(inner).__name__}" + (f": {detail[0][:200]}" if detail else "")


def _csv_cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): text starting with
    = + - @, a tab or a carriage return gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _is_outage(exc: BaseException) -> bool:
    """A storage failure (anything but a record the database refuses for its content)."""
    return not _is_poison(exc)


def _utc(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _day_bounds(first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the UTC days first_day..last_day."""
    return (dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC),
            dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))


def parse_ref(ref: str | int) -> tuple[bool, int]:
    """'g12' -> (True, 12): the group of question 12; '12' or 12 -> (False, 12): question 12 alone."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        whole_group, number = False, ref
    else:
        match = re.fullmatch(r"\s*(g?)#?([0-9]{1,10})\s*", str(ref), flags=re.IGNORECASE | re.ASCII)
        if not match:
            raise UnknownQuestion(f"{str(ref)[:40]!r} is not a group (g12) or question (12) id")
        whole_group, number = bool(match.group(1)), int(match.group(2))
    if not 1 <= number <= MAX_QUESTION_ID:
        raise UnknownQuestion(f"no question {number}")
    return whole_group, number


class _Result(Protocol):
    """What `record` reads from bot.engine.result.Result (no import: db does not need the engine)."""

    question: str
    normalised: str
    status: Any
    lang: str
    intent: str
    entry: str | None
    score: float
    suggestions: Sequence[Any]

    @property
    def needs_review(self) -> bool: ...


@dataclass(frozen=True)
class Group:
    """Similar logged questions, reviewed together."""

    id: int  # the oldest question's id
    state: str
    count: int
    first_asked: dt.datetime
    last_asked: dt.datetime
    samples: tuple[str, ...]  # distinct texts, most frequent first (at most 3)
    candidates: tuple[str, ...]  # entries the engine leaned towards, most often first (at most 5)
    langs: tuple[str, ...]
    question_ids: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"g{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key, "state": self.state, "count": self.count,
            "first_asked": _iso(self.first_asked), "last_asked": _iso(self.last_asked),
            "samples": list(self.samples), "candidates": list(self.candidates),
            "langs": list(self.langs), "question_ids": list(self.question_ids),
        }


@dataclass(frozen=True)
class DayStats:
    day: dt.date
    answered: int
    unanswered: int
    clarify: int
    smalltalk: int

    @property
    def questions(self) -> int:
        """Questions proper: small talk is not counted."""
        return self.answered + self.unanswered + self.clarify


@dataclass(frozen=True)
class Stats:
    first_day: dt.date
    last_day: dt.date
    days: tuple[DayStats, ...]
    top_unanswered: tuple[tuple[str, int], ...]  # (a sample text, times asked)
    top_answered: tuple[tuple[str, int], ...]  # (entry id, times answered)
    helpful: int
    not_helpful: int
    open_questions: int

    @property
    def questions(self) -> int:
        return sum(d.questions for d in self.days)

    @property
    def answered_rate(self) -> float | None:
        total = self.questions
        return None if total == 0 else sum(d.answered for d in self.days) / total

    @property
    def feedback_ratio(self) -> float | None:
        total = self.helpful + self.not_helpful
        return None if total == 0 else self.helpful / total

    def to_json(self) -> dict[str, Any]:
        return {
            "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
            "questions": self.questions,
            "answered_rate": None if self.answered_rate is None else round(self.answered_rate, 4),
            "per_day": [{"day": d.day.isoformat(), "questions": d.questions, "answered": d.answered,
                         "unanswered": d.unanswered, "clarify": d.clarify, "smalltalk": d.smalltalk}
                        for d in self.days],
            "top_unanswered": [{"text": text, "count": n} for text, n in self.top_unanswered],
            "top_answered": [{"entry": entry, "count": n} for entry, n in self.top_answered],
            "feedback": {"helpful": self.helpful, "not_helpful": self.not_helpful,
                         "ratio": None if self.feedback_ratio is None else round(self.feedback_ratio, 4)},
            "open_questions": self.open_questions,
        }


class Pending:
    """A record handed to the writer. `future` completes when the writer made it durable (for an
    async caller to await); `outcome()` says what became of it within the log's write deadline."""

    def __init__(self, log: QuestionLog, record: Record | None, future: Future[None] | None,
                 settled: Outcome | None = None):
        self._log, self.record, self.future = log, record, future
        self._settled = settled
        self._lock = threading.Lock()

    def outcome(self, timeout: float | None = None) -> Outcome:
        """STORED, SPOOLED or LOST, waiting at most `timeout` (default: the write deadline) for
        the writer; never raises for a storage failure. Settled once, then remembered."""
        with self._lock:
            if self._settled is None:
                wait = self._log.write_timeout if timeout is None else timeout
                self._settled = self._log._settle(self, wait)
            return self._settled


class QuestionLog:
    """Records questions, answers counts and feedback; serves the staff review loop."""

    def __init__(self, engine: Engine, *, spool_path: Path, secret: str, flush_seconds: float = TICK_SECONDS,
                 write_timeout: float = WRITE_TIMEOUT_S, retry_after: float = RETRY_AFTER_S,
                 staff_timeout: float = STAFF_TIMEOUT_S):
        if not secret:
            raise ValueError("a pseudonym secret is required")
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_engine = database.writer_engine(engine)
        self._no_wait_engine = database.no_wait_engine(engine)
        self._loop_writer = None if self._no_wait_engine is None else LoopWriter(self._write_on_loop)
        self._spool = Spool(spool_path)
        self._secret = secret
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._review_index = ReviewIndex()
        self._indexes = ReviewIndexes()
        self._tally = AnsweredTally()
        self._flush_seconds = flush_seconds
        self._writer: GroupCommitWriter | None = None  # started by the first record
        self._writer_lock = threading.Lock()
        self._keys: dict[int, str] = {}
        self._quick_engine: Engine | None = None
        self._closers: list[Callable[[], None]] = []
        self._runner = DeadlineRunner(name="question-log")
        self._write_timeout = write_timeout
        self._retry_after = retry_after
        self._staff_timeout = staff_timeout
        self._health = threading.Lock()
        self._suspect_until = 0.0  # monotonic time before which the database is not tried
        self._retrying = False  # a background replay is under way
        self._lost = 0  # records lost since the outage began (database and spool both failed)
        self.lost_total = 0  # records lost since the log was opened

    # --- lifecycle -------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if not self._schema_ready:
                database.upgrade(self._engine)
                self._schema_ready = True

    def upgrade(self) -> str:
        """Run pending migrations now; returns the schema revision."""
        try:
            with self._schema_lock:
                revision = database.upgrade(self._engine)
                self._schema_ready = True
        except DBAPIError as exc:
            raise self._unavailable(exc) from exc
        return revision or ""

    def close(self) -> None:
        """Write what is queued and counted, then what the spool holds if the database is back, and
        release every connection."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close(timeout=self._staff_timeout)
        try:
            self._write_tally()
        except Exception as exc:  # noqa: BLE001 - counts only; the visitor got the reply long ago
            logger.warning("answered counts not written at close (%s)", _describe(exc))
        self._bounded_flush()
        self._runner.close(wait=self._staff_timeout)
        for close in self._closers:
            close()
        for extra in {self._quick_engine, self._write_engine, self._no_wait_engine} - {None, self._engine}:
            extra.dispose()
        self._engine.dispose()

    def flush(self) -> None:
        """Write everything recorded so far, answered counts included (staff reads call this first)."""
        writer = self._writer
        if writer is not None:
            writer.flush()
        else:
            self._write_tally()

    def _write_tally(self) -> None:
        counts = self._tally.drain()
        if counts:
            self._write(counts)

    def __enter__(self) -> QuestionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def spool_path(self) -> Path:
        return self._spool.path

    def user_key(self, user_id: int) -> str:
        """The pseudonymous key under which this Telegram user's questions are logged (cached)."""
        key = self._keys.get(user_id)
        if key is None:
            if len(self._keys) > 100_000:
                self._keys.clear()
            key = self._keys[user_id] = pseudonymise(user_id, self._secret)
        return key

    # --- recording -------------------------------------------------------------------------------

    def submit(self, result: _Result, *, channel: str, chat_type: str | None = None,
               user_key: str | None = None, now: dt.datetime | None = None) -> Pending:
        """Log an unanswered or unclear question in full (phone numbers and e-mail addresses masked);
        for anything else, count it, keep no text.

        Returns at once. `Pending.future` completes when the writer made the question durable;
        `Pending.outcome()` says, within `write_timeout`, what became of it (the spool takes it
        if the writer is late or failed). Answered questions are counted in memory: kept at once.
        """
        record = self._question_record(result, channel, chat_type, user_key, now)
        return Pending(self, None, _COUNTED) if record is None else self._submit(record)

    async def keep(self, result: _Result, *, channel: str, chat_type: str | None = None,
                   user_key: str | None = None) -> bool:
        """`submit` for the event loop: returns once the question is durable, or the write deadline
        passed, without blocking the loop; True when it was kept (in the database or the spool).

        On SQLite a question is committed by the loop itself while that is cheap
        (`db.loop_writer`), else by the writer thread as `submit` does.
        """
        record = self._question_record(result, channel, chat_type, user_key, None)
        if record is None:
            return True
        if (self._loop_writer is not None and self._loop_writer.usable() and self._schema_ready
                and not self.database_suspect() and not self._spool.pending()
                and await self._loop_writer.write(record)):
            return True
        pending = self._submit(record)
        if pending.future is not None and not pending.future.done():
            await asyncio.wait({asyncio.wrap_future(pending.future)}, timeout=self._write_timeout)
        return pending.outcome(timeout=0).kept

    def _question_record(self, result: _Result, channel: str, chat_type: str | None, user_key: str | None,
                         now: dt.datetime | None) -> Record | None:
        """The record of a question for review; None for anything else, counted in memory instead."""
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
        at = _utc(now)
        status = getattr(result.status, "value", result.status)
        if not result.needs_review:
            self._tally.add(at, status, result.entry or "", result.lang)
            self._running_writer()  # it writes the counts every few seconds
            return None
        text = mask_contacts(result.question)
        normalised = result.normalised if text == result.question else _normalise(text)
        return {
            "kind": "question", "record_id": str(uuid.uuid4()), "asked_at": at.isoformat(),
            "text": text, "normalised": normalised, "lang": result.lang,
            "status": status, "intent": result.intent or None, "entry": result.entry,
            "score": float(result.score or 0.0),
            "suggestions": [{"entry": s.entry, "label": s.label} for s in result.suggestions],
            "channel": channel, "chat_type": chat_type, "user_key": user_key,
        }

    def record(self, result: _Result, *, channel: str, chat_type: str | None = None,
               user_key: str | None = None, now: dt.datetime | None = None) -> Outcome:
        """`submit`, then what became of it: within `write_timeout`, never raising for storage."""
        return self.submit(result, channel=channel, chat_type=chat_type, user_key=user_key, now=now).outcome()

    def submit_feedback(self, *, entry: str, helpful: bool, user_key: str | None, lang: str,
                        now: dt.datetime | None = None, record_id: str | None = None) -> Pending:
        """A visitor said the answer about `entry` was helpful or not. A caller-made `record_id`
        (one per user and message) makes a second press on a stale keyboard count once."""
        return self._submit({"kind": "feedback", "record_id": record_id or str(uuid.uuid4()),
                             "given_at": _utc(now).isoformat(), "entry": entry, "helpful": bool(helpful),
                             "lang": lang, "user_key": user_key})

    def feedback(self, *, entry: str, helpful: bool, user_key: str | None, lang: str,
                 now: dt.datetime | None = None, record_id: str | None = None) -> Outcome:
        """`submit_feedback`, then what became of it (within `write_timeout`)."""
        return self.submit_feedback(entry=entry, helpful=helpful, user_key=user_key, lang=lang, now=now,
                                    record_id=record_id).outcome()

    @property
    def write_timeout(self) -> float:
        return self._write_timeout

    def _submit(self, record: Record) -> Pending:
        if self.database_suspect():  # failing a moment ago: straight to the spool, nobody waits
            self._retry_in_background()
            return Pending(self, record, None, self._spool_or_lose(record))
        return Pending(self, record, self._running_writer().submit(record))

    def _running_writer(self) -> GroupCommitWriter:
        writer = self._writer
        if writer is None:
            with self._writer_lock:
                if self._writer is None:
                    self._writer = GroupCommitWriter(self._write, tick=self._tally.drain,
                                                     tick_seconds=self._flush_seconds)
                writer = self._writer
        return writer

    def _write(self, records: list[Record]) -> None:
        """Make `records` durable in one transaction (the writer thread's write): in the database,
        else in the spool. Raises Poison for records the database refuses for their content, and
        OSError when the spool cannot be written either."""
        for record in records:
            repository.check_record(record)
        if self._spool.pending():
            # Recovering from an outage: queue behind the older records so they keep their order.
            for record in records:
                self._spool.append(record)
            try:
                self._replay(wait=False)
            except Exception as exc:  # noqa: BLE001 - the records are safe in the spool
                self._suspect(_describe(exc))
            return
        spooled_before = self._spool.appended
        try:
            self._write_batch(records)
        except Poison:
            raise
        except Exception as exc:  # noqa: BLE001 - any storage failure: the spool keeps the records
            self._suspect(_describe(exc))
            for record in records:
                self._spool.append(record)
            return
        if self._spool.appended != spooled_before:  # another thread spooled while this write went through
            self._replay(wait=False)

    # --- storing with a deadline -------------------------------------------------------------------
    # Kept apart from the write path (the group-commit writer): whatever it does, a visitor waits
    # at most `write_timeout`.

    def _settle(self, pending: Pending, timeout: float) -> Outcome:
        """The writer's result within `timeout`; late or failed, the record goes to the spool
        (the same record_id: if the late write lands too, the database keeps one)."""
        assert pending.future is not None
        try:
            pending.future.result(timeout)
        except (FutureTimeout, TimeoutError):
            self._suspect(f"no answer within {timeout or self._write_timeout:g} s")  # 0: the caller waited
        except Exception as exc:  # noqa: BLE001 - whatever storage raised, the visitor gets a reply
            if _is_poison(exc):
                logger.error("a record was refused by the database (%s); it goes to the spool", _describe(exc))
            else:
                self._suspect(_describe(exc))
        else:
            self._storage_ok()
            return Outcome.STORED
        if pending.record is None:
            return Outcome.STORED  # answered counts: in memory, written with the next tick
        return self._spool_or_lose(pending.record)

    def _spool_or_lose(self, record: Record) -> Outcome:
        try:
            self._spool.append(record)
        except OSError as exc:
            with self._health:
                self._lost += 1
                self.lost_total += 1
                first = self._lost == 1
            if first:
                logger.error("records are being lost: the database and the spool (%s) both failed (%s); "
                             "replies no longer promise to pass questions on; the count follows when storage is back",
                             self._spool.path, exc.strerror or exc)
            return Outcome.LOST
        self._storage_ok(spooled=True)
        return Outcome.SPOOLED

    def _suspect(self, reason: str) -> None:
        """The database failed or is late: spool without trying it for a while (logged once)."""
        with self._health:
            first = self._suspect_until == 0.0
            self._suspect_until = time.monotonic() + self._retry_after
        if first:
            logger.warning("database unavailable (%s): records go to the spool %s", reason, self._spool.path)

    def _storage_ok(self, *, spooled: bool = False) -> None:
        with self._health:
            lost, self._lost = self._lost, 0
            recovered = not spooled and self._suspect_until != 0.0
            if recovered:
                self._suspect_until = 0.0
        if lost:
            logger.error("storage is back: %d record(s) were lost while neither the database nor the spool "
                         "could be written", lost)
        if recovered:
            logger.info("database reachable again")

    def _retry_in_background(self) -> None:
        """While records skip the database, try it (and replay the spool) once per retry period."""
        with self._health:
            if self._retrying or time.monotonic() < self._suspect_until:
                return
            self._retrying = True
            self._suspect_until = time.monotonic() + self._retry_after

        def attempt() -> None:
            try:
                self.flush_spool()
            finally:
                with self._health:
                    self._retrying = False
        threading.Thread(target=attempt, name="question-log-retry", daemon=True).start()

    def flush_spool(self) -> int:
        """Write spooled records to the database, exactly once; returns how many were written."""
        if not self._spool.pending():
            return 0
        try:
            replayed = self._replay(wait=True)
        except Exception as exc:  # noqa: BLE001 - the spool is kept for the next attempt
            self._suspect(_describe(exc))
            logger.warning("database still unavailable (%s): spool kept", _describe(exc))
            return 0
        if replayed is None:
            return 0
        self._storage_ok()
        if replayed.written:
            logger.info("wrote %d spooled record(s) to the database", replayed.written)
        return replayed.written

    def _replay(self, *, wait: bool) -> Any:
        return self._spool.replay(self._write_batch, check=repository.check_record, ready=self._ping, wait=wait)

    def _ping(self) -> None:
        """Raise unless the database answers (and has its schema): checked before a replay claims."""
        self._ensure_schema()
        with self._engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def _write_batch(self, records: list[Record]) -> None:
        """One transaction (a second one if the first found its connection broken); a record the
        database refuses for its content raises Poison."""
        try:
            self._ensure_schema()
            try:
                self._apply(records)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                self._apply(records)  # the pool dropped the broken connection: a fresh one
        except Exception as exc:
            if _is_poison(exc) and not isinstance(exc, Poison):
                raise Poison(_describe(exc)) from exc
            raise

    def _write_on_loop(self, records: list[Record]) -> None:
        """One transaction on a connection that never waits for a lock (`LoopWriter`'s write)."""
        for record in records:
            repository.check_record(record)
        assert self._no_wait_engine is not None
        self._apply(records, self._no_wait_engine)

    def _apply(self, records: list[Record], engine: Engine | None = None) -> None:
        with (engine or self._write_engine).begin() as connection:
            repository.apply_records(connection, records, self._indexes)

    def _bounded_flush(self) -> None:
        try:
            self._bounded(self.flush_spool)
        except LogUnavailable as exc:
            logger.warning("spool not replayed yet: %s", exc)

    def _bounded(self, call: Any) -> Any:
        """A staff or privacy operation, given up after `staff_timeout` (it may still finish later)."""
        try:
            return self._runner.run(call, self._staff_timeout)
        except DeadlineExceeded:
            raise LogUnavailable(f"the database did not answer within {self._staff_timeout:g} s") from None

    # --- staff operations --------------------------------------------------------------------------

    def _unavailable(self, exc: DBAPIError) -> LogUnavailable:
        detail = str(exc.orig or exc).strip().splitlines()
        first = detail[0][:200] if detail else ""
        if self._engine.dialect.name == "sqlite" and database.is_damage(exc):
            return LogUnavailable(f"the SQLite file is damaged ({first}); restart the bot: it moves the file "
                                  "aside and starts a fresh one")
        return LogUnavailable("cannot reach the database" + (f": {first}" if first else "")
                              + "; check DATABASE_URL and that the database server is running")

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One transaction for a staff operation; an unreachable database becomes LogUnavailable."""
        try:
            self._ensure_schema()
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as exc:
            if _is_poison(exc):
                raise
            raise self._unavailable(exc) from exc

    def transaction(self) -> contextlib.AbstractContextManager[Session]:
        """One transaction on the log's database for the stores that share it (`db.handover`);
        an unreachable database raises LogUnavailable."""
        return self._transaction()

    def is_dismissed(self, normalised: str) -> bool:
        """Whether staff dismissed this question (or a similar one): then the bot must not say it
        was passed on. Answered from the in-memory index of dismissed phrasings (the exact text,
        then a fuzzy pass), which looks for changes in the database at most once a second; when
        the database cannot be reached the index is used as it is."""
        if self._indexes.due() and not self.database_suspect():
            try:  # a hung database must not hold the reply: at most `write_timeout`
                self._runner.run(self._refresh_indexes, self._write_timeout)
            except (DeadlineExceeded, DBAPIError) as exc:
                self._refresh_failed(exc)
        return self._indexes.dismissed.matches(normalised)

    async def is_dismissed_async(self, normalised: str) -> bool:
        """`is_dismissed` for the event loop: the in-memory index answers on the spot; only a
        refresh that is due (at most once a second) goes to a worker, awaited without blocking."""
        if self._indexes.due() and not self.database_suspect():
            try:
                await self._runner.run_async(self._refresh_indexes, self._write_timeout)
            except (DeadlineExceeded, DBAPIError) as exc:
                self._refresh_failed(exc)
        return self._indexes.dismissed.matches(normalised)

    def _refresh_failed(self, exc: Exception) -> None:
        """A late refresh marks the database suspect; an outage keeps the index as it is; any
        other database error is a bug and is raised."""
        if isinstance(exc, DeadlineExceeded):
            self.database_failed(f"no answer within {self._write_timeout:g} s")
        elif not _is_outage(exc):
            raise exc

    def _refresh_indexes(self) -> None:
        self._ensure_schema()
        with self._engine.connect() as connection:
            self._indexes.refresh(connection)

    def run_with_deadline(self, call: Any) -> Any:
        """`call()` on the log's workers, waiting at most `write_timeout` (raises DeadlineExceeded):
        for other stores on the same database, so that `close` waits for their late calls too."""
        return self._runner.run(call, self._write_timeout)

    async def run_with_deadline_async(self, call: Any) -> Any:
        """`run_with_deadline`, awaited on the event loop: one hop to a worker, no thread blocked."""
        return await self._runner.run_async(call, self._write_timeout)

    def close_with(self, close: Callable[[], None]) -> None:
        """`close()` is called when the log closes: for stores on its database holding connections
        of their own (the conversation state)."""
        self._closers.append(close)

    @property
    def quick_engine(self) -> Engine:
        """An engine on the log's database for single statements on a visitor's path (the
        conversation state): see `database.quick_engine`. Made on first use, disposed by `close`."""
        with self._writer_lock:
            if self._quick_engine is None:
                self._quick_engine = database.quick_engine(self._engine)
            return self._quick_engine

    def database_suspect(self) -> bool:
        """True while the database recently failed or was late: callers on a visitor's path (this
        log, the conversation store) then skip it instead of waiting."""
        return time.monotonic() < self._suspect_until

    def database_failed(self, reason: str) -> None:
        """Another store on the same database saw it fail or hang: skip it for a while too."""
        self._suspect(reason)

    def learned_aliases(self) -> list[tuple[str, str]]:
        """(phrase, entry id) pairs staff taught, oldest first; [] (with a warning) if the database
        cannot be reached, so that the bot still starts and answers from the knowledge base."""
        try:
            with self._transaction() as session:
                return [(phrase, entry) for phrase, _norm, entry in repository.learned_aliases(session)]
        except LogUnavailable as exc:
            logger.warning("learned aliases not loaded: %s", exc)
            return []

    def current_aliases(self) -> list[tuple[str, str]]:
        """(phrase, entry id) pairs staff taught, oldest first; raises LogUnavailable (so that a
        refresh during an outage keeps what the engine knows instead of emptying it)."""
        with self._transaction() as session:
            return [(phrase, entry) for phrase, _norm, entry in repository.learned_aliases(session)]

    def aliases_by_entry(self) -> dict[str, list[str]]:
        """Learned phrases per entry id, for the YAML export; raises LogUnavailable."""
        by_entry: dict[str, list[str]] = {}
        with self._transaction() as session:
            for phrase, _norm, entry in repository.learned_aliases(session):
                by_entry.setdefault(entry, []).append(phrase)
        return by_entry

    def groups(self, status: str = OPEN, limit: int | None = None) -> list[Group]:
        """Questions in review state `status`, grouped by similarity, most frequent first."""
        return self.review_page(status, limit)[0]

    def review_page(self, status: str = OPEN, limit: int | None = None, offset: int = 0) -> tuple[list[Group], int]:
        """`limit` groups (all when None) of `status` from the `offset`-th, most frequent first, and
        how many groups `status` has."""
        if status not in STATES:
            raise ValueError(f"status must be one of {STATES}, not {status!r}")
        with self._transaction() as session:
            page, total = repository.group_page(session, status, limit, offset)
        return [_group(members, status) for _row, members in page], total

    def group(self, ref: str | int) -> Group:
        """The group `g<id>`, or a one-question group for a plain id."""
        with self._transaction() as session:
            questions = self._target(session, ref)
        return _group(questions, questions[0].state)

    def _target(self, session: Session, ref: str | int) -> list[Any]:
        whole_group, question_id = parse_ref(ref)
        question = session.get(Question, question_id)
        if question is None:
            raise UnknownQuestion(f"no question {question_id}")
        return repository.group_members(session, question) if whole_group else [question]

    def _reviewed(self) -> None:
        """Staff moved questions: this process's caches of groups and dismissed phrasings reload."""
        self._indexes.reviewed()

    def link(self, ref: str | int, entry_id: str, *, now: dt.datetime | None = None) -> int:
        """Resolve the questions as being about `entry_id` and learn each phrasing as its alias.

        Returns how many questions were resolved. The caller checks that the entry exists and
        teaches the engine (`engine.learn_alias`) for an immediate effect in this process.
        """
        at = _utc(now)
        with self._transaction() as session:
            questions = self._target(session, ref)
            repository.learn_aliases(session, questions, entry_id, at=at)
            count = repository.set_state(session, questions, RESOLVED, at=at, linked_entry=entry_id)
        self._reviewed()
        return count

    def dismiss(self, ref: str | int, *, now: dt.datetime | None = None) -> int:
        """Set the questions aside for good: the same or similar questions are logged as dismissed."""
        at = _utc(now)
        with self._transaction() as session:
            questions = self._target(session, ref)
            repository.dismiss_phrases(session, questions, at=at)
            count = repository.set_state(session, questions, DISMISSED, at=at)
        self._reviewed()
        return count

    def resolve(self, ref: str | int, *, now: dt.datetime | None = None) -> int:
        """Mark the questions handled (for instance the YAML was edited) without learning anything."""
        at = _utc(now)
        with self._transaction() as session:
            count = repository.set_state(session, self._target(session, ref), RESOLVED, at=at)
        self._reviewed()
        return count

    # --- web console (read mostly; groups kept up to date incrementally) ------------------------------

    def review_groups(self, status: str = OPEN) -> list[ReviewGroup]:
        """Groups of questions in review state `status`, most frequent first, from the review index:
        each call catches up with what changed in the database, never regroups everything."""
        if status not in STATES:
            raise ValueError(f"status must be one of {STATES}, not {status!r}")
        with self._transaction() as session:
            groups = self._review_index.groups(session, status)
        groups.sort(key=lambda g: (-len(g.questions), -g.questions[-1].id))
        return groups

    def handle_groups(self, keys: Sequence[str], action: str, entry_id: str | None = None, *,
                      now: dt.datetime | None = None) -> dict[str, int]:
        """Link (to `entry_id`), dismiss or resolve the open groups `keys`, in one transaction.

        Returns, per key, how many of its questions this call handled: 0 means someone else (or
        another tab) handled the group first, which is not an error.
        """
        if action not in GROUP_ACTIONS:
            raise ValueError(f"action must be one of {GROUP_ACTIONS}, not {action!r}")
        if action == "link" and not entry_id:
            raise ValueError("linking needs an entry id")
        at = _utc(now)
        handled: dict[str, int] = {}
        with self._transaction() as session:
            groups = {g.key: g for g in self._review_index.groups(session, OPEN)}
            for key in keys:
                group = groups.get(key)
                questions = repository.open_questions_for_update(
                    session, [q.id for q in group.questions]) if group is not None else []
                if questions and action == "link":
                    repository.learn_aliases(session, questions, entry_id or "", at=at)
                    repository.set_state(session, questions, RESOLVED, at=at, linked_entry=entry_id)
                elif questions and action == "dismiss":
                    repository.dismiss_phrases(session, questions, at=at)
                    repository.set_state(session, questions, DISMISSED, at=at)
                elif questions:
                    repository.set_state(session, questions, RESOLVED, at=at)
                handled[key] = len(questions)
        self._reviewed()
        return handled

    def linked_questions(self, entry_id: str, limit: int = 50) -> list[LoggedQuestion]:
        """Questions staff linked to `entry_id`, newest first."""
        with self._transaction() as session:
            return [LoggedQuestion.from_row(q) for q in repository.linked_questions(session, entry_id, limit)]

    def feedback_by_entry(self, first_day: dt.date, last_day: dt.date) -> dict[str, tuple[int, int]]:
        """entry id -> (helpful, not helpful) over the UTC days first_day..last_day."""
        start, end = _day_bounds(first_day, last_day)
        with self._transaction() as session:
            return repository.feedback_by_entry(session, start, end)

    def answered_by_lang(self, first_day: dt.date, last_day: dt.date) -> dict[str, int]:
        """Answered questions and small talk per language over the period (from the daily counts)."""
        totals: Counter[str] = Counter()
        self._flush_quietly()  # this process's counts still in memory
        with self._transaction() as session:
            for row in repository.counts_between(session, first_day, last_day):
                totals[row.lang] += row.count
        return dict(totals)

    def logged_between(self, first_day: dt.date, last_day: dt.date) -> list[LoggedQuestion]:
        """Every logged (unanswered or unclear) question of the period, any review state."""
        start, end = _day_bounds(first_day, last_day)
        with self._transaction() as session:
            return [LoggedQuestion.from_row(q) for q in repository.questions_between(session, start, end)]

    def use_sign_in_link(self, nonce: str, *, valid_for: dt.timedelta, now: dt.datetime | None = None) -> bool:
        """Record that a console sign-in link was used; False if it had been used before."""
        at = _utc(now)
        with self._transaction() as session:
            return repository.use_sign_in_link(session, nonce, at=at, forget_before=at - 2 * valid_for)

    def knowledge_version(self) -> int:
        """The knowledge-base version all processes follow (0 before the first reload)."""
        with self._transaction() as session:
            return repository.knowledge_version(session)

    def announce_knowledge_reload(self, *, now: dt.datetime | None = None) -> int:
        """Tell every process the knowledge base on disk changed; returns the new version."""
        with self._transaction() as session:
            return repository.bump_knowledge_version(session, at=_utc(now))

    def stats(self, today: dt.date, days: int = 7, *, top: int = 10) -> Stats:
        """Figures for the `days` days ending `today` (UTC days)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        first_day = today - dt.timedelta(days=days - 1)
        start = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
        end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        self._flush_quietly()
        with self._transaction() as session:
            questions = repository.questions_between(session, start, end)
            counts = repository.counts_between(session, first_day, today)
            helpful, not_helpful = repository.feedback_between(session, start, end)
            open_questions = repository.count_open(session)

        per_day: dict[dt.date, Counter[str]] = {first_day + dt.timedelta(days=i): Counter() for i in range(days)}
        answered_entries: Counter[str] = Counter()
        for row in counts:
            per_day[row.day][row.status] += row.count
            if row.status == "answered" and row.entry:
                answered_entries[row.entry] += row.count
        asked: Counter[str] = Counter()
        sample: dict[str, str] = {}
        for q in questions:
            per_day[q.asked_at.date()][q.status] += 1
            asked[q.normalised] += 1
            sample.setdefault(q.normalised, q.text)
        return Stats(
            first_day=first_day, last_day=today,
            days=tuple(DayStats(day, c["answered"], c["unanswered"], c["clarify"], c["smalltalk"])
                       for day, c in per_day.items()),
            top_unanswered=tuple((sample[n], k) for n, k in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
            top_answered=tuple(sorted(answered_entries.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
            helpful=helpful, not_helpful=not_helpful, open_questions=open_questions,
        )

    def export_csv(self, file_obj: IO[str]) -> int:
        """Every logged question as CSV (no user keys); returns the number of rows."""
        writer = csv.writer(file_obj)
        writer.writerow(CSV_COLUMNS)
        rows = 0
        self._flush_quietly()
        with self._transaction() as session:
            for q in repository.all_questions(session):
                writer.writerow([_csv_cell(cell) for cell in (
                    q.id, _iso(q.asked_at), q.text, q.normalised, q.lang, q.status, q.intent or "",
                    q.entry or "", f"{q.score:.1f}", json.dumps(q.suggestions, ensure_ascii=False),
                    q.channel, q.chat_type or "", q.state, _iso(q.reviewed_at) or "", q.linked_entry or "",
                )])
                rows += 1
        return rows

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Delete questions and feedback older than the retention period; returns how many."""
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        cutoff = _utc(now) - dt.timedelta(days=older_than_days)
        with self._transaction() as session:
            deleted = repository.purge(session, cutoff)
        self._reviewed()
        self._checkpoint()
        return deleted

    def forget(self, user_key: str, *, now: dt.datetime | None = None) -> int:
        """Erase everything stored about one person; returns how many questions and feedback went.

        Every registered eraser runs (`db.erasure`: questions, feedback, the phrasings learned or
        dismissed from their questions, and whatever later tables register); the key is kept as
        forgotten, so records of theirs still waiting in any process's spool are dropped when
        replayed; lines of theirs set aside in this spool's `.rejected` file are removed; on SQLite
        the erased pages are overwritten (secure_delete) and the WAL is checkpointed. Raises
        LogUnavailable (nothing erased) when the database cannot be used within `staff_timeout`.
        """
        at = _utc(now)

        def erase() -> int:
            try:
                self.flush()  # what waits in the writer
            except DBAPIError as exc:
                if not _is_outage(exc):
                    raise
            self.flush_spool()
            with self._transaction() as session:
                counts = erasure.erase(session, user_key, at)
            self._reviewed()
            self._spool.erase(user_key)
            self._checkpoint()
            return counts["questions"] + counts["feedback"]  # what the person sees as theirs
        return self._bounded(erase)

    def _checkpoint(self) -> None:
        """On SQLite, move the WAL into the database file and empty it: erased text must not linger
        in the WAL (secure_delete, set on every connection, zeroes the freed pages themselves)."""
        if self._engine.dialect.name != "sqlite":
            return
        try:
            raw = self._engine.raw_connection()  # outside any transaction: BEGIN would block the checkpoint
            try:
                busy, _frames, _done = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.close()
        except (DBAPIError, sqlite3.Error) as exc:
            logger.warning("WAL checkpoint postponed (%s)", _describe(exc))
            return
        if busy:  # a reader is still in the WAL: the next checkpoint finishes the job
            logger.warning("WAL checkpoint postponed: the database is busy")

    def _flush_quietly(self) -> None:
        """`flush`, where a failure to write is reported by the staff operation that follows."""
        def flush() -> None:
            try:
                self.flush()
            except DBAPIError as exc:
                if not _is_outage(exc):
                    raise
        try:
            self._runner.run(flush, self._staff_timeout)
        except DeadlineExceeded:
            pass  # the operation that follows says the database is unavailable


def _group(questions: Sequence[Any], state: str) -> Group:
    """Summarise a group from its questions (ORM objects or rows of repository.MEMBER_COLUMNS)."""
    texts = Counter(q.text for q in questions)
    candidates: Counter[str] = Counter()
    best_score: dict[str, float] = {}
    for q in questions:
        if q.entry:
            candidates[q.entry] += 2  # the best candidate counts more than one suggestion among several
            best_score[q.entry] = max(best_score.get(q.entry, 0.0), q.score)
        for suggestion in q.suggestions or ():
            entry = suggestion.get("entry") if isinstance(suggestion, dict) else None
            if entry:
                candidates[entry] += 1
    ranked = sorted(candidates, key=lambda e: (-candidates[e], -best_score.get(e, 0.0), e))
    return Group(
        id=min(q.id for q in questions), state=state, count=len(questions),
        first_asked=min(q.asked_at for q in questions), last_asked=max(q.asked_at for q in questions),
        samples=tuple(text for text, _n in texts.most_common(3)), candidates=tuple(ranked[:5]),
        langs=tuple(sorted({q.lang for q in questions})), question_ids=tuple(sorted(q.id for q in questions)),
    )


def _private(path: Path, mode: int) -> None:
    """chmod to `mode` if needed (the directory or file may predate the bot, with a looser mode)."""
    try:
        if path.exists() and (path.stat().st_mode & 0o777) != mode:
            path.chmod(mode)
    except OSError as exc:
        logger.warning("cannot restrict %s to mode %o (%s)", path, mode, exc.strerror or exc)


def tighten_permissions(data_dir: Path, database_file: Path | None) -> None:
    """DATA_DIR 0700 and every file in it 0600 (questions, spool, secret), and the SQLite files."""
    _private(data_dir, 0o700)
    try:
        files = [path for path in data_dir.iterdir() if path.is_file() and not path.is_symlink()]
    except OSError:
        files = []
    if database_file is not None:
        files += [database_file.with_name(database_file.name + suffix) for suffix in ("", "-wal", "-shm")]
    for path in files:
        _private(path, 0o600)


def _secret(settings: Any, data_dir: Path) -> str:
    if settings.pseudonym_secret:
        return settings.pseudonym_secret
    try:
        return load_or_create_secret(data_dir)
    except OSError as exc:
        # Still answer visitors. Keys made with a throw-away secret cannot be found by /forget after a
        # restart (they still expire): set PSEUDONYM_SECRET.
        logger.error("cannot keep the pseudonym secret in %s (%s) and PSEUDONYM_SECRET is not set: using a "
                     "temporary one for this run; set PSEUDONYM_SECRET", data_dir, exc.strerror or exc)
        return os.urandom(32).hex()


def open_question_log(settings: Any, *, flush_seconds: float = TICK_SECONDS) -> QuestionLog:
    """Open the log `settings` describe: engine, migrations, spool in the data directory.

    Never fails because of storage: an unreachable database, an unwritable DATA_DIR or a damaged
    SQLite file (moved aside, a fresh one is created) leave a log that answers through the spool
    or counts what it loses. A malformed DATABASE_URL raises bot.config.ConfigError.
    """
    from bot.config import ConfigError

    data_dir = Path(settings.data_dir)
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the SQLite file holds question texts
    except OSError as exc:
        logger.error("cannot create DATA_DIR %s (%s): nothing can be spooled", data_dir, exc.strerror or exc)
    url = settings.effective_database_url
    try:
        sqlite_file = database.sqlite_path(url)
        engine = database.make_engine(url)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a valid database URL") from None
    except ImportError as exc:
        raise ConfigError(f"DATABASE_URL needs a database driver that is not installed ({exc.name})") from None
    except OSError as exc:  # the SQLite file's directory cannot be created
        logger.error("cannot create the database directory (%s)", exc.strerror or exc)
        engine = database.make_engine("sqlite://")  # never used for long: writes go to the spool
        sqlite_file = None
    if sqlite_file is not None:
        try:
            database.set_aside_if_damaged(sqlite_file)
        except OSError as exc:
            logger.error("the SQLite file %s is damaged and cannot be moved aside (%s): questions go to the "
                         "spool until it is fixed", sqlite_file, exc.strerror or exc)
    log = QuestionLog(engine, spool_path=data_dir / SPOOL_FILE, secret=_secret(settings, data_dir),
                      flush_seconds=flush_seconds, write_timeout=getattr(settings, "db_write_timeout", WRITE_TIMEOUT_S))
    try:
        log._bounded(log._ensure_schema)
    except LogUnavailable as exc:
        logger.warning("database unavailable at start (%s): questions go to the spool until it is back", exc)
    except DBAPIError as exc:
        logger.warning("database unavailable at start (%s): questions go to the spool until it is back",
                       _describe(exc))
    tighten_permissions(data_dir, sqlite_file)
    log._bounded_flush()
    return log
