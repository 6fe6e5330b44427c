"""Replies per second of the Telegram bot against a bare python-telegram-bot echo bot, same run.

Three kinds of process, as in production where Telegram, the bot and the visitors are apart:

* the Bot API emulator of the test suite (tests/botapi_emulator.py), with a small control
  endpoint through which simulated users write and wait for the reply;
* the bot: this project's bot (bot.app.build_application, question log on SQLite, on
  PostgreSQL, or off), or the baseline, a python-telegram-bot echo bot through `Application`
  (concurrent updates, library defaults otherwise, so its HTTP client is httpx);
* the simulated users: N visitors, each writing a question and waiting for the reply before
  the next (a closed loop, like people typing).

Every configuration has its own emulator and bot, all up for the whole run; the configurations
take turns, a few seconds each, at one user count, in alternating order, round after round. So
the figures compared are taken seconds apart and the machine's other work hurts all alike: a
ratio is taken within each round and the median over rounds is reported. Rate limiter and flood
guard are off (they slow the bot down on purpose). The bot sends its Bot API calls through aiohttp
(bot/bot_api_http.py); two more configurations tell what that client changed: the echo bot on
the same client, and this bot (log off) on the library's httpx client, as before. Then a few HTTP
pool sizes are compared, and the echo bot and this bot (log off, on SQLite, on PostgreSQL) are
profiled with py-spy (every thread, samples holding the interpreter lock) under 50 users, side
by side, in milliseconds of interpreter time per reply by component.

    .venv/bin/python benchmarks/bench_bot.py                  # 12 to 20 minutes on a busy 2-core machine
    .venv/bin/python benchmarks/bench_bot.py --rounds 1 --questions 100 --per-user 10 --pools '' --no-profile

Only 127.0.0.1 is used; every process is stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
HERE = Path(__file__).resolve()
DOCS = ROOT / "docs"

# A realistic mix: both languages, a typo, a clarify, unanswered questions, small talk.
QUESTIONS = [
    "Où se trouve RD Biotech ?", "When is BioFit?", "Where is chematek?", "Que fait CellQuest ?",
    "Quels sont les objectifs de BIOVALIANCE ?", "cell", "What is the capital of Peru?", "merci",
    "Quelles entreprises à Besançon ?", "Who leads BIOVALIANCE?", "Combien d'emplois dans la santé ?",
    "What is theranostics?",
]
TOKEN = "123456:BENCH-TOKEN"
PROFILE_RATE = 250  # py-spy samples per second
PY_SPY = Path(sys.executable).parent / "py-spy"


# ============================================================ process 1: the emulator + control

async def serve_emulator(ready_file: Path) -> None:
    import tornado.httpserver
    import tornado.netutil
    import tornado.web

    from botapi_emulator import BotApiEmulator, FakeUser

    emu = BotApiEmulator(token=TOKEN)
    await emu.start()
    users: dict[int, tuple[FakeUser, object]] = {}
    waiting: dict[int, asyncio.Future] = {}
    send_message = emu._m_sendmessage

    async def sent(params: dict, files: dict, closed: asyncio.Event) -> dict:
        """sendMessage, which also wakes the one user waiting in that chat (the emulator's own
        wait_for_messages wakes every waiter on every call: quadratic with 50 users)."""
        result = await send_message(params, files, closed)
        waiter = waiting.pop(int(result["chat"]["id"]), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(result)
        return result

    emu._m_sendmessage = sent  # type: ignore[method-assign]

    class Ask(tornado.web.RequestHandler):
        async def post(self) -> None:
            body = json.loads(self.request.body)
            uid = int(body["user"])
            if uid not in users:
                user = FakeUser(uid, f"u{uid}", "fr" if uid % 2 else "en")
                users[uid] = (user, emu.private_chat(user))
            user, chat = users[uid]
            reply = waiting[chat.id] = asyncio.get_running_loop().create_future()  # type: ignore[attr-defined]
            await emu.send_text(user, chat, body["text"])
            message = await asyncio.wait_for(reply, 60)
            self.finish({"ok": bool(message.get("text"))})

    class Reset(tornado.web.RequestHandler):
        def post(self) -> None:
            emu.calls.clear()  # bookkeeping only: keeps the emulator's memory flat over the run
            emu.transcript.clear()
            self.finish({"ok": True})

    control = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/ask", Ask), (r"/reset", Reset)],
                                                                    log_function=lambda handler: None))
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    control.add_sockets(sockets)
    ready_file.write_text(json.dumps({"root": emu.root, "control": f"http://127.0.0.1:{sockets[0].getsockname()[1]}"}))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    control.stop()
    await emu.stop()


# ============================================================ process 2: a bot

async def serve_bot(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    if args.kind == "echo":
        await serve_echo_bot(args.root, stop, client=args.client)
    else:
        await serve_project_bot(args, stop)


async def serve_echo_bot(root: str, stop: asyncio.Event, *, client: str) -> None:
    """The baseline: what python-telegram-bot does for a message with no work at all (on the
    library's default HTTP client, or on this project's)."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    builder = (Application.builder().token(TOKEN).base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
               .concurrent_updates(True))
    if client == "aiohttp":
        from bot.bot_api_http import AiohttpRequest

        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(pool_size=1))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, allowed_updates=["message"])
        await stop.wait()
        await application.updater.stop()
        await application.stop()


