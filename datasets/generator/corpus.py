"""The unlabeled pretraining corpus: ``corpus/corpus.txt``, one document or paragraph per line.

Six kinds of text: support chats, help-centre articles and forum threads built from every
intent's corpus phrases and answers, shop reviews, finance news and everyday prose naming
entities. Every value it uses (synonyms, slot values, names, places ...) comes from the
train part or the corpus's own part of its pool, never from the valid or test parts, and it
never uses an intent or NER template. A line that would still share a run of six words with a
valid or test intent message, or contain a held-out value or entity string, is drawn again,
so pretraining teaches which words go together without leaking held-out data.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from . import intents, lexicon, ner
from .intents import INTENTS, OOS_SLOTS, Intent
from .lexicon import (
    FRACTIONS,
    HELD_OUT,
    NGRAM,
    PRETRAIN,
    PhraseIndex,
    fill,
    ngrams,
    phrases_in,
    pools,
    sharing_ngrams,
    table,
    write_text,
)

TARGET_BYTES = 1_500_000
KIND_WEIGHTS = {"chat": 26, "help": 13, "forum": 13, "review": 10, "news": 21, "life": 17}

AGENT_OPENERS = (
    "Thanks for getting in touch.", "Sorry to hear that.", "I can help with that.", "Thanks for waiting.",
    "Let me check that for you.", "I understand, that sounds stressful.", "Thanks for your message.",
    "No problem at all.",
)
FOLLOW_UPS = (
    "ok, how long will that take?", "and what if that doesn't work?", "great, thanks for explaining",
    "is there anything I need to do?", "can I do this in the app?", "that's a relief",
    "do I need to call anyone else?", "ok thanks, one more thing", "perfect, that makes sense",
)
CLOSINGS = (
    "Is there anything else I can help you with today?", "Have a lovely day.", "You're welcome, take care.",
    "Happy to help, goodbye.", "Thanks for being with us.", "Glad we could sort it out.",
)
FORUM_EXTRAS = (
    "Has anyone else had this?", "I'm getting really frustrated.", "Any tips would be great.",
    "First time posting here, sorry if this is the wrong place.", "It's been a stressful week.",
    "Is this normal?", "What would you do?",
)
FORUM_REPLIES = (
    "Same here!", "This happened to me last month too.", "Don't worry, it's usually fine.",
    "I had the same problem.", "Had this last year.", "You're not alone.", "Ugh, I know the feeling.",
)
GLOSSARY = (
    'Whether you say "{a}" or "{b}", the steps are the same.',
    'Some people search for "{a}" and others for "{b}"; this article covers both.',
    'Customers often write "{a}" when they mean "{b}", and we treat both the same way.',
    'Related searches: {a}, {b}.',
)
NEWS = (
    "{ORG} reported higher quarterly profits on {DAY}, helped by strong demand in {COUNTRY}.",
    "Shares in {ORG} fell {PCT} percent after the company warned that costs were rising.",
    "The company, which is based in {CITY}, employs around {NUM} people.",
    "{PER}, who has led {ORG} for six years, said the results were encouraging.",
    "Analysts said the deal could value {ORG2} at about {MONEY}.",
    "The {NAT} central bank raised interest rates by a quarter of a point.",
    "Consumer prices in {COUNTRY} rose {PCT} percent in {MONTH}, official figures showed.",
    "{ORG} said it would close {NUM} branches and move more services online.",
    "One customer said a {transfer_failed.transfer} of {MONEY} {transfer_failed.failed} twice during the outage.",
    "The bank said it would repay customers who paid a {fees_question.fee} by mistake.",
    "{ORG} will drop its {fees_question.fee} for {fees_question.what} from {MONTH}.",
    "The {exchange_rate.rate} between the {NAT} currency and the dollar has moved sharply this year.",
    "Travellers were advised to check the {exchange_rate.rate} before they {exchange_rate.convert} money at airports.",
    "{PER2}, an analyst at {ORG2}, said investors were waiting for news from {CITY}.",
    "The {PRODUCT} went on sale in {COUNTRY} in {MONTH} and sold out within days.",
    "{ORG} plans to open an office in {CITY2} next year.",
    "Regulators are looking at how banks treat customers who find a {dispute_charge.charge} they "
    "{dispute_charge.unknown}.",
    "Online shops in {COUNTRY} said more buyers asked for {refund_request.refund} after the holidays.",
    "Couriers warned that a {delivery_status.ship} could take longer to reach customers during the {EVENT}.",
    "The bank apologised after some customers found their accounts {account_locked.locked} for a day.",
    "{ORG} said card payments {card_declined.declined} at some shops on {DAY} were caused by a technical fault.",
    "Markets in {CITY} closed slightly higher on {DAY}.",
    "Fuel prices rose after reports of lower output from {REGION}.",
    "The merger would create one of the largest lenders in {COUNTRY}.",
    "{ORG} hired {PER2} from {ORG2} as its new finance director.",
    "The company expects sales to grow by {PCT} percent next year.",
    "Hotels in {CITY} expect a busy season ahead of the {EVENT}.",
    "Exporters in {COUNTRY} welcomed the weaker currency.",
    "Unemployment in {COUNTRY} fell to {PCT} percent, the lowest level in ten years.",
    "{PER} told a conference in {CITY} that small firms still struggle to borrow.",
    "{ORG} said the number of customers who {open_account.open} a new {open_account.account} online doubled last year.",
    "Fraud experts at {ORG} said anyone who has {card_lost.lost} a card should freeze it at once.",
    "Complaints about a {cancel_order.order} that shoppers could not {cancel_order.cancel} rose by a third.",
    "Customers who want to {close_account.close} an account must now be helped within five working days.",
    "The app lets users {top_up.topup} their accounts from abroad in a few seconds.",
    "{ORG} said long waits for anyone trying to {contact_human.talk} {contact_human.human} would end by {MONTH}.",
    "The government of {COUNTRY} announced a plan to cut taxes for small businesses.",
    "{ORG} lost a court case in {CITY} over the way it sold insurance to older customers.",
    "Economists expect growth in {COUNTRY} to slow to {PCT} percent as exports weaken.",
    "Retail sales in {CITY} were stronger than expected in {MONTH}, helped by warm weather.",
    "The price of coffee reached its highest level in a decade after a poor harvest in {COUNTRY}.",
    "{PER}, the finance minister, said the budget would include more money for schools and hospitals.",
    "{ORG} and {ORG2} are in talks about a joint venture in {REGION}, people familiar with the matter said.",
    "Workers at the {CITY} factory of {ORG} voted to strike over pay.",
    "House prices in {CITY} have doubled in ten years, pushing young buyers out of the city.",
    "The {NAT} government sold a stake in {ORG} for {MONEY}.",
    "Card spending abroad rose sharply as more people travelled to {COUNTRY} for the {EVENT}.",
    "Banks were told to make it easier for customers to switch accounts without losing their payments.",
    "{ORG} said profits fell because of higher energy bills and weaker demand for its {PRODUCT}.",
    "Investors are worried that inflation will stay high for longer than central banks hoped.",
    "Mobile payments now make up more than half of all shop purchases in {COUNTRY}.",
    "A survey by {ORG} found that one in five adults has no savings at all.",
    "The airline {ORG} cancelled dozens of flights from {CITY} because of a strike by pilots.",
    "{PER} bought a large stake in {ORG2}, sending its shares up {PCT} percent.",
    "Startups in {CITY} raised a record amount of money last year, much of it for payment apps.",
    "The new rules, which take effect in {MONTH}, limit the interest lenders can charge on credit cards.",
)
LIFE = (
    "{PER} woke up early on {DAY} and made coffee before anyone else was awake.",
    "It rained all morning in {CITY}, so we stayed inside and played board games.",
    "My sister {FIRST} is learning {LANG} and practises every evening.",
    "We cooked {dish} for dinner and ate it on the balcony.",
    "The bus to the city centre was late again, so {FIRST} walked.",
    "Last summer we drove through {REGION} and stopped in small villages.",
    "{PER} has been running every morning to get ready for the marathon.",
    "The market near our flat sells fresh bread, cheese and {food}.",
    "On Sunday the park was full of families, dogs and people selling ice cream.",
    "{FIRST} {card_lost.lost} the house keys twice this week and finally bought a hook for the door.",
    "I finally found the umbrella I had {card_lost.lost} at the cinema.",
    "The library in {CITY} stays open late on Thursdays.",
    "My grandfather grew tomatoes, beans and potatoes in his garden.",
    "We watched the {EVENT} on a small television in the kitchen.",
    "{FIRST} is saving money for a trip to {COUNTRY} next spring.",
    "The new neighbours come from {CITY} and speak {LANG} at home.",
    "After dinner we listened to {genre} records until midnight.",
    "The forecast says it will be sunny in {CITY} this weekend.",
    "My brother {FIRST} works as a nurse and often has night shifts.",
    "We still talk about the holiday in {REGION} when it snowed in April.",
    "The children built a small boat and sailed it on the pond.",
    "{FIRST} ordered a new {product} online and it came two days later.",
    "There is a small bakery on our street that makes the best {dish} in town.",
    "I spent the afternoon cleaning the kitchen and listening to a podcast about {hobby}.",
    "Our cat sleeps on the warm windowsill every afternoon.",
    "{PER} plays football with friends from work every Wednesday.",
    "The train across {COUNTRY} was slow but the views were beautiful.",
    "After the move we had to {update_address.update} our {update_address.address} with the school and the doctor.",
    "My mother still writes letters by hand and posts them every Monday.",
    "The festival in {CITY} brings music, food and dancing to the old town.",
    "{FIRST} forgot an umbrella and came home soaked.",
    "A good night's sleep makes the whole day easier.",
    "I am trying to drink more water and less coffee.",
    "We planted a cherry tree in the garden when our daughter was born.",
    "On the way home I stopped to buy flowers for {FIRST}.",
    "The old bridge in {CITY} was repaired last year and looks beautiful again.",
    "{FIRST} took up {hobby} last winter and now spends every weekend on it.",
    "The {NAT} restaurant on the corner serves {dish} on Fridays.",
    "Our neighbour {PER} keeps bees and gives us honey every autumn.",
    "We spent the whole evening trying to {password_reset.reset} the {password_reset.password} for the old laptop.",
    "The first snow of the year fell overnight, and the children ran outside before breakfast.",
    "{FIRST} baked bread for the first time and it came out flat but tasty.",
    "My uncle tells the same three jokes at every family dinner, and we still laugh.",
    "We walked along the river until the sun went down behind the hills.",
    "The kitchen smelled of garlic, onions and fresh basil.",
    "{PER} finished the crossword in ten minutes and looked very pleased.",
    "It was so hot in {CITY} that we only went out after dark.",
    "Our dog barks at the postman every morning, even though they are old friends.",
    "I borrowed a bike from {FIRST} and rode to the lake and back.",
    "The school play was a success, although one actor forgot half of the lines.",
    "We found an old photo album in the attic full of pictures from the seventies.",
    "{FIRST} has started a vegetable garden and now grows more {food} than the family can eat.",
    "The concert was cancelled at the last minute because the singer was ill.",
    "I like to read in bed for half an hour before I fall asleep.",
    "The night train to {CITY} was full of students going home for the holidays.",
    "My grandmother taught me to knit when I was seven, and I still have the first scarf I made.",
    "We got lost on the way to the wedding and arrived just in time for the speeches.",
    "{FIRST} spends every Saturday morning at the swimming pool with the kids.",
    "The museum was free on Sunday, so it was full of families and school groups.",
    "After a long week, nothing beats a quiet evening with a good film and a bowl of soup.",
    "Our neighbours had a party that went on until three in the morning.",
    "The apple trees in the garden were heavy with fruit by the end of August.",
    "{PER} climbed the highest mountain in {REGION} and sent us a photo from the top.",
    "I tried to learn the guitar last year but gave up after a few weeks.",
    "The café near the station has the friendliest staff and the worst coffee in town.",
    "{FIRST} moved into a small flat with a big window and a view of the harbour.",
    "We celebrated my father's birthday with a picnic by the lake.",
    "The storm knocked down two trees and cut the power for most of the night.",
    "Every spring the swallows come back to the same nest under our roof.",
    "I keep meaning to clear out the garage, but there is always something better to do.",
    "{FIRST} works as a {job} and loves the job, even on the busy days.",
    "My cousin wants to become a {job}, so she is studying hard this year.",
    "We bought {fruit} and {fruit2} at the market and made a big fruit salad.",
    "The {room} is the warmest place in the house in winter, so everyone ends up there.",
    "{FIRST} plays {sport} twice a week and is getting much better.",
    "On rainy days the children play {sport} in the school hall instead of outside.",
    "My neighbour practises the {instrument} every evening, and it sounds better every month.",
    "{FIRST} found an old {instrument} in the attic and started taking lessons.",
    "I always have a cup of {drink} when I get home from work.",
    "The weather was {weather} all weekend, so we stayed close to home.",
    "It was {weather} when we left the house, but by lunchtime the sky had cleared.",
    "I spent the whole morning looking for my {thing} and finally found it in the {room}.",
    "{FIRST} gave me a {thing} for my birthday, and I use it every day.",
    "We saw {animal} at the zoo, and the children could not stop talking about them.",
    "The new {building} in our street opens next month, and everyone is curious about it.",
    "There used to be a {building} on the corner, but now it is a block of flats.",
    "My sister, who is a {job}, says the best part of her day is the walk home.",
    "For breakfast I usually have toast, {fruit} and a cup of {drink}.",
    "We painted the {room} a pale green colour and it looks much bigger now.",
)
EVERYDAY: dict[str, tuple[str, ...]] = {
    "job": ("nurse", "teacher", "plumber", "baker", "farmer", "pilot", "lawyer", "carpenter", "dentist",
            "librarian", "firefighter", "electrician", "gardener", "journalist", "mechanic", "chef",
            "architect", "photographer", "pharmacist", "taxi driver", "vet", "accountant", "translator",
            "painter", "engineer", "waiter", "hairdresser", "postman", "tailor", "surgeon"),
    "fruit": ("apples", "pears", "plums", "cherries", "strawberries", "grapes", "oranges", "lemons", "peaches",
              "melons", "mangoes", "figs", "apricots", "blueberries", "raspberries", "kiwis", "pineapple"),
    "room": ("kitchen", "living room", "bedroom", "bathroom", "hallway", "attic", "basement", "garage",
             "study", "dining room", "spare room", "laundry room"),
    "sport": ("tennis", "basketball", "volleyball", "badminton", "table tennis", "football", "hockey",
              "cricket", "rugby", "golf", "squash", "handball", "baseball"),
    "instrument": ("piano", "violin", "cello", "trumpet", "flute", "drums", "guitar", "saxophone", "clarinet",
                   "harp", "accordion", "ukulele"),
    "drink": ("tea", "coffee", "hot chocolate", "mint tea", "green tea", "lemonade", "orange juice",
              "sparkling water", "warm milk"),
    "weather": ("grey and windy", "cold and foggy", "hot and sticky", "wet and miserable", "bright but chilly",
                "stormy", "mild and cloudy", "freezing", "sunny and dry", "humid"),
    "thing": ("reading glasses", "phone charger", "house keys", "notebook", "scarf", "watch", "headphones",
              "wallet", "umbrella", "water bottle", "sunglasses", "library card", "gloves", "pen"),
    "building": ("bakery", "bookshop", "gym", "cinema", "hardware store", "swimming pool", "post office",
                 "bank branch", "flower shop", "music school", "pharmacy", "dentist's surgery", "toy shop"),
}
REVIEWS = (
    "I bought the {product} after reading lots of good reviews, and it has not disappointed.",
    "The {product} came well packed and works perfectly.",
    "Three stars: the {product} does the job, but it feels cheap.",
    "It took two weeks for the {delivery_status.ship} to reach me, which was longer than promised.",
    "The courier left the {delivery_status.ship} with a neighbour without telling me.",
    "After a month the {product} started to fall apart, so I {refund_request.returned} the whole thing and asked for "
    "{refund_request.refund}.",
    "Customer service was quick to offer {refund_request.refund} when the {product} arrived scratched.",
    "I tried to {cancel_order.cancel} my {cancel_order.order} an hour after placing it, but it had already shipped.",
    "Great value for money, and the {product} looks even better than in the photos.",
    "The instructions were confusing and it took me an evening to set up the {product}.",
    "My card payment was {card_declined.declined} at checkout, so I had to order the {product} twice.",
    "I would buy from this shop again, because the staff really listen.",
    "The {product} is lighter than I expected, which is great for travelling.",
    "Delivery was fast, but the box was damaged and one part was missing.",
    "I was charged a {fees_question.fee} at checkout that nobody had mentioned.",
    "Five stars: my {product} came a day early and the quality is excellent.",
    "The shop let me {cancel_order.cancel} the {cancel_order.order} without any questions.",
    "Not worth the money; the {product} broke the first time I used it.",
    "The tracking page said the {delivery_status.ship} had been delivered, but it never reached my door.",
    "I like the colour, but the {product} is smaller than it looks online.",
    "The seller answered my questions within an hour and was very polite.",
    "I ordered the {product} as a gift and my sister loves it.",
)


PARAGRAPHS = {"news": NEWS, "life": LIFE, "review": REVIEWS}
NEWS_NUMBERS = {"PCT": ("0.5", "1.2", "2", "2.5", "3", "4.1", "5", "7", "9"),
                "NUM": ("150", "400", "1,200", "3,000", "8,000", "15,000")}
MONEY_FORMATS = ("${} million", "{} million euros", "£{} million")
HELP_TITLE = "Help centre article:"  # a neutral title: it never names the intent


@lru_cache(maxsize=1)
def fixed_text() -> tuple[str, ...]:
    """The literal text (slots cut out) of every intent template and every sentence the corpus is built from.

    The plain word of every synonym slot (always in train) counts too. A pool value found in
    this text is an ordinary word of the kit, in every split anyway (``exchange`` in the plain
    ``exchange rate``), so ``lexicon.partition`` keeps it in train: it is never a valid or test value.
    """
    texts = [t for i in INTENTS for t in (*i.templates, *i.says, *i.answers, *(w[0] for w in i.slots.values()))]
    texts += [*intents.OUT_OF_SCOPE_TEMPLATES, *NEWS, *LIFE, *REVIEWS, *GLOSSARY, *AGENT_OPENERS, *FOLLOW_UPS,
              *CLOSINGS, *FORUM_EXTRAS, *FORUM_REPLIES, *MONEY_FORMATS, *lexicon.MONEY_FORMATS,
              *(v for values in (*EVERYDAY.values(), *NEWS_NUMBERS.values()) for v in values),
              HELP_TITLE, "Customer: Agent: Forum post by Reply from"]
    return tuple(segment for text in texts for segment in lexicon.SLOT.split(text)[::2] if segment.strip())


class _Writer:
    """Draws corpus lines of each kind with one seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"corpus:{seed}")
        self.synonyms = {intent.name: intents.intent_synonyms(intent, seed) for intent in INTENTS}

    def say(self, intent: Intent, template: str) -> str:
        """Fill an intent phrase with its train and corpus synonyms and shared values."""
        return intents.render(template, self.rng, self.seed, PRETRAIN, self.synonyms[intent.name])

    def chat(self) -> str:
        rng = self.rng
        intent = rng.choice(INTENTS)
        opener = intents.phrasing(self.seed)["opener"].pick(rng, PRETRAIN)
        said = self.say(intent, rng.choice(intent.says))
        first = intents.noisy(f"{opener}, {said[:1].lower()}{said[1:]}.", rng)
        answers = rng.sample(intent.answers, k=len(intent.answers))
        turns = [f"Customer: {first}",
                 f"Agent: {rng.choice(AGENT_OPENERS)} {self.say(intent, answers[0])}"]
        if rng.random() < 0.6:
            turns.append(f"Customer: {intents.noisy(rng.choice(FOLLOW_UPS), rng)}")
            turns.append(f"Agent: {self.say(intent, answers[1])}")
        turns.append(f"Agent: {rng.choice(CLOSINGS)}")
        return " ".join(turns)

    def help(self) -> str:
        rng = self.rng
        intent = rng.choice(INTENTS)
        answers = rng.sample(intent.answers, k=min(len(intent.answers), rng.randint(2, 4)))
        slot = rng.choice(intent.key_slots)
        a, b = rng.sample(self.synonyms[intent.name][slot][PRETRAIN], 2)
        glossary = fill(rng.choice(GLOSSARY), {"a": a, "b": b}.__getitem__)
        body = [self.say(intent, answer) for answer in answers]
        body.insert(rng.randint(0, len(body)), glossary)
        return f"{HELP_TITLE} " + " ".join(body)

    def forum(self) -> str:
        rng = self.rng
        intent = rng.choice(INTENTS)
        first, second = rng.sample(pools(self.seed)["first_name"].values(PRETRAIN), 2)
        says = rng.sample(intent.says, 2)
        post = intents.noisy(f"{self.say(intent, says[0])}. {rng.choice(FORUM_EXTRAS)}", rng)
        answer = self.say(intent, rng.choice(intent.answers))
        reply = f"{rng.choice(FORUM_REPLIES)} {self.say(intent, says[1])}. {answer}"
        return f"Forum post by {first}: {post} Reply from {second}: {reply}"

    def paragraph(self, frames: tuple[str, ...]) -> str:
        """3-6 sentences of news, prose or a review; each slot keeps one value within the paragraph."""
        rng, seed = self.rng, self.seed
        bound: dict[str, str] = {}
        makers: dict[str, Callable[[], str]] = {
            "PER": lambda: lexicon.person(rng, seed, PRETRAIN),
            "ORG": lambda: lexicon.organisation(rng, seed, PRETRAIN),
            "PRODUCT": lambda: lexicon.product_line(rng, seed, PRETRAIN),
            "MONEY": lambda: rng.choice(MONEY_FORMATS).format(pools(seed)["amount"].pick(rng, PRETRAIN)),
            "PCT": lambda: rng.choice(NEWS_NUMBERS["PCT"]),
            "NUM": lambda: rng.choice(NEWS_NUMBERS["NUM"]),
            "DAY": lambda: rng.choice(lexicon.WEEKDAYS),
            "MONTH": lambda: rng.choice(lexicon.MONTHS),
            "FIRST": lambda: pools(seed)["first_name"].pick(rng, PRETRAIN),
            "NAT": lambda: pools(seed)["nationality"].pick(rng, PRETRAIN),
            "LANG": lambda: pools(seed)["language"].pick(rng, PRETRAIN),
        }

        def make(base: str) -> str:
            if base in makers:
                return makers[base]()
            if base in EVERYDAY:  # words no labelled set uses
                return rng.choice(EVERYDAY[base])
            if base in OOS_SLOTS:
                return intents.phrasing(seed)[base].pick(rng, PRETRAIN)
            return pools(seed)[base.lower()].pick(rng, PRETRAIN)

        def value(slot: str) -> str:
            if "." in slot:  # an intent synonym, e.g. {card_lost.lost}
                name, key = slot.split(".")
                return rng.choice(self.synonyms[name][key][PRETRAIN])
            if slot not in bound:
                base = slot.rstrip("2")  # {CITY2}: a second city, never the same as {CITY}
                if base != slot and base not in bound:
                    bound[base] = make(base)
                bound[slot] = make(base)
                while base != slot and bound[slot] == bound[base]:
                    bound[slot] = make(base)
            return bound[slot]

        chosen = rng.sample(frames, rng.randint(3, 6))
        return " ".join(fill(frame, value) for frame in chosen)

    def line(self, kind: str) -> str:
        """One corpus line of ``kind``."""
        if kind in PARAGRAPHS:
            return self.paragraph(PARAGRAPHS[kind])
        return {"chat": self.chat, "help": self.help, "forum": self.forum}[kind]()


