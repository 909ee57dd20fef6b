"""WordPiece vocabulary, tokenizer, token windows and NER label alignment (labkit.blocks.text), and notebook 02's
constrained decoding and sentence packing (labkit.ch02) on top of them, on tiny inputs."""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import numpy as np
import pytest

from labkit import ch02
from labkit.blocks import text

CORPUS = ["Peter Blackburn lost his debit card in Brussels.", "The bank froze the card and sent a new one."] * 30


@pytest.fixture(scope="module")
def vocab():
    return text.build_vocabulary(CORPUS, 120)


def test_vocabulary_starts_with_the_special_tokens_and_respects_the_size(vocab):
    assert vocab[:5] == text.SPECIAL_TOKENS
    assert vocab[text.PAD_ID] == "[PAD]" and vocab[text.MASK_ID] == "[MASK]"
    assert len(vocab) <= 120 and "card" in vocab and any(t.startswith("##") for t in vocab)


def test_vocabulary_rejects_a_size_without_room():
    with pytest.raises(ValueError, match="vocab_size"):
        text.build_vocabulary(CORPUS, 5)


def test_tokenize_pads_cuts_and_round_trips(vocab):
    tokenizer = text.make_tokenizer(vocab, 12)
    ids = text.tokenize(tokenizer, ["the card", "the bank froze the card and sent a new one and more"])
    assert ids.shape == (2, 12) and ids.dtype == np.int32
    assert ids[0, 2:].tolist() == [text.PAD_ID] * 10
    assert tokenizer.detokenize(ids[:1])[0].replace(" [PAD]", "") == "the card"
    assert text.tokenize(tokenizer, ["a [MASK] card \N{SNOWMAN}"])[0, :4].tolist()[1] == text.MASK_ID
    assert text.UNK_ID in text.tokenize(tokenizer, ["\N{SNOWMAN}"])[0]


def test_make_tokenizer_needs_the_special_tokens_first():
    with pytest.raises(ValueError, match="special tokens"):
        text.make_tokenizer(["a", "b", "c", "d", "e", "f"], 8)


