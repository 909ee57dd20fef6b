"""Tokenizer plumbing: WordPiece vocabularies and tokenizers, token windows, labels a model cannot predict set
aside, and the sub-word bookkeeping of tagging (each word's tag on its first sub-word, :func:`align_tags`, and
each word's scores read back from it, :func:`word_scores`). How tags are decoded into IOB2 sequences and how
sentences are packed per document is notebook 02's lesson, in :mod:`labkit.ch02`.

The special tokens sit at fixed ids so that padding is always 0::

    [PAD]=0  [UNK]=1  [CLS]=2  [SEP]=3  [MASK]=4
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, UNK_ID, MASK_ID = 0, 1, 4


def build_vocabulary(texts: Sequence[str], vocab_size: int, lowercase: bool = True) -> list[str]:
    """Learn a WordPiece vocabulary of at most ``vocab_size`` entries (special tokens first) from ``texts``."""
    import keras_hub
    import tensorflow as tf

    if vocab_size <= len(SPECIAL_TOKENS):
        raise ValueError(f"vocab_size must exceed the {len(SPECIAL_TOKENS)} special tokens, got {vocab_size}")
    if not texts:
        raise ValueError("texts is empty: a vocabulary needs some text to learn from")
    data = tf.data.Dataset.from_tensor_slices(list(texts)).batch(1024)
    vocab = keras_hub.tokenizers.compute_word_piece_vocabulary(
        data, vocab_size, lowercase=lowercase, strip_accents=lowercase, reserved_tokens=SPECIAL_TOKENS
    )
    return list(vocab)


def make_tokenizer(vocab: Sequence[str], seq_len: int | None, lowercase: bool = True):
    """A ``keras_hub`` WordPiece tokenizer: text in, ``seq_len`` token ids out (padded with 0, cut at ``seq_len``).

    Special tokens written in the text, such as ``[MASK]``, become their ids.
    """
    import keras_hub

    if list(vocab[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
        raise ValueError(f"vocab must start with the special tokens {SPECIAL_TOKENS}, got {list(vocab[:5])}")
    return keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=list(vocab), sequence_length=seq_len, lowercase=lowercase, strip_accents=lowercase,
        oov_token="[UNK]", special_tokens=SPECIAL_TOKENS, special_tokens_in_strings=True,  # "[MASK]" in text
    )


def tokenize(tokenizer, texts: Sequence[str]) -> np.ndarray:
    """Token ids of ``texts`` as an int32 array ``(len(texts), seq_len)``."""
    return np.asarray(tokenizer(list(texts)), dtype="int32")


def token_windows(tokenizer, lines: Sequence[str], min_tokens: int = 4) -> np.ndarray:
    """Cut each line's token ids into windows of ``tokenizer.sequence_length`` (the last one padded).

    Long lines are not truncated but split, so pretraining sees the whole corpus;
    windows shorter than ``min_tokens`` are dropped. Returns int32 ``(n_windows, seq_len)``.
    """
    seq_len = tokenizer.sequence_length
    windows = [
        ids[start: start + seq_len] + [PAD_ID] * max(0, start + seq_len - len(ids))
        for ids in word_pieces(tokenizer, list(lines))
        for start in range(0, len(ids), seq_len)
        if len(ids) - start >= min_tokens
    ]
    return np.array(windows, dtype="int32").reshape(-1, seq_len)


def sample_windows(windows: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """At most ``limit`` of ``windows``: a seeded sample kept in corpus order, so a long corpus costs what the
    profile budgets and is still read from end to end; every window when ``limit`` is None or not reached."""
    if limit is not None and limit < 1:
        raise ValueError(f"limit={limit}: expected a positive number of windows, or None for all of them")
    if limit is None or len(windows) <= limit:
        return windows
    return windows[np.sort(np.random.default_rng(seed).choice(len(windows), limit, replace=False))]


def save_vocabulary(vocab: Sequence[str], path: str | Path) -> Path:
    """Write one token per line (the usual ``vocab.txt`` layout); returns the path."""
    path = Path(path)
    path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return path


def load_vocabulary(path: str | Path) -> list[str]:
    """Read a ``vocab.txt`` written by :func:`save_vocabulary`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no vocabulary file at {path}")
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


# --- labels ------------------------------------------------------------------


def split_unknown_labels(texts: Sequence, labels: Sequence[str], known: Sequence[str]):
    """Drop examples whose label is not in ``known`` (labels seen only at test time).

    Returns ``(texts, labels, unknown)`` where ``unknown`` maps each dropped label to its count.
    """
    known = set(known)
    unknown: dict[str, int] = {}
    kept_texts, kept_labels = [], []
    for text, label in zip(texts, labels):
        if label in known:
            kept_texts.append(text)
            kept_labels.append(label)
        else:
            unknown[label] = unknown.get(label, 0) + 1
    return kept_texts, kept_labels, unknown


