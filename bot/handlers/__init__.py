"""Thin Telegram adapters over the engine, one module per concern, registered here in order."""
from __future__ import annotations

import html

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import browse, commands, errors, flood, handover, inline, manners, questions, staff
from bot.handlers.addressing import AddressedToBot
from bot.handlers.callbacks import (
    AskTeam,
    ChooseLanguage,
    GiveFeedback,
    OpenSection,
    ReviewGroup,
    ReviewPage,
    SendCalendar,
    ShowCard,
    ShowMenu,
    ShowPage,
    ThreadAction,
    is_a,
    parse,
)
from bot.handlers.context import SERVICES, BotContext
from bot.handlers.strings import ui

# Only new messages: an edited question is not asked again.
NEW_MESSAGE = filters.UpdateType.MESSAGE

# Updates the bot asks Telegram for; anything else is never delivered.
ALLOWED_UPDATES = ["message", "callback_query", "inline_query"]


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not know, in a private chat: point to /help."""
    assert update.effective_message is not None
    await update.effective_message.reply_html(ui("unknown_command", context.lang(update.effective_user)))


async def text_only(update: Update, context: BotContext) -> None:
    """A photo, voice note, sticker or file in a private chat: say what the bot can read."""
    assert update.effective_message is not None
    lang = context.lang(update.effective_user)
    examples = context.services.knowledge.vocabulary.assistant.examples.get(lang) or ("?",)
    await update.effective_message.reply_html(ui("text_only", lang, example=html.escape(examples[0], quote=False)))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an older version of the bot: answer it so the user's button stops spinning."""
    assert update.callback_query is not None
    await update.callback_query.answer(ui("gone", context.lang(update.effective_user)))


def _asks(step: str):  # type: ignore[no-untyped-def]
    def matches(data: object) -> bool:
        action = parse(data)
        return isinstance(action, AskTeam) and action.step == step
    return matches


STAFF_ANSWERS_CHECK_S = 3.0  # how often another process's new staff answer is looked for


def register(application: Application, *, staff_answers_check: float = STAFF_ANSWERS_CHECK_S) -> None:
    """Every handler of the bot, in the order python-telegram-bot tries them."""
    settings = application.bot_data[SERVICES].settings
    # Before everything else, in this order: an update delivered twice stops here (-3), a flooding
    # user's update stops here (-2), a press on someone else's button in a group stops here (-1).
    application.add_handler(TypeHandler(Update, manners.drop_replayed), group=-3)
    application.add_handler(TypeHandler(Update, flood.guard_flood), group=-2)
    application.add_handler(CallbackQueryHandler(manners.guard_button_owner), group=-1)

    # Commands. CommandHandler ignores "/start@otherbot", so groups with several bots are safe.
    application.add_handler(CommandHandler("start", commands.start, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("help", commands.show_help, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("lang", commands.choose_language, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("about", commands.about, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler(list(browse.SECTION_COMMANDS), browse.show_section, filters=NEW_MESSAGE))
    # Staff commands: private chats and the staff group (ignored in other groups); staff.staff_only
    # refuses anyone else.
    staff_chats = filters.ChatType.PRIVATE
    if settings.staff_chat_id is not None:
        staff_chats = staff_chats | filters.Chat(settings.staff_chat_id)
    staff_chat = NEW_MESSAGE & staff_chats
    application.add_handler(CommandHandler("review", staff.show_review, filters=staff_chat))
    application.add_handler(CommandHandler("link", staff.link_typed, filters=staff_chat))
    application.add_handler(CommandHandler("stats", staff.show_stats, filters=staff_chat))
    application.add_handler(CommandHandler("export", staff.send_export, filters=staff_chat))
    application.add_handler(CommandHandler("console", staff.send_console_link, filters=staff_chat))
    application.add_handler(CommandHandler("reload", staff.reload_knowledge, filters=staff_chat))
    application.add_handler(CommandHandler(["en", "fr", "phrase"], handover.amend_answer,
                                           filters=staff_chat & filters.REPLY))
    application.add_handler(CommandHandler("privacy", staff.show_privacy, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("forget", staff.forget_me, filters=NEW_MESSAGE))
    staff.schedule_jobs(application)  # the daily purge, the learned-alias refresh, following reloads
    if application.job_queue is not None:
        application.job_queue.run_repeating(handover.expire_threads, interval=handover.EXPIRY_CHECK_S,
                                            first=handover.EXPIRY_CHECK_S, name="expire-handover-threads")
        application.job_queue.run_repeating(handover.refresh_staff_answers, interval=staff_answers_check,
                                            first=staff_answers_check, name="refresh-staff-answers")

    # Buttons: one handler per kind of payload; every one answers its callback query.
    application.add_handler(CallbackQueryHandler(browse.open_section, pattern=is_a(OpenSection)))
    application.add_handler(CallbackQueryHandler(browse.turn_page, pattern=is_a(ShowPage)))
    application.add_handler(CallbackQueryHandler(browse.show_card, pattern=is_a(ShowCard)))
    application.add_handler(CallbackQueryHandler(browse.show_menu, pattern=is_a(ShowMenu)))
    application.add_handler(CallbackQueryHandler(browse.send_calendar, pattern=is_a(SendCalendar)))
    application.add_handler(CallbackQueryHandler(questions.record_feedback, pattern=is_a(GiveFeedback)))
    application.add_handler(CallbackQueryHandler(commands.language_chosen, pattern=is_a(ChooseLanguage)))
    application.add_handler(CallbackQueryHandler(handover.offer, pattern=_asks("ask")))
    application.add_handler(CallbackQueryHandler(handover.send_to_team, pattern=_asks("send")))
    application.add_handler(CallbackQueryHandler(handover.decline, pattern=_asks("cancel")))
    application.add_handler(CallbackQueryHandler(handover.thread_button, pattern=is_a(ThreadAction)))
    # ✍️ Write the answer before the other review buttons: same payload class, another use case.
    application.add_handler(CallbackQueryHandler(handover.prompt_review_answer, pattern=handover.is_write_button))
    application.add_handler(CallbackQueryHandler(staff.review_button, pattern=is_a(ReviewGroup)))
    application.add_handler(CallbackQueryHandler(staff.review_page, pattern=is_a(ReviewPage)))
    application.add_handler(CallbackQueryHandler(stale_button))  # last of the buttons: anything unknown

    application.add_handler(InlineQueryHandler(inline.answer_inline))

    # Replies to the bot's messages in private chats and the staff chat, before free text: a reply
    # may belong to an "Ask the team" thread or answer a /review prompt (else, privately, a question).
    reply_chats = filters.ChatType.PRIVATE
    if settings.staff_chat_id is not None:
        reply_chats = reply_chats | filters.Chat(settings.staff_chat_id)
    question_like = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.REPLY & question_like & reply_chats,
                                           handover.reply_to_bot))
    # Free text (and photo captions) last: in groups only what is addressed to the bot (mention or
    # reply), never chatter.
    application.add_handler(MessageHandler(NEW_MESSAGE & question_like & AddressedToBot(), questions.answer_question))
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE, unknown_command))
    # Anything else sent privately (photo without caption, voice, sticker, file): never silence.
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT, text_only))

    # The error handler logs first, then apologises when it can; the bot keeps running.
    application.add_error_handler(errors.handle_error)
