"""The shared services every front end (console, Telegram) is built on, assembled in one place."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


def build_services(settings: Settings, *, log_questions: bool = True,
                   today: Callable[[], dt.date] = _today) -> Services:
    """Load and validate the knowledge base (raises KnowledgeError), build the engine, open the log."""
    knowledge = load_knowledge(settings.knowledge_dir)
    engine = Engine(knowledge)
    question_log = None
    if log_questions:
        from db.log import open_question_log  # imported here: `ask --no-log` never touches a database

        question_log = open_question_log(settings)
        for phrase, entry_id in question_log.learned_aliases():
            if entry_id in knowledge.entries:
                engine.learn_alias(phrase, entry_id)
    return Services(settings=settings, knowledge=knowledge, engine=engine, question_log=question_log, today=today)
