"""The Bot API emulator itself: what python-telegram-bot sees must be what Telegram would send.

These tests use a bare `telegram.Bot`, no application, so a fault here is the emulator's.
"""
from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from botapi_emulator import BotApiEmulator, FakeUser

ANNE = FakeUser(7, "Anne", "fr")


@pytest.fixture
async def emu():
    async with BotApiEmulator() as server:
        yield server


@pytest.fixture
async def bot(emu):
    async with Bot(emu.token, base_url=f"{emu.root}/bot", base_file_url=f"{emu.root}/file/bot",
                   request=HTTPXRequest(read_timeout=2), get_updates_request=HTTPXRequest(read_timeout=2)) as client:
        yield client


async def test_get_me_and_genuine_objects(emu, bot):
    assert bot.bot.is_bot and bot.username == "biovaliance_test_bot"
    chat = emu.private_chat(ANNE)
    await emu.send_text(ANNE, chat, "/start rd-biotech")
    [update] = await bot.get_updates(timeout=0)
    message = update.message
    assert message.text == "/start rd-biotech" and message.from_user.language_code == "fr"
    assert abs(message.date.timestamp() - time.time()) < 5  # seconds, not milliseconds
    assert message.entities[0].type == "bot_command" and message.entities[0].length == len("/start")
    sent = await bot.send_message(chat.id, "pick", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("A", callback_data="e:a")]]))
    await emu.press_button(sent.to_dict(), "e:a")
    [press] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert press.callback_query.chat_instance and press.callback_query.data == "e:a"
    assert press.callback_query.message.message_id == sent.message_id


async def test_get_updates_honours_offset_and_long_polling(emu, bot):
    chat = emu.private_chat(ANNE)
    await emu.send_text(ANNE, chat, "one")
    [first] = await bot.get_updates(timeout=0)
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["one"]  # not confirmed yet
    started = time.monotonic()
    assert await bot.get_updates(offset=first.update_id + 1, timeout=1) == ()  # confirmed, then waits
    assert 0.9 <= time.monotonic() - started < 1.8

    async def later() -> None:
        await asyncio.sleep(0.3)
        await emu.send_text(ANNE, chat, "two")
    task = asyncio.create_task(later())
    started = time.monotonic()
    [second] = await bot.get_updates(offset=first.update_id + 1, timeout=5)
    await task
    assert second.message.text == "two" and time.monotonic() - started < 1.5  # returns as soon as it arrives


@pytest.mark.parametrize("text, parse_mode, error", [
    ("<b>open", "HTML", "end tag"),
    ("<div>x</div>", "HTML", "(?i)unsupported start tag"),
    ("2 < 3", "HTML", "unescaped"),
    ("x" * 4097, None, "too long"),
    ("   ", None, "empty"),
])
async def test_refuses_what_telegram_refuses(emu, bot, text, parse_mode, error):
    emu.private_chat(ANNE)
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(ANNE.id, text, parse_mode=parse_mode)


async def test_refuses_callback_data_over_64_bytes(emu, bot):
    emu.private_chat(ANNE)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(ANNE.id, "hi", reply_markup=markup)


@pytest.mark.filterwarnings("ignore:.*attribute `retry_after`:telegram.warnings.PTBDeprecationWarning")
async def test_injected_429_is_a_retry_after(emu, bot):
    emu.private_chat(ANNE)
    emu.inject("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ANNE.id, "hi")
    assert caught.value._retry_after.total_seconds() == 3
    assert (await bot.send_message(ANNE.id, "hi")).text == "hi"


async def test_wrong_token_is_unauthorized(emu):
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=f"{emu.root}/bot"):
            pass