@lru_cache(maxsize=4)
def held_out(seed: int = 0) -> dict[str, list[str]]:
    """What the corpus must not contain, by check (see :func:`leaks`).

    ``messages``: the valid and test intent messages (no run of six words may be shared);
    ``values``: the valid and test values of every pool an intent message draws from;
    ``entities``: the distinct entity strings of the valid and test NER sentences.
    """
    data = intents.build(seed)
    sentences = [s for split in HELD_OUT for doc in ner.build(seed)[split] for s in doc]
    return {
        "messages": [text for split in HELD_OUT for text, _ in data[split]],
        "values": sorted({v for values in intents.held_out_values(seed).values() for v in values}),
        "entities": sorted({text for s in sentences for _, text in ner.entities(s)}),
    }


@lru_cache(maxsize=4)
def build(seed: int = 0) -> tuple[tuple[tuple[str, str], ...], dict[str, Counter[str]]]:
    """``(kind, line)`` pairs until the corpus reaches ``TARGET_BYTES``, and which lines were drawn again.

    A line that shares a run of words with a held-out message or contains a held-out value or
    entity string (:func:`held_out`) is drawn again; ``{check: Counter(first item found)}`` says
    how often, and why.
    """
    writer = _Writer(seed)
    banned = held_out(seed)
    checks = {
        "messages": PhraseIndex(" ".join(g) for text in banned["messages"] for g in ngrams(text, NGRAM)),
        "values": PhraseIndex(banned["values"]),
        "entities": PhraseIndex(banned["entities"]),
    }
    redrawn: dict[str, Counter[str]] = {name: Counter() for name in checks}
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    lines: list[tuple[str, str]] = []
    size = 0
    while size < TARGET_BYTES:
        kind = writer.rng.choices(kinds, weights=weights)[0]
        line = writer.line(kind)
        hit = next(((name, found[0]) for name, index in checks.items() if (found := index.find(line))), None)
        if hit:
            redrawn[hit[0]][hit[1]] += 1
            continue
        lines.append((kind, line))
        size += len(line.encode("utf-8")) + 1
    return tuple(lines), redrawn


