"""The same question gets the same answer in every process, whatever PYTHONHASHSEED is.

The questions: every name, alias and example of the knowledge base, and two typos of each
(a swapped pair, one and two dropped letters), made with a fixed seed so every run asks the same ones.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from faults import ROOT

SCRIPT = r"""
import datetime as dt, json, random
from bot.knowledge import load_knowledge
from bot.engine import Engine
knowledge = load_knowledge()
engine = Engine(knowledge)
questions = [q for entry in knowledge for q in (*entry.examples, *entry.all_names())]
rng = random.Random(7)
for q in list(questions):
    if len(q) > 4:
        i = rng.randrange(1, len(q) - 1)
        questions.append(q[:i] + q[i + 1] + q[i] + q[i + 2:])
        j = rng.randrange(len(q))
        questions.append(q[:j] + q[j + 1:])
        k, m = sorted(rng.sample(range(len(q)), 2))
        questions.append(q[:k] + q[k + 1:m] + q[m + 1:])
answers = []
for q in questions:
    r = engine.answer(q, today=dt.date(2025, 11, 20))
    answers.append([q, r.status.value, r.entry, r.intent, [s.entry for s in r.suggestions], r.score])
print(json.dumps(answers))
"""


def answers_under(seed: str) -> list:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(done.stdout)


def test_answers_do_not_depend_on_the_hash_seed() -> None:
    first, second = answers_under("1"), answers_under("3")
    assert len(first) == len(second) > 300
    differing = [(a, b) for a, b in zip(first, second) if a != b]
    assert differing == []
