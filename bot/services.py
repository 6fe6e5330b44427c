"""The shared services every front end (console, Telegram) is built on, assembled in one place."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.engine.result import Focus, Result
from bot.knowledge import KnowledgeBase, load_general_vocabulary, load_knowledge
from bot.replies import Reply, render
from bot.staff_answers import StaffAnswerBook, StaffMatch


def _today() -> dt.date:
    return dt.date.today()


@dataclass(frozen=True)
class Asked:
    """One question, answered: the engine's result, and the staff answer that wins over it, if any."""

    result: Result
    staff: StaffMatch | None = None


@dataclass
class Services:
    """Set once at start-up; handlers and CLI commands reach everything through this."""

    settings: Settings
    knowledge: KnowledgeBase
    engine: Engine
    question_log: Any | None = None  # db.log.QuestionLog, or None when logging is off
    today: Callable[[], dt.date] = field(default=_today)
    handover: Any | None = None  # db.handover.HandoverStore (threads, staff answers), with the log
    staff_answers: StaffAnswerBook = field(default_factory=StaffAnswerBook)

    def answer(self, text: str, *, lang_hint: str | None = None, today: dt.date | None = None,
               focus: Focus | None = None) -> Result:
        """The one "ask" use case every front end calls: the engine's reading of a message."""
        return self.engine.answer(text, lang_hint=lang_hint, today=today or self.today(), focus=focus)

    def reply(self, result: Result, *, today: dt.date | None = None, passed_on: bool = False) -> Reply:
        """The words for a result; `passed_on` only when the question was really logged for staff."""
        return render(result, self.knowledge, today or self.today(), passed_on=passed_on,
                      general=self.engine.lexicon.general)

    def teach(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Give the engine the questions staff linked to entries (idempotent; unknown entries skipped)."""
        for phrase, entry_id in aliases:
            if entry_id in self.knowledge.entries:
                self.engine.learn_alias(phrase, entry_id)

    def ask(self, question: str, *, lang_hint: str | None = None, today: dt.date | None = None,
            focus: Focus | None = None) -> Asked:
        """`answer`, and a staff-written answer when one matches the question well.

        Staff answers are checked around the engine call (not inside it) until the engine's
        resolver takes them in; a match wins, as staff-linked aliases do inside the engine.
        """
        result = self.answer(question, lang_hint=lang_hint, today=today, focus=focus)
        return Asked(result, self.staff_answers.match(question))

    def refresh_staff_answers(self, *, force: bool = False) -> bool:
        """Reload staff answers if another process (or this one) changed them; blocking: call it
        off the event loop. Raises db.log.LogUnavailable when the database cannot be reached."""
        if self.handover is None:
            return False
        return self.staff_answers.refresh(self.handover, force=force)


def build_services(settings: Settings, *, log_questions: bool = True,
                   today: Callable[[], dt.date] = _today) -> Services:
    """Load and validate the knowledge base (raises KnowledgeError), build the engine, open the log."""
    general = load_general_vocabulary()
    knowledge = load_knowledge(settings.knowledge_dir, general)
    services = Services(settings=settings, knowledge=knowledge, engine=Engine(knowledge, general=general), today=today)
    if log_questions:
        from db.handover import HandoverStore  # imported here: `ask --no-log` never touches a database
        from db.log import LogUnavailable, open_question_log

        services.question_log = open_question_log(settings)
        services.teach(services.question_log.learned_aliases())
        services.handover = HandoverStore(services.question_log)
        try:
            services.refresh_staff_answers(force=True)
        except LogUnavailable:
            pass  # the bot starts without them; the periodic refresh loads them once the database is back
    return services
