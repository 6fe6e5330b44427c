"""The answer engine: reads a question, finds what it is about and what is asked, decides.

It returns a `Result` (status, intent, entry, items, suggestions); `bot.replies` turns that into
words. Thresholds are chosen so the engine declines rather than guesses: a lone common word never
names an entry, unknown words lower confidence, and an attribute the sources lack is declined.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine import lexicon as lx
from bot.engine.frequency import WordFrequencies, load_frequencies
from bot.engine.matching import AliasIndex, Mention, Vocabulary, Word
from bot.engine.result import Result, Status, Suggestion
from bot.knowledge import Actor, Event, Figure, Initiative, KnowledgeBase, Objective, Person, Speciality
from bot.text import detect_language, normalise

MAX_QUESTION_CHARS = 500
ANSWER_SCORE = 80.0        # below this a name match is only a suggestion
PARTIAL_SCORE = 60.0       # reached with two distinctive words of one name; one word only suggests
LEARNED_SCORE = 90.0       # how close a question must be to one staff linked before
GENERIC_WORD_ENTRIES = 3   # a word in this many entries' names ("therapy") never suggests one alone

# Control and invisible characters, and lone surrogates (undecodable bytes read with surrogateescape).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
_LAUNCH_WORDS = frozenset("launched launch lance lancee lances created creee cree founded fonde fondee started "
                          "year annee depuis since".split())
_RELATION_WORDS = frozenset("link links linked relation relationship between lien liens lie liee entre connection".split())
_GENERAL_WORDS = frozenset().union(
    lx.STOP, lx.OFF_TOPIC, lx.INITIATIVE_WORDS, lx.FILLER, lx.MONTHS, lx.SOURCE_WORDS, lx.ORDINALS,
    lx.INTERNATIONAL_WORDS, lx.DEMONYMS, lx.BUDGET_WORDS, *lx.SMALLTALK_WORDS.values(), lx.OPINION, lx.OPINION_MODALS, lx.OPINION_DECISIONS, lx.NEGATIONS,
    *lx.INTENT_CUES.values(), *lx.KIND_NOUNS.values(), *lx.MISSING_ATTRIBUTES.values(), *lx.CONCEPTS.values(),
    *(p.split()[0] for phrases in lx.SMALLTALK.values() for p in phrases),
    "region regional regionale regionales regionaux".split(),
    _LAUNCH_WORDS, _RELATION_WORDS,
)

# Word sets built once, not per question.
_HELP_ALLOWED = lx.HELP_WORDS | lx.SMALLTALK_FILLER | lx.STOP | lx.HELP_CONTEXT
_HELP_TRIGGERS = lx.HELP_WORDS | {"questions", "utiliser"}
_SMALLTALK_ALLOWED = frozenset().union(*lx.SMALLTALK_WORDS.values(), lx.SMALLTALK_FILLER, lx.STOP)
_ROLE_WHO = lx.INTENT_CUES["who"] - lx.WHO_WORDS          # "who leads", "qui préside": a role, not "who is"
_STRONG_JOBS = lx.INTENT_CUES["jobs"] - lx.WEAK_JOB_WORDS
_ABROAD = lx.INTERNATIONAL_WORDS | lx.INTERNATIONAL_NAMES


@dataclass(frozen=True)
class Reading:
    """Everything the engine noticed in one question, before deciding."""

    words: list[Word]
    mentions: list[Mention]
    intents: set[str]
    kinds: set[str]
    missing: str | None
    places: list[str]
    concepts: Counter[str]
    unknown: float
    off_topic: bool
    partial: list[tuple[str, float]]
    months: set[int]
    intents_strong_who: bool
    numbers: set[float]
    ordinal: int | None
    strong_jobs: bool          # a real job word, not just "work" / "travailler"
    asks_budget: bool
    international: bool        # abroad, international, a foreign place
    rest: tuple[Word, ...]     # the words that name no entry
    yes_no: bool = False       # "Is BIOVALIANCE a company?", "c'est une marque ou une entreprise ?"
    asks_city: bool = False    # "in which city", not just "where"
    dates: tuple[dt.date, ...] = ()  # days named with their month: "on December 3", "le 15 octobre"


class Engine:
    """Answers questions from one knowledge base; holds no per-user state, safe to share."""

    def __init__(self, knowledge: KnowledgeBase, frequencies: WordFrequencies | None = None) -> None:
        self.knowledge = knowledge
        self._frequencies = frequencies or load_frequencies()
        self._aliases = AliasIndex(lx.STOP)
        self._learned: dict[str, str] = {}
        self._known = Vocabulary()
        self._places: dict[str, dict[str, str]] = {}  # place key -> name to show, per language
        self._entries_in_place: dict[str, list[str]] = {}  # place key -> entry ids, file order
        self._order = {entry_id: i for i, entry_id in enumerate(knowledge.entries)}  # ties: file order
        self._figure_concepts: dict[str, set[str]] = {}
        for entry in knowledge:
            for alias in entry.all_names():
                self._aliases.add(alias, entry.id)
        for word in _GENERAL_WORDS:
            self._known.add(word)
        for word in self._aliases.vocabulary.words:
            self._known.add(word)
        self._text_index: dict[str, set[str]] = {}  # word root -> entries whose texts use it
        for entry in knowledge:
            self._index_places(entry)
            for text in _texts_of(entry):
                for word in normalise(text).split():
                    self._known.add(word)
                    if len(word) >= 4 and word not in _GENERAL_WORDS:
                        self._text_index.setdefault(_stem(word) + word[5:7], set()).add(entry.id)
            if isinstance(entry, Figure):
                words = set()
                for text in entry.all_names() + (entry.unit.fr, entry.unit.en):
                    words |= set(normalise(text).split())
                self._figure_concepts[entry.id] = set(self._concepts(words))
        for place in list(self._places) + list(lx.PLACE_SYNONYMS) + list(lx.DEMONYMS):
            for word in place.split():
                self._known.add(word)
        self._known_stems = {w[:6] for w in self._known.words if len(w) >= 6}
        self._role_stems = {p.id: {_stem(w) for w in normalise(f"{p.role.fr} {p.role.en}").split() if len(w) >= 4}
                            for p in knowledge.of_type(Person)}

    def _index_places(self, entry) -> None:
        """Cities, countries and wider areas an entry is in, so 'events in the USA' can filter."""
        places: list[dict[str, str]] = []  # each place's name per language
        if getattr(entry, "city", None):
            places.append({"fr": entry.city, "en": entry.city})
        if isinstance(entry, Event):
            places.append({"fr": entry.country.fr, "en": entry.country.en})
        keys: set[str] = set()
        for names in places:
            for name in names.values():
                key = _place_key(name)
                self._places.setdefault(key, names)
                keys.add(key)
        for word in normalise(getattr(entry, "area", None) or "").split():
            if _place_key(word) in lx.PLACE_SYNONYMS.values():  # a country in an area: "Wisconsin (USA)"
                keys.add(_place_key(word))
        for key in keys:
            self._entries_in_place.setdefault(key, []).append(entry.id)

    def _find_places(self, raw: str, rest: list[Word]) -> list[str]:
        texts = [w.text for w in rest]
        found = []
        for size in (2, 1):
            for i in range(len(texts) - size + 1):
                key = _place_key(" ".join(texts[i:i + size]))
                if key in self._places and key not in found:
                    found.append(key)
        for text in texts:  # "une entreprise dijonnaise"
            key = lx.DEMONYMS.get(text)
            if key in self._places and key not in found:
                found.append(key)
        if re.search(r"\b(?:U\.?S\.?A?\.?)(?:\W|$)", raw) and "usa" not in found:
            found.append("usa")
        return found

    # ----------------------------------------------------------------- public API
    def learn_alias(self, phrase: str, entry_id: str) -> None:
        """Remember a question staff linked to an entry, so it and close variants are answered."""
        if entry_id not in self.knowledge.entries:
            raise KeyError(entry_id)
        key = normalise(phrase)
        if key:
            self._learned[key] = entry_id

    def answer(self, text: str, *, lang_hint: str | None = None, today: dt.date) -> Result:
        """Read one question and decide: answered, clarify, unanswered or smalltalk."""
        default = lang_hint if lang_hint in ("fr", "en") else "fr"
        text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
        lang = detect_language(text, default, self._frequencies, ignore=self._aliases.vocabulary.words)
        base = {"question": text, "lang": lang}
        if len(text) > MAX_QUESTION_CHARS:
            return Result(**base, normalised=normalise(text[:MAX_QUESTION_CHARS]), status=Status.UNANSWERED,
                          intent="too_long")
        folded = _expand_shorthand(normalise(text))
        if not folded:
            return Result(**base, normalised="", status=Status.SMALLTALK, intent="empty")
        smalltalk = self._smalltalk(folded)
        if smalltalk:
            return Result(**base, normalised=folded, status=Status.SMALLTALK, intent=smalltalk)
        folded = self._strip_greeting(folded)
        smalltalk = self._smalltalk(folded)  # "salut, ça va ?"
        if smalltalk:
            return Result(**base, normalised=folded, status=Status.SMALLTALK, intent=smalltalk)
        words = set(folded.split())
        if _matches_phrase(folded, lx.HELP) or (words <= _HELP_ALLOWED and words & _HELP_TRIGGERS):
            return Result(**base, normalised=folded, status=Status.ANSWERED, intent="help", score=100.0)
        reading = self._read(text, folded)
        return self._decide(reading, base | {"normalised": folded}, today, self._learned_entry(folded))

    # ----------------------------------------------------------------- reading
    def _smalltalk(self, folded: str) -> str | None:
        for intent, phrases in lx.SMALLTALK.items():
            if _matches_phrase(folded, phrases):
                return intent
        words = set(folded.split())
        kinds = [kind for kind, members in lx.SMALLTALK_WORDS.items() if words & members]
        if kinds and words <= _SMALLTALK_ALLOWED:  # "Au revoir et merci", "slt", "good evening, I hope you're well"
            return kinds[0]
        return None

    @staticmethod
    def _strip_greeting(folded: str) -> str:
        words = folded.split()
        while len(words) > 1 and words[0] in ("bonjour", "salut", "hello", "hi", "hey", "bonsoir", "coucou"):
            words = words[1:]
        return " ".join(words)

    def _learned_entry(self, folded: str) -> str | None:
        if not self._learned:
            return None
        found = process.extractOne(folded, self._learned.keys(), scorer=fuzz.token_sort_ratio,
                                   score_cutoff=LEARNED_SCORE)
        return self._learned[found[0]] if found else None

    def _repair(self, word: str, capitalised: set[str]) -> Word:
        if word in self._known or word.isdigit() or len(word) < 3:
            return Word(word, word, 100.0)
        if word + "s" in self._known or (word[-1] in "sx" and word[:-1] in self._known):  # "wound" / "wounds"
            return Word(word, word, 100.0)
        zipf = self._frequencies.commonest(word)
        if zipf < 3.0 and len(word) >= 4:  # a real everyday word is never bent into a name
            repaired = self._known.repair(word, self._aliases.vocabulary.words)
            if repaired is not None:
                return Word(word, repaired[0], repaired[1])
        if len(word) >= 6 and word[:6] in self._known_stems:  # "specialise" when "specialised" is known
            return Word(word, word, 100.0)
        if _is_manner_word(word):  # "exactement", "concretely", "focused": how, not what, is asked
            return Word(word, word, 100.0)
        weight = 2.0 if word in capitalised or zipf < 3.0 else 1.0
        return Word(word, word, 0.0, weight)

    def _join_split_names(self, words: list[Word]) -> list[Word]:
        """Glue two words back when together they spell a name: 'cel quest', 'rdb iotech'."""
        names = self._aliases.vocabulary.words
        joined: list[Word] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words) and min(words[i].score, words[i + 1].score) < 100:
                glued = words[i].raw + words[i + 1].raw
                repaired = (glued, 100.0) if glued in names else self._aliases.vocabulary.repair(glued)
                if repaired and repaired[0] in names:
                    joined.append(Word(glued, repaired[0], repaired[1]))
                    i += 2
                    continue
            joined.append(words[i])
            i += 1
        return joined

    def _read(self, raw: str, folded: str) -> Reading:
        all_words = folded.split()
        capitalised = _capitalised_words(raw)
        words = self._join_split_names([self._repair(w, capitalised) for w in all_words if w not in lx.STOP])
        mentions = self._aliases.find(words)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        rest = [w for i, w in enumerate(words) if i not in covered]
        rest_texts = {w.text for w in rest}

        intents = {name for name, cues in lx.INTENT_CUES.items() if rest_texts & cues}
        if "où" in raw.casefold() or all_words[:1] == ["ou"]:
            intents.add("where")
        if "how_many" in intents:  # "how many", "how much": a figure, not a way of working
            intents.discard("how")
        if "how" in intents and rest_texts & {"work", "works", "fonctionne", "marche"}:
            intents.discard("jobs")  # "how does it work?"
        kinds = {kind for kind, nouns in lx.KIND_NOUNS.items() if rest_texts & nouns}
        missing = next((attr for attr, cues in lx.MISSING_ATTRIBUTES.items() if rest_texts & cues), None)
        if missing is None:
            missing = next((attr for attr, phrases in lx.MISSING_PHRASES.items()
                            if any(f" {p} " in f" {folded} " for p in phrases)), None)
        if missing == "size" and ("how_many" in intents or self._concepts(rest_texts)):
            missing = None  # "how big is the biotherapy workforce?": the figure answers it
            intents.add("how_many")
        if missing == "contact" and kinds & {"company", "actor"}:
            missing = None  # "which company should I contact?": contact is the verb, not the detail
        if rest_texts & _LAUNCH_WORDS and ("when" in intents or rest_texts & {"year", "annee", "depuis", "since"}) \
                and "upcoming" not in intents:  # "next year" asks what comes, not when it began
            intents.add("launched")
            if missing == "founder":
                missing = None
        places = self._find_places(raw, rest)
        negated = bool(set(all_words) & lx.NEGATIONS)
        if "france" in places and (negated or set(all_words) & lx.INTERNATIONAL_WORDS):
            places.remove("france")  # "hors de France", "not in France": abroad
            negated = False
        kinds |= {kind for kind, phrases in lx.KIND_PHRASES.items() if any(f" {p} " in f" {folded} " for p in phrases)}
        concepts = self._concepts([w.text for w in words])
        opinion = bool(set(all_words) & lx.OPINION) or bool(
            set(all_words) & lx.OPINION_MODALS and set(all_words) & lx.OPINION_DECISIONS)
        off_topic = bool(rest_texts & lx.OFF_TOPIC) or opinion  # facts only: no advice, no opinions

        unknown = sum(w.weight for w in rest if w.score == 0.0)
        months = {lx.MONTHS[w.text] for w in rest if w.text in lx.MONTHS}
        if months and negated:  # "pas en octobre"
            months = set(range(1, 13)) - months
        if months and not mentions:
            kinds.add("event")  # "what's on in December?": only events have months
        partial = self._partial_candidates(rest)
        strong_who = bool(rest_texts & _ROLE_WHO)
        numbers = _numbers(raw)
        ordinal = next((lx.ORDINALS[w.text] for w in rest if w.text in lx.ORDINALS), None)
        if ordinal is None and (kinds & {"objective"} or "objectives" in intents):
            ordinal = next((int(n) for n in numbers if n in (1, 2, 3, 4)), None)
        if rest_texts & lx.SOURCE_WORDS and not kinds and {m.entry for m in mentions} <= {self.knowledge.initiative.id}:
            intents.add("sources")  # "who wrote the article about BIOVALIANCE?"
        return Reading(
            words=words, mentions=mentions, intents=intents, kinds=kinds, missing=missing, places=places,
            concepts=concepts, unknown=unknown, off_topic=off_topic, partial=partial, months=months,
            intents_strong_who=strong_who, numbers=numbers, ordinal=ordinal,
            strong_jobs=bool(rest_texts & _STRONG_JOBS),
            asks_budget=bool(rest_texts & lx.BUDGET_WORDS),
            international=bool(set(all_words) & _ABROAD)
            or (bool(set(all_words) & lx.NEGATIONS) and "france" in _place_key(folded).split()),
            rest=tuple(rest),
            yes_no=all_words[:1] in (["is"], ["are"], ["est"], ["c"], ["estce"]) or all_words[:2] == ["est", "ce"],
            dates=_days_named(all_words),
            asks_city=bool(rest_texts & {"city", "cities", "town", "ville", "villes"}),
        )

    def _partial_candidates(self, rest: list[Word]) -> list[tuple[str, float]]:
        """Entries sharing a distinctive (non-generic, non-question) word with the question."""
        scores: Counter[str] = Counter()
        for w in rest:
            if w.text in _GENERAL_WORDS or len(w.text) < 4 or w.score < ANSWER_SCORE:
                continue
            entries = self._aliases.entries_with_word(w.text)
            if 0 < len(entries) < GENERIC_WORD_ENTRIES:
                for entry_id in entries:  # each shared distinctive word adds to the entry's score
                    scores[entry_id] = min(scores[entry_id] + PARTIAL_SCORE * w.score / 100 / 2, 100.0)
        return sorted(scores.items(), key=lambda kv: (-kv[1], self._order[kv[0]]))[:3]

    @staticmethod
    def _concepts(words) -> Counter[str]:
        """How many of the words evoke each concept: 'how many people are employed' weighs jobs twice."""
        return Counter(name for word in words for name, members in lx.CONCEPTS.items() if word in members)

    # ----------------------------------------------------------------- deciding
    def _decide(self, r: Reading, base: dict, today: dt.date, learned: str | None) -> Result:
        kb = self.knowledge
        intent = _main_intent(r.intents)
        entries = list(dict.fromkeys(m.entry for m in r.mentions))
        score = min((m.score for m in r.mentions), default=0.0)
        if learned:
            score = max(score, LEARNED_SCORE)
        if not entries and {w.text for w in r.rest} & {"region", "regional", "regionale"}:
            region = next((a.id for a in kb.of_type(Actor) if a.kind == "region"), None)
            if region and (r.intents & {"who", "where", "how_many", "jobs"} or r.kinds):
                entries, score = [region], ANSWER_SCORE  # in this bot "la région" is Bourgogne-Franche-Comté
        if not entries and r.partial:
            (best, top), *others = r.partial
            if top >= PARTIAL_SCORE and all(other < top for _, other in others):
                entries, score = [best], ANSWER_SCORE  # two distinctive words: "le cluster du Wisconsin"

        def answered(intent: str, entry: str | None = None, items=(), **extra) -> Result:
            return Result(**base, status=Status.ANSWERED, intent=intent, entry=entry,
                          score=round(score or 90.0, 1), items=tuple(items), **extra)

        def declined(intent: str, entry: str | None = None, **extra) -> Result:
            suggestions = (self._suggestion(entry, base["lang"]),) if entry else ()
            return Result(**base, status=Status.UNANSWERED, intent=intent, entry=entry,
                          score=round(score, 1), suggestions=suggestions, **extra)

        if r.off_topic and not learned:
            return declined("off_topic")
        anchored = bool(entries) or bool(r.kinds) or "jobs" in r.intents
        vague = intent == "define" and not r.kinds  # "what is the capital of ..." asks an attribute
        if not learned and (r.unknown >= 2 or (r.unknown and ("member" in r.intents or not anchored or vague))):
            return declined("unknown_words", entries[0] if entries else None)

        if "sources" in r.intents:
            return answered("sources")
        if learned:  # staff linked this question to an entry: answer from it, whatever else it holds
            found = self._about(kb.get(learned), intent, r, today)
            return answered(found[0] or "define", learned, found[1] if found[0] else ())

        if entries and score < ANSWER_SCORE:
            return self._clarify(base, [(e, score) for e in entries] + r.partial)
        broad = [e for e in entries if isinstance(kb.get(e), (Initiative, Speciality))]
        if r.places and entries and entries == broad and (r.kinds or r.yes_no or not r.intents or r.intents & {
                "jobs", "list", "when", "where", "upcoming", "define"}):
            # "entreprises de biothérapie à Besançon", "Biovaliance sera à Lyon quand ?": the place decides
            found = self._place_answer(r, base, answered, declined, speciality=next(
                (e for e in entries if isinstance(kb.get(e), Speciality)), None))
            if found.status == Status.ANSWERED:
                return found
        if r.dates and (not entries or entries == [kb.initiative.id]):  # "Où sera BIOVALIANCE le 15 octobre ?"
            on_day = [e.id for e in kb.events_by_date(today) if any(
                (e.start.month, e.start.day) <= (d.month, d.day) <= (e.end.month, e.end.day) for d in r.dates)]
            if on_day:
                return answered("list_event", None, on_day)
        if len(entries) > 1 and entries[0] == kb.initiative.id:
            entries.append(entries.pop(0))  # "Will BIOVALIANCE be at BioFit?" is about BioFit
        if entries and r.intents & {"who", "list"} and not r.places and not isinstance(kb.get(entries[0]), Person):
            people = self._people_by_role(r.words)  # "Quel ministre est cité à propos de France 2030 ?"
            if people:
                return answered("define", people[0], (), detail={"also": tuple(people[1:3])})

        city = next((p for p in r.places if p not in lx.PLACE_SYNONYMS.values()), None)
        if city and (("how_many" in r.intents and r.concepts)
                     or isinstance(kb.get(entries[0]) if entries else None, Figure)):
            # the key figures are regional: "How many biotherapy jobs in Dijon?" is not answered by them
            return declined("missing", missing="figure", place=self._places[city][base["lang"]])
        if entries:
            main = kb.get(entries[0])
            if isinstance(main, Figure) and "jobs" in r.intents and "how_many" not in r.intents:
                return answered("employers", None, self._companies())  # "which biotech companies could hire me?"
            if r.missing in ("ceo", "leader") and isinstance(main, Actor):
                heads = [p for p in kb.people_by_organisation.get(main.id, ()) if "presi" in self._role_stems[p]]
                if heads:  # "le patron de la région": its president
                    return answered("people", main.id, heads)
            if r.missing and not (r.missing == "headcount" and not _is_company_like(main)):
                return declined("missing", main.id, missing=r.missing)
            if len(entries) > 1 and (r.intents & {"member", "partners"} or r.words and
                                     {w.text for w in r.words} & _RELATION_WORDS):
                return answered("relation", main.id, entries[1:])
            results = [self._about(kb.get(e), intent, r, today) for e in entries[:3]]
            first = results[0]
            if first[0] is None:
                return declined("missing", main.id, missing=first[2])
            extra = tuple(e for e, found in zip(entries[1:3], results[1:])
                          if found[0] is not None and type(kb.get(e)) is type(main))
            return answered(first[0], main.id, first[1],
                            detail={"also": extra, "upcoming": "upcoming" in r.intents, "international": r.international})

        # No entry named: the question may still be about a kind of entry, a place or a figure.
        if r.missing and r.missing != "headcount":
            return declined("missing", missing=r.missing)
        by_number = [f.id for f in kb.of_type(Figure) if f.value in r.numbers]
        if len(by_number) == 1:
            return answered("figure", by_number[0])
        if r.ordinal and (r.kinds & {"objective"} or "objectives" in r.intents):
            chosen = [o.id for o in kb.of_type(Objective) if o.order == r.ordinal]
            if chosen:
                return answered("define", chosen[0])
        if r.places and (r.intents & {"jobs", "list", "define", "where"} or r.kinds or len(r.words) <= 2):
            return self._place_answer(r, base, answered, declined)
        if "how_many" in r.intents and (r.concepts or r.kinds & {"company", "event", "objective"}):
            return self._figure_answer(r, base, answered, declined)
        described = (self._described(r.rest) if r.intents & {"who", "jobs"} and not r.places
                     and not r.kinds - {"actor", "company"} else ())
        if described:  # "I want to work on blood-based therapeutics": the entries whose texts say so
            return answered("described", None, described)
        if "jobs" in r.intents or r.kinds & {"company"}:
            return answered("employers", None, self._companies())
        if r.kinds:
            kind = _main_kind(r.kinds)
            items = self._list_kind(kind, r.intents, today, r.months, r.international)
            if not items:
                return declined(f"list_{kind}")
            return answered(f"list_{kind}", None, items, detail={"upcoming": "upcoming" in r.intents})
        if "objectives" in r.intents:
            return answered("objectives", kb.initiative.id, self._list_kind("objective", r.intents, today))
        if "partners" in r.intents or "member" in r.intents:
            return answered("partners", kb.initiative.id, self._partners(), detail={"international": r.international})
        if "who" in r.intents and not r.places:  # "the president of France" is not the Region's
            people = self._people_by_role(r.words)
            if people:
                return answered("define", people[0], (), detail={"also": tuple(people[1:3])})
        if r.partial and not r.unknown:  # "la capitale du Wisconsin ?" is not about BioForward
            return self._clarify(base, r.partial)
        if r.intents & {"define", "how", "who"} and {w.text for w in r.words} & lx.INITIATIVE_WORDS:
            main = kb.initiative
            return answered(*self._about(main, intent, r, today)[:1], main.id)
        return declined("not_understood")

    def _clarify(self, base: dict, candidates: list[tuple[str, float]]) -> Result:
        best: dict[str, float] = {}
        for entry_id, score in candidates:
            best[entry_id] = max(best.get(entry_id, 0.0), score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self._order[kv[0]]))[:3]
        return Result(**base, status=Status.CLARIFY, intent="clarify", entry=ranked[0][0],
                      score=round(ranked[0][1], 1), suggestions=tuple(self._suggestion(e, base["lang"]) for e, _ in ranked))

    def _about(self, entry, intent: str, r: Reading, today: dt.date) -> tuple[str | None, tuple[str, ...], str | None]:
        """(intent answered, item ids, missing attribute) for a question about one entry."""
        kb = self.knowledge
        if isinstance(entry, Actor) and entry.kind == "region":
            if r.kinds & {"speciality"}:  # "the region's strengths": every field the sources name
                return "list_speciality", self._list_kind("speciality", r.intents, today), None
            if r.kinds or intent in ("how_many", "jobs"):
                entry = kb.initiative  # "Which companies in the region?": the initiative's lists
        if r.asks_budget and not r.kinds and not isinstance(entry, Figure):
            figures = kb.figures_by_subject.get(entry.id, ())  # "budget of BioImp" / "budget of Chematech"
            return ("figures", figures, None) if figures else (None, (), "budget")
        if isinstance(entry, Initiative):
            if intent == "how" and r.kinds <= {"actor", "company"}:  # "how does it help companies?"
                return "initiative_how", (), None
            if r.kinds & {"event"} or (intent in ("when", "upcoming") and not r.intents & {"launched"}):
                return "list_event", self._list_kind("event", r.intents, today, r.months, r.international), None
            if r.kinds & {"plan"}:
                return "list_plan", self._list_kind("plan", r.intents, today), None
            if intent == "objectives" or r.kinds & {"objective"} or {w.text for w in r.rest} & lx.WANT_WORDS:
                return "objectives", self._list_kind("objective", r.intents, today), None
            if intent == "how_many" and not r.kinds & {"figure"}:
                figures = self._figures_for(r)
                if figures or r.unknown:  # "combien d'habitants ?": a figure the sources lack
                    return ("figures", figures, None) if figures else (None, (), "figure")
            if r.kinds & {"company"} and r.yes_no and intent != "jobs":
                return "define", (), None  # "Is BIOVALIANCE a company?": what it is
            if r.kinds & {"company"} or intent == "jobs":
                return "employers", self._companies(), None
            if r.kinds & {"speciality"}:
                return "list_speciality", tuple(entry.specialities), None
            if intent == "how_many" or r.kinds & {"figure"}:
                return "list_figure", tuple(f.id for f in kb.of_type(Figure)), None
            if intent in ("partners", "member") or r.kinds & {"actor"}:
                return "partners", self._partners(), None
            if intent == "who":
                return "initiative_who", tuple(entry.launched_by) + tuple(entry.partners), None
            if intent in ("launched", "when"):
                return "launched", (), None
            if intent == "where":
                return "initiative_where", tuple(entry.launched_by), None
            return "define", (), None
        if intent == "who" and not r.intents_strong_who and not isinstance(entry, Person):
            intent = "define"  # "who is BioForward?" asks what it is, not who leads it
        if intent == "jobs" and not r.strong_jobs:
            intent = "define"  # "Chematech travaille pour quel traitement ?" is not a job search
        if isinstance(entry, Actor):
            people = kb.people_by_organisation.get(entry.id, ())
            if intent == "where":
                if not entry.city and (not entry.area or r.asks_city):  # "In which city is CellQuest?"
                    return None, (), "location"
                return "where", (), None
            if intent in ("launched", "when"):
                return ("launched", (), None) if entry.launched else (None, (), "launch date")
            if intent == "who" and "define" in r.intents:
                return "define", tuple(entry.related), None
            if intent == "who":
                if people:
                    return "people", people, None
                return ("led_by", tuple(entry.led_by), None) if entry.led_by else (None, (), "leader")
            if intent == "how_many":
                figures = kb.figures_by_subject.get(entry.id, ()) or self._figures_for(r)
                return ("figures", figures, None) if figures else (None, (), "figure")
            if (r.kinds & {"company", "actor"} and "list" in r.intents) or intent in ("partners", "member"):
                related = tuple(e for e in entry.related if isinstance(kb.get(e), Actor))
                if related:
                    return "related", related, None
            if intent == "jobs":
                return None, (), "job offers"  # the sources list no vacancies: say so, show the actor
            return "define", tuple(entry.related), None
        if isinstance(entry, Person):
            if intent == "where":
                return "person_where", (entry.organisation,), None
            return "define", (entry.organisation,), None
        if isinstance(entry, Event):
            if intent == "where":
                return "where", (), None
            if intent in ("when", "launched", "upcoming"):
                return "when", (), None
            return "define", (), None
        if isinstance(entry, Speciality):
            actors = self._actors_with(entry.id)
            if intent == "how_many" and self._figures_for(r):
                return "figures", self._figures_for(r), None
            if r.kinds & {"speciality"} and not actors:  # "les compétences de la région en biothérapies"
                return "list_speciality", self._list_kind("speciality", r.intents, today), None
            if "jobs" in r.intents and not actors:  # the whole sector ("un emploi en biothérapies")
                return "employers", self._companies(), None
            if intent in ("who", "jobs", "list", "where") or r.kinds & {"company", "actor"}:
                return "speciality_actors", actors, None
            return "define", actors, None
        return "define", (), None

    def _place_answer(self, r: Reading, base: dict, answered, declined, speciality: str | None = None) -> Result:
        """What is in a place: companies when jobs are asked, events when events are, else both."""
        kinds = set(r.kinds)
        if "jobs" in r.intents:
            kinds.add("company")
        if r.intents & {"when", "upcoming"} and not kinds:
            kinds.add("event")
        found = self._in_place(r.places[0], kinds)
        with_speciality = self.knowledge.actors_by_speciality.get(speciality or "", ())
        if with_speciality:  # "cell therapy companies in Dijon": only those working on it
            found = tuple(e for e in found if e in with_speciality)
        shown = self._places[r.places[0]][base["lang"]]
        detail = {"employers": "company" in kinds}
        if found:
            return answered("in_place", None, found, place=shown, detail=detail)
        return declined("in_place", place=shown, detail=detail)

    # ----------------------------------------------------------------- lists
    @functools.cached_property
    def _company_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.knowledge.of_type(Actor) if a.kind == "company")

    def _companies(self) -> tuple[str, ...]:
        return self._company_ids

    def _partners(self) -> tuple[str, ...]:
        initiative = self.knowledge.initiative
        international = [a.id for a in self.knowledge.of_type(Actor)
                         if initiative.id in a.related and a.id not in initiative.partners and a.kind in ("cluster", "network")]
        return tuple(initiative.partners) + tuple(international)

    def _actors_with(self, speciality_id: str) -> tuple[str, ...]:
        actors = [self.knowledge.entries[i] for i in self.knowledge.actors_by_speciality.get(speciality_id, ())]
        actors.sort(key=lambda a: a.kind != "company")
        return tuple(a.id for a in actors)

    def _in_place(self, place: str, kinds: set[str]) -> tuple[str, ...]:
        """Actors and events in a place; only companies, or only events, when that is what was asked."""
        here = [self.knowledge.entries[i] for i in self._entries_in_place.get(place, ())]
        actors = [] if kinds == {"event"} else [a for a in here if isinstance(a, Actor)]
        if "company" in kinds:
            actors = [a for a in actors if a.kind == "company"]
        actors.sort(key=lambda a: a.kind != "company")
        events = [] if kinds & {"company", "actor"} else [e for e in here if isinstance(e, Event)]
        return tuple(a.id for a in actors) + tuple(e.id for e in events)

    def _described(self, words: list[Word]) -> tuple[str, ...]:
        """Entries whose own texts use the question's rare words ("blood", "wound"), best first.

        Only words that name no entry and appear in at most two entries' texts count, so a
        question must share something specific with an entry before the entry is offered.
        """
        scores: Counter[str] = Counter()
        for w in words:
            if w.score < 100 or w.text in _GENERAL_WORDS or len(w.text) < 4:
                continue
            holders = self._text_index.get(_stem(w.text) + w.text[5:7], ())
            if 0 < len(holders) <= 2:
                for entry_id in holders:
                    scores[entry_id] += 1
        if not scores:
            return ()
        top = max(scores.values())
        return tuple(sorted((e for e, n in scores.items() if n == top), key=self._order.__getitem__))[:3]

    def _people_by_role(self, words: list[Word]) -> list[str]:
        """People whose role shares the question's words, for 'who is the minister?'."""
        stems = {lx.ROLE_SYNONYMS.get(_stem(w.text), _stem(w.text)) for w in words}
        stems &= lx.ROLE_STEMS
        scored = sorted(((len(stems & role), person) for person, role in self._role_stems.items()), reverse=True)
        if not scored or not scored[0][0]:
            return []
        return [person for overlap, person in scored if overlap == scored[0][0]]

    def _list_kind(self, kind: str, intents: set[str], today: dt.date, months: set[int] = frozenset(),
                   abroad: bool = False) -> tuple[str, ...]:
        kb = self.knowledge
        if kind == "event":
            events = kb.events_by_date(today)
            if abroad:  # "événements à l'étranger"
                events = [e for e in events if _place_key(e.country.en) != "france"]
            if months:
                events = [e for e in events if e.start.month in months or e.end.month in months]
            if "past" in intents:
                events = [e for e in events if e.status(today) == "past"]
            return tuple(e.id for e in events)
        if kind == "objective":
            return tuple(o.id for o in sorted(kb.of_type(Objective), key=lambda o: o.order))
        if kind == "company":
            return self._companies()
        if kind == "plan":
            return tuple(a.id for a in kb.of_type(Actor) if a.kind == "plan")
        model = {"actor": Actor, "speciality": Speciality, "figure": Figure, "person": Person}[kind]
        return tuple(e.id for e in kb.of_type(model))

    def _figure_scores(self, r: Reading) -> list[tuple[float, str]]:
        """Key figures ranked by the concepts they share with the question, best first."""
        scored = []
        for figure_id, concepts in self._figure_concepts.items():
            shared = sum(weight for name, weight in r.concepts.items() if name in concepts)
            if shared:
                scored.append((shared - 0.5 * len(concepts - set(r.concepts)), figure_id))
        return sorted(scored, reverse=True)

    def _figures_for(self, r: Reading) -> tuple[str, ...]:
        """The one key figure that clearly fits the question's concepts, if any."""
        ranked = self._figure_scores(r)
        if ranked and ranked[0][0] >= 1 and (len(ranked) == 1 or ranked[1][0] < ranked[0][0]):
            return (ranked[0][1],)
        return ()

    def _figure_answer(self, r: Reading, base: dict, answered, declined) -> Result:
        ranked = self._figure_scores(r)
        if not ranked:
            return declined("figure")
        winners = [f for score, f in ranked if score == ranked[0][0]]
        if len(winners) > 1:
            return self._clarify(base, [(f, 70.0) for f in winners])
        return answered("figure", winners[0])

    def _suggestion(self, entry_id: str, lang: str = "fr") -> Suggestion:
        return Suggestion(entry_id, self.knowledge.entries[entry_id].display(lang))


