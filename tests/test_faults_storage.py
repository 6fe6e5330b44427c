"""Fault suite, storage: every visitor gets an answer whatever the disk or the database does.

Real faults only: a 1 MB tmpfs that fills up, a read-only mount, damaged SQLite files, a stopped
or frozen (SIGSTOP) PostgreSQL server, a poisoned spool, and the command line as a real process.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from db import repository
from db.log import LogUnavailable, Outcome, QuestionLog, open_question_log
from db.models import Question
from db.spool import Spool
from faults import PROMISES, UNANSWERABLE, bot_env, fill, frozen, remount_read_only, run_cli, tmpfs
from pg_server import PostgresServer

pytest_plugins = ["tests.pg_fixture"]

SECRET = "fault-suite-secret-0123456789"
NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)


def stored_texts(log: QuestionLog) -> list[str]:
    with log._sessions() as session:
        return list(session.scalars(select(Question.text).order_by(Question.id)))


def replies(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def promised(text: str) -> bool:
    return any(p in text for p in PROMISES)


# --- a full disk ---------------------------------------------------------------------------------

def test_full_disk_every_visitor_still_gets_an_answer(tmp_path: Path) -> None:
    """Default layout (SQLite and spool in DATA_DIR) on a 1 MB disk that is full: 30 of 30 answered,
    none promising a hand-over that did not happen, the loss logged once."""
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "data"
        code, _out, err, _peak = run_cli(["ask", "warm up the log"], bot_env(data))  # database created
        assert code == 0, err
        fill(disk)
        code, out, err, _peak = run_cli(["ask", "--jsonl"], bot_env(data), stdin="\n".join(UNANSWERABLE) + "\n")
    assert code == 0, err
    answers = replies(out)
    assert [a["question"] for a in answers] == UNANSWERABLE
    assert all(a["status"] == "unanswered" and a["text"] for a in answers)
    assert not any(promised(a["text"]) for a in answers), "nothing was kept: the reply must not promise it"
    assert "Traceback" not in err
    assert err.count("records are being lost") == 1, err  # once per outage, not per message


def test_full_disk_losses_are_counted_and_reported_when_space_returns(
        tmp_path: Path, make_result, caplog: pytest.LogCaptureFixture) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        settings = Settings(data_dir=disk / "data", pseudonym_secret=SECRET)
        with open_question_log(settings) as log:
            assert log.record(make_result("avant"), channel="cli", now=NOW) is Outcome.STORED
            filler = fill(disk)
            with caplog.at_level(logging.INFO, logger="db.log"):
                outcomes = [log.record(make_result(f"disque plein {i}"), channel="cli", now=NOW) for i in range(10)]
                assert outcomes == [Outcome.LOST] * 10
                assert log.lost_total == 10
                filler.unlink()
                assert log.record(make_result("après"), channel="cli", now=NOW).kept
                log.flush_spool()
            assert stored_texts(log) == ["avant", "après"]
    lost_lines = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
    assert len(lost_lines) == 2, lost_lines  # one when it starts, one with the count when it ends
    assert "10 record(s) were lost" in lost_lines[1]


def test_spool_append_on_a_full_disk_leaves_no_torn_line(tmp_path: Path) -> None:
    """os.write's count is checked: a record that does not fit is not acknowledged and leaves nothing
    behind; the records acknowledged before and after are all replayed, once."""
    with tmpfs(tmp_path / "disk") as disk:
        spool = Spool(disk / "spool.jsonl")
        record = {"kind": "feedback", "record_id": "", "given_at": NOW.isoformat(), "entry": "efs",
                  "helpful": True, "lang": "fr", "user_key": None}
        acknowledged = []
        for i in range(3):
            spool.append(record | {"record_id": f"before-{i}"})
            acknowledged.append(f"before-{i}")
        size = spool.path.stat().st_size
        filler = fill(disk, leave=50)
        with pytest.raises(OSError):
            spool.append(record | {"record_id": "too-big", "entry": "x" * 60_000})
        assert spool.path.stat().st_size == size  # cut back: no torn line
        filler.unlink()
        spool.append(record | {"record_id": "after"})
        acknowledged.append("after")
        seen: list[str] = []
        spool.replay(lambda batch: seen.extend(r["record_id"] for r in batch), check=repository.check_record)
    assert seen == acknowledged


def test_a_torn_line_never_swallows_the_next_record(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.path.write_bytes(b'{"kind":"feedback","record_id":"torn-by-a-cra')  # a crash mid-write
    spool.append({"kind": "feedback", "record_id": "next", "given_at": NOW.isoformat(), "entry": "efs",
                  "helpful": True, "lang": "fr", "user_key": None})
    seen: list[str] = []
    result = spool.replay(lambda batch: seen.extend(r["record_id"] for r in batch), check=repository.check_record)
    assert seen == ["next"] and result is not None and result.rejected == 1
    [rejected] = [json.loads(line) for line in spool.rejected_path.read_text().splitlines()]
    assert rejected["line"] == '{"kind":"feedback","record_id":"torn-by-a-cra'


# --- a read-only disk ----------------------------------------------------------------------------

def test_read_only_data_dir_every_visitor_still_gets_an_answer(tmp_path: Path, make_result) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "data"
        settings = Settings(data_dir=data, pseudonym_secret=SECRET)
        with open_question_log(settings) as log:
            log.record(make_result("écrit avant"), channel="cli", now=NOW)
        remount_read_only(disk)
        code, out, err, _peak = run_cli(["ask", "--jsonl"], bot_env(data), stdin="\n".join(UNANSWERABLE[:5]) + "\n")
        with open_question_log(settings) as log:  # opens without raising
            assert log.record(make_result("en lecture seule"), channel="cli", now=NOW) is Outcome.LOST
            with pytest.raises(LogUnavailable):  # staff are told, in one line (WAL needs a writable disk)
                log.groups()
    assert code == 0, err
    assert len(replies(out)) == 5 and not any(promised(a["text"]) for a in replies(out))
    assert "Traceback" not in err


def test_unwritable_data_dir_while_postgres_is_down(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        remount_read_only(disk)
        postgres_server.stop()
        code, out, err, _peak = run_cli(["ask", "--jsonl"], bot_env(disk / "data", DATABASE_URL=postgres_url),
                                        stdin="\n".join(UNANSWERABLE[:8]) + "\n")
    assert code == 0, err
    answers = replies(out)
    assert len(answers) == 8 and all(a["text"] for a in answers) and not any(promised(a["text"]) for a in answers)
    assert "Traceback" not in err and err.count("records are being lost") == 1


# --- a damaged SQLite file -----------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["bad header", "truncated"])
def test_damaged_sqlite_file_is_moved_aside_and_the_bot_answers(tmp_path: Path, damage: str) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, pseudonym_secret=SECRET)
    with open_question_log(settings):
        pass
    path = data / "biovaliance.sqlite3"
    raw = path.read_bytes()
    damaged = b"this is not a database at all" + raw[30:] if damage == "bad header" else raw[: len(raw) // 3]
    path.write_bytes(damaged)
    code, out, err, _peak = run_cli(["ask", "--jsonl"], bot_env(data), stdin="\n".join(UNANSWERABLE[:3]) + "\n")
    assert code == 0, err
    assert len(replies(out)) == 3 and all(promised(a["text"]) for a in replies(out))  # kept in the fresh file
    assert err.count("is damaged") == 1 and "Traceback" not in err
    [aside] = list(data.glob("biovaliance.sqlite3.damaged-*[0-9Z]"))
    assert aside.read_bytes() == damaged  # kept for a human to look at
    with open_question_log(settings) as log:
        assert stored_texts(log) == UNANSWERABLE[:3]


def _damage_pages(path: Path) -> None:
    """Overwrite pages in the middle of the file, leaving the header intact."""
    raw = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(raw) - page, 3 * page):
        raw[offset:offset + page] = b"\xde\xad\xbe\xef" * (page // 4)
    path.write_bytes(bytes(raw))


def test_sqlite_damaged_mid_way_staff_commands_say_so_in_one_line(tmp_path: Path, make_result) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, pseudonym_secret=SECRET)
    with open_question_log(settings) as log:
        for i in range(400):
            log.record(make_result(f"question {i} " + "mot " * 40), channel="cli", now=NOW)
        log._checkpoint()
        log._engine.dispose()
        _damage_pages(data / "biovaliance.sqlite3")
        with pytest.raises(LogUnavailable, match="damaged"):  # a running process: one clear error
            log.stats(NOW.date())
        assert log.record(make_result("pendant les dégâts"), channel="cli", now=NOW).kept  # spooled
    # A new command moves the file aside, says so in one line, and works on a fresh file.
    for argv in (["review", "list"], ["stats"], ["review", "export", "--csv", "-"]):
        code, out, err, _peak = run_cli(argv, bot_env(data))
        assert code == 0 and "Traceback" not in err, err
    code, out, err, _peak = run_cli(["review", "list"], bot_env(data))
    assert "pendant les dégâts" in out  # the spooled question reached the fresh file
    assert len(list(data.glob("biovaliance.sqlite3.damaged-*[0-9Z]"))) == 1


# --- a hung PostgreSQL server ----------------------------------------------------------------------

def test_frozen_postgres_records_return_and_are_stored_once_after(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET, db_write_timeout=0.5)
    log = open_question_log(settings)
    try:
        log.record(make_result("avant le gel"), channel="telegram", now=NOW)
        outcomes: list[Outcome] = []
        with frozen(postgres_server):
            threads = [threading.Thread(target=lambda i=i: outcomes.append(
                log.record(make_result(f"pendant le gel {i}"), channel="telegram", now=NOW))) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            # Every record returned while the server is still frozen: none waited for it.
            assert not any(t.is_alive() for t in threads)
            assert sorted(o.value for o in outcomes) == ["spooled"] * 8
        log.flush_spool()
        assert Counter(stored_texts(log)) == Counter(["avant le gel"] + [f"pendant le gel {i}" for i in range(8)])
    finally:
        log.close()


# --- a poisoned spool ----------------------------------------------------------------------------

def test_poisoned_spool_never_blocks_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    good = {"kind": "question", "record_id": "5b0c3c4e-9d0e-4a57-9d59-1df1f7b0a001",
            "asked_at": "2025-11-20T10:30:00+00:00", "text": "Écrit à la main", "normalised": "ecrit a la main",
            "lang": "fr", "status": "unanswered", "channel": "telegram"}
    poison = {k: v for k, v in good.items() if k != "text"} | {"record_id": "5b0c3c4e-9d0e-4a57-9d59-1df1f7b0a002"}
    too_long = good | {"record_id": "5b0c3c4e-9d0e-4a57-9d59-1df1f7b0a003", "lang": "x" * 200}
    (data / "spool.jsonl").write_text("\n".join(json.dumps(r) for r in (poison, good, too_long)) + "\n")
    code, out, err, _peak = run_cli(["ask", "Bonjour"], bot_env(data))
    assert code == 0 and out and "Traceback" not in err, err
    rejected = [json.loads(line) for line in (data / "spool.jsonl.rejected").read_text().splitlines()]
    assert [r["reason"] for r in rejected] == ["question record without 'text'", "question record: 'lang' is longer than 8"]
    code, out, err, _peak = run_cli(["review", "list", "--json"], bot_env(data))
    assert [g["samples"] for g in json.loads(out)["groups"]] == [["Écrit à la main"]]


def test_a_record_the_database_refuses_is_set_aside_with_its_reason(
        postgres_url: str, tmp_path: Path, make_result) -> None:
    """Content PostgreSQL refuses (an intent longer than its column): the visitor is answered, the
    record goes to the spool, then aside with the database's reason, and others are not held up."""
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, pseudonym_secret=SECRET)
    with open_question_log(settings) as log:
        assert log.record(make_result("intention trop longue", intent="x" * 40), channel="cli", now=NOW).kept
        assert log.record(make_result("normale"), channel="cli", now=NOW).kept
        log.flush_spool()
        assert stored_texts(log) == ["normale"]
    [rejected] = [json.loads(line) for line in (tmp_path / "spool.jsonl.rejected").read_text().splitlines()]
    assert "intent" in rejected["reason"] and "intention trop longue" in rejected["line"]


