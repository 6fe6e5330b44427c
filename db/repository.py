"""Repository functions: each takes a Session and never commits; the caller owns the transaction.

Records (questions, answered counts, feedback) arrive as plain dicts, the same shape whether
they come straight from `QuestionLog.record` or from the spool, and every write of one is
idempotent on its `record_id`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from db import grouping
from db.models import (
    DISMISSED,
    OPEN,
    AnsweredCount,
    DismissedPhrase,
    Feedback,
    KnowledgeVersion,
    LearnedAlias,
    Question,
    Receipt,
    UsedSignInLink,
    ConversationState,
    LanguageChoice,
)
from bot.conversations import conversation_key

Record = dict[str, Any]


def parse_time(value: str | dt.datetime) -> dt.datetime:
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _insert(session: Session, table: Table):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which knows ON CONFLICT (SQLite >= 3.24 and PostgreSQL)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"unsupported database {name!r}")
    return insert(table)


def _insert_ignoring_duplicate(session: Session, table: Table, key: str, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING; True when the row is new."""
    statement = _insert(session, table).values(**values).on_conflict_do_nothing(index_elements=[key])
    # preserve_rowcount: without it psycopg results report -1 for INSERT.
    return session.connection().execute(statement, execution_options={"preserve_rowcount": True}).rowcount == 1


# --- writing records ---------------------------------------------------------------------------

def apply_records(session: Session, records: Iterable[Record]) -> None:
    """Write records of any kind; a record already written is skipped."""
    for record in records:
        kind = record["kind"]
        if kind == "question":
            add_question(session, record)
        elif kind == "answered":
            count_answer(session, record)
        elif kind == "feedback":
            add_feedback(session, record)
        else:
            raise ValueError(f"unknown record kind {kind!r}")


def add_question(session: Session, record: Record) -> bool:
    """Log one question; straight to 'dismissed' if staff dismissed the same or a similar one."""
    normalised = record["normalised"]
    state = DISMISSED if is_dismissed(session, normalised) else OPEN
    return _insert_ignoring_duplicate(session, Question.__table__, "record_id", {
        "record_id": record["record_id"],
        "asked_at": parse_time(record["asked_at"]),
        "text": record["text"],
        "normalised": normalised,
        "lang": record["lang"],
        "status": record["status"],
        "intent": record.get("intent"),
        "entry": record.get("entry"),
        "score": float(record.get("score") or 0.0),
        "suggestions": list(record.get("suggestions") or []),
        "channel": record["channel"],
        "chat_type": record.get("chat_type"),
        "user_key": record.get("user_key"),
        "state": state,
    })


def count_answer(session: Session, record: Record) -> bool:
    """Add one to the day's count for the entry; a receipt makes a replay count only once."""
    at = parse_time(record["at"])
    if not _insert_ignoring_duplicate(session, Receipt.__table__, "record_id",
                                      {"record_id": record["record_id"], "applied_at": at}):
        return False
    table = AnsweredCount.__table__
    statement = _insert(session, table).values(
        day=at.date(), status=record["status"], entry=record.get("entry") or "", lang=record["lang"], count=1,
    ).on_conflict_do_update(
        index_elements=["day", "status", "entry", "lang"], set_={"count": table.c["count"] + 1},
    )
    session.connection().execute(statement)
    return True


def add_feedback(session: Session, record: Record) -> bool:
    return _insert_ignoring_duplicate(session, Feedback.__table__, "record_id", {
        "record_id": record["record_id"],
        "given_at": parse_time(record["given_at"]),
        "entry": record["entry"],
        "helpful": bool(record["helpful"]),
        "lang": record["lang"],
        "user_key": record.get("user_key"),
    })


# --- review ------------------------------------------------------------------------------------

def is_dismissed(session: Session, normalised: str) -> bool:
    """Is this the same question as one staff dismissed? (One query: dismissed phrasings are few.)"""
    phrases = session.scalars(select(DismissedPhrase.normalised)).all()
    return bool(phrases) and grouping.best_match(normalised, phrases) is not None


def questions_in_state(session: Session, state: str) -> Sequence[Question]:
    return session.scalars(select(Question).where(Question.state == state).order_by(Question.id)).all()


