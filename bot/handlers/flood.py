"""Per-user flood protection: a burst of messages gets one polite slow-down, not a reply each.

The guard runs before every other handler (group -1). Its check-and-record is synchronous, with
no `await` in between, so it is atomic on the event loop even with concurrent updates on.
"""
from __future__ import annotations

import enum
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.addressing import addressed_to_bot
from bot.handlers.context import BotContext
from bot.handlers.strings import ui

logger = logging.getLogger(__name__)


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # first update over the limit: say "slow down" once
    DROP = "drop"  # further updates of the same burst: ignore


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    warned: bool = False


class FloodGuard:
    """At most `limit` messages and `button_limit` button presses per user in any `seconds`-long
    window (presses come faster than typing: paging through a list); state lives in the instance."""

    def __init__(self, limit: int = 8, seconds: float = 5.0, *, button_limit: int = 15,
                 clock: Callable[[], float] = time.monotonic):
        self.limits = {"message": limit, "button": button_limit}
        self.seconds = seconds
        self._clock = clock
        self._windows: dict[tuple[int, str], _Window] = {}

    def check(self, user_id: int, kind: str = "message") -> Verdict:
        """Record one message (or button press) from the user and say what to do with it."""
        now = self._clock()
        window = self._windows.setdefault((user_id, kind), _Window())
        while window.times and window.times[0] <= now - self.seconds:
            window.times.popleft()
        window.times.append(now)  # refused updates count too: a user who keeps hammering stays paused
        if len(window.times) <= self.limits[kind]:
            window.warned = False
            verdict = Verdict.ALLOW
        elif window.warned:
            verdict = Verdict.DROP
        else:
            window.warned = True
            verdict = Verdict.WARN
        if len(self._windows) > 10_000:
            self._forget_idle(now)
        return verdict

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, w in self._windows.items() if not w.times or w.times[-1] <= now - self.seconds]:
            del self._windows[key]


class Debouncer:
    """Says whether an action is the first of its kind within `seconds`: a double tap on a card
    button (or a button pressed on two stale copies of a keyboard) opens one card, not two."""

    def __init__(self, seconds: float = 3.0, *, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._last: dict[object, float] = {}

    def first(self, key: object) -> bool:
        now = self._clock()
        last = self._last.get(key)
        self._last[key] = now
        if len(self._last) > 10_000:
            self._last = {k: t for k, t in self._last.items() if t > now - self.seconds}
        return last is None or now - last >= self.seconds


async def guard_flood(update: Update, context: BotContext) -> None:
    """Stop a flooding user's update before any handler runs; tell them once per burst."""
    user = update.effective_user
    if user is None or update.inline_query is not None:
        return  # inline queries come with every keystroke; Telegram already debounces them
    message = update.message
    if message is not None and not addressed_to_bot(message):
        return  # group chatter the bot ignores anyway must not count against anyone
    verdict = context.flood.check(user.id, "button" if update.callback_query is not None else "message")
    if verdict is Verdict.ALLOW:
        return
    lang = context.lang(user)
    if update.callback_query is not None:
        # Every callback query is answered, even refused ones, or the user's button spins.
        await update.callback_query.answer(ui("slow_down_short", lang) if verdict is Verdict.WARN else None)
    elif verdict is Verdict.WARN and message is not None:
        await message.reply_text(ui("slow_down", lang))
    logger.info("flood guard: %s an update from a user", verdict.value)
    raise ApplicationHandlerStop
