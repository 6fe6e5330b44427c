"""Turn an engine `Result` into the words a user reads, in French or English.

Every fixed string lives in `CATALOGUE`. Each reply is produced twice from the same code: as
plain text (console, JSON contract) and as Telegram HTML, where every piece of knowledge-base or
user text is escaped.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.engine.result import Result, Status, Suggestion
from bot.knowledge import SOURCES, Event, Figure, Initiative, KnowledgeBase, Objective, Person, Speciality

CATALOGUE: dict[str, dict[str, str]] = {
    "hello": {"fr": "Bonjour ! Je suis l'assistant BIOVALIANCE. Posez-moi une question sur les biothérapies en Bourgogne-Franche-Comté : acteurs, événements, objectifs, chiffres clés.",
              "en": "Hello! I am the BIOVALIANCE assistant. Ask me about biotherapies in Bourgogne-Franche-Comté: actors, events, objectives, key figures."},
    "thanks": {"fr": "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
               "en": "You're welcome! Feel free to ask another question."},
    "bye": {"fr": "Au revoir et bonne visite !", "en": "Goodbye, and enjoy the event!"},
    "how_are_you": {"fr": "Très bien, merci ! Que voulez-vous savoir sur BIOVALIANCE ?",
                    "en": "I'm fine, thank you! What would you like to know about BIOVALIANCE?"},
    "who_are_you": {"fr": "Je suis l'assistant de BIOVALIANCE, un robot qui répond à partir de deux articles de presse sur l'initiative.",
                    "en": "I am the BIOVALIANCE assistant, a bot that answers from two press articles about the initiative."},
    "empty": {"fr": "Je n'ai pas vu de question. Écrivez par exemple « Où se trouve RD Biotech ? » ou tapez « aide ».",
              "en": "I did not see a question. Try for example \"Where is RD Biotech?\" or type \"help\"."},
    "help": {"fr": "Je peux vous renseigner sur :\n• les acteurs (entreprises, institutions, réseaux) et où ils se trouvent ;\n• les spécialités de la région (thérapies cellulaires, géniques, tissulaires, théranostique) ;\n• les événements où BIOVALIANCE est présente, avec leurs dates et leurs villes ;\n• les objectifs de l'initiative et les chiffres clés ;\n• les entreprises qui emploient dans une ville ou une spécialité.\nExemples : « Que fait Chematech ? », « Quand a lieu BioFit ? », « Quelles entreprises à Dijon ? »",
             "en": "I can tell you about:\n• the actors (companies, institutions, networks) and where they are;\n• the region's specialities (cell, gene and tissue therapies, theranostics);\n• the events where BIOVALIANCE takes part, with their dates and cities;\n• the initiative's objectives and key figures;\n• the companies that employ people in a city or a speciality.\nExamples: \"What does Chematech do?\", \"When is BioFit?\", \"Which companies are in Dijon?\""},
    "too_long": {"fr": "Votre message est trop long pour moi. Pouvez-vous poser une question courte, en une phrase ?",
                 "en": "Your message is too long for me. Could you ask a short question, in one sentence?"},
    "unanswered": {"fr": "Je ne connais pas encore la réponse à cette question : mes sources n'en parlent pas. Je l'ai transmise à l'équipe BIOVALIANCE.",
                   "en": "I don't know the answer to that yet: my sources do not cover it. I have passed your question on to the BIOVALIANCE team."},
    "unanswered_about": {"fr": "Je ne sais pas répondre à cette question sur {name} : mes sources n'en parlent pas. Je l'ai transmise à l'équipe.",
                         "en": "I can't answer that question about {name}: my sources do not say. I have passed it on to the team."},
    "missing": {"fr": "Je ne connais pas {attribute} de {name} : les articles dont je dispose ne le donnent pas. J'ai transmis la question à l'équipe.",
                "en": "I don't know {name}'s {attribute}: the articles I draw on do not give it. I have passed the question on to the team."},
    "missing_general": {"fr": "Je ne connais pas {attribute} : les articles dont je dispose ne le donnent pas. J'ai transmis la question à l'équipe.",
                        "en": "I don't know the {attribute}: the articles I draw on do not give it. I have passed the question on to the team."},
    "missing_place": {"fr": "Je ne connais pas ce chiffre pour {place} : les articles ne donnent que des chiffres régionaux. J'ai transmis la question à l'équipe.",
                      "en": "I don't know that figure for {place}: the articles only give regional figures. I have passed the question on to the team."},
    "off_topic": {"fr": "Je suis l'assistant BIOVALIANCE : je ne réponds qu'aux questions sur les biothérapies en Bourgogne-Franche-Comté, à partir de mes sources. J'ai transmis votre question à l'équipe.",
                  "en": "I am the BIOVALIANCE assistant: I only answer questions about biotherapies in Bourgogne-Franche-Comté, from my sources. I have passed your question on to the team."},
    "clarify": {"fr": "Je ne suis pas sûr d'avoir compris. Vouliez-vous parler de :", "en": "I'm not sure I understood. Did you mean:"},
    "in_place_none": {"fr": "{place} : mes sources n'y citent aucun acteur ni événement de ce type. J'ai transmis la question à l'équipe.",
                      "en": "{place}: my sources name no actor or event of that kind there. I have passed the question on to the team."},
    "in_place_no_employer": {"fr": "{place} : mes sources n'y citent aucune entreprise. J'ai transmis la question à l'équipe.",
                             "en": "{place}: my sources name no company there. I have passed the question on to the team."},
    "in_place": {"fr": "{place} : voici ce que citent mes sources.", "en": "{place}: here is what my sources name."},
    "sources": {"fr": "Je réponds uniquement à partir de ces deux articles :", "en": "I answer only from these two articles:"},
    "employers": {"fr": "Entreprises de la filière citées dans mes sources (les articles ne publient pas d'offres d'emploi) :",
                  "en": "Companies of the sector named in my sources (the articles do not list job offers):"},
    "employer": {"fr": "Les articles ne publient pas d'offres d'emploi de {name}, mais voici ce qu'ils en disent :",
                 "en": "The articles do not list job offers at {name}, but here is what they say about it:"},
    "speciality_actors": {"fr": "Acteurs qui travaillent sur {name} :", "en": "Actors working on {name}:"},
    "speciality_none": {"fr": "Mes sources ne citent pas d'acteur précis pour {name}.", "en": "My sources name no specific actor for {name}."},
    "list_event": {"fr": "Événements où BIOVALIANCE est présente :", "en": "Events where BIOVALIANCE takes part:"},
    "no_upcoming": {"fr": "Aucun événement à venir n'est annoncé dans mes sources ; les derniers étaient :",
                    "en": "No upcoming event is announced in my sources; the latest ones were:"},
    "list_company": {"fr": "Entreprises citées :", "en": "Companies named:"},
    "list_actor": {"fr": "Acteurs de l'écosystème :", "en": "Actors of the ecosystem:"},
    "list_speciality": {"fr": "Domaines d'excellence de la région :", "en": "The region's areas of expertise:"},
    "list_objective": {"fr": "Les quatre objectifs de BIOVALIANCE :", "en": "BIOVALIANCE's four objectives:"},
    "list_figure": {"fr": "Chiffres clés :", "en": "Key figures:"},
    "list_person": {"fr": "Personnes citées :", "en": "People quoted:"},
    "list_plan": {"fr": "Plans nationaux dans lesquels s'inscrit BIOVALIANCE :", "en": "National plans BIOVALIANCE is part of:"},
    "described": {"fr": "Voici ce que mes sources en disent :", "en": "Here is what my sources say about it:"},
    "partners": {"fr": "BIOVALIANCE est portée par la Région avec ces partenaires :", "en": "BIOVALIANCE is led by the Region with these partners:"},
    "partners_intl": {"fr": "Coopérations internationales :", "en": "International cooperation:"},
    "initiative_who": {"fr": "BIOVALIANCE a été lancée par {launched_by}, avec ses partenaires : {partners}.",
                       "en": "BIOVALIANCE was launched by {launched_by}, with its partners: {partners}."},
    "initiative_where": {"fr": "BIOVALIANCE rassemble la filière des biothérapies de la région Bourgogne-Franche-Comté, dans l'est de la France.",
                         "en": "BIOVALIANCE brings together the biotherapy sector of the Bourgogne-Franche-Comté region, in eastern France."},
    "launched_initiative": {"fr": "BIOVALIANCE a été lancée en {launched}.", "en": "BIOVALIANCE was launched in {launched}."},
    "launched": {"fr": "{name} : lancement en {launched}.", "en": "{name}: launched in {launched}."},
    "where_city": {"fr": "{name} se trouve à {city}.", "en": "{name} is based in {city}."},
    "where_area": {"fr": "{name} se trouve : {area}.", "en": "{name} is located in {area}."},
    "people": {"fr": "Personnes de {name} citées dans mes sources :", "en": "People from {name} quoted in my sources:"},
    "person_where": {"fr": "{name} travaille pour {organisation}.", "en": "{name} works for {organisation}."},
    "related": {"fr": "Acteurs liés à {name} :", "en": "Actors linked to {name}:"},
    "led_by": {"fr": "{name} est mené par :", "en": "{name} is led by:"},
    "relation_yes": {"fr": "Mes sources relient {a} et {b} :", "en": "My sources link {a} and {b}:"},
    "relation_no": {"fr": "Mes sources ne font pas de lien direct entre {a} et {b}.", "en": "My sources draw no direct link between {a} and {b}."},
    "event_future": {"fr": "{name} aura lieu {dates}{place}.", "en": "{name} takes place {dates}{place}."},
    "event_now": {"fr": "{name} a lieu en ce moment, {dates}{place}.", "en": "{name} is on now, {dates}{place}."},
    "event_past": {"fr": "{name} a eu lieu {dates}{place} (événement passé).", "en": "{name} took place {dates}{place} (past event)."},
    "past_tag": {"fr": "passé", "en": "past"},
    "specialities": {"fr": "Spécialités", "en": "Specialities"},
    "source": {"fr": "Source", "en": "Source"},
    "role": {"fr": "Rôle", "en": "Role"},
    "also_ask": {"fr": "Voir aussi", "en": "See also"},
}

MISSING_LABELS: dict[str, dict[str, str]] = {
    "founder": {"fr": "le fondateur", "en": "founder"},
    "ceo": {"fr": "le dirigeant", "en": "chief executive"},
    "phone": {"fr": "le numéro de téléphone", "en": "phone number"},
    "email": {"fr": "l'adresse e-mail", "en": "e-mail address"},
    "website": {"fr": "le site web", "en": "website"},
    "address": {"fr": "l'adresse précise", "en": "street address"},
    "price": {"fr": "le prix ou le tarif", "en": "price"},
    "salary": {"fr": "les salaires", "en": "salaries"},
    "revenue": {"fr": "le chiffre d'affaires", "en": "revenue"},
    "hours": {"fr": "les horaires", "en": "times or opening hours"},
    "headcount": {"fr": "l'effectif", "en": "number of employees"},
    "join": {"fr": "la façon d'adhérer", "en": "membership process"},
    "apply": {"fr": "la façon de postuler", "en": "application process"},
    "age": {"fr": "l'âge", "en": "age"},
    "budget": {"fr": "le budget", "en": "budget"},
    "venue": {"fr": "le lieu exact", "en": "exact venue"},
    "job offers": {"fr": "les offres d'emploi ou de stage", "en": "job or internship offers"},
    "stock": {"fr": "les données boursières", "en": "stock market data"},
    "size": {"fr": "la taille", "en": "size"},
    "location": {"fr": "la ville", "en": "location"},
    "launch date": {"fr": "la date (création, lancement)", "en": "dates (founding, launch)"},
    "leader": {"fr": "le ou la responsable", "en": "leader"},
    "figure": {"fr": "de chiffre", "en": "figure"},
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

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.as_html else text

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.as_html else text

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def done(self) -> str:
        return "\n".join(self.lines).strip()


def format_dates(start: dt.date, end: dt.date, lang: str) -> str:
    """'du 2 au 3 décembre 2025' / '2-3 December 2025', year and month said once when shared."""
    months = MONTHS["fr" if lang == "fr" else "en"]
    def day(d: dt.date) -> str:
        return f"{d.day} {months[d.month - 1]} {d.year}"
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
    return t(key, lang, name=w.bold(event.display(lang)), dates=format_dates(event.start, event.end, lang), place=place)


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
    if isinstance(entry, Event):
        w.line(event_sentence(entry, lang, today, w))
    w.line(w.esc(entry.text.get(lang)))
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
        sources = ", ".join(SOURCES[s].split(":")[0] for s in entry.source)
        w.line(f"\n{t('source', lang)} : {w.esc(sources)}" if lang == "fr" else f"\nSource: {w.esc(sources)}")
    text, rich = _both(write)
    return Reply(text, rich, _related_buttons(entry, knowledge, lang))


def _both(write: Callable[[_Writer], None]) -> tuple[str, str]:
    plain, rich = _Writer(False), _Writer(True)
    write(plain)
    write(rich)
    return plain.done(), rich.done()


def render(result: Result, knowledge: KnowledgeBase, today: dt.date) -> Reply:
    """The reply to one engine result, in the result's language."""
    lang = result.lang
    buttons: tuple[Suggestion, ...] = ()
    entry = knowledge.get(result.entry)
    if result.status == Status.CLARIFY:
        buttons = result.suggestions
    elif result.status == Status.ANSWERED and entry is not None:
        buttons = _related_buttons(entry, knowledge, lang)
    elif result.status == Status.ANSWERED and result.items:
        buttons = tuple(Suggestion(i, knowledge.entries[i].display(lang)) for i in result.items[:6])

    def write(w: _Writer) -> None:
        _write_result(result, knowledge, today, w)
    text, rich = _both(write)
    return Reply(text, rich, buttons)


