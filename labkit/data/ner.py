"""Named entities in CoNLL format (``ner/``): ``token [POS chunk] tag`` per line, IOB1 or IOB2 tags (read as
IOB2), ``-DOCSTART-`` lines between documents; :class:`TaggedSentence` is one sentence of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from labkit.data.common import DataFormatError, carve_sentences, dataset_folder, load_splits, require_file

_TAG = re.compile(r"^(O|[BI]-[A-Za-z][\w.-]*)$")


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


def read_conll(path: str | Path) -> list[TaggedSentence]:
    """Read a CoNLL file (``token [POS chunk] tag`` per line) into sentences with IOB2 tags.

    ``-DOCSTART-`` lines and blank lines separate sentences; the tag is the last
    column. IOB1 files (as CoNLL-2003 originally shipped) are converted to IOB2.
    ``-DOCSTART-`` lines also start a new document (``TaggedSentence.doc``).
    """
    path = Path(path)
    require_file(path)
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


def load_ner(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, list[TaggedSentence]]:
    """The NER set as ``{"train", "valid", "test"}`` lists of tagged sentences."""
    return load_splits(dataset_folder(data_dir, "ner"), ".txt", read_conll, seed, carve_sentences)
