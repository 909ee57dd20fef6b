"""Tokenizer plumbing: WordPiece vocabularies, tokenizers, and label alignment for tagging.

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


def decode_tags(scores: Sequence[np.ndarray], tag_names: Sequence[str], constrained: bool = True) -> list[list[str]]:
    """Tags from per-word tag probabilities, one ``(words, n_tags)`` array per sentence.

    ``constrained``: the most probable tag sequence that is valid IOB2 (Viterbi; no ``I-X`` unless
    ``B-X`` or ``I-X`` comes just before); otherwise each word's own most probable tag.
    """
    allowed = _iob2_allowed(tag_names)
    out = []
    for sentence in scores:
        log_probs = np.log(np.asarray(sentence, "float64").reshape(-1, len(tag_names)) + 1e-12)
        best = _viterbi(log_probs, allowed) if constrained else log_probs.argmax(-1)
        out.append([tag_names[t] for t in best])
    return out


def _iob2_allowed(tag_names: Sequence[str]) -> np.ndarray:
    """``allowed[a, b]``: tag b may follow tag a; row ``-1`` (an extra row) is the sentence start."""
    k = len(tag_names)
    allowed = np.ones((k + 1, k), bool)
    for b, tag in enumerate(tag_names):
        if tag.startswith("I-"):
            allowed[:, b] = [prev in ("B-" + tag[2:], tag) for prev in tag_names] + [False]
    return allowed


def _viterbi(scores: np.ndarray, allowed: np.ndarray) -> list[int]:
    """The tag sequence with the highest total log-probability among the allowed ones."""
    if not len(scores):
        return []
    penalty = np.where(allowed, 0.0, -np.inf)
    best = scores[0] + penalty[-1]
    back = np.zeros(scores.shape, int)
    for w in range(1, len(scores)):
        total = best[:, None] + penalty[:-1]
        back[w] = total.argmax(0)
        best = total.max(0) + scores[w]
    path = [int(best.argmax())]
    for w in range(len(scores) - 1, 0, -1):
        path.append(int(back[w, path[-1]]))
    return path[::-1]


@dataclass
class PackedSentences:
    """Sentences joined per document into sequences, and the sequences cut into windows that fit the model.

    ``words`` and ``tags``: one list per *window* (what :func:`align_tags` takes). ``sizes``: per
    sequence, the word counts of its sentences. ``windows``: per window ``(sequence, first word,
    first owned word, end of owned words)``, in the sequence's word numbering; each word is owned by
    exactly one window, the one where it sits farthest from a cut.
    """

    words: list[list[str]]
    tags: list[list[str]]
    sizes: list[list[int]]
    windows: list[tuple[int, int, int, int]]

    def unpack(self, per_window: Sequence[Sequence]) -> list[list]:
        """Stitch per-word values of the windows back into one list per original sentence."""
        sequences = [[] for _ in self.sizes]
        for values, (seq, first, own_from, own_to) in zip(per_window, self.windows):
            sequences[seq].extend(values[own_from - first: own_to - first])
        out = []
        for values, sizes in zip(sequences, self.sizes):
            start = 0
            for n in sizes:
                out.append(list(values[start: start + n]))
                start += n
        return out


def pack_sentences(tokenizer, sentences) -> PackedSentences:
    """Join consecutive sentences of one document into sequences of at most ``seq_len`` sub-words.

    ``sentences`` are ``labkit.data.TaggedSentence``; those with ``doc`` None (a file without
    document marks) stay one per sequence. Packing lets the tagger read a sentence with its
    neighbours (an article names "Peter Blackburn" in full before it says "Blackburn") and spends less
    compute on padding. A sentence longer than ``seq_len`` sub-words is cut into windows that overlap
    by about half their words, so no word is left untagged; :meth:`PackedSentences.unpack` stitches them.
    """
    seq_len = tokenizer.sequence_length
    pieces = iter(word_pieces(tokenizer, [w for s in sentences for w in s.tokens]))
    groups, last_doc, used = [], None, 0  # each group: (words, tags, sizes, sub-word counts)
    for s in sentences:
        lengths = [min(seq_len, max(1, len(next(pieces)))) for _ in s.tokens]
        if not groups or s.doc is None or s.doc != last_doc or used + sum(lengths) > seq_len:
            groups.append(([], [], [], []))
            used, last_doc = 0, s.doc
        words, tags, sizes, counts = groups[-1]
        words += s.tokens
        tags += s.tags
        sizes.append(len(s.tokens))
        counts += lengths
        used += sum(lengths)
    packed = PackedSentences([], [], [g[2] for g in groups], [])
    for seq, (words, tags, _, counts) in enumerate(groups):
        spans = _windows(counts, seq_len)
        cuts = [0] + [(nxt[0] + cur[1]) // 2 for cur, nxt in zip(spans, spans[1:])] + [len(words)]
        for (first, stop), own_from, own_to in zip(spans, cuts, cuts[1:]):
            packed.words.append(words[first:stop])
            packed.tags.append(tags[first:stop])
            packed.windows.append((seq, first, own_from, own_to))
    return packed


def _windows(counts: list[int], seq_len: int) -> list[tuple[int, int]]:
    """``(first, stop)`` word ranges of at most ``seq_len`` sub-words that cover all words, overlapping."""
    spans, first = [], 0
    while True:
        stop, used = first, 0
        while stop < len(counts) and used + counts[stop] <= seq_len:
            used, stop = used + counts[stop], stop + 1
        spans.append((first, stop))
        if stop >= len(counts):
            return spans
        first = max(first + 1, (first + stop) // 2)  # the next window starts half-way: about half overlaps


def word_pieces(tokenizer, words: list[str]) -> list[list[int]]:
    """The token ids of each word (or text), unpadded (a twin tokenizer without sequence_length)."""
    import keras_hub

    twin = keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=tokenizer.get_vocabulary(), lowercase=tokenizer.lowercase,
        strip_accents=tokenizer.strip_accents, oov_token=tokenizer.oov_token,
    )
    if not words:
        return []
    ragged = twin(words)  # a python list of lists in eager mode, a RaggedTensor inside tf.data
    return [list(map(int, r)) for r in (ragged.to_list() if hasattr(ragged, "to_list") else ragged)]
