"""The spool under SIGKILL: a process appending and replaying is killed at random points, many
times; every record it acknowledged is in the database exactly once at the end."""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from db import database
from db.log import QuestionLog
from db.models import Question
from faults import ROOT

ITERATIONS = 20
SECRET = "kill-test-secret-0123456789"

CHILD = r"""
import random, sys, uuid
from pathlib import Path
from db import database
from db.log import QuestionLog

data, seed = Path(sys.argv[1]), int(sys.argv[2])
log = QuestionLog(database.make_engine(f"sqlite:///{data / 'log.sqlite3'}"), spool_path=data / "spool.jsonl",
                  secret=sys.argv[3])
log._ensure_schema()
rng = random.Random(seed)
for i in range(100_000):
    if rng.random() < 0.2:
        log.flush_spool()  # replay: claim, batches, commit, delete (killed anywhere in it)
        print("R", flush=True)
        continue
    rid = str(uuid.uuid4())
    text = "kill %d %d" % (seed, i)
    log._spool.append({"kind": "question", "record_id": rid, "asked_at": "2025-11-20T10:30:00+00:00",
                       "text": text, "normalised": text, "lang": "fr", "status": "unanswered",
                       "channel": "cli"})
    print("A", rid, flush=True)  # printed only once append() returned: acknowledged
"""


def test_every_acknowledged_record_survives_sigkill_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(20261130)
    acknowledged: list[str] = []
    replays = 0
    for iteration in range(ITERATIONS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(iteration), SECRET], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert child.stdout is not None
        wanted = rng.randint(1, 60)
        seen = 0
        while seen < wanted:
            line = child.stdout.readline().decode()
            assert line, "the child died on its own"
            seen += 1
            if line.startswith("A "):
                acknowledged.append(line.split()[1])
            else:
                replays += 1
        time.sleep(rng.random() * 0.004)  # land somewhere inside the next append or replay
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        # A line the kill cut short was never acknowledged: only whole lines count.
        whole = rest.decode().split("\n")[:-1]
        acknowledged += [line.split()[1] for line in whole if line.startswith("A ") and len(line.split()) == 2]
    assert replays > 0 and len(acknowledged) > ITERATIONS

    log = QuestionLog(database.make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}"),
                      spool_path=tmp_path / "spool.jsonl", secret=SECRET)
    try:
        log.flush_spool()
        with log._sessions() as session:
            stored = Counter(session.scalars(select(Question.record_id)))
            texts = Counter(session.scalars(select(Question.text)))
    finally:
        log.close()
    missing = [rid for rid in acknowledged if rid not in stored]
    assert not missing, f"{len(missing)} acknowledged record(s) lost"
    assert max(texts.values()) == 1  # and none twice
    rejected = tmp_path / "spool.jsonl.rejected"
    if rejected.exists():  # only lines cut by a kill, never an acknowledged record
        lines = [json.loads(line)["line"] for line in rejected.read_text().splitlines()]
        assert not any(rid in line for line in lines for rid in acknowledged)
