"""The inbox: filtering, summarising and paging review groups. Pure: groups in, a page out."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.text import normalise
from db.models import OPEN, STATES
from db.review_index import LoggedQuestion, ReviewGroup

PER_PAGE = 25
LANGS = ("fr", "en")
CHANNELS = ("telegram", "cli")


@dataclass(frozen=True)
class InboxFilter:
    """What staff asked to see; built from the query string, bad values dropped with a note."""

    status: str = OPEN
    search: str = ""
    lang: str = ""
    channel: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> tuple[InboxFilter, list[str]]:
        """The filter, and the names of the parameters that were not understood (and ignored)."""
        wrong: list[str] = []

        def choice(name: str, allowed: Sequence[str], default: str) -> str:
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                wrong.append(name)
                return default
            return value or default

        def day(name: str) -> dt.date | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                wrong.append(name)
                return None

        status, lang, channel = choice("status", STATES, OPEN), choice("lang", LANGS, ""), choice("channel", CHANNELS, "")
        since, until = day("from"), day("to")
        page_raw = (query.get("page") or "1").strip()
        page = int(page_raw) if page_raw.isdigit() and int(page_raw) >= 1 else 1
        if page_raw != str(page):
            wrong.append("page")
        flt = cls(status=status, search=(query.get("q") or "").strip()[:200], lang=lang, channel=channel,
                  since=since, until=until, page=page)
        return flt, wrong

    def query(self, **changes: object) -> dict[str, str]:
        """Query-string parameters for this filter with `changes` (for links: paging, sorting)."""
        flt = replace(self, **changes)  # type: ignore[arg-type]
        params = {"status": flt.status, "q": flt.search, "lang": flt.lang, "channel": flt.channel,
                  "from": flt.since.isoformat() if flt.since else "", "to": flt.until.isoformat() if flt.until else "",
                  "page": str(flt.page) if flt.page > 1 else ""}
        return {k: v for k, v in params.items() if v and not (k == "status" and v == OPEN)}

    @property
    def narrows(self) -> bool:
        return bool(self.search or self.lang or self.channel or self.since or self.until)

    def matcher(self):  # type: ignore[no-untyped-def]
        """A predicate on questions (built once per page: the search text is normalised once)."""
        needle = normalise(self.search) if self.search else ""
        start = dt.datetime.combine(self.since, dt.time(), tzinfo=dt.UTC) if self.since else None
        end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if self.until else None

        def matches(q: LoggedQuestion) -> bool:
            return ((not self.lang or q.lang == self.lang) and (not self.channel or q.channel == self.channel)
                    and (start is None or q.asked_at >= start) and (end is None or q.asked_at < end)
                    and (not needle or needle in q.normalised))
        return matches


@dataclass(frozen=True)
class GroupSummary:
    """One line of the inbox."""

    key: str
    count: int  # questions matching the filter
    total: int  # questions in the group
    langs: tuple[str, ...]
    channels: tuple[str, ...]
    first_asked: dt.datetime
    last_asked: dt.datetime
    samples: tuple[str, ...]  # distinct wordings, most frequent first
    candidates: tuple[str, ...]


def summarise(group: ReviewGroup, questions: Sequence[LoggedQuestion]) -> GroupSummary:
    texts = Counter(q.text for q in questions)
    return GroupSummary(
        key=group.key, count=len(questions), total=len(group.questions),
        langs=tuple(sorted({q.lang for q in questions})), channels=tuple(sorted({q.channel for q in questions})),
        first_asked=min(q.asked_at for q in questions), last_asked=max(q.asked_at for q in questions),
        samples=tuple(text for text, _n in texts.most_common(3)), candidates=group.candidates(3),
    )


@dataclass(frozen=True)
class InboxPage:
    groups: tuple[GroupSummary, ...]
    matching_groups: int
    matching_questions: int
    page: int
    pages: int


def inbox_page(groups: Sequence[ReviewGroup], flt: InboxFilter, per_page: int = PER_PAGE) -> InboxPage:
    """Groups with at least one question matching the filter, most matching questions first
    (then most recently asked), cut into pages; only the shown page is summarised."""
    matches = flt.matcher()
    kept: list[tuple[ReviewGroup, list[LoggedQuestion]]] = []
    for group in groups:
        selected = [q for q in group.questions if matches(q)] if flt.narrows else list(group.questions)
        if selected:
            kept.append((group, selected))
    kept.sort(key=lambda gq: (-len(gq[1]), -gq[1][-1].id))
    pages = max(1, -(-len(kept) // per_page))
    page = min(flt.page, pages)
    shown = kept[(page - 1) * per_page: page * per_page]
    return InboxPage(groups=tuple(summarise(g, qs) for g, qs in shown), matching_groups=len(kept),
                     matching_questions=sum(len(qs) for _g, qs in kept), page=page, pages=pages)
