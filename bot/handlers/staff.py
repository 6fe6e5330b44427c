"""Staff review in Telegram (/review, /link, /stats, /export) and privacy for everyone (/privacy,
/forget), plus the daily purge and the learned-alias refresh jobs. Thin over `db.log.QuestionLog`.

Staff are the user ids in STAFF_USER_IDS, and staff commands only work in a private chat with the
bot; anyone else gets a polite refusal that says nothing about the log.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import io
import logging
import re
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.handlers.context import BotContext
from db.log import Group, LogUnavailable, QuestionLog, Stats, UnknownQuestion

logger = logging.getLogger(__name__)

REVIEW_PAGE = 5  # groups shown per /review
PURGE_AT = dt.time(3, 17, tzinfo=dt.UTC)
ALIAS_REFRESH_S = 300  # other bot processes' links reach this one's engine within five minutes
MAX_CALLBACK_BYTES = 64
NEW_MESSAGE = filters.UpdateType.MESSAGE

STRINGS: dict[str, dict[str, str]] = {
    "not_staff": {"fr": "Désolé, cette commande est réservée à l'équipe BIOVALIANCE.",
                  "en": "Sorry, this command is for the BIOVALIANCE team only."},
    "log_off": {"fr": "Le journal des questions est désactivé.", "en": "The question log is turned off."},
    "db_down": {"fr": "La base de données est injoignable pour le moment ; réessayez plus tard.",
                "en": "The database cannot be reached right now; please try again later."},
    "nothing": {"fr": "Aucune question en attente de revue. 🎉", "en": "No questions waiting for review. 🎉"},
    "review_head": {"fr": "<b>{total} groupe(s) de questions à revoir</b>, les plus fréquents d'abord :",
                    "en": "<b>{total} group(s) of questions to review</b>, most frequent first:"},
    "review_more": {"fr": "… et {more} autre(s) : /review à nouveau après traitement, ou "
                          "<code>biovaliance-bot review list</code>.",
                    "en": "… and {more} more: /review again once these are done, or "
                          "<code>biovaliance-bot review list</code>."},
    "group": {"fr": "<b>{key}</b> · {count}× · dernière fois le {last} UTC · {langs}",
              "en": "<b>{key}</b> · {count}× · last asked {last} UTC · {langs}"},
    "candidates": {"fr": "Fiches proches : {entries}", "en": "Close entries: {entries}"},
    "link_to": {"fr": "🔗 {name}", "en": "🔗 {name}"},
    "other_entry": {"fr": "✏️ Autre fiche", "en": "✏️ Other entry"},
    "dismiss": {"fr": "🗑 Ignorer", "en": "🗑 Dismiss"},
    "resolved": {"fr": "✅ Traité", "en": "✅ Resolved"},
    "type_link": {"fr": "Envoyez <code>/link {key} identifiant-de-fiche</code> (par ex. <code>/link {key} rd-biotech</code>).",
                  "en": "Send <code>/link {key} entry-id</code> (for example <code>/link {key} rd-biotech</code>)."},
    "link_usage": {"fr": "Usage : <code>/link g12 identifiant-de-fiche</code>",
                   "en": "Usage: <code>/link g12 entry-id</code>"},
    "unknown_entry": {"fr": "Aucune fiche « {entry} » dans la base de connaissances.",
                      "en": "No entry “{entry}” in the knowledge base."},
    "unknown_group": {"fr": "Groupe ou question introuvable : {ref}.", "en": "No such group or question: {ref}."},
    "already": {"fr": "Déjà traité.", "en": "Already handled."},
    "done_link": {"fr": "🔗 Relié à <b>{entry}</b> ({count} question(s)) : ces formulations sont apprises.",
                  "en": "🔗 Linked to <b>{entry}</b> ({count} question(s)): these phrasings are learned."},
    "done_dismiss": {"fr": "🗑 Ignoré ({count} question(s)) : elles ne reviendront pas en revue.",
                     "en": "🗑 Dismissed ({count} question(s)): they will not come back to review."},
    "done_resolve": {"fr": "✅ Marqué traité ({count} question(s)).", "en": "✅ Marked resolved ({count} question(s))."},
    "export_caption": {"fr": "Journal des questions ({rows} lignes).", "en": "Question log ({rows} rows)."},
    "stats": {
        "fr": "<b>Statistiques du {first} au {last}</b> (UTC)\nQuestions : {questions} · répondues : {rate}\n"
              "Avis : {helpful} 👍 / {not_helpful} 👎 ({ratio} utiles)\nEn attente de revue : {open}",
        "en": "<b>Statistics, {first} to {last}</b> (UTC)\nQuestions: {questions} · answered: {rate}\n"
              "Feedback: {helpful} 👍 / {not_helpful} 👎 ({ratio} helpful)\nWaiting for review: {open}",
    },
    "top_unanswered": {"fr": "<b>Sans réponse, les plus fréquentes</b>", "en": "<b>Most frequent unanswered</b>"},
    "privacy": {
        "fr": "<b>Vos données</b>\n"
              "• Quand je ne sais pas répondre (ou dois vous faire préciser), je garde votre question pour que "
              "l'équipe l'étudie : le texte, la langue, l'heure, le type de conversation, et une clé pseudonyme "
              "calculée à partir de votre compte. Jamais votre identifiant Telegram, votre nom ni votre pseudo.\n"
              "• Vos avis 👍/👎 sont gardés avec la même clé.\n"
              "• Les questions auxquelles je réponds ne sont que comptées (par jour et par fiche), sans leur texte.\n"
              "• Tout cela est effacé au bout de {days} jours.\n"
              "• /forget efface tout de suite ce qui est lié à vous. Une formulation que l'équipe a ajoutée à la "
              "base de connaissances y reste, sans aucun lien avec vous.",
        "en": "<b>Your data</b>\n"
              "• When I cannot answer (or need you to be more precise), I keep your question for the team to "
              "study: its text, language, time, the kind of chat, and a pseudonymous key derived from your "
              "account. Never your Telegram id, name or username.\n"
              "• Your 👍/👎 feedback is kept with the same key.\n"
              "• Questions I answer are only counted (per day and per entry), their text is not kept.\n"
              "• All of it is deleted after {days} days.\n"
              "• /forget erases everything linked to you right away. A phrasing the team added to the knowledge "
              "base stays there, with no link to you.",
    },
    "forgotten": {"fr": "C'est fait : {count} élément(s) lié(s) à vous ont été effacés.",
                  "en": "Done: {count} record(s) linked to you were erased."},
    "nothing_kept": {"fr": "Je ne garde aucune donnée sur vous.", "en": "I keep no data about you."},
}


def text(key: str, lang: str, **values: object) -> str:
    template = STRINGS[key]["fr" if lang == "fr" else "en"]
    return template.format(**values) if values else template


# --- button payloads ---------------------------------------------------------------------------

ReviewKind = Literal["link", "other", "dismiss", "resolve"]
_CODES: dict[ReviewKind, str] = {"link": "l", "other": "o", "dismiss": "d", "resolve": "r"}
_KINDS = {code: kind for kind, code in _CODES.items()}
_REVIEW_DATA = re.compile(r"rv:([lodr]):(\d{1,12})(?::([a-z0-9][a-z0-9-]{0,40}))?")


@dataclass(frozen=True)
class ReviewAction:
    """A review button: what to do with group g<group> (and, to link, which entry)."""

    kind: ReviewKind
    group: int
    entry: str | None = None

    @property
    def data(self) -> str:
        data = f"rv:{_CODES[self.kind]}:{self.group}" + (f":{self.entry}" if self.entry else "")
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data


def parse_review(data: object) -> ReviewAction | None:
    if not isinstance(data, str):
        return None
    match = _REVIEW_DATA.fullmatch(data)
    if not match or (match[1] == "l") != (match[3] is not None):
        return None
    return ReviewAction(_KINDS[match[1]], int(match[2]), match[3])


# --- helpers -------------------------------------------------------------------------------------

def _is_staff(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.settings.staff_user_ids


async def _staff_log(update: Update, context: BotContext) -> QuestionLog | None:
    """The question log if the sender is staff, after replying with the reason otherwise."""
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    if not _is_staff(update, context):
        await message.reply_html(text("not_staff", lang))
        return None
    log = context.services.question_log
    if log is None:
        await message.reply_html(text("log_off", lang))
    return log


def _entry_name(context: BotContext, entry_id: str) -> str:
    entry = context.services.knowledge.get(entry_id)
    return entry.name if entry is not None else entry_id


def _teach_engine(context: BotContext, aliases: list[tuple[str, str]]) -> None:
    """Give the running engine every learned alias (idempotent), so links take effect at once."""
    knowledge, engine = context.services.knowledge, context.services.engine
    for phrase, entry_id in aliases:
        if entry_id in knowledge.entries:
            engine.learn_alias(phrase, entry_id)


def render_group(group: Group, context: BotContext, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    lines = [text("group", lang, key=group.key, count=group.count, last=group.last_asked.strftime("%d/%m %H:%M"),
                  langs="/".join(group.langs))]
    lines += [f"« {html.escape(sample, quote=False)} »" for sample in group.samples]
    if group.candidates:
        names = ", ".join(html.escape(_entry_name(context, e), quote=False) for e in group.candidates)
        lines.append(text("candidates", lang, entries=names))
    link_buttons = []
    for entry_id in group.candidates[:3]:
        if entry_id in context.services.knowledge.entries:
            label = _entry_name(context, entry_id)
            link_buttons.append(InlineKeyboardButton(text("link_to", lang, name=label[:40]),
                                                     callback_data=ReviewAction("link", group.id, entry_id).data))
    rows = [[b] for b in link_buttons]
    rows.append([InlineKeyboardButton(text("other_entry", lang), callback_data=ReviewAction("other", group.id).data)])
    rows.append([InlineKeyboardButton(text("dismiss", lang), callback_data=ReviewAction("dismiss", group.id).data),
                 InlineKeyboardButton(text("resolved", lang), callback_data=ReviewAction("resolve", group.id).data)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_stats(stats: Stats, lang: str) -> str:
    def percent(value: float | None) -> str:
        return "–" if value is None else f"{value * 100:.0f} %"

    body = text("stats", lang, first=stats.first_day.strftime("%d/%m"), last=stats.last_day.strftime("%d/%m"),
                questions=stats.questions, rate=percent(stats.answered_rate), helpful=stats.helpful,
                not_helpful=stats.not_helpful, ratio=percent(stats.feedback_ratio), open=stats.open_questions)
    days = "\n".join(f"{d.day:%d/%m}  {d.questions:>4}  {d.answered:>4}  {d.unanswered:>4}  {d.clarify:>4}"
                     for d in stats.days)
    header = "jour     q   rép  sans  préc" if lang == "fr" else "day      q   ans  none  clar"
    parts = [body, f"<pre>{header}\n{days}</pre>"]
    if stats.top_unanswered:
        parts.append(text("top_unanswered", lang) + "\n" + "\n".join(
            f"{count}× « {html.escape(sample, quote=False)} »" for sample, count in stats.top_unanswered[:5]))
    return "\n\n".join(parts)


# --- staff commands ---------------------------------------------------------------------------------

async def show_review(update: Update, context: BotContext) -> None:
    """/review: the most frequent open groups, one message each, with Link / Dismiss / Resolved."""
    log = await _staff_log(update, context)
    if log is None:
        return
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    try:
        groups = await asyncio.to_thread(log.groups)
    except LogUnavailable:
        await message.reply_html(text("db_down", lang))
        return
    if not groups:
        await message.reply_html(text("nothing", lang))
        return
    await message.reply_html(text("review_head", lang, total=len(groups)))
    for group in groups[:REVIEW_PAGE]:
        body, markup = render_group(group, context, lang)
        await message.reply_html(body, reply_markup=markup, do_quote=False)
    if len(groups) > REVIEW_PAGE:
        await message.reply_html(text("review_more", lang, more=len(groups) - REVIEW_PAGE), do_quote=False)


async def review_button(update: Update, context: BotContext) -> None:
    """A Link / Other / Dismiss / Resolved button under a group."""
    query = update.callback_query
    assert query is not None
    lang = context.lang(query.from_user)
    action = parse_review(query.data)
    log = context.services.question_log
    if action is None or not _is_staff(update, context) or log is None:
        await query.answer(text("not_staff", lang) if not _is_staff(update, context) else None)
        return
    key = f"g{action.group}"
    if action.kind == "other":
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.reply_html(text("type_link", lang, key=key))
        return
    try:
        group = await asyncio.to_thread(log.group, key)
        if group.state != "open":
            await query.answer(text("already", lang))
            await _close_buttons(query.message, text("already", lang))
            return
        if action.kind == "link":
            count = await asyncio.to_thread(log.link, key, action.entry)
            _teach_engine(context, await asyncio.to_thread(log.learned_aliases))
            done = text("done_link", lang, entry=html.escape(_entry_name(context, action.entry), quote=False), count=count)
        elif action.kind == "dismiss":
            done = text("done_dismiss", lang, count=await asyncio.to_thread(log.dismiss, key))
        else:
            done = text("done_resolve", lang, count=await asyncio.to_thread(log.resolve, key))
    except LogUnavailable:
        await query.answer(text("db_down", lang), show_alert=True)
        return
    except UnknownQuestion:
        await query.answer(text("already", lang))
        await _close_buttons(query.message, text("already", lang))
        return
    await query.answer()
    await _close_buttons(query.message, done)


async def _close_buttons(message: object, note: str) -> None:
    """Replace a group's buttons by what happened to it."""
    if isinstance(message, Message):
        await message.edit_text(f"{message.text_html}\n\n{note}", reply_markup=None)


