""""Ask the team": a visitor's question handed over to the staff group, answers relayed both ways,
and staff answers saved from closed threads and /review groups.

The visitor presses "Ask the team" under a decline, then consents; the question goes to the staff
group (STAFF_CHAT_ID, optionally a forum topic) as one message naming the visitor only by a
short pseudonym (#K7QM). A staff member's reply to that message (or to any relayed message of the
thread) goes to the visitor, marked as from the team; the visitor's reply to a team message goes
back the same way, until a staff member presses Close or 24 hours pass. What each of the bot's
messages stands for is kept in the database (`db.handover`), so any bot process can handle the
reply. Only STAFF_USER_IDS answer, close or save; anyone else's reply or press does nothing.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.handlers import keyboards
from bot.handlers.addressing import question_text
from bot.handlers.callbacks import AskTeam, ReviewGroup, ThreadAction, parse, pressed
from bot.handlers.context import BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.flood import Verdict
from bot.handlers.questions import answer_question
from bot.handlers.staff import excerpt, staff_only
from bot.handlers.strings import ui
from bot.text import detect_language
from db.handover import REVIEW_PROMPT, SAVED_ANSWER, STAFF_THREAD, VISITOR_THREAD, HandoverStore, Thread
from db.log import LogUnavailable, QuestionLog, UnknownQuestion

logger = logging.getLogger(__name__)

QUESTION_CHARS = 1000  # the visitor's question, quoted in the staff group
ANSWER_CHARS = 600  # the bot's reply, quoted in the staff group
RELAY_CHARS = 3500  # a relayed message (the rest of the 4,096 is the frame around it)
EXPIRY_CHECK_S = 60


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _store(context: BotContext) -> HandoverStore | None:
    return context.services.handover


def _is_staff(context: BotContext, user_id: int | None) -> bool:
    return user_id is not None and user_id in context.services.settings.staff_user_ids


def _is_staff_chat(context: BotContext, chat_id: int) -> bool:
    return chat_id == context.services.settings.staff_chat_id


# --- the visitor asks -----------------------------------------------------------------------------

async def offer(update: Update, context: BotContext) -> None:
    """"Ask the team" pressed: ask for consent, quoting the question, with Send / No thanks."""
    query, _ = pressed(update, AskTeam)
    lang = context.lang(query.from_user)
    message = query.message
    asked = message.reply_to_message if isinstance(message, Message) else None
    if asked is None or _store(context) is None or context.services.settings.staff_chat_id is None:
        await query.answer(ui("ask_team_unavailable", lang))
        return
    await query.answer()
    await context.bot.send_message(message.chat.id, ui("ask_team_consent", lang),  # type: ignore[union-attr]
                                   reply_parameters=ReplyParameters(asked.message_id, allow_sending_without_reply=True),
                                   reply_markup=keyboards.ask_team_consent(lang))


async def decline(update: Update, context: BotContext) -> None:
    """"No thanks": nothing is sent, nothing kept."""
    query, _ = pressed(update, AskTeam)
    lang = context.lang(query.from_user)
    await query.answer()
    with unless_unchanged():
        await query.edit_message_text(ui("ask_team_cancelled", lang))


async def send_to_team(update: Update, context: BotContext) -> None:
    """Consent given: open a thread and post the question to the staff group as one message."""
    query, _ = pressed(update, AskTeam)
    user = query.from_user
    lang = context.lang(user)
    services = context.services
    store, log = services.handover, services.question_log
    message = query.message
    asked = message.reply_to_message if isinstance(message, Message) else None
    staff_chat = services.settings.staff_chat_id
    if (asked is None or store is None or log is None or staff_chat is None or asked.from_user is None
            or asked.from_user.id != user.id or message.chat.type != ChatType.PRIVATE):  # type: ignore[union-attr]
        await query.answer(ui("ask_team_unavailable", lang))
        return
    question = question_text(asked)
    today = services.today()
    result = services.ask(question, lang_hint=lang, today=today).result
    bot_reply = services.reply(result, today=today).text
    candidates = [e for e in ([result.entry] if result.entry else []) + [s.entry for s in result.suggestions]]
    candidates = list(dict.fromkeys(candidates))[:3]
    try:
        thread = await asyncio.to_thread(
            store.open_thread, visitor_chat_id=message.chat.id, user_key=log.user_key(user.id),  # type: ignore[union-attr]
            lang=result.lang, question=question, bot_answer=bot_reply, candidates=candidates,
            staff_chat_id=staff_chat, staff_topic_id=services.settings.staff_topic_id)
    except LogUnavailable:
        await query.answer(ui("ask_team_unavailable", lang), show_alert=True)
        return
    try:
        header = await send_html(context.bot, staff_chat, _header(thread, context), markup=_close_button(thread),
                                 topic_id=thread.staff_topic_id)
    except TelegramError as exc:
        logger.warning("could not post to the staff chat (%s): thread closed at once", exc)
        await asyncio.to_thread(store.close, thread.id)
        await query.answer(ui("ask_team_unavailable", lang), show_alert=True)
        return
    await asyncio.to_thread(store.set_header, thread.id, header.message_id)
    await query.answer()
    with unless_unchanged():
        await query.edit_message_text(ui("ask_team_sent", lang))


def _header(thread: Thread, context: BotContext) -> str:
    knowledge = context.services.knowledge
    names = [html.escape(knowledge.entries[e].name, quote=False) for e in thread.candidates if e in knowledge.entries]
    staff_lang = context.services.settings.default_lang
    return ui("thread_header", staff_lang, code=thread.code, lang=thread.lang.upper(),
              until=thread.expires_at.strftime("%d/%m %H:%M"), question=excerpt(thread.question, QUESTION_CHARS),
              answer=excerpt(thread.bot_answer, ANSWER_CHARS), entries=", ".join(names) or "—")


def _close_button(thread: Thread) -> InlineKeyboardMarkup:
    # The staff group's language is the default one: the whole team reads the same buttons.
    return InlineKeyboardMarkup([[InlineKeyboardButton("✖ Close / Clore", callback_data=ThreadAction("close", thread.id).data)]])


def _save_button(thread_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("💾 Save as answer / Enregistrer",
                                                       callback_data=ThreadAction("save", thread_id).data)]])


# --- replies to the bot's messages ------------------------------------------------------------------

async def reply_to_bot(update: Update, context: BotContext) -> None:
    """A reply in a private chat or the staff chat: relay it if it answers a thread's message,
    save it if it answers a /review prompt; in a private chat anything else is a question."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.reply_to_message is not None
    store = _store(context)
    replied = message.reply_to_message
    ref = None
    if store is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        try:
            ref = await asyncio.to_thread(store.ref, message.chat_id, replied.message_id)
        except LogUnavailable:
            ref = None
    if ref is None:
        if message.chat.type == ChatType.PRIVATE:
            await answer_question(update, context)  # an ordinary question that happens to be a reply
        return  # in the staff chat, a reply to anything but an open thread is ignored
    staff = _is_staff(context, user.id if user else None)
    if ref.kind == VISITOR_THREAD and message.chat.type == ChatType.PRIVATE:
        await _relay_to_staff(message, ref.ref, context)
    elif ref.kind == STAFF_THREAD and staff and _is_staff_chat(context, message.chat_id):
        await _relay_to_visitor(message, ref.ref, context)
    elif ref.kind == REVIEW_PROMPT and staff:
        await _save_review_answer(message, ref.ref, context)
    elif ref.kind == SAVED_ANSWER and staff:
        await message.reply_html(ui("answer_amend_usage", context.lang(user)))
    # anyone else's reply to a staff message does nothing


