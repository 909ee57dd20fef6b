"""Unit tests for the data-set generator (``labkit.datagen`` and ``datasets/generate.py``)."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from labkit.datagen import GENERATORS, generate_all, intents, lexicon
from labkit.datagen.lexicon import SPLITS, tokenize

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "datasets" / "generate.py"
COMMITTED = REPO / "datasets"
TYPES = ("PER", "ORG", "LOC", "MISC")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All data sets, generated once in this process with seed 0."""
    folder = tmp_path_factory.mktemp("datasets")
    generate_all(folder)
    return folder


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for name in GENERATORS for p in (root / name).rglob("*") if p.is_file())


def _intents(out: Path) -> dict[str, list[tuple[str, str]]]:
    data = {}
    for split in SPLITS:
        with (out / "intents" / f"{split}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["text", "label"]
        data[split] = [(text, label) for text, label in rows[1:]]
    return data


def _conll(path: Path) -> tuple[list[list[tuple[str, str]]], int]:
    """Sentences as ``[(token, tag), ...]`` and the number of -DOCSTART- lines; checks the layout."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[:2] == ["-DOCSTART- O", ""]
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    docs = 0
    for line in lines:
        if line == "-DOCSTART- O":
            assert not current, "a -DOCSTART- line must follow a blank line"
            docs += 1
        elif line == "":
            if current:
                sentences.append(current)
            current = []
        else:
            token, tag = line.split(" ")  # exactly two columns
            current.append((token, tag))
    assert not current
    return sentences, docs


def _entities(sentence: list[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    for token, tag in sentence:
        if tag.startswith("B-"):
            found.append(token)
        elif tag.startswith("I-"):
            found[-1] += " " + token
    return found


def _words(text: str) -> str:
    """Lower-case tokens joined by single spaces and padded: ``_words(a) in _words(b)`` matches whole words."""
    return " " + " ".join(tokenize(text.lower())) + " "


# --- determinism ------------------------------------------------------------------------


def test_cli_output_is_byte_identical_across_runs(out: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # a different hash seed must not matter
    run = subprocess.run([sys.executable, str(CLI), "--out", str(tmp_path)], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "intents/train.csv" in run.stdout and "rows" in run.stdout
    assert _files(tmp_path) == _files(out)
    for rel in _files(out):
        assert (tmp_path / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_committed_files_match_the_generator(out: Path) -> None:
    if not (COMMITTED / "intents" / "train.csv").is_file():
        pytest.skip("no generated datasets/ in this checkout")
    assert _files(COMMITTED) == _files(out)
    stale = [str(rel) for rel in _files(out) if (COMMITTED / rel).read_bytes() != (out / rel).read_bytes()]
    assert not stale, f"run `python datasets/generate.py`: these files are stale: {stale}"


def test_seed_changes_the_data(tmp_path: Path) -> None:
    generate_all(tmp_path, seed=1, names=["intents"])
    other = _intents(tmp_path)
    assert other["train"] != intents.build(0)["train"]


# --- sizes and formats ------------------------------------------------------------------


def test_corpus_size_and_format(out: Path) -> None:
    raw = (out / "corpus" / "corpus.txt").read_bytes()
    assert len(raw) >= 1_100_000 and len(raw) <= 2_100_000
    text = raw.decode("utf-8")
    assert text.endswith("\n") and "\n\n" not in text and "\r" not in text
    assert (out / "corpus" / "README.md").is_file()


def test_intent_labels_and_sizes(out: Path) -> None:
    data = _intents(out)
    for split, (low, high) in {"train": (100, 140), "valid": (20, 30), "test": (35, 45)}.items():
        counts: dict[str, int] = defaultdict(int)
        for text, label in data[split]:
            assert text.strip() and "\n" not in text
            counts[label] += 1
        assert intents.OUT_OF_SCOPE in counts
        assert len(counts) - 1 >= 15, split
        assert all(low <= n <= high for n in counts.values()), (split, dict(counts))
    assert set(label for _, label in data["train"]) == set(label for _, label in data["test"])


def test_ner_sizes_and_iob2_tags(out: Path) -> None:
    expected = {"train": (2800, 3200), "valid": (450, 550), "test": (750, 850)}
    for split, (low, high) in expected.items():
        sentences, docs = _conll(out / "ner" / f"{split}.txt")
        assert low <= len(sentences) <= high
        assert len(sentences) / 25 <= docs <= len(sentences) / 15 + 1
        types_seen = set()
        for sentence in sentences:
            previous = "O"
            for token, tag in sentence:
                assert token and " " not in token
                assert tag == "O" or re.fullmatch(r"[BI]-(PER|ORG|LOC|MISC)", tag), tag
                if tag.startswith("I-"):
                    assert previous in (f"B-{tag[2:]}", tag), f"{tag} after {previous} in {sentence}"
                types_seen.add(tag[2:])
                previous = tag
        assert types_seen >= set(TYPES)
        multi = sum(" " in e for s in sentences for e in _entities(s))
        assert multi / sum(len(_entities(s)) for s in sentences) > 0.25  # multi-token entities are common


# --- generalisation ----------------------------------------------------------------------


def test_intent_splits_share_no_text(out: Path) -> None:
    data = _intents(out)
    train = {text.lower() for text, _ in data["train"]}
    for split in ("valid", "test"):
        assert not train & {text.lower() for text, _ in data[split]}


def test_ner_test_sentences_and_entities_are_new(out: Path) -> None:
    train, _ = _conll(out / "ner" / "train.txt")
    train_sentences = {tuple(t for t, _ in s) for s in train}
    train_entities = {e for s in train for e in _entities(s)}
    for split in ("valid", "test"):
        sentences, _ = _conll(out / "ner" / f"{split}.txt")
        assert not train_sentences & {tuple(t for t, _ in s) for s in sentences}
        assert not train_entities & {e for s in sentences for e in _entities(s)}, split


def _found_in(phrases: list[str], text: str) -> list[str]:
    """The phrases that occur in ``text`` as whole words (case ignored)."""
    haystack = _words(text)
    words = haystack.split()
    pairs = set(zip(words, words[1:]))
    found = []
    for phrase in phrases:
        needle = _words(phrase).split()
        if all(pair in pairs for pair in zip(needle, needle[1:])) and f" {' '.join(needle)} " in haystack:
            found.append(phrase)
    return found


def test_corpus_holds_no_held_out_sentence(out: Path) -> None:
    corpus_text = (out / "corpus" / "corpus.txt").read_text(encoding="utf-8")
    data = _intents(out)
    held_out = [text.rstrip(".!? ") for split in ("valid", "test") for text, _ in data[split]]
    assert not _found_in(held_out, corpus_text)
    test_ner, _ = _conll(out / "ner" / "test.txt")
    assert not _found_in([" ".join(t for t, _ in sentence) for sentence in test_ner], corpus_text)


def test_every_intent_has_test_only_synonyms_the_corpus_teaches(out: Path) -> None:
    data = _intents(out)
    corpus_joined = _words((out / "corpus" / "corpus.txt").read_text(encoding="utf-8"))
    parts = intents.synonym_parts(0)
    for intent in intents.INTENTS:
        train = _words("\n".join(text for text, label in data["train"] if label == intent.name))
        test = _words("\n".join(text for text, label in data["test"] if label == intent.name))
        held = [w for slot in intent.key_slots for w in parts[intent.name][slot]["test"]]
        assert held, intent.name
        for word in held:
            assert _words(word) not in train, (intent.name, word)
            assert _words(word) in corpus_joined, (intent.name, word)
        assert any(_words(word) in test for word in held), intent.name


def test_pools_are_partitioned_and_entity_values_unique() -> None:
    for seed in (0, 7):
        for pool in lexicon.pools(seed).values():
            parts = [set(pool.parts[s]) for s in SPLITS]
            assert all(parts) and not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
            assert set().union(*parts) == set(pool.items)
    entity_values = [v for names in lexicon.ENTITY_POOLS.values() for name in names for v in lexicon.POOLS[name]]
    assert len(entity_values) == len(set(entity_values)), "an entity string sits in two pools"


# --- CLI -------------------------------------------------------------------------------------


def test_unknown_name_fails_listing_known_names(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(CLI), "--out", str(tmp_path), "--only", "nope"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode != 0
    assert "nope" in run.stderr and all(name in run.stderr for name in GENERATORS)
    with pytest.raises(ValueError, match="corpus, intents, ner"):
        generate_all(tmp_path, names=["nope"])
