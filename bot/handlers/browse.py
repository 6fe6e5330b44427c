"""Browsing: /actors, /specialities, /events, /objectives, /figures, their pages, entry cards and
an event's calendar file."""
from __future__ import annotations

import datetime as dt
import html

from telegram import InputFile, Update

from bot.handlers import keyboards
from bot.handlers.callbacks import OpenSection, SendCalendar, ShowCard, ShowMenu, ShowPage, pressed
from bot.handlers.context import BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.listing import actors_working_on, page_of
from bot.handlers.strings import ui
from bot.ics import calendar_file_name, event_calendar
from bot.knowledge import Event, Speciality
from bot.replies import render_card

# Command -> section; the French names work too, though only the English ones are in the menu.
SECTION_COMMANDS = {
    "actors": "actors", "acteurs": "actors",
    "specialities": "specialities", "specialties": "specialities", "specialites": "specialities",
    "events": "events", "evenements": "events", "agenda": "events",
    "objectives": "objectives", "objectifs": "objectives",
    "figures": "figures", "chiffres": "figures",
}


async def send_page(context: BotContext, chat_id: int, target: ShowPage | OpenSection, lang: str) -> None:
    services = context.services
    number = target.page if isinstance(target, ShowPage) else 0
    page = page_of(target.section, number, services.knowledge, lang, services.today())
    await send_html(context.bot, chat_id, page.html,
                    markup=keyboards.for_page(page.section, page.number, page.count, page.items, lang))


async def send_card(context: BotContext, chat_id: int, entry_id: str, lang: str, *,
                    back: ShowPage | None = None) -> None:
    """An entry's card, with buttons to related entries (and who works on a speciality), "Add to
    my calendar" under an event still to come, ◀ Back to the list it came from, and 🏠 Menu."""
    services = context.services
    entry = services.knowledge.get(entry_id)
    if entry is None:
        await context.bot.send_message(chat_id, ui("gone", lang))
        return
    reply = render_card(entry, services.knowledge, lang, services.today())
    text, buttons = reply.html, list(reply.buttons)
    if isinstance(entry, Speciality):
        workers = actors_working_on(entry, services.knowledge, lang)
        if workers:
            names = ", ".join(html.escape(s.label, quote=False) for s in workers)
            who = ui("who_works_on", lang, name=html.escape(entry.display(lang), quote=False)) + " " + names
            body, _, source = text.rpartition("\n\n")  # the card ends with its sources: keep them last
            text = f"{body}\n\n{who}\n\n{source}" if body else f"{text}\n\n{who}"
            buttons = list(workers) + [b for b in buttons if b not in workers]
    upcoming = isinstance(entry, Event) and entry.status(services.today()) != "past"
    markup = keyboards.for_card(buttons, lang=lang, calendar_for=entry.id if upcoming else None, back=back)
    await send_html(context.bot, chat_id, text, markup=markup)


async def show_section(update: Update, context: BotContext) -> None:
    """/actors and its siblings: the first page of the list."""
    message = update.effective_message
    assert message is not None and message.text
    command = message.text.split()[0][1:].split("@")[0].lower()
    section = SECTION_COMMANDS[command]
    await send_page(context, message.chat_id, OpenSection(section), context.lang(update.effective_user))  # type: ignore[arg-type]


async def open_section(update: Update, context: BotContext) -> None:
    """A menu button: the section's first page, as a new message under the menu."""
    query, action = pressed(update, OpenSection)
    assert query.message is not None
    await query.answer()
    await send_page(context, query.message.chat.id, action, context.lang(query.from_user))


async def turn_page(update: Update, context: BotContext) -> None:
    """Previous / Next: redraw the same message at the other page."""
    query, action = pressed(update, ShowPage)
    await query.answer()
    lang = context.lang(query.from_user)
    services = context.services
    page = page_of(action.section, action.page, services.knowledge, lang, services.today())
    with unless_unchanged():
        await query.edit_message_text(page.html,
                                      reply_markup=keyboards.for_page(page.section, page.number, page.count, page.items, lang))


async def show_card(update: Update, context: BotContext) -> None:
    """An entry button (list item, related entry, or a clarify suggestion): the entry's card."""
    query, action = pressed(update, ShowCard)
    assert query.message is not None
    await query.answer()
    if context.debounce.first(("card", query.message.chat.id, query.from_user.id, action.entry)):
        await send_card(context, query.message.chat.id, action.entry, context.lang(query.from_user), back=action.back)


async def show_menu(update: Update, context: BotContext) -> None:
    """🏠 Menu: the main menu as a new message."""
    query, _ = pressed(update, ShowMenu)
    assert query.message is not None
    await query.answer()
    lang = context.lang(query.from_user)
    await context.bot.send_message(query.message.chat.id, ui("menu_prompt", lang), reply_markup=keyboards.main_menu(lang))


async def send_calendar(update: Update, context: BotContext) -> None:
    """"Add to my calendar": the event as an .ics file."""
    query, action = pressed(update, SendCalendar)
    assert query.message is not None
    lang = context.lang(query.from_user)
    event = context.services.knowledge.get(action.entry)
    if not isinstance(event, Event):
        await query.answer(ui("gone", lang), show_alert=True)
        return
    await query.answer()
    data = event_calendar(event, lang, stamp=dt.datetime.now(dt.timezone.utc), sources=context.services.knowledge.sources)
    await context.bot.send_document(
        query.message.chat.id, InputFile(data, filename=calendar_file_name(event)),
        caption=ui("calendar_caption", lang, name=html.escape(event.display(lang), quote=False)),
    )
