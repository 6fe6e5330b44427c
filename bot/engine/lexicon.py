"""Words that carry the question rather than the entity, in French and English (all normalised).

Every word here is already folded by `bot.text.normalise` (no accents, lower case).
"""
from __future__ import annotations

STOP = frozenset("""
a an the of to in on at by for from with and or but is are was were be been being do does did
it its this that these those there here me my i you your we our us he she they them his her their
as if so than then too very just please pls plz can could would should will shall may might must
some any all also about into over more most such only own same other s t d ll m re ve
le la les l un une des du de d et ou mais est sont etait etaient etre ete ce cet cette ces c
ca cela ceci ici y en au aux a je j moi me m tu te toi t il elle ils elles on nous vous lui leur
leurs son sa ses mon ma mes ton ta tes notre nos votre vos qu que qui quoi se s sur sous dans par
pour avec sans plus tres aussi donc alors ne n pas si bien svp stp merci peux pouvez peut pourrais
pourriez voudrais veux vouloir dire dis dites moi donner donne
""".split())

# Cue words per intent. A question may carry several; the engine resolves them by priority.
INTENT_CUES: dict[str, frozenset[str]] = {
    "where": frozenset("""
        where wheres located location locate situated based city cities town towns place villes
        situe situee situes situees localisation localise localisee ville trouve trouver
        basee base implantee implante siege
    """.split()),
    "when": frozenset("""
        when whens date dates day days schedule period month happening start starts
        quand jour jours calendrier periode mois commence debut dure durent duree duration lasts
    """.split()),
    "who": frozenset("""
        who whos whom lead leads leader leads heads head runs director president chair behind
        qui dirige dirigeant dirigeante preside preside presidee responsable chef porte portee porteur
        initie initiee derriere chairs chaired presides elected elu elue official officials minister
        ministre
    """.split()),
    "how_many": frozenset("""
        many much number numbers count amount total combien nombre montant
    """.split()),
    "list": frozenset("""
        which list lists all every
        quels quelles quel quelle liste lister tous toutes cite citer
    """.split()),
    "jobs": frozenset("""
        job jobs work working career careers employer employers hire hiring hires recruit recruits
        recruiting recruitment position positions vacancy vacancies internship employ employs
        emploi emplois travail travailler travaille recrute recrutent recrutement embauche embauchent
        carriere employeur employeurs poste postes postuler stage stages alternance alternances
        internships opportunity opportunities opening openings offre offres candidature intern interns
        stagiaire stagiaires alternant alternants apprenti apprentis apprentice apprentices
    """.split()),
    "define": frozenset("""
        what whats tell about describe description explain introduce present presentation info
        information informations role do does make makes made produce produces offer offers
        quoi quest cest presente presenter presentez parle parlez decris decrire explique expliquer
        fait font fabrique fabriquent produit produisent propose role infos renseignements sait
        supply supplies supplier provide provides develop develops developed build builds built
        fournit fournissent fournisseur developpe developpent concoit travaille why pourquoi
    """.split()),
    "objectives": frozenset("""
        objective objectives goal goals aim aims purpose mission missions ambition ambitions target
        objectif objectifs but buts vise visent vocation finalite achieve accomplish attract attirer
        attire attirent promote promotes promoting promeut promouvoir valoriser valorise showcase
        accelerate accelerer accelere
    """.split()),
    "partners": frozenset("""
        partner partners partnership partnerships cooperation cooperations collaboration
        collaborations ally allies supporter supporters support supports
        partenaire partenaires partenariat partenariats cooperation soutien soutiens soutient soutenu
        soutenue allies tie ties relations relationships connections liens
    """.split()),
    "how": frozenset("""
        how operate operates comment fonctionne fonctionnement agit agir moyens action actions
        delegation delegations joint communes commune
    """.split()),
    "member": frozenset("""
        member members membership part belong belongs involved joined participate participates
        membre membres adherent adherents partie appartient appartiennent participe
        gather gathers unite unites brings rassemble rassembler rassemblent federe federer reunit
        participent participate participates participating involve involves
    """.split()),
    "upcoming": frozenset("""
        upcoming next future coming soon planned
        venir prochain prochains prochaine prochaines futur futurs bientot prevu prevus
    """.split()),
    "past": frozenset("""
        past previous last earlier former
        passe passes precedent precedents dernier derniers
    """.split()),
}

