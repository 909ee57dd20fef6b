"""Shared word pools for the generated data sets, each split into disjoint train/valid/test parts.

A pool is a tuple of strings in a fixed order. :func:`partition` shuffles it with a
``random.Random`` seeded by the data-set seed and the pool's name, and cuts it into
60 % train, 15 % valid and 25 % test, so a value a model meets at test time was never
in its training data. The same module holds the few text helpers every generator uses.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPLITS = ("train", "valid", "test")
FRACTIONS = {"train": 0.60, "valid": 0.15, "test": 0.25}
ALL = "all"  # pseudo-split: every value of a pool (the corpus uses these)

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
ENTITY_POOLS = {
    "PER": ("first_name", "last_name"),
    "ORG": ("org_name",),
    "LOC": ("city", "country", "region"),
    "MISC": ("nationality", "language", "event", "product_line"),
}


def partition(items: Sequence[str], key: str, seed: int, pin_first: bool = False) -> dict[str, tuple[str, ...]]:
    """Split ``items`` into disjoint ``train``/``valid``/``test`` parts (60/15/25 %).

    The shuffle is seeded by ``seed`` and ``key`` only, so it never depends on the order
    other pools were drawn in. With ``pin_first`` the first item (a synonym list's plain
    word) always lands in train. Each part keeps the items' original order.
    """
    if len(items) < 3 or len(set(items)) != len(items):
        raise ValueError(f"pool {key!r} needs at least 3 distinct items, got {list(items)}")
    rest = list(items[1:] if pin_first else items)
    random.Random(f"partition:{seed}:{key}").shuffle(rest)
    n_valid = max(1, round(len(items) * FRACTIONS["valid"]))
    n_test = max(1, round(len(items) * FRACTIONS["test"]))
    chosen = {"test": rest[:n_test], "valid": rest[n_test:n_test + n_valid]}
    chosen["train"] = rest[n_test + n_valid:] + (list(items[:1]) if pin_first else [])
    order = {item: i for i, item in enumerate(items)}
    return {split: tuple(sorted(chosen[split], key=order.__getitem__)) for split in SPLITS}


@dataclass(frozen=True)
class Pool:
    """A named tuple of values and its train/valid/test parts."""

    name: str
    items: tuple[str, ...]
    parts: dict[str, tuple[str, ...]]

    def values(self, split: str) -> tuple[str, ...]:
        """The values of one split, or all of them for ``split="all"``."""
        return self.items if split == ALL else self.parts[split]

    def pick(self, rng: random.Random, split: str) -> str:
        """One value of ``split``, drawn with ``rng``."""
        return rng.choice(self.values(split))


@lru_cache(maxsize=8)
def pools(seed: int) -> dict[str, Pool]:
    """Every shared pool, partitioned for ``seed``."""
    return {name: Pool(name, items, partition(items, name, seed)) for name, items in POOLS.items()}


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


def money(rng: random.Random, seed: int, split: str) -> str:
    """An amount of money written as people write it: ``$40``, ``40 euros``, ``£1,200``."""
    n = pools(seed)["amount"].pick(rng, split)
    return rng.choice((f"${n}", f"{n} dollars", f"€{n}", f"{n} euros", f"£{n}", f"{n} pounds"))


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
