"""Run the real bot against the local Bot API emulator: shared by the Telegram tests and the benchmark.

`running_bot` does what `Application.run_polling` / `run_webhook` do (initialize, post_init,
start, start the updater), without taking over the event loop or installing signal handlers.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from telegram.ext import Application

from bot.app import Tuning, build_application, webhook_options
from bot.config import Settings
from bot.handlers import ALLOWED_UPDATES
from bot.services import Services
from botapi_emulator import BotApiEmulator

# A day when two events of the knowledge base are past and two are still to come.
TODAY = dt.date(2025, 11, 1)
# Short client timeouts so that a hanging server is detected in a second, quick retries.
TEST_TUNING = Tuning(read_timeout=1.0, connect_timeout=1.0, backoff=0.05)
POLL_TIMEOUT = 1  # seconds of long polling per getUpdates
WEBHOOK_SECRET = "test-secret_0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_settings(emu: BotApiEmulator, data_dir: Path, **overrides: object) -> Settings:
    """Settings as production reads them from the environment, pointed at the emulator."""
    return replace(Settings(telegram_bot_token=emu.token, telegram_api_url=emu.root, data_dir=data_dir,
                            default_lang="fr"), **overrides)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running_bot(emu: BotApiEmulator, services: Services, settings: Settings, *, webhook: bool = False,
                      tuning: Tuning = TEST_TUNING) -> AsyncIterator[Application]:
    """The Application built by `bot.app.build_application`, polling (or on a webhook) until exit.

    The shared services (knowledge, engine, log) are given `settings`, pointed at the emulator.
    """
    application = build_application(dataclasses.replace(services, settings=settings), tuning=tuning)
    await application.initialize()
    try:
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        assert application.updater is not None
        if webhook:
            options = webhook_options(settings)
            await application.updater.start_webhook(**options | {"listen": "127.0.0.1"},
                                                    allowed_updates=ALLOWED_UPDATES)
        else:
            services.conversations.receive_alone()  # as bot.app.run_bot does for long polling
            await application.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            assert application.post_stop is not None
            await application.post_stop(application)
    finally:
        await application.shutdown()


def webhook_settings(emu: BotApiEmulator, data_dir: Path) -> Settings:
    port = free_port()
    return bot_settings(emu, data_dir, webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
                        webhook_secret=WEBHOOK_SECRET, port=port)


def buttons(message: dict) -> list[dict]:
    """The inline buttons of a message the bot sent, row by row, flattened."""
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def button_data(message: dict, label: str) -> str:
    """The callback data of the button whose label contains `label`."""
    found = [b["callback_data"] for b in buttons(message) if label.casefold() in b["text"].casefold()]
    assert found, f"no button {label!r} among {[b['text'] for b in buttons(message)]}"
    return found[0]