# Pure interrogatives of "who": every other "who" word (president, minister) may name a role.
WHO_WORDS = frozenset("who whos whom qui".split())

# Roots of words naming a role ("préside", "président", "minister"), to find people by what they do.
ROLE_STEMS = frozenset("presi minis direc edito redac auteu autho journ chef respo dirig".split())
ROLE_SYNONYMS = {"chair": "presi", "elect": "presi", "elu": "presi"}  # "who chairs the Region?"

# Nouns naming a kind of entry: "which companies", "quels événements".
KIND_NOUNS: dict[str, frozenset[str]] = {
    "company": frozenset("""
        company companies firm firms business businesses startup startups employer employers
        manufacturer manufacturers
        entreprise entreprises societe societes firme firmes startups employeur employeurs
        fabricant fabricants boite boites
    """.split()),
    "actor": frozenset("""
        actor actors player players stakeholder stakeholders organisation organisations
        organization organizations institution institutions member members structure structures
        acteur acteurs organisme organismes structure structures membres
    """.split()),
    "event": frozenset("""
        event events fair fairs show shows trade conference conferences congress summit summits
        meeting meetings exhibition exhibitions salon salons evenement evenements congres sommet
        conference rencontre rencontres rendez vous manifestation manifestations meet rencontrer
        autumn automne
    """.split()),
    "speciality": frozenset("""
        speciality specialities specialty specialties specialisation expertise expertises field
        fields area areas domain domains skill skills strength strengths know knowhow
        specialite specialites domaine domaines competence competences excellence
        expert experts specialise specialize specialises specializes excel excels excelle
        strong strongest strength strengths fort forts forte fortes atout atouts asset assets
    """.split()),
    "objective": frozenset("""
        objective objectives goal goals aim aims objectif objectifs but buts
    """.split()),
    "plan": frozenset("""
        plan plans programme programmes program programs strategy strategie national nationale
    """.split()),
    "figure": frozenset("""
        figure figures statistic statistics stats number numbers key chiffre chiffres cles
        statistique statistiques
    """.split()),
    "person": frozenset("""
        people person persons personality personalities
        personnes personne personnalite personnalites intervenant intervenants
    """.split()),
}

# Multi-word kind nouns, matched on the normalised question.
KIND_PHRASES: dict[str, tuple[str, ...]] = {
    "speciality": ("savoir faire", "know how", "points forts"),
}

# Attributes the articles never give. Asking for one of them about a known entry is answered
# honestly with "the sources don't say", never with the entry's description.
MISSING_ATTRIBUTES: dict[str, frozenset[str]] = {
    "founder": frozenset("founder founders founded cofounder fondateur fondateurs fondatrice fonde fondee fondation creator createur".split()),
    "ceo": frozenset("ceo boss ceos pdg patron patronne dg".split()),
    "phone": frozenset("phone telephone tel appeler joindre".split()),
    "email": frozenset("email mail courriel adresse_mail".split()),
    "website": frozenset("website site web url internet homepage webpage linkedin".split()),
    "address": frozenset("address adresse street rue postcode postal".split()),
    "price": frozenset("price prices cost costs ticket tickets fee fees entry admission registration "
                       "prix tarif tarifs billet billets cout coute payant gratuit free entree".split()),
    "salary": frozenset("salary wage wages pay salaire salaires remuneration".split()),
    "revenue": frozenset("revenue revenues turnover sales profit profits affaires benefice benefices".split()),
    "venue": frozenset("venue venues hall booth booths salle emplacement stand stands".split()),
    "programme": frozenset("speaker speakers intervenant intervenants sessions agenda keynote keynotes".split()),
    "registration": frozenset("register registering registration registrations inscrire inscription inscriptions "
                              "enregistrer".split()),
    "contact": frozenset("contact contacts hr rh recruiter recruiters recruteur recruteuse".split()),
    "board": frozenset("board boards governance gouvernance administrateurs".split()),
    "terms": frozenset("terms conditions contract contracts contrat contrats clauses".split()),
    "attendance": frozenset("participants attendees visitors visiteurs exposants exhibitors audience".split()),
    "stock": frozenset("stock stocks shares shareholders actionnaires bourse cotation capitalisation capitalization "
                       "valuation".split()),
    "size": frozenset("big bigger size taille superficie surface".split()),
    "hours": frozenset("hour hours time times opening clock heure heures horaire horaires ouverture".split()),
    "join": frozenset("join joining rejoindre adherer adhesion subscribe".split()),
    "apply": frozenset("apply application applications postuler candidature candidatures candidater cv".split()),
    "age": frozenset("age old born birth birthday naissance anniversaire agee".split()),
    "headcount": frozenset("employees employee staff headcount workforce salaries effectif effectifs collaborateurs".split()),
}

