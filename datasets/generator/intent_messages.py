"""The messages of the intent set: how its templates are partitioned and filled, and the three splits.

Each intent (``phrases.INTENTS``) has message templates and synonym slots (``{lost}`` -> lost /
misplaced / mislaid ...). Templates are partitioned into disjoint train/valid/test parts; synonyms
and shared slot values (cards, products, amounts, cities ...) into train/corpus/valid/test parts,
so a test message is a new phrasing built from words the training split never used for that
intent. :func:`build` makes the splits; the corpus (``corpus.py``) fills the intents' own corpus
phrases with :func:`render` from the train and corpus parts only, never these templates.
``intents.py`` writes the set and its card.
"""
from __future__ import annotations

import random
from functools import lru_cache

from . import lexicon
from .lexicon import (
    HELD_OUT,
    PRETRAIN,
    SLOT,
    SPLITS,
    LABELLED_FRACTIONS,
    Pool,
    fill,
    ordinary,
    partition,
    pretrain_values,
    pools,
)
from .phrases import CLOSERS, INTENTS, OOS_SLOTS, OPENERS, OUT_OF_SCOPE, OUT_OF_SCOPE_TEMPLATES, Intent

TRAIN_SIZE = (105, 135)  # per label, drawn once per label
VALID_SIZE = 25
TEST_SIZE = 40


def synonym_parts(seed: int) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    """``{intent: {slot: {part: synonyms}}}`` for every intent slot (parts: train, corpus, valid, test).

    The plain word (the first synonym) always stays in train.
    """
    return {
        intent.name: {slot: partition(words, f"{intent.name}.{slot}", seed, pin_first=True, pinned=ordinary(words))
                      for slot, words in intent.slots.items()}
        for intent in INTENTS
    }


@lru_cache(maxsize=4)
def phrasing(seed: int) -> dict[str, Pool]:
    """Partitioned templates (per label; train/valid/test), openers, closers and out-of-scope slot values."""
    found: dict[str, Pool] = {}
    for intent in INTENTS:
        found[f"templates.{intent.name}"] = Pool(intent.name, intent.templates, partition(
            intent.templates, f"templates.{intent.name}", seed, fractions=LABELLED_FRACTIONS))
    found[f"templates.{OUT_OF_SCOPE}"] = Pool(OUT_OF_SCOPE, OUT_OF_SCOPE_TEMPLATES, partition(
        OUT_OF_SCOPE_TEMPLATES, "templates.oos", seed, fractions=LABELLED_FRACTIONS))
    for name, items in {"opener": OPENERS, "closer": CLOSERS, **OOS_SLOTS}.items():
        found[name] = Pool(name, items, partition(items, name, seed, pinned=ordinary(items)))
    return found


def slot_value(slot: str, rng: random.Random, seed: int, split: str,
               synonyms: dict[str, dict[str, tuple[str, ...]]]) -> str:
    """A value for ``{slot}`` in ``split``: an intent synonym, a shared pool value or an out-of-scope word."""
    if slot in synonyms:
        return rng.choice(synonyms[slot][split])
    shared = pools(seed)
    if slot == "amount":
        return lexicon.money(rng, seed, split)
    if slot == "amount_number":
        return shared["amount"].pick(rng, split)
    if slot in ("currency2", "city2"):
        return shared[slot[:-1]].pick(rng, split)
    if slot in shared:
        return shared[slot].pick(rng, split)
    return phrasing(seed)[slot].pick(rng, split)


def render(template: str, rng: random.Random, seed: int, split: str,
           synonyms: dict[str, dict[str, tuple[str, ...]]]) -> str:
    """Fill a template for ``split`` (``"pretrain"``: train and corpus values, as the corpus does)."""
    chosen: dict[str, str] = {}

    def value(slot: str) -> str:
        text = slot_value(slot, rng, seed, split, synonyms)
        if slot.endswith("2") and slot[:-1] not in lexicon.PAIRED:
            raise ValueError(f"{{{slot}}} needs two different {slot[:-1]} values: add it to lexicon.PAIRED")
        while slot.endswith("2") and text == chosen.get(slot[:-1]):
            text = slot_value(slot, rng, seed, split, synonyms)
        chosen[slot] = text
        return text

    return fill(template, value)


def intent_synonyms(intent: Intent, seed: int) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{slot: {part or "pretrain": synonyms}}`` for one intent."""
    return {slot: {**parts, PRETRAIN: pretrain_values(intent.slots[slot], parts)}
            for slot, parts in synonym_parts(seed)[intent.name].items()}


def slot_pools(template: str) -> list[str]:
    """The pools a template's slots draw from: ``{currency2}`` -> ``currency``, ``{amount_number}`` -> ``amount``."""
    names = []
    for slot in SLOT.findall(template):
        name = "amount" if slot == "amount_number" else slot[:-1] if slot.endswith("2") else slot
        names.append(name)
    return names


@lru_cache(maxsize=4)
def held_out_values(seed: int) -> dict[str, tuple[str, ...]]:
    """The valid and test values of every pool an intent message draws a slot from: ``{pool: values}``.

    Pools: each intent's synonym slots (``card_lost.lost``), the shared pools the templates use
    (``card``, ``product``, ``city`` ...) and the out-of-scope words (``dish``, ``hobby`` ...).
    None of them may occur in the pretraining corpus.
    """
    found: dict[str, tuple[str, ...]] = {}
    for intent, slots in synonym_parts(seed).items():
        for slot, parts in slots.items():
            found[f"{intent}.{slot}"] = tuple(v for part in HELD_OUT for v in parts[part])
    shared = {**lexicon.pools(seed), **phrasing(seed)}
    for name in shared_pools_used():
        found[name] = tuple(v for part in HELD_OUT for v in shared[name].parts[part])
    return found


