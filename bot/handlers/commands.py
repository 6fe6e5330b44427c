"""/start (with deep links), /help, /lang, /about, and the per-language command menu."""
from __future__ import annotations

import html
import re

import logging

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from bot.handlers import keyboards
from bot.handlers.browse import SECTION_COMMANDS, send_card, send_page
from bot.handlers.callbacks import ChooseLanguage, SECTIONS, ShowCard, ShowPage, pressed
from bot.handlers.context import SERVICES, BotContext
from bot.handlers.delivery import send_html
from bot.handlers.strings import PUBLIC_COMMANDS, STAFF_COMMANDS, ui
from bot.knowledge import KnowledgeBase
from bot.replies import format_date, render_card
from bot.text import detect_language

logger = logging.getLogger(__name__)

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KIND_PREFIXES = ("actor", "event", "speciality", "specialty", "objective", "figure", "person", "entry")
_SECTION_WORDS = {"actor": "actors", "event": "events", "speciality": "specialities", "specialty": "specialities",
                  "specialties": "specialities", "objective": "objectives", "figure": "figures"}


def deep_link_target(payload: str, knowledge: KnowledgeBase) -> ShowPage | ShowCard | None:
    """What `/start <payload>` opens: `events` (a list), `actor-<id>` or `<id>` (a card)."""
    if not _PAYLOAD.fullmatch(payload):
        return None
    word = payload.lower().replace("_", "-")
    section = SECTION_COMMANDS.get(word) or _SECTION_WORDS.get(word, word)  # French words too: evenements, agenda
    if section in SECTIONS:
        return ShowPage(section)  # type: ignore[arg-type]
    if word in knowledge.entries:
        return ShowCard(word)
    kind, _, rest = word.partition("-")
    if kind in _KIND_PREFIXES and rest in knowledge.entries:
        return ShowCard(rest)
    return None


def welcome_html(first_name: str | None, lang: str, knowledge: KnowledgeBase) -> str:
    """The welcome, in the knowledge base's own words (its assistant's name, scope and examples)."""
    name = first_name or ("à vous" if lang == "fr" else "there")
    assistant = knowledge.vocabulary.assistant
    quote = ("« {} »" if lang == "fr" else '"{}"').format
    examples = ", ".join(quote(html.escape(e, quote=False)) for e in assistant.examples.get(lang, ())[:2])
    return ui("welcome", lang, name=html.escape(name, quote=False), assistant=html.escape(assistant.name, quote=False),
              scope=html.escape(assistant.scope.get(lang), quote=False), examples=examples)


async def start(update: Update, context: BotContext) -> None:
    """Welcome and menu; with a deep-link payload, then the list or card it names."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = context.lang(user)
    await context.reset_conversation(user, message.chat_id)
    target = deep_link_target(context.args[0], context.services.knowledge) if context.args else None
    welcome = welcome_html(user.first_name if user else None, lang, context.services.knowledge)
    if target is None:
        await message.reply_html(welcome, reply_markup=keyboards.main_menu(lang))
        return
    await message.reply_html(welcome)
    if isinstance(target, ShowPage):
        await send_page(context, message.chat_id, target, lang)
    else:
        await send_card(context, message.chat_id, target.entry, lang)


def _examples(knowledge: KnowledgeBase, lang: str, count: int = 3) -> list[str]:
    """Example questions from the knowledge base, in the user's language, one per entry."""
    found = []
    for entry in knowledge:
        example = next((q for q in entry.examples if detect_language(q, "") == lang), None)
        if example:
            found.append(example)
        if len(found) == count:
            break
    return found


async def show_help(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    lang = context.lang(update.effective_user)
    commands = "\n".join(f"/{name} — {ui('cmd_' + name, lang)}" for name in PUBLIC_COMMANDS)
    examples = "\n".join(f"• {html.escape(q, quote=False)}" for q in _examples(context.services.knowledge, lang))
    mention = "@" + html.escape(context.bot.username or "", quote=False)
    await message.reply_html(ui("help", lang, commands=commands, examples=examples or "—", mention=mention,
                                assistant=html.escape(context.services.knowledge.vocabulary.assistant.name, quote=False)),
                             reply_markup=keyboards.main_menu(lang))


async def choose_language(update: Update, context: BotContext) -> None:
    """/lang en, /lang fr, or /lang alone to pick with buttons."""
    message = update.effective_message
    assert message is not None
    wanted = context.args[0].lower()[:2] if context.args else ""
    if wanted in ("fr", "en"):
        await context.choose_lang(update.effective_user, wanted)
        await message.reply_html(ui("lang_set", wanted), reply_markup=keyboards.main_menu(wanted))
        return
    await message.reply_html(ui("lang_prompt", context.lang(update.effective_user)),
                             reply_markup=keyboards.language_choice())


async def language_chosen(update: Update, context: BotContext) -> None:
    """A language button: remember the choice and redraw the message in that language."""
    query, action = pressed(update, ChooseLanguage)
    if action.lang is None:
        await query.answer()
        await query.edit_message_text(ui("lang_prompt", context.lang(update.effective_user)),
                                      reply_markup=keyboards.language_choice())
        return
    await context.choose_lang(query.from_user, action.lang)
    await query.answer(ui("lang_set", action.lang))
    await query.edit_message_text(welcome_html(query.from_user.first_name, action.lang, context.services.knowledge),
                                  reply_markup=keyboards.main_menu(action.lang))


async def about(update: Update, context: BotContext) -> None:
    """The initiative, and the sources every answer comes from."""
    message = update.effective_message
    assert message is not None
    lang = context.lang(update.effective_user)
    services = context.services
    card = render_card(services.knowledge.initiative, services.knowledge, lang, services.today())
    sources = "\n".join(f"• {html.escape(source.citation(lang, format_date(source.date, lang)), quote=False)}"
                         for source in services.knowledge.sources.values())
    await send_html(context.bot, message.chat_id, ui("about", lang, card=card.html, sources=sources),
                    reply_to=message)


async def show_menu_for_text(update: Update, context: BotContext) -> None:
    """"help", "menu", "start" typed as words: the menu, in the visitor's language (one word does
    not say which language they read)."""
    message = update.effective_message
    assert message is not None
    lang = context.lang(update.effective_user)
    await message.reply_html(ui("menu_prompt", lang), reply_markup=keyboards.main_menu(lang))


async def publish_commands(application: Application) -> None:
    """The command menu in French and English, and in the default language for everyone else;
    staff chats (each staff member's private chat, the staff group) also list the staff commands.

    Called from post_init, once the bot is initialised.
    """
    settings = application.bot_data[SERVICES].settings
    default = settings.default_lang
    for lang in ("fr", "en", None):
        shown = lang or default
        commands = [BotCommand(name, ui("cmd_" + name, shown)) for name in PUBLIC_COMMANDS]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=lang)
    staff_chats = sorted(settings.staff_user_ids) + ([settings.staff_chat_id] if settings.staff_chat_id else [])
    for chat_id in staff_chats:
        for lang in ("fr", "en", None):
            shown = lang or default
            commands = [BotCommand(name, ui("cmd_" + name, shown)) for name in PUBLIC_COMMANDS + STAFF_COMMANDS]
            try:
                await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id), language_code=lang)
            except (BadRequest, Forbidden) as exc:
                # A staff member who never opened a chat with the bot: their menu comes at the next start.
                logger.info("staff command menu not set for one staff chat: %s", exc)
                break
