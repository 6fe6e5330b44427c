"""Sending HTML replies: split over Telegram's 4,096-character limit at clean boundaries.

A long reply is cut at a paragraph break if it can be, else at a line break, else between words,
never inside a tag or an entity; tags open at a cut are closed at the end of one part and reopened
at the start of the next, so every part is valid Telegram HTML on its own.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_HEADROOM = 200  # for the closing and reopening tags added at a cut


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); HTML counted whole, which is conservative."""
    return len(text.encode("utf-16-le")) // 2


def _index_within(text: str, budget: int) -> int:
    """The largest index i with telegram_length(text[:i]) <= budget."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return i
    return len(text)


def _inside_markup(text: str, position: int) -> bool:
    """Whether cutting at `position` would split a tag or an entity such as &amp;."""
    before = text[:position]
    if before.rfind("<") > before.rfind(">"):
        return True
    amp = before.rfind("&")
    return amp >= 0 and not re.search(r"[;\s<>]", before[amp:])


def _cut_point(text: str, budget: int) -> int:
    limit = _index_within(text, budget)
    floor = limit // 3  # never leave a part much shorter than it needs to be
    for separator in ("\n\n", "\n", " "):
        position = text.rfind(separator, 0, limit)
        while position > floor and _inside_markup(text, position):
            position = text.rfind(separator, 0, position)
        if position > floor:
            return position
    position = limit
    while position > 0 and _inside_markup(text, position):
        position -= 1
    return position or limit


def _open_tags(html: str) -> list[tuple[str, str]]:
    stack: list[tuple[str, str]] = []
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append((name, match.group(0)))
        elif stack and stack[-1][0] == name:
            stack.pop()
    return stack


def split_html(html: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Parts of at most `limit` characters, each valid HTML on its own."""
    parts: list[str] = []
    rest = html.strip()
    while telegram_length(rest) > limit:
        cut = _cut_point(rest, limit - _HEADROOM)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        still_open = _open_tags(head)
        head += "".join(f"</{name}>" for name, _ in reversed(still_open))
        rest = "".join(tag for _, tag in still_open) + rest
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts


async def send_html(bot: Bot, chat_id: int, html: str, *, markup: InlineKeyboardMarkup | Any | None = None,
                    reply_to: Message | None = None, quote: bool | None = None,
                    reply_to_id: int | None = None, topic_id: int | None = None) -> Message:
    """Send a reply in as many parts as needed; the buttons go under the last part.

    With `reply_to`, the first part quotes that message in groups (so a busy group sees what is
    answered) and not in private chats, python-telegram-bot's default for `do_quote`; `quote=True`
    quotes it in private chats too (a reply whose buttons need the question it answers). In a
    chat the update did not come from: `reply_to_id` (a message of that chat) and `topic_id` (a
    forum topic).
    """
    parts = split_html(html)
    sent: Message | None = None
    for index, part in enumerate(parts):
        buttons = markup if index == len(parts) - 1 else None
        if reply_to is not None and index == 0:
            sent = await reply_to.reply_html(part, reply_markup=buttons, do_quote=quote)
        else:
            reply = ReplyParameters(reply_to_id, allow_sending_without_reply=True) if reply_to_id and index == 0 else None
            sent = await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=buttons,
                                          reply_parameters=reply, message_thread_id=topic_id)
    assert sent is not None, "nothing to send"
    return sent


@contextlib.contextmanager
def unless_unchanged() -> Iterator[None]:
    """Around an edit: Telegram refuses to "edit" a message into what it already is (a double tap
    on the same button); that is not an error for us. Any other BadRequest is."""
    try:
        yield
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
