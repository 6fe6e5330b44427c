"""The answer engine: a message is read into frames, each frame resolved, the parts returned typed.

Pure: imports neither Telegram nor a database. `answer()` takes the conversation's focus (what
the previous reply was about) and returns a `Result` carrying the new focus; the caller keeps it
per conversation. Thresholds favour declining over guessing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from rapidfuzz import fuzz, process

from bot.engine.frequency import WordFrequencies, load_frequencies
from bot.engine.lexicon import Lexicon, phrase_in
from bot.engine.matching import AliasIndex, Vocabulary
from bot.engine.reading import Frame, Named, Reader
from bot.engine.resolver import ANSWER_SCORE, Resolution, Resolver
from bot.engine.result import (
    DECLINES, Ask, Card, Chat, Clarify, Declined, Focus, Listing, Missing, Result, Schedule, Sources, Status, Suggestion,
    Verdict,
)
from bot.engine.search import DescriptionIndex, entry_texts
from bot.knowledge import KnowledgeBase, load_general_vocabulary
from bot.text import detect_language, distinct_words, normalise
from bot.vocabulary import GeneralVocabulary

MAX_QUESTION_CHARS = 500
LEARNED_SCORE = 90.0  # how close a question must be to one staff linked before
SHORT_MESSAGE_WORDS = 2  # a message this short never changes the conversation's language
MAX_LISTED = 50  # how much of a list the focus keeps for "the first one", "which of them"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


class Engine:
    """Answers questions from one knowledge base; holds no per-user state, safe to share."""

    def __init__(self, knowledge: KnowledgeBase, frequencies: WordFrequencies | None = None,
                 general: GeneralVocabulary | None = None) -> None:
        self.knowledge = knowledge
        self._frequencies = frequencies or load_frequencies()
        self.lexicon = Lexicon(general or load_general_vocabulary(), knowledge)
        general_words = self.lexicon.general_words()
        self._aliases = AliasIndex(self.lexicon.general.stop)
        for entry in knowledge:
            for alias in entry.all_names():
                self._aliases.add(alias, entry.id)
        known = Vocabulary()
        for word in sorted(general_words | self._aliases.vocabulary.words | set(self.lexicon.places.by_word)
                           | set(self.lexicon.synonym_of)):
            for part in word.split():
                known.add(part)
        for word in distinct_words(text for entry in knowledge for text in entry_texts(entry)):
            known.add(word)
        self._learned: dict[str, str] = {}
        # Words of names (entries, places) say nothing of the visitor's language, accents included.
        self._names = frozenset(self._aliases.vocabulary.words | {
            word for names in self.lexicon.places.names.values() for name in names.values() for word in normalise(name).split()})
        self.search = DescriptionIndex(knowledge, self.lexicon.general.stop | self.lexicon.asks.all_words(),
                                       self.lexicon.synonym_of)
        self.reader = Reader(self.lexicon, self._aliases, known, self._frequencies, general_words)
        self.resolver = Resolver(knowledge, self.lexicon, self.search, named_with=self._named_with)

    # ----------------------------------------------------------------- public API
    def learn_alias(self, phrase: str, entry_id: str) -> None:
        """Remember a question staff linked to an entry, so it and close variants are answered."""
        if entry_id not in self.knowledge.entries:
            raise KeyError(entry_id)
        key = normalise(phrase)
        if key:
            self._learned[key] = entry_id

    def answer(self, text: str, *, lang_hint: str | None = None, today: dt.date,
               focus: Focus | None = None) -> Result:
        """Read one message and reply: answered, clarify, unanswered or small talk."""
        focus = (focus or Focus()).known(self.knowledge.entries)
        default = lang_hint if lang_hint in ("fr", "en") else "fr"
        text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
        folded = self.reader.fold(text[:MAX_QUESTION_CHARS])
        lang = self._language(text, folded, default, lang_hint)
        base = {"question": text, "lang": lang}
        if len(text) > MAX_QUESTION_CHARS:
            return Result(**base, normalised=folded, status=Status.UNANSWERED, parts=(Declined("too_long"),),
                          intent="too_long", focus=focus)
        if not folded:
            return Result(**base, normalised="", status=Status.SMALLTALK, parts=(Chat("empty"),), intent="empty", focus=focus)
        base["normalised"] = folded

        again = self._again_in(folded, focus, today, base)
        if again is not None:  # "and in French?": the last answer, in that language
            return again
        sentences = self.reader.sentences(text)
        chat = [s.smalltalk for s in sentences if s.smalltalk]
        questions = [s for s in sentences if not s.smalltalk and not s.intro]
        closing = self.lexicon.closing_words
        if chat and not any(s.question for s in sentences) and any(set(s.folded.split()) & closing for s in sentences):
            questions = []  # "Thanks for the info about the fair, have a nice weekend!": no question in it
        if not questions and chat:
            kind = "help" if "help" in chat else chat[-1] if "hello" not in chat[-1:] or len(chat) == 1 else chat[0]
            status = Status.ANSWERED if kind == "help" else Status.SMALLTALK
            return Result(**base, status=status, parts=(Chat(kind),), intent=kind, score=100.0, focus=focus)
        questions = questions or [s for s in sentences if not s.smalltalk]
        asking = [s for s in questions if s.question] or questions
        context = [w for s in sentences if s not in asking and not s.smalltalk for w in s.folded.split()]
        learned = self._learned_entry(folded)

        parts, readings = [], []
        current, score, main = focus, 0.0, None
        for sentence in sentences:  # "I heard of a consortium in your region. How much did it get?"
            if sentence in asking or sentence.smalltalk or sentence not in questions and not sentence.intro:
                continue
            if sentences.index(sentence) < sentences.index(asking[-1]):  # ("I know Acme. Is it in Lille?")
                current = self._context_focus(sentence, current, today, named_only=sentence.intro)
        for index, sentence in enumerate(asking):
            previous = None
            for clause in self.reader.clauses(sentence):
                if len(readings) == 3:
                    break
                frame = _carry_edition(self.reader.read(clause, sentence.raw), previous)
                previous = frame
                readings.append(frame.describe())
                resolution = self.resolver.resolve(frame, current, today, context=context if not readings[:-1] else None,
                                                   forced=learned if len(readings) == 1 else None)
                for part in resolution.parts:
                    if isinstance(part, Verdict) and part.fact in parts:  # "what is Acme, is it a firm?": one card
                        parts[parts.index(part.fact)] = part
                    elif part not in parts and not (parts and isinstance(part, Declined) and part.reason == "unknown"):
                        parts.append(part)
                if resolution.subjects or resolution.listed or resolution.context:
                    main = main or (resolution.subjects[0] if resolution.subjects else None)
                    current = _next_focus(current, resolution, frame)
                    score = max(score, resolution.score)
                elif any(isinstance(p, Sources) for p in resolution.parts):  # ("and the English one?": articles)
                    current = dataclasses.replace(current, ask=Ask.SOURCES.value, attribute=None)
        return self._result(base, parts, readings, current, main, score)

    # ----------------------------------------------------------------- helpers
    def _named_with(self, words: list[str]) -> set[str]:
        """Entries one of whose names holds one of these words (a method: the engine pickles)."""
        return set().union(*(self._aliases.entries_with_word(w) for w in words))

    def _context_focus(self, sentence, focus: Focus, today: dt.date, named_only: bool = False) -> Focus:
        """A statement before the question may name or describe its subject: it sets the focus only
        (the visitor's words about themselves only by an entry they name)."""
        frame = self.reader.read(sentence.folded, sentence.raw)
        if frame.yes_no or frame.off_topic or named_only and not frame.named:
            return focus
        back = self.resolver.points_back(frame, focus) if not frame.named else []
        if back:  # "OK, back to the company. What does it make?": that one of the conversation
            return dataclasses.replace(focus, entries=tuple(dict.fromkeys(back + list(focus.entries))))
        if named_only:  # "I study immunology and know the Acme network": the fullest name, not a word of another
            frame.named.sort(key=lambda n: -len(n.words.split()))
        resolution = self.resolver.resolve(frame, Focus(), today)
        if resolution.subjects and not any(isinstance(p, (Declined, Clarify)) for p in resolution.parts):
            # ("I'd like to apply to Acme": what it says is missing, but Acme is what they talk about)
            return _next_focus(focus, resolution, frame)
        named = {n.entry for n in frame.named if n.score >= ANSWER_SCORE}
        if len(named) == 1:  # "Meeting the Acme people later. What are they specialised in?": Acme
            return dataclasses.replace(focus, entries=tuple(dict.fromkeys([*named, *focus.entries]))[:3])
        return focus

    def _again_in(self, folded: str, focus: Focus, today: dt.date, base: dict) -> Result | None:
        """"And in French?", "en anglais svp": what the conversation is about, asked again as before,
        answered in that language."""
        general = self.lexicon.general
        lang = next((lang for lang, phrases in general.language_requests.items() if phrase_in(folded, phrases)), None)
        if lang is None or not focus.entries:
            return None
        asked = {w for p in general.language_requests[lang] if phrase_in(folded, (p,)) for w in p.split()}
        idle = general.conjunctions | general.smalltalk_filler | general.repeat_words | general.stop | asked
        if any(w not in idle for w in folded.split()):
            return None  # ("and in French, where is it?": a question of its own)
        frame = Frame(folded, folded.split(), named=[Named(focus.entries[0], "", 100.0)],
                      asks=[Ask(focus.ask)] if focus.ask else [], attribute=focus.attribute)
        resolution = self.resolver.resolve(frame, focus, today)
        return self._result({**base, "lang": lang}, list(resolution.parts), [frame.describe()],
                            _next_focus(focus, resolution, frame), focus.entries[0], resolution.score)

    def _language(self, text: str, folded: str, default: str, hint: str | None) -> str:
        """The reply language: the question's, except that a word or two never switches it."""
        if hint in ("fr", "en") and len(folded.split()) <= SHORT_MESSAGE_WORDS:
            return hint
        return detect_language(text, default, self._frequencies, ignore=self._names)

    def _learned_entry(self, folded: str) -> str | None:
        if not self._learned:
            return None
        found = process.extractOne(folded, self._learned.keys(), scorer=fuzz.token_sort_ratio,
                                   score_cutoff=LEARNED_SCORE)
        return self._learned[found[0]] if found else None

    def _result(self, base: dict, parts: list, readings: list, focus: Focus, main: str | None,
                score: float) -> Result:
        if not parts:
            parts = [Declined("unknown")]
        if len(parts) > 1:  # an answer and a decline about nothing: keep the answer
            parts = [p for p in parts if not (isinstance(p, Declined) and p.reason == "unknown")] or parts[:1]
            carded = {p.entry for p in parts if isinstance(p, Card)}  # ("what about the fair, where was it?":
            parts = [p for p in parts if not (isinstance(p, Schedule) and p.entry in carded)]  # its card says when and where)
        first = parts[0]
        suggestions: tuple[Suggestion, ...] = ()
        if isinstance(first, Clarify):
            status = Status.CLARIFY
            suggestions = tuple(Suggestion(s.entry, self.knowledge.entries[s.entry].display(base["lang"]))
                                for s in first.suggestions)
        elif all(isinstance(p, DECLINES) for p in parts):
            status = Status.UNANSWERED
        else:
            status = Status.ANSWERED
        entry = main or getattr(first, "entry", None)
        if entry is None and isinstance(first, Listing) and len(first.items) == 1:
            entry = first.items[0]
        if isinstance(first, Missing) and first.entry:
            suggestions = (Suggestion(first.entry, self.knowledge.entries[first.entry].display(base["lang"])),)
        if isinstance(first, Verdict):
            entry = entry or getattr(first.fact, "entry", None)
        result = Result(**base, status=status, parts=tuple(parts), entry=entry,
                      score=round(score if status == Status.ANSWERED else min(score, 79.0), 1),
                        suggestions=suggestions, focus=focus, reading=tuple(readings))
        return dataclasses.replace(result, intent=result.kind)


def _carry_edition(frame, previous):
    """"Next year's fair: where and when?": a clause naming nothing keeps its sentence's edition."""
    if previous is not None and not frame.named and not frame.years and frame.edition_offset is None:
        frame.years, frame.edition_offset = set(previous.years), previous.edition_offset
    return frame


def _next_focus(previous: Focus, resolution: Resolution, frame) -> Focus:
    """The focus after a clause: what it was about (kept after a decline), its list, what was asked."""
    about = resolution.subjects + resolution.context
    if len(resolution.listed) == 1 and (frame.kinds or frame.places):
        # "which company does X?", "its partner in Springfield?" answered with one: "it" is that one now
        # (not "who leads X?": "and what is its goal?" is still about X)
        about = resolution.listed + tuple(e for e in about if e not in resolution.listed)
    entries = tuple(dict.fromkeys(about + tuple(e for e in previous.entries if e not in about)))[:3]
    # The last list stays while the conversation picks from it ("the first one", "the other one").
    picked = set(resolution.subjects) <= set(previous.listed)
    several = resolution.subjects if len(resolution.subjects) > 1 else ()  # "Acme, Foo and Bar: which of them...?"
    listed = (resolution.listed or several or (previous.listed if picked else ()))[:MAX_LISTED]
    return Focus(entries=entries, listed=listed, ask=frame.ask.value, attribute=frame.attribute)

