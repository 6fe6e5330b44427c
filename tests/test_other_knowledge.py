"""A second, invented knowledge base (another region's initiative, other cities, its own sources
and wording) answered by the same engine with no change to the code: what is specific to a
knowledge base lives in its YAML files, never in Python."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.engine import Engine, Status
from bot.engine.result import Card, Focus, Listing, Missing, NotFound, Sources, Verdict
from bot.knowledge import KnowledgeBase, load_general_vocabulary, load_knowledge
from bot.replies import render

OTHER_KB = Path(__file__).parent / "other_kb"
TODAY = dt.date(2026, 1, 10)
A, C, U, S = Status.ANSWERED, Status.CLARIFY, Status.UNANSWERED, Status.SMALLTALK


@pytest.fixture(scope="module")
def other() -> KnowledgeBase:
    return load_knowledge(OTHER_KB, load_general_vocabulary())


@pytest.fixture(scope="module")
def engine(other: KnowledgeBase) -> Engine:
    return Engine(other)


def ask(engine: Engine, question: str, focus: Focus | None = None):
    result = engine.answer(question, today=TODAY, focus=focus)
    return result, render(result, engine.knowledge, TODAY).text


def _examples() -> list[tuple[str, str]]:
    kb = load_knowledge(OTHER_KB, load_general_vocabulary())
    return [(entry.id, example) for entry in kb for example in entry.examples]


@pytest.mark.parametrize(("entry_id", "example"), _examples())
def test_every_example_question_finds_its_own_entry(engine: Engine, entry_id: str, example: str):
    result, _ = ask(engine, example)
    assert result.status == A, result
    assert entry_id in (result.entry, *result.items), result


def test_greets_and_helps_in_its_own_name(engine: Engine):
    for question in ("Bonjour", "hello", "aide", "who are you?"):
        result, text = ask(engine, question)
        assert "MARINOVA" in text and "BIOVALIANCE" not in text, text


@pytest.mark.parametrize(("question", "expected", "absent"), [
    ("Quelles entreprises brestoises ?", "AlgaeTech", "BioMer"),
    ("une boite lorientaise ?", "BioMer", "AlgaeTech"),
    ("Which companies are in Rennes or Lorient?", "BioMer", "AlgaeTech"),
    ("events in Canada?", "Blue Health Forum", "Sea Bio Days"),
])
def test_lists_by_place_and_demonym(engine: Engine, question: str, expected: str, absent: str):
    result, text = ask(engine, question)
    assert result.status == A and expected in text and absent not in text, text


@pytest.mark.parametrize(("question", "attribute"), [
    ("What is AlgaeTech's phone number?", "phone"),
    ("Qui est le PDG de BioMer ?", "ceo"),
    ("How much is a ticket for the Sea Bio Days?", "price"),
])
def test_declines_what_its_sources_do_not_give(engine: Engine, question: str, attribute: str):
    result, text = ask(engine, question)
    assert result.status == U
    assert isinstance(result.parts[0], Missing) and result.parts[0].attribute == attribute
    assert "BIOVALIANCE" not in text


def test_answers_where_when_who_and_yes_no_from_its_own_data(engine: Engine):
    assert "Lorient" in ask(engine, "Where is BioMer based?")[1]
    assert "10" in ask(engine, "Quand ont lieu les Sea Bio Days ?")[1]
    assert "Anne Le Goff" in ask(engine, "Qui dirige la région ?")[1]
    result, text = ask(engine, "Is AlgaeTech in Lorient?")
    assert text.startswith("No.") and "Brest" in text
    result, text = ask(engine, "How many marine biotech jobs are there?")
    assert "4,200" in text or "4 200" in text


def test_its_home_region_named_in_a_claim_is_the_setting(engine: Engine):
    result, text = ask(engine, "BioMer est-il membre d'Ocean Cluster en Région Bretagne ?")
    assert result.status == A and text.startswith("Non."), text
    assert "region-bzh" not in {getattr(p, "entry", None) or getattr(p, "subject", None) for p in result.parts}, result


def test_a_year_lists_only_what_its_sources_date_so(engine: Engine):
    result, _ = ask(engine, "Quelles entreprises ont été fondées en 2019 ?")
    assert result.status == A and result.items == ("algaetech",), result
    result, _ = ask(engine, "Which companies were launched in 2021?")
    assert result.status == U, result  # none is dated so: not the undated ones instead


def test_anyone_in_its_region_doing_something_is_about_that(engine: Engine):
    result, text = ask(engine, "Is anyone in the region extracting enzymes from marine bacteria?")
    assert result.status == A and result.entry == "biomer" and "Anne Le Goff" not in text, result
    result, text = ask(engine, "Qui dans la région bosse sur les microalgues ?")
    assert result.status == A and "algaetech" in result.items, result
    assert "Anne Le Goff" in ask(engine, "Qui dirige la région ?")[1]  # the region itself, when it is asked about


def test_who_runs_its_entries(engine: Engine):
    assert ask(engine, "Qui dirige BioMer ?")[0].status == U
    result, _ = ask(engine, "Who runs MARINOVA?")
    assert result.status == A and "region-bzh" in result.items, result


def test_one_of_its_lists_is_picked_by_what_it_does(engine: Engine):
    first, _ = ask(engine, "Which companies are there?")
    assert set(first.items) == {"algaetech", "biomer"}, first
    second, text = ask(engine, "the one with the enzymes, where is it?", focus=first.focus)
    assert second.entry == "biomer" and "Lorient" in text, text


def test_who_leads_what_in_its_world(engine: Engine):
    assert ask(engine, "Does Ocean Cluster lead MARINOVA?")[1].startswith("No.")  # a partner, not its leader
    assert ask(engine, "Is the Brittany Region leading MARINOVA?")[1].startswith("Yes.")
    assert ask(engine, "Was MARINOVA launched by Ocean Cluster?")[1].startswith("No.")  # the region launched it


@pytest.mark.parametrize("question", ["Quelle est la cadence de fabrication annuelle de BioMer ?",
                                      "What are the opening hours of the Sea Bio Days event?",
                                      "Qui va remporter les prochaines élections municipales ?"])
def test_what_its_sources_do_not_say_is_declined(engine: Engine, question: str):
    assert ask(engine, question)[0].status == U


def test_how_many_events_its_sources_list(engine: Engine):
    result, text = ask(engine, "How many events does MARINOVA have?")
    assert result.status == A and set(result.items) == {"sea-bio-days", "blue-health-forum"} and "name 2" in text, text


def test_her_organisation_in_its_world(engine: Engine):
    first, _ = ask(engine, "Who is Anne Le Goff?")
    assert ask(engine, "what does her organisation do?", focus=first.focus)[0].entry == "region-bzh"


def test_how_many_people_work_in_its_world(engine: Engine):
    first, _ = ask(engine, "Tell me about BioMer")
    second, _ = ask(engine, "how many people work there?", focus=first.focus)
    assert second.status == U and second.entry == "biomer", second
    result, text = ask(engine, "How many people work in marine biotech?")
    assert result.status == A and ("4,200" in text or "4 200" in text), text  # its jobs figure, not a person


def test_follow_up_in_its_own_world(engine: Engine):
    first, _ = ask(engine, "Tell me about BioMer")
    second, text = ask(engine, "and where is it?", focus=first.focus)
    assert second.status == A and "Lorient" in text


def test_typos_small_talk_and_false_claims_in_its_own_world(engine: Engine):
    result, text = ask(engine, "Algaetek c'est ou ?")  # a typo repaired against its own names
    assert result.status == A and "Brest" in text
    result, text = ask(engine, "Anne Le Goff, c'est la présidente d'Ocean Cluster ?")  # two of its entries said to be one
    assert result.status == A and text.startswith("Non.")
    result, _ = ask(engine, "merci, au revoir")
    assert result.status == S


def test_its_initiative_at_a_date_is_at_its_event(engine: Engine):
    result, text = ask(engine, "Where will the initiative be on 22 September?")
    assert result.status == A and "Halifax" in text, text
    result, text = ask(engine, "Où sera MARINOVA en juin ?")
    assert result.status == A and "Brest" in text, text


def test_its_negated_place_with_a_month(engine: Engine):
    result, text = ask(engine, "the June event that isnt in Canada?")
    assert result.status == A and "Sea Bio Days" in text and "Blue Health" not in text, text


def test_its_initiative_by_a_common_noun(engine: Engine):
    result, text = ask(engine, "Qui a lancé l'initiative ?")
    assert result.status == A and result.entry == "marinova" and "Région Bretagne" in text, text


def test_who_spoke_and_according_to_whom_in_its_world(engine: Engine):
    result, _ = ask(engine, "Qui a parlé de faire de la mer un moteur d'emplois ?")
    assert result.status == A and result.entry == "anne-le-goff", result
    result, _ = ask(engine, "according to Anne Le Goff, what should drive jobs?")
    assert result.status == A and result.entry == "anne-le-goff", result
    result, text = ask(engine, "Anne Le Goff est-elle directrice de la Région Bretagne ?")
    assert text.startswith("Non"), text


def test_who_its_articles_quote_and_who_wrote_them(engine: Engine):
    result, _ = ask(engine, "Who is quoted in the Tidewire article?")
    assert result.items == ("yann-morvan",), result  # not its author, nor who the other article quotes
    result, _ = ask(engine, "quelles personnes sont citées ?")
    assert set(result.items) == {"anne-le-goff", "yann-morvan"}, result
    assert "Sam Okafor" in ask(engine, "who wrote the Tidewire article?")[1]
    result, text = ask(engine, "According to the Tidewire article, where is BioMer?")
    assert result.status == A and "Lorient" in text, text
    listed, _ = ask(engine, "qui est cité ?")
    assert ask(engine, "le ministre, il fait quoi ?", focus=listed.focus)[0].entry == "yann-morvan"
    assert ask(engine, "Who said that enzymes will open new markets?")[0].entry == "yann-morvan"


def test_a_fee_asked_how_much_is_a_price(engine: Engine):
    result, _ = ask(engine, "How much is the membership fee for MARINOVA?")
    assert result.status == U and isinstance(result.parts[0], Missing) and result.parts[0].attribute == "price", result


@pytest.mark.parametrize(("question", "count"), [("how many events in June?", 1), ("combien d'événements en 2026 ?", 2)])
def test_how_many_events_at_a_date_counts_them_even_after_an_event(engine: Engine, question: str, count: int):
    first, _ = ask(engine, "When are the Sea Bio Days?")
    result, text = ask(engine, question, focus=first.focus)
    assert result.status == A and len(result.items) == count, (result, text)
    assert f" {count} " in text, text


def test_which_minister_is_quoted_is_the_one_quoted_minister(engine: Engine):
    result, text = ask(engine, "which minister is quoted?")
    assert result.status == A and result.entry == "yann-morvan", (result, text)


@pytest.mark.parametrize(("question", "yes"), [("Ocean Cluster is in Brest, isn't it?", False),
                                               ("AlgaeTech c'est à Brest, non ?", True)])
def test_a_tag_question_is_answered_yes_or_no(engine: Engine, question: str, yes: bool):
    result, text = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, (result, text)


def test_a_number_claimed_for_a_field_is_checked_against_that_fields_figure(engine: Engine):
    result, text = ask(engine, "Do 30,000 people work in marine biotechnology?")
    assert result.parts[0] == Verdict(False, Card("marine-jobs")), (result, text)  # 30,000 is the sea economy


def test_the_president_of_a_company_nobody_is_quoted_for_is_unknown(engine: Engine):
    result, _ = ask(engine, "who is the president of BioMer?")
    assert result.status == U and result.entry == "biomer", result


def test_what_he_said_about_something_after_a_person_is_his_card(engine: Engine):
    first, _ = ask(engine, "who is Yann Morvan")
    second, _ = ask(engine, "and what did he say about enzymes?", focus=first.focus)
    assert second.parts == (Card("yann-morvan"),), second


def test_which_events_were_abroad_then_when(engine: Engine):
    first, text = ask(engine, "which events were outside France?")
    assert first.items == ("blue-health-forum",) and "Outside France" in text, text
    second, _ = ask(engine, "when was it?", focus=first.focus)
    assert second.entry == "blue-health-forum", second


def test_according_to_the_outlet_asks_the_figure(engine: Engine):
    result, _ = ask(engine, "how many marine biotech jobs according to Tidewire?")
    assert result.status == A and result.entry == "marine-jobs", result


def test_who_wrote_the_outlets_article_is_its_author(engine: Engine):
    result, _ = ask(engine, "who wrote the Tidewire article?")
    assert result.parts == (Card("sam-okafor"),), result


def test_which_minister_the_outlet_quotes(engine: Engine):
    result, _ = ask(engine, "quel ministre est cité par Tidewire ?")
    assert result.parts == (Card("yann-morvan"),), result


def test_its_president_when_nobody_is_named_there_is_unknown(engine: Engine):
    first, _ = ask(engine, "Tell me about BioMer")
    second, _ = ask(engine, "who is its president?", focus=first.focus)
    assert second.status == U and second.parts[0] == Missing("leader", "biomer"), second


def test_it_after_the_visitor_names_something_and_links_through_the_initiative(engine: Engine):
    result, _ = ask(engine, "I've heard a lot about the Ocean Cluster. Is it linked to the Brittany Region?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result


def test_the_regions_president_is_linked_to_its_initiative(engine: Engine):
    first, _ = ask(engine, "who is Anne Le Goff")
    second, text = ask(engine, "what is her link with MARINOVA?", focus=first.focus)
    assert second.status == A and "My sources link" in text, text


def test_the_event_right_after_another(engine: Engine):
    result, _ = ask(engine, "which event came right after the Brest one?")
    assert result.entry == "blue-health-forum", result
    first, _ = ask(engine, "Where is the Blue Health Forum?")
    second, _ = ask(engine, "and the one before?", focus=first.focus)
    assert second.entry == "sea-bio-days", second


def test_the_regions_fields_within_a_broad_field(engine: Engine):
    result, _ = ask(engine, "which specialities is the region known for in marine biotechnology?")
    assert isinstance(result.parts[0], Listing) and "algae" in result.items, result


def test_the_boss_asked_of_a_person_is_that_person(engine: Engine):
    result, _ = ask(engine, "c'est qui la boss de la région, la présidente ?")
    assert result.parts == (Card("anne-le-goff"),), result


def test_a_launch_year_claimed_like_the_initiatives(engine: Engine):
    result, text = ask(engine, "AlgaeTech a-t-elle été lancée en 2024, comme MARINOVA ?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False and "2019" in text, text


def test_the_date_of_the_article_attributed_is_not_the_questions(engine: Engine):
    result, _ = ask(engine, "according to the September 2024 Tidewire article, how many marine biotech jobs?")
    assert result.entry == "marine-jobs", result


def test_who_organised_an_event_and_which_country_it_was_in(engine: Engine):
    first, _ = ask(engine, "Tell me about the Blue Health Forum")
    second, _ = ask(engine, "who organised it?", focus=first.focus)
    assert second.status == U and second.parts[0] == Missing("organiser", "blue-health-forum"), second
    third, text = ask(engine, "which country was that in?", focus=first.focus)
    assert third.entry == "blue-health-forum" and "Canada" in text, text


def test_what_a_person_said_and_a_list_of_one(engine: Engine):
    result, _ = ask(engine, "What did Morvan say the enzymes will do?")
    assert result.parts == (Card("yann-morvan"),), result
    result, _ = ask(engine, "which companies are in Lorient?")
    assert result.parts == (Card("biomer"),), result


def test_a_word_of_a_name_in_focus_follows_the_conversation(engine: Engine):
    first, _ = ask(engine, "Which company in Brest grows microalgae?")
    second, _ = ask(engine, "and those algae are used for what?", focus=first.focus)
    assert second.status == A and second.entry in first.focus.entries, second
    alone, _ = ask(engine, "and those algae are used for what?")
    assert alone.status == C, alone


def test_outlets_articles_claims_salaries_and_a_specialitys_one_actor(engine: Engine):
    result, text = ask(engine, "when did Tidewire publish its article?")
    assert result.parts[0].files == ("tidewire_2024_09.txt",) and "3 September 2024" in text, text
    result, _ = ask(engine, "Does Tidewire say there are 4,200 marine biotech jobs?")
    assert result.parts[0] == Verdict(True, Card("marine-jobs")), result
    result, _ = ask(engine, "what's the average salary in Brest?")
    assert result.status == U and result.parts[0] == Missing("salary", place="brest"), result
    result, text = ask(engine, "in which city is the microalgae grower?")
    assert "algaetech" in result.items and "Brest" in text, text
    result, _ = ask(engine, "which universities are there in Brest?")
    assert result.status == U, result


def test_that_city_and_that_same_country_and_the_other_one(engine: Engine):
    first, _ = ask(engine, "Where is AlgaeTech?")
    second, _ = ask(engine, "which event is held in that city?", focus=first.focus)
    assert second.items == ("sea-bio-days",), second
    first, _ = ask(engine, "Tell me about the Blue Health Forum")
    second, _ = ask(engine, "is there a company from that same country?", focus=first.focus)
    assert second.status == U and second.parts == (NotFound(place="canada", kinds=("company",)),), second


def test_attributes_never_held_prices_phones_and_counts(engine: Engine):
    result, _ = ask(engine, "y a-t-il un appel à projets de MARINOVA pour les startups ?")
    assert result.status == U and result.parts[0] == Missing("calls", "marinova"), result
    result, _ = ask(engine, "faut-il payer pour entrer au forum de Halifax ?")
    assert result.status == U and result.parts[0] == Missing("price", "blue-health-forum"), result
    result, _ = ask(engine, "what's the phone number of BioMer?")
    assert result.parts[0] == Missing("phone", "biomer"), result
    result, _ = ask(engine, "what is the number of jobs?")
    assert result.status == C and {s.entry for s in result.suggestions} == {"marine-jobs", "sea-economy-jobs"}, result


def test_supplier_existential_cited_and_the_company_applied_to(engine: Engine):
    result, text = ask(engine, "pour mes essais, y a un producteur de microalgues dans le coin ?")
    assert result.status == A and "AlgaeTech" in text, text
    result, _ = ask(engine, "Morvan, il a cité quoi sur les enzymes ?")
    assert result.parts == (Card("yann-morvan"),), result
    result, _ = ask(engine, "I'd like to apply to BioMer. How many employees do they have?")
    assert result.status == U and result.parts[0] == Missing("headcount", "biomer"), result


def test_a_body_says_an_unplaced_seat_home_partners_and_training(engine: Engine):
    result, _ = ask(engine, "Which fields does the region say it is good at?")
    assert isinstance(result.parts[0], Listing) and "algae" in result.items, result
    result, _ = ask(engine, "Tidewire a-t-il son siège à Rennes ?")
    assert result.status == U and isinstance(result.parts[0], Missing), result
    result, _ = ask(engine, "What did Anne Le Goff study?")
    assert result.status == U, result


def test_which_of_those_picks_within_the_last_list(engine: Engine):
    first, _ = ask(engine, "Which events are there in 2026?")
    second, _ = ask(engine, "which of those is not in France?", focus=first.focus)
    assert second.items == ("blue-health-forum",), second


def test_what_an_outlet_says_about_an_entry_and_an_edition_in_focus(engine: Engine):
    result, _ = ask(engine, "What does the Tidewire article say about BioMer?")
    assert result.parts == (Card("biomer"),), result
    result, _ = ask(engine, "what does Tidewire say?")
    assert result.parts == (Sources(("tidewire_2024_09.txt",)),), result
    first, _ = ask(engine, "Where are the Sea Bio Days?")
    second, _ = ask(engine, "is a 2028 edition planned?", focus=first.focus)
    assert second.status == U and second.entry == "sea-bio-days", second
    third, text = ask(engine, "remind me of the city?", focus=second.focus)
    assert third.status == A and "Brest" in text, text


def test_how_many_after_a_list_counts_that_list(engine: Engine):
    first, _ = ask(engine, "What are MARINOVA's objectives?")
    second, text = ask(engine, "how many are there?", focus=first.focus)
    assert second.parts == (Listing("count", ("objective-export", "objective-startups")),) and "2" in text, second


@pytest.mark.parametrize("question", [
    "I'm a chemist in Porto thinking about moving - is marine biotechnology among the region's strengths?",
    "je suis ingénieure à Nantes, est-ce que la région est forte en biotechnologies marines ?",
])
def test_a_question_after_a_self_introduction_and_a_comma_or_dash(engine: Engine, question: str):
    result, text = ask(engine, question)
    assert result.status == A and isinstance(result.parts[0], Verdict) and result.parts[0].yes, result


@pytest.mark.parametrize(("question", "missing"), [
    ("How many marine biotech jobs does BioMer have?", Missing("figure", "biomer")),  # the figure is the region's
    ("Les Sea Bio Days, c'était dans quel bâtiment ?", Missing("venue", "sea-bio-days")),
])
def test_what_the_sources_do_not_say_of_the_entry_asked(engine: Engine, question: str, missing: Missing):
    result, _ = ask(engine, question)
    assert result.status == U and result.parts == (missing,), result


def test_a_kind_is_claimed_only_by_is(engine: Engine):
    result, _ = ask(engine, "what is AlgaeTech, is it a cluster?")
    assert result.parts == (Verdict(False, Card("algaetech")),), result
    first, _ = ask(engine, "Tell me about BioMer")
    second, _ = ask(engine, "is it a company?", focus=first.focus)
    assert second.parts == (Verdict(True, Card("biomer")),), second
    result, _ = ask(engine, "Does MARINOVA work with research institutions?")
    assert not (isinstance(result.parts[0], Verdict) and result.parts[0].yes is False), result


def test_how_long_cited_firms_and_a_kind_of_linked_entry(engine: Engine):
    result, _ = ask(engine, "how long do the Sea Bio Days last?")
    assert [type(p).__name__ for p in result.parts] == ["Schedule"], result
    result, _ = ask(engine, "ça fait combien de temps que MARINOVA a été lancée ?")
    assert [type(p).__name__ for p in result.parts] == ["Launch"], result
    result, _ = ask(engine, "Which companies in Brest are cited in the articles?")
    assert result.parts == (Card("algaetech"),), result
    result, _ = ask(engine, "is MARINOVA linked to a cluster?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    result, _ = ask(engine, "Where does the author of the Tidewire article work?")
    assert result.entry == "sam-okafor", result


def test_acronym_and_which_of_several_named(engine: Engine):
    first, _ = ask(engine, "Tell me about Ocean Cluster")
    second, text = ask(engine, "c'est quoi son sigle ?", focus=first.focus)
    assert second.status == A and "OCR" in text, text
    result, _ = ask(engine, "AlgaeTech, BioMer, Ocean Cluster. lequel est à Lorient ?")
    assert result.parts == (Card("biomer"),), result


def test_an_ordinal_claim_and_the_article_in_a_language(engine: Engine):
    result, _ = ask(engine, "was the Blue Health Forum the first event?")
    assert result.parts == (Verdict(False, Card("sea-bio-days")),), result
    first, _ = ask(engine, "quand est paru l'article en français ?")
    assert first.parts == (Sources(("courrier_2024_05.txt",)),), first
    second, _ = ask(engine, "and the English one?", focus=first.focus)
    assert second.parts == (Sources(("tidewire_2024_09.txt",)),), second


def test_two_key_figures_compared_and_an_articles_date(engine: Engine):
    result, _ = ask(engine, "which is bigger, marine jobs or sea economy jobs?")  # no name spans the "or"
    assert [p.items for p in result.parts] == [("sea-economy-jobs", "marine-jobs")], result
    result, _ = ask(engine, "the Tidewire article came out in September 2024, yes?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is True, result
    result, _ = ask(engine, "the Tidewire article came out in June, right?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result


def test_the_author_of_an_article_then_when_it_came_out(engine: Engine):
    first, _ = ask(engine, "who wrote the English article?")
    assert first.parts == (Card("sam-okafor"),), first
    second, _ = ask(engine, "and when was it published?", focus=first.focus)
    assert second.parts == (Sources(("tidewire_2024_09.txt",)),), second


def test_the_other_of_two_listed_together(engine: Engine):
    first, _ = ask(engine, "What are microalgae?")
    second, _ = ask(engine, "and the other one?", focus=first.focus)  # (MARINOVA lists the two)
    assert second.entry == "marine-biotech", second


def test_the_difference_between_two_and_a_firm_that_works_for_a_field(engine: Engine):
    result, _ = ask(engine, "what's the difference between AlgaeTech and BioMer?")
    assert result.parts == (Card("algaetech"), Card("biomer")), result
    result, _ = ask(engine, "je suis chimiste, y a une boîte à Lorient qui bosse pour les enzymes ?")
    assert result.status == A and result.entry == "biomer", result


@pytest.mark.parametrize(("question", "yes"), [
    ("Yann Morvan est bien ministre de la mer ?", True),
    ("Yann Morvan c bien le ministre de la santé ?", False),
    ("MARINOVA was initiated by Ocean Cluster, correct?", False),
])
def test_claims_about_titles_and_launches(engine: Engine, question: str, yes: bool):
    result, _ = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, result


def test_a_capitalised_unknown_word_is_a_name_not_a_slip_of_a_common_word(engine: Engine):
    result, _ = ask(engine, "What does Medix Oceanica make?")
    assert result.status == U, result
    result, _ = ask(engine, "Where is Algaetec?")
    assert result.entry == "algaetech", result


def test_a_number_right_after_an_attribute_is_that_attributes(engine: Engine):
    result, _ = ask(engine, "what's the booth number of BioMer at the fair?")
    assert result.status == U and result.parts == (Missing("venue", "biomer"),), result


def test_the_event_after_that_one(engine: Engine):
    first, _ = ask(engine, "Tell me about the Sea Bio Days")
    second, _ = ask(engine, "and the next event after that one?", focus=first.focus)
    assert second.entry == "blue-health-forum", second


def test_a_wrong_number_claimed_of_a_described_figure(engine: Engine):
    result, _ = ask(engine, "the sea economy supports 20,000 jobs, right?")  # a count claimed, not a job search
    assert result.parts == (Verdict(False, Card("sea-economy-jobs")),), result


def test_the_job_of_the_author_in_focus_is_their_role(engine: Engine):
    first, _ = ask(engine, "Who wrote the English article announcing the launch of MARINOVA?")
    assert first.parts == (Card("sam-okafor"),), first
    second, _ = ask(engine, "what's his job?", focus=first.focus)
    assert [type(p).__name__ for p in second.parts] == ["FieldValue"] and second.entry == "sam-okafor", second


def test_the_one_partner_found_at_a_place_is_what_it_means_next(engine: Engine):
    first, _ = ask(engine, "Who are MARINOVA's partners in Rennes?")
    assert first.items == ("ocean-cluster",), first
    second, _ = ask(engine, "what kind of organisation is it?", focus=first.focus)
    assert second.entry == "ocean-cluster", second


def test_cooperations_and_partners_are_told_apart_and_counted(engine: Engine):
    result, _ = ask(engine, "avec quels partenaires MARINOVA travaille-t-elle ?")
    assert result.items == ("ocean-cluster",), result
    result, _ = ask(engine, "who does MARINOVA cooperate with?")
    assert result.items == ("halifax-seaweed-lab",), result
    result, _ = ask(engine, "how many partners does MARINOVA have?")
    assert result.parts[0].heading == "counted" and result.items == ("ocean-cluster",), result


def test_an_article_tells_its_hour_reading_time_and_photo_credit(engine: Engine):
    _, text = ask(engine, "qui a fait la photo de l'article de Tidewire ?")
    assert "Temps de lecture : 6 min" in text and "Ifremer © Jo Le Bris" in text, text
    _, text = ask(engine, "at what time did the French article come out?")
    assert "12 May 2024 at 18:30" in text and "Photo credit" not in text, text


@pytest.mark.parametrize("question", [
    "the president of the region is Gwen Tanguy, isn't she?",
    "la présidente de région, c'est bien Gwen Tanguy ?",
    "Anne Le Goff est la maire de Brest ?",  # the place qualifies the title, checked against her role
])
def test_a_title_claimed_of_another_name_or_with_another_place_is_no_and_who_holds_it(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.parts == (Verdict(False, Card("anne-le-goff")),), result


def test_a_claim_about_someone_named_and_something_unknown_stays_unknown(engine: Engine):
    result, _ = ask(engine, "Is Yann Morvan a member of the Zorglub network?")
    assert result.status == U, result


@pytest.mark.parametrize("question", ["quels vaccins produit-on en Bretagne ?", "which breweries does MARINOVA back?"])
def test_a_list_of_things_the_sources_never_name_is_declined(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_a_question_after_a_dash_opened_by_any(engine: Engine):
    result, _ = ask(engine, "fisheries engineer from Oslo - any ties between MARINOVA and Canada?")
    assert result.status == A and "halifax-seaweed-lab" in result.items, result


def _talk(engine: Engine, *questions: str):
    focus, result = None, None
    for question in questions:
        result, _ = ask(engine, question, focus=focus)
        focus = result.focus
    return result


def test_a_correction_asks_the_previous_question_again(engine: Engine):
    result = _talk(engine, "where are the Sea Bio Days?", "non pardon je voulais dire le Blue Health Forum")
    assert result.intent == "schedule" and result.entry == "blue-health-forum", result


def test_both_of_them_are_the_last_two_named(engine: Engine):
    result = _talk(engine, "AlgaeTech est à Lorient ?", "et BioMer alors ?", "elles font quoi toutes les deux ?")
    assert set(result.parts) == {Card("algaetech"), Card("biomer")}, result


def test_and_the_company_of_a_place_is_asked_not_claimed(engine: Engine):
    result = _talk(engine, "what does BioMer do?", "and the Brest company next to it?")
    assert result.status == A and result.parts == (Card("algaetech"),), result


def test_the_one_in_a_month_none_of_the_last_list_was_in(engine: Engine):
    result = _talk(engine, "which events in June 2026?", "and the one in September?")
    assert result.entry == "blue-health-forum", result


def test_the_date_right_after_who_wrote_it_is_the_articles(engine: Engine):
    result = _talk(engine, "who wrote the Tidewire article?", "when did it come out?")
    assert result.status == A and isinstance(result.parts[0], Sources), result


def test_a_claimed_link_to_a_kind_shows_that_one_and_that_one_is_followed(engine: Engine):
    result = _talk(engine, "is MARINOVA linked to a research lab?")
    assert result.parts == (Verdict(True, Card("halifax-seaweed-lab")),), result
    result = _talk(engine, "is MARINOVA linked to a research lab?", "how much money does that lab get?")
    assert result.parts == (Missing("budget", "halifax-seaweed-lab"),), result


def test_who_works_there_according_to_the_article(engine: Engine):
    result = _talk(engine, "c'est quoi Ocean Cluster ?", "qui y travaille, selon l'article ?")
    assert result.items == ("yann-morvan",), result


def test_the_hour_and_the_photo_of_an_authors_article(engine: Engine):
    result = _talk(engine, "qui a écrit l'article en anglais ?", "il est sorti à quelle heure ?")
    assert isinstance(result.parts[0], Sources), result
    result, text = ask(engine, "at what time did Sam Okafor's article go online?")
    assert isinstance(result.parts[0], Sources) and "at 9:15" in text, result
    result, text = ask(engine, "who took the picture in the Tidewire piece?")
    assert "Jo Le Bris" in text, text
    result, _ = ask(engine, "what are Sam Okafor's opening hours?")  # an author's own hours: unknown
    assert result.parts == (Missing("hours", "sam-okafor"),), result


@pytest.mark.parametrize(("question", "yes"), [
    ("BioMer is just one of many enzyme makers in Brittany?", False),  # its texts call it the only one
    ("BioMer n'est pas la seule à extraire des enzymes marines ?", False),
    ("BioMer is the only Breton company extracting marine enzymes?", True),
    ("AlgaeTech is a Brest company working on microalgae?", True),  # a field named is a topic, not the same thing
])
def test_one_among_many_claimed_of_the_only_one_and_a_field_named_in_a_claim(engine: Engine, question: str, yes: bool):
    result, _ = ask(engine, question)
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is yes, result


def test_the_visitors_own_boss_or_startup_is_not_asked_about(engine: Engine):
    result, _ = ask(engine, "what is MARINOVA in one sentence, my boss wants a summary")
    assert result.status == A and result.parts[0] == Card("marinova"), result
    result, _ = ask(engine, "how big a grant can my startup get from MARINOVA?")
    assert result.parts == (Missing("budget", "marinova"),), result


def test_the_other_ones_are_the_rest_of_that_kind(engine: Engine):
    result = _talk(engine, "where is AlgaeTech?", "and the other companies?")
    assert result.entry == "biomer", result
    result = _talk(engine, "c'était quand les Sea Bio Days ?", "et les autres événements, c'était où ?")
    assert result.entry == "blue-health-forum" and result.intent == "schedule", result


def test_the_outlet_that_reported_on_the_entry_in_focus(engine: Engine):
    result = _talk(engine, "what is Ocean Cluster?", "which outlet reported on it?")
    assert result.entry == "tidewire", result


def test_the_date_right_after_the_list_of_articles(engine: Engine):
    result = _talk(engine, "which articles do you answer from?", "on what date?")
    assert isinstance(result.parts[0], Sources), result


def test_the_last_answer_again_in_another_language(engine: Engine):
    result = _talk(engine, "Where is BioMer based?", "and in French?")
    assert result.lang == "fr" and result.entry == "biomer" and result.intent == "location", result
    result = _talk(engine, "Où se trouve BioMer ?", "en anglais svp")
    assert result.lang == "en" and result.entry == "biomer", result
    result, _ = ask(engine, "and in French?")  # nothing before: nothing to say again
    assert result.status != A, result


@pytest.mark.parametrize("question", ["which hospital in Brest backs MARINOVA?", "il va faire quel temps à Brest ce weekend ?",
                                      "c'est quoi le chiffre d'affaire de BioMer ?"])
def test_hospitals_weather_and_turnover_are_not_in_the_sources(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_a_second_question_about_the_answer_of_the_first(engine: Engine):
    result, _ = ask(engine, "which company extracts marine enzymes and is it based in Brest?")
    assert result.parts[0] == Card("biomer") and result.parts[-1].yes is False, result


def test_which_of_several_named_in_part_lists_them(engine: Engine):
    result, _ = ask(engine, "kels trucs sea ?")
    assert result.status == A and set(result.items) == {"sea-bio-days", "sea-economy-jobs"}, result
    result, _ = ask(engine, "sea")  # no "which": ask back
    assert result.status == C, result


def test_back_to_an_earlier_subject_by_its_kind(engine: Engine):
    result = _talk(engine, "is BioMer in Brest?", "and the Sea Bio Days, where were they?", "ok back to the company. what does it do?")
    assert result.entry == "biomer", result


def test_by_whom_right_after_the_articles_and_a_title_that_is_not_the_focus(engine: Engine):
    result = _talk(engine, "which article was sponsored?", "by whom?")
    assert isinstance(result.parts[0], Sources), result
    result = _talk(engine, "who is Anne Le Goff?", "and the minister quoted in the English article, who's that?")
    assert result.entry == "yann-morvan", result


def test_a_statement_naming_one_entry_is_what_they_means_next(engine: Engine):
    result, _ = ask(engine, "Seeing the BioMer people tonight for a job. Quick reminder: what are they specialised in?")
    assert result.entry == "biomer", result


def test_est_ce_que_says_nothing_of_what_something_is(engine: Engine):
    result, _ = ask(engine, "Est-ce que MARINOVA veut se faire connaître à l'étranger ?")
    assert not (isinstance(result.parts[0], Verdict) and result.parts[0].yes is False), result
    result, _ = ask(engine, "Est-ce que MARINOVA est une entreprise ?")
    assert isinstance(result.parts[0], Verdict) and result.parts[0].yes is False, result


def test_the_titled_person_quoted_in_an_outlets_article(engine: Engine):
    result, _ = ask(engine, "who's the sea minister quoted in the Tidewire piece?")
    assert result.entry == "yann-morvan", result


@pytest.mark.parametrize("question", ["What's Sam Okafor's handle on X?", "What is the market share of BioMer in Europe?"])
def test_social_accounts_and_market_shares_are_not_in_the_sources(engine: Engine, question: str):
    result, _ = ask(engine, question)
    assert result.status == U, result


def test_which_of_the_two_came_first_and_back_to_the_one_a_kind_word_names(engine: Engine):
    result = _talk(engine, "which event was held in Halifax?", "and the one in Brest?", "which of the two came first?")
    assert result.entry == "sea-bio-days", result
    result = _talk(engine, "when is the Blue Health Forum?", "and the Sea Bio Days?", "back to the forum: where is it?")
    assert result.entry == "blue-health-forum", result


def test_a_field_claimed_of_the_wrong_entry_shows_who_works_on_it(engine: Engine):
    result, text = ask(engine, "AlgaeTech is the one doing marine biotechnology, right?")
    assert result.parts[0].yes is False and "biomer" in result.parts[-1].items, result


def test_the_very_first_event_and_a_fee_said_once(engine: Engine):
    result, _ = ask(engine, "what was the very first event on the list?")
    assert result.entry == "sea-bio-days", result
    result, text = ask(engine, "comment rejoindre MARINOVA ? y a une cotisation ?")
    assert result.status == U and text.count("Voici ce qu'elles en disent") == 1 and "non plus" in text, text


def test_a_title_claimed_of_the_wrong_person_shows_who_holds_it_only_if_it_is_that_title(engine: Engine):
    result, _ = ask(engine, "Yann Morvan est le président de la Région, non ?")
    assert result.parts[0].yes is False and result.parts[-1] == Card("anne-le-goff"), result
    result, _ = ask(engine, "Anne Le Goff est la ministre de la santé ?")  # nobody is minister of health
    assert result.parts[0].yes is False and Card("yann-morvan") not in result.parts, result


def test_a_logo_is_not_in_the_sources(engine: Engine):
    result, _ = ask(engine, "who designed the MARINOVA logo?")
    assert result.parts == (Missing("logo", "marinova"),), result


def test_the_first_of_two_and_a_repeat_in_other_words(engine: Engine):
    result = _talk(engine, "quel événement avait lieu à Halifax ?", "et à Brest ?", "lequel des deux était en premier ?")
    assert result.entry == "sea-bio-days", result
    result = _talk(engine, "Who is the president of the region?", "tu peux me le redire en français ?")
    assert result.lang == "fr" and result.entry == "anne-le-goff", result


def test_who_said_something_about_places(engine: Engine):
    result, _ = ask(engine, "who said marine enzymes will open new markets in Brittany?")
    assert result.entry == "yann-morvan", result


def test_an_event_card_and_its_schedule_are_said_once(engine: Engine):
    result, text = ask(engine, "what about the Sea Bio Days, where were they?")
    assert result.parts == (Card("sea-bio-days"),) and text.count("10 to 11 June 2026") == 1, text
