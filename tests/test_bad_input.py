"""Whatever people type (or paste), the engine replies politely and never crashes."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine, Status
from bot.replies import render

TODAY = dt.date(2025, 10, 5)
ALLOWED_TAGS = {"b", "/b", "i", "/i"}


def reply_to(engine: Engine, text: str):
    result = engine.answer(text, today=TODAY)
    return result, render(result, engine.knowledge, TODAY)


def assert_polite(result, reply) -> None:
    assert result.status in set(Status)
    assert result.lang in ("fr", "en")
    assert 0 <= result.score <= 100
    assert reply.text.strip(), "every message gets a reply"
    assert {tag for tag in re.findall(r"<(/?\w+)", reply.html)} <= ALLOWED_TAGS


@pytest.mark.parametrize(("text", "status", "intent"), [
    ("", Status.SMALLTALK, "empty"),
    ("   \n\t ", Status.SMALLTALK, "empty"),
    ("🙂🙂🚀", Status.SMALLTALK, "empty"),
    ("?!…", Status.SMALLTALK, "empty"),
    ("a" * 10_000, Status.UNANSWERED, "too_long"),
    ("Où est Chematech ? " * 600, Status.UNANSWERED, "too_long"),
])
def test_degenerate_messages(engine: Engine, text: str, status: Status, intent: str):
    result, reply = reply_to(engine, text)
    assert (result.status, result.intent) == (status, intent)
    assert_polite(result, reply)


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script> Chematech",
    "<b>RD Biotech</b> & <i>co</i>",
    "'; DROP TABLE questions; --",
    "Robert'); DELETE FROM aliases WHERE 1=1; --",
    "Chematech\x00\x07\x1b[31m where?",
    "Где находится Chematech?",
    "契約 はどこですか",
    "مرحبا",
    "\u202eetihcmehc",
    "Chematech \udcff\udce9 ?",
    "%s %d {0} {name} ${HOME}",
])
def test_hostile_or_foreign_text(engine: Engine, text: str):
    result, reply = reply_to(engine, text)
    assert_polite(result, reply)
    assert "<script" not in reply.html and "DROP TABLE" not in reply.text


def test_control_characters_are_ignored(engine: Engine):
    result, _ = reply_to(engine, "Chema\x00tech\x07 ?")
    clean, _ = reply_to(engine, "Chematech ?")
    assert "\x00" not in result.question and "\x07" not in result.question
    assert clean.entry == "chematech"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600))
def test_any_text_gets_a_polite_reply(engine: Engine, text: str):
    assert_polite(*reply_to(engine, text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["chematech", "où", "when", "BioFit", "qui", "combien", "🙂", "<b>", "'", "\n",
                                 "wisconsin", "jobs", "Dijon", "price", "zzz", "Région", "merci", "2030"]),
                max_size=12).map(" ".join))
def test_word_salad_from_the_domain(engine: Engine, text: str):
    assert_polite(*reply_to(engine, text))
