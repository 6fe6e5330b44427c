"""python-telegram-bot's webhook endpoint, made strict: a body that is not JSON (or not an update)
gets 400 Bad Request instead of 500, and no raw update is ever written to a log.

python-telegram-bot 22 answers malformed JSON with a 500 (json.loads raises unhandled), which
Telegram would retry forever, and logs an update it cannot read in full at CRITICAL level, with
the visitor's text and ids. Its webhook server looks the handler class up by name when it builds
its tornado application, so `install()` swaps in this subclass; the secret-token and content-type
checks stay python-telegram-bot's own (`_validate_post`). A test posts malformed JSON.
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus

import tornado.web
from telegram import Update
from telegram.ext import ExtBot
from telegram.ext._utils import webhookhandler

logger = logging.getLogger(__name__)


class StrictTelegramHandler(webhookhandler.TelegramHandler):
    async def post(self) -> None:
        self._validate_post()  # content type and secret token: 403 otherwise
        try:
            data = json.loads(self.request.body.decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            logger.warning("webhook: a request with the right secret but malformed JSON was refused (400)")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Malformed JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            logger.warning("webhook: a request that is not an update was refused (400)")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not an update")
        try:
            update = Update.de_json(data, self.bot)
        except Exception:  # anything python-telegram-bot cannot read: refuse it, log no content
            logger.warning("webhook: update %s could not be read and was refused (400)", data["update_id"])
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Update could not be processed") from None
        self.set_status(HTTPStatus.OK)
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        await self.update_queue.put(update)


def install() -> None:
    """Make python-telegram-bot's webhook server use StrictTelegramHandler (idempotent)."""
    webhookhandler.TelegramHandler = StrictTelegramHandler  # type: ignore[misc]
