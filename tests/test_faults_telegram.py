"""Fault suite, Telegram: the real Application against the local Bot API server while storage or
the Bot API fails. Every visitor gets a reply; none is promised a hand-over that did not happen."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.services import build_services
from botapi_emulator import BotApiEmulator, FakeUser
from db.models import Feedback
from faults import PROMISES, ROOT, UNANSWERABLE, frozen, remount_read_only, tmpfs
from pg_server import PostgresServer, free_port
from telegram_harness import TEST_TUNING, bot_settings, running_bot

pytest_plugins = ["tests.pg_fixture"]

SECRET = "fault-suite-secret-0123456789"
VISITORS = [FakeUser(8_100 + i, f"Visiteur {i}", language_code="fr") for i in range(8)]
TUNING = replace(TEST_TUNING, flood_limit=100, typing_after=0.3)


def promised(text: str) -> bool:
    return any(p in text for p in PROMISES)


async def test_frozen_postgres_every_visitor_gets_a_reply(
        emu: BotApiEmulator, postgres_server: PostgresServer, postgres_url: str, tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", database_url=postgres_url,
                                       pseudonym_secret=SECRET, db_write_timeout=1.0))
    try:
        async with running_bot(emu, services, bot_settings(emu, tmp_path / "data"), tuning=TUNING):
            with frozen(postgres_server):
                for user, question in zip(VISITORS, UNANSWERABLE):
                    await emu.send_text(user, emu.private_chat(user), question)
                # Every reply arrives while the server is still frozen (the old code waited for it).
                for user in VISITORS:
                    [reply] = await emu.wait_for_messages(emu.private_chat(user).id, timeout=30)
                    assert promised(reply["text"])  # kept in the spool: the promise holds
            # Those replies waited for the database (a second at least): Telegram showed "typing…",
            # always before the reply, never after it.
            for user in VISITORS:
                [typing] = [c for c in emu.calls_of("sendChatAction") if int(c.params["chat_id"]) == user.id]
                [sent] = [c for c in emu.calls_of("sendMessage") if int(c.params["chat_id"]) == user.id]
                assert typing.params["action"] == "typing" and typing.at < sent.at
            await asyncio.to_thread(services.question_log.flush_spool)
            groups = await asyncio.to_thread(services.question_log.groups)
            assert sum(g.count for g in groups) == len(VISITORS)
    finally:
        services.question_log.close()


async def test_storage_gone_the_reply_does_not_promise_a_hand_over(emu: BotApiEmulator, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        remount_read_only(disk)  # neither a database nor a spool can be written there
        services = build_services(Settings(data_dir=disk / "data", pseudonym_secret=SECRET))
        try:
            async with running_bot(emu, services, bot_settings(emu, disk / "data"), tuning=TUNING):
                user = VISITORS[0]
                await emu.send_text(user, emu.private_chat(user), UNANSWERABLE[0])
                [reply] = await emu.wait_for_messages(emu.private_chat(user).id, timeout=30)
        finally:
            services.question_log.close()
    assert not promised(reply["text"])


async def test_feedback_for_an_unknown_entry_is_refused(emu: BotApiEmulator, tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", pseudonym_secret=SECRET))
    try:
        async with running_bot(emu, services, bot_settings(emu, tmp_path / "data"), tuning=TUNING):
            user = VISITORS[0]
            chat = emu.private_chat(user)
            await emu.send_text(user, chat, "Où se trouve Chematech ?")
            [reply] = await emu.wait_for_messages(chat.id)
            forged = emu.message(chat.id, reply["message_id"])
            forged["reply_markup"] = {"inline_keyboard": [[{"text": "👍", "callback_data": "fb:1:no-such-entry"},
                                                           {"text": "👍", "callback_data": "fb:1:chematech"}]]}
            refused = await emu.wait_for_callback_answer(await emu.press_button(forged, "fb:1:no-such-entry"))
            accepted = await emu.wait_for_callback_answer(await emu.press_button(forged, "fb:1:chematech"))
        with services.question_log._sessions() as session:
            entries = list(session.scalars(select(Feedback.entry)))
    finally:
        services.question_log.close()
    assert refused["text"] != accepted["text"]
    assert entries == ["chematech"]


async def test_run_waits_for_an_unreachable_bot_api_then_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
           "TELEGRAM_API_URL": f"http://127.0.0.1:{port}", "DATA_DIR": str(tmp_path),
           "PSEUDONYM_SECRET": SECRET}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    lines: list[str] = []

    async def read_until(text: str) -> None:
        assert process.stderr is not None
        while not any(text in line for line in lines):
            line = await asyncio.wait_for(process.stderr.readline(), timeout=60)
            assert line, f"the bot exited: {''.join(lines)}"
            lines.append(line.decode())

    try:
        await read_until("Telegram Bot API unreachable")
        await asyncio.sleep(2.5)  # a few retries happen meanwhile: they do not log again
        async with BotApiEmulator(port=port) as emu:
            await emu.wait_for_call("getUpdates", timeout=90)
            user = VISITORS[1]
            await emu.send_text(user, emu.private_chat(user), "Où se trouve Chematech ?")
            [reply] = await emu.wait_for_messages(emu.private_chat(user).id, timeout=20)
            assert "Dijon" in reply["text"]
            process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
            lines.append(rest.decode())
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = "".join(lines)
    assert process.returncode == 0, log
    assert log.count("Telegram Bot API unreachable") == 1, log
    assert "Telegram Bot API reachable again" in log
    assert "Traceback" not in log


@pytest.mark.parametrize("signal_name", ["SIGTERM"])
async def test_run_stops_cleanly_while_waiting_for_the_bot_api(tmp_path: Path, signal_name: str) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
           "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}", "DATA_DIR": str(tmp_path),
           "PSEUDONYM_SECRET": SECRET}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stderr is not None
        first = b""
        while b"unreachable" not in first:
            first = await asyncio.wait_for(process.stderr.readline(), timeout=60)
            assert first
        process.send_signal(getattr(signal, signal_name))
        _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0 and b"Traceback" not in rest
