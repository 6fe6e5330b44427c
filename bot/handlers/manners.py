"""Checks that run before any handler: an update delivered twice is handled once, and in groups a
button answers only the person it was shown to."""
from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.handlers.context import SEEN_UPDATES, BotContext
from bot.handlers.strings import ui

logger = logging.getLogger(__name__)


class SeenUpdates:
    """The last `size` update ids: Telegram may deliver an update again (a webhook request it
    thinks failed, a replayed request), and a question must not be answered twice."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


async def drop_replayed(update: Update, context: BotContext) -> None:
    """Stop an update whose id was already handled (check-and-record with no await: atomic)."""
    seen: SeenUpdates = context.bot_data[SEEN_UPDATES]
    if not seen.first_time(update.update_id):
        logger.info("update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop


async def guard_button_owner(update: Update, context: BotContext) -> None:
    """In a group, a button under a reply to someone's message is theirs: anyone else gets a
    short toast and nothing else (no rewritten welcome, no vote counted for them)."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message) or query.message.chat.type == ChatType.PRIVATE:
        return
    if query.message.chat.id == context.services.settings.staff_chat_id:
        return  # the team's buttons are for any staff member (bot.handlers.staff.staff_only checks who)
    asked = query.message.reply_to_message
    if asked is not None and asked.forum_topic_created is not None:
        asked = None  # in a forum topic every message "replies" to the topic's first message
    owner = asked.from_user if asked is not None else None
    if owner is None or owner.is_bot or owner.id == query.from_user.id:
        return
    await query.answer(ui("not_your_button", context.lang(query.from_user)))
    raise ApplicationHandlerStop
