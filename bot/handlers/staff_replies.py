"""A staff-written answer as the visitor reads it: the team's text, in the visitor's language when
staff wrote it (else the other, saying so), and where it comes from. Strings in `strings.ui`."""
from __future__ import annotations

import datetime as dt
import html
import re

from bot.handlers.strings import ui
from bot.staff_answers import StaffAnswer


def _source(answer: StaffAnswer, lang: str) -> str:
    """"<name> team, 2026-11-30" said in the reader's language."""
    team, _, date = answer.source.rpartition(" team, ")
    try:
        day = dt.date.fromisoformat(date.strip())
    except ValueError:
        return html.escape(answer.source, quote=False)
    return ui("source_team", lang, assistant=html.escape(team, quote=False),
              date=day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat())


def render_staff_answer(answer: StaffAnswer, lang: str) -> str:
    """Telegram HTML; the staff text is escaped."""
    written_in, text = answer.text_for(lang)
    body = html.escape(text, quote=False)
    if written_in != lang:
        body = ui("staff_answer_other_lang", lang) + body
    return ui("staff_answer", lang, text=body, source=_source(answer, lang))


def render_staff_answer_text(answer: StaffAnswer, lang: str) -> str:
    """The same reply as plain text (console, `ask --json`)."""
    return html.unescape(re.sub(r"</?[a-z]+>", "", render_staff_answer(answer, lang)))
