"""Answers staff wrote for questions the knowledge base does not cover: matching a question to one.

Pure (no Telegram, no SQLAlchemy): the answers come from a store (`db.handover.HandoverStore`)
through `StaffAnswerBook.refresh`, which reloads them only when the store's change counter moved,
so every bot process picks up a new answer within seconds without a restart.

Matching is deliberately conservative: the question, normalised by `bot.text.normalise`, must be
one of the saved phrasings, or be close to one in rapidfuzz's `token_sort_ratio` (word order
free, but every word counts) with at least two words on each side. `token_set_ratio` and `WRatio`
are not used: they score a lone common word ("stand", "adresse") high against any phrasing that
contains it.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import field_validator
from rapidfuzz import fuzz, process

from bot.knowledge import Entry
from bot.text import normalise

MATCH_SCORE = 88.0  # word order, a typo or "svp" pass; "ou est le stand" vs "ou est votre stand" (73) does not
MIN_WORDS = 2  # below this only an exact phrasing matches


@dataclass(frozen=True)
class StaffAnswer:
    id: int
    texts: Mapping[str, str]  # lang -> text; one or both of "fr", "en"
    source: str  # "<assistant name> team, 2026-11-30"
    phrasings: tuple[str, ...]

    def text_for(self, lang: str) -> tuple[str, str]:
        """(language of the text given, text): the asked language if staff wrote it, else the other."""
        if lang in self.texts:
            return lang, self.texts[lang]
        other = next(iter(self.texts))
        return other, self.texts[other]


@dataclass(frozen=True)
class StaffMatch:
    answer: StaffAnswer
    phrasing: str  # the saved phrasing (normalised) the question matched
    score: float


class StaffAnswerIndex:
    """Saved phrasings (normalised) -> the answer they belong to."""

    def __init__(self, answers: Iterable[StaffAnswer] = ()):
        self._by_phrasing: dict[str, StaffAnswer] = {}
        for answer in answers:
            for phrase in answer.phrasings:
                key = normalise(phrase)
                if key:
                    self._by_phrasing[key] = answer
        # token_sort_ratio(a, b) is ratio(sorted words of a, sorted words of b): sort the phrasings
        # once here instead of at every question (7x faster with 3,000 phrasings).
        self._choices = {key: _sorted_words(key) for key in self._by_phrasing if len(key.split()) >= MIN_WORDS}

    def __len__(self) -> int:
        return len(self._by_phrasing)

    def match(self, question: str) -> StaffMatch | None:
        key = normalise(question)
        if not key:
            return None
        exact = self._by_phrasing.get(key)
        if exact is not None:
            return StaffMatch(exact, key, 100.0)
        if len(key.split()) < MIN_WORDS or not self._choices:
            return None
        best = process.extractOne(_sorted_words(key), self._choices, scorer=fuzz.ratio, processor=None,
                                  score_cutoff=MATCH_SCORE)
        if best is None:
            return None
        _choice, score, phrasing = best
        return StaffMatch(self._by_phrasing[phrasing], phrasing, float(score))


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


class AnswerSource(Protocol):
    """Where staff answers are stored (`db.handover.HandoverStore`)."""

    def answers_version(self) -> int: ...

    def answers(self) -> list:  # of objects with id, texts, source, phrasings
        ...


@dataclass
class StaffAnswerBook:
    """The current index, reloaded when the store's version changes, checked at most every
    `check_every` seconds (the caller runs `refresh` off the event loop)."""

    check_every: float = 3.0
    clock: Callable[[], float] = time.monotonic
    index: StaffAnswerIndex = field(default_factory=StaffAnswerIndex)
    version: int = -1
    _checked_at: float = field(default=float("-inf"), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def match(self, question: str) -> StaffMatch | None:
        return self.index.match(question)

    def refresh(self, source: AnswerSource, *, force: bool = False) -> bool:
        """Reload if the store changed; True when it did. Raises what the store raises."""
        now = self.clock()
        with self._lock:
            if not force and now - self._checked_at < self.check_every:
                return False
            self._checked_at = now
            version = source.answers_version()
            if version == self.version and not force:
                return False
            answers = [StaffAnswer(a.id, dict(a.texts), a.source, tuple(a.phrasings)) for a in source.answers()]
            self.index, self.version = StaffAnswerIndex(answers), version
            return True


# --- export as knowledge-base entries ---------------------------------------------------------------

TEAM_SOURCE = re.compile(r".+ team, \d{4}-\d{2}-\d{2}")


class TeamAnswer(Entry):
    """A staff answer as a knowledge-base entry: the knowledge schema's `Entry` (id, names, aliases,
    bilingual text, examples: the same field rules), whose source is the team and a date instead
    of an article. `answers.yaml` is not yet one of `bot.knowledge.FILES`: the engine's loader
    must list it (with this model) before such entries can be merged into `knowledge/`."""

    kind: Literal["team-answer"] = "team-answer"

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: tuple[str, ...]) -> tuple[str, ...]:  # overrides Entry's: the team, dated
        wrong = [s for s in value if not TEAM_SOURCE.fullmatch(s)]
        if wrong:
            raise ValueError(f"a team answer's source is '<name> team, YYYY-MM-DD', not {wrong[0]!r}")
        return value


def as_entry(answer: StaffAnswer, *, other_lang_note: Mapping[str, str]) -> TeamAnswer:
    """The YAML-ready entry of a staff answer (raises pydantic.ValidationError if it is not valid).

    Both languages are required by the schema: a language staff did not write gets the other
    language's text after `other_lang_note[lang]` ("The team wrote this answer in French:").
    """
    texts = {}
    for lang in ("fr", "en"):
        written_in, text = answer.text_for(lang)
        texts[lang] = text if written_in == lang else f"{other_lang_note[lang]} {text}"
    phrasings = [p.strip() for p in answer.phrasings if p.strip()]
    return TeamAnswer(id=f"team-answer-{answer.id}", names=tuple(phrasings[:1] or (f"A{answer.id}",)),
                      aliases=tuple(phrasings[1:]), text=texts, source=(answer.source,), examples=tuple(phrasings))
