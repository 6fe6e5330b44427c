"""The shared services every front end (console, Telegram) is built on, assembled in one place."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.conversations import ConversationStore, MemoryConversations, conversation_key
from bot.engine import Engine
from bot.engine.result import Focus, Result
from bot.knowledge import KnowledgeBase, load_general_vocabulary, load_knowledge
from bot.replies import Reply, render


def _today() -> dt.date:
    return dt.date.today()


@dataclass
class Services:
    """Set once at start-up; handlers and CLI commands reach everything through this."""

    settings: Settings
    knowledge: KnowledgeBase
    engine: Engine
    question_log: Any | None = None  # db.log.QuestionLog, or None when logging is off
    conversations: ConversationStore = field(default_factory=MemoryConversations)
    today: Callable[[], dt.date] = field(default=_today)

    def answer(self, text: str, *, lang_hint: str | None = None, today: dt.date | None = None,
               focus: Focus | None = None) -> Result:
        """The one "ask" use case every front end calls: the engine's reading of a message."""
        return self.engine.answer(text, lang_hint=lang_hint, today=today or self.today(), focus=focus)

    def reply(self, result: Result, *, today: dt.date | None = None, passed_on: bool = False) -> Reply:
        """The words for a result; `passed_on` only when the question was really logged for staff."""
        return render(result, self.knowledge, today or self.today(), passed_on=passed_on,
                      general=self.engine.lexicon.general)

    def user_key(self, user_id: int) -> str:
        """The pseudonymous key of a Telegram user (an HMAC when a log holds the secret).

        Without a question log nothing is stored anywhere, and the raw id only keys the process's
        memory for the length of a conversation.
        """
        if self.question_log is not None:
            return self.question_log.user_key(user_id)
        return f"id{user_id}"

    def conversation_key(self, user_id: int, chat_id: int) -> str:
        """One conversation per user and chat: in a group, each member keeps their own context."""
        return conversation_key(self.user_key(user_id), self.user_key(chat_id)[:16])

    def teach(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Give the engine the questions staff linked to entries (idempotent; unknown entries skipped)."""
        for phrase, entry_id in aliases:
            if entry_id in self.knowledge.entries:
                self.engine.learn_alias(phrase, entry_id)


def build_services(settings: Settings, *, log_questions: bool = True,
                   today: Callable[[], dt.date] = _today) -> Services:
    """Load and validate the knowledge base (raises KnowledgeError), build the engine, open the log."""
    general = load_general_vocabulary()
    knowledge = load_knowledge(settings.knowledge_dir, general)
    services = Services(settings=settings, knowledge=knowledge, engine=Engine(knowledge, general=general), today=today)
    if log_questions:
        from db.log import open_question_log  # imported here: `ask --no-log` never touches a database

        services.question_log = open_question_log(settings)
        services.teach(services.question_log.learned_aliases())
        if services.question_log.engine.dialect.name == "postgresql":
            from db.conversations import DatabaseConversations  # shared by every bot process

            services.conversations = DatabaseConversations(services.question_log.engine)
    return services
