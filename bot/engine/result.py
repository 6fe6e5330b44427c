"""What the engine returns: plain data, rendered to text by `bot.replies`."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    ANSWERED = "answered"
    CLARIFY = "clarify"
    UNANSWERED = "unanswered"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class Suggestion:
    """An entry the user may have meant, with the label to show on a button."""

    entry: str
    label: str


@dataclass(frozen=True)
class Result:
    """The engine's reading of one question.

    `intent` says what was asked (definition, where, when, who, how_many, list, employers, ...),
    `entry` the main entry it is about, `items` further entries the answer lists (employers in a
    city, events, objectives), `missing` the attribute asked for that the knowledge base lacks.
    """

    question: str
    normalised: str
    status: Status
    lang: str
    intent: str
    entry: str | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    items: tuple[str, ...] = ()
    missing: str | None = None
    place: str | None = None
    detail: dict = field(default_factory=dict, compare=False)

    @property
    def needs_review(self) -> bool:
        """Unanswered and unclear questions go to the staff log."""
        return self.status in (Status.UNANSWERED, Status.CLARIFY)
