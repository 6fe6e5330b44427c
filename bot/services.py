"""The shared services every front end (console, Telegram) is built on, assembled in one place."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, load_knowledge


def _today() -> dt.date:
    return dt.date.today()


@dataclass
class Services:
    """Set once at start-up; handlers and CLI commands reach everything through this."""

    settings: Settings
    knowledge: KnowledgeBase
    engine: Engine
    question_log: Any | None = None  # db.log.QuestionLog, or None when logging is off
    today: Callable[[], dt.date] = field(default=_today)

    def teach(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Give the engine the questions staff linked to entries (idempotent; unknown entries skipped)."""
        for phrase, entry_id in aliases:
            if entry_id in self.knowledge.entries:
                self.engine.learn_alias(phrase, entry_id)


def build_services(settings: Settings, *, log_questions: bool = True,
                   today: Callable[[], dt.date] = _today) -> Services:
    """Load and validate the knowledge base (raises KnowledgeError), build the engine, open the log."""
    knowledge = load_knowledge(settings.knowledge_dir)
    services = Services(settings=settings, knowledge=knowledge, engine=Engine(knowledge), today=today)
    if log_questions:
        from db.log import open_question_log  # imported here: `ask --no-log` never touches a database

        services.question_log = open_question_log(settings)
        services.teach(services.question_log.learned_aliases())
    return services