@lru_cache(maxsize=4)
def leaks(seed: int = 0) -> dict[str, int]:
    """The three leak counts of the corpus for ``seed``, as the cards quote them (all should be 0)."""
    lines = [line for _, line in build(seed)[0]]
    return count_leaks(lines, **held_out(seed))


def count_leaks(lines: list[str], messages: list[str], values: list[str], entities: list[str]) -> dict[str, int]:
    """How many held-out messages share a run of six words with ``lines``; how many values and entities occur in them.

    Words are :func:`lexicon.words`: lower case, punctuation ignored; a message shorter than six
    words counts as one run. Values and entity strings are matched as whole words.
    """
    return {
        "messages": len(sharing_ngrams(messages, lines, NGRAM)),
        "values": len(phrases_in(values, lines)),
        "entities": len(phrases_in(entities, lines)),
    }


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``corpus.txt`` and ``README.md`` into ``out_dir``."""
    lines = list(build(seed)[0])
    text = "".join(line + "\n" for _, line in lines)
    return [write_text(out_dir / "corpus.txt", text), write_text(out_dir / "README.md", card(lines, text, seed))]


WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def count_phrases(lower_text: str, phrases: list[str]) -> Counter[str]:
    """How often each phrase occurs as whole words in ``lower_text`` (longest match wins)."""
    alternatives = "|".join(re.escape(p.lower()) for p in sorted(phrases, key=len, reverse=True))
    return Counter(re.findall(rf"\b(?:{alternatives})\b", lower_text))


def leak_table(seed: int = 0) -> str:
    """The leak checks as a Markdown table: what was checked, how many held-out items, how many found."""
    banned, found = held_out(seed), leaks(seed)
    rows = [
        ["valid and test intent messages that share a run of six words with a corpus line "
         "(a shorter message: all its words)", len(banned["messages"]), found["messages"]],
        ["valid and test values of the pools intent messages draw from (intent synonyms, cards, products, "
         "cities, out-of-scope words ...), as whole words", len(banned["values"]), found["values"]],
        ["distinct valid and test NER entity strings (the full span, e.g. `Zenith Capital`), as whole words",
         len(banned["entities"]), found["entities"]],
    ]
    return table(["check", "held-out items", "found in the corpus"], rows)


WORDS_RULE = ("Words are compared in lower case, without punctuation (a number keeps its separators:\n"
              "`1,200`), one corpus line at a time.")


def card(lines: list[tuple[str, str]], text: str, seed: int) -> str:
    """The data-set card, every number computed from the corpus."""
    lower = text.lower()
    words = WORD.findall(lower)
    vocab = Counter(words)
    by_kind = Counter(kind for kind, _ in lines)
    bytes_by_kind: Counter[str] = Counter()
    for kind, line in lines:
        bytes_by_kind[kind] += len(line.encode("utf-8")) + 1
    total = len(text.encode("utf-8"))
    kind_rows = [[kind, by_kind[kind], f"{bytes_by_kind[kind]:,}", f"{bytes_by_kind[kind] / total:.0%}"]
                 for kind in KIND_WEIGHTS]
    parts = intents.synonym_parts(seed)
    corpus_only = {intent.name: [w for slot in intent.key_slots for w in parts[intent.name][slot]["corpus"]]
                   for intent in INTENTS}
    held = {intent.name: [w for slot in intent.key_slots for part in HELD_OUT
                          for w in parts[intent.name][slot][part]] for intent in INTENTS}
    counts = count_phrases(lower, [w for found in (corpus_only, held) for ws in found.values() for w in ws])
    syn_rows = [[name, ", ".join(f"{w} ({counts[w.lower()]})" for w in corpus_only[name]),
                 ", ".join(f"{w} ({counts[w.lower()]})" for w in held[name])] for name in corpus_only]
    redrawn = build(seed)[1]
    why = {"messages": "for a shared run of words", "values": "for a held-out value",
           "entities": "for an entity string"}
    redraws = "; ".join(
        f"{sum(c.values())} times {why[name]}"
        + (f", most often {', '.join(f'`{k}` {n}' for k, n in c.most_common(6))}" if c else "")
        for name, c in redrawn.items())
    pinned = sorted({v for name, pool in {**pools(seed), **intents.phrasing(seed)}.items()
                     if not name.startswith("templates.") for v in lexicon.ordinary(pool.items)}
                    | {v for i in INTENTS for ws in i.slots.values() for v in lexicon.ordinary(ws[1:])}, key=str.lower)
    samples = {kind: next(line for k, line in lines if k == kind) for kind in KIND_WEIGHTS}
    sample_text = "\n".join(f"- **{kind}**: {line[:300]}{'...' if len(line) > 300 else ''}"
                            for kind, line in samples.items())
    fractions = "/".join(f"{FRACTIONS[p]:.0%}".rstrip("%") for p in ("train", "corpus", "valid", "test"))
    return f"""# corpus: unlabeled text for pretraining

