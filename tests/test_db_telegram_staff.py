"""The staff handlers' plain parts: button payloads and rendering (the handlers themselves are
exercised end to end with the Bot API emulator in tests/test_telegram_staff.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.handlers.callbacks import MAX_BYTES, ReviewGroup, parse
from bot.handlers.staff import SAMPLE_CHARS, excerpt, render_group, render_stats
from botapi_emulator import parse_text
from db.log import DayStats, Group, Stats


@pytest.mark.parametrize("action", [
    ReviewGroup("link", 1, "rd-biotech"),
    ReviewGroup("link", 999_999_999_999, "a" + "b" * 40),  # the longest possible payload
    ReviewGroup("other", 12),
    ReviewGroup("dismiss", 12),
    ReviewGroup("resolve", 12),
])
def test_review_buttons_round_trip_within_64_bytes(action: ReviewGroup) -> None:
    assert len(action.data.encode()) <= MAX_BYTES
    assert parse(action.data) == action


@pytest.mark.parametrize("data", ["rv:l:12", "rv:d:12:efs", "rv:x:1", "", None, "rv:d:-1", "rv:d:1234567890123",
                                  "rv:l:1:UPPER"])
def test_foreign_or_malformed_payloads_are_not_review_buttons(data: object) -> None:
    assert not isinstance(parse(data), ReviewGroup)


@pytest.mark.parametrize("kind, entry", [("link", None), ("dismiss", "efs")])
def test_only_a_link_button_names_an_entry(kind, entry) -> None:
    with pytest.raises(ValueError):
        ReviewGroup(kind, 1, entry)


def test_stats_render_escapes_visitor_text() -> None:
    stats = Stats(first_day=dt.date(2025, 11, 14), last_day=dt.date(2025, 11, 20),
                  days=(DayStats(dt.date(2025, 11, 20), 3, 1, 0, 2),), top_unanswered=(("<b>x</b> & y", 2),),
                  top_answered=(), helpful=1, not_helpful=1, open_questions=1)
    html = render_stats(stats, "en")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "<b>x</b>" not in html
    assert "answered: 75 %" in html and "(50 % helpful)" in html
    assert "day      q   ans  none  clar" in html and "jour" in render_stats(stats, "fr")


def test_excerpt_cuts_long_text_then_escapes() -> None:
    assert excerpt("a < b") == "a &lt; b"
    cut = excerpt("<" * 5000)
    assert cut == "&lt;" * (SAMPLE_CHARS - 1) + "…"
    assert excerpt("word " * 100, 20) == "word word word word…"


def test_a_group_of_long_questions_renders_short(knowledge) -> None:
    at = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)
    group = Group(id=7, state="open", count=3, first_asked=at, last_asked=at,
                  samples=("x" * 4400, "y" * 4400, "<i>" * 1500), candidates=("chematech", "gone-entry"),
                  langs=("en", "fr"), question_ids=(7, 8, 9))
    html, markup = render_group(group, knowledge, "en")
    shown, _entities = parse_text(html, "HTML")  # valid Telegram HTML, as the staff member sees it
    assert len(shown) < 3 * SAMPLE_CHARS + 200
    assert shown.startswith("g7 · 3× · last asked 20/11 10:30 UTC · en/fr\n« xxx")
    assert "Close entries: Chematech, gone-entry" in html
    labels = [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]
    assert labels == [("🔗 Chematech", "rv:l:7:chematech"), ("✍️ Write the answer", "rv:w:7"), ("✏️ Other entry", "rv:o:7"),
                      ("🗑 Dismiss", "rv:d:7"), ("✅ Resolved", "rv:r:7")]
