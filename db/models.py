"""Tables of the question log. Times are stored as naive UTC and read back as aware UTC.

No column holds a Telegram user id, name or username: users appear only as `user_key`, an
HMAC of their id (see `db.privacy`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Text, TypeDecorator)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.states import DISMISSED, OPEN, RESOLVED, STATES

__all__ = ["DISMISSED", "OPEN", "RESOLVED", "STATES"]  # re-exported: the rest of db imports them from here

# States of a handover thread ("Ask the team"): open until staff close it or it expires.
THREAD_OPEN, THREAD_CLOSED, THREAD_EXPIRED = "open", "closed", "expired"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, naive UTC in the database (same on every backend)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    # Constraint names the migrations spell out, so models and migrations compare equal.
    metadata = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})


class Question(Base):
    """A question the bot could not answer, or answered only with a clarifying question."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_state_id", "state", "id"),
        Index("ix_questions_normalised", "normalised"),
        Index("ix_questions_user_key", "user_key"),
        Index("ix_questions_asked_at", "asked_at"),
        Index("ix_questions_group_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)  # client-made UUID: replays are idempotent
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))  # engine status: unanswered | clarify
    intent: Mapped[str | None] = mapped_column(String(32))
    entry: Mapped[str | None] = mapped_column(String(64))  # best candidate entry
    score: Mapped[float] = mapped_column(Float, default=0.0)
    suggestions: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(16))  # telegram | cli
    chat_type: Mapped[str | None] = mapped_column(String(16))
    user_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=OPEN)  # open | resolved | dismissed
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    linked_entry: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(Integer)  # QuestionGroup.id, assigned when recorded


class QuestionGroup(Base):
    """Similar questions in one review state, assigned when each is recorded (see db.groups).

    `count` and `last_asked` are kept up to date by every write, so the review page reads the
    most frequent groups through an index instead of regrouping every open question. No foreign
    key from questions: a writer holding a stale cache finds out through the row count instead.
    """

    __tablename__ = "question_groups"
    __table_args__ = (Index("ix_question_groups_rank", "state", "count", "last_asked"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # open | resolved | dismissed, like its questions
    leader: Mapped[str] = mapped_column(Text)  # grouping.sort_key of the phrasing that started it
    leader_entry: Mapped[str | None] = mapped_column(String(64))  # the engine's best candidate for it
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_asked: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AnsweredCount(Base):
    """Answered (and small-talk) questions: only a count per day, entry and language; no text."""

    __tablename__ = "answered_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)  # answered | smalltalk
    entry: Mapped[str] = mapped_column(String(64), primary_key=True)  # '' when there is none
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Receipt(Base):
    """Record ids already counted, so that replaying a spooled counter increment is a no-op."""

    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_applied_at", "applied_at"),)

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Feedback(Base):
    """A 'helpful' / 'not helpful' press about one entry."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_user_key", "user_key"),
        Index("ix_feedback_given_at", "given_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    entry: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool] = mapped_column(Boolean)
    lang: Mapped[str] = mapped_column(String(8))
    user_key: Mapped[str | None] = mapped_column(String(64))


class LearnedAlias(Base):
    """A phrasing staff linked to an entry; the engine learns it at start and on refresh."""

    __tablename__ = "learned_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    normalised: Mapped[str] = mapped_column(Text, unique=True)
    phrase: Mapped[str] = mapped_column(Text)  # as a visitor wrote it, for the YAML export
    entry: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DismissedPhrase(Base):
    """A phrasing staff dismissed: the same or a similar question is logged as dismissed at once."""

    __tablename__ = "dismissed_phrases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    normalised: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConversationState(Base):
    """What one conversation is about (entry ids, what was asked) and its language; never the text.

    Shared by every bot process on the same database, so a follow-up answered by another webhook
    worker keeps its context. `key` is pseudonymous (HMACs of the user and chat ids).
    """

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    focus: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lang: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LanguageChoice(Base):
    """A user's /lang choice, under their pseudonymous key: it survives restarts."""

    __tablename__ = "language_choices"

    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))


class UsedSignInLink(Base):
    """A web console sign-in link already used: each link signs in once (kept until it expires)."""

    __tablename__ = "console_used_links"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class KnowledgeVersion(Base):
    """A single row, bumped by every knowledge-base reload; each process polls it to follow."""

    __tablename__ = "knowledge_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer, default=0)
    reloaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class HandoverThread(Base):
    """A visitor's question handed over to the staff group ("Ask the team").

    `visitor_chat_id` is the one raw Telegram id the bot keeps anywhere: it is needed to relay the
    team's answers, so it is kept while the thread is open and set to NULL when staff close it,
    when it expires and on /forget. Staff see `code`, a short pseudonym, never who the visitor is.
    """

    __tablename__ = "handover_threads"
    __table_args__ = (
        Index("ix_handover_threads_state", "state"),
        Index("ix_handover_threads_user_key", "user_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8))  # "K7QM": what staff call the visitor
    state: Mapped[str] = mapped_column(String(16), default=THREAD_OPEN)  # open | closed | expired
    lang: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(Text)
    bot_answer: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_key: Mapped[str | None] = mapped_column(String(64))  # HMAC pseudonym, for /forget
    visitor_chat_id: Mapped[int | None] = mapped_column(BigInteger)  # only while open
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    staff_topic_id: Mapped[int | None] = mapped_column(BigInteger)
    header_message_id: Mapped[int | None] = mapped_column(BigInteger)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    saved_answer_id: Mapped[int | None] = mapped_column(Integer)


class HandoverLine(Base):
    """One message of a thread, as relayed: kept so that staff can save the answer once closed."""

    __tablename__ = "handover_lines"
    __table_args__ = (Index("ix_handover_lines_thread_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("handover_threads.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sender: Mapped[str] = mapped_column(String(8))  # visitor | staff
    text: Mapped[str] = mapped_column(Text)


class MessageRef(Base):
    """What a reply to one of the bot's messages means: that message belongs to a thread (in the
    staff chat or the visitor's chat), is a /review answer prompt, or confirms a saved answer."""

    __tablename__ = "message_refs"
    __table_args__ = (Index("ix_message_refs_thread_id", "thread_id"),)

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # staff_thread | visitor_thread | review | answer
    ref: Mapped[int] = mapped_column(BigInteger)  # thread id, group id or staff answer id
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("handover_threads.id", ondelete="CASCADE"))


class StaffAnswer(Base):
    """An answer written by staff, in one or both languages, for questions the sources do not cover."""

    __tablename__ = "staff_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_fr: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(120))  # "<assistant name> team, 2026-11-30"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class StaffAnswerPhrasing(Base):
    """A question a staff answer answers; the bot matches visitors' questions against these."""

    __tablename__ = "staff_answer_phrasings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("staff_answers.id", ondelete="CASCADE"))
    phrase: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str] = mapped_column(Text, unique=True)


class ChangeCounter(Base):
    """A version number bumped on every change of a table other processes cache (staff answers)."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class ForgottenKey(Base):
    """A user key erased by /forget, and when: a record of that key made before then, still waiting
    in some process's spool, is dropped when it is replayed instead of coming back."""

    __tablename__ = "forgotten_keys"
    __table_args__ = (Index("ix_forgotten_keys_forgotten_at", "forgotten_at"),)

    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    forgotten_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
