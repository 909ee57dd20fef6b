"""The encoder artifact that notebooks hand to each other, and the fallbacks that build it.

Notebook 01 pretrains a small BERT-style encoder and saves it in ``lab.artifacts_dir``;
notebook 02 fine-tunes it into an intent classifier and an NER tagger and saves those too.
Later notebooks call :func:`load_encoder`, :func:`load_intent_classifier` and
:func:`load_ner_tagger`; when an artifact is missing these build a small one (and say so).

The model-building functions here (``build_encoder``, ``build_mlm_model``, ``mlm_dataset``,
``build_classifier``, ``build_tagger``) are the very code shown in notebooks 01 and 02;
a test checks that the two stay identical.

Input format of every model here: token ids, int32, shape ``(batch, seq_len)``, padded with
``labkit.text.PAD_ID`` (0) at the end; ``labkit.text.tokenize(bundle.tokenizer, texts)`` makes them.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import keras
import keras_hub
import numpy as np
import tensorflow as tf

from labkit.text import MASK_ID, PAD_ID, load_vocabulary, make_tokenizer, save_vocabulary, tokenize

ENCODER_FILE, VOCAB_FILE, TOKENIZER_FILE = "encoder.keras", "vocab.txt", "tokenizer.json"
INTENT_FILE, INTENT_LABELS_FILE = "intent_classifier.keras", "intent_labels.json"
NER_FILE, NER_TAGS_FILE = "ner_tagger.keras", "ner_tags.json"
BACKUP_DIR = "mlm_backup"

# Keras 3.15 warns on every fit() given a tf.data.Dataset, even one that shuffles itself as ours do.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)


# --- the models (shown in notebooks 01 and 02) ---------------------------------


def build_encoder(vocab_size, seq_len, hidden_dim, num_layers, num_heads, intermediate_dim, dropout=0.1):
    """A BERT-style encoder: token ids (batch, seq_len) -> hidden states (batch, seq_len, hidden_dim)."""
    token_ids = keras.Input(shape=(seq_len,), dtype="int32", name="token_ids")
    x = keras_hub.layers.TokenAndPositionEmbedding(
        vocabulary_size=vocab_size, sequence_length=seq_len, embedding_dim=hidden_dim, name="embedding"
    )(token_ids)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="embedding_norm")(x)
    x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
    padding_mask = keras.ops.not_equal(token_ids, 0)  # attention ignores the [PAD] positions
    for i in range(num_layers):
        x = keras_hub.layers.TransformerEncoder(
            intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout,
            activation="gelu", name=f"transformer_{i}",
        )(x, padding_mask=padding_mask)
    return keras.Model(token_ids, x, name="encoder")


def build_mlm_model(encoder, mask_len):
    """Encoder + a masked-LM head that predicts the original token at each of ``mask_len`` masked positions."""
    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    mask_positions = keras.Input(shape=(mask_len,), dtype="int32", name="mask_positions")
    hidden = encoder(token_ids)
    head = keras_hub.layers.MaskedLMHead(
        token_embedding=encoder.get_layer("embedding").token_embedding,  # tied: output = input embeddings
        intermediate_activation="gelu", activation="softmax", name="mlm_head",
    )
    probs = head(hidden, mask_positions=mask_positions)
    return keras.Model({"token_ids": token_ids, "mask_positions": mask_positions}, probs, name="mlm")


def mlm_dataset(token_ids, masker, batch_size, shuffle=False, seed=0):
    """Batches of ``(inputs, targets, sample_weights)`` for MLM, masked afresh each epoch by ``masker``."""
    data = tf.data.Dataset.from_tensor_slices(token_ids)
    if shuffle:
        data = data.shuffle(len(token_ids), seed=seed, reshuffle_each_iteration=True)

    def mask(batch):
        m = masker(batch)
        inputs = {"token_ids": m["token_ids"], "mask_positions": m["mask_positions"]}
        return inputs, m["mask_ids"], m["mask_weights"]  # weights: 0 where fewer tokens were masked

    return data.batch(batch_size).map(mask, num_parallel_calls=tf.data.AUTOTUNE)


def build_classifier(encoder, num_classes, dropout=0.1):
    """Sentence classifier: encoder -> mean over the real tokens -> softmax over ``num_classes``."""
    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    hidden = encoder(token_ids)
    pooled = keras.layers.GlobalAveragePooling1D(name="mean_pool")(hidden, mask=keras.ops.not_equal(token_ids, 0))
    pooled = keras.layers.Dropout(dropout)(pooled)
    probs = keras.layers.Dense(num_classes, activation="softmax", name="intent")(pooled)
    return keras.Model(token_ids, probs, name="intent_classifier")


def build_tagger(encoder, num_tags, dropout=0.1):
    """Token classifier: encoder -> a softmax over ``num_tags`` at every token."""
    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    hidden = keras.layers.Dropout(dropout)(encoder(token_ids))
    probs = keras.layers.Dense(num_tags, activation="softmax", name="tags")(hidden)
    return keras.Model(token_ids, probs, name="ner_tagger")


# --- the artifact ---------------------------------------------------------------


@dataclass
class EncoderBundle:
    """A pretrained encoder with the tokenizer it was trained with.

    ``encoder`` maps token ids ``(batch, seq_len)`` (int32, 0 = padding) to hidden states
    ``(batch, seq_len, hidden_dim)``; ``tokenizer`` (keras_hub WordPieceTokenizer) turns text into
    such ids; ``vocab`` is its vocabulary (``vocab[i]`` is the token of id ``i``).
    """

    encoder: object
    tokenizer: object
    vocab: list[str]
    seq_len: int

    def __post_init__(self):
        check_vocabulary(self.encoder, self.vocab)

    @property
    def hidden_dim(self) -> int:
        return int(self.encoder.output_shape[-1])


def check_vocabulary(encoder, vocab) -> None:
    """Raise a ValueError when the encoder's embedding table does not fit the vocabulary."""
    size = encoder.get_layer("embedding").vocabulary_size
    if size != len(vocab):
        raise ValueError(
            f"the encoder's embedding has {size} rows but the tokenizer's vocabulary has {len(vocab)} "
            "tokens: they come from different runs. Re-run notebook 01 (or delete the stale "
            "artifacts) so that encoder and vocabulary are saved together."
        )


