"""The question log: what front ends call to record questions and feedback, and staff to review.

Recording goes through one writer thread that commits in batches (db.writer): `submit` returns
a future that completes once the question is durable, which is what the Telegram handler awaits
before saying "passed on to the team"; `record` is the same, blocking. Answered questions are
only counted, in memory (db.tally), and written every few seconds and at close. Staff methods are
synchronous and thread-safe; Telegram handlers call them through asyncio.to_thread.
Recording never fails because the database is down: the record goes to a local spool file,
replayed exactly once when the database answers again (at the next write, at open, or on
`flush_spool()`).

Groups: each question joins a group when it is recorded (db.groups), so review reads groups
instead of computing them. A group is named after its oldest question, `g<id>`. `g12` means
"the group that question 12 belongs to now", `12` means question 12 alone.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import logging
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import database, repository
from db.groups import ReviewIndexes
from db.models import DISMISSED, OPEN, RESOLVED, STATES, Question
from db.privacy import load_or_create_secret, pseudonymise
from db.review_index import LoggedQuestion, ReviewGroup, ReviewIndex
from db.spool import Record, Spool
from db.tally import AnsweredTally
from db.writer import TICK_SECONDS, GroupCommitWriter

logger = logging.getLogger(__name__)

CHANNELS = ("telegram", "cli")
GROUP_ACTIONS = ("link", "dismiss", "resolve")
SPOOL_FILE = "spool.jsonl"
CSV_COLUMNS = ("id", "asked_at", "text", "normalised", "lang", "status", "intent", "entry", "score",
               "suggestions", "channel", "chat_type", "state", "reviewed_at", "linked_entry")


# What `submit` returns for an answered question: counted in memory, nothing to wait for.
_COUNTED: Future[None] = Future()
_COUNTED.set_result(None)


class LogUnavailable(RuntimeError):
    """The database cannot be reached for a review, statistics or privacy operation."""


class UnknownQuestion(LookupError):
    """No question (or group) with that id."""


def _is_outage(exc: BaseException) -> bool:
    """The database is unreachable or went away, as opposed to a bug or a constraint."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


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
    if isinstance(ref, int):
        return False, ref
    match = re.fullmatch(r"\s*(g?)#?(\d+)\s*", str(ref), flags=re.IGNORECASE)
    if not match:
        raise UnknownQuestion(f"{ref!r} is not a group (g12) or question (12) id")
    return bool(match.group(1)), int(match.group(2))


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


