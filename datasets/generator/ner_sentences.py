"""The sentences of the named-entity set: templates, how they are filled and tagged, and the three splits.

Sentences come from templates in three domains (finance news, customer support, everyday
life) whose slots are filled with entities from ``lexicon.py``. Templates are partitioned
into disjoint train/valid/test parts, every entity pool into train/corpus/valid/test parts, so
test sentences have new shapes and new names, companies, places and MISC entities, which the
pretraining corpus (drawing on the train and corpus parts only) never mentions either.
:func:`build` makes the splits; ``ner.py`` writes them and the card.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .lexicon import LABELLED_FRACTIONS, SLOT, SPLITS, partition, pools, tokenize

SIZES = {"train": 3000, "valid": 500, "test": 800}
DOC_LENGTH = (15, 25)  # sentences between two -DOCSTART- lines
DOMAIN_WEIGHTS = {"finance": 4, "support": 3, "life": 4}
ENTITY_SLOTS = {
    "PER": "PER", "ORG": "ORG", "CITY": "LOC", "COUNTRY": "LOC", "REGION": "LOC", "LOC": "LOC",
    "NAT": "MISC", "LANG": "MISC", "EVENT": "MISC", "PRODUCT": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")
NUMBERS = {
    "PCT": ("0.5", "0.8", "1.2", "1.5", "2", "2.4", "3", "3.7", "4", "4.5", "5", "6", "7", "8.5", "9", "12"),
    "NUM": ("80", "120", "200", "300", "450", "600", "900", "1,200", "1,500", "2,000", "3,500", "5,000",
            "8,000", "12,000", "20,000", "40,000"),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "finance": (
        "Shares of {ORG} rose {PCT} percent in {CITY} on {DAY}.",
        "{ORG} said on {DAY} it would cut {NUM} jobs in {COUNTRY}.",
        "{PER}, chief executive of {ORG}, told reporters in {CITY} that profits would rise.",
        "The {NAT} central bank left interest rates unchanged on {DAY}.",
        "{ORG} agreed to buy {ORG} for {MONEY}, the companies said.",
        "Analysts at {ORG} in {LOC} expect the {NAT} economy to grow {PCT} percent this year.",
        "{PER} will step down as chairman of {ORG} in {MONTH}, the board said.",
        "Trading in {ORG} was halted in {CITY} after the shares fell {PCT} percent.",
        "{ORG} opened its first branch in {CITY}, {COUNTRY}, in {MONTH}.",
        "Investors in {CITY} sold {NAT} bonds after the election.",
        "The {NAT} currency slipped against the dollar on {DAY}, dealers in {CITY} said.",
        "{ORG} reported a net profit of {MONEY} for the quarter.",
        "Speaking at the {EVENT} in {CITY}, {PER} warned about rising prices.",
        "{ORG} shares hit a record high after the launch of the {PRODUCT}.",
        "Regulators in {COUNTRY} fined {ORG} {MONEY} for late reporting.",
        "{PER} of {ORG} said demand from {COUNTRY} remained weak.",
        "Fuel prices fell in {CITY} as exports from {REGION} increased.",
        "The merger of {ORG} and {ORG} still needs approval in {COUNTRY}.",
        "{ORG}, based in {CITY}, employs about {NUM} people.",
        "Sales of the {PRODUCT} doubled in {COUNTRY} last quarter, {ORG} said.",
        "{PER}, an economist at {ORG}, expects rates to fall in {MONTH}.",
        "The {NAT} stock index closed {PCT} percent lower on {DAY}.",
        "{ORG} plans to raise {MONEY} to expand in {REGION}.",
        "Bond yields in {COUNTRY} climbed after {PER} spoke in {CITY}.",
    ),
    "support": (
        "{PER} from {ORG} called about a card payment.",
        "{PER} wrote to {ORG} to ask for a refund on the {PRODUCT}.",
        "Our agent {PER} in {CITY} will call you back on {DAY}.",
        "{PER} said the transfer to {ORG} failed twice.",
        "Please send the new card to {PER} at our office in {CITY}.",
        "{PER} moved from {CITY} to {CITY} and needs to update the address.",
        "The customer, {PER}, was charged {MONEY} by {ORG} in {COUNTRY}.",
        "{PER} asked whether {ORG} accepts payments from {LOC}.",
        "I spoke to {PER} at the {ORG} branch in {CITY} yesterday.",
        "{PER} complained that the {PRODUCT} stopped working after a week.",
        "Can {PER} from the {CITY} office help me with my account?",
        "{ORG} support in {CITY} is closed during the {EVENT}.",
        "{PER} speaks {LANG} and can help customers from {COUNTRY}.",
        "Hello, this is {PER} from {ORG}, calling about your order.",
        "{PER} confirmed that the parcel left {CITY} on {DAY}.",
        "My name is {PER} and I bank with {ORG}.",
        "The {PRODUCT} I bought from {ORG} arrived without a charger.",
        "{PER} at {ORG} unlocked the account on {DAY}.",
    ),
    "life": (
        "{PER} grew up in {LOC} and later moved to {COUNTRY}.",
        "Last summer {PER} and {PER} hiked across {REGION}.",
        "{PER} won the {EVENT} for the second time.",
        "The {NAT} team beat {COUNTRY} in the final of the {EVENT}.",
        "{PER} is learning {LANG} before a trip to {CITY}.",
        "The {EVENT} will be held in {CITY} next year.",
        "{PER} bought a {PRODUCT} at a market in {CITY}.",
        "We spent a week in {LOC} with {PER} and the children.",
        "{PER} teaches {LANG} at a school near {CITY}.",
        "The train from {CITY} to {CITY} was late again on {DAY}.",
        "{PER}, a {NAT} writer, published a new novel in {MONTH}.",
        "Thousands of fans travelled to {CITY} for the {EVENT}.",
        "My friend {PER} works for {ORG} in {CITY}.",
        "{PER} scored twice as {COUNTRY} won the {EVENT}.",
        "The {NAT} film festival opened in {CITY} on {DAY}.",
        "{PER} took the night bus from {CITY} to visit {PER}.",
        "The museum in {CITY} has a new exhibition about {REGION}.",
        "{PER} and {PER} met at a {LANG} class in {CITY}.",
        "After the {EVENT}, {PER} flew home to {LOC}.",
        "{PER} said the best coffee in {CITY} is near the station.",
        "Our neighbour {PER} has a cousin in {COUNTRY} who speaks {LANG}.",
        "The {PRODUCT} from {ORG} is popular with {NAT} students.",
        "{PER} reviewed the new {PRODUCT} and called it the best phone of the year.",
        "Heavy rain closed roads across {REGION} on {DAY}.",
        "{PER}, who was born in {COUNTRY}, now lives in {CITY}.",
        "Tickets for the {EVENT} sold out within an hour.",
        "The {NAT} ambassador met {PER} in {CITY} on {DAY}.",
        "{ORG} will sponsor the {EVENT} for three more years.",
        "{PER} drove from {CITY} through {REGION} in two days.",
        "{PER} left {ORG} to open a bakery in {CITY}.",
        "Volunteers from {ORG} cleaned the beaches of {REGION}.",
        "It rained all week, so {PER} stayed at home and read.",
    ),
}


@dataclass(frozen=True)
class Sentence:
    """One tagged sentence and the template domain it came from."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    domain: str


