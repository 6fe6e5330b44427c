"""The words the engine reads questions with, loaded from YAML and validated like the knowledge base.

General French/English words (`bot/vocabulary/general.yaml`) and words specific to one knowledge
base (`knowledge/vocabulary.yaml`: the assistant's wording, places, demonyms) are data: a new cue
word, attribute or city is a line of YAML, never a branch in Python. Every word is stored
normalised (`bot.text.normalise`), so lookups are plain set and dictionary hits.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.text import normalise

GENERAL_VOCABULARY = Path(__file__).resolve().parent / "vocabulary" / "general.yaml"


def _words(value: Any) -> Any:
    """A word list written as one string ("a b c", or "a b|c d" for phrases) or as a YAML list."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = value.split("|") if "|" in value else value.split()
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(n for n in (normalise(str(v)) for v in value) if n)
    return value


def _phrases(value: Any) -> Any:
    if isinstance(value, str):
        value = value.split("|")
    if isinstance(value, (list, tuple)):
        return tuple(dict.fromkeys(n for n in (normalise(str(v)) for v in value) if n))
    return value


Words = Annotated[frozenset[str], BeforeValidator(_words)]
Phrases = Annotated[tuple[str, ...], BeforeValidator(_phrases)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Text(_Frozen):
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Cues(_Frozen):
    """Words that signal something anywhere in a clause, as its first word, or as a phrase."""

    words: Words = frozenset()
    openers: Words = frozenset()
    closers: Words = frozenset()
    phrases: Phrases = ()


class AskCues(Cues):
    weight: int = Field(ge=0)
    quotes: bool = False  # what follows is someone's words: no attribute or kind is read in it


class Attribute(Cues):
    label: Text
    fields: tuple[str, ...] = ()  # schema fields holding it; default: the attribute's own name
    figures: Words = frozenset()  # synonym groups of key figures that can answer it
    people: bool = False          # the entry's people answer it (its president for "the boss")
    quantity: bool = False        # a "how much" question asks it (a price, a salary): not a key figure
    of_article: bool = False      # asked of an article's author ("at what time?"), the article's (its hour)


class KindNoun(Cues):
    entry_kinds: tuple[str, ...] = ()
    narrows: bool = False  # the noun itself must be in the entry's texts ("minister": not every person)


class Smalltalk(Cues):
    closes: bool = False  # thanks, goodbye: a message holding one and no question is small talk


class YesNo(_Frozen):
    openers: Words = frozenset()
    phrases: Phrases = ()
    existential: Phrases = ()
    inversion: Words = frozenset()
    alternatives: Words = frozenset()  # "Acme or Foo?" asks which, it states nothing
    tags: Phrases = ()  # "..., isn't it?", "..., non ?": a claim asked at its end, the tag itself says nothing
    elliptic: Phrases = ()  # "and the Lille company?": opening so, a clause asks for something, it claims nothing


class Edition(_Frozen):
    phrases: Phrases
    offset: int


class Pronouns(_Frozen):
    person: Words = frozenset()
    thing: Words = frozenset()
    other: Words = frozenset()
    choice: Words = frozenset()
    among: Words = frozenset()
    possessive: Words = frozenset()  # "its goal", "son objectif": something of the entry in focus
    neuter: Words = frozenset()  # "it", never a person ("il" and "elle" may be either)
    demonstrative: Words = frozenset()  # "that company", "cette entreprise": the one in focus, pointed at
    among_phrases: Phrases = ()  # "which of those", "lequel d'entre eux": within the last list, as `among`
    both: Phrases = ()  # "what do both do?", "ils font quoi tous les deux ?": the two the conversation is about
    others: Phrases = ()  # "and the other events?", "les autres ?": the rest of that kind, each answered
    # "that city", "ce pays": the place of the entry in focus, by the place field the word names
    places: dict[str, Words] = {}


class Time(_Frozen):
    past: Words = frozenset()
    upcoming: Words = frozenset()
    upcoming_phrases: Phrases = ()  # "à venir" is upcoming; "venir" alone is to come somewhere


class GeneralVocabulary(_Frozen):
    """Everyday French and English: what is asked, about which attribute, with which filters."""

    stop: Words
    asks: dict[str, AskCues]
    attributes: dict[str, Attribute]
    kinds: dict[str, KindNoun]
    yes_no: YesNo
    yes_words: Text
    no_words: Text
    smalltalk: dict[str, Smalltalk]
    smalltalk_filler: Words
    self_intro: Cues
    conjunctions: Words
    interrogatives: Words
    head_askers: Words = frozenset()  # "which <noun>", "quels <noun>": the noun right after names what is asked
    self_possessives: Words = frozenset()  # "my boss", "ma startup": the visitor's own, not asked about
    # "and in French?", "en anglais svp": the last answer again, in that language
    language_requests: dict[Literal["fr", "en"], Phrases] = {}
    repeat_words: Words = frozenset()  # "can you say it again in French?": words around such a request
    interrogative_phrases: Phrases = ()
    pronouns: Pronouns
    prepositions: Words
    time: Time
    editions: dict[str, Edition]
    sequence: dict[int, Phrases] = {}  # "the event just before": -1, "the one right after": +1, in calendar order
    months: dict[int, Words]
    seasons: dict[str, tuple[int, ...]] = {}
    ordinals: dict[int, Words]
    negations: Words
    # "the French article", "l'article en anglais": an article by the language it is written in
    article_languages: dict[str, Words] = {}
    # "who wrote the Acme Daily article?": words asking for an article's author (not its outlet or sponsor)
    authorship: Words = frozenset()
    # "which is larger, A or B?": the words asking for the larger (more) or the smaller (less)
    comparatives: dict[Literal["more", "less", "contrast"], Words] = {}  # contrast: "the difference between A and B"
    # unit words that scale a key figure's value ("millions", "milliards"), to compare two figures
    scales: dict[str, float] = {}
    international: Words
    off_topic: Words
    off_topic_phrases: Phrases = ()  # "quel temps fait-il": a topic only a phrase names ("temps" alone is time)
    opinion: Words
    opinion_modals: Words
    opinion_decisions: Words
    advice: Phrases = ()
    facets: Words = frozenset()  # "for what kind of treatment?": a facet of the entry in focus, not a new topic
    asides: Phrases = ()          # "every day", "d'après vous": phrases that ask nothing
    quoted: Words = frozenset()   # "who is quoted?", "qui est cité ?": the people the articles quote
    attributions: Phrases = ()    # "according to the article, ...": where an answer comes from
    identity: Phrases = ()        # "X c'est Y ?": two names said to be one thing, so "no" when they differ
    # "Is Acme one of many suppliers?": claimed of an entry its sources call the only one, "no"
    uniqueness: Words = frozenset()
    plurality: Phrases = ()
    synonyms: dict[str, Words]
    shorthand: dict[str, str]
    filler: Words


class Place(_Frozen):
    key: str
    name: Text
    aliases: Words = frozenset()
    demonyms: Words = frozenset()
    within: str | None = None


class Assistant(_Frozen):
    name: str
    scope: Text
    topics: Text
    examples: dict[str, tuple[str, ...]]


class KnowledgeVocabulary(_Frozen):
    """Words that belong to one knowledge base: its assistant's wording and its places."""

    assistant: Assistant
    home: str | None = None
    home_words: Phrases = ()
    # What "the initiative" or "the brand" means when a visitor names no entry: the initiative itself
    initiative_words: Phrases = ()
    places: tuple[Place, ...] = ()
