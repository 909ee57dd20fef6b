"""Data loading: the bundled data sets, or real files in the same layout under ``DATA_DIR``.

Layout (the bundled ``datasets/`` folder and a user's ``DATA_DIR`` alike)::

    corpus/*.txt                      plain text, one document or sentence per line
    intents/{train,valid,test}.csv    a header with a text column and a label column
    ner/{train,valid,test}.txt        CoNLL: ``token ... tag`` per line, blank line between sentences
    service/data_full.json            CLINC150's layout: in-scope and out-of-scope requests (notebook 05)
    finance/Sentences_*.txt           Financial PhraseBank: ``sentence@label`` per line (notebook 06);
    finance/{stream,shifts}.csv       dated headlines, and the sentiment shifts injected into them
    movielens/u.{data,item,user}      MovieLens-100k's files (notebook 07); descriptions.tsv optional
    kg/{train,valid,test}.json        sentences with entities and relations in SpERT's JSON format (notebook 08)

``valid`` is optional: when it is missing it is carved out of ``train`` with the seed.
Every reader checks the whole file before returning, so bad input never half-loads.
"""
from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from datetime import date
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
TEXT_COLUMNS = ("text", "sentence", "utterance", "query", "question")
LABEL_COLUMNS = ("label", "category", "intent", "class", "target")
VALID_FRACTION = 0.1
_TAG = re.compile(r"^(O|[BI]-[A-Za-z][\w.-]*)$")


class DataFormatError(ValueError):
    """A data file does not hold what its format promises; the message names file and line."""


@dataclass
class TaggedSentence:
    """One sentence of a token-classification set: parallel lists of tokens and IOB2 tags.

    ``doc`` numbers the document the sentence belongs to (files split by ``-DOCSTART-`` lines,
    as CoNLL-2003), or is None when the file marks no documents.
    """

    tokens: list[str]
    tags: list[str]
    doc: int | None = None

    def bracketed(self) -> str:
        """The sentence with entities marked, e.g. ``[Maria Lopez]PER called [Acme Bank]ORG .``"""
        words, open_type = [], None
        for token, tag in zip(self.tokens, self.tags):
            if open_type and not tag.startswith("I-"):
                words[-1] += f"]{open_type}"
                open_type = None
            if tag.startswith("B-"):
                token, open_type = "[" + token, tag[2:]
            words.append(token)
        if open_type:
            words[-1] += f"]{open_type}"
        return " ".join(words)


