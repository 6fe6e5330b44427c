"""Spool figures: replaying a 20,000-record backlog into SQLite, and how long a new write waits
meanwhile, against the time of an append on an idle spool (the baseline, same run).

    .venv/bin/python benchmarks/bench_spool.py
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import database, repository  # noqa: E402
from db.log import QuestionLog  # noqa: E402

BACKLOG = 20_000
NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC).isoformat()


def record(i: int) -> dict:
    return {"kind": "question", "record_id": str(uuid.uuid4()), "asked_at": NOW, "text": f"question {i}",
            "normalised": f"question {i}", "lang": "fr", "status": "unanswered", "channel": "cli"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = QuestionLog(database.make_engine(f"sqlite:///{tmp}/log.sqlite3"), spool_path=Path(tmp) / "spool.jsonl",
                          secret="bench-secret-0123456789")
        log.upgrade()
        idle = []
        for i in range(200):
            started = time.perf_counter()
            log._spool.append(record(i))
            idle.append(time.perf_counter() - started)
        log.flush_spool()
        for i in range(BACKLOG):
            log._spool.append(record(i))
        during: list[float] = []
        done = threading.Event()

        def writer() -> None:
            while not done.is_set():
                started = time.perf_counter()
                log._spool.append(record(-1))
                during.append(time.perf_counter() - started)
                time.sleep(0.005)

        thread = threading.Thread(target=writer)
        started = time.perf_counter()
        thread.start()
        written = log._spool.replay(log._write_batch, check=repository.check_record)
        replay_s = time.perf_counter() - started
        done.set()
        thread.join()
        log.close()
    print(f"replay of {BACKLOG:,} spooled records into SQLite: {replay_s:.2f} s ({written.written:,} written, "
          f"batches of {log._spool.batch_size})")
    print(f"append on an idle spool (baseline): median {statistics.median(idle) * 1000:.2f} ms, "
          f"max {max(idle) * 1000:.2f} ms")
    print(f"append during the replay ({len(during)} appends): median {statistics.median(during) * 1000:.2f} ms, "
          f"max {max(during) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
