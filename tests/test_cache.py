"""The content-keyed disk cache (bot/cache.py) and what the services cache with it."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot import cache
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError
from bot.services import cached_frequencies, cached_knowledge


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