async def serve_project_bot(args: argparse.Namespace, stop: asyncio.Event) -> None:
    from bot.app import Tuning
    from bot.config import Settings
    from bot.services import build_services
    from telegram_harness import TODAY, running_bot

    settings = Settings(telegram_bot_token=TOKEN, telegram_api_url=args.root, data_dir=Path(args.data_dir),
                        database_url=args.database_url or None, pseudonym_secret="bench", default_lang="fr",
                        cache_dir=Path(args.data_dir) / "cache")
    services = build_services(settings, log_questions=args.log == "on", today=lambda: TODAY)
    if args.client == "httpx":  # the library's own client, as the bot had before bot/bot_api_http.py
        import httpx
        from telegram.request import HTTPXRequest

        import bot.app

        def httpx_request(tuning: Tuning, *, pool_size: int) -> HTTPXRequest:
            return HTTPXRequest(connection_pool_size=pool_size, read_timeout=tuning.read_timeout,
                                write_timeout=tuning.read_timeout, connect_timeout=tuning.connect_timeout,
                                pool_timeout=tuning.read_timeout,
                                httpx_kwargs={"limits": httpx.Limits(max_connections=pool_size,
                                                                     max_keepalive_connections=pool_size)})

        bot.app.bot_request = httpx_request  # type: ignore[assignment]
    tuning = Tuning(rate_limited=False, flood_limit=10**9, flood_button_limit=10**9, read_timeout=30,
                    connection_pool_size=args.pool)
    try:
        # The emulator runs in another process: running_bot needs it only for webhooks.
        async with running_bot(None, services, settings, tuning=tuning):  # type: ignore[arg-type]
            await stop.wait()
    finally:
        if services.question_log is not None:
            services.question_log.close()


# ============================================================ process 3: the users

async def run_users(control: str, users: int, per_user: int, offset: int) -> dict:
    import httpx

    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users + 2, max_keepalive_connections=users + 2)
    async with httpx.AsyncClient(base_url=control, timeout=120, limits=limits) as client:
        async def visitor(index: int) -> None:
            for n in range(per_user):
                t0 = time.perf_counter()
                response = await client.post("/ask", json={"user": offset + index,
                                                           "text": QUESTIONS[(index + n) % len(QUESTIONS)]})
                response.raise_for_status()
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(visitor(i) for i in range(users)))
        seconds = time.perf_counter() - started
    return {"count": len(latencies), "seconds": seconds, "latencies": latencies}


# ============================================================ the orchestrator

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children that ended, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:13]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Measure:
    count: int
    seconds: float
    latencies: list[float]
    bot_cpu: float = 0.0  # seconds of CPU the bot process used for these replies
    emulator_cpu: float = 0.0

    @property
    def bot_cpu_ms(self) -> float:
        return self.bot_cpu / self.count * 1000

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Config:
    name: str
    kind: str  # project | echo
    log: str = "off"
    backend: str = "sqlite"
    pool: int = 8
    client: str = "default"  # HTTP client: "default" (the library's for the echo bot, aiohttp for this bot), or the other
    results: dict[int, list[Measure]] = field(default_factory=lambda: collections.defaultdict(list))

    def median_rate(self, users: int) -> float:
        return statistics.median(m.rate for m in self.results[users])

    def rates(self, users: int) -> list[float]:
        return [m.rate for m in self.results[users]]

    def median_cpu_ms(self, users: int) -> float:
        return statistics.median(m.bot_cpu_ms for m in self.results[users])