# Multi-word forms of the same attributes, matched on the normalised question.
MISSING_PHRASES: dict[str, tuple[str, ...]] = {
    "ceo": ("chief executive", "managing director", "directeur general", "directrice generale"),
    "website": ("site web", "site internet"),
    "revenue": ("chiffre d affaires",),
    "email": ("e mail",),
    "board": ("conseil d administration", "board members", "board of directors"),
    "stock": ("cours de l action", "share price", "stock price", "market cap"),
    "contact": ("human resources", "ressources humaines"),
    "join": ("become a member", "devenir membre", "devenir partenaire", "become a partner", "sign up"),
}

# Topics a trade-fair visitor may ask that this assistant never covers.
OFF_TOPIC = frozenset("""
weather forecast rain restaurant restaurants food eat lunch dinner hotel hotels parking park taxi train
capital capitale population habitants inhabitants mayor maire
accommodation accomodation hebergement sleep visa tourism tourist museum shopping shop shops beer wine
trains bus flight flights airport wifi toilet toilets football soccer match score cup world
bitcoin crypto recipe movie movies film films music song joke jokes president_usa election
meteo pluie manger dejeuner diner hotel hotels gare avion aeroport toilettes coupe monde match
recette blague chanson politique election garer stationner logement dormir musee biere vin
""".split())

# Words asking for money figures about an entry; without a figure about it, that is unknown.
BUDGET_WORDS = frozenset("budget budgets funding funded fund funds finance financed financing financement "
                         "finance financee finances subvention subventions money argent financial financially "
                         "financier financiere financierement".split())

# "work" and "travailler" ask for employers only when no entry is named: "Chematech travaille
# pour quel traitement ?" asks what Chematech does.
WEAK_JOB_WORDS = frozenset("work working works travail travailler travaille travaillent".split())

SMALLTALK: dict[str, tuple[str, ...]] = {
    "hello": ("hello", "hi", "hey", "good morning", "good afternoon", "good evening", "bonjour",
              "salut", "bonsoir", "coucou", "hello there", "hi there", "yo", "hey there"),
    "thanks": ("thanks", "thank you", "thx", "ty", "cheers", "thank u", "thanks so much", "thank you so much",
               "merci bcp", "merci a vous", "merci a toi", "merci", "many thanks", "ok thx",
               "thank you very much", "thanks a lot",
               "merci beaucoup", "merci bien", "super merci", "great thanks", "cool merci", "parfait merci",
               "top merci", "ok merci", "ok thanks"),
    "bye": ("bye", "goodbye", "good bye", "see you", "see you later", "au revoir", "a bientot",
            "bonne journee", "bonne soiree", "ciao", "a plus", "have a nice day"),
    "how_are_you": ("how are you", "how are you doing", "ca va", "comment ca va", "comment vas tu",
                    "comment allez vous"),
    "who_are_you": ("who are you", "what are you", "qui es tu", "tu es qui", "qui etes vous",
                    "are you a bot", "es tu un robot"),
}

HELP = ("help", "aide", "aidez moi", "help me", "what can you do", "que sais tu faire", "que peux tu faire",
        "qu est ce que tu sais faire", "qu est ce que tu peux faire", "what do you know", "how can you help",
        "how can you help me", "comment peux tu m aider", "what can i ask", "que puis je demander",
        "que peux tu me dire", "tu peux m aider", "peux tu m aider", "can you help", "can you help me",
        "what do you do", "que fais tu", "a quoi sers tu", "what are you for",
        "comment ca marche", "how does this work", "menu", "commands", "commandes", "start", "options")

# Words marking the question as about the whole initiative when no entry is named.
INITIATIVE_WORDS = frozenset("initiative brand marque programme program network reseau ecosystem ecosysteme".split())

