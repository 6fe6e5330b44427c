"""End to end: the Telegram rough edges of issue 11, item 5, each reproduced against the local Bot
API emulator first (these tests failed on the code before the fix), then checked fixed.

Each test gets its own SQLite question log, so "nothing was logged" can be counted exactly.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.services import build_services
from botapi_emulator import BotApiEmulator, FakeUser
from db.models import Feedback, Question
from telegram_harness import (TEST_TUNING, TODAY, WEBHOOK_SECRET, bot_settings, button_data, buttons, running_bot,
                              webhook_settings)

ANNE = FakeUser(2001, "Anne", "fr")
BOB = FakeUser(2002, "Bob", "en")
CLARA = FakeUser(2003, "Clara", "fr")
PASSED_ON = ("transmis", "passed")
TUNING = dataclasses.replace(TEST_TUNING, flood_limit=100)


@pytest.fixture
def services(tmp_path):
    built = build_services(Settings(data_dir=tmp_path / "data", telegram_bot_token="unused"), today=lambda: TODAY)
    yield built
    built.question_log.close()


@pytest.fixture
async def bot(emu, services, tmp_path):
    async with running_bot(emu, services, bot_settings(emu, tmp_path), tuning=TUNING) as application:
        yield application


async def ask(emu: BotApiEmulator, user: FakeUser, text: str) -> dict:
    chat = emu.private_chat(user)
    await emu.send_text(user, chat, text)
    [reply] = await emu.wait_for_messages(chat.id)
    return reply


async def press(emu: BotApiEmulator, message: dict, label: str, user: FakeUser | None = None) -> dict:
    return await emu.wait_for_callback_answer(await emu.press_button(message, button_data(message, label), user=user))


def labels(message: dict) -> list[str]:
    return [b["text"] for b in buttons(message)]


def count(services, model) -> int:
    with services.question_log.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


# ---- language and chatter ------------------------------------------------------------------------

async def test_a_french_visitor_stays_french_after_ok_and_help_shows_the_menu(emu, bot):
    assert "Dijon" in (await ask(emu, ANNE, "Où se trouve Chematech ?"))["text"]
    ok = await ask(emu, ANNE, "ok")
    assert "question" in ok["text"] and not any(word in ok["text"] for word in PASSED_ON)  # in French
    for word in ("help", "menu", "start"):
        menu = await ask(emu, ANNE, word)
        assert menu["text"] == "Que voulez-vous découvrir ?" and "🏢 Acteurs" in labels(menu)
    assert (await ask(emu, ANNE, "/about"))["text"].startswith("BIOVALIANCE")  # still in French:
    assert "Mes sources" in emu.bot_messages(ANNE.id)[-1]["text"]


@pytest.mark.parametrize("said", ["ok", "oui", "non", "cool", "d'accord", "retour", "👍👍", "🙂",
                                  "Tell me about the moon " * 30])
async def test_chatter_is_never_logged_nor_passed_on(emu, bot, services, said):
    reply = await ask(emu, CLARA, said)
    assert not any(word in reply["text"] for word in PASSED_ON)
    assert not any("équipe" in label or "team" in label for label in labels(reply))
    await asyncio.sleep(0.1)
    assert count(services, Question) == 0


# ---- events ------------------------------------------------------------------------------------------

async def test_past_events_have_no_upcoming_heading_and_no_calendar_button(emu, services, tmp_path):
    later = dataclasses.replace(services, today=lambda: dt.date(2031, 1, 1))  # every event is past
    async with running_bot(emu, later, bot_settings(emu, tmp_path), tuning=TUNING):
        page = await ask(emu, BOB, "/events")
        assert "upcoming first" not in page["text"] and page["text"].startswith("Past events")
        await press(emu, page, "BioFit")
        [card] = await emu.wait_for_messages(BOB.id)
        assert "took place" in card["text"]
        assert not any("calendar" in label for label in labels(card))


async def test_an_upcoming_event_card_keeps_its_calendar_button(emu, bot):
    page = await ask(emu, BOB, "/events")
    assert page["text"].startswith("Events (upcoming first)")
    await press(emu, page, "BioFit")
    [card] = await emu.wait_for_messages(BOB.id)
    assert "📅 Add to my calendar" in labels(card)


# ---- groups: a button is for the person it was shown to ------------------------------------------------

async def test_in_a_group_only_the_asker_presses_their_buttons(emu, bot, services):
    group = emu.group(-100888, "Stand")
    await emu.send_text(ANNE, group, "/start")
    [welcome] = await emu.wait_for_messages(group.id)
    toast = await press(emu, welcome, "English", user=BOB)  # 🌐 on Anne's welcome
    assert toast["text"] == "This button is for the person who asked."
    assert emu.message(group.id, welcome["message_id"]).get("_edited_at") is None
    await emu.send_text(ANNE, group, "@biovaliance_test_bot Que fait Chematech ?")
    [answer] = await emu.wait_for_messages(group.id)
    assert (await press(emu, answer, "Utile", user=BOB))["text"] == "This button is for the person who asked."
    assert count(services, Feedback) == 0
    assert (await press(emu, answer, "Utile", user=ANNE))["text"] == "Merci pour votre avis !"
    await emu.wait_for_edit(group.id, answer["message_id"], since=0)
    assert count(services, Feedback) == 1


async def test_feedback_counts_once_per_user_and_message(emu, bot, services):
    reply = await ask(emu, BOB, "What does Chematech do?")
    data = button_data(reply, "Helpful")
    first = await emu.press_button(reply, data)
    second = await emu.press_button(reply, data)  # pressed again before the keyboard went: a stale copy
    await emu.wait_for_callback_answer(first)
    await emu.wait_for_callback_answer(second)
    await asyncio.sleep(0.2)
    assert count(services, Feedback) == 1


# ---- cards ---------------------------------------------------------------------------------------------

async def test_cards_open_once_and_have_menu_and_back(emu, bot):
    page = await ask(emu, BOB, "/actors")
    data = button_data(page, "Chematech")
    await emu.press_button(page, data)
    await emu.press_button(page, data)  # a double tap
    [card] = await emu.wait_for_messages(BOB.id)
    await emu.expect_silence(BOB.id, seconds=0.4)
    assert card["text"].startswith("Chematech")
    assert labels(card)[-2:] == ["◀ Back", "🏠 Menu"]
    await press(emu, card, "Back")
    back = await emu.wait_for_edit(BOB.id, card["message_id"], since=0)
    assert back["text"].startswith("Actors of the ecosystem")
    await press(emu, back, "CellQuest")
    [other] = await emu.wait_for_messages(BOB.id)
    await press(emu, other, "🏠 Menu")
    [menu] = await emu.wait_for_messages(BOB.id)
    assert menu["text"] == "What would you like to explore?" and "🏢 Actors" in labels(menu)
    # A card opened from an answer (not from a list) has the menu but no Back.
    answer = await ask(emu, BOB, "What does Chematech do?")
    await press(emu, answer, "BIOVALIANCE")
    [card] = await emu.wait_for_messages(BOB.id)
    assert labels(card)[-1] == "🏠 Menu" and "◀ Back" not in labels(card)


# ---- deep links, captions, typing -------------------------------------------------------------------------

@pytest.mark.parametrize("payload, title", [("evenements", "Événements"), ("agenda", "Événements"),
                                            ("acteurs", "Acteurs de l'écosystème"), ("chiffres", "Chiffres clés")])
async def test_french_deep_links(emu, bot, payload, title):
    chat = emu.private_chat(ANNE)
    await emu.send_text(ANNE, chat, f"/start {payload}")
    _, page = await emu.wait_for_messages(chat.id, 2)
    assert page["text"].startswith(title)


async def test_a_photo_caption_is_a_question_and_a_quick_reply_comes_without_typing(emu, bot):
    chat = emu.private_chat(ANNE)
    await emu.send_photo(ANNE, chat, "Où se trouve Chematech ?")
    [reply] = await emu.wait_for_messages(chat.id)
    assert "Dijon" in reply["text"]
    assert TUNING.typing_after >= 1.0
    # Ready well within a second: no "typing…" call (Telegram would clear it at once anyway).
    assert not [c for c in emu.calls_of("sendChatAction") if int(c.params["chat_id"]) == ANNE.id]
    await emu.send_photo(ANNE, chat)  # no caption: what the bot can read
    [word] = await emu.wait_for_messages(chat.id)
    assert word["text"].startswith("Je ne lis que le texte")


# ---- callback answers are never retried -------------------------------------------------------------------

async def test_answer_callback_query_is_never_retried(emu, bot):
    page = await ask(emu, BOB, "/actors")
    emu.inject("answerCallbackQuery", "5xx")  # the answer is lost: sending it again could show it twice
    lost = await emu.press_button(page, button_data(page, "Chematech"))
    await emu.wait_for_call("answerCallbackQuery")
    await asyncio.sleep(0.5)
    assert len(emu.calls_of("answerCallbackQuery")) == 1
    emu._callback_answers[lost] = {}  # Telegram forgets an unanswered query after a while
    await press(emu, page, "CellQuest")  # and the bot carries on
    [card] = await emu.wait_for_messages(BOB.id)
    assert card["text"].startswith("CellQuest")


# ---- webhook ----------------------------------------------------------------------------------------------

async def test_webhook_replayed_update_once_and_malformed_json_400(emu, services, tmp_path):
    settings = webhook_settings(emu, tmp_path)
    async with running_bot(emu, services, settings, tuning=TUNING, webhook=True):
        chat = emu.private_chat(BOB)
        await emu.send_text(BOB, chat, "Where is Chematech?")
        [reply] = await emu.wait_for_messages(chat.id)
        assert "Dijon" in reply["text"]
        await emu.redeliver(emu.pushed[-1])  # Telegram sends the same update_id again
        await emu.expect_silence(chat.id, seconds=0.6)
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET, "Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            malformed = await client.post(settings.webhook_url, content=b'{"update_id": 5, "message": ', headers=headers)
            not_an_update = await client.post(settings.webhook_url, content=b'[1, 2]', headers=headers)
            forged = await client.post(settings.webhook_url, content=b'{"update_id": 6}',
                                       headers=headers | {"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert malformed.status_code == 400 and not_an_update.status_code == 400
        assert forged.status_code == 403
