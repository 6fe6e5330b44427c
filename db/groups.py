"""In-memory indexes the writer consults for each question: dismissed phrasings and group leaders.

Both are caches of tables, refreshed cheaply (one query each, at most once a second, and at once
after a staff action in this process) rather than loaded per question, and both stay correct
with several processes writing: the dismissed phrasings are reloaded when the table's (count,
max id) changes, so another process's dismissal applies within a second; a group found in the
cache is only joined
if an `UPDATE ... WHERE id, state and leader still match` touches its row (otherwise the cache is
stale: the group is dropped from it and the next candidate, or a new group, is used).

The similarity rule is the one of `db.grouping`: token_sort_ratio >= SIMILAR, or >=
SIMILAR_SAME_ENTRY when the engine's best candidate entry is the same.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, func, select

from db import grouping
from db.models import DismissedPhrase, QuestionGroup


class DismissedIndex:
    """Phrasings staff dismissed: an exact set of normalised texts, then a fuzzy pass over their keys."""

    def __init__(self) -> None:
        self._exact: frozenset[str] = frozenset()
        self._keys: list[str] = []
        self._signature: tuple[int, int | None] | None = None
        self._lock = threading.Lock()

    def refresh(self, connection: Connection) -> None:
        """Reload if the table changed since the last look (one small aggregate query)."""
        signature = tuple(connection.execute(select(func.count(), func.max(DismissedPhrase.id))).one())
        if signature == self._signature:
            return
        phrases = connection.execute(select(DismissedPhrase.normalised)).scalars().all()
        with self._lock:
            self._exact = frozenset(phrases)
            self._keys = sorted({grouping.sort_key(p) for p in phrases})
            self._signature = signature  # type: ignore[assignment]

    def invalidate(self) -> None:
        """Staff dismissed or linked something: reload at the next refresh."""
        with self._lock:
            self._signature = None

    def matches(self, normalised: str) -> bool:
        """The same question as a dismissed one: same normalised text, else similar enough."""
        with self._lock:
            exact, keys = self._exact, self._keys
        if normalised in exact:
            return True
        if not keys:
            return False
        return process.extractOne(grouping.sort_key(normalised), keys, scorer=fuzz.ratio,
                                  score_cutoff=grouping.SIMILAR) is not None


@dataclass
class _Leaders:
    """The groups of one review state: parallel lists, for rapidfuzz, plus a position per id."""

    ids: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    entries: list[str | None] = field(default_factory=list)
    position: dict[int, int] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)  # leader -> the oldest group led by it

    def add(self, group_id: int, key: str, entry: str | None) -> None:
        if group_id in self.position:
            return
        self.position[group_id] = len(self.ids)
        self.ids.append(group_id)
        self.keys.append(key)
        self.entries.append(entry)
        self.by_key.setdefault(key, group_id)

    def discard(self, group_id: int) -> None:
        at = self.position.pop(group_id, None)
        if at is None:
            return
        if self.by_key.get(self.keys[at]) == group_id:
            del self.by_key[self.keys[at]]
        last = len(self.ids) - 1
        if at != last:  # move the last one into the hole
            self.ids[at], self.keys[at], self.entries[at] = self.ids[last], self.keys[last], self.entries[last]
            self.position[self.ids[at]] = at
        del self.ids[last], self.keys[last], self.entries[last]


class GroupIndex:
    """Group leaders per review state, loaded on first use, extended with groups others created."""

    def __init__(self) -> None:
        self._states: dict[str, _Leaders] = {}
        self._max_seen = 0
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget everything (after a staff action moved or merged groups): reloaded when next needed."""
        with self._lock:
            self._states = {}
            self._max_seen = 0

    def _load(self, connection: Connection, state: str) -> _Leaders:
        leaders = _Leaders()
        rows = connection.execute(select(QuestionGroup.id, QuestionGroup.leader, QuestionGroup.leader_entry)
                                            .where(QuestionGroup.state == state).order_by(QuestionGroup.id))
        for group_id, key, entry in rows:
            leaders.add(group_id, key, entry)
            self._max_seen = max(self._max_seen, group_id)
        self._states[state] = leaders
        return leaders

    def sync(self, connection: Connection) -> None:
        """Add the groups other processes created since the last look (one indexed query)."""
        with self._lock:
            if not self._states:
                return
            rows = connection.execute(
                select(QuestionGroup.id, QuestionGroup.state, QuestionGroup.leader, QuestionGroup.leader_entry)
                .where(QuestionGroup.id > self._max_seen))
            for group_id, state, key, entry in rows:
                if state in self._states:
                    self._states[state].add(group_id, key, entry)
                self._max_seen = max(self._max_seen, group_id)

    def candidates(self, connection: Connection, state: str, key: str, entry: str | None) -> list[tuple[int, str]]:
        """(group id, leader) of the groups `key` may join, best first, by the grouping rule."""
        with self._lock:
            leaders = self._states.get(state) or self._load(connection, state)
            if not leaders.keys:
                return []
            same = leaders.by_key.get(key)
            if same is not None:  # the same words as a leader (the usual repeat): no fuzzy search
                return [(same, key)]
            found = process.extract(key, leaders.keys, scorer=fuzz.ratio,
                                    score_cutoff=grouping.SIMILAR_SAME_ENTRY, limit=None)
            return [(leaders.ids[i], leaders.keys[i]) for _choice, score, i in found
                    if score >= grouping.SIMILAR or (entry is not None and leaders.entries[i] == entry)]

    def add(self, state: str, group_id: int, key: str, entry: str | None) -> None:
        with self._lock:
            if state in self._states:
                self._states[state].add(group_id, key, entry)
            self._max_seen = max(self._max_seen, group_id)

    def discard(self, state: str, group_id: int) -> None:
        with self._lock:
            if state in self._states:
                self._states[state].discard(group_id)


REFRESH_SECONDS = 1.0


@dataclass
class ReviewIndexes:
    """What the record path needs besides the session; one per QuestionLog."""

    dismissed: DismissedIndex = field(default_factory=DismissedIndex)
    groups: GroupIndex = field(default_factory=GroupIndex)
    refresh_seconds: float = REFRESH_SECONDS
    _next_refresh: float = 0.0

    def due(self) -> bool:
        """Is it time to look for other processes' changes?"""
        return time.monotonic() >= self._next_refresh

    def refresh(self, connection: Connection) -> None:
        """Before a batch of questions: look for other processes' changes, at most once a second."""
        now = time.monotonic()
        if now < self._next_refresh:
            return
        self._next_refresh = now + self.refresh_seconds
        self.dismissed.refresh(connection)
        self.groups.sync(connection)

    def reviewed(self) -> None:
        """Staff changed groups or phrasings in this process: reload before the next batch."""
        self.groups.reset()
        self.dismissed.invalidate()
        self._next_refresh = 0.0
