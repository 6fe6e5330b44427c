"""Turn an engine `Result` into the words a user reads, in French or English.

Every fixed string lives in `CATALOGUE`. Each reply is produced twice from the same code: as
plain text (console, JSON contract) and as Telegram HTML, where every piece of knowledge-base or
user text is escaped.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.result import (
    Card, Chat, Clarify, Declined, FieldValue, Launch, Listing, Location, Missing, NotFound, OtherEdition,
    Relation, Result, Schedule, Sources, Status, Suggestion, Verdict,
)
from bot.knowledge import Event, Figure, Initiative, KnowledgeBase, Objective, Person
from bot.text import normalise
from bot.vocabulary import GeneralVocabulary

CATALOGUE: dict[str, dict[str, str]] = {
    "hello": {"fr": "Bonjour ! Je suis l'assistant {assistant}. Posez-moi une question sur {scope} : acteurs, événements, objectifs, chiffres clés.",
              "en": "Hello! I am the {assistant} assistant. Ask me about {scope}: actors, events, objectives, key figures."},
    "thanks": {"fr": "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
               "en": "You're welcome! Feel free to ask another question."},
    "bye": {"fr": "Au revoir et bonne visite !", "en": "Goodbye, and enjoy the event!"},
    "how_are_you": {"fr": "Très bien, merci ! Que voulez-vous savoir ?",
                    "en": "I'm fine, thank you! What would you like to know?"},
    "who_are_you": {"fr": "Je suis l'assistant {assistant}, un robot qui répond à partir de {count} articles de presse sur {scope}.",
                    "en": "I am the {assistant} assistant, a bot that answers from {count} press articles about {scope}."},
    "ack": {"fr": "Très bien. Posez-moi une autre question quand vous voulez.",
            "en": "All right. Ask me another question whenever you like."},
    "empty": {"fr": "Je n'ai pas vu de question. Écrivez par exemple « {example} » ou tapez « aide ».",
              "en": "I did not see a question. Try for example \"{example}\" or type \"help\"."},
    "help": {"fr": "Je suis l'assistant {assistant}. Je peux vous renseigner sur : {topics}.\nExemples : {examples}",
             "en": "I am the {assistant} assistant. I can tell you about: {topics}.\nExamples: {examples}"},
    "too_long": {"fr": "Votre message est trop long pour moi. Pouvez-vous poser une question courte, en une phrase ?",
                 "en": "Your message is too long for me. Could you ask a short question, in one sentence?"},
    "passed_on": {"fr": "J'ai transmis votre question à l'équipe.", "en": "I have passed your question on to the team."},
    "unknown": {"fr": "Je ne connais pas la réponse : mes sources n'en parlent pas.",
                "en": "I don't know the answer to that: my sources do not cover it."},
    "unknown_about": {"fr": "Je ne sais pas répondre à cette question sur {name} : mes sources n'en parlent pas. Voici ce qu'elles en disent :",
                      "en": "I can't answer that question about {name}: my sources do not say. Here is what they do say:"},
    "missing": {"fr": "Mes sources ne donnent pas {attribute} {of_name}. Voici ce qu'elles en disent :",
                "en": "My sources don't give {name}'s {attribute}. Here is what they do say:"},
    "missing_too": {"fr": "Elles ne donnent pas non plus {attribute} {of_name}.",
                    "en": "Nor do they give {name}'s {attribute}."},
    "missing_general": {"fr": "Mes sources ne donnent pas {attribute}.",
                        "en": "My sources don't give the {attribute}."},
    "missing_at_place": {"fr": "Mes sources ne donnent pas {attribute} pour {place}.",
                         "en": "My sources don't give the {attribute} for {place}."},
    "missing_place": {"fr": "Je ne connais pas ce chiffre pour {place} : mes sources ne donnent que des chiffres d'ensemble.",
                      "en": "I don't know that figure for {place}: my sources only give overall figures."},
    "other_edition": {"fr": "Mes sources ne parlent pas de l'édition {year} : elles ne couvrent que celle de {covered}.",
                      "en": "My sources say nothing about the {year} edition: they only cover the {covered} one."},
    "off_topic": {"fr": "Je suis l'assistant {assistant} : je ne réponds qu'aux questions sur {scope}, à partir de mes sources.",
                  "en": "I am the {assistant} assistant: I only answer questions about {scope}, from my sources."},
    "clarify": {"fr": "Je ne suis pas sûr d'avoir compris. Vouliez-vous parler de :", "en": "I'm not sure I understood. Did you mean:"},
    "clarify_follow_up": {"fr": "De quoi parlez-vous ? Donnez-moi le nom d'un acteur, d'un événement ou d'un sujet.",
                          "en": "What are you referring to? Tell me the name of an actor, an event or a topic."},
    "not_found_place": {"fr": "{place} : mes sources n'y citent rien de ce type.",
                        "en": "{place}: my sources name nothing of that kind there."},
    "not_found": {"fr": "Mes sources ne citent rien de ce type.", "en": "My sources name nothing of that kind."},
    "in_place": {"fr": "{place} : voici ce que citent mes sources.", "en": "{place}: here is what my sources name."},
    "outside_place": {"fr": "Hors de {place}, mes sources citent :", "en": "Outside {place}, my sources name:"},
    "sources": {"fr": "Je réponds uniquement à partir de ces articles :", "en": "I answer only from these articles:"},
    "source_one": {"fr": "Cet article a été publié par {outlet} le {date} ; il est signé {author}{note}. Son titre :",
                   "en": "This article was published by {outlet} on {date} and written by {author}{note}. Its title:"},
    "source_time": {"fr": "{date} à {hour} h {minute:02d}", "en": "{date} at {hour}:{minute:02d}"},
    "source_reading": {"fr": "Temps de lecture : {minutes} min.", "en": "Reading time: {minutes} min."},
    "source_photo": {"fr": "Crédit photo : {credit}.", "en": "Photo credit: {credit}."},
    "yes": {"fr": "Oui.", "en": "Yes."},
    "no": {"fr": "Non.", "en": "No."},
    "no_verdict": {"fr": "Voici ce que disent mes sources :", "en": "Here is what my sources say:"},
    "head_events": {"fr": "Événements :", "en": "Events:"},
    "head_companies": {"fr": "Entreprises citées dans mes sources (elles ne publient pas d'offres d'emploi) :",
                       "en": "Companies named in my sources (they list no job offers):"},
    "head_entries": {"fr": "Voici ce que citent mes sources :", "en": "Here is what my sources name:"},
    "head_kind": {"fr": "Voici ce que citent mes sources :", "en": "Here is what my sources name:"},
    "head_kind_objective": {"fr": "Les objectifs :", "en": "The objectives:"},
    "head_kind_speciality": {"fr": "Domaines d'excellence :", "en": "Areas of expertise:"},
    "head_kind_figure": {"fr": "Chiffres clés :", "en": "Key figures:"},
    "head_kind_person": {"fr": "Personnes citées :", "en": "People quoted:"},
    "head_kind_plan": {"fr": "Plans nationaux :", "en": "National plans:"},
    "head_people": {"fr": "Personnes {of_name} citées dans mes sources :", "en": "People from {name} quoted in my sources:"},
    "head_led_by": {"fr": "{name} est mené par :", "en": "{name} is led by:"},
    "head_backers": {"fr": "{name} est porté par :", "en": "{name} is backed by:"},
    "head_actors_with": {"fr": "Acteurs qui travaillent sur {name} :", "en": "Actors working on {name}:"},
    "head_counted": {"fr": "Mes sources en citent {count} pour {name} :", "en": "My sources name {count} for {name}:"},
    "head_count": {"fr": "Mes sources en citent {count} :", "en": "My sources name {count}:"},
    "head_larger": {"fr": "Le plus grand des deux d'abord :", "en": "The larger of the two first:"},
    "head_smaller": {"fr": "Le plus petit des deux d'abord :", "en": "The smaller of the two first:"},
    "head_related": {"fr": "Ce que mes sources relient à {name} :", "en": "What my sources link to {name}:"},
    "head_attr": {"fr": "{name} — {attribute} :", "en": "{name} — {attribute}:"},
    "no_upcoming": {"fr": "Aucun événement à venir n'est annoncé dans mes sources ; les derniers étaient :",
                    "en": "No upcoming event is announced in my sources; the latest ones were:"},
    "where_city": {"fr": "{name} se trouve à {city}.", "en": "{name} is based in {city}."},
    "where_city_plural": {"fr": "{name} se trouvent à {city}.", "en": "{name} are based in {city}."},
    "where_area": {"fr": "{name} se trouve en {area}.", "en": "{name} is located in {area}."},
    "where_initiative": {"fr": "{name} est portée par {by}.", "en": "{name} is run by {by}."},
    "person_where": {"fr": "{name} travaille pour {organisation}.", "en": "{name} works for {organisation}."},
    "launched": {"fr": "{name} : lancement en {launched}.", "en": "{name}: launched in {launched}."},
    "launched_by": {"fr": "{name} : lancement en {launched}, par {by}.", "en": "{name}: launched in {launched} by {by}."},
    "field": {"fr": "{name} — {attribute} : {value}", "en": "{name} — {attribute}: {value}"},
    "relation_yes": {"fr": "Mes sources relient {a} et {b} :", "en": "My sources link {a} and {b}:"},
    "relation_no": {"fr": "Mes sources ne font pas de lien direct entre {a} et {b}.", "en": "My sources draw no direct link between {a} and {b}."},
    "event_future": {"fr": "{name} aura lieu {dates}{place}.", "en": "{name} takes place {dates}{place}."},
    "event_now": {"fr": "{name} a lieu en ce moment, {dates}{place}.", "en": "{name} is on now, {dates}{place}."},
    "event_past": {"fr": "{name} a eu lieu {dates}{place}.", "en": "{name} took place {dates}{place}."},
    "event_future_plural": {"fr": "{name} auront lieu {dates}{place}.", "en": "{name} take place {dates}{place}."},
    "event_now_plural": {"fr": "{name} ont lieu en ce moment, {dates}{place}.", "en": "{name} are on now, {dates}{place}."},
    "event_past_plural": {"fr": "{name} ont eu lieu {dates}{place}.", "en": "{name} took place {dates}{place}."},
    "past_tag": {"fr": "passé", "en": "past"},
    "specialities": {"fr": "Spécialités", "en": "Specialities"},
    "source": {"fr": "Source", "en": "Source"},
    "role": {"fr": "Rôle", "en": "Role"},
    "also_ask": {"fr": "Voir aussi", "en": "See also"},
}

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def fill(catalogue: dict[str, dict[str, str]], key: str, lang: str, /, **values: object) -> str:
    """A fixed string of `catalogue` in `lang` ('fr', else English), placeholders filled.

    `key` and `lang` are positional-only, so any placeholder name (even `key`) can be filled.
    """
    text = catalogue[key]["fr" if lang == "fr" else "en"]
    return text.format(**values) if values else text


def t(key: str, lang: str, /, **values: object) -> str:
    """A fixed string of the replies' catalogue."""
    return fill(CATALOGUE, key, lang, **values)


