"""The unlabeled pretraining corpus: ``corpus/corpus.txt``, one document or paragraph per line.

Six kinds of text: support chats, help-centre articles and forum threads built from every
intent's corpus phrases and answers, shop reviews, finance news and everyday prose naming
entities. Every value it uses (synonyms, slot values, names, places ...) comes from the
train part or the corpus's own part of its pool, never from the valid or test parts, and it
never uses an intent or NER template. A line that would still share a run of six words with a
valid or test intent message, or contain a held-out value or entity string, is drawn again,
so pretraining teaches which words go together without leaking held-out data.

This module draws the lines (:func:`build`), counts the leaks (:func:`held_out`, :func:`leaks`) and
writes the file and its card (:func:`write`, :func:`card`). The sentence frames and the intents'
corpus phrases are in ``phrases.py``; the held-out messages and entities it must avoid come from
``intent_messages.py`` and ``ner_sentences.py``.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from . import intent_messages, lexicon, ner_sentences
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
    NEWS_MONEY_FORMATS,
    NEWS_NUMBERS,
    OOS_SLOTS,
    PARAGRAPHS,
    Intent,
)

TARGET_BYTES = 1_500_000
KIND_WEIGHTS = {"chat": 26, "help": 13, "forum": 13, "review": 10, "news": 21, "life": 17}


class _Writer:
    """Draws corpus lines of each kind with one seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"corpus:{seed}")
        self.synonyms = {intent.name: intent_messages.intent_synonyms(intent, seed) for intent in INTENTS}

    def say(self, intent: Intent, template: str) -> str:
        """Fill an intent phrase with its train and corpus synonyms and shared values."""
        return intent_messages.render(template, self.rng, self.seed, PRETRAIN, self.synonyms[intent.name])

    def chat(self) -> str:
        rng = self.rng
        intent = rng.choice(INTENTS)
        opener = intent_messages.phrasing(self.seed)["opener"].pick(rng, PRETRAIN)
        said = self.say(intent, rng.choice(intent.says))
        first = intent_messages.noisy(f"{opener}, {said[:1].lower()}{said[1:]}.", rng)
        answers = rng.sample(intent.answers, k=len(intent.answers))
        turns = [f"Customer: {first}",
                 f"Agent: {rng.choice(AGENT_OPENERS)} {self.say(intent, answers[0])}"]
        if rng.random() < 0.6:
            turns.append(f"Customer: {intent_messages.noisy(rng.choice(FOLLOW_UPS), rng)}")
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
        post = intent_messages.noisy(f"{self.say(intent, says[0])}. {rng.choice(FORUM_EXTRAS)}", rng)
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
            "MONEY": lambda: rng.choice(NEWS_MONEY_FORMATS).format(pools(seed)["amount"].pick(rng, PRETRAIN)),
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
                return intent_messages.phrasing(seed)[base].pick(rng, PRETRAIN)
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
    data = intent_messages.build(seed)
    sentences = [s for split in HELD_OUT for doc in ner_sentences.build(seed)[split] for s in doc]
    return {
        "messages": [text for split in HELD_OUT for text, _ in data[split]],
        "values": sorted({v for values in intent_messages.held_out_values(seed).values() for v in values}),
        "entities": sorted({text for s in sentences for _, text in ner_sentences.entities(s)}),
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
    parts = intent_messages.synonym_parts(seed)
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
    pinned = sorted({v for name, pool in {**pools(seed), **intent_messages.phrasing(seed)}.items()
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
`datasets/generator/phrases.py`, filled with the intent's synonyms, so words of one topic
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
