"""The statistics page's figures for a period: tables (each downloadable as CSV) and their charts."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.console import charts
from bot.knowledge import KnowledgeBase
from db.models import OPEN

TOP = 10
MAX_DAYS = 366
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Table:
    name: str  # also the CSV file's name
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class Report:
    first_day: dt.date
    last_day: dt.date
    questions: int
    answered_rate: float | None
    open_questions: int
    tables: dict[str, Table]
    charts: dict[str, str]  # table name -> inline SVG


def period(query_from: str | None, query_to: str | None, today: dt.date, days: int = 7) -> tuple[dt.date, dt.date, bool]:
    """The period asked for (default: the last `days` days); False when the dates given were unusable."""
    try:
        last = dt.date.fromisoformat(query_to) if query_to else today
        first = dt.date.fromisoformat(query_from) if query_from else last - dt.timedelta(days=days - 1)
    except ValueError:
        return today - dt.timedelta(days=days - 1), today, False
    if first > last or (last - first).days >= MAX_DAYS:
        return today - dt.timedelta(days=days - 1), today, False
    return first, last, True


def build_report(log, knowledge: KnowledgeBase, first_day: dt.date, last_day: dt.date,  # type: ignore[no-untyped-def]
                 t: Callable[..., str]) -> Report:
    """Every table of the period, read through the question log's public methods, and its chart."""
    days = (last_day - first_day).days + 1
    stats = log.stats(last_day, days=days, top=TOP)
    logged = log.logged_between(first_day, last_day)
    feedback = log.feedback_by_entry(first_day, last_day)
    answered_langs = log.answered_by_lang(first_day, last_day)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def name(entry_id: str) -> str:
        entry = knowledge.get(entry_id)
        return entry.name if entry is not None else entry_id

    per_day = Table("per-day", (t("col_day"), t("answered"), t("clarify"), t("unanswered"), t("smalltalk"),
                                t("answered_rate")),
                    tuple((d.day.isoformat(), d.answered, d.clarify, d.unanswered, d.smalltalk,
                           _percent(d.answered / d.questions if d.questions else None)) for d in stats.days))
    top_entries = Table("top-entries", (t("col_entry"), t("col_name"), t("col_count")),
                        tuple((e, name(e), n) for e, n in stats.top_answered))
    in_period: list[tuple[str, str, int]] = []
    for group in log.review_groups(OPEN):
        asked = [q for q in group.questions if start <= q.asked_at < end]
        if asked:
            sample = Counter(q.text for q in asked).most_common(1)[0][0]
            in_period.append((group.key, sample, len(asked)))
    in_period.sort(key=lambda row: (-row[2], row[0]))
    top_groups = Table("top-unanswered", (t("col_group"), t("col_sample"), t("col_count")), tuple(in_period[:TOP]))
    ranked_feedback = sorted(feedback.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))[:TOP]
    feedback_table = Table("feedback", (t("col_entry"), t("col_name"), t("helpful"), t("not_helpful"), t("col_ratio")),
                           tuple((e, name(e), h, nh, _percent(h / (h + nh))) for e, (h, nh) in ranked_feedback))
    logged_langs = Counter(q.lang for q in logged)
    langs = Table("languages", (t("col_lang"), t("col_answered_langs"), t("col_logged"), t("col_count")),
                  tuple((lang, answered_langs.get(lang, 0), logged_langs.get(lang, 0),
                         answered_langs.get(lang, 0) + logged_langs.get(lang, 0))
                        for lang in sorted(set(answered_langs) | set(logged_langs))))
    channels = Table("channels", (t("col_channel"), t("col_logged")),
                     tuple(sorted(Counter(q.channel for q in logged).items(), key=lambda kv: (-kv[1], kv[0]))))

    labels = [d.day.strftime("%d/%m") for d in stats.days]
    rates = [None if not d.questions else round(100 * d.answered / d.questions, 1) for d in stats.days]
    svg = {
        "per-day": charts.per_day(t("chart_per_day"), labels, [
            (t("answered"), [d.answered for d in stats.days]), (t("clarify"), [d.clarify for d in stats.days]),
            (t("unanswered"), [d.unanswered for d in stats.days])]),
        "answered-rate": charts.rate(t("chart_answered_rate"), labels, t("answered_rate"), rates),
        "top-entries": charts.bars(t("chart_top_entries"), [(name(e), n) for e, n in stats.top_answered]),
        "top-unanswered": charts.bars(t("chart_top_unanswered"), [(s, n) for _k, s, n in top_groups.rows]),
        "feedback": charts.split_bars(t("chart_feedback"), [(name(e), h, nh) for e, (h, nh) in ranked_feedback],
                                      (t("helpful"), t("not_helpful"))),
        "languages": charts.bars(t("chart_languages"), [(str(r[0]), int(r[3])) for r in langs.rows]),  # type: ignore[call-overload]
        "channels": charts.bars(t("chart_channels"), [(str(c), int(n)) for c, n in channels.rows]),  # type: ignore[call-overload]
    }
    tables = {table.name: table for table in (per_day, top_entries, top_groups, feedback_table, langs, channels)}
    return Report(first_day, last_day, stats.questions, stats.answered_rate, stats.open_questions, tables, svg)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()