def save_encoder(lab, bundle: EncoderBundle) -> Path:
    """Save encoder (Keras native format), vocabulary and tokenizer settings into ``lab.artifacts_dir``."""
    folder = lab.artifacts_dir
    bundle.encoder.save(folder / ENCODER_FILE)
    save_vocabulary(bundle.vocab, folder / VOCAB_FILE)
    settings = {"seq_len": bundle.seq_len, "lowercase": bool(bundle.tokenizer.lowercase)}
    (folder / TOKENIZER_FILE).write_text(json.dumps(settings) + "\n")
    print(f"saved the encoder and its vocabulary in {folder}")
    return folder / ENCODER_FILE


def load_encoder(lab) -> EncoderBundle:
    """The pretrained encoder of ``lab.profile`` from ``lab.artifacts_dir`` (notebook 01 saves it).

    When it is missing, says so, pretrains a small one (:func:`pretrain_small_encoder`),
    saves it and returns it.
    """
    folder = lab.artifacts_dir
    if not all((folder / f).is_file() for f in (ENCODER_FILE, VOCAB_FILE, TOKENIZER_FILE)):
        print(f"No pretrained encoder in {folder} (notebook 01 makes it): building a small one now.")
        bundle = pretrain_small_encoder(lab)
        save_encoder(lab, bundle)
        return bundle
    settings = json.loads((folder / TOKENIZER_FILE).read_text())
    vocab = load_vocabulary(folder / VOCAB_FILE)
    encoder = keras.saving.load_model(folder / ENCODER_FILE)
    tokenizer = make_tokenizer(vocab, settings["seq_len"], lowercase=settings["lowercase"])
    return EncoderBundle(encoder, tokenizer, vocab, settings["seq_len"])


