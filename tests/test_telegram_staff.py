"""End to end: staff review (/review and its buttons, /link, /stats, /export) and privacy (/privacy,
/forget, pseudonymous logging, mentions) with the real Application against the Bot API emulator.

Each test gets its own services: knowledge base, engine and a SQLite question log in a temporary
directory (a link teaches the engine, so tests must not share one), with STAFF as the only staff.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from telegram import Message

from bot.config import Settings
from bot.handlers.addressing import MENTION, question_text
from bot.handlers.staff import REVIEW_PAGE, SAMPLE_CHARS
from bot.services import Services, build_services
from botapi_emulator import BotApiEmulator, FakeUser
from db import database
from db.log import CSV_COLUMNS, QuestionLog
from db.models import Feedback, Question
from telegram_harness import TEST_TUNING, bot_settings, buttons, free_port, running_bot

STAFF = FakeUser(7770001, "Stella", "en")
EVE = FakeUser(8880002, "Eve", "en")
ANNA = FakeUser(8880003, "Anna", "fr")

REFUSAL = "Sorry, this command is for the team only."
PASSED_ON = "passed"  # every "I cannot answer" reply says the question was passed on to the team
APOLOGY = "technical problem"
LINKED_QUESTION = "Who founded Chematech?"  # unanswered, with Chematech as the engine's candidate
OFF_TOPIC = "What is the capital of Peru?"  # unanswered, no candidate
# The staff tests send more than the flood guard lets one visitor send in five seconds.
TUNING = replace(TEST_TUNING, flood_limit=100)


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the log counts UTC days, and /stats ends "today"


def staff_settings(data_dir: Path, **overrides: object) -> Settings:
    return replace(Settings(data_dir=data_dir, telegram_bot_token="unused", staff_user_ids=frozenset({STAFF.id})),
                   **overrides)  # type: ignore[arg-type]


@pytest.fixture
def services(tmp_path):
    built = build_services(staff_settings(tmp_path / "data"), today=utc_today)
    yield built
    built.question_log.close()


@pytest.fixture
async def bot(emu, services, tmp_path):
    settings = bot_settings(emu, tmp_path, staff_user_ids=services.settings.staff_user_ids)
    async with running_bot(emu, services, settings, tuning=TUNING) as application:
        yield application


async def ask(emu: BotApiEmulator, user: FakeUser, said: str, n: int = 1) -> list[dict]:
    """Write in the user's private chat and return the bot's next `n` messages there."""
    chat = emu.private_chat(user)
    await emu.send_text(user, chat, said)
    return await emu.wait_for_messages(chat.id, n)


async def ask_one(emu: BotApiEmulator, user: FakeUser, said: str) -> dict:
    [reply] = await ask(emu, user, said)
    return reply


async def review(emu: BotApiEmulator, groups: int) -> list[dict]:
    """Staff sends /review; the group messages that follow the heading (which is checked)."""
    head, *shown = await ask(emu, STAFF, "/review", 1 + min(groups, REVIEW_PAGE))
    assert head["text"].startswith(f"{groups} group(s) of questions to review")
    return shown


def group_of(messages: list[dict], sample: str) -> dict:
    """The review message of the group quoting `sample`."""
    [found] = [m for m in messages if f"« {sample} »" in m["text"]]
    return found


def group_key(message: dict) -> str:
    return message["text"].split(" ", 1)[0]  # "g12 · 3× · last asked …"


def labels(message: dict) -> list[str]:
    return [b["text"] for b in buttons(message)]


async def press(emu: BotApiEmulator, message: dict, label: str, user: FakeUser = STAFF) -> dict:
    """`user` presses the button labelled `label`; the callback answer the bot gave."""
    [data] = [b["callback_data"] for b in buttons(message) if b["text"] == label]
    return await emu.wait_for_callback_answer(await emu.press_button(message, data, user=user))


async def edited(emu: BotApiEmulator, message: dict) -> dict:
    return await emu.wait_for_edit(message["chat"]["id"], message["message_id"], since=0)


async def give_feedback(emu: BotApiEmulator, answer: dict, user: FakeUser) -> None:
    """`user` presses 👍 under an answer; returns once it is recorded (its buttons then go)."""
    await press(emu, answer, labels(answer)[-2], user=user)
    await edited(emu, answer)


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `check()` (run in a thread: it may read the database) holds."""
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(check):
            await asyncio.sleep(0.05)


