"""A PostgreSQL connection driven by the event loop itself, for the statements of every message.

The conversation state is read and written for each message. Run on a worker thread, each
statement costs two thread hops (and the interpreter lock handed back and forth) on top of its
round trip; psycopg's asyncio connection waits for the server on the event loop instead: one
round trip and no thread (about half the CPU, measured). Autocommit, so a statement is its own
transaction (no BEGIN nor COMMIT), and psycopg has the server prepare a statement used often.

A deadline bounds each statement. One that misses it is left to finish on its own rather than
cancelled (psycopg would then wait for the frozen server to acknowledge the cancel, up to
seconds); the caller is told DeadlineExceeded at once. A broken connection is dropped and the
next statement opens a new one. `close()` may be called from any thread, with or without the loop.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine

from db.deadline import DeadlineExceeded

T = TypeVar("T")


class LoopConnection:
    """One autocommit `psycopg.AsyncConnection` for the running event loop, opened on first use."""

    def __init__(self, connect_kwargs: Mapping[str, Any], timeout: float) -> None:
        self._kwargs = dict(connect_kwargs)
        self._timeout = timeout
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Task[psycopg.AsyncConnection[Any]] | None = None

    @classmethod
    def for_engine(cls, engine: Engine, timeout: float, connect_args: Mapping[str, Any]) -> LoopConnection:
        """The same server, database and credentials as a SQLAlchemy engine (postgresql+psycopg)."""
        _args, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs.pop("context", None)  # SQLAlchemy's adapters: psycopg's own suit plain statements
        return cls({**kwargs, **connect_args}, timeout)

    async def fetchone(self, sql: str, params: Mapping[str, Any], *, deadline: bool = True) -> tuple[Any, ...] | None:
        async def fetch(connection: psycopg.AsyncConnection[Any]) -> tuple[Any, ...] | None:
            cursor = await connection.execute(sql, params)
            return await cursor.fetchone()
        return await self._call(fetch, deadline)

    async def fetchall(self, sql: str, params: Mapping[str, Any], *, deadline: bool = True) -> list[tuple[Any, ...]]:
        async def fetch(connection: psycopg.AsyncConnection[Any]) -> list[tuple[Any, ...]]:
            cursor = await connection.execute(sql, params)
            return await cursor.fetchall()
        return await self._call(fetch, deadline)

    async def execute(self, sql: str, params: Mapping[str, Any], *, deadline: bool = True) -> None:
        async def run(connection: psycopg.AsyncConnection[Any]) -> None:
            await connection.execute(sql, params)
        await self._call(run, deadline)

    async def _call(self, statement: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]], deadline: bool) -> T:
        """With `deadline`, wait at most the timeout; without, the caller bounds its own wait
        (`db.coalescer`: each waiting request has its deadline, the batch goes on alone)."""
        if not deadline:
            return await self._run(statement)
        task = asyncio.ensure_future(self._run(statement))
        done, _ = await asyncio.wait({task}, timeout=self._timeout)
        if not done:
            task.add_done_callback(_retrieve)  # finishes (or fails) later, unobserved
            raise DeadlineExceeded(f"no answer within {self._timeout:g} s")
        return task.result()

    async def _run(self, statement: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
        connection = await self._connected()
        try:
            return await statement(connection)
        except psycopg.OperationalError:
            if connection.broken or connection.closed:
                self._drop(connection)
            raise

    async def _connected(self) -> psycopg.AsyncConnection[Any]:
        loop = asyncio.get_running_loop()
        connection = self._connection
        if connection is not None and (self._loop is not loop or connection.closed):
            self._drop(connection)  # made on another loop (a test's), or broken
            connection = None
        if connection is None:
            if self._opening is None or self._opening.get_loop() is not loop:
                self._opening = asyncio.ensure_future(psycopg.AsyncConnection.connect(autocommit=True, **self._kwargs))
                self._opening.add_done_callback(_retrieve)  # a failure is seen by whoever waits, or nobody
            opening = self._opening
            try:
                connection = await asyncio.shield(opening)  # every statement waiting shares one connect
            finally:
                if self._opening is opening and opening.done():
                    self._opening = None
            if self._connection is None:
                self._connection, self._loop = connection, loop
            elif self._connection is not connection:
                _finish(connection)  # pragma: no cover - another task's connection won the race
                connection = self._connection
        return connection

    def _drop(self, connection: psycopg.AsyncConnection[Any]) -> None:
        if self._connection is connection:
            self._connection = None
        _finish(connection)

    def close(self) -> None:
        """Close the connection (idle, or stuck on a frozen server); a later statement reopens one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            _finish(connection)
        opening, self._opening = self._opening, None
        if opening is not None and opening.done() and not opening.cancelled() and opening.exception() is None:
            _finish(opening.result())  # opened after every waiter had given up


def _finish(connection: psycopg.AsyncConnection[Any]) -> None:
    """Close at the libpq level: works from any thread and after the loop that opened it is gone."""
    if not connection.closed:
        connection.pgconn.finish()


def _retrieve(task: asyncio.Future[Any]) -> None:
    with contextlib.suppress(BaseException):
        task.exception()
