"""Group manners: in a group the bot only reacts to messages meant for it, and a question keeps
no mention of anyone.

A message is meant for the bot in a private chat, or in a group when it is a command, mentions
the bot's @username, or replies to one of the bot's messages.
"""
from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext.filters import MessageFilter

MENTION = "@…"  # what a mention of someone other than the bot becomes in a question
# An @username as Telegram's apps mark it; not the "@" inside an e-mail address.
_USERNAME = re.compile(r"(?<![\w@])@[A-Za-z0-9_]+")


def _mentions_bot(message: Message) -> bool:
    username = (message.get_bot().username or "").casefold()
    mentions = message.parse_entities([MessageEntity.MENTION]) if message.text else \
        message.parse_caption_entities([MessageEntity.MENTION])
    for entity, text in mentions.items():
        if text[1:].casefold() == username:
            return True
    for entity in message.entities or message.caption_entities:
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


def _without_named_mentions(message: Message) -> str:
    """The text with each mention by name (a "text_mention" entity: a person without a username)
    replaced by MENTION, or removed when it names the bot."""
    text = message.text or message.caption or ""  # a photo's caption is read as a question too
    entities = message.entities if message.text else message.caption_entities
    named = sorted((e for e in entities if e.type == MessageEntity.TEXT_MENTION), key=lambda e: e.offset)
    if not named:
        return text
    units = text.encode("utf-16-le")  # entity offsets count UTF-16 code units
    parts: list[str] = []
    done = 0
    for entity in named:
        start, end = 2 * entity.offset, 2 * (entity.offset + entity.length)
        if start < done:
            continue  # overlapping entities: never sent by Telegram
        parts.append(units[done:start].decode("utf-16-le"))
        is_bot = entity.user is not None and entity.user.id == message.get_bot().id
        parts.append(" " if is_bot else MENTION)
        done = end
    parts.append(units[done:].decode("utf-16-le"))
    return "".join(parts)


def question_text(message: Message) -> str:
    """The message text ready for the engine and the question log: the bot's own mention removed,
    anyone else's (@username, or a name linked to an account) replaced by MENTION, so that the log
    never holds who else was named."""
    text = _without_named_mentions(message)
    username = message.get_bot().username
    if username:
        text = re.sub(rf"(?i)@{re.escape(username)}\b[,:]?", " ", text)
    text = _USERNAME.sub(MENTION, text)
    return " ".join(text.split())


class AddressedToBot(MessageFilter):
    """Filter for messages meant for the bot (see module docstring)."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return addressed_to_bot(message)

