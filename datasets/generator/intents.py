"""The customer-support intent set: ``intents/{train,valid,test}.csv`` with columns ``text,label``, and a
second test slice in the training split's words only, ``intents/test_seen_words.csv``.

This module writes the set and its card (:func:`write`, :func:`card`). The messages are built in
``intent_messages.py`` from the intent tables in ``phrases.py`` (templates and synonym slots:
``{lost}`` -> lost / misplaced / mislaid ...), with slot values from the pools in ``lexicon.py``;
the card quotes the leak checks of the pretraining corpus (``corpus.py``), which uses only the
train and corpus parts of every pool, never these templates. The names other code reads from
this set (``INTENTS``, ``OUT_OF_SCOPE``, ``build``, ``synonym_parts`` ...) are imported here too.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from . import corpus, lexicon
from .intent_messages import (
    SEEN_WORDS,
    build,
    build_seen_words,
    held_out_values,
    intent_synonyms,
    message,
    noisy,
    normal,
    phrasing,
    render,
    shared_pools_used,
    slot_pools,
    synonym_parts,
)
from .lexicon import FRACTIONS, PARTS, SPLITS, LABELLED_FRACTIONS, ordinary, table, write_text
from .phrases import CLOSERS, INTENTS, OOS_SLOTS, OPENERS, OUT_OF_SCOPE, OUT_OF_SCOPE_TEMPLATES, Intent

__all__ = [
    "CLOSERS", "INTENTS", "OOS_SLOTS", "OPENERS", "OUT_OF_SCOPE", "OUT_OF_SCOPE_TEMPLATES", "SEEN_WORDS", "Intent",
    "build", "build_seen_words", "card", "seen_words_checks",
    "held_out_values", "intent_synonyms", "message", "noisy", "normal", "phrasing", "render", "shared_pools_used",
    "slot_pools", "synonym_parts", "write",
]


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``train.csv``, ``valid.csv``, ``test.csv``, ``test_seen_words.csv`` and ``README.md`` into ``out_dir``."""
    data = build(seed)
    paths = []
    for split, rows in [*((split, data[split]) for split in SPLITS), (SEEN_WORDS, build_seen_words(seed))]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(("text", "label"))
        writer.writerows(rows)
        paths.append(write_text(out_dir / f"{split}.csv", buf.getvalue()))
    paths.append(write_text(out_dir / "README.md", card(data, seed)))
    return paths


def seen_words_checks(data: dict[str, list[tuple[str, str]]], seen_words: list[tuple[str, str]]) -> dict[str, int]:
    """What the card says of the slice in training words only, counted on the messages (words as
    :func:`lexicon.words` reads them): how many of its messages hold a word train lacks, equal a train
    message or lie whole inside one, share a run of six words with one; and how many test messages hold
    only training words."""
    train = [text for text, _ in data["train"]]
    vocab = {w for text in train for w in lexicon.words(text)}
    only_train_words = lambda texts: sum(set(lexicon.words(t)) <= vocab for t in texts)  # noqa: E731
    texts = [text for text, _ in seen_words]
    return {"messages": len(texts), "new_words": len(texts) - only_train_words(texts),
            "inside_train": len(lexicon.sharing_ngrams(texts, train, n=1000)),
            "six_words": len(lexicon.sharing_ngrams(texts, train, lexicon.NGRAM)),
            "test": len(data["test"]), "test_train_words_only": only_train_words(text for text, _ in data["test"])}


