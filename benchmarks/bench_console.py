"""Web console inbox speed with 10,000 open questions (SQLite). Figures only.

    .venv/bin/python benchmarks/bench_console.py [--open 10000] [--repeat 7]

Measured through the real app (Starlette TestClient, a signed-in session, the whole HTTP round
trip in process) against the baseline of just loading the open questions' rows (the ORM query
`QuestionLog.groups()` starts with), in the same run on the same database file:

- the first inbox after start (the review index is built: one full grouping, once per process);
- the inbox on every later view (a fingerprint query; nothing regrouped);
- the inbox after a staff action (a group resolved: the index drops its questions);
- the inbox after 100 new questions (assigned to the existing groups one by one);
- for comparison, `QuestionLog.groups()`, the full regroup `review list` and /review do.
Each figure is the median of --repeat runs (first inbox: once).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from sqlalchemy import insert  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bench_db import question_text, result_for, row_for  # noqa: E402
from bot.console.app import build_console  # noqa: E402
from console_harness import console_services, console_settings, sign_in  # noqa: E402
from db import repository  # noqa: E402
from db.models import OPEN, Question  # noqa: E402


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=10_000, help="open questions in the log")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(20261130)
    with tempfile.TemporaryDirectory() as tmp:
        settings = console_settings(Path(tmp))
        services = console_services(settings)
        log = services.question_log
        now = dt.datetime.now(dt.UTC)
        with log._engine.begin() as conn:  # noqa: SLF001 - bulk fixture rows, as bench_db does
            conn.execute(insert(Question.__table__),
                         [row_for(result_for(question_text(rng), rng), now) for _ in range(args.open)])

        def load_rows() -> None:
            with log._sessions() as session:  # noqa: SLF001
                assert len(repository.questions_in_state(session, OPEN)) == args.open

        load = median_ms(load_rows, args.repeat)
        client = TestClient(build_console(services))
        client.__enter__()
        sign_in(client, settings)  # builds the review index as a side effect: rebuild it cold below
        services.question_log._review_index = type(log._review_index)()  # noqa: SLF001

        def inbox() -> None:
            response = client.get("/inbox")
            assert response.status_code == 200 and "group-link" in response.text

        start = time.perf_counter()
        inbox()
        first = (time.perf_counter() - start) * 1000
        groups = len(log.review_groups())
        warm = median_ms(inbox, args.repeat)

        def after_action() -> None:
            key = log.review_groups()[-1].key
            log.handle_groups([key], "resolve")
            start_at = time.perf_counter()
            inbox()
            after_action.took.append((time.perf_counter() - start_at) * 1000)  # type: ignore[attr-defined]
        after_action.took = []  # type: ignore[attr-defined]
        for _ in range(args.repeat):
            after_action()
        action = statistics.median(after_action.took)  # type: ignore[attr-defined]

        def after_new() -> None:
            for _ in range(100):
                log.record(result_for(question_text(rng), rng), channel="telegram")
            start_at = time.perf_counter()
            inbox()
            after_new.took.append((time.perf_counter() - start_at) * 1000)  # type: ignore[attr-defined]
        after_new.took = []  # type: ignore[attr-defined]
        for _ in range(3):
            after_new()
        new = statistics.median(after_new.took)  # type: ignore[attr-defined]
        regroup = median_ms(log.groups, 3)
        client.__exit__(None, None, None)
        log.close()

    print(f"python {sys.version.split()[0]}, {dt.date.today()}, SQLite, {args.open:,} open questions "
          f"({groups} groups), median of {args.repeat}")
    print(f"{'measure':<52}{'ms':>9}{'/ load rows':>13}")
    rows = [("load the open rows (baseline)", load), ("inbox, first view after start (index built)", first),
            ("inbox, every later view", warm), ("inbox after a staff action (1 group resolved)", action),
            ("inbox after 100 new questions", new), ("full regroup, QuestionLog.groups() (comparison)", regroup)]
    for label, ms in rows:
        print(f"{label:<52}{ms:>9.1f}{ms / load:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
