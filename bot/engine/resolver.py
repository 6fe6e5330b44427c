"""Resolve a frame against the knowledge base: one declared table, one mechanism.

`TABLE` says, for what is asked and the kind of entry asked about, which query answers it. A
named attribute ("website", "partners") is looked up in the entry's fields and `details:`; when
the entry lacks it the reply says so ("my sources don't give X's website") with what they do say.
Questions about many entries (lists) filter the knowledge base by kind, place, month, time and
relation. Yes/no questions compare the claim with the fact found.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from bot.engine.lexicon import Lexicon, entry_place_texts, phrase_in
from bot.engine.reading import Frame, Named
from bot.engine.result import (
    DECLINES, Ask, Card, Clarify, Declined, FieldValue, Focus, Launch, Listing, Location, Missing, NotFound,
    OtherEdition, Part, Relation, Schedule, Sources, Suggestion, Verdict,
)
from bot.engine.search import DescriptionIndex, entry_texts
from bot.text import normalise
from bot.knowledge import Actor, Entry, Event, Figure, Initiative, KnowledgeBase, Person, Speciality

ANSWER_SCORE = 76.0       # a name matched at least this well is the subject; below, a suggestion
DESCRIBED_SCORE = 2.5     # BM25 score an entry found by description needs to be the subject
DESCRIBED_MARGIN = 1.25   # ... and how far ahead of the next entry
MAX_SUBJECTS = 3
ELLIPTIC_WORDS = 6        # a question this short with words of its own can still be about the focus
SUPPORTED_COVERAGE = 0.75  # share of a yes/no question's word roots an entry's texts must contain

# (what is asked, kind of entry) -> query. Kinds are the entries' `kind` values, then their model
# name, then "*". A new question type or kind of entry is one row here.
TABLE: dict[tuple[Ask, str], str] = {
    (Ask.WHERE, "event"): "schedule",
    (Ask.WHERE, "speciality"): "actors_with",
    (Ask.WHEN, "event"): "schedule",
    (Ask.LAUNCHED, "event"): "schedule",
    (Ask.WHERE, "*"): "location",
    (Ask.WHEN, "media"): "sources",  # "when did it come out?": its articles, dated
    (Ask.WHEN, "*"): "launch",
    (Ask.LAUNCHED, "*"): "launch",
    (Ask.WHO, "person"): "card",
    (Ask.WHO, "initiative"): "backers",
    (Ask.WHO, "speciality"): "actors_with",
    (Ask.WHO, "figure"): "card",
    (Ask.WHO, "objective"): "card",
    (Ask.WHO, "event"): "card",
    (Ask.WHO, "*"): "people",
    (Ask.HOW_MANY, "figure"): "card",
    (Ask.HOW_MANY, "*"): "figures",
    (Ask.LIST, "speciality"): "actors_with",
    (Ask.JOBS, "speciality"): "actors_with",
    (Ask.JOBS, "initiative"): "employers",
    (Ask.JOBS, "company"): "job_offers",
    (Ask.JOBS, "person"): "role",  # "what's his job?": the person's role
    (Ask.JOBS, "*"): "card",
    (Ask.RELATION, "*"): "card",
    (Ask.SOURCES, "initiative"): "sources",
    (Ask.SOURCES, "media"): "sources",
    (Ask.SOURCES, "*"): "quoted",
    (Ask.SAID, "person"): "card",
    (Ask.SAID, "*"): "quoted",
    (Ask.DESCRIBE, "*"): "card",
    (Ask.LIST, "*"): "card",
}


@dataclass
class Resolution:
    """The parts answering one clause and what the conversation is about afterwards."""

    parts: list[Part] = field(default_factory=list)
    subjects: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    score: float = 0.0
    context: tuple[str, ...] = ()  # entries that narrowed a list: still what the conversation is about


class Resolver:
    def __init__(self, knowledge: KnowledgeBase, lexicon: Lexicon, search: DescriptionIndex,
                 named_with: Callable[[list[str]], set[str]] | None = None) -> None:
        self.kb = knowledge
        self.named_with = named_with or _no_entries  # entries one of whose names holds one of these words
        self.lx = lexicon
        self.search = search
        self.initiative = knowledge.initiative.id
        # The initiative and its home region: the setting of every claim, rarely the claim's subject.
        self._setting = {self.initiative, knowledge.vocabulary.home}
        self._order = {entry_id: i for i, entry_id in enumerate(knowledge.entries)}
        # Indexes built once, so that no question scans every entry.
        self._places: dict[str, set[str]] = {}
        self._in_place: dict[str, list[str]] = {}      # place key -> entries there, in file order
        self._by_kind: dict[str, list[str]] = {}       # entry kind -> entries, in file order
        self._values: set[tuple[str, str]] = set()     # (field, entry id) it is a value of, somewhere
        self._held: set[str] = set()                   # fields and details some entry fills
        self._held_by_kind: dict[str, set[str]] = {}   # entry kind -> fields some entry of it fills
        held_add, values_add = self._held.add, self._values.add
        for entry in knowledge:
            keys: set[str] = set()
            for text in entry_place_texts(entry):
                key = lexicon.places.key_of(text)
                if key:
                    keys.update(lexicon.places.enclosing(key))
            self._places[entry.id] = keys
            for key in keys:
                self._in_place.setdefault(key, []).append(entry.id)
            self._by_kind.setdefault(entry.kind, []).append(entry.id)
            kind_held_add = self._held_by_kind.setdefault(entry.kind, set()).add
            for name, value in entry.__dict__.items():
                if value:
                    held_add(name)
                    kind_held_add(name)
                    if isinstance(value, tuple):
                        for v in value:
                            values_add((name, v))
            self._held.update(entry.details)
            if entry.acronyms:  # (a field the schema derives from the names)
                held_add("acronyms")
        self._reference_fields = {name for name, _ in self._values}  # fields whose values are entries
        # entries listed together in one field of one entry (the two partners of an initiative)
        self._siblings: dict[str, dict[str, None]] = {}  # (a dict: ordered, each once)
        for entry in knowledge:
            for name in self._reference_fields:
                values = entry.__dict__.get(name)
                if isinstance(values, tuple) and len(values) > 1:
                    for v in values:
                        self._siblings.setdefault(v, {}).update(dict.fromkeys(o for o in values if o != v))
        self._actors = [e.id for e in knowledge if isinstance(e, Actor)]
        self._events = [e.id for e in knowledge if isinstance(e, Event)]
        self._person_ids = {e.id for e in knowledge if isinstance(e, Person)}
        authors = {normalise(source.author) for source in knowledge.sources.values()}
        # the people the articles quote (their authors write, they are not quoted), in file order
        self._quoted_people = [e.id for e in knowledge if isinstance(e, Person) and normalise(e.name) not in authors]
        self._quoted_set = set(self._quoted_people)
        person_by_name = {normalise(e.name): e.id for e in knowledge if isinstance(e, Person)}
        # the person who wrote each article, when the knowledge base has them
        self._author_of = {file: person_by_name[normalise(source.author)] for file, source in knowledge.sources.items()
                           if normalise(source.author) in person_by_name}
        # the outlet entry that published each article, when the knowledge base has it
        self._outlet_of = {file: e.id for e in knowledge if e.kind == "media" for file in e.source
                           if file in knowledge.sources and normalise(e.name) == normalise(knowledge.sources[file].outlet)}
        self._outlet_of_author = {person: self._outlet_of[file] for file, person in sorted(self._author_of.items())
                                  if file in self._outlet_of}
        # What a place can hold, when a question names only a place: actors and events, not media.
        self._placed_kinds = {e.kind for e in knowledge if isinstance(e, (Actor, Event)) and e.kind != "media"}
        self._kind_of_noun = {name: set(k.entry_kinds) for name, k in lexicon.general.kinds.items()}
        # "companies", "événements": a kind noun that is another one's plural ("the other companies" are several)
        self._plural_kind_words = {w for k in lexicon.general.kinds.values() for w in k.words
                                   if w[-1:] in ("s", "x") and (w[:-1] in k.words or w[:-3] + "y" in k.words)}
        pronouns = lexicon.general.pronouns
        self._pointing = pronouns.person | pronouns.thing | pronouns.possessive  # words that point back
        self._language_words = set().union(*lexicon.general.article_languages.values())  # "the French article"
        self._queries: dict[str, Callable[[Entry, Frame, dt.date], Part]] = {
            "card": self._card,
            "schedule": self._schedule,
            "location": self._location,
            "launch": self._launch,
            "backers": self._backers,
            "people": self._people,
            "actors_with": self._actors_with,
            "figures": self._figures,
            "employers": self._employers,
            "job_offers": self._job_offers,
            "sources": self._sources,
            "quoted": self._quoted,
            "role": self._role,
        }

    # ------------------------------------------------------------------ entry point
    def resolve(self, frame: Frame, focus: Focus, today: dt.date, *, context: list[str] | None = None,
                forced: str | None = None) -> Resolution:
        """One clause: refuse or ask back early, find what it is about, then answer that (or a list)."""
        frame = self._place_pointed(self._attributed(frame), focus)
        self._inherit_ask(frame, focus, bool(forced) or any(n.score >= ANSWER_SCORE for n in frame.named))
        frame = self._outlet_pointed(frame, focus)
        early = self._said_by_focus(frame, focus, forced) or self._other_holder(frame, today, forced) \
            or self._refusal(frame, forced) or self._stepped(frame, focus, today)
        if early is not None:
            return early
        frame = self._figure_as_kind(self._attribute_of_kind(frame))
        if Ask.SOURCES in frame.asks and (Ask.JOBS in frame.asks or frame.kinds):
            frame.asks.remove(Ask.SOURCES)  # "employers the articles name", "firms cited in the articles": those
        if Ask.JOBS in frame.asks and self._number_claimed(frame):
            frame.asks.remove(Ask.JOBS)  # "it supports 20,000 jobs, right?": a count claimed, not a job search
        found = self._subjects(frame, focus, context, forced)
        if isinstance(found, Resolution):
            return found
        subjects, filters, score = found
        compared = self._compared(frame, subjects + filters)
        if compared is not None:
            return compared
        if not subjects:  # "which of them is in Lille?": a list, within the last one when so pointed
            resolution = self._list_resolution(frame, today, filters, context, self._within(frame, focus))
            resolution.context = tuple(filters)
            return resolution
        if frame.unknown >= 1 and not frame.attribute and frame.ask in (Ask.DESCRIBE, Ask.LIST) and forced is None \
                and not frame.kinds and not frame.places and not frame.yes_no and not frame.existential:
            return Resolution([Missing(None, subjects[0])], tuple(subjects[:1]), score=score)
        resolution = self._subject_resolution(frame, subjects, filters, today, score)
        if forced:  # staff linked this question to an entry: answer from it whatever the question holds
            resolution.parts = [Card(forced) if isinstance(p, DECLINES) else p for p in resolution.parts]
        return resolution

    def _said_by_focus(self, frame: Frame, focus: Focus, forced: str | None) -> Resolution | None:
        """"Et il a dit quoi sur Acme ?", "what did she write?": the person in focus said it, whatever
        it is about (their card holds what the sources quote of them)."""
        if forced or frame.yes_no or frame.off_topic or Ask.WHO in frame.asks or not {Ask.SAID, Ask.SOURCES} & set(frame.asks):
            return None
        person = self.kb.entries.get(focus.entries[0]) if focus.entries else None
        words = set(frame.words)
        if not isinstance(person, Person) or not words & self._pointing or words & self.lx.general.pronouns.neuter \
                or any(self.kb.entries[n.entry].kind == "media" for n in frame.named) \
                or frame.narrowing and not self.search.coverage(frame.narrowing, person.id) \
                or any(isinstance(self.kb.entries[n.entry], Person) for n in frame.named):  # ("when was it published?")
            return None
        return Resolution([Card(person.id)], (person.id,), score=90.0)

    def _stepped(self, frame: Frame, focus: Focus, today: dt.date) -> Resolution | None:
        """"Which event came right after the Springfield one?", "et celui d'avant ?": the event next to another
        (named, the one event in the place named, or the one in focus) in calendar order."""
        if not frame.step or not self._events:
            return None
        anchor = next((n.entry for n in frame.named if n.entry in self._events), None)
        if anchor is None and frame.places:
            here = [e for e in self._events if set(frame.places) & self._places.get(e, set())]
            anchor = here[0] if len(here) == 1 else None
        if anchor is None:
            anchor = next((e for e in focus.entries if e in self._events), None)
        if anchor is None:
            return None
        calendar = sorted(self._events, key=lambda e: self.kb.entries[e].start)
        index = calendar.index(anchor) + frame.step
        if not 0 <= index < len(calendar):
            return Resolution([NotFound(kinds=("event",))], (anchor,))
        plain = replace(frame, named=[], places=[], kinds=[], narrowing=[], step=0, yes_no=False)
        return self._subject_resolution(plain, [calendar[index]], [], today, 90.0)

    def _never_held(self, frame: Frame, filters: list[str]) -> Resolution | None:
        """"Is there an Acme call for projects for startups?": an attribute no entry of the knowledge
        base has is missing, not a list of what else the clause names."""
        attribute = frame.attribute
        spec = self.lx.general.attributes.get(attribute) if attribute else None
        if spec is None or spec.people or spec.figures or attribute in ("role", "led_by"):
            return None
        if self._held & set(spec.fields or (attribute,)):
            return None
        about = filters[0] if filters else None
        place = frame.places[0] if frame.places and not about else None
        return Resolution([Missing(attribute, about, place)], tuple(filters[:1]))

    def _place_pointed(self, frame: Frame, focus: Focus) -> Frame:
        """"What event took place in that city?", "a company from that same country": the place of
        the entry in focus that the word names (its city, area or country), not the entry."""
        pronouns, words = self.lx.general.pronouns, frame.words
        if frame.places or not focus.entries:
            return frame
        pointed = [f for i, w in enumerate(words) if set(words[max(0, i - 2):i]) & pronouns.demonstrative
                   for f, names in pronouns.places.items() if w in names]
        if not pointed:
            return frame
        fields = self.kb.entries[focus.entries[0]].__dict__
        value = fields.get(pointed[0])
        text = value if isinstance(value, str) or value is None else value.en
        place = self.lx.places.key_of(text)
        if place is None:  # (the field is empty: the entry's narrowest place)
            places = sorted(self._places.get(focus.entries[0], ()), key=lambda p: (-len(self.lx.places.enclosing(p)), p))
            place = places[0] if places else None
        if place is None:
            return frame
        attribute = None if frame.attribute == "city" else frame.attribute  # ("that city" asks no city)
        return replace(frame, places=[place], attribute=attribute)

    def _attribute_of_kind(self, frame: Frame) -> Frame:
        """"A company that works for radiotherapy": an attribute the kinds asked never hold (a
        company has no employer) is no attribute asked."""
        spec = self.lx.general.attributes.get(frame.attribute) if frame.attribute else None
        kinds = self._named_kinds(frame)
        if spec is None or not kinds or spec.people or spec.figures or self._demonstrated(frame):
            return frame  # ("the partners of that project": the project is asked, not sought)
        fields = set(spec.fields or (frame.attribute,))
        kinds |= {self.kb.entries[n.entry].kind for n in frame.named}  # ("the members of Acme, which actors?")
        if not fields & self._held or any(fields & self._held_by_kind.get(kind, set()) for kind in kinds):
            return frame  # (what no entry holds is declined by name later)
        return replace(frame, attribute=None)

    def _outlet_pointed(self, frame: Frame, focus: Focus) -> Frame:
        """The article meant, named by its outlet: "and who wrote it?", "who sponsored it?" right after
        an answer about one outlet's article (or its author); "date?", "at what time?" right after its
        author; "at what time was Doe's article put online?"."""
        spec = self.lx.general.attributes.get(frame.attribute) if frame.attribute else None
        hour = spec is not None and spec.of_article  # (the hour an article came out is told with its date)
        dated = frame.ask == Ask.WHEN or hour

        def of(outlet: str) -> Frame:
            asks = [Ask.WHEN] + [a for a in frame.asks if a != Ask.WHEN] if hour else frame.asks
            return replace(frame, named=[Named(outlet, "", 90.0)], asks=asks, attribute=None if hour else frame.attribute)

        authors = [n.entry for n in frame.named if n.entry in self._outlet_of_author]
        if authors and len(frame.named) == 1 and Ask.SOURCES in frame.asks and dated:
            return of(self._outlet_of_author[authors[0]])  # "at what time was Doe's article put online?"
        outlets = [e for e in focus.entries[:2] if self.kb.entries[e].kind == "media"]
        if frame.named or not outlets:
            return frame
        if Ask.SOURCES in frame.asks and set(frame.words) & self.lx.general.pronouns.other:
            others = sorted({o for o in self._outlet_of.values() if o not in outlets}, key=self._order.__getitem__)
            if len(others) == 1:  # "and the other article, who wrote it?": the other outlet's
                return of(others[0])
        # ("date?", "at what time?" right after "who wrote it?": the article's, not its author's)
        author_dated = dated and focus.entries[0] in self._author_of.values() or hour and focus.entries[0] in outlets
        if not (Ask.SOURCES in frame.asks and set(frame.words) & self._pointing or author_dated):
            return frame
        return of(outlets[0])

    def _attributed(self, frame: Frame) -> Frame:
        """"According to the Acme Daily article, how many jobs...?", "Acme Daily says there are 400
        firms, right?": the outlet named as the source of what is asked is not what is asked about."""
        kinds = [self.kb.entries[n.entry].kind for n in frame.named]
        others = [self.kb.entries[n.entry].kind for n in frame.named
                  if self.kb.entries[n.entry].kind != "media" and n.entry not in self._setting]
        # "What does the Acme Daily article say about Springfield Labs?": about the firm ("who wrote
        # it?" stays about the article)
        outlet_says = Ask.SAID in frame.asks and "media" in kinds and (
            frame.yes_no or others and Ask.WHO not in frame.asks)
        if outlet_says:
            dropped = (Ask.SOURCES,) if "person" in others and not frame.yes_no else (Ask.SAID, Ask.SOURCES)
            frame = replace(frame, asks=[a for a in frame.asks if a not in dropped], attributed=True)
        if not frame.attributed:
            return frame
        return replace(frame, named=[n for n in frame.named if self.kb.entries[n.entry].kind != "media"])

    def _author(self, frame: Frame, files: tuple[str, ...]) -> str | None:
        """The author of the articles a "who wrote" clause means (an outlet's, or the one in a
        language), when one person wrote them all."""
        if not {Ask.WHO, Ask.SAID} & set(frame.asks) or not set(frame.words) & self.lx.general.authorship:
            return None
        authors = {self._author_of.get(f) for f in files}
        return authors.pop() if len(authors) == 1 else None

    def _asks_quoted(self, frame: Frame) -> bool:
        """"Who is quoted (in the article)?", "qui est cité ?": who, nothing said, no other kind."""
        kinds = self._named_kinds(frame)
        said = [w for w in frame.content if not self.lx.kinds.find([w])]  # ("which people": no words quoted)
        return frame.quoted and (Ask.WHO in frame.asks or Ask.SAID in frame.asks or kinds == {"person"}) \
            and (not said or bool(frame.narrowing)) and kinds <= {"person"}  # ("the sea minister": a title)

    def _people_quoted(self, frame: Frame, outlet: Entry | None) -> tuple[str, ...]:
        """Everyone the articles quote, or the articles of one outlet; "which minister is quoted?":
        those whose texts say minister, when there are some."""
        return tuple(self._narrowed(frame, [p for p in self._quoted_people
                                            if outlet is None or set(self.kb.entries[p].source) & set(outlet.source)]))

    def _narrowed(self, frame: Frame, ids: list[str]) -> list[str]:
        """"Which minister": the entries whose texts say what the clause's kind noun says, when there
        are some; all of them otherwise."""
        if not frame.narrowing:
            return ids
        return [e for e in ids if self.search.coverage(frame.narrowing, e)] or ids

    def _figure_as_kind(self, frame: Frame) -> Frame:
        """"Which biotech companies are in Lille?": a key figure's name asked as a list names the
        kind of entries wanted, not the figure (which answers "how many")."""
        if Ask.LIST not in frame.asks or Ask.HOW_MANY in frame.asks or not frame.named or frame.yes_no:
            return frame
        if not all(isinstance(self.kb.entries[n.entry], Figure) for n in frame.named):
            return frame
        words = [w for n in frame.named for w in n.words.split()]
        kinds = self.lx.kinds.find(words)
        if not kinds:
            return frame
        return replace(frame, named=[], kinds=list(dict.fromkeys(frame.kinds + list(kinds))))

    def _other_holder(self, frame: Frame, today: dt.date, forced: str | None) -> Resolution | None:
        """"The region's president is Jane Doe, right?": a name the sources never give, claimed for a
        title they do give (a title word, or a name that is a title): no, and who holds it. (A person
        named by their own name stays a claim about them: "is Jane Doe a member of X?")"""
        if not frame.yes_no or frame.unknown < 2 or forced or frame.places or frame.off_topic:
            return None
        people = set(self._named_kinds(frame)) & {"person"} or any(
            isinstance(self.kb.entries[n.entry], Person) for n in frame.named)
        if not people or any(set(n.words.split()) & set(normalise(self.kb.entries[n.entry].name).split())
                             for n in frame.named):
            return None
        holder = self._holder(replace(frame, unknown=0.0), today)
        return Resolution([Verdict(False, Card(holder))], (holder,), score=85.0) if holder else None

    def _holder(self, frame: Frame, today: dt.date) -> str | None:
        """The one person the clause's title describes, asked as "who is <title>?"."""
        held = self.resolve(replace(frame, yes_no=False, asks=[Ask.WHO]), Focus(), today)
        card = held.parts[0] if len(held.parts) == 1 else None
        return card.entry if isinstance(card, Card) and isinstance(self.kb.entries[card.entry], Person) else None

    def _refusal(self, frame: Frame, forced: str | None) -> Resolution | None:
        """Off topic, the sources themselves, a name only half recognised, a claim about the unknown."""
        if frame.off_topic and forced is None:
            return Resolution([Declined("off_topic")])
        if Ask.SOURCES in frame.asks and self._about_sources(frame):
            sources = self._sources_of(frame.named, frame)
            # one article: its outlet is what "when was it published?" is about next
            outlets = tuple(self._outlet_of[f] for f in sources.files[:1] if f in self._outlet_of and len(sources.files) == 1)
            author = self._author(frame, sources.files)
            if author:  # "who wrote the Acme Daily article?": its author, whom the conversation follows
                return Resolution([Card(author)], (author,), score=90.0, context=outlets)
            part = Verdict(self._dated_right(sources, frame), sources) if frame.yes_no else sources
            return Resolution([part], context=outlets)
        named = [n for n in frame.named if n.score >= ANSWER_SCORE]
        unsure = [n for n in frame.named if n.score < ANSWER_SCORE]
        if frame.unknown_head and not frame.kinds and not frame.attribute and forced is None:
            # "which vaccines are made in <the region>?": things the sources never name, wherever
            about = named[0].entry if named else None
            return Resolution([Declined("unknown", about)], (about,) if about else ())
        if unsure and not named and forced is None:
            return Resolution([Clarify(tuple(self._suggestion(n.entry) for n in unsure[:3]))])
        if named and frame.unknown >= 2 and forced is None and not frame.existential \
                and (frame.yes_no or frame.ask == Ask.DESCRIBE):
            # "Is Roche a member of X?": the claim is about something the sources never name
            return Resolution([Declined("unknown", named[0].entry)], (named[0].entry,))
        return None

    def _subjects(self, frame: Frame, focus: Focus, context: list[str] | None,
                  forced: str | None) -> tuple[list[str], list[str], float] | Resolution:
        """What the clause is about, tried in this order: the entries it names (or a staff link),
        the conversation's focus, the home entry ("the region"), the entry it describes. Entries
        that only narrow a list are `filters`. A Resolution when the clause must be asked back."""
        named = [n for n in frame.named if n.score >= ANSWER_SCORE]
        if forced:
            named = [Named(forced, frame.text, 95.0)] + [n for n in named if n.entry != forced]
        named = self._figure_by_number(frame, named) + named
        subjects, filters = self._split(frame, named)
        if forced and forced not in subjects:  # a staff link names the subject, whatever else is said
            subjects, filters = [forced] + subjects, [f for f in filters if f != forced]
        score = min((n.score for n in named), default=0.0)
        if subjects and (frame.yes_no or Ask.RELATION in frame.asks) and frame.kinds:
            # "Is that company linked to X?": the company the conversation is about, and X
            subjects = [e for e in self._points_back(frame, focus) if e not in subjects] + subjects
        elif len(subjects) == 1 and Ask.RELATION in frame.asks and focus.entries and set(frame.words) & self._pointing:
            # "is it linked to X?": what the conversation is about, and X
            subjects = [e for e in focus.entries[:1] if e not in subjects] + subjects
        named_ids = subjects + filters
        outlets = [e for e in named_ids if self.kb.entries[e].kind == "media"]
        if self._asks_quoted(frame) and (len(outlets) == len(named_ids) or outlets and frame.narrowing):
            # "who is quoted (in the Acme Daily article)?": everyone the articles (of that outlet) quote;
            # "the government minister quoted in it?": those of them with that title
            quoted = self._people_quoted(frame, self.kb.entries[outlets[0]] if outlets else None)
            if frame.narrowing:
                quoted = tuple(q for q in quoted if self.search.coverage(frame.narrowing, q)) or quoted
            if len(quoted) == 1:
                return list(quoted), [], 90.0
            return Resolution([Listing("kind_person", quoted)], (), quoted, score=85.0)
        if subjects or filters or self._within(frame, focus):
            return subjects, filters, score
        if Ask.HOW_MANY in frame.asks and focus.listed and not (frame.kinds or frame.attribute or frame.content):
            # "how many are there?" right after a list: that list, counted
            return Resolution([Listing("count", focus.listed)], (), focus.listed, score=85.0)
        followed = self._picked(frame, focus) or self._from_focus(frame, focus)
        if followed:
            return followed, [], 90.0
        names_home = self._names_home(frame)
        hit = self._described(frame, context) if names_home else None
        if names_home and not hit:  # "anyone in the region working on X?" is about X, not the region
            return [self.kb.vocabulary.home], [], 85.0
        asked_back = self._bare_place(frame)
        if asked_back is not None:
            return asked_back
        hit = hit if names_home else self._described(frame, context)
        if hit and Ask.JOBS in frame.asks and isinstance(self.kb.entries[hit], Actor):  # a job seeker's field: the employer it describes
            return Resolution([Listing("companies", (hit,))], (hit,), (hit,), score=85.0)
        if hit:
            return [hit], [], 85.0
        if self._is_list_query(frame):
            return [], [], score
        if self._elliptic(frame, focus):  # "pour quel type de traitement ?" right after an answer about Acme
            return list(focus.entries[:1]), [], 70.0
        partly = self._partly_named(frame)
        followed = [e for e in partly if e in focus.entries or e in focus.listed]
        if not followed and Ask.RELATION in frame.asks and focus.entries:
            # "part of which bigger initiative?" right after a plan: the one of those it is linked to
            followed = [e for e in partly if self._linked(e, focus.entries[0], False)]
        if len(followed) == 1:  # "and what are those agents for?" right after the chelating agents
            return followed, [], 80.0
        if len(partly) > 1 and Ask.LIST in frame.asks:  # "quels types de thérapie ?": all those it names in part
            return Resolution([Listing("entries", tuple(partly))], (), tuple(partly), score=75.0)
        if partly:  # "cell": a company named Cell-something, or a therapy? Ask back rather than guess
            return Resolution([Clarify(tuple(self._suggestion(e) for e in partly))], score=60.0)
        asked = frame.ask in (Ask.WHEN, Ask.WHO) or set(frame.words) & self.lx.general.interrogatives
        if focus.ask == Ask.SOURCES.value and asked and not focus.entries and not frame.content:
            return Resolution([Sources(tuple(self.kb.sources))])  # "on what date?", "by whom?" right after the articles
        if self._follows_up(frame):  # "and where is it?" with nothing before: ask what about
            return Resolution([Clarify((), follow_up=True)], score=50.0)
        return Resolution([Declined("unknown")])

    def _within(self, frame: Frame, focus: Focus) -> tuple[str, ...]:
        """"Which of them...": the last list shown, when the clause points at it."""
        pronouns = self.lx.general.pronouns
        pointed = set(frame.words) & pronouns.among or phrase_in(frame.text, pronouns.among_phrases)
        return focus.listed if len(focus.listed) > 1 and pointed else ()  # (a list of one has no "which of them")

    def _bare_place(self, frame: Frame) -> Resolution | None:
        """A place name alone ("ohio") that several entries answer to: which of them?"""
        if not frame.places or frame.asks or frame.kinds or frame.attribute or len(frame.words) > 2:
            return None
        here = self._entries_in(frame.places)
        here = list(dict.fromkeys(here + sorted(self.named_with(frame.words), key=self._order.__getitem__)))[:3]
        return Resolution([Clarify(tuple(self._suggestion(e) for e in here))], score=70.0) if len(here) > 1 else None

    # ------------------------------------------------------------------ subjects
    def _about_sources(self, frame: Frame) -> bool:
        """"Who wrote the article?", "vos sources ?": about the articles, not about an entry."""
        kinds = {self.kb.entries[n.entry].kind for n in frame.named}
        if self._asks_quoted(frame) or Ask.SAID in frame.asks and not frame.named and self._described(frame, None):
            return False  # "who is quoted in the article?", "the woman from <a body> quoted in it": people
        # "which employers in that city do the articles name?" asks for employers, not for the articles
        return kinds <= {"initiative", "media"} and not frame.kinds and Ask.JOBS not in frame.asks

    def _inherit_ask(self, frame: Frame, focus: Focus, named: bool) -> None:
        """"Et Acme ?" / "and the other one?": the previous question, about something else."""
        other = named or focus.ask == Ask.SOURCES.value and set(frame.words) & self._language_words  # "and the English one?"
        said = [w for w in frame.words if w not in self.lx.general.stop and w not in self.lx.general.filler]
        if not frame.asks and frame.attribute is None and not frame.yes_no and not frame.content \
                and len(said) <= 5 and focus.ask and other:  # ("non pardon, je voulais dire Acme": the same, of Acme)
            frame.asks = [Ask(focus.ask)]
            frame.attribute = focus.attribute

    def _split(self, frame: Frame, named: list[Named]) -> tuple[list[str], list[str]]:
        """Named entries that are the subject, and those that only narrow a list ("vaccine companies")."""
        wanted = self._named_kinds(frame)
        if Ask.HOW_MANY in frame.asks:
            wanted = set()  # "how many people...": the noun says what is counted, not what is answered
        subjects, filters = [], []
        # ("is Acme a firm in Lille?", "is she the mayor of Lille?": the kind describes what is named)
        of_named_kind = any(self.kb.entries[n.entry].kind in wanted for n in named)
        if frame.yes_no and not frame.existential and not (frame.kinds and (frame.places or frame.months) and not of_named_kind):
            # "Is the initiative a startup?": a claim about what is named (but "did it go to an event in
            # the USA?" asks for events there); "will it go to <event>?" is about the event, "does Acme
            # lead <project> in <home region>?" about Acme and the project: the setting is no subject
            # (but a person's claim is about their organisation, which may be the region)
            claimed = list(dict.fromkeys(n.entry for n in named))
            launched = [e for e in claimed if getattr(self.kb.entries[e], "launched_by", ())]
            dated = [e for e in claimed if getattr(self.kb.entries[e], "launched", None)]
            if len(claimed) > 1 and Ask.LAUNCHED in frame.asks and frame.years and len(dated) > 1:
                return dated[:1], []  # "was Acme launched in 2025, like Foo?": a claim about the first
            if len(claimed) > 1 and Ask.LAUNCHED in frame.asks and len(launched) == 1:
                return launched, []  # "was <initiative> launched by <the state>?": a claim about what was launched
            if len(claimed) > 1:
                person = any(isinstance(self.kb.entries[e], Person) for e in claimed)
                setting = {self.initiative} if person else self._setting
                claimed = [e for e in claimed if e not in setting] or [e for e in claimed if e != self.initiative]
            return claimed, []
        for n in named:
            entry = self.kb.entries[n.entry]
            broad = isinstance(entry, (Initiative, Speciality)) or entry.id == self.kb.vocabulary.home
            # "the company behind <project>": the answer is of the kind asked, the name narrows it
            # (but "Acme's speciality" asks an attribute Acme has)
            own = (frame.attribute is not None and self._has(entry, frame.attribute)) or isinstance(entry, Figure)
            # ("the region's fields in Acme studies": a broad entry without the attribute asked is its topic)
            lacks = broad and frame.attribute is not None and not own and entry.kind in wanted
            if not own and ((wanted and entry.kind not in wanted) or lacks
                            or (broad and frame.places and frame.ask != Ask.RELATION)):
                filters.append(n.entry)
            elif n.entry not in subjects:
                subjects.append(n.entry)
        if len(subjects) > 1 and self.initiative in subjects and frame.ask != Ask.RELATION:
            subjects.remove(self.initiative)  # "Will the initiative be at the fair?" is about the fair
        home = self.kb.vocabulary.home
        if len(subjects) > 1 and home in subjects and frame.ask != Ask.RELATION and (
                frame.attribute or Ask.HOW_MANY in frame.asks):
            subjects.remove(home)  # "how many researchers does Acme employ in <the home region>?": Acme's
        return subjects, filters

    def _from_focus(self, frame: Frame, focus: Focus) -> list[str]:
        """A question with no subject of its own takes the conversation's ("and where is it?")."""
        possessive = bool(set(frame.words) & self.lx.general.pronouns.possessive)
        counted_or_dated = Ask.HOW_MANY in frame.asks or frame.years or frame.months or frame.time
        pointed = set(frame.words) & self._pointing or self._demonstrated(frame)  # ("how much does that project have?")
        if frame.kinds and (counted_or_dated and not pointed or frame.existential):
            return []  # "how many events?", "what events in June?", "is there a cluster...?": a list of their own
        g = self.lx.general
        if frame.yes_no and frame.kinds and focus.entries and set(frame.words) & g.pronouns.thing \
                and self._claims_identity(frame) and not frame.existential:
            return list(focus.entries[:1])  # "is it a company?": a claim about what it is
        others = phrase_in(frame.text, g.pronouns.others) or bool(set(frame.words) & g.pronouns.other
                                                                   and set(frame.words) & self._plural_kind_words)
        if others and focus.entries:  # "and the other events?", "les autres ?": the rest
            current = self.kb.entries.get(focus.entries[0])
            kinds = self._named_kinds(frame) or ({current.kind} if current else set())
            pool = focus.listed or tuple(e for kind in sorted(kinds) for e in self._by_kind.get(kind, ()))
            rest = [e for e in pool if e != focus.entries[0] and self.kb.entries[e].kind in kinds]
            if rest:
                return rest[:MAX_SUBJECTS]
        if focus.empty or frame.places and not frame.yes_no or (
                frame.kinds and not possessive and not self._points_back(frame, focus)):
            return []
        if phrase_in(frame.text, g.pronouns.both):  # "what do both do?": the last two named, or a list of two
            two = focus.listed if len(focus.listed) == 2 else focus.entries[:2]
            if len(two) == 2 and frame.ordinal is not None:  # "which of the two came first?": in calendar order
                ordered = sorted(two, key=lambda e: (getattr(self.kb.entries[e], "start", dt.date.max), self._order[e]))
                return [ordered[0] if frame.ordinal == 1 else ordered[-1]]
            if len(two) == 2:
                return list(two)
        if frame.ordinal is not None and focus.listed:
            index = frame.ordinal - 1 if frame.ordinal > 0 else len(focus.listed) - 1
            return [focus.listed[index]] if index < len(focus.listed) else []
        words = set(frame.words)
        if words & g.pronouns.other and focus.entries:  # "the other one": same kind, not the last one
            current = self.kb.entries.get(focus.entries[0])
            pool = [e for e in focus.listed + focus.entries[1:] if e != focus.entries[0]]
            others = [e for e in pool if current is None or self.kb.entries[e].kind == current.kind]
            others = others or [e for e in pool if e in focus.listed]  # (a cluster and a network: the other listed)
            if not others and current is not None and not self._demonstrated(frame):
                # "and the other partnership?": listed with it somewhere
                siblings = list(self._siblings.get(current.id, ()))
                hits = self.search.search(frame.content, among=set(siblings), limit=1) if frame.content else []
                others = [h.entry for h in hits] or (siblings if len(siblings) == 1 else [])
            return others[:1]
        pointing = words & self._pointing
        own = [w for w in frame.content if w not in g.facets and not w.isdigit()]  # ("a 2026 edition?": of the one in focus)
        if (own or frame.unknown > 0) and not pointing and not frame.kinds:
            return []  # "cell", "who won the race?": words of its own, not a question about what came before
        entries = [self.kb.entries[e] for e in focus.entries if e in self.kb.entries]
        # "she", "what did he say": a person first (but "her institution" is the person's institution)
        if words & g.pronouns.person and not (possessive and frame.kinds) or Ask.SAID in frame.asks:
            people = [e.id for e in entries if isinstance(e, Person)]
            if people:
                return people[:1]
        if frame.kinds:
            pointed = self._points_back(frame, focus)
            if pointed or not possessive or not focus.entries or self._owns_kind(focus.entries[0], frame):
                return pointed
            return list(focus.entries[:1])  # "son objectif": the focus entry's own, in its card
        return list(focus.entries[:1]) if focus.entries else list(focus.listed[:MAX_SUBJECTS])

    def _picked(self, frame: Frame, focus: Focus) -> list[str]:
        """"The Ohio one", "celui de Lille": the one item of the last list a word of it names; "the
        minister" after a list of people: the one item whose texts say so."""
        if focus.listed and frame.narrowing and not frame.named:
            narrowed = [e for e in focus.listed if self.search.coverage(frame.narrowing, e)]
            if len(narrowed) == 1:
                return narrowed
        if not focus.listed or not set(frame.words) & self.lx.general.pronouns.choice:
            return []
        named = self.named_with([w for w in frame.words if w not in self.lx.general.stop])
        places = set(frame.places)

        def fits(entry_id: str) -> bool:  # in the place, or in the month, named
            entry = self.kb.entries[entry_id]
            return bool(places & self._places.get(entry_id, set())) or bool(frame.months) and isinstance(entry, Event) \
                and bool({entry.start.month, entry.end.month} & frame.months)

        hits = [e for e in focus.listed if e in named or fits(e)]
        if not hits and (places or frame.months):  # "and the one in November?" when none listed was: one of that kind
            kinds = sorted({self.kb.entries[e].kind for e in focus.listed})
            hits = [e for kind in kinds for e in self._by_kind.get(kind, ()) if fits(e)]
        if len(hits) == 1:
            return hits
        # "celle de l'ADN", "the one about patients": the one item the words describe, well ahead of the others
        g = self.lx.general
        words = list(dict.fromkeys(frame.content + [w for w in frame.words if w not in g.stop
                                                    and w not in g.interrogatives and w not in g.pronouns.choice]))
        if not words:
            return []
        found = self.search.search(words, among=set(focus.listed), limit=2)
        if found and (len(found) == 1 or found[0].score >= found[1].score * DESCRIBED_MARGIN):
            return [found[0].entry]
        return []

    def _demonstrated(self, frame: Frame) -> bool:
        """"That company", "cette entreprise": a kind noun right after a demonstrative."""
        words, demonstrative = frame.words, self.lx.general.pronouns.demonstrative
        return any(w in demonstrative and self.lx.kinds.find([n]) for w, n in zip(words, words[1:]))

    def points_back(self, frame: Frame, focus: Focus) -> list[str]:
        """"Back to the company": the entry of the conversation a kind noun points at."""
        return self._points_back(frame, focus) if frame.kinds else []

    def _points_back(self, frame: Frame, focus: Focus) -> list[str]:
        """"That institution", "cet événement": the focus entry (or its organisation) of that kind;
        "back to the congress": of those, the one whose name holds the word."""
        wanted = self._named_kinds(frame)
        said = {w for k in frame.kinds for w in self.lx.general.kinds[k].words} & set(frame.words)
        named = [e for e in focus.entries if e in self.kb.entries and self.kb.entries[e].kind in wanted
                 and said & {w for name in self.kb.entries[e].all_names() for w in normalise(name).split()}]
        if len(named) == 1 and named[0] != focus.entries[0]:
            return named
        for entry_id in focus.entries:
            entry = self.kb.entries.get(entry_id)
            if entry is None:
                continue
            if entry.kind in wanted and (not frame.narrowing or self.search.coverage(frame.narrowing, entry.id)):
                return [entry.id]  # ("the minister" is not the region's president in focus)
            for ref in entry.references():
                if self.kb.entries[ref].kind in wanted:
                    return [ref]
            outlets = [self._outlet_of[f] for f in entry.source if f in self._outlet_of]
            if outlets and {self.kb.entries[o].kind for o in outlets} & wanted:
                return list(dict.fromkeys(outlets))  # "which outlet reported on it?": those of its articles
        if self._demonstrated(frame) and len(focus.listed) == 1:
            return list(focus.listed)  # "that project" for the one entry just given (a consortium)
        return []

    def _is_list_query(self, frame: Frame) -> bool:
        return bool(frame.kinds or frame.places or frame.months or Ask.JOBS in frame.asks or Ask.HOW_MANY in frame.asks
                    or self._counts(frame) or frame.attribute is not None or frame.time == "upcoming"
                    or self._number_claimed(frame))

    def _number_claimed(self, frame: Frame) -> bool:
        """"The health sector has 15,000 jobs, right?": a number claimed of what a key figure counts."""
        return frame.yes_no and not frame.named and bool(set(frame.numbers) - set(frame.years)) and any(
            w in self.lx.synonym_of for w in frame.words)

    def _described(self, frame: Frame, context: list[str] | None) -> str | None:
        """The one entry a question describes without naming it, if one stands out.

        The clause's own words first, then with the rest of the message ("I need a vaccine supplier...
        which company is it?"). Entries of the kind asked for ("which company") come first.
        """
        if frame.places and Ask.SAID not in frame.asks or frame.months or frame.time == "upcoming":
            return None  # a list filtered by place or date (but "who said the region leads in Acmeland?" quotes it)
        if Ask.HOW_MANY in frame.asks or self._counts(frame):  # a key figure is looked for among figures
            return None
        # who is quoted: a person found by what they said, else one found by what is said of their
        # organisation (then its speaker)
        if Ask.SAID in frame.asks and frame.content and not frame.kinds and not frame.named:
            speaker = self._speaker(frame.content + frame.places)
            if speaker:
                return speaker
        wanted = [self._wanted(frame), self._named_kinds(frame)] if Ask.SAID in frame.asks else [self._wanted(frame)]
        for kinds in dict.fromkeys(map(frozenset, wanted)):
            for words in (frame.content, frame.content + (context or [])):
                hit = self._stands_out(words, kinds) if words else None
                if hit:
                    return hit
        return None

    def _stands_out(self, words: list[str], wanted: frozenset[str]) -> str | None:
        """The entry these words describe, of a wanted kind when one is, well ahead of the next."""
        hits = self.search.search(words, limit=8)
        if wanted:
            hits = [h for h in hits if self.kb.entries[h.entry].kind in wanted] or hits
        if not hits:
            return None
        top = hits[0].score
        second = hits[1].score if len(hits) > 1 else 0.0
        # two close hits linked together, found by a description (not one word), tell one story
        if top >= DESCRIBED_SCORE and (top >= second * DESCRIBED_MARGIN
                                       or len(words) > 1 and self._linked(hits[0].entry, hits[1].entry)):
            return hits[0].entry
        return None

    def _elliptic(self, frame: Frame, focus: Focus) -> bool:
        """A short question that names nothing and whose words ask a facet of the entry in focus ("for
        what kind of treatment?") or are said of it; "where is the hospital?" is about something else."""
        if not focus.entries or len(frame.words) > ELLIPTIC_WORDS or not frame.asks or frame.unknown \
                or frame.named or frame.places:
            return False
        topic = [w for w in frame.content if w not in self.lx.general.facets]
        return not topic or (self.search.coverage(topic, focus.entries[0]) or 0.0) >= SUPPORTED_COVERAGE

    def _follows_up(self, frame: Frame) -> bool:
        """A clause that only makes sense after another: a pronoun or a leading "and", nothing named,
        and no words the sources never use ("who won the league this year?" is about something else)."""
        g = self.lx.general
        words = set(frame.words)
        pointing = words & (g.pronouns.person | g.pronouns.thing | g.pronouns.other) or frame.words[:1] and \
            frame.words[0] in g.conjunctions
        return bool(pointing) and not frame.content and frame.unknown < 1 and (bool(frame.asks) or frame.attribute is not None)

    def _partly_named(self, frame: Frame) -> list[str]:
        """Entries one of whose names holds a word of the clause, when at most three do."""
        entries = self.named_with(frame.content)
        return sorted(entries, key=self._order.__getitem__) if 0 < len(entries) <= MAX_SUBJECTS else []

    def _names_home(self, frame: Frame) -> bool:
        """"Qui dirige la région ?": the home entry, when the clause names no other."""
        home = self.kb.vocabulary
        return bool(home.home) and phrase_in(frame.text, home.home_words) and not frame.kinds \
            and Ask.JOBS not in frame.asks and (
            bool(set(frame.asks) - {Ask.LIST, Ask.DESCRIBE}) or frame.attribute is not None)

    def _counts(self, frame: Frame) -> bool:
        return bool(frame.attribute and self.lx.general.attributes[frame.attribute].figures)

    def _named_kinds(self, frame: Frame) -> set[str]:
        """The entry kinds the clause's kind nouns select ("companies", "that institution")."""
        return set().union(*(self._kind_of_noun[k] for k in frame.kinds))

    def _wanted(self, frame: Frame) -> set[str]:
        """The entry kinds a clause asks for: its kind nouns, companies for a job search."""
        wanted = self._named_kinds(frame)
        if Ask.JOBS in frame.asks and not wanted:
            wanted = {"company"}
        if Ask.SAID in frame.asks and not wanted:
            wanted = {"person"}
        return wanted

    # ------------------------------------------------------------------ one subject
    def _subject_resolution(self, frame: Frame, subjects: list[str], filters: list[str], today: dt.date,
                            score: float) -> Resolution:
        main = self.kb.entries[subjects[0]]
        if isinstance(main, Figure) and not frame.yes_no:
            holders = [e for e in subjects[1:] + filters if isinstance(self.kb.entries[e], (Actor, Event))
                       and e not in self._setting and e not in main.about]
            if holders:  # "how much funding did Acme get?" when the figure is another's
                return Resolution([Missing("figure", holders[0])], (holders[0],), score=score)
        dated = self._dated(main, frame, today)
        if dated:  # "where was the initiative on 9-10 October?": at its event of those days
            if len(dated) == 1:
                return self._subject_resolution(frame, dated, filters, today, score)
            return Resolution([Listing("related", tuple(dated), subject=main.id)], (main.id,), tuple(dated), score)
        if frame.ask == Ask.RELATION and frame.places and len(subjects) == 1 and not filters:
            here = [e for e in self._entries_in(frame.places) if e != main.id and self._related(self.kb.entries[e], main.id)]
            if here:  # "What links the initiative and Ohio?": what it has there
                return Resolution([Listing("related", tuple(here), subject=main.id)], (main.id,), tuple(here), score)
        if frame.ask == Ask.RELATION and (len(subjects) > 1 or filters):
            other = (subjects[1:] + filters)[0]
            relation = Relation(main.id, other, self._linked(main.id, other))
            part = Verdict(relation.linked, relation) if frame.yes_no else relation
            return Resolution([part], (main.id, other), score=score)
        if frame.yes_no and len(subjects) > 1:
            people = [s for s in subjects if isinstance(self.kb.entries[s], Person)]
            others = [s for s in subjects if s not in people]
            if people and others:  # "Is <the minister> the president of the region?"
                person = self.kb.entries[people[0]]
                true = person.organisation == others[0] and self._titled(person, frame)  # "the president"
                # the people of that body ("No. Its president is..."), else who the person really is
                fact = self._people(self.kb.entries[others[0]], frame, today)
                if not true and not (isinstance(fact, Listing) and fact.items):
                    fact = Card(person.id)
                return Resolution([Verdict(true, fact)], (person.id, others[0]) if isinstance(fact, Card) else (others[0], person.id),
                                  score=score)
        if frame.yes_no and frame.ordinal is not None and frame.kinds and isinstance(main, Event):
            # "Was Acme Days the first event of the autumn?": the first one decides, and is shown
            ranked = self._listing(replace(frame, named=[], yes_no=False), today)
            listed = ranked.items if isinstance(ranked, Listing) else ()
            index = frame.ordinal - 1 if frame.ordinal > 0 else len(listed) - 1
            if 0 <= index < len(listed):
                chosen = listed[index]
                return Resolution([Verdict(chosen == main.id, Card(chosen))], (chosen,), listed, score)
        edition = self._edition(main, frame, today)
        if edition is not None:
            return Resolution([edition], (main.id,), score=score)
        if isinstance(main, Figure) and frame.places and not self._figure_covers(main, frame.places):
            # "How many biotech companies in Lille?": the figure is for a wider area
            return Resolution([Missing("figure", place=frame.places[0])], (main.id,), score=score)
        asks = [a for a in frame.asks if a not in (Ask.LIST, Ask.DESCRIBE)] or [frame.ask]
        if Ask.SAID in asks or self._asks_quoted(frame):  # "who is quoted in the article?": not who wrote it
            asks = [Ask.SAID]
        # "Is she the mayor of Lille?": the place qualifies the title claimed, checked against her role
        placed = frame.places and not (frame.narrowing and isinstance(main, Person))
        if frame.yes_no and placed and asks == [Ask.DESCRIBE]:
            asks = [Ask.WHERE]  # "Is Acme in Lille?": where it is decides
        same_kind = [s for s in subjects if type(self.kb.entries[s]) is type(main)][:MAX_SUBJECTS]
        parts: list[Part] = []
        listed: tuple[str, ...] = ()
        for entry_id in same_kind:
            entry = self.kb.entries[entry_id]
            for ask in asks if entry_id == main.id else asks[:1]:
                part = self._answer(entry, ask, frame, today)
                if part not in parts:
                    parts.append(part)
                if isinstance(part, Listing):
                    listed = part.items
                if frame.attribute:
                    break
        home = self.kb.vocabulary.home
        if frame.attribute and not frame.yes_no and len(parts) == 1 and isinstance(parts[0], Missing) \
                and parts[0].entry == main.id and home and main.id != home and self._names_home(frame):
            # "the region's areas of expertise in gene editing?": the region's, which the topic has none of
            part = self._attribute(self.kb.entries[home], frame.attribute, frame, today)
            if not isinstance(part, DECLINES):
                return Resolution([part], (home,), part.items if isinstance(part, Listing) else (), score)
        if frame.yes_no and placed and not self._places.get(main.id) and Ask.SAID not in frame.asks:
            if main.id not in (self.initiative, self.kb.vocabulary.home) and not frame.kinds:
                # "Is Acme's seat in Lille?" when the sources place Acme nowhere: unknown, not "no"
                return Resolution([Missing("location", main.id)], (main.id,), score=score)
            # "Is the initiative in Lille?": what it has there (its events, its partners)
            here = tuple(e for e in self._entries_in(frame.places)
                         if e != main.id and self._related(self.kb.entries[e], main.id))
            fact = Listing("related", here, subject=main.id) if here else NotFound(place=frame.places[0])
            return Resolution([Verdict(bool(here), fact)], (main.id,), here, score)
        linked = self._linked_of_kinds(main, frame, today) if frame.yes_no and frame.kinds and Ask.RELATION in frame.asks \
            and len(same_kind) == 1 and not frame.places else ()
        if linked:  # "is it part of a research project?": yes, that one (what "that project" means next)
            fact = Card(linked[0]) if len(linked) == 1 else Listing("related", linked, subject=main.id)
            return Resolution([Verdict(True, fact)], (main.id,), linked, score)
        if frame.yes_no and parts and not isinstance(parts[0], DECLINES):
            parts[0] = Verdict(self._verdict(main, parts[0], frame), parts[0])
            parts[1:] = [p for p in parts[1:] if not isinstance(p, DECLINES)]  # (what others named lack decides nothing)
            fields = [e for e in subjects[1:] + filters if isinstance(self.kb.entries[e], Speciality)]
            doers = tuple(a for f in fields[:1] for a in self.kb.actors_by_speciality.get(f, ()) if a != main.id)
            if parts[0].yes is False and doers:  # "Acme is the one making Foo, yes?": no, and who does
                parts.append(Listing("actors_with", doers, subject=fields[0]))
            elif parts[0].yes is False and frame.narrowing and isinstance(main, Person):
                # "Is Jane Doe the region's president?": no, and who is
                holder = self._holder(replace(frame, named=[n for n in frame.named if n.entry != main.id]), today)
                if holder and holder != main.id and self._titled(self.kb.entries[holder], frame):
                    parts.append(Card(holder))
        return Resolution(parts, tuple(same_kind), listed, score=score)

    def _dated(self, entry: Entry, frame: Frame, today: dt.date) -> list[str]:
        """The events of an undated entry in the months a question names, when it asks where, when
        or what (not a claim, nor who said or counted what then)."""
        if not frame.months or frame.yes_no or isinstance(entry, Event) or set(frame.asks) & _NOT_DATED:
            return []
        events = [e for e in self._filtered(self._events, frame, today) if self._related(self.kb.entries[e], entry.id)]
        days = {n for n in frame.numbers if n not in frame.years}  # "on 9-10 October"
        return [e for e in events if days & _days(self.kb.entries[e])] or events

    def _answer(self, entry: Entry, ask: Ask, frame: Frame, today: dt.date) -> Part:
        if frame.attribute:
            return self._attribute(entry, frame.attribute, frame, today)
        keys = ((ask, entry.kind), (ask, type(entry).__name__.lower()), (ask, "*"))
        query = next((TABLE[k] for k in keys if k in TABLE), "card")
        return self._queries[query](entry, frame, today)

    def _attribute(self, entry: Entry, attribute: str, frame: Frame, today: dt.date) -> Part:
        spec = self.lx.general.attributes[attribute]
        if spec.people and isinstance(entry, Person):
            return Card(entry.id)  # "the boss of the region, the president?": that person is the answer
        if isinstance(entry, Figure) and spec.figures & self._figure_groups(entry):
            return Card(entry.id)  # "the consortium funding's budget" is the figure itself
        for name in spec.fields or (attribute,):
            value = getattr(entry, name, None)
            if value is None:
                value = entry.details.get(name)
            if value:
                if isinstance(value, tuple) and not all(v in self.kb.entries for v in value):
                    value = ", ".join(value)  # words, not entries ("its other names")
                if isinstance(value, tuple):
                    items = self._filtered(value, frame, today)
                    wanted = self._named_kinds(frame)  # "which agency backs it?": the partners of that kind
                    items = [i for i in items if self.kb.entries[i].kind in wanted] or items
                    if items:  # ("how many partners?": the list, counted)
                        heading = "counted" if Ask.HOW_MANY in frame.asks else f"attr_{attribute}"
                        return Listing(heading, tuple(items), subject=entry.id, places=tuple(frame.places))
                    continue
                return FieldValue(entry.id, attribute, value)
        if spec.people and self.kb.people_by_organisation.get(entry.id):
            return Listing("people", self.kb.people_by_organisation[entry.id], subject=entry.id)
        if spec.figures:
            figures = [f for f in self.kb.figures_by_subject.get(entry.id, ())
                       if self._figure_groups(self.kb.entries[f]) & spec.figures]
            if figures:
                return Card(figures[0])
        if attribute == "role" or (attribute in ("led_by",) and isinstance(entry, Actor)):
            return self._answer(entry, Ask.WHO if attribute == "led_by" else Ask.DESCRIBE,
                                Frame(frame.text, frame.words), today)
        if entry.id == self.kb.vocabulary.home and self.initiative in self.kb.entries \
                and self._has(self.kb.entries[self.initiative], attribute):
            # "the region's partners": those of its initiative, which the sources give
            return self._attribute(self.kb.entries[self.initiative], attribute, frame, today)
        actors = self.kb.actors_by_speciality.get(entry.id, ()) if isinstance(entry, Speciality) else ()
        if len(actors) == 1:  # "the only French supplier of Foo: which city?": the one actor doing Foo
            return self._attribute(self.kb.entries[actors[0]], attribute, frame, today)
        fields = set(spec.fields or (attribute,))
        # "the network that partners with the brand": an attribute holding entries identifies one
        # (not "that company", pointed at; nor a price, which no entry is)
        described = entry.kind in self._named_kinds(frame) and entry.id not in {n.entry for n in frame.named} \
            and not self._demonstrated(frame) and bool(fields & self._reference_fields)
        if self._is_value_of(entry.id, spec.fields or (attribute,)) or described:
            return Card(entry.id)  # "the network that partners with the brand": the attribute identifies it
        return Missing(attribute, entry.id)

    def _figure_by_number(self, frame: Frame, named: list[Named]) -> list[Named]:
        """"Are there 48 companies...?": the one key figure with that value, when none is named."""
        claims = {n for n in frame.numbers if n not in frame.years}
        if not claims or any(isinstance(self.kb.entries[n.entry], Figure) for n in named):
            return []
        figures = [f for f in self.kb.of_type(Figure) if f.value in claims]
        if len(figures) != 1:
            return []
        topic = [w for n in named for w in n.words.split()]
        if topic and not self.search.coverage(topic, figures[0].id):
            # "13,000 jobs in <a field>?": that number counts something else; the figure of that field
            # counting the same thing says (and the claim is then false)
            groups = self._figure_groups(figures[0])
            others = [f.id for f in self.kb.of_type(Figure) if f is not figures[0]
                      and self.search.coverage(topic, f.id) == 1.0 and groups & self._figure_groups(f)]
            return [Named(others[0], "", 90.0)] if len(others) == 1 else []
        return [Named(figures[0].id, "", 90.0)]

    def _has(self, entry: Entry, attribute: str) -> bool:
        spec = self.lx.general.attributes[attribute]
        return any(getattr(entry, name, None) or entry.details.get(name) for name in spec.fields or (attribute,))

    def _linked_of_kinds(self, entry: Entry, frame: Frame, today: dt.date) -> tuple[str, ...]:
        """The entries of the kinds the clause names that are linked to `entry` (to the initiative:
        all of them, the knowledge base is its own), as filtered."""
        linked = sorted({e for noun in frame.kinds for kind in self._kind_of_noun[noun] for e in self._by_kind.get(kind, ())
                         if e != entry.id and (entry.id == self.initiative or self._linked(e, entry.id))},
                        key=self._order.__getitem__)
        return tuple(self._filtered(linked, frame, today))

    def _leaders(self, entry: Entry) -> tuple[str, ...]:
        """Who leads the entry, by the fields the leader attribute reads (led by, else launched by)."""
        for name in self.lx.general.attributes["led_by"].fields:
            if getattr(entry, name, None):
                return tuple(getattr(entry, name))
        return ()

    def _is_value_of(self, entry_id: str, fields) -> bool:
        """Whether the entry is itself another entry's value for these fields (a partner of someone)."""
        return any((name, entry_id) in self._values for name in fields)

    def _entries_in(self, places) -> list[str]:
        """Entries in any of these places, in file order."""
        if len(places) == 1:
            return list(self._in_place.get(places[0], ()))
        found = {e for p in places for e in self._in_place.get(p, ())}
        return sorted(found, key=self._order.__getitem__)

    def _figure_covers(self, figure: Figure, places: list[str]) -> bool:
        """Whether a key figure is about one of these places (its subjects are there)."""
        return any(p in self._places.get(about, set()) or self.lx.places.key_of(self.kb.entries[about].name) == p
                   for about in figure.about for p in places)

    def _compared(self, frame: Frame, ids: list[str]) -> Resolution | None:
        """"Which weighs more, Acme's funding or the Foo plan?": the key figures of the two, the
        larger (or, asked so, the smaller) first, when they count the same thing."""
        comparatives = self.lx.general.comparatives
        words = set(frame.words)
        if len(ids) >= 2 and words & comparatives.get("contrast", frozenset()) and not frame.attribute:
            # "what's the difference between Acme and Foo?": what the sources say of each
            pair = tuple(ids[:2])
            return Resolution([Card(e) for e in pair], pair, pair, score=85.0)
        less = bool(words & comparatives.get("less", frozenset()))
        choice = words & self.lx.general.yes_no.alternatives  # ("are there more A or B?": which, not yes or no)
        if len(ids) < 2 or frame.yes_no and not choice or not (less or words & comparatives.get("more", frozenset())):
            return None
        figures = [self._figure_for(e, frame) for e in ids[:2]]
        if None in figures or not self._unit_groups(figures[0]) & self._unit_groups(figures[1]):
            return None
        ranked = sorted(figures, key=self._magnitude, reverse=not less)
        ids = tuple(f.id for f in ranked)
        return Resolution([Listing("smaller" if less else "larger", ids)], ids[:1], ids, score=90.0)

    def _figure_for(self, entry_id: str, frame: Frame) -> Figure | None:
        """The key figure an entry is, or the one figure about it (the one counting what is asked)."""
        entry = self.kb.entries[entry_id]
        if isinstance(entry, Figure):
            return entry
        figures = [self.kb.entries[f] for f in self.kb.figures_by_subject.get(entry_id, ())]
        asked = {self.lx.synonym_of[w] for w in frame.words if w in self.lx.synonym_of}
        fitting = [f for f in figures if self._figure_groups(f) & asked] or figures
        return fitting[0] if len(fitting) == 1 else None

    def _magnitude(self, figure: Figure) -> float:
        """The value with its unit's scale: "800 million" is 8e8."""
        scales = self.lx.general.scales
        value = figure.value
        for word in normalise(figure.unit.en).split():
            value *= scales.get(word, 1.0)
        return value

    def _figures_counting(self, frame: Frame) -> set[str]:
        """Key figures whose unit is what the question counts ("how many people": jobs, not companies)."""
        figures = self.kb.of_type(Figure)
        asked = {self.lx.synonym_of[w] for w in frame.words if w in self.lx.synonym_of}
        counting = {f.id for f in figures if self._unit_groups(f) & asked}
        return counting or {f.id for f in figures}

    def _unit_groups(self, figure: Figure) -> set[str]:
        words = normalise(f"{figure.unit.fr} {figure.unit.en}").split()
        return {self.lx.synonym_of[w] for w in words if w in self.lx.synonym_of}

    def _figure_groups(self, figure: Figure) -> set[str]:
        """The synonym groups a key figure counts in ("jobs", "money")."""
        words = normalise(" ".join(figure.all_names() + (figure.unit.fr, figure.unit.en))).split()
        return {self.lx.synonym_of[w] for w in words if w in self.lx.synonym_of}

    # Queries are methods, not lambdas, so that a built engine can be pickled (kept on disk).
    def _card(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return Card(entry.id)

    def _role(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return self._attribute(entry, "role", frame, today)

    def _schedule(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return Schedule(entry.id)

    def _employers(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return self._listing(frame, today, kinds={"company"})

    def _job_offers(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return Missing("job_offers", entry.id)

    def _sources(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return self._sources_of([Named(entry.id, entry.name, 100.0)], frame)

    def _dated_right(self, sources: Sources, frame: Frame) -> bool | None:
        """"The French article came out in November, right?": every article meant has that month
        and year; no verdict when the claim names neither."""
        dates = [self.kb.sources[f].date for f in sources.files]
        checks = [all(d.month in frame.months for d in dates)] if frame.months else []
        checks += [all(d.year in frame.years for d in dates)] if frame.years else []
        return all(checks) if checks else None

    def _sources_of(self, named: list[Named], frame: Frame) -> Sources:
        """The articles, or those of the outlet named ("when was the Acme Daily article published?"),
        or those in the language named ("the French article")."""
        files = [f for n in named if self.kb.entries[n.entry].kind == "media"
                 for f in self.kb.entries[n.entry].source if f in self.kb.sources] or list(self.kb.sources)
        langs = [lang for lang, words in self.lx.general.article_languages.items()
                 if set(frame.words) & words]
        in_lang = [f for f in files if self.kb.sources[f].lang in langs] if len(langs) == 1 else []
        return Sources(tuple(dict.fromkeys(in_lang or files)))

    def _location(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        if isinstance(entry, Person):
            return Location(entry.id)
        if not entry_place_texts(entry) and not isinstance(entry, Initiative):
            return Missing("location", entry.id)
        return Location(entry.id)

    def _launch(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        if isinstance(entry, Figure) and not getattr(entry, "launched", None) and len(entry.about) == 1:
            return self._launch(self.kb.entries[entry.about[0]], frame, today)  # "since when?" of its subject
        return Launch(entry.id) if getattr(entry, "launched", None) else Missing("launched", entry.id)

    def _backers(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        return Listing("backers", tuple(entry.launched_by) + tuple(entry.partners), subject=entry.id)

    def _people(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        people = self.kb.people_by_organisation.get(entry.id, ())
        if people:
            return Listing("people", people, subject=entry.id)
        if getattr(entry, "led_by", ()):
            return Listing("led_by", tuple(entry.led_by), subject=entry.id)
        if (Ask.DESCRIBE in frame.asks or frame.ask == Ask.WHO and not frame.attribute) and not frame.narrowing:
            return Card(entry.id)  # "Who is <a cluster>?" asks what it is ("who is its director?" does not)
        return Missing("leader", entry.id)

    def _quoted(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        """"Who said that X...?": the person whose words the sources report, about that entry."""
        if self._asks_quoted(frame) and entry.kind in ("media", "initiative"):  # "who is quoted in it?"
            quoted = self._people_quoted(frame, entry if entry.kind == "media" else None)
            if len(quoted) == 1:
                return Card(quoted[0])
            return Listing("kind_person", quoted) if quoted else Missing("speaker", entry.id)
        said = [w for n in frame.named for w in n.words.split()] or normalise(entry.name).split()
        # the words as quoted ("the region", not its full name); what the quote names counts twice
        speaker = self._speaker(frame.content + said + frame.places, said)
        if speaker:
            return Card(speaker)
        if entry.kind == "media":  # "what does Acme Daily say?": its articles
            return self._sources(entry, frame, today)
        return Sources(tuple(self.kb.sources)) if Ask.SOURCES in frame.asks else Missing("speaker", entry.id)

    def _speaker(self, words: list[str], named: list[str] = ()) -> str | None:
        """The person quoted saying these words (and again those naming what the quote is about):
        among the few people quoted (not the authors), a clear winner needs less than an entry
        found among all."""
        scores: dict[str, float] = {}
        for query in (words, named):
            for hit in self.search.search(query, among=self._quoted_set, limit=len(self._quoted_set)) if query else ():
                scores[hit.entry] = scores.get(hit.entry, 0.0) + hit.score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._order[item[0]]))
        top, second = (ranked[0][1] if ranked else 0.0), (ranked[1][1] if len(ranked) > 1 else 0.0)
        if ranked and (top >= DESCRIBED_SCORE or top >= max(DESCRIBED_SCORE / 2, 2 * second)):
            return ranked[0][0]
        return None

    def _actors_with(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        actors = sorted(self.kb.actors_by_speciality.get(entry.id, ()),
                        key=lambda a: (self.kb.entries[a].kind != "company", self._order[a]))
        wanted = self._wanted(frame)
        if wanted:  # a job seeker wants employers: only companies, or the sector's companies
            actors = [a for a in actors if self.kb.entries[a].kind in wanted]
            if not actors:
                return Listing("companies", tuple(sorted((e for k in wanted for e in self._by_kind.get(k, ())),
                                                         key=self._order.__getitem__)))
        if not actors:
            return Card(entry.id)
        return Listing("actors_with", tuple(actors), subject=entry.id)

    def _figures(self, entry: Entry, frame: Frame, today: dt.date) -> Part:
        about = set(self.kb.figures_by_subject.get(entry.id, ()))
        counting = about & self._figures_counting(frame)
        if not counting:
            linked = self._linked_of_kinds(entry, frame, today)
            if linked:  # "how many objectives does it have?": no figure says, the sources list them
                return Listing("counted", linked, subject=entry.id)
        if not about:
            return Missing("figure", entry.id)
        about = counting or about
        hits = self.search.search(frame.content, among=about, limit=1)
        return Card(hits[0].entry if hits else sorted(about, key=self._order.__getitem__)[0])

    # ------------------------------------------------------------------ checks
    def _edition(self, entry: Entry, frame: Frame, today: dt.date) -> Part | None:
        """An event asked about in a year the sources do not cover: name the edition they do."""
        if not isinstance(entry, Event):
            return None
        years = set(frame.years)
        if frame.edition_offset is not None:
            years.add(today.year + frame.edition_offset)
        if not years and frame.time == "upcoming" and not frame.yes_no and entry.status(today) == "past":
            years.add(max(today.year, entry.start.year + 1))  # "the next <fair>": one after the edition covered
        if years and entry.start.year not in years:
            return OtherEdition(entry.id, min(years))
        return None

    def _verdict(self, entry: Entry, part: Part, frame: Frame) -> bool | None:
        """Yes or no to every claim the question makes about the entry: one false claim makes it
        "no" ("Did it get its €800m from the government?"); with no claim checked, what its texts say."""
        checks = list(self._claims(entry, part, frame))
        if False in checks:
            return False
        return True if checks else self._supported(entry, frame)

    def _claims(self, entry: Entry, part: Part, frame: Frame) -> Iterator[bool]:
        """Each checkable claim of a yes/no question about the entry, true or false."""
        places = self._places.get(entry.id, set())
        if frame.places and (places or isinstance(entry, (Event, Actor))):
            yield any(p in places for p in frame.places)
        target = self.kb.entries.get(getattr(part, "entry", None) or "") or entry
        claims = {n for n in frame.numbers if n not in frame.years}
        if isinstance(target, Figure):  # a figure is checked by its number; the other words only name it
            if claims:
                yield any(abs(n - target.value) < 1e-6 for n in claims)
            yield from self._unlinked(entry, frame)  # ("its €800m from the government?": not theirs)
            return
        figures = [self.kb.entries[f] for f in self.kb.figures_by_subject.get(entry.id, ())]
        if claims and figures:  # "Did it get €80m?": the figure about it says
            yield any(abs(n - f.value) < 1e-6 for n in claims for f in figures)
        if frame.months and isinstance(entry, Event):
            yield bool({entry.start.month, entry.end.month} & frame.months)
        if frame.narrowing and isinstance(entry, Person):  # "Is she a minister?", "the minister of health?"
            yield self._titled(entry, frame)
        elif frame.narrowing:  # "Is it a cluster?": what the entry's texts call it
            yield bool(self.search.coverage(frame.narrowing, entry.id))
        if frame.attribute and self._is_value_of(entry.id, self.lx.general.attributes[frame.attribute].fields
                                                 or (frame.attribute,)):
            yield True  # "Is Acme one of the partners?"
        others = {n.entry for n in frame.named} - {entry.id}
        if Ask.WHO in frame.asks:  # "Does Acme lead <project>?": what the project names as its leader
            for other in others:
                leaders = self._leaders(self.kb.entries[other])
                if leaders:
                    yield entry.id in leaders
        if Ask.LAUNCHED in frame.asks and getattr(entry, "launched_by", ()):  # "launched by the state?"
            for other in others:
                yield other in entry.launched_by
        year = _entry_year(entry)
        if frame.years and year is not None:
            yield year in frame.years
        if frame.kinds and Ask.RELATION in frame.asks:  # "is Acme linked to a cluster?": to one of them
            yield any(self._linked(entry.id, e) for kind in self._named_kinds(frame) for e in self._by_kind.get(kind, ()))
        elif frame.kinds and self._claims_identity(frame):
            # "Is Acme a company?" (not "does Acme work with institutions?": no claim of what it is)
            yield entry.kind in self._named_kinds(frame)
        if phrase_in(frame.text, self.lx.general.plurality):  # "one of many suppliers?" of "the only supplier"
            said = {w for text in entry_texts(entry) for w in normalise(text).split()}
            if said & self.lx.general.uniqueness:
                yield False
        if frame.equated and len({n.entry for n in frame.named if not isinstance(self.kb.entries[n.entry], Speciality)}) > 1:
            yield False  # "Acme, c'est l'institut Foo ?": two entries named are not one (a field is a topic, not one)
        yield from self._unlinked(entry, frame)

    def _claims_identity(self, frame: Frame) -> bool:
        """"Is it a company?", "c'est une entreprise ?": a clause saying what something is (the "est" of
        "est-ce que" says nothing)."""
        text = f" {frame.text} "
        for phrase in self.lx.general.yes_no.phrases:
            text = text.replace(f" {phrase} ", " ")
        return phrase_in(text.strip(), self.lx.general.identity)

    def _unlinked(self, entry: Entry, frame: Frame) -> Iterator[bool]:
        """"Is Acme's project about vaccines?": False for a named thing tied to none of the others."""
        named = {n.entry for n in frame.named if n.entry not in self._setting} | {entry.id}
        for other in named - {entry.id}:
            if not any(self._linked(other, x) for x in named - {other}):
                yield False

    def _titled(self, person: Person, frame: Frame) -> bool:
        """"Is she the managing director?", "le ministre de la santé ?": the title claimed, with what
        qualifies it, is in the person's role (not merely somewhere in what they said)."""
        spec = self.lx.general.attributes.get(frame.attribute) if frame.attribute else None
        said = [w for w in frame.words if spec is not None and spec.people and (
            w in spec.words or any(w in p.split() for p in spec.phrases if phrase_in(frame.text, (p,))))]
        if frame.unknown:  # ("the minister of fisheries?": a word the sources never use is no part of the role)
            return False
        claimed = {t for t in self.search.roots(frame.narrowing + frame.content + said) if not t.startswith("~")}
        role = set(self.search.roots(normalise(f"{person.role.fr} {person.role.en}").split()))
        return claimed <= role

    def _supported(self, entry: Entry, frame: Frame) -> bool | None:
        """Yes when the entry's own texts say what the question claims; otherwise no verdict."""
        g = self.lx.general
        asking = g.stop | g.yes_no.openers | g.interrogatives | set(self.lx.asks.openers)
        claim = [w for w in frame.words if w not in asking and not phrase_in(w, g.yes_no.phrases)]
        coverage = self.search.coverage(claim, entry.id)
        return True if coverage is not None and coverage >= SUPPORTED_COVERAGE else None

    def _linked(self, a: str, b: str, through_people: bool = True) -> bool:
        """One refers to the other; a person is linked to what their organisation is linked to, and
        the home region to what its initiative is linked to."""
        if b in self.kb.entries[a].references() or a in self.kb.entries[b].references():
            return True
        home = self.kb.vocabulary.home
        if through_people and home in (a, b) and self.initiative not in (a, b):
            if self._linked(b if a == home else a, self.initiative, False):
                return True
        for one, other in ((a, b), (b, a)):
            organisation = getattr(self.kb.entries[one], "organisation", None)
            if through_people and organisation and organisation != other and self._linked(organisation, other, False):
                return True
        return False

    # ------------------------------------------------------------------ many entries
    def _list_resolution(self, frame: Frame, today: dt.date, filters: list[str],
                         context: list[str] | None = None, within: tuple[str, ...] = ()) -> Resolution:
        never = self._never_held(frame, filters)
        if never is not None:  # (asked of the one entry the clause describes: that entry's)
            one = self._listing(frame, today, filters=filters, context=context, within=within)
            if isinstance(one, Listing) and len(one.items) == 1:
                return self._subject_resolution(frame, list(one.items), [], today, 85.0)
            return never
        counting = Ask.HOW_MANY in frame.asks or (self._counts(frame) and not frame.kinds) or self._number_claimed(frame)
        if counting and not frame.places:  # "how many companies...": the key figure counting them
            among = self._figures_counting(frame)
            asked = {self.lx.synonym_of[w] for w in frame.words if w in self.lx.synonym_of}
            if not frame.content and asked and not set(frame.words) & self._pointing:
                # "the number of jobs?": the figures counting jobs, without a word to choose among them
                ordered = sorted((f for f in among if self._unit_groups(self.kb.entries[f]) & asked), key=self._order.__getitem__)
                if len(ordered) == 1:
                    return Resolution([Card(ordered[0])], (ordered[0],), score=85.0)
                if ordered:
                    return Resolution([Clarify(tuple(self._suggestion(f) for f in ordered[:3]))], score=70.0)
            hits = self.search.search(frame.content, among=among, limit=2)
            if len(hits) > 1 and hits[0].score < hits[1].score * DESCRIBED_MARGIN:
                return Resolution([Clarify(tuple(self._suggestion(h.entry) for h in hits))], score=70.0)
            if hits and frame.yes_no:  # the figure described decides the number claimed
                return self._subject_resolution(frame, [hits[0].entry], [], today, 85.0)
            if hits:
                return Resolution([Card(hits[0].entry)], (hits[0].entry,), score=85.0)
        if counting and frame.places and (frame.kinds or frame.content):
            return Resolution([Missing("figure", place=frame.places[0])])
        if frame.attribute and not frame.kinds:
            home = self.kb.entries[self.initiative]
            part = self._attribute(home, frame.attribute, frame, today)
            if isinstance(part, Missing) and frame.places and self.lx.general.attributes[frame.attribute].quantity:
                # "the average salary in Lille?": not a list of what is in Lille
                return Resolution([Missing(frame.attribute, place=frame.places[0])])
            if not isinstance(part, Missing) or not frame.places:
                listed = part.items if isinstance(part, Listing) else ()
                focus = (self.initiative,) if not isinstance(part, Missing) else ()
                return Resolution([part], focus, listed, score=90.0)
        part = self._listing(frame, today, filters=filters, context=context, within=within)
        listed = part.items if isinstance(part, Listing) else ()
        specific = [a for a in frame.asks if a not in (Ask.LIST, Ask.DESCRIBE, Ask.JOBS)]
        counts_kind = counting and frame.kinds and not frame.attribute  # "how many events in June?"
        if len(listed) == 1 and (specific and not frame.yes_no or frame.attribute) and not counts_kind:
            # "the Lille company that makes vaccines: when was it founded?"
            return self._subject_resolution(frame, list(listed), [], today, 85.0)
        if isinstance(part, Listing) and frame.ordinal is not None and listed:
            index = frame.ordinal - 1 if frame.ordinal > 0 else len(listed) - 1
            if index < len(listed):
                chosen = listed[index]
                return Resolution([Card(chosen)], (chosen,), listed, score=90.0)
        if isinstance(part, Listing) and frame.yes_no:
            part = Verdict(bool(listed) and not part.none_upcoming, part)  # (the latest past ones are no "yes")
        elif isinstance(part, Listing) and counting:  # "how many events in autumn?": no figure, the count
            part = Listing("counted", listed, subject=self.initiative)
        elif isinstance(part, Listing) and len(listed) == 1 and not part.outside:
            part = Card(listed[0])  # a list of one: all the sources say of it, not its first sentence
        # a list of one is what the conversation is about next ("which was abroad?" then "when was it?"),
        # and one picked from the last list leaves that list ("and the other one?")
        shown = within if within and len(listed) == 1 else listed
        return Resolution([part], listed if len(listed) == 1 else (), shown, score=90.0 if listed else 0.0)

    def _listing(self, frame: Frame, today: dt.date, kinds: set[str] | None = None,
                 filters: list[str] = (), context: list[str] | None = None, within: tuple[str, ...] = ()) -> Part:
        """Entries of the kinds asked, in the place, month and time asked, related to `filters`."""
        wanted = set(kinds or ())
        for noun in frame.kinds:
            wanted |= self._kind_of_noun[noun]
        if Ask.JOBS in frame.asks:
            wanted |= {"company"} if not wanted or wanted & {"company"} else set()
        if (frame.months or frame.time == "upcoming" and not wanted) and Ask.WHO not in frame.asks:
            if not wanted and frame.unknown >= 1:
                return Declined("unknown")  # "when is the next phone coming out?": not an event the sources know
            wanted |= {"event"} if not wanted else set()  # (who wins the next election is no event)
        if not wanted and within:
            wanted = {self.kb.entries[e].kind for e in within}
        if not wanted and frame.places:
            wanted = set(self._placed_kinds)
        if not wanted:
            hit = self._described(frame, None)
            if hit:
                return Card(hit)
            return Declined("unknown")
        if within:
            pool = [e for e in within if self.kb.entries[e].kind in wanted]
        elif frame.places and not frame.negated:  # only what is in the place can stay: start from there
            pool = [e for e in self._entries_in(frame.places) if self.kb.entries[e].kind in wanted]
        else:
            pool = sorted((e for kind in wanted for e in self._by_kind.get(kind, ())), key=self._order.__getitem__)
        if "event" in wanted:  # what is to come first, then what is over, each in calendar order
            def calendar(entry_id: str) -> tuple:
                entry = self.kb.entries[entry_id]
                return (0, entry.end < today, entry.start) if isinstance(entry, Event) else (1,)
            pool = sorted(pool, key=calendar)  # stable: other kinds keep their order, after the events
        base = self._filtered(pool, frame, today)
        if frame.years and not frame.yes_no and any(_entry_year(self.kb.entries[e]) for e in pool):
            # "the consortium launched in 2024": where the sources date some of these, only those
            # dated so (with none dated, the year is no filter: "the minister of the 2030 plan")
            base = [e for e in base if _entry_year(self.kb.entries[e]) is not None]
        related = self._filtered(base, frame, today, filters) if filters else base
        none_upcoming = False
        if frame.time == "upcoming" and "event" in wanted and not base:
            none_upcoming = True
            base = self._filtered(pool, _without_time(frame), today)
            related = self._filtered(base, _without_time(frame), today, filters) if filters else base
        if filters and not related and frame.narrowing and wanted == {"person"}:
            # "the minister of <a plan>": one whose texts name it; "the president of <a cluster>": nobody's
            name = normalise(self.kb.entries[filters[0]].name).split()
            related = [e for e in base if (self.search.coverage(name, e) or 0.0) == 1.0]
            if not related:
                return Missing(None, filters[0])
        items = related or base  # a named topic that narrows to nothing does not empty the list
        strong: list[str] = []
        describing = frame.content or (context if Ask.JOBS in frame.asks else None)  # a job seeker's field
        if describing and base and not frame.months:  # "biomaterials for wound healing"
            hits = self.search.search(describing, among=set(base), limit=len(base))
            strong = [h.entry for h in hits if h.score >= DESCRIBED_SCORE]
            if not strong and Ask.JOBS in frame.asks and not frame.kinds:  # employers are not only companies
                employers = set(self._filtered(self._actors, frame, today))
                strong = [h.entry for h in self.search.search(describing, among=employers, limit=3)
                          if h.score >= DESCRIBED_SCORE]
            if strong:
                kept = set(related)
                items = [e for e in strong if e in kept] or strong
        if frame.yes_no and frame.unknown >= 2 and not strong and not (filters and related):
            items = []  # "Is there a fair about giraffes?": none that the sources describe so (a name did narrow)
        if not items:
            return NotFound(place=frame.places[0] if frame.places else None, kinds=tuple(sorted(wanted)))
        heading = "events" if wanted == {"event"} else "companies" if wanted == {"company"} else \
            f"kind_{sorted(wanted)[0]}" if len(wanted) == 1 else "entries"
        return Listing(heading, tuple(items), places=tuple(frame.places),
                       none_upcoming=none_upcoming, outside=frame.negated and bool(frame.places))

    def _filtered(self, ids, frame: Frame, today: dt.date, filters: list[str] = ()) -> list[str]:
        out = []
        home_country = self._home_country()
        for entry_id in ids:
            entry = self.kb.entries[entry_id]
            places = self._places.get(entry_id, set())
            if frame.places:
                inside = any(p in places for p in frame.places)
                if inside == frame.negated:
                    continue
            elif frame.international and home_country and (not places or home_country in places):
                continue
            if frame.months and isinstance(entry, Event):
                months = {entry.start.month, entry.end.month}
                # "the autumn fair that was not in that country": a negation is of the place when one is named
                if bool(months & frame.months) == (frame.negated and not frame.places):
                    continue
            if frame.years and not frame.yes_no:
                year = _entry_year(entry)
                if year is not None and year not in frame.years:
                    continue
            if frame.time and isinstance(entry, Event):
                status = entry.status(today)
                if (frame.time == "upcoming") != (status != "past"):
                    continue
            if filters and not all(self._related(entry, f) for f in filters):
                continue
            out.append(entry_id)
        return self._narrowed(frame, out)

    def _owns_kind(self, owner: str, frame: Frame) -> bool:
        """"Its objectives": whether the entry has entries of the kind the clause names (then they are
        listed): the initiative has every entry, another entry those it names."""
        wanted = self._named_kinds(frame)
        if owner == self.initiative:
            return any(self._by_kind.get(kind) for kind in wanted)
        return any(self.kb.entries[ref].kind in wanted for ref in self.kb.entries[owner].references())

    def _related(self, entry: Entry, filter_id: str) -> bool:
        """Whether an entry belongs with a filter entry: the initiative relates to everything."""
        if filter_id == self.initiative:
            return True
        return self._linked(entry.id, filter_id)

    def _home_country(self) -> str | None:
        home = self.kb.vocabulary.home
        chain = self._places.get(home or "", set())
        roots = [p for p in chain if p not in self.lx.places.within]
        return roots[0] if roots else None

    def _suggestion(self, entry_id: str, lang: str = "en") -> Suggestion:
        return Suggestion(entry_id, self.kb.entries[entry_id].display(lang))


# What an entry said, did or counted in a month is not where it was then
_NOT_DATED = {Ask.SAID, Ask.WHO, Ask.HOW_MANY, Ask.RELATION, Ask.SOURCES, Ask.LAUNCHED}


def _no_entries(words: list[str]) -> set[str]:
    return set()


def _without_time(frame: Frame) -> Frame:
    copy = Frame(**{k: v for k, v in frame.__dict__.items()})
    copy.time = None
    return copy


def _days(event: Event) -> set[int]:
    """The days of the month an event takes place on."""
    span = (event.end - event.start).days
    return {(event.start + dt.timedelta(days=n)).day for n in range(max(span, 0) + 1)}


def _entry_year(entry: Entry) -> int | None:
    """The year an event starts or anything else was launched, when the sources give it."""
    return entry.start.year if isinstance(entry, Event) else _year(getattr(entry, "launched", None))


def _year(text: str | None) -> int | None:
    digits = "".join(c for c in (text or "")[:4] if c.isdigit())
    return int(digits) if len(digits) == 4 else None