# Synonyms folded to one concept, to match key figures whatever words the visitor uses.
CONCEPTS: dict[str, frozenset[str]] = {
    "jobs": frozenset("job jobs emploi emplois work workers working travaillent travaillant travailler "
                      "employees employes salaries people personnes workforce postes employed employ "
                      "employs emploie emploient".split()),
    "companies": frozenset("company companies entreprise entreprises firm firms business businesses "
                           "societes societe startups industriels".split()),
    "money": frozenset("money funding funded fund funds financement finance finances financed euros eur amount "
                       "budget invest investment investissement investir million millions billion billions "
                       "milliard milliards argent subvention subventions".split()),
    "health": frozenset("health healthcare sante medical medicale".split()),
    "biotherapy": frozenset("biotherapy biotherapies biotherapie".split()),
    "biotech": frozenset("biotech biotechs medtech medtechs biotechnology biotechnologies".split()),
    "micro": frozenset("micro microelectronics microelectronique microtechnology microtechnologies "
                       "microtechniques electronics electronique precision".split()),
    "eu": frozenset("eu europe european europeen europeenne ue".split()),
    "specialised": frozenset("specialised specialized specialisees specialisee specialises".split()),
}

# Everyday words that carry no topic: a question made of them and a known name is still clear.
FILLER = frozenset("""
am im ive id youre suis es sommes etes serai serait sera
student students graduate graduates engineer engineers researcher researchers scientist scientists
biologist biologists chemist technician technicians pharmacist phd postdoc doctor nurse
etudiant etudiante etudiants ingenieur ingenieure ingenieurs chercheur chercheuse chercheurs
biologiste biologistes chimiste technicien technicienne pharmacien pharmacienne doctorant doctorante
diplome diplomee jeune junior senior profil experience cv
kesako kezako quesaco focus focused focuses try trying tries aide aider aident help helps helped
doing done does do did have has had having get gets got getting see saw seen know knows knew known need needs want wants
wanted like likes liked find finds found look looks looking search searching seek seeking give
gives show shows tell told say says said think go goes going went come comes came take takes use
used let lets make help try trying interested interest interesting curious wonder wondering ask
asking question questions answer more info detail details something anything everything thing
things someone anyone somebody really actually exactly currently now today still already again
happen happens happened happening going new small main good great nice well better
kind sort type way ways yes no ok okay sure maybe hello there please thank thanks hey
one two three four five first second third many much lot lots few several each both either
currently presently nowadays exist exists existing available possible way within without near
avoir ai as avons avez ont eu voir vu savoir sais sait connaitre connais connait besoin vouloir
veut voulons voulez aimer aime aimerais aimerait chercher cherche cherchons recherche trouver
trouve dire dit parler parle montrer montre donner aller va vont venir vient prendre utiliser
interesse interessee interesses curieux question questions reponse plus infos detail details
quelque chose chose choses quelqu quelqun vraiment actuellement maintenant aujourd hui
deja encore existe existent disponible possible nouveau nouvelle grand grande petit petite bon
bonne oui non ok daccord peut etre chaque plusieurs beaucoup peu un deux trois
se passe passent souhaite souhaiterais merci svp est il y a
matter matters important importance homework devoir devoirs simple simply short bref
resume summary quote quotes citation citations words mots
tient tiennent tenu tenue deroule deroulent majeur majeure majeurs majeures principal principaux principales
mean means meaning meant acronym abbreviation sigle acronyme signifie signifient veut dire named mentioned cited quoted listed featured involved citees cites mentionnees mentionnes nommees
""".split())

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate((
        ("january", "janvier", "jan"), ("february", "fevrier", "feb"), ("march", "mars"), ("april", "avril"),
        ("may", "mai"), ("june", "juin"), ("july", "juillet"), ("august", "aout"),
        ("september", "septembre", "sept"), ("october", "octobre", "oct"), ("november", "novembre", "nov"),
        ("december", "decembre", "dec"),
    ), start=1)
    for name in names
}

# Other names of the countries the knowledge base mentions, folded to one key.
PLACE_SYNONYMS: dict[str, str] = {
    "etats unis": "usa", "united states": "usa", "usa": "usa", "amerique": "usa", "america": "usa",
    "etats unis d amerique": "usa", "united states of america": "usa",
    "france": "france", "canada": "canada",
}