@dataclass(frozen=True)
class Reply:
    """One reply, as plain text and as Telegram HTML, with the entries to offer as buttons."""

    text: str
    html: str
    buttons: tuple[Suggestion, ...] = ()


class _Writer:
    """Collects lines once for plain text and once for HTML, so both always say the same."""

    def __init__(self, as_html: bool) -> None:
        self.as_html = as_html
        self.lines: list[str] = []
        self.told: set[str] = set()  # entries whose sources' words this reply already gave

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.as_html else text

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.as_html else text

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def done(self) -> str:
        return "\n".join(self.lines).strip()


def format_date(day: dt.date, lang: str) -> str:
    """'14 novembre 2025' / '14 November 2025'."""
    return f"{day.day} {MONTHS['fr' if lang == 'fr' else 'en'][day.month - 1]} {day.year}"


def format_dates(start: dt.date, end: dt.date, lang: str) -> str:
    """'du 2 au 3 décembre 2025' / '2-3 December 2025', year and month said once when shared."""
    months = MONTHS["fr" if lang == "fr" else "en"]
    def day(d: dt.date) -> str:
        return format_date(d, lang)
    if start == end:
        return ("le " if lang == "fr" else "on ") + day(start)
    if (start.year, start.month) == (end.year, end.month):
        if lang == "fr":
            return f"du {start.day} au {end.day} {months[end.month - 1]} {end.year}"
        return f"from {start.day} to {end.day} {months[end.month - 1]} {end.year}"
    return (f"du {day(start)} au {day(end)}" if lang == "fr" else f"from {day(start)} to {day(end)}")