def set_state(session: Session, questions: Sequence[Question], state: str, *, at: dt.datetime,
              linked_entry: str | None = None) -> int:
    ids = [q.id for q in questions]
    session.execute(update(Question).where(Question.id.in_(ids)).values(
        state=state, reviewed_at=at, linked_entry=linked_entry))
    return len(ids)


def _phrasings(questions: Sequence[Question]) -> dict[str, str]:
    """Each distinct normalised text, with its most frequent raw wording (the earliest on a tie)."""
    wordings: dict[str, Counter[str]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        if q.normalised:
            wordings.setdefault(q.normalised, Counter())[q.text] += 1
    return {normalised: texts.most_common(1)[0][0] for normalised, texts in wordings.items()}


def learn_aliases(session: Session, questions: Sequence[Question], entry: str, *, at: dt.datetime) -> int:
    """Store each distinct phrasing as a learned alias of `entry` (re-linking moves it)."""
    table = LearnedAlias.__table__
    phrasings = _phrasings(questions)
    for normalised, phrase in phrasings.items():
        statement = _insert(session, table).values(
            normalised=normalised, phrase=phrase, entry=entry, created_at=at,
        ).on_conflict_do_update(index_elements=["normalised"], set_={"entry": entry, "phrase": phrase})
        session.connection().execute(statement)
    if phrasings:  # linked phrasings are no longer dismissed
        session.execute(delete(DismissedPhrase).where(DismissedPhrase.normalised.in_(list(phrasings))))
    return len(phrasings)


def dismiss_phrases(session: Session, questions: Sequence[Question], *, at: dt.datetime) -> int:
    phrasings = _phrasings(questions)
    for normalised in phrasings:
        _insert_ignoring_duplicate(session, DismissedPhrase.__table__, "normalised",
                                   {"normalised": normalised, "created_at": at})
    return len(phrasings)


def learned_aliases(session: Session) -> list[tuple[str, str, str]]:
    """(phrase, normalised, entry) in the order they were learned."""
    rows = session.execute(select(LearnedAlias.phrase, LearnedAlias.normalised, LearnedAlias.entry)
                           .order_by(LearnedAlias.id))
    return [(phrase, normalised, entry) for phrase, normalised, entry in rows]


# --- statistics, export, retention ---------------------------------------------------------------

def questions_between(session: Session, start: dt.datetime, end: dt.datetime) -> Sequence[Question]:
    return session.scalars(select(Question).where(Question.asked_at >= start, Question.asked_at < end)).all()


def counts_between(session: Session, first_day: dt.date, last_day: dt.date) -> Sequence[AnsweredCount]:
    return session.scalars(select(AnsweredCount).where(
        AnsweredCount.day >= first_day, AnsweredCount.day <= last_day)).all()


def feedback_between(session: Session, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    rows = session.execute(select(Feedback.helpful, func.count()).where(
        Feedback.given_at >= start, Feedback.given_at < end).group_by(Feedback.helpful))
    totals = {bool(helpful): n for helpful, n in rows}
    return totals.get(True, 0), totals.get(False, 0)


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Question).where(Question.state == OPEN)) or 0


def all_questions(session: Session) -> Iterator[Question]:
    yield from session.scalars(select(Question).order_by(Question.id).execution_options(yield_per=1000))


def purge(session: Session, cutoff: dt.datetime) -> int:
    """Delete questions and feedback older than `cutoff`; returns how many rows went.

    Daily counts stay: they hold no personal data. Receipts go too (a spool older than the
    retention period would be replayed as new counts, which is the lesser harm).
    """
    deleted = session.execute(delete(Question).where(Question.asked_at < cutoff)).rowcount
    deleted += session.execute(delete(Feedback).where(Feedback.given_at < cutoff)).rowcount
    session.execute(delete(Receipt).where(Receipt.applied_at < cutoff))
    return deleted


def forget(session: Session, user_key: str) -> int:
    """Delete every question and feedback of one user; returns how many rows went."""
    deleted = session.execute(delete(Question).where(Question.user_key == user_key)).rowcount
    deleted += session.execute(delete(Feedback).where(Feedback.user_key == user_key)).rowcount
    # Conversation states are keyed "<user key>/<chat key>": every chat of this user goes.
    session.execute(delete(ConversationState).where(ConversationState.key.startswith(conversation_key(user_key, ""),
                                                                                     autoescape=True)))
    session.execute(delete(LanguageChoice).where(LanguageChoice.user_key == user_key))
    return deleted


