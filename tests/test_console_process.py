"""`biovaliance-bot console` and `biovaliance-bot run` as real processes: the console serves on
CONSOLE_HOST:CONSOLE_PORT with no Telegram token (local SQLite log), a link printed by
`console link` signs in, SIGHUP reloads the knowledge base in both kinds of process, and SIGTERM
stops the console cleanly."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from botapi_emulator import BotApiEmulator, FakeUser
from console_harness import STAFF_ID, copy_knowledge
from telegram_harness import free_port
from test_console_http import add_entry

ROOT = Path(__file__).resolve().parent.parent
VISITOR = FakeUser(7_002, "Ana", language_code="en")


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(tmp_path / "data"),
            "PSEUDONYM_SECRET": "process-test-secret", "STAFF_USER_IDS": str(STAFF_ID),
            "KNOWLEDGE_DIR": str(tmp_path / "knowledge"), **extra}


def wait_until(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_console_process_signs_in_reloads_on_sighup_and_stops(tmp_path: Path) -> None:
    copy_knowledge(tmp_path)
    port = free_port()
    env = environment(tmp_path, CONSOLE_PORT=str(port), CONSOLE_HOST="127.0.0.1")
    process = subprocess.Popen([sys.executable, "-m", "bot", "console"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            wait_until(lambda: client.get("/signin").status_code == 200)
            link = subprocess.run([sys.executable, "-m", "bot", "console", "link", str(STAFF_ID)], cwd=ROOT, env=env,
                                  capture_output=True, text=True, check=True).stdout.strip()
            assert re.fullmatch(rf"{re.escape(base)}/signin/\S+", link)
            signed = client.post("/signin", data={"token": link.rsplit("/", 1)[1]})
            assert signed.status_code == 303 and signed.headers["location"] == "/inbox"
            assert client.get("/knowledge").status_code == 200
            assert "test-console-objective" not in client.get("/knowledge").text
            add_entry(tmp_path / "knowledge")
            process.send_signal(signal.SIGHUP)
            wait_until(lambda: "test-console-objective" in client.get("/knowledge").text)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    assert "SIGHUP: knowledge base reloaded" in err.decode()


async def test_bot_process_reloads_on_sighup(tmp_path: Path) -> None:
    copy_knowledge(tmp_path)
    async with BotApiEmulator() as emu:
        env = environment(tmp_path, TELEGRAM_BOT_TOKEN=emu.token, TELEGRAM_API_URL=emu.root)
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await emu.wait_for_call("getUpdates", timeout=60)
            add_entry(tmp_path / "knowledge")
            process.send_signal(signal.SIGHUP)
            chat = emu.private_chat(VISITOR)
            async with asyncio.timeout(30):
                while True:  # until the reload is in: before it, the question goes unanswered
                    await emu.send_text(VISITOR, chat, "Zorblatt objective")
                    [reply] = await emu.wait_for_messages(chat.id, timeout=20)
                    if "An objective added by the reload test." in reply["text"]:
                        break
                    await asyncio.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert "SIGHUP: knowledge base reloaded" in stderr.decode()
