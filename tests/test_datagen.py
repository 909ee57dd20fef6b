"""Unit tests for the data-set generator (``datasets/generator/`` and ``datasets/generate.py``).

The leak checks read the generated files and count with the generator's own helpers
(``lexicon.sharing_ngrams`` and ``lexicon.phrases_in``, the counts the cards quote); the
entity and value checks are repeated with a plain regular expression (whole words, case ignored).
"""
from __future__ import annotations

import ast
import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from datasets.generator import GENERATORS, corpus, generate_all, intents, lexicon
from datasets.generator.lexicon import FRACTIONS, HELD_OUT, NGRAM, PARTS, SPLITS, tokenize

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


def _seen_words(out: Path) -> list[tuple[str, str]]:
    with (out / "intents" / f"{intents.SEEN_WORDS}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "label"]
    return [(text, label) for text, label in rows[1:]]


def test_seen_words_slice_is_new_messages_in_training_words(out: Path) -> None:
    """The second test slice: no message of any split again (not even inside a training message), every
    word in train, the labels and sizes of test; the test split, by contrast, is nearly all new words."""
    data, seen = _intents(out), _seen_words(out)
    train = [text for text, _ in data["train"]]
    normal = lambda text: text.lower().rstrip(".!? ")  # noqa: E731  (as the generator drops duplicates)
    assert len({normal(t) for t, _ in seen}) == len(seen)
    assert not {normal(t) for t, _ in seen} & {normal(t) for rows in data.values() for t, _ in rows}
    assert not lexicon.sharing_ngrams([t for t, _ in seen], train, n=1000), "a message lies whole inside a train one"
    train_words = {w for text in train for w in lexicon.words(text)}
    new_words = {w for text, _ in seen for w in lexicon.words(text)} - train_words
    assert not new_words, sorted(new_words)[:10]
    # a second reading of "every word occurs in train", with a plain regular expression
    plain = lambda texts: {w for text in texts for w in re.findall(r"[a-z0-9]+", text.lower())}  # noqa: E731
    assert plain(t for t, _ in seen) <= plain(train)
    test_only_train_words = sum(set(lexicon.words(text)) <= train_words for text, _ in data["test"])
    assert test_only_train_words < len(data["test"]) / 10  # the test split is new words, this slice is not
    assert sorted({label for _, label in seen}) == sorted({label for _, label in data["test"]})
    assert len(seen) == len(data["test"])
    card = (out / "intents" / "README.md").read_text(encoding="utf-8")
    assert f"**{test_only_train_words}** hold only words" in card and f"**0** of {len(seen)}" in card


def test_service_seen_words_regroup_the_intent_slice(out: Path) -> None:
    service = json.loads((out / "service" / f"{intents.SEEN_WORDS}.json").read_text(encoding="utf-8"))
    assert set(service) == {"test", "oos_test"}
    regrouped = {text: (intents.OUT_OF_SCOPE if label == "oos" else label)
                 for key in service for text, label in service[key]}
    assert regrouped == dict(_seen_words(out))
    assert {label for _, label in service["oos_test"]} == {"oos"}


def _corpus_lines(out: Path) -> list[str]:
    return (out / "corpus" / "corpus.txt").read_text(encoding="utf-8").splitlines()


def _held_out_messages(out: Path) -> list[str]:
    data = _intents(out)
    return [text for split in HELD_OUT for text, _ in data[split]]


def _held_out_entities(out: Path) -> list[str]:
    """The distinct entity strings (full spans) of the valid and test NER files."""
    found = set()
    for split in HELD_OUT:
        sentences, _ = _conll(out / "ner" / f"{split}.txt")
        found |= {e for s in sentences for e in _entities(s)}
    return sorted(found)


def _held_out_values() -> list[str]:
    return sorted({v for values in intents.held_out_values(0).values() for v in values})


def _whole_word_hits(phrases: list[str], text: str) -> list[str]:
    """The phrases found in ``text`` by a plain word-boundary regular expression, case ignored.

    As in ``lexicon.words``, a number keeps its separators: ``500`` is not found in ``1,500``.
    """
    lower = text.lower()
    return [p for p in phrases if p.lower() in lower
            and re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(p.lower())}(?!\w)(?![.,]\d)", lower)]


def test_leak_counters_count_planted_leaks() -> None:
    """The counting helpers the tests and the cards rely on find what they should, and only that."""
    lines = ["Customer: hi, I left behind my bank card at the gym. Agent: Sorry to hear that.",
             "Shares in Zenith Capital rose; the parkside cafe was busy."]
    messages = ["I think I left behind my bank card at the gym!",  # 6+ words shared (punctuation ignored)
                "I think I left my bank card at home",  # only 5-word runs shared
                "At the gym."]  # shorter than six words: counts as a leak when all its words are there
    assert lexicon.sharing_ngrams(messages, lines, NGRAM) == [messages[0], messages[2]]
    assert lexicon.phrases_in(["zenith capital", "Capital", "Park", "Rose", "left behind"], lines) == [
        "Capital", "Rose", "left behind", "zenith capital"]
    assert corpus.count_leaks(lines, messages, ["left behind", "gym"], ["Zenith Capital", "Park"]) == {
        "messages": 2, "values": 2, "entities": 1}
    assert lexicon.words("It's $1,200 at O'Brien's") == ["it", "s", "1,200", "at", "o", "brien", "s"]


def test_no_held_out_message_shares_six_words_with_the_corpus(out: Path) -> None:
    leaked = lexicon.sharing_ngrams(_held_out_messages(out), _corpus_lines(out), NGRAM)
    assert not leaked, f"{len(leaked)} valid/test messages share {NGRAM} words with the corpus, e.g. {leaked[:3]}"


def test_no_held_out_entity_string_in_the_corpus(out: Path) -> None:
    entities = _held_out_entities(out)
    assert len(entities) > 500
    assert not lexicon.phrases_in(entities, _corpus_lines(out))
    text = (out / "corpus" / "corpus.txt").read_text(encoding="utf-8")
    assert not _whole_word_hits(entities, text)


def test_no_held_out_synonym_or_slot_value_in_the_corpus(out: Path) -> None:
    values = _held_out_values()
    assert len(values) > 150
    assert not lexicon.phrases_in(values, _corpus_lines(out))
    assert not _whole_word_hits(values, (out / "corpus" / "corpus.txt").read_text(encoding="utf-8"))


def test_corpus_holds_no_held_out_ner_sentence_and_no_topic_title(out: Path) -> None:
    lines = _corpus_lines(out)
    sentences = []
    for split in HELD_OUT:
        tagged, _ = _conll(out / "ner" / f"{split}.txt")
        sentences += [" ".join(token for token, _ in s) for s in tagged]
    assert not lexicon.sharing_ngrams(sentences, lines, n=1000)  # a whole sentence
    titles = {line.split(":", 1)[0] for line in lines if ":" in line[:40]}  # "Help centre article", ...
    topics = [intent.topic for intent in intents.INTENTS]
    assert not lexicon.phrases_in(topics, titles), "a corpus line opens with a title naming an intent's topic"
    assert not [line for line in lines if re.match(r"(Help centre|Forum): [^.]+\. ", line)]


def test_cards_quote_the_measured_leak_counts(out: Path) -> None:
    lines = _corpus_lines(out)
    counts = corpus.count_leaks(lines, _held_out_messages(out), _held_out_values(), _held_out_entities(out))
    assert counts == {"messages": 0, "values": 0, "entities": 0}
    corpus_card = (out / "corpus" / "README.md").read_text(encoding="utf-8")
    intents_card = (out / "intents" / "README.md").read_text(encoding="utf-8")
    ner_card = (out / "ner" / "README.md").read_text(encoding="utf-8")
    n = {"messages": len(_held_out_messages(out)), "values": len(_held_out_values()),
         "entities": len(_held_out_entities(out))}
    for name in counts:
        assert f"| {n[name]} | {counts[name]} |" in corpus_card, name
    assert f"**{counts['messages']}** of {n['messages']}" in intents_card
    assert f"**{counts['values']}** of {n['values']}" in intents_card
    assert f"{n['entities']} distinct valid and test entity strings" in ner_card
    assert f"**{counts['entities']}** occur in the corpus" in ner_card
    fractions = "/".join(f"{FRACTIONS[p] * 100:.0f}" for p in PARTS)
    assert all(fractions in card for card in (corpus_card, intents_card, ner_card))
    assert "contains no valid or test message" not in intents_card


def test_every_intent_has_held_out_synonyms_the_corpus_never_shows(out: Path) -> None:
    data = _intents(out)
    corpus_joined = _words((out / "corpus" / "corpus.txt").read_text(encoding="utf-8"))
    parts = intents.synonym_parts(0)
    for intent in intents.INTENTS:
        train = _words("\n".join(text for text, label in data["train"] if label == intent.name))
        test = _words("\n".join(text for text, label in data["test"] if label == intent.name))
        held = [w for slot in intent.key_slots for w in parts[intent.name][slot]["test"]]
        own = [w for slot in intent.key_slots for w in parts[intent.name][slot]["corpus"]]
        assert held, intent.name
        for word in held:
            assert _words(word) not in train, (intent.name, word)
            assert _words(word) not in corpus_joined, (intent.name, word)
        assert any(_words(word) in test for word in held), intent.name
        assert all(_words(word) in corpus_joined for word in own), (intent.name, own)  # the corpus's own synonyms


def test_pools_are_partitioned_and_entity_values_unique() -> None:
    for seed in (0, 7):
        for name, pool in lexicon.pools(seed).items():
            parts = [set(pool.parts[p]) for p in PARTS]
            assert all(parts), name  # every shared pool has all four parts
            assert sum(map(len, parts)) == len(set().union(*parts)) == len(pool.items)
            assert set(lexicon.ordinary(pool.items)) <= parts[0]  # ordinary words stay in train
            assert set(pool.values(lexicon.PRETRAIN)) == parts[0] | parts[1]
            if len(pool.items) >= 40:
                for p in PARTS:
                    assert abs(len(pool.parts[p]) / len(pool.items) - FRACTIONS[p]) < 0.06, (name, p)
        for intent, slots in intents.synonym_parts(seed).items():
            for slot, parts in slots.items():
                assert all(parts[s] for s in SPLITS), (intent, slot)  # the corpus part may be empty
                assert sum(map(len, parts.values())) == len(set().union(*map(set, parts.values())))
    entity_values = [v for names in lexicon.ENTITY_POOLS.values() for name in names for v in lexicon.POOLS[name]]
    assert len(entity_values) == len(set(entity_values)), "an entity string sits in two pools"


def test_partition_keeps_pinned_values_in_train_and_test_stable() -> None:
    items = tuple(f"w{i}" for i in range(20))
    plain = lexicon.partition(items, "k", 3)
    pinned = lexicon.partition(items, "k", 3, pin_first=True, pinned=("w5", "w6"))
    assert {"w0", "w5", "w6"} <= set(pinned["train"])
    assert [len(plain[p]) for p in PARTS] == [10, 3, 2, 5]
    three = lexicon.partition(items, "k", 3, fractions=lexicon.LABELLED_FRACTIONS)
    assert set(three) == set(SPLITS) and three["test"] == plain["test"]
    with pytest.raises(ValueError, match="too few free items"):
        lexicon.partition(("a", "b", "c"), "tiny", 0, pin_first=True, pinned=("b",))


# --- CLI -------------------------------------------------------------------------------------


def test_unknown_name_fails_listing_known_names(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(CLI), "--out", str(tmp_path), "--only", "nope"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode != 0
    assert "nope" in run.stderr and all(name in run.stderr for name in GENERATORS)
    with pytest.raises(ValueError, match="corpus, intents, ner"):
        generate_all(tmp_path, names=["nope"])


# --- structure -------------------------------------------------------------------------------

GENERATOR = REPO / "datasets" / "generator"


def _package_imports(source: str, module: str) -> list[tuple[str, bool]]:
    """``(imported package module, at module level?)`` for each import of a generator module in ``source``.

    Counts ``from . import a``, ``from .a import x``, ``from datasets.generator.a import x`` and
    ``import datasets.generator.a``, at module level and inside functions and classes alike.
    """
    tree = ast.parse(source)
    top = {id(node) for node in tree.body}
    modules = {path.stem for path in GENERATOR.glob("*.py")} - {"__init__"}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 0 and base.startswith("datasets.generator"):
                base = base.removeprefix("datasets.generator").lstrip(".")
            elif node.level != 1:
                continue
            names = [base.split(".")[0]] if base else [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name.removeprefix("datasets.generator.").split(".")[0] for alias in node.names
                     if alias.name.startswith("datasets.generator.")]
        found += [(name, id(node) in top) for name in names if name in modules and name != module]
    return found


def _import_graph() -> dict[str, dict[str, bool]]:
    """``{module: {imported module: at module level?}}`` for the generator's modules (``__init__`` included)."""
    graph: dict[str, dict[str, bool]] = {}
    for path in sorted(GENERATOR.glob("*.py")):
        edges = graph.setdefault(path.stem, {})
        for name, at_top in _package_imports(path.read_text(encoding="utf-8"), path.stem):
            edges[name] = edges.get(name, True) and at_top  # late if any import of it is
    return graph


def test_import_graph_helper_sees_every_kind_of_import() -> None:
    source = ("from . import corpus, lexicon\nfrom .ner import build\nimport json\n"
              "def f():\n    from datasets.generator.kg import write\n    import datasets.generator.intents\n")
    assert _package_imports(source, "x") == [("corpus", True), ("lexicon", True), ("ner", True),
                                             ("kg", False), ("intents", False)]


def test_generator_package_has_no_import_cycle_and_no_late_imports() -> None:
    graph = _import_graph()
    late = {module: sorted(name for name, at_top in edges.items() if not at_top) for module, edges in graph.items()}
    assert not {m: names for m, names in late.items() if names}, "function-level imports of package modules"
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join((*path[path.index(module):], module)))
        if module not in done:
            for name in graph.get(module, {}):
                visit(name, (*path, module))
            done.add(module)

    for module in graph:
        visit(module, ())


def test_generator_is_imported_under_one_name() -> None:
    """Everything imports the package as ``datasets.generator``, never as a top-level ``generator``."""
    bare = re.compile(r"^\s*(?:from\s+generator[\s.]|import\s+generator\b)", re.M)
    files = [CLI, *GENERATOR.glob("*.py"), *(REPO / "tests").glob("*.py")]
    assert not [str(p.relative_to(REPO)) for p in files if bare.search(p.read_text(encoding="utf-8"))]
