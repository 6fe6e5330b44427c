"""Browsing lists: which entries each section shows, in which order, a page at a time.

Pure functions over the knowledge base (no Telegram types), so they are tested directly.
"""
from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass

from bot.engine.result import Suggestion
from bot.handlers.strings import ui
from bot.knowledge import Actor, Event, Figure, KnowledgeBase, Objective, Speciality
from bot.replies import format_dates

PAGE_SIZE = 6


@dataclass(frozen=True)
class Page:
    section: str
    number: int  # 0-based
    count: int
    html: str
    items: tuple[Suggestion, ...]


def section_entries(section: str, knowledge: KnowledgeBase, today: dt.date) -> list:
    """The entries of a section: actors A-Z, events upcoming first (soonest first) then past
    (latest first), objectives in their order, the rest in knowledge-base order."""
    if section == "actors":
        return sorted(knowledge.of_type(Actor), key=lambda e: e.names[0].casefold())
    if section == "specialities":
        return list(knowledge.of_type(Speciality))
    if section == "events":
        return knowledge.events_by_date(today)
    if section == "objectives":
        return sorted(knowledge.of_type(Objective), key=lambda e: e.order)
    if section == "figures":
        return list(knowledge.of_type(Figure))
    raise ValueError(f"unknown section {section!r}")


def _line(entry, lang: str, today: dt.date) -> str:
    name = f"<b>{html.escape(entry.display(lang), quote=False)}</b>"
    if isinstance(entry, Event):
        where = ", ".join(p for p in (entry.city, entry.country.get(lang)) if p)
        status = ui(entry.status(today), lang)
        return f"• {name} — {format_dates(entry.start, entry.end, lang)}, {html.escape(where, quote=False)} ({status})"
    if isinstance(entry, Actor) and entry.city:
        return f"• {name} ({html.escape(entry.city, quote=False)})"
    if isinstance(entry, Objective):
        return f"{entry.order}. {html.escape(entry.text.get(lang), quote=False)}"
    if isinstance(entry, Figure):
        return f"• {html.escape(entry.text.get(lang), quote=False)}"
    return f"• {name}"


def _button_label(entry, lang: str, today: dt.date) -> str:
    if isinstance(entry, Event) and entry.status(today) == "past":
        return f"{entry.display(lang)} ({ui('past', lang)})"
    if isinstance(entry, Objective):
        return f"{entry.order}. {entry.display(lang)}"
    return entry.display(lang)


def page_of(section: str, number: int, knowledge: KnowledgeBase, lang: str, today: dt.date) -> Page:
    """Page `number` of a section (clamped to the pages that exist)."""
    entries = section_entries(section, knowledge, today)
    count = max(1, math.ceil(len(entries) / PAGE_SIZE))
    number = min(max(number, 0), count - 1)
    shown = entries[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
    title = f"title_{section}"
    if section == "events" and not any(e.status(today) != "past" for e in entries):
        title = "title_events_past"  # no "upcoming first" over a list of past events only
    lines = [ui(title, lang)]
    lines += [_line(e, lang, today) for e in shown]
    footer = ui("pick_one", lang)
    if count > 1:
        footer = f"{ui('page', lang, page=str(number + 1), pages=str(count))} · {footer}"
    lines += ["", footer]
    items = tuple(Suggestion(e.id, _button_label(e, lang, today)) for e in shown)
    return Page(section, number, count, "\n".join(lines), items)


def actors_working_on(speciality: Speciality, knowledge: KnowledgeBase, lang: str) -> tuple[Suggestion, ...]:
    """Who works on a speciality: the actors listing it, A-Z."""
    actors = sorted((knowledge.entries[i] for i in knowledge.actors_by_speciality.get(speciality.id, ())),
                    key=lambda a: a.display(lang).casefold())
    return tuple(Suggestion(a.id, a.display(lang)) for a in actors)
