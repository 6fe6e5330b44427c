"""Staff commands on real databases, through argparse exactly as `biovaliance-bot` parses them."""
from __future__ import annotations

import argparse
import csv
import io
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from bot import cli_staff
from bot.config import Settings
from bot.engine.result import Status
from bot.vocabulary import KnowledgeVocabulary
from bot.knowledge import Bilingual, KnowledgeBase, Speciality
from bot.services import Services, build_services
from db import database
from db.log import QuestionLog, open_question_log

pytest_plugins = ["tests.pg_fixture"]

TODAY = dt.date(2025, 11, 20)
NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)
SOURCE = "000_fd69bd891b5cd6da.txt"


def entry(entry_id: str, *names: str) -> Speciality:
    return Speciality(id=entry_id, names=names, text=Bilingual(fr="texte", en="text"), source=(SOURCE,))


KNOWLEDGE = KnowledgeBase({e.id: e for e in (
    entry("cell-therapy", "thérapie cellulaire", "cell therapy"),
    entry("gene-therapy", "thérapie génique", "gene therapy"),
)}, sources={}, vocabulary=KnowledgeVocabulary.model_validate({"assistant": {
    "name": "Test", "scope": {"fr": "les tests", "en": "tests"}, "topics": {"fr": "tout", "en": "everything"},
    "examples": {}}}))


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="biovaliance-bot")
    cli_staff.register(main.add_subparsers(dest="command"))
    return main


def run(services: Services, *argv: str) -> int:
    args = parser().parse_args(list(argv))
    return args.func(args, services)


@pytest.fixture
def services(settings: Settings, question_log: QuestionLog) -> Services:
    return Services(settings=settings, knowledge=KNOWLEDGE, engine=None, question_log=question_log,
                    today=lambda: TODAY)


@pytest.fixture
def seeded(services: Services, make_result) -> Services:
    log = services.question_log
    for minutes, text, status in [
        (0, "Qu'est-ce que la thérapie génique ?", Status.CLARIFY),
        (1, "qu est ce que la therapie genique", Status.CLARIFY),
        (2, "Où manger à Besançon ?", Status.UNANSWERED),
    ]:
        log.record(make_result(text, status, entry="gene-therapy" if minutes < 2 else None, score=72.0,
                               suggestions=(("gene-therapy", "Thérapie génique"), ("cell-therapy", "Thérapie cellulaire"))),
                   channel="telegram", chat_type="private", user_key=log.user_key(11), now=NOW + dt.timedelta(minutes=minutes))
    log.record(make_result("ok", Status.ANSWERED, entry="cell-therapy"), channel="cli", now=NOW)
    log.feedback(entry="cell-therapy", helpful=True, user_key=None, lang="fr", now=NOW)
    return services


def test_review_list_groups_most_frequent_first(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "review", "list") == 0
    out = capsys.readouterr().out
    assert re.search(r"^g1 +2x  last 2025-11-20 10:31 UTC  \[fr\]  candidates: gene-therapy, cell-therapy$", out, re.M)
    assert "« Qu'est-ce que la thérapie génique ? »" in out
    assert out.index("g1 ") < out.index("g3 ")


