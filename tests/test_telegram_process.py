"""`biovaliance-bot run` as a real process: configured from its environment, answering through the
local Bot API emulator, then stopping cleanly on SIGTERM (as a hosting platform stops it)."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from botapi_emulator import BotApiEmulator, FakeUser

ROOT = Path(__file__).resolve().parent.parent
VISITOR = FakeUser(7_001, "Inès", language_code="fr")


async def _start_bot(emu: BotApiEmulator, data_dir: Path, *extra: str) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_URL": emu.root,
        "DATA_DIR": str(data_dir),
        "PSEUDONYM_SECRET": "process-test-secret",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *extra, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_run_answers_then_stops_cleanly_on_sigterm(tmp_path: Path):
    async with BotApiEmulator() as emu:
        process = await _start_bot(emu, tmp_path)
        try:
            await emu.wait_for_call("getUpdates", timeout=60)
            chat = emu.private_chat(VISITOR)
            await emu.send_text(VISITOR, chat, "Où se trouve Chematech ?")
            [reply] = await emu.wait_for_messages(VISITOR.id, timeout=20)
            assert "Dijon" in reply["text"]
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert emu.token not in log, "the token must never appear in the logs"
    assert "Traceback" not in log


async def test_run_refuses_a_rejected_token_without_printing_it(tmp_path: Path):
    async with BotApiEmulator(token="999:REJECTED-SECRET") as emu:
        emu.inject("getMe", "5xx", status=401, times=10)  # what Telegram answers to a revoked token
        process = await _start_bot(emu, tmp_path)
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 2
    assert "REJECTED-SECRET" not in stderr.decode()
    assert "TELEGRAM_BOT_TOKEN" in stderr.decode()