@lru_cache(maxsize=4)
def template_parts(seed: int) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{domain: {split: templates}}``: each domain's templates partitioned 60/15/25."""
    return {domain: partition(templates, f"ner.{domain}", seed, fractions=LABELLED_FRACTIONS)
            for domain, templates in TEMPLATES.items()}


@lru_cache(maxsize=4)
def _numbers(seed: int) -> dict[str, dict[str, tuple[str, ...]]]:
    return {slot: partition(values, f"ner.{slot}", seed, fractions=LABELLED_FRACTIONS)
            for slot, values in NUMBERS.items()}


def _value(slot: str, rng: random.Random, seed: int, split: str) -> str:
    if slot == "PER":
        return lexicon.person(rng, seed, split)
    if slot == "ORG":
        return lexicon.organisation(rng, seed, split)
    if slot == "LOC":
        return lexicon.location(rng, seed, split)
    if slot == "PRODUCT":
        return lexicon.product_line(rng, seed, split)
    if slot in ("CITY", "COUNTRY", "REGION", "NAT", "LANG", "EVENT"):
        name = {"NAT": "nationality", "LANG": "language"}.get(slot, slot.lower())
        return pools(seed)[name].pick(rng, split)
    if slot == "MONEY":
        n = pools(seed)["amount"].pick(rng, split)
        return rng.choice((f"${n} million", f"{n} million euros", f"£{n} million", f"${n} billion"))
    if slot in NUMBERS:
        return rng.choice(_numbers(seed)[slot][split])
    return rng.choice(lexicon.WEEKDAYS if slot == "DAY" else lexicon.MONTHS)