def test_review_list_json_format(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "review", "list", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "open"
    assert data["groups"][0] == {
        "id": "g1", "state": "open", "count": 2,
        "first_asked": "2025-11-20T10:30:00Z", "last_asked": "2025-11-20T10:31:00Z",
        "samples": ["Qu'est-ce que la thérapie génique ?", "qu est ce que la therapie genique"],
        "candidates": ["gene-therapy", "cell-therapy"], "langs": ["fr"], "question_ids": [1, 2],
    }
    assert [g["id"] for g in data["groups"]] == ["g1", "g3"]
    assert run(seeded, "review", "list", "--status", "dismissed", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"status": "dismissed", "groups": []}


def test_review_link_then_aliases_export(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "review", "link", "g1", "gene-therapy") == 0
    assert "linked 2 question(s) to gene-therapy" in capsys.readouterr().out
    assert run(seeded, "review", "list", "--json") == 0
    assert [g["id"] for g in json.loads(capsys.readouterr().out)["groups"]] == ["g3"]
    assert run(seeded, "aliases", "export") == 0
    out = capsys.readouterr().out
    assert "thérapie génique" in out  # unicode kept, not escaped
    exported = yaml.safe_load(out)
    # One phrasing per distinct normalised text, in its most frequent (then earliest) wording.
    assert exported == [{"id": "gene-therapy", "aliases": ["Qu'est-ce que la thérapie génique ?"]}]


def test_aliases_export_skips_names_the_entry_already_has(seeded: Services, make_result,
                                                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = seeded.question_log
    log.record(make_result("Thérapie cellulaire"), channel="cli", now=NOW)
    log.record(make_result("c'est quoi la thérapie cellulaire"), channel="cli", now=NOW)
    assert run(seeded, "review", "link", "4", "cell-therapy") == 0
    assert run(seeded, "review", "link", "5", "cell-therapy") == 0
    capsys.readouterr()
    target = tmp_path / "aliases.yaml"
    assert run(seeded, "aliases", "export", "--output", str(target)) == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == [
        {"id": "cell-therapy", "aliases": ["c'est quoi la thérapie cellulaire"]}]


def test_review_link_rejects_an_unknown_entry(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "review", "link", "g1", "gene-therapie") == 2
    err = capsys.readouterr().err
    assert err == "error: unknown entry 'gene-therapie'; did you mean 'gene-therapy'?\n"
    assert len(seeded.question_log.groups()) == 2  # nothing changed


@pytest.mark.parametrize("ref", ["g99", "99", "bogus"])
def test_unknown_group_is_a_clear_error(seeded: Services, capsys: pytest.CaptureFixture[str], ref: str) -> None:
    assert run(seeded, "review", "dismiss", ref) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "review list" in err and "Traceback" not in err


def test_review_dismiss_and_resolve(seeded: Services, make_result, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "review", "dismiss", "g3") == 0
    assert run(seeded, "review", "resolve", "g2") == 0
    assert "marked 2 question(s) resolved" in capsys.readouterr().out
    seeded.question_log.record(make_result("Où manger à Besançon ?"), channel="cli", now=NOW)
    assert run(seeded, "review", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out)["groups"] == []
    assert run(seeded, "review", "list", "--status", "dismissed", "--json") == 0
    assert json.loads(capsys.readouterr().out)["groups"][0]["count"] == 2


def test_review_export_csv(seeded: Services, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "log.csv"
    assert run(seeded, "review", "export", "--csv", str(target)) == 0
    assert f"exported 3 question(s) to {target}" in capsys.readouterr().out
    with target.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["text"] for r in table] == ["Qu'est-ce que la thérapie génique ?", "qu est ce que la therapie genique",
                                          "Où manger à Besançon ?"]
    assert "user_key" not in table[0]
    assert run(seeded, "review", "export", "--csv", "-") == 0
    assert capsys.readouterr().out.startswith("id,asked_at,text,")
    assert run(seeded, "review", "export", "--csv", str(tmp_path / "missing" / "x.csv")) == 1
    assert "No such file or directory" in capsys.readouterr().err


def test_stats(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(seeded, "stats") == 0
    out = capsys.readouterr().out
    assert "2025-11-14 to 2025-11-20 (UTC): 4 question(s), answered 25.0 %" in out
    assert "feedback: 1 helpful, 0 not helpful (100.0 % helpful)" in out
    assert run(seeded, "stats", "--json", "--days", "2") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"first_day", "last_day", "questions", "answered_rate", "per_day", "top_unanswered",
                         "top_answered", "feedback", "open_questions"}
    assert data["first_day"] == "2025-11-19" and data["questions"] == 4 and data["answered_rate"] == 0.25
    assert data["per_day"][-1] == {"day": "2025-11-20", "questions": 4, "answered": 1, "unanswered": 1,
                                   "clarify": 2, "smalltalk": 0}
    assert data["top_answered"] == [{"entry": "cell-therapy", "count": 1}]
    assert data["feedback"] == {"helpful": 1, "not_helpful": 0, "ratio": 1.0}
    assert data["open_questions"] == 3


def test_purge_uses_the_retention_setting(services: Services, make_result, capsys: pytest.CaptureFixture[str]) -> None:
    log = services.question_log
    log.record(make_result("très ancienne"), channel="cli", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=31))
    log.record(make_result("récente"), channel="cli")
    assert services.settings.log_retention_days == 30
    assert run(services, "purge") == 0
    assert "purged 1 record(s) older than 30 days" in capsys.readouterr().out
    assert [g.samples for g in log.groups()] == [("récente",)]


def test_db_upgrade(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(services, "db", "upgrade") == 0
    assert capsys.readouterr().out == f"database schema at revision {database.head_revision()} (latest)\n"


def test_unreachable_database_is_one_line_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pg_server import free_port

    settings = Settings(data_dir=tmp_path, pseudonym_secret="s",
                        database_url=f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")
    with open_question_log(settings) as log:
        services = Services(settings=settings, knowledge=KNOWLEDGE, engine=None, question_log=log, today=lambda: TODAY)
        for argv in (["review", "list"], ["stats", "--json"], ["db", "upgrade"], ["purge"], ["aliases", "export"]):
            assert run(services, *argv) == 1
            err = capsys.readouterr().err
            assert err.startswith("error: cannot reach the database") and err.count("\n") == 1, err


def test_commands_need_the_log(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    services = Services(settings=settings, knowledge=KNOWLEDGE, engine=None, question_log=None)
    assert run(services, "review", "list") == 2
    assert "turned off" in capsys.readouterr().err


def test_output_goes_to_the_streams_the_caller_gives(seeded: Services, capsys: pytest.CaptureFixture[str]) -> None:
    """bot.cli.main sets args.stdout / args.stderr for in-process use."""
    out, err = io.StringIO(), io.StringIO()
    for argv, code in ((["stats", "--json"], 0), (["review", "list"], 0), (["review", "link", "g1", "nope"], 2)):
        args = parser().parse_args(argv)
        args.stdout, args.stderr = out, err
        assert args.func(args, seeded) == code
    assert capsys.readouterr() == ("", "")
    assert '"answered_rate": 0.25' in out.getvalue() and "g1 " in out.getvalue()
    assert err.getvalue() == "error: unknown entry 'nope'\n"


# --- staff answers ------------------------------------------------------------------------------

def test_answers_list_export_delete(services: Services, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from bot.staff_answers import TeamAnswer
    from db.handover import HandoverStore

    services.handover = store = HandoverStore(services.question_log, team="BIOVALIANCE")
    assert run(services, "answers", "list") == 0
    assert capsys.readouterr().out == "no staff answers\n"
    first = store.save_answer(["Où est votre stand ?", "ou est le stand"], {"fr": "Stand B12, hall 3."}, now=NOW)
    second = store.save_answer(["Is there a cloakroom?"], {"en": "Yes, hall 1.", "fr": "Oui, hall 1."}, now=NOW)
    assert run(services, "answers", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)["answers"]
    assert [a["id"] for a in listed] == [f"A{first}", f"A{second}"]
    assert listed[0] == {"id": f"A{first}", "source": "BIOVALIANCE team, 2025-11-20", "texts": {"fr": "Stand B12, hall 3."},
                         "phrasings": ["Où est votre stand ?", "ou est le stand"]}

    out = tmp_path / "answers.yaml"
    assert run(services, "answers", "export", "--output", str(out)) == 0
    assert "wrote 2 staff answer(s)" in capsys.readouterr().out
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    entries = [TeamAnswer.model_validate(e) for e in exported]  # valid under the knowledge schema's rules
    assert entries[0].id == f"team-answer-{first}" and entries[0].kind == "team-answer"
    assert entries[0].text.en == "The team wrote this answer in French: Stand B12, hall 3."
    assert entries[0].names == ("Où est votre stand ?",) and entries[0].aliases == ("ou est le stand",)
    assert entries[1].text.fr == "Oui, hall 1." and entries[1].source == ("BIOVALIANCE team, 2025-11-20",)

    version = store.answers_version()
    assert run(services, "answers", "delete", f"A{first}") == 0
    assert store.answers_version() == version + 1  # other processes reload
    assert [a.id for a in store.answers()] == [second]
    assert run(services, "answers", "delete", f"A{first}") == 2
    assert "no staff answer" in capsys.readouterr().err
    assert run(services, "answers", "delete", "banana") == 2


def test_ask_answers_from_a_staff_answer(tmp_path: Path) -> None:
    """`ask` goes through the same services as Telegram: a staff answer wins, in the JSON contract too."""
    from bot.cli import main
    from db.handover import HandoverStore

    env = {"DATA_DIR": str(tmp_path / "data"), "PSEUDONYM_SECRET": "cli-test-secret-0123456"}
    services = build_services(Settings.from_env(env))
    HandoverStore(services.question_log, team="BIOVALIANCE").save_answer(["Où est votre stand ?"], {"fr": "Stand B12, hall 3."})
    services.question_log.close()
    out = io.StringIO()
    assert main(["ask", "--json", "où est votre stand"], env=env, stdin=io.StringIO(), stdout=out) == 0
    answer = json.loads(out.getvalue())
    assert answer["status"] == "answered" and answer["entry"] == "staff-answer-1"
    assert answer["text"].startswith("Stand B12, hall 3.\n\nRéponse de l'équipe : équipe BIOVALIANCE,")
