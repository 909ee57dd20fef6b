"""Shared word pools for the generated data sets, each split into disjoint parts.

A pool is a tuple of strings in a fixed order. :func:`partition` shuffles it with a
``random.Random`` seeded by the data-set seed and the pool's name, and cuts it into
50 % train, 15 % corpus, 10 % valid and 25 % test. The labelled sets draw each split from
its own part; the pretraining corpus draws only from train and its own ``corpus`` part
(the pseudo-split ``pretrain``), never from valid or test. So a value a model meets at
test time was in neither its training data nor its pretraining corpus. Message templates,
which the corpus never uses, are cut 60/15/25 into train/valid/test only.
A value that the kit's fixed sentences use as an ordinary word (:func:`fixed_text`: the literal
text of the phrase tables in ``phrases.py``, the only module this one imports) stays in train.
The same module holds the few text helpers every generator uses, and the leak checks.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .phrases import (
    AGENT_OPENERS,
    CLOSINGS,
    EVERYDAY,
    FOLLOW_UPS,
    FORUM_EXTRAS,
    FORUM_REPLIES,
    GLOSSARY,
    HELP_TITLE,
    INTENTS,
    LIFE,
    NEWS,
    NEWS_MONEY_FORMATS,
    NEWS_NUMBERS,
    OUT_OF_SCOPE_TEMPLATES,
    REVIEWS,
)

SPLITS = ("train", "valid", "test")  # the labelled splits
PARTS = ("train", "corpus", "valid", "test")  # the parts of a value pool
FRACTIONS = {"train": 0.50, "corpus": 0.15, "valid": 0.10, "test": 0.25}
LABELLED_FRACTIONS = {"train": 0.60, "valid": 0.15, "test": 0.25}
PRETRAIN = "pretrain"  # pseudo-split: train + corpus parts, what the pretraining corpus draws from
HELD_OUT = ("valid", "test")

# --- entity pools (NER entities; also names and places in the other sets) -------------

FIRST_NAMES = (
    "Maria", "James", "Aisha", "Kenji", "Olga", "Pedro", "Fatima", "Liam", "Mei", "Carlos",
    "Priya", "Tom", "Ingrid", "Omar", "Daniel", "Yuki", "Ahmed", "Elena", "Lucas", "Chloe",
    "Ravi", "Hannah", "Mateo", "Zainab", "Ethan", "Leila", "Noah", "Ana", "Samuel", "Grace",
    "Diego", "Nadia", "Oliver", "Amara", "Felix", "Sara", "Viktor", "Julia", "Hiroshi", "Lina",
    "Marcus", "Rosa", "Kwame", "Emma", "Tariq", "Laura", "Ivan", "Nina", "Jonas", "Beatriz",
    "Arjun", "Claire", "Malik", "Eva", "Pablo", "Anika", "Henry", "Lucia", "Dmitri", "Alice",
    "Kofi", "Isabel", "Rahul", "Martha", "Stefan", "Amelia", "Yusuf", "Clara", "Hugo", "Naomi",
    "Emeka", "Paula", "Erik", "Selin", "Rafael", "Monica", "Tobias", "Wei", "Nora", "Andre",
    "Keiko", "Luis", "Helen", "Ali", "Vera", "Joao", "Ines", "Peter", "Asha", "Marco",
    "Greta", "Sipho", "Rita", "Anton", "Leah", "Bruno", "Mira", "Oscar", "Zara", "Frank",
    "Lena", "Chen", "Irene", "Kemal", "Lucy", "Adrian", "Farah", "Simon", "Alma", "Tomas",
    "Eleni", "Jamal", "Ruth", "Victor", "Sunita", "Patrick", "Ayumi", "George", "Esther", "Kasia",
)
LAST_NAMES = (
    "Lopez", "Okafor", "Tanaka", "Novak", "Schmidt", "Haddad", "Kowalski", "Silva", "Nguyen", "Patel",
    "Andersson", "Rossi", "Dubois", "Murphy", "Ivanova", "Kim", "Mensah", "Fernandez", "Yilmaz", "Costa",
    "Walsh", "Moreau", "Petrov", "Hassan", "Larsen", "Jansen", "Bianchi", "Ortega", "Chowdhury", "Sato",
    "Mwangi", "Kaur", "Fischer", "Reyes", "Popescu", "Lindqvist", "Adeyemi", "Herrera", "Nakamura", "Wright",
    "Svoboda", "Ferreira", "Abbasi", "Kruger", "Romano", "Castillo", "Horvat", "Ishikawa", "Mendes", "Becker",
    "Sharma", "Dalton", "Eriksen", "Gallagher", "Hoffmann", "Iqbal", "Jovanovic", "Kaplan", "Laurent", "Marsh",
    "Nilsen", "O'Brien", "Pereira", "Quinn", "Ramos", "Suzuki", "Tran", "Vasquez", "Weber", "Xu",
    "Yamamoto", "Zhou", "Alvarez", "Barros", "Carter", "Dimitrov", "Engel", "Fontaine", "Garcia", "Hughes",
    "Ibrahim", "Jensen", "Keller", "Lambert", "Moretti", "Nowak", "Osei", "Park", "Quispe", "Richter",
    "Takahashi", "Umar", "Varga", "Wagner", "Yadav", "Zimmermann", "Banda", "Cohen", "Duarte", "Evans",
    "Fraser", "Gomes", "Holm", "Ito", "Jaramillo", "Koh", "Lund", "Mahlangu", "Nair", "Ochoa",
    "Pillai", "Rocha", "Sokolova", "Toure", "Ueda", "Valdez", "Wolff", "Acheampong", "Brandt", "Chua",
)
ORG_NAMES = (
    "Northwind", "Bluestone", "Redwood", "Silverline", "Ironbridge", "Greenfield", "Brightwater", "Oakridge",
    "Stonegate", "Clearwater", "Riverton", "Westbrook", "Eastgate", "Pinecrest", "Lakeside", "Fairview",
    "Goldcrest", "Crestline", "Meridian", "Zenith", "Vantage", "Keystone", "Sterling", "Orion",
    "Polaris", "Vertex", "Helix", "Cobalt", "Granite", "Juniper", "Sequoia", "Evergreen",
    "Moonstone", "Starling", "Kestrel", "Osprey", "Heron", "Mariner", "Pinnacle", "Regent",
    "Monarch", "Kingsway", "Castlegate", "Bridgewater", "Ashford", "Brookfield", "Copperfield", "Dunmore",
    "Elmstead", "Foxglove", "Glenwood", "Hawthorne", "Ivywood", "Larkspur", "Millbrook", "Northgate",
    "Oakmont", "Parkside", "Queensbury", "Rosewood", "Seabright", "Thornbury", "Upland", "Valemont",
    "Whitfield", "Yarrow", "Bramble", "Cinderhill", "Driftwood", "Emberly", "Fernhill", "Greystone",
    "Hollowell", "Inkwell", "Jadeport", "Kingfisher", "Lindenhall", "Marlowe", "Northstar", "Oakhurst",
    "Pebblebrook", "Ravenscroft", "Saltmarsh", "Tidewater", "Ambervale", "Bellhaven", "Corliss", "Davenport",
)
ORG_KINDS = (
    "Bank", "Capital", "Holdings", "Group", "Airlines", "Motors", "Insurance", "Partners", "Energy",
    "Foods", "Telecom", "Logistics", "Pharma", "Systems", "Media", "Retail", "Mining", "Securities",
    "Financial", "Technologies", "Shipping", "Hotels",
)
CITIES = (
    "Frankfurt", "London", "Tokyo", "Lagos", "Nairobi", "Mumbai", "Toronto", "Madrid", "Lisbon", "Berlin",
    "Paris", "Rome", "Vienna", "Prague", "Warsaw", "Dublin", "Oslo", "Stockholm", "Helsinki", "Copenhagen",
    "Amsterdam", "Brussels", "Zurich", "Geneva", "Milan", "Barcelona", "Seville", "Porto", "Athens", "Istanbul",
    "Cairo", "Casablanca", "Accra", "Dakar", "Kampala", "Johannesburg", "Cape Town", "Durban", "Dubai",
    "Abu Dhabi", "Doha", "Riyadh", "Karachi", "Lahore", "Delhi", "Bangalore", "Chennai", "Kolkata", "Dhaka",
    "Colombo", "Bangkok", "Hanoi", "Manila", "Jakarta", "Singapore", "Kuala Lumpur", "Hong Kong", "Shanghai",
    "Beijing", "Shenzhen", "Seoul", "Busan", "Osaka", "Kyoto", "Sydney", "Melbourne", "Auckland", "Wellington",
    "Brisbane", "Vancouver", "Montreal", "Calgary", "Chicago", "Boston", "Seattle", "Denver", "Houston",
    "Dallas", "Miami", "Atlanta", "New York", "Los Angeles", "San Francisco", "San Diego", "Mexico City",
    "Guadalajara", "Bogota", "Lima", "Quito", "Santiago", "Buenos Aires", "Montevideo", "Sao Paulo",
    "Rio de Janeiro", "Havana", "Kingston", "Reykjavik", "Edinburgh", "Glasgow", "Manchester", "Leeds",
    "Bristol", "Cardiff", "Belfast", "Lyon", "Marseille", "Hamburg", "Munich", "Cologne", "Krakow", "Budapest",
    "Bucharest", "Belgrade", "Zagreb", "Tallinn", "Riga", "Vilnius", "Kyiv", "Tbilisi", "Baku", "Almaty",
    "Tashkent", "Tel Aviv", "Beirut", "Amman", "Tunis", "Algiers", "Addis Ababa", "Kigali", "Lusaka",
    "Harare", "Maputo", "Windhoek", "Valencia",
)
COUNTRIES = (
    "Germany", "France", "Japan", "Nigeria", "Kenya", "India", "Canada", "Spain", "Portugal", "Italy",
    "Austria", "Poland", "Ireland", "Norway", "Sweden", "Finland", "Denmark", "Belgium", "Switzerland",
    "Greece", "Turkey", "Egypt", "Morocco", "Ghana", "Senegal", "Uganda", "South Africa", "Qatar",
    "Saudi Arabia", "Pakistan", "Bangladesh", "Sri Lanka", "Thailand", "Vietnam", "Indonesia", "Malaysia",
    "China", "South Korea", "Australia", "New Zealand", "Mexico", "Colombia", "Peru", "Ecuador", "Chile",
    "Argentina", "Uruguay", "Brazil", "Cuba", "Iceland", "Scotland", "Hungary", "Romania", "Croatia",
    "Estonia", "Latvia", "Lithuania", "Ukraine", "Kazakhstan", "Tunisia", "Ethiopia", "Rwanda", "Zambia",
    "Mozambique", "Namibia",
)
REGIONS = (
    "the Alps", "the Andes", "the Sahara", "the Danube", "the Rhine", "the Nile", "the Mekong", "the Baltic",
    "the Balkans", "the Pyrenees", "the Himalayas", "the Rockies", "the Black Forest", "Silicon Valley",
    "Bavaria", "Tuscany", "Provence", "Patagonia", "Siberia", "Scandinavia", "Andalusia", "Yorkshire",
    "Cornwall", "Normandy", "the Algarve", "Lapland", "Sicily", "Crete", "Bali", "Tasmania",
)
NATIONALITIES = (
    "German", "French", "Japanese", "Nigerian", "Kenyan", "Indian", "Canadian", "Spanish", "Portuguese",
    "Italian", "Austrian", "Polish", "Irish", "Norwegian", "Swedish", "Finnish", "Danish", "Dutch", "Belgian",
    "Swiss", "Greek", "Turkish", "Egyptian", "Moroccan", "Ghanaian", "Brazilian", "Mexican", "Chilean",
    "Argentine", "Colombian", "Peruvian", "Australian", "Chinese", "Korean", "Thai", "Vietnamese", "Filipino",
    "Indonesian", "Malaysian", "Pakistani", "Scottish", "Hungarian", "Romanian", "Ukrainian", "Czech",
    "Icelandic", "Ethiopian", "South African", "European", "Scandinavian",
)
LANGUAGES = (
    "Mandarin", "Swahili", "Hindi", "Tagalog", "Catalan", "Basque", "Welsh", "Esperanto", "Cantonese",
    "Yoruba", "Zulu", "Bengali", "Urdu", "Tamil", "Punjabi", "Hebrew", "Arabic", "Latin", "Amharic", "Malay",
    "Quechua", "Gujarati", "Hausa", "Igbo",
)
EVENTS = (
    "World Cup", "Olympic Games", "Winter Olympics", "Champions League", "Tour de France", "Super Bowl",
    "Wimbledon", "Australian Open", "Davis Cup", "Ryder Cup", "Africa Cup of Nations", "Copa America",
    "Commonwealth Games", "Paralympic Games", "Monaco Grand Prix", "Eurovision Song Contest",
    "Cannes Film Festival", "Venice Biennale", "Oktoberfest", "Glastonbury Festival", "Berlin Marathon",
    "Boston Marathon", "Mobile World Congress", "Frankfurt Book Fair", "Web Summit", "Fintech Week",
    "Nobel Prize", "Booker Prize", "Pulitzer Prize", "Grammy Awards", "Chelsea Flower Show", "Edinburgh Fringe",
)
PRODUCT_LINES = (
    "Lumio", "Terra", "Velo", "Kite", "Orca", "Fenix", "Zeta", "Solis", "Vela", "Arco", "Tempo", "Pulse",
    "Echo", "Glide", "Nomad", "Ember", "Flux", "Halo", "Rivo", "Sora", "Tala", "Umbra", "Wren", "Zola",
    "Corvo", "Nimbo", "Aero", "Lyra",
)
PRODUCT_MODELS = ("Pro", "Mini", "Max", "Air", "Lite", "One", "Plus", "2", "3", "5", "X", "S")

# --- everyday slot values (not entities) --------------------------------------------

CARDS = ("card", "debit card", "bank card", "credit card", "visa card", "contactless card", "travel card")
PRODUCTS = (
    "blender", "kettle", "desk lamp", "pair of headphones", "phone case", "winter jacket", "coffee maker",
    "backpack", "laptop stand", "yoga mat", "pair of trainers", "toaster", "rice cooker", "office chair",
    "bookshelf", "printer", "monitor", "keyboard", "wireless mouse", "water bottle", "umbrella", "suitcase",
    "hair dryer", "air fryer", "vacuum cleaner", "bike helmet", "tablet", "smart watch", "duvet cover",
    "frying pan", "set of knives", "board game", "baby stroller", "electric toothbrush", "camera", "tent",
    "sleeping bag", "mirror", "rug", "microwave",
)
AMOUNTS = (
    "5", "10", "12", "15", "20", "25", "30", "35", "40", "45", "49", "50", "60", "75", "80", "90", "99",
    "100", "120", "150", "180", "200", "250", "300", "350", "400", "450", "500", "600", "750", "800", "900",
    "1,000", "1,200", "1,500", "2,000",
)
CURRENCIES = (
    "dollars", "euros", "pounds", "yen", "francs", "rupees", "pesos", "kronor", "zloty", "dirhams", "rand",
    "lira", "won", "baht", "shekels", "forints",
)
TIMES = (
    "yesterday", "last night", "this morning", "two days ago", "last week", "on Monday", "on Friday",
    "at the weekend", "earlier today", "a few days ago", "last Tuesday", "an hour ago",
)
PLACES = (
    "at the gym", "on the bus", "in a taxi", "at the airport", "at the supermarket", "on the train",
    "at work", "in the park", "in a restaurant", "at the cinema", "at a concert", "at the beach",
    "in a bar", "at the station", "at a festival",
)
MERCHANTS = (
    "a coffee shop", "an online store", "a hotel", "a petrol station", "a supermarket", "a streaming service",
    "an airline", "a gym", "a taxi app", "a restaurant", "a clothing store", "a pharmacy", "a cinema",
    "a bookshop", "a parking meter", "a food delivery app", "a car rental company", "a phone shop",
    "a ticket website", "a furniture store",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)

POOLS: dict[str, tuple[str, ...]] = {
    "first_name": FIRST_NAMES, "last_name": LAST_NAMES, "org_name": ORG_NAMES, "city": CITIES,
    "country": COUNTRIES, "region": REGIONS, "nationality": NATIONALITIES, "language": LANGUAGES,
    "event": EVENTS, "product_line": PRODUCT_LINES, "card": CARDS, "product": PRODUCTS, "amount": AMOUNTS,
    "currency": CURRENCIES, "time": TIMES, "place": PLACES, "merchant": MERCHANTS,
}
PAIRED = ("city", "currency")  # templates ask for two different values: {city} ... {city2}
ENTITY_POOLS = {
    "PER": ("first_name", "last_name"),
    "ORG": ("org_name",),
    "LOC": ("city", "country", "region"),
    "MISC": ("nationality", "language", "event", "product_line"),
}


def partition(items: Sequence[str], key: str, seed: int, pin_first: bool = False,
              fractions: dict[str, float] = FRACTIONS, pinned: Iterable[str] = (),
              at_least: int = 1) -> dict[str, tuple[str, ...]]:
    """Split ``items`` into disjoint parts, sized by ``fractions`` (train takes the rest).

    By default the parts are ``train``/``corpus``/``valid``/``test`` (50/15/10/25 %); with
    ``fractions=LABELLED_FRACTIONS`` only ``train``/``valid``/``test`` (60/15/25 %).
    With ``pin_first`` the first item (a synonym list's plain word) always lands in train, and
    so do the ``pinned`` items (words the kit's fixed sentences use anyway, see :func:`ordinary`);
    the fractions apply to the other items. Every part gets at least ``at_least`` items (2 for a
    pool that templates ask two different values of), except that the corpus part is left empty
    when a pool has too few free items for it. The shuffle is seeded by ``seed`` and ``key``
    only, so it never depends on the order other pools were drawn in, and ``test`` takes the
    first items of the shuffle, so it does not depend on the other fractions. Each part keeps
    the items' original order.
    """
    if len(set(items)) != len(items):
        raise ValueError(f"pool {key!r} holds a value twice: {list(items)}")
    keep = set(pinned) & set(items) | ({items[0]} if pin_first and items else set())
    rest = [item for item in items if item not in keep]
    base = len(rest) + (1 if pin_first and items else 0)  # with no pins: len(items), as it always was
    parts = [part for part in ("test", "valid", "corpus") if part in fractions]
    if len(rest) < len(parts) * at_least and "corpus" in parts:
        parts.remove("corpus")
    if len(rest) < len(parts) * at_least or len(rest) + len(keep) <= len(parts) * at_least:
        raise ValueError(f"pool {key!r} has too few free items for parts {parts}: {list(items)}")
    random.Random(f"partition:{seed}:{key}").shuffle(rest)
    chosen: dict[str, list[str]] = {part: [] for part in fractions}
    for i, part in enumerate(parts):
        left_for_others = (len(parts) - i - 1) * at_least + (0 if keep else at_least)  # train too
        n = min(max(at_least, round(base * fractions[part])), len(rest) - left_for_others)
        chosen[part], rest = rest[:n], rest[n:]
    chosen["train"] = rest + [item for item in items if item in keep]
    order = {item: i for i, item in enumerate(items)}
    return {part: tuple(sorted(chosen[part], key=order.__getitem__)) for part in fractions}


@lru_cache(maxsize=None)
def ordinary(items: tuple[str, ...]) -> tuple[str, ...]:
    """The items that the kit's fixed sentences use as ordinary words (``payment``, ``yesterday`` ...).

    Fixed sentences are the literal text of the intent templates and of every corpus sentence,
    and each synonym slot's plain word (:func:`fixed_text`). Such a value appears in every
    split or in the corpus anyway, so it cannot be held out: :func:`partition` keeps it in train.
    """
    return tuple(phrases_in(items, fixed_text()))


@lru_cache(maxsize=1)
def fixed_text() -> tuple[str, ...]:
    """The literal text (slots cut out) of every intent template and corpus sentence frame in ``phrases``.

    The plain word of every synonym slot (always in train) counts too. A pool value found in
    this text is an ordinary word of the kit, in every split anyway (``exchange`` in the plain
    ``exchange rate``), so :func:`partition` keeps it in train: it is never a valid or test value.
    """
    texts = [t for i in INTENTS for t in (*i.templates, *i.says, *i.answers, *(w[0] for w in i.slots.values()))]
    texts += [*OUT_OF_SCOPE_TEMPLATES, *NEWS, *LIFE, *REVIEWS, *GLOSSARY, *AGENT_OPENERS, *FOLLOW_UPS,
              *CLOSINGS, *FORUM_EXTRAS, *FORUM_REPLIES, *NEWS_MONEY_FORMATS, *MONEY_FORMATS,
              *(v for values in (*EVERYDAY.values(), *NEWS_NUMBERS.values()) for v in values),
              HELP_TITLE, "Customer: Agent: Forum post by Reply from"]
    return tuple(segment for text in texts for segment in SLOT.split(text)[::2] if segment.strip())


@dataclass(frozen=True)
class Pool:
    """A named tuple of values and its parts (see :func:`partition`)."""

    name: str
    items: tuple[str, ...]
    parts: dict[str, tuple[str, ...]]

    def values(self, split: str) -> tuple[str, ...]:
        """The values of one part, or of train and corpus together for ``split="pretrain"``."""
        return pretrain_values(self.items, self.parts) if split == PRETRAIN else self.parts[split]

    def pick(self, rng: random.Random, split: str) -> str:
        """One value of ``split``, drawn with ``rng``."""
        return rng.choice(self.values(split))


def pretrain_values(items: Sequence[str], parts: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The values the pretraining corpus may use: the train and corpus parts, in the items' order."""
    allowed = set(parts["train"]) | set(parts.get("corpus", ()))
    return tuple(item for item in items if item in allowed)


@lru_cache(maxsize=8)
def pools(seed: int) -> dict[str, Pool]:
    """Every shared pool, partitioned for ``seed``; values the kit's fixed sentences use stay in train."""
    return {name: Pool(name, items, partition(items, name, seed, pinned=ordinary(items),
                                              at_least=2 if name in PAIRED else 1))
            for name, items in POOLS.items()}


# --- composite values ---------------------------------------------------------------


def person(rng: random.Random, seed: int, split: str) -> str:
    """A person's name: usually first and last name, sometimes one of them alone."""
    p = pools(seed)
    first, last = p["first_name"].pick(rng, split), p["last_name"].pick(rng, split)
    return rng.choices((f"{first} {last}", first, last), weights=(7, 2, 1))[0]


def organisation(rng: random.Random, seed: int, split: str) -> str:
    """A company name such as ``Northwind Capital``, ``Bank of Riverton`` or ``Zenith``."""
    name = pools(seed)["org_name"].pick(rng, split)
    kind = rng.choice(ORG_KINDS)
    return rng.choices((f"{name} {kind}", f"Bank of {name}", name), weights=(7, 1, 2))[0]


def location(rng: random.Random, seed: int, split: str) -> str:
    """A city, country or region."""
    kind = rng.choices(("city", "country", "region"), weights=(5, 3, 1))[0]
    return pools(seed)[kind].pick(rng, split)


def product_line(rng: random.Random, seed: int, split: str) -> str:
    """A product line such as ``Lumio Pro`` or ``Terra 3``."""
    stem = pools(seed)["product_line"].pick(rng, split)
    return rng.choices((f"{stem} {rng.choice(PRODUCT_MODELS)}", stem), weights=(3, 1))[0]


MONEY_FORMATS = ("${}", "{} dollars", "€{}", "{} euros", "£{}", "{} pounds")


def money(rng: random.Random, seed: int, split: str) -> str:
    """An amount of money written as people write it: ``$40``, ``40 euros``, ``£1,200``."""
    n = pools(seed)["amount"].pick(rng, split)
    return rng.choice(MONEY_FORMATS).format(n)


# --- text helpers -------------------------------------------------------------------

SLOT = re.compile(r"\{([\w.]+)\}")
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’-]\w+)*|[^\w\s]")