@dataclass
class AlignedTags:
    """Sentences of words turned into WordPiece ids, with each word's tag on its first sub-word.

    ``token_ids`` ``(n, seq_len)`` int32, 0 = padding; ``tag_ids`` the tag id on every word's
    first sub-word (0 elsewhere); ``weights`` 1.0 on those first sub-words and 0.0 on the other
    sub-words and padding, so that a loss or metric weighted by it counts every word once.
    ``n_kept`` is how many words of each sentence fit into ``seq_len``.
    """

    token_ids: np.ndarray
    tag_ids: np.ndarray
    weights: np.ndarray
    n_kept: np.ndarray


def align_tags(
    tokenizer, sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]] | None, tag_index: dict[str, int]
) -> AlignedTags:
    """Split each word into WordPiece sub-words and give the word's tag to its first sub-word.

    ``tags`` may be None (prediction time). Words beyond ``tokenizer.sequence_length`` sub-words
    are cut off; ``n_kept`` says how many survive. A tag missing from ``tag_index`` raises a ValueError.
    """
    seq_len = tokenizer.sequence_length
    if seq_len is None:
        raise ValueError("align_tags needs a tokenizer with a sequence_length")
    pieces = word_pieces(tokenizer, [w for words in sentences for w in words])
    n = len(sentences)
    token_ids = np.zeros((n, seq_len), "int32")
    tag_ids = np.zeros((n, seq_len), "int32")
    weights = np.zeros((n, seq_len), "float32")
    n_kept = np.zeros(n, "int32")
    k = 0
    for i, words in enumerate(sentences):
        pos = 0
        for j in range(len(words)):
            word = (pieces[k + j] or [1])[:seq_len]  # [UNK] for a word the tokenizer drops; a huge word is cut
            if pos + len(word) > seq_len:
                break
            token_ids[i, pos: pos + len(word)] = word
            weights[i, pos] = 1.0
            if tags is not None:
                tag = tags[i][j]
                if tag not in tag_index:
                    raise ValueError(f"tag {tag!r} (sentence {i}, word {j}) is not one of {sorted(tag_index)}")
                tag_ids[i, pos] = tag_index[tag]
            pos += len(word)
            n_kept[i] = j + 1
        k += len(words)
    return AlignedTags(token_ids, tag_ids, weights, n_kept)


def word_scores(aligned: AlignedTags, probs: np.ndarray) -> list[np.ndarray]:
    """Per-word tag probabilities from per-token ones ``(n, seq_len, n_tags)``: a word's are its first sub-word's.

    Returns one ``(words_kept, n_tags)`` array per row of ``aligned``.
    """
    return [np.asarray(probs[i])[np.flatnonzero(aligned.weights[i])] for i in range(len(aligned.weights))]


def word_pieces(tokenizer, words: list[str]) -> list[list[int]]:
    """The token ids of each word (or text), unpadded (a twin tokenizer without sequence_length).

    A checkpoint's tokenizer (``labkit.blocks.text.WordPieces``: it has ``pieces``) cuts them itself, with
    its own vocabulary (a published preset's, or 01's).
    """
    import keras_hub

    if hasattr(tokenizer, "pieces"):
        return tokenizer.pieces(words)
    twin = keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=tokenizer.get_vocabulary(), lowercase=tokenizer.lowercase,
        strip_accents=tokenizer.strip_accents, oov_token=tokenizer.oov_token,
    )
    if not words:
        return []
    ragged = twin(words)  # a python list of lists in eager mode, a RaggedTensor inside tf.data
    return [list(map(int, r)) for r in (ragged.to_list() if hasattr(ragged, "to_list") else ragged)]


# --- a checkpoint's tokenizer face ----------------------------------------------------------


