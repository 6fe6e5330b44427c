"""Question log: recording, dismissed phrasings and review over many groups, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_db.py [--questions 600] [--open 10000] [--dismissed 1000]

Every figure is printed next to a baseline measured in the same run on the same engine, best
of three alternating rounds (the machine's other work then hurts both alike):

* `record()`, unanswered path (the question is stored, the call returns once it is durable) and
  answered path (only counted in memory), 1 and 20 writer threads, against a plain SQLAlchemy
  Core INSERT of the same question row, one transaction each;
* `record()` with 1,000 dismissed phrasings against the same with none;
* review over 10,000 varied open questions (about as many groups): the first page of /review
  (`review_page(limit=5)`) against loading one page of question rows, every group (`groups()`)
  against loading every row, one review button's group (`group("g5000")`), and `record()` with
  those groups in place against the plain INSERT.

PostgreSQL is a throw-away server started here on 127.0.0.1 (fsync off, as in the tests), so its
absolute figures are optimistic; SQLite runs with its default durable settings in WAL mode.
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

from sqlalchemy import delete, insert, select  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.engine.result import Result, Status, Suggestion  # noqa: E402
from bot.text import normalise  # noqa: E402
from db.log import QuestionLog, open_question_log  # noqa: E402
from db.models import DismissedPhrase, Question, QuestionGroup  # noqa: E402
from pg_server import PostgresServer, PostgresUnavailable  # noqa: E402

TITLE = "Question log benchmark"
ROUNDS = 3
PAGE = 5  # groups on the first page of /review
SYLLABLES = ("ba be bi bo bu da de di do du fa fe fi ka ke ki ko la le li lo ma me mi mo na ne ni no pa pe pi "
             "po ra re ri ro sa se si so ta te ti to va ve vi vo za").split()
TEMPLATES = ["Où se trouve {} ?", "Quelle est l'adresse de {} ?", "Combien d'employés chez {} ?", "Who runs {}?",
             "When was {} founded?", "Est-ce que {} recrute ?", "What does {} do?", "Horaires de {}"]


def varied_text(rng: random.Random) -> str:
    """A question unlike the others (as the issue's "10,000 varied questions, about 10,000 groups"):
    four to seven made-up words, half of the time inside a common template."""
    words = " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(4, 7)))
    return rng.choice(TEMPLATES).format(words) if rng.random() < 0.5 else words.capitalize() + " ?"


def result_for(text: str, rng: random.Random, status: Status = Status.UNANSWERED) -> Result:
    entry = rng.choice([None, "rd-biotech", "efs", "inserm"])
    return Result(question=text, normalised=normalise(text), status=status, lang="fr", intent="where",
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


def best_time(action: Callable[[], object]) -> float:
    return min(_timed(action) for _ in range(ROUNDS))


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


class Bench:
    def __init__(self, name: str, log: QuestionLog, args: argparse.Namespace):
        self.name, self.log, self.args = name, log, args
        self.engine = log._engine
        self.rng = random.Random(4)
        self.now = dt.datetime.now(dt.UTC)
        self.rows: list[tuple[str, ...]] = []

    def add(self, measure: str, result: str, baseline: str, ratio: float) -> None:
        self.rows.append((self.name, measure, result, baseline, f"{ratio:.2f}"))

    def insert_baseline(self, results: list[Result]) -> Callable[[int], None]:
        table = Question.__table__

        def write(i: int) -> None:
            with self.engine.begin() as conn:
                conn.execute(insert(table).values(**row_for(results[i % len(results)], self.now)))
        return write

    def recorder(self, results: list[Result]) -> Callable[[int], None]:
        def write(i: int) -> None:
            self.log.record(results[i % len(results)], channel="telegram", chat_type="private", now=self.now)
        return write

    def compare(self, measure: str, results: list[Result], writers: int) -> float:
        """record() against the plain INSERT, alternating, best of three; returns record()'s rate."""
        base = ours = 0.0
        for _round in range(ROUNDS):
            base = max(base, rate(self.args.questions, writers, self.insert_baseline(results)))
            ours = max(ours, rate(self.args.questions, writers, self.recorder(results)))
        self.add(measure, f"{ours:,.0f} q/s", f"Core INSERT {base:,.0f} q/s", ours / base)
        return ours

    def clear(self) -> None:
        self.log.flush()
        with self.engine.begin() as conn:
            for table in (Question, QuestionGroup, DismissedPhrase):
                conn.execute(delete(table))
        self.log._reviewed()  # the writer's caches follow the tables emptied behind its back

    def run(self) -> list[tuple[str, ...]]:
        args, rng = self.args, self.rng
        unanswered = [result_for(varied_text(rng), rng) for _ in range(args.questions)]
        answered = [result_for("Où est RD-Biotech ?", rng, Status.ANSWERED) for _ in range(args.questions)]
        for writers in (1, 20):
            self.compare(f"record(), unanswered, {writers} writer{'s' if writers > 1 else ''}", unanswered, writers)
            self.compare(f"record(), answered, {writers} writer{'s' if writers > 1 else ''}", answered, writers)

        # Dismissed phrasings: the same unanswered questions, with 0 then 1,000 phrasings dismissed.
        self.clear()
        phrases = [{"normalised": normalise(varied_text(rng)), "created_at": self.now} for _ in range(args.dismissed)]
        none = some = 0.0
        for _round in range(ROUNDS):  # alternating: none, then the phrasings, then none again...
            with self.engine.begin() as conn:
                conn.execute(delete(DismissedPhrase))
            self.log._reviewed()
            none = max(none, rate(args.questions, 1, self.recorder(unanswered)))
            with self.engine.begin() as conn:
                conn.execute(insert(DismissedPhrase.__table__), phrases)
            self.log._reviewed()
            some = max(some, rate(args.questions, 1, self.recorder(unanswered)))
        self.add(f"record() with {args.dismissed:,} dismissed phrasings", f"{some:,.0f} q/s",
                 f"with none {none:,.0f} q/s", some / none)

        # Review over many varied open questions, each recorded (and so grouped) by the log itself.
        self.clear()
        questions = [result_for(varied_text(rng), rng) for _ in range(args.open)]
        start = time.perf_counter()
        pending = [self.log.submit(r, channel="telegram", chat_type="private", now=self.now) for r in questions]
        for each in pending:
            each.future.result()
        recorded_s = time.perf_counter() - start
        with self.log._sessions() as session:
            groups = len(session.scalars(select(QuestionGroup.id)).all())
            middle = session.scalars(select(Question.id).order_by(Question.id).offset(args.open // 2).limit(1)).one()
        self.add(f"recording {args.open:,} varied questions (group commit)", f"{args.open / recorded_s:,.0f} q/s",
                 f"{groups:,} groups formed", groups / args.open)

        def load_page() -> None:
            with self.log._sessions() as session:
                assert len(session.scalars(select(Question).where(Question.state == "open")
                                           .order_by(Question.id).limit(PAGE)).all()) == PAGE

        def load_all() -> None:
            with self.log._sessions() as session:
                assert len(session.scalars(select(Question).where(Question.state == "open")).all()) == args.open

        page_s = review_s = all_rows_s = all_groups_s = press_s = float("inf")
        for _round in range(ROUNDS):
            page_s = min(page_s, _timed(load_page))
            review_s = min(review_s, _timed(lambda: self.log.review_page(limit=PAGE)))
            press_s = min(press_s, _timed(lambda: self.log.group(f"g{middle}")))
            all_rows_s = min(all_rows_s, _timed(load_all))
            all_groups_s = min(all_groups_s, _timed(self.log.groups))
        self.add(f"first /review page ({PAGE} of {groups:,} groups)", f"{review_s * 1000:,.2f} ms",
                 f"load {PAGE} rows {page_s * 1000:,.2f} ms", review_s / page_s)
        self.add("one review button's group (group('g…'))", f"{press_s * 1000:,.2f} ms",
                 f"load {PAGE} rows {page_s * 1000:,.2f} ms", press_s / page_s)
        self.add(f"groups(): all {groups:,} groups", f"{all_groups_s * 1000:,.0f} ms",
                 f"load {args.open:,} rows {all_rows_s * 1000:,.0f} ms", all_groups_s / all_rows_s)
        self.compare(f"record(), 1 writer, {groups:,} open groups in place",
                     [result_for(varied_text(rng), rng) for _ in range(args.questions)], 1)
        return self.rows


def bench_backend(name: str, url: str, workdir: Path, args: argparse.Namespace) -> list[tuple[str, ...]]:
    log = open_question_log(Settings(data_dir=workdir, database_url=url, pseudonym_secret="bench"))
    try:
        return Bench(name, log, args).run()
    finally:
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=600, help="questions logged per measurement")
    parser.add_argument("--open", type=int, default=10_000, help="varied open questions to review")
    parser.add_argument("--dismissed", type=int, default=1000, help="dismissed phrasings")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark-db.md"), help="Markdown copy ('' for none)")
    args = parser.parse_args()
    table: list[tuple[str, ...]] = []
    backends = args.backends.split(",")
    with tempfile.TemporaryDirectory(prefix="biovaliance-bench-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in backends:
            table += bench_backend("SQLite", f"sqlite:///{workdir / 'sqlite' / 'bench.sqlite3'}", workdir / "sqlite",
                                   args)
        if "postgresql" in backends:
            try:
                with PostgresServer.create() as server:
                    table += bench_backend("PostgreSQL", server.url(server.create_database("bench")),
                                           workdir / "pg", args)
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    headers = ("backend", "measure", "result", "baseline (same run)", "ratio")
    widths = [max(len(str(r[i])) for r in [headers, *table]) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    lines = [f"python {sys.version.split()[0]}, {dt.date.today()}, best of {ROUNDS} alternating rounds", "",
             line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(row) for row in table)]
    print("\n".join(lines))
    if args.output:
        Path(args.output).write_text(f"# {TITLE}\n\nOutput of `.venv/bin/python benchmarks/bench_db.py "
                                     f"{' '.join(sys.argv[1:])}`.\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
