"""Erasing one person: the single place that knows every table holding something of theirs.

`erase(session, user_key, at)` runs every registered eraser in one transaction. A table added
later (handover threads, ...) registers its own eraser, as conversation states and language
choices do below:

    @erasure.eraser("handover_threads")
    def _erase_threads(session: Session, user_key: str, at: dt.datetime) -> int:
        return session.execute(delete(Thread).where(Thread.user_key == user_key)).rowcount

and `/forget`, `QuestionLog.forget` and the tests pick it up with nothing else to change.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.text import normalise
from db import repository
from db.models import (DISMISSED, RESOLVED, ChangeCounter, DismissedPhrase, Feedback, ForgottenKey, HandoverThread,
                       LearnedAlias, Question, StaffAnswerPhrasing)
from db.repository import user_lock

Eraser = Callable[[Session, str, dt.datetime], int]
_ERASERS: dict[str, Eraser] = {}


def eraser(name: str) -> Callable[[Eraser], Eraser]:
    """Register `function(session, user_key, at) -> rows erased` under `name` (once per name)."""
    def register(function: Eraser) -> Eraser:
        _ERASERS[name] = function
        return function
    return register


def erasers() -> tuple[str, ...]:
    return tuple(_ERASERS)


def erase(session: Session, user_key: str, at: dt.datetime) -> dict[str, int]:
    """Run every eraser, phrasings first (they read the questions that are erased next)."""
    _remember_forgotten(session, user_key, at)
    return {name: function(session, user_key, at) for name, function in _ERASERS.items()}


def _remember_forgotten(session: Session, user_key: str, at: dt.datetime) -> None:
    """Keep the key and the time: records of it made before `at` are dropped at replay."""
    user_lock(session, user_key, exclusive=True)  # waits for their writes under way
    row = session.get(ForgottenKey, user_key)
    if row is None:
        session.add(ForgottenKey(user_key=user_key, forgotten_at=at))
    else:
        row.forgotten_at = max(row.forgotten_at, at)
    session.flush()


def _other_wordings(session: Session, user_key: str, normalised: str) -> Counter[str]:
    rows = session.scalars(select(Question.text).where(
        Question.normalised == normalised, (Question.user_key != user_key) | Question.user_key.is_(None)))
    return Counter(rows)


@eraser("phrasings")
def _erase_phrasings(session: Session, user_key: str, at: dt.datetime) -> int:
    """Learned aliases and dismissed phrasings that came from this person's questions.

    A phrasing someone else also asked stays (in that person's wording); an alias whose wording
    is not one of this person's questions (staff rewrote it) stays as it is.
    """
    theirs = session.execute(select(Question.normalised, Question.text, Question.state).where(
        Question.user_key == user_key, Question.state.in_((RESOLVED, DISMISSED)))).all()
    texts: dict[str, set[str]] = {}
    for normalised, text, _state in theirs:
        texts.setdefault(normalised, set()).add(text)
    erased = 0
    for normalised, own in texts.items():
        others = _other_wordings(session, user_key, normalised)
        alias = session.scalar(select(LearnedAlias).where(LearnedAlias.normalised == normalised))
        if alias is not None and alias.phrase in own:
            if others:
                alias.phrase = others.most_common(1)[0][0]
            else:
                session.delete(alias)
            erased += 1
        if not others:
            erased += session.execute(delete(DismissedPhrase).where(DismissedPhrase.normalised == normalised)).rowcount
    session.flush()
    return erased


@eraser("staff_answer_phrasings")
def _erase_staff_answer_phrasings(session: Session, user_key: str, at: dt.datetime) -> int:
    """Phrasings of staff answers taken from this person's questions (logged or handed over).

    As for learned aliases: a phrasing someone else also asked stays, in their wording; one staff
    rewrote (not the person's wording) stays as it is. Runs before their questions and threads go.
    """
    own = set(session.scalars(select(Question.text).where(Question.user_key == user_key)))
    own |= set(session.scalars(select(HandoverThread.question).where(HandoverThread.user_key == user_key)))
    own = {text.strip() for text in own}
    if not own:
        return 0
    erased = 0
    for phrasing in session.scalars(select(StaffAnswerPhrasing).where(StaffAnswerPhrasing.phrase.in_(own))).all():
        others = _other_wordings(session, user_key, phrasing.normalised)
        others.update(text.strip() for text in session.scalars(select(HandoverThread.question).where(
            (HandoverThread.user_key != user_key) | HandoverThread.user_key.is_(None))) if normalise(text) ==
            phrasing.normalised)
        if others:
            phrasing.phrase = others.most_common(1)[0][0]
        else:
            session.delete(phrasing)
        erased += 1
    if erased:  # other processes cache staff answers: make them reload
        session.execute(update(ChangeCounter).where(ChangeCounter.name == "staff_answers")
                        .values(version=ChangeCounter.version + 1))
    session.flush()
    return erased


@eraser("questions")
def _erase_questions(session: Session, user_key: str, at: dt.datetime) -> int:
    groups = session.scalars(select(Question.group_id).where(Question.user_key == user_key).distinct()).all()
    deleted = session.execute(delete(Question).where(Question.user_key == user_key)).rowcount
    repository.recount_groups(session, groups)  # the review groups their questions were in
    return deleted


@eraser("feedback")
def _erase_feedback(session: Session, user_key: str, at: dt.datetime) -> int:
    return session.execute(delete(Feedback).where(Feedback.user_key == user_key)).rowcount


@eraser("conversations")
def _erase_conversations(session: Session, user_key: str, at: dt.datetime) -> int:
    return repository.forget_conversations(session, user_key)


@eraser("language_choices")
def _erase_language_choice(session: Session, user_key: str, at: dt.datetime) -> int:
    return repository.forget_language_choice(session, user_key)

