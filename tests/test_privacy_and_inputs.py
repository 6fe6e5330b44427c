"""Privacy (masking, complete forgetting, file modes, CSV) and inputs that must never crash
(settings, ids, newlines), on real SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.cli import main
from bot.config import Settings
from bot.engine.result import Status
from bot.services import build_services
from db.log import QuestionLog, UnknownQuestion, open_question_log, parse_ref
from db.masking import EMAIL, PHONE, mask_contacts
from db.models import DismissedPhrase, Feedback, LearnedAlias, Question
from db.spool import Spool

pytest_plugins = ["tests.pg_fixture"]

NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)
SECRET = "test-pseudonym-secret"


# --- masking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "masked"), [
    ("mon numéro est 0612345678", f"mon numéro est {PHONE}"),
    ("appelez-moi au 06 12 34 56 78 svp", f"appelez-moi au {PHONE} svp"),
    ("tel 03.80.12.34.56 ou 07-12-34-56-78", f"tel {PHONE} ou {PHONE}"),
    ("+33 6 12 34 56 78", PHONE),
    ("+33 (0)3 80 12 34 56 demandez Marie", f"{PHONE} demandez Marie"),
    ("0033 6 12 34 56 78", PHONE),
    ("call me on +44 20 7946 0958", f"call me on {PHONE}"),
    ("my number is (415) 555-2671, thanks", f"my number is {PHONE}, thanks"),
    ("ring 020 7946 0958", f"ring {PHONE}"),
    ("écrivez à jean.dupont@example.fr !", f"écrivez à {EMAIL} !"),
    ("mail me at J.Smith+bio@mail.example.co.uk", f"mail me at {EMAIL}"),
    ("Quand est BioFit le 2025-12-02 ?", "Quand est BioFit le 2025-12-02 ?"),
    ("2500 emplois en 2030 ?", "2500 emplois en 2030 ?"),
    ("plus de 10 000 000 d'euros", "plus de 10 000 000 d'euros"),
    ("le 02.12.2025 à Dijon, code 21000", "le 02.12.2025 à Dijon, code 21000"),
    ("@jean_dupont est-il là ?", "@jean_dupont est-il là ?"),
])
def test_phone_numbers_and_emails_are_masked_in_both_languages(typed: str, masked: str) -> None:
    assert mask_contacts(typed) == masked


def test_masked_before_storage_text_and_normalised(question_log: QuestionLog, make_result, database_url: str) -> None:
    question_log.record(make_result("Rappelez-moi au 06 12 34 56 78 ou à eve@example.org"), channel="cli", now=NOW)
    with question_log._sessions() as session:
        [row] = session.scalars(select(Question)).all()
    assert row.text == f"Rappelez-moi au {PHONE} ou à {EMAIL}"
    assert "12 34" not in row.normalised and "example" not in row.normalised and "phone" in row.normalised


# --- forgetting ------------------------------------------------------------------------------------

def _texts(log: QuestionLog, model: type, column: str) -> list[str]:
    with log._sessions() as session:
        return sorted(session.scalars(select(getattr(model, column))))


def test_forget_erases_every_trace(question_log: QuestionLog, make_result, settings: Settings) -> None:
    log = question_log
    eve, bob = log.user_key(1001), log.user_key(1002)

    def ask(text: str, key: str, minutes: int = 0) -> None:
        log.record(make_result(text, entry="chematech"), channel="telegram", user_key=key,
                   now=NOW + dt.timedelta(minutes=minutes))

    ask("Combien coûte la visite chez Chematech ?", eve)  # only Eve: its alias goes with her
    ask("Qui a fondé Chematech ?", eve)  # Bob asked it too: the alias stays, in his wording
    ask("Qui a fondé Chematech ?", bob)
    ask("Chematech recrute-t-il des stagiaires ?", eve)  # staff rewrote this alias: it stays
    ask("Quel temps fait-il à Dijon ?", eve)  # dismissed: the phrasing goes with her
    log.feedback(entry="chematech", helpful=True, user_key=eve, lang="fr", now=NOW)
    for question in ("Combien coûte la visite chez Chematech ?", "Qui a fondé Chematech ?",
                     "Chematech recrute-t-il des stagiaires ?"):
        [group] = [g for g in log.groups() if question in g.samples]
        log.link(group.key, "chematech", now=NOW)
    [weather] = [g for g in log.groups() if "Quel temps fait-il à Dijon ?" in g.samples]
    log.dismiss(weather.key, now=NOW)
    with log._sessions.begin() as session:
        session.execute(update(LearnedAlias).where(LearnedAlias.phrase == "Chematech recrute-t-il des stagiaires ?")
                        .values(phrase="Chematech recrute des stagiaires"))
    # A record of Eve's made before her /forget, still waiting in another process's spool ...
    other_spool = Spool(settings.data_dir.parent / "other" / "spool.jsonl")
    other_spool.append({"kind": "question", "record_id": "c0ffee00-0000-4000-8000-000000000001",
                        "asked_at": (NOW + dt.timedelta(minutes=5)).isoformat(), "text": "Eve, en attente ailleurs",
                        "normalised": "eve en attente ailleurs", "lang": "fr", "status": "unanswered",
                        "channel": "telegram", "user_key": eve})
    # ... and one set aside in this one.
    log._spool._reject([("test", json.dumps({"user_key": eve, "text": "Eve, mise de côté"}).encode())])

    assert log.forget(eve, now=NOW + dt.timedelta(hours=1)) == 4 + 1  # her questions and feedback

    assert _texts(log, Question, "text") == ["Qui a fondé Chematech ?"]  # Bob's
    assert _texts(log, Feedback, "entry") == []
    assert _texts(log, LearnedAlias, "phrase") == ["Chematech recrute des stagiaires", "Qui a fondé Chematech ?"]
    assert _texts(log, DismissedPhrase, "normalised") == []
    assert "Eve" not in log._spool.rejected_path.read_text()
    # The other process replays its spool later: Eve's record does not come back; a new one does.
    other = QuestionLog(log._engine, spool_path=other_spool.path, secret=SECRET)
    other._spool.append({"kind": "question", "record_id": "c0ffee00-0000-4000-8000-000000000002",
                         "asked_at": (NOW + dt.timedelta(hours=2)).isoformat(), "text": "Eve, plus tard",
                         "normalised": "eve plus tard", "lang": "fr", "status": "unanswered",
                         "channel": "telegram", "user_key": eve})
    assert other.flush_spool() == 2
    other.close()
    assert _texts(log, Question, "text") == ["Eve, plus tard", "Qui a fondé Chematech ?"]


def test_forgotten_text_leaves_the_sqlite_files(tmp_path: Path, make_result) -> None:
    """secure_delete overwrites the freed pages and the WAL is checkpointed: the bytes are gone."""
    settings = Settings(data_dir=tmp_path / "data", pseudonym_secret=SECRET)
    marker = "Zébulon-Quintessence-7781"
    files = [settings.data_dir / f"biovaliance.sqlite3{suffix}" for suffix in ("", "-wal")]
    with open_question_log(settings) as log:
        for i in range(20):
            log.record(make_result(f"{marker} question {i}"), channel="telegram", user_key=log.user_key(9), now=NOW)
        log.record(make_result("une autre personne"), channel="telegram", user_key=log.user_key(8), now=NOW)
        assert any(marker.encode() in f.read_bytes() for f in files if f.exists())  # the test can fail
        log.forget(log.user_key(9))
        assert not any(marker.encode() in f.read_bytes() for f in files if f.exists())
        log.purge(0, now=NOW + dt.timedelta(days=1))
        assert not any(b"une autre personne" in f.read_bytes() for f in files if f.exists())


def test_forget_unteaches_the_running_engine(tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", pseudonym_secret=SECRET))
    try:
        log = services.question_log
        question = "Le bâtiment violet au bord du canal, c'est qui ?"
        first = services.engine.answer(question, today=NOW.date())
        assert first.status != Status.ANSWERED
        log.record(first, channel="telegram", user_key=log.user_key(5), now=NOW)
        [group] = log.groups()
        log.link(group.key, "chematech", now=NOW)
        services.sync_aliases(log.current_aliases())
        assert services.engine.answer(question, today=NOW.date()).entry == "chematech"
        assert services.forget(log.user_key(5)) == 1
        assert services.engine.answer(question, today=NOW.date()).status != Status.ANSWERED
    finally:
        services.question_log.close()


# --- files, CSV ------------------------------------------------------------------------------------

def test_data_dir_and_files_are_made_private_even_when_they_exist(tmp_path: Path, make_result) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    settings = Settings(data_dir=data)
    with open_question_log(settings) as log:
        log.record(make_result("première"), channel="cli", now=NOW)
    for path in data.iterdir():
        path.chmod(0o644)
    data.chmod(0o755)
    with open_question_log(settings):
        pass
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir() if p.is_file()}
    assert "biovaliance.sqlite3" in modes and "pseudonym_secret" in modes
    assert set(modes.values()) == {0o600}, modes


def test_csv_cells_cannot_run_as_formulas(question_log: QuestionLog, make_result) -> None:
    dangerous = ["=HYPERLINK(\"http://evil\",\"x\")", "+33 c'est quoi", "-2+3", "@SUM(A1)", "\tcaché", "normal"]
    for text in dangerous:
        question_log.record(make_result(text), channel="cli", now=NOW)
    out = io.StringIO()
    question_log.export_csv(out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in rows] == ["'" + t for t in dangerous[:-1]] + ["normal"]
    assert all(r[c][:1] not in ("=", "+", "-", "@", "\t", "\r") for r in rows for c in r)


# --- inputs that must not crash ------------------------------------------------------------------------

def run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib
    with contextlib.redirect_stderr(err):
        code = main(argv, env=env, stdin=io.StringIO(""), stdout=out)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("LOG_RETENTION_DAYS", "-1", "LOG_RETENTION_DAYS must be a whole number from 1 to 3650"),
    ("LOG_RETENTION_DAYS", "١٢", "LOG_RETENTION_DAYS must be a whole number from 1 to 3650"),
    ("PORT", "99999", "PORT must be a whole number from 1 to 65535"),
    ("PSEUDONYM_SECRET", "short", "PSEUDONYM_SECRET must be at least 16 characters"),
    ("STAFF_USER_IDS", "12,99999999999999999999999", "STAFF_USER_IDS must be Telegram user ids"),
    ("STAFF_USER_IDS", "12,٣٤", "STAFF_USER_IDS must be Telegram user ids"),
    ("TELEGRAM_API_URL", "ftp://127.0.0.1", "TELEGRAM_API_URL must be a http or https URL"),
    ("WEBHOOK_URL", "http://bot.example.org/hook", "WEBHOOK_URL must be a https URL"),
    ("WEBHOOK_SECRET", "with spaces", "WEBHOOK_SECRET must be 1-256 characters"),
    ("DATABASE_URL", "not a url", "DATABASE_URL is not a valid database URL"),
    ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL must be a sqlite:/// or postgresql:// URL"),
    ("DB_WRITE_TIMEOUT", "0", "DB_WRITE_TIMEOUT must be a number of seconds from 0.1 to 60"),
    ("TELEGRAM_BOT_TOKEN", "not a token", "TELEGRAM_BOT_TOKEN does not look like a token"),
    ("DEFAULT_LANG", "de", "DEFAULT_LANG must be fr or en"),
])
def test_every_setting_is_checked_at_start_with_one_line(tmp_path: Path, name: str, value: str, message: str) -> None:
    code, _out, err = run(["ask", "bonjour"], {"DATA_DIR": str(tmp_path), name: value})
    assert code == 2
    assert err.startswith(f"configuration error: {message}") and err.count("\n") == 1, err
    if name in ("PSEUDONYM_SECRET", "TELEGRAM_BOT_TOKEN", "DATABASE_URL"):
        assert value not in err  # secrets and URLs (which may hold a password) are never echoed


@pytest.mark.parametrize("ref", ["99999999999999999999", "2147483648", "g9223372036854775808", "١٢", "g٣", "0", "-1",
                                 "12\n", "g12 x"])
def test_ids_are_ascii_digits_in_range(ref: str, settings: Settings, question_log: QuestionLog) -> None:
    with pytest.raises(UnknownQuestion):
        question_log.link(ref, "chematech")
    env = {"DATA_DIR": str(settings.data_dir), "PSEUDONYM_SECRET": SECRET, "DATABASE_URL": settings.database_url or ""}
    code, _out, err = run(["review", "link", ref, "chematech"], env)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err


def test_parse_ref() -> None:
    assert parse_ref("g12") == (True, 12) and parse_ref(" 7 ") == (False, 7) and parse_ref(3) == (False, 3)
    with pytest.raises(UnknownQuestion):
        parse_ref(2**31)


def test_a_newline_in_a_question_never_breaks_review_list(settings: Settings, question_log: QuestionLog,
                                                          make_result) -> None:
    question_log.record(make_result("première ligne\nseconde ligne\r\n\u2028troisième"), channel="cli", now=NOW)
    question_log.record(make_result("une autre question"), channel="cli", now=NOW)
    env = {"DATA_DIR": str(settings.data_dir), "PSEUDONYM_SECRET": SECRET, "DATABASE_URL": settings.database_url or ""}
    code, out, err = run(["review", "list"], env)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.startswith(("g", "        « ")) for line in lines), lines
    assert "        « première ligne seconde ligne troisième »" in lines


def test_forget_reaches_conversations_language_and_staff_answer_phrasings(question_log: QuestionLog,
                                                                        make_result) -> None:
    from bot.conversations import conversation_key
    from db.models import ConversationState, LanguageChoice, StaffAnswer, StaffAnswerPhrasing

    log = question_log
    eve, bob = log.user_key(2001), log.user_key(2002)
    log.record(make_result("Quel est le tarif du salon ?"), channel="telegram", user_key=eve, now=NOW)
    log.record(make_result("Où se garer au salon ?"), channel="telegram", user_key=eve, now=NOW)
    log.record(make_result("Où se garer au salon ?"), channel="telegram", user_key=bob, now=NOW)
    with log._sessions.begin() as session:
        answer = StaffAnswer(text_fr="Voir le site du salon.", source="équipe", created_at=NOW)
        session.add(answer)
        session.flush()
        session.add_all([
            StaffAnswerPhrasing(answer_id=answer.id, phrase="Quel est le tarif du salon ?",
                                normalised="quel est le tarif du salon"),
            StaffAnswerPhrasing(answer_id=answer.id, phrase="Où se garer au salon ?", normalised="ou se garer au salon"),
            StaffAnswerPhrasing(answer_id=answer.id, phrase="Tarifs du salon", normalised="tarifs du salon"),
            ConversationState(key=conversation_key(eve, "chat1"), focus={}, lang="fr", updated_at=NOW),
            ConversationState(key=conversation_key(bob, "chat1"), focus={}, lang="fr", updated_at=NOW),
            LanguageChoice(user_key=eve, lang="en"),
        ])
    log.forget(eve, now=NOW + dt.timedelta(hours=1))
    with log._sessions() as session:
        phrasings = sorted(session.scalars(select(StaffAnswerPhrasing.phrase)))
        states = list(session.scalars(select(ConversationState.key)))
        choices = list(session.scalars(select(LanguageChoice.user_key)))
    assert phrasings == ["Où se garer au salon ?", "Tarifs du salon"]  # Bob asked it too; staff wrote the other
    assert states == [conversation_key(bob, "chat1")] and choices == []
