"""End to end: "Ask the team" and staff answers, with the real Application against the Bot API
emulator and the real PostgreSQL server of the test suite.

A visitor's question goes to a staff group with two staff members (and one member who is not
staff); two threads run at once; answers are relayed both ways, closed, saved as a staff answer,
and the same question is then answered by the bot itself, here and in a second bot process
(`biovaliance-bot run`, a real subprocess on the same database). /forget during an open thread
erases it. Smaller cases (SQLite): flood limits on relays, expiry, a forum topic, /review's
"Write the answer", command menus, and the staff-answer matcher's thresholds.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text, update

from bot.config import Settings
from bot.services import build_services
from bot.staff_answers import StaffAnswer, StaffAnswerIndex
from botapi_emulator import BotApiEmulator, FakeChat, FakeUser
from db import database
from db.models import HandoverThread, MessageRef
from telegram_harness import TEST_TUNING, TODAY, bot_settings, buttons, running_bot

ROOT = Path(__file__).resolve().parent.parent
SECRET = "handover-test-secret"
STAFF_GROUP_ID = -1002003004005
STELLA = FakeUser(7770001, "Stella", "fr")  # staff
OMAR = FakeUser(7770002, "Omar", "en")  # staff
MALLORY = FakeUser(6660003, "Mallory", "en", username="mallory_x")  # in the staff group, not staff
VERA = FakeUser(5550001, "Véra", "fr", username="vera_visits")  # visitor
VICTOR = FakeUser(5550002, "Victor", "en", username="victor_v")  # visitor
WALTER = FakeUser(5550003, "Walter", "fr")  # a later visitor

STAND_FR = "Où est votre stand ?"
MEET_EN = "Can I meet someone at the RD Biotech booth?"
TUNING = replace(TEST_TUNING, flood_limit=100, staff_answers_check=0.5)


def staff_settings(data_dir: Path, **overrides: object) -> Settings:
    return replace(Settings(data_dir=data_dir, telegram_bot_token="unused", pseudonym_secret=SECRET,
                            staff_user_ids=frozenset({STELLA.id, OMAR.id}), staff_chat_id=STAFF_GROUP_ID),
                   **overrides)  # type: ignore[arg-type]


def labels(message: dict) -> list[str]:
    return [b["text"] for b in buttons(message)]


async def press(emu: BotApiEmulator, message: dict, label: str, user: FakeUser) -> dict:
    [data] = [b["callback_data"] for b in buttons(message) if label in b["text"]]
    return await emu.wait_for_callback_answer(await emu.press_button(message, data, user=user))


async def ask(emu: BotApiEmulator, user: FakeUser, said: str, n: int = 1) -> list[dict]:
    chat = emu.private_chat(user)
    await emu.send_text(user, chat, said)
    return await emu.wait_for_messages(chat.id, n)


async def hand_over(emu: BotApiEmulator, visitor: FakeUser, question: str, staff_group: FakeChat, store) -> dict:
    """The visitor asks, presses "Ask the team", consents; the thread's message in the staff group."""
    [reply] = await ask(emu, visitor, question)
    ask_label = "Demander à l'équipe" if visitor.language_code == "fr" else "Ask the team"
    assert ask_label in labels(reply)[-1]
    assert reply["reply_to_message"]["text"] == question  # the reply quotes the question it declines
    await press(emu, reply, ask_label, visitor)
    [consent] = await emu.wait_for_messages(visitor.id)
    assert "24 h" in consent["text"] and consent["reply_to_message"]["text"] == question
    await press(emu, consent, "✅", visitor)
    sent = await emu.wait_for_edit(visitor.id, consent["message_id"], since=0)
    assert sent["text"].startswith("📨") and not buttons(sent)
    [header] = await emu.wait_for_messages(staff_group.id)
    return await stored(store, header)


async def stored(store, message: dict) -> dict:
    """`message` once the bot has stored what it stands for (it does so just after sending it; a
    person never replies that fast, a test can)."""
    async with asyncio.timeout(5):
        while await asyncio.to_thread(store.ref, message["chat"]["id"], message["message_id"]) is None:
            await asyncio.sleep(0.02)
    return message


def code_of(header: dict) -> str:
    return header["text"].split("#", 1)[1].split(" ", 1)[0]