def _text_of(message: Message) -> str:
    return (message.text or message.caption or "").strip()


def _relay_allowed(context: BotContext, key: int) -> Verdict:
    return context.relay_flood.check(key)


async def _relay_to_staff(message: Message, thread_id: int, context: BotContext) -> None:
    store = _store(context)
    assert store is not None
    lang = context.lang(message.from_user)
    thread = await asyncio.to_thread(store.thread, thread_id)
    if thread is None or not thread.is_open(_now()) or thread.visitor_chat_id != message.chat_id:
        await message.reply_html(ui("thread_over", lang))
        return
    text = _text_of(message)
    if not text:
        return
    verdict = _relay_allowed(context, thread.id)
    if verdict is not Verdict.ALLOW:
        if verdict is Verdict.WARN:
            await message.reply_html(ui("relay_slow_down", lang))
        return
    sent = await send_html(context.bot, thread.staff_chat_id,
                           ui("visitor_says", context.services.settings.default_lang, code=thread.code,
                              text=excerpt(text, RELAY_CHARS)),
                           reply_to_id=thread.header_message_id, topic_id=thread.staff_topic_id)
    await asyncio.to_thread(_remember, store, thread.staff_chat_id, sent.message_id, STAFF_THREAD, thread.id,
                            thread.id, "visitor", text)
    await message.reply_html(ui("relayed_to_team", lang))


