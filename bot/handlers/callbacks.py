"""Inline-button payloads: typed, frozen, encoded in Telegram's 64-byte callback data.

Every button the bot produces is one of these objects; `parse` turns the raw string back into it
once, in the handler, and returns None for anything stale or foreign.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from telegram import CallbackQuery, Update

MAX_BYTES = 64  # Telegram's limit for callback_data

Section = Literal["actors", "specialities", "events", "objectives", "figures"]
SECTIONS: tuple[Section, ...] = ("actors", "specialities", "events", "objectives", "figures")
_ID = r"[a-z0-9][a-z0-9-]{0,40}"


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


@dataclass(frozen=True)
class OpenSection:
    """A menu button: send the first page of a section as a new message."""

    section: Section

    @property
    def data(self) -> str:
        return _checked(f"s:{self.section}")


@dataclass(frozen=True)
class ShowPage:
    """Previous / Next: redraw the list message at another page (page 0 is the first)."""

    section: Section
    page: int = 0

    @property
    def data(self) -> str:
        return _checked(f"p:{self.section}:{self.page}")


_SECTION_CODES = {"actors": "a", "specialities": "s", "events": "e", "objectives": "o", "figures": "f"}
_CODE_SECTIONS = {code: section for section, code in _SECTION_CODES.items()}


@dataclass(frozen=True)
class ShowCard:
    """The card of one knowledge-base entry; `back` is the list page it was opened from, if any."""

    entry: str
    back: ShowPage | None = None

    @property
    def data(self) -> str:
        back = f":{_SECTION_CODES[self.back.section]}{self.back.page}" if self.back else ""
        return _checked(f"e:{self.entry}{back}")


@dataclass(frozen=True)
class ShowMenu:
    """🏠 Menu under a card: the main menu, as a new message."""

    @property
    def data(self) -> str:
        return "menu"


AskStep = Literal["ask", "send", "cancel"]
_ASK_CODES: dict[AskStep, str] = {"ask": "a", "send": "s", "cancel": "n"}
_ASK_STEPS: dict[str, AskStep] = {code: step for step, code in _ASK_CODES.items()}


@dataclass(frozen=True)
class AskTeam:
    """Under a reply the bot was unsure of: ask the team (then consent: send, or cancel). The
    question is the message the reply quotes, so the payload needs nothing else."""

    step: AskStep = "ask"

    @property
    def data(self) -> str:
        return f"at:{_ASK_CODES[self.step]}"


ThreadKind = Literal["close", "save"]


@dataclass(frozen=True)
class ThreadAction:
    """Staff buttons under a handover thread in the staff group: close it, save its answer."""

    kind: ThreadKind
    thread: int

    @property
    def data(self) -> str:
        return _checked(f"th:{self.kind[0]}:{self.thread}")


@dataclass(frozen=True)
class ReviewPage:
    """/review's next groups, `page` 1 being the second five."""

    page: int

    @property
    def data(self) -> str:
        return _checked(f"rvp:{self.page}")


@dataclass(frozen=True)
class SendCalendar:
    """The .ics file of an event."""

    entry: str

    @property
    def data(self) -> str:
        return _checked(f"ics:{self.entry}")


@dataclass(frozen=True)
class GiveFeedback:
    """Helpful / not helpful on an answer about `entry` (None when the answer had no main entry)."""

    helpful: bool
    entry: str | None

    @property
    def data(self) -> str:
        return _checked(f"fb:{int(self.helpful)}:{self.entry or '-'}")


@dataclass(frozen=True)
class ChooseLanguage:
    """Switch to `lang`, or show the choice when lang is None."""

    lang: str | None = None

    @property
    def data(self) -> str:
        return _checked(f"lang:{self.lang}" if self.lang else "lang")


ReviewKind = Literal["link", "other", "dismiss", "resolve", "write"]
_REVIEW_CODES: dict[ReviewKind, str] = {"link": "l", "other": "o", "dismiss": "d", "resolve": "r", "write": "w"}
_REVIEW_KINDS: dict[str, ReviewKind] = {code: kind for kind, code in _REVIEW_CODES.items()}


@dataclass(frozen=True)
class ReviewGroup:
    """A staff button under a review group g<group>: link it to `entry` (only for "link"), ask for
    another entry, dismiss it or mark it resolved. Group ids have at most 12 digits."""

    kind: ReviewKind
    group: int
    entry: str | None = None

    def __post_init__(self) -> None:
        if (self.kind == "link") != (self.entry is not None):
            raise ValueError(f"an entry goes with a 'link' review button and with no other: {self!r}")

    @property
    def data(self) -> str:
        entry = f":{self.entry}" if self.entry is not None else ""
        return _checked(f"rv:{_REVIEW_CODES[self.kind]}:{self.group}{entry}")


Action = (OpenSection | ShowPage | ShowCard | ShowMenu | SendCalendar | GiveFeedback | ChooseLanguage | ReviewGroup
          | AskTeam | ThreadAction | ReviewPage)

_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Action]], ...] = (
    (re.compile(rf"s:({'|'.join(SECTIONS)})"), lambda m: OpenSection(m[1])),  # type: ignore[arg-type]
    (re.compile(rf"p:({'|'.join(SECTIONS)}):(\d{{1,3}})"), lambda m: ShowPage(m[1], int(m[2]))),  # type: ignore[arg-type]
    (re.compile(rf"e:({_ID})(?::([asefo])(\d{{1,3}}))?"),
     lambda m: ShowCard(m[1], ShowPage(_CODE_SECTIONS[m[2]], int(m[3])) if m[2] else None)),  # type: ignore[arg-type]
    (re.compile(r"menu"), lambda m: ShowMenu()),
    (re.compile(r"at:([asn])"), lambda m: AskTeam(_ASK_STEPS[m[1]])),
    (re.compile(r"th:([cs]):(\d{1,12})"), lambda m: ThreadAction("close" if m[1] == "c" else "save", int(m[2]))),
    (re.compile(r"rvp:(\d{1,4})"), lambda m: ReviewPage(int(m[1]))),
    (re.compile(rf"ics:({_ID})"), lambda m: SendCalendar(m[1])),
    (re.compile(rf"fb:([01]):({_ID}|-)"), lambda m: GiveFeedback(m[1] == "1", None if m[2] == "-" else m[2])),
    (re.compile(r"lang(?::(fr|en))?"), lambda m: ChooseLanguage(m[1])),
    (re.compile(rf"rv:l:(\d{{1,12}}):({_ID})"), lambda m: ReviewGroup("link", int(m[1]), m[2])),
    (re.compile(r"rv:([odrw]):(\d{1,12})"), lambda m: ReviewGroup(_REVIEW_KINDS[m[1]], int(m[2]))),
)


def parse(data: object) -> Action | None:
    """The action a button carries, or None for data this bot did not produce."""
    if not isinstance(data, str):
        return None
    for pattern, build in _PATTERNS:
        match = pattern.fullmatch(data)
        if match:
            return build(match)
    return None


def is_a(kind: type) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern accepting the buttons of one kind of action."""
    def matches(data: object) -> bool:
        return isinstance(parse(data), kind)
    return matches


A = TypeVar("A")


def pressed(update: Update, kind: type[A]) -> tuple[CallbackQuery, A]:
    """The button press an update carries and its payload, parsed once.

    The handler's `is_a(kind)` pattern already guaranteed the kind; this only narrows the types.
    """
    query = update.callback_query
    assert query is not None
    action = parse(query.data)
    assert isinstance(action, kind)
    return query, action