def event_sentence(event: Event, lang: str, today: dt.date, w: _Writer) -> str:
    country = event.country.get(lang)
    if event.city:
        place = f" à {w.esc(event.city)} ({w.esc(country)})" if lang == "fr" else f" in {w.esc(event.city)} ({w.esc(country)})"
    else:
        place = f" ({w.esc(country)})"
    key = {"past": "event_past", "now_on": "event_now", "upcoming": "event_future"}[event.status(today)]
    key += "_plural" if event.plural else ""
    return t(key, lang, name=w.bold(event.in_sentence(lang)), dates=format_dates(event.start, event.end, lang), place=place)


def _item_line(entry, lang: str, today: dt.date, w: _Writer) -> str:
    """One bullet for an entry in a list."""
    if isinstance(entry, Event):
        return "• " + event_sentence(entry, lang, today, w)
    if isinstance(entry, Objective):
        return f"{entry.order}. {w.esc(entry.text.get(lang))}"
    if isinstance(entry, Figure):
        return "• " + w.esc(entry.text.get(lang))
    if isinstance(entry, Person):
        return f"• {w.bold(entry.display(lang))} : {w.esc(entry.role.get(lang))}" if lang == "fr" else f"• {w.bold(entry.display(lang))}: {w.esc(entry.role.get(lang))}"
    city = f" ({w.esc(entry.city)})" if getattr(entry, "city", None) else ""
    summary = _first_sentence(entry.text.get(lang))
    sep = " : " if lang == "fr" else ": "
    return f"• {w.bold(entry.display(lang))}{city}{sep}{w.esc(summary)}"


