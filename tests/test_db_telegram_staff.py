"""The staff handlers' plain parts: button payloads and rendering (the handlers themselves are
exercised end to end with the Bot API emulator elsewhere)."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.handlers.staff import ReviewAction, parse_review, render_stats
from db.log import DayStats, Stats


@pytest.mark.parametrize("action", [
    ReviewAction("link", 1, "rd-biotech"),
    ReviewAction("link", 999_999_999_999, "a" + "b" * 40),  # the longest possible payload
    ReviewAction("other", 12),
    ReviewAction("dismiss", 12),
    ReviewAction("resolve", 12),
])
def test_review_buttons_round_trip_within_64_bytes(action: ReviewAction) -> None:
    assert len(action.data.encode()) <= 64
    assert parse_review(action.data) == action


@pytest.mark.parametrize("data", ["rv:l:12", "rv:d:12:efs", "rv:x:1", "fb:1:efs", "", None, "rv:d:-1"])
def test_foreign_or_malformed_payloads_are_not_review_buttons(data: object) -> None:
    assert parse_review(data) is None


def test_stats_render_escapes_visitor_text() -> None:
    stats = Stats(first_day=dt.date(2025, 11, 14), last_day=dt.date(2025, 11, 20),
                  days=(DayStats(dt.date(2025, 11, 20), 3, 1, 0, 2),), top_unanswered=(("<b>x</b> & y", 2),),
                  top_answered=(), helpful=1, not_helpful=1, open_questions=1)
    html = render_stats(stats, "en")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "<b>x</b>" not in html
    assert "answered: 75 %" in html and "(50 % helpful)" in html
