"""Conversation state: per user and chat, expiring, erasable, and shared between bot processes
through a real database (SQLite here for the mechanism, PostgreSQL as in production)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.conversations import Conversation, MemoryConversations, conversation_key
from bot.engine.result import Focus
from db import database
from db.conversations import DatabaseConversations
from db.log import QuestionLog
from db.models import ConversationState

pytest_plugins = ["tests.pg_fixture"]

FOCUS = Focus(entries=("chematech",), listed=("rd-biotech", "chematech"), ask="where")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_conversations_expire_after_fifteen_minutes():
    clock = Clock()
    store = MemoryConversations(clock=clock)
    store.save("u/c", Conversation(FOCUS, "fr"))
    clock.now += 14 * 60
    assert store.load("u/c").focus == FOCUS
    clock.now += 2 * 60 + 1  # fifteen minutes since the last message (load does not refresh)
    assert store.load("u/c") == Conversation()


def test_memory_conversations_are_per_user_and_chat_and_bounded():
    store = MemoryConversations(max_size=2)
    store.save(conversation_key("alice", "group"), Conversation(FOCUS))
    store.save(conversation_key("bob", "group"), Conversation(Focus(entries=("urgo",))))
    assert store.load(conversation_key("alice", "group")).focus.entries == ("chematech",)
    assert store.load(conversation_key("bob", "group")).focus.entries == ("urgo",)
    store.save(conversation_key("carol", "private"), Conversation())
    assert store.load(conversation_key("alice", "group")) == Conversation(), "the least recent goes first"


def test_memory_forget_erases_every_chat_of_one_user_only():
    store = MemoryConversations()
    for key in (conversation_key("alice", "a"), conversation_key("alice", "b"), conversation_key("bob", "a")):
        store.save(key, Conversation(FOCUS))
    store.choose_lang("alice", "en")
    store.forget("alice")
    assert store.load(conversation_key("alice", "a")) == Conversation() == store.load(conversation_key("alice", "b"))
    assert store.load(conversation_key("bob", "a")).focus == FOCUS
    assert store.chosen_lang("alice") is None


def test_database_conversations_are_shared_between_processes(question_log: QuestionLog):
    database.upgrade(question_log.engine)
    one, two = DatabaseConversations(question_log.engine), DatabaseConversations(question_log.engine)
    key = conversation_key(question_log.user_key(987654321), question_log.user_key(-100)[:16])
    one.save(key, Conversation(FOCUS, "en"))
    assert two.load(key) == Conversation(FOCUS, "en")  # another process reads what this one wrote
    two.save(key, Conversation(Focus(entries=("urgo",)), "en"))
    assert one.load(key).focus.entries == ("urgo",)
    one.choose_lang(question_log.user_key(987654321), "fr")
    assert two.chosen_lang(question_log.user_key(987654321)) == "fr"
    with question_log.engine.connect() as connection:
        [row] = connection.execute(select(ConversationState)).all()
    assert "987654321" not in row.key and row.focus["entries"] == ["urgo"], "only pseudonyms and entry ids are kept"


def test_database_conversations_expire(question_log: QuestionLog):
    database.upgrade(question_log.engine)
    now = [dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)]
    store = DatabaseConversations(question_log.engine, now=lambda: now[0])
    store.save("k/c", Conversation(FOCUS, "fr"))
    now[0] += dt.timedelta(minutes=16)
    assert store.load("k/c") == Conversation(lang="fr"), "the focus expires, the language stays"


def test_forgetting_a_user_erases_their_conversations_with_their_questions(question_log: QuestionLog):
    database.upgrade(question_log.engine)
    store = DatabaseConversations(question_log.engine)
    alice, bob = question_log.user_key(1), question_log.user_key(2)
    store.save(conversation_key(alice, "c1"), Conversation(FOCUS))
    store.save(conversation_key(bob, "c1"), Conversation(FOCUS))
    store.choose_lang(alice, "en")
    question_log.forget(alice)
    assert store.load(conversation_key(alice, "c1")) == Conversation() and store.chosen_lang(alice) is None
    assert store.load(conversation_key(bob, "c1")).focus == FOCUS


def test_a_database_outage_keeps_the_conversation_in_memory(postgres_url: str, postgres_server):
    """The server is stopped: the conversation goes on in the process's memory."""
    engine = database.make_engine(postgres_url)
    try:
        database.upgrade(engine)
        store = DatabaseConversations(engine)
        postgres_server.stop()
        try:
            store.save("k/c", Conversation(FOCUS, "en"))
            assert store.load("k/c") == Conversation(FOCUS, "en")
        finally:
            postgres_server.start()
    finally:
        engine.dispose()


