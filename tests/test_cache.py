"""The content-keyed disk cache (bot/cache.py) and what the services cache with it."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cache
from bot.engine import Engine
from bot.engine.frequency import load_frequencies
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError, load_general_vocabulary, load_knowledge
from bot.replies import render
from bot.services import cached_engine, cached_frequencies, cached_knowledge

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "words.txt"
    path.parent.mkdir()
    path.write_text("alpha beta")
    return path


class Builder:
    """A build function that says how often it ran."""

    def __init__(self, source: Path):
        self.source, self.runs = source, 0

    def __call__(self) -> list[str]:
        self.runs += 1
        return self.source.read_text().split()


def test_a_value_is_built_once_then_read_back(tmp_path: Path, source: Path) -> None:
    build = Builder(source)
    first = cache.cached("words", sources=[source], build=build, cache_dir=tmp_path / "cache")
    second = cache.cached("words", sources=[source], build=build, cache_dir=tmp_path / "cache")
    assert first == second == ["alpha", "beta"] and build.runs == 1
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("change", ["source", "code", "version"])
def test_any_change_of_an_input_rebuilds(tmp_path: Path, source: Path, change: str) -> None:
    code = tmp_path / "builder.py"
    code.write_text("# v1")
    build = Builder(source)

    def get(version: str = "1.0") -> list[str]:
        return cache.cached("words", sources=[source], code=[code], versions=[version], build=build,
                            cache_dir=tmp_path / "cache")

    get()
    if change == "source":
        source.write_text("alpha gamma")
    elif change == "code":
        code.write_text("# v2")
    assert get("2.0" if change == "version" else "1.0")[-1] == ("gamma" if change == "source" else "beta")
    assert build.runs == 2
    assert len(list((tmp_path / "cache").glob("words-*"))) == 1  # the stale version is gone


@pytest.mark.parametrize("fast", [False, True], ids=["pickle", "marshal"])
def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path, source: Path, fast: bool) -> None:
    build = Builder(source)

    def get() -> list[str]:
        return cache.cached("words", sources=[source], build=build, cache_dir=tmp_path / "cache", fast=fast)

    get()
    [stored] = (tmp_path / "cache").glob("words-*")
    stored.write_bytes(b"\x80\x05not a pickle")
    assert get() == ["alpha", "beta"] and build.runs == 2
    assert get() == ["alpha", "beta"] and build.runs == 2  # rewritten properly


def test_a_directory_others_can_write_to_is_not_trusted(tmp_path: Path, source: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    build = Builder(source)
    for _ in range(2):
        assert cache.cached("words", sources=[source], build=build, cache_dir=shared) == ["alpha", "beta"]
    assert build.runs == 2 and not list(shared.iterdir())


def test_an_unusable_cache_directory_only_costs_the_build(tmp_path: Path, source: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    build = Builder(source)
    assert cache.cached("words", sources=[source], build=build, cache_dir=blocker / "cache") == ["alpha", "beta"]
    assert cache.cached("words", sources=[source], build=build, cache_dir=None) == ["alpha", "beta"]
    assert build.runs == 2


def test_the_knowledge_base_is_rebuilt_when_a_yaml_file_changes(tmp_path: Path) -> None:
    kb_dir = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, kb_dir)
    first = cached_knowledge(kb_dir, tmp_path / "cache")
    assert cached_knowledge(kb_dir, tmp_path / "cache").entries.keys() == first.entries.keys()
    actors = kb_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("- id: rd-biotech", "- id: rd-biotech-renamed", 1))
    assert "rd-biotech-renamed" in cached_knowledge(kb_dir, tmp_path / "cache").entries


def test_an_invalid_knowledge_base_is_reported_not_cached(tmp_path: Path) -> None:
    kb_dir = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, kb_dir)
    (kb_dir / "events.yaml").write_text("- id: [unclosed\n")
    for _ in range(2):
        with pytest.raises(KnowledgeError):
            cached_knowledge(kb_dir, tmp_path / "cache")


def test_cached_word_frequencies_equal_freshly_built_ones(tmp_path: Path) -> None:
    from bot.engine.frequency import load_frequencies

    cached_frequencies(tmp_path / "cache")
    assert cached_frequencies(tmp_path / "cache") == load_frequencies()


# ------------------------------------------------------------------ the engine, cached whole

FOLLOW_UPS = ["Where is RD Biotech?", "and when was it founded?", "c'est quand ?", "et Chematech ?", "what do they make?",
              "Quelles entreprises à Dijon ?", "et la première ?", "the other one", "Which events are there?",
              "the first one", "biomaterials for wound healing", "who runs it?"]


def golden_questions(knowledge) -> list[str]:
    """The engine tests' questions, then every name, alias and example question of the knowledge base."""
    from test_engine import CASES

    return ([case[0] for case in CASES] + FOLLOW_UPS + [name for entry in knowledge for name in entry.all_names()]
            + [example for entry in knowledge for example in entry.examples])


