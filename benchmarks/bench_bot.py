"""Replies per second and latency of the Telegram bot, end to end, with 1 and 50 simulated users.

The real Application (bot.app.build_application) polls the local Bot API emulator from the test
suite; each simulated user sends a question, waits for the reply, and sends the next (a closed
loop, like people typing). Rate limiter and flood guard are off for the measurement: they are
there to slow the bot down on purpose. Baselines measured in the same run:

* engine + render alone (no Telegram at all): the ceiling set by answering;
* emulator round trip alone: a bare telegram.Bot calling sendMessage, 1 and 50 at once: the
  ceiling set by HTTP and python-telegram-bot's (de)serialisation.

A profiled run of the 50-user scenario then splits the CPU time by component, to name the
bottleneck. Everything runs in one process and one event loop (users, bot and server), so the
emulator's own work is part of the figures; the profile shows how much.

    .venv/bin/python benchmarks/bench_bot.py [--questions 200] [--users 50] [--per-user 20]
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import logging
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.app import Tuning  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.replies import render  # noqa: E402
from bot.services import Services, build_services  # noqa: E402
from botapi_emulator import BotApiEmulator, FakeUser  # noqa: E402
from telegram_harness import TODAY, bot_settings, running_bot  # noqa: E402

BENCH_TUNING = Tuning(rate_limited=False, flood_limit=10**9, flood_button_limit=10**9, read_timeout=30)

# A realistic mix: both languages, a typo, a clarify, an unanswered question, small talk.
QUESTIONS = [
    "Où se trouve RD Biotech ?", "When is BioFit?", "Where is chematek?", "Que fait CellQuest ?",
    "Quels sont les objectifs de BIOVALIANCE ?", "cell", "What is the capital of Peru?", "merci",
    "Quelles entreprises à Besançon ?", "Who leads BIOVALIANCE?", "Combien d'emplois dans la santé ?",
    "What is theranostics?",
]


@dataclass
class Measure:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def bench_engine(services: Services, count: int) -> Measure:
    latencies = []
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        result = services.engine.answer(QUESTIONS[i % len(QUESTIONS)], lang_hint="fr", today=TODAY)
        render(result, services.knowledge, TODAY)
        latencies.append(time.perf_counter() - t0)
    return Measure("engine + render alone (baseline)", count, time.perf_counter() - started, latencies)


async def bench_round_trip(emu: BotApiEmulator, clients: int, per_client: int) -> Measure:
    """sendMessage with a bare telegram.Bot: HTTP + serialisation, no handler, no engine."""
    request = HTTPXRequest(connection_pool_size=clients + 4, read_timeout=30)
    latencies: list[float] = []
    async with Bot(emu.token, base_url=f"{emu.root}/bot", request=request) as bot:
        users = [FakeUser(900_000 + i, f"rt{i}") for i in range(clients)]
        for user in users:
            emu.private_chat(user)

        async def client(user: FakeUser) -> None:
            for _ in range(per_client):
                t0 = time.perf_counter()
                await bot.send_message(user.id, "<b>RD Biotech</b> se trouve à Besançon.", parse_mode="HTML")
                latencies.append(time.perf_counter() - t0)
        started = time.perf_counter()
        await asyncio.gather(*(client(u) for u in users))
        seconds = time.perf_counter() - started
    return Measure(f"emulator round trip alone, {clients} client(s) (baseline)", clients * per_client,
                   seconds, latencies)


async def bench_bot(emu: BotApiEmulator, users: int, per_user: int, offset: int) -> Measure:
    """Simulated users through the real Application: question in, reply out."""
    latencies: list[float] = []
    people = [FakeUser(offset + i, f"u{i}", "fr" if i % 2 else "en") for i in range(users)]

    async def visitor(index: int, user: FakeUser) -> None:
        chat = emu.private_chat(user)
        for n in range(per_user):
            t0 = time.perf_counter()
            await emu.send_text(user, chat, QUESTIONS[(index + n) % len(QUESTIONS)])
            await emu.wait_for_messages(chat.id, 1, timeout=60)
            latencies.append(time.perf_counter() - t0)
    started = time.perf_counter()
    await asyncio.gather(*(visitor(i, u) for i, u in enumerate(people)))
    return Measure(f"bot, {users} user(s)", users * per_user, time.perf_counter() - started, latencies)


COMPONENTS = [  # (label, path fragments), first match wins
    ("engine + replies (bot/engine, bot/replies)", ("/bot/engine/", "/bot/replies.py", "rapidfuzz", "/bot/text.py")),
    ("question log (db/, SQLAlchemy, sqlite3)", ("/db/", "sqlalchemy", "sqlite3")),
    ("bot handlers (bot/handlers, bot/app)", ("/bot/handlers/", "/bot/app.py")),
    ("python-telegram-bot (objects, dispatch)", ("/telegram/",)),
    ("HTTP client (httpx, httpcore, h11)", ("httpx", "httpcore", "/h11/", "anyio")),
    ("Bot API emulator (tests/, tornado)", ("botapi_emulator", "tornado", "html/parser", "_markupbase")),
    ("JSON", ("/json/",)),
    ("asyncio event loop, sockets (incl. system calls)", ("asyncio", "selectors", "socket", "threading", "ssl",
                                                          "select.", "_queue", "_contextvars")),
]


def split_profile(profile: cProfile.Profile) -> list[tuple[str, float]]:
    stats = pstats.Stats(profile)
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, function), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename + " " + function  # built-ins have no file: "~ <method 'send' of '_socket.socket'...>"
        label = next((name for name, parts in COMPONENTS if any(p in where for p in parts)), "other")
        totals[label] += tottime
    whole = sum(totals.values())
    return sorted(((label, t / whole) for label, t in totals.items()), key=lambda kv: -kv[1])


async def run_bot_scenarios(services: Services, data_dir: Path, args: argparse.Namespace, *,
                            label: str, profile: cProfile.Profile | None = None) -> list[Measure]:
    rows = []
    async with BotApiEmulator() as emu:
        async with running_bot(emu, services, bot_settings(emu, data_dir), tuning=BENCH_TUNING):
            await bench_bot(emu, 1, 20, offset=500_000)  # warm-up
            if profile is None:
                rows.append(await bench_bot(emu, 1, args.questions, offset=100_000))
            else:
                profile.enable()
            rows.append(await bench_bot(emu, args.users, args.per_user, offset=200_000))
            if profile is not None:
                profile.disable()
    for row in rows:
        row.name += label
    return rows


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, telegram_bot_token="unused")
        services = build_services(settings, today=lambda: TODAY)
        try:
            rows = [bench_engine(services, args.questions * 5)]
            async with BotApiEmulator() as emu:
                rows.append(await bench_round_trip(emu, 1, args.questions))
                rows.append(await bench_round_trip(emu, args.users, args.per_user))
            rows += await run_bot_scenarios(services, data_dir, args, label=", SQLite question log")
        finally:
            if services.question_log is not None:
                services.question_log.close()
        unlogged = build_services(settings, log_questions=False, today=lambda: TODAY)
        rows += await run_bot_scenarios(unlogged, data_dir, args, label=", question log off")
        # Profiled with the log off: cProfile sees only the main thread, and the log writes in threads.
        profile = cProfile.Profile()
        [profiled] = await run_bot_scenarios(unlogged, data_dir, args, label=" (profiled)", profile=profile)

    print(f"python {sys.version.split()[0]}, {dt.date.today()}, {len(QUESTIONS)} questions in rotation, "
          f"closed loop (each user waits for the reply before the next question)")
    print(f"{'measure':<56} {'replies':>8} {'s':>6} {'replies/s':>10} {'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row.name:<56} {row.count:>8} {row.seconds:>6.2f} {row.rate:>10.0f} "
              f"{row.percentile(0.5):>8.2f} {row.percentile(0.95):>8.2f}")
    engine, rt1, rt_n, bot1, bot_n, bare1, bare_n = rows
    print()
    print("ratios")
    print(f"  bot, 1 user, log on    / round trip, 1 client   : {bot1.rate / rt1.rate:5.2f}x the rate, "
          f"{bot1.percentile(0.5) / rt1.percentile(0.5):4.1f}x the p50 latency")
    print(f"  bot, {args.users} users, log on  / round trip, {args.users} clients : {bot_n.rate / rt_n.rate:5.2f}x the rate")
    print(f"  bot, {args.users} users, log off / round trip, {args.users} clients : {bare_n.rate / rt_n.rate:5.2f}x the rate")
    print(f"  bot, {args.users} users, log on  / log off               : {bot_n.rate / bare_n.rate:5.2f}x the rate")
    print(f"  engine + render per question: {engine.percentile(0.5):.2f} ms of a {bot1.percentile(0.5):.2f} ms "
          f"reply ({engine.percentile(0.5) / bot1.percentile(0.5) * 100:.0f} %)")
    print()
    print(f"where the CPU goes: profiled run, {args.users} users, log off ({profiled.count} replies, "
          f"{profiled.rate:.0f} replies/s under the profiler)")
    for name, share in split_profile(profile):
        print(f"  {name:<48} {share * 100:5.1f} %")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200, help="questions for the 1-user run")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
