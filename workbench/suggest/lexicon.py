"""Extra Dutch words and phrases per headline code, and the cues that negate them.

Source: written by us (the workbench team) for this project, from everyday Dutch and from
the way respondents in life-story interviews talk about loss, shame, exhaustion, meaning,
loneliness and money worries. Nothing here is copied from a published lexicon. The codebook's
own ``indicators`` stay the primary source; these lists add the inflections, compounds and
idioms people actually use, so cold-start suggestions find more than the codebook names.

Entries are plain text; they are lemmatised with the same spaCy pipeline as the data before
matching, so "schaamde", "schaam" and "schaamte" all reach the same entry. Each constant holds
one list. ``STRONG`` entries alone are enough for a suggestion; ``WEAK`` entries (ambiguous
words such as "alleen", "tuin", "geld") only count together with other evidence. An entry
starting with "=" matches that exact word form only (``=schulden`` is debt, while the lemma
"schuld" is also guilt).
"""

from __future__ import annotations

# Words that negate what follows (or precedes, Dutch puts "niet" after the verb).
NEGATION_CUES: tuple[str, ...] = (
    "niet", "geen", "nooit", "nimmer", "allerminst", "nergens", "geenszins",
)

# Words that end the reach of a negation cue (a new clause starts).
CLAUSE_BREAKS: tuple[str, ...] = (
    "maar", "en", "want", "omdat", "toen", "terwijl", "dus", "alleen",
)

VERLIES_STRONG: tuple[str, ...] = (
    "overlijden", "overleden", "sterven", "gestorven", "begrafenis", "crematie", "rouw",
    "rouwen", "weduwe", "weduwnaar", "verlies", "verliezen", "kwijtraken", "heengaan",
    "afscheid nemen", "niet meer leven", "scheiding", "scheiden", "gescheiden", "ontslag",
    "ontslagen", "baan kwijt", "werk kwijt", "huis kwijt", "uit huis gezet", "moeten verhuizen",
    "ziek worden", "kanker", "dementie", "herseninfarct", "beroerte", "hartaanval",
    "hartstilstand", "afgekeurd", "arbeidsongeschikt", "zelfmoord", "miskraam", "verloren",
    "vrienden kwijt", "contact verloren", "verwaterd", "uit elkaar", "in een gat vallen",
    "het ene na het andere", "dicht gaan", "failliet", "faillissement", "weggevallen",
    "wegvallen", "overlijden van", "niet meer onder ons", "ontvallen", "heengegaan", "lege plek", "lege stoel",
    "ik mis hem", "ik mis haar", "kwijtgeraakt", "sinds hij weg", "sinds zij weg", "verweduwd",
    "doodgegaan", "afgenomen", "opgeheven", "de dood van", "na de dood",
)
VERLIES_WEAK: tuple[str, ...] = (
    "dood", "kwijt", "missen", "verhuizen", "verhuisd", "ziekte", "ziek", "ziekenhuis",
    "rolstoel", "ongeluk", "operatie", "ruzie", "verbroken", "weggaan", "verdriet", "gemis",
    "afscheid", "huilen", "klap", "alleen achterblijven", "reorganisatie", "vroeger",
    "niet meer", "nooit meer", "sinds",
)

SCHAAMTE_STRONG: tuple[str, ...] = (
    "schamen", "schaamte", "schaam", "gegeneerd", "genant", "gêne", "taboe", "schuldgevoel",
    "schuldig voelen", "niet durven", "durfde niet", "durfde het niet", "verzwijgen",
    "verzwegen", "verborgen houden", "geheimhouden", "geheim houden", "verbergen", "verstoppen",
    "doen alsof", "mislukkeling", "falen", "gefaald", "tekortschieten", "tekortgeschoten",
    "minderwaardig", "vernederend", "vernedering", "gezichtsverlies", "niet laten merken",
    "niets laten merken", "stigma", "toneel spelen", "toneelspelen", "groot houden",
    "flink houden", "sterk voordoen", "wat zullen de mensen", "wat moeten de mensen",
    "niet om hulp vragen", "nooit om hulp", "niemand mocht weten", "niemand mag weten",
    "ontlopen", "blikken", "zielig gevonden", "op tafel leggen", "niet hardop",
    "door de grond", "onder ogen komen", "met de nek aankijken", "schijn ophouden", "de schijn",
    "vuile was",
    "binnenskamers", "mond houden", "niemand iets zeggen", "niks aan de hand",
    "niets aan de hand", "goede gezicht",
    "vrolijk doen", "net doen alsof", "opgelaten", "beschaamd", "eigen schuld", "dom voelen",
    "stom voelen", "klein voelen", "aalmoes", "liefdadigheid", "gordijnen dicht",
    "over mijn lippen", "niet aankijken", "niet durven vragen", "durf niet", "durfde ik niet",
    "niemand weet",
    "niemand weten", "verzwijg",
)
SCHAAMTE_WEAK: tuple[str, ...] = (
    "durven", "vertellen", "buren", "om hulp", "hulp vragen", "trots", "masker", "geheim",
    "liegen", "smoes", "smoesje", "zielig", "medelijden", "uitlachen", "roddelen",
    "afhankelijk", "zwak", "oordelen", "veroordelen", "kijken", "weten", "zeggen dat het goed",
    "verborgen",
)

