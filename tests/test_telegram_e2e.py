"""End to end: the real Application, built by bot.app, talks HTTP to the local Bot API emulator.

Only the network is replaced. A simulated user writes, presses buttons and types inline queries;
the tests read what the bot sent, as the user's Telegram app would show it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import os
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar

from bot.config import Settings
from bot.handlers.delivery import send_html
from bot.handlers.listing import PAGE_SIZE
from bot.knowledge import Actor
from bot.services import build_services
from botapi_emulator import BotApiEmulator, FakeUser, transcript_markdown
from telegram_harness import TODAY, WEBHOOK_SECRET, bot_settings, button_data, buttons, running_bot, webhook_settings

ANNE = FakeUser(1001, "Anne", "fr")
BOB = FakeUser(1002, "Bob", "en-GB")
NOLANG = FakeUser(1003, "Kim", None)

# A 429 makes python-telegram-bot build a RetryAfter, whose constructor warns about a future change
# of type; the warning is python-telegram-bot's own, not ours.
RETRY_AFTER_WARNING = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after`:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """Real services: knowledge base, engine, SQLite question log in a temporary data directory."""
    data_dir = tmp_path_factory.mktemp("data")
    built = build_services(Settings(data_dir=data_dir, telegram_bot_token="unused"), today=lambda: TODAY)
    yield built
    built.question_log.close()


@pytest.fixture
async def bot(emu, services, tmp_path):
    async with running_bot(emu, services, bot_settings(emu, tmp_path)) as application:
        yield application


async def ask(emu: BotApiEmulator, user: FakeUser, text: str) -> dict:
    """Write in the user's private chat and return the bot's one reply."""
    chat = emu.private_chat(user)
    await emu.send_text(user, chat, text)
    [reply] = await emu.wait_for_messages(chat.id)
    return reply


async def press(emu: BotApiEmulator, message: dict, label: str) -> dict:
    """Press a button by its label and return the callback answer the bot gave."""
    query = await emu.press_button(message, button_data(message, label))
    return await emu.wait_for_callback_answer(query)


# ---- /start, languages, commands ---------------------------------------------------------------

async def test_start_in_french_offers_the_menu(emu, bot):
    reply = await ask(emu, ANNE, "/start")
    assert reply["text"].startswith("Bonjour Anne !")
    assert [b["text"] for b in buttons(reply)] == ["🏢 Acteurs", "🧬 Spécialités", "📅 Événements",
                                                    "🎯 Objectifs", "📊 Chiffres clés", "🌐 English"]
    assert any(e["type"] == "bold" for e in reply["entities"])  # HTML parse mode


async def test_start_in_english_from_language_code(emu, bot):
    reply = await ask(emu, BOB, "/start")
    assert reply["text"].startswith("Hello Bob!")
    assert "🏢 Actors" in [b["text"] for b in buttons(reply)]


async def test_language_follows_what_the_user_writes(emu, bot):
    # No language_code: the default (French) first, then the language of the question.
    assert (await ask(emu, NOLANG, "/start"))["text"].startswith("Bonjour Kim !")
    answer = await ask(emu, NOLANG, "Where is RD Biotech located?")
    assert "RD Biotech is based in Besançon" in answer["text"]
    welcome = await ask(emu, NOLANG, "/start")
    assert welcome["text"].startswith("Hello Kim!")


async def test_lang_command_is_remembered(emu, bot):
    confirmation = await ask(emu, ANNE, "/lang en")
    assert confirmation["text"] == "Noted, I will now speak English with you."
    assert (await ask(emu, ANNE, "/help"))["text"].startswith("What I can do")
    picker = await ask(emu, ANNE, "/lang")
    answer = await press(emu, picker, "Français")
    assert answer["text"] == "C'est noté, je vous parle désormais en français."
    redrawn = await emu.wait_for_edit(picker["chat"]["id"], picker["message_id"], since=0)
    assert redrawn["text"].startswith("Bonjour Anne !")
    assert (await ask(emu, ANNE, "/actors"))["text"].startswith("Acteurs de l'écosystème")


async def test_help_about_and_the_command_menus(emu, bot):
    help_text = (await ask(emu, BOB, "/help"))["text"]
    assert "/events — Events, upcoming first" in help_text
    assert "@biovaliance_test_bot" in help_text
    about = (await ask(emu, BOB, "/about"))["text"]
    assert "BIOVALIANCE" in about and "My sources" in about
    assert "Sifted, 2025-11-28" in about and "K6FM, 2025-10-04" in about
    # set in post_init: French, English, and the default (French) for every other language
    assert emu.commands[("default", "fr")][0] == {"command": "start", "description": "Accueil et menu"}
    assert emu.commands[("default", "en")][0] == {"command": "start", "description": "Welcome and menu"}
    assert emu.commands[("default", "")] == emu.commands[("default", "fr")]
    unknown = await ask(emu, BOB, "/frobnicate")
    assert "/help" in unknown["text"]


# ---- questions ---------------------------------------------------------------------------------

async def test_question_in_french_with_related_buttons_and_feedback(emu, bot):
    reply = await ask(emu, ANNE, "Où se trouve RD Biotech ?")
    assert reply["text"].startswith("RD Biotech se trouve à Besançon.")
    labels = [b["text"] for b in buttons(reply)]
    assert labels[-2:] == ["👍 Utile", "👎 Pas utile"]
    assert "ADN plasmidique" in labels  # a related entry, as a button


async def test_question_in_english(emu, bot):
    reply = await ask(emu, BOB, "When is BioFit?")
    assert "BioFit" in reply["text"] and "2 to 3 December 2025" in reply["text"] and "Strasbourg" in reply["text"]
    assert [b["text"] for b in buttons(reply)][-2:] == ["👍 Helpful", "👎 Not helpful"]


async def test_a_typo_is_still_understood(emu, bot):
    reply = await ask(emu, BOB, "Where is chematek?")
    assert "Chematech" in reply["text"] and "Dijon" in reply["text"]


async def test_user_text_is_escaped(emu, bot):
    # The emulator refuses malformed HTML, so an unescaped "<" or "&" would fail the send (and the
    # visitor would get the apology instead). The greeting echoes the visitor's first name.
    tricky = FakeUser(1004, "<b>A&B", "en")
    welcome = await ask(emu, tricky, "/start")
    assert welcome["text"].startswith("Hello <b>A&B!")
    assert not any(e["type"] == "bold" and e["offset"] == len("Hello ") for e in welcome.get("entities", []))
    reply = await ask(emu, BOB, "<b>What</b> is 2 < 3 & co?")
    assert reply["text"]


async def test_clarify_buttons_open_the_chosen_card(emu, bot):
    reply = await ask(emu, BOB, "cell")
    assert reply["text"].startswith("I'm not sure I understood.")
    assert sorted(b["text"] for b in buttons(reply)) == ["Cell therapy", "CellQuest"]  # a tie: either order
    await press(emu, reply, "CellQuest")
    [card] = await emu.wait_for_messages(BOB.id)
    assert card["text"].startswith("CellQuest")


async def test_unanswered_question_is_passed_on_and_logged_pseudonymously(emu, bot, services):
    question = "What is the capital of Peru?"
    reply = await ask(emu, BOB, question)
    assert "passed" in reply["text"] and "team" in reply["text"]
    assert not any(b["callback_data"].startswith("fb:") for b in buttons(reply))
    log = services.question_log
    samples = [s for g in await asyncio.to_thread(log.groups) for s in g.samples]
    assert question in samples
    key = log.user_key(BOB.id)
    assert key != str(BOB.id) and len(key) == 64
    # The question was stored under the pseudonym: forgetting the pseudonym removes it.
    assert await asyncio.to_thread(log.forget, key) >= 1


async def test_smalltalk_gets_a_friendly_word(emu, bot):
    reply = await ask(emu, BOB, "thanks")
    assert "welcome" in reply["text"].lower()
    assert not buttons(reply)


async def test_feedback_is_recorded_and_its_buttons_go(emu, bot, services):
    log = services.question_log
    utc_today = dt.datetime.now(dt.UTC).date()
    before = (await asyncio.to_thread(log.stats, utc_today, 1)).helpful
    reply = await ask(emu, BOB, "What does Chematech do?")
    answer = await press(emu, reply, "Helpful")
    assert answer["text"] == "Thanks for your feedback!"
    edited = await emu.wait_for_edit(BOB.id, reply["message_id"], since=0)
    assert not any(b["callback_data"].startswith("fb:") for b in buttons(edited))
    assert buttons(edited), "the related-entry buttons stay"
    assert (await asyncio.to_thread(log.stats, utc_today, 1)).helpful == before + 1


# ---- browsing ----------------------------------------------------------------------------------

async def test_paging_through_actors_then_a_card(emu, bot, knowledge):
    pages = math.ceil(len(knowledge.of_type(Actor)) / PAGE_SIZE)
    assert pages >= 3, "the test needs at least three pages of actors"
    first = await ask(emu, BOB, "/actors")
    assert f"Page 1/{pages}" in first["text"]
    assert [b["text"] for b in buttons(first)][-1] == "Next ▶"
    await press(emu, first, "Next")
    second = await emu.wait_for_edit(BOB.id, first["message_id"], since=0)
    assert f"Page 2/{pages}" in second["text"]
    assert [b["text"] for b in buttons(second)][-2:] == ["◀ Previous", "Next ▶"]
    edited_at = second["_edited_at"]
    await press(emu, second, "Previous")
    again = await emu.wait_for_edit(BOB.id, first["message_id"], since=edited_at)
    assert f"Page 1/{pages}" in again["text"]
    await press(emu, again, "Chematech")
    [card] = await emu.wait_for_messages(BOB.id)
    assert card["text"].startswith("Chematech") and "Dijon" in card["text"]


async def test_menu_button_opens_a_section(emu, bot):
    menu = await ask(emu, ANNE, "/start")
    await press(emu, menu, "Objectifs")
    [objectives] = await emu.wait_for_messages(ANNE.id)
    assert objectives["text"].startswith("Les objectifs")
    assert objectives["text"].count("\n1. ") == 1


async def test_specialities_then_who_works_on_it(emu, bot):
    page = await ask(emu, BOB, "/specialities")
    await press(emu, page, "Cell therapy")
    [card] = await emu.wait_for_messages(BOB.id)
    assert "Who works on Cell therapy: CellQuest" in card["text"]
    assert card["text"].rstrip().splitlines()[-1].startswith("Source")
    assert "CellQuest" in [b["text"] for b in buttons(card)]


async def test_events_upcoming_first_and_an_ics_file(emu, bot):
    page = await ask(emu, BOB, "/events")
    lines = [line for line in page["text"].splitlines() if line.startswith("• ")]
    assert "(upcoming)" in lines[0] and "(upcoming)" in lines[1]
    assert "(past)" in lines[2] and "(past)" in lines[3]
    assert lines[0].startswith("• Immunology") and "Lyon" in lines[0]
    await press(emu, page, "BioFit")
    [card] = await emu.wait_for_messages(BOB.id)
    assert "Strasbourg (France)" in card["text"]
    await press(emu, card, "Add to my calendar")
    [sent] = await emu.wait_for_messages(BOB.id)
    document = sent["document"]
    assert document["file_name"] == "biofit-medfit.ics" and document["mime_type"] == "text/calendar"
    # Download it the way a client would, from {root}/file/bot{token}/{file_id}, and parse it back.
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{emu.root}/file/bot{emu.token}/{document['file_id']}")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.get("dtstart").dt == dt.date(2025, 12, 2)
    assert event.get("dtend").dt == dt.date(2025, 12, 4)  # exclusive end of an all-day event
    assert str(event.get("location")) == "Strasbourg, France"
    assert "BioFit" in str(event.get("summary"))


async def test_deep_links_open_a_list_or_a_card(emu, bot):
    chat = emu.private_chat(ANNE)
    await emu.send_text(ANNE, chat, "/start events")
    welcome, events = await emu.wait_for_messages(chat.id, 2)
    assert welcome["text"].startswith("Bonjour Anne")
    assert events["text"].startswith("Événements")
    await emu.send_text(ANNE, chat, "/start actor-rd-biotech")
    _, card = await emu.wait_for_messages(chat.id, 2)
    assert card["text"].startswith("RD Biotech")
    await emu.send_text(ANNE, chat, "/start <script>")  # not a valid payload: the plain welcome
    [plain] = await emu.wait_for_messages(chat.id)
    assert len(buttons(plain)) == 6


async def test_long_replies_are_split_into_valid_parts(emu, bot):
    paragraph = "<b>BIOVALIANCE</b> &amp; biothérapies : " + "une phrase assez longue pour remplir. " * 20
    html = "\n\n".join([paragraph] * 30)  # about 25,000 characters
    chat = emu.private_chat(ANNE)
    await send_html(bot.bot, chat.id, html)
    parts = await emu.wait_for_messages(chat.id, 4, timeout=10)
    parts += emu.bot_messages(chat.id)[len(parts):]
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert sum(p["text"].count("BIOVALIANCE") for p in parts) == 30


# ---- groups and inline mode --------------------------------------------------------------------

async def test_in_a_group_it_answers_only_when_addressed(emu, bot):
    group = emu.group(-100777, "Salon BIO")
    await emu.send_text(ANNE, group, "Où se trouve RD Biotech ?")  # chatter between visitors
    await emu.send_text(BOB, group, "/start@some_other_bot")
    await emu.send_text(BOB, group, "@some_other_bot where is Chematech?")
    await emu.expect_silence(group.id, seconds=0.6)

    asked = await emu.send_text(BOB, group, "@biovaliance_test_bot where is Chematech?")
    [answer] = await emu.wait_for_messages(group.id)
    assert "Chematech" in answer["text"] and answer["reply_to_message"]["message_id"] == asked["message_id"]

    await emu.send_text(ANNE, group, "Et RD Biotech ?", reply_to=answer)  # a reply to the bot
    [follow_up] = await emu.wait_for_messages(group.id)
    assert "RD Biotech" in follow_up["text"]

    await emu.send_text(ANNE, group, "/help@biovaliance_test_bot")
    [help_message] = await emu.wait_for_messages(group.id)
    assert help_message["text"].startswith("Ce que je sais faire")
    await emu.send_text(ANNE, group, "merci à tous, à demain")
    await emu.expect_silence(group.id, seconds=0.4)


async def test_inline_mode_offers_answer_cards(emu, bot):
    query = await emu.inline_query(BOB, "When is BioFit?")
    answer = await emu.wait_for_inline_answer(query)
    results = answer["results"]
    assert results[0]["type"] == "article" and "BioFit" in results[0]["title"]
    assert "December 2025" in results[0]["input_message_content"]["message_text"]
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"
    assert answer["is_personal"] in (True, "true")

    empty = await emu.wait_for_inline_answer(await emu.inline_query(ANNE, ""))
    titles = [r["title"] for r in empty["results"]]
    assert titles[0] == "BIOVALIANCE" and any("BioFit" in t for t in titles)

    nothing = await emu.wait_for_inline_answer(await emu.inline_query(BOB, "What is the capital of Peru?"))
    assert nothing["results"] == [] and nothing["button"]["start_parameter"] == "help"


# ---- manners under load and faults -------------------------------------------------------------

async def test_a_flood_gets_one_slow_down_not_twenty_answers(emu, bot):
    chat = emu.private_chat(BOB)
    for _ in range(20):
        await emu.send_text(BOB, chat, "When is BioFit?")
    sent = [m["text"] for m in await emu.wait_for_messages(chat.id, 9, timeout=10)]
    await emu.expect_silence(chat.id, seconds=0.5)
    assert len([t for t in sent if t.startswith("Easy there")]) == 1
    assert len([t for t in sent if "BioFit" in t]) == 8  # the guard's limit: 8 messages per 5 seconds
    # Other users are not affected, and the same user is answered again once the burst is over.
    assert "Chematech" in (await ask(emu, ANNE, "Where is Chematech?"))["text"]
    await asyncio.sleep(5.1)
    assert "Chematech" in (await ask(emu, BOB, "Where is Chematech?"))["text"]


@RETRY_AFTER_WARNING
async def test_429_with_retry_after_then_the_reply_arrives(emu, bot):
    emu.inject("sendMessage", "429", times=2, retry_after=1)
    reply = await ask(emu, BOB, "Where is Chematech?")
    assert "Chematech" in reply["text"]
    statuses = [c.status for c in emu.calls_of("sendMessage")]
    assert statuses == [429, 429, 200]
    calls = emu.calls_of("sendMessage")
    assert calls[2].at - calls[0].at >= 2.0  # retry_after was honoured twice


async def test_5xx_then_the_reply_arrives(emu, bot):
    emu.inject("sendMessage", "5xx", times=2, status=502)
    reply = await ask(emu, BOB, "Where is Chematech?")
    assert "Chematech" in reply["text"]
    assert [c.status for c in emu.calls_of("sendMessage")] == [502, 502, 200]


async def test_a_hanging_server_times_out_then_the_reply_arrives(emu, bot):
    emu.inject("sendMessage", "hang", seconds=5)
    reply = await ask(emu, BOB, "Where is Chematech?")
    assert "Chematech" in reply["text"]
    assert [c.fault for c in emu.calls_of("sendMessage")] == ["hang", None]


async def test_a_button_press_is_answered_once_even_when_the_answer_fails(services, tmp_path):
    """A retried answerCallbackQuery could answer a query twice (an error at Telegram) or too late."""
    async with BotApiEmulator() as server:  # its own server: this press is left unanswered on purpose
        async with running_bot(server, services, bot_settings(server, tmp_path)):
            reply = await ask(server, BOB, "/events")
            server.inject("answerCallbackQuery", "5xx", status=502)
            query_id = await server.press_button(reply, buttons(reply)[0]["callback_data"])
            await server.wait_for_call("answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == query_id)
            assert "Chematech" in (await ask(server, BOB, "Where is Chematech?"))["text"]  # still running
            calls = [c for c in server.calls_of("answerCallbackQuery") if c.params.get("callback_query_id") == query_id]
            assert [c.status for c in calls] == [502]


async def test_a_user_who_blocked_the_bot_is_handled_quietly(emu, bot, caplog):
    chat = emu.private_chat(ANNE)
    emu.block(ANNE)
    with caplog.at_level(logging.INFO, logger="bot.handlers.errors"):
        await emu.send_text(ANNE, chat, "Où se trouve RD Biotech ?")
        await emu.wait_for_call("sendMessage", where=lambda c: c.status == 403)
        assert "Chematech" in (await ask(emu, BOB, "Where is Chematech?"))["text"]
    records = [r for r in caplog.records if r.name == "bot.handlers.errors"]
    assert records and all(r.levelno == logging.INFO for r in records)
    assert not emu.bot_messages(chat.id)


async def test_an_unknown_button_is_still_answered(emu, bot):
    reply = await ask(emu, BOB, "/events")
    message = emu.message(BOB.id, reply["message_id"])
    message["reply_markup"]["inline_keyboard"].append([{"text": "old", "callback_data": "v1:obsolete"}])
    answer = await press(emu, message, "old")
    assert answer["text"] == "This card no longer exists."


# ---- webhook mode ------------------------------------------------------------------------------

async def test_webhook_mode_with_a_secret_token(emu, services, tmp_path):
    settings = webhook_settings(emu, tmp_path)
    async with running_bot(emu, services, settings, webhook=True):
        assert emu.webhook == {"url": settings.webhook_url, "secret_token": WEBHOOK_SECRET}
        reply = await ask(emu, BOB, "When is BioFit?")
        assert "BioFit" in reply["text"]
        menu = await ask(emu, BOB, "/start")
        await press(emu, menu, "Events")
        [events] = await emu.wait_for_messages(BOB.id)
        assert events["text"].startswith("Events")
        # Requests without the secret are refused by python-telegram-bot's webhook server.
        async with httpx.AsyncClient() as client:
            forged = await client.post(settings.webhook_url, json={"update_id": 1, "message": {}},
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            missing = await client.post(settings.webhook_url, json={"update_id": 1, "message": {}})
        assert forged.status_code == 403 and missing.status_code == 403


# ---- a real conversation, kept as documentation -------------------------------------------------

async def test_conversation_transcript(emu, bot):
    """A visitor's conversation. With BIOVALIANCE_TRANSCRIPT=path set, it is written there as Markdown
    (docs/transcript.md is produced this way)."""
    visitor = FakeUser(2001, "Claire", "fr")
    chat = emu.private_chat(visitor)
    menu = await ask(emu, visitor, "/start")
    await press(emu, menu, "Événements")
    [events] = await emu.wait_for_messages(chat.id)
    await press(emu, events, "Immunology")
    [card] = await emu.wait_for_messages(chat.id)
    await press(emu, card, "Ajouter à mon agenda")
    await emu.wait_for_messages(chat.id)
    await ask(emu, visitor, "Où se trouve RD Biotech ?")
    answer = await ask(emu, visitor, "Que fait Chematek ?")
    await press(emu, answer, "Utile")
    await emu.wait_for_edit(chat.id, answer["message_id"], since=0)
    clarify = await ask(emu, visitor, "cell")
    await press(emu, clarify, "CellQuest")
    await emu.wait_for_messages(chat.id)
    await ask(emu, visitor, "Combien coûte l'entrée au salon BioFit ?")
    await ask(emu, visitor, "merci !")
    text = transcript_markdown(emu, [chat.id])
    assert "**Visitor:** Que fait Chematek ?" in text and "`[📅 Ajouter à mon agenda]`" in text
    target = os.environ.get("BIOVALIANCE_TRANSCRIPT")
    if target:
        header = ("# A conversation with the bot\n\nRecorded by `tests/test_telegram_e2e.py::test_conversation_transcript`"
                  " against the local Bot API emulator (today = 1 November 2025). Buttons are shown as `[label]`.\n\n")
        Path(target).write_text(header + text, encoding="utf-8")


async def test_a_sticker_in_private_gets_a_word_not_silence(emu, bot):
    await emu.send_sticker(ANNE, emu.private_chat(ANNE))
    [reply] = await emu.wait_for_messages(ANNE.id)
    assert "texte" in reply["text"]


async def test_a_sticker_in_a_group_gets_nothing(emu, bot):
    group = emu.group(-100777, "Stand BIOVALIANCE")
    await emu.send_sticker(BOB, group)
    await emu.expect_silence(group.id)
