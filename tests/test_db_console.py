"""What the web console reads and writes in the question log, on SQLite and PostgreSQL: review
groups kept up to date incrementally (equal to a full regroup), group actions that tell when someone
else was first, single-use sign-in links, and the knowledge version every process follows."""
from __future__ import annotations

import datetime as dt
import random

from db.log import QuestionLog
from db.models import DISMISSED, OPEN, RESOLVED

NOW = dt.datetime(2025, 11, 20, 10, 30, tzinfo=dt.UTC)
WORDINGS = ["Où se trouve RD Biotech ?", "ou se trouve rd biotech", "Where is RD Biotech?", "Who runs EFS?",
            "who runs efs", "Prix du billet BioFit ?", "prix du billet biofit", "What is the capital of Peru?",
            "Horaires de Temis", "horaires de temis svp", "Téléphone de Chematech", "telephone chematech"]


def as_sets(groups) -> set[frozenset[int]]:  # type: ignore[no-untyped-def]
    return {frozenset(q.id for q in g.questions) if hasattr(g, "questions") else frozenset(g.question_ids)
            for g in groups}


def record(log: QuestionLog, make_result, texts: list[str], *, at: dt.datetime = NOW) -> None:  # type: ignore[no-untyped-def]
    for i, text in enumerate(texts):
        entry = "rd-biotech" if "biotech" in text.lower() else None
        log.record(make_result(text, entry=entry, score=70.0 if entry else 0.0), channel="telegram",
                   now=at + dt.timedelta(seconds=i))


def test_review_groups_equal_a_full_regroup_as_questions_come_and_go(question_log: QuestionLog, make_result) -> None:
    rng = random.Random(12)
    record(question_log, make_result, [rng.choice(WORDINGS) for _ in range(40)])
    assert as_sets(question_log.review_groups()) == as_sets(question_log.groups())
    # New questions of known wordings join their groups; nothing is regrouped.
    record(question_log, make_result, [rng.choice(WORDINGS) for _ in range(15)], at=NOW + dt.timedelta(hours=1))
    assert as_sets(question_log.review_groups()) == as_sets(question_log.groups())
    # A group handled elsewhere (the command line) leaves the open groups and joins the resolved ones.
    handled = question_log.groups()[0]
    question_log.resolve(handled.key)
    assert frozenset(handled.question_ids) not in as_sets(question_log.review_groups())
    assert frozenset(handled.question_ids) in as_sets(question_log.review_groups(RESOLVED))
    assert sum(len(g.questions) for g in question_log.review_groups()) == 55 - handled.count
    # Questions erased by /forget or the retention purge disappear too.
    question_log.purge(0, now=NOW + dt.timedelta(minutes=30))
    assert {q.asked_at >= NOW + dt.timedelta(minutes=30) for g in question_log.review_groups() for q in g.questions} == {True}


def test_review_groups_carry_what_the_inbox_shows(question_log: QuestionLog, make_result) -> None:
    question_log.record(make_result("Où se trouve RD Biotech ?", entry="rd-biotech", score=80.0,
                                    suggestions=(("efs-bfc", "EFS"),)), channel="cli", now=NOW)
    question_log.record(make_result("ou se trouve rd biotech", lang="en", entry="rd-biotech", score=90.0),
                        channel="telegram", now=NOW + dt.timedelta(minutes=5))
    [group] = question_log.review_groups()
    assert [q.channel for q in group.questions] == ["cli", "telegram"]
    assert [q.lang for q in group.questions] == ["fr", "en"]
    assert group.questions[0].asked_at == NOW
    assert group.candidates() == ("rd-biotech", "efs-bfc")
    assert group.key == f"g{group.questions[0].id}"


def test_group_actions_say_when_someone_else_was_first(question_log: QuestionLog, make_result) -> None:
    record(question_log, make_result, ["Où se trouve RD Biotech ?", "ou se trouve rd biotech", "Who runs EFS?",
                                       "What is the capital of Peru?"])
    biotech, efs, peru = [g.key for g in question_log.review_groups()]
    assert question_log.handle_groups([biotech], "link", "rd-biotech", now=NOW) == {biotech: 2}
    assert question_log.handle_groups([biotech, efs], "dismiss", now=NOW) == {biotech: 0, efs: 1}
    assert question_log.handle_groups(["g999"], "resolve") == {"g999": 0}
    assert [g.key for g in question_log.review_groups()] == [peru]
    assert ("Où se trouve RD Biotech ?", "rd-biotech") in question_log.learned_aliases()
    assert [g.key for g in question_log.review_groups(DISMISSED)] == [efs]
    # A dismissed wording asked again goes straight to dismissed: it never comes back to the inbox.
    record(question_log, make_result, ["who runs efs"], at=NOW + dt.timedelta(hours=1))
    assert [g.key for g in question_log.review_groups(OPEN)] == [peru]
    linked = question_log.linked_questions("rd-biotech")
    assert [q.text for q in linked] == ["ou se trouve rd biotech", "Où se trouve RD Biotech ?"]


def test_a_sign_in_link_is_used_once(question_log: QuestionLog) -> None:
    valid = dt.timedelta(minutes=10)
    assert question_log.use_sign_in_link("nonce-1", valid_for=valid, now=NOW)
    assert not question_log.use_sign_in_link("nonce-1", valid_for=valid, now=NOW + dt.timedelta(minutes=5))
    assert question_log.use_sign_in_link("nonce-2", valid_for=valid, now=NOW)
    # Long expired nonces are forgotten (the link's signature refuses them anyway).
    assert question_log.use_sign_in_link("nonce-1", valid_for=valid, now=NOW + dt.timedelta(hours=1))


def test_the_knowledge_version_only_goes_up(question_log: QuestionLog) -> None:
    assert question_log.knowledge_version() == 0
    assert question_log.announce_knowledge_reload() == 1
    assert question_log.announce_knowledge_reload() == 2
    assert question_log.knowledge_version() == 2


def test_period_readers(question_log: QuestionLog, make_result) -> None:
    record(question_log, make_result, ["Who runs EFS?"])
    question_log.record(make_result("Where is EFS?", "answered", lang="en", entry="efs-bfc"), channel="telegram", now=NOW)
    question_log.feedback(entry="efs-bfc", helpful=True, user_key=None, lang="en", now=NOW)
    question_log.feedback(entry="efs-bfc", helpful=False, user_key=None, lang="en", now=NOW)
    day = NOW.date()
    assert [q.text for q in question_log.logged_between(day, day)] == ["Who runs EFS?"]
    assert question_log.logged_between(day + dt.timedelta(days=1), day + dt.timedelta(days=2)) == []
    assert question_log.feedback_by_entry(day, day) == {"efs-bfc": (1, 1)}
    assert question_log.answered_by_lang(day, day) == {"en": 1}