ENERGIEBALANS_STRONG: tuple[str, ...] = (
    "moe", "moeheid", "vermoeid", "vermoeidheid", "uitgeput", "uitputting", "doodop",
    "doodmoe", "bekaf", "opgebrand", "burn-out", "burnout", "overspannen", "overleven",
    "overleef", "geen energie", "geen puf", "geen fut", "geen kracht", "opbrengen",
    "op brengen", "niet meer kunnen", "aankunnen", "alles te veel", "te veel worden",
    "uitgeblust", "afgemat", "lamgeslagen", "tandvlees", "energie", "puf", "fut", "kost moeite", "kost me te veel", "kost te veel",
    "geen zin meer", "nergens zin in", "de dag doorkomen", "doorkomen", "uitrusten",
    "bijkomen", "overprikkeld", "batterij leeg", "automatische piloot", "op reserve", "geen rek", "rek is eruit",
    "gesloopt", "afgepeigerd", "niet meer trekken", "over mijn grens", "mijn grens", "bijtanken",
    "opladen", "energie sparen", "lepels", "mijn krachten", "krachten verdelen", "uitgeblust",
    "afgeknapt", "dag doorkomen", "de dag door", "sleep me", "sleep mezelf",
    "voel me leeg", "ben leeg", "helemaal leeg",
)
ENERGIEBALANS_WEAK: tuple[str, ...] = (
    "kapot", "kracht", "te veel", "teveel", "zwaar", "rust", "slapen", "niet slapen",
    "slaap", "bed", "liggen", "terugtrekken", "afzeggen", "volhouden", "doorbijten",
    "draaiende houden", "hoofd boven water", "stress", "piekeren", "moeite", "druk", "bank",
    "wakker", "gat",
    "leeg",
)

ZINGEVING_STRONG: tuple[str, ...] = (
    "zingeving", "zin geven", "betekenis", "iets betekenen", "betekenen voor",
    "vrijwilligerswerk", "vrijwilliger", "nodig zijn", "ertoe doen", "er toe doen", "god", "bidden", "gebed", "moskee", "bijbel", "koran", "spiritueel",
    "huisdier", "hond", "kat", "poes", "tuinieren", "hobby", "koor", "zingen", "schilderen", "dankbaar", "dankbaarheid", "genieten", "levenslust",
    "reden om op te staan", "houvast", "kracht putten", "lichtpuntje", "kleinkind",
    "kleinkinderen", "kleindochter", "kleinzoon", "waardevol", "op de been",
    "naartoe leven", "naar toe leven", "waarvoor ik het doe", "het leven zin",
    "iemand zijn", "maatje", "aquarel",
    "de moeite waard", "houdt me overeind", "houdt me op de been", "geeft me kracht",
    "geeft me rust", "geeft me moed",
    "blij van word", "voldoening", "iets terug doen", "zinvol", "het gevoel dat ik iets",
    "trots op",
    "mijn geloof", "het geloof", "gelovig", "in god", "de hoop", "hoop op",
    "blijven hopen", "weer hoop", "hoop houden",
)
ZINGEVING_WEAK: tuple[str, ...] = (
    "zin", "nut", "nuttig", "helpen", "natuur", "bos", "wandelen", "tuin", "zee", "strand",
    "vogels", "bloemen", "paard", "dieren", "breien", "muziek", "lezen", "puzzelen",
    "knutselen", "fotograferen", "toekomst", "plezier", "blij", "gelukkig", "trots", "doel",
    "waarde", "steun", "rust vinden", "zorgen voor", "kerk", "samen", "fijn", "lachen",
    "erbij horen", "erbij", "rustig", "buurthuis", "koffie schenken", "taalles",
    "geloof", "geloven", "hoop", "hopen",
)