async def test_what_a_handler_awaits_is_shared_too_and_committed_when_it_returns(question_log: QuestionLog):
    """The bot's path: `save_async` / `load_async` on the log's quick engine (autocommit on
    PostgreSQL), deadline on the log's workers. Once `save_async` returned, another process
    (another store, on the log's ordinary engine) reads it: the reply may go."""
    database.upgrade(question_log.engine)
    bot = DatabaseConversations(question_log.quick_engine, health=question_log)
    other = DatabaseConversations(question_log.engine)
    key = conversation_key(question_log.user_key(42), question_log.user_key(42)[:16])
    assert await bot.load_async(key) == Conversation()
    await bot.save_async(key, Conversation(FOCUS, "fr"))
    assert other.load(key) == Conversation(FOCUS, "fr")
    other.save(key, Conversation(Focus(entries=("urgo",)), "en"))
    assert await bot.load_async(key) == Conversation(Focus(entries=("urgo",)), "en")
    other.choose_lang(question_log.user_key(42), "en")
    assert await bot.chosen_lang_async(question_log.user_key(42)) == "en"
    assert await bot.chosen_lang_async(question_log.user_key(43)) is None


async def test_a_polling_bot_keeps_its_conversations_in_memory_and_writes_them_behind(question_log: QuestionLog):
    """Long polling: this process alone receives updates. A conversation it has seen is read from
    its memory (what another store writes meanwhile is not looked at), one it has not seen comes
    from the database, each state reaches the database behind the reply, and `drain` waits for
    those writes, so that the next process (after a restart) continues the conversation."""
    database.upgrade(question_log.engine)
    other = DatabaseConversations(question_log.engine)
    seen, unseen = "seen/chat", "unseen/chat"
    other.save(unseen, Conversation(Focus(entries=("urgo",)), "en"))
    bot = DatabaseConversations(question_log.quick_engine, health=question_log)
    bot.receive_alone()
    assert await bot.load_async(unseen) == Conversation(Focus(entries=("urgo",)), "en")
    await bot.save_async(seen, Conversation(FOCUS, "fr"))
    await bot.drain()
    assert other.load(seen) == Conversation(FOCUS, "fr"), "written behind the reply, there once drained"
    other.save(seen, Conversation(Focus(entries=("changed",)), "en"))
    assert await bot.load_async(seen) == Conversation(FOCUS, "fr"), "memory: the database is not read again"
    restarted = DatabaseConversations(question_log.quick_engine, health=question_log)
    restarted.receive_alone()
    assert await restarted.load_async(seen) == Conversation(Focus(entries=("changed",)), "en")
    bot.reset(seen)
    assert await bot.load_async(seen) == Conversation(), "/start drops it in memory and in the database"
    assert other.load(seen) == Conversation()


