"""The question log against real databases: every test runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import csv
import hashlib
import hmac
import datetime as dt
import io
import json
import os
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from bot.config import Settings
from bot.engine.result import Status
from db import database
from db.log import LogUnavailable, QuestionLog, UnknownQuestion, open_question_log, parse_ref
from db.models import AnsweredCount, Base, Feedback, Question
from db.privacy import load_or_create_secret, pseudonymise

pytest_plugins = ["tests.pg_fixture"]

NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)
SECRET = "test-pseudonym-secret"  # as in tests/pg_fixture.py


def rows(log: QuestionLog, model: type) -> list:
    with log._sessions() as session:
        return list(session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


def dump_all_tables(url: str) -> str:
    """Every row of every table, as text."""
    engine = create_engine(database.database_url(url))
    try:
        with engine.connect() as conn:
            out = []
            for table in inspect(conn).get_table_names():
                out += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
            return "\n".join(out)
    finally:
        engine.dispose()


# --- what is logged ------------------------------------------------------------------------------

def test_unanswered_and_clarify_questions_are_logged_in_full(question_log: QuestionLog, make_result) -> None:
    key = question_log.user_key(123456)
    question_log.record(
        make_result("Combien coûte une visite de l'usine ?", Status.UNANSWERED, intent="price",
                    entry="rd-biotech", score=61.5, suggestions=(("rd-biotech", "RD-Biotech"), ("efs", "EFS"))),
        channel="telegram", chat_type="private", user_key=key, now=NOW)
    question_log.record(make_result("Tell me about the thing", Status.CLARIFY, lang="en", intent="definition"),
                        channel="cli", now=NOW + dt.timedelta(minutes=1))

    first, second = rows(question_log, Question)
    assert first.text == "Combien coûte une visite de l'usine ?"
    assert first.normalised == "combien coute une visite de l usine"
    assert (first.lang, first.status, first.intent, first.entry, first.score) == ("fr", "unanswered", "price", "rd-biotech", 61.5)
    assert first.suggestions == [{"entry": "rd-biotech", "label": "RD-Biotech"}, {"entry": "efs", "label": "EFS"}]
    assert (first.channel, first.chat_type, first.user_key, first.state) == ("telegram", "private", key, "open")
    assert first.asked_at == NOW and first.asked_at.tzinfo is not None
    assert len(first.record_id) == 36
    assert (second.status, second.lang, second.channel, second.chat_type, second.user_key) == ("clarify", "en", "cli", None, None)


def test_answered_questions_are_only_counted_per_entry_day_and_language(question_log: QuestionLog,
                                                                       settings: Settings, make_result) -> None:
    for when, entry, lang in [(NOW, "rd-biotech", "fr"), (NOW, "rd-biotech", "fr"), (NOW, "rd-biotech", "en"),
                              (NOW, "efs", "fr"), (NOW + dt.timedelta(days=1), "rd-biotech", "fr")]:
        question_log.record(make_result("Où est RD-Biotech, mon numéro est 0612345678", Status.ANSWERED,
                                        lang=lang, entry=entry, score=95), channel="telegram", now=when)
    question_log.record(make_result("bonjour", Status.SMALLTALK), channel="telegram", now=NOW)
    question_log.flush()  # counted in memory, written every few seconds, at close, and here

    assert rows(question_log, Question) == []
    counts = {(c.day, c.status, c.entry, c.lang): c.count for c in rows(question_log, AnsweredCount)}
    assert counts == {
        (dt.date(2025, 11, 20), "answered", "efs", "fr"): 1,
        (dt.date(2025, 11, 20), "answered", "rd-biotech", "en"): 1,
        (dt.date(2025, 11, 20), "answered", "rd-biotech", "fr"): 2,
        (dt.date(2025, 11, 21), "answered", "rd-biotech", "fr"): 1,
        (dt.date(2025, 11, 20), "smalltalk", "", "fr"): 1,
    }
    assert "0612345678" not in dump_all_tables(settings.effective_database_url)


def test_feedback_is_stored_with_entry_and_user_key(question_log: QuestionLog) -> None:
    key = question_log.user_key(42)
    question_log.feedback(entry="rd-biotech", helpful=True, user_key=key, lang="fr", now=NOW)
    question_log.feedback(entry="efs", helpful=False, user_key=None, lang="en", now=NOW)
    stored = [(f.entry, f.helpful, f.user_key, f.lang, f.given_at) for f in rows(question_log, Feedback)]
    assert stored == [("rd-biotech", True, key, "fr", NOW), ("efs", False, None, "en", NOW)]


def test_no_raw_user_id_is_stored_anywhere(question_log: QuestionLog, settings: Settings, make_result) -> None:
    user_id = 987654321
    key = question_log.user_key(user_id)
    assert key == pseudonymise(user_id, SECRET) and len(key) == 64 and str(user_id) not in key
    question_log.record(make_result("une question sans réponse"), channel="telegram", chat_type="group",
                        user_key=key, now=NOW)
    question_log.record(make_result("ok", Status.ANSWERED, entry="efs"), channel="telegram", user_key=key, now=NOW)
    question_log.feedback(entry="efs", helpful=True, user_key=key, lang="fr", now=NOW)
    dump = dump_all_tables(settings.effective_database_url)
    assert key in dump
    assert str(user_id) not in dump
    assert str(user_id) not in "".join(p.read_text(errors="replace") for p in settings.data_dir.iterdir() if p.is_file())


# --- pseudonyms ------------------------------------------------------------------------------------

def test_pseudonymise_is_an_hmac_and_requires_a_secret() -> None:
    assert pseudonymise(1, "a") == pseudonymise(1, "a")
    assert pseudonymise(1, "a") != pseudonymise(1, "b") != pseudonymise(2, "b")
    assert pseudonymise(1, "a") == hmac.new(b"a", b"1", hashlib.sha256).hexdigest()
    with pytest.raises(ValueError):
        pseudonymise(1, "")


def test_generated_secret_is_persisted_privately_and_stable(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "pseudonym_secret").st_mode) == 0o600
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with open_question_log(settings) as log:
        assert log.user_key(5) == pseudonymise(5, first)


# --- review ------------------------------------------------------------------------------------------

def seed_review(log: QuestionLog, make_result) -> None:
    asks = [
        ("Où se trouve l'usine RD-Biotech ?", "rd-biotech", 0),
        ("ou se trouve l usine rd biotech", "rd-biotech", 1),
        ("Où se trouve l'usine de RD-Biotech ?", "rd-biotech", 2),
        ("Quel est le salaire d'un technicien ?", None, 3),
        ("quel est le salaire d un technicien", None, 30),
        ("Is there a bus to Besançon?", None, 5),
    ]
    for question, entry, minutes in asks:
        log.record(make_result(question, entry=entry, score=70 if entry else 0,
                               suggestions=(("efs", "EFS"),) if entry else ()),
                   channel="telegram", user_key=log.user_key(7), now=NOW + dt.timedelta(minutes=minutes))


def test_groups_are_similar_questions_most_frequent_first(question_log: QuestionLog, make_result) -> None:
    seed_review(question_log, make_result)
    groups = question_log.groups()
    assert [(g.key, g.count, g.question_ids) for g in groups] == [("g1", 3, (1, 2, 3)), ("g4", 2, (4, 5)), ("g6", 1, (6,))]
    usine, salaire, bus = groups
    assert usine.candidates == ("rd-biotech", "efs")
    assert usine.samples[0] in {"Où se trouve l'usine RD-Biotech ?", "ou se trouve l usine rd biotech"}
    assert usine.first_asked == NOW and usine.last_asked == NOW + dt.timedelta(minutes=2)
    assert salaire.last_asked == NOW + dt.timedelta(minutes=30)
    assert bus.langs == ("fr",) and bus.samples == ("Is there a bus to Besançon?",)
    assert question_log.groups(limit=1) == [usine]
    assert question_log.groups(status="resolved") == []
    assert question_log.group("g2") == usine
    assert question_log.group("2").question_ids == (2,)
    assert usine.to_json()["first_asked"] == "2025-11-20T10:30:00Z"


def test_link_resolves_the_group_and_learns_each_phrasing(question_log: QuestionLog, make_result) -> None:
    seed_review(question_log, make_result)
    assert question_log.link("g2", "rd-biotech", now=NOW) == 3
    assert [g.key for g in question_log.groups()] == ["g4", "g6"]
    resolved = question_log.groups(status="resolved")
    assert [(g.key, g.count) for g in resolved] == [("g1", 3)]
    assert {q.linked_entry for q in rows(question_log, Question) if q.state == "resolved"} == {"rd-biotech"}
    aliases = question_log.learned_aliases()
    assert sorted(entry for _p, entry in aliases) == ["rd-biotech"] * 2  # two distinct normalised phrasings
    # One per distinct normalised text, in its most frequent wording, the earliest on a tie.
    assert {phrase for phrase, _e in aliases} == {"Où se trouve l'usine RD-Biotech ?", "Où se trouve l'usine de RD-Biotech ?"}
    # Linking again elsewhere moves the alias instead of duplicating it.
    question_log.link(2, "efs")
    assert ("ou se trouve l usine rd biotech", "efs") in question_log.learned_aliases()
    assert len(question_log.learned_aliases()) == 2
    assert question_log.aliases_by_entry() == {"rd-biotech": ["Où se trouve l'usine de RD-Biotech ?"],
                                               "efs": ["ou se trouve l usine rd biotech"]}


def test_dismissed_questions_never_come_back_to_review(question_log: QuestionLog, make_result) -> None:
    seed_review(question_log, make_result)
    assert question_log.dismiss("g4") == 2
    assert [g.key for g in question_log.groups()] == ["g1", "g6"]
    # The same question, and a close variant, arrive later: logged, but straight to 'dismissed'.
    question_log.record(make_result("Quel est le salaire d'un technicien ?"), channel="telegram", now=NOW)
    question_log.record(make_result("quel est le salaire d'un technicien svp"), channel="cli", now=NOW)
    question_log.record(make_result("Quels sont les horaires du salon ?"), channel="cli", now=NOW)
    assert [(g.key, g.count) for g in question_log.groups()] == [("g1", 3), ("g6", 1), ("g9", 1)]
    assert [(g.key, g.count) for g in question_log.groups(status="dismissed")] == [("g4", 4)]
    # Linking a dismissed group later takes its phrasings off the dismissed list.
    question_log.link("g4", "efs")
    question_log.record(make_result("Quel est le salaire d'un technicien ?"), channel="cli", now=NOW)
    assert [g.count for g in question_log.groups() if "Quel est le salaire d'un technicien ?" in g.samples] == [1]


def test_resolve_marks_handled_without_learning(question_log: QuestionLog, make_result) -> None:
    seed_review(question_log, make_result)
    assert question_log.resolve("g6") == 1
    assert question_log.resolve("1") == 1
    assert [(g.key, g.count) for g in question_log.groups()] == [("g4", 2), ("g2", 2)]  # tie: latest first
    assert sorted(g.key for g in question_log.groups(status="resolved")) == ["g1", "g6"]
    assert question_log.learned_aliases() == []


@pytest.mark.parametrize("ref", ["g999", "999", "x12", "", "g"])
def test_unknown_group_or_question(question_log: QuestionLog, make_result, ref: str) -> None:
    seed_review(question_log, make_result)
    with pytest.raises(UnknownQuestion):
        question_log.link(ref, "efs")


@pytest.mark.parametrize(("ref", "expected"), [("g12", (True, 12)), ("G12", (True, 12)), ("12", (False, 12)),
                                               (12, (False, 12)), (" g7 ", (True, 7))])
def test_parse_ref(ref: str | int, expected: tuple[bool, int]) -> None:
    assert parse_ref(ref) == expected


# --- statistics, export, retention -----------------------------------------------------------------

def test_stats(question_log: QuestionLog, make_result) -> None:
    day1, day2 = NOW - dt.timedelta(days=1), NOW
    for when, status, entry in [(day1, Status.ANSWERED, "efs"), (day2, Status.ANSWERED, "efs"),
                                (day2, Status.ANSWERED, "rd-biotech"), (day2, Status.SMALLTALK, None)]:
        question_log.record(make_result("x", status, entry=entry), channel="telegram", now=when)
    question_log.record(make_result("Où est le parking ?"), channel="telegram", now=day2)
    question_log.record(make_result("où est le parking"), channel="telegram", now=day2)
    question_log.record(make_result("Hein ?", Status.CLARIFY), channel="telegram", now=day1)
    question_log.record(make_result("Trop vieux"), channel="telegram", now=NOW - dt.timedelta(days=30))
    question_log.feedback(entry="efs", helpful=True, user_key=None, lang="fr", now=day2)
    question_log.feedback(entry="efs", helpful=True, user_key=None, lang="fr", now=day2)
    question_log.feedback(entry="efs", helpful=False, user_key=None, lang="fr", now=day1)

    stats = question_log.stats(NOW.date(), days=3)
    assert [(d.day.day, d.questions, d.answered, d.unanswered, d.clarify, d.smalltalk) for d in stats.days] == [
        (18, 0, 0, 0, 0, 0), (19, 2, 1, 0, 1, 0), (20, 4, 2, 2, 0, 1)]
    assert stats.questions == 6 and stats.answered_rate == pytest.approx(0.5)
    assert stats.top_unanswered == (("Où est le parking ?", 2), ("Hein ?", 1))
    assert stats.top_answered == (("efs", 2), ("rd-biotech", 1))
    assert (stats.helpful, stats.not_helpful, stats.feedback_ratio) == (2, 1, pytest.approx(2 / 3))
    assert stats.open_questions == 4
    data = json.loads(json.dumps(stats.to_json()))
    assert data["answered_rate"] == 0.5 and data["feedback"] == {"helpful": 2, "not_helpful": 1, "ratio": 0.6667}
    assert data["per_day"][2] == {"day": "2025-11-20", "questions": 4, "answered": 2, "unanswered": 2,
                                  "clarify": 0, "smalltalk": 1}
    empty = question_log.stats(dt.date(2020, 1, 1), days=1)
    assert empty.answered_rate is None and empty.feedback_ratio is None


def test_csv_export_has_every_question_and_no_user_key(question_log: QuestionLog, make_result) -> None:
    seed_review(question_log, make_result)
    question_log.dismiss("g6")
    out = io.StringIO()
    assert question_log.export_csv(out) == 6
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(table) == 6
    assert table[0]["text"] == "Où se trouve l'usine RD-Biotech ?" and table[0]["asked_at"] == "2025-11-20T10:30:00Z"
    assert json.loads(table[0]["suggestions"]) == [{"entry": "efs", "label": "EFS"}]
    assert table[5]["state"] == "dismissed" and table[5]["reviewed_at"].endswith("Z")
    assert question_log.user_key(7) not in out.getvalue()


def test_purge_deletes_what_is_older_than_the_retention(question_log: QuestionLog, make_result) -> None:
    for days_ago in (200, 31, 29, 0):
        question_log.record(make_result(f"question {days_ago}"), channel="cli", now=NOW - dt.timedelta(days=days_ago))
        question_log.feedback(entry="efs", helpful=True, user_key=None, lang="fr", now=NOW - dt.timedelta(days=days_ago))
    question_log.record(make_result("x", Status.ANSWERED, entry="efs"), channel="cli", now=NOW - dt.timedelta(days=200))
    question_log.flush()
    assert question_log.purge(30, now=NOW) == 4
    assert [q.text for q in rows(question_log, Question)] == ["question 29", "question 0"]
    assert len(rows(question_log, Feedback)) == 2
    assert len(rows(question_log, AnsweredCount)) == 1  # counts hold no personal data and stay
    assert question_log.purge(30, now=NOW) == 0


def test_forget_erases_one_user_only(question_log: QuestionLog, make_result) -> None:
    alice, bob = question_log.user_key(1), question_log.user_key(2)
    for key in (alice, bob, alice):
        question_log.record(make_result("une question"), channel="telegram", user_key=key, now=NOW)
        question_log.feedback(entry="efs", helpful=False, user_key=key, lang="fr", now=NOW)
    assert question_log.forget(alice) == 4
    assert {q.user_key for q in rows(question_log, Question)} == {bob}
    assert {f.user_key for f in rows(question_log, Feedback)} == {bob}
    assert question_log.forget(alice) == 0


# --- schema ------------------------------------------------------------------------------------------

def test_migrations_build_the_models_schema_from_empty(database_url: str) -> None:
    engine = database.make_engine(database_url)
    try:
        assert database.current_revision(engine) is None
        head = database.head_revision()
        assert database.upgrade(engine) == head and head.isdigit()
        assert database.upgrade(engine) == head  # idempotent
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
    finally:
        engine.dispose()


def test_open_creates_the_sqlite_file_in_the_data_dir_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new" / "data", pseudonym_secret=SECRET)
    with open_question_log(settings) as log:
        assert log.upgrade() == database.head_revision()
        with log._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "new" / "data" / "biovaliance.sqlite3").is_file()


def test_staff_operations_report_an_unreachable_database(tmp_path: Path, make_result) -> None:
    from pg_server import free_port

    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    with open_question_log(Settings(data_dir=tmp_path, database_url=url, pseudonym_secret=SECRET)) as log:
        with pytest.raises(LogUnavailable, match="cannot reach the database"):
            log.groups()
        assert log.learned_aliases() == []  # the bot still starts
        log.record(make_result("pendant la panne"), channel="cli", now=NOW)  # spooled, no error
        assert len(log.spool_path.read_text().splitlines()) == 1
