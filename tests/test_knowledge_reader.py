"""The one-pass YAML reader gives exactly what composing and constructing gives, or steps aside.

`bot.knowledge._read_plain` reads plain knowledge files from libyaml's events without building a
node tree (a 10,000-entry knowledge base loads in less time than PyYAML's own `yaml.load`). It is
only allowed to differ from the careful path by refusing (raising), never by returning other
data or other keys-given-twice: the careful path then reads the file and reports it as before.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import knowledge
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from bot.vocabulary import GENERAL_VOCABULARY

OTHER_KB = Path(__file__).parent / "other_kb"


def careful(text: str) -> tuple[object, list[tuple[int | None, str, int]]]:
    """What the careful path makes of a text: the constructed data and the keys given twice."""
    knowledge._refuse_hostile(text)
    loader = knowledge._SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    if isinstance(root, yaml.SequenceNode):
        duplicates = [(i, key, line) for i, item in enumerate(root.value) for key, line in knowledge._duplicate_keys(item)]
    else:
        duplicates = [(None, key, line) for key, line in knowledge._duplicate_keys(root)]
    return data, duplicates


def same_as_careful(text: str) -> bool:
    """True when the one-pass reader read `text`; it then must agree with the careful path exactly."""
    try:
        document = knowledge._read_plain(text)
    except Exception:  # noqa: BLE001 - stepping aside is always allowed
        return False
    data, duplicates = careful(text)
    assert repr(document.data) == repr(data)  # repr: 1, 1.0 and True are equal but not the same
    assert document.data == data or data != data  # (nan)
    assert document.duplicates == duplicates
    if isinstance(document.data, list) and isinstance(document.root, yaml.SequenceNode):
        assert [document.item(i).node.start_mark.line for i in range(len(document.data))] == \
            [node.start_mark.line for node in document.root.value]
    return True


@pytest.mark.parametrize("path", sorted(DEFAULT_KNOWLEDGE_DIR.glob("*.yaml")) + sorted(OTHER_KB.glob("*.yaml"))
                         + [GENERAL_VOCABULARY], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_file_is_read_in_one_pass_with_the_same_data(path: Path) -> None:
    assert same_as_careful(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",                 # anchors and aliases
    "- !!str 12\n",                     # an explicit tag
    "- ! 12\n",                         # the non-specific tag
    "? [a, b]\n: c\n",                  # a collection as a key
    "base: {a: 1}\nother:\n  <<: {b: 2}\n",  # a merge key
    "- = \n",                           # the value key
    "a: 1\n---\nb: 2\n",                # two documents
    "- " + "[" * 20 + "]" * 20 + "\n",  # deeper than MAX_DEPTH
    "- 1234567890123456789\n",          # a number with too many digits
    "- 1e999\n",                        # a number out of range
    "a: [1, 2\n",                       # a syntax error
])
def test_what_only_the_careful_path_judges_is_left_to_it(text: str) -> None:
    with pytest.raises(Exception):
        knowledge._read_plain(text)


def test_keys_given_twice_are_found_with_their_entry_and_line() -> None:
    text = "- id: a\n  names: [A]\n  names: [B]\n- id: b\n  text: {fr: x, en: y, fr: z}\n"
    assert same_as_careful(text)
    assert knowledge._read_plain(text).duplicates == [(0, "names", 3), (1, "fr", 5)]


def test_a_broken_file_reads_the_same_through_either_path(tmp_path: Path) -> None:
    """Problems found in a file read in one pass carry the lines the careful path gives."""
    kb = tmp_path / "kb"
    kb.mkdir()
    for path in DEFAULT_KNOWLEDGE_DIR.glob("*.yaml"):
        (kb / path.name).write_bytes(path.read_bytes())
    events = kb / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("end: ", "end: 1999-", 1)
                      + "- id: dup\n  id: dup\n  names: [Dup]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as fast:
        load_knowledge(kb)
    events.write_text(events.read_text(encoding="utf-8") + "- &anchor x\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(kb)
    assert [str(p) for p in refused.value.problems if p.file == "events.yaml"] == [
        f"events.yaml:{events.read_text().count(chr(10))}: YAML anchor &anchor is not allowed: write the value out"]
    original = knowledge._read_plain
    try:  # the careful path alone, on the file without the anchor
        events.write_text(events.read_text(encoding="utf-8").replace("- &anchor x\n", ""), encoding="utf-8")
        knowledge._read_plain = lambda text: (_ for _ in ()).throw(knowledge._Unusual("off"))
        with pytest.raises(KnowledgeError) as slow:
            load_knowledge(kb)
    finally:
        knowledge._read_plain = original
    assert [str(p) for p in fast.value.problems] == [str(p) for p in slow.value.problems]
    assert any("key given twice" in str(p) for p in fast.value.problems)
    assert any("end: " in str(p) or "field end" in str(p) for p in fast.value.problems)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["yes", "no", "on", "off", "True", "FALSE", "~", "null", "0x1F", "0o17", "017", "1_000",
                     "1:30", ".inf", "-.Inf", ".NaN", "1e5", "1.5e5", "2025-01-02", "<<", "=", "", " ", "- x",
                     "a: b", "#c", "&a", "*a", "!t", "%", "@", "`", "'q'", '"q"', "[x]", "{x}", "? x"]))
keys = st.one_of(st.text(max_size=6), st.sampled_from(["id", "names", "1", "01", "true", "null", "~", "1.0"]))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)), max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from([None, True, False]), st.sampled_from([None, "'", '"', "|", ">"]))
def test_any_dumped_document_reads_the_same(data: object, flow: bool | None, style: str | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True, width=30)
    same_as_careful(text)


fragments = st.sampled_from([
    "- ", "  ", "    ", "\n", "a: ", "b: ", "a: 1\n", "a: 2\n", "[", "]", "{", "}", ", ", "? ", ": ", "&x ", "*x",
    "!!str ", "! ", "<<: ", "= ", "---\n", "...\n", "'s'", '"d"', "|\n  t\n", ">\n  t\n", "1", "1.5", "yes",
    "null", "~", "#c\n", "x", "é", "\t", "-1e9", "0o7", "1_0",
])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fragments, max_size=25).map("".join))
def test_any_text_is_read_the_same_or_left_to_the_careful_path(text: str) -> None:
    try:
        careful(text)
    except Exception:  # noqa: BLE001 - the careful path refuses it: the one-pass reader must too
        with pytest.raises(Exception):
            knowledge._read_plain(text)
        return
    same_as_careful(text)
