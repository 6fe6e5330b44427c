"""Staff review in Telegram (/review, /link, /stats, /export) and privacy for everyone (/privacy,
/forget), plus the daily purge and the learned-alias refresh jobs. Thin over `db.log.QuestionLog`.

Staff are the user ids in STAFF_USER_IDS; `bot.handlers.register` lets the staff commands through in
private chats only. Every staff command and button goes through `staff_only`: anyone else gets a
polite refusal that says nothing about the log.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import html
import io
import logging
from collections.abc import Awaitable, Callable

from rapidfuzz import process
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.console.auth import issue_link
from bot.handlers.callbacks import ReviewGroup, ReviewPage, pressed
from bot.handlers.context import SERVICES, BotContext
from bot.handlers.delivery import send_html, unless_unchanged
from bot.handlers.strings import ui
from bot.knowledge import KnowledgeBase
from bot.reloading import follow_reloads, reload_everywhere
from db.log import Group, LogUnavailable, QuestionLog, Stats, UnknownQuestion
from db.models import OPEN

logger = logging.getLogger(__name__)

REVIEW_PAGE = 5  # groups shown per /review
SAMPLE_CHARS = 200  # a visitor's question, quoted to staff, is cut to this (it may be 4,096 characters)
ECHO_CHARS = 64  # what staff typed, quoted back in an error message
LINK_LABEL_CHARS = 40  # an entry's name on a Link button
PURGE_AT = dt.time(3, 17, tzinfo=dt.UTC)
RELOAD_PROBLEMS = 10  # knowledge-base problems listed in a /reload reply (the console lists them all)
ALIAS_REFRESH_S = 300  # other bot processes' links reach this one's engine within five minutes

StaffHandler = Callable[[Update, BotContext, QuestionLog], Awaitable[None]]


# --- rendering -------------------------------------------------------------------------------------

def excerpt(text: str, limit: int = SAMPLE_CHARS) -> str:
    """`text` cut to `limit` characters (an ellipsis marks the cut), then HTML-escaped."""
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return html.escape(text, quote=False)


def closest_entry_id(knowledge: KnowledgeBase, typed: str) -> str | None:
    """The entry id closest to a mistyped one (as `biovaliance-bot review link` suggests), if any is close."""
    found = process.extractOne(typed, list(knowledge.entries), score_cutoff=70)
    return found[0] if found else None


def _entry_name(knowledge: KnowledgeBase, entry_id: str) -> str:
    entry = knowledge.get(entry_id)
    return entry.name if entry is not None else entry_id


def render_group(group: Group, knowledge: KnowledgeBase, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """One review group for staff: counts, sample wordings (cut short), close entries, and its buttons."""
    lines = [ui("review_group", lang, group=group.key, count=group.count,
                last=group.last_asked.strftime("%d/%m %H:%M"), langs="/".join(group.langs))]
    lines += [f"« {excerpt(sample)} »" for sample in group.samples]
    if group.candidates:
        names = ", ".join(html.escape(_entry_name(knowledge, e), quote=False) for e in group.candidates)
        lines.append(ui("review_candidates", lang, entries=names))

    def button(label: str, action: ReviewGroup) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=action.data)

    rows = [[button(ui("review_link", lang, name=_entry_name(knowledge, e)[:LINK_LABEL_CHARS]),
                    ReviewGroup("link", group.id, e))]
            for e in group.candidates[:3] if e in knowledge.entries]
    rows.append([button(ui("review_write", lang), ReviewGroup("write", group.id))])
    rows.append([button(ui("review_other", lang), ReviewGroup("other", group.id))])
    rows.append([button(ui("review_dismiss", lang), ReviewGroup("dismiss", group.id)),
                 button(ui("review_resolve", lang), ReviewGroup("resolve", group.id))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_stats(stats: Stats, lang: str) -> str:
    """The /stats message: totals, one line per day, the most frequent unanswered questions (cut short)."""
    def percent(value: float | None) -> str:
        return "–" if value is None else f"{value * 100:.0f} %"

    body = ui("stats", lang, first=stats.first_day.strftime("%d/%m"), last=stats.last_day.strftime("%d/%m"),
              questions=stats.questions, rate=percent(stats.answered_rate), helpful=stats.helpful,
              not_helpful=stats.not_helpful, ratio=percent(stats.feedback_ratio), open=stats.open_questions)
    days = "\n".join(f"{d.day:%d/%m}  {d.questions:>4}  {d.answered:>4}  {d.unanswered:>4}  {d.clarify:>4}"
                     for d in stats.days)
    parts = [body, f"<pre>{ui('stats_columns', lang)}\n{days}</pre>"]
    if stats.top_unanswered:
        parts.append(ui("stats_top_unanswered", lang) + "\n" + "\n".join(
            f"{count}× « {excerpt(sample)} »" for sample, count in stats.top_unanswered[:5]))
    return "\n\n".join(parts)


# --- the staff preamble ----------------------------------------------------------------------------

async def _tell(update: Update, note: str, *, alert: bool = False) -> None:
    """Say `note` where the update came from: as a button's notification, or as a reply."""
    if update.callback_query is not None:
        await update.callback_query.answer(note, show_alert=alert)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_html(note)