# --- web console: review index, sign-in links, knowledge version --------------------------------

QUESTION_ROW_COLUMNS = (Question.id, Question.asked_at, Question.text, Question.normalised, Question.lang,
                        Question.status, Question.channel, Question.entry, Question.score, Question.suggestions)
IN_CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit


def state_fingerprint(session: Session, state: str) -> tuple[int, int, int]:
    """(count, sum of ids, max id) of the questions in `state`: changes whenever that set does."""
    count, total, top = session.execute(
        select(func.count(), func.coalesce(func.sum(Question.id), 0), func.coalesce(func.max(Question.id), 0))
        .where(Question.state == state)).one()
    return int(count), int(total), int(top)


def ids_in_state(session: Session, state: str) -> set[int]:
    return set(session.scalars(select(Question.id).where(Question.state == state)))


def question_rows(session: Session, state: str, *, after_id: int | None = None,
                  ids: Iterable[int] | None = None) -> list[Any]:
    """Plain rows (QUESTION_ROW_COLUMNS) of questions in `state`: newer than `after_id`, or among `ids`."""
    base = select(*QUESTION_ROW_COLUMNS).where(Question.state == state).order_by(Question.id)
    if ids is None:
        statement = base if after_id is None else base.where(Question.id > after_id)
        return list(session.execute(statement))
    wanted = sorted(ids)
    rows: list[Any] = []
    for start in range(0, len(wanted), IN_CHUNK):
        rows += session.execute(base.where(Question.id.in_(wanted[start:start + IN_CHUNK])))
    return rows


def open_questions_for_update(session: Session, ids: Sequence[int]) -> list[Question]:
    """The questions among `ids` still open, locked until the end of the transaction (PostgreSQL;
    SQLite already holds the write lock from BEGIN IMMEDIATE)."""
    found: list[Question] = []
    wanted = sorted(ids)
    for start in range(0, len(wanted), IN_CHUNK):
        found += session.scalars(select(Question).where(
            Question.id.in_(wanted[start:start + IN_CHUNK]), Question.state == OPEN).with_for_update())
    return found


def linked_questions(session: Session, entry: str, limit: int) -> Sequence[Question]:
    """Questions staff linked to `entry`, newest first."""
    return session.scalars(select(Question).where(Question.linked_entry == entry)
                           .order_by(Question.id.desc()).limit(limit)).all()


def feedback_by_entry(session: Session, start: dt.datetime, end: dt.datetime) -> dict[str, tuple[int, int]]:
    """entry -> (helpful, not helpful) over [start, end)."""
    rows = session.execute(select(Feedback.entry, Feedback.helpful, func.count()).where(
        Feedback.given_at >= start, Feedback.given_at < end).group_by(Feedback.entry, Feedback.helpful))
    totals: dict[str, list[int]] = {}
    for entry, helpful, n in rows:
        totals.setdefault(entry, [0, 0])[0 if helpful else 1] += n
    return {entry: (h, nh) for entry, (h, nh) in totals.items()}


def use_sign_in_link(session: Session, nonce: str, *, at: dt.datetime, forget_before: dt.datetime) -> bool:
    """Mark a sign-in link used; False if it already was. Links too old to be valid are forgotten."""
    session.execute(delete(UsedSignInLink).where(UsedSignInLink.used_at < forget_before))
    return _insert_ignoring_duplicate(session, UsedSignInLink.__table__, "nonce", {"nonce": nonce, "used_at": at})


def knowledge_version(session: Session) -> int:
    return session.scalar(select(KnowledgeVersion.version).where(KnowledgeVersion.id == 1)) or 0


def bump_knowledge_version(session: Session, *, at: dt.datetime) -> int:
    """Add one to the knowledge version (creating the row the first time); returns the new version."""
    table = KnowledgeVersion.__table__
    statement = _insert(session, table).values(id=1, version=1, reloaded_at=at).on_conflict_do_update(
        index_elements=["id"], set_={"version": table.c.version + 1, "reloaded_at": at})
    session.connection().execute(statement)
    return knowledge_version(session)
