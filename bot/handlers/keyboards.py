"""Inline keyboards: the main menu, entry buttons, paging, feedback and calendar rows."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.result import Result, Status, Suggestion
from bot.handlers.callbacks import (AskTeam, ChooseLanguage, GiveFeedback, OpenSection, SendCalendar, ShowCard, ShowMenu,
                                   ShowPage)
from bot.handlers.strings import ui

MAX_LABEL = 60


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def main_menu(lang: str) -> InlineKeyboardMarkup:
    """Actors, Specialities, Events, Objectives, Key figures, Language."""
    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(ui(key, lang), callback_data=data)
    other = "en" if lang == "fr" else "fr"
    return InlineKeyboardMarkup([
        [button("menu_actors", OpenSection("actors").data), button("menu_specialities", OpenSection("specialities").data)],
        [button("menu_events", OpenSection("events").data), button("menu_objectives", OpenSection("objectives").data)],
        [button("menu_figures", OpenSection("figures").data), button("menu_language", ChooseLanguage(other).data)],
    ])


def language_choice() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("🇫🇷 Français", callback_data=ChooseLanguage("fr").data),
                                  InlineKeyboardButton("🇬🇧 English", callback_data=ChooseLanguage("en").data)]])


def entry_rows(suggestions: Iterable[Suggestion]) -> list[list[InlineKeyboardButton]]:
    """One button per entry, two per row when the labels are short."""
    buttons = [InlineKeyboardButton(_label(s.label), callback_data=ShowCard(s.entry).data) for s in suggestions]
    if all(len(b.text) <= 22 for b in buttons):
        return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return [[b] for b in buttons]


def feedback_row(entry: str | None, lang: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(ui("helpful", lang), callback_data=GiveFeedback(True, entry).data),
            InlineKeyboardButton(ui("not_helpful", lang), callback_data=GiveFeedback(False, entry).data)]


def is_feedback_row(row: Sequence[InlineKeyboardButton]) -> bool:
    return any(isinstance(b.callback_data, str) and b.callback_data.startswith("fb:") for b in row)


def ask_team_row(lang: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(ui("ask_team", lang), callback_data=AskTeam().data)]


def for_result(result: Result, buttons: Sequence[Suggestion], *, ask_team: bool = False) -> InlineKeyboardMarkup | None:
    """Under an answer: its related entries, then Helpful / Not helpful; under a clarify: the choices;
    under a decline or a clarify, "Ask the team" when a staff group is set up."""
    rows = entry_rows(buttons)
    if result.status == Status.ANSWERED:
        rows.append(feedback_row(result.entry, result.lang))
    if ask_team:
        rows.append(ask_team_row(result.lang))
    return _markup(rows)


def ask_team_consent(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(ui("ask_team_send", lang), callback_data=AskTeam("send").data),
                                  InlineKeyboardButton(ui("ask_team_cancel", lang), callback_data=AskTeam("cancel").data)]])


def for_card(buttons: Sequence[Suggestion], *, lang: str, calendar_for: str | None = None,
             back: ShowPage | None = None) -> InlineKeyboardMarkup:
    """Under an entry card: "Add to my calendar" for an event to come, its related entries, then
    ◀ Back (to the list it was opened from) and 🏠 Menu."""
    rows = []
    if calendar_for:
        rows.append([InlineKeyboardButton(ui("add_to_calendar", lang), callback_data=SendCalendar(calendar_for).data)])
    rows += entry_rows(buttons)
    last = [InlineKeyboardButton(ui("back", lang), callback_data=back.data)] if back else []
    last.append(InlineKeyboardButton(ui("menu_home", lang), callback_data=ShowMenu().data))
    rows.append(last)
    markup = _markup(rows)
    assert markup is not None
    return markup


def for_page(section: str, page: int, pages: int, items: Sequence[Suggestion], lang: str) -> InlineKeyboardMarkup | None:
    """One page of a list: a button per entry, then Previous / Next."""
    here = ShowPage(section, page)  # type: ignore[arg-type]
    rows = [[InlineKeyboardButton(_label(s.label), callback_data=ShowCard(s.entry, back=here).data)] for s in items]
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton(ui("previous", lang), callback_data=ShowPage(section, page - 1).data))  # type: ignore[arg-type]
    if page < pages - 1:
        paging.append(InlineKeyboardButton(ui("next", lang), callback_data=ShowPage(section, page + 1).data))  # type: ignore[arg-type]
    rows.append(paging)
    return _markup(rows)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard once feedback is given: the other buttons stay usable."""
    if markup is None:
        return None
    return _markup(row for row in markup.inline_keyboard if not is_feedback_row(row))
