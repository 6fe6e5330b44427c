"""Groups of logged questions kept up to date incrementally, for the web console's inbox.

`QuestionLog.groups()` regroups every question of a state on each call (half a second for 10,000
open questions). The console shows the inbox on every page view and after every action, so this
index keeps, per review state, the rows and their clusters in memory, and on each read asks the
database only for a fingerprint of the state (count, sum and max of the ids, from the
`(state, id)` index). New questions are assigned to the existing groups one by one, questions that
left the state are removed; nothing is ever regrouped as a whole after the first build.

The clustering is the one of `db.grouping.cluster` (same thresholds, same leader rule, same order
on the first build), so the console and `biovaliance-bot review list` name the same groups until
questions arrive or leave. Once grouping moves to record time (group ids stored with each
question), `refresh` becomes a query on that column and callers do not change.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from db import grouping, repository


@dataclass(frozen=True)
class LoggedQuestion:
    """One logged question as the console shows it (no user key)."""

    id: int
    asked_at: dt.datetime
    text: str
    normalised: str
    lang: str
    status: str  # the engine's: unanswered | clarify
    channel: str
    entry: str | None  # the engine's best candidate
    score: float
    suggested: tuple[str, ...]  # entries the engine suggested

    @classmethod
    def from_row(cls, row: Any) -> LoggedQuestion:
        suggested = tuple(s["entry"] for s in (row.suggestions or ()) if isinstance(s, dict) and s.get("entry"))
        return cls(row.id, row.asked_at, row.text, row.normalised, row.lang, row.status, row.channel,
                   row.entry, float(row.score or 0.0), suggested)


@dataclass(frozen=True)
class ReviewGroup:
    """Similar questions in one review state, oldest first; named after the oldest, `g<id>`."""

    state: str
    questions: tuple[LoggedQuestion, ...]

    @property
    def id(self) -> int:
        return self.questions[0].id

    @property
    def key(self) -> str:
        return f"g{self.id}"

    def candidates(self, limit: int = 5) -> tuple[str, ...]:
        """Entries the engine leaned towards for these questions, most often (then best score) first."""
        votes: Counter[str] = Counter()
        best: dict[str, float] = {}
        for q in self.questions:
            if q.entry:
                votes[q.entry] += 2  # the best candidate counts more than one suggestion among several
                best[q.entry] = max(best.get(q.entry, 0.0), q.score)
            for entry in q.suggested:
                votes[entry] += 1
        return tuple(sorted(votes, key=lambda e: (-votes[e], -best.get(e, 0.0), e))[:limit])


@dataclass
class _Clusters:
    """The questions of one state and their clusters, updated in place."""

    fingerprint: tuple[int, int, int] = (0, 0, 0)
    rows: dict[int, LoggedQuestion] = field(default_factory=dict)
    leaders: list[str] = field(default_factory=list)  # sort key of each cluster's first text
    leader_entries: list[str | None] = field(default_factory=list)
    cluster_of_text: dict[str, int] = field(default_factory=dict)
    members: list[set[int]] = field(default_factory=list)

    def add(self, rows: Iterable[LoggedQuestion]) -> None:
        """Assign new questions: same text, same group; else the closest leader; else a new group.

        Texts are taken most frequent first, as `grouping.cluster` does, so a first build over all
        rows gives the same groups as a full regroup.
        """
        by_text: dict[str, list[LoggedQuestion]] = {}
        for row in sorted(rows, key=lambda r: r.id):
            self.rows[row.id] = row
            by_text.setdefault(row.normalised, []).append(row)
        for text in sorted(by_text, key=lambda t: (-len(by_text[t]), by_text[t][0].id)):
            members = by_text[text]
            index = self.cluster_of_text.get(text)
            if index is None:
                index = self._place(text, members)
                self.cluster_of_text[text] = index
            self.members[index].update(r.id for r in members)

    def _place(self, text: str, members: Sequence[LoggedQuestion]) -> int:
        entry = Counter(r.entry for r in members if r.entry).most_common(1)
        main_entry = entry[0][0] if entry else None
        key = grouping.sort_key(text)
        for _choice, score, index in process.extract(
            key, self.leaders, scorer=fuzz.ratio, score_cutoff=grouping.SIMILAR_SAME_ENTRY, limit=None
        ):
            if score >= grouping.SIMILAR or (main_entry is not None and self.leader_entries[index] == main_entry):
                return index
        self.leaders.append(key)
        self.leader_entries.append(main_entry)
        self.members.append(set())
        return len(self.members) - 1

    def remove(self, ids: Iterable[int]) -> None:
        for question_id in ids:
            row = self.rows.pop(question_id, None)
            if row is None:
                continue
            index = self.cluster_of_text.get(row.normalised)
            if index is not None:
                self.members[index].discard(question_id)
        # A text none of whose questions remain is forgotten; its group's leader stays, so later
        # questions like it still join that group.
        remaining = {r.normalised for r in self.rows.values()}
        for text in [t for t in self.cluster_of_text if t not in remaining]:
            del self.cluster_of_text[text]

    def groups(self, state: str) -> list[ReviewGroup]:
        return [ReviewGroup(state, tuple(self.rows[i] for i in sorted(ids))) for ids in self.members if ids]


class ReviewIndex:
    """Per review state, the groups of logged questions; thread-safe, one per QuestionLog."""

    def __init__(self) -> None:
        self._states: dict[str, _Clusters] = {}
        self._lock = threading.Lock()

    def groups(self, session: Session, state: str) -> list[ReviewGroup]:
        """The current groups of `state` (unordered), after catching up with the database."""
        with self._lock:
            return self._refresh(session, state).groups(state)

    def _refresh(self, session: Session, state: str) -> _Clusters:
        fingerprint = repository.state_fingerprint(session, state)
        clusters = self._states.get(state)
        if clusters is not None and clusters.fingerprint == fingerprint:
            return clusters
        if clusters is None:
            clusters = self._states[state] = _Clusters()
            clusters.add(LoggedQuestion.from_row(r) for r in repository.question_rows(session, state))
        else:
            count, total, top = fingerprint
            newest = max(clusters.rows, default=0)
            new_rows = [LoggedQuestion.from_row(r) for r in repository.question_rows(session, state, after_id=newest)]
            only_new = (len(clusters.rows) + len(new_rows) == count
                        and sum(clusters.rows) + sum(r.id for r in new_rows) == total)
            if only_new:  # the usual case: questions were asked, none left the state
                clusters.add(new_rows)
            else:
                ids = repository.ids_in_state(session, state)
                clusters.remove([i for i in clusters.rows if i not in ids])
                added = [i for i in ids if i not in clusters.rows]
                clusters.add(LoggedQuestion.from_row(r) for r in repository.question_rows(session, state, ids=added))
        clusters.fingerprint = fingerprint
        return clusters
