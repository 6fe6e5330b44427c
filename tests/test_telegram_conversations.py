"""Conversations end to end: the real Application against the local Bot API emulator. Follow-up
questions keep their context per user and chat, /start drops it, and with PostgreSQL a second
bot (its own memory, the same database) picks the conversation up where the first left it."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import build_services
from botapi_emulator import BotApiEmulator, FakeUser
from telegram_harness import TODAY, bot_settings, running_bot

pytest_plugins = ["tests.pg_fixture"]

ANNE = FakeUser(2001, "Anne", "fr")
BOB = FakeUser(2002, "Bob", "en-GB")
MENTION = "@biovaliance_test_bot"


@pytest.fixture
def services(tmp_path: Path):
    built = build_services(Settings(data_dir=tmp_path / "data", telegram_bot_token="unused"), today=lambda: TODAY)
    yield built
    built.question_log.close()


async def say(emu: BotApiEmulator, user: FakeUser, chat, text: str) -> str:
    await emu.send_text(user, chat, text)
    [reply] = await emu.wait_for_messages(chat.id)
    return reply["text"]


async def test_a_follow_up_in_a_private_chat_keeps_its_subject(emu, services, tmp_path):
    async with running_bot(emu, services, bot_settings(emu, tmp_path)):
        chat = emu.private_chat(BOB)
        assert "plasmid" in await say(emu, BOB, chat, "Tell me about RD Biotech")
        assert "Besançon" in await say(emu, BOB, chat, "and which city is it in?")
        assert "Dijon" in await say(emu, BOB, chat, "and Chematech?")


async def test_two_members_of_a_group_keep_separate_contexts(emu, services, tmp_path):
    async with running_bot(emu, services, bot_settings(emu, tmp_path)):
        group = emu.group(-100888, "Stand")
        assert "Dijon" in await say(emu, ANNE, group, f"{MENTION} Où se trouve Chematech ?")
        assert "Besançon" in await say(emu, BOB, group, f"{MENTION} where is RD Biotech?")
        anne = await say(emu, ANNE, group, f"{MENTION} et elle fait quoi ?")
        bob = await say(emu, BOB, group, f"{MENTION} and what does it make?")
        assert "chélatants" in anne and "plasmid" not in anne.casefold()
        assert "plasmid" in bob and "chelating" not in bob


async def test_start_drops_the_context(emu, services, tmp_path):
    async with running_bot(emu, services, bot_settings(emu, tmp_path)):
        chat = emu.private_chat(BOB)
        await say(emu, BOB, chat, "Tell me about Santenov")
        await emu.send_text(BOB, chat, "/start")
        await emu.wait_for_messages(chat.id)
        assert "referring" in await say(emu, BOB, chat, "and where is it?")


async def test_a_second_bot_on_the_same_postgresql_database_continues_the_conversation(emu, postgres_url, tmp_path):
    def stack(name: str):
        return build_services(Settings(data_dir=tmp_path / name, telegram_bot_token="unused", database_url=postgres_url,
                                       pseudonym_secret="shared-secret"), today=lambda: TODAY)
    first, second = stack("a"), stack("b")
    chat = emu.private_chat(ANNE)
    try:
        async with running_bot(emu, first, bot_settings(emu, tmp_path / "a")):
            assert "Dijon" in await say(emu, ANNE, chat, "Parle-moi de Santenov")
            await emu.send_text(ANNE, chat, "/lang en")
            await emu.wait_for_messages(chat.id)
        # Another process: its own memory, the same database.
        async with running_bot(emu, second, bot_settings(emu, tmp_path / "b")):
            reply = await say(emu, ANNE, chat, "où ?")  # one word: the chosen language answers
            assert "is based in Dijon" in reply, "the focus and the /lang choice came through the database"
    finally:
        first.question_log.close()
        second.question_log.close()
