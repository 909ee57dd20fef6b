"""The pretrained encoder as notebooks pass it around: the model with the tokenizer it was trained with.

The models themselves (encoder, masked-LM head, tagger) are defined once, in the cells of
notebooks 01 and 02; the sentence classifier, which the case studies reuse, in ``labkit.ch02``
(notebook 02 shows its code). ``labkit.course.artifacts`` saves and loads what those notebooks make.

Input format of every model here: token ids, int32, shape ``(batch, seq_len)``, padded with
``labkit.blocks.text.PAD_ID`` (0) at the end; ``labkit.blocks.text.tokenize(bundle.tokenizer, texts)`` makes them.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from labkit.blocks.text import PAD_ID, tokenize

BACKUP_DIR = "mlm_backup"

# Keras 3.15 warns on every fit() given a tf.data.Dataset, even one that shuffles itself as ours do.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)


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


def embed_sentences(bundle: EncoderBundle, texts: list[str], batch_size: int = 256) -> np.ndarray:
    """One vector per text: the encoder's hidden states averaged over the real (non-padding) tokens.

    Returns float32 ``(len(texts), hidden_dim)``.
    """
    return mean_pooled(bundle.encoder, tokenize(bundle.tokenizer, texts), batch_size)


def mean_pooled(encoder, ids: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """``encoder``'s hidden states averaged over the real (non-padding) tokens of each row of token ids ``ids``:
    float32 ``(len(ids), hidden_dim)``. Every source's sentence vector (``labkit.blocks.checkpoints``)."""
    out = np.zeros((len(ids), int(encoder.output_shape[-1])), "float32")
    for start in range(0, len(ids), batch_size):
        batch = ids[start: start + batch_size]
        hidden = np.asarray(encoder(batch, training=False))
        mask = (batch != PAD_ID)[..., None].astype("float32")
        out[start: start + len(batch)] = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1.0)
    return out


def resume_callback(lab):
    """A ``BackupAndRestore`` callback: an interrupted pretraining resumes from its last epoch on re-run."""
    import keras

    folder = lab.artifacts_dir / BACKUP_DIR
    if folder.is_dir() and any(folder.iterdir()):
        print(f"Found the checkpoint of an interrupted pretraining in {folder}: training resumes from it.")
    return keras.callbacks.BackupAndRestore(backup_dir=str(folder))


def train_timer():
    """A callback whose ``seconds`` lists the time of each epoch's training part (validation excluded).

    The first epoch also pays for tracing the graph, so take the median for a throughput figure."""
    import time

    import keras

    class TrainTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_test_begin(self, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    return TrainTimer()
