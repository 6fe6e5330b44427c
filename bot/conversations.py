"""What each conversation is about, kept between messages so follow-up questions have a subject.

A conversation holds only the engine's focus (entry ids, what was asked) and the language it is
held in: never the text of a message. It expires after 15 minutes without a message. In one
process the state lives in memory; bot processes sharing a PostgreSQL database share it through
the database (`db.conversations`), under pseudonymous keys.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.engine.result import Focus

TTL_SECONDS = 15 * 60
MAX_CONVERSATIONS = 100_000  # memory bound: the least recently active are dropped first


@dataclass(frozen=True)
class Conversation:
    focus: Focus = field(default_factory=Focus)
    lang: str | None = None  # the language the conversation is held in


class ConversationStore(Protocol):
    """Blocking methods for commands and tests; the `_async` ones are what a handler awaits for
    each message (a database store runs them on its workers without blocking the event loop)."""

    def load(self, key: str) -> Conversation: ...
    async def load_async(self, key: str) -> Conversation: ...
    def save(self, key: str, conversation: Conversation) -> None: ...
    async def save_async(self, key: str, conversation: Conversation) -> None: ...
    async def chosen_lang_async(self, user_key: str) -> str | None: ...
    def receive_alone(self) -> None: ...
    async def drain(self) -> None: ...
    def reset(self, key: str) -> None: ...
    def forget(self, user_key: str) -> None: ...
    def chosen_lang(self, user_key: str) -> str | None: ...
    def choose_lang(self, user_key: str, lang: str) -> None: ...


class MemoryConversations:
    """Conversations of one process, expiring after `ttl` seconds without a message."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic,
                 max_size: int = MAX_CONVERSATIONS) -> None:
        self._ttl, self._clock, self._max = ttl, clock, max_size
        self._items: OrderedDict[str, tuple[float, Conversation]] = OrderedDict()
        self._langs: dict[str, str] = {}
        self._lock = threading.Lock()

    def load(self, key: str) -> Conversation:
        return self.recall(key) or Conversation()

    def recall(self, key: str) -> Conversation | None:
        """The conversation if this store holds a live one for `key`, else None."""
        with self._lock:
            found = self._items.get(key)
            if found is None or self._clock() - found[0] > self._ttl:
                self._items.pop(key, None)
                return None
            return found[1]

    async def load_async(self, key: str) -> Conversation:
        return self.load(key)

    async def save_async(self, key: str, conversation: Conversation) -> None:
        self.save(key, conversation)

    async def chosen_lang_async(self, user_key: str) -> str | None:
        return self.chosen_lang(user_key)

    def receive_alone(self) -> None:
        """Memory is this process's own anyway (see DatabaseConversations.receive_alone)."""

    async def drain(self) -> None:
        """Nothing is ever pending here (see DatabaseConversations.drain)."""

    def save(self, key: str, conversation: Conversation) -> None:
        with self._lock:
            self._items[key] = (self._clock(), conversation)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def reset(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def forget(self, user_key: str) -> None:
        prefix = conversation_key(user_key, "")
        with self._lock:
            for key in [k for k in self._items if k.startswith(prefix)]:
                del self._items[key]
            self._langs.pop(user_key, None)

    def chosen_lang(self, user_key: str) -> str | None:
        return self._langs.get(user_key)

    def choose_lang(self, user_key: str, lang: str) -> None:
        self._langs[user_key] = lang


def conversation_key(user_key: str, chat_key: str) -> str:
    """One conversation per user and chat: in a group, each member has their own."""
    return f"{user_key}/{chat_key}"
