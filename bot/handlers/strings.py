"""Fixed strings of the Telegram interface (menus, welcome, paging, manners, staff review, privacy),
in French and English.

Answers themselves come from `bot.replies`; this catalogue only holds what is specific to the
Telegram front end. Placeholders are filled with `str.format`; values that may contain user or
knowledge-base text must be HTML-escaped by the caller.
"""
from __future__ import annotations

from bot.replies import fill

STRINGS: dict[str, dict[str, str]] = {
    "welcome": {
        "fr": "Bonjour {name} ! Je suis l'assistant <b>{assistant}</b> : {scope}.\n\nPosez-moi une question "
              "en français ou en anglais ({examples}) ou parcourez les rubriques ci-dessous.",
        "en": "Hello {name}! I am the <b>{assistant}</b> assistant: {scope}.\n\nAsk me a question in English "
              "or French ({examples}) or browse the sections below.",
    },
    "help": {
        "fr": "<b>Ce que je sais faire</b>\nJe réponds aux questions sur {assistant}, ses acteurs, ses "
              "spécialités, ses événements, ses objectifs et ses chiffres clés, à partir de deux articles de presse. "
              "Si je ne sais pas, je le dis et je transmets la question à l'équipe.\n\n"
              "<b>Commandes</b>\n{commands}\n\n<b>Exemples</b>\n{examples}\n\n"
              "Dans un groupe, mentionnez-moi ({mention}) ou répondez à l'un de mes messages.",
        "en": "<b>What I can do</b>\nI answer questions about {assistant}, its actors, specialities, "
              "events, objectives and key figures, from two press articles. "
              "When I don't know, I say so and pass the question on to the team.\n\n"
              "<b>Commands</b>\n{commands}\n\n<b>Examples</b>\n{examples}\n\n"
              "In a group, mention me ({mention}) or reply to one of my messages.",
    },
    "menu_prompt": {"fr": "Que voulez-vous découvrir ?", "en": "What would you like to explore?"},
    "menu_actors": {"fr": "🏢 Acteurs", "en": "🏢 Actors"},
    "menu_specialities": {"fr": "🧬 Spécialités", "en": "🧬 Specialities"},
    "menu_events": {"fr": "📅 Événements", "en": "📅 Events"},
    "menu_objectives": {"fr": "🎯 Objectifs", "en": "🎯 Objectives"},
    "menu_figures": {"fr": "📊 Chiffres clés", "en": "📊 Key figures"},
    "menu_language": {"fr": "🌐 English", "en": "🌐 Français"},
    "title_actors": {"fr": "<b>Acteurs de l'écosystème</b>", "en": "<b>Actors of the ecosystem</b>"},
    "title_specialities": {"fr": "<b>Spécialités de la région</b>", "en": "<b>The region's specialities</b>"},
    "title_events": {"fr": "<b>Événements</b> (à venir d'abord)", "en": "<b>Events</b> (upcoming first)"},
    "title_events_past": {"fr": "<b>Événements passés</b> (aucun événement à venir n'est annoncé)",
                          "en": "<b>Past events</b> (no upcoming event is announced)"},
    "title_objectives": {"fr": "<b>Les objectifs</b>", "en": "<b>The objectives</b>"},
    "title_figures": {"fr": "<b>Chiffres clés</b>", "en": "<b>Key figures</b>"},
    "pick_one": {"fr": "Choisissez une fiche :", "en": "Pick a card:"},
    "page": {"fr": "Page {page}/{pages}", "en": "Page {page}/{pages}"},
    "previous": {"fr": "◀ Précédent", "en": "◀ Previous"},
    "next": {"fr": "Suivant ▶", "en": "Next ▶"},
    "past": {"fr": "passé", "en": "past"},
    "upcoming": {"fr": "à venir", "en": "upcoming"},
    "now_on": {"fr": "en ce moment", "en": "on now"},
    "where": {"fr": "📍 Lieu : {place}", "en": "📍 Location: {place}"},
    "add_to_calendar": {"fr": "📅 Ajouter à mon agenda", "en": "📅 Add to my calendar"},
    "calendar_caption": {"fr": "{name} : ouvrez ce fichier pour l'ajouter à votre agenda.",
                         "en": "{name}: open this file to add it to your calendar."},
    "who_works_on": {"fr": "Qui travaille sur {name} :", "en": "Who works on {name}:"},
    "helpful": {"fr": "👍 Utile", "en": "👍 Helpful"},
    "not_helpful": {"fr": "👎 Pas utile", "en": "👎 Not helpful"},
    "thanks_feedback": {"fr": "Merci pour votre avis !", "en": "Thanks for your feedback!"},
    "sorry_feedback": {"fr": "Merci, nous allons améliorer cette réponse.",
                       "en": "Thanks, we will improve this answer."},
    "lang_prompt": {"fr": "Choisissez votre langue :", "en": "Choose your language:"},
    "lang_set": {"fr": "C'est noté, je vous parle désormais en français.",
                 "en": "Noted, I will now speak English with you."},
    "about": {
        "fr": "{card}\n\n<b>Mes sources</b>\n{sources}\n\nJe ne réponds qu'à partir de ces articles ; "
              "les questions sans réponse sont transmises à l'équipe.",
        "en": "{card}\n\n<b>My sources</b>\n{sources}\n\nI only answer from these articles; "
              "questions I cannot answer are passed on to the team.",
    },
    "slow_down": {
        "fr": "Doucement 🙂 Je reçois beaucoup de messages de votre part : je reprends dans quelques secondes.",
        "en": "Easy there 🙂 I am getting a lot of messages from you: I'll be back with you in a few seconds.",
    },
    "slow_down_short": {"fr": "Doucement, quelques secondes…", "en": "Easy, a few seconds…"},
    "unknown_command": {"fr": "Je ne connais pas cette commande. Tapez /help pour voir ce que je sais faire.",
                        "en": "I don't know that command. Type /help to see what I can do."},
    "gone": {"fr": "Cette fiche n'existe plus.", "en": "This card no longer exists."},
    "text_only": {"fr": "Je ne lis que le texte : écrivez-moi votre question, par exemple « {example} ».",
                  "en": "I can only read text: type your question, for example \"{example}\"."},
    "error": {"fr": "Désolé, un problème technique m'a empêché de répondre. Réessayez dans un instant.",
              "en": "Sorry, a technical problem stopped me from answering. Please try again in a moment."},
    "inline_help_title": {"fr": "Posez-moi une question", "en": "Ask me a question"},
    "inline_no_answer": {"fr": "Pas de réponse sûre : ouvrez la conversation avec moi",
                         "en": "No sure answer: open a chat with me"},
    "inline_open_chat": {"fr": "Discuter avec l'assistant", "en": "Chat with the assistant"},
    "cmd_start": {"fr": "Accueil et menu", "en": "Welcome and menu"},
    "cmd_help": {"fr": "Ce que je sais faire", "en": "What I can do"},
    "cmd_actors": {"fr": "Les acteurs de la filière", "en": "The sector's actors"},
    "cmd_specialities": {"fr": "Les spécialités de la région", "en": "The region's specialities"},
    "cmd_events": {"fr": "Les événements, à venir d'abord", "en": "Events, upcoming first"},
    "cmd_objectives": {"fr": "Les objectifs", "en": "The objectives"},
    "cmd_figures": {"fr": "Les chiffres clés", "en": "Key figures"},
    "cmd_lang": {"fr": "Changer de langue (English)", "en": "Change language (français)"},
    "cmd_about": {"fr": "L'initiative et mes sources", "en": "The initiative and my sources"},
    "cmd_privacy": {"fr": "Vos données et comment les effacer", "en": "Your data and how to erase it"},
    "cmd_review": {"fr": "Questions à revoir (équipe)", "en": "Questions to review (team)"},
    "cmd_link": {"fr": "Relier un groupe à une fiche (équipe)", "en": "Link a group to an entry (team)"},
    "cmd_stats": {"fr": "Statistiques (équipe)", "en": "Statistics (team)"},
    "cmd_export": {"fr": "Journal en CSV (équipe)", "en": "The log as CSV (team)"},

    # Telegram manners: buttons, menus, messages the engine need not see.
    "not_your_button": {"fr": "Ce bouton est pour la personne qui a posé la question.",
                        "en": "This button is for the person who asked."},
    "menu_home": {"fr": "🏠 Menu", "en": "🏠 Menu"},
    "back": {"fr": "◀ Retour", "en": "◀ Back"},
    "nudge": {"fr": "D'accord ! Posez-moi une question quand vous voulez, ou tapez /help.",
              "en": "All right! Ask me anything whenever you like, or type /help."},

    # "Ask the team": the visitor's side.
    "ask_team": {"fr": "🙋 Demander à l'équipe", "en": "🙋 Ask the team"},
    "ask_team_consent": {
        "fr": "Votre question et la réponse du robot seront envoyées à l'équipe, sans votre nom. "
              "Pour vous répondre ici, je garde l'identifiant de cette conversation tant qu'elle est ouverte "
              "(24 h au plus), puis je l'efface.",
        "en": "Your question and the bot's reply will be sent to the team, without your name. To "
              "answer you here, I keep this chat's id while the conversation is open (24 h at most), then erase it.",
    },
    "ask_team_send": {"fr": "✅ Envoyer à l'équipe", "en": "✅ Send to the team"},
    "ask_team_cancel": {"fr": "✖ Non merci", "en": "✖ No thanks"},
    "ask_team_sent": {
        "fr": "📨 C'est transmis : un membre de l'équipe vous répondra ici, en général en quelques minutes. "
              "Répondez à ses messages pour continuer la conversation.",
        "en": "📨 Sent: a member of the team will answer you here, usually within minutes. Reply to their "
              "messages to continue the conversation.",
    },
    "ask_team_cancelled": {"fr": "D'accord, rien n'a été envoyé.", "en": "All right, nothing was sent."},
    "ask_team_unavailable": {"fr": "L'équipe n'est pas joignable pour le moment ; réessayez plus tard.",
                             "en": "The team cannot be reached right now; please try again later."},
    "team_says": {"fr": "💬 <b>L'équipe {assistant}</b> :\n{text}\n\n<i>Répondez à ce message pour lui écrire.</i>",
                  "en": "💬 <b>The {assistant} team</b>:\n{text}\n\n<i>Reply to this message to write back.</i>"},
    "relayed_to_team": {"fr": "✓ Transmis à l'équipe.", "en": "✓ Passed on to the team."},
    "thread_over": {"fr": "Cette conversation avec l'équipe est terminée. Posez-moi une autre question quand vous voulez.",
                    "en": "This conversation with the team has ended. Ask me another question any time."},
    "relay_slow_down": {"fr": "Doucement 🙂 Attendez un peu avant d'envoyer d'autres messages.",
                        "en": "Easy there 🙂 Please wait a little before sending more messages."},

    # "Ask the team": the staff group's side. The visitor is only ever #CODE.
    "thread_header": {
        "fr": "🙋 <b>Visiteur #{code}</b> · {lang} · répondre avant {until} UTC\n\n<b>Question</b>\n« {question} »\n\n"
              "<b>Réponse du robot</b>\n« {answer} »\n\n<b>Fiches proches</b> : {entries}\n\n"
              "<i>Répondez à ce message pour répondre au visiteur.</i>",
        "en": "🙋 <b>Visitor #{code}</b> · {lang} · answer before {until} UTC\n\n<b>Question</b>\n« {question} »\n\n"
              "<b>The bot answered</b>\n« {answer} »\n\n<b>Closest entries</b>: {entries}\n\n"
              "<i>Reply to this message to answer the visitor.</i>",
    },
    "visitor_says": {"fr": "💬 <b>#{code}</b> : {text}", "en": "💬 <b>#{code}</b>: {text}"},
    "relayed_to_visitor": {"fr": "✓ Envoyé à #{code}.", "en": "✓ Sent to #{code}."},
    "thread_not_open": {"fr": "Cette conversation n'est plus ouverte : rien n'a été envoyé.",
                        "en": "This conversation is no longer open: nothing was sent."},
    "thread_close": {"fr": "✖ Clore", "en": "✖ Close"},
    "thread_save": {"fr": "💾 Enregistrer comme réponse", "en": "💾 Save as answer"},
    "thread_closed": {"fr": "✅ Close par l'équipe.", "en": "✅ Closed by the team."},
    "thread_expired": {"fr": "⌛ Expirée (24 h).", "en": "⌛ Expired (24 h)."},
    "thread_forgotten": {"fr": "🗑 Le visiteur a effacé ses données (/forget) : conversation close.",
                         "en": "🗑 The visitor erased their data (/forget): conversation closed."},
    "thread_already": {"fr": "Déjà close.", "en": "Already closed."},
    "thread_nothing_to_save": {"fr": "Aucune réponse de l'équipe à enregistrer.", "en": "No team answer to save."},
    "answer_saved": {
        "fr": "💾 Enregistré comme réponse <b>A{id}</b> ({lang}). Le robot y répondra désormais lui-même.\n"
              "En réponse à ce message : <code>/en texte</code> ou <code>/fr texte</code> pour l'autre langue, "
              "<code>/phrase question</code> pour une autre formulation.",
        "en": "💾 Saved as answer <b>A{id}</b> ({lang}). The bot answers it itself from now on.\n"
              "Replying to this message: <code>/en text</code> or <code>/fr text</code> for the other language, "
              "<code>/phrase question</code> for another phrasing.",
    },
    "answer_amended": {"fr": "✓ Réponse A{id} mise à jour.", "en": "✓ Answer A{id} updated."},
    "answer_amend_usage": {"fr": "En réponse au message « Enregistré comme réponse » : <code>/en texte</code>, "
                                 "<code>/fr texte</code> ou <code>/phrase question</code>.",
                           "en": "Replying to a “Saved as answer” message: <code>/en text</code>, "
                                 "<code>/fr text</code> or <code>/phrase question</code>."},
    "answer_gone": {"fr": "Cette réponse n'existe plus.", "en": "This answer no longer exists."},

    # Staff answers, as the visitor reads them.
    "staff_answer": {"fr": "{text}\n\n<i>Réponse de l'équipe : {source}.</i>",
                     "en": "{text}\n\n<i>Answer from the team: {source}.</i>"},
    "staff_answer_other_lang": {"fr": "<i>L'équipe a écrit cette réponse en anglais :</i>\n",
                                "en": "<i>The team wrote this answer in French:</i>\n"},
    "source_team": {"fr": "équipe {assistant}, {date}", "en": "{assistant} team, {date}"},

    # Staff review in a private chat (/review, /link, /stats, /export); the refusal says nothing about the log.
    "not_staff": {"fr": "Désolé, cette commande est réservée à l'équipe.",
                  "en": "Sorry, this command is for the team only."},
    "log_off": {"fr": "Le journal des questions est désactivé.", "en": "The question log is turned off."},
    "db_down": {"fr": "La base de données est injoignable pour le moment ; réessayez plus tard.",
                "en": "The database cannot be reached right now; please try again later."},
    "console_link": {"fr": "Votre lien de connexion à la console de l'équipe (valable 10 minutes, une seule fois) :\n{url}",
                     "en": "Your sign-in link to the staff console (valid for 10 minutes, once):\n{url}"},
    "reload_done": {"fr": "Base de connaissances rechargée : {entries} fiches. Les autres processus suivent en quelques secondes.",
                    "en": "Knowledge base reloaded: {entries} entries. Other processes follow within seconds."},
    "reload_problems": {"fr": "Base non rechargée : {count} problème(s) dans les fichiers, celle en service est conservée.\n{problems}",
                        "en": "Knowledge base not reloaded: {count} problem(s) in the files; the one in use is kept.\n{problems}"},
    "review_empty": {"fr": "Aucune question en attente de revue. 🎉", "en": "No questions waiting for review. 🎉"},
    "review_head": {"fr": "<b>{total} groupe(s) de questions à revoir</b>, les plus fréquents d'abord :",
                    "en": "<b>{total} group(s) of questions to review</b>, most frequent first:"},
    "review_more": {"fr": "… et {more} autre(s).", "en": "… and {more} more."},
    "review_group": {"fr": "<b>{group}</b> · {count}× · dernière fois le {last} UTC · {langs}",
                     "en": "<b>{group}</b> · {count}× · last asked {last} UTC · {langs}"},
    "review_candidates": {"fr": "Fiches proches : {entries}", "en": "Close entries: {entries}"},
    "review_link": {"fr": "🔗 {name}", "en": "🔗 {name}"},
    "review_other": {"fr": "✏️ Autre fiche", "en": "✏️ Other entry"},
    "review_dismiss": {"fr": "🗑 Ignorer", "en": "🗑 Dismiss"},
    "review_resolve": {"fr": "✅ Traité", "en": "✅ Resolved"},
    "review_write": {"fr": "✍️ Écrire la réponse", "en": "✍️ Write the answer"},
    "review_write_prompt": {
        "fr": "✍️ Répondez à ce message avec la réponse à <b>{group}</b>, dans une langue (l'autre s'ajoute ensuite "
              "avec /en ou /fr). Le robot répondra lui-même à ces questions.",
        "en": "✍️ Reply to this message with the answer to <b>{group}</b>, in one language (add the other later "
              "with /en or /fr). The bot will then answer these questions itself.",
    },
    "review_next": {"fr": "▶ {count} groupe(s) suivant(s)", "en": "▶ Next {count} group(s)"},
    "review_page_end": {"fr": "Fin de la liste.", "en": "End of the list."},
    "review_type_link": {
        "fr": "Envoyez <code>/link {group} identifiant-de-fiche</code> (par ex. <code>/link {group} {example}</code>).",
        "en": "Send <code>/link {group} entry-id</code> (for example <code>/link {group} {example}</code>).",
    },
    "review_already": {"fr": "Déjà traité.", "en": "Already handled."},
    "review_linked": {"fr": "🔗 Relié à <b>{entry}</b> ({count} question(s)) : ces formulations sont apprises.",
                      "en": "🔗 Linked to <b>{entry}</b> ({count} question(s)): these phrasings are learned."},
    "review_dismissed": {"fr": "🗑 Ignoré ({count} question(s)) : elles ne reviendront pas en revue.",
                         "en": "🗑 Dismissed ({count} question(s)): they will not come back to review."},
    "review_resolved": {"fr": "✅ Marqué traité ({count} question(s)).",
                        "en": "✅ Marked resolved ({count} question(s))."},
    "link_usage": {"fr": "Usage : <code>/link g12 identifiant-de-fiche</code>",
                   "en": "Usage: <code>/link g12 entry-id</code>"},
    "link_unknown_entry": {"fr": "Aucune fiche « {entry} » dans la base de connaissances.",
                           "en": "No entry “{entry}” in the knowledge base."},
    "link_did_you_mean": {"fr": "Aucune fiche « {entry} ». Vouliez-vous dire <code>{close}</code> ?",
                          "en": "No entry “{entry}”. Did you mean <code>{close}</code>?"},
    "link_unknown_group": {"fr": "Groupe ou question introuvable : {ref}.", "en": "No such group or question: {ref}."},
    "stats": {
        "fr": "<b>Statistiques du {first} au {last}</b> (UTC)\nQuestions : {questions} · répondues : {rate}\n"
              "Avis : {helpful} 👍 / {not_helpful} 👎 ({ratio} utiles)\nEn attente de revue : {open}",
        "en": "<b>Statistics, {first} to {last}</b> (UTC)\nQuestions: {questions} · answered: {rate}\n"
              "Feedback: {helpful} 👍 / {not_helpful} 👎 ({ratio} helpful)\nWaiting for review: {open}",
    },
    "stats_columns": {"fr": "jour     q   rép  sans  préc", "en": "day      q   ans  none  clar"},
    "stats_top_unanswered": {"fr": "<b>Sans réponse, les plus fréquentes</b>", "en": "<b>Most frequent unanswered</b>"},
    "export_caption": {"fr": "Journal des questions ({rows} lignes).", "en": "Question log ({rows} rows)."},

    # Privacy, for everyone (/privacy, /forget).
    "privacy": {
        "fr": "<b>Vos données</b>\n"
              "• Quand je ne sais pas répondre (ou dois vous faire préciser), je garde votre question pour que "
              "l'équipe l'étudie : le texte, la langue, l'heure, le type de conversation, et une clé pseudonyme "
              "calculée à partir de votre compte. Jamais votre identifiant Telegram, votre nom ni votre pseudo.\n"
              "• Vos avis 👍/👎 sont gardés avec la même clé.\n"
              "• Les questions auxquelles je réponds ne sont que comptées (par jour et par fiche), sans leur texte.\n"
              "• Si vous choisissez « Demander à l'équipe », votre question, les messages échangés et une clé "
              "pseudonyme sont gardés pour l'équipe, qui ne voit ni votre nom ni votre identifiant ; l'identifiant de "
              "cette conversation n'est gardé que tant qu'elle est ouverte (24 h au plus).\n"
              "• Tout cela est effacé au bout de {days} jours.\n"
              "• /forget efface tout de suite ce qui est lié à vous. Une formulation que l'équipe a ajoutée à la "
              "base de connaissances y reste, sans aucun lien avec vous.",
        "en": "<b>Your data</b>\n"
              "• When I cannot answer (or need you to be more precise), I keep your question for the team to "
              "study: its text, language, time, the kind of chat, and a pseudonymous key derived from your "
              "account. Never your Telegram id, name or username.\n"
              "• Your 👍/👎 feedback is kept with the same key.\n"
              "• Questions I answer are only counted (per day and per entry), their text is not kept.\n"
              "• If you choose “Ask the team”, your question, the messages exchanged and a pseudonymous key are kept "
              "for the team, who never see your name or id; this chat's id is kept only while the conversation is "
              "open (24 h at most).\n"
              "• All of it is deleted after {days} days.\n"
              "• /forget erases everything linked to you right away. A phrasing the team added to the knowledge "
              "base stays there, with no link to you.",
    },
    "forgotten": {"fr": "C'est fait : {count} élément(s) lié(s) à vous ont été effacés.",
                  "en": "Done: {count} record(s) linked to you were erased."},
    "nothing_kept": {"fr": "Je ne garde aucune donnée sur vous.", "en": "I keep no data about you."},
}

# The public command menu, in the order Telegram shows it.
PUBLIC_COMMANDS = ("start", "help", "actors", "specialities", "events", "objectives", "figures", "lang", "about",
                   "privacy")
# Added to the menus of staff chats only (each staff member's private chat, the staff group).
STAFF_COMMANDS = ("review", "link", "stats", "export")


def ui(key: str, lang: str, /, **values: object) -> str:
    """A fixed interface string in `lang`, placeholders filled (see `bot.replies.fill`)."""
    return fill(STRINGS, key, lang, **values)
