"""The real engine on the real knowledge base: what it answers, declines and asks back."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from bot.engine import Engine, Status
from bot.knowledge import load_knowledge
from bot.replies import render


def fold(text: str) -> str:
    """Lower case, no accents, white space folded; punctuation kept so figures read '7,5'."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c))).strip()

BEFORE_EVENTS = dt.date(2025, 10, 5)
AFTER_EVENTS = dt.date(2026, 3, 1)

A, C, U, S = Status.ANSWERED, Status.CLARIFY, Status.UNANSWERED, Status.SMALLTALK


def ask(engine: Engine, question: str, today: dt.date = BEFORE_EVENTS, lang: str | None = None):
    """The result and its folded reply, as a logged front end renders it ("passed on" when declined)."""
    result = engine.answer(question, lang_hint=lang, today=today)
    text = fold(render(result, engine.knowledge, today, passed_on=True).text)
    return result, text


# question, status, entry (None = not checked), language, pattern the folded reply must contain
CASES = [
    # definitions, both languages, any casing and accents
    ("Could you describe Chematech?", A, "chematech", "en", r"chelat"),
    ("présentez-moi CHEMATECH", A, "chematech", "fr", r"chelat"),
    ("what is cellquest", A, "cellquest", "en", r"cell"),
    ("C'est quoi BioImp ?", A, "bioimp", "fr", r"consortium"),
    ("what is hacking health", A, "hacking-health", "en", r"quebec"),
    ("Parlez-moi du projet Genesis", A, "genesis", "fr", r"peau"),
    ("infos sur l'agence economique regionale", A, "aer-bfc", "fr", r"agence"),
    # where
    ("where can I find Chematech", A, "chematech", "en", r"dijon"),
    ("RD Biotech est situé où ?", A, "rd-biotech", "fr", r"besancon"),
    ("Où se situe Santenov ?", A, "santenov", "fr", r"dijon"),
    ("where does the BioFit MedFit fair take place", A, "biofit-medfit", "en", r"strasbourg"),
    # when, relative to today
    ("when is the immunology congress", A, None, "en", r"13 .*november"),
    ("Quand a lieu BioFit ?", A, "biofit-medfit", "fr", r"2 au 3 decembre 2025"),
    ("dates of the Innovative Therapies Days", A, "innovative-therapies-days", "en", r"9 to 10 october"),
    ("When was the BioImp consortium launched?", A, "bioimp", "en", r"2024"),
    # who
    ("who is jeanne galaine", A, "jeanne-galaine", "en", r"efs"),
    ("Qui est le président de la Région ?", A, "jerome-durain", "fr", r"durain"),
    ("Who launched BIOVALIANCE?", A, "biovaliance", "en", r"region"),
    ("who is the minister", A, "roland-lescure", "en", r"lescure"),
    # how many / figures
    ("how many jobs in biotherapies", A, None, "en", r"2[ ,.]?500"),
    ("Combien d'emplois dans la santé ?", A, None, "fr", r"13[ ,.]?000"),
    ("number of companies specialised in biotherapy", A, None, "en", r"\b48\b"),
    ("combien d'entreprises biotech et medtech", A, None, "fr", r"250"),
    ("How much funding does BioImp have?", A, None, "en", r"800"),
    ("budget du plan innovation santé 2030", A, None, "fr", r"7[,.]5"),
    # lists
    ("list the objectives", A, None, "en", r"talent"),
    ("Quels sont les objectifs ?", A, None, "fr", r"talent"),
    ("quels événements ?", A, None, "fr", r"biofit"),
    ("which companies are named?", A, None, "en", r"rd biotech"),
    ("What are BIOVALIANCE's partners?", A, None, "en", r"temis"),
    ("who are the international partners of biovaliance", A, None, "en", r"bioforward"),
    ("events in November", A, None, "en", r"immunolog"),
    # talent: employers by place and speciality
    ("Quelles entreprises à Dijon ?", A, None, "fr", r"chematech"),
    ("jobs in Besancon", A, None, "en", r"rd biotech"),
    ("I want to work in theranostics", A, None, "en", r"chematech"),
    ("Je cherche un emploi dans la thérapie cellulaire", A, None, "fr", r"cellquest"),
    # typos, missing accents, word order
    ("wher is chematek", A, "chematech", "en", r"dijon"),
    ("santenvo", A, "santenov", None, r"dijon"),
    ("Jerome Durin", A, "jerome-durain", None, r"president"),
    ("medfit biofit", A, "biofit-medfit", None, r"strasbourg"),
    ("biovalliance objectives", A, None, "en", r"talent"),
    ("hacking helth", A, "hacking-health", None, r"quebec"),
    # small talk and help
    ("Bonjour", S, None, "fr", r"bonjour"),
    ("thanks a lot!", S, None, "en", r"welcome"),
    ("au revoir", S, None, "fr", r"revoir"),
    ("aide", A, None, "fr", r"evenements"),
    # honest declines: unknown attributes of known entries
    ("What is Chematech's phone number?", U, "chematech", "en", r"sources don't give"),
    ("Qui est le PDG de CellQuest ?", U, "cellquest", "fr", r"ne donnent pas"),
    ("How much does a ticket for the immunology congress cost?", U, None, "en", r"sources don't give"),
    ("adresse de Santenov", U, "santenov", "fr", r"ne donnent pas"),
    ("Who founded Urgo?", U, "urgo", "en", r"sources don't give"),
    ("How many employees at RD Biotech?", U, "rd-biotech", "en", r"sources don't give"),
    ("site internet de BioFit", U, "biofit-medfit", "fr", r"ne donnent pas"),
    # out of scope, unknown actors, traps
    ("Is Novartis a partner of BIOVALIANCE?", U, None, "en", r"team"),
    ("Quelle est la météo à Besançon ?", U, None, "fr", r"equipe"),
    ("Where can I eat near the Innovative Therapies Days?", U, None, "en", r"team"),
    ("who won the champions league", U, None, "en", r"team"),
    ("qwerty uiop", U, None, None, r""),
    ("What is the population of Dijon?", U, None, "en", r"team"),
    ("Is there a biotech company in Lyon?", U, None, "en", r"lyon"),
    # phone shorthand, manner words, roles, demonyms, plans, abroad, descriptions
    ("c koi cellquest", A, "cellquest", "fr", r"cell"),
    ("RD Biotech fait quoi concretement", A, "rd-biotech", "fr", r"plasmid"),
    ("which minister is quoted?", A, "roland-lescure", "en", r"lescure"),
    ("une boite bisontine ?", A, None, "fr", r"rd biotech"),
    ("which national plans is BIOVALIANCE part of?", A, None, "en", r"france 2030"),
    ("événements hors de France", A, None, "fr", r"wisconsin"),
    ("which employer works on blood therapies?", A, None, "en", r"efs"),
    ("Who runs the Genesis project?", A, "genesis", "en", r"urgo"),
    ("bonsoir et merci beaucoup !", S, None, "fr", r"plaisir"),
    ("aide moi stp", A, None, "fr", r"evenements"),
    ("qui dirige la region", A, "region-bfc", "fr", r"durain"),
    ("companies across the region?", A, None, "en", r"cellquest"),
    ("tel me abt santenov", A, "santenov", "en", r"dijon"),
    ("events outside France?", A, None, "en", r"wisconsin"),
    ("What is on 10 October?", A, None, "en", r"innovative therapies"),
    ("salons pas en novembre", A, None, "fr", r"biofit"),
    ("Is BIOVALIANCE a startup?", A, "biovaliance", "en", r"brand"),
    ("les atouts de la région ?", A, None, "fr", r"microtechn"),
    ("Thanks, that was really useful", S, None, "en", r"welcome"),
    ("what sort of questions can I ask?", A, None, "en", r"event"),
    ("who is the boss of the region?", A, "region-bfc", "en", r"durain"),
    ("BIOVALIANCE à Strasbourg ?", A, None, "fr", r"biofit"),
    ("Qu'y a-t-il en octobre ?", A, None, "fr", r"innovative therapies"),
    ("how big is the health workforce?", A, None, "en", r"13[ ,.]?000"),
    ("I do skin repair research, any employer?", A, None, "en", r"urgo|genesis"),
    ("What does BIOVALIANCE want?", A, "biovaliance", "en", r"purpose"),
    # the sources say nothing of it: declined, with what is known
    ("Does Urgo take interns?", U, "urgo", "en", r"sources don't give"),
    ("Qui sont les intervenants de BioFit ?", U, "biofit-medfit", "fr", r"ne donnent pas"),
    ("How do I register for the Lyon congress?", U, "immunology-congress", "en", r"sources don't give"),
    ("Who is on the board of BIOVALIANCE?", U, "biovaliance", "en", r"sources don't give"),
    ("contact RH chez Chematech", U, "chematech", "fr", r"ne donnent pas"),
    ("What is the budget of Santenov?", U, "santenov", "en", r"sources don't give"),
    ("Quel est l'âge de Jeanne Galaine ?", U, "jeanne-galaine", "fr", r"ne donnent pas"),
    ("Should I buy shares of Urgo?", U, None, "en", r"team"),
    ("Quelle est la meilleure entreprise ?", U, None, "fr", r"equipe"),
    ("How many biotech companies in Besançon?", U, None, "en", r"only give overall figures"),
    ("Which town is Urgo in?", U, "urgo", "en", r"sources don't give"),
    ("Who is the president of the United States?", U, None, "en", r"team"),
    # ambiguous: a shared word gets a question back, with choices
    ("wisconsin", C, None, None, r"bioforward"),
]


