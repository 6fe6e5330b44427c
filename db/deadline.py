"""Run a storage call on a worker thread and wait for it no longer than a deadline.

The visitor's reply must not wait for a database that hangs (a frozen server, a lock held for
ever): the call goes on in the background, and the caller, told DeadlineExceeded, keeps the
record elsewhere. Workers are daemon threads, so a call hung for good never keeps the process
from exiting; a call still queued when its deadline passes is cancelled, never run.
"""
from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    """The call did not finish in time; it may still finish (or fail) later in the background."""


async def within(waiter: asyncio.Future[T], timeout: float) -> T:
    """The waiter's result, or DeadlineExceeded once `timeout` passes (the waiter is cancelled);
    a TimeoutError raised by the awaited work itself goes through unchanged."""
    try:
        return await asyncio.wait_for(waiter, timeout)
    except TimeoutError:
        if not waiter.cancelled():
            raise  # the work itself raised TimeoutError
        raise DeadlineExceeded(f"no answer within {timeout:g} s") from None


class DeadlineRunner:
    """A small pool of daemon threads; `run(call, timeout)` returns its result or raises."""

    def __init__(self, workers: int = 8, *, name: str = "storage"):
        self._queue: queue.SimpleQueue[tuple[Callable[[], object], Future[object]] | None] = queue.SimpleQueue()
        self._workers = workers
        self._name = name
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0  # calls queued or running

    def _start(self) -> None:
        with self._lock:
            while len(self._threads) < self._workers:
                thread = threading.Thread(target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            call, future = item
            try:
                if not future.set_running_or_notify_cancel():
                    continue  # its caller gave up before it started
                try:
                    future.set_result(call())
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    future.set_exception(exc)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _submit(self, call: Callable[[], T]) -> Future[T]:
        if len(self._threads) < self._workers:
            self._start()
        future: Future[object] = Future()
        with self._idle:
            self._pending += 1
        self._queue.put((call, future))
        return future  # type: ignore[return-value]

    async def run_async(self, call: Callable[[], T], timeout: float) -> T:
        """`run` for a coroutine: the event loop goes on meanwhile, and no other thread waits."""
        # cancelling the waiter cancels a call still queued
        return await within(asyncio.wrap_future(self._submit(call)), timeout)

    def run(self, call: Callable[[], T], timeout: float) -> T:
        future = self._submit(call)
        try:
            return future.result(timeout)  # type: ignore[return-value]
        except FutureTimeout:
            if future.done():
                raise  # the call itself raised TimeoutError
            future.cancel()
            raise DeadlineExceeded(f"no answer within {timeout:g} s") from None

    def close(self, wait: float = 0.0) -> None:
        """Wait up to `wait` seconds for calls still under way (late writes finishing, so their
        connections go back to the pool before it is disposed), then let the workers end; a call
        hung for good ends with the process."""
        with self._idle:
            self._idle.wait_for(lambda: self._pending == 0, timeout=wait)
        with self._lock:
            for _ in self._threads:
                self._queue.put(None)
            self._threads = []
