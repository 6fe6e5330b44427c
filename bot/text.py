"""Text normalisation and language detection, shared by the knowledge loader and the engine.

rapidfuzz's own processor keeps accents ("situes" vs "situés" scores 84), so every string is
folded here first: casefold, accents stripped, apostrophes, hyphens and punctuation to spaces.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

_NON_WORD = re.compile(r"[^0-9a-z]+")
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if _NON_WORD.fullmatch(chr(c))})
# Latin letters that NFKD does not decompose.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "€": " euros "})

# Words that tell French from English. Kept short and unambiguous: "a", "on", "est" can be either.
_FRENCH = frozenset("""
le la les des du de un une et est sont pour dans avec au aux qui que quoi quel quelle quels quelles
sur ce cette ces vous nous je tu il elle ils son sa ses ou où leur leurs par pas aussi entre combien
quand comment pourquoi salut bonjour bonsoir merci parle moi moi-meme connais travaille travailler
entreprise entreprises emploi emplois evenement evenements salon objectifs ville trouve situe
presente presenter cest c qu l d j n s suis veux voudrais peux pouvez chercher cherche recrutent
recrute lieu ont fait font aide dirige mon ma mes ton ta tes notre votre y a-t-il coucou bonne
journee soiree revoir beaucoup bien oui non quoi quelles sont partenaires domaines chiffres cles
annee adresse prix tarif fondateur fonde societe societes personnes
travaillent emplois recrutement combien specialisees specialistes sante
""".split())
_ENGLISH = frozenset("""
the and is are of for with to an on at which who whom whose what where when how you we it its this
that these those by from not has have was were also between tell me about does do did i my your
there their company companies job jobs event events hello hi thanks thank please city located
work working find looking want would like can could many much goals aims help who's what's where's
location good morning evening afternoon bye goodbye see thanks thx ty cheers yes no ok okay please
partners fields areas figures key founded founder price ticket address website phone year
people employers hiring health region's jobs people's tell give show list all any does
objectives objective events companies partner specialities speciality expertise named
""".split())


_SPECIAL_CHARS = re.compile("[" + "".join(map(chr, _SPECIAL)) + "]")
# The combining marks of Latin accents, removed by one regular expression; any other combining
# mark (unicodedata.combining) is removed one by one, which costs per character.
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]+")


def normalise(text: str) -> str:
    """Fold case, accents and punctuation so that 'Où se trouve Acme-Bio ?' == 'ou se trouve acme bio'."""
    text = text.casefold()
    if not text.isascii():  # accents to strip: rare in bulk text, common in questions
        if _SPECIAL_CHARS.search(text):
            text = text.translate(_SPECIAL)
        text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            marks = {c for c in set(text) if unicodedata.combining(c)}
            if marks:
                text = "".join(c for c in text if c not in marks)
            return _NON_WORD.sub(" ", text).strip()
    return " ".join(text.translate(_ASCII_SEPARATORS).split())  # as _NON_WORD does, twice as fast


def distinct_words(texts: Iterable[str]) -> list[str]:
    """The normalised words of many texts, each once, in order of first appearance.

    Folding works letter by letter and whitespace always separates, so each distinct raw token is
    folded once: a large text base repeats most of its tokens."""
    raw = dict.fromkeys(token for text in texts for token in text.split())
    return list(dict.fromkeys(word for token in raw for word in normalise(token).split()))


def tokens(text: str) -> list[str]:
    """Normalised words of a text."""
    return normalise(text).split()


def language_votes(text: str, names: Collection[str] = ()) -> tuple[int, int]:
    """Count French-only and English-only marker words, accents counting for French (except in
    `names`: "Is it a network of Orléans?" is English)."""
    raw = text.casefold()
    words = re.findall(r"[a-zà-ÿ'’-]+", raw)
    folded = [normalise(w) for w in words]
    fr = sum(1 for w in folded if w in _FRENCH)
    en = sum(1 for w in folded if w in _ENGLISH)
    fr += any(c in "éèêàùçôîœ" for word, plain in zip(words, folded) if plain not in names for c in word)
    fr += len(re.findall(r"\b(?:qu|l|d|j|n|c|s)['’]", raw))
    en += len(re.findall(r"\b\w+['’](?:s|re|ll|ve|d|m|t)\b", raw))
    return fr, en


def detect_language(text: str, default: str = "fr", frequencies=None, ignore: Collection[str] = ()) -> str:
    """'fr' or 'en' for a question; `default` when the text gives no clear sign.

    Marker words decide first. When they tie, `frequencies` (anything with `zipf(word, lang)`,
    such as the engine's word lists) weighs how French or English the other words are; words in
    `ignore` (names: "vaccine" in a "Vaccine Days" entry) say nothing about the visitor's language.
    """
    fr, en = language_votes(text, ignore)
    if fr == en and frequencies is not None:
        def balance(words: list[str]) -> float:
            return sum(frequencies.zipf(w, "fr") - frequencies.zipf(w, "en") for w in words)
        words = tokens(text)
        own = balance([w for w in words if w not in ignore])
        if abs(own) >= 0.75:
            return "fr" if own > 0 else "en"
        named = balance(words)  # only names left: "Plan Acme 2030 budget?" reads as English
        if abs(named) >= 1.5:
            return "fr" if named > 0 else "en"
    if fr == en:
        return default
    return "fr" if fr > en else "en"
