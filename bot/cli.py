"""Command line: chat, ask, validate, run, and the staff commands. Thin over the same services."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from bot import cli_staff
from bot.config import ConfigError, Settings
from bot.engine import Result
from bot.engine.result import Focus, Status
from bot.knowledge import KnowledgeError, load_general_vocabulary, load_knowledge
from bot.logs import configured_logging
from bot.replies import render_card
from bot.services import Services, build_services

log = logging.getLogger("bot")


def result_json(result: Result, text: str) -> dict:
    """The JSON contract of `ask --json` / `--jsonl`: other tools rely on these exact keys."""
    return {
        "question": result.question,
        "status": result.status.value,
        "lang": result.lang,
        "text": text,
        "entry": result.entry,
        "score": result.score,
        "suggestions": [{"entry": s.entry, "label": s.label} for s in result.suggestions],
        "focus": list(result.focus.entries),
    }


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-12-02") from None


def _ask_one(services: Services, question: str, lang: str | None, today: dt.date,
             focus: Focus | None = None) -> tuple[Result, str]:
    """One question through the services: a staff-written answer wins (status `answered`, entry
    `staff-answer-<id>`), as in Telegram; staff answers exist only with the question log on."""
    asked = services.ask(question, lang_hint=lang, today=today, focus=focus)
    result = asked.result
    if asked.staff is not None:
        from bot.handlers.staff_replies import render_staff_answer_text  # the Telegram layer: only when needed

        result = dataclasses.replace(result, status=Status.ANSWERED, intent="staff_answer", suggestions=(),
                                     entry=f"staff-answer-{asked.staff.answer.id}", score=asked.staff.score)
        text = render_staff_answer_text(asked.staff.answer, result.lang)
    logged = False
    if services.question_log is not None:  # kept nowhere (database and spool failed): no promise
        logged = services.question_log.record(result, channel="cli").kept
    if asked.staff is None:
        text = services.reply(result, today=today, passed_on=logged).text
    return result, text


def cmd_ask(args: argparse.Namespace, services: Services, stdin: TextIO, stdout: TextIO) -> int:
    today = args.today or services.today()
    if args.jsonl:
        focus, lang = Focus(), args.lang
        for line in stdin:
            question = line.rstrip("\n")
            if args.dialogue and not question.strip():  # a blank line starts a new conversation
                focus, lang = Focus(), args.lang
                continue
            result, text = _ask_one(services, question, lang, today, focus if args.dialogue else None)
            if args.dialogue:
                focus, lang = result.focus, result.lang
            stdout.write(json.dumps(result_json(result, text), ensure_ascii=False) + "\n")
            stdout.flush()
        return 0
    if args.question is None:
        print("ask: give a QUESTION, or --jsonl to read questions from standard input", file=sys.stderr)
        return 2
    result, text = _ask_one(services, args.question, args.lang, today)
    stdout.write((json.dumps(result_json(result, text), ensure_ascii=False) if args.json else text) + "\n")
    return 0


CHOOSE_HINT = {"fr": "(tapez 1 à {n} pour choisir)", "en": "(type 1 to {n} to choose)"}


def cmd_chat(args: argparse.Namespace, services: Services, stdin: TextIO, stdout: TextIO) -> int:
    lang = args.lang or services.settings.default_lang
    today = args.today or services.today()
    name = services.knowledge.vocabulary.assistant.name
    intro = {"fr": f"Assistant {name} (console). Posez une question ; « quit » pour sortir.",
             "en": f"{name} assistant (console). Ask a question; 'quit' to leave."}
    stdout.write(intro[lang] + "\n")
    focus = Focus()
    choices: dict[str, str] = {}
    interactive = stdin is sys.stdin and stdin.isatty()
    if interactive:
        import readline  # noqa: F401  (arrow keys and history for input())
    while True:
        if interactive:
            try:
                line = input("> ")
            except EOFError:
                return 0
        else:
            line = stdin.readline()
            if not line:
                return 0
        if line.strip().lower() in ("quit", "exit", "q", "quitter"):
            return 0
        line = line.strip()
        if not line:
            continue
        if line in choices:  # the number of a "did you mean" suggestion
            text = render_card(services.knowledge.entries[choices[line]], services.knowledge, lang, today).text
            choices = {}
        else:
            result, text = _ask_one(services, line, lang, today, focus)
            lang, focus = result.lang, result.focus
            choices = {str(i): s.entry for i, s in enumerate(result.suggestions, 1)} if result.suggestions else {}
            if len(choices) > 1:
                text += "\n" + CHOOSE_HINT[lang].format(n=len(choices))
        stdout.write(text + "\n\n")
        stdout.flush()


def cmd_validate(directory: str | Path, stdout: TextIO) -> int:
    try:
        knowledge = load_knowledge(directory, load_general_vocabulary())
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    stdout.write(f"knowledge base is valid: {len(knowledge)} entries\n")
    return 0


def cmd_run(args: argparse.Namespace, services: Services) -> int:
    from bot.app import run_bot  # Telegram is only imported when the bot really runs

    if not services.settings.telegram_bot_token:
        print("run: set TELEGRAM_BOT_TOKEN (see README)", file=sys.stderr)
        return 2
    from telegram.error import InvalidToken

    try:
        run_bot(services, webhook=args.webhook)
    except InvalidToken:  # its message holds the token itself: never print it
        print("run: Telegram rejected TELEGRAM_BOT_TOKEN; check it with BotFather", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_console_link(staff_id: int, settings: Settings, stdout: TextIO) -> int:
    """Print a one-time sign-in link (valid 10 minutes) for a staff member, e.g. the first time."""
    from bot.console.auth import issue_link

    try:
        url = issue_link(settings, staff_id)
    except PermissionError:
        print(f"console link: {staff_id} is not in STAFF_USER_IDS", file=sys.stderr)
        return 2
    stdout.write(url + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="biovaliance-bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=("fr", "en"), help="language to use when the question does not tell")
        p.add_argument("--today", type=_date, help="pretend today is this date (YYYY-MM-DD)")
        p.add_argument("--no-log", action="store_true", help="do not log unanswered questions")

    chat = sub.add_parser("chat", help="interactive console chat")
    common(chat)
    ask = sub.add_parser("ask", help="answer one question, or one per line of standard input")
    ask.add_argument("question", nargs="?")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="read questions from standard input, print JSON lines")
    ask.add_argument("--dialogue", action="store_true",
                     help="with --jsonl: consecutive lines are one conversation, a blank line starts a new one")
    common(ask)
    validate = sub.add_parser("validate", help="check the knowledge base and list every problem")
    validate.add_argument("directory", nargs="?")
    run = sub.add_parser("run", help="run the Telegram bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")

    console = sub.add_parser("console", help="serve the staff web console (or print a sign-in link)")
    console_commands = console.add_subparsers(dest="console_command", metavar="COMMAND")
    link = console_commands.add_parser("link", help="print a one-time sign-in link for a staff member")
    link.add_argument("staff_id", type=int, metavar="STAFF_ID", help="a Telegram user id in STAFF_USER_IDS")

    cli_staff.register(sub)
    return parser


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None,
         stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    env = os.environ if env is None else env
    if stdin is None:
        sys.stdin.reconfigure(errors="replace")  # a stray non-UTF-8 byte must not end a batch
        stdin = sys.stdin
    stdout = stdout or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.telegram_bot_token else "chat")
    # The bot logs its activity; console commands only warnings, so their output stays readable.
    quiet = logging.INFO if command in ("run", "console") else logging.WARNING
    with configured_logging(logging.DEBUG if args.verbose else quiet,
                            secrets=(settings.telegram_bot_token, settings.webhook_secret, settings.pseudonym_secret)):
        return _run_command(command, args, parser, settings, stdin, stdout)


def _run_command(command: str, args: argparse.Namespace, parser: argparse.ArgumentParser, settings: Settings,
                 stdin: TextIO, stdout: TextIO) -> int:
    if command == "validate":
        return cmd_validate(args.directory or settings.knowledge_dir, stdout)
    if command == "console" and args.console_command == "link":
        return cmd_console_link(args.staff_id, settings, stdout)
    if args.command is None:
        args = parser.parse_args([command])
    try:
        services = build_services(settings, log_questions=not getattr(args, "no_log", False))
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("the knowledge base is invalid: fix it, then run `biovaliance-bot validate`", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        if command == "ask":
            return cmd_ask(args, services, stdin, stdout)
        if command == "chat":
            return cmd_chat(args, services, stdin, stdout)
        if command == "run":
            return cmd_run(args, services)
        if command == "console":
            from bot.console.server import serve  # the web stack is only imported when it is served

            serve(services)
            return 0
        args.stdout, args.stderr = stdout, sys.stderr
        return args.func(args, services)
    except KeyboardInterrupt:
        return 130
    finally:
        if services.question_log is not None:
            services.question_log.close()


if __name__ == "__main__":
    sys.exit(main())
