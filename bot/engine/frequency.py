"""How common a word is in everyday French and English, from the wordfreq word lists.

Used twice: a word that is common in either language is a real word, so it is never "repaired"
into an entry's name (“park” must not become “part”); and the balance of French and English
frequencies helps tell the language of a short question. Loaded once, folded like every other
text (no accents), kept as plain dictionaries so a lookup costs nothing on the answer path.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from wordfreq import get_frequency_dict

from bot.text import normalise

MIN_FREQUENCY = 1e-7  # Zipf 2: rarer words count as unknown in that language


@dataclass(frozen=True)
class WordFrequencies:
    """Zipf frequency (0-8, 3 = once per million words) per folded word, per language."""

    zipf_by_lang: dict[str, dict[str, float]]

    def zipf(self, word: str, lang: str) -> float:
        return self.zipf_by_lang[lang].get(word, 0.0)

    def commonest(self, word: str) -> float:
        return max(self.zipf(word, "fr"), self.zipf(word, "en"))


@functools.cache
def load_frequencies() -> WordFrequencies:
    """Read both word lists once per process; they ship inside the wordfreq package."""
    tables: dict[str, dict[str, float]] = {}
    for lang in ("fr", "en"):
        folded: dict[str, float] = {}
        for word, frequency in get_frequency_dict(lang, wordlist="best").items():
            if frequency < MIN_FREQUENCY:
                continue
            key = normalise(word)
            if key and " " not in key and frequency > folded.get(key, 0.0):
                folded[key] = frequency
        tables[lang] = {word: round(math.log10(f) + 9, 2) for word, f in folded.items()}
    return WordFrequencies(tables)