def card(data: dict[str, list[tuple[str, str]]], seed: int) -> str:
    """The data-set card, every number computed from ``data``."""
    counts = {split: Counter(label for _, label in rows) for split, rows in data.items()}
    labels = [intent.name for intent in INTENTS] + [OUT_OF_SCOPE]
    seen_rows = build_seen_words(seed)
    seen = seen_words_checks(data, seen_rows)
    per_label = "/".join(str(n) for n in sorted(set(Counter(label for _, label in seen_rows).values())))
    dist = table(["label", *SPLITS], [[label, *(counts[s][label] for s in SPLITS)] for label in labels]
                 + [["**total**", *(len(data[s]) for s in SPLITS)]])
    parts = synonym_parts(seed)
    syn_rows = []
    for intent in INTENTS:
        for slot in intent.key_slots:
            p = parts[intent.name][slot]
            syn_rows.append([intent.name, f"`{{{slot}}}`", *(", ".join(p[s]) or "(none)" for s in PARTS)])
    leak, found = corpus.held_out(seed), corpus.leaks(seed)
    shared = {**lexicon.pools(seed), **phrasing(seed)}
    pools_used = [w[1:] for i in INTENTS for w in i.slots.values()]  # the plain word is in train anyway
    pools_used += [shared[name].items for name in (*shared_pools_used(), "opener", "closer")]
    kept = sorted({v for words in pools_used for v in ordinary(words)}, key=str.lower)
    pinned = ", ".join(f"`{v}`" for v in kept)

    def fr(fractions: dict[str, float]) -> str:
        return "/".join(f"{fractions[part] * 100:.0f}" for part in PARTS if part in fractions)

    phr = phrasing(seed)
    n_templates = {s: sum(len(phr[f"templates.{label}"].values(s)) for label in labels) for s in SPLITS}
    examples = "\n".join(f"- `{split}` ({label}): {text}" for split in SPLITS
                         for text, label in data[split][:3])
    lengths = [len(text.split()) for rows in data.values() for text, _ in rows]
    return f"""# intents: customer-support messages and their intent

Generated by `datasets/generate.py` (module `datasets.generator.intents`, seed {seed}). Do not edit by hand:
change the generator and run it again.

## What it is

Short messages a customer might type into a bank or shop's support chat, each labelled with one of
{len(INTENTS)} intents, plus `{OUT_OF_SCOPE}` for chit-chat and requests from other domains
(weather, recipes, music ...). Files: `train.csv`, `valid.csv`, `test.csv`, and a second test slice
`{SEEN_WORDS}.csv` (below), each with the header `text,label`, quoted by Python's `csv` module.
Messages are {min(lengths)} to {max(lengths)} words long (mean {sum(lengths) / len(lengths):.1f}).

Examples:

{examples}

## Sizes and label distribution

{dist}

## How it is made

Each intent has {min(len(i.templates) for i in INTENTS)}–{max(len(i.templates) for i in INTENTS)} message
templates with slots. Key slots hold synonyms of the intent's topic words (`{{lost}}`: lost, misplaced,
mislaid ...); shared slots hold cards, products, amounts, currencies, cities, times, places and shops from
`datasets/generator/lexicon.py`. A message is a filled template, sometimes with a greeting and a sign-off, and
with typing noise: about a third are all lower case, some lack the final full stop, a few have two letters
swapped. Duplicates (ignoring case and final punctuation) are dropped across all splits.

## How test differs from train

Everything a message is built from is partitioned, deterministically from the seed, into disjoint parts:

- the templates of every label into train / valid / test = {fr(LABELLED_FRACTIONS)} %
  (train {n_templates['train']}, valid {n_templates['valid']}, test {n_templates['test']} templates in all),
  so test phrasings never occur in train;
- the synonyms of every slot, greetings, sign-offs and every shared slot pool (cards, products, amounts,
  currencies, cities, out-of-scope words ...) into train / corpus / valid / test = {fr(FRACTIONS)} %,
  so test messages use words the training split never used for that intent. The corpus part is what
  the pretraining corpus uses besides train.

The plain word of a synonym slot, and any value that the kit's fixed sentences (the literal text of
the templates and of the corpus's sentences) use as an ordinary word, always stay in train: they appear
in every split or in the corpus anyway, so they cannot be held out: {pinned}.

A model that only memorised training words meets unknown words at test time. The pretraining corpus
(`datasets/corpus`) uses only the train parts and its own corpus parts, in its own sentences, never a
template: its corpus-only synonyms sit next to the same topic words as the train ones, which teaches how
synonyms work, but it never shows a valid or test synonym. Leak checks, measured on the generated
files (`tests/test_datagen.py` measures them again; words in lower case, punctuation ignored, one corpus
line at a time):

- valid and test messages that share a run of six words with a corpus line (a message shorter than six
  words: all of its words): **{found['messages']}** of {len(leak['messages'])};
- valid and test values of the slot pools (synonyms, cards, products, cities, out-of-scope words ...)
  found in the corpus as whole words: **{found['values']}** of {len(leak['values'])}.

## A second test slice in training words: `{SEEN_WORDS}.csv`

The test split above asks a model to read words it was never taught for an intent: of its {seen['test']}
messages, **{seen['test_train_words_only']}** hold only words that occur in `train.csv`. So its scores show
what a model makes of unseen synonyms and phrasings (what pretraining is for), not whether it learned its
lesson. `{SEEN_WORDS}.csv` answers that second question: {seen['messages']} new messages
({per_label} per label, the same labels as test), each a *train* template filled with *train* synonyms and slot values,
with train's greetings, sign-offs and typing noise, drawn with a random generator of its own after the three
splits (which it leaves unchanged). Checks, measured on the generated files (`tests/test_datagen.py` measures
them again; words as in the leak checks above):

- messages that hold a word `train.csv` lacks: **{seen['new_words']}** of {seen['messages']};
- messages whose words equal those of a training message, or lie in a row inside one:
  **{seen['inside_train']}** (none equals a message of any split either, ignoring case and final punctuation);
- messages that share a run of six words with a training message: {seen['six_words']} of {seen['messages']}
  (expected: they fill the same templates; this slice is new messages, not new phrasings).

A model that scores far higher here than on `test.csv` learned the words it was taught and met unknown ones
at test time. Real data sets (`DATA_DIR`) have no such file; they have their own test split.

Key-slot synonyms per part:

{table(["intent", "slot", *PARTS], syn_rows)}

## Known limits

- Templated text: the grammar is clean and the variety is far below real chat logs.
- Labels are exact by construction; real sets have ambiguous and mislabelled messages.
- Synonyms are held out as phrases: a test-only phrase can share a word with a train one
  (`PIN code` / `PIN`), and general words (`card`, `account`, `order`) occur in every split.
- English only; amounts use $, €, £ and a few currency names.
"""