async def state_of(log: QuestionLog, key: str) -> str:
    return (await asyncio.to_thread(log.group, key)).state


# ---- /review and its buttons -----------------------------------------------------------------

async def test_review_shows_each_open_group_with_its_buttons(emu, bot):
    tricky = "zz <b>&amp; & what is the wifi password?"
    assert PASSED_ON in (await ask_one(emu, EVE, LINKED_QUESTION))["text"]
    await ask(emu, EVE, tricky)
    shown = await review(emu, groups=2)
    chematech = group_of(shown, LINKED_QUESTION)
    assert group_key(chematech).startswith("g")
    assert " · 1× · last asked " in chematech["text"] and " UTC · en" in chematech["text"]
    assert "Close entries: Chematech" in chematech["text"]
    assert labels(chematech) == ["🔗 Chematech", "✍️ Write the answer", "✏️ Other entry", "🗑 Dismiss", "✅ Resolved"]
    other = group_of(shown, tricky)  # the visitor's HTML arrives as text (the emulator refuses bad HTML)
    assert labels(other) == ["✍️ Write the answer", "✏️ Other entry", "🗑 Dismiss", "✅ Resolved"]
    assert not [m for m in emu.bot_messages(STAFF.id) if APOLOGY in m["text"]]


async def test_review_with_nothing_open(emu, bot):
    assert (await ask_one(emu, STAFF, "/review"))["text"] == "No questions waiting for review. 🎉"


async def test_link_button_teaches_the_bot_at_once(emu, bot, services):
    assert PASSED_ON in (await ask_one(emu, EVE, LINKED_QUESTION))["text"]
    [group] = await review(emu, groups=1)
    answer = await press(emu, group, "🔗 Chematech")
    assert answer["text"] is None
    done = await edited(emu, group)
    assert done["text"].endswith("🔗 Linked to Chematech (1 question(s)): these phrasings are learned.")
    assert done["text"].startswith(group_key(group)) and not buttons(done)
    assert await state_of(services.question_log, group_key(group)) == "resolved"
    # The same question is now answered from the entry, by this running bot, without a restart.
    again = await ask_one(emu, EVE, LINKED_QUESTION)
    assert PASSED_ON not in again["text"] and "Chematech" in again["text"]
    assert "👍 Helpful" in labels(again)
    assert (await ask_one(emu, STAFF, "/review"))["text"] == "No questions waiting for review. 🎉"


async def test_other_entry_asks_for_link_then_link_command_teaches(emu, bot, services):
    await ask(emu, EVE, LINKED_QUESTION)
    [group] = await review(emu, groups=1)
    key = group_key(group)
    assert (await press(emu, group, "✏️ Other entry"))["text"] is None
    [hint] = await emu.wait_for_messages(STAFF.id)
    assert hint["text"] == f"Send /link {key} entry-id (for example /link {key} rd-biotech)."
    assert labels(emu.message(STAFF.id, group["message_id"])) == labels(group), "the buttons stay"

    linked = await ask_one(emu, STAFF, f"/link {key} chematech")
    assert linked["text"] == "🔗 Linked to Chematech (1 question(s)): these phrasings are learned."
    assert await state_of(services.question_log, key) == "resolved"
    assert PASSED_ON not in (await ask_one(emu, EVE, LINKED_QUESTION))["text"]


async def test_link_command_explains_its_mistakes(emu, bot):
    await ask(emu, EVE, OFF_TOPIC)
    [group] = await review(emu, groups=1)
    key = group_key(group)
    assert (await ask_one(emu, STAFF, "/link"))["text"] == "Usage: /link g12 entry-id"
    assert (await ask_one(emu, STAFF, f"/link {key}"))["text"] == "Usage: /link g12 entry-id"
    unknown = await ask_one(emu, STAFF, f"/link {key} no-such-entry")
    assert unknown["text"] == "No entry “no-such-entry” in the knowledge base."
    typo = await ask_one(emu, STAFF, f"/link {key} chematek")  # a typo: the closest id, as the CLI does
    assert typo["text"] == "No entry “chematek”. Did you mean chematech?"
    assert (await ask_one(emu, STAFF, "/link g999999 chematech"))["text"] == "No such group or question: g999999."
    junk = await ask_one(emu, STAFF, f"/link {key} " + "<x>&" * 1000)  # echoed cut short and escaped
    assert junk["text"].startswith("No entry “<x>&<x>&") and len(junk["text"]) < 120