@dataclass
class LabeledTexts:
    """A text-classification split: parallel lists of texts and string labels."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)


# --- readers for standard formats -------------------------------------------


def read_conll(path: str | Path) -> list[TaggedSentence]:
    """Read a CoNLL file (``token [POS chunk] tag`` per line) into sentences with IOB2 tags.

    ``-DOCSTART-`` lines and blank lines separate sentences; the tag is the last
    column. IOB1 files (as CoNLL-2003 originally shipped) are converted to IOB2.
    ``-DOCSTART-`` lines also start a new document (``TaggedSentence.doc``).
    """
    path = Path(path)
    _require_file(path)
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    doc = None

    def close() -> None:
        if tokens:
            sentences.append(TaggedSentence(tokens.copy(), _to_iob2(tags), doc))
            tokens.clear()
            tags.clear()

    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            parts = line.split()
            if not parts:
                close()
                continue
            if parts[0] == "-DOCSTART-":
                close()
                doc = 0 if doc is None else doc + 1
                continue
            if len(parts) < 2:
                raise DataFormatError(
                    f"{path}, line {lineno}: expected 'token ... tag' (at least 2 columns), got {line.rstrip()!r}"
                )
            tag = parts[-1]
            if not _TAG.match(tag):
                raise DataFormatError(
                    f"{path}, line {lineno}: tag {tag!r} is not in the IOB scheme "
                    "(expected 'O', 'B-TYPE' or 'I-TYPE')"
                )
            tokens.append(parts[0])
            tags.append(tag)
    close()
    if not sentences:
        raise DataFormatError(f"{path}: no sentences found")
    return sentences


def _to_iob2(tags: list[str]) -> list[str]:
    out = []
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or out[-1] == "O" or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def read_text_label(
    path: str | Path, text_column: str | None = None, label_column: str | None = None
) -> LabeledTexts:
    """Read a CSV (``.csv``) or TSV (``.tsv``) file of texts and labels.

    A header is recognised when it names a text column (``text``, ``sentence``, ...)
    and a label column (``label``, ``category``, ``intent``, ...), or the columns
    given; without a header, a two-column file is read as ``text,label``.
    """
    path = Path(path)
    _require_file(path)
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


def read_clinc(path: str | Path) -> dict[str, LabeledTexts]:
    """Read CLINC150's ``data_full.json`` into ``{"train", "valid", "test"}`` splits.

    Each split holds its in-scope requests (key ``train``, ``val`` or ``test``) followed by its
    out-of-scope ones (``oos_train``, ...), labelled ``oos``. Every intent of ``val`` and ``test``
    must occur in ``train``.
    """
    path = Path(path)
    content = _read_json(path)
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
            for i, row in enumerate(content[k]):
                if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) and x.strip() for x in row)):
                    raise DataFormatError(f"{path}, key {k!r}, entry {i}: expected [text, intent], got {row!r}")
                if k.startswith("oos_") and row[1] != OUT_OF_SCOPE:
                    raise DataFormatError(f"{path}, key {k!r}, entry {i}: intent {row[1]!r} in an out-of-scope "
                                          f"list (expected {OUT_OF_SCOPE!r})")
                texts.append(row[0].strip())
                labels.append(row[1].strip())
        splits[split] = LabeledTexts(texts, labels)
    known = set(splits["train"].labels)
    for split in ("valid", "test"):
        unseen = next((i for i, label in enumerate(splits[split].labels) if label not in known), None)
        if unseen is not None:
            key = CLINC_KEYS[split]
            raise DataFormatError(f"{path}, key {key!r}, entry {unseen}: intent {splits[split].labels[unseen]!r} "
                                  "never occurs in 'train', so no model trained on it can predict it")
    return splits


def read_corpus(path: str | Path) -> list[str]:
    """Read a plain-text corpus: a ``.txt`` file, or every ``*.txt`` in a folder (sorted); one line each, blanks dropped."""
    path = Path(path)
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise FileNotFoundError(f"no *.txt files in {path}")
    lines: list[str] = []
    for file in files:
        _require_file(file)
        lines.extend(s for s in (line.strip() for line in file.open(encoding="utf-8")) if s)
    if not lines:
        raise DataFormatError(f"{path}: the corpus holds no text")
    return lines


def _read_json(path: Path):
    """The content of a JSON file; broken JSON raises a DataFormatError naming the file and the line."""
    _require_file(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataFormatError(f"{path}, line {error.lineno}: not valid JSON ({error.msg})") from None


def _require_file(path: Path) -> None:
    if not path.is_file():
        where = path.parent if path.parent.is_dir() else "a folder that does not exist"
        raise FileNotFoundError(f"looked for {path.name!r} in {where}, but it is not there")


# --- the data sets of the kit -------------------------------------------------


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


def _root(data_dir: str | Path | None, name: str) -> Path:
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


def load_corpus(data_dir: str | Path | None = None, max_lines: int | None = None) -> list[str]:
    """The pretraining corpus (``corpus/*.txt``), optionally cut to its first ``max_lines`` lines."""
    lines = read_corpus(_root(data_dir, "corpus"))
    return lines[:max_lines] if max_lines else lines


def _splits(folder: Path, suffix: str, reader, seed: int) -> dict:
    for split in ("train", "test"):
        _require_file(folder / f"{split}{suffix}")
    data = {split: reader(folder / f"{split}{suffix}") for split in SPLITS if (folder / f"{split}{suffix}").is_file()}
    if "valid" not in data:
        data["train"], data["valid"] = _carve(data["train"], seed)
    return {split: data[split] for split in SPLITS}


def _carve(train, seed: int):
    """Split off a validation part of ``train`` (VALID_FRACTION of it, at least one item), reproducibly from the seed.

    Sentences that belong to documents go by whole documents, so no document is split between the two;
    with fewer than ten documents (one ``-DOCSTART-`` at the top, say) they go by sentences, as
    setting whole documents aside would leave train with a few or none.
    """
    if isinstance(train, LabeledTexts):
        valid_idx, train_idx = _carve_indices(len(train), seed)
        pick = lambda idx: LabeledTexts([train.texts[i] for i in idx], [train.labels[i] for i in idx])  # noqa: E731
        return pick(train_idx), pick(valid_idx)
    docs = [s.doc if s.doc is not None else ("sentence", i) for i, s in enumerate(train)]
    units = list(dict.fromkeys(docs))  # documents (or lone sentences) in file order
    if len(units) * VALID_FRACTION < 1:  # too few documents to set a tenth aside whole: go by sentences
        docs = units = [("sentence", i) for i in range(len(train))]
    valid_units = {units[i] for i in _carve_indices(len(units), seed)[0]}
    return [s for s, d in zip(train, docs) if d not in valid_units], [s for s, d in zip(train, docs) if d in valid_units]


def _carve_indices(n: int, seed: int) -> tuple[list[int], list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_valid = max(1, int(n * VALID_FRACTION))
    return sorted(order[:n_valid]), sorted(order[n_valid:])


def load_intents(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, LabeledTexts]:
    """The intent set as ``{"train", "valid", "test"}`` splits."""
    folder = _root(data_dir, "intents")
    suffix = ".tsv" if (folder / "train.tsv").is_file() else ".csv"
    return _splits(folder, suffix, read_text_label, seed)


def load_ner(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, list[TaggedSentence]]:
    """The NER set as ``{"train", "valid", "test"}`` lists of tagged sentences."""
    return _splits(_root(data_dir, "ner"), ".txt", read_conll, seed)


def load_service(data_dir: str | Path | None = None) -> dict[str, LabeledTexts]:
    """The customer-service set (``service/data_full.json``) as ``{"train", "valid", "test"}`` splits,
    out-of-scope requests labelled ``oos`` (:func:`read_clinc`)."""
    return read_clinc(_root(data_dir, "service") / "data_full.json")


PHRASEBANK_LABELS = ("positive", "negative", "neutral")
FINANCE_FRACTIONS = (0.8, 0.1, 0.1)  # PhraseBank has no official split: train/valid/test made with the seed


@dataclass
class PhraseBankFile(LabeledTexts):
    """The sentences and labels of one Financial PhraseBank file, and the encoding it was read with."""

    encoding: str = "UTF-8"


def read_phrasebank(path: str | Path) -> PhraseBankFile:
    """Read a Financial PhraseBank file: one ``sentence@label`` per line, label positive, negative or neutral.

    The original release is Latin-1; copies re-saved as UTF-8 circulate too. The file is read as
    UTF-8 and, when it is not valid UTF-8, as Latin-1 (``encoding`` says which).
    """
    path = Path(path)
    _require_file(path)
    raw = path.read_bytes()
    try:
        content, encoding = raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        content, encoding = raw.decode("latin-1"), "Latin-1"
    texts, labels = [], []
    for lineno, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        text, at, label = line.rpartition("@")
        if not at:
            raise DataFormatError(f"{path}, line {lineno}: expected 'sentence@label', found no '@' in {line!r}")
        if label.strip() not in PHRASEBANK_LABELS:
            raise DataFormatError(f"{path}, line {lineno}: label {label.strip()!r} is not one of "
                                  f"{', '.join(PHRASEBANK_LABELS)}")
        if not text.strip():
            raise DataFormatError(f"{path}, line {lineno}: the sentence before '@' is empty")
        texts.append(text.strip())
        labels.append(label.strip())
    if not texts:
        raise DataFormatError(f"{path}: no sentences found")
    return PhraseBankFile(texts, labels, encoding)


def stratified_split(data: LabeledTexts, seed: int,
                     fractions: tuple[float, float, float] = FINANCE_FRACTIONS) -> dict[str, LabeledTexts]:
    """``{"train", "valid", "test"}``: each label's examples shuffled with the seed and cut by ``fractions``,
    so every split has (to one example) the label mix of the whole; each split keeps the file's order."""
    picks: dict[str, list[int]] = {split: [] for split in SPLITS}
    for label in sorted(set(data.labels)):
        idx = [i for i, y in enumerate(data.labels) if y == label]
        random.Random(f"{seed}:{label}").shuffle(idx)
        n_train, n_valid = round(fractions[0] * len(idx)), round(fractions[1] * len(idx))
        picks["train"] += idx[:n_train]
        picks["valid"] += idx[n_train:n_train + n_valid]
        picks["test"] += idx[n_train + n_valid:]
    return {split: LabeledTexts([data.texts[i] for i in sorted(idx)], [data.labels[i] for i in sorted(idx)])
            for split, idx in picks.items()}


def load_finance(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, dict[str, LabeledTexts]]:
    """Every ``finance/Sentences_*.txt`` file (PhraseBank's ``50Agree`` ... ``AllAgree``, or the bundled
    ``AllAgree``), each as ``{"train", "valid", "test"}`` (:func:`stratified_split`), keyed by file name."""
    folder = _root(data_dir, "finance")
    files = sorted(folder.glob("Sentences_*.txt"))
    if not files:
        raise FileNotFoundError(f"no Sentences_*.txt file in {folder}: expected Financial PhraseBank's files "
                                "(Sentences_50Agree.txt ... Sentences_AllAgree.txt), one 'sentence@label' per line")
    out = {}
    for path in files:
        content = read_phrasebank(path)
        note = "" if content.encoding == "UTF-8" else " (not valid UTF-8)"
        print(f"{path.name}: {len(content)} sentences, read as {content.encoding}{note}")
        out[path.name] = stratified_split(content, seed)
    return out


MOVIELENS_GENRES = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
                    "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                    "War", "Western")


@dataclass
class Ratings:
    """MovieLens ratings with users and items numbered 0..n-1 (``user_ids[u]``, ``item_ids[i]``: the file's ids).

    ``users``, ``items``, ``ratings``, ``timestamps`` are parallel arrays, one entry per rating; ``genres`` is an
    ``(items, 19)`` 0/1 array in :data:`MOVIELENS_GENRES` order; ``descriptions[i]`` is ``""`` without a
    ``descriptions.tsv``."""

    users: "np.ndarray"
    items: "np.ndarray"
    ratings: "np.ndarray"
    timestamps: "np.ndarray"
    user_ids: list[int]
    item_ids: list[int]
    titles: list[str]
    genres: "np.ndarray"
    descriptions: list[str]

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def item_text(self, i: int) -> str:
        """What a text encoder reads about item ``i``: title, genres and (when there is one) the description."""
        names = ", ".join(g for g, flag in zip(MOVIELENS_GENRES, self.genres[i]) if flag)
        return f"{self.titles[i]}. {names}. {self.descriptions[i]}".strip()


def _int(path: Path, lineno: int, text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DataFormatError(f"{path}, line {lineno}: {what} {text!r} is not a whole number") from None


def read_movielens_items(path: str | Path) -> tuple[list[int], list[str], list[list[int]]]:
    """``u.item`` (``|``-separated, Latin-1): ids, titles and the 19 genre flags of every film."""
    path = Path(path)
    _require_file(path)
    ids, titles, flags = [], [], []
    for lineno, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) != 5 + len(MOVIELENS_GENRES):
            raise DataFormatError(f"{path}, line {lineno}: expected {5 + len(MOVIELENS_GENRES)} '|'-separated "
                                  "fields (id, title, release date, video release date, URL, 19 genre flags), "
                                  f"got {len(fields)}")
        row = fields[5:]
        if any(f not in ("0", "1") for f in row):
            raise DataFormatError(f"{path}, line {lineno}: genre flags must be 0 or 1, got {row}")
        ids.append(_int(path, lineno, fields[0], "item id"))
        titles.append(fields[1].strip())
        flags.append([int(f) for f in row])
    if not ids:
        raise DataFormatError(f"{path}: no items found")
    if len(set(ids)) != len(ids):
        raise DataFormatError(f"{path}: an item id occurs twice")
    return ids, titles, flags


def read_movielens_ratings(path: str | Path, known_items: set[int],
                           known_users: set[int] | None = None) -> list[tuple[int, int, int, int]]:
    """``u.data`` (``user<TAB>item<TAB>rating<TAB>timestamp``) as ``(user, item, rating, timestamp)`` rows, every
    rating 1..5 and every item (and user, when ``known_users`` is given) present in ``u.item`` (``u.user``)."""
    path = Path(path)
    _require_file(path)
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 4:
            raise DataFormatError(f"{path}, line {lineno}: expected 4 tab-separated fields "
                                  f"(user, item, rating, timestamp), got {len(fields)}: {line!r}")
        user, item, rating, stamp = (_int(path, lineno, f, w) for f, w in
                                     zip(fields, ("user id", "item id", "rating", "timestamp")))
        if not 1 <= rating <= 5:
            raise DataFormatError(f"{path}, line {lineno}: rating {rating} is outside 1..5")
        if item not in known_items:
            raise DataFormatError(f"{path}, line {lineno}: item {item} is not in u.item")
        if known_users is not None and user not in known_users:
            raise DataFormatError(f"{path}, line {lineno}: user {user} is not in u.user")
        rows.append((user, item, rating, stamp))
    if not rows:
        raise DataFormatError(f"{path}: no ratings found")
    return rows


def load_movielens(data_dir: str | Path | None = None) -> Ratings:
    """``movielens/``: MovieLens-100k's ``u.data``, ``u.item`` and ``u.user`` (the bundled set, or the real one
    under ``DATA_DIR``), with ``descriptions.tsv`` (``item<TAB>text``) when there is one. Users are those who
    rated something; items are every film of ``u.item``."""
    import numpy as np

    folder = _root(data_dir, "movielens")
    item_ids, titles, flags = read_movielens_items(folder / "u.item")
    user_path = folder / "u.user"
    known_users = None
    if user_path.is_file():
        known_users = set()
        for lineno, line in enumerate(user_path.read_text(encoding="latin-1").splitlines(), start=1):
            if line.strip():
                fields = line.split("|")
                if len(fields) != 5:
                    raise DataFormatError(f"{user_path}, line {lineno}: expected 5 '|'-separated fields "
                                          f"(id, age, gender, occupation, zip), got {len(fields)}")
                known_users.add(_int(user_path, lineno, fields[0], "user id"))
    rows = read_movielens_ratings(folder / "u.data", set(item_ids), known_users)
    descriptions = dict.fromkeys(item_ids, "")
    desc_path = folder / "descriptions.tsv"
    if desc_path.is_file():
        for lineno, line in enumerate(desc_path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                item, sep, text = line.partition("\t")
                if not sep or _int(desc_path, lineno, item, "item id") not in descriptions:
                    raise DataFormatError(f"{desc_path}, line {lineno}: expected 'item<TAB>description' for an item "
                                          f"of u.item, got {line[:60]!r}")
                descriptions[int(item)] = text.strip()
    user_ids = sorted({u for u, *_ in rows})
    user_index, item_index = {u: k for k, u in enumerate(user_ids)}, {i: k for k, i in enumerate(item_ids)}
    data = np.array(rows, dtype=np.int64)
    return Ratings(users=np.array([user_index[u] for u in data[:, 0]]),
                   items=np.array([item_index[i] for i in data[:, 1]]),
                   ratings=data[:, 2].astype(np.float32), timestamps=data[:, 3], user_ids=user_ids,
                   item_ids=item_ids, titles=titles, genres=np.array(flags, dtype=np.float32),
                   descriptions=[descriptions[i] for i in item_ids])


@dataclass
class Shift:
    """A sentiment shift injected into a headline stream: ``company``'s news turns ``direction``
    (``positive`` or ``negative``) from ``start`` to ``end`` (both days included)."""

    company: str
    start: date
    end: date
    direction: str


@dataclass
class HeadlineStream:
    """Dated headlines (parallel lists) and the shifts injected into them."""

    dates: list[date]
    companies: list[str]
    headlines: list[str]
    shifts: list[Shift]


def _read_rows(path: Path, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    _require_file(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows or tuple(c.strip() for c in rows[0]) != header:
        raise DataFormatError(f"{path}, line 1: expected the header {','.join(header)}, got {rows[0] if rows else 'nothing'}")
    body = [(lineno, row) for lineno, row in enumerate(rows[1:], start=2) if row]
    for lineno, row in body:
        if len(row) != len(header):
            raise DataFormatError(f"{path}, line {lineno}: expected {len(header)} fields ({','.join(header)}), got {row}")
    return body


def _date(path: Path, lineno: int, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DataFormatError(f"{path}, line {lineno}: {text!r} is not a date written YYYY-MM-DD") from None


def read_stream(folder: str | Path) -> HeadlineStream:
    """``stream.csv`` (``date,company,headline``) and ``shifts.csv`` (``company,start,end,direction``) of ``folder``."""
    folder = Path(folder)
    path = folder / "stream.csv"
    rows = _read_rows(path, ("date", "company", "headline"))
    dates = [_date(path, lineno, row[0]) for lineno, row in rows]
    shifts_path = folder / "shifts.csv"
    shifts = []
    for lineno, (company, start, end, direction) in _read_rows(shifts_path, ("company", "start", "end", "direction")):
        if direction not in ("positive", "negative"):
            raise DataFormatError(f"{shifts_path}, line {lineno}: direction {direction!r} is not positive or negative")
        shifts.append(Shift(company, _date(shifts_path, lineno, start), _date(shifts_path, lineno, end), direction))
    return HeadlineStream(dates, [row[1] for _, row in rows], [row[2] for _, row in rows], shifts)


def load_stream(data_dir: str | Path | None = None) -> HeadlineStream:
    """The headline stream of ``finance/``; a ``DATA_DIR/finance`` without ``stream.csv`` falls back to the bundled one."""
    folder = _root(data_dir, "finance")
    if not (folder / "stream.csv").is_file() and data_dir:
        print(f"labkit: {folder} has no stream.csv: using the bundled headline stream")
        folder = bundled_dir() / "finance"
    return read_stream(folder)


def load(name: str, data_dir: str | Path | None = None, seed: int = 0):
    """Load a data set by name: ``corpus``, ``intents``, ``ner``, ``service``, ``finance`` or ``movielens``."""
    loaders = {"corpus": lambda: load_corpus(data_dir), "intents": lambda: load_intents(data_dir, seed),
               "ner": lambda: load_ner(data_dir, seed), "service": lambda: load_service(data_dir),
               "finance": lambda: load_finance(data_dir, seed), "movielens": lambda: load_movielens(data_dir)}
    loaders["kg"] = lambda: load_kg(data_dir, seed)
    if name not in loaders:
        _root(data_dir, name)  # raises the clear error for an unknown name
    return loaders[name]()


# --- relation extraction (notebook 08): SpERT's JSON format -----------------------------------


@dataclass
class Entity:
    """An entity mention: its type and its word span ``tokens[start:end]`` (``end`` exclusive)."""

    type: str
    start: int
    end: int

    @property
    def key(self) -> tuple[int, int, str]:
        """``(start, end, type)``: what strict relation F1 compares of an entity (its span and its type)."""
        return self.start, self.end, self.type


@dataclass
class Relation:
    """A relation of one sentence: ``type`` from entity ``head`` to entity ``tail`` (indices into ``entities``)."""

    type: str
    head: int
    tail: int


@dataclass
class RelationSentence:
    """One sentence of a relation-extraction set: words, entity mentions and the relations between them.

    ``doc`` is always None (SpERT's format marks no documents); it is there so that :func:`_carve` treats
    each sentence as its own unit, as for a CoNLL file without ``-DOCSTART-`` lines.
    """

    tokens: list[str]
    entities: list[Entity]
    relations: list[Relation]
    doc: int | None = None

    def span(self, k: int) -> str:
        """The words of entity ``k``, joined by spaces."""
        return " ".join(self.tokens[self.entities[k].start:self.entities[k].end])

    def iob2(self) -> list[str]:
        """The entities as IOB2 tags, one per word (``B-Peop``, ``I-Peop``, ``O``, ...). An entity that overlaps
        one already tagged (nested or crossing spans, which IOB2 cannot express) is left out."""
        tags = ["O"] * len(self.tokens)
        for e in sorted(self.entities, key=lambda e: (e.start, -e.end)):
            if all(t == "O" for t in tags[e.start:e.end]):
                tags[e.start:e.end] = ["B-" + e.type] + ["I-" + e.type] * (e.end - e.start - 1)
        return tags

    def tagged(self) -> TaggedSentence:
        """The sentence as a :class:`TaggedSentence` (IOB2 tags), what the NER recipe of notebook 02 reads."""
        return TaggedSentence(self.tokens, self.iob2(), self.doc)

    def triples(self) -> list[tuple[tuple[int, int, str], str, tuple[int, int, str]]]:
        """Relations as ``((head start, end, type), relation, (tail start, end, type))``: what strict relation F1
        compares (both spans, both entity types and the relation type)."""
        return [(self.entities[r.head].key, r.type, self.entities[r.tail].key) for r in self.relations]


def read_spert(path: str | Path) -> list[RelationSentence]:
    """Read a relation-extraction file in SpERT's JSON format (CoNLL04, SciERC and ADE are distributed in it):
    a list of ``{"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [{"type", "head", "tail"}]}``,
    ``end`` exclusive, ``head`` and ``tail`` indices into the sentence's ``entities``. Other keys are ignored.

    A record with a missing key, a span outside its sentence or a relation pointing at a missing entity raises a
    :class:`DataFormatError` naming the file and the record's index (0-based).
    """
    path = Path(path)
    content = _read_json(path)
    if not isinstance(content, list):
        raise DataFormatError(f"{path}: expected a JSON list of sentences (SpERT's format), got a {type(content).__name__}")
    sentences = []
    for i, record in enumerate(content):
        where = f"{path}, record {i}"
        if not isinstance(record, dict):
            raise DataFormatError(f"{where}: expected an object with tokens, entities and relations, got {record!r:.60}")
        missing = [k for k in ("tokens", "entities", "relations") if k not in record]
        if missing:
            raise DataFormatError(f"{where}: key(s) {missing} missing (each sentence needs tokens, entities, relations)")
        tokens = record["tokens"]
        if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) and t for t in tokens):
            raise DataFormatError(f"{where}: 'tokens' must be a non-empty list of non-empty strings")
        entities = []
        for k, e in enumerate(record["entities"]):
            if not isinstance(e, dict) or any(key not in e for key in ("type", "start", "end")):
                raise DataFormatError(f"{where}, entity {k}: expected {{'type', 'start', 'end'}}, got {e!r:.80}")
            if not (isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] < e["end"] <= len(tokens)):
                raise DataFormatError(f"{where}, entity {k}: span {e['start']}..{e['end']} is not inside the "
                                      f"sentence's {len(tokens)} tokens (start < end <= {len(tokens)}, end exclusive)")
            entities.append(Entity(str(e["type"]), e["start"], e["end"]))
        relations = []
        for k, r in enumerate(record["relations"]):
            if not isinstance(r, dict) or any(key not in r for key in ("type", "head", "tail")):
                raise DataFormatError(f"{where}, relation {k}: expected {{'type', 'head', 'tail'}}, got {r!r:.80}")
            for end in ("head", "tail"):
                if not (isinstance(r[end], int) and 0 <= r[end] < len(entities)):
                    raise DataFormatError(f"{where}, relation {k}: {end} {r[end]!r} points at no entity "
                                          f"(the sentence has {len(entities)}: indices 0..{len(entities) - 1})")
            relations.append(Relation(str(r["type"]), r["head"], r["tail"]))
        sentences.append(RelationSentence(list(tokens), entities, relations))
    if not sentences:
        raise DataFormatError(f"{path}: no sentences found")
    return sentences


def load_kg(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, list[RelationSentence]]:
    """The relation-extraction set ``kg/{train,valid,test}.json`` (SpERT's format, :func:`read_spert`) as
    ``{"train", "valid", "test"}`` lists of sentences; without ``valid.json``, a seeded tenth of train."""
    return _splits(_root(data_dir, "kg"), ".json", read_spert, seed)
