"""Labelled texts: intents and other text-label sets (``intents/``, a CSV or TSV file of texts and labels as
Banking77's), and the customer-service set in CLINC150's ``data_full.json`` (``service/``), with out-of-scope
requests labelled :data:`OUT_OF_SCOPE`. :class:`LabeledTexts` is the split every text-classification reader returns.
The bundled sets hold a second test slice besides ``test`` (:data:`SEEN_WORDS`, read by :func:`load_seen_words`).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from labkit.data.common import DataFormatError, carve_indices, dataset_folder, load_splits, read_json, require_file

TEXT_COLUMNS = ("text", "sentence", "utterance", "query", "question")
LABEL_COLUMNS = ("label", "category", "intent", "class", "target")


@dataclass
class LabeledTexts:
    """A text-classification split: parallel lists of texts and string labels."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def read_text_label(
    path: str | Path, text_column: str | None = None, label_column: str | None = None
) -> LabeledTexts:
    """Read a CSV (``.csv``) or TSV (``.tsv``) file of texts and labels.

    A header is recognised when it names a text column (``text``, ``sentence``, ...)
    and a label column (``label``, ``category``, ``intent``, ...), or the columns
    given; without a header, a two-column file is read as ``text,label``.
    """
    path = Path(path)
    require_file(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    if not rows:
        raise DataFormatError(f"{path}: the file is empty")
    header = [c.strip().lower() for c in rows[0]]
    text_names = (text_column.lower(),) if text_column else TEXT_COLUMNS
    label_names = (label_column.lower(),) if label_column else LABEL_COLUMNS
    text_idx = next((header.index(n) for n in text_names if n in header), None)
    label_idx = next((header.index(n) for n in label_names if n in header), None)
    if text_idx is not None and label_idx is not None:
        body, first_line = rows[1:], 2
    elif text_column or label_column:
        raise DataFormatError(f"{path}: header {rows[0]} lacks column {text_column or label_column!r}")
    elif len(rows[0]) == 2:
        text_idx, label_idx, body, first_line = 0, 1, rows, 1
    else:
        raise DataFormatError(
            f"{path}, line 1: expected a header naming a text column ({', '.join(TEXT_COLUMNS)}) "
            f"and a label column ({', '.join(LABEL_COLUMNS)}), or exactly two columns text,label; got {rows[0]}"
        )
    width = len(rows[0])
    texts, labels = [], []
    for lineno, row in enumerate(body, start=first_line):
        if not row:
            continue
        if len(row) != width:
            raise DataFormatError(f"{path}, row {lineno}: expected {width} fields, got {len(row)}: {row}")
        text, label = row[text_idx].strip(), row[label_idx].strip()
        if not text or not label:
            raise DataFormatError(f"{path}, row {lineno}: empty text or label: {row}")
        texts.append(text)
        labels.append(label)
    if not texts:
        raise DataFormatError(f"{path}: no rows after the header")
    return LabeledTexts(texts, labels)

CLINC_KEYS = {"train": "train", "valid": "val", "test": "test"}  # split -> CLINC150's key
OUT_OF_SCOPE = "oos"  # CLINC150's name for the out-of-scope intent
SEEN_WORDS = "test_seen_words"  # the bundled sets' second test slice: new messages in the training split's words


def _clinc_rows(path: Path, content: dict, key: str) -> tuple[list[str], list[str]]:
    """The texts and intents of one of CLINC150's lists, checked: ``[text, intent]`` pairs, ``oos`` in ``oos_*``."""
    texts, labels = [], []
    for i, row in enumerate(content[key]):
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) and x.strip() for x in row)):
            raise DataFormatError(f"{path}, key {key!r}, entry {i}: expected [text, intent], got {row!r}")
        if key.startswith("oos_") and row[1] != OUT_OF_SCOPE:
            raise DataFormatError(f"{path}, key {key!r}, entry {i}: intent {row[1]!r} in an out-of-scope "
                                  f"list (expected {OUT_OF_SCOPE!r})")
        texts.append(row[0].strip())
        labels.append(row[1].strip())
    return texts, labels