async def _relay_to_visitor(message: Message, thread_id: int, context: BotContext) -> None:
    store = _store(context)
    assert store is not None
    staff_lang = context.lang(message.from_user)
    thread = await asyncio.to_thread(store.thread, thread_id)
    if thread is None or not thread.is_open(_now()) or thread.visitor_chat_id is None:
        await message.reply_html(ui("thread_not_open", staff_lang))
        return
    text = _text_of(message)
    if not text:
        return
    verdict = _relay_allowed(context, -thread.id)  # the team's direction has its own budget
    if verdict is not Verdict.ALLOW:
        if verdict is Verdict.WARN:
            await message.reply_html(ui("relay_slow_down", staff_lang))
        return
    try:
        sent = await send_html(context.bot, thread.visitor_chat_id,
                               ui("team_says", thread.lang, text=excerpt(text, RELAY_CHARS),
                                  assistant=html.escape(context.services.knowledge.vocabulary.assistant.name, quote=False)))
    except Forbidden:  # the visitor blocked the bot: the thread cannot go on
        await asyncio.to_thread(store.close, thread.id)
        await message.reply_html(ui("thread_not_open", staff_lang))
        return
    await asyncio.to_thread(_remember, store, thread.visitor_chat_id, sent.message_id, VISITOR_THREAD, thread.id,
                            thread.id, "staff", text)
    await message.reply_html(ui("relayed_to_visitor", staff_lang, code=thread.code))


def _remember(store: HandoverStore, chat_id: int, message_id: int, kind: str, ref: int, thread_id: int,
              sender: str, text: str) -> None:
    store.add_ref(chat_id, message_id, kind, ref, thread_id=thread_id)
    store.add_line(thread_id, sender, text)


# --- staff buttons under a thread --------------------------------------------------------------------

@staff_only
async def thread_button(update: Update, context: BotContext, log: QuestionLog) -> None:
    """✖ Close (the visitor is told, their chat id erased) or 💾 Save as answer (closed threads)."""
    query, action = pressed(update, ThreadAction)
    lang = context.lang(query.from_user)
    store = _store(context)
    assert store is not None
    if action.kind == "close":
        closed = await asyncio.to_thread(store.close, action.thread)
        if closed is None:
            await query.answer(ui("thread_already", lang))
            return
        thread, chat_id = closed
        lines = await asyncio.to_thread(store.staff_lines, thread.id)
        await query.answer()
        await _note_on_header(query.message, ui("thread_closed", lang), _save_button(thread.id) if lines else None)
        try:
            await context.bot.send_message(chat_id, ui("thread_over", thread.lang))
        except Forbidden:
            pass  # the visitor blocked the bot meanwhile
        return
    await _save_thread(query, action.thread, context, lang)


