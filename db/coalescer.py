"""Group commit on the event loop: requests made while a statement is under way go in the next one.

With one visitor a request is sent at once, alone; with fifty, the conversation states of every
message that arrived during one round trip are read (or written) by a single statement, so the
bot and the database do one statement's work for many messages. Each caller waits at most its
own deadline, and leaves the batch to finish on its own if the database is late (the requests
queued behind it are sent after it; a batch whose callers all gave up is not sent).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from db.deadline import within

Request = TypeVar("Request")
Response = TypeVar("Response")


class Coalescer(Generic[Request, Response]):
    """`await submit(request, timeout)`; `send(requests)` returns one response per request, in order."""

    def __init__(self, send: Callable[[Sequence[Request]], Awaitable[Sequence[Response]]]) -> None:
        self._send = send
        self._waiting: list[tuple[Request, asyncio.Future[Response]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def submit(self, request: Request, timeout: float) -> Response:
        loop = asyncio.get_running_loop()
        if self._sender is not None and self._sender.get_loop() is not loop:
            self._waiting, self._sender = [], None  # left by another event loop (a test's)
        answer: asyncio.Future[Response] = loop.create_future()
        self._waiting.append((request, answer))
        if self._sender is None or self._sender.done():
            self._sender = loop.create_task(self._send_all())
        return await within(answer, timeout)

    async def _send_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            live = [(request, answer) for request, answer in batch if not answer.done()]
            if not live:
                continue
            try:
                responses = await self._send([request for request, _ in live])
            except Exception as exc:  # noqa: BLE001 - handed to every caller of the batch
                for _, answer in live:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), response in zip(live, responses, strict=True):
                if not answer.done():
                    answer.set_result(response)