async def test_dismiss_and_resolved_change_the_review_state(emu, bot, services):
    log = services.question_log
    await ask(emu, EVE, OFF_TOPIC)
    await ask(emu, EVE, LINKED_QUESTION)
    shown = await review(emu, groups=2)
    peru, chematech = group_of(shown, OFF_TOPIC), group_of(shown, LINKED_QUESTION)

    assert (await press(emu, peru, "🗑 Dismiss"))["text"] is None
    assert (await edited(emu, peru))["text"].endswith(
        "🗑 Dismissed (1 question(s)): they will not come back to review.")
    assert (await press(emu, chematech, "✅ Resolved"))["text"] is None
    assert (await edited(emu, chematech))["text"].endswith("✅ Marked resolved (1 question(s)).")
    assert await state_of(log, group_key(peru)) == "dismissed"
    assert await state_of(log, group_key(chematech)) == "resolved"
    assert await asyncio.to_thread(log.groups) == []

    # A dismissed question never comes back to review, and the bot no longer says it passed it on;
    # a resolved one taught nothing, so it can come back.
    dismissed = (await ask_one(emu, EVE, OFF_TOPIC))["text"]
    assert PASSED_ON not in dismissed
    assert PASSED_ON in (await ask_one(emu, EVE, LINKED_QUESTION))["text"]
    [again] = await review(emu, groups=1)
    assert f"« {LINKED_QUESTION} »" in again["text"]


async def test_a_group_handled_meanwhile_says_so(emu, bot, services):
    await ask(emu, EVE, OFF_TOPIC)
    [group] = await review(emu, groups=1)
    key = group_key(group)
    await asyncio.to_thread(services.question_log.dismiss, key)  # another staff member, from the CLI
    assert (await press(emu, group, "✅ Resolved"))["text"] == "Already handled."
    assert (await edited(emu, group))["text"].endswith("\n\nAlready handled.")
    assert await state_of(services.question_log, key) == "dismissed"


async def test_long_questions_do_not_break_review_or_stats(emu, bot, services):
    log, engine = services.question_log, services.engine
    # Questions from the command line (`ask`) have no length limit: three wordings of one long
    # question (one group, three samples), five other long questions (one more than a page).
    base = "Is there a fair about wisconsin cheese " * 112  # about 4,400 characters
    topics = ["giraffe", "saxophone", "volcano", "umbrella", "pyramid"]
    for said in [base + "a?", base + "b?", base + "c?"] + [f"What about {t} {t}? " * 170 for t in topics]:
        assert len(said) >= 4_000
        result = engine.answer(said, lang_hint="en", today=utc_today())
        await asyncio.to_thread(log.record, result, channel="cli")
    moon = "Tell me about the moon " * 178  # and one near Telegram's 4,096 limit
    await asyncio.to_thread(log.record, engine.answer(moon, lang_hint="en", today=utc_today()), channel="cli")
    # Sent in Telegram, it gets "please ask a short question" and is not logged for review.
    assert "too long" in (await ask_one(emu, EVE, moon))["text"]

    head, *shown, more = await ask(emu, STAFF, "/review", 1 + REVIEW_PAGE + 1)
    assert head["text"].startswith("7 group(s) of questions to review")
    assert more["text"].startswith("… and 2 more") and labels(more) == ["▶ Next 2 group(s)"]
    assert all(len(m["text"]) <= SAMPLE_CHARS * 3 + 300 for m in shown)
    [cheese] = [m for m in shown if m["text"].count("« Is there a fair about wisconsin cheese") == 3]
    assert cheese["text"].count("… »") == 3
    await press(emu, cheese, "🗑 Dismiss")
    assert (await edited(emu, cheese))["text"].endswith("(3 question(s)): they will not come back to review.")

    # ▶ Next: the following groups (recomputed: the cheese group is gone, so one is left).
    await press(emu, more, "▶ Next 2 group(s)")
    [last_page] = await emu.wait_for_messages(STAFF.id)
    assert "« What about" in last_page["text"]
    assert not labels(await edited(emu, more))  # one press per page
    assert (await ask(emu, STAFF, "/review 3", 2))[1]["text"] == "End of the list."

    [stats] = await ask(emu, STAFF, "/stats")
    assert "Most frequent unanswered" in stats["text"] and len(stats["text"]) < 4096
    assert not [m for m in emu.bot_messages(STAFF.id) if APOLOGY in (m.get("text") or "")]


