"""Read a message into frames: sentences, clauses, and for each clause what is asked about what.

One general mechanism: words are repaired (typos), names are matched as whole aliases, and every
other word is looked up in the vocabulary tables (asks, attributes, kinds of entries, places,
months, editions...). Nothing here knows a phrasing: a new cue is a line of YAML.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.engine.lexicon import Lexicon, phrase_in
from bot.engine.matching import AliasIndex, Mention, Vocabulary, Word
from bot.engine.result import Ask
from bot.knowledge import REFERENCE_FIELDS
from bot.text import normalise

ASK_BY_NAME = {a.value: a for a in Ask}
MAX_CLAUSES = 3
# A sentence runs to . ! ? ; or a line break, but "7.5" and "13,000" do not end one.
_SENTENCE = re.compile(r"(?:[^.!?;\n]|(?<=\d)[.,](?=\d))+[.!?;\n]*")
_ASIDE = re.compile(r"(\s[-\u2013\u2014]\s|,)")
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d+)*")
_INVERSION = re.compile(r"\b\w+['’]?-(?:t-)?(\w+)\b", re.IGNORECASE)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # "heyyy", "merciii": a letter held down (never "2000")


@dataclass(frozen=True)
class Named:
    """An entry a clause names, the words that named it and how sure the match is (0-100)."""

    entry: str
    words: str
    score: float


@dataclass
class Frame:
    """What one clause asks: the entries named, what is asked about them, and the filters."""

    text: str
    words: list[str]                   # normalised words of the clause
    named: list[Named] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)  # most specific first
    attribute: str | None = None
    kinds: list[str] = field(default_factory=list)
    narrowing: list[str] = field(default_factory=list)  # kind nouns that must be in the entry's texts
    places: list[str] = field(default_factory=list)
    months: set[int] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    edition_offset: int | None = None  # "next year" = +1 relative to today
    step: int = 0                      # "the event just before" (-1) or "right after" (+1) another
    equated: bool = False  # a statement asked that says two named things are one
    time: str | None = None            # "past" | "upcoming"
    ordinal: int | None = None
    negated: bool = False
    international: bool = False
    yes_no: bool | None = False
    existential: bool = False          # "is there a company in Lille?"
    attributed: bool = False           # "according to the article, ...": an outlet named is the setting
    quoted: bool = False               # "who is quoted", "qui est cité": who the articles quote
    off_topic: bool = False
    unknown: float = 0.0               # how much of the clause the engine does not know
    unknown_head: bool = False         # "which vaccines...?": what is asked for is a word the sources never use
    content: list[str] = field(default_factory=list)  # repaired words naming no entry, for search
    has_question_mark: bool = False

    @property
    def ask(self) -> Ask:
        return self.asks[0] if self.asks else Ask.DESCRIBE

    def describe(self) -> dict:
        """How the clause was read, for the console's "try it" and for debugging."""
        return {"text": self.text, "named": [n.__dict__ for n in self.named], "asks": [a.value for a in self.asks],
                "attribute": self.attribute, "kinds": self.kinds, "places": self.places,
                "months": sorted(self.months), "years": sorted(self.years), "edition_offset": self.edition_offset,
                "time": self.time, "ordinal": self.ordinal, "step": self.step, "negated": self.negated, "yes_no": self.yes_no,
                "off_topic": self.off_topic, "unknown": self.unknown}


@dataclass(frozen=True)
class Sentence:
    raw: str
    folded: str
    question: bool      # ends with "?" or opens with a question word
    intro: bool         # the visitor speaking about themselves
    smalltalk: str | None