def embed_sentences(bundle: EncoderBundle, texts: list[str], batch_size: int = 256) -> np.ndarray:
    """One vector per text: the encoder's hidden states averaged over the real (non-padding) tokens.

    Returns float32 ``(len(texts), hidden_dim)``.
    """
    out = np.zeros((len(texts), bundle.hidden_dim), "float32")
    for start in range(0, len(texts), batch_size):
        ids = tokenize(bundle.tokenizer, texts[start: start + batch_size])
        hidden = np.asarray(bundle.encoder(ids, training=False))
        mask = (ids != PAD_ID)[..., None].astype("float32")
        out[start: start + len(ids)] = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1.0)
    return out


def resume_callback(lab):
    """A ``BackupAndRestore`` callback: an interrupted pretraining resumes from its last epoch on re-run."""
    folder = lab.artifacts_dir / BACKUP_DIR
    if folder.is_dir() and any(folder.iterdir()):
        print(f"Found the checkpoint of an interrupted pretraining in {folder}: training resumes from it.")
    return keras.callbacks.BackupAndRestore(backup_dir=str(folder))


def compile_mlm(model, learning_rate, jit_compile):
    """The optimiser, loss and metric of masked-LM pretraining (as notebook 01 compiles it)."""
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=0.01),
        loss="sparse_categorical_crossentropy",
        weighted_metrics=["sparse_categorical_accuracy"],
        jit_compile=jit_compile,
    )
    return model


def make_masker(vocab_size, profile):
    """``MaskedLMMaskGenerator`` with the masking recipe of notebook 01."""
    return keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=vocab_size, mask_selection_rate=profile.mlm_mask_rate,
        mask_token_id=MASK_ID, mask_selection_length=mask_length(profile),
        unselectable_token_ids=[PAD_ID],
    )


def mask_length(profile) -> int:
    """How many masked positions per sequence the MLM head predicts at most."""
    return max(1, int(round(profile.seq_len * profile.mlm_mask_rate * 1.5)))


# --- fallbacks ------------------------------------------------------------------


def pretrain_small_encoder(lab, epochs: int | None = None) -> EncoderBundle:
    """Pretrain an encoder of ``lab.profile``'s size with masked LM (briefly: ``fallback_mlm_epochs``)."""
    from labkit.data import load_corpus
    from labkit.text import build_vocabulary

    P = lab.profile
    corpus = load_corpus(lab.data_dir, P.corpus_max_lines)
    vocab = build_vocabulary(corpus, P.vocab_size, lowercase=P.lowercase)
    tokenizer = make_tokenizer(vocab, P.seq_len, lowercase=P.lowercase)
    encoder = build_encoder(len(vocab), P.seq_len, P.hidden_dim, P.num_layers, P.num_heads, P.intermediate_dim)
    model = compile_mlm(build_mlm_model(encoder, mask_length(P)), P.mlm_learning_rate, P.mlm_jit_compile)
    data = mlm_dataset(tokenize(tokenizer, corpus), make_masker(len(vocab), P), P.mlm_batch_size, True, lab.seed)
    model.fit(data, epochs=epochs or P.fallback_mlm_epochs, verbose=2)
    return EncoderBundle(encoder, tokenizer, vocab, P.seq_len)


def compile_finetune(model, learning_rate, weighted=False):
    """The optimiser, loss and metric of fine-tuning (as notebook 02 compiles them)."""
    metrics = {"weighted_metrics" if weighted else "metrics": ["sparse_categorical_accuracy"]}
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=0.01),
                  loss="sparse_categorical_crossentropy", **metrics)
    return model


