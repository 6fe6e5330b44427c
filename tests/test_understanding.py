"""How the engine reads what visitors really write, on the real knowledge base: frames, long
messages, several questions at once, yes/no, descriptions instead of names, editions, follow-ups,
and the vocabulary and fields as data (a new field answered with no change to the engine)."""
from __future__ import annotations

import datetime as dt
import pathlib
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from bot.engine import Engine, Status
from bot.engine.matching import Vocabulary
from bot.engine.result import (
    Ask, Card, Clarify, FieldValue, Focus, Listing, Location, Missing, OtherEdition, Schedule, Sources, Verdict,
)
from bot.knowledge import KnowledgeError, load_general_vocabulary, load_knowledge
from bot.replies import render

TODAY = dt.date(2026, 11, 21)  # every event of the articles is over
A, C, U, S = Status.ANSWERED, Status.CLARIFY, Status.UNANSWERED, Status.SMALLTALK
ROOT = Path(__file__).resolve().parent.parent


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)))


def ask(engine: Engine, question: str, focus: Focus | None = None, lang: str | None = None):
    result = engine.answer(question, today=TODAY, focus=focus, lang_hint=lang)
    return result, fold(render(result, engine.knowledge, TODAY).text)


# ------------------------------------------------------------------ reading into a frame
@pytest.mark.parametrize(("question", "asks", "named", "places", "yes_no"), [
    ("Where is Chematech?", [Ask.WHERE], ["chematech"], [], False),
    ("C'est quand le congrès de Lyon ?", [Ask.WHEN], ["immunology-congress"], [], False),
    ("Chematech est-elle basée à Besançon ?", [Ask.WHERE], ["chematech"], ["besancon"], True),
    ("Y a-t-il une entreprise dijonnaise ?", [], [], ["dijon"], True),
    ("Combien d'emplois dans les biothérapies ?", [Ask.HOW_MANY], ["biotherapy-jobs"], [], False),
    ("qui a dit que la collaboration est essentielle ?", [Ask.SAID, Ask.WHO], [], [], False),
])
def test_a_clause_becomes_a_frame(engine: Engine, question, asks, named, places, yes_no):
    [frame] = engine.answer(question, today=TODAY).reading
    assert frame["asks"][:len(asks)] == [a.value for a in asks]
    assert [n["entry"] for n in frame["named"]] == named
    assert frame["places"] == places and frame["yes_no"] is yes_no


# ------------------------------------------------------------------ long messages, several questions
def test_a_self_introduction_is_context_not_the_subject(engine: Engine):
    result, text = ask(engine, "Hello! I run a small lab in Lyon and we buy a lot of reagents. "
                               "Which company in your region makes chelating agents, and in which city is it?")
    assert result.status == A and "chematech" in text and "dijon" in text
    assert "lyon" not in text, "the visitor's own city is not a filter"


def test_two_questions_in_one_message_get_two_answers(engine: Engine):
    result, text = ask(engine, "Where is RD Biotech? And when did BioFit take place?")
    assert result.status == A and len(result.parts) == 2
    assert "besancon" in text and "strasbourg" in text and "december" in text


def test_a_message_without_a_question_that_thanks_is_small_talk(engine: Engine):
    result, _ = ask(engine, "Merci pour les infos sur Santenov, je file au salon de Strasbourg. Bonne journée !")
    assert result.status == S and not result.needs_review


@pytest.mark.parametrize("word", ["ok", "oui", "cool", "d'accord", "super"])
def test_acknowledgements_are_small_talk_and_keep_the_language(engine: Engine, word: str):
    result, _ = ask(engine, word, lang="fr")
    assert result.status == S and result.lang == "fr" and not result.needs_review
    assert ask(engine, word, lang="en")[0].lang == "en"


def test_the_best_small_talk_wins(engine: Engine):
    assert ask(engine, "who are you?")[0].parts[0].kind == "who_are_you"
    assert ask(engine, "how are you?")[0].parts[0].kind == "how_are_you"


# ------------------------------------------------------------------ typos
@pytest.mark.parametrize(("typed", "known"), [
    ("chemtech", "chematech"),      # a letter dropped inside
    ("hcematech", "chematech"),     # two first letters swapped
    ("chematehc", "chematech"),     # two last letters swapped
    ("inovativ", "innovative"),     # two typos, one near each end: only the second look finds it
    ("galaien", "galaine"),
])
def test_a_typo_is_repaired_to_the_closest_known_word(typed: str, known: str):
    vocabulary = Vocabulary()
    for word in ("chematech", "innovative", "innovation", "galaine", "galette", "dijon", "genesis"):
        vocabulary.add(word)
    repaired = vocabulary.repair(typed)
    assert repaired is not None and repaired[0] == known and repaired[1] < 100, repaired


@pytest.mark.parametrize("typed", ["boulangerie", "xyzzyx", "dij"])
def test_a_word_far_from_every_known_word_is_not_repaired(typed: str):
    vocabulary = Vocabulary()
    for word in ("chematech", "innovative", "dijon", "genesis"):
        vocabulary.add(word)
    assert vocabulary.repair(typed) is None


@pytest.mark.parametrize(("question", "entry"), [
    ("chemtech c'est ou ?", "chematech"),
    ("inovativ therapys days, when was it", "innovative-therapies-days"),
    ("bioforwrd wiskonsin, what is it", "bioforward"),
    ("innovativ therapie dayz c quand", "innovative-therapies-days"),  # a short word's typo weighs little
])
def test_a_name_typed_with_typos_finds_its_entry(engine: Engine, question: str, entry: str):
    result, _ = ask(engine, question)
    assert result.status == A and result.entry == entry, result


@pytest.mark.parametrize(("question", "status"), [
    ("helloooo", S), ("merciiii beaucoup", S),   # a letter held down on a phone
    ("what's the wether like in Lyon?", U),        # an off-topic word with a typo is still off topic
])
def test_phone_typing_is_read_through(engine: Engine, question: str, status: Status):
    result, _ = ask(engine, question)
    assert result.status == status, result


def test_last_year_is_a_date_not_the_last_item_of_a_list(engine: Engine):
    result, _ = ask(engine, "which events did the brand attend last year?")
    assert result.status == A and len(result.focus.listed) == 4, result


# ------------------------------------------------------------------ described, not named
@pytest.mark.parametrize(("question", "entry"), [
    ("the blood-based research body of the region", "efs-bfc"),
    ("l'entreprise qui fabrique de la peau artificielle", "urgo"),
    ("which consortium got european money in 2024?", "bioimp"),
    ("le réseau santé dijonnais partenaire de la marque", "santenov"),
])
def test_an_entry_is_found_by_what_is_said_of_it(engine: Engine, question: str, entry: str):
    result, _ = ask(engine, question)
    assert result.status == A and entry in (result.entry, *result.items), result


def test_a_job_seeker_describing_a_field_gets_the_employers(engine: Engine):
    result, text = ask(engine, "I'm a wound-care nurse moving into biomaterials, which employer could use me?")
    assert result.status == A and "urgo" in text


# ------------------------------------------------------------------ yes / no
@pytest.mark.parametrize(("question", "yes", "fact"), [
    ("Is RD Biotech in Besançon?", True, "besancon"),
    ("Est-ce que Santenov est à Lyon ?", False, "dijon"),
    ("Did the BioImp consortium start in 2023?", False, "2024"),
    ("Y a-t-il 48 entreprises de biothérapie dans la région ?", True, "48"),
    ("Was the Wisconsin summit held in Canada?", False, "united states"),
    # one false claim among true ones, and two named things said to be one
    ("Was the Genesis project led by the CNRS?", False, "urgo"),
    ("Is BioImp funded with 800 million by the EU?", True, "800"),
    ("Did BioImp get its 800 million from the French government?", False, "800"),
    ("Roland Lescure, c'est le président de la Région ?", False, "ministre"),
    ("Urgo, c'est le projet Genesis ?", False, "urgo"),   # linked, yet not the same thing
    ("Did Urgo lead the Genesis project?", True, "urgo"),
    # who leads what: the leader the led entry names, not words its partners' texts share
    ("Is CellQuest leading Genesis?", False, "urgo"),
    ("Does TEMIS Technopole lead BIOVALIANCE?", False, "temis"),
    ("Is Urgo leading Genesis?", True, "urgo"),
    ("Did the French government launch BIOVALIANCE?", False, "2025"),  # what was launched, and by whom
])
def test_yes_no_questions_say_yes_or_no_first(engine: Engine, question: str, yes: bool, fact: str):
    result, text = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, result
    assert text.startswith(("yes", "oui") if yes else ("no", "non")) and fact in text, text


