"""The typed context every handler receives: shared services and per-user language.

`bot.app.build_application` puts the services and the flood guard into `bot_data` once, at build
time; handlers reach them as `context.services` and `context.flood`, never through globals.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import User
from telegram.ext import CallbackContext, ExtBot

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

    def choose_lang(self, lang: str) -> None:
        """Remember the user's choice (plain dict assignment: atomic under concurrent updates)."""
        if self.user_data is not None:
            self.user_data[CHOSEN_LANG] = lang

    def note_written_lang(self, lang: str) -> None:
        if self.user_data is not None and lang in ("fr", "en"):
            self.user_data[WRITTEN_LANG] = lang
