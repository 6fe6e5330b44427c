"""The command line, run in-process through `bot.cli.main` and once as a real subprocess."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_KEYS = {"question", "status", "lang", "text", "entry", "score", "suggestions", "focus"}


def run(argv: list[str], env: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, env=env if env is not None else {}, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_ask_json_keeps_the_contract():
    code, out = run(["ask", "--json", "--no-log", "--today", "2025-10-01", "Où se trouve RD Biotech ?"])
    assert code == 0
    reply = json.loads(out)
    assert set(reply) == CONTRACT_KEYS
    assert reply["status"] == "answered" and reply["lang"] == "fr" and reply["entry"] == "rd-biotech"
    assert "Besançon" in reply["text"] and 0 <= reply["score"] <= 100
    assert isinstance(reply["suggestions"], list)


def test_ask_jsonl_answers_every_line_in_order():
    questions = ["Que fait Chematech ?", "", "wisconsin", "Who founded Chematech?", "thanks", "🙂"]
    code, out = run(["ask", "--jsonl", "--no-log"], stdin="\n".join(questions) + "\n")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert [line["status"] for line in lines] == ["answered", "smalltalk", "clarify", "unanswered", "smalltalk", "smalltalk"]
    clarify = lines[2]
    assert clarify["suggestions"] and all(set(s) == {"entry", "label"} for s in clarify["suggestions"])


@pytest.mark.parametrize(("lang", "expected"), [("en", "en"), ("fr", "fr")])
def test_lang_is_the_default_when_the_question_does_not_tell(lang, expected):
    code, out = run(["ask", "--json", "--no-log", "--lang", lang, "chematech"])
    assert code == 0 and json.loads(out)["lang"] == expected


def test_today_changes_event_tense():
    _, before = run(["ask", "--no-log", "--today", "2025-11-01", "When is BioFit?"])
    _, after = run(["ask", "--no-log", "--today", "2026-01-01", "When is BioFit?"])
    assert "takes place" in before and "took place" in after


def test_bad_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(["ask", "--today", "tomorrow", "hello"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_ask_without_question_explains(capsys):
    code, _ = run(["ask", "--no-log"])
    assert code == 2 and "QUESTION" in capsys.readouterr().err


def test_ask_logs_unanswered_questions(tmp_path: Path):
    env = {"DATA_DIR": str(tmp_path)}
    code, _ = run(["ask", "Who founded Chematech?"], env=env)
    assert code == 0
    code, out = run(["review", "list", "--json"], env=env)
    assert code == 0
    assert "Who founded Chematech?" in out


def test_no_log_touches_no_database(tmp_path: Path):
    code, _ = run(["ask", "--no-log", "Who founded Chematech?"], env={"DATA_DIR": str(tmp_path)})
    assert code == 0 and [p.name for p in tmp_path.iterdir()] == ["cache"]  # built word lists, no database


def test_validate_accepts_the_real_knowledge_base():
    code, out = run(["validate"])
    assert code == 0 and "valid" in out


def test_validate_lists_problems_with_file_and_line(tmp_path: Path, capsys):
    broken = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, broken)
    events = broken / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("2025-12-03", "2025-11-30"), encoding="utf-8")
    code, _ = run(["validate", str(broken)])
    err = capsys.readouterr().err
    assert code == 1
    assert "events.yaml:" in err and "biofit-medfit" in err and "field end" in err


def test_the_bot_refuses_to_start_on_an_invalid_knowledge_base(tmp_path: Path, capsys):
    broken = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, broken)
    (broken / "people.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    code, _ = run(["ask", "--no-log", "hello"], env={"KNOWLEDGE_DIR": str(broken)})
    err = capsys.readouterr().err
    assert code == 1
    assert "people.yaml:2: invalid YAML" in err
    assert "unknown entry" not in err, "a lost file must not cause a cascade of reference errors"



def test_chat_reads_until_quit(tmp_path: Path):
    code, out = run(["chat", "--no-log", "--lang", "en"], stdin="Where is Chematech?\n\nmerci\nquit\nnever read\n")
    assert code == 0
    assert "Dijon" in out and "welcome" in out, "a one-word 'merci' does not switch an English chat to French"


def test_chat_picks_a_suggestion_by_its_number():
    code, out = run(["chat", "--no-log", "--lang", "en"], stdin="wisconsin\n2\n")
    assert code == 0
    assert "type 1 to 2 to choose" in out
    assert "14 to 15 October 2025" in out.split("choose)")[1]


def test_no_command_and_no_token_starts_the_console_chat(tmp_path: Path):
    code, out = run([], env={"DATA_DIR": str(tmp_path)}, stdin="Que fait Urgo ?\n")
    assert code == 0
    assert "console" in out and "Urgo" in out


def test_run_without_token_explains(tmp_path: Path, capsys):
    code, _ = run(["run"], env={"DATA_DIR": str(tmp_path)})
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_python_dash_m_bot_speaks_the_jsonl_contract():
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl", "--no-log"], input="Que fait CellQuest ?\nzzzz qqqq\n",
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )
    statuses = [json.loads(line)["status"] for line in completed.stdout.splitlines()]
    assert statuses == ["answered", "unanswered"]


def test_ask_jsonl_survives_bytes_that_are_not_utf8(tmp_path: Path):
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"], input=b"Quel est le site web de Chematech \xe9 ?\nQue fait Urgo ?\n",
        capture_output=True, cwd=ROOT, timeout=120, env={"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONUTF8": "1"},
    )
    assert completed.returncode == 0, completed.stderr.decode()
    statuses = [json.loads(line)["status"] for line in completed.stdout.decode().splitlines()]
    assert statuses == ["unanswered", "answered"]


def _commands(parser) -> list[str]:
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    names = []
    for name, child in sub.choices.items():
        nested = [a for a in child._actions if a.__class__.__name__ == "_SubParsersAction"]
        names += [f"{name} {n}" for n in nested[0].choices] if nested else [name]
    return names


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands(build_parser()) if f"biovaliance-bot {c}" not in readme]
    assert not missing, f"undocumented commands: {missing}"


@pytest.mark.parametrize("command", [["ask", "--no-log", "Where is RD Biotech?"], ["chat", "--no-log"]])
def test_no_log_commands_import_neither_sqlalchemy_nor_telegram(tmp_path: Path, command: list[str]):
    """Start-up time: these commands never need a database or Telegram, so they do not load them."""
    probe = ("import sys, io\n"
             "from bot.cli import main\n"
             f"code = main({command!r}, env={{'DATA_DIR': {str(tmp_path)!r}}}, stdin=io.StringIO('merci\\nquit\\n'),"
             " stdout=io.StringIO())\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'telegram', 'httpx', 'aiohttp'))\n"
             "print(code, heavy)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "0 []", done.stderr