async def test_a_polling_bot_writes_the_latest_state_of_each_conversation_once_soon_after(question_log: QuestionLog):
    """Written behind, a conversation's states are gathered: several messages within
    `behind_seconds` cost one write holding the latest state of each conversation, made without
    waiting for `drain`."""
    import asyncio
    import time

    database.upgrade(question_log.engine)
    other = DatabaseConversations(question_log.engine)
    bot = DatabaseConversations(question_log.quick_engine, health=question_log, behind_seconds=2.0)
    bot.receive_alone()
    for n in range(5):
        await bot.save_async("typing/chat", Conversation(Focus(entries=(f"entry-{n}",)), "en"))
    await bot.save_async("other/chat", Conversation(FOCUS, "fr"))
    assert other.load("typing/chat") == Conversation(), "not yet: gathered behind the replies"
    assert await bot.load_async("typing/chat") == Conversation(Focus(entries=("entry-4",)), "en"), "memory has it"
    deadline = time.monotonic() + 10
    while other.load("other/chat") == Conversation() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert other.load("typing/chat") == Conversation(Focus(entries=("entry-4",)), "en")
    assert other.load("other/chat") == Conversation(FOCUS, "fr")
    await bot.save_async("typing/chat", Conversation(FOCUS, "en"))
    await bot.drain()
    assert other.load("typing/chat") == Conversation(FOCUS, "en"), "drained at once, not after the delay"


async def test_messages_arriving_together_share_statements_and_keep_their_own_state(question_log: QuestionLog):
    """Fifty visitors at once (and one who sent two messages at once): on PostgreSQL the reads and
    the upserts that queue up during a round trip go as one statement each; every visitor reads
    their own state, and of two upserts of one conversation in a batch the later one wins."""
    import asyncio

    database.upgrade(question_log.engine)
    bot = DatabaseConversations(question_log.quick_engine, health=question_log)
    other = DatabaseConversations(question_log.engine)
    keys = [f"user{i}/chat" for i in range(50)]
    states = [Conversation(Focus(entries=(f"entry-{i}",)), "fr" if i % 2 else "en") for i in range(50)]
    await asyncio.gather(*(bot.save_async(key, state) for key, state in zip(keys, states)),
                         bot.save_async("twice/chat", Conversation(Focus(entries=("first",)))),
                         bot.save_async("twice/chat", Conversation(Focus(entries=("second",)))))
    assert [other.load(key) for key in keys] == states
    if question_log.engine.dialect.name == "postgresql":  # the batching is PostgreSQL's (worker threads otherwise)
        assert other.load("twice/chat").focus.entries == ("second",)
    other.save(keys[7], Conversation(Focus(entries=("changed",)), "en"))
    loaded = await asyncio.gather(*(bot.load_async(key) for key in keys + ["nobody/chat"]))
    assert loaded[:7] == states[:7] and loaded[8:50] == states[8:]
    assert loaded[7].focus.entries == ("changed",) and loaded[50] == Conversation()


async def test_a_frozen_server_holds_a_message_no_longer_than_the_deadline(postgres_url: str, postgres_server,
                                                                          tmp_path):
    """SIGSTOP: the sockets stay open and never answer, so a call that waited for the server would
    not return before the end of the freeze. Each awaited call gives up at the deadline instead,
    and the conversation goes on in memory."""
    import asyncio

    from bot.config import Settings
    from db.log import open_question_log
    from faults import frozen

    log = open_question_log(Settings(data_dir=tmp_path / "data", database_url=postgres_url,
                                     pseudonym_secret="conversation-deadline-secret", db_write_timeout=0.5))
    try:
        store = DatabaseConversations(log.quick_engine, health=log)
        await store.save_async("k/frozen", Conversation(FOCUS, "en"))  # a connection is open before the freeze
        with frozen(postgres_server):
            # (wait_for only turns a hang into a failure instead of a stuck test)
            await asyncio.wait_for(store.save_async("k/frozen", Conversation(Focus(entries=("urgo",)), "fr")), 30)
            assert log.database_suspect(), "the other stores on this database skip it for a while"
            loaded = await asyncio.wait_for(store.load_async("k/frozen"), 30)
            assert loaded.focus.entries == ("urgo",), "kept in memory meanwhile"
    finally:
        log.close()