def load_intent_classifier(lab):
    """The fine-tuned intent classifier of notebook 02: ``(model, bundle, label_names)``.

    ``model`` maps token ids ``(batch, seq_len)`` (int32, 0 = padding; make them with
    ``labkit.text.tokenize(bundle.tokenizer, texts)``) to class probabilities
    ``(batch, len(label_names))``. ``bundle.encoder`` is the fine-tuned encoder inside ``model``.
    When the artifact is missing, fine-tunes one on the full training set and saves it.
    """
    from labkit.data import load_intents

    folder, P = lab.artifacts_dir, lab.profile
    if not (folder / INTENT_FILE).is_file() or not (folder / INTENT_LABELS_FILE).is_file():
        print(f"No fine-tuned intent classifier in {folder} (notebook 02 makes it): fine-tuning one now.")
        bundle = load_encoder(lab)
        train = load_intents(lab.data_dir, lab.seed)["train"]
        texts, labels = train.texts[: P.finetune_max_examples], train.labels[: P.finetune_max_examples]
        names = sorted(set(labels))
        y = np.array([names.index(label) for label in labels])
        model = compile_finetune(build_classifier(bundle.encoder, len(names)), P.finetune_learning_rate)
        model.fit(tokenize(bundle.tokenizer, texts), y, batch_size=P.finetune_batch_size,
                  epochs=P.cls_epochs, verbose=2)
        save_finetuned(lab, model, names, INTENT_FILE, INTENT_LABELS_FILE)
    return _load_finetuned(lab, INTENT_FILE, INTENT_LABELS_FILE)


def load_ner_tagger(lab):
    """The fine-tuned NER tagger of notebook 02: ``(model, bundle, tag_names)``.

    ``model`` maps token ids ``(batch, seq_len)`` (int32, 0 = padding) to per-token tag
    probabilities ``(batch, seq_len, len(tag_names))``; a word's tag is read at its first
    sub-word (``labkit.text.align_tags`` / ``word_tags`` do the bookkeeping).
    When the artifact is missing, fine-tunes one on the training set and saves it.
    """
    from labkit.data import load_ner
    from labkit.text import align_tags

    folder, P = lab.artifacts_dir, lab.profile
    if not (folder / NER_FILE).is_file() or not (folder / NER_TAGS_FILE).is_file():
        print(f"No fine-tuned NER tagger in {folder} (notebook 02 makes it): fine-tuning one now.")
        bundle = load_encoder(lab)
        train = load_ner(lab.data_dir, lab.seed)["train"][: P.finetune_max_examples]
        names = ["O"] + sorted({t for s in train for t in s.tags} - {"O"})
        aligned = align_tags(bundle.tokenizer, [s.tokens for s in train], [s.tags for s in train],
                             {t: i for i, t in enumerate(names)})
        model = compile_finetune(build_tagger(bundle.encoder, len(names)), P.finetune_learning_rate, weighted=True)
        model.fit(aligned.token_ids, aligned.tag_ids, sample_weight=aligned.weights,
                  batch_size=P.finetune_batch_size, epochs=P.ner_epochs, verbose=2)
        save_finetuned(lab, model, names, NER_FILE, NER_TAGS_FILE)
    return _load_finetuned(lab, NER_FILE, NER_TAGS_FILE)


def save_finetuned(lab, model, names: list[str], model_file: str, names_file: str) -> Path:
    """Save a fine-tuned model and its class names into ``lab.artifacts_dir``."""
    model.save(lab.artifacts_dir / model_file)
    (lab.artifacts_dir / names_file).write_text(json.dumps(list(names)) + "\n")
    print(f"saved {model_file} in {lab.artifacts_dir}")
    return lab.artifacts_dir / model_file


def _load_finetuned(lab, model_file: str, names_file: str):
    folder = lab.artifacts_dir
    model = keras.saving.load_model(folder / model_file)
    names = json.loads((folder / names_file).read_text())
    settings = json.loads((folder / TOKENIZER_FILE).read_text())
    vocab = load_vocabulary(folder / VOCAB_FILE)
    tokenizer = make_tokenizer(vocab, settings["seq_len"], lowercase=settings["lowercase"])
    return model, EncoderBundle(model.get_layer("encoder"), tokenizer, vocab, settings["seq_len"]), names