Generated by `datasets/generate.py` (module `datasets.generator.corpus`, seed {seed}). Do not edit by hand:
change the generator and run it again.

## What it is

`corpus.txt`: {len(lines):,} lines, {total:,} bytes (UTF-8), {len(words):,} words, {len(vocab):,} distinct
lower-case words (the {sum(1 for c in vocab.values() if c >= 5):,} seen at least five times are what a
small WordPiece vocabulary needs). One document or paragraph per line, {len(KIND_WEIGHTS)} kinds of text:

{table(["kind", "lines", "bytes", "share"], kind_rows)}

- **chat**: a customer-support conversation (`Customer: ... Agent: ...`), with typing noise on the customer side;
- **help**: a help-centre article about one support topic, under the neutral title `Help centre article:`
  (the title never names the topic);
- **forum**: a forum post and a reply about a support problem (`Forum post by <name>: ...`);
- **review**: a shop review: products, deliveries, refunds;
- **news**: a finance-news paragraph about companies, markets, banks and their customers;
- **life**: everyday prose: food, weather, travel, family, hobbies.

Samples:

{sample_text}

## How it is made

Support text (chat, help, forum) comes from each intent's *corpus phrases* and *answers* in
`datasets/generator/intents.py`, filled with the intent's synonyms, so words of one topic
(lost, misplaced ...) appear in the same contexts and next to the same topic words
(card, freeze, replacement ...). News and prose paragraphs fill sentence frames with people,
companies, places and MISC entities from the pools in `datasets/generator/lexicon.py`, and with
intent synonyms used in other contexts. Each line picks its kind at random (weights
{", ".join(f"{k} {w}" for k, w in KIND_WEIGHTS.items())}) until the file reaches {TARGET_BYTES:,} bytes.

