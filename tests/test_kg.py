"""Notebook 08's data and plumbing: the SpERT reader and its errors, the bundled generator's leak rules,
and ``labkit.ch08`` (entities from tags, pair inputs, strict F1, filtered ranks)."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from datasets.generator import kg as kggen
from datasets.generator.lexicon import NGRAM, sharing_ngrams
from labkit import ch08, data
from labkit.data import DataFormatError, Entity, read_spert

REPO = Path(__file__).resolve().parents[1]
GOOD = [{"tokens": ["Maria", "Lopez", "works", "for", "Acme", "Bank", "."],
         "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 4, "end": 6}],
         "relations": [{"type": "Work_For", "head": 0, "tail": 1}], "orig_id": 7},
        {"tokens": ["Hello", "."], "entities": [], "relations": []}]


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# --- the reader ---------------------------------------------------------------------------


def test_spert_reads_spans_relations_and_iob2(tmp_path):
    sentences = read_spert(write(tmp_path / "a.json", GOOD))
    s = sentences[0]
    assert s.span(0) == "Maria Lopez" and s.span(1) == "Acme Bank"
    assert s.iob2() == ["B-Peop", "I-Peop", "O", "O", "B-Org", "I-Org", "O"]
    assert s.triples() == [((0, 2, "Peop"), "Work_For", (4, 6, "Org"))]
    assert sentences[1].iob2() == ["O", "O"] and sentences[1].doc is None


def test_spert_overlapping_entity_left_out_of_iob2(tmp_path):
    record = {"tokens": ["New", "York", "Times"], "relations": [],
              "entities": [{"type": "Org", "start": 0, "end": 3}, {"type": "Loc", "start": 0, "end": 2}]}
    assert read_spert(write(tmp_path / "a.json", [record]))[0].iob2() == ["B-Org", "I-Org", "I-Org"]


@pytest.mark.parametrize("change, message", [
    (lambda r: r["entities"].append({"type": "Loc", "start": 5, "end": 9}), r"record 1, entity 2: span 5..9 is not inside"),
    (lambda r: r["entities"].append({"type": "Loc", "start": 3, "end": 3}), r"record 1, entity 2: span 3..3"),
    (lambda r: r["relations"].append({"type": "Live_In", "head": 0, "tail": 5}), r"record 1, relation 1: tail 5 points at no entity"),
    (lambda r: r.pop("relations"), r"record 1: key\(s\) \['relations'\] missing"),
    (lambda r: r["entities"][0].pop("end"), r"record 1, entity 0: expected"),
    (lambda r: r.update(tokens=[]), r"record 1: 'tokens' must be a non-empty list"),
])
def test_spert_bad_record_names_file_and_record(tmp_path, change, message):
    records = json.loads(json.dumps([GOOD[1], GOOD[0]]))
    change(records[1])
    with pytest.raises(DataFormatError, match=r"bad.json, " + message):
        read_spert(write(tmp_path / "bad.json", records))


def test_spert_broken_json_and_wrong_shape(tmp_path):
    with pytest.raises(DataFormatError, match=r"bad.json, line 2: not valid JSON"):
        read_spert(write(tmp_path / "bad.json", '[{"tokens": ["a"],\n "entities": [}]'))
    with pytest.raises(DataFormatError, match=r"expected a JSON list"):
        read_spert(write(tmp_path / "obj.json", {"tokens": []}))
    with pytest.raises(DataFormatError, match=r"no sentences"):
        read_spert(write(tmp_path / "empty.json", []))
    with pytest.raises(FileNotFoundError, match="missing.json"):
        read_spert(tmp_path / "missing.json")


def test_load_kg_carves_valid_when_missing(tmp_path):
    write(tmp_path / "kg" / "train.json", GOOD * 10)
    write(tmp_path / "kg" / "test.json", GOOD)
    splits = data.load_kg(tmp_path, seed=3)
    assert (len(splits["train"]), len(splits["valid"]), len(splits["test"])) == (18, 2, 2)
    assert data.load("kg", tmp_path, seed=3)["valid"][0].tokens == splits["valid"][0].tokens


def test_bundled_kg_loads():
    splits = data.load_kg(None, seed=0)
    assert len(splits["train"]) > 1000 and len(splits["test"]) > 300
    types = {e.type for s in splits["train"] for e in s.entities}
    assert types == {"Peop", "Org", "Loc", "Other"}
    assert {r.type for s in splits["test"] for r in s.relations} == set(kggen.RELATIONS)


# --- the generator ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    return kggen.build(0)


def test_generator_matches_committed_files_and_is_deterministic(built, tmp_path):
    kggen.write(tmp_path, 0)
    for name in ("train.json", "valid.json", "test.json", "README.md"):
        assert (tmp_path / name).read_bytes() == (REPO / "datasets" / "kg" / name).read_bytes(), name
    assert kggen.build(0)[0] == built[0]


def test_no_held_out_sentence_shares_six_words_with_earlier_splits(built):
    splits = built[0]
    text = lambda records: [" ".join(r["tokens"]) for r in records]  # noqa: E731
    assert not sharing_ngrams(text(splits["valid"]), text(splits["train"]), NGRAM)
    assert not sharing_ngrams(text(splits["test"]), text(splits["train"]) + text(splits["valid"]), NGRAM)


def test_held_out_names_and_templates(built):
    splits, world, _ = built
    mentions = {split: {" ".join(r["tokens"][e["start"]:e["end"]]) for r in records for e in r["entities"]}
                for split, records in splits.items()}
    test_only = {n for n, owner in world["owner"].items() if owner == "test"}
    assert test_only and test_only <= mentions["test"] and not test_only & (mentions["train"] | mentions["valid"])
    test_templates = [t for rel in kggen.SINGLE.values() for t in rel["test"]]
    assert not set(test_templates) & {t for rel in kggen.SINGLE.values() for t in rel["train"]}
    fragment = lambda template: max(re.split(r"\{\w+\}", template), key=len).strip()  # noqa: E731
    texts = {split: [" ".join(r["tokens"]) for r in records] for split, records in splits.items()}
    for template in test_templates:
        assert any(fragment(template) in t for t in texts["test"]), template
        assert not any(fragment(template) in t for t in texts["train"]), template


def test_facts_stated_in_test_are_not_stated_in_train(built):
    splits, _, _ = built
    facts = {split: {(" ".join(r["tokens"][r["entities"][x["head"]]["start"]:r["entities"][x["head"]]["end"]]), x["type"],
                      " ".join(r["tokens"][r["entities"][x["tail"]]["start"]:r["entities"][x["tail"]]["end"]]))
                     for r in records for x in r["relations"]} for split, records in splits.items()}
    assert len(facts["test"]) > 100 and not facts["test"] & facts["train"]
    counts = {n: sum(len(r["relations"]) == n for r in splits["test"]) for n in (0, 1, 2)}
    assert all(counts.values()), counts  # sentences with no relation, one and two


# --- labkit.ch08 ---------------------------------------------------------------------------------


def test_entities_from_tags():
    got = ch08.entities_from_tags(["B-Peop", "I-Peop", "O", "I-Org", "B-Loc", "B-Loc", "I-Loc"])
    assert [(e.type, e.start, e.end) for e in got] == [("Peop", 0, 2), ("Org", 3, 4), ("Loc", 4, 5), ("Loc", 5, 7)]


def test_strict_scores_need_spans_types_and_relation():
    gold = [{((0, 2, "Peop"), "Work_For", (4, 6, "Org"))}]
    assert ch08.strict_scores(gold, gold)["f1"] == 1.0
    for wrong in [((0, 1, "Peop"), "Work_For", (4, 6, "Org")), ((0, 2, "Org"), "Work_For", (4, 6, "Org")),
                  ((0, 2, "Peop"), "Live_In", (4, 6, "Org"))]:
        assert ch08.strict_scores(gold, [{wrong}]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert "| Work_For | 1 | 1.000 |" in ch08.per_relation_table(gold, {"m": gold})


def test_normalise():
    assert ch08.normalise("The  Acme Bank ,") == "acme bank" and ch08.normalise("The") == "the"


def test_filtered_ranks_remove_other_true_answers_and_count_ties_against():
    known = {(0, 0, 1), (0, 0, 2)}
    test = np.array([[0, 0, 2]])
    candidates = {(0, "tail"): np.array([1, 2, 3]), (0, "head"): np.array([0, 3])}
    dist = {1: 0.1, 2: 0.5, 3: 0.5, 0: 0.2}  # tail 1 is closer but also true: filtered out; 3 ties with 2

    def distance(h, r, t):
        return np.array([dist[int(t_)] if len(set(h.tolist())) == 1 else dist[int(h_)] for h_, t_ in zip(h, t)])
    ranks = ch08.filtered_ranks(distance, test, known, candidates)
    assert ranks.tolist() == [2, 1]
    assert ch08.rank_metrics(ranks, k=1) == (0.75, 0.5)


def test_filtered_ranks_count_a_truth_outside_the_candidates_as_a_miss():
    """A held-out triple whose entity training never showed in that position, or whose relation has no
    candidates at all: a miss (infinite rank), not a KeyError."""
    test = np.array([[0, 0, 5], [0, 1, 2]])
    candidates = {(0, "tail"): np.array([1, 2]), (0, "head"): np.array([0])}  # relation 1: no candidates

    def distance(h, r, t):
        return np.zeros(len(t))
    ranks = ch08.filtered_ranks(distance, test, set(), candidates)
    assert ranks.tolist() == [np.inf, np.inf, 1, np.inf]
    assert ch08.rank_metrics(ranks, k=10) == (0.25, 0.25)


def test_pair_inputs_masks_and_types():
    import keras_hub

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "maria", "lopez", "works", "for", "acme", "bank", "."]
    tokenizer = keras_hub.tokenizers.WordPieceTokenizer(vocabulary=vocab, sequence_length=6, lowercase=True)
    words = ["Maria", "Lopez", "works", "for", "Acme", "Bank", "."]
    ents = [Entity("Peop", 0, 2), Entity("Org", 4, 6)]
    x = ch08.pair_inputs(tokenizer, [words], [ents], {"Org": 0, "Peop": 1})
    assert x.pairs == [(0, 0, 1), (0, 1, 0)] and x.skipped == 0
    assert x.head_mask[0].tolist() == [1, 1, 0, 0, 0, 0] and x.tail_mask[0].tolist() == [0, 0, 0, 0, 1, 1]
    assert x.between_mask[0].tolist() == x.between_mask[1].tolist() == [0, 0, 1, 1, 0, 0]
    assert x.head_type.tolist() == [1, 0]
    short = ch08.pair_inputs(keras_hub.tokenizers.WordPieceTokenizer(vocabulary=vocab, sequence_length=5, lowercase=True),
                           [words], [ents], {"Org": 0, "Peop": 1})
    assert short.pairs == [] and short.skipped == 2 and short.token_ids.shape == (0, 5)
    with pytest.raises(ValueError, match="entity type 'Org'"):
        ch08.pair_inputs(tokenizer, [words], [ents], {"Peop": 1})


def test_pair_inputs_with_a_presets_tokenizer_put_its_cls_first_and_its_sep_after():
    """With a published checkpoint (CHECKPOINT in notebook 08) the rows are the preset's: [CLS] pieces [SEP], the
    masks one place on; a pair that does not fit between the two is left out."""
    import keras_hub

    from labkit.blocks.checkpoints import WordPieces

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "maria", "lopez", "works", "for", "acme", "bank", "."]
    wordpiece = keras_hub.tokenizers.BertTokenizer(vocabulary=vocab, lowercase=True)
    words = ["Maria", "Lopez", "works", "for", "Acme", "Bank", "."]
    ents = [Entity("Peop", 0, 2), Entity("Org", 4, 6)]
    x = ch08.pair_inputs(WordPieces(wordpiece, 8, start_id=2, end_id=3), [words], [ents], {"Org": 0, "Peop": 1})
    assert x.pairs == [(0, 0, 1), (0, 1, 0)] and x.skipped == 0
    assert x.token_ids[0].tolist() == [2, 5, 6, 7, 8, 9, 10, 3]  # "." does not fit: [SEP] still closes the row
    assert x.head_mask[0].tolist() == [0, 1, 1, 0, 0, 0, 0, 0] and x.tail_mask[0].tolist() == [0, 0, 0, 0, 0, 1, 1, 0]
    assert x.between_mask[0].tolist() == [0, 0, 0, 1, 1, 0, 0, 0]
    short = ch08.pair_inputs(WordPieces(wordpiece, 7, start_id=2, end_id=3), [words], [ents], {"Org": 0, "Peop": 1})
    assert short.pairs == [] and short.skipped == 2  # "Bank" would be the 6th piece of a room of 5


def test_sentences_pack_into_a_presets_room():
    """ch02.pack_sentences with a checkpoint's tokenizer fills at most its room (seq_len less [CLS] and [SEP])."""
    import keras_hub

    from labkit import ch02
    from labkit.blocks.checkpoints import WordPieces
    from labkit.blocks.text import make_tokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "maria", "lopez", "works", "for", "acme", "bank", "."]
    sentences = [data.TaggedSentence(["Maria", "works", "for", "Acme"], ["B-Peop", "O", "O", "B-Org"], doc=0),
                 data.TaggedSentence(["Lopez", "."], ["B-Peop", "O"], doc=0)]
    kit = ch02.pack_sentences(make_tokenizer(vocab, 6), sentences)  # 6 sub-words: both sentences in one row
    preset = ch02.pack_sentences(WordPieces(keras_hub.tokenizers.BertTokenizer(vocabulary=vocab, lowercase=True), 6,
                                            start_id=2, end_id=3), sentences)  # room 4: one row each
    assert kit.words == [["Maria", "works", "for", "Acme", "Lopez", "."]]
    assert preset.words == [["Maria", "works", "for", "Acme"], ["Lopez", "."]]
    assert preset.unpack([[1, 2, 3, 4], [5, 6]]) == [[1, 2, 3, 4], [5, 6]]
