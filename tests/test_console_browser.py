"""The web console in a real browser: Playwright driving the machine's Chromium (Debian's
`chromium` package, installed by scripts/test) against the console served by uvicorn on 127.0.0.1.

A staff member signs in through a link, reviews and links a group, dismisses one, writes a staff
answer on one and finds it on the Staff answers page, bulk-resolves two, sees the charts render (light and dark), reloads a broken then a fixed knowledge base, and
signs out. Without Chromium these tests skip, unless BIOVALIANCE_REQUIRE_BROWSER=1 (set by
.ci/run), where they fail. With BIOVALIANCE_SCREENSHOTS=DIR they save a screenshot of each page
there (the README's are made so: `BIOVALIANCE_SCREENSHOTS=docs/console`).
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.console.app import build_console
from bot.console.auth import issue_link
from console_harness import SEED, STAFF_ID, console_services, console_settings, seed, seed_answered
from telegram_harness import free_port

CHROMIUM = Path(os.environ.get("BIOVALIANCE_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_ENV = "BIOVALIANCE_REQUIRE_BROWSER"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MORE_QUESTIONS = [("How much does a ticket for BioFit cost?", "telegram"), ("What is the weather in Dijon?", "telegram"),
                  ("Who founded Chematech?", "cli"), ("Is there parking at the stand?", "telegram"),
                  ("Where can I buy bread?", "telegram"), ("Y a-t-il un parking pour les visiteurs ?", "telegram")]
SCREENSHOTS = os.environ.get("BIOVALIANCE_SCREENSHOTS")
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (scripts/test does)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class LiveConsole:
    """The console app served by a real uvicorn server in a thread, on a free port of 127.0.0.1."""

    def __init__(self, tmp_path: Path):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.settings = console_settings(tmp_path, console_url=self.url, console_port=port)
        self.services = console_services(self.settings)
        seed(self.services, SEED + MORE_QUESTIONS)
        seed_answered(self.services, rounds=3)
        config = uvicorn.Config(build_console(self.services), host="127.0.0.1", port=port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveConsole:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the console did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.services.question_log.close()

    def link(self) -> str:
        return issue_link(self.settings, STAFF_ID)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[LiveConsole]:
    with LiveConsole(tmp_path) as live:
        yield live


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def open_groups(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("a.group-link").all_inner_texts()


def test_staff_journey_in_a_real_browser(browser, console: LiveConsole) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Without a session: the "sign in through the bot" page.
    page.goto(console.url + "/inbox")
    assert page.url == console.url + "/signin"
    assert page.locator("h1").inner_text() == "Sign in through the bot"
    shot(page, "signin")

    # Sign in through a one-time link.
    page.goto(console.link())
    page.click("#confirm-sign-in")
    page.wait_for_url(console.url + "/inbox")
    groups = open_groups(page)
    assert len(groups) >= 6, groups
    shot(page, "inbox")

    # Review a group and link it to an entry found with the picker.
    kelatek = next(g.key for g in console.services.question_log.review_groups()
                   if g.questions[0].text == "What does Kelatek do?")
    page.click(f"a.group-link:text-is('{kelatek}')")
    page.wait_for_url(f"**/inbox/{kelatek}**")
    assert "what does kelatek do" in page.content()
    page.fill("#entry-search", "chematek")  # a typo still finds it
    page.press("#entry-search", "Enter")
    page.wait_for_url("**entry_q=chematek**")
    shot(page, "group")
    page.locator("form.pick button", has_text="Link to Chematech").last.click()
    page.wait_for_url(console.url + "/inbox")
    assert "linked to Chematech" in page.locator(".flash.ok").inner_text()
    assert kelatek not in open_groups(page)
    answer = console.services.engine.answer("What does Kelatek do?", today=console.services.today())
    assert answer.status.value == "answered" and answer.entry == "chematech"

    # Dismiss one.
    to_dismiss = open_groups(page)[0]
    page.click(f"a.group-link:text-is('{to_dismiss}')")
    page.click("#dismiss")
    page.wait_for_url(console.url + "/inbox")
    assert "dismissed" in page.locator(".flash.ok").inner_text()
    assert to_dismiss not in open_groups(page)

    # Write a staff answer on one: the form is prefilled with the group's questions.
    to_answer = open_groups(page)[0]
    wording = next(g for g in console.services.question_log.review_groups() if g.key == to_answer).questions[0].text
    page.click(f"a.group-link:text-is('{to_answer}')")
    assert wording in page.locator("#answer-form textarea[name=phrasings]").input_value()
    page.fill("#answer-form textarea[name=text_en]", "The team answers: <ask at the stand>.")
    page.click("#save-answer")
    page.wait_for_url(console.url + "/inbox")
    assert f"Saved as staff answer A1 for {to_answer}" in page.locator(".flash.ok").inner_text()
    assert to_answer not in open_groups(page)
    asked = console.services.ask(wording)
    assert asked.staff is not None and asked.staff.answer.texts == {"en": "The team answers: <ask at the stand>."}
    page.click("nav >> text=Staff answers")
    page.wait_for_url(console.url + "/answers")
    row = page.locator("#answer-A1").inner_text()
    assert wording in row and "The team answers: <ask at the stand>." in row and " team, " in row
    shot(page, "answers")

    # Bulk-resolve two.
    page.click("nav >> text=Inbox")
    page.wait_for_url(console.url + "/inbox")
    left = open_groups(page)
    for key in left[:2]:
        page.check(f"input[name=group][value={key}]")
    page.click("#bulk-resolve")
    page.wait_for_url(console.url + "/inbox")
    assert "from 2 group(s) marked resolved" in page.locator(".flash.ok").inner_text()
    assert open_groups(page) == left[2:]
    shot(page, "inbox-after-actions")

    # Statistics: the charts render, as SVG drawn by the browser.
    page.click("nav >> text=Statistics")
    page.wait_for_url(console.url + "/stats")
    bars = page.locator("#section-per-day svg .series rect")
    assert bars.count() >= 1
    box = page.locator("#section-per-day svg").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    light_text = page.locator("#section-per-day svg .title").evaluate("e => getComputedStyle(e).fill")
    shot(page, "stats")

    # Knowledge base, an entry, and "try it".
    page.click("nav >> text=Knowledge base")
    shot(page, "knowledge")
    page.click("a[href='/knowledge/entry/chematech']")
    assert "What does Kelatek do?" in page.locator("#learned").inner_text()
    shot(page, "entry")
    page.goto(console.url + "/knowledge")
    page.fill("#try-question", "Where is RD Biotech?")
    page.press("#try-question", "Enter")
    page.wait_for_url("**/knowledge/try**")
    assert page.locator("#reading .status-answered").inner_text() == "answered"
    shot(page, "try")

    # Reload a broken knowledge base: refused with file, line, entry and field; then a fixed one.
    events = console.settings.knowledge_dir / "events.yaml"
    original = events.read_text(encoding="utf-8")
    events.write_text(original.replace("end: 2025-12-03", "end: 2025-11-01", 1), encoding="utf-8")
    page.goto(console.url + "/knowledge")
    page.click("#reload")
    assert "the knowledge base in use is kept" in page.locator("#reload-failed").inner_text()
    row = page.locator("table.problems tbody tr").first.inner_text()
    assert "events.yaml" in row and "biofit-medfit" in row and "end" in row
    shot(page, "reload-failed")
    before = console.services.knowledge
    events.write_text(original, encoding="utf-8")
    page.click("#reload")
    page.wait_for_url(console.url + "/knowledge")
    assert "Knowledge base reloaded" in page.locator(".flash.ok").inner_text()
    assert console.services.knowledge is not before

    # French, remembered.
    page.click("button[name=lang]")
    assert page.locator("h1").inner_text() == "Base de connaissances"
    page.goto(console.url + "/inbox")
    assert page.locator("h1").inner_text() == "Questions sans réponse, regroupées"

    # Sign out: every page sends back to the sign-in page.
    page.click("#sign-out")
    page.wait_for_url("**/signin?out=1")
    page.goto(console.url + "/stats")
    assert page.url == console.url + "/signin"
    context.close()

    # The same charts in the dark theme: the text follows the theme.
    dark = browser.new_context(viewport=VIEWPORT, locale="en-GB", color_scheme="dark")
    dark_page = dark.new_page()
    dark_page.goto(console.link())
    dark_page.click("#confirm-sign-in")
    dark_page.goto(console.url + "/stats")
    dark_text = dark_page.locator("#section-per-day svg .title").evaluate("e => getComputedStyle(e).fill")
    assert dark_text != light_text
    assert dark_text == "rgb(230, 233, 239)" and light_text == "rgb(29, 36, 51)"
    shot(dark_page, "stats-dark")
    dark.close()


def test_a_reused_link_is_refused_in_the_browser(browser, console: LiveConsole) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    page = context.new_page()
    link = console.link()
    page.goto(link)
    page.click("#confirm-sign-in")
    page.wait_for_url(console.url + "/inbox")
    context.clear_cookies()
    page.goto(link)
    page.click("#confirm-sign-in")
    assert "déjà servi" in page.locator("#problem").inner_text()
    page.goto(console.url + "/inbox")
    assert page.url == console.url + "/signin"
    context.close()

