"""The PLOVER trigger lexicon: English words that express each event type.

Written from the public CAMEO verb categories (01-20) folded into PLOVER's
18 types, not from any test sentence. Keys are spaCy lemmas (lower case).
"""
from __future__ import annotations

TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE",
         "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "CRIME", "SANCTION", "MOBILIZE",
         "COERCE", "ASSAULT")

# PLOVER's quad classes: a stated intention to do something cooperative is AGREE
# (CAMEO 03 "express intent to cooperate"), to do something hostile THREATEN (CAMEO 13).
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE"})


def _words(spec: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, words in spec.items():
        for w in words.split():
            out[w.replace("_", " ")] = kind
    return out


VERBS = _words({
    "CONSULT": "meet visit consult discuss negotiate telephone phone confer host talk arrive convene "
               "parley tour travel",
    "AGREE": "agree sign ratify accept pledge promise commit offer approve settle conclude mediate "
             "broker",
    "SUPPORT": "welcome praise support endorse back hail commend applaud congratulate thank defend "
               "recognise recognize laud reaffirm apologize apologise forgive",
    "CONCEDE": "concede lift ease relax allow permit compromise yield legalize legalise reinstate "
               "shorten",
    "COOPERATE": "cooperate collaborate coordinate share partner extradite",
    "AID": "aid assist help donate give provide supply deliver fund finance grant rescue shelter",
    "RETREAT": "withdraw retreat resign release free evacuate disarm demobilize demobilise surrender "
               "return",
    "INVESTIGATE": "investigate probe examine inspect audit interrogate",
    "DEMAND": "demand urge press insist appeal request ask pressure pressurise pressurize summon order "
              "petition",
    "DISAPPROVE": "condemn criticize criticise blame accuse denounce deplore charge indict sue complain "
                  "allege slam decry censure rebuke lambaste fault disapprove object chide castigate",
    "REJECT": "reject refuse deny veto dismiss decline oppose rebuff spurn defy resist snub ignore fail "
              "violate breach disregard",
    "THREATEN": "threaten warn vow",
    "PROTEST": "protest rally demonstrate march riot picket boycott strike block",
    "CRIME": "steal rob smuggle loot embezzle traffic",
    "SANCTION": "sanction embargo expel sever suspend halt cancel freeze withhold downgrade "
                "prohibit postpone",
    "MOBILIZE": "deploy mobilize mobilise station patrol",
    "COERCE": "arrest detain deport ban restrict outlaw confiscate jail imprison seize censor evict "
              "blockade expropriate curb",
    "ASSAULT": "kill attack bomb shell shoot raid invade assassinate kidnap abduct torture beat wound "
               "massacre explode bombard ambush storm execute abuse injure rape capture retake occupy "
               "fight clash fire murder behead hijack",
})

# Verb + particle: the particle changes the meaning.
PHRASAL = {
    ("shoot", "down"): "ASSAULT", ("blow", "up"): "ASSAULT", ("beat", "up"): "ASSAULT",
    ("call", "on"): "DEMAND", ("call", "for"): "DEMAND", ("call", "off"): "CONCEDE",
    ("pull", "out"): "RETREAT", ("pull", "back"): "RETREAT", ("step", "down"): "RETREAT",
    ("hand", "over"): "AID", ("crack", "down"): "COERCE", ("force", "out"): "COERCE",
    ("lock", "up"): "COERCE", ("cut", "off"): "SANCTION", ("break", "off"): "SANCTION",
    ("turn", "down"): "REJECT", ("set", "up"): "COOPERATE", ("speak", "out"): "DISAPPROVE",
    ("open", "fire"): "ASSAULT", ("hold", "talks"): "CONSULT", ("meet", "demands"): "CONCEDE",
    ("meet", "demand"): "CONCEDE",
    ("receive", "minister"): "CONSULT", ("receive", "president"): "CONSULT", ("receive", "delegation"): "CONSULT",
    ("receive", "envoy"): "CONSULT", ("receive", "ambassador"): "CONSULT", ("receive", "leader"): "CONSULT",
    ("receive", "counterpart"): "CONSULT", ("put", "alert"): "MOBILIZE", ("place", "alert"): "MOBILIZE",
    ("go", "strike"): "PROTEST", ("stage", "walkout"): "PROTEST",
    ("send", "troops"): "MOBILIZE", ("send", "forces"): "MOBILIZE", ("send", "soldiers"): "MOBILIZE",
    ("send", "warships"): "MOBILIZE",
    **{(verb, noun): "MOBILIZE" for verb in ("strengthen", "reinforce", "bolster", "boost", "mass", "increase")
       for noun in ("forces", "troops", "presence", "army", "garrison", "defenses", "defences")},
    **{("recall", noun): "SANCTION" for noun in ("ambassador", "envoy", "diplomats", "ambassadors")}, ("move", "troops"): "MOBILIZE", ("mass", "troops"): "MOBILIZE",
}

NOUNS = _words({
    "CONSULT": "talks negotiation negotiations meeting summit visit conversation consultation "
               "consultations dialogue dialog call contacts contact discussion discussions trip",
    "AGREE": "agreement treaty deal accord pact signing ratification promise pledge commitment "
             "settlement memorandum",
    "SUPPORT": "support praise endorsement recognition ties relations",
    "CONCEDE": "concession concessions amnesty",
    "COOPERATE": "cooperation exercise exercises games partnership collaboration",
    "AID": "aid assistance asylum relief donation supplies loan medicine",
    "RETREAT": "withdrawal ceasefire truce pullback pullout release resignation",
    "INVESTIGATE": "investigation probe inquiry inspection audit",
    "DEMAND": "demand demands appeal request",
    "DISAPPROVE": "criticism condemnation accusation accusations allegation allegations charges lawsuit "
                  "complaint indictment",
    "REJECT": "rejection refusal veto boycott",
    "THREATEN": "threat threats warning ultimatum",
    "PROTEST": "protest protests demonstration demonstrations rally rallies strike march riot riots "
               "sit-in",
    "CRIME": "theft robbery smuggling",
    "SANCTION": "sanctions sanction embargo expulsion",
    "MOBILIZE": "deployment mobilization mobilisation reinforcements patrols",
    "COERCE": "arrest arrests detention curfew crackdown ban blockade deportation",
    "ASSAULT": "attack attacks raid raids bombing bombings shelling assault strike strikes airstrike "
               "airstrikes invasion offensive killing killings massacre fighting clashes ambush "
               "assassination shooting torture fire",
})

# Verbs that carry no event of their own: the event is their object ("held talks",
# "paid a visit", "imposed a curfew", "launched an investigation").
LIGHT = frozenset("hold pay make conduct have launch open stage issue impose reach start begin carry "
                  "take organize organise undertake mount initiate renew resume continue begin "
                  "complete establish announce declare express extend".split())

# Verbs that tell of an event without taking part in it: their subject is no actor of it.
REPORTING = frozenset("say report tell describe mention cite discuss recall see watch witness cover follow "
                      "confirm deny claim note show reveal expect fear predict blame".split())

# Verbs that state: "X said Y must ..." is a demand.
SAYING = frozenset("say declare state insist announce tell stress write add argue believe".split())

# Verbs that pass the event on to an event noun they govern ("ordered patrols" → MOBILIZE).
CAUSATIVE = frozenset("order authorize authorise approve".split())
# spaCy's small model mislemmatises a few verbs.
LEMMA_FIXES = {"stag": "stage", "stagee": "stage"}

# A light verb that decides the type of its object's event.
LIGHT_TYPE = {
    ("impose", "SANCTION"): "SANCTION", ("impose", "CONCEDE"): "COERCE",
    ("impose", "COERCE"): "COERCE", ("declare", "RETREAT"): "RETREAT",
    ("establish", "SUPPORT"): "SUPPORT", ("extend", "COERCE"): "COERCE",
}
# Verbs that undo their object: ending a restriction or a fight concedes ("lifted the curfew",
# "called off the strike" → CONCEDE); ending contact or help cuts relations ("cancelled the visit",
# "suspended aid", "stopped negotiations" → SANCTION).
UNDO = frozenset("lift ease relax end stop cancel postpone suspend halt sever cut break freeze drop "
                 "abandon scrap".split())
HOSTILE = frozenset({"COERCE", "SANCTION", "PROTEST", "ASSAULT", "THREATEN", "MOBILIZE"})

# Nouns that only count after a word that makes them an event ("telephone call", "joint exercise").
NEED_MODIFIER = {"fire": {"artillery", "rocket", "mortar", "gun", "machine-gun", "tank", "sniper", "heavy"},
                 "call": {"telephone", "phone"}, "exercise": {"joint", "military", "naval"},
                 "exercises": {"joint", "military", "naval"}, "games": {"war"},
                 "ties": {"diplomatic"}, "relations": {"diplomatic"}, "contacts": set(),
                 "contact": set(), "support": set(), "release": set(), "strike": set(),
                 "strikes": set(), "trip": set(), "medicine": set(), "supplies": set()}
# Modifiers that turn a noun into another type: "hunger strike" is PROTEST, "air strike" ASSAULT.
NOUN_MODIFIED = {("strike", "hunger"): "PROTEST", ("strike", "general"): "PROTEST",
                 ("strike", "air"): "ASSAULT", ("strikes", "air"): "ASSAULT",
                 ("strike", "missile"): "ASSAULT", ("strike", "drone"): "ASSAULT",
                 ("strike", "military"): "ASSAULT", ("strikes", "military"): "ASSAULT"}

# Verbs whose to-infinitive is an intention or plan: the complement has not happened.
PLAN_VERBS = frozenset("agree plan intend expect decide promise pledge vow prepare aim hope seek want "
                       "propose offer schedule threaten try attempt wish consider ready "
                       "prepared".split())
# Verbs that ask someone else to act: what they ask for has not happened ("urged Baku to sign").
ASK_VERBS = frozenset("urge ask call demand press request invite encourage order pressure appeal".split())
# Verbs whose complement did not happen: the complement is negated, the verb is the event (REJECT).
NEG_VERBS = frozenset("refuse decline fail reject".split())
PLANNED_MODIFIERS = frozenset("possible upcoming planned future proposed potential imminent expected next "
                              "forthcoming scheduled prospective".split())
MODALS_PLANNED = frozenset("will would shall 'll may might could should can must going".split())
MODALS_INTENT = frozenset("will would shall 'll going".split())

# Places and institutions that stand for a country's government.
SEATS = {"Kremlin": "RU", "White House": "US", "Washington": "US", "Pentagon": "US",
         "State Department": "US", "Downing Street": "GB", "Whitehall": "GB", "Elysee": "FR",
         "Élysée": "FR", "Quai d'Orsay": "FR", "Zhongnanhai": "CN", "Beijing": "CN", "Moscow": "RU",
         "Ankara": "TR", "Tehran": "IR", "Akorda": "KZ", "Astana": "KZ", "Yerevan": "AM", "Baku": "AZ",
         "Tbilisi": "GE", "Kyiv": "UA", "Kiev": "UA", "Knesset": "IL", "Bundestag": "DE",
         "Duma": "RU", "Berlin": "DE", "Paris": "FR", "London": "GB", "Tokyo": "JP"}

# Abstract nouns that name a state, an issue or an event, never someone who acts: as the subject of
# a verb ("Tensions escalated after ...", "the situation led to ...") or the "of" phrase of an event
# noun ("the settlement of disputes") they are no actor. Lemmas, lower case; the event nouns of
# ``NOUNS`` count too (see ``is_abstract``), except those that are groups of people.
ABSTRACT = frozenset("""
tension tensions situation violence crisis crises conflict conflicts war wars hostility hostilities
confrontation standoff stand-off escalation de-escalation unrest instability stability security
peace process relations relationship dispute disputes row feud rivalry spat controversy scandal
issue issues problem problems question matter concern concerns fear fears anger outrage frustration
pressure momentum dynamics development developments progress effort efforts policy policies stance
position approach strategy plan plans measure measures atmosphere climate mood rhetoric
debate uncertainty risk danger tragedy incident incidents event events accident disaster
catastrophe emergency chaos turmoil deadlock impasse stalemate breakthrough normalization
normalisation reconciliation integration initiative proposal idea principle principles framework
agenda decision result results outcome consequence consequences impact bloodshed
""".split())
_PEOPLE_NOUNS = frozenset({"reinforcements", "patrols", "delegation"})


def is_abstract(lemma: str) -> bool:
    """A noun that names no one who can act ("tensions", "the talks", "fighting")."""
    lemma = lemma.lower()
    return lemma in ABSTRACT or (lemma in NOUNS and lemma not in _PEOPLE_NOUNS)


# ---------------------------------------------------------------- Russian (natasha lemmas)

RU_VERBS = _words({
    "CONSULT": "встретиться встречаться посетить посещать обсудить обсуждать переговорить провести_переговоры "
               "созвониться прибыть принять",
    "AGREE": "договориться договариваться подписать подписывать согласиться соглашаться ратифицировать "
             "пообещать обещать заключить",
    "SUPPORT": "приветствовать поддержать поддерживать похвалить одобрить поблагодарить",
    "CONCEDE": "уступить смягчить ослабить разрешить отменить",
    "COOPERATE": "сотрудничать",
    "AID": "помочь помогать предоставить направить_помощь пожертвовать",
    "RETREAT": "вывести отступить освободить отвести уйти_в_отставку",
    "INVESTIGATE": "расследовать проверить",
    "DEMAND": "потребовать требовать призвать призывать настаивать",
    "DISAPPROVE": "осудить осуждать обвинить обвинять раскритиковать критиковать упрекнуть",
    "REJECT": "отвергнуть отвергать отказаться отказываться отклонить опровергнуть",
    "THREATEN": "пригрозить угрожать предупредить",
    "PROTEST": "протестовать бастовать митинговать",
    "SANCTION": "выслать отозвать приостановить ввести_санкции",
    "MOBILIZE": "мобилизовать развернуть перебросить",
    "COERCE": "арестовать задержать запретить депортировать ограничить",
    "ASSAULT": "убить атаковать обстрелять сбить взорвать напасть ударить бомбить",
})
RU_NOUNS = _words({
    "CONSULT": "переговоры встреча визит саммит консультация разговор беседа",
    "AGREE": "соглашение договор подписание",
    "AID": "помощь",
    "INVESTIGATE": "расследование",
    "PROTEST": "протест митинг забастовка демонстрация акция",
    "SANCTION": "санкция санкции",
    "ASSAULT": "атака удар обстрел нападение",
    "COERCE": "арест задержание",
})
RU_PLAN = frozenset("мочь планировать намереваться собираться договориться согласиться решить "
                    "пообещать обещать готовый".split())
RU_NEG = frozenset("отказаться отказываться".split())
# Russian country adjectives (natasha tags the country names themselves).
RU_DEMONYMS = {"российский": "RU", "азербайджанский": "AZ", "армянский": "AM", "казахстанский": "KZ",
               "американский": "US", "украинский": "UA", "грузинский": "GE", "турецкий": "TR",
               "иранский": "IR", "китайский": "CN", "французский": "FR", "немецкий": "DE",
               "британский": "GB", "израильский": "IL", "белорусский": "BY", "кремль": "RU"}
# Short Russian country names that pycountry's catalogue gives only in their long form.
RU_COUNTRIES = {"Россия": "RU", "США": "US", "Соединенные Штаты": "US", "Великобритания": "GB",
                "Кремль": "RU", "Москва": "RU", "Вашингтон": "US", "Белый дом": "US", "Иран": "IR",
                "Молдавия": "MD", "Киргизия": "KG", "Белоруссия": "BY", "Южная Корея": "KR",
                "Северная Корея": "KP", "КНДР": "KP", "Сирия": "SY", "Турция": "TR"}