def _first_sentence(text: str) -> str:
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def _write_card(entry, knowledge: KnowledgeBase, lang: str, today: dt.date, w: _Writer) -> None:
    """Everything the knowledge base says about one entry."""
    w.line(w.bold(entry.display(lang)))
    text = entry.text.get(lang)
    if isinstance(entry, Event):  # the dated sentence, in the right tense, replaces the text's own
        w.line(event_sentence(entry, lang, today, w))
        text = text[len(_first_sentence(text)):].strip()
    if text:
        w.line(w.esc(text))
    if isinstance(entry, Person):
        w.line(f"{t('role', lang)} : {w.esc(entry.role.get(lang))}" if lang == "fr" else f"Role: {w.esc(entry.role.get(lang))}")
    if isinstance(entry, Initiative):
        w.line(w.esc(entry.how_it_works.get(lang)))
    specialities = [knowledge.entries[s].display(lang) for s in getattr(entry, "specialities", ())]
    if specialities and not isinstance(entry, Initiative):
        sep = " : " if lang == "fr" else ": "
        w.line(f"{t('specialities', lang)}{sep}{w.esc(', '.join(specialities))}")


def _related_buttons(entry, knowledge: KnowledgeBase, lang: str) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(i, knowledge.entries[i].display(lang)) for i in entry.references()
                 if i in knowledge.entries)[:6]