class QuestionLog:
    """Records questions, answers counts and feedback; serves the staff review loop."""

    def __init__(self, engine: Engine, *, spool_path: Path, secret: str, flush_seconds: float = TICK_SECONDS):
        if not secret:
            raise ValueError("a pseudonym secret is required")
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
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
            writer.close()
        self._write_tally()
        self.flush_spool()
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
               user_key: str | None = None, now: dt.datetime | None = None) -> Future[None]:
        """Log an unanswered or unclear question in full; for anything else, count it, keep no text.

        Returns at once; the future completes when the question is durable (database or spool).
        Answered questions are counted in memory: their future is already complete.
        """
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
        at = _utc(now)
        status = getattr(result.status, "value", result.status)
        if not result.needs_review:
            self._tally.add(at, status, result.entry or "", result.lang)
            self._running_writer()  # it writes the counts every few seconds
            return _COUNTED
        return self._submit({
            "kind": "question", "record_id": str(uuid.uuid4()), "asked_at": at.isoformat(),
            "text": result.question, "normalised": result.normalised, "lang": result.lang,
            "status": status, "intent": result.intent or None, "entry": result.entry,
            "score": float(result.score or 0.0),
            "suggestions": [{"entry": s.entry, "label": s.label} for s in result.suggestions],
            "channel": channel, "chat_type": chat_type, "user_key": user_key,
        })

    def record(self, result: _Result, *, channel: str, chat_type: str | None = None,
               user_key: str | None = None, now: dt.datetime | None = None) -> None:
        """`submit`, then wait until the question is durable."""
        self.submit(result, channel=channel, chat_type=chat_type, user_key=user_key, now=now).result()

    def submit_feedback(self, *, entry: str, helpful: bool, user_key: str | None, lang: str,
                        now: dt.datetime | None = None, record_id: str | None = None) -> Future[None]:
        """A visitor said the answer about `entry` was helpful or not; done when durable. A caller-made
        `record_id` (one per user and message) makes a second press on a stale keyboard count once."""
        return self._submit({"kind": "feedback", "record_id": record_id or str(uuid.uuid4()),
                             "given_at": _utc(now).isoformat(), "entry": entry, "helpful": bool(helpful),
                             "lang": lang, "user_key": user_key})

    def feedback(self, *, entry: str, helpful: bool, user_key: str | None, lang: str,
                 now: dt.datetime | None = None, record_id: str | None = None) -> None:
        """`submit_feedback`, then wait until it is durable."""
        self.submit_feedback(entry=entry, helpful=helpful, user_key=user_key, lang=lang, now=now,
                             record_id=record_id).result()

    def _submit(self, record: Record) -> Future[None]:
        return self._running_writer().submit(record)

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
        """Make `records` durable in one transaction: in the database, else in the spool."""
        if self._spool.pending():
            # Recovering from an outage: queue behind the older records so they keep their order.
            for record in records:
                self._spool.append(record)
            self.flush_spool()
            return
        try:
            self._ensure_schema()
            with self._engine.begin() as connection:
                repository.apply_records(connection, records, self._indexes)
        except DBAPIError as exc:
            if not _is_outage(exc):
                raise
            logger.warning("database unreachable (%s): %d record(s) kept in the spool",
                           type(exc.orig).__name__, len(records))
            for record in records:
                self._spool.append(record)
            return
        if self._spool.pending():  # another thread spooled while this write went through
            self.flush_spool()

    def flush_spool(self) -> int:
        """Write spooled records to the database, exactly once; returns how many were written."""
        if not self._spool.pending():
            return 0
        try:
            written = self._spool.drain(self._write_batch)
        except DBAPIError as exc:
            if not _is_outage(exc):
                raise
            logger.warning("database still unreachable (%s): spool kept", type(exc.orig).__name__)
            return 0
        if written:
            logger.info("wrote %d spooled record(s) to the database", written)
        return written

    def _write_batch(self, records: list[Record]) -> None:
        self._ensure_schema()
        with self._engine.begin() as connection:
            repository.apply_records(connection, records, self._indexes)

    # --- staff operations --------------------------------------------------------------------------

    @staticmethod
    def _unavailable(exc: DBAPIError) -> LogUnavailable:
        detail = str(exc.orig or exc).strip().splitlines()
        return LogUnavailable("cannot reach the database" + (f": {detail[0]}" if detail else ""))

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One transaction for a staff operation; an unreachable database becomes LogUnavailable."""
        try:
            self._ensure_schema()
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as exc:
            if not _is_outage(exc):
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
        if self._indexes.due():
            try:
                self._ensure_schema()
                with self._engine.connect() as connection:
                    self._indexes.refresh(connection)
            except DBAPIError as exc:
                if not _is_outage(exc):
                    raise
        return self._indexes.dismissed.matches(normalised)

    def learned_aliases(self) -> list[tuple[str, str]]:
        """(phrase, entry id) pairs staff taught, oldest first; [] (with a warning) if the database
        cannot be reached, so that the bot still starts and answers from the knowledge base."""
        try:
            with self._transaction() as session:
                return [(phrase, entry) for phrase, _norm, entry in repository.learned_aliases(session)]
        except LogUnavailable as exc:
            logger.warning("learned aliases not loaded: %s", exc)
            return []

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
                writer.writerow([
                    q.id, _iso(q.asked_at), q.text, q.normalised, q.lang, q.status, q.intent or "",
                    q.entry or "", f"{q.score:.1f}", json.dumps(q.suggestions, ensure_ascii=False),
                    q.channel, q.chat_type or "", q.state, _iso(q.reviewed_at) or "", q.linked_entry or "",
                ])
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
        return deleted

    def forget(self, user_key: str) -> int:
        """Erase every question and feedback of one user, including what waits in the writer and the spool."""
        self._flush_quietly()
        self.flush_spool()
        if self._spool.pending():
            raise LogUnavailable("cannot reach the database: nothing was erased, try again later")
        with self._transaction() as session:
            deleted = repository.forget(session, user_key)
        self._reviewed()
        return deleted

    def _flush_quietly(self) -> None:
        """`flush`, where a failure to write is reported by the staff operation that follows."""
        try:
            self.flush()
        except DBAPIError as exc:
            if not _is_outage(exc):
                raise


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


def open_question_log(settings: Any, *, flush_seconds: float = TICK_SECONDS) -> QuestionLog:
    """Open the log `settings` describe: engine, migrations, spool in the data directory.

    Never fails because the database is unreachable (recording goes to the spool and the
    migrations run once it answers); a malformed DATABASE_URL raises bot.config.ConfigError.
    """
    from bot.config import ConfigError

    data_dir = Path(settings.data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the SQLite file holds question texts
    secret = settings.pseudonym_secret or load_or_create_secret(data_dir)
    try:
        engine = database.make_engine(settings.effective_database_url)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a valid database URL") from None
    except ImportError as exc:
        raise ConfigError(f"DATABASE_URL needs a database driver that is not installed ({exc.name})") from None
    log = QuestionLog(engine, spool_path=data_dir / SPOOL_FILE, secret=secret, flush_seconds=flush_seconds)
    try:
        log._ensure_schema()
    except DBAPIError as exc:
        if not _is_outage(exc):
            engine.dispose()
            raise
        logger.warning("database unreachable at start (%s): questions go to the spool until it is back",
                       type(exc.orig).__name__)
    log.flush_spool()
    return log
