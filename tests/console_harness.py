"""Shared by the web console's tests and benchmark: services on a fresh SQLite log, a clock the test
moves, questions asked through the real engine, and signing in through a real link."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from starlette.testclient import TestClient

from bot.config import Settings
from bot.console.auth import SignInLinks, signing_secret
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR
from bot.services import Services, build_services

STAFF_ID = 7770001
OTHER_STAFF_ID = 7770002
NOT_STAFF_ID = 8880002

# Questions the real engine logs (unanswered or clarify), asked in both languages and channels.
SEED = [
    ("What does Kelatek do?", "telegram"),  # a name the engine cannot know: staff teach it
    ("what does kelatek do", "cli"),
    ("What does Kelatek do", "telegram"),
    ("What is the capital of Peru?", "telegram"),
    ("what is the capital of peru", "cli"),
    ("Quel est le prix du billet pour BioFit ?", "telegram"),
]


@dataclass
class Clock:
    """Seconds since the epoch, moved by the test (the console and its links read it)."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def console_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = dict(data_dir=tmp_path / "data", staff_user_ids=frozenset({STAFF_ID, OTHER_STAFF_ID}),
                                     knowledge_dir=copy_knowledge(tmp_path), pseudonym_secret="console-test-secret",
                                     default_lang="en")
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def console_services(settings: Settings) -> Services:
    return build_services(settings, today=lambda: dt.datetime.now(dt.UTC).date())


def seed(services: Services, questions: list[tuple[str, str]] = SEED) -> None:
    """Ask each question through the real engine and log it as the front end would."""
    for question, channel in questions:
        result = services.engine.answer(question, today=services.today())
        assert result.needs_review, f"{question!r} was answered; the seed needs logged questions"
        services.question_log.record(result, channel=channel, chat_type="private" if channel == "telegram" else None)


ANSWERED = ["Where is RD Biotech?", "Où se trouve RD Biotech ?", "What does Chematech do?", "Que fait Chematech ?",
            "When is BioFit?", "Where is RD Biotech?"]


def seed_answered(services: Services, rounds: int = 1) -> None:
    """Answered questions (counted, not stored) and feedback on their entries, for the statistics."""
    for _ in range(rounds):
        for question in ANSWERED:
            result = services.engine.answer(question, today=services.today())
            assert not result.needs_review, f"{question!r} was not answered"
            services.question_log.record(result, channel="telegram")
            services.question_log.feedback(entry=result.entry, helpful=question != "When is BioFit?",
                                           user_key=None, lang=result.lang)


def sign_in_token(settings: Settings, staff_id: int = STAFF_ID, clock: Clock | None = None) -> str:
    return SignInLinks(signing_secret(settings), clock=clock or Clock()).issue(staff_id)


def sign_in(client: TestClient, settings: Settings, staff_id: int = STAFF_ID, clock: Clock | None = None) -> str:
    """Sign `client` in through a fresh link; returns the session's CSRF token."""
    response = client.post("/signin", data={"token": sign_in_token(settings, staff_id, clock)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/inbox").text)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)
