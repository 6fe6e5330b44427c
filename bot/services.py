"""The shared services every front end (console, Telegram, web console) is built on, assembled in one place."""
from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
import rapidfuzz
import yaml

from bot import cache, text, vocabulary
from bot import engine as engine_package
from bot import knowledge as knowledge_module
from bot.config import Settings
from bot.conversations import ConversationStore, MemoryConversations, conversation_key
from bot.engine import Engine, frequency
from bot.engine.result import Focus, Missing, Result
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, load_general_vocabulary, load_knowledge
from bot.replies import Reply, render, render_card
from bot.staff_answers import StaffAnswerBook, StaffMatch
from bot.vocabulary import GENERAL_VOCABULARY, GeneralVocabulary

logger = logging.getLogger(__name__)


def _today() -> dt.date:
    return dt.date.today()


def load_engine(settings: Settings) -> tuple[KnowledgeBase, Engine]:
    """The one factory of knowledge base + engine: at start-up and on every reload.

    Raises KnowledgeError listing every problem (file, line, entry, field)."""
    engine = cached_engine(settings.knowledge_dir, settings.cache_dir)
    return engine.knowledge, engine


@dataclass(frozen=True)
class ReloadOutcome:
    """What a knowledge-base reload did: `problems` empty means the new one is in use."""

    problems: tuple[Problem, ...] = ()
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Asked:
    """One question, answered: the engine's result, and the staff answer that wins over it, if any."""

    result: Result
    staff: StaffMatch | None = None


