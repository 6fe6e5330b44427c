"""Questions for review committed on the event loop itself, while that is cheap (SQLite).

A question for review must be durable before its reply says it was passed on to the team. Handed
to the writer thread it also pays two thread hand-offs and the interpreter lock passed back and
forth between the thread and the event loop, which on a busy bot cost more than the commit
itself (measured in benchmarks/bench_bot.py). A SQLite commit of a few records takes a fraction of
a millisecond, so the loop does it: the questions that arrive during one turn of the loop share
one transaction (group commit, with no timer), then their replies go.

Only while it stays cheap: the caller's connection never waits for a lock (another process
writing: `write` says False and the caller hands the record to the writer thread, which waits),
and two commits in a row slower than `SLOW_COMMIT_S` (a slow or busy disk; a process's first
commit is slow anyway, it loads the review groups) send every question to the writer thread for
`PAUSE_S`. Whatever fails here goes to the writer thread too, which owns the
spool and the outage handling.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable

from db.spool import Record

logger = logging.getLogger(__name__)

SLOW_COMMIT_S = 0.02  # twice in a row, a commit this slow holds the loop too long: the thread writes
PAUSE_S = 60.0


class LoopWriter:
    """`await write(record)`: True once committed, False if the caller must use the writer thread."""

    def __init__(self, write: Callable[[list[Record]], None], *, clock: Callable[[], float] = time.monotonic):
        self._write = write
        self._clock = clock
        self._paused_until = 0.0
        self._slow = False  # the last commit was slow
        self._batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[tuple[Record, asyncio.Future[bool]]]] = (
            weakref.WeakKeyDictionary())

    def usable(self) -> bool:
        return self._clock() >= self._paused_until

    async def write(self, record: Record) -> bool:
        loop = asyncio.get_running_loop()
        batch = self._batches.setdefault(loop, [])
        written: asyncio.Future[bool] = loop.create_future()
        batch.append((record, written))
        if len(batch) == 1:  # the first of this turn: the batch is written once the turn is over
            loop.call_soon(self._commit, loop)
        return await written

    def _commit(self, loop: asyncio.AbstractEventLoop) -> None:
        batch = self._batches.pop(loop, [])
        started = self._clock()
        try:
            self._write([record for record, _ in batch])
        except Exception as exc:  # noqa: BLE001 - locked, damaged, full: the writer thread deals with it
            logger.debug("question batch left to the writer thread (%s)", type(exc).__name__)
            ok = False
        else:
            ok = True
            slow = self._clock() - started > SLOW_COMMIT_S
            if slow and self._slow:
                self._paused_until = self._clock() + PAUSE_S
            self._slow = slow
        for _, written in batch:
            if not written.done():
                written.set_result(ok)
