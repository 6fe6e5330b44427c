""""typing…" under a reply that is slow to come, never under one that is already there.

Telegram clears the status as soon as the bot's message arrives, and recommends the action only
"when a response from the bot will take a noticeable amount of time to arrive": sent for every
message it would cost a second Bot API call per reply (a fifth of the bot's CPU, measured in
benchmarks/bench_bot.py) for a status nobody sees. So it is sent only once a reply has taken
`after` seconds (a database answering slowly, a burst of visitors), and a reply waits for that
call to finish, so that "typing…" can never arrive after it.
"""
from __future__ import annotations

import asyncio
import contextlib

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

TYPING_AFTER_S = 1.0  # a second: the point where a wait stops feeling immediate


class SlowReply:
    """Started when the reply is being prepared; `await ready()` just before sending it."""

    def __init__(self, bot: Bot, chat_id: int, after: float = TYPING_AFTER_S) -> None:
        self._bot, self._chat_id = bot, chat_id
        self._sending: asyncio.Task[None] | None = None
        # A timer, not a task: nothing is scheduled per message beyond one cancelled handle.
        self._timer = asyncio.get_running_loop().call_later(after, self._start)

    def _start(self) -> None:
        self._sending = asyncio.ensure_future(self._send())

    async def _send(self) -> None:
        with contextlib.suppress(TelegramError):
            await self._bot.send_chat_action(self._chat_id, ChatAction.TYPING)

    async def ready(self) -> None:
        """The reply is about to go: no "typing…" from now on; one already under way is finished
        first. Idempotent."""
        self._timer.cancel()
        if self._sending is not None:
            await self._sending
