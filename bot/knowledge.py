"""The knowledge base: YAML files under `knowledge/`, validated into frozen objects.

One file per kind of entry. Every problem found is reported with its file, line, entry id and
field, so staff editing YAML by hand can fix it without reading Python.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, ValidationInfo, field_validator

from bot.text import normalise
from bot.vocabulary import GENERAL_VOCABULARY, GeneralVocabulary, KnowledgeVocabulary

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
SOURCES_FILE = "sources.yaml"
VOCABULARY_FILE = "vocabulary.yaml"

class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's when PyYAML has it
    """The safe loader, with dates left as text so pydantic checks them and says where they are wrong."""


_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Booleans as YAML 1.2 has them: only true and false. In YAML 1.1 "yes", "no", "on" and "off" are
# booleans too, and word lists are full of them ("oui, yes, no", the pronoun "on").
_SafeLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Bilingual(Frozen):
    """A text in both languages; both are required."""

    fr: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Entry(Frozen):
    """Fields every entry has: identity, how people name it, what it is, where the facts come from."""

    id: EntryId
    names: tuple[NonEmpty, ...] = Field(min_length=1)
    label: Bilingual | None = None  # display name per language, when it differs from names[0]
    # The name as a sentence says it, with its article ("les Innovative Days", "the Acme project"),
    # and whether it takes a plural verb: "Les Innovative Days ont eu lieu".
    called: Bilingual | None = None
    plural: bool = False
    aliases: tuple[NonEmpty, ...] = ()
    text: Bilingual
    source: tuple[NonEmpty, ...] = Field(min_length=1)
    examples: tuple[NonEmpty, ...] = ()
    # Further facts by attribute name (general vocabulary `attributes:`), e.g. `website: ...`:
    # declaring one here makes questions about it answerable without touching the engine.
    details: dict[str, Bilingual | NonEmpty] = {}

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @property
    def name(self) -> str:
        return self.names[0]

    def display(self, lang: str) -> str:
        """The name to show a reader of `lang`."""
        return self.label.get(lang) if self.label else self.names[0]

    def in_sentence(self, lang: str) -> str:
        """The name opening a sentence, with its article when the entry gives one."""
        if self.called is None:
            return self.display(lang)
        text = self.called.get(lang)
        return text[:1].upper() + text[1:]

    def all_names(self) -> tuple[str, ...]:
        return self.names + self.aliases

    @property
    def acronyms(self) -> tuple[str, ...]:
        """Its names written in capitals ("ACME", "SPL BIO"): what "its acronym?" asks."""
        return tuple(n for n in dict.fromkeys(self.all_names())
                     if n.replace(" ", "").isalpha() and n.isupper() and n != self.names[0])

    def references(self) -> tuple[str, ...]:
        """Ids of the entries this one names, in REFERENCE_FIELDS order, each once."""
        ids: list[str] = []
        for field in REFERENCE_FIELDS:
            value = getattr(self, field, None)
            ids += [value] if isinstance(value, str) else list(value or ())
        return tuple(dict.fromkeys(ids))


class Initiative(Entry):
    kind: Literal["initiative"] = "initiative"
    launched: NonEmpty
    launched_by: tuple[EntryId, ...] = ()
    partners: tuple[EntryId, ...] = ()
    cooperations: tuple[EntryId, ...] = ()  # partners abroad
    how_it_works: Bilingual
    members: Bilingual
    specialities: tuple[EntryId, ...] = ()


ActorKind = Literal[
    "company", "institution", "network", "consortium", "cluster", "region",
    "agency", "technopole", "competitiveness-cluster", "plan", "project", "government", "research", "media",
]


class Actor(Entry):
    kind: ActorKind
    city: NonEmpty | None = None
    area: NonEmpty | None = None  # wider place: region, state or country, when the article gives it
    specialities: tuple[EntryId, ...] = ()
    related: tuple[EntryId, ...] = ()
    led_by: tuple[EntryId, ...] = ()  # who runs it, when the source names an organisation, not a person
    launched: NonEmpty | None = None


class Person(Entry):
    kind: Literal["person"] = "person"
    role: Bilingual
    organisation: EntryId


class Speciality(Entry):
    kind: Literal["speciality"] = "speciality"


class Event(Entry):
    kind: Literal["event"] = "event"
    start: dt.date
    end: dt.date
    city: NonEmpty | None = None
    country: Bilingual

    def status(self, today: dt.date) -> str:
        """'past', 'now_on' or 'upcoming', relative to `today`."""
        if self.end < today:
            return "past"
        return "now_on" if self.start <= today else "upcoming"

    @field_validator("end")
    @classmethod
    def _dates_in_order(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"end {end} is before start {start}")
        return end


class Objective(Entry):
    kind: Literal["objective"] = "objective"
    order: int = Field(ge=1)


class Figure(Entry):
    kind: Literal["figure"] = "figure"
    value: float
    unit: Bilingual
    about: tuple[EntryId, ...] = ()


AnyEntry = Initiative | Actor | Person | Speciality | Event | Objective | Figure

class Source(Frozen):
    """One article the knowledge base is written from."""

    file: NonEmpty
    outlet: NonEmpty
    date: dt.date
    author: NonEmpty
    lang: Literal["fr", "en"]
    title: NonEmpty
    note: Bilingual | None = None
    time: dt.time | None = None  # of publication, when the article prints it
    reading_minutes: int | None = Field(default=None, gt=0)  # "4 min read"
    photo: NonEmpty | None = None  # the photo credit, as printed

    def citation(self, lang: str, date_text: str | None = None) -> str:
        """'Outlet, 2025-10-04, Author: « title »' (the date as given), with the note when there is one."""
        note = f" ({self.note.get(lang)})" if self.note else ""
        return f"{self.outlet}, {date_text or self.date.isoformat()}, {self.author}{note}: « {self.title} »"


# Which model each file holds; the file name is the contract staff follow.
FILES: dict[str, type[Entry]] = {
    "initiative.yaml": Initiative,
    "objectives.yaml": Objective,
    "actors.yaml": Actor,
    "people.yaml": Person,
    "specialities.yaml": Speciality,
    "events.yaml": Event,
    "figures.yaml": Figure,
}

# Fields naming other entries, in the order their buttons are offered.
REFERENCE_FIELDS = ("organisation", "led_by", "related", "specialities", "partners", "cooperations", "launched_by", "about")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the knowledge base, located for a human."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.entry:
            parts.append(f"entry {self.entry}")
        if self.field:
            parts.append(f"field {self.field}")
        return f"{', '.join(parts)}: {self.message}"


class KnowledgeError(Exception):
    """Raised when the knowledge base cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries, by id, in file order, with the sources they cite and their own vocabulary."""

    entries: dict[str, AnyEntry]
    sources: dict[str, Source]
    vocabulary: KnowledgeVocabulary

    def __iter__(self) -> Iterator[AnyEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str | None) -> AnyEntry | None:
        return self.entries.get(entry_id) if entry_id else None

    def of_type(self, cls: type[Entry]) -> tuple[Any, ...]:
        """Entries of one model, in file order (indexed once: questions ask this all the time)."""
        return self._by_type.get(cls, ())

    @functools.cached_property
    def _by_type(self) -> dict[type, tuple[Any, ...]]:
        by_type: dict[type, list[Any]] = {}
        for entry in self.entries.values():
            by_type.setdefault(type(entry), []).append(entry)
        return {cls: tuple(entries) for cls, entries in by_type.items()}

    @functools.cached_property
    def people_by_organisation(self) -> dict[str, tuple[str, ...]]:
        return _group_ids((p.organisation, p.id) for p in self.of_type(Person))

    @functools.cached_property
    def figures_by_subject(self) -> dict[str, tuple[str, ...]]:
        return _group_ids((about, f.id) for f in self.of_type(Figure) for about in f.about)

    @functools.cached_property
    def actors_by_speciality(self) -> dict[str, tuple[str, ...]]:
        return _group_ids((s, a.id) for a in self.of_type(Actor) for s in a.specialities)

    def events_by_date(self, today: dt.date) -> list[Event]:
        """Events to come (soonest first), then past ones (latest first): the order visitors want."""
        events = sorted(self.of_type(Event), key=lambda e: e.start)
        return [e for e in events if e.end >= today] + [e for e in reversed(events) if e.end < today]

    @property
    def initiative(self) -> Initiative:
        return self.of_type(Initiative)[0]


def _group_ids(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for key, entry_id in pairs:
        grouped.setdefault(key, []).append(entry_id)
    return {key: tuple(ids) for key, ids in grouped.items()}


def _line_of(node: yaml.Node | _Item | None, path: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the composed YAML tree to a 1-based line."""
    if isinstance(node, _Item):
        node = node.node
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _duplicate_keys(node: yaml.Node | None) -> Iterator[tuple[str, int]]:
    """Keys repeated inside one mapping, with the line of the repetition (YAML keeps the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.value, key.start_mark.line + 1
            seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


# Limits on what a knowledge file may be, checked before anything walks it: a hostile or broken
# file is refused with one located error, within a bounded time and memory.
MAX_FILE_BYTES = 1 << 20  # 1 MiB per file; the real ones are under 20 KB
MAX_DEPTH = 12  # nesting of lists and mappings; entries need 4
MAX_NUMBER_DIGITS = 15  # beyond, an integer is surely a mistake (and 4,300 digits crash int())
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?")


class _Refused(Exception):
    """A file refused before parsing: one Problem, located as well as the stream allows."""

    def __init__(self, line: int | None, message: str, *, entry_index: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line, self.message, self.entry_index, self.field = line, message, entry_index, field


def _read_text(path: Path) -> str:
    """The file's text, if it is a regular file (not a device, a FIFO or a link to one) within the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not block the start
    except OSError as exc:
        raise _Refused(None, f"cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(None, "not a regular file (a device, a pipe or a link to one)")
        if info.st_size > MAX_FILE_BYTES:
            raise _Refused(None, f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(None, f"file is over {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(None, f"cannot read file: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _refuse_hostile(text: str) -> None:
    """Walk the event stream once, before any node tree exists, and refuse what a knowledge file never
    needs and an attacker uses: aliases and anchors (the "billion laughs"), deep nesting, numbers
    out of range. Raises _Refused with the line, and the entry and field when known."""
    # A stack of open collections: ["seq" | "map", next item is a key?, current key]
    stack: list[list[Any]] = []
    entry_index = -1

    def where() -> tuple[int | None, str | None]:
        field = stack[1][2] if len(stack) >= 2 and stack[1][0] == "map" else None
        return (entry_index if len(stack) >= 2 else None), field

    def refuse(event: yaml.Event, message: str) -> None:
        index, field = where()
        raise _Refused(event.start_mark.line + 1, message, entry_index=index, field=field)

    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            refuse(event, f"YAML alias *{event.anchor} is not allowed: write the value out")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.anchor:
            refuse(event, f"YAML anchor &{event.anchor} is not allowed: write the value out")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            top = stack[-1] if stack else None
            if len(stack) == 1 and top is not None and top[0] == "seq":
                entry_index += 1
            is_key = top is not None and top[0] == "map" and top[1]
            if top is not None and top[0] == "map":
                top[1] = not top[1]
            if isinstance(event, yaml.ScalarEvent):
                if is_key:
                    top[2] = event.value  # type: ignore[index]
                elif not event.style and event.implicit[0]:  # plain (libyaml says "", PyYAML None)
                    _check_number(event, refuse)
            else:
                stack.append(["map" if isinstance(event, yaml.MappingStartEvent) else "seq", True, None])
                if len(stack) > MAX_DEPTH:
                    refuse(event, f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()


def _check_number(event: yaml.ScalarEvent, refuse: Any) -> None:
    value = event.value
    if _INT.fullmatch(value):
        if sum(c.isdigit() for c in value) > MAX_NUMBER_DIGITS:
            refuse(event, f"number out of range ({len(value)} characters; at most {MAX_NUMBER_DIGITS} digits)")
    elif _FLOAT.fullmatch(value) and any(c.isdigit() for c in value):
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            return
        if not math.isfinite(number) or len(value) > 40:
            refuse(event, "number out of range")


class _Document:
    """One parsed file: its data, the keys given twice in it, and its node tree (the line numbers of
    problems), composed from the text only when a problem needs a line."""

    def __init__(self, text: str, data: Any, duplicates: list[tuple[int | None, str, int]]) -> None:
        self.text = text
        self.data = data
        self.duplicates = duplicates  # (index of the top-level list item holding it, or None; key; line)

    @functools.cached_property
    def root(self) -> yaml.Node | None:
        loader = _SafeLoader(self.text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()

    def item(self, index: int) -> _Item:
        return _Item(self, index)

    def duplicates_in(self, index: int | None = None) -> list[tuple[str, int]]:
        """Keys given twice inside one top-level list item (every one in the file when None)."""
        return [(key, line) for where, key, line in self.duplicates if index is None or where == index]


class _Item:
    """Where a top-level list item is, for `_line_of`: its node is only looked up for a problem."""

    __slots__ = ("document", "index")

    def __init__(self, document: _Document, index: int) -> None:
        self.document, self.index = document, index

    @property
    def node(self) -> yaml.Node | None:
        root = self.document.root
        return root.value[self.index] if isinstance(root, yaml.SequenceNode) else None


class _Unusual(Exception):
    """Something the one-pass reader leaves to the careful path, which judges and reports it exactly."""


_PLAIN_RESOLVERS = _SafeLoader.yaml_implicit_resolvers
_SCALAR_CONSTRUCTORS = {tag: _SafeLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")}
_STR_TAG = "tag:yaml.org,2002:str"
_MAY_BE_NUMBER = frozenset("+-0123456789._eE")  # first characters of what `_check_number` may refuse
_NO_KEY = object()
assert not _SafeLoader.yaml_path_resolvers  # `_read_plain` resolves tags from the implicit resolvers alone


def _unusual(event: yaml.Event, message: str) -> None:
    raise _Unusual(message)


def _read_plain(text: str) -> _Document:
    """The data of a plain YAML file in one pass over libyaml's events, with no node tree.

    The same data as composing and constructing (same tags, same constructors, later keys win),
    about three times faster with far fewer objects. Anything a knowledge file does not need
    (anchors, aliases, tags, keys that are collections, merge keys, several documents) or that
    `_refuse_hostile` would refuse (deep nesting, long numbers) raises _Unusual, and so does any
    YAML error: the careful path then reads the file again and reports it exactly as before.
    """
    loader = _SafeLoader(text)
    try:
        root: Any = None
        containers: list[Any] = []  # open lists and dicts, innermost last
        keys: list[Any] = []  # per open dict: the key waiting for its value (_NO_KEY for none)
        seen: list[set[str] | None] = []  # per open dict: the keys given so far, as written
        duplicates: list[tuple[int | None, str, int]] = []
        documents = 0
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual("anchor or tag")
                value = event.value
                if event.implicit[0]:  # plain: the implicit resolvers give its type
                    if value[:1] in _MAY_BE_NUMBER:
                        _check_number(event, _unusual)
                    if not value or value[0] in _PLAIN_RESOLVERS or None in _PLAIN_RESOLVERS:
                        tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
                        if tag != _STR_TAG:
                            if tag not in _SCALAR_CONSTRUCTORS:
                                raise _Unusual(tag)
                            value = _SCALAR_CONSTRUCTORS[tag](loader, yaml.ScalarNode(
                                tag, value, event.start_mark, event.end_mark, event.style))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual("anchor or tag")
                value = {} if kind is yaml.MappingStartEvent else []
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                containers.pop()
                keys.pop()
                seen.pop()
                continue
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Unusual("several documents")
                continue
            elif kind is yaml.StreamEndEvent:
                break
            elif kind is yaml.AliasEvent:
                raise _Unusual("alias")
            else:
                continue
            if not containers:
                root = value
            elif keys[-1] is _NO_KEY and type(containers[-1]) is dict:  # a key
                if kind is not yaml.ScalarEvent:
                    raise _Unusual("a collection as a key")
                known = seen[-1]
                if event.value in known:  # type: ignore[operator]
                    duplicates.append((len(root) - 1 if type(root) is list and len(containers) > 1 else None,
                                       event.value, event.start_mark.line + 1))
                known.add(event.value)  # type: ignore[union-attr]
                keys[-1] = value
                continue
            elif type(containers[-1]) is dict:
                containers[-1][keys[-1]] = value
                keys[-1] = _NO_KEY
            else:
                containers[-1].append(value)
            if kind is not yaml.ScalarEvent:
                containers.append(value)
                keys.append(_NO_KEY)
                seen.append(set() if type(value) is dict else None)
                if len(containers) > MAX_DEPTH:
                    raise _Unusual("deep")
        return _Document(text, root, duplicates)
    finally:
        loader.dispose()


def _parse(path: Path, problems: list[Problem]) -> _Document | None:
    """The data of one YAML file, with what locates its problems; None when unreadable.

    Plain files are read in one pass (`_read_plain`). Anything else is refused first, from the
    event stream, before any node tree exists, then composed and constructed.
    """
    name = path.name
    try:
        text = _read_text(path)
        try:
            return _read_plain(text)
        except Exception:  # noqa: BLE001 - whatever it is, the careful path below reports it exactly
            pass
        _refuse_hostile(text)
        loader = _SafeLoader(text)
        try:  # parse once: the node tree gives line numbers, the same tree gives the data
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _Refused as refused:
        problems.append(Problem(name, refused.line, _entry_id_at(path, refused.entry_index), refused.field,
                                refused.message))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problems.append(Problem(name, line, None, None, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    except (ValueError, RecursionError) as exc:  # a value the constructor cannot build
        problems.append(Problem(name, None, None, None, f"invalid value: {str(exc)[:200]}"))
        return None
    if isinstance(root, yaml.SequenceNode):
        duplicates = [(index, key, line) for index, item in enumerate(root.value) for key, line in _duplicate_keys(item)]
    else:
        duplicates = [(None, key, line) for key, line in _duplicate_keys(root)]
    document = _Document(text, data, duplicates)
    document.__dict__["root"] = root  # composed already
    return document


def _self_references(entry: AnyEntry, node: yaml.Node | None, name: str) -> Iterator[Problem]:
    for field in REFERENCE_FIELDS:
        # A field its model lacks is None (getattr would first raise inside pydantic, slowly).
        value = entry.__dict__.get(field)
        refs = (value,) if isinstance(value, str) else (value or ())
        if entry.id in refs:
            yield Problem(name, _line_of(node, (field,)), entry.id, field, "an entry cannot refer to itself")


def _validation_problems(name: str, node: yaml.Node | None, entry_id: str | None,
                         exc: ValidationError) -> list[Problem]:
    return [Problem(name, _line_of(node, tuple(err["loc"])), entry_id,
                    ".".join(str(p) for p in err["loc"]) or None, err["msg"]) for err in exc.errors()]


def _read_mapping(path: Path, model: type[BaseModel], problems: list[Problem]) -> Any:
    """A file holding one mapping (vocabulary), validated; None when it has problems."""
    document = _parse(path, problems)
    if document is None:
        return None
    data = document.data
    for key, line in document.duplicates_in():
        problems.append(Problem(path.name, line, None, key, "key given twice; YAML would keep the last"))
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems.extend(_validation_problems(path.name, document.root, None, exc))
        return None


def load_general_vocabulary(path: Path = GENERAL_VOCABULARY) -> GeneralVocabulary:
    """The engine's general French/English words; raise KnowledgeError when the file is wrong."""
    problems: list[Problem] = []
    vocabulary = _read_mapping(Path(path), GeneralVocabulary, problems)
    if problems or vocabulary is None:
        raise KnowledgeError(problems or [Problem(Path(path).name, None, None, None, "empty vocabulary")])
    return vocabulary


def _read_sources(path: Path, problems: list[Problem]) -> dict[str, Source]:
    document = _parse(path, problems)
    if document is None:
        return {}
    data = document.data
    if not isinstance(data, list):
        problems.append(Problem(path.name, 1, None, None, "the file must be a YAML list of sources"))
        return {}
    sources: dict[str, Source] = {}
    for index, raw in enumerate(data):
        node = document.item(index)
        try:
            source = Source.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(path.name, node, None, exc))
            continue
        sources[source.file] = source
    return sources


def _read_file(path: Path, model: type[Entry], problems: list[Problem],
               invalid_ids: set[str]) -> list[tuple[AnyEntry, _Item]]:
    name = path.name
    document = _parse(path, problems)
    if document is None:
        return []
    data = document.data
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(name, 1, None, None, "the file must be a YAML list of entries"))
        return []
    loaded = []
    for index, raw in enumerate(data):
        node = document.item(index)
        entry_id = raw.get("id") if isinstance(raw, dict) else None
        for key, line in document.duplicates_in(index):
            problems.append(Problem(name, line, entry_id, key, "key given twice in one entry; YAML would keep the last"))
        if not isinstance(raw, dict):
            problems.append(Problem(name, _line_of(node, ()), None, None, "each entry must be a mapping"))
            continue
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            if isinstance(entry_id, str):
                invalid_ids.add(entry_id)
            problems.extend(_validation_problems(name, node, entry_id if isinstance(entry_id, str) else None, exc))
            continue
        own = list(_self_references(entry, node, name))
        problems += own
        if not own:
            loaded.append((entry, node))
    return loaded


def _entry_id_at(path: Path, index: int | None) -> str | None:
    """The id of the index-th entry of a refused file, read from its plain `id:` lines (no parsing)."""
    if index is None:
        return None
    try:
        ids = re.findall(r"(?m)^-?\s*-?\s*id:\s*([a-z0-9][a-z0-9-]{1,40})\s*$", _read_text(path))
    except _Refused:
        return None
    return ids[index] if index < len(ids) else None


def _reference_cycles(loaded: list[tuple[str, AnyEntry, yaml.Node]]) -> list[Problem]:
    """Entries that lead each other round in a circle (led_by): one problem per cycle."""
    leaders = {entry.id: [n for n in getattr(entry, "led_by", ()) or ()] for _file, entry, _node in loaded}
    where = {entry.id: (file, node) for file, entry, node in loaded}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    problems = []
    for root in leaders:
        if state.get(root):
            continue
        path, stack = [root], [iter(leaders[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:  # back to an entry on the path: a cycle
                cycle = path[path.index(nxt):] + [nxt]
                file, node = where[nxt]
                problems.append(Problem(file, _line_of(node, ("led_by",)), nxt, "led_by",
                                        "reference cycle: " + " -> ".join(cycle)))
            elif nxt in leaders and not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(leaders[nxt]))
    return problems


def load_knowledge(directory: Path | str = DEFAULT_KNOWLEDGE_DIR,
                   general: GeneralVocabulary | None = None) -> KnowledgeBase:
    """Load and validate every file; raise KnowledgeError listing all problems at once.

    `general` (the engine's vocabulary) names the attributes an entry's `details:` may give.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    invalid_ids: set[str] = set()  # entries already reported: references to them are not errors twice
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, None, None, "knowledge directory not found")])
    sources: dict[str, Source] = {}
    vocabulary: KnowledgeVocabulary | None = None
    for file_name in (SOURCES_FILE, VOCABULARY_FILE):
        if not (directory / file_name).exists():
            problems.append(Problem(file_name, None, None, None, "file is missing"))
    if (directory / SOURCES_FILE).exists():
        sources = _read_sources(directory / SOURCES_FILE, problems)
    if (directory / VOCABULARY_FILE).exists():
        vocabulary = _read_mapping(directory / VOCABULARY_FILE, KnowledgeVocabulary, problems)
    loaded: list[tuple[str, AnyEntry, yaml.Node]] = []
    unreadable = False  # a whole file lost: its ids are unknown, so references are not checked
    for file_name, model in FILES.items():
        path = directory / file_name
        if not path.exists():
            problems.append(Problem(file_name, None, None, None, "file is missing"))
            unreadable = True
            continue
        before = len(problems)
        loaded += [(file_name, e, n) for e, n in _read_file(path, model, problems, invalid_ids)]
        unreadable |= any(p.entry is None and p.file == file_name for p in problems[before:])
    for path in sorted(directory.glob("*.y*ml")):
        if path.name not in FILES and path.name not in (SOURCES_FILE, VOCABULARY_FILE):
            problems.append(Problem(path.name, None, None, None, f"unexpected file; expected one of {sorted(FILES)}"))

    entries: dict[str, AnyEntry] = {}
    origin: dict[str, str] = {}
    for file_name, entry, node in loaded:
        if entry.id in entries:
            problems.append(Problem(file_name, _line_of(node, ("id",)), entry.id, "id",
                                    f"duplicate id, already used in {origin[entry.id]}"))
            continue
        entries[entry.id] = entry
        origin[entry.id] = file_name

    alias_owner: dict[str, str] = {}
    attributes = general.attributes if general is not None else None
    for file_name, entry, node in loaded:
        for position, source in enumerate(entry.source):
            if sources and source not in sources:
                problems.append(Problem(file_name, _line_of(node, ("source", position) if len(entry.source) > 1 else ("source",)),
                                        entry.id, "source", f"unknown source {source!r}; expected one of {sorted(sources)}"))
        for key in entry.details:
            if attributes is not None and key not in attributes:
                problems.append(Problem(file_name, _line_of(node, ("details", key)), entry.id, f"details.{key}",
                                        f"unknown attribute {key!r}; expected one of {sorted(attributes)}"))
        for field in REFERENCE_FIELDS:
            value = entry.__dict__.get(field)
            refs = (value,) if isinstance(value, str) else (value or ())
            for ref in refs:
                if ref not in entries and ref not in invalid_ids and not unreadable:
                    problems.append(Problem(file_name, _line_of(node, (field,)), entry.id, field,
                                            f"reference to unknown entry {ref!r}"))
        for field in ("names", "aliases"):
            for position, alias in enumerate(getattr(entry, field)):
                key = normalise(alias)
                if not key:
                    problems.append(Problem(file_name, _line_of(node, (field, position)), entry.id, field,
                                            f"{alias!r} has no letters or digits"))
                    continue
                owner = alias_owner.setdefault(key, entry.id)
                if owner != entry.id:
                    problems.append(Problem(file_name, _line_of(node, (field, position)), entry.id, field,
                                            f"{alias!r} is also a name of {owner!r}"))
    problems += _reference_cycles(loaded)
    if not any(isinstance(e, Initiative) for e in entries.values()) and "initiative.yaml" not in {p.file for p in problems}:
        problems.append(Problem("initiative.yaml", None, None, None, "the initiative entry is missing"))
    if vocabulary is not None and vocabulary.home and vocabulary.home not in entries and not unreadable:
        problems.append(Problem(VOCABULARY_FILE, None, None, "home", f"reference to unknown entry {vocabulary.home!r}"))
    if problems or vocabulary is None:
        raise KnowledgeError(problems)
    return KnowledgeBase(entries, sources, vocabulary)
