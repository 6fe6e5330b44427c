"""The typed context every handler receives: shared services and per-user language.

`bot.app.build_application` puts the services and the flood guard into `bot_data` once, at build
time; handlers reach them as `context.services` and `context.flood`, never through globals.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import User
from telegram.ext import CallbackContext, ExtBot

from bot.conversations import Conversation, MemoryConversations
from bot.handlers.busy import TYPING_AFTER_S, SlowReply

T = TypeVar("T")

if TYPE_CHECKING:
    from bot.handlers.flood import Debouncer, FloodGuard
    from bot.services import Services

SERVICES = "services"
FLOOD = "flood"
RELAY_FLOOD = "relay_flood"  # relayed handover messages, per thread
DEBOUNCE = "debounce"
SEEN_UPDATES = "seen_updates"
CHOSEN_LANG = "lang"  # set by /lang: the user's explicit choice
WRITTEN_LANG = "written_lang"  # the language of the user's last question
TYPING_AFTER = "typing_after"  # seconds a reply may take before Telegram shows "typing…"


class BotContext(CallbackContext[ExtBot[Any], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """CallbackContext with the application's services and the user's language."""

    @property
    def services(self) -> Services:
        return self.bot_data[SERVICES]

    @property
    def flood(self) -> FloodGuard:
        return self.bot_data[FLOOD]

    @property
    def relay_flood(self) -> FloodGuard:
        return self.bot_data[RELAY_FLOOD]

    @property
    def debounce(self) -> Debouncer:
        return self.bot_data[DEBOUNCE]

    def slow_reply(self, chat_id: int) -> SlowReply:
        """"typing…" in this chat if the reply being prepared takes long (`bot.handlers.busy`)."""
        return SlowReply(self.bot, chat_id, self.bot_data.get(TYPING_AFTER, TYPING_AFTER_S))

    def lang(self, user: User | None) -> str:
        """The user's language: their /lang choice, else the language they write in, else
        Telegram's language_code (French for fr-*, English for any other code), else the default."""
        data = self.user_data if user is not None else None
        if data:
            for key in (CHOSEN_LANG, WRITTEN_LANG):
                if data.get(key) in ("fr", "en"):
                    return data[key]
        code = (user.language_code or "").lower() if user else ""
        if code:
            return "fr" if code.startswith("fr") else "en"
        return self.services.settings.default_lang

    async def chosen_lang(self, user: User | None) -> str | None:
        """The user's /lang choice, if any: cached in this process, kept in the conversation store."""
        if user is None or self.user_data is None:
            return None
        if CHOSEN_LANG not in self.user_data:  # first message since this process started
            stored = await self.services.conversations.chosen_lang_async(self.services.user_key(user.id))
            self.user_data[CHOSEN_LANG] = stored
        return self.user_data[CHOSEN_LANG]

    async def choose_lang(self, user: User | None, lang: str) -> None:
        """Remember the user's choice: in this process, and in the conversation store."""
        if self.user_data is not None:
            self.user_data[CHOSEN_LANG] = lang  # plain dict assignment: atomic under concurrent updates
        if user is not None:
            await self._store_call(self.services.conversations.choose_lang, self.services.user_key(user.id), lang)

    async def conversation(self, key: str | None) -> Conversation:
        """What this chat with this user is about (empty when expired or unknown)."""
        if key is None:
            return Conversation()
        return await self.services.conversations.load_async(key)

    async def keep_conversation(self, key: str | None, conversation: Conversation) -> None:
        """Returns once the conversation is stored: a reply sent after it, and so the visitor's
        next message, finds it in every bot process."""
        if key is not None:
            await self.services.conversations.save_async(key, conversation)

    async def reset_conversation(self, user: User | None, chat_id: int) -> None:
        """/start: the conversation's context is dropped (the language choice stays)."""
        if user is not None:
            await self._store_call(self.services.conversations.reset,
                                   self.services.conversation_key(user.id, chat_id))

    async def forget_conversations(self, user: User) -> None:
        """/forget: every conversation of this user, in every chat, and their language choice."""
        await self._store_call(self.services.conversations.forget, self.services.user_key(user.id))
        if self.user_data is not None:
            self.user_data.pop(CHOSEN_LANG, None)
            self.user_data.pop(WRITTEN_LANG, None)

    async def _store_call(self, method: Callable[..., T], *args: Any) -> T:
        """A memory store answers at once; a database store is called off the event loop."""
        if isinstance(self.services.conversations, MemoryConversations):
            return method(*args)
        return await asyncio.to_thread(method, *args)

    def note_written_lang(self, lang: str) -> None:
        if self.user_data is not None and lang in ("fr", "en"):
            self.user_data[WRITTEN_LANG] = lang