class Reader:
    """Turns text into sentences and frames with one knowledge base's names and vocabulary."""

    def __init__(self, lexicon: Lexicon, aliases: AliasIndex, known: Vocabulary, frequencies,
                 general_words: set[str]) -> None:
        self.lx = lexicon
        self.aliases = aliases
        self.known = known
        self.frequencies = frequencies
        self.general_words = general_words
        self._known_stems = {w[:6] for w in known.words if len(w) >= 6}
        g = lexicon.general
        self._wh_words = set(lexicon.asks.openers) | {
            w for w, labels in lexicon.asks.words.items() if set(labels) & {"where", "when", "who", "how_many", "list"}
        }
        self._question_openers = self._wh_words | g.interrogatives
        self._sentence_openers = self._question_openers | g.yes_no.openers  # (after a spaced dash)
        self._opening_phrases = tuple(g.interrogative_phrases) + tuple(g.yes_no.existential)
        self._head_ends = frozenset(g.stop) | frozenset(general_words)  # what ends the noun a "which" asks for
        self._name_words = aliases.vocabulary.words | {w for key in lexicon.places.by_word for w in key.split()}
        # Per small-talk kind, built once: its phrases, its cue words, every word it may hold.
        filler = g.smalltalk_filler | set(g.stop)
        self._smalltalk = {kind: (cues.phrases, cues.words, cues.words | filler | {w for p in cues.phrases for w in p.split()})
                           for kind, cues in lexicon.smalltalk.items()}
        self._smalltalk_words = set().union(*(allowed for _, _, allowed in self._smalltalk.values()))
        # Words that say what something is ("research", "hospitals"): in a quote, what was said
        self._quotable = (lexicon.kinds.all_words() | lexicon.attributes.all_words() | g.facets) - set(g.stop) \
            - lexicon.asks.all_words()

    # ------------------------------------------------------------------ text
    def fold(self, text: str) -> str:
        """Normalise, then rewrite phone shorthand ("wat", "koi", "c ou") into known words."""
        words = normalise(text).split()
        out: list[str] = []
        i = 0
        table = self.lx.shorthand
        while i < len(words):
            pair = " ".join(words[i:i + 2])
            if pair in table:
                out += table[pair].split()
                i += 2
                continue
            word = self._unstretched(words[i])
            out += table.get(word, word).split()
            i += 1
        return " ".join(out)

    def _unstretched(self, word: str) -> str:
        """"heyyy" is "hey" and "cooool" is "cool": the letter once, or twice when that is a known word."""
        if not _STRETCHED.search(word):
            return word
        once, twice = _STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word)
        return twice if twice in self.known and once not in self.known else once

    def smalltalk_kind(self, folded: str) -> str | None:
        """The small-talk kind a whole sentence is, scored: the best match wins, not the first."""
        if not folded:
            return None
        words = set(folded.split())
        best: tuple[float, str] | None = None
        for kind, (phrases, cue_words, allowed) in self._smalltalk.items():
            found = process.extractOne(folded, phrases, scorer=fuzz.ratio, score_cutoff=88) if phrases else None
            score = found[1] if found else (80.0 if words <= allowed and words & cue_words else 0.0)
            if score and (best is None or score > best[0]):
                best = (score, kind)
        if best is None and words <= self._smalltalk_words:  # "thanks, bye!": several kinds, the last one said
            said = [kind for word in folded.split() for kind, (_, cue_words, _) in self._smalltalk.items()
                    if word in cue_words]
            kinds = set(said)
            if len(kinds) > 1 and words <= set().union(*(self._smalltalk[kind][2] for kind in kinds)):
                return said[-1]
        return best[1] if best else None

    def _split_asides(self, raw: str) -> list[str]:
        """"I'm a postdoc in Springfield - is gene editing strong there?", "je suis en BTS à Springfield,
        c'est quoi...": a question opening after a spaced dash, or after a comma that ends a
        self-introduction, is a sentence of its own, when what comes before asks nothing; so is one
        after a comma that ends another question ("what is Acme, is it a firm?"). The dash inside a
        name, "Acme – Bio", is no break."""
        pieces = _ASIDE.split(raw)  # text, separator, text, separator, ...
        out = pieces[:1]
        for separator, piece in zip(pieces[1::2], pieces[2::2]):
            words, before = self.fold(piece).split(), self.fold(out[-1]).split()
            opens = bool(words) and (words[0] in self._sentence_openers or any(  # ("- any link with X?")
                " ".join(words[:len(p.split())]) == p for p in self._opening_phrases))
            asks_nothing = not set(before) & self._question_openers
            dash = separator != ","
            asked = bool(before) and before[0] in self._sentence_openers  # "what is Acme, is it a firm?"
            if opens and (asked or asks_nothing and (dash or phrase_in(" ".join(before[:3]), self.lx.self_intro))):
                out.append(piece)
            else:
                out[-1] += separator + piece
        return out

    def sentences(self, text: str) -> list[Sentence]:
        out = []
        for raw in (piece for match in _SENTENCE.finditer(text) for piece in self._split_asides(match.group())):
            raw = raw.strip()
            if not raw.strip(".!?; \n"):
                continue
            folded = self.fold(raw)
            words = folded.split()
            # A greeting at the start of a sentence is small talk of its own: "Hello, I'm a student"
            # (but "hey there" is a greeting through and through).
            while len(words) > 1 and self.smalltalk_kind(words[0]) == "hello" and not self.smalltalk_kind(" ".join(words)):
                words = words[1:]
            folded = " ".join(words)
            if not folded:
                continue
            question = "?" in raw or (bool(words) and words[0] in self._question_openers)
            intro = phrase_in(" ".join(words[:3]), self.lx.self_intro) or any(
                " ".join(words[:n]) in self.lx.self_intro for n in (1, 2, 3))
            out.append(Sentence(raw, folded, question, intro and "?" not in raw, self.smalltalk_kind(folded)))
        return out

    def clauses(self, sentence: Sentence) -> list[str]:
        """Split "Where was it held, and on which dates?" into one clause per question."""
        words = sentence.folded.split()
        g = self.lx.general
        spans, start = [], 0
        for i in range(1, len(words) - 1):
            nxt = words[i + 1]
            opens = nxt in self._question_openers or (
                nxt in g.prepositions and i + 2 < len(words) and words[i + 2] in self._question_openers) or (
                nxt in g.yes_no.openers and i + 2 < len(words) and words[i + 2] in g.pronouns.thing | g.pronouns.person)
            # ("which firm makes X and is it in Lille?": a claim about the answer, a clause of its own)
            if words[i] in g.conjunctions and opens and i > start:
                spans.append((start, i))
                start = i + 1
        spans.append((start, len(words)))
        return [" ".join(words[a:b]) for a, b in spans if b > a][:MAX_CLAUSES]

    # ------------------------------------------------------------------ words
    def repair(self, word: str, capitalised: set[str]) -> Word:
        known = self.known
        if word in known or word.isdigit() or len(word) < 3:
            return Word(word, word, 100.0)
        names = self.aliases.vocabulary.words
        if word + "s" in names:  # singular and plural name one thing: "vaccin" / "vaccins"
            return Word(word, word + "s", 100.0)
        if word[-1] in "sx" and word[:-1] in names:
            return Word(word, word[:-1], 100.0)
        if word + "s" in known or (word[-1] in "sx" and word[:-1] in known):
            return Word(word, word, 100.0)
        zipf = self.frequencies.commonest(word)
        if zipf < 3.0 and len(word) >= 4:  # an everyday word is never bent into a name,
            # and a word people write ("plasters") is only a one-letter slip ("adress"), not two
            repaired = known.repair(word, self.aliases.vocabulary.words, most_edits=1 if zipf else None)
            # (a capitalised word is a name: "Medix" is no slip of "media", "Sprngfield" may be one of "Springfield")
            if repaired is not None and (word not in capitalised or repaired[0] in self._name_words):
                return Word(word, repaired[0], repaired[1])
        if len(word) >= 6 and word[:6] in self._known_stems:
            return Word(word, word, 100.0)
        if (len(word) >= 7 and word.endswith("ment")) or (len(word) >= 6 and word.endswith("ly")):
            return Word(word, word, 100.0)  # manner adverbs say how, not what, is asked
        # A capitalised or rare word likely names something the knowledge base lacks; an everyday
        # word ("laquelle", "favourite") only weakens the reading.
        weight = 2.0 if word in capitalised or zipf < 3.0 else 0.5
        return Word(word, word, 0.0, weight)

    def _join_split_names(self, words: list[Word]) -> list[Word]:
        """Glue two words back when together they spell a name: 'acm ebio', 'cel lgen'."""
        names = self.aliases.vocabulary.words
        joined: list[Word] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words) and min(words[i].score, words[i + 1].score) < 100:
                glued = words[i].raw + words[i + 1].raw
                repaired = (glued, 100.0) if glued in names else self.aliases.vocabulary.repair(glued)
                if repaired and repaired[0] in names:
                    joined.append(Word(glued, repaired[0], repaired[1]))
                    i += 2
                    continue
            joined.append(words[i])
            i += 1
        return joined

    # ------------------------------------------------------------------ frames
    def read(self, clause: str, raw: str, learned: dict[str, str] | None = None) -> Frame:
        """One clause (already folded) into a frame; `raw` is its sentence as typed."""
        lx, g = self.lx, self.lx.general
        clause, tagged = self._untagged(clause)
        all_words = clause.split()
        frame = Frame(text=clause, words=all_words, has_question_mark="?" in raw)
        capitalised = {normalise(w) for i, w in enumerate(re.findall(r"[\w'’-]+", raw)) if i > 0 and w[:1].isupper()}
        stop = g.stop
        # (an alternative, "A or B", stays: no name spans it)
        kept = [w for w in all_words if w not in stop or w in lx.places.by_word or w in g.yes_no.alternatives]
        words = self._join_split_names([self.repair(w, capitalised) for w in kept])
        mentions: list[Mention] = self.aliases.find(words)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        frame.named = [Named(m.entry, " ".join(w.text for w in words[m.start:m.end]), m.score) for m in mentions]
        if learned:
            hit = learned.get(clause)
            if hit and hit not in {n.entry for n in frame.named}:
                frame.named.insert(0, Named(hit, clause, 95.0))
        rest = [w for i, w in enumerate(words) if i not in covered]
        texts = [w.text for w in rest]

        # Places first: a place name ("Saint-Malo") is never a cue word.
        place_hits = lx.places.find(texts)
        in_place = {i for _, a, b in place_hits for i in range(a, b)}
        frame.places = list(dict.fromkeys(key for key, _, _ in place_hits))
        cue_words = [t for i, t in enumerate(texts) if i not in in_place]

        named_words = {w.raw for i, w in enumerate(words) if i in covered}
        free = _without(g.asides, [w for w in all_words if w not in named_words])  # "Therapies Days" says no "when"
        asks = lx.asks.find_ranked(free, lx.ask_weight)
        describing = "describe" in asks
        asks.pop("describe", None) if len(asks) > 1 else None
        ranked = sorted(asks, key=lambda a: (-lx.ask_weight[a], asks[a][0]))
        frame.asks = [ASK_BY_NAME[a] for a in ranked][:MAX_CLAUSES]
        # "my boss wants a summary", "ma startup": what the visitor owns is no attribute or kind asked
        owned = {all_words[i + 1] for i, w in enumerate(all_words[:-1]) if w in g.self_possessives}
        attributes = {a: at for a, at in lx.attributes.find(free).items() if not all(free[i] in owned for i in at)}
        if attributes:  # the most words win ("site web" over "site"), then one "how much" can ask
            counting = Ask.HOW_MANY in frame.asks  # ("how much is the membership fee": the fee)
            frame.attribute = max(attributes, key=lambda a: (
                len(attributes[a]), counting and bool(g.attributes[a].figures or g.attributes[a].quantity),
                -attributes[a][0]))
            phrase_words = {free[i] for i in attributes[frame.attribute]} if len(attributes[frame.attribute]) > 1 else set()
            cue_words = [w for w in cue_words if w not in phrase_words]  # "chiffre d'affaires" is no "chiffre"
            spec = g.attributes[frame.attribute]
            counted_at = set(asks.get("how_many", ()))
            attribute_at = set(attributes[frame.attribute])
            if counted_at & attribute_at or counted_at & {i + 1 for i in attribute_at}:
                # "the phone number of Acme", "the booth number": the number is the phone's, the booth's
                frame.asks.remove(Ask.HOW_MANY)
            listed = set(spec.fields or (frame.attribute,)) & set(REFERENCE_FIELDS)  # ("how many partners?": counted)
            if Ask.HOW_MANY in frame.asks and not spec.figures and not spec.quantity and not listed:
                frame.attribute = None  # "how many companies could I apply to": a count, not how to apply
        aside = {w for phrase in g.asides if phrase_in(clause, (phrase,)) for w in phrase.split()}
        kind_words = [w for w in cue_words if w not in aside]  # ("do you plan to...": no plan)
        kinds = {k: at for k, at in lx.kinds.find(kind_words).items() if not all(kind_words[i] in owned for i in at)}
        frame.kinds = list(kinds)
        if frame.attribute and Ask.HOW_MANY in frame.asks and frame.kinds and not (
                g.attributes[frame.attribute].figures or g.attributes[frame.attribute].quantity):
            frame.attribute = None  # "how many specialised firms?": the firms are counted, not their fields
        frame.narrowing = [kind_words[i] for k, at in kinds.items() if g.kinds[k].narrows for i in at]
        if not frame.named and not frame.kinds:  # "la marque", "the initiative", naming nothing else
            said = next((p for p in lx.initiative_words if phrase_in(clause, (p,))), None)
            if said:  # (its events, its objectives: a list, which the initiative would not narrow)
                frame.named = [Named(lx.initiative, said, 95.0)]
        quoting = any(g.asks[a].quotes for a in asks)
        if quoting and "who" not in asks and not any(n.entry in lx.people for n in frame.named) and (attributes or any("person" not in g.kinds[k].entry_kinds for k in frame.kinds)) \
                and all(free[i] in lx.asks.words and not phrase_in(free[i], g.attributions)  # "say", not "selon"
                        for a in asks if g.asks[a].quotes for i in asks[a]):
            quoting = False  # "which areas does the region say it is strong in?": the areas, not who said
            frame.asks = [a for a in frame.asks if a != Ask.SAID]
        from_source = "sources" in asks or any(n.entry in lx.outlets for n in frame.named)
        asked = set(asks) - {a for a in asks if g.asks[a].quotes} - _QUOTE_SETTING
        things = attributes or any("person" not in g.kinds[k].entry_kinds for k in frame.kinds)  # not who
        outlet_named = any(n.entry in lx.outlets for n in frame.named) and "who" not in asks  # (not "selon qui")
        if quoting and from_source and (asked or things or outlet_named) \
                and phrase_in(clause, g.attributions):
            # "according to the article, how many jobs?": where the answer comes from, then the question
            frame.asks = [a for a in frame.asks if a not in (Ask.SAID, Ask.SOURCES)]
            frame.attributed, quoting = True, False
        if quoting:  # "who said that partnerships matter": words quoted, not asked
            frame.asks = [a for a in frame.asks if a in _QUOTE_ASKS]  # ("who spoke of jobs": no job search)
            frame.attribute = None
            frame.kinds = [k for k in frame.kinds if "person" in g.kinds[k].entry_kinds]
        frame.months = {m for t in cue_words if t in lx.months for m in lx.months[t]}
        frame.ordinal = next((lx.ordinals[t] for t in kind_words if t in lx.ordinals), None)
        word_set = set(all_words)
        # "Aren't there...?" is a yes/no form; "the fair that wasn't in that country" a negation
        frame.negated = bool(set(all_words[1:] if all_words[:1] and all_words[0] in g.yes_no.openers else all_words)
                             & g.negations)
        frame.international = bool(word_set & g.international)
        frame.quoted = bool(word_set & g.quoted)
        if word_set - aside & g.time.upcoming or phrase_in(clause, g.time.upcoming_phrases):  # (not "next to")
            frame.time = "upcoming"
        elif word_set & g.time.past:
            frame.time = "past"
        for edition in g.editions.values():
            said = next((p for p in edition.phrases if phrase_in(clause, (p,))), None)
            if said:
                frame.edition_offset = edition.offset
                if frame.ordinal is not None and set(said.split()) & set(lx.ordinals):
                    frame.ordinal = None  # "last year" is no "the last one"
        frame.step = next((step for step, phrases in g.sequence.items() if phrase_in(clause, phrases)), 0)
        if frame.step:
            frame.time = None  # ("the previous one" is no "past")
        frame.numbers = _numbers(raw)
        frame.years = {int(n) for n in frame.numbers if n.is_integer() and 1900 <= n <= 2100}
        if frame.attributed:  # "according to the October 2025 article": the source's date, not the question's
            source = self._source_words(raw)
            frame.months -= {m for w in source if w in lx.months for m in lx.months[w]}
            frame.years -= {int(w) for w in source if w.isdigit()}
            frame.numbers -= {float(w) for w in source if w.isdigit()}
        repaired = {w.text for w in words}  # "wether" is the weather
        frame.off_topic = bool((word_set | repaired) & g.off_topic) or bool(word_set & g.opinion) or bool(
            word_set & g.opinion_modals and word_set & g.opinion_decisions) or (
            frame.attribute is None and phrase_in(clause, g.advice)) or phrase_in(clause, g.off_topic_phrases)
        # ("how do I...?" is advice unless it names what)
        frame.yes_no = self._is_yes_no(all_words, raw, asks)
        if tagged and not frame.yes_no and not word_set & g.interrogatives:  # "..., isn't it?"
            frame.yes_no = bool(frame.named or frame.kinds or frame.places or frame.months or frame.numbers) or frame.yes_no
        frame.existential = phrase_in(clause, g.yes_no.existential)
        unknown = [w for w in rest if w.score == 0.0 and w.text not in self.general_words]
        frame.unknown = sum(w.weight for w in unknown)
        frame.unknown_head = self._unknown_head(all_words, {w.raw for w in unknown})
        frame.content = [w.text for i, w in enumerate(rest) if w.score > 0 and i not in in_place
                         and (w.text not in self.general_words or quoting and w.text in self._quotable)]
        if frame.yes_no is None:  # "Acme est à Lille ?" states a place; "et Acme ?" states nothing
            pointing = set(all_words) & (g.pronouns.person | g.pronouns.thing)
            # "Acme works on Foo?", "Acme c'est l'institut Foo ?": a claim tying two named things
            tied = len({n.entry for n in frame.named}) > 1 and not word_set & (g.conjunctions | g.yes_no.alternatives)
            frame.equated = tied and phrase_in(clause, g.identity)
            frame.yes_no = bool(frame.named or frame.kinds or pointing) and bool(
                frame.places or frame.months or frame.numbers or frame.kinds or frame.attribute or frame.narrowing
                or frame.content or tied)
        if frame.yes_no and Ask.HOW_MANY in frame.asks:
            frame.asks.remove(Ask.HOW_MANY)  # "is it one of many suppliers?": no "how" asks a count in a claim
        launch = g.asks.get("launched")
        if Ask.LAUNCHED in frame.asks and not frame.yes_no and (frame.years or (
                describing and Ask.WHEN not in frame.asks and launch and not phrase_in(clause, launch.phrases))):
            # "the consortium launched in 2024", "what did the government launch?": not asking when
            frame.asks.remove(Ask.LAUNCHED)
        return frame

    def _unknown_head(self, words: list[str], unknown: set[str]) -> bool:
        """"Which vaccines...?", "quels masters ?": the words right after a "which" (up to a stop or
        vocabulary word) name what is asked for, and the sources use none of them ("which bigger
        initiative?" names one they know)."""
        for i, word in enumerate(words[:-1]):
            if word in self.lx.general.head_askers:
                run = list(itertools.takewhile(lambda w: w not in self._head_ends, words[i + 1:]))
                if run and all(w in unknown for w in run):
                    return True
        return False

    def _source_words(self, raw: str) -> list[str]:
        """The words from "according to" to the end of its part of the sentence: they describe the source."""
        for part in re.split(r"[,;:]", raw):
            words = normalise(part).split()
            for phrase in self.lx.general.attributions:
                size = len(phrase.split())
                at = next((i for i in range(len(words)) if words[i:i + size] == phrase.split()), None)
                if at is not None:
                    return words[at:]
        return []

    def _untagged(self, clause: str) -> tuple[str, bool]:
        """"Acme is in Lille, isn't it?": the claim without its tag, and whether it had one."""
        for tag in sorted(self.lx.general.yes_no.tags, key=len, reverse=True):  # "c'est vrai" before "vrai"
            if clause.endswith(" " + tag):
                return clause[:-len(tag) - 1], True
        return clause, False

    def _is_yes_no(self, words: list[str], raw: str, asks: dict) -> bool | None:
        """"Is Acme in Springfield?", "Acme est-elle à Lille ?": no question word, a yes/no form."""
        yn = self.lx.general.yes_no
        if set(words) & self.lx.general.interrogatives - {"ou"} or (words and words[0] in self.lx.asks.openers) \
                or phrase_in(" ".join(words), self.lx.general.interrogative_phrases):
            return False
        if words and words[0] in yn.openers:
            return True
        if any(words[:len(p.split())] == p.split() for p in yn.elliptic):
            return False  # "and the Lille company?"
        if words and words[-1] in self.lx.asks.closers:  # "et l'autre, il vient d'où ?": an open question
            return False
        if phrase_in(" ".join(words), yn.phrases):
            return True
        pronouns = {normalise(m.group(1)) for m in _INVERSION.finditer(raw)}
        if pronouns & yn.inversion:
            return True
        # "Acme est à Lille ?": a statement asked, with nothing but its question mark
        open_asks = set(asks) - {"describe", "where", "when", "launched"}  # "basée à Lille ?" still states
        if raw.rstrip().endswith("?") and bool(words) and words[0] not in self.lx.asks.words and not open_asks:
            return None  # maybe: a statement asked, if it states something beyond a name
        return False


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


_QUOTE_ASKS = {Ask.SAID, Ask.WHO, Ask.SOURCES}
_QUOTE_SETTING = {"sources", "who", "describe", "list"}  # asks that still make "who is quoted in the article"


def _without(phrases, words: list[str]) -> list[str]:
    """The words with every occurrence of these phrases taken out ("which DNA I use every day")."""
    if not phrases or not phrase_in(" ".join(words), phrases):
        return words
    text = f" {' '.join(words)} "
    for phrase in phrases:
        text = text.replace(f" {phrase} ", " ")
    return text.split()
