"""Conversation state in the database, for several bot processes (webhook workers) on PostgreSQL.

One indexed read and one upsert per message. Any database error falls back to the process's own
memory for that message (logged once per outage): a conversation may lose its context, a visitor
never loses a reply.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.conversations import TTL_SECONDS, Conversation, MemoryConversations
from bot.engine.result import Focus
from db.models import ConversationState, LanguageChoice

logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DatabaseConversations:
    def __init__(self, engine: Engine, *, ttl: float = TTL_SECONDS, now: Callable[[], dt.datetime] = _now) -> None:
        self._engine, self._ttl, self._now = engine, dt.timedelta(seconds=ttl), now
        self._fallback = MemoryConversations(ttl)
        self._failing = False
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def _failed(self, exc: SQLAlchemyError) -> None:
        if not self._failing:
            logger.warning("conversation state unavailable (%s): kept in memory until the database is back",
                           type(exc).__name__)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            logger.info("conversation state back in the database")
        self._failing = False

    def load(self, key: str) -> Conversation:
        try:
            with self._engine.connect() as connection:
                row = connection.execute(select(ConversationState.focus, ConversationState.lang,
                                                ConversationState.updated_at)
                                         .where(ConversationState.key == key)).first()
        except SQLAlchemyError as exc:
            self._failed(exc)
            return self._fallback.load(key)
        self._recovered()
        if row is None:
            return Conversation()
        updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
        if self._now() - updated > self._ttl:
            return Conversation(lang=row.lang)
        return Conversation(Focus.from_json(row.focus), row.lang)

    def save(self, key: str, conversation: Conversation) -> None:
        values = {"key": key, "focus": conversation.focus.to_json(), "lang": conversation.lang,
                  "updated_at": self._now().replace(tzinfo=None)}
        statement = self._insert(ConversationState).values(**values)
        statement = statement.on_conflict_do_update(index_elements=["key"], set_={
            "focus": statement.excluded.focus, "lang": statement.excluded.lang,
            "updated_at": statement.excluded.updated_at})
        try:
            with self._engine.begin() as connection:
                connection.execute(statement)
        except SQLAlchemyError as exc:
            self._failed(exc)
            self._fallback.save(key, conversation)
            return
        self._recovered()

    def reset(self, key: str) -> None:
        self._fallback.reset(key)
        try:
            with self._engine.begin() as connection:
                connection.execute(delete(ConversationState).where(ConversationState.key == key))
        except SQLAlchemyError as exc:
            self._failed(exc)

    def forget(self, user_key: str) -> None:
        """This process's copy only: the rows go with the user's questions, in one transaction,
        when `QuestionLog.forget` runs (`db.repository.forget`)."""
        self._fallback.forget(user_key)

    def chosen_lang(self, user_key: str) -> str | None:
        try:
            with self._engine.connect() as connection:
                return connection.execute(select(LanguageChoice.lang).where(LanguageChoice.user_key == user_key)).scalar()
        except SQLAlchemyError as exc:
            self._failed(exc)
            return self._fallback.chosen_lang(user_key)

    def choose_lang(self, user_key: str, lang: str) -> None:
        self._fallback.choose_lang(user_key, lang)
        statement = self._insert(LanguageChoice).values(user_key=user_key, lang=lang)
        statement = statement.on_conflict_do_update(index_elements=["user_key"], set_={"lang": lang})
        try:
            with self._engine.begin() as connection:
                connection.execute(statement)
        except SQLAlchemyError as exc:
            self._failed(exc)
