"""Task heads on the pretrained encoder, defined once for every notebook that fine-tunes it.

Notebook 02 shows and explains :func:`build_classifier` and :func:`build_tagger`; the case studies
reuse them (05 and 06 through :func:`fine_tune_classifier`, the recipe 02 uses for its full
fine-tuning arm).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from labkit.blocks import distribute
from labkit.course.exercises import check, close_to

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
                         pretrained: bool = True, verbose: int = 0):
    """Full fine-tuning as in notebook 02: a copy of ``encoder`` (its weights, or fresh random ones when
    ``pretrained`` is False) under :func:`build_classifier`, AdamW at the profile's fine-tuning learning rate and
    batch size (the batch per replica: :func:`labkit.blocks.distribute.plan`), the weights of the epoch with the best
    validation accuracy kept. ``encoder`` itself is left untouched.

    ``train`` and ``valid`` are ``(token_ids, label_ids)``; returns the model and its Keras history.
    """
    import keras

    training = distribute.plan(profile.finetune_batch_size, profile.finetune_learning_rate)
    with training.scope():  # the model's variables on every replica (on one device: no change)
        copy = keras.models.clone_model(encoder)  # same architecture, fresh random weights
        if pretrained:
            copy.set_weights(encoder.get_weights())
        model = build_classifier(copy, num_classes)
        model.compile(optimizer=keras.optimizers.AdamW(training.learning_rate, weight_decay=0.01),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(*train, validation_data=valid, epochs=epochs or profile.cls_epochs,
                        batch_size=training.batch_size, verbose=verbose,
                        callbacks=[keras.callbacks.EarlyStopping("val_accuracy", patience=4, restore_best_weights=True)])
    return model, history


def fine_tune_tagger(encoder, num_tags: int, train, valid, profile, epochs: int | None = None, verbose: int = 0):
    """Full fine-tuning of a tagger as in notebook 02, section 2: a copy of ``encoder`` under :func:`build_tagger`,
    AdamW at the profile's fine-tuning learning rate and batch size (per replica, as in :func:`fine_tune_classifier`),
    the loss and accuracy weighted so that only each word's first sub-word counts, the weights of the epoch with the
    best validation accuracy kept. ``encoder`` is left untouched.

    ``train`` and ``valid`` are :class:`labkit.blocks.text.AlignedTags` (``token_ids``, ``tag_ids``, ``weights``);
    returns the model and its Keras history.
    """
    import keras

    training = distribute.plan(profile.finetune_batch_size, profile.finetune_learning_rate)
    with training.scope():  # as in fine_tune_classifier
        copy = keras.models.clone_model(encoder)
        copy.set_weights(encoder.get_weights())
        model = build_tagger(copy, num_tags)
        model.compile(optimizer=keras.optimizers.AdamW(training.learning_rate, weight_decay=0.01),
                      loss="sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
    history = model.fit(train.token_ids, train.tag_ids, sample_weight=train.weights,
                        validation_data=(valid.token_ids, valid.tag_ids, valid.weights),
                        epochs=epochs or profile.ner_epochs, batch_size=training.batch_size, verbose=verbose,
                        callbacks=[keras.callbacks.EarlyStopping("val_accuracy", patience=4, restore_best_weights=True)])
    return model, history


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
                 "budget_indices(y_train, fraction, SEED) returns the indices the smallest budget keeps")


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
