"""Data loading: the bundled data sets, or real files in the same layout under ``DATA_DIR``.

One module per family of formats; every public name is importable from here (``data.load_intents``, ...)::

    module      reads                                                          folder       types
    common      which folder a set comes from (DATA_DIR or bundled), splits   (all)        DataFormatError
    corpus      plain text, one line each                                      corpus/
    intents     text-label CSV/TSV (as Banking77); CLINC150's data_full.json   intents/,    LabeledTexts,
                (and the bundled sets' second test slice, test_seen_words)     service/     OUT_OF_SCOPE
    ner         CoNLL, IOB1/IOB2 tags                                          ner/         TaggedSentence
    finance     Financial PhraseBank's sentence@label; headline stream CSVs    finance/     PhraseBankFile,
                                                                                            HeadlineStream, Shift
    ratings     MovieLens-100k's u.data, u.item, u.user                        movielens/   Ratings
    relations   SpERT's JSON (entities and relations, as CoNLL04)              kg/          RelationSentence,
                                                                                            Entity, Relation

The folder layout is described in :mod:`labkit.data.common`. Every reader checks the whole file before returning,
so bad input never half-loads.
"""
from __future__ import annotations

from pathlib import Path

from labkit.data.common import DATASETS, SPLITS, VALID_FRACTION, DataFormatError, bundled_dir, dataset_folder, source
from labkit.data.corpus import load_corpus, read_corpus
from labkit.data.finance import (
    FINANCE_FRACTIONS,
    PHRASEBANK_LABELS,
    HeadlineStream,
    PhraseBankFile,
    Shift,
    load_finance,
    load_stream,
    read_phrasebank,
    read_stream,
    stratified_split,
)
from labkit.data.intents import (
    CLINC_KEYS,
    LABEL_COLUMNS,
    OUT_OF_SCOPE,
    SEEN_WORDS,
    TEXT_COLUMNS,
    LabeledTexts,
    load_intents,
    load_seen_words,
    load_service,
    read_clinc,
    read_clinc_test,
    read_text_label,
)
from labkit.data.ner import TaggedSentence, load_ner, read_conll
from labkit.data.ratings import MOVIELENS_GENRES, Ratings, load_movielens, read_movielens_items, read_movielens_ratings
from labkit.data.relations import Entity, Relation, RelationSentence, load_kg, read_spert

__all__ = [
    "CLINC_KEYS", "DATASETS", "DataFormatError", "Entity", "FINANCE_FRACTIONS", "HeadlineStream", "LABEL_COLUMNS",
    "LabeledTexts", "MOVIELENS_GENRES", "OUT_OF_SCOPE", "PHRASEBANK_LABELS", "PhraseBankFile", "Ratings",
    "Relation", "RelationSentence", "SEEN_WORDS", "SPLITS", "Shift", "TEXT_COLUMNS", "TaggedSentence",
    "VALID_FRACTION", "bundled_dir", "load", "load_corpus", "load_finance", "load_intents", "load_kg",
    "load_movielens", "load_ner", "load_seen_words", "load_service", "load_stream", "read_clinc", "read_clinc_test",
    "read_conll", "read_corpus", "read_movielens_items", "read_movielens_ratings", "read_phrasebank", "read_spert",
    "read_stream", "read_text_label", "source", "stratified_split",
]


def load(name: str, data_dir: str | Path | None = None, seed: int = 0):
    """Load a data set by name: ``corpus``, ``intents``, ``ner``, ``service``, ``finance`` or ``movielens``."""
    loaders = {"corpus": lambda: load_corpus(data_dir), "intents": lambda: load_intents(data_dir, seed),
               "ner": lambda: load_ner(data_dir, seed), "service": lambda: load_service(data_dir),
               "finance": lambda: load_finance(data_dir, seed), "movielens": lambda: load_movielens(data_dir)}
    loaders["kg"] = lambda: load_kg(data_dir, seed)
    if name not in loaders:
        dataset_folder(data_dir, name)  # raises the clear error for an unknown name
    return loaders[name]()
