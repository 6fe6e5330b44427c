"""Fault suite, knowledge base: hostile or broken YAML is refused with one located error, fast.

`validate`, `ask` and `run` share the loader, so each case is checked through all three as real
processes, with the process's own peak memory (the bound is 200 MB; a hang is killed by an
RLIMIT_CPU guard and fails the test).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, MAX_FILE_BYTES, KnowledgeError, load_knowledge
from faults import bot_env, run_cli

PEAK_KIB = 200 * 1024

BOMB = """
- id: bomb
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def append(path: Path, text: str) -> int:
    """Append `text`; returns the 1-based line where it starts."""
    before = path.read_text()
    path.write_text(before + text)
    return before.count("\n") + 1


def only_problem(directory: Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    assert len(caught.value.problems) == 1, caught.value.problems
    return str(caught.value.problems[0])


def test_alias_bomb_is_refused_before_any_walk_by_validate_ask_and_run(tmp_path: Path) -> None:
    kb = copy_knowledge(tmp_path)
    start = append(kb / "events.yaml", BOMB)
    expected = f"events.yaml:{start + 2}, entry bomb, field a: YAML anchor &a is not allowed: write the value out"
    assert only_problem(kb) == expected
    env = bot_env(tmp_path / "data", KNOWLEDGE_DIR=str(kb), TELEGRAM_BOT_TOKEN="123:ABC",
                  TELEGRAM_API_URL="http://127.0.0.1:9")
    for argv in (["validate"], ["ask", "bonjour"], ["run"]):
        code, _out, err, peak = run_cli(argv, env, cpu_seconds=20)
        assert code == 1, (argv, err)
        assert expected in err.splitlines(), err
        assert "Traceback" not in err
        assert peak is not None and peak < PEAK_KIB, f"{argv}: peak memory {peak} KiB"


@pytest.mark.parametrize(("text", "expected"), [
    ("- id: alias-only\n  names: [*x]\n", "entry alias-only, field names: YAML alias *x is not allowed"),
    ("- id: deep-one\n  names: " + "[" * 30 + "x" + "]" * 30 + "\n", "entry deep-one, field names: nested more than"),
    ("- id: huge-number\n  order: " + "9" * 5000 + "\n", "entry huge-number, field order: number out of range"),
    ("- id: huge-float\n  order: 1e999\n", "entry huge-float, field order: number out of range"),
])
def test_hostile_values_are_located(tmp_path: Path, text: str, expected: str) -> None:
    kb = copy_knowledge(tmp_path)
    start = append(kb / "objectives.yaml", "\n" + text)
    problem = only_problem(kb)
    assert problem.startswith(f"objectives.yaml:{start + 2}, ") and expected in problem, problem


@pytest.mark.parametrize("kind", ["device", "fifo", "oversized", "not utf-8"])
def test_files_that_are_not_knowledge_are_refused(tmp_path: Path, kind: str) -> None:
    kb = copy_knowledge(tmp_path)
    target = kb / "figures.yaml"
    target.unlink()
    if kind == "device":
        target.symlink_to("/dev/zero")
        message = "figures.yaml: not a regular file"
    elif kind == "fifo":
        os.mkfifo(target)  # opening it for reading must not block
        message = "figures.yaml: not a regular file"
    elif kind == "oversized":
        target.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
        message = f"figures.yaml: file is {target.stat().st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    else:
        target.write_bytes(b"- id: caf\xe9\n")
        message = "figures.yaml: cannot read file: not UTF-8"
    problem = only_problem(kb)
    assert problem.startswith(message), problem
    code, _out, err, _peak = run_cli(["validate", str(kb)], bot_env(tmp_path / "data"), cpu_seconds=20)
    assert code == 1 and message in err and "Traceback" not in err


def test_an_entry_referring_to_itself_is_located(tmp_path: Path) -> None:
    kb = copy_knowledge(tmp_path)
    path = kb / "actors.yaml"
    text = path.read_text()
    match = re.search(r"(?m)^- id: chematech\n", text)
    assert match
    related_at = text.index("  related: [", match.end())
    path.write_text(text[:related_at] + "  related: [chematech, " + text[related_at + len("  related: ["):])
    line = text[:related_at].count("\n") + 1
    assert only_problem(kb) == f"actors.yaml:{line}, entry chematech, field related: an entry cannot refer to itself"


def test_a_led_by_cycle_is_located(tmp_path: Path) -> None:
    kb = copy_knowledge(tmp_path)
    path = kb / "actors.yaml"
    text = path.read_text()
    # urgo is led_by nobody today; make something urgo leads lead urgo back.
    led = re.search(r"(?m)^- id: ([a-z0-9-]+)\n(?:  .*\n)*?  led_by: \[urgo\]\n", text)
    assert led, "the knowledge base has an entry led by urgo"
    urgo = re.search(r"(?m)^- id: urgo\n", text)
    assert urgo
    insert_at = urgo.end()
    path.write_text(text[:insert_at] + f"  led_by: [{led.group(1)}]\n" + text[insert_at:])
    problem = only_problem(kb)
    assert "field led_by: reference cycle: " in problem and "urgo" in problem and led.group(1) in problem


def test_the_real_knowledge_base_is_within_the_limits() -> None:
    assert all(path.stat().st_size < MAX_FILE_BYTES // 10 for path in DEFAULT_KNOWLEDGE_DIR.glob("*.yaml"))
    assert len(load_knowledge()) > 0