@dataclass
class WordPieces:
    """A WordPiece tokenizer with the ids a checkpoint expects: ``[start] pieces [end]``, cut and padded with 0.

    ``wordpiece`` is the source's own keras_hub tokenizer, without a sequence length; ``start_id`` / ``end_id``
    are the preset's [CLS] / [SEP] (None for the kit's encoder, which 01 pretrained without them).
    """

    wordpiece: object
    seq_len: int
    start_id: int | None = None
    end_id: int | None = None

    @property
    def sequence_length(self) -> int:
        return self.seq_len

    @property
    def lowercase(self) -> bool:
        return bool(self.wordpiece.lowercase)

    @property
    def room(self) -> int:
        """How many sub-words of text fit in a row: ``seq_len`` less the [CLS] and [SEP] slots (for packing)."""
        return self._room()[1]

    @property
    def unk_id(self) -> int:
        """The id of [UNK], which a word the tokenizer drops gets (``labkit.ch04.WordEncoder`` masks words with it)."""
        return self._unk_id()

    @property
    def vocabulary(self) -> list[str]:
        return list(self.wordpiece.get_vocabulary())

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """The sub-word ids of each text (or word), unpadded and without [CLS]/[SEP]."""
        if not len(texts):
            return []
        ragged = self.wordpiece(list(texts))
        return [list(map(int, r)) for r in (ragged.to_list() if hasattr(ragged, "to_list") else ragged)]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Token ids of ``texts``: int32 ``(len(texts), seq_len)``, 0 = padding (``labkit.blocks.text.tokenize`` works too)."""
        first, room = self._room()
        out = np.zeros((len(texts), self.seq_len), "int32")
        for i, ids in enumerate(self.pieces(texts)):
            ids = ids[:room]
            out[i, first: first + len(ids)] = ids
            self._mark(out[i], first + len(ids))
        return out

    def align(self, sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]] | None,
              tag_index: dict[str, int]) -> AlignedTags:
        """First-piece labelling: each word's tag on its first sub-word (``labkit.blocks.text.AlignedTags``).

        Every sub-word of a word but the first, [CLS], [SEP] and padding get weight 0, so a loss weighted by
        ``weights`` counts each word once; ``labkit.blocks.text.word_scores`` reads the per-word predictions back
        and :meth:`words` the words themselves. Words that do not fit are cut (``n_kept`` says how many fit);
        ``tags`` may be None (prediction time). A tag missing from ``tag_index`` raises a ValueError.
        """
        first, room = self._room()
        pieces = self.pieces([w for words in sentences for w in words])
        n = len(sentences)
        token_ids, tag_ids = np.zeros((n, self.seq_len), "int32"), np.zeros((n, self.seq_len), "int32")
        weights, n_kept = np.zeros((n, self.seq_len), "float32"), np.zeros(n, "int32")
        k = 0
        for i, words in enumerate(sentences):
            pos = first
            for j in range(len(words)):
                word = (pieces[k + j] or [self._unk_id()])[:room]  # [UNK] for a word the tokenizer drops
                if pos + len(word) > first + room:
                    break
                token_ids[i, pos: pos + len(word)] = word
                weights[i, pos] = 1.0
                if tags is not None:
                    if tags[i][j] not in tag_index:
                        raise ValueError(f"tag {tags[i][j]!r} (sentence {i}, word {j}) is not one of "
                                         f"{sorted(tag_index)}")
                    tag_ids[i, pos] = tag_index[tags[i][j]]
                pos += len(word)
                n_kept[i] = j + 1
            self._mark(token_ids[i], pos)
            k += len(words)
        return AlignedTags(token_ids, tag_ids, weights, n_kept)

    def words(self, aligned: AlignedTags, row: int) -> list[str]:
        """The words of row ``row`` of ``aligned``, rebuilt from their sub-words (lowercased by an uncased
        tokenizer; an unknown word reads ``[UNK]``): the round trip back from ids to words."""
        vocab, suffix = self.vocabulary, self.wordpiece.suffix_indicator
        starts = np.flatnonzero(aligned.weights[row])
        ids = aligned.token_ids[row]
        out = []
        for a, b in zip(starts, [*starts[1:], None]):
            stop = b if b is not None else next((p for p in range(a + 1, len(ids))
                                                  if ids[p] in (PAD_ID, self.end_id)), len(ids))
            out.append("".join(vocab[t].removeprefix(suffix) if p > a else vocab[t]
                               for p, t in zip(range(a, stop), ids[a:stop])))
        return out

    def _room(self) -> tuple[int, int]:
        """Where the first piece goes, and how many pieces fit between [CLS] and [SEP]."""
        first = int(self.start_id is not None)
        room = self.seq_len - first - int(self.end_id is not None)
        if room < 1:
            raise ValueError(f"seq_len={self.seq_len} leaves no room for text between [CLS] and [SEP]")
        return first, room

    def _mark(self, row: np.ndarray, stop: int) -> None:
        if self.start_id is not None:
            row[0] = self.start_id
        if self.end_id is not None:
            row[stop] = self.end_id

    def _unk_id(self) -> int:
        return int(self.wordpiece.token_to_id(self.wordpiece.oov_token))

    @classmethod
    def of(cls, tokenizer, vocab: Sequence[str], seq_len: int) -> WordPieces:
        """Notebook 01's tokenizer (:func:`make_tokenizer`) as WordPieces: no [CLS]/[SEP], as 01 pretrained."""
        twin = type(tokenizer).from_config({**tokenizer.get_config(), "sequence_length": None,
                                            "vocabulary": list(vocab)})
        return cls(twin, seq_len)

    def save(self, folder: str | Path) -> Path:
        """Write this tokenizer to ``folder`` (keras_hub's own config and vocabulary asset, and the row layout), so
        that a model fine-tuned with it reloads without its checkpoint at hand (:meth:`load`)."""
        import keras

        folder = Path(folder)
        (folder / "assets").mkdir(parents=True, exist_ok=True)
        self.wordpiece.save_assets(str(folder / "assets"))
        layout = {"seq_len": self.seq_len, "start_id": self.start_id, "end_id": self.end_id}
        (folder / "tokenizer.json").write_text(json.dumps(
            {"keras_hub": keras.saving.serialize_keras_object(self.wordpiece), **layout}, indent=1) + "\n")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> WordPieces:
        """The tokenizer :meth:`save` wrote to ``folder``."""
        import keras

        folder = Path(folder)
        saved = json.loads((folder / "tokenizer.json").read_text())
        wordpiece = keras.saving.deserialize_keras_object(saved["keras_hub"])
        wordpiece.load_assets(str(folder / "assets"))
        return cls(wordpiece, saved["seq_len"], saved["start_id"], saved["end_id"])
