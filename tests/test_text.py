"""`normalise` is fast on long accented texts and folds exactly as its plain definition does;
`distinct_words` gives the words of folding each text, each once, in order."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text
from bot.knowledge import load_general_vocabulary, load_knowledge
from bot.engine.search import entry_texts


def reference(value: str) -> str:
    """The definition: casefold, special Latin letters spelled out, NFKD, every combining mark
    dropped, anything but a-z and 0-9 a separator."""
    value = unicodedata.normalize("NFKD", value.casefold().translate(text._SPECIAL))
    value = "".join(c for c in value if not unicodedata.combining(c))
    return text._NON_WORD.sub(" ", value).strip()


def test_examples() -> None:
    assert text.normalise("Où se trouve Acme-Bio ?") == "ou se trouve acme bio"
    assert text.normalise("Straße, Œuvre, 5 €") == "strasse oeuvre 5 euros"
    assert text.normalise("ǅemal a\u0327\u034f\u20d7b") == "dzemal a b"  # U+034F is not a combining mark
    assert text.normalise("e\u0301\u1ab0\U0001d165x") == "ex"  # marks outside U+0300-U+036F


def test_every_text_of_the_knowledge_base_folds_as_defined() -> None:
    for entry in load_knowledge():
        for value in entry_texts(entry):
            assert text.normalise(value) == reference(value)


latin = st.text(st.sampled_from("aAeéÉèêëçÇœŒßæøđł€ǅǈﬁ²½ñÑ'’- .,?!\u0300\u0301\u0327\u034f\u0345\u1ab0\u20d7\u0e31"),
                max_size=40)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(max_size=40), latin))
def test_any_text_folds_as_defined(value: str) -> None:
    assert text.normalise(value) == reference(value)


def words_by_folding_each(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(word for value in texts for word in reference(value).split()))


def test_distinct_words_of_both_knowledge_bases() -> None:
    other = load_knowledge(Path(__file__).parent / "other_kb", load_general_vocabulary())
    for knowledge in (load_knowledge(), other):
        texts = [value for entry in knowledge for value in entry_texts(entry)]
        assert text.distinct_words(texts) == words_by_folding_each(texts)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), latin, st.sampled_from(["a\u00a0b", "x\u00b4y", "½ ¼", "l’œuvre d'Acme"])),
                max_size=8))
def test_distinct_words_of_any_texts(texts: list[str]) -> None:
    assert text.distinct_words(texts) == words_by_folding_each(texts)