@dataclass
class Services:
    """Set once at start-up; handlers and CLI commands reach everything through this.

    `knowledge` and `engine` change together, only in `reload_knowledge`.
    """

    settings: Settings
    knowledge: KnowledgeBase
    engine: Engine
    question_log: Any | None = None  # db.log.QuestionLog, or None when logging is off
    conversations: ConversationStore = field(default_factory=MemoryConversations)
    today: Callable[[], dt.date] = field(default=_today)
    knowledge_version: int = 0  # the database's knowledge version this process has loaded
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    handover: Any | None = None  # db.handover.HandoverStore (threads, staff answers), with the log
    staff_answers: StaffAnswerBook = field(default_factory=StaffAnswerBook)
    _taught: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _teaching: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
        with self._teaching:
            for phrase, entry_id in aliases:
                if entry_id in self.knowledge.entries:
                    self.engine.learn_alias(phrase, entry_id)
                    self._taught.add((phrase, entry_id))

    def sync_aliases(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Make the engine know exactly these learned aliases: new ones are taught; if one was
        removed (a /forget, in this process or another), the engine is rebuilt without it.

        The engine offers no way to unlearn, hence the rebuild (a few milliseconds for the real
        knowledge base); it is swapped in whole, so a question never sees half an engine.
        """
        ordered = [(phrase, entry) for phrase, entry in aliases if entry in self.knowledge.entries]
        wanted = set(ordered)
        with self._teaching:
            if self._taught <= wanted:
                for phrase, entry in ordered:
                    if (phrase, entry) not in self._taught:
                        self.engine.learn_alias(phrase, entry)
            else:
                engine = Engine(self.knowledge, frequencies=self.engine.reader.frequencies,
                                general=self.engine.lexicon.general)
                for phrase, entry in ordered:  # in the order staff taught them: the last link wins
                    engine.learn_alias(phrase, entry)
                self.engine = engine
            self._taught = wanted

    def forget(self, user_key: str) -> int:
        """Erase everything stored about one person (raises db.log.LogUnavailable); returns how many
        records went. The one entry point for /forget: stores added later join through
        `db.erasure.eraser` (database tables) or here (anything kept in this process)."""
        if self.question_log is None:
            return 0
        from db.log import LogUnavailable

        count = self.question_log.forget(user_key)
        try:
            self.sync_aliases(self.question_log.current_aliases())
        except LogUnavailable:
            pass  # erased already; the periodic refresh brings the engine in line
        return count

    def reload_knowledge(self) -> ReloadOutcome:
        """Validate the knowledge base on disk and, if valid, swap it in with a new engine (taught
        the learned aliases) built by the same factory as at start-up. If invalid, keep the one in
        use and return every problem (file, line, entry, field)."""
        with self._reload_lock:
            try:
                knowledge, engine = load_engine(self.settings)
            except KnowledgeError as exc:
                logger.warning("knowledge base not reloaded: %d problem(s)", len(exc.problems))
                return ReloadOutcome(problems=tuple(exc.problems))
            aliases = self.question_log.learned_aliases() if self.question_log is not None else []
            taught = set()
            for phrase, entry_id in aliases:
                if entry_id in knowledge.entries:
                    engine.learn_alias(phrase, entry_id)
                    taught.add((phrase, entry_id))
            with self._teaching:
                # One statement: readers get the old pair or the new pair.
                self.knowledge, self.engine = knowledge, engine
                self._taught = taught
            logger.info("knowledge base reloaded: %d entries", len(knowledge))
            return ReloadOutcome(entries=len(knowledge))

    def entry_card(self, entry_id: str, lang: str) -> Reply | None:
        """An entry as the bot shows it (text, Telegram HTML, buttons), or None if there is none."""
        entry = self.knowledge.get(entry_id)
        return None if entry is None else render_card(entry, self.knowledge, lang, self.today())

    def read_question(self, question: str, lang: str | None = None) -> dict[str, Any]:
        """How the engine reads a question, without logging it, for the web console's "try it":
        the `ask --json` object, plus what the engine found (kind of answer, entries listed, what
        the sources lack, and its reading clause by clause). The lead extends this view."""
        from bot.cli import result_json  # the JSON contract lives with the command that prints it

        result = self.answer(question, lang_hint=lang)
        reading = result_json(result, self.reply(result).text)
        missing = next((p.attribute for p in result.parts if isinstance(p, Missing)), None)
        reading.update(kind=result.kind, listed=list(result.listed), missing=missing,
                       reading=[dict(clause) for clause in result.reading])
        return reading

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


@contextmanager
def _loading() -> Iterator[None]:
    """No garbage collection while loading (only new, live objects are made), then the loaded
    objects are moved out of the collector's sight for good (gc.freeze): later collections do not
    walk them again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


# The code that reads and validates the YAML: a change to it rebuilds what is cached.
_SCHEMA_CODE = [Path(knowledge_module.__file__), Path(vocabulary.__file__), Path(text.__file__)]
_SCHEMA_VERSIONS = [pydantic.VERSION, yaml.__version__]


def _knowledge_sources(directory: Path) -> list[Path]:
    """Every file a knowledge base is read from: its YAML files and the general vocabulary."""
    return (sorted(directory.glob("*.y*ml")) if directory.is_dir() else []) + [GENERAL_VOCABULARY]


def cached_general_vocabulary(cache_dir: Path | None) -> GeneralVocabulary:
    """The engine's general vocabulary (bot/vocabulary/general.yaml), validated, from the disk cache."""
    return cache.cached("general-vocabulary", sources=[GENERAL_VOCABULARY], build=load_general_vocabulary,
                        cache_dir=cache_dir, code=_SCHEMA_CODE, versions=_SCHEMA_VERSIONS)


def cached_knowledge(directory: Path, cache_dir: Path | None,
                     general: GeneralVocabulary | None = None) -> KnowledgeBase:
    """The validated knowledge base, from the disk cache while no YAML file (its own, the general
    vocabulary's) nor the schema changed. An invalid knowledge base raises KnowledgeError and is
    never cached.
    """
    directory = Path(directory)
    general = general or cached_general_vocabulary(cache_dir)
    return cache.cached("knowledge", sources=_knowledge_sources(directory), build=lambda: load_knowledge(directory, general),
                        cache_dir=cache_dir, code=_SCHEMA_CODE, versions=_SCHEMA_VERSIONS)


# The code an engine is built by: a change to any module of the engine rebuilds its index. (Its
# BM25 index is built on first use and never stored, so bm25s and PyStemmer are not part of it.)
_ENGINE_CODE = _SCHEMA_CODE + sorted(Path(engine_package.__file__).parent.glob("*.py"))
_ENGINE_VERSIONS = _SCHEMA_VERSIONS + [f"rapidfuzz {rapidfuzz.__version__}"]


def cached_engine(directory: Path, cache_dir: Path | None) -> Engine:
    """The engine (holding its validated knowledge base, `engine.knowledge`) with its indexes, from
    the disk cache while no YAML file (the knowledge base's, the general vocabulary's), no module of
    the engine or the schema, and no library version changed; built (and cached) otherwise. The
    word lists are cached on their own and are not copied into the engine's file. An invalid
    knowledge base raises KnowledgeError and is never cached."""
    directory = Path(directory)
    general = cached_general_vocabulary(cache_dir)
    frequencies = cached_frequencies(cache_dir)

    def build() -> Engine:
        return Engine(cached_knowledge(directory, cache_dir, general), frequencies=frequencies, general=general)

    return cache.cached("engine", sources=_knowledge_sources(directory), build=build, cache_dir=cache_dir, code=_ENGINE_CODE,
                        versions=_ENGINE_VERSIONS, external={"word-frequencies": frequencies})


def cached_frequencies(cache_dir: Path | None) -> frequency.WordFrequencies:
    """The folded wordfreq lists the engine uses, from the disk cache while the lists and the code
    that folds them are unchanged (reading and folding them is most of a cold start)."""
    import wordfreq

    data = Path(wordfreq.__file__).parent / "data"
    sources = sorted(data.glob("*_fr.msgpack.gz")) + sorted(data.glob("*_en.msgpack.gz"))
    tables = cache.cached("word-frequencies", sources=sources, fast=True, cache_dir=cache_dir,
                          build=lambda: frequency.load_frequencies().zipf_by_lang,
                          code=[Path(frequency.__file__), Path(text.__file__)])
    return frequency.WordFrequencies(tables)


def build_services(settings: Settings, *, log_questions: bool = True,
                   today: Callable[[], dt.date] = _today) -> Services:
    """Load and validate the knowledge base (raises KnowledgeError), build the engine, open the log."""
    with _loading():
        knowledge, engine = load_engine(settings)
    services = Services(settings=settings, knowledge=knowledge, engine=engine, today=today)
    if log_questions:
        from db.handover import HandoverStore  # imported here: `ask --no-log` never touches a database
        from db.log import LogUnavailable, open_question_log

        services.question_log = open_question_log(settings)
        services.teach(services.question_log.learned_aliases())
        services.knowledge_version = _current_version(services.question_log)
        if services.question_log.engine.dialect.name == "postgresql":
            from db.conversations import DatabaseConversations  # shared by every bot process

            services.conversations = DatabaseConversations(services.question_log.quick_engine,
                                                           timeout=settings.db_write_timeout,
                                                           health=services.question_log)
        services.handover = HandoverStore(services.question_log, team=knowledge_name(services.knowledge))
        try:
            services.refresh_staff_answers(force=True)
        except LogUnavailable:
            pass  # the bot starts without them; the periodic refresh loads them once the database is back
    return services


def knowledge_name(knowledge: KnowledgeBase) -> str:
    """The assistant's name, as the knowledge base spells it."""
    return knowledge.vocabulary.assistant.name


def _current_version(question_log: Any) -> int:
    """The knowledge version in the database at start: reloads announced before are already on disk."""
    from db.log import LogUnavailable

    try:
        return question_log.knowledge_version()
    except LogUnavailable:
        return 0