# ---- /stats and /export --------------------------------------------------------------------------

async def test_stats_show_the_last_seven_days(emu, bot, services):
    await ask(emu, EVE, OFF_TOPIC)
    answered = await ask_one(emu, EVE, "Where is Chematech?")
    await give_feedback(emu, answered, EVE)
    # An answered question is counted just after its reply is sent.
    await eventually(lambda: services.question_log.stats(utc_today(), 1).questions == 2)
    stats = (await ask_one(emu, STAFF, "/stats"))["text"]
    first, last = utc_today() - dt.timedelta(days=6), utc_today()
    assert stats.startswith(f"Statistics, {first:%d/%m} to {last:%d/%m} (UTC)\n")
    assert "Questions: 2 · answered: 50 %" in stats
    assert "Feedback: 1 👍 / 0 👎 (100 % helpful)" in stats and "Waiting for review: 1" in stats
    assert "day      q   ans  none  clar" in stats and f"{last:%d/%m}     2     1     1     0" in stats
    assert f"Most frequent unanswered\n1× « {OFF_TOPIC} »" in stats


async def test_export_sends_the_log_as_a_csv_document(emu, bot):
    question = 'What is the capital of "Peru", really?'  # quotes and a comma: CSV quoting
    await ask(emu, EVE, question)
    [sent] = await ask(emu, STAFF, "/export")
    document = sent["document"]
    assert document["file_name"] == f"biovaliance-questions-{utc_today().isoformat()}.csv"
    assert sent["caption"] == "Question log (1 rows)."
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{emu.root}/file/bot{emu.token}/{document['file_id']}")
    content = response.content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert tuple(rows[0]) == CSV_COLUMNS and "user_key" not in rows[0]
    [row] = rows
    assert row["text"] == question and row["status"] == "unanswered" and row["state"] == "open"
    assert row["channel"] == "telegram" and row["chat_type"] == "private"
    assert str(EVE.id) not in content and EVE.first_name not in content


# ---- who may use the staff commands ----------------------------------------------------------

async def test_non_staff_get_a_polite_refusal_that_reveals_nothing(emu, bot, services):
    await ask(emu, EVE, OFF_TOPIC)
    for command in ("/review", "/stats", "/export", "/link g1 chematech"):
        reply = await ask_one(emu, EVE, command)
        assert reply["text"] == REFUSAL and "document" not in reply and not buttons(reply)
    assert (await ask_one(emu, ANNA, "/review"))["text"] == "Désolé, cette commande est réservée à l'équipe."
    [group] = await asyncio.to_thread(services.question_log.groups)
    assert group.state == "open" and await asyncio.to_thread(services.question_log.learned_aliases) == []


async def test_forged_review_buttons_from_non_staff_are_refused(emu, bot, services):
    log = services.question_log
    reply = await ask_one(emu, EVE, OFF_TOPIC)
    [group] = await review(emu, groups=1)
    key, number = group_key(group), group_key(group)[1:]

    # A visitor pressing the staff message's own buttons (as if they could see it) ...
    for label in ("🗑 Dismiss", "✅ Resolved", "✏️ Other entry"):
        assert (await press(emu, group, label, user=EVE))["text"] == REFUSAL
    assert "_edited_at" not in emu.message(STAFF.id, group["message_id"])
    # ... or forging review payloads on a message in their own chat.
    forged = emu.message(EVE.id, reply["message_id"])
    forged["reply_markup"] = {"inline_keyboard": [[{"text": kind, "callback_data": data}] for kind, data in [
        ("dismiss", f"rv:d:{number}"), ("resolve", f"rv:r:{number}"), ("link", f"rv:l:{number}:chematech"),
        ("other", f"rv:o:{number}")]]}
    for kind in ("dismiss", "resolve", "link", "other"):
        assert (await press(emu, forged, kind, user=EVE))["text"] == REFUSAL
    await emu.expect_silence(EVE.id, seconds=0.3)
    assert await state_of(log, key) == "open"
    assert await asyncio.to_thread(log.learned_aliases) == []
    # The staff member's buttons still work.
    await press(emu, group, "🗑 Dismiss")
    assert await state_of(log, key) == "dismissed"


async def test_staff_commands_are_ignored_in_groups(emu, bot):
    room = emu.group(-100555, "Salon BIO")
    for user, command in [(STAFF, "/review@biovaliance_test_bot"), (STAFF, "/stats"), (EVE, "/export"),
                          (EVE, "/link@biovaliance_test_bot g1 chematech")]:
        await emu.send_text(user, room, command)
    await emu.expect_silence(room.id, seconds=0.6)


