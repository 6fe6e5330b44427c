"""Shared fixtures: the real knowledge base and one real engine for the whole run."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from botapi_emulator import BotApiEmulator
from bot.knowledge import KnowledgeBase, load_knowledge

pytest_plugins = ["tests.pg_fixture"]


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase) -> Engine:
    return Engine(knowledge)


@pytest.fixture
async def emu():
    """A local Bot API server on 127.0.0.1; at the end, every button press must have been answered."""
    async with BotApiEmulator() as server:
        yield server
        assert not server.unanswered_callback_queries(), "every button press must be answered"
