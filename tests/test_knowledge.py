"""The knowledge base: the real YAML files load and hold the articles' facts; broken copies are
reported with file, line, entry id and field.

Everything runs on the real files under `knowledge/` (or copies of them in tmp_path): no mocks.
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.knowledge import (
    SOURCES_FILE,
    VOCABULARY_FILE,
    DEFAULT_KNOWLEDGE_DIR,
    FILES,

    Actor,
    Event,
    Figure,
    Initiative,
    KnowledgeBase,
    KnowledgeError,
    Objective,
    Person,
    Problem,
    Speciality,
    load_knowledge,
)
from bot.text import normalise

FR_ARTICLE = "000_fd69bd891b5cd6da.txt"
EN_ARTICLE = "003_a1ebc541b9714908.txt"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


# --------------------------------------------------------------------------- the real files


def test_real_knowledge_base_loads(kb: KnowledgeBase) -> None:
    assert len(kb) > 0
    for model in FILES.values():
        assert kb.of_type(model), f"no {model.__name__} entries"
    assert [e.id for e in kb.of_type(Initiative)] == ["biovaliance"]
    assert kb.initiative.name == "BIOVALIANCE"


def test_no_stray_files_in_knowledge_dir() -> None:
    assert {p.name for p in DEFAULT_KNOWLEDGE_DIR.glob("*.y*ml")} == set(FILES) | {SOURCES_FILE, VOCABULARY_FILE}


def test_every_entry_is_bilingual_and_sourced(kb: KnowledgeBase) -> None:
    for entry in kb:
        assert entry.text.fr.strip() and entry.text.en.strip(), entry.id
        assert entry.text.fr != entry.text.en, f"{entry.id}: the French and English texts are identical"
        assert entry.source and set(entry.source) <= set(kb.sources), entry.id


def test_every_entry_has_examples(kb: KnowledgeBase) -> None:
    for entry in kb:
        assert len(entry.examples) >= 2, f"{entry.id} needs at least two example questions"


def _spans(question: str, alias: str) -> list[tuple[int, int]]:
    """Where the alias occurs in the question, as whole normalised words."""
    words, target = normalise(question).split(), normalise(alias).split()
    n = len(target)
    return [(i, i + n) for i in range(len(words) - n + 1) if words[i:i + n] == target]


def test_examples_name_their_own_entry_unambiguously(kb: KnowledgeBase) -> None:
    """Each example contains one of its entry's names, and any other entry's name it contains lies
    inside that match (e.g. 'bfc' inside 'efs bfc'), so the longest match always picks the entry."""
    problems = []
    for entry in kb:
        for example in entry.examples:
            own = [span for name in entry.all_names() for span in _spans(example, name)]
            if not own:
                problems.append(f"{entry.id}: {example!r} names none of its names or aliases")
                continue
            for other in kb:
                if other.id == entry.id:
                    continue
                for name in other.all_names():
                    for start, end in _spans(example, name):
                        if not any(s <= start and end <= e for s, e in own):
                            problems.append(f"{entry.id}: {example!r} also names {other.id} ({name!r})")
    assert not problems, "\n".join(problems)


# Bare words that would match far too many questions if they were a name on their own.
TOO_COMMON = {
    "region", "la region", "summit", "sommet", "congress", "congres", "health", "sante", "biotech",
    "therapy", "therapie", "days", "wisconsin", "dijon", "besancon", "lyon", "strasbourg", "france",
    "quebec", "entreprises", "companies", "emplois", "jobs", "plan", "projet", "project", "cluster",
}


def test_no_name_is_a_bare_common_word(kb: KnowledgeBase) -> None:
    bad = [(e.id, n) for e in kb for n in e.all_names() if normalise(n) in TOO_COMMON]
    assert not bad


def test_initiative_facts(kb: KnowledgeBase) -> None:
    initiative = kb.initiative
    assert initiative.launched == "2025"
    assert initiative.launched_by == ("region-bfc",)
    assert set(initiative.partners) == {"temis-technopole", "santenov", "pmt", "aer-bfc"}
    assert set(initiative.specialities) >= {"cell-therapy", "gene-therapy", "tissue-therapy", "theranostics"}
    for words in ("BioForward", "Hacking Health", "salons", "délégations"):
        assert words in initiative.how_it_works.fr
    for words in ("universities", "hospitals", "policymakers", "startups"):
        assert words in initiative.members.en
    assert set(initiative.source) == {FR_ARTICLE, EN_ARTICLE}


def test_four_objectives_in_order(kb: KnowledgeBase) -> None:
    objectives = sorted(kb.of_type(Objective), key=lambda o: o.order)
    assert [o.order for o in objectives] == [1, 2, 3, 4]
    assert [o.id for o in objectives] == [
        "objective-market", "objective-know-how", "objective-attract", "objective-promote",
    ]


@pytest.mark.parametrize(("entry_id", "kind", "city"), [
    ("region-bfc", "region", None),
    ("temis-technopole", "technopole", None),  # the articles do not say where it is
    ("santenov", "network", "Dijon"),
    ("pmt", "competitiveness-cluster", None),
    ("aer-bfc", "agency", None),
    ("rd-biotech", "company", "Besançon"),
    ("chematech", "company", "Dijon"),
    ("urgo", "company", None),
    ("genesis", "project", None),
    ("cellquest", "company", None),
    ("efs-bfc", "research", None),
    ("bioimp", "consortium", None),
    ("bioforward", "cluster", None),
    ("hacking-health", "network", None),
    ("cnrs", "research", None),
    ("france-2030", "plan", None),
    ("healthcare-innovation-2030", "plan", None),
])
def test_actors(kb: KnowledgeBase, entry_id: str, kind: str, city: str | None) -> None:
    actor = kb.get(entry_id)
    assert isinstance(actor, Actor)
    assert (actor.kind, actor.city) == (kind, city)


def test_actor_links(kb: KnowledgeBase) -> None:
    assert "bioimp" in kb.get("cellquest").related
    assert "cellquest" in kb.get("bioimp").related
    assert kb.get("bioimp").launched == "2024"
    assert "genesis" in kb.get("urgo").related and "urgo" in kb.get("genesis").related
    assert "france-2030" in kb.get("healthcare-innovation-2030").related
    assert "plasmid-dna" in kb.get("rd-biotech").specialities
    assert "chelating-agents" in kb.get("chematech").specialities
    assert "Wisconsin" in kb.get("bioforward").area
    assert kb.get("hacking-health").area == "Québec"


@pytest.mark.parametrize(("person_id", "organisation", "role_words"), [
    ("jerome-durain", "region-bfc", "Président de la Région"),
    ("jeanne-galaine", "efs-bfc", "biologie, thérapie, diagnostic"),
    ("roland-lescure", "french-government", "Ministre chargé de l'économie"),
])
def test_people(kb: KnowledgeBase, person_id: str, organisation: str, role_words: str) -> None:
    person = kb.get(person_id)
    assert isinstance(person, Person)
    assert person.organisation == organisation
    assert role_words in person.role.fr


def test_specialities(kb: KnowledgeBase) -> None:
    ids = {s.id for s in kb.of_type(Speciality)}
    assert {"cell-therapy", "gene-therapy", "tissue-therapy", "theranostics", "bioproduction"} <= ids


EVENTS = [
    ("innovative-therapies-days", "Besançon", "France", dt.date(2025, 10, 9), dt.date(2025, 10, 10)),
    ("wisconsin-biohealth-summit", None, "United States", dt.date(2025, 10, 14), dt.date(2025, 10, 15)),
    ("immunology-congress", "Lyon", "France", dt.date(2025, 11, 13), dt.date(2025, 11, 14)),
    ("biofit-medfit", "Strasbourg", "France", dt.date(2025, 12, 2), dt.date(2025, 12, 3)),
]


def test_exactly_the_four_events(kb: KnowledgeBase) -> None:
    assert [e.id for e in kb.of_type(Event)] == [row[0] for row in EVENTS]
    for event in kb.of_type(Event):
        assert event.start <= event.end


@pytest.mark.parametrize(("event_id", "city", "country", "start", "end"), EVENTS)
def test_event_dates_and_places(kb: KnowledgeBase, event_id: str, city: str | None, country: str,
                                start: dt.date, end: dt.date) -> None:
    event = kb.get(event_id)
    assert isinstance(event, Event)
    assert (event.start, event.end, event.city, event.country.en) == (start, end, city, country)


@pytest.mark.parametrize(("figure_id", "value", "unit_en", "about"), [
    ("health-jobs", 13000, "jobs", "region-bfc"),
    ("biotherapy-jobs", 2500, "jobs", "region-bfc"),
    ("biotherapy-companies", 48, "companies", "region-bfc"),
    ("biotech-medtech-companies", 250, "companies", "region-bfc"),
    ("microelectronics-companies", 400, "companies", "region-bfc"),
    ("bioimp-funding", 800, "million euros", "bioimp"),
    ("healthcare-innovation-2030-budget", 7.5, "billion euros", "healthcare-innovation-2030"),
])
def test_figures(kb: KnowledgeBase, figure_id: str, value: float, unit_en: str, about: str) -> None:
    figure = kb.get(figure_id)
    assert isinstance(figure, Figure)
    assert (figure.value, figure.unit.en) == (value, unit_en)
    assert about in figure.about


def test_figures_include_the_headline_numbers(kb: KnowledgeBase) -> None:
    values = {f.value for f in kb.of_type(Figure)}
    assert {13000, 2500, 48, 800} <= values


# --------------------------------------------------------------------------- broken copies


def copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def _block(lines: list[str], entry_id: str) -> tuple[int, int]:
    """Index range of one entry's lines ('- id: <entry_id>' up to the next entry)."""
    start = lines.index(f"- id: {entry_id}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    return start, end


def _find(lines: list[str], entry_id: str, line: str) -> int:
    start, end = _block(lines, entry_id)
    for i in range(start, end):
        if lines[i] == line:
            return i
    raise AssertionError(f"{line!r} not found in entry {entry_id}; the real knowledge base changed")


def replace_line(entry_id: str, old: str, new: str) -> Callable[[list[str]], tuple[list[str], int]]:
    """Replace one exact line of an entry; the problem is expected on that line."""
    def corrupt(lines: list[str]) -> tuple[list[str], int]:
        i = _find(lines, entry_id, old)
        return lines[:i] + [new] + lines[i + 1:], i + 1
    return corrupt


def insert_after(entry_id: str, old: str, new: str) -> Callable[[list[str]], tuple[list[str], int]]:
    """Add a line after `old` inside one entry; the problem is on the added line."""
    def corrupt(lines: list[str]) -> tuple[list[str], int]:
        i = _find(lines, entry_id, old)
        return lines[:i + 1] + [new] + lines[i + 1:], i + 2
    return corrupt


def drop_text_en(entry_id: str) -> Callable[[list[str]], tuple[list[str], int]]:
    """Delete `text.en` (key and folded lines); the problem is on the first line of the text block."""
    def corrupt(lines: list[str]) -> tuple[list[str], int]:
        text = _find(lines, entry_id, "  text:")
        en = next(i for i in range(text + 1, len(lines)) if lines[i].startswith("    en:"))
        stop = next(i for i in range(en + 1, len(lines)) if not lines[i].startswith("      "))
        return lines[:en] + lines[stop:], text + 2
    return corrupt


def whole_file(new_text: str, line: int) -> Callable[[list[str]], tuple[list[str], int]]:
    def corrupt(lines: list[str]) -> tuple[list[str], int]:
        return new_text.splitlines(), line
    return corrupt


@dataclass(frozen=True)
class Case:
    file: str
    corrupt: Callable[[list[str]], tuple[list[str], int]]
    entry: str | None
    field: str | None
    message: str


CASES = {
    "invalid-yaml": Case(
        "events.yaml", replace_line("immunology-congress", "  city: Lyon", "  city: Lyon: Rhône"),
        None, None, "invalid YAML"),
    "missing-text-en": Case(
        "actors.yaml", drop_text_en("cellquest"), "cellquest", "text.en", "Field required"),
    "end-before-start": Case(
        "events.yaml", replace_line("biofit-medfit", "  end: 2025-12-03", "  end: 2025-11-30"),
        "biofit-medfit", "end", "before start"),
    "impossible-date": Case(
        "events.yaml", replace_line("biofit-medfit", "  start: 2025-12-02", "  start: 2025-13-02"),
        "biofit-medfit", "start", "month value is outside"),
    "key-given-twice": Case(
        "people.yaml", insert_after("jerome-durain", "  organisation: region-bfc", "  organisation: efs-bfc"),
        "jerome-durain", "organisation", "key given twice"),
    "unknown-reference": Case(
        "actors.yaml", replace_line("cellquest", "  related: [bioimp]", "  related: [bioimpp]"),
        "cellquest", "related", "unknown entry 'bioimpp'"),
    "duplicate-id": Case(
        "events.yaml", replace_line("biofit-medfit", "- id: biofit-medfit", "- id: immunology-congress"),
        "immunology-congress", "id", "duplicate id"),
    "alias-collision": Case(
        "actors.yaml", replace_line("bioimp", "    - Bio Imp", "    - cellquest"),
        "bioimp", "aliases", "also a name of 'cellquest'"),
    "unknown-source": Case(
        "people.yaml", replace_line("roland-lescure", f"  source: {EN_ARTICLE}", "  source: 999_unknown.txt"),
        "roland-lescure", "source", "unknown source '999_unknown.txt'"),
    "not-a-list": Case(
        "objectives.yaml", whole_file("id: objective-market\norder: 1\n", 1),
        None, None, "must be a YAML list"),
}

def _broken(tmp_path: Path, case: Case) -> tuple[KnowledgeError, int]:
    directory = copy_knowledge(tmp_path)
    path = directory / case.file
    lines, line = case.corrupt(path.read_text(encoding="utf-8").splitlines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value, line


def _matching(error: KnowledgeError, case: Case) -> list[Problem]:
    return [p for p in error.problems if p.file == case.file and case.message in p.message]


@pytest.mark.parametrize("name", list(CASES))
def test_broken_knowledge_is_located(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    error, line = _broken(tmp_path, case)
    found = _matching(error, case)
    assert found, f"no problem mentioning {case.message!r} in {case.file}: {error}"
    assert [(p.line, p.entry, p.field) for p in found] == [(line, case.entry, case.field)], str(error)
    assert f"{case.file}:{line}" in str(error)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    directory = copy_knowledge(tmp_path)
    names = ("unknown-reference", "unknown-source", "end-before-start")
    for name in names:
        case = CASES[name]
        path = directory / case.file
        lines, _ = case.corrupt(path.read_text(encoding="utf-8").splitlines())
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    assert {p.file for p in caught.value.problems} >= {CASES[name].file for name in names}


@pytest.mark.parametrize(("action", "file", "message"), [
    ("delete", "figures.yaml", "file is missing"),
    ("extra", "notes.yaml", "unexpected file"),
])
def test_missing_or_unexpected_file(tmp_path: Path, action: str, file: str, message: str) -> None:
    directory = copy_knowledge(tmp_path)
    if action == "delete":
        (directory / file).unlink()
    else:
        (directory / file).write_text("[]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    assert any(p.file == file and message in p.message for p in caught.value.problems)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="knowledge directory not found"):
        load_knowledge(tmp_path / "nowhere")