def tag_template(template: str, rng: random.Random, seed: int, split: str, domain: str) -> Sentence:
    """Fill ``template`` for ``split`` and tag it: entity slots get B-/I- tags, all else ``O``."""
    tokens: list[str] = []
    tags: list[str] = []
    used: set[str] = set()
    pos = 0
    for m in SLOT.finditer(template + "{END}"):
        literal = template[pos:m.start()]
        tokens += tokenize(literal)
        tags += ["O"] * len(tokenize(literal))
        pos = m.end()
        slot = m.group(1)
        if slot == "END":
            break
        text = _value(slot, rng, seed, split)
        while slot in ENTITY_SLOTS and text in used:  # "{PER} met {PER}": two different people
            text = _value(slot, rng, seed, split)
        used.add(text)
        if slot not in ENTITY_SLOTS:
            tokens += tokenize(text)
            tags += ["O"] * len(tokenize(text))
            continue
        if text.startswith("the "):  # "the Alps": the article is not part of the name
            tokens.append("The" if not tokens else "the")
            tags.append("O")
            text = text[4:]
        words = tokenize(text)
        tokens += words
        tags += [f"B-{ENTITY_SLOTS[slot]}"] + [f"I-{ENTITY_SLOTS[slot]}"] * (len(words) - 1)
    return Sentence(tuple(tokens), tuple(tags), domain)


@lru_cache(maxsize=4)
def build(seed: int = 0) -> dict[str, list[list[Sentence]]]:
    """Each split as a list of documents, each a list of sentences; no sentence occurs twice."""
    parts = template_parts(seed)
    seen: set[tuple[str, ...]] = set()
    data: dict[str, list[list[Sentence]]] = {}
    for split in SPLITS:
        rng = random.Random(f"ner:{seed}:{split}")
        docs: list[list[Sentence]] = []
        left = SIZES[split]
        while left:
            domain = rng.choices(list(DOMAIN_WEIGHTS), weights=list(DOMAIN_WEIGHTS.values()))[0]
            doc: list[Sentence] = []
            for _ in range(min(left, rng.randint(*DOC_LENGTH))):
                sentence = tag_template(rng.choice(parts[domain][split]), rng, seed, split, domain)
                while sentence.tokens in seen:
                    sentence = tag_template(rng.choice(parts[domain][split]), rng, seed, split, domain)
                seen.add(sentence.tokens)
                doc.append(sentence)
            docs.append(doc)
            left -= len(doc)
        data[split] = docs
    return data


def to_conll(docs: list[list[Sentence]]) -> str:
    """CoNLL text: ``-DOCSTART- O`` before each document, ``token TAG`` lines, blank lines between sentences."""
    out: list[str] = []
    for doc in docs:
        out += ["-DOCSTART- O", ""]
        for sentence in doc:
            out += [f"{token} {tag}" for token, tag in zip(sentence.tokens, sentence.tags)] + [""]
    return "\n".join(out)


def entities(sentence: Sentence) -> list[tuple[str, str]]:
    """The ``(type, text)`` entities of a sentence, read from its IOB2 tags."""
    found: list[tuple[str, str]] = []
    for token, tag in zip(sentence.tokens, sentence.tags):
        if tag.startswith("B-"):
            found.append((tag[2:], token))
        elif tag.startswith("I-"):
            found[-1] = (found[-1][0], f"{found[-1][1]} {token}")
    return found
