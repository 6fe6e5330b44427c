"""Find entries by what a question says about them, not by name: BM25 over word roots.

Each entry is one document: its names, aliases, texts in both languages, example questions and
details. Words are reduced to their Snowball roots in French and in English (PyStemmer), and
synonym groups of the vocabulary add one shared token ("sang" and "blood" meet), so
"l'établissement du sang" finds EFS and "biomaterials for wound healing" finds the artificial
skin. Scoring is bm25s's, not hand-written. The index is built on first use: questions that name
their subject never pay for it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge import KnowledgeBase
from bot.text import normalise

MIN_ROOT = 3


@functools.cache
def _stemmers():
    import Stemmer  # PyStemmer: Snowball's C stemmers

    return Stemmer.Stemmer("french"), Stemmer.Stemmer("english")


def entry_texts(entry) -> list[str]:
    """Every text that describes an entry, in both languages."""
    texts = list(entry.all_names()) + list(entry.examples)
    for value in list(entry.__dict__.values()) + list(entry.details.values()):
        if hasattr(value, "fr") and hasattr(value, "en"):
            texts += [value.fr, value.en]
        elif isinstance(value, str) and value in entry.details.values():
            texts.append(value)
    return texts


@dataclass(frozen=True)
class Hit:
    entry: str
    score: float


class DescriptionIndex:
    """BM25 over the entries' texts, with roots and synonyms; `stop` words are never indexed."""

    def __init__(self, knowledge: KnowledgeBase, stop: frozenset[str] | set[str],
                 synonym_of: dict[str, str]) -> None:
        self._knowledge = knowledge
        self._stop = stop
        self._synonym_of = synonym_of

    def __getstate__(self) -> dict:
        """Pickled without the BM25 index (rebuilt on first use): reading an engine back never
        imports bm25s or numpy."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_index", "_ids", "_position", "_vocab", "_tie_break")}

    def roots(self, words: Iterable[str]) -> list[str]:
        """Roots of the content words, in both languages, plus their synonym group."""
        fr, en = _stemmers()
        tokens: list[str] = []
        for word in words:
            if word in self._stop or len(word) < MIN_ROOT or word.isdigit():
                continue
            tokens += {fr.stemWord(word), en.stemWord(word)}
            group = self._synonym_of.get(word)
            if group:
                tokens.append("~" + group)
        return tokens

    @functools.cached_property
    def _index(self):
        import bm25s
        import numpy as np

        self._ids = [entry.id for entry in self._knowledge]
        self._position = {entry_id: i for i, entry_id in enumerate(self._ids)}
        corpus = [self.roots(normalise(" ".join(entry_texts(e))).split()) or ["~empty"] for e in self._knowledge]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        self._vocab = set(retriever.vocab_dict)
        # Equal scores would make numpy's partial sort slow and its order arbitrary: a nudge far
        # below any real score difference keeps them apart, the earlier entry ahead.
        self._tie_break = np.arange(len(self._ids), dtype=np.float64) * (1e-9 / max(len(self._ids), 1))
        return retriever

    def search(self, words: Iterable[str], among: set[str] | None = None, limit: int = 5) -> list[Hit]:
        """Entries best described by `words`, best first (only `among` when given)."""
        import numpy as np  # bm25s's own dependency; only once a search is needed

        index = self._index
        query = [t for t in dict.fromkeys(self.roots(words)) if t in self._vocab]
        if not query or limit <= 0:
            return []
        scores = index.get_scores(query)
        if among is not None:
            positions = np.sort(np.fromiter((self._position[e] for e in among if e in self._position), dtype=np.int64))
        else:
            positions = np.flatnonzero(scores)
            if len(positions) > 4 * limit:  # keep the best `limit` before sorting (ties: earlier entry first)
                nudged = scores[positions] - self._tie_break[:len(positions)]
                positions = np.sort(positions[np.argpartition(nudged, -limit)[-limit:]])
        if not len(positions):
            return []
        chosen = scores[positions]
        order = np.argsort(-chosen, kind="stable")[:limit]  # ties: knowledge-base order, in every process
        return [Hit(self._ids[positions[i]], round(float(chosen[i]), 3)) for i in order if chosen[i] > 0]

    def coverage(self, words: Iterable[str], entry_id: str) -> float | None:
        """The share of the words' roots that an entry's own texts contain; None without roots."""
        query = {t for t in self.roots(words) if not t.startswith("~")}
        if not query:
            return None
        return len(query & self._roots_of(entry_id)) / len(query)

    @functools.lru_cache(maxsize=4096)
    def _roots_of(self, entry_id: str) -> frozenset[str]:
        entry = self._knowledge.entries[entry_id]
        return frozenset(self.roots(normalise(" ".join(entry_texts(entry))).split()))
