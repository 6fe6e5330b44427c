"""Group manners: in a group the bot only reacts to messages meant for it.

A message is meant for the bot in a private chat, or in a group when it is a command, mentions
the bot's @username, or replies to one of the bot's messages.
"""
from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext.filters import MessageFilter


def _mentions_bot(message: Message) -> bool:
    username = (message.get_bot().username or "").casefold()
    for entity, text in message.parse_entities([MessageEntity.MENTION]).items():
        if text[1:].casefold() == username:
            return True
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == message.get_bot().id:
            return True
    return False


def addressed_to_bot(message: Message) -> bool:
    """Whether the bot should react to this message at all."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    if any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in message.entities):
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == message.get_bot().id:
        return True
    return _mentions_bot(message)


def question_text(message: Message) -> str:
    """The message text without the bot's @mention, ready for the engine."""
    text = message.text or ""
    username = message.get_bot().username
    if username:
        text = re.sub(rf"(?i)@{re.escape(username)}\b[,:]?", " ", text)
    return " ".join(text.split())


class AddressedToBot(MessageFilter):
    """Filter for messages meant for the bot (see module docstring)."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return addressed_to_bot(message)

