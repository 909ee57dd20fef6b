"""Tokenizer plumbing: WordPiece vocabularies and tokenizers, token windows, labels a model cannot predict set
aside, and the sub-word bookkeeping of tagging (each word's tag on its first sub-word, :func:`align_tags`, and
each word's scores read back from it, :func:`word_scores`). How tags are decoded into IOB2 sequences and how
sentences are packed per document is notebook 02's lesson, in :mod:`labkit.ch02`.

The special tokens sit at fixed ids so that padding is always 0::

    [PAD]=0  [UNK]=1  [CLS]=2  [SEP]=3  [MASK]=4
"""
from __future__ import annotations

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

    A checkpoint's tokenizer (``labkit.blocks.checkpoints.WordPieces``: it has ``pieces``) cuts them itself, with
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