def _names(ids: Iterable[str], knowledge: KnowledgeBase, w: _Writer, lang: str) -> str:
    return ", ".join(w.bold(knowledge.entries[i].display(lang)) for i in ids)


def _write_result(result: Result, knowledge: KnowledgeBase, today: dt.date, w: _Writer) -> None:
    lang, intent = result.lang, result.intent
    entry = knowledge.get(result.entry)
    items = [knowledge.entries[i] for i in result.items]
    name = w.bold(entry.display(lang)) if entry else ""

    if result.status == Status.SMALLTALK:
        w.line(t(intent if intent in CATALOGUE else "hello", lang))
        return
    if result.status == Status.CLARIFY:
        w.line(t("clarify", lang))
        for s in result.suggestions:
            w.line(f"• {w.esc(s.label)}")
        return
    if result.status == Status.UNANSWERED:
        if intent == "too_long":
            w.line(t("too_long", lang))
        elif intent == "off_topic":
            w.line(t("off_topic", lang))
        elif intent == "in_place" and result.place:
            key = "in_place_no_employer" if result.detail.get("employers") else "in_place_none"
            w.line(t(key, lang, place=w.esc(result.place)))
        elif intent == "missing" and result.missing:
            label = MISSING_LABELS.get(result.missing, {}).get(lang, result.missing)
            if entry:
                w.line(t("missing", lang, attribute=label, name=name))
                w.line(w.esc(_first_sentence(entry.text.get(lang))))
            elif result.place:
                w.line(t("missing_place", lang, attribute=label, place=w.esc(result.place)))
            else:
                w.line(t("missing_general", lang, attribute=label))
        elif entry:
            w.line(t("unanswered_about", lang, name=name))
        else:
            w.line(t("unanswered", lang))
        return

    if intent == "help":
        w.line(t("help", lang))
    elif intent == "define" and entry:
        _write_card(entry, knowledge, lang, today, w)
        if items and isinstance(entry, Speciality):
            w.line(t("speciality_actors", lang, name=name))
            for item in items:
                w.line(_item_line(item, lang, today, w))
    elif intent == "where" and isinstance(entry, Event):
        w.line(event_sentence(entry, lang, today, w))
    elif intent == "where" and entry:
        if entry.city:
            w.line(t("where_city", lang, name=name, city=w.esc(entry.city)))
        if entry.area and not entry.city:
            w.line(t("where_area", lang, name=name, area=w.esc(entry.area)))
        w.line(w.esc(entry.text.get(lang)))
    elif intent == "when" and isinstance(entry, Event):
        w.line(event_sentence(entry, lang, today, w))
    elif intent == "launched" and isinstance(entry, Initiative):
        w.line(t("launched_initiative", lang, launched=w.esc(entry.launched)))
        w.line(w.esc(entry.text.get(lang)))
    elif intent == "launched" and entry:
        w.line(t("launched", lang, name=name, launched=w.esc(entry.launched)))
        w.line(w.esc(entry.text.get(lang)))
    elif intent in ("people", "related", "speciality_actors", "led_by") and entry:
        w.line(t(intent, lang, name=name))
        for item in items:
            w.line(_item_line(item, lang, today, w))
        if intent == "speciality_actors" and not items:
            w.line(t("speciality_none", lang, name=name))
            w.line(w.esc(entry.text.get(lang)))
    elif intent == "person_where" and isinstance(entry, Person):
        w.line(t("person_where", lang, name=name, organisation=w.bold(knowledge.entries[entry.organisation].display(lang))))
        w.line(f"{w.esc(entry.role.get(lang))}.")
    elif intent == "employer" and entry:
        w.line(t("employer", lang, name=name))
        _write_card(entry, knowledge, lang, today, w)
    elif intent == "relation" and entry:
        other = items[0]
        linked = other.id in entry.references() or entry.id in other.references()
        w.line(t("relation_yes" if linked else "relation_no", lang, a=name, b=w.bold(other.display(lang))))
        w.line(w.esc(entry.text.get(lang)))
        w.line(w.esc(other.text.get(lang)))
    elif intent == "figures" and entry:
        for item in items:
            w.line(w.esc(item.text.get(lang)) if len(items) == 1 else _item_line(item, lang, today, w))
    elif intent == "figure" and entry:
        w.line(w.esc(entry.text.get(lang)))
    elif intent == "in_place":
        w.line(t("in_place", lang, place=w.esc(result.place or "")))
        for item in items:
            w.line(_item_line(item, lang, today, w))
    elif intent == "sources":
        w.line(t("sources", lang))
        for title in SOURCES.values():
            w.line(f"• {w.esc(title)}")
    elif intent == "partners":
        initiative = knowledge.initiative
        regional = [i for i in items if i.id in initiative.partners]
        international = [i for i in items if i.id not in initiative.partners]
        sections = [("partners", regional), ("partners_intl", international)]
        if result.detail.get("international"):  # asked about cooperation abroad: that first
            sections.reverse()
        else:
            w.line(w.esc(initiative.members.get(lang)))
        for key, section in sections:
            if section:
                w.line(t(key, lang))
                for item in section:
                    w.line(_item_line(item, lang, today, w))
    elif intent == "initiative_who" and isinstance(entry, Initiative):
        w.line(t("initiative_who", lang, launched_by=_names(entry.launched_by, knowledge, w, lang),
                 partners=_names(entry.partners, knowledge, w, lang)))
        w.line(w.esc(entry.members.get(lang)))
    elif intent == "initiative_how" and isinstance(entry, Initiative):
        w.line(w.esc(entry.how_it_works.get(lang)))
    elif intent == "initiative_where" and isinstance(entry, Initiative):
        w.line(t("initiative_where", lang))
        w.line(w.esc(entry.text.get(lang)))
    elif intent == "list_event":
        upcoming = [e for e in items if isinstance(e, Event) and e.end >= today]
        w.line(t("no_upcoming" if result.detail.get("upcoming") and not upcoming else "list_event", lang))
        for item in items:
            w.line(_item_line(item, lang, today, w))
    elif intent in ("employers", "objectives", "described") or intent.startswith("list_"):
        key = "list_objective" if intent == "objectives" else intent
        w.line(t(key, lang))
        for item in items:
            w.line(_item_line(item, lang, today, w))
    elif entry:
        _write_card(entry, knowledge, lang, today, w)

    for extra_id in result.detail.get("also", ()):
        extra = knowledge.entries[extra_id]
        w.line()
        if intent in ("where",) and not isinstance(extra, Event) and getattr(extra, "city", None):
            w.line(t("where_city", lang, name=w.bold(extra.display(lang)), city=w.esc(extra.city)))
        elif intent in ("when", "where") and isinstance(extra, Event):
            w.line(event_sentence(extra, lang, today, w))
        else:
            _write_card(extra, knowledge, lang, today, w)
