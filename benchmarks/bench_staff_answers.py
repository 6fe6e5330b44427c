"""What staff answers cost per question, and what the other processes' refresh costs. Figures only.

    .venv/bin/python benchmarks/bench_staff_answers.py [--answers 0,10,100,1000] [--questions 2000]

1. `Services.ask` (engine + staff-answer match) against `engine.answer` alone, in the same run, on
   a mix of questions that match a staff answer and questions that do not, with 0 to 1,000 staff
   answers of three phrasings each: the match is one dictionary lookup and, for questions of two
   words or more, one rapidfuzz `extractOne` over the phrasings.
2. The periodic check other processes make (`HandoverStore.answers_version`, one row read), against
   the full reload it spares them (`HandoverStore.answers`), on a SQLite file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.staff_answers import StaffAnswer, StaffAnswerBook, StaffAnswerIndex  # noqa: E402
from db.handover import HandoverStore  # noqa: E402
from db.log import open_question_log  # noqa: E402

TODAY = dt.date(2025, 11, 1)
QUESTIONS = ["Où se trouve Chematech ?", "Quand a lieu BioFit ?", "Who founded Chematech?", "Où est votre stand ?",
             "Is there a cloakroom at the fair?", "Combien d'emplois dans les biothérapies ?", "ok",
             "Can I meet someone at the RD Biotech booth?", "Quelles entreprises à Dijon ?", "where is your booth"]


def staff_answers(count: int) -> list[StaffAnswer]:
    made = [StaffAnswer(i, {"fr": f"Réponse {i}"}, "BIOVALIANCE team, 2026-11-30",
                        (f"question numéro {i} sur le salon", f"question {i} about the fair", f"q{i} stand hall"))
            for i in range(count)]
    if count:
        made[0] = StaffAnswer(0, {"fr": "Stand B12"}, "BIOVALIANCE team, 2026-11-30",
                              ("Où est votre stand ?", "where is your booth", "Is there a cloakroom at the fair?"))
    return made


def per_question_us(run, questions: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for q in questions:
            run(q)
        best = min(best, (time.perf_counter() - start) / len(questions))
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", default="0,10,100,1000")
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    knowledge = load_knowledge()
    engine = Engine(knowledge)
    questions = (QUESTIONS * (args.questions // len(QUESTIONS) + 1))[:args.questions]
    print(f"python {sys.version.split()[0]}, {dt.date.today()}, {len(questions)} questions per round, best of 3 alternated rounds")
    print(f"{'staff answers':>14} {'engine alone µs':>16} {'ask() µs':>10} {'ratio':>6} {'matched':>8}")
    for count in (int(n) for n in args.answers.split(",")):
        book = StaffAnswerBook(index=StaffAnswerIndex(staff_answers(count)))
        services = Services(settings=Settings(), knowledge=knowledge, engine=engine, staff_answers=book)
        alone = asked = float("inf")
        for _ in range(3):  # alternated, best of each: the machine is shared
            alone = min(alone, per_question_us(lambda q: engine.answer(q, lang_hint="fr", today=TODAY), questions, 1))
            asked = min(asked, per_question_us(lambda q: services.ask(q, lang_hint="fr", today=TODAY), questions, 1))
        matched = sum(book.match(q) is not None for q in QUESTIONS)
        print(f"{count:>14} {alone:>16.1f} {asked:>10.1f} {asked / alone:>6.2f} {matched:>5}/{len(QUESTIONS)}")

    with tempfile.TemporaryDirectory() as tmp:
        log = open_question_log(Settings(data_dir=Path(tmp), pseudonym_secret="bench"))
        store = HandoverStore(log)
        for a in staff_answers(1000):
            store.save_answer(a.phrasings, dict(a.texts))
        samples_v, samples_all = [], []
        for _ in range(50):
            start = time.perf_counter()
            store.answers_version()
            samples_v.append(time.perf_counter() - start)
            start = time.perf_counter()
            StaffAnswerIndex([StaffAnswer(a.id, a.texts, a.source, a.phrasings) for a in store.answers()])
            samples_all.append(time.perf_counter() - start)
        v, full = statistics.median(samples_v) * 1e3, statistics.median(samples_all) * 1e3
        print(f"\nSQLite, 1,000 staff answers: version check {v:.2f} ms (median of 50), "
              f"full reload and index {full:.1f} ms; the check costs {v / full:.3f}x a reload")
        log.close()


if __name__ == "__main__":
    main()
