"""Conversation state in the database, for several bot processes (webhook workers) on PostgreSQL.

One indexed read and one upsert per message, each a single statement built once. On PostgreSQL
the handler's calls go through a connection of the event loop itself (`db.loop_connection`:
autocommit, server-prepared, one round trip and no thread), and the reads (the upserts) of
messages that arrive while one is under way are sent together as one statement
(`db.coalescer`); the blocking methods (commands, tests) and SQLite run the same statements
through SQLAlchemy on a worker thread. The upsert is
committed before the reply is sent, so a follow-up answered by another process sees its
context. A long-polling bot is the only process receiving updates (`receive_alone`): it keeps
conversations in memory, reads the database only for one it has not seen since it started, and
writes states behind the replies: within a second, the latest state of each conversation, in one
statement. Any database error, or no answer within the timeout (the bot's DB_WRITE_TIMEOUT), falls
back to the process's own memory for that message (logged once per outage): a conversation may
lose its context, a visitor never loses or waits for a reply.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.conversations import TTL_SECONDS, Conversation, MemoryConversations
from bot.engine.result import Focus
from db import database
from db.coalescer import Coalescer
from db.deadline import DeadlineExceeded, DeadlineRunner, within
from db.loop_connection import LoopConnection
from db.models import ConversationState, LanguageChoice

logger = logging.getLogger(__name__)

T = TypeVar("T")
_FAILURES = (SQLAlchemyError, DeadlineExceeded)
_LOOP_FAILURES = (psycopg.Error, OSError, DeadlineExceeded)
_FAILED: Any = object()  # what a call that failed returns: the caller uses memory instead
BEHIND_SECONDS = 1.0  # alone, states are written at most this long after the reply


# PostgreSQL, for the event loop's connection: one statement for a batch of conversations
# (arrays, so the server prepares each once whatever the size of the batch); a batch of one, the
# usual case with few visitors, uses the plain statements, cheaper to send.
_TABLE = ConversationState.__tablename__
_READ_STATES = f"SELECT key, focus, lang, updated_at FROM {_TABLE} WHERE key = ANY(%(keys)s::varchar[])"
_UPSERT_STATES = (
    f"INSERT INTO {_TABLE} (key, focus, lang, updated_at) "
    "SELECT * FROM unnest(%(keys)s::varchar[], %(focus)s::text[]::json[], %(lang)s::varchar[], "
    "%(updated_at)s::timestamp[]) "
    "ON CONFLICT (key) DO UPDATE SET focus = excluded.focus, lang = excluded.lang, updated_at = excluded.updated_at")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DatabaseConversations:
    def __init__(self, engine: Engine, *, ttl: float = TTL_SECONDS, now: Callable[[], dt.datetime] = _now,
                 timeout: float = 2.0, health: Any = None, behind_seconds: float = BEHIND_SECONDS) -> None:
        self._engine, self._ttl, self._now = engine, dt.timedelta(seconds=ttl), now
        self._fallback = MemoryConversations(ttl)  # on a database error; alone, the authoritative copy
        self._failing = False
        self._alone = False  # see receive_alone()
        self._behind_delay = behind_seconds
        self._behind: dict[str, dict[str, Any]] = {}  # alone: the latest state per key, not yet written
        self._behind_task: asyncio.Task[None] | None = None
        self._behind_now = asyncio.Event()
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # Built once: their compiled form is cached by the engine, nothing is rebuilt per message.
        self._read_state = (select(ConversationState.focus, ConversationState.lang, ConversationState.updated_at)
                            .where(ConversationState.key == bindparam("key")))
        upsert = insert(ConversationState).values(key=bindparam("key"), focus=bindparam("focus"),
                                                  lang=bindparam("lang"), updated_at=bindparam("updated_at"))
        self._upsert_state = upsert.on_conflict_do_update(index_elements=["key"], set_={
            "focus": upsert.excluded.focus, "lang": upsert.excluded.lang, "updated_at": upsert.excluded.updated_at})
        self._read_lang = select(LanguageChoice.lang).where(LanguageChoice.user_key == bindparam("user_key"))
        choose = insert(LanguageChoice).values(user_key=bindparam("user_key"), lang=bindparam("lang"))
        self._upsert_lang = choose.on_conflict_do_update(index_elements=["user_key"], set_={"lang": choose.excluded.lang})
        # A hung server must not hold a reply: each call waits at most `timeout` (then memory).
        self._runner = DeadlineRunner(workers=4, name="conversations")
        self._timeout = timeout
        self._health = health  # the question log on the same database: one view of its health
        self._loop_connection: LoopConnection | None = None
        if engine.dialect.name == "postgresql":
            wait = health.write_timeout if health is not None else timeout
            self._loop_connection = LoopConnection.for_engine(engine, wait, database.POSTGRES_CONNECT_ARGS)
            # SQLAlchemy's statements compiled once for psycopg (%(name)s parameters)
            self._sql = {name: str(statement.compile(dialect=engine.dialect)) for name, statement in (
                ("read_state", self._read_state), ("upsert_state", self._upsert_state), ("read_lang", self._read_lang))}
            self._reads: Coalescer[str, Any] = Coalescer(self._read_states)
            self._writes: Coalescer[dict[str, Any], None] = Coalescer(self._upsert_states)
            if health is not None:
                health.close_with(self.close)

    def receive_alone(self) -> None:
        """This process is the only one receiving the bot's updates (long polling: Telegram serves
        one poller at a time), so no other process changes its conversations meanwhile: memory
        holds them, the database is read only for one this process has not seen (after a
        restart, or one that expired), and each state is written behind the reply instead of
        before it. With webhooks several workers may share the updates: each message then reads
        and writes the database, as by default."""
        self._alone = True

    async def drain(self) -> None:
        """Write now (within the deadline) the states kept behind replies: before stopping, so
        that the next process finds every conversation."""
        while self._behind_task is not None and not self._behind_task.done():
            self._behind_now.set()
            await asyncio.gather(self._behind_task, return_exceptions=True)
        if self._behind:  # left by a task of another event loop (a test's)
            await self._write_behind()

    def close(self) -> None:
        """Close the event loop's connection, if one was opened (with `health`, the question log
        calls this when it closes)."""
        if self._loop_connection is not None:
            self._loop_connection.close()

    # --- running a statement with a deadline, from a thread or from the event loop -----------------

    def _query(self, statement: Any, params: dict[str, Any]) -> Callable[[], Any]:
        def read() -> Any:
            with self._engine.connect() as connection:
                return connection.execute(statement, params).first()
        return read

    def _command(self, statement: Any, params: dict[str, Any] | list[dict[str, Any]] | None = None) -> Callable[[], None]:
        def write() -> None:
            with self._engine.begin() as connection:  # on PostgreSQL autocommit: no BEGIN nor COMMIT sent
                connection.execute(statement, params)
        return write

    def _skip(self) -> bool:
        if self._health is not None and self._health.database_suspect():
            self._failed(DeadlineExceeded("the database failed a moment ago"))
            return True
        return False

    def _outcome(self, exc: Exception | None) -> None:
        if exc is None:
            self._recovered()
            return
        if isinstance(exc, DeadlineExceeded) and self._health is not None:
            self._health.database_failed(str(exc))
        self._failed(exc)

    def _attempt(self, call: Callable[[], T]) -> T:
        """`call()` on a worker within the deadline; `_FAILED` if it failed or was late."""
        if self._skip():
            return _FAILED
        try:
            if self._health is not None:
                value = self._health.run_with_deadline(call)
            else:
                value = self._runner.run(call, self._timeout)
        except _FAILURES as exc:
            self._outcome(exc)
            return _FAILED
        self._outcome(None)
        return value

    async def _attempt_async(self, on_loop: Callable[[float], Awaitable[T]], call: Callable[[], T]) -> T:
        """`_attempt` for the event loop: on PostgreSQL `on_loop(deadline)` on the loop's
        connection, else `call` on a worker (one hop, no thread waits for it)."""
        if self._skip():
            return _FAILED
        try:
            if self._loop_connection is not None:
                value = await on_loop(self._health.write_timeout if self._health is not None else self._timeout)
            elif self._health is not None:
                value = await self._health.run_with_deadline_async(call)
            else:
                value = await self._runner.run_async(call, self._timeout)
        except (*_FAILURES, *_LOOP_FAILURES) as exc:
            self._outcome(exc)
            return _FAILED
        self._outcome(None)
        return value

    async def _read_states(self, keys: Sequence[str]) -> list[Any]:
        assert self._loop_connection is not None
        if len(keys) == 1:
            return [await self._loop_connection.fetchone(self._sql["read_state"], {"key": keys[0]}, deadline=False)]
        rows = await self._loop_connection.fetchall(_READ_STATES, {"keys": sorted(set(keys))}, deadline=False)
        found = {key: (focus, lang, updated) for key, focus, lang, updated in rows}
        return [found.get(key) for key in keys]

    async def _upsert_states(self, states: Sequence[dict[str, Any]]) -> list[None]:
        assert self._loop_connection is not None
        if len(states) == 1:
            state = states[0]
            await self._loop_connection.execute(self._sql["upsert_state"], {**state, "focus": json.dumps(state["focus"])},
                                                deadline=False)
            return [None]
        latest = {state["key"]: state for state in states}  # a row is upserted once per statement
        rows = [latest[key] for key in sorted(latest)]  # the same order in every process: no deadlock
        await self._loop_connection.execute(_UPSERT_STATES, {
            "keys": [row["key"] for row in rows], "focus": [json.dumps(row["focus"]) for row in rows],
            "lang": [row["lang"] for row in rows], "updated_at": [row["updated_at"] for row in rows]}, deadline=False)
        return [None] * len(states)

    def _failed(self, exc: Exception) -> None:
        if not self._failing:
            logger.warning("conversation state unavailable (%s): kept in memory until the database is back",
                           type(exc).__name__)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            logger.info("conversation state back in the database")
        self._failing = False

    # --- the conversation of one message -----------------------------------------------------------

    def load(self, key: str) -> Conversation:
        known = self._fallback.recall(key) if self._alone else None
        if known is not None:
            return known
        return self._loaded(key, self._attempt(self._query(self._read_state, {"key": key})))

    async def load_async(self, key: str) -> Conversation:
        known = self._fallback.recall(key) if self._alone else None
        if known is not None:
            return known
        return self._loaded(key, await self._attempt_async(lambda deadline: self._reads.submit(key, deadline),
                                                           self._query(self._read_state, {"key": key})))

    def _loaded(self, key: str, row: Any) -> Conversation:
        if row is _FAILED:
            return self._fallback.load(key)
        if row is None:
            return Conversation()
        focus, lang, updated = row
        updated = updated if updated.tzinfo else updated.replace(tzinfo=dt.UTC)
        if self._now() - updated > self._ttl:
            return Conversation(lang=lang)
        return Conversation(Focus.from_json(focus), lang)

    def _state(self, key: str, conversation: Conversation) -> dict[str, Any]:
        return {"key": key, "focus": conversation.focus.to_json(), "lang": conversation.lang,
                "updated_at": self._now().replace(tzinfo=None)}

    def save(self, key: str, conversation: Conversation) -> None:
        failed = self._attempt(self._command(self._upsert_state, self._state(key, conversation))) is _FAILED
        if failed or self._alone:  # alone, memory is the copy this process reads
            self._fallback.save(key, conversation)

    async def save_async(self, key: str, conversation: Conversation) -> None:
        """Returns once the state is committed (or kept in memory): then the reply may go. Alone,
        at once: memory has it, the database gets it behind the reply."""
        state = self._state(key, conversation)
        if self._alone:
            self._fallback.save(key, conversation)
            self._behind[key] = state  # a later message of the same conversation replaces it
            if self._behind_task is None or self._behind_task.done():
                self._behind_now.clear()
                self._behind_task = asyncio.get_running_loop().create_task(self._write_behind_soon())
            return
        if await self._attempt_async(lambda deadline: self._writes.submit(state, deadline),
                                     self._command(self._upsert_state, state)) is _FAILED:
            self._fallback.save(key, conversation)

    async def _write_behind_soon(self) -> None:
        """Within `behind_seconds` (at once when drained), the states saved meanwhile in one
        statement: a visitor typing ten messages costs the database one write, not ten."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._behind_now.wait(), self._behind_delay)
        await self._write_behind()

    async def _write_behind(self) -> None:
        states, self._behind = list(self._behind.values()), {}
        if not states:
            return
        await self._attempt_async(  # failed: memory has them
            lambda deadline: within(asyncio.ensure_future(self._upsert_states(states)), deadline),
            self._command(self._upsert_state, states))  # (a list: executemany)

    def reset(self, key: str) -> None:
        self._fallback.reset(key)
        self._attempt(self._command(delete(ConversationState).where(ConversationState.key == key)))

    def forget(self, user_key: str) -> None:
        """This process's copy only: the rows go with the user's questions, in one transaction,
        when `QuestionLog.forget` runs (`db.erasure`)."""
        self._fallback.forget(user_key)

    # --- the language a user chose with /lang ------------------------------------------------------

    def chosen_lang(self, user_key: str) -> str | None:
        return self._chosen(user_key, self._attempt(self._query(self._read_lang, {"user_key": user_key})))

    async def chosen_lang_async(self, user_key: str) -> str | None:
        params = {"user_key": user_key}

        async def on_loop(_deadline: float) -> Any:
            assert self._loop_connection is not None
            return await self._loop_connection.fetchone(self._sql["read_lang"], params)
        return self._chosen(user_key, await self._attempt_async(on_loop, self._query(self._read_lang, params)))

    def _chosen(self, user_key: str, row: Any) -> str | None:
        if row is _FAILED:
            return self._fallback.chosen_lang(user_key)
        return None if row is None else row[0]

    def choose_lang(self, user_key: str, lang: str) -> None:
        self._fallback.choose_lang(user_key, lang)
        self._attempt(self._command(self._upsert_lang, {"user_key": user_key, "lang": lang}))
