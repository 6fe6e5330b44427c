"""The web console over HTTP (Starlette's TestClient, the real app, a real SQLite log): every
refusal (no session, expired / reused / forged / non-staff link, missing CSRF token, rate limit),
cookie flags, the inbox and its actions, CSV neutralisation, escaping, and knowledge reloads."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.cli import main as cli_main
from bot.console.app import LANG_COOKIE, SESSION_COOKIE, build_console
from bot.console.auth import AttemptLimiter
from bot.reloading import follow_reloads
from bot.services import build_services
from bot.staff_answers import StaffAnswerBook
from console_harness import (
    NOT_STAFF_ID,
    OTHER_STAFF_ID,
    STAFF_ID,
    Clock,
    console_services,
    console_settings,
    csrf_of,
    seed,
    seed_answered,
    sign_in,
    sign_in_token,
)

PAGES = ["/inbox", "/inbox/g1", "/stats", "/stats/per-day.csv", "/knowledge", "/knowledge/try?q=efs",
         "/knowledge/entry/biovaliance", "/answers"]
ACTIONS = ["/signout", "/lang", "/inbox/act", "/inbox/answer", "/answers/delete", "/knowledge/reload"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path):
    return console_settings(tmp_path)


@pytest.fixture
def services(settings):
    built = console_services(settings)
    seed(built)
    yield built
    built.question_log.close()


@pytest.fixture
def client(services, clock):
    with TestClient(build_console(services, clock=clock), base_url="http://127.0.0.1:8080") as test_client:
        yield test_client


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_the_sign_in_page_without_a_session(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    assert "Sign in through the bot" in client.get("/signin").text


@pytest.mark.parametrize("path", ACTIONS)
def test_every_action_is_refused_without_a_session(client: TestClient, path: str) -> None:
    response = client.post(path, data={"csrf": "anything", "action": "resolve", "group": "g1", "text_en": "An answer.",
                                       "phrasings": "what does kelatek do", "answer": "A1"}, follow_redirects=False)
    assert response.status_code == 403
    assert "sign in through the bot" in response.text


@pytest.mark.parametrize("path", ACTIONS)
def test_every_action_is_refused_without_the_csrf_token(client: TestClient, settings, clock, path: str) -> None:
    sign_in(client, settings, clock=clock)
    answer = {"text_en": "An answer.", "phrasings": "what does kelatek do", "answer": "A1"}
    for data in ({"action": "resolve", "group": "g1", **answer}, {"csrf": "forged", "action": "resolve", "group": "g1", **answer}):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "Refused" in response.text
    assert client.get("/inbox", follow_redirects=False).status_code == 200  # still signed in, nothing done
    assert len(services_of(client).question_log.review_groups()) == 3
    assert services_of(client).handover.answers() == []


def test_a_link_signs_in_once(client: TestClient, settings, clock) -> None:
    token = sign_in_token(settings, clock=clock)
    assert "confirm-sign-in" in client.get(f"/signin/{token}").text  # a GET never spends the link
    assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    again = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert again.status_code == 403
    assert "already used" in again.text
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_link_expires_after_ten_minutes(client: TestClient, settings, clock) -> None:
    token = sign_in_token(settings, clock=clock)
    clock.advance(10 * 60 + 1)
    assert "expired" in client.get(f"/signin/{token}").text
    response = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert response.status_code == 403
    assert "expired" in response.text
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_forged_or_altered_link_is_refused(client: TestClient, settings, clock, tmp_path: Path) -> None:
    token = sign_in_token(settings, clock=clock)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_key = sign_in_token(console_settings(tmp_path / "other", pseudonym_secret="another-secret"), clock=clock)
    for bad in (altered, other_key, "not-a-token"):
        response = client.post("/signin", data={"token": bad}, follow_redirects=False)
        assert response.status_code == 403
        assert "not valid" in response.text


def test_a_link_for_someone_who_is_not_staff_is_refused(client: TestClient, settings, clock, capsys) -> None:
    response = client.post("/signin", data={"token": sign_in_token(settings, NOT_STAFF_ID, clock)},
                           follow_redirects=False)
    assert response.status_code == 403
    assert "does not belong to a staff member" in response.text
    env = {"DATA_DIR": str(settings.data_dir), "STAFF_USER_IDS": str(STAFF_ID), "PSEUDONYM_SECRET": "console-test-secret-0123"}
    out = io.StringIO()
    assert cli_main(["console", "link", str(NOT_STAFF_ID)], env=env, stdin=io.StringIO(), stdout=out) == 2
    assert out.getvalue() == ""
    assert "not in STAFF_USER_IDS" in capsys.readouterr().err


def test_a_session_ends_when_its_staff_member_is_removed(services, settings, clock) -> None:
    with TestClient(build_console(services, clock=clock)) as client:
        sign_in(client, settings, OTHER_STAFF_ID, clock)
        services.settings = settings.__class__(**{**settings.__dict__, "staff_user_ids": frozenset({STAFF_ID})})
        assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_session_expires(client: TestClient, settings, clock) -> None:
    sign_in(client, settings, clock=clock)
    clock.advance(11 * 3600)
    assert client.get("/inbox", follow_redirects=False).status_code == 200
    clock.advance(3600 + 1)
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_sign_in_attempts_are_rate_limited(services, settings, clock) -> None:
    with TestClient(build_console(services, clock=clock, limiter=AttemptLimiter(3, 60, clock=clock))) as client:
        for _ in range(3):
            assert client.post("/signin", data={"token": "guess"}).status_code == 403
        limited = client.post("/signin", data={"token": sign_in_token(settings, clock=clock)})
        assert limited.status_code == 429
        assert "Too many sign-in attempts" in limited.text
        clock.advance(61)
        sign_in(client, settings, clock=clock)


def test_session_cookie_flags(client: TestClient, settings, clock, services) -> None:
    response = client.post("/signin", data={"token": sign_in_token(settings, clock=clock)}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and "max-age=43200" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http on 127.0.0.1
    https = settings.__class__(**{**settings.__dict__, "console_url": "https://console.example.org"})
    services.settings = https
    with TestClient(build_console(services, clock=clock), base_url="https://console.example.org") as secure_client:
        signed = secure_client.post("/signin", data={"token": sign_in_token(https, clock=clock)}, follow_redirects=False)
        assert "; secure" in signed.headers["set-cookie"].lower()


def test_sign_out_ends_the_session(client: TestClient, settings, clock) -> None:
    csrf = sign_in(client, settings, clock=clock)
    response = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert response.headers["location"] == "/signin?out=1"
    assert client.get("/inbox", follow_redirects=False).status_code == 303
    assert client.post("/inbox/act", data={"csrf": csrf, "action": "resolve", "group": "g1"}).status_code == 403


def test_security_headers_and_no_outside_resources(client: TestClient, settings, clock) -> None:
    sign_in(client, settings, clock=clock)
    for path in ("/inbox", "/stats", "/knowledge", "/signin"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "no-referrer"
        assert not re.search(r'(?:src|href)="(?:https?:)?//', response.text), path
        assert "<script" not in response.text


def services_of(client: TestClient):
    return client.app.state.console.services  # type: ignore[attr-defined]


# --- inbox ---------------------------------------------------------------------------------------

def groups_in(page: str) -> list[str]:
    return re.findall(r'class="group-link" href="/inbox/(g\d+)', page)


def test_inbox_groups_filters_and_pages(client: TestClient, settings, clock, services) -> None:
    sign_in(client, settings, clock=clock)
    page = client.get("/inbox").text
    groups = groups_in(page)
    assert len(groups) == 3, page
    kelatek = services.question_log.review_groups()[0]
    assert groups[0] == kelatek.key and len(kelatek.questions) == 3  # most frequent first
    row = page.split(f'id="row-{kelatek.key}"')[1].split("</tr>")[0]
    assert "<td>en</td>" in row and "cli, telegram" in row and ">3<" in row and "What does Kelatek do?" in row
    searched = client.get("/inbox?q=PÉRU").text  # accents and case do not matter
    assert len(groups_in(searched)) == 1 and "capital of Peru" in searched
    assert len(groups_in(client.get("/inbox?lang=fr").text)) == 1
    assert len(groups_in(client.get("/inbox?channel=cli").text)) == 2
    assert groups_in(client.get("/inbox?from=2000-01-01&to=2000-01-02").text) == []
    bad = client.get("/inbox?lang=xx&from=yesterday&page=zero")
    assert bad.status_code == 200 and "ignored: lang, from, page" in bad.text
    assert len(groups_in(bad.text)) == 3


def test_a_group_page_shows_its_questions_and_closest_entries(client: TestClient, settings, clock, services) -> None:
    sign_in(client, settings, clock=clock)
    kelatek, _peru, biofit = services.question_log.review_groups()
    page = client.get(f"/inbox/{kelatek.key}").text
    assert "What does Kelatek do?" in page and "what does kelatek do" in page
    assert "The engine suggested no entry." in page
    picked = client.get(f"/inbox/{kelatek.key}?entry_q=chematek").text  # a typo still finds it
    assert "Link to Chematech" in picked
    assert "Link to BioFit – MedFit" in client.get(f"/inbox/{biofit.key}").text


def test_link_teaches_the_bot_and_a_second_action_says_someone_else_handled_it(
        services, settings, clock) -> None:
    app = build_console(services, clock=clock)
    with TestClient(app) as alice, TestClient(app) as bob:
        alice_csrf = sign_in(alice, settings, STAFF_ID, clock)
        bob_csrf = sign_in(bob, settings, OTHER_STAFF_ID, clock)
        key = services.question_log.review_groups()[0].key
        assert key in bob.get("/inbox").text  # Bob's page still shows the group
        done = alice.post("/inbox/act", data={"csrf": alice_csrf, "action": "link", "group": key,
                                              "entry": "chematech", "back": "/inbox"})
        assert "3 question(s) from 1 group(s) linked to Chematech" in done.text  # Kelatek is Chematech
        assert key not in groups_in(done.text)
        late = bob.post("/inbox/act", data={"csrf": bob_csrf, "action": "dismiss", "group": key, "back": "/inbox"})
        assert late.status_code == 200
        assert f"Already handled by someone else: {key}." in late.text
        assert "already handled by someone else" in bob.get(f"/inbox/{key}").text
    answer = services.engine.answer("What does Kelatek do?", today=services.today())
    assert answer.status.value == "answered" and answer.entry == "chematech"


def test_bulk_resolve_and_a_wrong_entry_loses_nothing(client: TestClient, settings, clock, services) -> None:
    csrf = sign_in(client, settings, clock=clock)
    keys = [g.key for g in services.question_log.review_groups()]
    wrong = client.post("/inbox/act", data={"csrf": csrf, "action": "link", "group": keys, "entry": "no-such-entry"})
    assert "Unknown entry: “no-such-entry”. Nothing was changed." in wrong.text
    assert len(services.question_log.review_groups()) == 3
    nothing = client.post("/inbox/act", data={"csrf": csrf, "action": "resolve"})
    assert "Select at least one group." in nothing.text
    done = client.post("/inbox/act", data={"csrf": csrf, "action": "resolve", "group": keys[1:]})
    assert "from 2 group(s) marked resolved" in done.text
    assert [g.key for g in services.question_log.review_groups()] == keys[:1]
    assert len(groups_in(client.get("/inbox?status=resolved").text)) == 2


# --- staff answers -------------------------------------------------------------------------------

KELATEK_FR = "Kelatek est le nouveau nom de Chematech <b>depuis 2026</b>."
KELATEK_EN = "Kelatek is Chematech's new name."


def test_a_staff_answer_is_saved_resolves_its_group_and_the_bot_answers_from_it(client: TestClient, settings, clock,
                                                                                 services) -> None:
    csrf = sign_in(client, settings, clock=clock)
    kelatek = services.question_log.review_groups()[0]
    form = client.get(f"/inbox/{kelatek.key}").text.split('id="answer-form"')[1].split("</form>")[0]
    assert 'name="csrf"' in form
    assert "What does Kelatek do?\nwhat does kelatek do\nWhat does Kelatek do</textarea>" in form  # prefilled, editable
    bot_process = build_services(settings)  # another process on the same database
    bot_process.staff_answers = StaffAnswerBook(check_every=0.0)  # its refresh job, without the wait between checks
    try:
        bot_process.refresh_staff_answers(force=True)  # the answers as at start (none)
        assert not bot_process.refresh_staff_answers()  # nothing changed since
        assert bot_process.ask("What does Kelatek do?").staff is None
        done = client.post("/inbox/answer", data={"csrf": csrf, "group": kelatek.key, "text_fr": KELATEK_FR,
                                                  "text_en": KELATEK_EN,
                                                  "phrasings": "What does Kelatek do?\r\n\r\nwho is kelatek\n"})
        assert done.status_code == 200
        [saved] = services.handover.answers()
        assert f"Saved as staff answer A{saved.id} for {kelatek.key} (2 phrasing(s))" in done.text
        assert saved.texts == {"fr": KELATEK_FR, "en": KELATEK_EN}
        assert saved.phrasings == ("What does Kelatek do?", "who is kelatek")
        assert re.fullmatch(r".+ team, \d{4}-\d{2}-\d{2}", saved.source)
        assert kelatek.key not in groups_in(done.text)
        assert kelatek.key in groups_in(client.get("/inbox?status=resolved").text)
        asked = services.ask("what does kelatek do ?")  # this process, at once
        assert asked.staff is not None and asked.staff.answer.id == saved.id
        assert asked.staff.answer.text_for("en") == ("en", KELATEK_EN)
        assert bot_process.refresh_staff_answers()  # the change counter moved: it reloads
        assert bot_process.ask("Who is Kelatek?").staff.answer.texts["fr"] == KELATEK_FR
    finally:
        bot_process.question_log.close()


def test_a_staff_answer_form_with_no_text_or_no_phrasing_says_so_and_loses_nothing(client: TestClient, settings,
                                                                                    clock, services) -> None:
    csrf = sign_in(client, settings, clock=clock)
    key = services.question_log.review_groups()[0].key
    empty = client.post("/inbox/answer", data={"csrf": csrf, "group": key, "text_fr": "  ", "text_en": "",
                                               "phrasings": "what does kelatek do <i>now</i>"})
    assert empty.status_code == 422
    assert "Write the answer in French or English (at least one of them)." in empty.text
    assert "what does kelatek do &lt;i&gt;now&lt;/i&gt;</textarea>" in empty.text  # what was typed is kept, escaped
    no_phrasing = client.post("/inbox/answer", data={"csrf": csrf, "group": key, "text_en": "Typed <once>.",
                                                     "phrasings": " \n ?! \n"})
    assert no_phrasing.status_code == 422
    assert "Keep at least one phrasing of the question." in no_phrasing.text
    assert ">Typed &lt;once&gt;.</textarea>" in no_phrasing.text
    assert services.handover.answers() == []
    assert key in [g.key for g in services.question_log.review_groups()]


def test_a_second_staff_answer_on_a_handled_group_says_someone_else_handled_it(services, settings, clock) -> None:
    app = build_console(services, clock=clock)
    with TestClient(app) as alice, TestClient(app) as bob:
        alice_csrf = sign_in(alice, settings, STAFF_ID, clock)
        bob_csrf = sign_in(bob, settings, OTHER_STAFF_ID, clock)
        key = services.question_log.review_groups()[0].key
        assert 'id="answer-form"' in bob.get(f"/inbox/{key}").text  # Bob opened the form
        alice.post("/inbox/act", data={"csrf": alice_csrf, "action": "dismiss", "group": key})
        late = bob.post("/inbox/answer", data={"csrf": bob_csrf, "group": key, "text_en": "Too late.",
                                               "phrasings": "what does kelatek do"})
        assert late.status_code == 200
        assert f"Already handled by someone else: {key}." in late.text
    assert services.handover.answers() == []
    assert services.ask("what does kelatek do").staff is None


def test_staff_answers_page_lists_and_deletes(client: TestClient, settings, clock, services) -> None:
    csrf = sign_in(client, settings, clock=clock)
    assert "No staff answers yet." in client.get("/answers").text
    telegram_id = services.handover.save_answer(["où est le stand <b>BIOVALIANCE</b>"], {"fr": "Hall <b>B</b>."})
    key = services.question_log.review_groups()[0].key
    client.post("/inbox/answer", data={"csrf": csrf, "group": key, "text_en": KELATEK_EN, "phrasings": "who is kelatek"})
    console_id = max(a.id for a in services.handover.answers())
    page = client.get("/answers").text
    row = page.split(f'id="answer-A{telegram_id}"')[1].split("</tr>")[0]
    assert "où est le stand &lt;b&gt;BIOVALIANCE&lt;/b&gt;" in row and "Hall &lt;b&gt;B&lt;/b&gt;." in row
    assert re.search(r"team, \d{4}-\d{2}-\d{2}", row) and 'name="csrf"' in row
    assert "who is kelatek" in page and KELATEK_EN.replace("'", "&#39;") in page
    refused = client.post("/answers/delete", data={"answer": f"A{console_id}"}, follow_redirects=False)
    assert refused.status_code == 403
    assert services.ask("who is kelatek").staff is not None
    deleted = client.post("/answers/delete", data={"csrf": csrf, "answer": f"A{console_id}"})
    assert f"Staff answer A{console_id} deleted" in deleted.text
    assert f'id="answer-A{console_id}"' not in deleted.text and f'id="answer-A{telegram_id}"' in deleted.text
    assert [a.id for a in services.handover.answers()] == [telegram_id]
    assert services.ask("who is kelatek").staff is None  # this process stops at once
    again = client.post("/answers/delete", data={"csrf": csrf, "answer": f"A{console_id}"})
    assert f"Staff answer A{console_id} no longer exists" in again.text
    assert "Unknown staff answer: “zz”." in client.post("/answers/delete", data={"csrf": csrf, "answer": "zz"}).text


def test_user_text_is_escaped_everywhere(client: TestClient, settings, clock, services) -> None:
    seed(services, [("<script>alert(1)</script> who founded chematech?", "telegram"),
                    ("=HYPERLINK(\"http://x\") capital of peru ??", "telegram")])
    sign_in(client, settings, clock=clock)
    key = services.question_log.review_groups()[0].key
    for path in ("/inbox", f"/inbox/{key}", "/stats", "/knowledge/try?q=<b>hi</b>"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<b>hi</b>" not in page, path


def test_csv_downloads_neutralise_formulas(client: TestClient, settings, clock, services) -> None:
    seed(services, [("=1+2 where is the money", "telegram"), ("=1+2 where is the money", "telegram"),
                    ("=1+2 where is the money", "telegram"), ("=1+2 where is the money", "telegram")])
    sign_in(client, settings, clock=clock)
    response = client.get("/stats/top-unanswered.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["group", "wording", "count"]
    assert rows[1][1] == "'=1+2 where is the money" and rows[1][2] == "4"
    for name in ("per-day", "top-entries", "feedback", "languages", "channels"):
        assert client.get(f"/stats/{name}.csv").status_code == 200
    assert client.get("/stats/nothing.csv").status_code == 404


def test_statistics_page_has_a_chart_per_table(client: TestClient, settings, clock, services) -> None:
    sign_in(client, settings, clock=clock)
    assert client.get("/stats").text.count("<svg") == 5  # no answer and no feedback yet: said in words
    seed_answered(services)
    page = client.get("/stats?days=30").text
    assert page.count("<svg") == 7
    assert "RD Biotech" in page.split('id="section-top-entries"')[1].split("</section>")[0]
    rows = list(csv.reader(io.StringIO(client.get("/stats/feedback.csv").text)))
    assert ["biofit-medfit", "BioFit – MedFit", "0", "1", "0.0 %"] in rows
    assert "Questions per day" in page and "Top unanswered groups" in page
    assert "Period not understood" in client.get("/stats?from=2025-13-01").text


def test_language_choice_is_remembered(client: TestClient, settings, clock) -> None:
    csrf = sign_in(client, settings, clock=clock)
    response = client.post("/lang", data={"csrf": csrf, "lang": "fr", "back": "/stats"}, follow_redirects=False)
    assert response.headers["location"] == "/stats"
    assert LANG_COOKIE in response.headers["set-cookie"]
    assert "Questions sans réponse" in client.get("/inbox").text
    client.post("/signout", data={"csrf": csrf})
    assert "Connexion par le bot" in client.get("/signin").text  # remembered after signing out
    sign_in(client, settings, clock=clock)
    assert "Questions sans réponse" in client.get("/inbox").text
    assert client.post("/lang", data={"csrf": csrf_of(client.get("/inbox").text), "lang": "en",
                                      "back": "//evil.example"}, follow_redirects=False).headers["location"] == "/inbox"


# --- knowledge base --------------------------------------------------------------------------------

def test_entry_page_shows_the_card_learned_aliases_and_linked_questions(client: TestClient, settings, clock,
                                                                         services) -> None:
    csrf = sign_in(client, settings, clock=clock)
    key = services.question_log.review_groups()[0].key
    client.post("/inbox/act", data={"csrf": csrf, "action": "link", "group": key, "entry": "chematech"})
    page = client.get("/knowledge/entry/chematech").text
    card = services.entry_card("chematech", "en")
    assert card.html.split("\n")[0] in page
    assert "« What does Kelatek do? »" in page and "what does kelatek do" in page
    assert client.get("/knowledge/entry/nope").status_code == 404


def test_try_it_shows_the_engine_reading(client: TestClient, settings, clock) -> None:
    sign_in(client, settings, clock=clock)
    page = client.get("/knowledge/try?q=Where+is+RD+Biotech%3F").text
    assert "answered" in page and "/knowledge/entry/rd-biotech" in page and "&#34;kind&#34;: &#34;location&#34;" in page
    assert "Reading of « where is rd biotech »" in page and "where" in page.split("Reading of")[1]


def break_knowledge(knowledge_dir: Path) -> None:
    path = knowledge_dir / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("end: 2025-12-03", "end: 2025-11-01", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text


def add_entry(knowledge_dir: Path) -> None:
    path = knowledge_dir / "objectives.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """
