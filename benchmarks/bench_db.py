"""Question log throughput and review grouping time, on SQLite and PostgreSQL. Figures only.

    .venv/bin/python benchmarks/bench_db.py [--questions 1000] [--open 10000]

For each backend: logged questions per second through `QuestionLog.record` with 1 and 20
concurrent writer threads, against a baseline measured in the same run on the same engine (a
plain SQLAlchemy Core INSERT of the same row, one transaction each), best of three alternating
rounds; and the time to group 10,000 open questions for review (`QuestionLog.groups()`, which
loads them and clusters them), against the baseline of just loading those rows. PostgreSQL is a
throw-away server started here on 127.0.0.1 (fsync off, as in the tests), so its absolute
figures are optimistic; SQLite runs with its default durable settings in WAL mode.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the project, and the PostgreSQL helper the tests use

from sqlalchemy import insert, select

from bot.config import Settings
from bot.engine.result import Result, Status, Suggestion
from bot.text import normalise
from db.log import QuestionLog, open_question_log
from db.models import Question
from pg_server import PostgresServer, PostgresUnavailable  # noqa: E402

ENTITIES = ["RD-Biotech", "EFS", "Inserm", "Besançon", "Dijon", "thérapie cellulaire", "thérapie génique",
            "BIOVALIANCE", "Bpifrance", "le salon BIO-Europe", "Temis", "l'université"] + [f"société {i}" for i in range(150)]
TEMPLATES = ["Où se trouve {} ?", "Quelle est l'adresse de {} ?", "Combien d'employés chez {} ?", "Who runs {}?",
             "When was {} founded?", "Est-ce que {} recrute ?", "What does {} do?", "Horaires de {}",
             "Téléphone de {}", "Qui dirige {} ?", "Comment contacter {} ?", "Prix d'une visite chez {}"]
ROUNDS = 3
TAILS = ["", " svp", " please", " merci", " exactement", " aujourd'hui", " en 2026"]


def question_text(rng: random.Random) -> str:
    text = rng.choice(TEMPLATES).format(rng.choice(ENTITIES)) + rng.choice(TAILS)
    if rng.random() < 0.25:  # typos and odd additions, as real traffic has
        text += " " + "".join(rng.choice("abcdefghij") for _ in range(rng.randint(3, 8)))
    return text


def result_for(text: str, rng: random.Random) -> Result:
    entry = rng.choice([None, "rd-biotech", "efs", "inserm"])
    return Result(question=text, normalised=normalise(text), status=Status.UNANSWERED, lang="fr", intent="where",
                  entry=entry, score=60.0 if entry else 0.0,
                  suggestions=(Suggestion("efs", "EFS"), Suggestion("inserm", "Inserm")) if entry else ())


def row_for(result: Result, now: dt.datetime) -> dict:
    return {"record_id": str(uuid.uuid4()), "asked_at": now, "text": result.question, "normalised": result.normalised,
            "lang": result.lang, "status": result.status.value, "intent": result.intent, "entry": result.entry,
            "score": result.score, "suggestions": [{"entry": s.entry, "label": s.label} for s in result.suggestions],
            "channel": "telegram", "chat_type": "private", "user_key": None, "state": "open"}


def rate(total: int, writers: int, write: Callable[[int], None]) -> float:
    """Writes per second with `writers` threads sharing `total` writes."""
    per_writer = total // writers

    def work(w: int) -> None:
        for i in range(per_writer):
            write(w * per_writer + i)

    start = time.perf_counter()
    if writers == 1:
        work(0)
    else:
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(work, range(writers)))
    return per_writer * writers / (time.perf_counter() - start)


def bench_backend(name: str, url: str, workdir: Path, questions: int, open_questions: int) -> list[tuple]:
    rng = random.Random(4)
    results = [result_for(question_text(rng), rng) for _ in range(questions)]
    now = dt.datetime.now(dt.UTC)
    rows = []
    log: QuestionLog = open_question_log(Settings(data_dir=workdir, database_url=url, pseudonym_secret="bench"))
    engine = log._engine
    try:
        table = Question.__table__
        for writers in (1, 20):
            def baseline(i: int) -> None:
                with engine.begin() as conn:
                    conn.execute(insert(table).values(**row_for(results[i], now)))

            def logged(i: int) -> None:
                log.record(results[i], channel="telegram", chat_type="private", now=now)

            # Alternate the two, best of three: the machine's other work then hurts both alike.
            base = ours = 0.0
            for _round in range(ROUNDS):
                base = max(base, rate(questions, writers, baseline))
                ours = max(ours, rate(questions, writers, logged))
            rows.append((name, f"record(), {writers} writer{'s' if writers > 1 else ''}", f"{ours:,.0f} q/s",
                         f"Core INSERT {base:,.0f} q/s", f"{ours / base:.2f}"))

        with engine.begin() as conn:  # 10,000 open questions for review
            conn.execute(table.delete())
            conn.execute(insert(table), [row_for(result_for(question_text(rng), rng), now) for _ in range(open_questions)])
        load_s = group_s = float("inf")
        for _round in range(ROUNDS):
            start = time.perf_counter()
            with log._sessions() as session:
                loaded = len(session.scalars(select(Question).where(Question.state == "open")).all())
            load_s = min(load_s, time.perf_counter() - start)
            start = time.perf_counter()
            groups = log.groups()
            group_s = min(group_s, time.perf_counter() - start)
        assert loaded == open_questions
        rows.append((name, f"groups() of {open_questions:,} open", f"{group_s * 1000:,.0f} ms ({len(groups):,} groups)",
                     f"load rows {load_s * 1000:,.0f} ms", f"{group_s / load_s:.1f}"))
    finally:
        log.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000, help="questions logged per measurement")
    parser.add_argument("--open", type=int, default=10_000, help="open questions to group")
    args = parser.parse_args()
    table: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="biovaliance-bench-") as tmp:
        workdir = Path(tmp)
        table += bench_backend("SQLite", f"sqlite:///{workdir / 'sqlite' / 'bench.sqlite3'}", workdir / "sqlite",
                               args.questions, args.open)
        try:
            with PostgresServer.create() as server:
                table += bench_backend("PostgreSQL", server.url(server.create_database("bench")), workdir / "pg",
                                       args.questions, args.open)
        except PostgresUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    headers = ("backend", "measure", "result", "baseline (same run)", "ratio")
    widths = [max(len(str(r[i])) for r in [headers, *table]) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table:
        print(line(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
