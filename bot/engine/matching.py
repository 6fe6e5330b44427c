"""Find which entries a question names, tolerating typos, word order and missing accents.

Names are matched as whole aliases, never as a lone shared word: a question must contain every
distinctive word of an alias (in any order) to name its entry. Typos are repaired one word at a
time against the vocabulary of known words with rapidfuzz, inside small blocks of words of a similar
length that share their first letters, their last letters, or their first and last one: a typo
almost always leaves one of those intact (not when it changes both ends, "xhematecx"), and the
blocks stay small as the knowledge base grows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.text import normalise

MAX_ALIAS_WORDS = 6


@dataclass(frozen=True)
class Mention:
    """A span of the question's words that names an entry."""

    entry: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Word:
    """A question word, possibly repaired: `text` is what matching uses, `score` how sure the repair is.

    A word that is neither known nor repairable has score 0; `weight` then says how much it
    should worry the engine (2 for a likely name of something unknown, 1 for an ordinary word).
    """

    raw: str
    text: str
    score: float
    weight: float = 0.0


def content_words(text: str, stop: frozenset[str]) -> list[str]:
    """Normalised words minus stop words; all words when nothing else is left."""
    words = normalise(text).split()
    content = [w for w in words if w not in stop]
    return content or words


def alias_key(words: Iterable[str]) -> str:
    """Order-free key: 'expo bio' and 'bio expo' are the same name."""
    return " ".join(sorted(words))


def max_edits(length: int) -> int:
    """Typos tolerated in a word: none under 4 letters, one up to 7, two beyond.

    Edits are counted with transpositions as one (OSA distance): "cellquets" is one edit away.
    """
    if length < 4:
        return 0
    return 1 if length <= 7 else 2


def _block_keys(word: str, length: int, affix: int | None = None) -> tuple[tuple[str, str, int], ...]:
    """The blocks holding the words of `length` letters that `word` could be a typo of.

    A block is (which letters, those letters, length): the first `affix` letters, the last `affix`
    (by default three from six letters on, two below), or the first and the last one. A word is
    filed under its own length; a typo looks in each length it may have lost or gained letters from.
    """
    affix = affix or (3 if length >= 6 else 2)
    return (("head", word[:affix], length), ("tail", word[-affix:], length), ("ends", word[0] + word[-1], length))


WIDE_AFFIX = 2  # second look for two typos, one near each end ("inovativ"): two letters kept at one end


class Vocabulary:
    """Known words, filed in small blocks (see `_block_keys`) so that repair compares few of them.

    Repair looks in the narrow blocks first; a long word with nothing close there gets a second
    look in the wider blocks of its two first or two last letters.
    """

    def __init__(self) -> None:
        self.words: set[str] = set()
        self._blocks: dict[tuple[str, str, int], list[str]] = defaultdict(list)

    def add(self, word: str) -> None:
        if word in self.words:
            return
        self.words.add(word)
        length = len(word)
        if length < 3:
            return
        blocks = self._blocks
        for key in _block_keys(word, length):
            blocks[key].append(word)
        if length >= 6:  # the wider blocks too ("ends" is the same block at any affix)
            for key in _block_keys(word, length, WIDE_AFFIX)[:2]:
                blocks[key].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def repair(self, word: str, prefer: set[str] | frozenset[str] = frozenset(),
               most_edits: int | None = None) -> tuple[str, float] | None:
        """The closest known word and a 0-100 similarity, or None when nothing is close enough.

        Among equally close words, one from `prefer` (words of names) wins, then the one sharing
        more letters in order: "acm" is one edit from both "am" and "acme", and means the name.
        `most_edits` lowers the tolerance the word's length allows.
        """
        limit = max_edits(len(word)) if most_edits is None else min(most_edits, max_edits(len(word)))
        if not limit:
            return None
        lengths = range(len(word) - limit, len(word) + limit + 1)
        candidates = self._closest(word, limit, [key for n in lengths for key in _block_keys(word, n)])
        if not candidates and limit > 1:
            candidates = self._closest(word, limit, [key for n in lengths if n >= 6
                                                     for key in _block_keys(word, n, WIDE_AFFIX)[:2]])
        if not candidates:
            return None
        best = min(candidates, key=lambda c: (candidates[c], c not in prefer, -fuzz.ratio(word, c), c))  # total order: same answer in every process
        return best, round(100.0 * (1 - candidates[best] / max(len(word), len(best))), 1)

    def _closest(self, word: str, limit: int, blocks: list[tuple[str, str, int]]) -> dict[str, int]:
        """Words of these blocks within `limit` edits of `word`, with their distance."""
        candidates: dict[str, int] = {}
        for block in blocks:
            choices = self._blocks.get(block)
            if choices:
                for found, distance, _ in process.extract(word, choices, scorer=OSA.distance,
                                                          score_cutoff=limit, limit=8):
                    candidates[found] = distance
        return candidates


class AliasIndex:
    """Every name and alias of every entry, keyed so that lookups are dictionary hits."""

    def __init__(self, stop: frozenset[str]) -> None:
        self._stop = stop
        self._keys: dict[str, str] = {}
        self._compact: dict[str, str] = {}
        self._longest = 1
        self.vocabulary = Vocabulary()
        self._entries_by_word: dict[str, set[str]] = defaultdict(set)

    def add(self, alias: str, entry_id: str) -> None:
        words = content_words(alias, self._stop)
        if not words:
            return
        self._keys.setdefault(alias_key(words), entry_id)
        compact = "".join(words)
        self._compact.setdefault(compact, entry_id)
        self._longest = max(self._longest, min(len(words), MAX_ALIAS_WORDS))
        for word in words:
            self.vocabulary.add(word)
            self._entries_by_word[word].add(entry_id)
        if len(words) > 1:
            self.vocabulary.add(compact)
            self._entries_by_word[compact].add(entry_id)

    def entries_with_word(self, word: str) -> set[str]:
        return self._entries_by_word.get(word, set())

    def find(self, words: list[Word]) -> list[Mention]:
        """Longest non-overlapping spans that are a whole alias, best first by position."""
        taken = [False] * len(words)
        mentions: list[Mention] = []
        for size in range(min(self._longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if any(taken[i] for i in span):
                    continue
                texts = [words[i].text for i in span]
                entry = self._keys.get(alias_key(texts))
                if entry is None and size <= 3:
                    entry = self._compact.get("".join(texts))
                if entry is None:
                    continue
                # each word counts by its length: one short word with a typo weighs less than a long right one
                score = round(sum(words[i].score * len(words[i].text) for i in span)
                              / sum(len(words[i].text) for i in span), 1)
                mentions.append(Mention(entry, start, start + size, score))
                for i in span:
                    taken[i] = True
        return sorted(mentions, key=lambda m: m.start)