# Shorthand typed on phones, and multi-word forms, rewritten before anything else is read.
SHORTHAND: dict[str, str] = {
    "wat": "what", "wot": "what", "wht": "what", "whats": "what", "wen": "when", "whr": "where",
    "wher": "where", "pls": "please", "plz": "please", "thx": "thanks",
    "ur": "your", "tel me": "tell me", "abt": "about", "bout": "about", "infos": "info", "koi": "quoi", "ki": "qui", "kan": "quand", "qd": "quand",
    "cb": "combien", "cmb": "combien", "stp": "svp", "bcp": "beaucoup", "jsuis": "je suis",
    "stand for": "meaning", "stands for": "meaning", "veut dire": "signifie",
}

ORDINALS: dict[str, int] = {
    "first": 1, "premier": 1, "premiere": 1, "1st": 1, "1er": 1, "1ere": 1,
    "second": 2, "deuxieme": 2, "seconde": 2, "2nd": 2, "2e": 2, "2eme": 2,
    "third": 3, "troisieme": 3, "3rd": 3, "3e": 3, "3eme": 3,
    "fourth": 4, "quatrieme": 4, "4th": 4, "4e": 4, "4eme": 4, "last": 4, "dernier": 4,
}

SOURCE_WORDS = frozenset("source sources article articles reference references press presse journal "
                         "journalist journaliste author auteur wrote ecrit published publie".split())

# Words that ask about BIOVALIANCE's cooperation abroad rather than its regional partners.
INTERNATIONAL_WORDS = frozenset("international internationale internationales internationaux abroad foreign "
                                "etranger world monde north nord america amerique usa canada overseas global hors outside".split())
INTERNATIONAL_NAMES = frozenset("quebec wisconsin".split())  # names, so not general words

# People of a city, as adjectives: "une entreprise dijonnaise" is a company in Dijon.
DEMONYMS: dict[str, str] = {
    **dict.fromkeys("dijonnais dijonnaise dijonnaises".split(), "dijon"),
    **dict.fromkeys("bisontin bisontine bisontins bisontines".split(), "besancon"),
    **dict.fromkeys("lyonnais lyonnaise lyonnaises".split(), "lyon"),
    **dict.fromkeys("strasbourgeois strasbourgeoise strasbourgeoises".split(), "strasbourg"),
    **dict.fromkeys("americain americaine americains americaines american americans".split(), "usa"),
}

# Every word of greetings, thanks and goodbyes: a message made only of these (and fillers such as
# "please") is small talk, however it is put together ("Au revoir et merci", "slt", "help pls").
SMALLTALK_WORDS: dict[str, frozenset[str]] = {
    "bye": frozenset("bye goodbye revoir bientot ciao later journee soiree weekend".split()),
    "thanks": frozenset("thanks thank thx ty cheers merci bcp beaucoup".split()),
    "how_are_you": frozenset("ca va vas allez doing".split()),
    "hello": frozenset("hello hi hey yo morning afternoon evening bonjour salut slt bjr bonsoir bsr coucou cc".split()),
}
SMALLTALK_FILLER = frozenset("""good nice great super cool top parfait ok okay well fine hope hoping you your re
utile useful helpful sympa genial perfect excellent c est ce cest vraiment really
i m am and et a de la le les tu vous toi comment how are is bien tres very much so lot have day see
please pls plz svp stp bonne bon""".split())
HELP_WORDS = frozenset("help aide aider aidez menu commands commandes options".split())
# Words that, with a help word or alone with these, ask how to use the bot: "what kind of questions can I ask?"
HELP_CONTEXT = frozenset("what which kind sort type questions question ask demander poser utiliser use can "
                         "peux peut puis comment quoi quel quelles quels je tu t".split())

# Questions asking for advice or an opinion: the sources give facts, never advice.
OPINION = frozenset("recommend recommended recommends advise advice worth conseilles conseillez recommandes "
                    "recommandez recommander best meilleur meilleure meilleurs meilleures pire worst opinion avis".split())
# "Should I invest in Chematech?", "Mon élu doit-il soutenir… ?": a modal verb with a decision verb.
OPINION_MODALS = frozenset("should shall ought devrais devrait devrions dois doit faut".split())
OPINION_DECISIONS = frozenset("invest investir buy acheter sell vendre support soutenir vote voter".split())

# Words that turn a place or a month into its opposite: "not in France", "hors octobre".
NEGATIONS = frozenset("not pas except sauf hors outside excluding exclude autres".split())

# "What does BIOVALIANCE want?": said of the initiative, wanting is its objectives.
WANT_WORDS = frozenset("want wants wanted veut veulent voulait souhaite souhaitent ambitionne ambition".split())