def read_clinc(path: str | Path) -> dict[str, LabeledTexts]:
    """Read CLINC150's ``data_full.json`` into ``{"train", "valid", "test"}`` splits.

    Each split holds its in-scope requests (key ``train``, ``val`` or ``test``) followed by its
    out-of-scope ones (``oos_train``, ...), labelled ``oos``. Every intent of ``val`` and ``test``
    must occur in ``train``.
    """
    path = Path(path)
    content = read_json(path)
    keys = [k for key in CLINC_KEYS.values() for k in (key, f"oos_{key}")]
    missing = [k for k in keys if not isinstance(content, dict) or k not in content]
    if missing:
        raise DataFormatError(f"{path}: key(s) {missing} missing; CLINC150's data_full.json has {keys}, each a "
                              "list of [text, intent] (the oos_* keys hold the out-of-scope requests)")
    if not content["oos_train"]:
        raise DataFormatError(f"{path}, key 'oos_train': no out-of-scope training requests; the model needs "
                              "some to learn the out-of-scope class")
    splits = {}
    for split, key in CLINC_KEYS.items():
        texts, labels = [], []
        for k in (key, f"oos_{key}"):
            more_texts, more_labels = _clinc_rows(path, content, k)
            texts += more_texts
            labels += more_labels
        splits[split] = LabeledTexts(texts, labels)
    known = set(splits["train"].labels)
    for split in ("valid", "test"):
        unseen = next((i for i, label in enumerate(splits[split].labels) if label not in known), None)
        if unseen is not None:
            key = CLINC_KEYS[split]
            raise DataFormatError(f"{path}, key {key!r}, entry {unseen}: intent {splits[split].labels[unseen]!r} "
                                  "never occurs in 'train', so no model trained on it can predict it")
    return splits


def _carve_texts(train: LabeledTexts, seed: int) -> tuple[LabeledTexts, LabeledTexts]:
    """Split off a validation part of ``train`` (VALID_FRACTION of its texts, at least one), reproducibly from
    the seed."""
    valid_idx, train_idx = carve_indices(len(train), seed)
    pick = lambda idx: LabeledTexts([train.texts[i] for i in idx], [train.labels[i] for i in idx])  # noqa: E731
    return pick(train_idx), pick(valid_idx)


def load_intents(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, LabeledTexts]:
    """The intent set as ``{"train", "valid", "test"}`` splits."""
    folder = dataset_folder(data_dir, "intents")
    suffix = ".tsv" if (folder / "train.tsv").is_file() else ".csv"
    return load_splits(folder, suffix, read_text_label, seed, _carve_texts)


def load_service(data_dir: str | Path | None = None) -> dict[str, LabeledTexts]:
    """The customer-service set (``service/data_full.json``) as ``{"train", "valid", "test"}`` splits,
    out-of-scope requests labelled ``oos`` (:func:`read_clinc`)."""
    return read_clinc(dataset_folder(data_dir, "service") / "data_full.json")


def read_clinc_test(path: str | Path) -> LabeledTexts:
    """Read a file in CLINC150's layout that holds one test slice only (keys ``test`` and ``oos_test``):
    its in-scope requests followed by its out-of-scope ones, labelled ``oos``."""
    path = Path(path)
    content = read_json(path)
    missing = [k for k in ("test", "oos_test") if not isinstance(content, dict) or k not in content]
    if missing:
        raise DataFormatError(f"{path}: key(s) {missing} missing; a test slice in CLINC150's layout has 'test' and "
                              "'oos_test', each a list of [text, intent]")
    (texts, labels), (oos_texts, oos_labels) = _clinc_rows(path, content, "test"), _clinc_rows(path, content, "oos_test")
    return LabeledTexts(texts + oos_texts, labels + oos_labels)


def load_seen_words(data_dir: str | Path | None = None, name: str = "intents") -> LabeledTexts | None:
    """The second test slice of set ``name`` (``intents`` or ``service``): messages built only from the words,
    templates and slot values of its training split, none of them a training message (``datasets/intents``'
    card). The bundled sets have it (``intents/test_seen_words.csv``, ``service/test_seen_words.json``); a
    real set in ``DATA_DIR`` has not, and then this returns None: it has its own test split only."""
    if name not in ("intents", "service"):
        raise ValueError(f"only the intents and service sets have a {SEEN_WORDS} slice, not {name!r}")
    path = dataset_folder(data_dir, name) / f"{SEEN_WORDS}.{'csv' if name == 'intents' else 'json'}"
    if not path.is_file():
        return None
    return read_text_label(path) if name == "intents" else read_clinc_test(path)