class Lane:
    """One configuration's own emulator and bot, both up for the whole run: configurations are
    measured in short turns, one after another, round after round, so that whatever else the
    shared machine does in a given minute hurts them all alike (an idle bot long-polls its idle
    emulator once a second)."""

    def __init__(self, workdir: Path, config: Config, pg_url: str | None):
        self.workdir, self.config = workdir, config
        self.user_offset = 1_000_000
        slug = re.sub(r"[^a-z0-9]+", "-", config.name.lower()).strip("-")
        ready = workdir / f"emulator-{slug}.json"
        self.emulator = subprocess.Popen([sys.executable, str(HERE), "emulator", "--ready", str(ready)])
        self.urls = self._wait_ready(ready, self.emulator)
        self.bot = self.start_bot(slug, pg_url)

    @staticmethod
    def _wait_ready(ready: Path, process: subprocess.Popen) -> dict:
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.05)
        return json.loads(ready.read_text())

    def users(self, users: int, per_user: int) -> Measure:
        self.user_offset += 1000  # fresh chats every time
        bot_before, emulator_before = cpu_seconds(self.bot.pid), cpu_seconds(self.emulator.pid)
        done = subprocess.run([sys.executable, str(HERE), "users", "--control", self.urls["control"],
                               "--users", str(users), "--per-user", str(per_user), "--offset", str(self.user_offset)],
                              capture_output=True, text=True, timeout=600, check=True)
        data = json.loads(done.stdout)
        return Measure(data["count"], data["seconds"], data["latencies"],
                       bot_cpu=cpu_seconds(self.bot.pid) - bot_before,
                       emulator_cpu=cpu_seconds(self.emulator.pid) - emulator_before)

    def start_bot(self, slug: str, pg_url: str | None) -> subprocess.Popen:
        config = self.config
        data_dir = self.workdir / f"bot-{slug}"
        data_dir.mkdir()
        # Shared built-word-list cache: start-up is not what is measured here.
        shutil.copytree(self.workdir / "cache", data_dir / "cache", dirs_exist_ok=True)
        database_url = ""
        if config.backend == "postgresql":
            assert pg_url is not None
            database_url = pg_url
        command = [sys.executable, str(HERE), "bot", "--kind", config.kind, "--root", self.urls["root"],
                   "--log", config.log, "--data-dir", str(data_dir), "--database-url", database_url,
                   "--pool", str(config.pool), "--client", config.client]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.bot = process
        self.users(1, 2 * len(QUESTIONS))  # returns once the bot answers: it is up (and warmed)
        return process

    def profile(self, users: int, per_user: int, raw: Path) -> Measure:
        """Users against this bot while py-spy samples it: every thread, only while holding the GIL
        (so the shares are of the interpreter's time, the resource the threads compete for)."""
        spy = subprocess.Popen([str(PY_SPY), "record", "--pid", str(self.bot.pid),
                                "--rate", str(PROFILE_RATE), "--format", "raw", "--full-filenames", "--gil", "--nonblocking",
                                "-o", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # py-spy attaches
        try:
            return self.users(users, per_user)
        finally:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file and exits
            spy.wait(timeout=60)

    def close(self) -> None:
        for process in (self.bot, self.emulator):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def warm_cache(workdir: Path) -> None:
    from bot.config import Settings
    from bot.services import cached_frequencies, cached_knowledge

    settings = Settings()
    cached_knowledge(settings.knowledge_dir, workdir / "cache")
    cached_frequencies(workdir / "cache")


def split_profile(raw: Path) -> dict[str, int]:
    """Samples by the component of the innermost frame (py-spy raw: 'f (file:line);... count')."""
    parts = [
        ("question log, conversation state: db/", ("/db/",)),
        ("SQLAlchemy, sqlite3, psycopg", ("sqlalchemy", "sqlite3", "psycopg")),
        ("engine + replies (bot/engine, bot/replies, bot/text, rapidfuzz)",
         ("/bot/engine/", "/bot/replies.py", "/bot/text.py", "rapidfuzz")),
        ("bot handlers (bot/handlers, bot/app)", ("/bot/handlers/", "/bot/app.py")),
        ("python-telegram-bot (objects, dispatch)", ("/telegram/",)),
        ("HTTP client (aiohttp, or httpx with httpcore and h11)",
         ("/aiohttp/", "/yarl/", "/multidict/", "httpx", "httpcore", "/h11/", "anyio", "/bot/bot_api_http.py")),
        ("JSON", ("/json/",)),
        ("asyncio event loop, selectors, threads", ("asyncio", "selectors", "threading", "queue.py", "concurrent")),
    ]
    totals: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        leaf = stack.split(";")[-1]
        label = next((name for name, keys in parts if any(k in leaf for k in keys)), "other")
        totals[label] += int(count)
    return dict(totals)


def orchestrate(args: argparse.Namespace) -> None:
    from pg_server import PostgresServer, PostgresUnavailable

    user_counts = [int(u) for u in args.users.split(",")]
    pools = [int(p) for p in args.pools.split(",") if p]
    with tempfile.TemporaryDirectory(prefix="biovaliance-bench-bot-") as tmp:
        workdir = Path(tmp)
        warm_cache(workdir)
        server = None
        try:
            server = PostgresServer.create()
        except PostgresUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        configs = [Config("echo bot (baseline)", "echo"), Config("echo bot on aiohttp", "echo", client="aiohttp"),
                   Config("bot, log off", "project", "off"), Config("bot, log off, on httpx", "project", "off", client="httpx"),
                   Config("bot, log on SQLite", "project", "on", "sqlite")]
        if server is not None:
            configs.append(Config("bot, log on PostgreSQL", "project", "on", "postgresql"))
        pool_configs = [Config(f"bot, log off, pool {p}", "project", "off", pool=p) for p in pools]
        lanes: dict[str, Lane] = {}
        try:
            for number, config in enumerate(configs + pool_configs):
                pg_url = server.url(server.create_database(f"benchbot{number}")) if config.backend == "postgresql" else None
                lanes[config.name] = Lane(workdir, config, pg_url)
            for round_no in range(args.rounds):
                # Every configuration in turn at one user count, then the next count: the figures
                # compared with each other are taken within seconds of each other.
                turn = configs if round_no % 2 == 0 else configs[::-1]
                for users in user_counts:
                    per_user = args.questions if users == 1 else args.per_user
                    for config in turn:
                        config.results[users].append(lanes[config.name].users(users, per_user))
                for config in (pool_configs if round_no % 2 == 0 else pool_configs[::-1]):
                    config.results[50].append(lanes[config.name].users(50, args.per_user))
                print(f"round {round_no + 1}: " + "; ".join(
                    f"{config.name}: " + ", ".join(f"{config.results[u][-1].rate:.0f}/s" for u in user_counts)
                    for config in configs), file=sys.stderr)
            profiles: list[Profile] = []
            if not args.no_profile:
                for config in [c for c in configs if c.client == "default"]:
                    raw = workdir / f"profile-{len(profiles)}.txt"
                    measure = lanes[config.name].profile(50, args.per_user * 2, raw)
                    if raw.exists():
                        profiles.append(Profile(config.name, measure, split_profile(raw)))
                        if args.profile_raw:  # PREFIX.echo-bot-baseline.txt, PREFIX.bot-log-off.txt ...
                            slug = re.sub(r"[^a-z0-9]+", "-", config.name.lower()).strip("-")
                            shutil.copy(raw, f"{args.profile_raw}.{slug}.txt")
        finally:
            for lane in lanes.values():
                lane.close()
            if server is not None:
                server.destroy()
        report(args, configs, pool_configs, user_counts, profiles)


@dataclass
class Profile:
    name: str
    measure: Measure
    samples: dict[str, int]  # samples holding the interpreter lock, by component

    def ms_per_reply(self, component: str | None = None) -> float:
        count = sum(self.samples.values()) if component is None else self.samples.get(component, 0)
        return count * 1000 / PROFILE_RATE / self.measure.count


def report(args: argparse.Namespace, configs: list[Config], pool_configs: list[Config], user_counts: list[int],
           profiles: list[Profile]) -> None:
    by_name = {c.name: c for c in configs}
    echo, off = by_name["echo bot (baseline)"], by_name["bot, log off"]
    named = {"echo": echo, "echo on aiohttp": by_name["echo bot on aiohttp"], "log off": off,
             "log off on httpx": by_name["bot, log off, on httpx"], "log on SQLite": by_name["bot, log on SQLite"],
             "log on PostgreSQL": by_name.get("bot, log on PostgreSQL")}
    targets = [("log on SQLite", "log off"), ("log on PostgreSQL", "log off"), ("log on SQLite", "echo"),
               ("log on PostgreSQL", "echo"), ("log off", "echo")]
    client = [("echo on aiohttp", "echo"), ("log off", "log off on httpx"), ("log off on httpx", "echo"),
              ("log on SQLite", "echo on aiohttp"), ("log off", "echo on aiohttp")]
    lines = [f"python {sys.version.split()[0]}, {dt.date.today()}, {os.cpu_count()} CPUs, {args.rounds} alternating "
             f"rounds, medians; {len(QUESTIONS)} questions in rotation, closed loop; bot, emulator and users in "
             "separate processes; \"echo\" is the echo bot on the library's defaults (httpx), the baseline", ""]

    def ratio(config: Config, baseline: Config, users: int) -> str:
        per_round = sorted(m.rate / b.rate for m, b in zip(config.results[users], baseline.results[users]))
        spread = f" ({per_round[0]:.2f}-{per_round[-1]:.2f})" if len(per_round) > 1 else ""
        return f"{statistics.median(per_round):.2f}{spread}"

    def tables(title: str, pairs: list[tuple[str, str]]) -> list[str]:
        pairs = [(a, b) for a, b in pairs if named[a] is not None and named[b] is not None]
        header = "| users | " + " | ".join(f"{a} / {b}" for a, b in pairs) + " |"
        rule = "|" + "---|" * (len(pairs) + 1)
        out = [title + ": the median over rounds of the ratio within a round (the two figures measured seconds "
               "apart), then in brackets the range of that ratio over rounds", "", header, rule]
        for users in user_counts:
            out.append(f"| {users} | " + " | ".join(ratio(named[a], named[b], users) for a, b in pairs) + " |")
        out += ["", "The same ratios between the best round of each configuration (other work on the machine only "
                    "ever slows a run down, so the best round is the least disturbed one)", "", header, rule]
        for users in user_counts:
            out.append(f"| {users} | " + " | ".join(
                f"{max(named[a].rates(users)) / max(named[b].rates(users)):.2f}" for a, b in pairs) + " |")
        return out + [""]

    lines += tables("Ratios of replies/s (targets: log on >= 0.9x log off, >= 0.8x the echo bot)", targets)
    lines += tables("What the HTTP client changed (this bot on aiohttp, the library's default httpx)", client)
    lines += ["Bot CPU per reply (median ms; the figure least disturbed by other work on the machine)", "",
              "| users | " + " | ".join(c.name for c in configs) + " | " +
              " | ".join(f"{c.name.removeprefix('bot, ')} / echo" for c in configs[1:]) + " |",
              "|" + "---|" * (2 * len(configs))]
    for users in user_counts:
        lines.append(f"| {users} | " + " | ".join(f"{c.median_cpu_ms(users):.2f}" for c in configs) + " | " +
                     " | ".join(f"{c.median_cpu_ms(users) / echo.median_cpu_ms(users):.2f}" for c in configs[1:]) + " |")
    lines += ["", "Replies per second (median, and the range over rounds), p50 / p95 latency of the median round", "",
              "| configuration | users | replies/s | range | p50 ms | p95 ms |", "|---|--:|--:|--:|--:|--:|"]
    for config in configs:
        for users in user_counts:
            measures = sorted(config.results[users], key=lambda m: m.rate)
            mid = measures[len(measures) // 2]
            lines.append(f"| {config.name} | {users} | {config.median_rate(users):.0f} | "
                         f"{measures[0].rate:.0f}-{measures[-1].rate:.0f} | {mid.percentile(0.5):.1f} | "
                         f"{mid.percentile(0.95):.1f} |")
    if pool_configs:
        default = next((c for c in pool_configs if c.pool == 256), pool_configs[-1])
        lines += ["", f"HTTP connection pool, log off, 50 users (library default 256)", "",
                  "| pool | replies/s | range | / pool 256 | bot CPU ms per reply |", "|--:|--:|--:|--:|--:|"]
        for config in pool_configs:
            rates = sorted(config.rates(50))
            lines.append(f"| {config.pool} | {config.median_rate(50):.0f} | {rates[0]:.0f}-{rates[-1]:.0f} | "
                         f"{config.median_rate(50) / default.median_rate(50):.2f} | {config.median_cpu_ms(50):.2f} |")
    if profiles:
        lines += ["", "Where the bot's CPU goes: py-spy, every thread, samples holding the interpreter lock, 50 users; "
                      "milliseconds of interpreter time per reply, by the component of the innermost frame "
                      "(a busy machine inflates every column alike)", "",
                  "| component | " + " | ".join(p.name for p in profiles) + " |", "|---|" + "--:|" * len(profiles)]
        components = sorted({c for p in profiles for c in p.samples}, key=lambda c: -max(p.ms_per_reply(c) for p in profiles))
        for component in components:
            lines.append(f"| {component} | " + " | ".join(f"{p.ms_per_reply(component):.2f}" for p in profiles) + " |")
        lines.append("| **all** | " + " | ".join(f"**{p.ms_per_reply():.2f}**" for p in profiles) + " |")
        lines.append("| replies sampled (replies/s while sampled) | " +
                     " | ".join(f"{p.measure.count} ({p.measure.rate:.0f}/s)" for p in profiles) + " |")
    text = "\n".join(lines)
    print(text)
    if args.output:
        Path(args.output).write_text(f"# Bot benchmark\n\nOutput of `.venv/bin/python benchmarks/bench_bot.py "
                                     f"{' '.join(sys.argv[1:])}`.\n\n{text}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="role")
    emulator = sub.add_parser("emulator")
    emulator.add_argument("--ready", type=Path, required=True)
    bot = sub.add_parser("bot")
    bot.add_argument("--kind", choices=("project", "echo"), required=True)
    bot.add_argument("--root", required=True)
    bot.add_argument("--log", choices=("on", "off"), default="off")
    bot.add_argument("--data-dir", default="")
    bot.add_argument("--database-url", default="")
    bot.add_argument("--pool", type=int, default=8)
    bot.add_argument("--client", choices=("default", "aiohttp", "httpx"), default="default")
    users = sub.add_parser("users")
    users.add_argument("--control", required=True)
    users.add_argument("--users", type=int, required=True)
    users.add_argument("--per-user", type=int, required=True)
    users.add_argument("--offset", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds (7: the machine is shared)")
    parser.add_argument("--users", dest="user_counts", default="1,20,50", help="user counts, comma separated")
    parser.add_argument("--questions", type=int, default=100, help="questions of the 1-user run")
    parser.add_argument("--per-user", type=int, default=10, help="questions per user with several users")
    parser.add_argument("--pools", default="8,16,32,256", help="HTTP pool sizes to compare ('' to skip)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--profile-raw", default="",
                        help="keep py-spy's raw stacks (flame graph input) in PREFIX.<configuration>.txt")
    parser.add_argument("--output", default=str(DOCS / "benchmark-bot.md"), help="Markdown copy ('' for none)")
    args = parser.parse_args()
    if args.role == "emulator":
        asyncio.run(serve_emulator(args.ready))
    elif args.role == "bot":
        asyncio.run(serve_bot(args))
    elif args.role == "users":
        print(json.dumps(asyncio.run(run_users(args.control, args.users, args.per_user, args.offset))))
    else:
        args.users = args.user_counts
        if not args.no_profile and not PY_SPY.exists():  # say so now, not after the measurements
            sys.exit(f"{PY_SPY} not found: run scripts/setup test,bench (or pass --no-profile)")
        orchestrate(args)


if __name__ == "__main__":
    main()