async def _note_on_header(message: object, note: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(message, Message) and message.text:
        with unless_unchanged():
            await message.edit_text(f"{message.text_html}\n\n{note}", reply_markup=markup)


async def _save_thread(query, thread_id: int, context: BotContext, lang: str) -> None:  # type: ignore[no-untyped-def]
    store = _store(context)
    assert store is not None
    thread = await asyncio.to_thread(store.thread, thread_id)
    if thread is None or thread.is_open(_now()) or thread.saved_answer_id is not None:
        await query.answer(ui("thread_already", lang))
        return
    lines = await asyncio.to_thread(store.staff_lines, thread.id)
    if not lines:
        await query.answer(ui("thread_nothing_to_save", lang))
        return
    text = lines[0]  # the team's answer; later messages are conversation (staff can rewrite it: /fr, /en)
    answer_lang = detect_language(text, thread.lang)
    answer_id = await asyncio.to_thread(store.save_answer, [thread.question], {answer_lang: text})
    await asyncio.to_thread(store.mark_saved, thread.id, answer_id)
    await _reload_answers(context)
    await query.answer()
    message = query.message
    await _note_on_header(message, f"💾 A{answer_id}", None)
    if isinstance(message, Message):
        await _announce_saved(context, message.chat.id, answer_id, answer_lang, lang, reply_to_id=message.message_id,
                              topic_id=thread.staff_topic_id)


async def _announce_saved(context: BotContext, chat_id: int, answer_id: int, answer_lang: str, lang: str, *,
                          reply_to_id: int | None = None, topic_id: int | None = None) -> None:
    store = _store(context)
    assert store is not None
    sent = await send_html(context.bot, chat_id, ui("answer_saved", lang, id=answer_id, lang=answer_lang.upper()),
                           reply_to_id=reply_to_id, topic_id=topic_id)
    await asyncio.to_thread(store.add_ref, chat_id, sent.message_id, SAVED_ANSWER, answer_id)


async def _reload_answers(context: BotContext) -> None:
    """This process answers from a new staff answer at once; others within their refresh interval."""
    try:
        await asyncio.to_thread(context.services.refresh_staff_answers, force=True)
    except LogUnavailable as exc:
        logger.warning("staff answers not reloaded: %s", exc)


# --- staff answers from /review ------------------------------------------------------------------------

def is_write_button(data: object) -> bool:
    """The CallbackQueryHandler pattern of ✍️ Write the answer (a ReviewGroup of kind "write")."""
    action = parse(data)
    return isinstance(action, ReviewGroup) and action.kind == "write"


@staff_only
async def prompt_review_answer(update: Update, context: BotContext, log: QuestionLog) -> None:
    """✍️ Write the answer under a /review group: a prompt to reply to (Telegram opens the reply)."""
    query, action = pressed(update, ReviewGroup)
    group_id = action.group
    lang = context.lang(query.from_user)
    store = _store(context)
    message = query.message
    if store is None or not isinstance(message, Message):
        await query.answer(ui("log_off", lang))
        return
    await query.answer()
    sent = await context.bot.send_message(message.chat.id, ui("review_write_prompt", lang, group=f"g{group_id}"),
                                          reply_markup=ForceReply(selective=True),
                                          message_thread_id=message.message_thread_id if message.is_topic_message else None)
    await asyncio.to_thread(store.add_ref, message.chat.id, sent.message_id, REVIEW_PROMPT, group_id)


async def _save_review_answer(message: Message, group_id: int, context: BotContext) -> None:
    store, log = _store(context), context.services.question_log
    assert store is not None and log is not None
    lang = context.lang(message.from_user)
    text = _text_of(message)
    if not text:
        return
    key = f"g{group_id}"
    try:
        group = await asyncio.to_thread(log.group, key)
    except UnknownQuestion:
        await message.reply_html(ui("link_unknown_group", lang, ref=key))
        return
    phrasings = await asyncio.to_thread(store.question_texts, group.question_ids)
    answer_lang = detect_language(text, group.langs[0] if group.langs else lang)
    answer_id = await asyncio.to_thread(store.save_answer, phrasings, {answer_lang: text})
    await asyncio.to_thread(log.resolve, key)
    await _reload_answers(context)
    await _announce_saved(context, message.chat_id, answer_id, answer_lang, lang, reply_to_id=message.message_id,
                          topic_id=message.message_thread_id if message.is_topic_message else None)


@staff_only
async def amend_answer(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/en TEXT, /fr TEXT, /phrase QUESTION, replying to a "Saved as answer" message."""
    message = update.effective_message
    assert message is not None and message.text is not None
    lang = context.lang(update.effective_user)
    store = _store(context)
    replied = message.reply_to_message
    command, _, rest = message.text.partition(" ")
    command = command[1:].split("@")[0].lower()
    rest = rest.strip()
    ref = None
    if store is not None and replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        ref = await asyncio.to_thread(store.ref, message.chat_id, replied.message_id)
    if ref is None or ref.kind != SAVED_ANSWER or not rest:
        await message.reply_html(ui("answer_amend_usage", lang))
        return
    assert store is not None
    if command == "phrase":
        done = await asyncio.to_thread(store.add_phrasing, ref.ref, rest)
    else:
        done = await asyncio.to_thread(store.set_answer_text, ref.ref, command, rest)
    if not done:
        await message.reply_html(ui("answer_gone", lang))
        return
    await _reload_answers(context)
    await message.reply_html(ui("answer_amended", lang, id=ref.ref))


# --- the end of threads ----------------------------------------------------------------------------------

async def expire_threads(context: BotContext) -> None:
    """Every minute: threads open for 24 hours end; the visitor and the staff group are told."""
    store = _store(context)
    if store is None:
        return
    try:
        ended = await asyncio.to_thread(store.expire_due)
    except LogUnavailable as exc:
        logger.warning("thread expiry postponed: %s", exc)
        return
    lang = context.services.settings.default_lang
    for thread, chat_id in ended:
        try:
            await context.bot.send_message(chat_id, ui("thread_over", thread.lang))
        except TelegramError:
            pass
        lines = await asyncio.to_thread(store.staff_lines, thread.id)
        try:
            await send_html(context.bot, thread.staff_chat_id, ui("thread_expired", lang),
                            markup=_save_button(thread.id) if lines else None,
                            reply_to_id=thread.header_message_id, topic_id=thread.staff_topic_id)
        except (BadRequest, Forbidden) as exc:
            logger.info("could not tell the staff chat about an expired thread: %s", exc)


async def refresh_staff_answers(context: BotContext) -> None:
    """Every few seconds: a cheap read of the staff answers' version; a reload when it moved."""
    try:
        await asyncio.to_thread(context.services.refresh_staff_answers)
    except LogUnavailable as exc:
        logger.debug("staff answers not refreshed: %s", exc)
