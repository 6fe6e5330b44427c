"""Conversation state in the database, for several bot processes (webhook workers) on PostgreSQL.

One indexed read and one upsert per message. Any database error, or no answer within the timeout
(the bot's DB_WRITE_TIMEOUT), falls back to the process's own memory for that message (logged once
per outage): a conversation may lose its context, a visitor never loses or waits for a reply.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.conversations import TTL_SECONDS, Conversation, MemoryConversations
from bot.engine.result import Focus
from db.deadline import DeadlineExceeded, DeadlineRunner
from db.models import ConversationState, LanguageChoice

logger = logging.getLogger(__name__)

T = TypeVar("T")
_FAILURES = (SQLAlchemyError, DeadlineExceeded)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DatabaseConversations:
    def __init__(self, engine: Engine, *, ttl: float = TTL_SECONDS, now: Callable[[], dt.datetime] = _now,
                 timeout: float = 2.0, health: Any = None) -> None:
        self._engine, self._ttl, self._now = engine, dt.timedelta(seconds=ttl), now
        self._fallback = MemoryConversations(ttl)
        self._failing = False
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # A hung server must not hold a reply: each call waits at most `timeout` (then memory).
        self._runner = DeadlineRunner(workers=4, name="conversations")
        self._timeout = timeout
        self._health = health  # the question log on the same database: one view of its health

    def _run(self, call: Callable[[], T]) -> T:
        if self._health is not None and self._health.database_suspect():
            raise DeadlineExceeded("the database failed a moment ago")
        try:
            if self._health is not None:
                return self._health.run_with_deadline(call)
            return self._runner.run(call, self._timeout)
        except DeadlineExceeded as exc:
            if self._health is not None:
                self._health.database_failed(str(exc))
            raise

    def _failed(self, exc: Exception) -> None:
        if not self._failing:
            logger.warning("conversation state unavailable (%s): kept in memory until the database is back",
                           type(exc).__name__)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            logger.info("conversation state back in the database")
        self._failing = False

    def load(self, key: str) -> Conversation:
        def read() -> Any:
            with self._engine.connect() as connection:
                return connection.execute(select(ConversationState.focus, ConversationState.lang,
                                                 ConversationState.updated_at)
                                          .where(ConversationState.key == key)).first()
        try:
            row = self._run(read)
        except _FAILURES as exc:
            self._failed(exc)
            return self._fallback.load(key)
        self._recovered()
        if row is None:
            return Conversation()
        updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
        if self._now() - updated > self._ttl:
            return Conversation(lang=row.lang)
        return Conversation(Focus.from_json(row.focus), row.lang)

    def _write(self, statement: Any) -> bool:
        def write() -> None:
            with self._engine.begin() as connection:
                connection.execute(statement)
        try:
            self._run(write)
        except _FAILURES as exc:
            self._failed(exc)
            return False
        self._recovered()
        return True

    def save(self, key: str, conversation: Conversation) -> None:
        values = {"key": key, "focus": conversation.focus.to_json(), "lang": conversation.lang,
                  "updated_at": self._now().replace(tzinfo=None)}
        statement = self._insert(ConversationState).values(**values)
        statement = statement.on_conflict_do_update(index_elements=["key"], set_={
            "focus": statement.excluded.focus, "lang": statement.excluded.lang,
            "updated_at": statement.excluded.updated_at})
        if not self._write(statement):
            self._fallback.save(key, conversation)

    def reset(self, key: str) -> None:
        self._fallback.reset(key)
        self._write(delete(ConversationState).where(ConversationState.key == key))

    def forget(self, user_key: str) -> None:
        """This process's copy only: the rows go with the user's questions, in one transaction,
        when `QuestionLog.forget` runs (`db.erasure`)."""
        self._fallback.forget(user_key)

    def chosen_lang(self, user_key: str) -> str | None:
        def read() -> str | None:
            with self._engine.connect() as connection:
                return connection.execute(select(LanguageChoice.lang).where(LanguageChoice.user_key == user_key)).scalar()
        try:
            return self._run(read)
        except _FAILURES as exc:
            self._failed(exc)
            return self._fallback.chosen_lang(user_key)

    def choose_lang(self, user_key: str, lang: str) -> None:
        self._fallback.choose_lang(user_key, lang)
        statement = self._insert(LanguageChoice).values(user_key=user_key, lang=lang)
        self._write(statement.on_conflict_do_update(index_elements=["user_key"], set_={"lang": lang}))
