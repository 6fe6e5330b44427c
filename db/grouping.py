"""Grouping of logged questions by similarity, for review. Pure: plain data in, plain data out.

Two phrasings are the same question when rapidfuzz's token_sort_ratio of their normalised texts
is at least SIMILAR, or at least SIMILAR_SAME_ENTRY when the engine's best candidate entry is the
same for both. token_sort_ratio, not token_set_ratio: the latter scores 100 for "adresse" against
any sentence containing it, which would merge unrelated questions.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

SIMILAR = 85
SIMILAR_SAME_ENTRY = 75


@dataclass(frozen=True)
class Item:
    """One logged question, as far as grouping cares."""

    id: int
    normalised: str
    entry: str | None = None


def sort_key(normalised: str) -> str:
    """Tokens in order: fuzz.ratio of two such keys is token_sort_ratio of the texts, computed once."""
    return " ".join(sorted(normalised.split()))


def best_match(normalised: str, phrases: Sequence[str]) -> str | None:
    """The phrase among `phrases` that is the same question as `normalised`, if any."""
    if normalised in phrases:
        return normalised
    match = process.extractOne(normalised, phrases, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR)
    return match[0] if match else None


def cluster(items: Sequence[Item]) -> list[list[Item]]:
    """Groups of similar questions; each group is in id order, groups in no particular order.

    Identical texts are merged first; the remaining distinct texts, most frequent first, join the
    group whose leader (its first text) they resemble most, or start a new group. Deterministic
    for a given set of items.
    """
    by_text: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.id):
        by_text[item.normalised].append(item)
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), by_text[t][0].id))

    leaders: list[str] = []
    leader_entries: list[str | None] = []
    groups: list[list[Item]] = []
    for text in texts:
        members = by_text[text]
        entry = Counter(i.entry for i in members if i.entry).most_common(1)
        main_entry = entry[0][0] if entry else None
        key = sort_key(text)
        chosen = None
        for _choice, score, index in process.extract(
            key, leaders, scorer=fuzz.ratio, score_cutoff=SIMILAR_SAME_ENTRY, limit=None
        ):
            if score >= SIMILAR or (main_entry is not None and leader_entries[index] == main_entry):
                chosen = index
                break
        if chosen is None:
            leaders.append(key)
            leader_entries.append(main_entry)
            groups.append(list(members))
        else:
            groups[chosen].extend(members)
    return [sorted(group, key=lambda i: i.id) for group in groups]
