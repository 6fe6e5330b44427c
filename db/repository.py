"""Repository functions: each takes a Session (or, on the write path, a Connection: no ORM work per
record) and never commits; the caller owns the transaction.

Records (questions, answered counts, feedback) arrive as plain dicts, the same shape whether
they come straight from `QuestionLog.record` or from the spool, and every write of one is
idempotent on its `record_id`.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from db import grouping
from db.models import (
    DISMISSED,
    OPEN,
    AnsweredCount,
    ConversationState,
    DismissedPhrase,
    Feedback,
    ForgottenKey,
    KnowledgeVersion,
    LanguageChoice,
    LearnedAlias,
    Question,
    QuestionGroup,
    Receipt,
    UsedSignInLink,
    UTCDateTime,
)
from db.spool import Poison
from bot.conversations import conversation_key
from db.groups import ReviewIndexes

Record = dict[str, Any]


def parse_time(value: str | dt.datetime) -> dt.datetime:
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _connection(target: Connection | Session) -> Connection:
    """The write path passes a Connection, staff operations a Session: these helpers take either."""
    return target.connection() if isinstance(target, Session) else target


def _insert(target: Connection | Session, table: Table):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which knows ON CONFLICT (SQLite >= 3.24 and PostgreSQL)."""
    name = _connection(target).dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"unsupported database {name!r}")
    return insert(table)


@functools.cache
def _insert_new(dialect: str, table: Table, key: str):  # type: ignore[no-untyped-def]
    """INSERT ... ON CONFLICT (key) DO NOTHING, built once per dialect and table (values come as parameters)."""
    module = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    return module.insert(table).on_conflict_do_nothing(index_elements=[key])


# preserve_rowcount: without it psycopg results report -1 for INSERT.
_ROWCOUNT = {"preserve_rowcount": True}


