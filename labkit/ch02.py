"""Task heads on the pretrained encoder, defined once for every notebook that fine-tunes it.

Notebook 02 shows and explains :func:`build_classifier` and :func:`build_tagger`; the case studies
reuse them (05 and 06 through :func:`fine_tune_classifier`, the recipe 02 uses for its full
fine-tuning arm).
"""
from __future__ import annotations

import numpy as np

from labkit.blocks import distribute


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