def test_the_home_region_named_in_a_claim_is_its_setting_not_a_subject(engine: Engine):
    result, text = ask(engine, "Does Urgo lead Genesis in Bourgogne-Franche-Comté?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    assert "region-bfc" not in {getattr(p, "entry", None) or getattr(p, "subject", None) for p in result.parts}, result
    assert "durain" not in text, text  # the region's people were answered as if asked about
    result, text = ask(engine, "Est-ce que la Région Bourgogne-Franche-Comté est présidée par Jérôme Durain ?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result  # alone, it is the subject
    result, text = ask(engine, "Roland Lescure dirige-t-il la Région Bourgogne-Franche-Comté ?")
    assert result.parts[0].yes is False and "durain" in text, text  # a person's claim: the region is their organisation


def test_a_year_narrows_a_list_to_what_the_sources_date_so(engine: Engine):
    result, _ = ask(engine, "Which research bodies were launched in 2024?")
    assert result.status == A and result.items == ("bioimp",), result  # not the undated ones as well


@pytest.mark.parametrize(("question", "entry"), [
    ("Est-ce que qq1 bosse sur l'ADN plasmidique dans votre région ?", "rd-biotech"),  # SMS words are data
    ("Is somebody in the region making artificial skin?", "urgo"),  # two linked hits: one story, not a tie
])
def test_anyone_in_the_region_doing_something_is_about_that_not_the_region(engine: Engine, question: str, entry: str):
    result, text = ask(engine, question)
    assert result.status == A and entry in (result.entry, *result.items) and "durain" not in text, result


def test_an_accented_name_does_not_make_an_english_question_french(engine: Engine):
    result, text = ask(engine, "Is Cellquest a Besançon startup?")
    assert result.lang == "en" and text.startswith("no"), text
    assert ask(engine, "Le réseau santé est-il à Besançon ?")[0].lang == "fr"  # its own accents still count


def test_who_runs_an_entry_is_its_leader_which_the_sources_may_not_give(engine: Engine):
    result, _ = ask(engine, "Qui dirige RD Biotech ?")
    assert result.status == U, result  # not its card, as if asked who it is
    result, _ = ask(engine, "Who runs the initiative?")
    assert result.status == A and "region-bfc" in result.items, result  # what launched it carries it


def test_one_of_a_list_is_picked_by_what_it_does(engine: Engine):
    first, _ = ask(engine, "Quelles entreprises sont citées ?")
    assert {"rd-biotech", "urgo"} <= set(first.items), first
    second, _ = ask(engine, "et celle des blessures graves, c'est où ?", focus=first.focus)
    assert second.entry == "urgo", second  # not the first of the list


@pytest.mark.parametrize("question", [
    "Quelle est la cadence de fabrication annuelle de Chematech ?",  # words the sources never use about it
    "Which opening hours does the Innovative Therapies Days event have?",  # "event" only goes with its name
    "Qui va remporter les prochaines élections municipales ?",  # "who ... next" is no list of events
])
def test_what_the_sources_do_not_say_is_declined_not_answered_with_a_card(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_how_many_of_a_kind_no_figure_gives_is_counted_from_the_sources(engine: Engine):
    result, text = ask(engine, "Combien d'événements pour BIOVALIANCE ?")
    assert result.status == A and len(result.items) == 4 and "en citent 4" in text, text


@pytest.mark.parametrize(("question", "count"), [("combien d'événements en octobre ?", 2),
                                                  ("how many events in December 2025?", 1)])
def test_how_many_events_at_a_date_counts_the_events_listed(engine: Engine, question: str, count: int):
    result, text = ask(engine, question)
    assert result.status == A and len(result.items) == count, (result, text)
    assert re.search(rf"\b(name|citent) {count}\b", text), text  # a count, not "no figure" for the one event


def test_a_list_at_a_date_after_an_event_is_a_list_not_the_event(engine: Engine):
    first, _ = ask(engine, "Where did BioFit take place?")
    second, text = ask(engine, "what events were there in October 2025?", focus=first.focus)
    assert second.status == A and set(second.items) == {"innovative-therapies-days", "wisconsin-biohealth-summit"}, text


@pytest.mark.parametrize("question", ["Which woman from the blood institute is quoted in the press?",
                                      "who is the expert on blood therapies quoted in the article?"])
def test_someone_quoted_is_found_through_their_described_organisation(engine: Engine, question: str):
    result, text = ask(engine, question)
    assert result.status == A and "galaine" in text, text  # not the list of the articles


def test_her_institution_is_the_organisation_of_the_person_in_focus(engine: Engine):
    first, _ = ask(engine, "Who is Jérôme Durain?")
    second, _ = ask(engine, "what does his organisation do?", focus=first.focus)
    assert second.entry == "region-bfc", second


def test_how_many_people_work_somewhere_is_its_headcount(engine: Engine):
    first, _ = ask(engine, "Tell me about Chematech")
    second, _ = ask(engine, "how many people work there?", focus=first.focus)
    assert second.status == U and second.entry == "chematech", second  # not the people quoted


@pytest.mark.parametrize("question", ["merci, au revoir", "thanks a lot, bye!", "hello, thanks"])
def test_a_message_of_several_kinds_of_small_talk_is_small_talk(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == S, result


@pytest.mark.parametrize("question", ["Combien d'entreprises biotech en Pays de la Loire ?",
                                      "How many biotherapy jobs are there in Île-de-France?"])
def test_a_figure_asked_for_another_region_is_declined_with_that_region(engine: Engine, question: str):
    result, text = ask(engine, question)
    assert result.status == U and ("loire" in text or "ile-de-france" in text), text


def test_asking_which_is_better_is_an_opinion_the_bot_does_not_give(engine: Engine):
    result, _ = ask(engine, "Il vaut mieux postuler chez Urgo ou chez Chematech ?")
    assert result.status == U, result
    result, _ = ask(engine, "Urgo or Chematech?")  # a choice between two names states nothing
    assert result.status == A and not isinstance(result.parts[0], Verdict), result


def test_to_come_somewhere_is_not_upcoming(engine: Engine):
    result, _ = ask(engine, "Peut-on venir avec un chien ?")  # "venir" alone: to come, not "à venir"
    assert result.status == U, result
    result, text = ask(engine, "Quels sont les événements à venir ?")
    assert result.status == A and "a venir" in text, text


def test_a_french_verb_is_not_read_as_a_place(engine: Engine):
    _, text = ask(engine, "Y aura-t-il un salon à Dijon ?")
    assert "auvergne" not in text and "dijon" in text, text


@pytest.mark.parametrize(("question", "listed"), [
    ("Quelles entreprises biotech y a-t-il à Besançon ?", ["rd-biotech"]),
    ("which biotherapy companies are based in Dijon?", ["chematech"]),
])
def test_a_key_figure_named_in_a_which_question_lists_the_entries_it_counts(engine: Engine, question: str, listed: list[str]):
    result, _ = ask(engine, question)
    assert result.status == A and (list(result.focus.listed) or list(result.focus.entries)) == listed, result


def test_a_key_figure_named_in_a_which_question_without_a_place_lists_them_all(engine: Engine):
    result, _ = ask(engine, "which biotech companies?")
    assert result.status == A and len(result.focus.listed) > 1, result


def test_the_same_words_asked_how_many_still_give_the_figure(engine: Engine):
    result, text = ask(engine, "How many biotech companies are there?")
    assert result.status == A and "250" in text


@pytest.mark.parametrize(("question", "expected"), [
    ("Quand se termine BioImp ?", None),             # no end date in the sources
    ("Which edition of BioFit was it?", None),       # no edition number either
    ("When does the Lyon congress end?", "14 november 2025"),
])
def test_an_end_date_or_an_edition_number_is_answered_only_from_the_sources(engine: Engine, question: str, expected):
    result, text = ask(engine, question)
    if expected is None:
        assert result.status == U, result
    else:
        assert result.status == A and expected in text, text


@pytest.mark.parametrize(("question", "person"), [
    ("qui a dit que la collaboration nourrit une innovation multidisciplinaire ?", "jeanne-galaine"),  # a synonym
    ("who said BIOVALIANCE makes local strengths visible?", "jerome-durain"),  # a clear winner among people
])
def test_who_said_finds_the_person_whose_words_the_sources_report(engine: Engine, question: str, person: str):
    result, _ = ask(engine, question)
    assert result.status == A and person in (result.entry, *result.focus.entries, *result.items), result


@pytest.mark.parametrize(("question", "listed"), [
    ("Quelle agence soutient BIOVALIANCE ?", ["aer-bfc"]),
    ("which networks partner with BIOVALIANCE?", ["santenov", "pmt"]),
])
def test_a_kind_noun_narrows_a_list_attribute(engine: Engine, question: str, listed: list[str]):
    result, _ = ask(engine, question)
    assert result.status == A and list(result.focus.listed) == listed, result


# ------------------------------------------------------------------ editions and missing fields
@pytest.mark.parametrize("question", ["BioFit-MedFit 2027, c'est quand ?", "When is next year's BioFit?",
                                      "Où aura lieu la prochaine édition des Innovative Therapies Days ?"])
def test_an_edition_the_sources_do_not_cover_is_declined_with_the_one_they_do(engine: Engine, question: str):
    result, text = ask(engine, question)
    assert result.status == U and isinstance(result.parts[0], OtherEdition)
    assert "2025" in text


def test_the_covered_edition_is_answered(engine: Engine):
    result, _ = ask(engine, "Where was BioFit 2025?")
    assert result.status == A and isinstance(result.parts[0], Schedule)


def test_a_missing_field_names_what_is_missing_then_what_is_known(engine: Engine):
    result, text = ask(engine, "What is the website of the immunology congress?")
    assert result.status == U and result.parts[0] == Missing("website", "immunology-congress")
    assert "website" in text and "lyon" in text
    assert "passed" not in text, "not logged here, so not promised"


def test_a_field_added_in_yaml_is_answered_without_touching_the_engine(tmp_path: Path):
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    events = copy / "events.yaml"
    text = events.read_text()
    text = text.replace("- id: biofit-medfit\n", "- id: biofit-medfit\n  details:\n    website: https://biofit.example.org\n", 1)
    events.write_text(text)
    engine = Engine(load_knowledge(copy, load_general_vocabulary()))
    result, reply = ask(engine, "What is BioFit's website?")
    assert result.status == A and isinstance(result.parts[0], FieldValue)
    assert "https://biofit.example.org" in reply


def test_a_detail_with_an_unknown_attribute_is_located(tmp_path: Path):
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    events = copy / "events.yaml"
    events.write_text(events.read_text().replace("- id: biofit-medfit\n", "- id: biofit-medfit\n  details:\n    colour: blue\n", 1))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(copy, load_general_vocabulary())
    [problem] = error.value.problems
    assert (problem.file, problem.entry, problem.field) == ("events.yaml", "biofit-medfit", "details.colour")
    assert problem.line is not None


def test_a_broken_vocabulary_file_is_located(tmp_path: Path):
    broken = tmp_path / "general.yaml"
    source = (ROOT / "bot" / "vocabulary" / "general.yaml").read_text()
    broken.write_text(source.replace("  where:\n    weight: 5", "  where:\n    weight: lots", 1))
    with pytest.raises(KnowledgeError) as error:
        load_general_vocabulary(broken)
    [problem] = error.value.problems
    assert problem.file == "general.yaml" and problem.field == "asks.where.weight" and problem.line


def test_a_new_cue_word_is_data(tmp_path: Path, knowledge):
    """A word the vocabulary does not know asks nothing; one line of YAML makes it a cue."""
    path = tmp_path / "general.yaml"
    source = (ROOT / "bot" / "vocabulary" / "general.yaml").read_text()
    assert "wherabouts" not in source
    question = "Chematech wherabouts?"
    assert Ask.WHERE.value not in Engine(load_knowledge()).answer(question, today=TODAY).reading[0]["asks"]
    path.write_text(source.replace("      where wheres located", "      wherabouts where wheres located", 1))
    general = load_general_vocabulary(path)
    engine = Engine(load_knowledge(general=general), general=general)
    result, text = ask(engine, question)
    assert isinstance(result.parts[0], Location) and "dijon" in text


@pytest.mark.parametrize("question", [
    "when's the next Immunology congress?",                   # the next one, after the edition covered
    "when was BioFit held for the very first time?",         # its history is not in the sources
    "jusqu'à quand dure le consortium BioImp ?",             # nor an end date
    "BioFit l'an prochain, c'est où et c'est quand ?",       # both questions about next year's edition
])
def test_what_the_sources_do_not_cover_about_an_edition_is_declined(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


@pytest.mark.parametrize(("question", "wording"), [
    ("Quel est le téléphone d'Urgo ?", "telephone d'urgo"),
    ("Quel est le budget du projet Genesis ?", "budget du projet genesis"),
    ("Les Innovative Therapies Days, quelle édition ?", "edition des innovative therapies days"),
])
def test_a_french_decline_names_the_entry_with_its_article(engine: Engine, question: str, wording: str):
    result, text = ask(engine, question)
    assert result.status == U and wording in text, text


# ------------------------------------------------------------------ conversations
def talk(engine: Engine, *questions: str, lang: str | None = None):
    focus, out = Focus(), []
    for question in questions:
        result, text = ask(engine, question, focus, lang)
        focus, lang = result.focus, result.lang
        out.append((result, text))
    return out


def test_a_question_with_no_subject_takes_the_focus(engine: Engine):
    (_, _), (second, text) = talk(engine, "Parle-moi de Santenov", "et c'est où ?")
    assert second.status == A and "dijon" in text


def test_pronouns_and_role_nouns_point_back(engine: Engine):
    _, (_, org), (_, said) = talk(engine, "Who is Jeanne Galaine?", "What does that institution work on?",
                                  "what does she say about talent?")
    assert "blood" in org
    assert "galaine" in said and "talent" in said


def test_ordinals_pick_from_the_last_list(engine: Engine):
    _, (first, text), (last, text2) = talk(engine, "Quels événements ?", "et le premier, c'était où ?",
                                           "et le dernier ?")
    assert "besancon" in text
    assert "strasbourg" in text2


def test_and_x_asks_the_previous_question_about_x(engine: Engine):
    _, (result, text) = talk(engine, "Where is RD Biotech?", "and Chematech?")
    assert isinstance(result.parts[0], Location) and "dijon" in text


def test_after_a_decline_the_entry_stays_in_focus(engine: Engine):
    (declined, _), (result, text) = talk(engine, "Quel est le numéro de téléphone d'Urgo ?", "ok, et ils font quoi ?")
    assert declined.status == U and declined.focus.entries[:1] == ("urgo",)
    assert result.status == A and "peau" in text


def test_a_one_item_answer_to_which_company_becomes_the_focus(engine: Engine):
    _, (result, text) = talk(engine, "Which company industrialises cell therapy production?", "and what is its goal?")
    assert result.status == A and result.entry == "cellquest", result


def test_a_possessive_points_to_the_focus_unless_it_has_entries_of_that_kind(engine: Engine):
    _, (result, _) = talk(engine, "Tell me about BIOVALIANCE", "what are its objectives?")
    assert len(result.focus.listed) == 4  # the initiative's own objectives, listed
    _, (result, text) = talk(engine, "Parle-moi de CellQuest", "et son objectif ?")
    assert result.status == A and result.entry == "cellquest" and "therapies cellulaires" in text, result


def test_a_short_question_of_known_words_stays_with_the_focus(engine: Engine):
    _, (result, text) = talk(engine, "Que fait Chematech ?", "pour quel genre de traitement ?")
    assert result.status == A and "radiotherap" in text


def test_a_question_about_unknown_things_is_not_taken_for_a_follow_up(engine: Engine):
    result, _ = ask(engine, "Qui a gagné le tournoi de rugby cette année ?")
    assert result.status == U, result
    for unrelated in ("Qui a gagné la course hier soir ?", "where is the hospital?", "who painted the Mona Lisa?",
                      "comment on fait une tarte ?"):
        _, (result, _) = talk(engine, "Que fait Chematech ?", unrelated)
        assert result.status == U, (unrelated, result)


def test_a_conversation_kept_across_a_knowledge_reload_forgets_entries_that_are_gone(engine: Engine):
    stale = Focus(entries=("an-entry-removed-since",), listed=("another-one",))
    for question in ("et son objectif ?", "where is it?", "pour quel genre de traitement ?", "le premier ?"):
        result, _ = ask(engine, question, stale)
        assert result.status in (A, C, U), result


def test_a_question_naming_its_own_subject_ignores_the_focus(engine: Engine):
    _, (result, text) = talk(engine, "Where is RD Biotech?", "Where is Santenov?")
    assert result.entry == "santenov" and "dijon" in text


def test_the_other_one_chooses_within_the_focus(engine: Engine):
    _, _, (result, _) = talk(engine, "Which companies are in Dijon or Besançon?", "the first one?", "and the other one?")
    assert result.entry == "chematech"


def test_a_follow_up_with_nothing_to_follow_asks_back(engine: Engine):
    result, text = ask(engine, "and where is it?")
    assert result.status == C and isinstance(result.parts[0], Clarify) and result.parts[0].follow_up
    assert "referring" in text


# ------------------------------------------------------------------ the code names no entry
# ------------------------------------------------------------------ dates, negation, who spoke
@pytest.mark.parametrize(("question", "expected"), [
    ("Where could I meet BIOVALIANCE around 13 November?", "lyon"),
    ("Où était BIOVALIANCE le 2 décembre ?", "strasbourg"),
    ("Où trouver l'initiative le 10 octobre ?", "besancon"),
])
def test_an_undated_entry_at_a_date_is_at_its_event_then(engine: Engine, question: str, expected: str):
    result, text = ask(engine, question)
    assert result.status == A and expected in text, text


def test_a_month_alone_lists_the_initiatives_events_that_month(engine: Engine):
    result, text = ask(engine, "What was BIOVALIANCE up to in October?")
    assert result.status == A and "innovative therapies" in text and "wisconsin" in text and "lyon" not in text, text


def test_a_negative_question_form_is_no_negation(engine: Engine):
    result, text = ask(engine, "Aren't there any companies in Dijon?")
    assert text.startswith("yes") and "chematech" in text and "rd biotech" not in text, text


@pytest.mark.parametrize(("question", "expected", "absent"), [
    ("the autumn show that wasnt in france?", "wisconsin", "strasbourg"),
    ("Which October events weren't in France?", "wisconsin", "besancon"),
])
def test_a_negation_beside_a_place_is_of_the_place(engine: Engine, question: str, expected: str, absent: str):
    result, text = ask(engine, question)
    assert result.status == A and expected in text and absent not in text, text


@pytest.mark.parametrize(("question", "expected"), [
    ("Who's behind the brand?", "region"),
    ("la marque a été lancée quand ?", "2025"),
    ("what are the partners of this initiative?", "temis"),
])
def test_the_initiative_by_its_common_nouns(engine: Engine, question: str, expected: str):
    result, text = ask(engine, question)
    assert result.status == A and result.entry == "biovaliance" and expected in text, (result, text)


def test_the_initiative_words_leave_another_named_initiative_alone(engine: Engine):
    assert ask(engine, "l'initiative France 2030, elle sert à quoi ?")[0].entry == "france-2030"


@pytest.mark.parametrize("question", [
    "Qui a parlé de rendre la filière visible pour attirer investissements et talents ?",
    "who spoke about cooperation between research, hospitals and startups?",
])
def test_who_spoke_of_something_is_the_person_quoted(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == A and result.parts[0] == Card("jeanne-galaine"), result


@pytest.mark.parametrize(("question", "person"), [
    ("d'après Durain, au final ça sert à renforcer quoi ?", "jerome-durain"),
    ("according to Lescure, apart from cash, what else counts in the end?", "roland-lescure"),
])
def test_according_to_someone_is_what_they_said(engine: Engine, question: str, person: str):
    result, _ = ask(engine, question)
    assert result.status == A and result.parts[0] == Card(person), result


def test_according_to_you_quotes_nobody(engine: Engine):
    result, text = ask(engine, "d'après vous, combien d'entreprises biotech et medtech dans la région ?")
    assert result.status == A and "250" in text, text


def test_employers_named_in_the_articles_are_employers(engine: Engine):
    result, text = ask(engine, "Quels employeurs de Dijon sont cités dans les articles ?")
    assert result.status == A and "chematech" in text and "k6fm" not in text, text


def test_how_often_is_no_question_of_time(engine: Engine):
    result, text = ask(engine, "Which firm makes the plasmids our lab uses every day?")
    assert result.status == A and "rd biotech" in text and "launched" not in text, text


def test_a_title_claimed_for_a_person_is_checked(engine: Engine):
    assert ask(engine, "Jeanne Galaine, elle est présidente de l'EFS BFC ?")[1].startswith("non")
    assert ask(engine, "Is Jeanne Galaine a director at EFS BFC?")[1].startswith("yes")


def test_reliee_asks_for_a_relation(engine: Engine):
    result, text = ask(engine, "CellQuest est-elle reliée à BioImp ?")
    assert text.startswith("oui"), text


def test_a_written_word_is_only_a_one_letter_slip(engine: Engine):
    """"plasters" is an English word: not two edits from a cue word ("players"); a word nobody
    writes is still repaired by two."""
    reader = engine.reader
    assert reader.repair("plasters", set()).score == 0.0
    assert reader.repair("entreprsies", set()).text == "entreprises"
    result, _ = ask(engine, "Does Chematech print plasters with cartoon heroes?")
    assert result.status == U, result


def test_the_attribute_how_much_can_ask_wins_a_tie(engine: Engine):
    result, _ = ask(engine, "How much is the yearly membership fee of the initiative?")
    assert result.status == U and isinstance(result.parts[0], Missing) and result.parts[0].attribute == "price", result


def test_a_restaurant_is_off_topic(engine: Engine):
    assert ask(engine, "un resto sympa près de Besançon ce midi ?")[0].status == U


@pytest.mark.parametrize(("question", "quoted"), [
    ("Qui est cité dans l'article de K6FM ?", ("jerome-durain",)),
    ("who gets quoted in the Sifted piece?", ("jerome-durain", "jeanne-galaine", "roland-lescure")),
    ("which people are quoted?", ("jerome-durain", "jeanne-galaine", "roland-lescure")),
])
def test_who_is_quoted_lists_the_people_quoted_not_the_authors(engine: Engine, question: str, quoted):
    result, _ = ask(engine, question)
    assert result.status == A and result.items == quoted, result


def test_who_wrote_an_article_is_its_author(engine: Engine):
    assert "charpenay" in ask(engine, "who wrote the K6FM article?")[1]


def test_according_to_an_article_is_where_the_answer_comes_from(engine: Engine):
    result, text = ask(engine, "D'après l'article de Sifted, combien d'emplois dans les biothérapies ?")
    assert result.status == A and re.search(r"2[ .,\u202f\u00a0]?500", text), text


def test_who_said_weighs_what_the_quote_names(engine: Engine):
    result, _ = ask(engine, "Qui a parlé du passé industriel de la région en microtechniques ?")
    assert result.parts[0] == Card("jerome-durain"), result


def test_a_title_picks_one_of_the_people_just_listed(engine: Engine):
    first, _ = ask(engine, "who is quoted in the Sifted article?")
    result, text = ask(engine, "the minister, what is his portfolio?", focus=first.focus)
    assert result.entry == "roland-lescure" and "econom" in text, result


def test_no_python_module_names_the_initiative_a_city_or_an_entry(knowledge):
    """Knowledge-specific words are data: the engine, replies and handlers must work for any
    knowledge base (tests/other_kb proves it), so none of this one's names appear in bot/."""
    names = {knowledge.vocabulary.assistant.name}
    for entry in knowledge:
        names |= {n for n in entry.all_names() if any(c.isupper() for c in n) and len(n) >= 4}
    for place in knowledge.vocabulary.places:
        names |= {place.name.fr, place.name.en}
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in names:  # the command's own name ("<name>-bot") and its database file are not the initiative
            if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-]|\.sqlite3)", text, re.IGNORECASE):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    assert not found, found


@pytest.mark.parametrize(("question", "yes"), [
    ("Chematech is in Besançon, isn't it?", False),
    ("RD Biotech est à Besançon, non ?", True),  # "non" is the tag, no negation
    ("BioFit-MedFit s'est déroulé à Strasbourg, vous confirmez ?", True),
    ("Jeanne Galaine works for the CNRS, right?", False),
])
def test_a_claim_with_a_tag_at_its_end_is_a_yes_no_question(engine: Engine, question: str, yes: bool):
    result, text = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, (result, text)


def test_a_false_affiliation_shows_who_the_person_is(engine: Engine):
    result, text = ask(engine, "Is Jeanne Galaine from the CNRS?")
    assert result.parts[0] == Verdict(False, Card("jeanne-galaine")), result


def test_a_title_at_a_body_the_sources_staff_with_nobody_is_not_someone_elses(engine: Engine):
    result, _ = ask(engine, "Who is the director of TEMIS Technopole?")
    assert result.status == U and result.entry == "temis-technopole", result  # not the EFS director
    result, _ = ask(engine, "who is the minister of the France 2030 plan?")
    assert result.entry == "roland-lescure", result  # his texts name the plan


def test_what_the_person_in_focus_said_about_something_is_their_card(engine: Engine):
    first, _ = ask(engine, "Who is Jeanne Galaine?")
    second, _ = ask(engine, "and what did she say about BIOVALIANCE?", focus=first.focus)
    assert second.parts == (Card("jeanne-galaine"),), second
    first, _ = ask(engine, "Qui est Roland Lescure ?")
    second, _ = ask(engine, "et il a écrit quoi ?", focus=first.focus)
    assert second.parts == (Card("roland-lescure"),), second  # not the list of articles


def test_which_one_was_abroad_picks_from_the_list_and_is_the_focus_next(engine: Engine):
    first, _ = ask(engine, "Quels salons pour BIOVALIANCE en 2025 ?")
    second, text = ask(engine, "lequel était hors de France ?", focus=first.focus)
    assert second.items == ("wisconsin-biohealth-summit",) and "hors de france" in text, text
    third, _ = ask(engine, "c'était quand ?", focus=second.focus)
    assert third.parts == (Schedule("wisconsin-biohealth-summit"),), third


def test_a_number_claimed_for_another_field_is_checked_against_that_fields_figure(engine: Engine):
    result, text = ask(engine, "Do 13,000 people work in biotherapies here?")
    assert result.parts[0] == Verdict(False, Card("biotherapy-jobs")), (result, text)


@pytest.mark.parametrize("question", ["quel temps fait-il à Dijon ce week-end ?",
                                      "when does the next Tesla come out?"])
def test_weather_and_the_next_release_of_anything_are_not_events(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U and result.entry is None, result


def test_according_to_an_outlet_the_outlet_is_not_the_subject(engine: Engine):
    result, _ = ask(engine, "combien d'emplois dans la santé selon K6FM ?")
    assert result.status == A and result.entry == "health-jobs", result


def test_which_minister_an_outlet_quotes_is_that_minister(engine: Engine):
    result, _ = ask(engine, "Quel ministre est cité dans l'article de Sifted ?")
    assert result.parts == (Card("roland-lescure"),), result


def test_who_wrote_an_outlets_article_is_its_author_and_the_next_focus(engine: Engine):
    first, _ = ask(engine, "who wrote the K6FM article?")
    assert first.parts == (Card("leon-charpenay"),), first
    second, _ = ask(engine, "what does he do?", focus=first.focus)
    assert second.entry == "leon-charpenay", second


def test_its_director_when_the_sources_name_nobody_there_is_unknown(engine: Engine):
    first, _ = ask(engine, "Tell me about Santenov")
    second, _ = ask(engine, "who is its director?", focus=first.focus)
    assert second.status == U and second.parts[0] == Missing("leader", "santenov"), second


@pytest.mark.parametrize("question", ["Où Jérôme Durain a-t-il fait ses études ?",
                                      "Does BIOVALIANCE offer relocation support for researchers?"])
def test_an_attribute_the_sources_never_give_is_declined_by_name(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U and isinstance(result.parts[0], Missing) and result.parts[0].attribute, result


@pytest.mark.parametrize("question", ["what is the exchange rate of the euro today?", "qui a gagné le match hier ?"])
def test_exchange_rates_and_who_won_are_off_topic(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U and result.entry is None, result


def test_a_demonym_of_a_country_finds_what_is_there(engine: Engine):
    result, text = ask(engine, "on coopère avec des Canadiens ?")
    assert "hacking-health" in result.items, text


def test_phone_shorthand_u_kno(engine: Engine):
    result, _ = ask(engine, "u kno a company doing plasmid dna")
    assert result.status == A and "rd-biotech" in result.items, result


def test_it_in_a_question_can_be_what_the_visitor_named_about_themselves(engine: Engine):
    result, _ = ask(engine, "I study immunology and I know the Hacking Health network a little. "
                            "Is it linked to the Bourgogne-Franche-Comté region?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    assert result.entry == "hacking-health", result  # not the congress a word of the first sentence names


def test_a_person_is_linked_to_what_their_organisation_is_linked_to(engine: Engine):
    first, _ = ask(engine, "who is Durain")
    second, text = ask(engine, "what is his link with BIOVALIANCE?", focus=first.focus)
    assert second.status == A and "link" in text and "no direct link" not in text, text


def test_the_event_just_before_or_after_another_in_calendar_order(engine: Engine):
    result, _ = ask(engine, "which event came right after the Besançon one?")
    assert result.entry == "wisconsin-biohealth-summit", result  # the one event in the place named
    first, _ = ask(engine, "Où était le congrès d'immunologie ?")
    second, _ = ask(engine, "et l'événement juste avant ?", focus=first.focus)
    assert second.entry == "wisconsin-biohealth-summit", second
    result, _ = ask(engine, "what was the event right after BioFit?")
    assert result.status == U, result  # the last one: nothing after it


def test_the_regions_fields_in_a_broad_field_are_its_specialities(engine: Engine):
    result, _ = ask(engine, "which fields is the region strong in, within biotherapies?")
    assert isinstance(result.parts[0], Listing) and {"cell-therapy", "gene-therapy"} <= set(result.items), result


def test_the_boss_asked_of_a_person_is_that_person(engine: Engine):
    result, _ = ask(engine, "c'est qui le boss de la région, le président ?")
    assert result.parts == (Card("jerome-durain"),), result


def test_boites_are_companies(engine: Engine):
    result, text = ask(engine, "combien de boites spécialisées en biothérapies ?")
    assert "48" in text, text


def test_a_launch_year_claimed_like_another_entrys_is_about_the_first(engine: Engine):
    result, text = ask(engine, "BioImp a-t-il été lancé en 2025, comme BIOVALIANCE ?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False and "2024" in text, text


def test_the_date_of_the_article_attributed_is_not_the_questions(engine: Engine):
    result, text = ask(engine, "according to the October 2025 article, which organisations back BIOVALIANCE?")
    assert {"temis-technopole", "santenov"} <= set(result.items), text  # not October's events


def test_who_organised_an_event_is_not_in_the_sources(engine: Engine):
    first, _ = ask(engine, "Where was BioFit?")
    second, _ = ask(engine, "who organised it?", focus=first.focus)
    assert second.status == U and second.parts[0] == Missing("organiser", "biofit-medfit"), second


def test_which_country_after_an_event_asks_where_it_was(engine: Engine):
    first, _ = ask(engine, "Tell me about the Wisconsin summit")
    second, text = ask(engine, "which country was that in?", focus=first.focus)
    assert second.entry == "wisconsin-biohealth-summit" and "united states" in text, text


def test_that_company_is_pointed_at_not_described(engine: Engine):
    first, _ = ask(engine, "Who leads the Genesis project?")
    second, _ = ask(engine, "and that company, which city is it in?", focus=first.focus)
    assert second.status == U and second.parts[0] == Missing("city", "urgo"), second  # the sources give no city


def test_what_a_person_said_an_entry_does_is_their_card(engine: Engine):
    result, _ = ask(engine, "What joint actions did Durain say BIOVALIANCE carries out?")
    assert result.parts == (Card("jerome-durain"),), result  # not "no way of working"


def test_what_do_you_say_about_is_describe(engine: Engine):
    result, _ = ask(engine, "what do you say about Chematech?")
    assert result.parts == (Card("chematech"),), result


def test_a_list_of_one_shows_all_the_sources_say_of_it(engine: Engine):
    result, text = ask(engine, "What does BIOVALIANCE bring to Dijon and the Côte-d'Or?")
    assert result.parts == (Card("santenov"),) and "visible" in text, text  # the card's later sentences


def test_therapies_the_region_is_strong_in_are_its_specialities(engine: Engine):
    result, _ = ask(engine, "ya quoi comme therapies fortes ds la region")
    assert isinstance(result.parts[0], Listing) and "cell-therapy" in result.items, result


def test_a_word_of_a_name_in_focus_follows_the_conversation(engine: Engine):
    first, _ = ask(engine, "Which Dijon company makes chelating agents?")
    second, text = ask(engine, "and those agents are used for what?", focus=first.focus)
    assert second.status == A and second.entry in first.focus.entries and "radiotherap" in text, text
    alone, _ = ask(engine, "and those agents are used for what?")
    assert alone.status == C, alone  # with nothing before, which agents is asked back


def test_when_an_outlet_published_is_its_own_article_dated_in_words(engine: Engine):
    result, text = ask(engine, "when did K6FM publish its article?")
    assert isinstance(result.parts[0], Sources) and len(result.parts[0].files) == 1 and "4 october 2025" in text, text


def test_what_an_outlet_says_in_a_claim_is_the_claim(engine: Engine):
    result, _ = ask(engine, "Does Sifted say the region has 13,000 health jobs?")
    assert result.parts[0] == Verdict(True, Card("health-jobs")), result


def test_a_salary_at_a_place_is_not_a_list_of_the_place(engine: Engine):
    result, _ = ask(engine, "what's the average salary in Dijon?")
    assert result.status == U and result.parts[0] == Missing("salary", place="dijon"), result


def test_an_attribute_of_a_speciality_one_actor_works_on_is_that_actors(engine: Engine):
    result, text = ask(engine, "in which city is the plasmid DNA supplier?")
    assert result.status == A and "rd-biotech" in result.items and "besancon" in text, text


def test_that_city_is_the_place_of_the_entry_in_focus(engine: Engine):
    first, _ = ask(engine, "Where is RD Biotech?")
    second, _ = ask(engine, "which event was held in that city in October 2025?", focus=first.focus)
    assert second.items == ("innovative-therapies-days",), second  # Besançon's, not every October event
    third, _ = ask(engine, "on what days?", focus=second.focus)
    assert third.entry == "innovative-therapies-days", third


def test_is_there_a_kind_in_that_same_country_is_a_list_not_the_focus(engine: Engine):
    first, _ = ask(engine, "Tell me about the Wisconsin Biohealth Summit")
    second, _ = ask(engine, "is there a cluster from that same country they work with?", focus=first.focus)
    assert "bioforward" in second.items, second


def test_where_is_the_other_one_from_is_an_open_question(engine: Engine):
    first, _ = ask(engine, "BIOVALIANCE coopère avec qui à l'étranger ?")
    second, _ = ask(engine, "le réseau québécois, c'est lequel ?", focus=first.focus)
    third, text = ask(engine, "et l'autre, il vient d'où ?", focus=second.focus)
    assert third.status == A and third.entry == "bioforward" and "wisconsin" in text, text


def test_is_there_a_supplier_with_unknown_words_around_is_answered(engine: Engine):
    result, text = ask(engine, "pour mes essais precliniques, y a un fournisseur d'ADN plasmidique dans le coin ?")
    assert result.status == A and "rd biotech" in text, text


def test_he_cited_is_what_he_said(engine: Engine):
    result, _ = ask(engine, "Durain, il a cité quoi comme actions ?")
    assert result.parts == (Card("jerome-durain"),), result


def test_an_attribute_no_entry_has_is_missing_not_a_list(engine: Engine):
    result, _ = ask(engine, "y a-t-il un appel à projets de BIOVALIANCE pour les jeunes startups ?")
    assert result.status == U and result.parts[0] == Missing("calls", "biovaliance"), result


def test_a_price_asked_of_the_one_event_in_a_place(engine: Engine):
    result, _ = ask(engine, "faut-il payer pour entrer au salon de Strasbourg ?")
    assert result.status == U and result.parts[0] == Missing("price", "biofit-medfit"), result
    result, _ = ask(engine, "quel événement en Alsace ?")
    assert result.items == ("biofit-medfit",), result


@pytest.mark.parametrize(("question", "attribute", "entry"), [
    ("what's the phone number of Chematech?", "phone", "chematech"),
    ("when does the BioImp consortium end?", "end", "bioimp"),
    ("where are the offices of Santenov?", "address", "santenov"),
])
def test_attributes_the_sources_do_not_give(engine: Engine, question: str, attribute: str, entry: str):
    result, _ = ask(engine, question)
    assert result.status == U and result.parts[0] == Missing(attribute, entry), result


def test_the_number_of_jobs_asks_which_figure(engine: Engine):
    result, _ = ask(engine, "what is the number of jobs?")
    assert result.status == C and {s.entry for s in result.suggestions} == {"health-jobs", "biotherapy-jobs"}, result


def test_a_company_the_visitor_would_apply_to_is_the_focus(engine: Engine):
    result, _ = ask(engine, "I'd like to apply to CellQuest. How many employees do they have?")
    assert result.status == U and result.parts[0] == Missing("headcount", "cellquest"), result


def test_anyone_there_is_a_greeting(engine: Engine):
    result, _ = ask(engine, "hello, is anyone there?")
    assert result.status == S, result


def test_what_a_body_says_it_is_strong_in_is_its_specialities(engine: Engine):
    result, _ = ask(engine, "Which areas does the region say it excels in?")
    assert isinstance(result.parts[0], Listing) and "gene-therapy" in result.items, result  # not who said it


def test_a_seat_claimed_for_an_entry_the_sources_place_nowhere_is_unknown(engine: Engine):
    result, _ = ask(engine, "Le siège de TEMIS Technopole est-il à Dijon ?")
    assert result.status == U and isinstance(result.parts[0], Missing), result  # not "No"


def test_the_home_regions_partners_are_its_initiatives(engine: Engine):
    result, _ = ask(engine, "Does the region have any partnership in Wisconsin?")
    assert result.status == A and "bioforward" in result.items, result


@pytest.mark.parametrize("question", ["do biotherapies hurt?", "Which universities are there in Dijon?",
                                      "What did Jérôme Durain study?", "Honestly, do you think BIOVALIANCE will work out?",
                                      "Is there any tax break for investors here?", "Y a-t-il des formations en biothérapie ?"])
def test_more_of_what_the_sources_never_say(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


@pytest.mark.parametrize("question", ["merci pour toutes ces infos !", "cheers, that's all I needed",
                                      "merci bcp t'es top", "Je vous remercie infiniment, bonne soirée",
                                      "ça joue ?", "bonne fin de salon !", "adieu et merci",
                                      "danke schön, thank you!", "thanks, that helps with my applications"])
def test_greetings_thanks_and_goodbyes_in_other_words(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == S, result


def test_which_of_those_and_the_one_about_a_common_word(engine: Engine):
    first, _ = ask(engine, "Which events did BIOVALIANCE go to in 2025?")
    second, _ = ask(engine, "which of those was not in France?", focus=first.focus)
    assert second.items == ("wisconsin-biohealth-summit",), second
    third, _ = ask(engine, "on what dates?", focus=second.focus)
    assert third.entry == "wisconsin-biohealth-summit", third
    first, _ = ask(engine, "What are the objectives of BIOVALIANCE?")
    second, _ = ask(engine, "the one about patients?", focus=first.focus)
    assert second.entry == "objective-market", second


def test_since_when_of_a_figure_is_its_subjects_launch(engine: Engine):
    first, _ = ask(engine, "How much EU money does BioImp have?")
    second, text = ask(engine, "and since when does it exist?", focus=first.focus)
    assert second.status == A and "2024" in text, text


def test_does_he_talk_about_after_a_person_is_their_card(engine: Engine):
    first, _ = ask(engine, "Qui est Jérôme Durain ?")
    second, _ = ask(engine, "parle-t-il aussi des autres pays ?", focus=first.focus)
    assert second.parts[-1] == Card("jerome-durain") or second.entry == "jerome-durain", second


def test_according_to_an_outlet_at_the_end(engine: Engine):
    result, _ = ask(engine, "Qu'est-ce que BIOVALIANCE apporte à Dijon et la Côte-d'Or selon K6FM ?")
    assert result.status == A and "santenov" in result.items, result


def test_what_an_outlet_says_about_an_entry_is_that_entrys_card(engine: Engine):
    result, _ = ask(engine, "Que dit l'article de K6FM sur RD Biotech ?")
    assert result.parts == (Card("rd-biotech"),), result
    result, _ = ask(engine, "what does K6FM say?")  # its own article, not "who said it"
    assert result.parts == (Sources(engine.knowledge.entries["k6fm"].source),), result
    result, text = ask(engine, "Who wrote the Sifted piece about BIOVALIANCE?")
    assert "smith" in text, text


def test_a_later_edition_of_the_event_in_focus_then_its_city(engine: Engine):
    first, _ = ask(engine, "Where were the Innovative Therapies Days held?")
    second, _ = ask(engine, "will there be a 2027 edition?", focus=first.focus)
    assert second.status == U and second.parts == (OtherEdition("innovative-therapies-days", 2027),), second
    third, text = ask(engine, "can you remind me of the city?", focus=second.focus)
    assert third.status == A and "besancon" in text, text


def test_no_upcoming_event_is_no_yes(engine: Engine):
    result, _ = ask(engine, "Are there upcoming events?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result


def test_how_many_after_a_list_counts_that_list(engine: Engine):
    first, _ = ask(engine, "quels sont les objectifs ?")
    second, text = ask(engine, "il y en a combien ?", focus=first.focus)
    assert second.parts == (Listing("count", first.items),) and "4" in text, second
    third, _ = ask(engine, "and which one is about talent?", focus=second.focus)
    assert third.entry == "objective-attract", third


@pytest.mark.parametrize("question", [
    "je suis en master de biologie a Nancy, c quoi les domaines d'expertise de la region en biotherapies ?",
    "I work in pharma in Basel and may relocate - is theranostics one of the region's strengths?",
])
def test_a_question_after_a_self_introduction_and_a_comma_or_dash(engine: Engine, question: str):
    result, text = ask(engine, question)
    assert result.status == A and "theranost" in text, result


def test_the_regions_expertise_in_a_topic_is_the_regions(engine: Engine):
    result, _ = ask(engine, "quels sont les domaines d'expertise de la région en biothérapies ?")
    assert result.entry == "region-bfc" and "gene-therapy" in result.items, result


def test_a_dash_inside_a_name_is_no_break(engine: Engine):
    result, _ = ask(engine, "c'était quand, BioFit – MedFit ?")
    assert result.entry == "biofit-medfit", result


@pytest.mark.parametrize(("question", "missing"), [
    ("who coordinates the BioImp consortium?", Missing("leader", "bioimp")),
    ("dans quel bâtiment se tenait le congrès de Lyon ?", Missing("venue", "immunology-congress")),
    ("How much EU funding did Urgo receive?", Missing("figure", "urgo")),  # the funding figure is BioImp's
    ("How many researchers does the CNRS employ in Bourgogne-Franche-Comté?", Missing("headcount", "cnrs")),
])
def test_what_the_sources_do_not_say_of_the_entry_asked(engine: Engine, question: str, missing: Missing):
    result, _ = ask(engine, question)
    assert result.status == U and result.parts == (missing,), result


def test_a_kind_is_claimed_only_by_is(engine: Engine):
    result, _ = ask(engine, "Does BIOVALIANCE send joint delegations to the European institutions?")
    assert result.parts == (Verdict(True, Card("biovaliance")),), result  # "institutions" claims no kind
    result, _ = ask(engine, "what is Santenov, is it a company?")
    assert result.parts == (Verdict(False, Card("santenov")),), result  # two questions, one card
    first, _ = ask(engine, "Tell me about Chematech")
    second, _ = ask(engine, "c'est une entreprise ?", focus=first.focus)
    assert second.parts == (Verdict(True, Card("chematech")),), second


def test_firms_cited_in_the_articles_are_firms_not_the_articles(engine: Engine):
    result, _ = ask(engine, "Quelles entreprises de Dijon sont citées dans les articles ?")
    assert result.parts == (Card("chematech"),), result


@pytest.mark.parametrize(("question", "part"), [
    ("how long ago was BIOVALIANCE launched?", "Launch"),
    ("ça fait combien de temps que BioImp a été lancé ?", "Launch"),
    ("combien de jours a duré le congrès de Lyon ?", "Schedule"),
])
def test_how_long_asks_a_date_not_a_count(engine: Engine, question: str, part: str):
    result, _ = ask(engine, question)
    assert [type(p).__name__ for p in result.parts] == [part], result


def test_a_kind_of_linked_entry(engine: Engine):
    result, _ = ask(engine, "de quel plan national BIOVALIANCE fait-elle partie ?")
    assert result.parts == (Card("france-2030"),), result
    result, _ = ask(engine, "is BIOVALIANCE linked to a national plan?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    result, _ = ask(engine, "Where does the author of the K6FM article work?")
    assert result.entry == "leon-charpenay", result


def test_several_named_then_which_of_them(engine: Engine):
    result, _ = ask(engine, "Chematech, Santenov, RD Biotech. which of them is in Besançon?")
    assert result.parts == (Card("rd-biotech"),), result


def test_the_region_asked_after_an_entry_it_cannot_answer_for(engine: Engine):
    first, _ = ask(engine, "Tell me about Santenov")
    second, _ = ask(engine, "and who presides over the Region behind all this?", focus=first.focus)
    assert second.entry == "region-bfc" and "jerome-durain" in second.items, second


@pytest.mark.parametrize(("question", "part"), [
    ("what's the acronym of the Pôle des Microtechniques?", FieldValue("pmt", "acronyms", "PMT")),
    ("what's Urgo's acronym?", Missing("acronyms", "urgo")),
])
def test_an_acronym_is_a_name_in_capitals(engine: Engine, question: str, part):
    result, _ = ask(engine, question)
    assert result.parts == (part,), result


def test_an_ordinal_claim_is_checked_and_the_true_one_followed(engine: Engine):
    first, _ = ask(engine, "le congrès de Lyon était-il le premier événement de l'automne ?")
    assert first.parts == (Verdict(False, Card("innovative-therapies-days")),), first
    second, text = ask(engine, "and how many days did it last?", focus=first.focus)  # "last": no "last one"
    assert second.parts == (Schedule("innovative-therapies-days"),), second


def test_the_article_in_a_language_then_the_other(engine: Engine):
    kb = engine.knowledge
    french = tuple(f for f, s in kb.sources.items() if s.lang == "fr")
    english = tuple(f for f, s in kb.sources.items() if s.lang == "en")
    first, text = ask(engine, "quand est paru l'article en français ?")
    assert first.parts == (Sources(french),), first
    source = kb.sources[french[0]]
    assert fold(f"publie par {source.outlet} le {source.date.day} ") in text and fold(source.author) in text, text
    second, _ = ask(engine, "and the English one?", focus=first.focus)
    assert second.parts == (Sources(english),), second


def test_a_figure_claimed_from_a_funder_it_is_not_from(engine: Engine):
    result, _ = ask(engine, "BioImp got its €800m from the French government, right?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result
    result, _ = ask(engine, "BIOVALIANCE was launched by the national government, wasn't it?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result


def test_an_articles_date_claimed(engine: Engine):
    result, _ = ask(engine, "the English article came out in November 2025, yes?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    result, _ = ask(engine, "l'article en français est sorti en novembre, non ?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result


@pytest.mark.parametrize(("question", "items"), [
    ("which is larger: the BioImp funding or the Healthcare Innovation 2030 budget?",
     ("healthcare-innovation-2030-budget", "bioimp-funding")),  # 7.5 billion against 800 million
    ("y a-t-il moins d'emplois dans les biothérapies ou d'emplois dans la santé ?", ("biotherapy-jobs", "health-jobs")),
])
def test_two_key_figures_compared(engine: Engine, question: str, items: tuple[str, ...]):
    result, _ = ask(engine, question)
    assert [p.items for p in result.parts] == [items], result


def test_the_author_and_the_sponsor_of_an_article(engine: Engine):
    result, _ = ask(engine, "Who wrote the English article, and who sponsored it?")
    sponsored = tuple(f for f, source in engine.knowledge.sources.items() if source.note)
    assert result.parts == (Card("tim-smith"), Sources(sponsored)), result  # the note says who sponsored it
    first, _ = ask(engine, "When was the French article published?")
    second, _ = ask(engine, "and who wrote it?", focus=first.focus)
    assert second.parts == (Card("leon-charpenay"),), second
    third, _ = ask(engine, "il est sorti quand ?", focus=ask(engine, "What is Sifted?")[0].focus)
    assert third.parts == (Sources(engine.knowledge.entries["sifted"].source),), third


def test_the_other_of_two_listed_together(engine: Engine):
    first, _ = ask(engine, "Parle-moi du réseau Hacking Health")
    second, _ = ask(engine, "et l'autre coopération internationale ?", focus=first.focus)
    assert second.parts == (Card("bioforward"),), second


def test_the_difference_between_two_entries_is_both_cards(engine: Engine):
    result, _ = ask(engine, "c'est quoi la différence entre Urgo et CellQuest ?")
    assert result.parts == (Card("urgo"), Card("cellquest")), result


def test_an_attribute_the_kind_sought_never_holds_is_not_asked(engine: Engine):
    result, _ = ask(engine, "y a une boîte à Besançon qui bosse pour l'ADN plasmidique ?")  # firms have no employer
    assert result.status == A and result.entry == "rd-biotech", result


@pytest.mark.parametrize(("question", "yes"), [
    ("Roland Lescure est bien ministre de l'économie ?", True),
    ("Roland Lescure c bien le ministre de la santé ?", False),  # his texts say health, his role does not
    ("Jeanne Galaine est la directrice générale de l'EFS BFC, correct ?", False),  # a department's director
    ("for my piece: BIOVALIANCE was initiated by the French government, correct?", False),
    ("pour mon article : la filière santé pèse plus de 13 000 emplois, c'est bien ça ?", True),
])
def test_claims_about_titles_launches_and_figures(engine: Engine, question: str, yes: bool):
    result, _ = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, result


def test_a_capitalised_unknown_word_is_a_name_not_a_slip_of_a_common_word(engine: Engine):
    result, _ = ask(engine, "What does Medix Biochemica make?")  # not "media"
    assert result.status == U, result
    result, _ = ask(engine, "Where is Chematek?")  # a slip of a name is still repaired
    assert result.entry == "chematech", result


def test_a_number_right_after_an_attribute_is_that_attributes(engine: Engine):
    result, _ = ask(engine, "whats the booth number of Chematech at this fair??")  # not a count
    assert result.status == U and result.parts == (Missing("venue", "chematech"),), result


def test_the_event_after_that_one(engine: Engine):
    first, _ = ask(engine, "Tell me about the Innovative Therapies Days")
    second, _ = ask(engine, "and the next event BIOVALIANCE went to after that one?", focus=first.focus)
    assert second.entry == "wisconsin-biohealth-summit", second


def test_a_wrong_number_claimed_of_a_described_figure(engine: Engine):
    result, _ = ask(engine, "the region has 300 biotech and medtech companies, right?")
    assert result.parts == (Verdict(False, Card("biotech-medtech-companies")),), result
    result, _ = ask(engine, "la filière santé pèse 15 000 emplois, non ?")  # two job figures fit: which one?
    assert result.status == C, result


def test_the_job_of_the_author_in_focus_is_their_role(engine: Engine):
    first, _ = ask(engine, "Who wrote the French article announcing the launch of BIOVALIANCE?")
    assert first.parts == (Card("leon-charpenay"),), first
    second, _ = ask(engine, "what's his job?", focus=first.focus)
    assert [type(p).__name__ for p in second.parts] == ["FieldValue"] and second.entry == "leon-charpenay", second


def test_the_one_partner_found_at_a_place_is_what_it_means_next(engine: Engine):
    first, _ = ask(engine, "et quel partenaire de BIOVALIANCE à Dijon ?")
    assert first.items == ("santenov",), first
    second, _ = ask(engine, "What kind of organisation is it?", focus=first.focus)
    assert second.entry == "santenov", second
    first, _ = ask(engine, "qui porte BIOVALIANCE et quelle est sa vocation ?")  # its leader: still about it
    assert first.parts[-1] == Card("biovaliance"), first


def test_cooperations_and_partners_are_told_apart_and_counted(engine: Engine):
    result, _ = ask(engine, "who does BIOVALIANCE cooperate with?")
    assert result.items == ("bioforward", "hacking-health"), result
    result, text = ask(engine, "combien de partenaires clés BIOVALIANCE a-t-elle ?")
    assert result.parts[0].heading == "counted" and len(result.items) == 4 and "4" in text, result


def test_an_article_tells_its_hour_reading_time_and_photo_credit(engine: Engine):
    _, text = ask(engine, "how long does the Sifted piece take to read?")
    assert "reading time: 4 min" in text and "cheviet" in text, text
    _, text = ask(engine, "l'article en français est sorti à quelle heure ?")
    assert "4 octobre 2025 a 8 h 00" in text, text


@pytest.mark.parametrize("question", [
    "the president of the region is Marie Martin, right?",
    "le président de région c'est bien Paul Girard ?",
    "Jérôme Durain est le maire de Besançon ?",
])
def test_a_title_claimed_of_another_name_or_with_another_place_is_no_and_who_holds_it(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.parts == (Verdict(False, Card("jerome-durain")),), result


@pytest.mark.parametrize("question", ["which breweries are in Dijon?", "quels vaccins fabrique-t-on à Besançon ?"])
def test_a_list_of_things_the_sources_never_name_is_declined(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_a_grant_is_money_asked(engine: Engine):
    result, _ = ask(engine, "how big a grant could my lab get from BIOVALIANCE?")
    assert result.parts == (Missing("budget", "biovaliance"),), result


def _talk(engine: Engine, *questions: str):
    focus, result = None, None
    for question in questions:
        result, _ = ask(engine, question, focus=focus)
        focus = result.focus
    return result


def test_a_correction_asks_the_previous_question_again(engine: Engine):
    result = _talk(engine, "c'est quand le salon BioFit ?", "oups pardon, je voulais dire le congrès de Lyon")
    assert result.intent == "schedule" and result.entry == "immunology-congress", result


def test_both_of_them_are_the_last_two_named(engine: Engine):
    result = _talk(engine, "Where is Chematech?", "and RD Biotech?", "what do both of them make?")
    assert set(result.parts) == {Card("chematech"), Card("rd-biotech")}, result


def test_and_the_company_of_a_place_is_asked_not_claimed(engine: Engine):
    result = _talk(engine, "what does Chematech do?", "and the Besançon company next to it?")
    assert result.status == A and result.parts == (Card("rd-biotech"),), result


def test_the_one_in_a_month_none_of_the_last_list_was_in(engine: Engine):
    result = _talk(engine, "which events took place in October?", "and the one in December?")
    assert result.entry == "biofit-medfit", result


def test_the_date_right_after_who_wrote_it_is_the_articles(engine: Engine):
    result = _talk(engine, "who wrote the K6FM article?", "and the date?")
    assert result.status == A and isinstance(result.parts[0], Sources), result


def test_a_claimed_link_to_a_kind_shows_that_one_and_that_one_is_followed(engine: Engine):
    result = _talk(engine, "does CellQuest belong to a research consortium?")
    assert result.parts == (Verdict(True, Card("bioimp")),), result
    result = _talk(engine, "does CellQuest belong to a research consortium?", "how much money does that project get?")
    assert result.parts == (Card("bioimp-funding"),), result


def test_part_of_which_one_of_two_partly_named_is_the_one_linked(engine: Engine):
    result = _talk(engine, "what is the Healthcare Innovation 2030 plan?", "part of which wider initiative, then?")
    assert result.status == A and result.entry == "france-2030", result


def test_who_works_there_according_to_the_article(engine: Engine):
    result = _talk(engine, "c'est quoi l'EFS BFC ?", "qui y travaille, selon l'article ?")
    assert result.items == ("jeanne-galaine",), result


def test_the_hour_and_the_photo_of_an_authors_article(engine: Engine):
    result = _talk(engine, "who wrote the French article?", "and at what time did it come out?")
    assert isinstance(result.parts[0], Sources), result
    result, text = ask(engine, "at what time did Léon Charpenay's article go online?")
    assert isinstance(result.parts[0], Sources) and "8:00" in text, result
    result, text = ask(engine, "qui a pris la photo dans le papier de Sifted ?")
    assert "cheviet" in text, text
    result, _ = ask(engine, "what are Tim Smith's opening hours?")  # an author's own hours: unknown
    assert result.parts == (Missing("hours", "tim-smith"),), result


@pytest.mark.parametrize(("question", "yes"), [
    ("RD Biotech is one of many plasmid DNA suppliers in France?", False),  # its texts call it the only one
    ("RD Biotech n'est pas la seule à produire de l'ADN plasmidique ?", False),
    ("RD Biotech is the only French supplier of plasmid DNA?", True),
    ("Chematech is a Dijon firm making chelating agents?", True),  # a field named is a topic, not the same thing
])
def test_one_among_many_claimed_of_the_only_one_and_a_field_named_in_a_claim(engine: Engine, question: str, yes: bool):
    result, _ = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, result


def test_the_visitors_own_boss_or_startup_is_not_asked_about(engine: Engine):
    result, _ = ask(engine, "what's BIOVALIANCE in two words? my boss wants a summary")
    assert result.status == A and result.parts[0] == Card("biovaliance"), result


def test_the_other_ones_are_the_rest_of_that_kind(engine: Engine):
    result = _talk(engine, "c'était quand le salon BioFit ?", "et les autres événements, c'était où ?")
    assert set(result.focus.entries) >= {"innovative-therapies-days", "immunology-congress"}, result
    assert "biofit-medfit" not in (p.entry for p in result.parts if hasattr(p, "entry")), result


def test_the_outlet_that_reported_on_the_entry_in_focus(engine: Engine):
    result = _talk(engine, "what does Urgo do?", "which media covered it?")
    assert result.entry == "sifted", result


def test_the_last_answer_again_in_another_language(engine: Engine):
    result = _talk(engine, "Where is Chematech?", "ok and in French please")
    assert result.lang == "fr" and result.entry == "chematech" and result.intent == "location", result


def test_two_counts_in_one_question_with_a_kind_counted(engine: Engine):
    result, text = ask(engine, "how many specialised biotherapy companies and how many biotherapy jobs?")
    assert "48" in text and "2,500" in text, text


def test_a_second_question_about_the_answer_of_the_first(engine: Engine):
    result, _ = ask(engine, "which firm makes chelating agents and is it based in Besançon?")
    assert result.parts[0] == Card("chematech") and result.parts[-1].yes is False, result


def test_which_of_several_named_in_part_lists_them(engine: Engine):
    result, _ = ask(engine, "elle est forte dans kels thérapies la région ?")
    assert {"cell-therapy", "gene-therapy", "tissue-therapy"} <= set(result.items), result


def test_back_to_an_earlier_subject_by_its_kind(engine: Engine):
    result = _talk(engine, "where is Chematech?", "and BioFit, when was it?", "ok back to the company. what does it make?")
    assert result.entry == "chematech", result


def test_by_whom_right_after_the_articles_and_a_title_that_is_not_the_focus(engine: Engine):
    result = _talk(engine, "quel article est sponsorisé ?", "par qui ?")
    assert isinstance(result.parts[0], Sources), result
    result = _talk(engine, "who is Jérôme Durain?", "and the minister quoted in the English article, who's that?")
    assert result.entry == "roland-lescure", result


def test_a_statement_naming_one_entry_is_what_they_means_next(engine: Engine):
    result, _ = ask(engine, "Seeing the RD Biotech team tonight about a job. Quick reminder: what are they specialised in?")
    assert result.entry == "rd-biotech", result


def test_est_ce_que_says_nothing_of_what_something_is(engine: Engine):
    result, _ = ask(engine, "Est-ce que BIOVALIANCE veut rayonner à l'international ?")
    assert not (isinstance(result.parts[0], Verdict) and result.parts[0].yes is False), result


def test_the_titled_person_quoted_in_an_outlets_article(engine: Engine):
    result, _ = ask(engine, "who is the government minister cited in the Sifted article?")
    assert result.entry == "roland-lescure", result


@pytest.mark.parametrize("question", ["What's Léon Charpenay's handle on X?", "quelle part de marché a Chematech en Europe ?"])
def test_social_accounts_and_market_shares_are_not_in_the_sources(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_which_of_the_two_came_first_and_back_to_the_one_a_kind_word_names(engine: Engine):
    result = _talk(engine, "which event took place in Strasbourg?", "and the one in Besançon?", "which of the two came first?")
    assert result.entry == "innovative-therapies-days", result
    result = _talk(engine, "when was the immunology congress?", "and the Wisconsin summit?", "revenons au congrès : c'était où ?")
    assert result.entry == "immunology-congress", result


def test_a_field_claimed_of_the_wrong_entry_shows_who_works_on_it(engine: Engine):
    result, text = ask(engine, "So Chematech is the firm producing plasmid DNA, right?")
    assert result.parts[0].yes is False and "rd-biotech" in result.parts[-1].items, result


def test_the_very_first_event_and_a_fee_said_once(engine: Engine):
    result, _ = ask(engine, "which was the very first event of the autumn?")
    assert result.entry == "innovative-therapies-days", result
    result, text = ask(engine, "how do I join BIOVALIANCE? is there a membership fee?")
    assert result.status == U and text.count("here is what they do say") == 1 and "nor do they" in text, text


def test_a_title_claimed_of_the_wrong_person_shows_who_holds_it_only_if_it_is_that_title(engine: Engine):
    result, _ = ask(engine, "Jeanne Galaine is the president of the Region, isn't she?")
    assert result.parts[0].yes is False and result.parts[-1] == Card("jerome-durain"), result
    result, _ = ask(engine, "Jérôme Durain est le ministre de la santé ?")  # the minister quoted is not of health
    assert result.parts[0].yes is False and Card("roland-lescure") not in result.parts, result


def test_the_other_article_the_first_of_two_and_a_repeat_in_another_words(engine: Engine):
    result = _talk(engine, "who wrote the Sifted article?", "when was it published?", "and the other article, who is the author?")
    assert result.entry == "leon-charpenay", result
    result = _talk(engine, "quel événement avait lieu à Lyon ?", "et à Besançon ?", "lequel des deux était en premier ?")
    assert result.entry == "innovative-therapies-days", result
    result = _talk(engine, "Who is Jeanne Galaine?", "tu peux me le redire en français ?")
    assert result.lang == "fr" and result.entry == "jeanne-galaine", result


def test_who_said_something_about_places(engine: Engine):
    result, _ = ask(engine, "who said the region has become a key player in France and in Europe?")
    assert result.entry == "jeanne-galaine", result


def test_what_engineers_earn_is_a_salary(engine: Engine):
    result, _ = ask(engine, "what do RD Biotech engineers earn?")
    assert result.parts == (Missing("salary", "rd-biotech"),), result


def test_an_event_card_and_its_schedule_are_said_once(engine: Engine):
    result, text = ask(engine, "what about BioFit, where was that?")
    assert result.parts == (Card("biofit-medfit"),) and text.count("strasbourg") == 1, text