async def link_typed(update: Update, context: BotContext) -> None:
    """/link g12 entry-id: link a group to an entry staff type themselves."""
    log = await _staff_log(update, context)
    if log is None:
        return
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    if len(context.args or ()) != 2:
        await message.reply_html(text("link_usage", lang))
        return
    ref, entry_id = context.args[0], context.args[1].strip().lower()
    if entry_id not in context.services.knowledge.entries:
        await message.reply_html(text("unknown_entry", lang, entry=html.escape(entry_id, quote=False)))
        return
    try:
        count = await asyncio.to_thread(log.link, ref, entry_id)
        _teach_engine(context, await asyncio.to_thread(log.learned_aliases))
    except UnknownQuestion:
        await message.reply_html(text("unknown_group", lang, ref=html.escape(ref, quote=False)))
        return
    except LogUnavailable:
        await message.reply_html(text("db_down", lang))
        return
    await message.reply_html(text("done_link", lang, entry=html.escape(_entry_name(context, entry_id), quote=False),
                                  count=count))


async def show_stats(update: Update, context: BotContext) -> None:
    """/stats: the last seven days."""
    log = await _staff_log(update, context)
    if log is None:
        return
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None
    try:
        stats = await asyncio.to_thread(log.stats, context.services.today(), 7)
    except LogUnavailable:
        await message.reply_html(text("db_down", lang))
        return
    await message.reply_html(render_stats(stats, lang))