@pytest.mark.parametrize(("question", "status", "entry", "lang", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_understands(engine: Engine, question, status, entry, lang, pattern):
    result, text = ask(engine, question)
    assert result.status == status, (result, text)
    if entry:
        assert result.entry == entry, (result, text)
    if lang:
        assert result.lang == lang
    assert re.search(pattern, text), text


@pytest.mark.parametrize("question", ["When is BioFit?", "Quand a lieu BioFit ?"])
def test_event_tense_depends_on_today(engine: Engine, question: str):
    _, before = ask(engine, question, today=BEFORE_EVENTS)
    _, after = ask(engine, question, today=AFTER_EVENTS)
    assert re.search(r"takes place|aura lieu", before) and not re.search(r"took place|a eu lieu", before)
    assert re.search(r"took place|a eu lieu", after)


def test_no_upcoming_events_is_said_and_past_ones_listed(engine: Engine):
    result, text = ask(engine, "What are the upcoming events?", today=AFTER_EVENTS)
    assert result.status == A
    assert "no upcoming event" in text and "biofit" in text


def test_upcoming_events_come_first(engine: Engine):
    result, _ = ask(engine, "upcoming events", today=dt.date(2025, 11, 1))
    assert result.items[:2] == ("immunology-congress", "biofit-medfit")


def test_clarify_offers_at_most_three_suggestions(engine: Engine):
    result, _ = ask(engine, "wisconsin")
    assert 2 <= len(result.suggestions) <= 3
    assert {s.entry for s in result.suggestions} >= {"bioforward", "wisconsin-biohealth-summit"}


def test_clarify_on_a_doubtful_typo(engine: Engine):
    result, _ = ask(engine, "urgi")
    assert result.status == C
    assert result.suggestions[0].entry == "urgo"


def test_a_lone_common_word_never_names_an_entry(engine: Engine):
    for question in ("biotech", "therapy", "region", "days", "health", "summit", "company"):
        result, _ = ask(engine, question)
        assert result.entry in (None, "biotherapies") or result.status != A, (question, result)


def test_several_entries_in_one_question_are_all_answered(engine: Engine):
    result, text = ask(engine, "Where are RD Biotech and Chematech?")
    assert result.status == A and result.entry == "rd-biotech"
    assert "besancon" in text and "dijon" in text


def test_relation_between_two_entries(engine: Engine):
    linked, text = ask(engine, "Is CellQuest part of BioImp?")  # a yes/no question: yes first
    assert linked.intent == "verdict" and linked.parts[0].fact.linked and text.startswith("yes. my sources link")
    unrelated, text = ask(engine, "What is the link between Chematech and Hacking Health?")
    assert unrelated.intent == "relation" and "no direct link" in text


def test_language_follows_the_question_and_falls_back_to_hint(engine: Engine):
    assert ask(engine, "Where is Chematech?", lang="fr")[0].lang == "en"
    assert ask(engine, "Où est Chematech ?", lang="en")[0].lang == "fr"
    assert ask(engine, "chematech", lang="en")[0].lang == "en"
    assert ask(engine, "chematech", lang="fr")[0].lang == "fr"


def test_learned_alias_answers_a_question_staff_linked(knowledge):
    engine = Engine(knowledge)
    question = "the blood people in Besançon"
    assert engine.answer(question, today=BEFORE_EVENTS).entry != "efs-bfc"
    engine.learn_alias(question, "efs-bfc")
    result = engine.answer("The blood people in Besancon?", today=BEFORE_EVENTS)
    assert (result.status, result.entry) == (A, "efs-bfc")


def test_staff_link_overrides_a_decline(knowledge):
    engine = Engine(knowledge)
    question = "Is there parking at the Strasbourg fair?"
    assert engine.answer(question, today=BEFORE_EVENTS).status == U
    engine.learn_alias(question, "biofit-medfit")
    result = engine.answer("is there parking at the strasbourg fair", today=BEFORE_EVENTS)
    assert (result.status, result.entry) == (A, "biofit-medfit")


def test_learning_an_alias_for_an_unknown_entry_fails(knowledge):
    with pytest.raises(KeyError):
        Engine(knowledge).learn_alias("anything", "no-such-entry")


def test_results_needing_review(engine: Engine):
    assert ask(engine, "Who founded Urgo?")[0].needs_review
    assert ask(engine, "wisconsin")[0].needs_review
    assert not ask(engine, "merci")[0].needs_review
    assert not ask(engine, "What does Urgo do?")[0].needs_review


def _all_names(knowledge):
    return [(entry.id, name) for entry in knowledge for name in entry.all_names()]


def _all_examples(knowledge):
    return [(entry.id, example) for entry in knowledge for example in entry.examples]


@pytest.mark.parametrize(("entry_id", "name"), _all_names(load_knowledge()))
def test_every_name_and_alias_finds_its_own_entry(engine: Engine, entry_id: str, name: str):
    result = engine.answer(name, today=BEFORE_EVENTS)
    assert result.status == A, result
    assert entry_id in (result.entry, *result.items), result


@pytest.mark.parametrize(("entry_id", "example"), _all_examples(load_knowledge()))
def test_every_example_question_finds_its_own_entry(engine: Engine, entry_id: str, example: str):
    result = engine.answer(example, today=BEFORE_EVENTS)
    assert result.status == A, result
    assert entry_id in (result.entry, *result.items), result