def assert_same_answers(fresh: Engine, loaded: Engine, questions: list[str], days: list[dt.date]) -> None:
    """Every question asked of both engines, one conversation per day (each answer's focus carried to
    the next question): same results, same rendered replies, same focus."""
    for today in days:
        focus_fresh = focus_loaded = None
        for question in questions:
            expected = fresh.answer(question, today=today, focus=focus_fresh)
            got = loaded.answer(question, today=today, focus=focus_loaded)
            assert got == expected, question
            assert (render(got, loaded.knowledge, today, general=loaded.lexicon.general).text
                    == render(expected, fresh.knowledge, today, general=fresh.lexicon.general).text), question
            focus_fresh, focus_loaded = expected.focus, got.focus


@pytest.mark.parametrize("kb_dir", [DEFAULT_KNOWLEDGE_DIR, Path(__file__).parent / "other_kb"], ids=["real", "other"])
def test_a_cached_engine_answers_exactly_like_a_freshly_built_one(tmp_path: Path, kb_dir: Path) -> None:
    built = cached_engine(kb_dir, tmp_path / "cache")
    [stored] = (tmp_path / "cache").glob("engine-*")
    loaded = cached_engine(kb_dir, tmp_path / "cache")
    assert loaded is not built and stored.exists()  # read back from the file, not built again
    # The word lists are stored once, on their own: the engine's file refers to them by name.
    assert loaded._frequencies is loaded.reader.frequencies and loaded._frequencies == load_frequencies()
    assert b"zipf_by_lang" not in stored.read_bytes()
    general = load_general_vocabulary()
    fresh = Engine(load_knowledge(kb_dir, general), frequencies=load_frequencies(), general=general)
    assert loaded.knowledge == fresh.knowledge
    assert_same_answers(fresh, loaded, golden_questions(fresh.knowledge),
                        [dt.date(2025, 10, 5), dt.date(2026, 3, 1), dt.date(2026, 11, 21)])


def test_a_cached_engine_is_taught_like_a_fresh_one(tmp_path: Path) -> None:
    cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache")
    loaded = cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache")
    fresh = Engine(load_knowledge(), frequencies=load_frequencies())
    for engine in (fresh, loaded):
        engine.learn_alias("the lab with the fluorescent mice", "rd-biotech")
    assert_same_answers(fresh, loaded, ["the lab with the fluorescent mice?", "where is it?"], [dt.date(2025, 10, 5)])
    assert loaded.answer("the lab with the fluorescent mice", today=dt.date(2025, 10, 5)).entry == "rd-biotech"
    # Teaching the engine in hand never changes the stored one.
    assert cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache")._learned == {}


def test_changing_a_knowledge_file_rebuilds_the_engine(tmp_path: Path) -> None:
    kb_dir = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, kb_dir)
    today = dt.date(2025, 10, 5)
    before = cached_engine(kb_dir, tmp_path / "cache")
    assert before.answer("Where is Zorglub Labs?", today=today).entry != "rd-biotech"
    actors = kb_dir / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    assert text.count("\n    - RD Biotech\n") == 1
    actors.write_text(text.replace("\n    - RD Biotech\n", "\n    - RD Biotech\n    - Zorglub Labs\n"), encoding="utf-8")
    after = cached_engine(kb_dir, tmp_path / "cache")
    assert after.answer("Where is Zorglub Labs?", today=today).entry == "rd-biotech"
    assert "Zorglub Labs" in after.knowledge.entries["rd-biotech"].names
    assert len(list((tmp_path / "cache").glob("engine-*"))) == 1  # the stale one is gone
    assert cached_engine(kb_dir, tmp_path / "cache").knowledge == after.knowledge  # and the new one is read back


def test_the_engine_key_holds_every_module_of_the_engine_and_the_schema() -> None:
    from bot import services

    engine_dir = Path(services.engine_package.__file__).parent
    assert set(engine_dir.glob("*.py")) <= set(services._ENGINE_CODE)
    assert {"knowledge.py", "vocabulary.py", "text.py"} <= {p.name for p in services._ENGINE_CODE}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "directory", "unknown-external"])
def test_a_damaged_engine_cache_file_is_ignored_and_rebuilt(tmp_path: Path, damage: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache")
    [stored] = (tmp_path / "cache").glob("engine-*")
    if damage == "garbage":
        stored.write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "truncated":
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    elif damage == "empty":
        stored.write_bytes(b"")
    elif damage == "directory":
        stored.unlink()
        stored.mkdir()
    else:  # a well-formed pickle that refers to an object this process does not give
        stored.write_bytes(b"\x80\x05\x8c\x05other\x94Q.")  # persistent id "other"
    with caplog.at_level(logging.WARNING, logger="bot.cache"):
        engine = cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache")
    assert engine.answer("Where is RD Biotech?", today=dt.date(2025, 10, 5)).entry == "rd-biotech"
    assert "unreadable" in caplog.text or "could not write" in caplog.text
    if damage != "directory":  # rewritten whole: read back from now on
        assert cached_engine(DEFAULT_KNOWLEDGE_DIR, tmp_path / "cache").knowledge == engine.knowledge


def test_ask_answers_through_a_damaged_engine_cache_file(tmp_path: Path) -> None:
    """The whole command, as a real process: a damaged cache file costs a rebuild, never the answer."""
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "bot", "ask", "--no-log", "--json", "Où se trouve RD Biotech ?"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    [stored] = (tmp_path / "data" / "cache").glob("engine-*")
    stored.write_bytes(b"\x80\x05garbage")
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert json.loads(second.stdout)["entry"] == "rd-biotech"
