"""Group commit: one thread writes every record, committing whatever queued up meanwhile at once.

Callers hand a record to `submit` and get a `concurrent.futures.Future` that completes when the
record is durable (the write function returned: committed to the database, or spooled) or fails
with the write's exception. While one batch is being committed the next records queue up, so
under load one commit serves many records and with one visitor a record waits for one commit
only: no timer adds latency.

Records whose caller does not wait (answered-question counts) come from `tick`, called every
`tick_seconds` and at close, on the same thread. The writer knows nothing about databases: the
question log gives it `write(records)` (`QuestionLog._write`), which owns durability.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

logger = logging.getLogger(__name__)

Record = dict[str, Any]
MAX_BATCH = 500  # records per transaction: bounds one commit's duration under a burst
TICK_SECONDS = 2.0


class WriterClosed(RuntimeError):
    """The writer was closed: nothing more can be submitted."""


class _Flush:
    """A marker in the queue: completes once everything submitted before it is written."""

    def __init__(self) -> None:
        self.done: Future[None] = Future()


_STOP = object()


class GroupCommitWriter:
    """One writer thread; `submit` is thread-safe and cheap (a queue put)."""

    def __init__(self, write: Callable[[list[Record]], None], *, tick: Callable[[], list[Record]] | None = None,
                 tick_seconds: float = TICK_SECONDS, max_batch: int = MAX_BATCH,
                 name: str = "question-log-writer"):
        self._write = write
        self._tick = tick
        self._tick_seconds = tick_seconds
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, record: Record) -> Future[None]:
        """Queue `record`; the future completes when it is durable."""
        future: Future[None] = Future()
        with self._lock:  # no record may slip in after close() queued the stop marker
            if self._closed:
                raise WriterClosed("the question log is closed")
            self._queue.put((record, future))
        return future

    def flush(self, timeout: float | None = None) -> None:
        """Block until everything submitted so far (and the current tick) is written."""
        marker = _Flush()
        with self._lock:
            if self._closed:
                return
            self._queue.put(marker)
        marker.done.result(timeout)

    def close(self, timeout: float | None = 60.0) -> None:
        """Write what is queued and the last tick, then stop the thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():  # pragma: no cover - a database hung past every timeout
            logger.error("the question log writer did not finish within %.0fs", timeout or 0)

    # --- the writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        next_tick = time.monotonic() + self._tick_seconds
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=max(0.0, next_tick - time.monotonic()))
            except queue.Empty:
                first = None
            items = [] if first is None else [first]
            while len(items) < self._max_batch:  # group commit: take whatever queued up meanwhile
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in items)
            markers = [item for item in items if isinstance(item, _Flush)]
            pending = [item for item in items if isinstance(item, tuple)]
            ticked: list[Record] = []
            if self._tick is not None and (stopping or markers or time.monotonic() >= next_tick):
                ticked = self._safe_tick()
                next_tick = time.monotonic() + self._tick_seconds
            self._commit(pending, ticked)
            for marker in markers:
                marker.done.set_result(None)

    def _safe_tick(self) -> list[Record]:
        try:
            return self._tick() if self._tick is not None else []
        except Exception:  # pragma: no cover - a bug in the tally must not stop the writer
            logger.exception("question log tick failed")
            return []

    def _commit(self, pending: list[tuple[Record, Future[None]]], ticked: list[Record]) -> None:
        records = [record for record, _future in pending] + ticked
        if not records:
            return
        try:
            self._write(records)
        except Exception as exc:
            if len(records) == 1:
                self._fail(exc, pending, ticked)
                return
            # One bad record must not fail the others: write them one by one.
            logger.warning("a batch of %d records failed; writing them one at a time", len(records))
            for record, future in pending:
                self._one(record, future)
            for record in ticked:
                self._one(record, None)
            return
        for _record, future in pending:
            future.set_result(None)

    def _one(self, record: Record, future: Future[None] | None) -> None:
        try:
            self._write([record])
        except Exception as exc:
            if future is not None:
                future.set_exception(exc)
            else:
                logger.exception("answered counts could not be written (kind %s)", record.get("kind"))
            return
        if future is not None:
            future.set_result(None)

    def _fail(self, exc: Exception, pending: list[tuple[Record, Future[None]]], ticked: list[Record]) -> None:
        for _record, future in pending:
            future.set_exception(exc)
        if ticked:
            logger.error("answered counts could not be written: %s", type(exc).__name__)