async def send_export(update: Update, context: BotContext) -> None:
    """/export: every logged question as a CSV document."""
    log = await _staff_log(update, context)
    if log is None:
        return
    message, lang = update.effective_message, context.lang(update.effective_user)
    assert message is not None

    def export() -> tuple[bytes, int]:
        out = io.StringIO()
        rows = log.export_csv(out)
        return out.getvalue().encode("utf-8"), rows

    try:
        data, rows = await asyncio.to_thread(export)
    except LogUnavailable:
        await message.reply_html(text("db_down", lang))
        return
    name = f"biovaliance-questions-{context.services.today().isoformat()}.csv"
    await message.reply_document(InputFile(io.BytesIO(data), filename=name),
                                 caption=text("export_caption", lang, rows=rows))


# --- everyone ------------------------------------------------------------------------------------

async def show_privacy(update: Update, context: BotContext) -> None:
    """/privacy: what is stored and for how long."""
    message = update.effective_message
    assert message is not None
    lang = context.lang(update.effective_user)
    if context.services.question_log is None:
        await message.reply_html(text("nothing_kept", lang))
        return
    await message.reply_html(text("privacy", lang, days=context.services.settings.log_retention_days))


async def forget_me(update: Update, context: BotContext) -> None:
    """/forget: erase every question and feedback of the sender."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = context.lang(user)
    log = context.services.question_log
    if log is None or user is None:
        await message.reply_html(text("nothing_kept", lang))
        return
    try:
        count = await asyncio.to_thread(log.forget, log.user_key(user.id))
    except LogUnavailable:
        await message.reply_html(text("db_down", lang))
        return
    await message.reply_html(text("forgotten", lang, count=count))


# --- jobs ------------------------------------------------------------------------------------------

async def purge_daily(context: BotContext) -> None:
    """Delete what is older than LOG_RETENTION_DAYS."""
    log = context.services.question_log
    if log is None:
        return
    days = context.services.settings.log_retention_days
    try:
        count = await asyncio.to_thread(log.purge, days)
    except LogUnavailable as exc:
        logger.warning("daily purge postponed to tomorrow: %s", exc)
        return
    logger.info("daily purge: %d record(s) older than %d days deleted", count, days)


async def refresh_aliases(context: BotContext) -> None:
    """Learn links made by staff through another bot process or the command line."""
    log = context.services.question_log
    if log is not None:
        _teach_engine(context, await asyncio.to_thread(log.learned_aliases))


def register(application: Application) -> None:
    """Staff and privacy commands, review buttons, and the jobs. Call before any catch-all handler."""
    private = NEW_MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("review", show_review, filters=private))
    application.add_handler(CommandHandler("link", link_typed, filters=private))
    application.add_handler(CommandHandler("stats", show_stats, filters=private))
    application.add_handler(CommandHandler("export", send_export, filters=private))
    application.add_handler(CommandHandler("privacy", show_privacy, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("forget", forget_me, filters=NEW_MESSAGE))
    application.add_handler(CallbackQueryHandler(review_button, pattern=lambda data: parse_review(data) is not None))
    if application.job_queue is not None:
        application.job_queue.run_daily(purge_daily, time=PURGE_AT, name="purge-question-log")
        application.job_queue.run_repeating(refresh_aliases, interval=ALIAS_REFRESH_S, first=ALIAS_REFRESH_S,
                                            name="refresh-learned-aliases")
