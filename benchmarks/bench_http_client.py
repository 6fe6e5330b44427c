"""CPU per Bot API call of python-telegram-bot's own HTTP client (httpx) against the bot's
(aiohttp, bot/bot_api_http.py), in the same run, alternating.

A bare `telegram.Bot` calls `getUpdates` (an empty answer: the cost is the client's, not the
parsing of updates) against the Bot API emulator of the tests, run in its own process.

    .venv/bin/python benchmarks/bench_http_client.py [--calls 1000] [--rounds 5]

Only 127.0.0.1 is used.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
TOKEN = "123456:BENCH-TOKEN"


async def measure(root: str, make_request: Callable[[], object], calls: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per call, after a warm-up."""
    from telegram import Bot

    async with Bot(TOKEN, base_url=f"{root}/bot", request=make_request(), get_updates_request=make_request()) as bot:
        for _ in range(50):
            await bot.get_updates(timeout=0)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            await bot.get_updates(timeout=0)
        return (time.process_time() - cpu) / calls * 1000, (time.perf_counter() - wall) / calls * 1000


async def run(root: str, calls: int, rounds: int) -> None:
    from telegram.request import HTTPXRequest

    from bot.bot_api_http import AiohttpRequest

    clients: dict[str, Callable[[], object]] = {
        "httpx (python-telegram-bot's default)": lambda: HTTPXRequest(connection_pool_size=8),
        "aiohttp (bot/bot_api_http.py)": lambda: AiohttpRequest(pool_size=8),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in clients}
    for round_no in range(rounds):
        names = list(clients) if round_no % 2 == 0 else list(clients)[::-1]
        for name in names:
            results[name].append(await measure(root, clients[name], calls))
    print(f"python {sys.version.split()[0]}, {rounds} alternating rounds of {calls} getUpdates calls, medians\n")
    print("| client | CPU ms per call | wall ms per call |\n|---|--:|--:|")
    for name, figures in results.items():
        print(f"| {name} | {statistics.median(f[0] for f in figures):.3f} | {statistics.median(f[1] for f in figures):.3f} |")
    httpx_cpu, aiohttp_cpu = (statistics.median(f[0] for f in figures) for figures in results.values())
    print(f"\nCPU per call, aiohttp / httpx: {aiohttp_cpu / httpx_cpu:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="biovaliance-bench-http-") as tmp:
        ready = Path(tmp) / "emulator.json"
        emulator = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bench_bot.py"), "emulator",
                                     "--ready", str(ready)])
        try:
            deadline = time.monotonic() + 60
            while not ready.exists() or not ready.read_text():
                if emulator.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the emulator did not start")
                time.sleep(0.05)
            asyncio.run(run(json.loads(ready.read_text())["root"], args.calls, args.rounds))
        finally:
            emulator.terminate()
            emulator.wait(timeout=30)


if __name__ == "__main__":
    main()