def _place_key(name: str) -> str:
    """One key per place whatever it is called: 'États-Unis', 'United States' and 'USA' -> 'usa'."""
    key = normalise(name)
    return lx.PLACE_SYNONYMS.get(key, key)


def _expand_shorthand(folded: str) -> str:
    """Rewrite phone shorthand ("wat", "koi", "tel me") into the words the lexicon knows."""
    words = folded.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if pair in lx.SHORTHAND:
            out.append(lx.SHORTHAND[pair])
            i += 2
            continue
        out.append(lx.SHORTHAND.get(words[i], words[i]))
        i += 1
    return " ".join(out)


_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d+)*")


def _days_named(words: list[str]) -> tuple[dt.date, ...]:
    """Day-and-month pairs ("3 december", "december 3rd", "le 15 octobre"), in a leap year."""
    found = []
    for i, word in enumerate(words):
        if word in lx.MONTHS:
            for near in (words[i - 1:i] + words[i + 1:i + 2]):
                day = re.sub(r"(st|nd|rd|th|er)$", "", near)
                if day.isdigit() and 1 <= int(day) <= 31:
                    with contextlib.suppress(ValueError):
                        found.append(dt.date(2000, lx.MONTHS[word], int(day)))
    return tuple(found)


def _numbers(raw: str) -> set[float]:
    """Numbers as written in French or English: '13 000', '13,000', '2.500', '7,5'."""
    found: set[float] = set()
    for match in _NUMBER.finditer(raw):
        parts = re.split(r"[ \u00a0\u202f.,]", match.group())
        if all(len(p) == 3 for p in parts[1:]):
            found.add(float("".join(parts)))
        elif len(parts) == 2:
            found.add(float(f"{parts[0]}.{parts[1]}"))
        else:
            found.update(float(p) for p in parts)
    return found


