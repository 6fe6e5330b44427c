"""Lookup tables built once from the vocabulary YAML files and the knowledge base's places.

Nothing here names a word, a place or an entry: every table is filled from data, so another
knowledge base (another region, other cities) gets its own tables with no change to the code.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.knowledge import KnowledgeBase
from bot.text import normalise
from bot.vocabulary import Cues, GeneralVocabulary

MAX_PHRASE_WORDS = 6


@dataclass
class CueTable:
    """Maps single words, clause-opening words and phrases to labels (ask names, attributes...)."""

    words: dict[str, list[str]] = field(default_factory=dict)
    openers: dict[str, list[str]] = field(default_factory=dict)
    closers: dict[str, list[str]] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)

    def add(self, label: str, cues: Cues) -> None:
        for word in cues.words:
            self.words.setdefault(word, []).append(label)
        for word in cues.openers:
            self.openers.setdefault(word, []).append(label)
        for word in cues.closers:
            self.closers.setdefault(word, []).append(label)
        for phrase in cues.phrases:
            table = self.words if " " not in phrase else self.phrases
            table.setdefault(phrase, []).append(label)

    def find(self, words: list[str]) -> dict[str, list[int]]:
        """Labels found in `words`, each with the positions of the words that signalled it."""
        found: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            for label in self.words.get(word, ()):
                found.setdefault(label, []).append(i)
        if words:
            for label in self.openers.get(words[0], ()):
                found.setdefault(label, []).append(0)
            for label in self.closers.get(words[-1], ()):
                found.setdefault(label, []).append(len(words) - 1)
        for size in range(2, MAX_PHRASE_WORDS + 1):
            for i in range(len(words) - size + 1):
                for label in self.phrases.get(" ".join(words[i:i + size]), ()):
                    found.setdefault(label, []).extend(range(i, i + size))
        return found

    def find_ranked(self, words: list[str], weight: dict[str, int]) -> dict[str, list[int]]:
        """As `find`, but a cue lying within a longer cue of another label never outranks it: the
        heavier label is dropped ("combien de temps" asks when; its "combien" asks no count)."""
        found = self.find(words)
        spans = {label: set(positions) for label, positions in found.items()}
        return {label: positions for label, positions in found.items()
                if not any(spans[label] < spans[other] and weight[label] > weight[other]
                           for other in spans if other != label)}

    def all_words(self) -> set[str]:
        words = set(self.words) | set(self.openers) | set(self.closers)
        for phrase in self.phrases:
            words.update(phrase.split())
        return words


def phrase_in(folded: str, phrases: Iterable[str]) -> bool:
    padded = f" {folded} "
    return any(f" {p} " in padded for p in phrases)


@dataclass
class Places:
    """Every place the knowledge base or its vocabulary names, by any of its names."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)   # key -> display name per language
    by_word: dict[str, str] = field(default_factory=dict)             # alias / demonym (normalised) -> key
    within: dict[str, str] = field(default_factory=dict)              # key -> wider place key
    longest: int = 1
    stop: frozenset[str] = frozenset()  # questions are read without these: "rio de janeiro" is "rio janeiro"
    _key_of: dict[str, str] = field(default_factory=dict, repr=False)  # free text -> key_of

    def add(self, key: str, names: dict[str, str], aliases: Iterable[str] = ()) -> None:
        self.names.setdefault(key, names)
        for alias in (key, *aliases, *(normalise(n) for n in names.values())):
            stripped = " ".join(w for w in alias.split() if w not in self.stop)
            for form in {alias, stripped} if len(stripped.split()) > 1 else {alias}:
                self.by_word.setdefault(form, key)
                self.longest = max(self.longest, len(form.split()))

    def key_of(self, text: str | None) -> str | None:
        """The place a free text (an entry's city or area) names, if any."""
        if not text:
            return None
        key = self._key_of.get(text)
        if key is None:  # (many entries share a city: each text folded once)
            folded = normalise(text)
            key = self._key_of[text] = self.by_word.get(folded, folded)
        return key or None

    def enclosing(self, key: str) -> list[str]:
        """The place and every wider place it lies in: a city, its region, its country."""
        chain = [key]
        while chain[-1] in self.within and self.within[chain[-1]] not in chain:
            chain.append(self.within[chain[-1]])
        return chain

    def find(self, words: list[str]) -> list[tuple[str, int, int]]:
        """(key, start, end) of every place named in `words`, longest names first."""
        taken = [False] * len(words)
        found: list[tuple[str, int, int]] = []
        for size in range(min(self.longest, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                if any(taken[i:i + size]):
                    continue
                key = self.by_word.get(" ".join(words[i:i + size]))
                if key is not None:
                    found.append((key, i, i + size))
                    for j in range(i, i + size):
                        taken[j] = True
        return sorted(found, key=lambda f: f[1])


class Lexicon:
    """The general vocabulary and the knowledge base's own, as tables the reader consults."""

    def __init__(self, general: GeneralVocabulary, knowledge: KnowledgeBase) -> None:
        self.general = general
        self.asks = CueTable()
        for name, cues in general.asks.items():
            self.asks.add(name, cues)
        self.ask_weight = {name: cues.weight for name, cues in general.asks.items()}
        self.attributes = CueTable()
        for name, cues in general.attributes.items():
            self.attributes.add(name, cues)
        self.kinds = CueTable()
        for name, cues in general.kinds.items():
            self.kinds.add(name, cues)
        self.smalltalk = {name: cues for name, cues in general.smalltalk.items()}
        # Thanks and goodbyes close a conversation: a message holding one and no question is small talk.
        self.closing_words = set().union(*(c.words for c in general.smalltalk.values() if c.closes))
        self.months = {word: {number} for number, words in general.months.items() for word in words}
        for season, months in general.seasons.items():
            self.months.setdefault(normalise(season), set()).update(months)
        self.ordinals = {word: number for number, words in general.ordinals.items() for word in words}
        self.synonym_of = {word: group for group, words in general.synonyms.items() for word in words}
        self.shorthand = {normalise(k): normalise(v) for k, v in general.shorthand.items()}
        self.self_intro = general.self_intro.phrases
        self.places = self._places(knowledge, general.stop)
        self.initiative = knowledge.initiative.id
        self.outlets = frozenset(e.id for e in knowledge if e.kind == "media")  # "according to <an outlet>"
        self.people = frozenset(e.id for e in knowledge if e.kind == "person")   # "did <a person> say..."
        self.initiative_words = knowledge.vocabulary.initiative_words

    @staticmethod
    def _places(knowledge: KnowledgeBase, stop: frozenset[str]) -> Places:
        places = Places(stop=frozenset(stop))
        for place in knowledge.vocabulary.places:
            key = normalise(place.key)
            places.add(key, {"fr": place.name.fr, "en": place.name.en}, place.aliases)
            for demonym in place.demonyms:
                places.by_word.setdefault(demonym, key)
            if place.within:
                places.within[key] = normalise(place.within)
        for entry in knowledge:  # places only entries name: a state or city the vocabulary lacks
            for text in entry_place_texts(entry):
                key = places.key_of(text)
                if key and key not in places.names:
                    places.add(key, {"fr": text, "en": text})
        return places

    def general_words(self) -> set[str]:
        """Every word the general vocabulary knows: such words never name an entry alone."""
        g = self.general
        words: set[str] = set(g.stop) | g.filler | g.negations | g.quoted | g.international | g.off_topic | g.opinion
        words |= g.opinion_modals | g.opinion_decisions | g.time.past | g.time.upcoming | g.smalltalk_filler | g.facets
        words |= self.asks.all_words() | self.attributes.all_words() | self.kinds.all_words()
        words |= set(self.months) | set(self.ordinals) | set().union(*g.article_languages.values())
        for cues in g.smalltalk.values():
            words |= cues.words
            for phrase in cues.phrases:
                words.update(phrase.split())
        for edition in g.editions.values():
            for phrase in edition.phrases:
                words.update(phrase.split())
        for phrase in g.yes_no.phrases:
            words.update(phrase.split())
        return words | g.yes_no.openers


def entry_place_texts(entry) -> list[str]:
    """The free texts that say where an entry is: city, wider area, country (either language)."""
    fields = entry.__dict__  # a field its model lacks is None (getattr would raise inside pydantic first: slow)
    texts = [fields.get("city"), fields.get("area")]
    country = fields.get("country")
    if country is not None:
        texts += [country.fr, country.en]
    return [t for t in texts if t]
