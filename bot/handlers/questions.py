"""Free text (and photo captions): the question goes to the services, the reply comes back with
buttons; feedback.

The engine decides what a question means; this layer only adds what is specific to a chat: one
word ("ok", "menu") never switches the visitor's language, acknowledgements and dismissed
phrasings are never "passed on to the team", and a decline offers "Ask the team".
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from bot.engine.result import Result, Status
from bot.handlers import keyboards
from bot.handlers.addressing import question_text
from bot.handlers.callbacks import GiveFeedback, pressed
from bot.handlers.commands import show_menu_for_text
from bot.handlers.context import BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.staff_replies import render_staff_answer
from bot.handlers.strings import ui
from bot.text import normalise

logger = logging.getLogger(__name__)

# Typed as a message, these open the menu (in the visitor's language) instead of being asked.
MENU_WORDS = frozenset({"help", "aide", "menu", "start", "demarrer", "commencer", "accueil", "home"})
# Acknowledgements and chat words: never a question, never logged, never "passed on".
ACKNOWLEDGEMENTS = frozenset({
    "ok", "okay", "oki", "k", "oui", "ouais", "non", "no", "yes", "yep", "nope", "cool", "super", "top", "parfait",
    "d accord", "dac", "daccord", "retour", "back", "bien", "tres bien", "ah", "oh", "hmm", "euh", "bon", "voila",
    "ok merci", "ok thanks", "great", "nice", "fine", "alright", "all right",
})
_FEEDBACK_IDS = uuid.UUID("6f1c1e1a-3b59-4d67-9a51-2f0d8cb0f2a1")  # namespace of feedback record ids


async def _log_question(context: BotContext, result: Result, *, user_id: int | None, chat_type: str) -> None:
    """Record the question (pseudonymised user) off the event loop; a no-op when logging is off."""
    log = context.services.question_log
    if log is None:
        return
    user_key = log.user_key(user_id) if user_id is not None else None
    await asyncio.to_thread(log.record, result, channel="telegram", chat_type=chat_type, user_key=user_key)


def is_chatter(words: list[str], result: Result) -> bool:
    """An acknowledgement or a lone word the engine could not place: no question to log or pass on."""
    if result.status in (Status.SMALLTALK, Status.ANSWERED):
        return False
    return " ".join(words) in ACKNOWLEDGEMENTS or (len(words) <= 1 and result.status == Status.UNANSWERED)


def handover_possible(context: BotContext, message: Message) -> bool:
    services = context.services
    return (message.chat.type == ChatType.PRIVATE and services.settings.staff_chat_id is not None
            and services.handover is not None)


async def _typing(context: BotContext, chat_id: int) -> None:
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def answer_question(update: Update, context: BotContext) -> None:
    """A question in a private chat, or addressed to the bot in a group; a photo's caption too."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    text = question_text(message)
    words = normalise(text).split()
    if " ".join(words) in MENU_WORDS:
        await show_menu_for_text(update, context)
        return
    # "typing…" while the reply is prepared; awaited before the reply is sent, so that it can never
    # arrive after the reply (a client would then show "typing…" under the answer for 5 seconds).
    typing = asyncio.ensure_future(_typing(context, message.chat_id))
    try:
        await _answer(message, user.id if user else None, text, words, context, typing)
    finally:
        await typing


async def _answer(message: Message, user_id: int | None, text: str, words: list[str], context: BotContext,
                  typing: asyncio.Future) -> None:
    services = context.services
    today = services.today()
    lang = context.lang(message.from_user)
    asked = services.ask(text, lang_hint=lang, today=today)
    result = asked.result
    chat_type = message.chat.type
    if asked.staff is not None:
        reply_lang = lang
        if len(words) >= 2:
            reply_lang = result.lang
            context.note_written_lang(reply_lang)
        await typing
        await send_html(context.bot, message.chat_id, render_staff_answer(asked.staff.answer, reply_lang), reply_to=message)
        counted = dataclasses.replace(result, status=Status.ANSWERED, intent="staff_answer",
                                      entry=f"staff-answer-{asked.staff.answer.id}", suggestions=())
        await _log_question(context, counted, user_id=user_id, chat_type=chat_type)
        return
    if is_chatter(words, result):
        await typing
        await message.reply_html(ui("nudge", lang))  # not logged: there is nothing to review
        return
    if result.status is not Status.SMALLTALK and len(words) >= 2:
        context.note_written_lang(result.lang)  # one word or a greeting says little about the language
    if result.intent == "too_long":
        await typing
        await send_html(context.bot, message.chat_id, services.reply(result, today=today).html, reply_to=message)
        return  # never logged: a wall of text is not a question for review
    log = services.question_log
    # "Passed on to the team" only when it really goes to review: logged, and not a phrasing staff dismissed.
    for_review = result.needs_review and log is not None
    if for_review and await asyncio.to_thread(log.is_dismissed, result.normalised):
        for_review = False
    reply = services.reply(result, today=today, passed_on=for_review)
    ask_team = for_review and handover_possible(context, message)
    markup = keyboards.for_result(result, reply.buttons, ask_team=ask_team)
    if result.needs_review:
        # Logged before replying: the reply says the question was passed on, so it must be.
        await _log_question(context, result, user_id=user_id, chat_type=chat_type)
    await typing
    await send_html(context.bot, message.chat_id, reply.html, markup=markup, reply_to=message,
                    quote=True if ask_team else None)  # "Ask the team" reads the question it quotes
    if not result.needs_review:
        await _log_question(context, result, user_id=user_id, chat_type=chat_type)


async def record_feedback(update: Update, context: BotContext) -> None:
    """Helpful / Not helpful: thank the user, record it once per user and message, drop the buttons."""
    query, action = pressed(update, GiveFeedback)
    lang = context.lang(query.from_user)
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