ISOLEMENT_STRONG: tuple[str, ...] = (
    "eenzaam", "eenzaamheid", "in mijn eentje", "in m'n eentje", "geen mens", "geen contact",
    "geen vrienden", "geen aanloop", "niemand langs", "niemand die", "met niemand",
    "geen aanspraak", "niet gehoord", "niet gezien", "onzichtbaar", "buitengesloten",
    "buitenstaander", "erbuiten staan", "niet meetellen", "niet meer meetellen",
    "tel niet meer mee", "in de steek", "opsluiten", "binnen zitten",
    "thuis zitten", "de deur niet uit", "deur niet meer uit", "afzonderen",
    "isolement", "vereenzamen", "uitgesloten", "afgesneden", "kluizenaar",
    "stil in huis", "alleen zijn", "helemaal alleen", "er alleen voor", "alleen voor staan",
    "op mezelf", "niemand vraagt", "niemand belt", "niemand komt", "aanbelt", "langs elkaar heen",
    "nooit bellen", "bellen bijna nooit", "zie ik bijna niet", "niemand meer", "geen kip", "geen hond", "geen sterveling", "niemand aan de deur",
    "telefoon gaat nooit",
    "telefoon blijft stil", "tegen de muren", "tegen mezelf praten",
    "niet meer uitgenodigd", "nooit meer gevraagd",
    "er niet meer bij", "buiten de boot", "aan de zijlijn", "niemand om mee te praten",
    "niemand om op terug te vallen", "op mijn eentje",
    "eenzaat", "lange avonden", "opgesloten", "binnenblijven", "thuiszitten", "genegeerd",
    "negeren", "door mij heen", "langs mij heen", "als lucht", "niemand zou het merken",
    "mist mij niemand",
    "voel me verlaten", "me isoleren", "isoleerde me", "geïsoleerd",
)
ISOLEMENT_WEAK: tuple[str, ...] = (
    "alleen", "niemand", "contact", "bezoek", "visite", "bellen", "stil", "leeg huis",
    "muren", "praatje", "gezelschap", "missen", "verveling", "vervelen", "hele dag", "thuis",
    "weekend", "feestdagen", "kerst", "zondag", "avond", "televisie", "tv", "raam",
    "terugtrekken", "weinig contact", "nauwelijks", "ver weg", "thuisblijven",
    "liever thuis", "vrienden",
    "verlaten", "stilte", "isoleren",
)

BESTAANSONZEKERHEID_STRONG: tuple[str, ...] = (
    "geldzorg", "geldzorgen", "geldgebrek", "geldproblemen", "=schulden", "schuldhulp",
    "schuldsanering", "schuldhulpverlening", "bewindvoering", "bewindvoerder",
    "beslaglegging", "deurwaarder", "incasso", "aanmaning", "aanmaningen", "huurachterstand",
    "betalingsachterstand", "uitkering", "bijstand", "voedselbank", "armoede",
    "krap", "niet rondkomen", "komen niet rond", "kwam niet rond", "niet kunnen betalen",
    "niet betalen", "geen geld", "te weinig geld", "werkloos", "geen werk", "zonder werk", "energierekening", "bezuinigen", "geleend", "krediet", "flexwerk",
    "nul-urencontract", "huisuitzetting", "ontruiming", "uit huis gezet", "toeslagen",
    "toeslagenaffaire", "minima", "brood met brood", "eind van de maand",
    "einde van de maand", "niks meer over", "rood staan", "dakloos", "daklozenopvang",
    "noodopvang", "afgekeurd",
    "elke euro", "elk dubbeltje", "dubbeltje omdraaien", "krap bij kas", "geen cent", "blut",
    "platzak", "wachtlijst", "tijdelijk contract", "oproepkracht", "nulurencontract",
    "eigen risico",
    "zorgtoeslag", "huurtoeslag", "afbetalen", "betalingsregeling", "antikraak", "anti-kraak",
    "bankslapen", "noodwoning", "geen geld voor", "niet kunnen betalen",
    "kan ik niet betalen",
    "beslag op", "geld lenen", "lening", "gas afgesloten", "afgesloten van",
)
BESTAANSONZEKERHEID_WEAK: tuple[str, ...] = (
    "geld", "rekening", "rekeningen", "huur", "betalen", "kosten", "duur", "euro", "inkomen",
    "loon", "salaris", "pensioen", "aow", "toeslag", "uwv", "baan", "ontslag", "opvang",
    "boodschappen", "zuinig", "sparen", "onzeker", "onzekerheid", "post", "formulier",
    "portemonnee", "schuld", "rondkomen", "arm", "nabestaandenpensioen", "verkopen",
    "verkocht", "kamer", "inwonen", "klein pensioen",
    "beslag", "achterstand", "lenen", "minimum", "afgesloten",
)