## Relation to the labelled sets

Every word pool (each intent's synonyms, the shared slot values, greetings, out-of-scope words,
names, companies, places, MISC entities) is cut, deterministically from the seed, into disjoint
parts: train / corpus / valid / test = {fractions} %. The labelled sets use the train, valid and test
parts; this corpus uses only the **train part and its own corpus part**, never a valid or test value,
and it never uses an intent or NER template. So a test synonym, name or place is new to a model
pretrained on this corpus and fine-tuned on train.

Leak checks, measured on this file (`tests/test_datagen.py` measures them again).
{WORDS_RULE}

{leak_table(seed)}

Values the kit's fixed sentences use as ordinary words (the literal text of the intent templates and of
the corpus's own sentences, and each synonym slot's plain word) always stay in train, so they are never
held out: {", ".join(f"`{v}`" for v in pinned)}.

A held-out value can still turn up inside another value or next to a filled-in word (a held-out city
inside an event name such as `Berlin Marathon`), so while generating, a line that failed a check was
drawn again: {redraws}.

Synonyms per intent: those only the corpus uses, and the valid and test ones (count in the corpus):

{table(["intent", "corpus-only synonyms (count)", "valid and test synonyms (count)"], syn_rows)}

## Known limits

- Templated text: far more repetitive than a real corpus of this size, and only {len(vocab):,} distinct words.
- English only; support text is about one imaginary bank and shop.
- Pretraining cannot teach the valid and test synonyms here: they are held out from the corpus too.
  What it teaches is how synonyms work in general (its own corpus-only synonyms sit in the same
  contexts as the train ones).
"""
