"""Free text (and photo captions): the question goes to the services, the reply comes back with
buttons; feedback.

The engine decides what a question means; this layer only adds what is specific to a chat: one
word ("ok", "menu") never switches the visitor's language, acknowledgements and dismissed
phrasings are never "passed on to the team", and a decline offers "Ask the team".
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid

from telegram import Message, Update, User
from telegram.constants import ChatType

from bot.engine.result import Result, Status
from bot.handlers import keyboards
from bot.handlers.busy import SlowReply
from bot.handlers.addressing import question_text
from bot.handlers.callbacks import GiveFeedback, pressed
from bot.handlers.commands import show_menu_for_text
from bot.handlers.context import BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.staff_replies import render_staff_answer
from bot.handlers.strings import ui
from bot.conversations import Conversation
from bot.text import normalise

logger = logging.getLogger(__name__)

_FEEDBACK_IDS = uuid.UUID("6f1c1e1a-3b59-4d67-9a51-2f0d8cb0f2a1")  # namespace of feedback record ids


async def _log_question(context: BotContext, result: Result, *, user_id: int | None, chat_type: str) -> bool:
    """Log the question (pseudonymised user) and wait until it is durable, at most the log's write
    deadline, without blocking the event loop; True when it was kept (in the database or the
    spool), False when logging is off.

    Answered questions are only counted in memory, so this returns at once for them; a question
    for review shares its commit with every question that arrived meanwhile. If storage is late
    or fails, the log spools the question (or says it could be kept nowhere).
    """
    log = context.services.question_log
    if log is None:
        return False
    user_key = log.user_key(user_id) if user_id is not None else None
    return await log.keep(result, channel="telegram", chat_type=chat_type, user_key=user_key)


def is_chatter(text: str, result: Result) -> bool:
    """A lone word or an emoji the engine could not place: no question to log or pass on.

    (Acknowledgements such as "ok" or "d'accord" are small talk for the engine already.)"""
    return result.status == Status.UNANSWERED and len(normalise(text).split()) <= 1


def handover_possible(context: BotContext, message: Message) -> bool:
    services = context.services
    return (message.chat.type == ChatType.PRIVATE and services.settings.staff_chat_id is not None
            and services.handover is not None)


async def answer_question(update: Update, context: BotContext) -> None:
    """A question in a private chat, or addressed to the bot in a group (a photo's caption too),
    read with what this conversation is about."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    # "typing…" if the reply is slow to come; finished before the reply is sent, so that it can
    # never arrive after it (a client would then show "typing…" under the answer for 5 seconds).
    typing = context.slow_reply(message.chat_id)
    try:
        await _answer(update, message, user, question_text(message), context, typing)
    finally:
        await typing.ready()


async def _answer(update: Update, message: Message, user: User | None, text: str, context: BotContext,
                  typing: SlowReply) -> None:
    services = context.services
    today = services.today()
    user_id = user.id if user else None
    key = services.conversation_key(user.id, message.chat_id) if user else None
    conversation = await context.conversation(key)
    hint = await context.chosen_lang(user) or conversation.lang or context.lang(user)
    asked = services.ask(text, lang_hint=hint, today=today, focus=conversation.focus)
    result = asked.result
    await context.keep_conversation(key, Conversation(result.focus, result.lang))
    context.note_written_lang(result.lang)  # the engine keeps a one-word message in the hint's language
    chat_type = message.chat.type
    if result.intent == "help":  # "help", "menu", "aide" typed as words: the menu
        await typing.ready()
        await show_menu_for_text(update, context)
        return
    if asked.staff is not None:
        await typing.ready()
        await send_html(context.bot, message.chat_id, render_staff_answer(asked.staff.answer, result.lang),
                        reply_to=message)
        counted = dataclasses.replace(result, status=Status.ANSWERED, intent="staff_answer",
                                      entry=f"staff-answer-{asked.staff.answer.id}", suggestions=())
        await _log_question(context, counted, user_id=user_id, chat_type=chat_type)
        return
    if is_chatter(text, result):
        await typing.ready()
        await message.reply_html(ui("nudge", result.lang))  # not logged: there is nothing to review
        return
    if result.intent == "too_long":
        await typing.ready()
        await send_html(context.bot, message.chat_id, services.reply(result, today=today).html, reply_to=message)
        return  # never logged: a wall of text is not a question for review
    log = services.question_log
    # "Passed on to the team" only when it really goes to review: not a phrasing staff dismissed,
    # and kept (in the database or the spool; the log answers within its write deadline).
    for_review = result.needs_review and log is not None
    if for_review and await log.is_dismissed_async(result.normalised):
        for_review = False
    if result.needs_review:
        # Logged before replying: the reply says the question was passed on, so it must be.
        kept = await _log_question(context, result, user_id=user_id, chat_type=chat_type)
        for_review = for_review and kept
    reply = services.reply(result, today=today, passed_on=for_review)
    ask_team = for_review and handover_possible(context, message)
    markup = keyboards.for_result(result, reply.buttons, ask_team=ask_team)
    await typing.ready()
    await send_html(context.bot, message.chat_id, reply.html, markup=markup, reply_to=message,
                    quote=True if ask_team else None)  # "Ask the team" reads the question it quotes
    if not result.needs_review:
        await _log_question(context, result, user_id=user_id, chat_type=chat_type)


async def record_feedback(update: Update, context: BotContext) -> None:
    """Helpful / Not helpful: thank the user, record it once per user and message, drop the buttons."""
    query, action = pressed(update, GiveFeedback)
    lang = context.lang(query.from_user)
    if action.entry is not None and action.entry not in context.services.knowledge.entries:  # forged, or removed
        await query.answer(ui("gone", lang))
        return
    await query.answer(ui("thanks_feedback" if action.helpful else "sorry_feedback", lang))
    log = context.services.question_log
    message = query.message
    if log is not None:
        user_key = log.user_key(query.from_user.id)
        record_id = None
        if isinstance(message, Message):
            record_id = str(uuid.uuid5(_FEEDBACK_IDS, f"{user_key}:{message.chat.id}:{message.message_id}"))
        await asyncio.to_thread(log.feedback, entry=action.entry or "", helpful=action.helpful,
                                user_key=user_key, lang=lang, record_id=record_id)
    if isinstance(message, Message):
        with unless_unchanged():
            await query.edit_message_reply_markup(keyboards.without_feedback(message.reply_markup))
