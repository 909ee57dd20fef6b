"""Notebook 02's code that later chapters and the benchmarks reuse, defined once; notebook 02 shows each piece and
calls it.

- the fine-tuning recipe: :func:`build_classifier` and :func:`build_tagger` (the heads on the pretrained encoder),
  :func:`fine_tune_classifier` (every arm of 02's comparison; 05, 06, 09 and 10 fine-tune with it) with
  :func:`fit_classifier` (its training half, for a model already built), :func:`fine_tune_tagger` (02 and 08);
- the label budgets: :func:`budget_indices` (a class-balanced subset) and :func:`budget_epochs` (more epochs for a
  smaller budget); :func:`neighbour_agreement` (what pretraining put in the sentence vectors);
- tagging: :func:`decode_tags` (the most probable valid IOB2 sequence, :func:`viterbi` over :func:`iob2_allowed`)
  and :func:`pack_sentences` (a document's sentences read together, long ones in overlapping windows), used by 02
  and 08 on top of :mod:`labkit.blocks.text`'s sub-word alignment;
- name cutting: :func:`cut_names` (a twin tokenizer that no longer spells a share of the training names whole, so the
  tagger cannot memorise them as whole entries) and :func:`tag_sentences` (a tagger's tags for packed sentences);
- 02's profile fields (:class:`Sizes`), headline figures, budget plot and exercise checks.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from labkit.blocks import distribute
from labkit.blocks.text import PAD_ID, word_pieces, word_scores
from labkit.course.exercises import check, close_to

# the bundled data folders notebook 02 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("intents", "ner")
# the headline figures of notebook 02, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "cls_accuracy", "cls_accuracy_scratch", "cls_accuracy_scratch_low", "cls_accuracy_pretrained_low",
    "cls_accuracy_adapted_low", "cls_accuracy_adapted", "ner_entity_f1", "ner_token_accuracy",
    "ner_token_f1_entity_tags",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 02's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    cls_epochs: int
    ner_epochs: int
    finetune_batch_size: int
    finetune_learning_rate: float
    label_budgets: tuple[float, ...]  # fractions of the training labels
    finetune_max_examples: int | None  # training examples kept for fine-tuning (None: all)


SIZES = {
    "ci": Sizes(
        cls_epochs=3, ner_epochs=8, finetune_batch_size=32, finetune_learning_rate=3e-3, label_budgets=(0.25, 1.0),
        finetune_max_examples=1200),
    "laptop": Sizes(
        cls_epochs=4, ner_epochs=5, finetune_batch_size=32, finetune_learning_rate=1e-3,
        label_budgets=(0.05, 0.25, 1.0), finetune_max_examples=None),
    "gpu": Sizes(
        cls_epochs=10, ner_epochs=6, finetune_batch_size=64, finetune_learning_rate=3e-4,
        label_budgets=(0.05, 0.1, 0.25, 0.5, 1.0), finetune_max_examples=None),
}


def build_classifier(encoder, num_classes, dropout=0.1):
    """Sentence classifier: encoder -> mean over the real tokens -> softmax over ``num_classes``."""
    import keras

    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    hidden = encoder(token_ids)
    pooled = keras.layers.GlobalAveragePooling1D(name="mean_pool")(hidden, mask=keras.ops.not_equal(token_ids, 0))
    pooled = keras.layers.Dropout(dropout)(pooled)
    probs = keras.layers.Dense(num_classes, activation="softmax", name="intent")(pooled)
    return keras.Model(token_ids, probs, name="intent_classifier")


def build_tagger(encoder, num_tags, dropout=0.1):
    """Token classifier: encoder -> a softmax over ``num_tags`` at every token."""
    import keras

    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    hidden = keras.layers.Dropout(dropout)(encoder(token_ids))
    probs = keras.layers.Dense(num_tags, activation="softmax", name="tags")(hidden)
    return keras.Model(token_ids, probs, name="ner_tagger")


def fine_tune_classifier(encoder, num_classes: int, train: tuple[np.ndarray, np.ndarray],
                         valid: tuple[np.ndarray, np.ndarray], profile, epochs: int | None = None,
                         pretrained: bool = True, frozen: bool = False, learning_rate: float | None = None,
                         verbose: int = 0):
    """Notebook 02's fine-tuning: a copy of ``encoder`` (its weights, or fresh random ones when ``pretrained`` is
    False; frozen when ``frozen`` is True, so that only the head learns: the linear probe) under
    :func:`build_classifier`, trained by :func:`fit_classifier`. ``encoder`` itself is left untouched.

    ``train`` and ``valid`` are ``(token_ids, label_ids)``; ``epochs`` defaults to the profile's ``cls_epochs``,
    ``learning_rate`` to the profile's (see :func:`fit_classifier`). Returns the model and its Keras history.
    """
    import keras

    training = distribute.plan(profile.finetune_batch_size, profile.finetune_learning_rate)
    with training.scope():  # the model's variables on every replica (on one device: no change)
        copy = keras.models.clone_model(encoder)  # same architecture, fresh random weights
        if pretrained:
            copy.set_weights(encoder.get_weights())
        if frozen:
            copy.trainable = False
        model = build_classifier(copy, num_classes)
    history = fit_classifier(model, train, valid, profile, epochs, learning_rate, verbose)
    return model, history


def fit_classifier(model, train: tuple[np.ndarray, np.ndarray], valid: tuple[np.ndarray, np.ndarray], profile,
                   epochs: int | None = None, learning_rate: float | None = None, verbose: int = 0):
    """The training half of :func:`fine_tune_classifier`, for a model built under the same strategy: AdamW (weight
    decay 0.01) at ``learning_rate`` (default: the profile's fine-tuning rate) with the profile's batch (the batch
    per replica, the rate scaled to the global batch: :func:`labkit.blocks.distribute.plan`), for ``epochs``
    (default: the profile's ``cls_epochs``), the weights of the epoch with the best validation accuracy kept.
    Returns the Keras history.
    """
    import keras

    training = distribute.plan(profile.finetune_batch_size, profile.finetune_learning_rate)
    with training.scope():
        model.compile(optimizer=keras.optimizers.AdamW(learning_rate or training.learning_rate, weight_decay=0.01),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(*train, validation_data=valid, epochs=epochs or profile.cls_epochs,
                     batch_size=training.batch_size, verbose=verbose,
                     callbacks=[keras.callbacks.EarlyStopping("val_accuracy", patience=4, restore_best_weights=True)])


def budget_indices(labels: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """A class-balanced random subset: `fraction` of each class, at least one example per class."""
    rng = np.random.default_rng(seed)
    picks = [rng.permutation(np.flatnonzero(labels == c))[: max(1, round(fraction * np.sum(labels == c)))]
             for c in np.unique(labels)]
    return np.sort(np.concatenate(picks))


def budget_epochs(epochs: int, fraction: float) -> int:
    """The epochs for a budget of ``fraction`` of the labels: ``epochs`` (the full set's) grown as 1/sqrt(fraction),
    so a smaller budget gets more epochs but never more optimizer steps than a larger one."""
    return math.ceil(epochs / math.sqrt(fraction))


def neighbour_agreement(encoder, token_ids: np.ndarray, labels: np.ndarray) -> float:
    """Share of messages whose nearest other message (cosine of mean-pooled hidden states) has their label."""
    hidden = encoder.predict(token_ids, verbose=0)
    real = (token_ids != PAD_ID)[..., None]
    vectors = (hidden * real).sum(1) / real.sum(1)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)  # a message is not its own neighbour
    return float(np.mean(labels[similarity.argmax(1)] == labels))


def fine_tune_tagger(encoder, num_tags: int, train, valid, profile, epochs: int | None = None, verbose: int = 0,
                     learning_rate: float | None = None):
    """Full fine-tuning of a tagger as in notebook 02, section 2: a copy of ``encoder`` under :func:`build_tagger`,
    AdamW at the profile's fine-tuning learning rate and batch size (per replica, as in :func:`fine_tune_classifier`),
    the loss and accuracy weighted so that only each word's first sub-word counts, the weights of the epoch with the
    best validation accuracy kept. ``encoder`` is left untouched.

    ``train`` and ``valid`` are :class:`labkit.blocks.text.AlignedTags` (``token_ids``, ``tag_ids``, ``weights``);
    returns the model and its Keras history. ``learning_rate`` replaces the profile's (02 fine-tunes a published
    checkpoint at the BERT paper's rate, as its classification arm does).
    """
    import keras

    training = distribute.plan(profile.finetune_batch_size, profile.finetune_learning_rate)
    with training.scope():  # as in fine_tune_classifier
        copy = keras.models.clone_model(encoder)
        copy.set_weights(encoder.get_weights())
        model = build_tagger(copy, num_tags)
        model.compile(optimizer=keras.optimizers.AdamW(learning_rate or training.learning_rate, weight_decay=0.01),
                      loss="sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
    history = model.fit(train.token_ids, train.tag_ids, sample_weight=train.weights,
                        validation_data=(valid.token_ids, valid.tag_ids, valid.weights),
                        epochs=epochs or profile.ner_epochs, batch_size=training.batch_size, verbose=verbose,
                        callbacks=[keras.callbacks.EarlyStopping("val_accuracy", patience=4, restore_best_weights=True)])
    return model, history


def cut_names(tokenizer, sentences, rate: float, seed: int):
    """Name cutting for a tagger's training data: a twin of ``tokenizer`` (a keras_hub ``WordPieceTokenizer``, such
    as 01's) whose vocabulary no longer spells a share ``rate`` of the training names' words whole, so those words are
    cut into smaller pieces, as names never seen in training are. Returns the twin and the words it cuts.

    The words drawn (once, with ``seed``) are those the ``sentences`` (``labkit.data.TaggedSentence``) tag as part
    of an entity and never as ``O``, and that are one whole entry of the vocabulary (longer than one character: single
    characters are what every word can still be cut into). Each one's entry is renamed to a
    string no text matches; every other entry keeps its id, so the encoder's embeddings need no change.
    """
    import keras_hub

    vocab = list(tokenizer.get_vocabulary())
    index = {entry: i for i, entry in enumerate(vocab)}
    key = str.lower if tokenizer.lowercase else str
    in_names = {key(w) for s in sentences for w, t in zip(s.tokens, s.tags) if t != "O"}
    outside = {key(w) for s in sentences for w, t in zip(s.tokens, s.tags) if t == "O"}
    whole = sorted(w for w in in_names - outside if w in index and len(w) > 1)  # single letters stay: the last resort
    rng = np.random.default_rng(seed)
    cut = [w for w, draw in zip(whole, rng.random(len(whole))) if draw < rate]
    for word in cut:
        vocab[index[word]] = f"\u2603{index[word]}\u2603"  # a snowman never occurs inside a word
    twin = keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=vocab, sequence_length=tokenizer.sequence_length, lowercase=tokenizer.lowercase,
        strip_accents=tokenizer.strip_accents, oov_token=tokenizer.oov_token,
        special_tokens=tokenizer.special_tokens, special_tokens_in_strings=tokenizer.special_tokens_in_strings)
    return twin, cut


# --- tagging: reading tags out, and sentences packed per document ----------------------------------------------


def decode_tags(scores: Sequence[np.ndarray], tag_names: Sequence[str], constrained: bool = True) -> list[list[str]]:
    """Tags from per-word tag probabilities, one ``(words, n_tags)`` array per sentence.

    ``constrained``: the most probable tag sequence that is valid IOB2 (:func:`viterbi`; no ``I-X`` unless
    ``B-X`` or ``I-X`` comes just before); otherwise each word's own most probable tag.
    """
    allowed = iob2_allowed(tag_names)
    out = []
    for sentence in scores:
        log_probs = np.log(np.asarray(sentence, "float64").reshape(-1, len(tag_names)) + 1e-12)
        best = viterbi(log_probs, allowed) if constrained else log_probs.argmax(-1)
        out.append([tag_names[t] for t in best])
    return out


def tag_sentences(tagger, aligned, packed: PackedSentences, tag_names: Sequence[str]) -> list[list[str]]:
    """The tags ``tagger`` gives the sentences of ``packed`` (aligned as ``aligned``): each word's probabilities read
    at its first sub-word, the windows stitched back per sentence, decoded by :func:`decode_tags`."""
    probs = tagger.predict(aligned.token_ids, verbose=0)
    return decode_tags(packed.unpack(word_scores(aligned, probs)), tag_names)


def iob2_allowed(tag_names: Sequence[str]) -> np.ndarray:
    """``allowed[a, b]``: tag b may follow tag a; row ``-1`` (an extra row) is the sentence start."""
    k = len(tag_names)
    allowed = np.ones((k + 1, k), bool)
    for b, tag in enumerate(tag_names):
        if tag.startswith("I-"):
            allowed[:, b] = [prev in ("B-" + tag[2:], tag) for prev in tag_names] + [False]
    return allowed


def viterbi(scores: np.ndarray, allowed: np.ndarray) -> list[int]:
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

    ``words`` and ``tags``: one list per *window* (what :func:`labkit.blocks.text.align_tags` takes). ``sizes``: per
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
    A checkpoint's tokenizer (``labkit.blocks.text.WordPieces``) packs into its ``room``: ``seq_len``
    less the places of a preset's [CLS] and [SEP].
    """
    seq_len = getattr(tokenizer, "room", tokenizer.sequence_length)
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


# --- plots ----------------------------------------------------------------------------------------------------


def plot_budget_curves(accuracy: Mapping[str, Mapping[float, float]], title: str = "", ax=None):
    """Test accuracy against the fraction of training labels used, one line per arm (``{arm: {budget: acc}}``)."""
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for arm, by_budget in accuracy.items():
        budgets = sorted(by_budget)
        ax.plot([100 * b for b in budgets], [by_budget[b] for b in budgets], "-o", label=arm)
    percents = sorted({100 * b for by_budget in accuracy.values() for b in by_budget})
    ax.set_xscale("log")
    ax.set_xticks(percents, [f"{p:g} %" for p in percents])
    ax.minorticks_off()
    ax.set_xlabel("labelled training examples used (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the axes: the curves cross anywhere inside
    return ax


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_budget_size(lab, answer, expected) -> str:
    return check(lab, "02.1 budget size", answer, lambda a: a == expected,
                 "ch02.budget_indices(y_train, fraction, SEED) returns the indices the smallest budget keeps")


def check_macro_f1(lab, answer, y_true, y_pred) -> str:
    import sklearn.metrics

    expected = sklearn.metrics.f1_score(y_true, y_pred, average="macro")
    return check(lab, "02.2 macro F1", answer, close_to(expected, 1e-4),
                 "sklearn.metrics.f1_score(..., average='macro') on the test labels and the predictions")


def check_all_o_entity_f1(lab, answer, true_tags) -> str:
    import seqeval.metrics

    expected = seqeval.metrics.f1_score(true_tags, [["O"] * len(tags) for tags in true_tags])
    return check(lab, "02.3 all-O entity F1", answer, close_to(expected, 1e-6),
                 "an all-O tagger finds no entity at all: what are its precision and recall?")


def check_gain_points(lab, answer, adapted, scratch) -> str:
    return check(lab, "02.4 gain", answer, close_to(100 * (adapted - scratch), 0.05),
                 "subtract the two test accuracies at the smallest budget and multiply by 100 (points, not a fraction)")


def check_capital_letter_tagger(lab, answer, train_sentences, test_sentences) -> str:
    from collections import Counter, defaultdict

    import seqeval.metrics

    seen = defaultdict(Counter)  # the unigram baseline of section 2, on the same training sentences
    for sentence in train_sentences:
        for word, tag in zip(sentence.tokens, sentence.tags):
            seen[word][tag] += 1
    true = [s.tags for s in test_sentences]
    unigram = seqeval.metrics.f1_score(
        true, [[seen[w].most_common(1)[0][0] if w in seen else "O" for w in s.tokens] for s in test_sentences])

    def right(tagger):
        predicted = [list(tagger(s.tokens)) for s in test_sentences]
        if any(len(p) != len(s.tokens) for p, s in zip(predicted, test_sentences)):
            raise ValueError("the tagger must return one tag per word")
        return seqeval.metrics.f1_score(true, predicted) >= unigram + 0.01
    return check(lab, "02.5 a capital-letter feature", answer, right,
                 f"the unigram baseline's entity F1 is {unigram:.3f}: keep its tag for every word seen in training, and "
                 "give an unseen word that starts with a capital letter (not the sentence's first word) B- plus the "
                 "most frequent training entity type, or I- of the previous word's type when that word is in an entity")
