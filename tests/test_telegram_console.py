"""The bot's side of the web console, end to end with the real Application and the emulator:
/console gives staff a sign-in link that works (once), /reload reloads the knowledge base or lists
its problems, and a running bot follows a reload made in another process within seconds."""
from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.console.app import build_console
from bot.handlers.context import SERVICES
from bot.reloading import reload_everywhere
from bot.services import build_services
from botapi_emulator import FakeUser
from console_harness import STAFF_ID, console_settings
from telegram_harness import TEST_TUNING, bot_settings, running_bot
from test_console_http import add_entry, break_knowledge

STAFF = FakeUser(STAFF_ID, "Stella", "en")
EVE = FakeUser(8880002, "Eve", "en")
REFUSAL = "Sorry, this command is for the team only."


@pytest.fixture
def settings(tmp_path: Path):
    return replace(console_settings(tmp_path), knowledge_poll_seconds=0.2)


@pytest.fixture
def services(settings):
    built = build_services(settings)
    yield built
    built.question_log.close()


@pytest.fixture
async def bot(emu, services, settings, tmp_path):
    on_emulator = bot_settings(emu, settings.data_dir, staff_user_ids=settings.staff_user_ids,
                               knowledge_dir=settings.knowledge_dir, knowledge_poll_seconds=0.2,
                               pseudonym_secret=settings.pseudonym_secret)
    async with running_bot(emu, services, on_emulator, tuning=TEST_TUNING) as application:
        yield application


async def say(emu, user: FakeUser, text: str) -> dict:
    chat = emu.private_chat(user)
    await emu.send_text(user, chat, text)
    [reply] = await emu.wait_for_messages(chat.id, 1)
    return reply


async def test_console_command_gives_staff_a_one_time_link(emu, bot, services, settings) -> None:
    reply = await say(emu, STAFF, "/console")
    assert "valid for 10 minutes, once" in reply["text"]
    [url] = re.findall(r"http://127\.0\.0\.1:8080/signin/\S+", reply["text"])
    token = url.rsplit("/", 1)[1]
    with TestClient(build_console(services)) as client:
        assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
        assert client.get("/inbox", follow_redirects=False).status_code == 200
        client.cookies.clear()
        assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 403
    assert (await say(emu, EVE, "/console"))["text"] == REFUSAL


async def test_reload_command_lists_problems_then_reloads(emu, bot, settings) -> None:
    services = bot.bot_data[SERVICES]  # the bot's own (running_bot gives it its settings)
    before = services.knowledge
    original = (settings.knowledge_dir / "events.yaml").read_text(encoding="utf-8")
    break_knowledge(settings.knowledge_dir)
    failed = await say(emu, STAFF, "/reload")
    assert "Knowledge base not reloaded: 1 problem(s)" in failed["text"]
    assert re.search(r"events\.yaml:\d+, entry biofit-medfit, field end", failed["text"])
    assert services.knowledge is before
    assert (await say(emu, EVE, "/reload"))["text"] == REFUSAL
    (settings.knowledge_dir / "events.yaml").write_text(original, encoding="utf-8")
    add_entry(settings.knowledge_dir)
    done = await say(emu, STAFF, "/reload")
    assert "Knowledge base reloaded" in done["text"]
    assert "test-console-objective" in services.knowledge.entries
    assert services.question_log.knowledge_version() == 1  # the other processes are told


async def test_a_running_bot_follows_a_reload_made_elsewhere(emu, bot, settings) -> None:
    services = bot.bot_data[SERVICES]
    console_process = build_services(settings)  # e.g. the web console, on the same database
    try:
        add_entry(settings.knowledge_dir)
        outcome = await asyncio.to_thread(reload_everywhere, console_process)
        assert outcome.ok
        async with asyncio.timeout(10):  # the bot polls every 0.2 s here (3 s by default)
            while "test-console-objective" not in services.knowledge.entries:
                await asyncio.sleep(0.05)
        reply = await say(emu, EVE, "Zorblatt objective")
        assert "An objective added by the reload test." in reply["text"]
    finally:
        console_process.question_log.close()
