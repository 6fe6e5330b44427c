"""The Telegram front end's pure parts: splitting, button payloads, deep links, flood guard, lists,
calendar files, and the wiring's configuration checks."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from bot.app import Tuning, api_urls, build_application, webhook_options
from bot.config import ConfigError, Settings
from bot.engine.result import Status
from bot.handlers import keyboards
from bot.handlers.callbacks import (
    MAX_BYTES,
    ChooseLanguage,
    GiveFeedback,
    OpenSection,
    SendCalendar,
    ShowCard,
    ShowPage,
    parse,
)
from bot.handlers.commands import deep_link_target
from bot.handlers.delivery import split_html, telegram_length
from bot.handlers.flood import FloodGuard, Verdict
from bot.handlers.listing import actors_working_on, page_of, section_entries
from bot.ics import event_calendar
from bot.knowledge import Event, Speciality
from bot.replies import render, render_card
from botapi_emulator import ApiError, parse_text

TODAY = dt.date(2025, 11, 1)


# ---- splitting long replies --------------------------------------------------------------------

def _visible(html: str) -> str:
    return parse_text(html, "HTML", limit=10**9)[0]


def test_a_short_reply_is_one_part():
    assert split_html("<b>Hi</b>") == ["<b>Hi</b>"]


def test_split_prefers_paragraph_breaks():
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
    parts = split_html("\n\n".join(paragraphs), limit=4096)
    assert len(parts) > 1
    for part in parts:
        assert telegram_length(part) <= 4096
        assert part.startswith("Paragraph ")  # every part begins at a paragraph
        assert part.rstrip().endswith("word")


def test_split_closes_and_reopens_a_tag_it_cuts_through():
    html = "<b>" + "bold words " * 1000 + "</b>"
    parts = split_html(html, limit=4096)
    assert len(parts) == 3
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        _visible(part)  # valid Telegram HTML on its own


def test_split_never_cuts_an_entity_and_cuts_a_giant_word():
    html = "&amp;" * 2000 + "x" * 5000
    parts = split_html(html, limit=4096)
    assert all(telegram_length(p) <= 4096 for p in parts)
    assert "".join(_visible(p) for p in parts) == "&" * 2000 + "x" * 5000


_SEGMENTS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
    st.sampled_from(["\n", "\n\n", " ", "é", "🧬", "<", ">", "&"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_SEGMENTS, st.sampled_from(["", "b", "i", "code"])), min_size=1, max_size=120),
       st.integers(min_value=300, max_value=1000))
def test_split_parts_are_valid_short_and_lose_nothing(pieces, limit):
    import html as html_module

    rendered = "".join(f"<{tag}>{html_module.escape(text)}</{tag}>" if tag else html_module.escape(text)
                       for text, tag in pieces)
    if not _visible_or_none(rendered):
        return
    parts = split_html(rendered, limit=limit)
    for part in parts:
        assert telegram_length(part) <= limit
        _visible(part)
    squeeze = re.compile(r"\s+")
    assert squeeze.sub("", "".join(_visible(p) for p in parts)) == squeeze.sub("", _visible(rendered))


def _visible_or_none(html: str) -> str | None:
    try:
        return _visible(html)
    except ApiError:  # empty once parsed
        return None


# ---- button payloads ---------------------------------------------------------------------------

@pytest.mark.parametrize("action", [
    OpenSection("actors"), ShowPage("events", 2), ShowCard("rd-biotech"), SendCalendar("biofit-medfit"),
    GiveFeedback(True, "chematech"), GiveFeedback(False, None), ChooseLanguage("en"), ChooseLanguage(None),
])
def test_payloads_round_trip(action):
    assert parse(action.data) == action


@pytest.mark.parametrize("data", ["", "x", "e:", "e:UPPER", "p:nowhere:1", "fb:2:x", "lang:de", None, 42])
def test_foreign_payloads_are_refused(data):
    assert parse(data) is None


def test_a_payload_over_64_bytes_cannot_be_made():
    with pytest.raises(ValueError):
        _ = ShowCard("a" * 70).data


def _all_data(markup) -> list[str]:
    return [b.callback_data for row in (markup.inline_keyboard if markup else ()) for b in row]


def test_every_button_the_bot_can_produce_fits_in_64_bytes(knowledge, engine):
    produced = _all_data(keyboards.main_menu("fr")) + _all_data(keyboards.language_choice())
    for lang in ("fr", "en"):
        for section in ("actors", "specialities", "events", "objectives", "figures"):
            first = page_of(section, 0, knowledge, lang, TODAY)
            for number in range(first.count):
                page = page_of(section, number, knowledge, lang, TODAY)
                produced += _all_data(keyboards.for_page(section, page.number, page.count, page.items, lang))
        for entry in knowledge:
            card = render_card(entry, knowledge, lang, TODAY)
            extra = actors_working_on(entry, knowledge, lang) if isinstance(entry, Speciality) else ()
            produced += _all_data(keyboards.for_card(list(card.buttons) + list(extra), lang=lang,
                                                     calendar_for=entry.id if isinstance(entry, Event) else None))
            for question in entry.examples + entry.names:
                result = engine.answer(question, lang_hint=lang, today=TODAY)
                produced += _all_data(keyboards.for_result(result, render(result, knowledge, TODAY).buttons))
    assert len(produced) > 500
    too_long = [d for d in produced if not 1 <= len(d.encode()) <= MAX_BYTES]
    assert not too_long
    assert all(parse(d) is not None for d in produced), "every payload is one the bot understands"


def test_feedback_buttons_only_under_answers(knowledge, engine):
    answered = engine.answer("Where is Chematech?", lang_hint="en", today=TODAY)
    unclear = engine.answer("cell", lang_hint="en", today=TODAY)
    assert answered.status == Status.ANSWERED and unclear.status == Status.CLARIFY
    assert any(d.startswith("fb:1:chematech") for d in _all_data(keyboards.for_result(answered, ())))
    assert not any(d.startswith("fb:") for d in _all_data(keyboards.for_result(unclear, unclear.suggestions)))
    markup = keyboards.for_result(answered, render(answered, knowledge, TODAY).buttons)
    assert not any(d.startswith("fb:") for d in _all_data(keyboards.without_feedback(markup)))


# ---- deep links --------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, expected", [
    ("events", ShowPage("events")),
    ("actors", ShowPage("actors")),
    ("event", ShowPage("events")),
    ("actor-rd-biotech", ShowCard("rd-biotech")),
    ("rd-biotech", ShowCard("rd-biotech")),
    ("event-biofit-medfit", ShowCard("biofit-medfit")),
    ("RD-Biotech", ShowCard("rd-biotech")),
    ("actor-nowhere", None),
    ("<script>", None),
    ("x" * 65, None),
])
def test_deep_link_payloads(knowledge, payload, expected):
    assert deep_link_target(payload, knowledge) == expected


# ---- flood guard -------------------------------------------------------------------------------

def test_flood_guard_warns_once_per_burst_then_forgives():
    now = [0.0]
    guard = FloodGuard(limit=3, seconds=5, clock=lambda: now[0])
    verdicts = []
    for _ in range(6):
        verdicts.append(guard.check(1))
        now[0] += 0.1
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2
    assert guard.check(2) is Verdict.ALLOW  # other users are not affected
    assert guard.check(1, "button") is Verdict.ALLOW  # presses have their own window
    now[0] += 5.1
    assert guard.check(1) is Verdict.ALLOW
    assert [guard.check(1) for _ in range(3)][-1] is Verdict.WARN  # a new burst warns again


# ---- lists and calendar files ------------------------------------------------------------------

def test_events_upcoming_first_then_past_latest_first(knowledge):
    events = section_entries("events", knowledge, TODAY)
    upcoming = [e for e in events if e.end >= TODAY]
    past = [e for e in events if e.end < TODAY]
    assert events == upcoming + past
    assert [e.start for e in upcoming] == sorted(e.start for e in upcoming)
    assert [e.start for e in past] == sorted((e.start for e in past), reverse=True)
    page = page_of("events", 0, knowledge, "fr", TODAY)
    assert page.html.count("(passé)") == len(past) and page.html.count("(à venir)") == len(upcoming)


def test_pages_are_clamped(knowledge):
    last = page_of("actors", 99, knowledge, "en", TODAY)
    assert last.number == last.count - 1 and last.items


def test_ics_round_trip(knowledge):
    event = knowledge.entries["immunology-congress"]
    data = event_calendar(event, "en", stamp=dt.datetime(2025, 11, 1, 12, tzinfo=dt.timezone.utc),
                          sources=knowledge.sources)
    [parsed] = Calendar.from_ical(data).walk("VEVENT")
    assert parsed.get("dtstart").dt == event.start
    assert parsed.get("dtend").dt == event.end + dt.timedelta(days=1)
    assert str(parsed.get("uid")) == "immunology-congress@biovaliance-bot"
    assert "Lyon" in str(parsed.get("location"))


# ---- wiring ------------------------------------------------------------------------------------

def test_api_urls_follow_the_self_hosted_layout():
    assert api_urls(Settings()) == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert api_urls(Settings(telegram_api_url="http://127.0.0.1:8081")) == (
        "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")


def test_webhook_needs_url_and_a_valid_secret():
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        webhook_options(Settings(webhook_secret="s"))
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        webhook_options(Settings(webhook_url="https://bot.example.org/hook"))
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        webhook_options(Settings(webhook_url="https://bot.example.org/hook", webhook_secret="has spaces"))
    options = webhook_options(Settings(webhook_url="https://bot.example.org/tg/hook", webhook_secret="abc_DEF-1",
                                       port=8080))
    assert options == {"listen": "127.0.0.1", "port": 8080, "url_path": "tg/hook",
                       "webhook_url": "https://bot.example.org/tg/hook", "secret_token": "abc_DEF-1"}
    # Behind a proxy on another machine, the listen address is a setting.
    assert Settings.from_env({"WEBHOOK_LISTEN": "0.0.0.0"}).webhook_listen == "0.0.0.0"
    assert Settings.from_env({}).webhook_listen == "127.0.0.1"


def test_build_application_needs_a_token(knowledge, engine):
    from bot.services import Services

    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        build_application(Services(settings=Settings(), knowledge=knowledge, engine=engine))
    services = Services(settings=Settings(telegram_bot_token="1:x"), knowledge=knowledge, engine=engine)
    application = build_application(services, tuning=Tuning(rate_limited=False))
    assert application.bot.base_url == "https://api.telegram.org/bot1:x"
    assert application.bot_data["services"] is services


def test_every_telegram_command_is_documented(knowledge, engine):
    from pathlib import Path

    from telegram.ext import CommandHandler

    from bot.services import Services

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    services = Services(settings=Settings(telegram_bot_token="1:x"), knowledge=knowledge, engine=engine)
    application = build_application(services)
    commands = {c for handlers in application.handlers.values() for h in handlers
                if isinstance(h, CommandHandler) for c in h.commands}
    assert {"start", "help", "lang", "about", "actors", "events"} <= commands
    assert not [c for c in sorted(commands) if f"/{c}" not in text]
