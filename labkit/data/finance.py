"""Financial sentiment (``finance/``, notebook 06): Financial PhraseBank's ``Sentences_*.txt`` (``sentence@label``
per line, UTF-8 or Latin-1) with their seeded stratified split, and the dated headline stream (``stream.csv``,
``shifts.csv``) with the shifts injected into it (:class:`Shift`).
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from labkit.data.common import SPLITS, DataFormatError, bundled_dir, dataset_folder, require_file
from labkit.data.intents import LabeledTexts

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
    require_file(path)
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
    folder = dataset_folder(data_dir, "finance")
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
    require_file(path)
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
    folder = dataset_folder(data_dir, "finance")
    if not (folder / "stream.csv").is_file() and data_dir:
        print(f"labkit: {folder} has no stream.csv: using the bundled headline stream")
        folder = bundled_dir() / "finance"
    return read_stream(folder)