# Everyday words that appear among codebook indicators but say little on their own ("kind",
# "buurt", "willen", "geld", "mijn man"): whatever list they come from, they count as weak
# evidence.
GENERAL_WORDS: tuple[str, ...] = (
    "kind", "familie", "zus", "broer", "willen", "plan", "ooit", "toekomst", "bank", "straat",
    "wijk", "buurt", "stad", "dorp", "winkel", "park", "markt", "plein", "bus", "lezen",
    "koken", "helpen", "nodig", "kracht", "zin", "zwaar", "stil", "ineens", "weer", "op",
    "buiten", "trouw", "beest", "dier", "vriend", "vriendin", "kennis", "club", "collega",
    "pensioen", "woning", "flat", "val", "pijn", "ziek", "ex", "breuk", "conflict", "kaars",
    "hemel", "controle", "beslissen", "afwachten", "lastig", "zielig", "geheim", "ritme",
    "oppakken", "opstaan", "waarvoor", "steun", "dankzij", "muziek", "computer", "tablet",
    "online", "formulier", "aanvraag", "toegang", "procedure", "bakker", "buur", "meegaan",
    "huisarts", "opvolgen", "drinken", "pil", "karakter", "doorzetten", "rekening", "schuld",
    "arm", "geld", "kwijt", "dood", "tegelijk", "erfenis", "gemeente", "kapot", "alleen",
    "niemand", "afhankelijk", "instantie", "bloem", "vogel", "zee", "wandelen", "genieten",
    "volhouden", "vereniging", "verzorgen", "voorziening", "vervoer", "loket",
    "hopen", "hoop", "geloven",
    "mijn man", "mijn vrouw", "en toen", "ook nog", "daarna ook", "alles anders",
)

# Things and activities people name when they talk about meaning ("mijn hond", "het koor",
# "vrijwilligerswerk"), and just as often in passing ("mijn kat is oud maar gezond"): alone
# they stay just under the threshold, so a suggestion needs one more word of evidence.
TOPIC_WORDS: tuple[str, ...] = (
    "hond", "kat", "poes", "huisdier", "paard", "konijn", "parkiet", "dier",
    "beest", "dierenarts", "kleinkind", "kleinkinderen", "kleindochter", "kleinzoon", "koor", "zingen",
    "schilderen", "tuinieren", "hobby", "breien", "puzzelen", "knutselen", "gitaar", "koken",
    "kerk", "moskee", "moestuin", "bos", "natuur", "tuin", "rivier", "zee",
    "vogel", "bloem", "muziek", "lezen", "wandelen", "vrijwilliger", "vrijwilligers", "vrijwilligerswerk",
    "iets terug", "maatje",
)

# Headline code id -> (strong, weak). Children inherit nothing from here; their own
# codebook indicators decide, and a child's score is passed up to its parent.
HEADLINE_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "verlies": (VERLIES_STRONG, VERLIES_WEAK),
    "schaamte": (SCHAAMTE_STRONG, SCHAAMTE_WEAK),
    "energiebalans": (ENERGIEBALANS_STRONG, ENERGIEBALANS_WEAK),
    "zingeving": (ZINGEVING_STRONG, ZINGEVING_WEAK),
    "isolement": (ISOLEMENT_STRONG, ISOLEMENT_WEAK),
    "bestaansonzekerheid": (BESTAANSONZEKERHEID_STRONG, BESTAANSONZEKERHEID_WEAK),
}

# Lemmas whose meaning for a code survives (or needs) a negation: "geen energie",
# "durfde niet", "niet rondkomen", "niemand". A negation cue near them does not lower the score.
NEGATION_PROOF: tuple[str, ...] = (
    "energie", "puf", "fut", "kracht", "zin", "opbrengen", "op_brengen", "aankunnen",
    "slapen", "slaap", "durven", "vertellen", "rondkomen", "betalen", "contact", "vriend",
    "niemand", "mens", "gehoord", "meetellen", "werk", "geld", "redden", "aanloop",
    "bezoek", "hulp", "bellen", "praten", "merken",
)


# Endings that make a new word out of a stem rather than join two words: a word is no
# compound of a theme word when what is left is one of these ("natuurlijk" is not about
# nature, "overlevenden" not about surviving, "eenzaamheid" is matched as a lemma anyway).
DERIVATION_SUFFIXES = frozenset({
    "lijk", "lijke", "lijker", "lijks", "heid", "heden", "ig", "ige", "iger", "isch", "ische",
    "baar", "bare", "loos", "loze", "achtig", "achtige", "schap", "dom", "ing", "ingen",
    "en", "ende", "enden", "den", "de", "der", "ders", "te", "ten", "er", "ers", "es", "tje",
    "tjes", "je", "jes", "st", "ste", "sel", "ling", "lingen", "aar", "aars", "ist", "isten",
    "iteit", "erij", "elijk", "elijke", "ster", "e", "s", "t", "d", "n", "ie", "ies",
})
# Joining sounds between the parts of a compound ("levensgeluk", "schaamtegevoel").
LINKING = ("", "s", "e", "en")
