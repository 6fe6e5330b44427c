"""Free text: the question goes to the engine, the reply comes back with buttons; feedback."""
from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update

from bot.engine.result import Result
from bot.handlers import keyboards
from bot.handlers.addressing import question_text
from bot.handlers.callbacks import GiveFeedback, pressed
from bot.handlers.context import BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.strings import ui
from bot.conversations import Conversation

logger = logging.getLogger(__name__)


async def _log_question(context: BotContext, result: Result, *, user_id: int | None, chat_type: str) -> None:
    """Record the question (pseudonymised user) off the event loop; a no-op when logging is off."""
    log = context.services.question_log
    if log is None:
        return
    user_key = log.user_key(user_id) if user_id is not None else None
    await asyncio.to_thread(log.record, result, channel="telegram", chat_type=chat_type, user_key=user_key)


async def answer_question(update: Update, context: BotContext) -> None:
    """A question in a private chat, or addressed to the bot in a group, read with the conversation's focus."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    services = context.services
    today = services.today()
    key = services.conversation_key(user.id, message.chat_id) if user else None
    conversation = await context.conversation(key)
    hint = await context.chosen_lang(user) or conversation.lang or context.lang(user)
    result = services.answer(question_text(message), lang_hint=hint, today=today, focus=conversation.focus)
    context.note_written_lang(result.lang)
    await context.keep_conversation(key, Conversation(result.focus, result.lang))
    user_id = user.id if user else None
    logged = result.needs_review and services.question_log is not None
    if result.needs_review:
        # Logged before replying: the reply says the question was passed on, so it must be.
        await _log_question(context, result, user_id=user_id, chat_type=message.chat.type)
    reply = services.reply(result, today=today, passed_on=logged)
    markup = keyboards.for_result(result, reply.buttons)
    await send_html(context.bot, message.chat_id, reply.html, markup=markup, reply_to=message)
    if not result.needs_review:
        await _log_question(context, result, user_id=user_id, chat_type=message.chat.type)


async def record_feedback(update: Update, context: BotContext) -> None:
    """Helpful / Not helpful: thank the user, record it, and drop the feedback buttons."""
    query, action = pressed(update, GiveFeedback)
    lang = context.lang(query.from_user)
    await query.answer(ui("thanks_feedback" if action.helpful else "sorry_feedback", lang))
    log = context.services.question_log
    if log is not None:
        await asyncio.to_thread(log.feedback, entry=action.entry or "", helpful=action.helpful,
                                user_key=log.user_key(query.from_user.id), lang=lang)
    message = query.message
    if isinstance(message, Message):
        with unless_unchanged():
            await query.edit_message_reply_markup(keyboards.without_feedback(message.reply_markup))
