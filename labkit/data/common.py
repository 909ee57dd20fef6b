"""What every reader shares: the layout of a data folder, which folder a set is read from (``DATA_DIR``'s or
the bundled one), the splits and how a missing ``valid`` is carved out of ``train``, the file checks, and the error
every reader raises on bad input.

Layout (the bundled ``datasets/`` folder and a user's ``DATA_DIR`` alike)::

    corpus/*.txt                      plain text, one document or sentence per line
    intents/{train,valid,test}.csv    a header with a text column and a label column
    ner/{train,valid,test}.txt        CoNLL: ``token ... tag`` per line, blank line between sentences
    service/data_full.json            CLINC150's layout: in-scope and out-of-scope requests (notebook 05)
    finance/Sentences_*.txt           Financial PhraseBank: ``sentence@label`` per line (notebook 06);
    finance/{stream,shifts}.csv       dated headlines, and the sentiment shifts injected into them
    movielens/u.{data,item,user}      MovieLens-100k's files (notebook 07); descriptions.tsv optional
    kg/{train,valid,test}.json        sentences with entities and relations in SpERT's JSON format (notebook 08)

``valid`` is optional: when it is missing it is carved out of ``train`` with the seed. The bundled ``intents/`` and
``service/`` also hold a second test slice, ``test_seen_words.csv`` / ``.json`` (new messages in the training split's
words only); a real set has none, and the notebooks then skip that slice.
Every reader checks the whole file before returning, so bad input never half-loads.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from labkit.course.paths import repo_root

SPLITS = ("train", "valid", "test")
DATASETS = {
    "corpus": "unlabeled text for pretraining (corpus/*.txt)",
    "intents": "customer-support intents (intents/{train,valid,test}.csv)",
    "ner": "named entities in CoNLL format (ner/{train,valid,test}.txt)",
    "service": "customer requests with out-of-scope ones kept apart, CLINC150's layout (service/data_full.json)",
    "finance": "financial sentences in Financial PhraseBank's layout (finance/Sentences_AllAgree.txt ...), "
               "and a dated headline stream (finance/stream.csv, finance/shifts.csv)",
    "movielens": "ratings in MovieLens-100k's layout (movielens/u.data, u.item, u.user; descriptions.tsv optional)",
    "kg": "sentences with entities and relations in SpERT's JSON format, as CoNLL04 (kg/{train,valid,test}.json)",
}
VALID_FRACTION = 0.1


class DataFormatError(ValueError):
    """A data file does not hold what its format promises; the message names file and line."""


def read_json(path: Path):
    """The content of a JSON file; broken JSON raises a DataFormatError naming the file and the line."""
    require_file(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataFormatError(f"{path}, line {error.lineno}: not valid JSON ({error.msg})") from None


def require_file(path: Path) -> None:
    """Raise a FileNotFoundError naming the file and the folder it was looked for in, when ``path`` is no file."""
    if not path.is_file():
        where = path.parent if path.parent.is_dir() else "a folder that does not exist"
        raise FileNotFoundError(f"looked for {path.name!r} in {where}, but it is not there")


def bundled_dir() -> Path:
    """The kit's generated data sets: the ``datasets/`` folder of the kit's checkout.

    They are generated (and committed) by ``python datasets/generate.py``; labkit only reads them.
    """
    root = repo_root()
    if root is not None and (root / "datasets" / "intents" / "train.csv").is_file():
        return root / "datasets"
    raise FileNotFoundError(
        "labkit's bundled data sets live in the kit's datasets/ folder, which this installation does not have "
        "(labkit runs outside a checkout of the kit). Clone the kit's repository and run from there, "
        "or pass DATA_DIR: a folder laid out like datasets/ (corpus/, intents/, ner/)."
    )


def dataset_folder(data_dir: str | Path | None, name: str) -> Path:
    """The folder set ``name`` is read from: ``DATA_DIR``'s ``name/`` when there is one, else the bundled set
    (saying so when a ``DATA_DIR`` was given). An unknown name raises a ValueError listing the known sets."""
    if name not in DATASETS:
        known = "; ".join(f"{k}: {v}" for k, v in DATASETS.items())
        raise ValueError(f"unknown data set {name!r}; known data sets are {known}")
    if _in_data_dir(data_dir, name):
        return Path(data_dir) / name
    if data_dir:  # a partial DATA_DIR: real data for some sets, the bundled ones for the rest
        print(f"labkit: DATA_DIR has no {name}/ folder: using the bundled {name} set")
    return bundled_dir() / name


def _in_data_dir(data_dir: str | Path | None, name: str) -> bool:
    return bool(data_dir) and (Path(data_dir) / name).is_dir()


def source(data_dir: str | Path | None, name: str) -> str:
    """Where set ``name`` is read from, for a sentence in a notebook: ``DATA_DIR``'s folder, or the bundled set."""
    return f"`{Path(data_dir) / name}`" if _in_data_dir(data_dir, name) else f"the bundled {name} set"


def load_splits(folder: Path, suffix: str, reader, seed: int, carve) -> dict:
    """``{"train", "valid", "test"}``: ``reader`` applied to ``folder``'s ``train``, ``valid`` and ``test`` files
    (``suffix`` their ending); without a ``valid`` file, ``carve(train, seed)`` sets a part of train aside
    (:func:`carve_sentences` for sets of sentences; the intent set carves its texts)."""
    for split in ("train", "test"):
        require_file(folder / f"{split}{suffix}")
    data = {split: reader(folder / f"{split}{suffix}") for split in SPLITS if (folder / f"{split}{suffix}").is_file()}
    if "valid" not in data:
        data["train"], data["valid"] = carve(data["train"], seed)
    return {split: data[split] for split in SPLITS}


def carve_sentences(train: list, seed: int) -> tuple[list, list]:
    """Split off a validation part of a list of sentences (VALID_FRACTION of it, at least one), reproducibly
    from the seed.

    Sentences that belong to documents go by whole documents, so no document is split between the two;
    with fewer than ten documents (one ``-DOCSTART-`` at the top, say) they go by sentences, as
    setting whole documents aside would leave train with a few or none.
    """
    docs = [s.doc if s.doc is not None else ("sentence", i) for i, s in enumerate(train)]
    units = list(dict.fromkeys(docs))  # documents (or lone sentences) in file order
    if len(units) * VALID_FRACTION < 1:  # too few documents to set a tenth aside whole: go by sentences
        docs = units = [("sentence", i) for i in range(len(train))]
    valid_units = {units[i] for i in carve_indices(len(units), seed)[0]}
    return [s for s, d in zip(train, docs) if d not in valid_units], [s for s, d in zip(train, docs) if d in valid_units]


def carve_indices(n: int, seed: int) -> tuple[list[int], list[int]]:
    """``(valid, train)``: sorted indices of ``n`` items, VALID_FRACTION of them (at least one) picked with the seed."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_valid = max(1, int(n * VALID_FRACTION))
    return sorted(order[:n_valid]), sorted(order[n_valid:])