def fill(template: str, value: Callable[[str], str]) -> str:
    """Replace each ``{slot}`` in ``template`` with ``value(slot)`` and capitalise the first letter."""
    text = SLOT.sub(lambda m: value(m.group(1)), template)
    return text[:1].upper() + text[1:]


def tokenize(text: str) -> list[str]:
    """Split text into words, numbers and single punctuation marks (CoNLL style)."""
    return TOKEN.findall(text)


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text with ``\\n`` line ends, creating the folder; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --- leak checks: what the corpus shares with the held-out splits ----------------------

NGRAM = 6
WORD = re.compile(r"\d+(?:[.,]\d+)*|\w+")


def words(text: str) -> list[str]:
    """The words the leak checks compare: the lower-cased text's numbers and runs of letters.

    A number keeps its separators (``$1,200`` -> ``1,200``); any other punctuation, apostrophes
    included, separates words (``it's`` -> ``it``, ``s``). So matching word sequences is a
    case-insensitive whole-word match that ignores punctuation.
    """
    return WORD.findall(text.lower())


def ngrams(text: str, n: int = NGRAM) -> set[tuple[str, ...]]:
    """The runs of ``n`` words of ``text``; a text shorter than ``n`` words counts as one run, itself."""
    w = words(text)
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


class PhraseIndex:
    """Word sequences to look for in lines of text, as whole words (see :func:`words`)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_length: dict[int, dict[tuple[str, ...], list[str]]] = {}
        for phrase in phrases:
            key = tuple(words(phrase))
            if key:
                self.by_length.setdefault(len(key), {}).setdefault(key, []).append(phrase)

    def find(self, line: str) -> list[str]:
        """The phrases whose words occur, in a row, in ``line``."""
        w = words(line)
        found: list[str] = []
        for n, keys in self.by_length.items():
            for i in range(len(w) - n + 1):
                found += keys.get(tuple(w[i:i + n]), ())
        return found


def sharing_ngrams(texts: Sequence[str], lines: Iterable[str], n: int = NGRAM) -> list[str]:
    """The texts that share a run of ``n`` words (or, if shorter, all their words) with one of ``lines``."""
    owners: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for gram in ngrams(text, n):
            owners.setdefault(" ".join(gram), []).append(i)
    index = PhraseIndex(owners)
    hit = {i for line in lines for gram in index.find(line) for i in owners[gram]}
    return [texts[i] for i in sorted(hit)]


def phrases_in(phrases: Iterable[str], lines: Iterable[str]) -> list[str]:
    """The distinct phrases that occur in one of ``lines`` as whole words, case ignored."""
    index = PhraseIndex(dict.fromkeys(phrases))
    return sorted({phrase for line in lines for phrase in index.find(line)})