def staff_only(handler: StaffHandler) -> Callable[[Update, BotContext], Awaitable[None]]:
    """Run `handler(update, context, log)` for staff only.

    Anyone else gets the refusal (nothing about the log); staff are told when logging is off, and
    when the database cannot be reached (so a button handler answers its query only after its last
    database call).
    """
    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user = update.effective_user
        lang = context.lang(user)
        if user is None or user.id not in context.services.settings.staff_user_ids:
            await _tell(update, ui("not_staff", lang))
            return
        log = context.services.question_log
        if log is None:
            await _tell(update, ui("log_off", lang))
            return
        try:
            await handler(update, context, log)
        except LogUnavailable as exc:
            logger.warning("%s: %s", handler.__name__, exc)
            await _tell(update, ui("db_down", lang), alert=True)
    return guarded


async def _learn_links(context: BotContext, log: QuestionLog) -> None:
    """Give the running engine exactly the learned aliases, so a link (or a /forget elsewhere)
    takes effect at once."""
    try:
        context.services.sync_aliases(await asyncio.to_thread(log.current_aliases))
    except LogUnavailable as exc:
        logger.warning("learned aliases not refreshed: %s", exc)


# --- staff commands and buttons ---------------------------------------------------------------------

@staff_only
async def show_review(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/review [PAGE]: the most frequent open groups, five at a time, with Link / Write the answer /
    Other / Dismiss / Resolved, and a button to the next five."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    page = 0
    if context.args and context.args[0].isdigit():
        page = max(int(context.args[0]) - 1, 0)
    groups, total = await asyncio.to_thread(log.review_page, OPEN, REVIEW_PAGE, page * REVIEW_PAGE)
    if not total:
        await message.reply_html(ui("review_empty", lang))
        return
    await message.reply_html(ui("review_head", lang, total=total))
    await _send_review_page(context, message.chat_id, groups, total, page, lang)


async def _send_review_page(context: BotContext, chat_id: int, shown: list[Group], total: int, page: int,
                            lang: str) -> None:
    if not shown:
        await context.bot.send_message(chat_id, ui("review_page_end", lang))
        return
    for group in shown:
        body, markup = render_group(group, context.services.knowledge, lang)
        await send_html(context.bot, chat_id, body, markup=markup)
    rest = total - (page + 1) * REVIEW_PAGE
    if rest > 0:
        more = InlineKeyboardMarkup([[InlineKeyboardButton(ui("review_next", lang, count=min(rest, REVIEW_PAGE)),
                                                           callback_data=ReviewPage(page + 1).data)]])
        await context.bot.send_message(chat_id, ui("review_more", lang, more=rest), reply_markup=more)


@staff_only
async def review_page(update: Update, context: BotContext, log: QuestionLog) -> None:
    """▶ Next groups: the next five, as new messages (read from the stored groups as they are now)."""
    query, action = pressed(update, ReviewPage)
    lang = context.lang(query.from_user)
    groups, total = await asyncio.to_thread(log.review_page, OPEN, REVIEW_PAGE, action.page * REVIEW_PAGE)
    await query.answer()
    if isinstance(query.message, Message):
        with unless_unchanged():
            await query.edit_message_reply_markup(None)  # one press per page
        await _send_review_page(context, query.message.chat.id, groups, total, action.page, lang)


@staff_only
async def review_button(update: Update, context: BotContext, log: QuestionLog) -> None:
    """A Link / Other entry / Dismiss / Resolved button under a review group."""
    query, action = pressed(update, ReviewGroup)
    lang = context.lang(query.from_user)
    if action.kind == "other":
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.reply_html(ui("review_type_link", lang, group=f"g{action.group}",
                                              example=next((e.id for e in context.services.knowledge if e.kind == "company"),
                                                           "entry-id")))
        return
    if action.entry is not None and action.entry not in context.services.knowledge.entries:
        await query.answer(ui("gone", lang))
        return
    done = await _apply(action, context, log, lang)
    await query.answer(None if done else ui("review_already", lang))
    if isinstance(query.message, Message):
        # The buttons give way to what happened to the group.
        note = done or ui("review_already", lang)
        await query.message.edit_text(f"{query.message.text_html}\n\n{note}", reply_markup=None)


async def _apply(action: ReviewGroup, context: BotContext, log: QuestionLog, lang: str) -> str | None:
    """Link, dismiss or resolve group g<N>; what was done, or None when someone handled it meanwhile."""
    key = f"g{action.group}"
    try:
        if (await asyncio.to_thread(log.group, key)).state != OPEN:
            return None
        if action.kind == "link":
            assert action.entry is not None
            count = await asyncio.to_thread(log.link, key, action.entry)
            await _learn_links(context, log)
            name = html.escape(_entry_name(context.services.knowledge, action.entry), quote=False)
            return ui("review_linked", lang, entry=name, count=count)
        if action.kind == "dismiss":
            return ui("review_dismissed", lang, count=await asyncio.to_thread(log.dismiss, key))
        return ui("review_resolved", lang, count=await asyncio.to_thread(log.resolve, key))
    except UnknownQuestion:  # its questions were purged or forgotten meanwhile
        return None


@staff_only
async def link_typed(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/link g12 entry-id: link a group to an entry staff type themselves."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    if len(context.args or ()) != 2:
        await message.reply_html(ui("link_usage", lang))
        return
    ref, entry_id = context.args[0], context.args[1].strip().lower()
    knowledge = context.services.knowledge
    if entry_id not in knowledge.entries:
        close = closest_entry_id(knowledge, entry_id)
        if close:
            await message.reply_html(ui("link_did_you_mean", lang, entry=excerpt(entry_id, ECHO_CHARS),
                                        close=html.escape(close, quote=False)))
        else:
            await message.reply_html(ui("link_unknown_entry", lang, entry=excerpt(entry_id, ECHO_CHARS)))
        return
    try:
        count = await asyncio.to_thread(log.link, ref, entry_id)
    except UnknownQuestion:
        await message.reply_html(ui("link_unknown_group", lang, ref=excerpt(ref, ECHO_CHARS)))
        return
    await _learn_links(context, log)
    name = html.escape(_entry_name(knowledge, entry_id), quote=False)
    await message.reply_html(ui("review_linked", lang, entry=name, count=count))


@staff_only
async def show_stats(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/stats: the last seven days."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    stats = await asyncio.to_thread(log.stats, context.services.today(), 7)
    await send_html(context.bot, message.chat_id, render_stats(stats, lang), reply_to=message)


@staff_only
async def send_export(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/export: every logged question as a CSV document."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None

    def export() -> tuple[bytes, int]:
        out = io.StringIO()
        rows = log.export_csv(out)
        return out.getvalue().encode("utf-8"), rows

    data, rows = await asyncio.to_thread(export)
    name = f"biovaliance-questions-{context.services.today().isoformat()}.csv"
    await message.reply_document(InputFile(io.BytesIO(data), filename=name),
                                 caption=ui("export_caption", lang, rows=rows))


@staff_only
async def send_console_link(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/console: a one-time sign-in link to the web console (single use, valid 10 minutes)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    url = issue_link(context.services.settings, user.id)
    await message.reply_html(ui("console_link", context.lang(user), url=html.escape(url)))


@staff_only
async def reload_knowledge(update: Update, context: BotContext, log: QuestionLog) -> None:
    """/reload: validate the YAML on disk and, if valid, use it here and in every other process."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    outcome = await asyncio.to_thread(reload_everywhere, context.services)
    if outcome.ok:
        await message.reply_html(ui("reload_done", lang, entries=outcome.entries))
        return
    problems = "\n".join(f"• {excerpt(str(p), SAMPLE_CHARS)}" for p in outcome.problems[:RELOAD_PROBLEMS])
    await send_html(context.bot, message.chat_id,
                    ui("reload_problems", lang, count=len(outcome.problems), problems=problems), reply_to=message)


# --- everyone ------------------------------------------------------------------------------------

async def show_privacy(update: Update, context: BotContext) -> None:
    """/privacy: what is stored and for how long."""
    message = update.effective_message
    assert message is not None
    lang = context.lang(update.effective_user)
    if context.services.question_log is None:
        await message.reply_html(ui("nothing_kept", lang))
        return
    await message.reply_html(ui("privacy", lang, days=context.services.settings.log_retention_days))


async def forget_me(update: Update, context: BotContext) -> None:
    """/forget: erase every question, feedback and "Ask the team" thread of the sender (an open
    thread ends, and its chat id goes with it)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = context.lang(user)
    log = context.services.question_log
    if user is not None:  # the conversation's context, in this process and in the database
        await context.forget_conversations(user)
    if log is None or user is None:
        await message.reply_html(ui("nothing_kept", lang))
        return
    key = log.user_key(user.id)
    try:
        count = await asyncio.to_thread(context.services.forget, key)  # every table, spools, the engine
        threads = await asyncio.to_thread(context.services.handover.forget, key) if context.services.handover else []
    except LogUnavailable:
        await message.reply_html(ui("db_down", lang))
        return
    await message.reply_html(ui("forgotten", lang, count=count + len(threads)))
    await _tell_staff_forgotten(context, threads)


async def _tell_staff_forgotten(context: BotContext, threads: list) -> None:
    """The staff group learns that the visitor's open threads are gone (nothing about who)."""
    for thread in threads:
        if thread.state == "open" and thread.header_message_id:
            try:
                await send_html(context.bot, thread.staff_chat_id,
                                ui("thread_forgotten", context.services.settings.default_lang),
                                reply_to_id=thread.header_message_id, topic_id=thread.staff_topic_id)
            except TelegramError as exc:
                logger.info("could not tell the staff chat about a forgotten thread: %s", exc)


# --- jobs ------------------------------------------------------------------------------------------

async def purge_daily(context: BotContext) -> None:
    """Delete what is older than LOG_RETENTION_DAYS."""
    log = context.services.question_log
    if log is None:
        return
    days = context.services.settings.log_retention_days
    try:
        count = await asyncio.to_thread(log.purge, days)
        if context.services.handover is not None:
            cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
            count += await asyncio.to_thread(context.services.handover.purge, cutoff)
    except LogUnavailable as exc:
        logger.warning("daily purge postponed to tomorrow: %s", exc)
        return
    logger.info("daily purge: %d record(s) older than %d days deleted", count, days)


async def refresh_aliases(context: BotContext) -> None:
    """Learn links made by staff through another bot process or the command line."""
    log = context.services.question_log
    if log is not None:
        await _learn_links(context, log)


async def follow_knowledge(context: BotContext) -> None:
    """Use the knowledge base another process reloaded (web console, /reload elsewhere, SIGHUP)."""
    await asyncio.to_thread(follow_reloads, context.services)


def schedule_jobs(application: Application) -> None:
    """The daily purge, the learned-alias refresh and the knowledge-reload poll (when the job queue
    is installed)."""
    if application.job_queue is not None:
        every = application.bot_data[SERVICES].settings.knowledge_poll_seconds
        application.job_queue.run_repeating(follow_knowledge, interval=every, first=every, name="follow-knowledge")
        application.job_queue.run_daily(purge_daily, time=PURGE_AT, name="purge-question-log")
        application.job_queue.run_repeating(refresh_aliases, interval=ALIAS_REFRESH_S, first=ALIAS_REFRESH_S,
                                            name="refresh-learned-aliases")
