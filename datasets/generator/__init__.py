"""Deterministic generators for the data sets the kit ships (``datasets/<name>/``).

Run them with ``python datasets/generate.py`` (or ``make data``); this package sits beside the
data, outside the ``labkit`` library, and needs nothing but the Python standard library.

``GENERATORS`` maps a data-set name to a function ``write(out_dir, seed) -> paths`` that writes
that set (files plus a ``README.md`` card) into ``out_dir``. Every generator uses only
``random.Random`` instances seeded from ``seed`` and names, so the same seed always gives
byte-identical files. To add a data set, write a module with ``write`` and register it here.

Modules, each importing only those above it (``tests/test_datagen.py`` checks there is no cycle):

- ``phrases``: the phrase tables (intent templates, synonyms and answers; the corpus's sentence frames);
- ``lexicon``: the word pools, how they are split, the text helpers and the leak checks;
- ``intent_messages``, ``ner_sentences``: the messages and tagged sentences of the intent and NER sets;
- ``corpus``: the pretraining corpus, drawn clear of the held-out messages and entities, and its card;
- one module per other set with its ``write`` and card: ``intents`` and ``ner`` (their cards quote the
  corpus's leak checks), ``service`` (the intent messages in CLINC150's layout), ``finance`` and
  ``movielens`` (clear of the corpus), ``kg``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from . import corpus, finance, intents, movielens, ner, service
from . import kg

Generator = Callable[[Path, int], list[Path]]

GENERATORS: dict[str, Generator] = {
    "corpus": corpus.write,
    "intents": intents.write,
    "ner": ner.write,
    "service": service.write,
    "finance": finance.write,
    "movielens": movielens.write,
    "kg": kg.write,
}


def generate_all(out_dir: Path, seed: int = 0, names: Iterable[str] | None = None) -> list[Path]:
    """Write the named data sets (all by default) into ``out_dir/<name>/``; return the files written."""
    chosen = list(GENERATORS) if names is None else list(names)
    unknown = [name for name in chosen if name not in GENERATORS]
    if unknown:
        raise ValueError(f"unknown data set(s) {', '.join(unknown)}; known data sets: {', '.join(GENERATORS)}")
    written: list[Path] = []
    for name in chosen:
        written += GENERATORS[name](Path(out_dir) / name, seed)
    return written


def count_rows(path: Path) -> tuple[int, str]:
    """``(n, unit)`` for a generated file: CSV rows, CoNLL sentences, or lines."""
    text = Path(path).read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return text.count("\n") - 1, "rows"
    if path.suffix == ".json" and text.startswith("[\n"):  # SpERT's JSON list, one sentence per line
        return text.count("\n") - 2, "sentences"
    if text.startswith("-DOCSTART-"):
        blocks = [block for block in text.split("\n\n") if block.strip()]
        return sum(not block.startswith("-DOCSTART-") for block in blocks), "sentences"
    return text.count("\n"), "lines"
