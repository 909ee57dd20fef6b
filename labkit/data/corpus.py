"""The pretraining corpus (``corpus/``): plain text, a ``.txt`` file or a folder of them, one line each."""
from __future__ import annotations

from pathlib import Path

from labkit.data.common import DataFormatError, dataset_folder, require_file


def read_corpus(path: str | Path) -> list[str]:
    """Read a plain-text corpus: a ``.txt`` file, or every ``*.txt`` in a folder (sorted); one line each, blanks dropped."""
    path = Path(path)
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise FileNotFoundError(f"no *.txt files in {path}")
    lines: list[str] = []
    for file in files:
        require_file(file)
        lines.extend(s for s in (line.strip() for line in file.open(encoding="utf-8")) if s)
    if not lines:
        raise DataFormatError(f"{path}: the corpus holds no text")
    return lines


def load_corpus(data_dir: str | Path | None = None, max_lines: int | None = None) -> list[str]:
    """The pretraining corpus (``corpus/*.txt``), optionally cut to its first ``max_lines`` lines."""
    lines = read_corpus(dataset_folder(data_dir, "corpus"))
    return lines[:max_lines] if max_lines else lines