def _stem(word: str) -> str:
    """Crude shared stem: 'préside', 'président', 'presidente' -> 'presi'."""
    return word[:5]


def _is_company_like(entry) -> bool:
    """Entries whose head count a visitor may ask and the sources never give (not the Region)."""
    return isinstance(entry, Actor) and entry.kind != "region"


def _is_manner_word(word: str) -> bool:
    """Adverbs ("exactement", "concretely") say how, not what, is asked."""
    return (len(word) >= 7 and word.endswith("ment")) or (len(word) >= 6 and word.endswith("ly"))


def _texts_of(entry) -> list[str]:
    """Every free text of an entry, both languages, so the words in them count as known."""
    texts = []
    for value in entry.__dict__.values():
        if hasattr(value, "fr") and hasattr(value, "en"):
            texts += [value.fr, value.en]
    return texts


def _matches_phrase(folded: str, phrases: tuple[str, ...]) -> bool:
    found = process.extractOne(folded, phrases, scorer=fuzz.ratio, score_cutoff=88)
    return found is not None


def _capitalised_words(raw: str) -> set[str]:
    """Folded words written with a capital inside the sentence: likely names of things."""
    words = re.findall(r"[\w'’-]+", raw)
    return {normalise(w) for i, w in enumerate(words) if i > 0 and w[:1].isupper()}


_INTENT_PRIORITY = ("launched", "how_many", "objectives", "when", "where", "partners", "who", "jobs",
                    "member", "how", "upcoming", "past", "list", "define")


def _main_intent(intents: set[str]) -> str:
    return next((i for i in _INTENT_PRIORITY if i in intents), "define")


_KIND_PRIORITY = ("event", "figure", "objective", "plan", "company", "speciality", "person", "actor")


def _main_kind(kinds: set[str]) -> str:
    return next(k for k in _KIND_PRIORITY if k in kinds)