def render_card(entry, knowledge: KnowledgeBase, lang: str, today: dt.date) -> Reply:
    """An entry card for browsing and deep links."""
    def write(w: _Writer) -> None:
        _write_card(entry, knowledge, lang, today, w)
        sources = ", ".join(f"{knowledge.sources[s].outlet}, {knowledge.sources[s].date.isoformat()}"
                            for s in entry.source if s in knowledge.sources)
        w.line(f"\n{t('source', lang)} : {w.esc(sources)}" if lang == "fr" else f"\nSource: {w.esc(sources)}")
    text, rich = _both(write)
    return Reply(text, rich, _related_buttons(entry, knowledge, lang))


def _both(write: Callable[[_Writer], None]) -> tuple[str, str]:
    plain, rich = _Writer(False), _Writer(True)
    write(plain)
    write(rich)
    return plain.done(), rich.done()


def render(result: Result, knowledge: KnowledgeBase, today: dt.date, *, passed_on: bool = False,
           general: GeneralVocabulary | None = None) -> Reply:
    """The reply to one engine result, in the result's language.

    `passed_on` says the question was really logged for staff: only then does the reply say so.
    """
    lang = result.lang
    renderer = _Renderer(knowledge, general or _general(), lang, today)
    buttons: tuple[Suggestion, ...] = result.suggestions if result.status == Status.CLARIFY else ()
    entry = knowledge.get(result.entry)
    if result.status == Status.ANSWERED and not buttons:
        if entry is not None:
            buttons = _related_buttons(entry, knowledge, lang)
        elif result.listed:
            buttons = tuple(Suggestion(i, knowledge.entries[i].display(lang)) for i in result.listed[:6])

    def write(w: _Writer) -> None:
        for index, part in enumerate(result.parts):
            if index:
                w.line()
            renderer.part(part, w)
        if passed_on and result.needs_review:
            w.line(t("passed_on", lang))
    text, rich = _both(write)
    return Reply(text, rich, buttons)


def _general() -> GeneralVocabulary:
    from bot.knowledge import load_general_vocabulary

    return load_general_vocabulary()