def test_token_windows_split_long_lines_without_losing_tokens(vocab):
    tokenizer = text.make_tokenizer(vocab, 8)
    line = " ".join(CORPUS[:4])
    windows = text.token_windows(tokenizer, [line, "a"])  # "a" is shorter than min_tokens: dropped
    n_tokens = len(text.make_tokenizer(vocab, None)([line])[0])
    assert windows.shape == (-(-n_tokens // 8), 8)
    assert int((windows != text.PAD_ID).sum()) == n_tokens


def test_save_and_load_vocabulary(tmp_path, vocab):
    assert text.load_vocabulary(text.save_vocabulary(vocab, tmp_path / "vocab.txt")) == vocab
    with pytest.raises(FileNotFoundError):
        text.load_vocabulary(tmp_path / "missing.txt")


def one_hot(ids, k):
    return np.eye(k)[ids]


def test_align_tags_labels_first_sub_words_and_reads_them_back(vocab):
    tokenizer = text.make_tokenizer(vocab, 16)
    tag_index = {"O": 0, "B-PER": 1, "I-PER": 2, "B-LOC": 3}
    words = [["Peter", "Blackburn", "visited", "Brussels"]]
    tags = [["B-PER", "I-PER", "O", "B-LOC"]]
    aligned = text.align_tags(tokenizer, words, tags, tag_index)
    starts = np.flatnonzero(aligned.weights[0])
    assert len(starts) == 4 and starts[0] == 0
    assert aligned.tag_ids[0, starts].tolist() == [1, 2, 0, 3]
    assert aligned.tag_ids[0][aligned.weights[0] == 0].max() == 0  # continuation pieces carry no label
    pieces = text.make_tokenizer(vocab, None)(["visited"])[0]
    assert starts[3] - starts[2] == len(pieces)  # "visited" is split into its sub-words in between
    names = ["O", "B-PER", "I-PER", "B-LOC"]
    assert ch02.decode_tags(text.word_scores(aligned, one_hot(aligned.tag_ids, 4)), names) == tags


def test_align_tags_cuts_at_seq_len_and_names_unknown_tags(vocab):
    tokenizer = text.make_tokenizer(vocab, 4)
    aligned = text.align_tags(tokenizer, [["card"] * 6], None, {"O": 0})
    assert aligned.n_kept.tolist() == [4]
    assert [len(w) for w in text.word_scores(aligned, one_hot(aligned.tag_ids, 1))] == [4]
    with pytest.raises(ValueError, match="'B-FOO'"):
        text.align_tags(tokenizer, [["card"]], [["B-FOO"]], {"O": 0})


def test_split_unknown_labels_reports_what_it_drops():
    texts, labels, unknown = text.split_unknown_labels(["a", "b", "c"], ["x", "new", "x"], ["x"])
    assert texts == ["a", "c"] and labels == ["x", "x"] and unknown == {"new": 1}


def test_constrained_decoding_repairs_an_invalid_iob2_sequence():
    names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    probs = np.array([[[0.1, 0.5, 0.1, 0.2, 0.1],    # B-PER
                       [0.1, 0.1, 0.2, 0.1, 0.5],    # I-ORG is likeliest, but cannot follow B-PER
                       [0.6, 0.1, 0.1, 0.1, 0.1],    # O
                       [0.3, 0.1, 0.4, 0.1, 0.1]]])  # I-PER cannot follow O
    assert ch02.decode_tags(probs, names, constrained=False) == [["B-PER", "I-ORG", "O", "I-PER"]]
    best = ch02.decode_tags(probs, names)[0]
    assert best == ["B-PER", "I-PER", "O", "O"]
    # every I-X now follows B-X or I-X, and no sentence starts with I-
    starts_ok = probs.copy()
    starts_ok[0, 0] = [0.1, 0.1, 0.6, 0.1, 0.1]
    assert ch02.decode_tags(starts_ok, names)[0][0] != "I-PER"


def test_pack_sentences_joins_a_documents_sentences_and_unpacks_them(vocab):
    from labkit.data import TaggedSentence

    tokenizer = text.make_tokenizer(vocab, 12)
    sentences = [TaggedSentence(["Peter", "lost"], ["B-PER", "O"], doc=0),
                 TaggedSentence(["his", "card"], ["O", "O"], doc=0),
                 TaggedSentence(["Brussels"], ["B-LOC"], doc=1),
                 TaggedSentence(["the", "bank"], ["O", "O"], doc=None),
                 TaggedSentence(["the", "card"], ["O", "O"], doc=None)]
    packed = ch02.pack_sentences(tokenizer, sentences)
    assert packed.sizes == [[2, 2], [1], [2], [2]]  # documents never mix; unmarked sentences stay alone
    assert packed.words[0] == ["Peter", "lost", "his", "card"] and packed.tags[0] == ["B-PER", "O", "O", "O"]
    assert packed.unpack(packed.words) == [s.tokens for s in sentences]
    small = ch02.pack_sentences(text.make_tokenizer(vocab, 3), sentences[:2])
    assert small.sizes == [[2], [2]]  # "Peter lost" fills most of 3 sub-words: no room for the next one


def test_a_sentence_longer_than_seq_len_is_windowed_and_stitched_without_losing_a_word(vocab):
    from labkit.data import TaggedSentence

    tokenizer = text.make_tokenizer(vocab, 6)
    words = [f"w{i}" for i in range(17)]  # each an unknown word: one [UNK] sub-word
    long = TaggedSentence(words, ["O"] * 17, doc=None)
    packed = ch02.pack_sentences(tokenizer, [TaggedSentence(["the", "card"], ["O", "O"], doc=None), long])
    assert all(len(w) <= 6 for w in packed.words) and len(packed.words) > 3
    seq = [w for w in packed.windows if w[0] == 1]
    assert seq[0][2] == 0 and seq[-1][3] == 17  # the owned ranges cover the sentence ...
    assert all(a[3] == b[2] for a, b in zip(seq, seq[1:]))  # ... without gaps or double counts
    assert all(first < b_first < a_first + 6 for (_, a_first, _, _), (_, b_first, _, _) in zip(seq, seq[1:])
               for first in [a_first])  # consecutive windows overlap
    aligned = text.align_tags(tokenizer, packed.words, None, {"O": 0})
    assert all(k == len(w) for k, w in zip(aligned.n_kept, packed.words))  # nothing cut inside a window
    assert packed.unpack(packed.words) == [["the", "card"], words]
    positions = [[float(first + j) for j in range(len(w))] for w, (_, first, _, _) in zip(packed.words, packed.windows)]
    assert packed.unpack(positions)[1] == [float(i) for i in range(17)]  # each word's value from one window


def test_cut_names_cuts_a_share_of_the_training_names_and_keeps_every_other_id(vocab):
    from labkit.data import TaggedSentence

    tokenizer = text.make_tokenizer(vocab, 12)  # the fixture's vocabulary is lower case
    sentences = [TaggedSentence(["Peter", "Blackburn", "lost", "his", "card"], ["B-PER", "I-PER", "O", "O", "O"]),
                 TaggedSentence(["in", "Brussels", "the", "bank"], ["O", "B-LOC", "O", "O"])]
    names = [w.lower() for w in ("Peter", "Blackburn", "Brussels")
             if text.word_pieces(tokenizer, [w])[0] not in ([], [text.UNK_ID]) and len(text.word_pieces(tokenizer, [w])[0]) == 1]
    assert names, "the tiny vocabulary spells some names whole"
    same, none_cut = ch02.cut_names(tokenizer, sentences, 0.0, 0)
    assert none_cut == [] and same.get_vocabulary() == tokenizer.get_vocabulary()
    twin, cut = ch02.cut_names(tokenizer, sentences, 1.0, 0)
    assert sorted(cut) == sorted(names)  # every whole name word, never an O word
    for word in names:
        pieces = text.word_pieces(twin, [word])[0]
        assert len(pieces) > 1 and text.UNK_ID not in pieces  # in pieces now, and still readable
    assert text.word_pieces(twin, ["lost", "card"]) == text.word_pieces(tokenizer, ["lost", "card"])
    assert len(twin.get_vocabulary()) == len(tokenizer.get_vocabulary())  # the encoder's embeddings still fit
    assert twin.sequence_length == 12 and twin.lowercase
    half = [ch02.cut_names(tokenizer, sentences, 0.5, seed)[1] for seed in (1, 1, 2)]
    assert half[0] == half[1]  # drawn with the seed

def test_sample_windows_caps_with_the_seed_in_corpus_order():
    windows = np.arange(20).reshape(10, 2)
    assert text.sample_windows(windows, None, 0) is windows and text.sample_windows(windows, 10, 0) is windows
    kept = text.sample_windows(windows, 4, seed=1)
    assert kept.shape == (4, 2) and np.all(np.diff(kept[:, 0]) > 0)  # corpus order
    assert np.array_equal(kept, text.sample_windows(windows, 4, seed=1))
    with pytest.raises(ValueError, match="limit=0"):
        text.sample_windows(windows, 0, 0)
