"""Thin Telegram adapters over the engine, one module per concern, registered here in order."""
from __future__ import annotations

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

from bot.handlers import browse, commands, errors, flood, inline, questions, staff
from bot.handlers.addressing import AddressedToBot
from bot.handlers.callbacks import (
    ChooseLanguage,
    GiveFeedback,
    OpenSection,
    ReviewGroup,
    SendCalendar,
    ShowCard,
    ShowPage,
    is_a,
)
from bot.handlers.context import BotContext
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
    await update.effective_message.reply_html(ui("text_only", context.lang(update.effective_user)))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an older version of the bot: answer it so the user's button stops spinning."""
    assert update.callback_query is not None
    await update.callback_query.answer(ui("gone", context.lang(update.effective_user)))


def register(application: Application) -> None:
    """Every handler of the bot, in the order python-telegram-bot tries them."""
    # Group -1 runs before everything else: a flooding user's update stops here.
    application.add_handler(TypeHandler(Update, flood.guard_flood), group=-1)

    # Commands. CommandHandler ignores "/start@otherbot", so groups with several bots are safe.
    application.add_handler(CommandHandler("start", commands.start, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("help", commands.show_help, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("lang", commands.choose_language, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("about", commands.about, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler(list(browse.SECTION_COMMANDS), browse.show_section, filters=NEW_MESSAGE))
    # Staff review: private chats only (ignored in groups); staff.staff_only refuses anyone else.
    staff_chat = NEW_MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("review", staff.show_review, filters=staff_chat))
    application.add_handler(CommandHandler("link", staff.link_typed, filters=staff_chat))
    application.add_handler(CommandHandler("stats", staff.show_stats, filters=staff_chat))
    application.add_handler(CommandHandler("export", staff.send_export, filters=staff_chat))
    application.add_handler(CommandHandler("console", staff.send_console_link, filters=staff_chat))
    application.add_handler(CommandHandler("reload", staff.reload_knowledge, filters=staff_chat))
    application.add_handler(CommandHandler("privacy", staff.show_privacy, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("forget", staff.forget_me, filters=NEW_MESSAGE))
    staff.schedule_jobs(application)  # the daily purge, the learned-alias refresh, following reloads

    # Buttons: one handler per kind of payload; every one answers its callback query.
    application.add_handler(CallbackQueryHandler(browse.open_section, pattern=is_a(OpenSection)))
    application.add_handler(CallbackQueryHandler(browse.turn_page, pattern=is_a(ShowPage)))
    application.add_handler(CallbackQueryHandler(browse.show_card, pattern=is_a(ShowCard)))
    application.add_handler(CallbackQueryHandler(browse.send_calendar, pattern=is_a(SendCalendar)))
    application.add_handler(CallbackQueryHandler(questions.record_feedback, pattern=is_a(GiveFeedback)))
    application.add_handler(CallbackQueryHandler(commands.language_chosen, pattern=is_a(ChooseLanguage)))
    application.add_handler(CallbackQueryHandler(staff.review_button, pattern=is_a(ReviewGroup)))
    application.add_handler(CallbackQueryHandler(stale_button))  # last of the buttons: anything unknown

    application.add_handler(InlineQueryHandler(inline.answer_inline))

    # Free text last: in groups only what is addressed to the bot (mention or reply), never chatter.
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.TEXT & ~filters.COMMAND & AddressedToBot(),
                                           questions.answer_question))
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE, unknown_command))
    # Anything else sent privately (photo, voice, sticker, file): never silence.
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT, text_only))

    # The error handler logs first, then apologises when it can; the bot keeps running.
    application.add_error_handler(errors.handle_error)