async def test_staff_are_told_when_the_database_is_down(emu, tmp_path):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"  # nothing listens there
    services = build_services(staff_settings(tmp_path / "data", database_url=url), today=utc_today)
    try:
        settings = bot_settings(emu, tmp_path, staff_user_ids=services.settings.staff_user_ids)
        async with running_bot(emu, services, settings, tuning=TUNING):
            down = "The database cannot be reached right now; please try again later."
            for command in ("/review", "/stats", "/export", "/link g1 chematech"):
                assert (await ask_one(emu, STAFF, command))["text"] == down
            assert (await ask_one(emu, EVE, "/review"))["text"] == REFUSAL  # still nothing about the log
            assert PASSED_ON in (await ask_one(emu, EVE, OFF_TOPIC))["text"]  # kept in the spool
            assert (await ask_one(emu, EVE, "/forget"))["text"] == down
            note = emu.message(STAFF.id, emu.bot_messages(STAFF.id)[-1]["message_id"])
            note["reply_markup"] = {"inline_keyboard": [[{"text": "dismiss", "callback_data": "rv:d:1"}]]}
            answer = await press(emu, note, "dismiss")
            assert answer["text"] == down and answer["show_alert"] in (True, "true")
    finally:
        services.question_log.close()


# ---- privacy ------------------------------------------------------------------------------------

async def test_privacy_for_anyone(emu, bot):
    for user in (EVE, STAFF):
        shown = (await ask_one(emu, user, "/privacy"))["text"]
        assert shown.startswith("Your data\n") and "deleted after 180 days" in shown
        assert "Never your Telegram id, name or username" in shown and "/forget erases" in shown
    assert (await ask_one(emu, ANNA, "/privacy"))["text"].startswith("Vos données\n")
    room = emu.group(-100556, "Salon BIO")
    await emu.send_text(EVE, room, "/privacy@biovaliance_test_bot")
    [in_group] = await emu.wait_for_messages(room.id)
    assert in_group["text"].startswith("Your data")


def count_rows(services: Services, user: FakeUser) -> tuple[int, int]:
    """(questions, feedback) stored under the user's pseudonymous key, read straight from the database."""
    key = services.question_log.user_key(user.id)
    engine = create_engine(database.database_url(services.settings.effective_database_url))
    try:
        with engine.connect() as conn:
            questions = conn.execute(select(func.count()).select_from(Question).where(Question.user_key == key))
            feedback = conn.execute(select(func.count()).select_from(Feedback).where(Feedback.user_key == key))
            return questions.scalar_one(), feedback.scalar_one()
    finally:
        engine.dispose()


async def test_forget_erases_that_users_records_and_no_one_elses(emu, bot, services):
    for user in (EVE, ANNA):
        await ask(emu, user, OFF_TOPIC)
        answered = await ask_one(emu, user, "Where is Chematech?")
        await give_feedback(emu, answered, user)
    await ask(emu, EVE, "Is there a fair about giraffes?")
    assert count_rows(services, EVE) == (2, 1) and count_rows(services, ANNA) == (1, 1)

    assert (await ask_one(emu, EVE, "/forget"))["text"] == "Done: 3 record(s) linked to you were erased."
    assert count_rows(services, EVE) == (0, 0) and count_rows(services, ANNA) == (1, 1)
    [left] = await asyncio.to_thread(services.question_log.groups)
    assert left.samples == (OFF_TOPIC,) and left.count == 1
    assert (await ask_one(emu, ANNA, "/forget"))["text"] == "Done: 2 record(s) linked to you were erased."
    assert (await ask_one(emu, EVE, "/forget"))["text"] == "Done: 0 record(s) linked to you were erased."


# A visitor whose Telegram id, name and username must never be stored.
ZOE = FakeUser(987654321987, "Zéphyrine", "en", username="zephyrine_q_1987")
IDENTITY = (str(ZOE.id), ZOE.first_name, ZOE.username)


def dump_every_table(url: str) -> str:
    """Every row of every table of the log, as text."""
    engine = create_engine(database.database_url(url))
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            assert {"questions", "feedback", "answered_counts"} <= set(tables)
            return "\n".join(repr(tuple(row)) for table in tables
                             for row in conn.execute(text(f'SELECT * FROM "{table}"')))
    finally:
        engine.dispose()


