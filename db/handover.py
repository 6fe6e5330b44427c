"""Handover threads ("Ask the team") and staff-written answers, in the question log's database.

Methods are synchronous and thread-safe (handlers call them through asyncio.to_thread), each in
one short transaction; an unreachable database raises `db.log.LogUnavailable`. The visitor's chat
id is the only raw Telegram id stored anywhere, and only while their thread is open: `close`,
`expire_due` and `forget` set it to NULL and delete the rows that point into the visitor's chat.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.text import normalise
from db.log import QuestionLog
from db.models import (
    THREAD_CLOSED,
    THREAD_EXPIRED,
    THREAD_OPEN,
    ChangeCounter,
    HandoverLine,
    HandoverThread,
    MessageRef,
    Question,
    StaffAnswer,
    StaffAnswerPhrasing,
)

THREAD_HOURS = 24
STAFF_ANSWERS = "staff_answers"  # the change counter other processes poll
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud across a stand

# What a reply to one of the bot's messages is about (MessageRef.kind).
STAFF_THREAD = "staff_thread"  # a thread's message in the staff chat: a staff reply goes to the visitor
VISITOR_THREAD = "visitor_thread"  # a team message in the visitor's chat: the visitor's reply goes to staff
REVIEW_PROMPT = "review"  # "reply with the answer to g12"
SAVED_ANSWER = "answer"  # "saved as answer A3": /en, /fr, /phrase replying to it amend it


@dataclass(frozen=True)
class Thread:
    id: int
    code: str
    state: str
    lang: str
    question: str
    bot_answer: str
    candidates: tuple[str, ...]
    visitor_chat_id: int | None
    staff_chat_id: int
    staff_topic_id: int | None
    header_message_id: int | None
    opened_at: dt.datetime
    expires_at: dt.datetime
    saved_answer_id: int | None

    def is_open(self, now: dt.datetime) -> bool:
        return self.state == THREAD_OPEN and now < self.expires_at and self.visitor_chat_id is not None


@dataclass(frozen=True)
class Ref:
    kind: str
    ref: int
    thread_id: int | None


@dataclass(frozen=True)
class SavedAnswer:
    id: int
    texts: dict[str, str]  # lang -> text, one or both of fr / en
    source: str
    phrasings: tuple[str, ...]
    created_at: dt.datetime


def _utc(now: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if now is None else now.astimezone(dt.UTC)


def _thread(row: HandoverThread) -> Thread:
    return Thread(row.id, row.code, row.state, row.lang, row.question, row.bot_answer, tuple(row.candidates or ()),
                  row.visitor_chat_id, row.staff_chat_id, row.staff_topic_id, row.header_message_id, row.opened_at,
                  row.expires_at, row.saved_answer_id)


def team_source(team: str, day: dt.date) -> str:
    """"<team> team, 2026-11-30": who wrote a staff answer, and when."""
    return f"{team} team, {day.isoformat()}"


class HandoverStore:
    """Threads, the bot messages replies refer to, and staff answers; shares the log's database."""

    def __init__(self, log: QuestionLog, *, team: str = "Staff"):
        self._log = log
        self._team = team  # the assistant's name, for the answers' source

    # --- threads ---------------------------------------------------------------------------------

    def open_thread(self, *, visitor_chat_id: int, user_key: str | None, lang: str, question: str, bot_answer: str,
                    candidates: Sequence[str], staff_chat_id: int, staff_topic_id: int | None,
                    now: dt.datetime | None = None, hours: float = THREAD_HOURS) -> Thread:
        at = _utc(now)
        with self._log.transaction() as session:
            taken = set(session.scalars(select(HandoverThread.code).where(HandoverThread.state == THREAD_OPEN)))
            code = _new_code(taken)
            row = HandoverThread(code=code, state=THREAD_OPEN, lang=lang, question=question, bot_answer=bot_answer,
                                 candidates=list(candidates), user_key=user_key, visitor_chat_id=visitor_chat_id,
                                 staff_chat_id=staff_chat_id, staff_topic_id=staff_topic_id, opened_at=at,
                                 expires_at=at + dt.timedelta(hours=hours))
            session.add(row)
            session.flush()
            session.add(HandoverLine(thread_id=row.id, at=at, sender="visitor", text=question))
            return _thread(row)

    def set_header(self, thread_id: int, message_id: int) -> None:
        """The thread's message in the staff chat: replying to it answers the visitor."""
        with self._log.transaction() as session:
            row = session.get(HandoverThread, thread_id)
            if row is None:
                return
            row.header_message_id = message_id
            _add_ref(session, row.staff_chat_id, message_id, STAFF_THREAD, thread_id, thread_id)

    def thread(self, thread_id: int) -> Thread | None:
        with self._log.transaction() as session:
            row = session.get(HandoverThread, thread_id)
            return None if row is None else _thread(row)

    def add_ref(self, chat_id: int, message_id: int, kind: str, ref: int, *, thread_id: int | None = None) -> None:
        with self._log.transaction() as session:
            _add_ref(session, chat_id, message_id, kind, ref, thread_id)

    def ref(self, chat_id: int, message_id: int) -> Ref | None:
        """What the bot's message `message_id` in `chat_id` stands for, if anything."""
        with self._log.transaction() as session:
            row = session.get(MessageRef, (chat_id, message_id))
            return None if row is None else Ref(row.kind, int(row.ref), row.thread_id)

    def add_line(self, thread_id: int, sender: str, text: str, *, now: dt.datetime | None = None) -> None:
        with self._log.transaction() as session:
            session.add(HandoverLine(thread_id=thread_id, at=_utc(now), sender=sender, text=text))

    def staff_lines(self, thread_id: int) -> list[str]:
        with self._log.transaction() as session:
            return list(session.scalars(select(HandoverLine.text).where(
                HandoverLine.thread_id == thread_id, HandoverLine.sender == "staff").order_by(HandoverLine.id)))

    def close(self, thread_id: int, *, now: dt.datetime | None = None) -> tuple[Thread, int] | None:
        """Close an open thread; (the thread, the visitor's chat id, now erased), or None if it was
        not open (closed meanwhile by someone else, expired, or forgotten)."""
        with self._log.transaction() as session:
            row = session.get(HandoverThread, thread_id, with_for_update=True)
            if row is None or row.state != THREAD_OPEN or row.visitor_chat_id is None:
                return None
            chat_id = row.visitor_chat_id
            _end(session, row, THREAD_CLOSED, _utc(now))
            return _thread(row), chat_id

    def expire_due(self, *, now: dt.datetime | None = None) -> list[tuple[Thread, int]]:
        """End the threads open for longer than their time; each with the (now erased) chat id."""
        at = _utc(now)
        ended = []
        with self._log.transaction() as session:
            rows = session.scalars(select(HandoverThread).where(
                HandoverThread.state == THREAD_OPEN, HandoverThread.expires_at <= at)).all()
            for row in rows:
                chat_id = row.visitor_chat_id
                _end(session, row, THREAD_EXPIRED, at)
                if chat_id is not None:
                    ended.append((_thread(row), chat_id))
        return ended

    def forget(self, user_key: str) -> list[Thread]:
        """Erase every thread of a visitor (their lines and chat id with it); the threads as they
        were, so that the staff messages can say the visitor left."""
        with self._log.transaction() as session:
            rows = session.scalars(select(HandoverThread).where(HandoverThread.user_key == user_key)).all()
            gone = [_thread(row) for row in rows]
            ids = [row.id for row in rows]
            if ids:
                session.execute(delete(MessageRef).where(MessageRef.thread_id.in_(ids)))
                session.execute(delete(HandoverLine).where(HandoverLine.thread_id.in_(ids)))
                session.execute(delete(HandoverThread).where(HandoverThread.id.in_(ids)))
            return gone

    def purge(self, cutoff: dt.datetime) -> int:
        """Delete ended threads opened before `cutoff` (LOG_RETENTION_DAYS), and their lines."""
        with self._log.transaction() as session:
            ids = list(session.scalars(select(HandoverThread.id).where(
                HandoverThread.state != THREAD_OPEN, HandoverThread.opened_at < cutoff)))
            if ids:
                session.execute(delete(MessageRef).where(MessageRef.thread_id.in_(ids)))
                session.execute(delete(HandoverLine).where(HandoverLine.thread_id.in_(ids)))
                session.execute(delete(HandoverThread).where(HandoverThread.id.in_(ids)))
            return len(ids)

    def mark_saved(self, thread_id: int, answer_id: int) -> None:
        with self._log.transaction() as session:
            session.execute(update(HandoverThread).where(HandoverThread.id == thread_id)
                            .values(saved_answer_id=answer_id))

    # --- staff answers ---------------------------------------------------------------------------

    def save_answer(self, phrasings: Iterable[str], texts: dict[str, str], *, now: dt.datetime | None = None) -> int:
        """Store a staff answer; a phrasing another answer already had moves to this one."""
        at = _utc(now)
        texts = {lang: text.strip() for lang, text in texts.items() if lang in ("fr", "en") and text.strip()}
        if not texts:
            raise ValueError("a staff answer needs a text in French or English")
        with self._log.transaction() as session:
            row = StaffAnswer(text_fr=texts.get("fr"), text_en=texts.get("en"), source=team_source(self._team, at.date()),
                              created_at=at)
            session.add(row)
            session.flush()
            _add_phrasings(session, row.id, phrasings)
            _bump(session, STAFF_ANSWERS)
            return row.id

    def set_answer_text(self, answer_id: int, lang: str, text: str) -> bool:
        if lang not in ("fr", "en") or not text.strip():
            raise ValueError("a staff answer text is French or English, and not empty")
        with self._log.transaction() as session:
            row = session.get(StaffAnswer, answer_id)
            if row is None:
                return False
            setattr(row, f"text_{lang}", text.strip())
            _bump(session, STAFF_ANSWERS)
            return True

    def add_phrasing(self, answer_id: int, phrase: str) -> bool:
        with self._log.transaction() as session:
            if session.get(StaffAnswer, answer_id) is None:
                return False
            added = _add_phrasings(session, answer_id, [phrase])
            _bump(session, STAFF_ANSWERS)
            return added > 0

    def delete_answer(self, answer_id: int) -> bool:
        with self._log.transaction() as session:
            session.execute(delete(StaffAnswerPhrasing).where(StaffAnswerPhrasing.answer_id == answer_id))
            deleted = session.execute(delete(StaffAnswer).where(StaffAnswer.id == answer_id),
                                      execution_options={"preserve_rowcount": True}).rowcount
            if deleted:
                _bump(session, STAFF_ANSWERS)
            return bool(deleted)

    def answers(self) -> list[SavedAnswer]:
        """Every staff answer with its phrasings, oldest first."""
        with self._log.transaction() as session:
            phrasings: dict[int, list[str]] = {}
            for answer_id, phrase in session.execute(select(StaffAnswerPhrasing.answer_id, StaffAnswerPhrasing.phrase)
                                                     .order_by(StaffAnswerPhrasing.id)):
                phrasings.setdefault(answer_id, []).append(phrase)
            return [SavedAnswer(row.id, {lang: text for lang, text in (("fr", row.text_fr), ("en", row.text_en)) if text},
                                row.source, tuple(phrasings.get(row.id, ())), row.created_at)
                    for row in session.scalars(select(StaffAnswer).order_by(StaffAnswer.id))]

    def answers_version(self) -> int:
        """The staff answers' change counter: one indexed read, cheap enough to poll every few seconds."""
        with self._log.transaction() as session:
            return session.scalar(select(ChangeCounter.version).where(ChangeCounter.name == STAFF_ANSWERS)) or 0

    def question_texts(self, question_ids: Iterable[int]) -> list[str]:
        """The texts of logged questions (a /review group's phrasings), oldest first."""
        ids = list(question_ids)
        with self._log.transaction() as session:
            return list(session.scalars(select(Question.text).where(Question.id.in_(ids)).order_by(Question.id)))


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def _add_ref(session: Session, chat_id: int, message_id: int, kind: str, ref: int, thread_id: int | None) -> None:
    session.merge(MessageRef(chat_id=chat_id, message_id=message_id, kind=kind, ref=ref, thread_id=thread_id))


def _end(session: Session, row: HandoverThread, state: str, at: dt.datetime) -> None:
    """Close or expire: the visitor's chat id and the refs into their chat are erased."""
    row.state = state
    row.closed_at = at
    row.visitor_chat_id = None
    session.execute(delete(MessageRef).where(MessageRef.thread_id == row.id, MessageRef.kind == VISITOR_THREAD))


def _add_phrasings(session: Session, answer_id: int, phrases: Iterable[str]) -> int:
    added = 0
    for phrase in phrases:
        key = normalise(phrase)
        if not key:
            continue
        existing = session.scalar(select(StaffAnswerPhrasing).where(StaffAnswerPhrasing.normalised == key))
        if existing is not None:
            existing.answer_id, existing.phrase = answer_id, phrase.strip()
        else:
            session.add(StaffAnswerPhrasing(answer_id=answer_id, phrase=phrase.strip(), normalised=key))
        session.flush()
        added += 1
    return added


def _bump(session: Session, name: str) -> None:
    """version += 1 in the database (the migration creates the row), safe with concurrent writers."""
    session.execute(update(ChangeCounter).where(ChangeCounter.name == name)
                    .values(version=ChangeCounter.version + 1))
