"""Staff commands: db upgrade, review, stats, aliases export, purge. Thin over `db.log.QuestionLog`.

Each handler takes (args, services) and returns an exit code: 0 done, 1 the database or a file
could not be used, 2 the command was wrong (unknown group, unknown entry, logging turned off).
Errors are one line on standard error, never a traceback. The --json formats are documented in
the README's staff guide and kept stable. Output goes to `args.stdout` / `args.stderr` when the caller sets
them (the main command line does, for in-process use), else to sys.stdout / sys.stderr.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

import yaml
from rapidfuzz import process

from bot.text import normalise
from db.states import OPEN, STATES

if TYPE_CHECKING:
    from db.log import Group, QuestionLog

Handler = Callable[[argparse.Namespace, Any], int]


class Streams(NamedTuple):
    out: TextIO
    err: TextIO


class _UsageError(Exception):
    """A mistake in the command: exit code 2."""


def _positive(most: int) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 to `most`, in ASCII digits (int() takes '١٢')."""
    def parse(value: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", value.strip(), re.ASCII) or not 1 <= int(value) <= most:
            raise argparse.ArgumentTypeError(f"{value[:20]!r} is not a whole number from 1 to {most}")
        return int(value)
    return parse


def _one_line(text: str) -> str:
    """A logged question on one line: newlines and other control characters shown as spaces."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]+", " ", text)


def _staff_command(handler: Callable[[argparse.Namespace, Any, QuestionLog, Streams], int]) -> Handler:
    """Give the handler the question log and output streams; expected failures become one-line errors."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, services: Any) -> int:
        io = Streams(getattr(args, "stdout", None) or sys.stdout, getattr(args, "stderr", None) or sys.stderr)

        def fail(message: str, code: int) -> int:
            print(f"error: {message}", file=io.err)
            return code

        log = getattr(services, "question_log", None)
        if log is None:
            return fail("the question log is turned off for this command", 2)
        from db.log import LogUnavailable, UnknownQuestion  # SQLAlchemy only for the commands that use it

        try:
            return handler(args, services, log, io)
        except LogUnavailable as exc:
            return fail(str(exc), 1)
        except UnknownQuestion as exc:
            return fail(f"{exc.args[0]}; see `biovaliance-bot review list`", 2)
        except _UsageError as exc:
            return fail(str(exc), 2)
        except OSError as exc:
            return fail(f"{exc.filename or 'file'}: {exc.strerror or exc}", 1)

    return run


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --- handlers ------------------------------------------------------------------------------------

@_staff_command
def db_upgrade(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    revision = log.upgrade()
    print(f"database schema at revision {revision} (latest)", file=io.out)
    return 0


def _format_group(group: Group) -> str:
    last = group.last_asked.strftime("%Y-%m-%d %H:%M UTC")
    candidates = f"  candidates: {', '.join(group.candidates)}" if group.candidates else ""
    lines = [f"{group.key:<7} {group.count:>4}x  last {last}  [{'/'.join(group.langs)}]{candidates}"]
    lines += [f"        « {_one_line(sample)} »" for sample in group.samples]
    return "\n".join(lines)


@_staff_command
def review_list(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    groups = log.groups(status=args.status, limit=args.limit)
    if args.json:
        _print_json({"status": args.status, "groups": [g.to_json() for g in groups]}, io.out)
        return 0
    if not groups:
        print(f"no {args.status} questions", file=io.out)
        return 0
    print("\n".join(_format_group(g) for g in groups), file=io.out)
    return 0


def _check_entry(services: Any, entry_id: str) -> None:
    entries = services.knowledge.entries
    if entry_id in entries:
        return
    close = process.extractOne(entry_id, list(entries), score_cutoff=70)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise _UsageError(f"unknown entry {entry_id!r}{hint}")


@_staff_command
def review_link(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    _check_entry(services, args.entry)
    count = log.link(args.ref, args.entry)
    print(f"linked {count} question(s) to {args.entry}; their phrasings are now learned aliases", file=io.out)
    return 0


@_staff_command
def review_dismiss(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    count = log.dismiss(args.ref)
    print(f"dismissed {count} question(s); the same questions will not come back to review", file=io.out)
    return 0


@_staff_command
def review_resolve(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    count = log.resolve(args.ref)
    print(f"marked {count} question(s) resolved", file=io.out)
    return 0


@_staff_command
def review_export(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    if args.csv == "-":
        log.export_csv(io.out)
        return 0
    with open(args.csv, "w", encoding="utf-8", newline="") as out:
        rows = log.export_csv(out)
    print(f"exported {rows} question(s) to {args.csv}", file=io.out)
    return 0


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


@_staff_command
def stats(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    figures = log.stats(services.today(), days=args.days)
    if args.json:
        _print_json(figures.to_json(), io.out)
        return 0
    print(f"{figures.first_day} to {figures.last_day} (UTC): {figures.questions} question(s), "
          f"answered {_percent(figures.answered_rate)}", file=io.out)
    columns = "{:<12}{:>10}{:>10}{:>12}{:>9}{:>11}"
    print(columns.format("day", "questions", "answered", "unanswered", "clarify", "smalltalk"), file=io.out)
    for d in figures.days:
        print(columns.format(d.day.isoformat(), d.questions, d.answered, d.unanswered, d.clarify, d.smalltalk),
              file=io.out)
    if figures.top_unanswered:
        print("top unanswered:", file=io.out)
        for text, count in figures.top_unanswered:
            print(f"  {count:>4}  {_one_line(text)}", file=io.out)
    print(f"feedback: {figures.helpful} helpful, {figures.not_helpful} not helpful "
          f"({_percent(figures.feedback_ratio)} helpful)", file=io.out)
    print(f"open questions awaiting review: {figures.open_questions}", file=io.out)
    return 0


@_staff_command
def aliases_export(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    entries = services.knowledge.entries
    export = []
    for entry_id, phrases in sorted(log.aliases_by_entry().items()):
        entry = entries.get(entry_id)
        if entry is None:
            print(f"warning: skipped aliases of {entry_id!r}, no longer in the knowledge base", file=io.err)
            continue
        known = {normalise(name) for name in entry.all_names()}
        new = []
        for phrase in phrases:
            key = normalise(phrase)
            if key and key not in known:
                known.add(key)
                new.append(phrase)
        if new:
            export.append({"id": entry_id, "aliases": new})
    return _write_yaml(export, args.output, io, f"aliases of {len(export)} entr{'y' if len(export) == 1 else 'ies'}")


def _store(services: Any) -> Any:
    store = getattr(services, "handover", None)
    if store is None:
        raise _UsageError("the question log is turned off for this command")
    return store


# The sentence before an answer's text in the language staff did not write (as the bot says it).
OTHER_LANG_NOTE = {"fr": "L'équipe a écrit cette réponse en anglais :", "en": "The team wrote this answer in French:"}


@_staff_command
def answers_list(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    answers = _store(services).answers()
    if args.json:
        _print_json({"answers": [{"id": f"A{a.id}", "source": a.source, "texts": a.texts,
                                  "phrasings": list(a.phrasings)} for a in answers]}, io.out)
        return 0
    if not answers:
        print("no staff answers", file=io.out)
        return 0
    for a in answers:
        print(f"A{a.id:<5} {a.source}  [{'/'.join(sorted(a.texts))}]", file=io.out)
        for phrase in a.phrasings:
            print(f"        « {phrase} »", file=io.out)
        for lang, text in sorted(a.texts.items()):
            print(f"        {lang}: {text}", file=io.out)
    return 0


def _answer_id(ref: str) -> int:
    match = re.fullmatch(r"\s*[Aa]?(\d{1,12})\s*", ref)
    if not match:
        raise _UsageError(f"{ref!r} is not a staff answer id (A3 or 3); see `biovaliance-bot answers list`")
    return int(match.group(1))


@_staff_command
def answers_delete(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    answer_id = _answer_id(args.ref)
    if not _store(services).delete_answer(answer_id):
        raise _UsageError(f"no staff answer A{answer_id}; see `biovaliance-bot answers list`")
    print(f"deleted staff answer A{answer_id}; running bots stop using it within seconds", file=io.out)
    return 0


@_staff_command
def answers_export(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    from bot.staff_answers import StaffAnswer, as_entry

    entries = []
    for a in _store(services).answers():
        entry = as_entry(StaffAnswer(a.id, a.texts, a.source, a.phrasings), other_lang_note=OTHER_LANG_NOTE)
        dumped = entry.model_dump(mode="json", exclude_defaults=True)
        entries.append({"id": dumped.pop("id"), "kind": entry.kind, **dumped})
    return _write_yaml(entries, args.output, io, f"{len(entries)} staff answer(s)")


def _write_yaml(items: list, output: str | None, io, what: str) -> int:
    """`items` as YAML to the file `output` (saying so), or to standard output for none or "-"."""
    text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=1000) if items else "[]\n"
    if output and output != "-":
        with open(output, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"wrote {what} to {output}", file=io.out)
    else:
        io.out.write(text)
    return 0


@_staff_command
def purge(args: argparse.Namespace, services: Any, log: QuestionLog, io: Streams) -> int:
    days = services.settings.log_retention_days
    count = log.purge(days)
    print(f"purged {count} record(s) older than {days} days (LOG_RETENTION_DAYS)", file=io.out)
    return 0


# --- registration ----------------------------------------------------------------------------------

def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the staff commands to the main parser; each sets `func(args, services) -> int`.

    The main command line builds the services once and passes them to `args.func`.
    """
    db = subparsers.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    db_commands.add_parser("upgrade", help="apply pending database migrations (also done at start)") \
        .set_defaults(func=db_upgrade)

    review = subparsers.add_parser("review", help="review questions the bot could not answer")
    review_commands = review.add_subparsers(dest="review_command", metavar="COMMAND", required=True)
    listing = review_commands.add_parser("list", help="questions grouped by similarity, most frequent first")
    listing.add_argument("--status", choices=STATES, default=OPEN, help="review state to list (default: open)")
    listing.add_argument("--limit", type=_positive(1_000_000), default=None, help="show at most this many groups")
    listing.add_argument("--json", action="store_true", help="print JSON (format in the README's staff guide)")
    listing.set_defaults(func=review_list)
    ref_help = "g<ID> for a whole group (as listed), or a plain question id"
    link = review_commands.add_parser("link", help="answer a group with an entry: its phrasings become aliases")
    link.add_argument("ref", metavar="GROUP_OR_ID", help=ref_help)
    link.add_argument("entry", metavar="ENTRY", help="id of a knowledge base entry")
    link.set_defaults(func=review_link)
    dismiss = review_commands.add_parser("dismiss", help="set a group aside; it never comes back to review")
    dismiss.add_argument("ref", metavar="GROUP_OR_ID", help=ref_help)
    dismiss.set_defaults(func=review_dismiss)
    resolve = review_commands.add_parser("resolve", help="mark a group handled, without learning an alias")
    resolve.add_argument("ref", metavar="GROUP_OR_ID", help=ref_help)
    resolve.set_defaults(func=review_resolve)
    export = review_commands.add_parser("export", help="write every logged question as CSV")
    export.add_argument("--csv", required=True, metavar="FILE", help="file to write ('-' for standard output)")
    export.set_defaults(func=review_export)

    stats_parser = subparsers.add_parser("stats", help="questions per day, answered rate, top unanswered, feedback")
    stats_parser.add_argument("--days", type=_positive(3650), default=7, help="how many days, ending today (default 7)")
    stats_parser.add_argument("--json", action="store_true", help="print JSON (format in the README's staff guide)")
    stats_parser.set_defaults(func=stats)

    aliases = subparsers.add_parser("aliases", help="learned aliases")
    aliases_commands = aliases.add_subparsers(dest="aliases_command", metavar="COMMAND", required=True)
    aliases_out = aliases_commands.add_parser("export", help="learned aliases as YAML to merge into knowledge/")
    aliases_out.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    aliases_out.set_defaults(func=aliases_export)

    answers = subparsers.add_parser("answers", help="answers written by staff (Telegram: Save as answer)")
    answers_commands = answers.add_subparsers(dest="answers_command", metavar="COMMAND", required=True)
    answers_listing = answers_commands.add_parser("list", help="every staff answer, its phrasings and texts")
    answers_listing.add_argument("--json", action="store_true", help="print JSON (format in the README's staff guide)")
    answers_listing.set_defaults(func=answers_list)
    answers_del = answers_commands.add_parser("delete", help="delete a staff answer; bots stop using it")
    answers_del.add_argument("ref", metavar="ANSWER", help="A<ID> as listed (or the plain id)")
    answers_del.set_defaults(func=answers_delete)
    answers_out = answers_commands.add_parser("export", help="staff answers as knowledge-base YAML entries")
    answers_out.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    answers_out.set_defaults(func=answers_export)

    subparsers.add_parser("purge", help="delete logged questions older than LOG_RETENTION_DAYS") \
        .set_defaults(func=purge)
