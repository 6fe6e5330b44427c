"""What the engine returns: typed data, rendered to words by `bot.replies` (one renderer per kind)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Status(str, Enum):
    ANSWERED = "answered"
    CLARIFY = "clarify"
    UNANSWERED = "unanswered"
    SMALLTALK = "smalltalk"


class Ask(str, Enum):
    """What a question asks."""

    DESCRIBE = "describe"
    WHERE = "where"
    WHEN = "when"
    WHO = "who"
    HOW_MANY = "how_many"
    LAUNCHED = "launched"
    RELATION = "relation"
    SOURCES = "sources"
    SAID = "said"
    JOBS = "jobs"
    LIST = "list"
    FIELD = "field"


@dataclass(frozen=True)
class Suggestion:
    """An entry the user may have meant, with the label to show on a button."""

    entry: str
    label: str


# ----------------------------------------------------------------------------- parts
# One part per question answered; a message with two questions gets two parts.

@dataclass(frozen=True)
class Card:
    """Everything the knowledge base says about one entry."""

    entry: str


@dataclass(frozen=True)
class Location:
    """Where an entry is (its city or wider area); a person: the organisation they work for."""

    entry: str


@dataclass(frozen=True)
class Schedule:
    """An event's dates and place (dates and place are always said together)."""

    entry: str


@dataclass(frozen=True)
class Launch:
    """When an entry was launched or founded, and by whom when the sources say."""

    entry: str


@dataclass(frozen=True)
class FieldValue:
    """A named attribute of an entry that the knowledge base gives."""

    entry: str
    attribute: str
    value: object  # a text, or a text per language (anything with .get(lang))


@dataclass(frozen=True)
class Listing:
    """Entries answering a question about many: `heading` names the catalogue line to lead with."""

    heading: str
    items: tuple[str, ...]
    subject: str | None = None       # the entry the list is about (its people, its actors...)
    places: tuple[str, ...] = ()     # place keys the list was filtered on
    none_upcoming: bool = False      # upcoming events were asked and there are none
    outside: bool = False            # filtered on being outside `places` ("which was not in Acmeland?")


@dataclass(frozen=True)
class Relation:
    """How two entries are connected, from what the sources say of each."""

    entry: str
    other: str
    linked: bool


@dataclass(frozen=True)
class Sources:
    files: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The answer to a yes/no question: yes or no first, then the fact that decides it."""

    yes: bool | None  # None: the sources neither confirm nor deny; the fact is given
    fact: "Part"


@dataclass(frozen=True)
class Missing:
    """An attribute the sources do not give; `entry` is what they do say something about."""

    attribute: str | None
    entry: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class OtherEdition:
    """An edition or year the sources do not cover; `entry` is the one they do."""

    entry: str
    year: int


@dataclass(frozen=True)
class NotFound:
    """Nothing in the knowledge base fits (a place with no such entry, an unknown subject)."""

    place: str | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Declined:
    """Questions the assistant never answers: off topic, advice, too long."""

    reason: str  # "off_topic", "too_long", "unknown"
    entry: str | None = None


@dataclass(frozen=True)
class Chat:
    """Small talk: greetings, thanks, "ok", who the assistant is, help."""

    kind: str


@dataclass(frozen=True)
class Clarify:
    suggestions: tuple[Suggestion, ...]
    follow_up: bool = False  # a follow-up with nothing to follow: ask what it is about


Part = (Card | Location | Schedule | Launch | FieldValue | Listing | Relation | Sources | Verdict | Missing
        | OtherEdition | NotFound | Declined | Chat | Clarify)

DECLINES = (Missing, OtherEdition, NotFound, Declined)


@dataclass(frozen=True)
class Focus:
    """What a conversation is about after a reply: read with the next question (never the text)."""

    entries: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()      # the last list shown, in order, for "the first one"
    ask: str | None = None
    attribute: str | None = None

    @property
    def empty(self) -> bool:
        return not self.entries and not self.listed

    def known(self, ids) -> Focus:
        """Without the entries `ids` no longer holds: a conversation kept across a knowledge reload."""
        if ids.keys() >= {*self.entries, *self.listed}:
            return self
        return replace(self, entries=tuple(e for e in self.entries if e in ids),
                       listed=tuple(e for e in self.listed if e in ids))

    def to_json(self) -> dict:
        return {"entries": list(self.entries), "listed": list(self.listed), "ask": self.ask,
                "attribute": self.attribute}

    @classmethod
    def from_json(cls, data: dict | None) -> "Focus":
        data = data or {}
        return cls(tuple(data.get("entries") or ()), tuple(data.get("listed") or ()), data.get("ask"),
                   data.get("attribute"))


@dataclass(frozen=True)
class Result:
    """The engine's reply to one message: its status, typed parts, and the focus it leaves."""

    question: str
    normalised: str
    status: Status
    lang: str
    parts: tuple[Part, ...] = ()
    intent: str = ""  # what was answered, as a word for the question log (the first part's kind)
    entry: str | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    focus: Focus = field(default_factory=Focus)
    reading: tuple[dict, ...] = field(default=(), compare=False)  # how each clause was read (console "try it")

    @property
    def kind(self) -> str:
        """The first part's kind, in snake case ('card', 'listing', 'missing'...)."""
        if not self.parts:
            return "none"
        part = self.parts[0]
        if isinstance(part, Chat):
            return part.kind
        name = type(part).__name__
        return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")

    @property
    def needs_review(self) -> bool:
        """Unanswered and unclear questions go to the staff log."""
        return self.status in (Status.UNANSWERED, Status.CLARIFY)

    @property
    def items(self) -> tuple[str, ...]:
        """Every entry the reply shows, in order: lists' items, the entries of cards and facts."""
        ids: list[str] = []
        for part in self.parts:
            part = part.fact if isinstance(part, Verdict) else part
            if isinstance(part, Listing):
                ids += part.items
            elif isinstance(part, Relation):
                ids += [part.entry, part.other]
            elif getattr(part, "entry", None):
                ids.append(part.entry)
        return tuple(dict.fromkeys(ids))

    @property
    def listed(self) -> tuple[str, ...]:
        return next((p.items for p in self.parts if isinstance(p, Listing)), ())