def _insert_ignoring_duplicate(target: Connection | Session, table: Table, key: str, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING; True when the row is new."""
    connection = _connection(target)
    statement = _insert_new(connection.dialect.name, table, key)
    return connection.execute(statement, values, execution_options=_ROWCOUNT).rowcount == 1


# --- writing records (on a Connection: the hot path, no ORM) ------------------------------------

# What each kind of record must hold: field -> (type(s), longest length or None). Checked before any
# write, so that a damaged or hand-edited spool line is set aside with its reason.
_TEXT = (str,)
_OPTIONAL = (str, type(None))
_FIELDS: dict[str, dict[str, tuple[tuple[type, ...], int | None]]] = {
    "question": {"record_id": (_TEXT, 36), "asked_at": (_TEXT, 40), "text": (_TEXT, None),
                 "normalised": (_TEXT, None), "lang": (_TEXT, 8), "status": (_TEXT, 16),
                 "intent": (_OPTIONAL, 32), "entry": (_OPTIONAL, 64), "channel": (_TEXT, 16),
                 "chat_type": (_OPTIONAL, 16), "user_key": (_OPTIONAL, 64)},
    "answered": {"record_id": (_TEXT, 36), "at": (_TEXT, 40), "status": (_TEXT, 16), "entry": (_OPTIONAL, 64),
                 "lang": (_TEXT, 8)},
    "feedback": {"record_id": (_TEXT, 36), "given_at": (_TEXT, 40), "entry": (_TEXT, 64), "helpful": ((bool,), None),
                 "lang": (_TEXT, 8), "user_key": (_OPTIONAL, 64)},
}
_TIME_FIELD = {"question": "asked_at", "answered": "at", "feedback": "given_at"}
_OPTIONAL_FIELDS = {"intent", "entry", "chat_type", "user_key"}


def check_record(record: Record) -> None:
    """Raise spool.Poison, with the reason, if `record` can never be written as it is."""
    kind = record.get("kind")
    fields = _FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise Poison(f"unknown record kind {kind!r}")
    for name, (types, longest) in fields.items():
        if name not in record:
            if name in _OPTIONAL_FIELDS:
                continue
            raise Poison(f"{kind} record without {name!r}")
        value = record[name]
        if not isinstance(value, types):
            raise Poison(f"{kind} record: {name!r} has the wrong type")
        if longest is not None and isinstance(value, str) and len(value) > longest:
            raise Poison(f"{kind} record: {name!r} is longer than {longest}")
        if isinstance(value, str) and "\x00" in value:
            raise Poison(f"{kind} record: {name!r} holds a NUL character")
    try:
        parse_time(record[_TIME_FIELD[kind]])
    except (ValueError, TypeError):
        raise Poison(f"{kind} record: {_TIME_FIELD[kind]!r} is not an ISO 8601 time") from None
    if kind == "question":
        if not isinstance(record.get("score", 0.0), (int, float)) or isinstance(record.get("score"), bool):
            raise Poison("question record: 'score' is not a number")
        if not isinstance(record.get("suggestions", []), list):
            raise Poison("question record: 'suggestions' is not a list")


def user_lock(session: Session | Connection, user_key: str, *, exclusive: bool) -> None:
    """On PostgreSQL, a transaction lock on one person's key: writes of their records take it shared,
    /forget exclusive, so a write already under way when they ask to be forgotten is erased too,
    and a write that starts later sees that they were. (SQLite writers are serialised anyway.)"""
    dialect = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    if dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(user_key.encode()).digest()[:8], "big", signed=True)
    session.execute(_LOCK[exclusive], {"key": number})


_LOCK = {True: text("SELECT pg_advisory_xact_lock(:key)"), False: text("SELECT pg_advisory_xact_lock_shared(:key)")}


# Built once (an expanding IN): the write path runs it for every batch.
_FORGOTTEN = (select(ForgottenKey.user_key, ForgottenKey.forgotten_at)
              .where(ForgottenKey.user_key.in_(bindparam("keys", expanding=True))))


def _forgotten_since(session: Session | Connection, records: Sequence[Record]) -> dict[str, dt.datetime]:
    """When each user key of `records` was forgotten, for the keys that were."""
    keys = sorted({r["user_key"] for r in records if r.get("user_key")})
    if not keys:
        return {}
    for key in keys:
        user_lock(session, key, exclusive=False)
    return {key: at for key, at in session.execute(_FORGOTTEN, {"keys": keys})}


def apply_records(connection: Connection, records: Sequence[Record], indexes: ReviewIndexes) -> None:
    """Write records of any kind; a record already written, or of a person forgotten since, is skipped."""
    forgotten = _forgotten_since(connection, records)
    if any(record["kind"] == "question" for record in records):
        indexes.refresh(connection)  # other processes' changes: at most once a second, not per question
    for record in records:
        kind = record["kind"]
        key = record.get("user_key")
        if key in forgotten and parse_time(record[_TIME_FIELD[kind]]) <= forgotten[key]:
            continue  # made before its author asked to be forgotten: it must not come back
        if kind == "question":
            add_question(connection, record, indexes)
        elif kind == "answered":
            count_answer(connection, record)
        elif kind == "feedback":
            add_feedback(connection, record)
        else:
            raise ValueError(f"unknown record kind {kind!r}")


def add_question(connection: Connection, record: Record, indexes: ReviewIndexes) -> bool:
    """Log one question in its group; straight to 'dismissed' if staff dismissed the same or a similar one."""
    normalised = record["normalised"]
    state = DISMISSED if indexes.dismissed.matches(normalised) else OPEN
    asked_at = parse_time(record["asked_at"])
    group_id, new_group = _join_group(connection, indexes, state, grouping.sort_key(normalised), record.get("entry"),
                                      asked_at)
    inserted = _insert_ignoring_duplicate(connection, Question.__table__, "record_id", {
        "record_id": record["record_id"],
        "asked_at": asked_at,
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
        "reviewed_at": None,
        "linked_entry": None,
        "group_id": group_id,
    })
    if not inserted:  # a replayed record: undo the group's count
        if new_group:
            connection.execute(delete(QuestionGroup).where(QuestionGroup.id == group_id))
            indexes.groups.discard(state, group_id)
        else:
            connection.execute(update(QuestionGroup).where(QuestionGroup.id == group_id)
                               .values(count=QuestionGroup.count - 1))
    return inserted


_GROUPS = QuestionGroup.__table__
# Join a cached group only if it is still what the cache says (same id, state and leader).
_JOIN = (update(_GROUPS)
         .where(_GROUPS.c.id == bindparam("g_id"), _GROUPS.c.state == bindparam("g_state"),
                _GROUPS.c.leader == bindparam("g_leader"))
         .values(count=_GROUPS.c.count + 1,
                 last_asked=case((_GROUPS.c.last_asked < bindparam("g_at", type_=UTCDateTime()),
                                  bindparam("g_at", type_=UTCDateTime())), else_=_GROUPS.c.last_asked)))
_NEW_GROUP = insert(_GROUPS).returning(_GROUPS.c.id)


def _join_group(connection: Connection, indexes: ReviewIndexes, state: str, key: str, entry: str | None,
                asked_at: dt.datetime) -> tuple[int, bool]:
    """The group of `state` whose leader is nearest to `key` (one UPDATE), else a new group (one INSERT).

    Returns (group id, whether it is new).
    """
    for group_id, leader in indexes.groups.candidates(connection, state, key, entry):
        bumped = connection.execute(_JOIN, {"g_id": group_id, "g_state": state, "g_leader": leader, "g_at": asked_at},
                                    execution_options=_ROWCOUNT).rowcount
        if bumped == 1:
            return group_id, False
        indexes.groups.discard(state, group_id)  # reviewed, purged or merged elsewhere: the cache was stale
    group_id = _new_group(connection, state, key, entry, count=1, last_asked=asked_at)
    indexes.groups.add(state, group_id, key, entry)
    return group_id, True


def _new_group(connection: Connection, state: str, key: str, entry: str | None, *, count: int,
               last_asked: dt.datetime) -> int:
    return connection.execute(_NEW_GROUP, {"state": state, "leader": key, "leader_entry": entry, "count": count,
                                           "last_asked": last_asked}).scalar_one()


def count_answer(connection: Connection, record: Record) -> bool:
    """Add `count` (one by default) to the day's count for the entry; a receipt makes a replay count once."""
    at = parse_time(record["at"])
    count = int(record.get("count", 1))
    if not _insert_ignoring_duplicate(connection, Receipt.__table__, "record_id",
                                      {"record_id": record["record_id"], "applied_at": at}):
        return False
    table = AnsweredCount.__table__
    statement = _insert(connection, table).values(
        day=at.date(), status=record["status"], entry=record.get("entry") or "", lang=record["lang"], count=count,
    ).on_conflict_do_update(
        index_elements=["day", "status", "entry", "lang"], set_={"count": table.c["count"] + count},
    )
    connection.execute(statement)
    return True


def add_feedback(connection: Connection, record: Record) -> bool:
    return _insert_ignoring_duplicate(connection, Feedback.__table__, "record_id", {
        "record_id": record["record_id"],
        "given_at": parse_time(record["given_at"]),
        "entry": record["entry"],
        "helpful": bool(record["helpful"]),
        "lang": record["lang"],
        "user_key": record.get("user_key"),
    })


# --- review ------------------------------------------------------------------------------------

def questions_in_state(session: Session, state: str) -> Sequence[Question]:
    return session.scalars(select(Question).where(Question.state == state).order_by(Question.id)).all()


# What review shows of a question: plain rows with these attributes, no ORM objects to build.
MEMBER_COLUMNS = (Question.id, Question.text, Question.normalised, Question.lang, Question.entry, Question.score,
                  Question.suggestions, Question.asked_at, Question.state, Question.group_id)


def group_page(session: Session, state: str, limit: int | None,
               offset: int = 0) -> tuple[list[tuple[QuestionGroup, list[Any]]], int]:
    """The `limit` most frequent groups of `state` from the `offset`-th (all when None; most
    recently asked first on a tie), each with its questions, and how many groups `state` has."""
    # The whole order follows the index (state, count, last_asked), read backwards: no sort. The
    # number of groups comes with the page, in the same query (one round trip fewer).
    total = select(func.count()).select_from(QuestionGroup).where(QuestionGroup.state == state).scalar_subquery()
    statement = (select(QuestionGroup, total).where(QuestionGroup.state == state)
                 .order_by(QuestionGroup.count.desc(), QuestionGroup.last_asked.desc(), QuestionGroup.id.desc()))
    rows = session.execute(statement if limit is None else statement.limit(limit).offset(offset)).all()
    if not rows and offset:  # past the last page: still say how many there are
        return [], session.scalar(select(func.count()).select_from(QuestionGroup)
                                  .where(QuestionGroup.state == state)) or 0
    groups = [group for group, _total in rows]
    members: dict[int, list[Any]] = {g.id: [] for g in groups}
    if limit is None:  # every group: read every question of the state at once
        questions = select(*MEMBER_COLUMNS).where(Question.state == state)
    else:  # a page: only its groups' questions, through the group_id index
        questions = select(*MEMBER_COLUMNS).where(Question.group_id.in_(list(members)))
    for q in session.execute(questions):
        if q.group_id in members and q.state == state:
            members[q.group_id].append(q)
    page = [(g, sorted(members[g.id], key=lambda q: q.id)) for g in groups if members[g.id]]
    return page, (rows[0][1] if rows else 0)


def group_members(session: Session, question: Question) -> list[Any]:
    """The questions of `question`'s group, the group row locked so no writer joins it meanwhile."""
    if question.group_id is None:
        return [question]
    session.execute(select(QuestionGroup.id).where(QuestionGroup.id == question.group_id).with_for_update())
    members = session.execute(select(*MEMBER_COLUMNS).where(Question.group_id == question.group_id))  # its index
    return sorted((q for q in members if q.state == question.state), key=lambda q: q.id)


def set_state(session: Session, questions: Sequence[Any], state: str, *, at: dt.datetime,
              linked_entry: str | None = None) -> int:
    """Move questions to a review state; a whole group moves with them, part of one leaves it."""
    ids = [q.id for q in questions]
    session.execute(update(Question).where(Question.id.in_(ids)).values(
        state=state, reviewed_at=at, linked_entry=linked_entry))
    by_group: dict[int, list[Any]] = {}
    for q in questions:
        if q.group_id is not None:
            by_group.setdefault(q.group_id, []).append(q)
    for group_id, moving in by_group.items():
        group = session.get(QuestionGroup, group_id)
        if group is None:
            continue
        if len(moving) >= group.count:
            group.state = state
            continue
        first = min(moving, key=lambda q: q.id)
        new_id = _new_group(session.connection(), state, grouping.sort_key(first.normalised), first.entry, count=len(moving),
                            last_asked=max(q.asked_at for q in moving))
        session.execute(update(Question).where(Question.id.in_([q.id for q in moving])).values(group_id=new_id))
        recount_groups(session, [group_id])
    return len(ids)


def recount_groups(session: Session, group_ids: Iterable[int | None]) -> None:
    """Bring the groups' counts and last times in line with their questions; drop empty groups."""
    wanted = sorted({g for g in group_ids if g is not None})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found = {group_id: (n, last) for group_id, n, last in session.execute(
            select(Question.group_id, func.count(), func.max(Question.asked_at))
            .where(Question.group_id.in_(chunk)).group_by(Question.group_id))}
        for group_id in chunk:
            if group_id in found:
                n, last = found[group_id]
                session.execute(update(QuestionGroup).where(QuestionGroup.id == group_id).values(
                    count=n, last_asked=last))
            else:
                session.execute(delete(QuestionGroup).where(QuestionGroup.id == group_id))


def _phrasings(questions: Sequence[Any]) -> dict[str, str]:
    """Each distinct normalised text, with its most frequent raw wording (the earliest on a tie)."""
    wordings: dict[str, Counter[str]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        if q.normalised:
            wordings.setdefault(q.normalised, Counter())[q.text] += 1
    return {normalised: texts.most_common(1)[0][0] for normalised, texts in wordings.items()}


def learn_aliases(session: Session, questions: Sequence[Any], entry: str, *, at: dt.datetime) -> int:
    """Store each distinct phrasing as a learned alias of `entry` (re-linking moves it)."""
    table = LearnedAlias.__table__
    phrasings = _phrasings(questions)
    for normalised, phrase in phrasings.items():
        statement = _insert(session.connection(), table).values(
            normalised=normalised, phrase=phrase, entry=entry, created_at=at,
        ).on_conflict_do_update(index_elements=["normalised"], set_={"entry": entry, "phrase": phrase})
        session.connection().execute(statement)
    if phrasings:  # linked phrasings are no longer dismissed
        session.execute(delete(DismissedPhrase).where(DismissedPhrase.normalised.in_(list(phrasings))))
    return len(phrasings)


def dismiss_phrases(session: Session, questions: Sequence[Any], *, at: dt.datetime) -> int:
    phrasings = _phrasings(questions)
    for normalised in phrasings:
        _insert_ignoring_duplicate(session.connection(), DismissedPhrase.__table__, "normalised",
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
    groups = session.scalars(select(Question.group_id).where(Question.asked_at < cutoff).distinct()).all()
    deleted = session.execute(delete(Question).where(Question.asked_at < cutoff)).rowcount
    deleted += session.execute(delete(Feedback).where(Feedback.given_at < cutoff)).rowcount
    session.execute(delete(Receipt).where(Receipt.applied_at < cutoff))
    # A forgotten key is kept as long as records made before it could still be replayed: past the
    # retention period they would be purged anyway.
    session.execute(delete(ForgottenKey).where(ForgottenKey.forgotten_at < cutoff))
    recount_groups(session, groups)
    return deleted


def forget_conversations(session: Session, user_key: str) -> int:
    """Conversation states are keyed "<user key>/<chat key>": every chat of this user goes."""
    return session.execute(delete(ConversationState).where(ConversationState.key.startswith(
        conversation_key(user_key, ""), autoescape=True))).rowcount


def forget_language_choice(session: Session, user_key: str) -> int:
    return session.execute(delete(LanguageChoice).where(LanguageChoice.user_key == user_key)).rowcount


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
