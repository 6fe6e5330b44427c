"""Inline mode: `@botname question` in any chat offers answer cards to send there.

Inline queries arrive with each keystroke, so they are not logged: only questions asked to the
bot directly reach the question log.
"""
from __future__ import annotations

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ParseMode

from bot.engine.result import Status, Suggestion
from bot.handlers.context import BotContext
from bot.handlers.delivery import split_html
from bot.handlers.listing import section_entries
from bot.handlers.strings import ui
from bot.replies import Reply, render_card

MAX_CARDS = 8


def _article(result_id: str, reply: Reply, title: str | None = None) -> InlineQueryResultArticle:
    lines = [line.strip() for line in reply.text.splitlines() if line.strip()]
    heading = title or (lines[0] if lines else "…")
    description = " ".join(lines[1:])[:200]
    return InlineQueryResultArticle(
        id=result_id[:64], title=heading[:120], description=description or None,
        input_message_content=InputTextMessageContent(split_html(reply.html)[0], parse_mode=ParseMode.HTML),
    )


async def answer_inline(update: Update, context: BotContext) -> None:
    query = update.inline_query
    assert query is not None
    services = context.services
    knowledge, today = services.knowledge, services.today()
    lang = context.lang(query.from_user)
    text = query.query.strip()
    articles: list[InlineQueryResultArticle] = []
    cards: list[Suggestion] = []
    if text:
        result = services.answer(text, lang_hint=lang, today=today)
        lang = result.lang
        reply = services.reply(result, today=today)
        if result.status == Status.ANSWERED:
            articles.append(_article(f"answer:{result.entry or result.intent}", reply))
        cards = list(reply.buttons)
    else:
        # Nothing typed yet: the initiative, then the events to come.
        cards = [Suggestion(knowledge.initiative.id, knowledge.initiative.display(lang))]
        cards += [Suggestion(e.id, e.display(lang)) for e in section_entries("events", knowledge, today) if e.end >= today]
    seen = {a.id for a in articles}
    for suggestion in cards[:MAX_CARDS]:
        entry = knowledge.get(suggestion.entry)
        if entry is None or f"card:{entry.id}" in seen:
            continue
        seen.add(f"card:{entry.id}")
        articles.append(_article(f"card:{entry.id}", render_card(entry, knowledge, lang, today), title=entry.display(lang)))
    button = None
    if not articles:
        button = InlineQueryResultsButton(text=ui("inline_no_answer", lang), start_parameter="help")
    # Answers depend on the user's language, so Telegram must not share them between users.
    await query.answer(articles, cache_time=60, is_personal=True, button=button)