# --- a large backlog -------------------------------------------------------------------------------

def test_a_large_backlog_replays_in_bounded_batches_outside_the_writers_lock(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    record = {"kind": "answered", "record_id": "", "at": NOW.isoformat(), "status": "answered", "entry": "efs",
              "lang": "fr"}
    with open(spool.path, "wb") as out:  # 20,000 records waiting
        for i in range(20_000):
            out.write((json.dumps(record | {"record_id": f"r{i}"}) + "\n").encode())
    batches: list[int] = []
    in_replay, appended = threading.Event(), threading.Event()

    def write(batch: list[dict]) -> None:
        batches.append(len(batch))
        if len(batches) == 2:
            in_replay.set()
            # A writer appends while the replay is in the middle of the backlog: it must not wait for it.
            assert appended.wait(timeout=60), "an append waited for the replay"

    def writer() -> None:
        in_replay.wait(timeout=60)
        spool.append(record | {"record_id": "during"})
        appended.set()

    thread = threading.Thread(target=writer)
    thread.start()
    result = spool.replay(write, check=repository.check_record)
    thread.join()
    assert result is not None and result.written == 20_000
    assert max(batches) <= spool.batch_size and sum(batches) == 20_000
    seen: list[str] = []
    spool.replay(lambda batch: seen.extend(r["record_id"] for r in batch), check=repository.check_record)
    assert seen == ["during"]  # kept for the next replay, not lost, not replayed twice


def test_records_keep_their_order_and_each_process_spool_is_replayed(
        postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, make_result) -> None:
    first = open_question_log(Settings(data_dir=tmp_path / "a", database_url=postgres_url, pseudonym_secret=SECRET))
    second = open_question_log(Settings(data_dir=tmp_path / "b", database_url=postgres_url, pseudonym_secret=SECRET))
    try:
        postgres_server.stop()
        for i in range(6):
            (first if i % 2 else second).record(make_result(f"processus {i}"), channel="cli", now=NOW)
        postgres_server.start()
        assert first.flush_spool() == 3 and second.flush_spool() == 3
        assert sorted(stored_texts(first)) == [f"processus {i}" for i in range(6)]
    finally:
        first.close()
        second.close()


def test_the_write_deadline_is_a_setting(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path), "DB_WRITE_TIMEOUT": "0.25"})
    with open_question_log(settings) as log:
        assert log._write_timeout == 0.25
    assert Settings.from_env({}).db_write_timeout == 2.0