async def visit(emu: BotApiEmulator) -> None:
    """ZOE greets, asks (answered, unclear, unanswered), gives feedback; in a group, others name her."""
    await ask(emu, ZOE, "/start")
    answered = await ask_one(emu, ZOE, "Where is Chematech?")
    await give_feedback(emu, answered, ZOE)
    await ask(emu, ZOE, "cell")
    await ask(emu, ZOE, OFF_TOPIC)
    room = emu.group(-100557, "Salon BIO")
    await emu.send_text(ZOE, room, "@biovaliance_test_bot is there a fair about giraffes?")
    await emu.send_text(EVE, room, f"@biovaliance_test_bot did @{ZOE.username} ask about the capital of Peru?")
    await emu.wait_for_messages(room.id, 2)


async def test_no_telegram_identity_reaches_the_log_or_the_spool(emu, bot, services, tmp_path):
    await visit(emu)
    log = services.question_log
    samples = [s for g in await asyncio.to_thread(log.groups) for s in g.samples]
    assert f"did {MENTION} ask about the capital of Peru?" in samples
    assert {"cell", OFF_TOPIC, "is there a fair about giraffes?"} <= set(samples)
    stored = dump_every_table(services.settings.effective_database_url)
    assert log.user_key(ZOE.id) in stored  # her records are there, under the pseudonym only
    for value in IDENTITY:
        assert value not in stored

    # The same visit while the database is down: everything waits in the spool file.
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    offline = build_services(staff_settings(tmp_path / "offline", database_url=url), today=utc_today)
    try:
        async with BotApiEmulator() as emu2:
            settings = bot_settings(emu2, tmp_path, staff_user_ids=offline.settings.staff_user_ids)
            async with running_bot(emu2, offline, settings, tuning=TUNING):
                await visit(emu2)
                # Each "passed on" reply was sent after its question reached the spool.
                waiting = offline.question_log.spool_path.read_text(encoding="utf-8")
                assert OFF_TOPIC in waiting and '"normalised":"cell"' in waiting
    finally:
        offline.question_log.close()  # answered counts are written (here: spooled) at shutdown
    spooled = offline.question_log.spool_path.read_text(encoding="utf-8")
    assert len(spooled.splitlines()) >= 6 and offline.question_log.user_key(ZOE.id) in spooled
    for value in IDENTITY:
        assert value not in spooled


async def test_mentions_of_other_people_are_not_kept(emu, bot, services):
    room = emu.group(-100558, "Salon BIO")
    await emu.send_text(EVE, room, "@biovaliance_test_bot did @jean_dupont, @Marie_L and @bob ask about "
                                   "the capital of Peru? Write to info@example.org")
    [reply] = await emu.wait_for_messages(room.id)
    assert PASSED_ON in reply["text"]
    [group] = await asyncio.to_thread(services.question_log.groups)
    # e-mail addresses (and phone numbers) typed into a question are masked too
    assert group.samples == ("did @…, @… and @… ask about the capital of Peru? Write to [email]",)


def _message(said: str, entities: list[dict]) -> Message:
    data = {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "supergroup"}, "text": said,
            "entities": entities}
    message = Message.de_json(data, None)
    message.set_bot(SimpleNamespace(id=123456, username="biovaliance_test_bot"))  # type: ignore[arg-type]
    return message


@pytest.mark.parametrize("said, entities, expected", [
    ("@biovaliance_test_bot, where is RD Biotech?", [], "where is RD Biotech?"),
    ("Hey @BIOVALIANCE_TEST_BOT ask @someone_else", [], "Hey ask @…"),
    ("mail jean@example.org or @jean", [], "mail jean@example.org or @…"),
    # A person without a username is mentioned by name ("text_mention"): offsets in UTF-16 units.
    ("🧬 Jean Dupont asked: where is EFS?",
     [{"type": "text_mention", "offset": 3, "length": 11, "user": {"id": 5, "is_bot": False, "first_name": "Jean"}}],
     "🧬 @… asked: where is EFS?"),
    ("BIOVALIANCE where is EFS?",
     [{"type": "text_mention", "offset": 0, "length": 11, "user": {"id": 123456, "is_bot": True,
                                                                   "first_name": "BIOVALIANCE"}}],
     "where is EFS?"),
])
def test_question_text_keeps_no_mention(said, entities, expected):
    assert question_text(_message(said, entities)) == expected