def dump_database(url: str) -> str:
    """Every value of every table, as text (for "no raw id stored" checks)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = [repr(row) for table in inspect(conn).get_table_names()
                    for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    finally:
        engine.dispose()
    return "\n".join(rows)


async def start_second_process(emu: BotApiEmulator, data_dir: Path, database_url: str) -> asyncio.subprocess.Process:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": emu.token,
           "TELEGRAM_API_URL": emu.root, "DATA_DIR": str(data_dir), "PSEUDONYM_SECRET": SECRET,
           "DATABASE_URL": database_url}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


# ---- the whole loop, two bot processes on one PostgreSQL database --------------------------------------

async def test_ask_the_team_relay_close_save_and_answer_in_another_process(postgres_url: str, tmp_path: Path):
    services = build_services(staff_settings(tmp_path / "a", database_url=postgres_url), today=lambda: TODAY)
    store = services.handover
    async with BotApiEmulator() as emu, BotApiEmulator(token="654321:OTHER-PROCESS") as other:
        second = await start_second_process(other, tmp_path / "b", postgres_url)
        try:
            settings = bot_settings(emu, tmp_path, **{k: getattr(services.settings, k) for k in (
                "database_url", "pseudonym_secret", "staff_user_ids", "staff_chat_id")})
            staff_group = emu.group(STAFF_GROUP_ID, "BIOVALIANCE team")
            for member in (STELLA, OMAR):
                emu.private_chat(member)  # staff who opened a chat with the bot get the staff menu
            async with running_bot(emu, services, settings, tuning=TUNING):
                await _the_whole_loop(emu, other, staff_group, store, postgres_url)
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), timeout=30)
            assert second.returncode == 0, stderr.decode()
        finally:
            if second.returncode is None:
                second.kill()
                await second.wait()
            services.question_log.close()


async def _the_whole_loop(emu: BotApiEmulator, other: BotApiEmulator, staff_group: FakeChat, store,
                          postgres_url: str) -> None:
    # Staff commands are in staff chats' menus only.
    assert "review" in emu.commands_for(STELLA.id, "fr") and "review" in emu.commands_for(STAFF_GROUP_ID)
    assert "review" not in emu.commands_for(VERA.id, "fr") and "review" not in emu.commands_for(VERA.id)

    # Two visitors hand their questions over; the staff group sees each as one message, with a
    # pseudonym, the language, the bot's reply, and never a name, username or id.
    vera_header = await hand_over(emu, VERA, STAND_FR, staff_group, store)
    victor_header = await hand_over(emu, VICTOR, MEET_EN, staff_group, store)
    for header, visitor, question in ((vera_header, VERA, STAND_FR), (victor_header, VICTOR, MEET_EN)):
        shown = header["text"]
        assert question in shown and f"· {visitor.language_code.upper()} ·" in shown
        assert "Réponse du robot" in shown and labels(header) == ["✖ Close / Clore"]
        for secret in (visitor.first_name, visitor.username, str(visitor.id)):
            assert secret not in shown
    assert code_of(vera_header) != code_of(victor_header)
    threads = {t.question: t for t in (store.thread(i) for i in (1, 2))}
    assert threads[STAND_FR].visitor_chat_id == VERA.id  # kept while open, to relay answers

    # Someone in the group who is not staff: their reply and their press do nothing.
    await emu.send_text(MALLORY, staff_group, "<b>I answer instead</b>", reply_to=vera_header)
    refused = await press(emu, vera_header, "Close", MALLORY)
    assert "réservée à l'équipe" in refused["text"] or "team only" in refused["text"]
    await emu.expect_silence(VERA.id)
    assert store.thread(threads[STAND_FR].id).state == "open"

    # Staff answer both threads at once; each answer reaches its own visitor, text escaped.
    await emu.send_text(OMAR, staff_group, "Yes: come to booth B12 at 3 pm & ask for Léa.", reply_to=victor_header)
    await emu.send_text(STELLA, staff_group, "Stand B12, hall 3 <près de l'entrée> & bienvenue !", reply_to=vera_header)
    [to_vera] = await emu.wait_for_messages(VERA.id)
    [to_victor] = await emu.wait_for_messages(VICTOR.id)
    await stored(store, to_vera)
    assert to_vera["text"].startswith("💬 L'équipe BIOVALIANCE :\nStand B12, hall 3 <près de l'entrée> & bienvenue !")
    assert to_victor["text"].startswith("💬 The BIOVALIANCE team:\nYes: come to booth B12 at 3 pm & ask for Léa.")
    confirmations = await emu.wait_for_messages(STAFF_GROUP_ID, 2)
    assert {m["text"] for m in confirmations} == {f"✓ Envoyé à #{code_of(vera_header)}.",
                                                 f"✓ Sent to #{code_of(victor_header)}."}

    # The visitor replies to the team's message: relayed to the group, under the thread's message.
    await emu.send_text(VERA, emu.private_chat(VERA), "Merci, j'arrive <vite> !", reply_to=to_vera)
    [relayed] = await emu.wait_for_messages(STAFF_GROUP_ID)
    await stored(store, relayed)
    assert relayed["text"] == f"💬 #{code_of(vera_header)} : Merci, j'arrive <vite> !"
    assert relayed["reply_to_message"]["message_id"] == vera_header["message_id"]
    [ack] = await emu.wait_for_messages(VERA.id)
    assert ack["text"] == "✓ Transmis à l'équipe."
    # ... and staff may answer the relayed message itself.
    await emu.send_text(STELLA, staff_group, "À tout de suite.", reply_to=relayed)
    [again] = await emu.wait_for_messages(VERA.id)
    assert "À tout de suite." in again["text"]
    await emu.wait_for_messages(STAFF_GROUP_ID)  # "✓ Envoyé"

    # A staff reply to something that is not a thread is ignored.
    await emu.send_text(STELLA, staff_group, "hello?", reply_to=relayed | {"message_id": 9999})
    await emu.expect_silence(STAFF_GROUP_ID, seconds=0.3)

    # Close: the visitor is told, the chat id is erased, their replies go nowhere any more.
    assert (await press(emu, vera_header, "Close", STELLA))["text"] is None
    closed = await emu.wait_for_edit(STAFF_GROUP_ID, vera_header["message_id"], since=0)
    assert closed["text"].endswith("✅ Close par l'équipe.") and labels(closed) == ["💾 Save as answer / Enregistrer"]
    [over] = await emu.wait_for_messages(VERA.id)
    assert over["text"].startswith("Cette conversation avec l'équipe est terminée")
    thread = store.thread(threads[STAND_FR].id)
    assert thread.state == "closed" and thread.visitor_chat_id is None
    assert str(VERA.id) not in dump_database(postgres_url)
    await emu.send_text(VERA, emu.private_chat(VERA), "Et le parking ?", reply_to=to_vera)
    [late] = await emu.wait_for_messages(VERA.id)  # an ordinary question for the bot now
    assert not late["text"].startswith("✓")
    await emu.expect_silence(STAFF_GROUP_ID, seconds=0.3)

    # Save as an answer (staff only), then add the English text and a phrasing.
    assert "team only" in (await press(emu, closed, "Save", MALLORY))["text"]
    await press(emu, closed, "Save", STELLA)
    [saved] = await emu.wait_for_messages(STAFF_GROUP_ID)
    await stored(store, saved)
    assert saved["text"].startswith("💾 Enregistré comme réponse A1 (FR)")
    await emu.send_text(STELLA, staff_group, "/en Our stand is B12, hall 3, near the entrance.", reply_to=saved)
    [amended] = await emu.wait_for_messages(STAFF_GROUP_ID)
    assert amended["text"] == "✓ Réponse A1 mise à jour."
    await emu.send_text(STELLA, staff_group, "/phrase where is your booth", reply_to=saved)
    await emu.wait_for_messages(STAFF_GROUP_ID)
    [answer] = store.answers()
    assert answer.source == f"BIOVALIANCE team, {dt.datetime.now(dt.UTC).date().isoformat()}"
    assert set(answer.texts) == {"fr", "en"} and answer.phrasings == (STAND_FR, "where is your booth")

    # The bot now answers the question itself, saying where the answer comes from.
    [own] = await ask(emu, WALTER, "où est votre stand")
    assert own["text"].startswith("Stand B12, hall 3 <près de l'entrée> & bienvenue !\n\n")  # the first reply
    assert "Réponse de l'équipe : équipe BIOVALIANCE," in own["text"]
    [own_en] = await ask(emu, OMAR, "Where is your booth?")
    assert own_en["text"].startswith("Our stand is B12, hall 3") and "Answer from the team: BIOVALIANCE team" in own_en["text"]

    # ... and so does the second bot process, started before the answer existed, without a restart.
    await other.wait_for_call("getUpdates", timeout=60)
    for attempt in range(30):
        [there] = await ask(other, WALTER, STAND_FR)
        if "Stand B12" in there["text"]:
            break
        await asyncio.sleep(0.5)
    assert "Stand B12" in there["text"] and "Réponse de l'équipe" in there["text"]

    # /forget while Victor's thread is open: the thread and his chat id are gone, the group is told,
    # and staff replies to it go nowhere.
    [forgotten] = await ask(emu, VICTOR, "/forget")
    assert forgotten["text"].startswith("Done:")
    [told] = await emu.wait_for_messages(STAFF_GROUP_ID)
    assert "/forget" in told["text"] and told["reply_to_message"]["message_id"] == victor_header["message_id"]
    assert store.thread(threads[MEET_EN].id) is None
    assert str(VICTOR.id) not in dump_database(postgres_url)
    await emu.send_text(OMAR, staff_group, "Still there?", reply_to=victor_header)
    await emu.expect_silence(VICTOR.id, seconds=0.5)


# ---- smaller cases on SQLite ----------------------------------------------------------------------------

@pytest.fixture
def services(tmp_path):
    built = build_services(staff_settings(tmp_path / "data"), today=lambda: TODAY)
    yield built
    built.question_log.close()


def _settings(emu: BotApiEmulator, services, tmp_path: Path, **overrides: object) -> Settings:
    s = services.settings
    given = {"pseudonym_secret": s.pseudonym_secret, "staff_user_ids": s.staff_user_ids,
             "staff_chat_id": s.staff_chat_id}
    return bot_settings(emu, tmp_path, **(given | overrides))


async def test_relayed_messages_have_a_flood_limit(emu, services, tmp_path):
    store = services.handover
    staff_group = emu.group(STAFF_GROUP_ID, "team")
    async with running_bot(emu, services, _settings(emu, services, tmp_path),
                           tuning=replace(TUNING, relay_limit=2)):
        header = await hand_over(emu, VERA, STAND_FR, staff_group, store)
        await emu.send_text(STELLA, staff_group, "Bonjour !", reply_to=header)
        [team] = await emu.wait_for_messages(VERA.id)
        await stored(store, team)
        await emu.wait_for_messages(STAFF_GROUP_ID)
        for n in range(5):
            await emu.send_text(VERA, emu.private_chat(VERA), f"message {n}", reply_to=team)
        await asyncio.sleep(1.0)
        relayed = [m for m in emu.bot_messages(STAFF_GROUP_ID) if m["text"].startswith("💬")]
        assert len(relayed) == 2  # the limit, per thread and direction
        said = [m["text"] for m in emu.bot_messages(VERA.id)]
        assert said.count("Doucement 🙂 Attendez un peu avant d'envoyer d'autres messages.") == 1


async def test_a_thread_expires_after_24_hours(emu, services, tmp_path):
    store = services.handover
    staff_group = emu.group(STAFF_GROUP_ID, "team")
    async with running_bot(emu, services, _settings(emu, services, tmp_path), tuning=TUNING) as application:
        header = await hand_over(emu, VICTOR, MEET_EN, staff_group, store)
        await emu.send_text(OMAR, staff_group, "Yes, at 3 pm.", reply_to=header)
        await emu.wait_for_messages(VICTOR.id)
        await emu.wait_for_messages(STAFF_GROUP_ID)
        with services.question_log.transaction() as session:  # a day goes by
            session.execute(update(HandoverThread).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        [job] = application.job_queue.get_jobs_by_name("expire-handover-threads")
        await job.run(application)
        [over] = await emu.wait_for_messages(VICTOR.id)
        assert over["text"].startswith("This conversation with the team has ended")
        [expired] = await emu.wait_for_messages(STAFF_GROUP_ID)
        assert expired["text"].startswith("⌛") and labels(expired) == ["💾 Save as answer / Enregistrer"]
        [thread] = [services.handover.thread(1)]
        assert thread.state == "expired" and thread.visitor_chat_id is None
        with services.question_log.transaction() as session:
            assert not session.scalars(select(MessageRef).where(MessageRef.chat_id == VICTOR.id)).all()


async def test_the_staff_group_can_be_a_forum_topic(emu, services, tmp_path):
    store = services.handover
    forum = emu.group(STAFF_GROUP_ID, "team", forum=True)
    topic = emu.create_topic(forum, STELLA, "Visitors")
    async with running_bot(emu, services, _settings(emu, services, tmp_path, staff_topic_id=topic), tuning=TUNING):
        header = await hand_over(emu, VERA, STAND_FR, forum, store)
        assert header["message_thread_id"] == topic
        # A message in the topic that replies to nothing in particular is not an answer.
        await emu.send_text(STELLA, forum, "on regarde ça", topic=topic)
        await emu.expect_silence(VERA.id, seconds=0.4)
        await emu.send_text(STELLA, forum, "Stand B12.", topic=topic, reply_to=header)
        [answer] = await emu.wait_for_messages(VERA.id)
        assert "Stand B12." in answer["text"]
        [ok] = await emu.wait_for_messages(STAFF_GROUP_ID)
        assert ok["message_thread_id"] == topic
        # Any staff member may close it, not only the one who opened the topic.
        assert (await press(emu, header, "Close", OMAR))["text"] is None
        await emu.wait_for_messages(VERA.id)  # "this conversation has ended"


async def test_no_thanks_sends_nothing(emu, services, tmp_path):
    emu.group(STAFF_GROUP_ID, "team")
    async with running_bot(emu, services, _settings(emu, services, tmp_path), tuning=TUNING):
        [reply] = await ask(emu, VERA, STAND_FR)
        await press(emu, reply, "Demander", VERA)
        [consent] = await emu.wait_for_messages(VERA.id)
        await press(emu, consent, "Non merci", VERA)
        assert (await emu.wait_for_edit(VERA.id, consent["message_id"], since=0))["text"] == "D'accord, rien n'a été envoyé."
        await emu.expect_silence(STAFF_GROUP_ID, seconds=0.3)
        assert services.handover.thread(1) is None


async def test_without_a_staff_group_there_is_no_ask_the_team_button(emu, services, tmp_path):
    async with running_bot(emu, services, _settings(emu, services, tmp_path, staff_chat_id=None), tuning=TUNING):
        [reply] = await ask(emu, VERA, STAND_FR)
        assert not any("équipe" in label for label in labels(reply))


async def test_review_write_the_answer_then_the_bot_answers(emu, services, tmp_path):
    async with running_bot(emu, services, _settings(emu, services, tmp_path), tuning=TUNING):
        await ask(emu, VICTOR, "Where can I leave my coat?")
        await ask(emu, WALTER, "where can i leave my coat")
        head, group = await ask(emu, STELLA, "/review", 2)
        await press(emu, group, "Écrire la réponse", STELLA)
        [prompt] = await stored(services.handover, (await emu.wait_for_messages(STELLA.id))[0]),
        assert "g1" in prompt["text"] and prompt["_client_markup"] == {"force_reply": True, "selective": True}
        # Someone else cannot press staff buttons (a forged callback from a visitor's client).
        forged = await emu.press_button(group, buttons(group)[0]["callback_data"], user=VERA)
        assert "réservée" in (await emu.wait_for_callback_answer(forged))["text"]
        await emu.send_text(STELLA, emu.private_chat(STELLA), "Yes, at the entrance of hall 1, free of charge.",
                            reply_to=prompt)
        [saved] = await emu.wait_for_messages(STELLA.id)
        await stored(services.handover, saved)
        assert saved["text"].startswith("💾 Enregistré comme réponse A1 (EN)")
        assert services.question_log.groups() == []  # the group is resolved
        [answer] = await ask(emu, VICTOR, "Where can I leave my bicycle?")  # another question: no match
        assert "hall 1" not in answer["text"]
        [answer] = await ask(emu, VICTOR, "Where can I leave my coat ?")
        assert answer["text"].startswith("Yes, at the entrance of hall 1, free of charge.\n\nAnswer from the team")
        # A French phrasing, then a French visitor asks it: the reply says the answer is in English.
        await emu.send_text(STELLA, emu.private_chat(STELLA), "/phrase Où puis-je laisser mon manteau ?", reply_to=saved)
        assert (await emu.wait_for_messages(STELLA.id))[0]["text"] == "✓ Réponse A1 mise à jour."
        [answer] = await ask(emu, VERA, "Où puis-je laisser mon manteau ?")
        assert answer["text"].startswith("L'équipe a écrit cette réponse en anglais :\nYes, at the entrance")
        assert "Réponse de l'équipe : équipe BIOVALIANCE" in answer["text"]


# ---- the matcher ------------------------------------------------------------------------------------------

STAND = StaffAnswer(1, {"fr": "Stand B12"}, "BIOVALIANCE team, 2026-11-30", ("Où est votre stand ?", "stand"))


@pytest.mark.parametrize("question, matches", [
    ("Où est votre stand ?", True),
    ("ou est votre stand", True),
    ("votre stand est où ?", True),  # word order
    ("Où est votre stand svp ?", True),
    ("stand", True),  # a one-word phrasing staff saved matches itself exactly
    ("Où est le stand de RD Biotech ?", False),
    ("Où est votre usine ?", False),
    ("Où est le stand ?", False),  # one word changed in a short question is another question
    ("adresse du stand", False),  # one shared common word is never enough
    ("stands", False),
    ("", False),
])
def test_staff_answer_matching_is_conservative(question: str, matches: bool):
    assert (StaffAnswerIndex([STAND]).match(question) is not None) is matches


def test_models_and_migration_agree_on_the_new_tables(tmp_path):
    engine = database.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        database.upgrade(engine)
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
        assert {"handover_threads", "handover_lines", "message_refs", "staff_answers", "staff_answer_phrasings",
                "change_counters"} <= names
    finally:
        engine.dispose()