def shared_pools_used() -> list[str]:
    """The shared pools intent and out-of-scope templates fill slots from (``card``, ``city``, ``dish`` ...)."""
    used = {name for template in (*[t for i in INTENTS for t in i.templates], *OUT_OF_SCOPE_TEMPLATES)
            for name in slot_pools(template)}
    return sorted(used - {slot for intent in INTENTS for slot in intent.slots})


def normal(text: str) -> str:
    """Lower case without final punctuation: the form in which messages count as duplicates."""
    return text.lower().rstrip(".!? ")


def noisy(text: str, rng: random.Random) -> str:
    """Make a message look typed: sometimes lower case, no final stop, or one swapped-letter typo."""
    if rng.random() < 0.35:
        text = text.lower()
    if rng.random() < 0.25 and text[-1:] in ".!":
        text = text[:-1]
    if rng.random() < 0.08:
        words = text.split(" ")
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            j = rng.randrange(1, len(words[i]) - 2)
            w = words[i]
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            text = " ".join(words)
    return text


def message(body: str, rng: random.Random, seed: int, split: str) -> str:
    """Wrap a message body in an optional greeting and sign-off of ``split``, then add typing noise."""
    phr = phrasing(seed)
    if rng.random() < 0.35:
        if not body.startswith(("I ", "I'")):
            body = body[:1].lower() + body[1:]
        body = f"{phr['opener'].pick(rng, split)}{rng.choice((',', '!', ''))} {body}"
    if rng.random() < 0.3:
        body = f"{body} {phr['closer'].pick(rng, split)}{rng.choice(('.', '!', ''))}"
    return noisy(body, rng)


@lru_cache(maxsize=4)
def build(seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """The three splits as lists of ``(text, label)``; texts are unique across all splits."""
    labels = [intent.name for intent in INTENTS] + [OUT_OF_SCOPE]
    size_rng = random.Random(f"intents:{seed}:sizes")
    sizes = {label: {"train": size_rng.randint(*TRAIN_SIZE), "valid": VALID_SIZE, "test": TEST_SIZE}
             for label in labels}
    seen: set[str] = set()
    data: dict[str, list[tuple[str, str]]] = {split: [] for split in SPLITS}
    for split in SPLITS:
        rng = random.Random(f"intents:{seed}:{split}")
        for label in labels:
            intent = next((i for i in INTENTS if i.name == label), None)
            synonyms = intent_synonyms(intent, seed) if intent else {}
            templates = phrasing(seed)[f"templates.{label}"].values(split)
            want, attempt = sizes[label][split], 0
            rows: list[tuple[str, str]] = []
            while len(rows) < want:
                if attempt == want * 200:
                    raise RuntimeError(f"could not make {want} distinct {split} messages for {label}")
                body = render(templates[attempt % len(templates)], rng, seed, split, synonyms)
                text = message(body, rng, seed, split)
                attempt += 1
                if normal(text) not in seen:
                    seen.add(normal(text))
                    rows.append((text, label))
            data[split].extend(rows)
        rng.shuffle(data[split])
    return data


SEEN_WORDS = "test_seen_words"  # the second test slice: new messages in the training split's words only


@lru_cache(maxsize=4)
def build_seen_words(seed: int = 0) -> list[tuple[str, str]]:
    """A second test slice, ``(text, label)`` pairs: new messages built only from what train was built from.

    Each message fills a *train* template with *train* synonyms and slot values (greetings and sign-offs
    too), so it holds no word the training split lacks; it is still a new message: none equals a message
    of any split (ignoring case and final punctuation) or lies whole inside a training message (words
    compared as the leak checks do, :func:`lexicon.words`). Drawn with a random generator of its own, after
    :func:`build`, which it leaves unchanged. Where the test split measures how a model meets unseen
    synonyms and phrasings, this slice measures whether it learned the words it was taught.
    """
    data = build(seed)
    train_words = {w for text, _ in data["train"] for w in lexicon.words(text)}
    inside_train: set[tuple[str, ...]] = set()  # every run of words of a training message
    for text, _ in data["train"]:
        w = lexicon.words(text)
        inside_train |= {tuple(w[i:j]) for i in range(len(w)) for j in range(i + 1, len(w) + 1)}
    seen = {normal(text) for rows in data.values() for text, _ in rows}
    rng = random.Random(f"intents:{seed}:{SEEN_WORDS}")
    rows: list[tuple[str, str]] = []
    for label in [intent.name for intent in INTENTS] + [OUT_OF_SCOPE]:
        intent = next((i for i in INTENTS if i.name == label), None)
        synonyms = intent_synonyms(intent, seed) if intent else {}
        templates = phrasing(seed)[f"templates.{label}"].values("train")
        made, attempt = 0, 0
        while made < TEST_SIZE:
            if attempt == TEST_SIZE * 200:
                raise RuntimeError(f"could not make {TEST_SIZE} new {SEEN_WORDS} messages for {label}")
            body = render(templates[attempt % len(templates)], rng, seed, "train", synonyms)
            text = message(body, rng, seed, "train")
            attempt += 1
            w = lexicon.words(text)
            if normal(text) in seen or tuple(w) in inside_train or not set(w) <= train_words:
                continue
            seen.add(normal(text))
            rows.append((text, label))
            made += 1
    rng.shuffle(rows)
    return rows
