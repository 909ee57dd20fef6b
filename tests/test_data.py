"""The readers for standard formats and the DATA_DIR layout, including their errors on bad input."""
import os
from pathlib import Path

import pytest

from labkit import data
from labkit.data import DataFormatError, read_conll, read_corpus, read_text_label

REALDATA = Path(os.environ.get("LABKIT_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
"""


def test_conll_four_columns_docstart_and_blank_lines(tmp_path):
    sentences = read_conll(write(tmp_path / "a.txt", CONLL))
    assert [s.tokens for s in sentences] == [["EU", "rejects", "German", "call"], ["Peter", "Blackburn"]]
    assert sentences[1].tags == ["B-PER", "I-PER"]
    assert [s.doc for s in sentences] == [0, 0]  # one -DOCSTART-: both sentences in document 0
    assert read_conll(write(tmp_path / "b.txt", "EU B-ORG\n\nBob B-PER\n"))[0].doc is None


def test_valid_carved_by_whole_documents(tmp_path):
    docs = "".join(f"-DOCSTART- O\n\nword{d} O\n\nother{d} O\n\n" for d in range(20))
    write(tmp_path / "ner" / "train.txt", docs)
    write(tmp_path / "ner" / "test.txt", "EU B-ORG\n")
    splits = data.load_ner(tmp_path, seed=3)
    assert (len(splits["train"]), len(splits["valid"])) == (36, 4)
    assert not {s.doc for s in splits["train"]} & {s.doc for s in splits["valid"]}


def test_valid_carved_by_sentences_when_documents_are_too_few(tmp_path):
    write(tmp_path / "ner" / "train.txt", "-DOCSTART- O\n\n" + "".join(f"word{i} O\n\n" for i in range(20)))
    write(tmp_path / "ner" / "test.txt", "EU B-ORG\n")
    splits = data.load_ner(tmp_path, seed=3)  # one document: setting it aside whole would leave train empty
    assert (len(splits["train"]), len(splits["valid"])) == (18, 2)


def test_conll_iob1_becomes_iob2(tmp_path):
    sentences = read_conll(write(tmp_path / "a.txt", "New I-LOC\nYork I-LOC\nis O\nbig O\nBob I-PER\n"))
    assert sentences[0].tags == ["B-LOC", "I-LOC", "O", "O", "B-PER"]


def test_conll_malformed_line_names_file_and_line(tmp_path):
    path = write(tmp_path / "bad.txt", "EU B-ORG\nrejects\n")
    with pytest.raises(DataFormatError, match=r"bad.txt, line 2: expected 'token ... tag'"):
        read_conll(path)


@pytest.mark.parametrize("tag", ["S-PER", "E-ORG", "PERSON", "b-per"])
def test_conll_unknown_tag_scheme_names_tag_and_line(tmp_path, tag):
    path = write(tmp_path / "bad.txt", f"EU B-ORG\n\nJohn {tag}\n")
    with pytest.raises(DataFormatError, match=rf"line 3: tag '{tag}' is not in the IOB scheme"):
        read_conll(path)


def test_csv_with_header_quotes_and_other_label_name(tmp_path):
    path = write(tmp_path / "t.csv", 'text,category\n"Hi, my card, it\'s lost",card_lost\n"say ""hi""",greet\n')
    got = read_text_label(path)
    assert got.texts == ["Hi, my card, it's lost", 'say "hi"'] and got.labels == ["card_lost", "greet"]


def test_tsv_without_header(tmp_path):
    got = read_text_label(write(tmp_path / "t.tsv", "where is my card\tcard_arrival\nhello\tgreet\n"))
    assert got.texts == ["where is my card", "hello"] and got.labels == ["card_arrival", "greet"]


def test_csv_wrong_field_count_names_row(tmp_path):
    path = write(tmp_path / "t.csv", "text,label\nfine,a\nbroken,b,extra\n")
    with pytest.raises(DataFormatError, match=r"t.csv, row 3: expected 2 fields, got 3"):
        read_text_label(path)


def test_csv_unrecognised_header(tmp_path):
    path = write(tmp_path / "t.csv", "id,body,tag\n1,x,y\n")
    with pytest.raises(DataFormatError, match="expected a header naming a text column"):
        read_text_label(path)


def test_missing_file_says_which_and_where(tmp_path):
    with pytest.raises(FileNotFoundError, match=rf"looked for 'nope.txt' in {tmp_path}"):
        read_conll(tmp_path / "nope.txt")


def test_corpus_folder_reads_every_txt(tmp_path):
    write(tmp_path / "c" / "b.txt", "second file\n")
    write(tmp_path / "c" / "a.txt", "first line\n\n  second line \n")
    assert read_corpus(tmp_path / "c") == ["first line", "second line", "second file"]


def test_data_dir_layout_valid_carved_from_train_with_the_seed(tmp_path):
    rows = "".join(f"sentence number {i},{'ab'[i % 2]}\n" for i in range(50))
    write(tmp_path / "intents" / "train.csv", "text,label\n" + rows)
    write(tmp_path / "intents" / "test.csv", "text,label\nanother one,a\n")
    splits = data.load_intents(tmp_path, seed=1)
    assert (len(splits["train"]), len(splits["valid"]), len(splits["test"])) == (45, 5, 1)
    assert not set(splits["train"].texts) & set(splits["valid"].texts)
    assert data.load_intents(tmp_path, seed=1)["valid"].texts == splits["valid"].texts
    assert data.load_intents(tmp_path, seed=2)["valid"].texts != splits["valid"].texts


def test_data_dir_missing_split_names_the_file(tmp_path):
    write(tmp_path / "ner" / "train.txt", "EU B-ORG\n")
    with pytest.raises(FileNotFoundError, match=r"looked for 'test.txt'"):
        data.load_ner(tmp_path)


def test_partial_data_dir_uses_the_bundled_set_for_a_missing_folder(tmp_path):
    write(tmp_path / "intents" / "train.csv", "text,label\nmy own message,a\nanother one,b\n")
    write(tmp_path / "intents" / "test.csv", "text,label\na test message,a\n")
    assert data.load_intents(tmp_path)["test"].texts == ["a test message"]  # the folder DATA_DIR has
    ner = data.load_ner(tmp_path)  # no ner/ in DATA_DIR: the bundled set
    assert [len(ner[s]) for s in data.SPLITS] == [len(v) for v in data.load_ner().values()]


def test_source_names_the_folder_read_or_the_bundled_set(tmp_path):
    write(tmp_path / "corpus" / "a.txt", "a line\n")
    assert data.source(tmp_path, "corpus") == f"`{tmp_path / 'corpus'}`"
    assert data.source(tmp_path, "kg") == data.source(None, "kg") == "the bundled kg set"


def test_partial_data_dir_says_which_bundled_set_it_uses(tmp_path, capsys):
    data.load_corpus(tmp_path, max_lines=3)
    assert capsys.readouterr().out == "labkit: DATA_DIR has no corpus/ folder: using the bundled corpus set\n"
    data.load_corpus(max_lines=3)  # no DATA_DIR: no message
    assert capsys.readouterr().out == ""


def test_bundled_sets_outside_a_checkout_say_to_clone_the_kit(monkeypatch):
    monkeypatch.setattr(data.common, "repo_root", lambda: None)  # bundled_dir looks repo_root up in labkit.data.common
    with pytest.raises(FileNotFoundError, match=r"datasets/ folder.*Clone the kit's repository"):
        data.load_intents()


def test_unknown_data_set_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown data set 'banking'.*corpus.*intents.*ner"):
        data.load("banking")


def test_bundled_sets_load():
    intents = data.load_intents()
    assert len(set(intents["train"].labels)) >= 16
    assert all(len(intents[s]) for s in data.SPLITS)
    ner = data.load_ner()
    assert {t[2:] for s in ner["train"] for t in s.tags if t != "O"} == {"PER", "ORG", "LOC", "MISC"}
    assert sum(map(len, data.load_corpus())) > 900_000


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not found at {REALDATA} (set LABKIT_REALDATA)")
def test_real_conll2003_and_banking77_read_cleanly():
    conll = REALDATA / "conll2003"
    train, valid = read_conll(conll / "train.txt"), read_conll(conll / "valid.txt")
    assert (len(train), len(valid)) == (14041, 3250)
    banking = read_text_label(REALDATA / "banking77" / "train.csv")
    assert len(banking) == 10003 and len(set(banking.labels)) == 77
    assert len(read_corpus(REALDATA / "wikitext2")) > 2000


def test_bracketed_marks_entities():
    s = data.TaggedSentence(["Maria", "Lopez", "of", "Acme", "called"], ["B-PER", "I-PER", "O", "B-ORG", "O"])
    assert s.bracketed() == "[Maria Lopez]PER of [Acme]ORG called"
    assert data.TaggedSentence(["in", "Paris"], ["O", "B-LOC"]).bracketed() == "in [Paris]LOC"


def test_seen_words_slice_is_bundled_and_absent_from_a_real_set(tmp_path):
    intents, service = data.load_seen_words(None, "intents"), data.load_seen_words(None, "service")
    assert len(intents) == len(service) == len(data.load_intents()["test"])
    assert set(intents.labels) - {"out_of_scope"} == set(service.labels) - {data.OUT_OF_SCOPE}
    assert data.OUT_OF_SCOPE in service.labels and service.labels[-1] == data.OUT_OF_SCOPE  # in scope first
    write(tmp_path / "intents" / "train.csv", "text,label\nmy own message,a\nanother one,b\n")
    write(tmp_path / "intents" / "test.csv", "text,label\na test message,a\n")
    assert data.load_seen_words(tmp_path, "intents") is None  # a real set: its own test split only
    with pytest.raises(ValueError, match="only the intents and service"):
        data.load_seen_words(None, "ner")
    write(tmp_path / "s.json", '{"test": [["hi there", "greet"]], "oos_test": [["what time", "weather"]]}')
    with pytest.raises(data.DataFormatError, match=r"'oos_test', entry 0: intent 'weather' in an out-of-scope"):
        data.read_clinc_test(tmp_path / "s.json")