class _Renderer:
    """One small renderer per kind of part; no decision is taken here, only words chosen."""

    def __init__(self, knowledge: KnowledgeBase, general: GeneralVocabulary, lang: str, today: dt.date) -> None:
        self.kb, self.general, self.lang, self.today = knowledge, general, lang, today
        assistant = knowledge.vocabulary.assistant
        self.brand = {"assistant": assistant.name, "scope": assistant.scope.get(lang)}

    def part(self, part, w: _Writer) -> None:
        getattr(self, "_" + type(part).__name__.lower())(part, w)

    def name(self, entry_id: str, w: _Writer) -> str:
        return w.bold(self.kb.entries[entry_id].display(self.lang))

    def of_name(self, entry_id: str, w: _Writer) -> str:
        """French "de" + the name, with its article: "des Acme Days", "du projet Acme", "d'Acme"."""
        entry = self.kb.entries[entry_id]
        text = entry.called.get("fr") if entry.called else entry.display("fr")
        for article, contracted in (("les ", "des "), ("le ", "du "), ("la ", "de la "), ("l'", "de l'"), ("l’", "de l’")):
            if text.lower().startswith(article):
                return contracted + w.bold(text[len(article):])
        return ("d'" if text[:1].lower() in "aeiouyàâéèêëîïôöùûü" else "de ") + w.bold(text)

    def label(self, attribute: str | None) -> str:
        spec = self.general.attributes.get(attribute or "")
        return spec.label.get(self.lang) if spec else (attribute or "")

    def _card(self, part: Card, w: _Writer) -> None:
        _write_card(self.kb.entries[part.entry], self.kb, self.lang, self.today, w)

    def _location(self, part: Location, w: _Writer) -> None:
        entry, lang = self.kb.entries[part.entry], self.lang
        name = self.name(part.entry, w)
        if isinstance(entry, Person):
            w.line(t("person_where", lang, name=name, organisation=self.name(entry.organisation, w)))
            w.line(f"{w.esc(entry.role.get(lang))}.")
        elif isinstance(entry, Initiative):
            by = ", ".join(w.bold(self.kb.entries[i].called.get(lang) if self.kb.entries[i].called
                                  else self.kb.entries[i].display(lang)) for i in entry.launched_by)
            w.line(t("where_initiative", lang, name=name, by=by))
        elif getattr(entry, "city", None):
            w.line(t("where_city_plural" if entry.plural else "where_city", lang,
                     name=w.bold(entry.in_sentence(lang)), city=w.esc(entry.city)))
            w.line(w.esc(_first_sentence(entry.text.get(lang))))
        else:
            w.line(t("where_area", lang, name=name, area=w.esc(entry.area or "")))
            w.line(w.esc(_first_sentence(entry.text.get(lang))))

    def _schedule(self, part: Schedule, w: _Writer) -> None:
        w.line(event_sentence(self.kb.entries[part.entry], self.lang, self.today, w))

    def _launch(self, part: Launch, w: _Writer) -> None:
        entry = self.kb.entries[part.entry]
        by = tuple(getattr(entry, "launched_by", ()) or ())
        key = "launched_by" if by else "launched"
        w.line(t(key, self.lang, name=self.name(entry.id, w), launched=w.esc(entry.launched),
                 by=", ".join(self.name(i, w) for i in by)))
        w.line(w.esc(_first_sentence(entry.text.get(self.lang))))

    def _fieldvalue(self, part: FieldValue, w: _Writer) -> None:
        value = part.value.get(self.lang) if hasattr(part.value, "get") and not isinstance(part.value, str) else part.value
        if isinstance(value, dt.date):  # "14 November 2025", never an ISO date
            value = format_date(value, self.lang)
        w.line(t("field", self.lang, name=self.name(part.entry, w), attribute=w.esc(self.label(part.attribute)),
                 value=w.esc(str(value))))

    def _listing(self, part: Listing, w: _Writer) -> None:
        lang = self.lang
        if part.none_upcoming:
            w.line(t("no_upcoming", lang))
        elif part.heading.startswith("attr_"):
            w.line(t("head_attr", lang, name=self.name(part.subject, w), attribute=w.esc(self.label(part.heading[5:]))))
        elif part.subject:
            w.line(t("head_" + part.heading, lang, name=self.name(part.subject, w), of_name=self.of_name(part.subject, w),
                     count=len(part.items)))
        elif part.places:
            w.line(t("outside_place" if part.outside else "in_place", lang,
                     place=w.esc(", ".join(self._place(p) for p in part.places))))
        else:
            key = "head_" + part.heading
            w.line(t(key if key in CATALOGUE else "head_kind", lang, count=len(part.items)))
        for item in part.items:
            w.line(_item_line(self.kb.entries[item], lang, self.today, w))

    def _relation(self, part: Relation, w: _Writer) -> None:
        a, b = self.kb.entries[part.entry], self.kb.entries[part.other]
        w.line(t("relation_yes" if part.linked else "relation_no", self.lang, a=self.name(a.id, w), b=self.name(b.id, w)))
        w.line(w.esc(a.text.get(self.lang)))
        w.line(w.esc(b.text.get(self.lang)))

    def _sources(self, part: Sources, w: _Writer) -> None:
        if len(part.files) == 1 < len(self.kb.sources):  # the one article asked about ("the French article")
            source = self.kb.sources[part.files[0]]
            note = f" ({source.note.get(self.lang)})" if source.note else ""
            date = format_date(source.date, self.lang)
            if source.time is not None:
                date = t("source_time", self.lang, date=date, hour=source.time.hour, minute=source.time.minute)
            w.line(t("source_one", self.lang, outlet=w.esc(source.outlet), date=date,
                     author=w.esc(source.author), note=w.esc(note)))
            w.line(f"« {w.esc(source.title)} »")
            details = ([t("source_reading", self.lang, minutes=source.reading_minutes)] if source.reading_minutes else []) \
                + ([t("source_photo", self.lang, credit=w.esc(source.photo))] if source.photo else [])
            if details:
                w.line(" ".join(details))
            return
        w.line(t("sources", self.lang))
        for file in part.files:
            source = self.kb.sources[file]
            w.line(f"• {w.esc(source.citation(self.lang, format_date(source.date, self.lang)))}")

    def _verdict(self, part: Verdict, w: _Writer) -> None:
        w.line(t({True: "yes", False: "no", None: "no_verdict"}[part.yes], self.lang))
        self.part(part.fact, w)

    def _missing(self, part: Missing, w: _Writer) -> None:
        lang = self.lang
        if part.entry:
            if part.attribute and part.entry in w.told:  # ("...? and the fee?": what they say is said once)
                w.line(t("missing_too", lang, attribute=w.esc(self.label(part.attribute)), name=self.name(part.entry, w),
                         of_name=self.of_name(part.entry, w)))
                return
            if part.attribute:
                w.line(t("missing", lang, attribute=w.esc(self.label(part.attribute)), name=self.name(part.entry, w),
                         of_name=self.of_name(part.entry, w)))
            else:
                w.line(t("unknown_about", lang, name=self.name(part.entry, w)))
            w.line(self._what_they_say(part.entry, w))
            w.told.add(part.entry)
        elif part.place:
            key = "missing_at_place" if part.attribute and part.attribute != "figure" else "missing_place"
            w.line(t(key, lang, place=w.esc(self._place(part.place)), attribute=w.esc(self.label(part.attribute or ""))))
        else:
            w.line(t("missing_general", lang, attribute=w.esc(self.label(part.attribute))))

    def _what_they_say(self, entry_id: str, w: _Writer) -> str:
        """The sources' first words on an entry; an event's own date-aware sentence (never "will be there" once past)."""
        entry = self.kb.entries[entry_id]
        if isinstance(entry, Event):
            return event_sentence(entry, self.lang, self.today, w)
        return w.esc(_first_sentence(entry.text.get(self.lang)))

    def _otheredition(self, part: OtherEdition, w: _Writer) -> None:
        entry = self.kb.entries[part.entry]
        w.line(t("other_edition", self.lang, year=part.year, covered=entry.start.year))
        w.line(event_sentence(entry, self.lang, self.today, w))

    def _notfound(self, part: NotFound, w: _Writer) -> None:
        if part.place:
            w.line(t("not_found_place", self.lang, place=w.esc(self._place(part.place))))
        else:
            w.line(t("not_found", self.lang))

    def _declined(self, part: Declined, w: _Writer) -> None:
        if part.reason == "unknown" and part.entry:
            self._missing(Missing(None, part.entry), w)
        else:
            w.line(t(part.reason, self.lang, **self.brand))

    def _chat(self, part: Chat, w: _Writer) -> None:
        assistant = self.kb.vocabulary.assistant
        examples = assistant.examples.get(self.lang, ())
        quoted = ", ".join((f"« {e} »" if self.lang == "fr" else f'"{e}"') for e in examples)
        w.line(w.esc(t(part.kind if part.kind in CATALOGUE else "hello", self.lang, **self.brand,
                       count=len(self.kb.sources), topics=assistant.topics.get(self.lang), examples=quoted,
                       example=examples[0] if examples else "")))

    def _clarify(self, part: Clarify, w: _Writer) -> None:
        if part.follow_up or not part.suggestions:
            w.line(t("clarify_follow_up", self.lang))
            return
        w.line(t("clarify", self.lang))
        for s in part.suggestions:
            w.line(f"• {w.esc(self.kb.entries[s.entry].display(self.lang))}")

    def _place(self, key: str) -> str:
        for place in self.kb.vocabulary.places:
            if normalise(place.key) == key:
                return place.name.get(self.lang)
        return key.title()