- id: test-console-objective
  order: 5
  names: [Zorblatt objective]
  text:
    fr: Un objectif ajouté par le test de rechargement.
    en: An objective added by the reload test.
  source: 003_a1ebc541b9714908.txt
""", encoding="utf-8")


def test_reload_keeps_the_old_base_on_errors_then_swaps_everywhere(client: TestClient, settings, clock,
                                                                   services) -> None:
    bot_process = build_services(settings)  # another process on the same database
    try:
        csrf = sign_in(client, settings, clock=clock)
        before = services.knowledge
        original = (settings.knowledge_dir / "events.yaml").read_text(encoding="utf-8")
        break_knowledge(settings.knowledge_dir)
        failed = client.post("/knowledge/reload", data={"csrf": csrf})
        assert failed.status_code == 422
        assert re.search(r"<td>events\.yaml</td><td class=\"num\">\d+</td><td>biofit-medfit</td><td>end</td>", failed.text)
        assert services.knowledge is before
        assert not follow_reloads(bot_process)
        (settings.knowledge_dir / "events.yaml").write_text(original, encoding="utf-8")
        add_entry(settings.knowledge_dir)
        done = client.post("/knowledge/reload", data={"csrf": csrf})
        assert "Knowledge base reloaded" in done.text
        assert "test-console-objective" in services.knowledge.entries
        assert "test-console-objective" not in bot_process.knowledge.entries
        assert follow_reloads(bot_process)  # what the bot's poll job does every few seconds
        assert "test-console-objective" in bot_process.knowledge.entries
        assert bot_process.engine.answer("Zorblatt objective", today=bot_process.today()).entry == "test-console-objective"
        assert not follow_reloads(bot_process)  # once
    finally:
        bot_process.question_log.close()
