"""The error handler: log first, keep the bot alive, stay quiet about users who blocked it."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.handlers.context import BotContext
from bot.handlers.strings import ui

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: BotContext) -> None:
    """Log the error; apologise to the user when a reply is still possible and useful."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The user blocked the bot, or it was removed from the group: nothing to tell anyone.
        logger.info("update %s: not allowed to write to the chat (%s)", update_id, error)
        return
    logger.error("update %s: error while handling it", update_id, exc_info=error)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return  # Telegram unreachable even after retries: an apology would fail the same way
    if not isinstance(update, Update) or update.effective_chat is None or update.inline_query is not None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except BadRequest:
            pass  # it was answered before the error
    try:
        await context.bot.send_message(update.effective_chat.id, ui("error", context.lang(update.effective_user)))
    except TelegramError as exc:
        logger.warning("update %s: could not send the apology either (%s)", update_id, exc)
