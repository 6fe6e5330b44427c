"""Shared fixtures: the real knowledge base and one real engine for the whole run."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.knowledge import KnowledgeBase, load_knowledge

pytest_plugins = ["tests.pg_fixture"]


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase) -> Engine:
    return Engine(knowledge)
