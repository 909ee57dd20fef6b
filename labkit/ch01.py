"""Chapter 01 (self-supervised pretraining): what later chapters reuse of it, and its exercise checks.

Notebook 01 shows and explains the lesson code below and calls it: the corpus split (:func:`split_corpus`), the
masker (:func:`mask_length`, :func:`mlm_masker`), the masked data (:func:`mlm_dataset`), the encoder and its MLM
head (:func:`build_encoder`, :func:`build_mlm_model`) and the optimiser (:func:`warmup_cosine_adamw`, used by
:func:`compile_mlm`). Notebook 09 reuses the split and the optimiser; the benchmarks build, mask and train the
same way (``bench/mlm_worker.py``, ``bench/bench_speed_vs_transformers.py``, ``bench/bench_checkpoints.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

from labkit.course.exercises import check, close_to

# the bundled data folders notebook 01 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("corpus", "intents", "ner")
# the headline figures of notebook 01, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "mlm_val_accuracy", "dapt_val_accuracy",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 01's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    corpus_max_lines: int | None  # lines of the pretraining corpus used (None: all)
    # training windows masked-LM pretraining reads at most, a seeded sample beyond (None: all): the time budget on any
    # corpus; laptop's is about what the bundled corpus gives (6,437 windows), so it binds only on a larger one
    pretrain_max_windows: int | None
    vocab_size: int
    seq_len: int
    hidden_dim: int
    num_layers: int
    num_heads: int
    intermediate_dim: int
    lowercase: bool  # the tokenizer folds case (False keeps capitals, a strong cue for names)
    mlm_epochs: int
    mlm_batch_size: int
    mlm_learning_rate: float
    mlm_mask_rate: float  # fraction of tokens the model must restore
    jit_compile: bool  # XLA for the train steps of 01's MLM and 09's GPT: 1.15x the MLM's tokens/s at laptop size on 2 cores; slower at ci size (09 under ci: 147 s with, 133 s without)
    dapt_epochs: int  # more masked-LM epochs on the intent training messages (domain-adaptive pretraining)


SIZES = {
    "ci": Sizes(
        corpus_max_lines=1000, pretrain_max_windows=None, vocab_size=1000, seq_len=32, hidden_dim=32, num_layers=1,
        num_heads=2, intermediate_dim=64, lowercase=False, mlm_epochs=10, mlm_batch_size=32, mlm_learning_rate=6e-3,
        mlm_mask_rate=0.15, jit_compile=False, dapt_epochs=16),
    "laptop": Sizes(
        corpus_max_lines=None, pretrain_max_windows=6500, vocab_size=6000, seq_len=64, hidden_dim=128, num_layers=2,
        num_heads=4, intermediate_dim=256, lowercase=False, mlm_epochs=12, mlm_batch_size=32, mlm_learning_rate=1e-3,
        mlm_mask_rate=0.15, jit_compile=True, dapt_epochs=10),
    "gpu": Sizes(
        corpus_max_lines=None, pretrain_max_windows=None, vocab_size=8000, seq_len=128, hidden_dim=256, num_layers=4,
        num_heads=4, intermediate_dim=1024, lowercase=False, mlm_epochs=20, mlm_batch_size=128, mlm_learning_rate=5e-4,
        mlm_mask_rate=0.15, jit_compile=True, dapt_epochs=10),
}

# --- the lesson code notebook 01 shows, reused by notebook 09 and the benchmarks --------------------------------------


def split_corpus(lines, seed):
    """``(train_lines, valid_lines)``: the lines shuffled with ``seed``; the first 10 % of them (at least one line)
    held out for validation, the rest for training."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(lines))
    n_valid = max(1, len(lines) // 10)
    valid_lines = [lines[i] for i in order[:n_valid]]
    train_lines = [lines[i] for i in order[n_valid:]]
    return train_lines, valid_lines


def build_encoder(vocab_size, seq_len, hidden_dim, num_layers, num_heads, intermediate_dim, dropout=0.1):
    """A BERT-style encoder: token ids (batch, seq_len) -> hidden states (batch, seq_len, hidden_dim)."""
    import keras
    import keras_hub

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


def mask_length(seq_len, mask_rate):
    """Room for the masked positions of one window: 1.5 times the expected number, at least 1."""
    return max(1, int(round(seq_len * mask_rate * 1.5)))


def mlm_masker(vocab_size, mask_rate, mask_len):
    """BERT's recipe: ``mask_rate`` of the tokens (never [PAD]) are targets; of those 80 % become [MASK], 10 % a
    random token, 10 % stay as they are."""
    import keras_hub

    from labkit.blocks.text import MASK_ID, PAD_ID

    return keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=vocab_size, mask_selection_rate=mask_rate, mask_token_id=MASK_ID,
        mask_selection_length=mask_len, unselectable_token_ids=[PAD_ID],
        mask_token_rate=0.8, random_token_rate=0.1,
    )


def mlm_dataset(token_ids, masker, batch_size, shuffle=False, seed=0):
    """Batches of ``(inputs, targets, sample_weights)`` for MLM, masked afresh each epoch by ``masker``."""
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(token_ids)
    if shuffle:
        data = data.shuffle(len(token_ids), seed=seed, reshuffle_each_iteration=True)

    def mask(window):
        m = masker(window)
        inputs = {"token_ids": m["token_ids"], "mask_positions": m["mask_positions"]}
        return inputs, m["mask_ids"], m["mask_weights"]  # weights: 0 where fewer tokens were masked

    # one window per call, in order: the masker's random draws then come in a fixed order, so the
    # same seed gives the same masks (masking whole batches in parallel races, and runs differ)
    return data.map(mask).batch(batch_size)


def build_mlm_model(encoder, mask_len):
    """Encoder + a masked-LM head that predicts the original token at each of ``mask_len`` masked positions."""
    import keras
    import keras_hub

    token_ids = keras.Input(shape=encoder.input_shape[1:], dtype="int32", name="token_ids")
    mask_positions = keras.Input(shape=(mask_len,), dtype="int32", name="mask_positions")
    hidden = encoder(token_ids)
    head = keras_hub.layers.MaskedLMHead(
        token_embedding=encoder.get_layer("embedding").token_embedding,  # tied: output = input embeddings
        intermediate_activation="gelu", activation="softmax", name="mlm_head",
    )
    probs = head(hidden, mask_positions=mask_positions)
    return keras.Model({"token_ids": token_ids, "mask_positions": mask_positions}, probs, name="mlm")


def warmup_cosine_adamw(steps, learning_rate):
    """A fresh AdamW optimizer for ``steps`` updates. The learning rate warms up linearly from 0 to
    ``learning_rate`` over the first 10 % of the steps (large early updates would scramble the freshly
    initialised attention), then decays to 0 along a cosine."""
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - steps // 10, warmup_target=learning_rate, warmup_steps=steps // 10)
    return keras.optimizers.AdamW(schedule, weight_decay=0.01)


def compile_mlm(model, steps, learning_rate, jit_compile):
    """:func:`warmup_cosine_adamw` for ``steps`` updates, the cross-entropy at the masked positions, and
    masked-token accuracy; ``jit_compile``: XLA for the train step."""
    import keras

    model.compile(
        optimizer=warmup_cosine_adamw(steps, learning_rate),
        # the mean over the masked tokens, as in section 4's formula (Keras' default would divide by every
        # slot, the empty ones too, and the loss would read low)
        loss=keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight"),
        weighted_metrics=["sparse_categorical_accuracy"],  # accuracy over the masked tokens only
        jit_compile=jit_compile,
    )


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_word_pieces(lab, answer, tokenizer, vocab, word) -> str:
    from labkit.blocks.text import PAD_ID, tokenize

    expected = [vocab[i] for i in tokenize(tokenizer, [word])[0] if i != PAD_ID]
    return check(lab, "01.1 word pieces", answer, lambda a: list(a) == expected,
                 f"tokenize [{word!r}] with text.tokenize, drop the [PAD] ids (0) and look each id up in vocab")


def check_masked_per_window(lab, answer, profile) -> str:
    expected = profile.seq_len * profile.mlm_mask_rate * 0.8
    return check(lab, "01.2 [MASK] per window", answer, close_to(expected, 0.05),
                 "a full window has seq_len tokens; mlm_mask_rate of them are selected; 80 % of those become [MASK]")


def check_perplexity(lab, answer, val_loss) -> str:
    import math

    expected = math.exp(val_loss)
    return check(lab, "01.3 perplexity", answer, close_to(expected, 0.01 * expected),
                 "perplexity is e to the power of the mean cross-entropy (the validation loss, in nats)")


def check_nearest_token(lab, answer, encoder, vocab, word) -> str:
    import numpy as np

    from labkit.blocks.text import SPECIAL_TOKENS

    if word not in vocab:
        return check(lab, "01.4 nearest token", answer, lambda a: False,
                     f"{word!r} is not a whole word in this vocabulary: pick another word")
    embeddings = np.asarray(encoder.get_layer("embedding").token_embedding.embeddings)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    similarity = unit @ unit[vocab.index(word)]
    similarity[: len(SPECIAL_TOKENS)] = -np.inf
    similarity[vocab.index(word)] = -np.inf
    expected = vocab[int(similarity.argmax())]
    return check(lab, "01.4 nearest token", answer, lambda a: a == expected,
                 "normalise every embedding row to length 1, take dot products with the word's row, skip the "
                 "word itself and the special tokens, and return the vocabulary entry with the largest one")


def check_masking_rule(lab, answer, windows, mask_rate, vocab_size, seed: int = 0) -> str:
    """Exercise 01.5: ``answer(ids, rng) -> (masked ids, positions)`` on each of ``windows`` (the validation
    windows) must follow BERT's recipe: it changes nothing outside ``positions``, never selects a special token
    ([PAD] included), selects ``mask_rate`` of the real tokens (within 2 points over all windows) at positions
    that vary from window to window, and of the selected ones turns about 80 % into [MASK], 10 % into another
    token and leaves 10 % (each within 5 points)."""
    import numpy as np

    from labkit.blocks.text import MASK_ID, SPECIAL_TOKENS

    windows = np.asarray(windows)
    specials = len(SPECIAL_TOKENS)
    counts = {"real": 0, "selected": 0, "mask": 0, "random": 0, "kept": 0}
    picked = np.zeros(windows.shape[1])

    def right(rule):
        rng = np.random.default_rng(seed)
        for window in windows:
            masked, positions = rule(window.copy(), rng)
            masked, positions = np.asarray(masked), np.asarray(positions, int).reshape(-1)
            if masked.shape != window.shape:
                raise ValueError(f"the masked ids must have the window's shape {window.shape}, not {masked.shape}")
            if len(set(positions.tolist())) != len(positions) or (positions < 0).any() or \
                    (positions >= len(window)).any():
                raise ValueError("positions must be distinct indexes into the window")
            outside = np.ones(len(window), bool)
            outside[positions] = False
            if (masked[outside] != window[outside]).any():
                print("your rule changed a token that is not among the positions it returned")
                return False
            if (window[positions] < specials).any():
                print("your rule selected a special token ([PAD], [CLS], ...): select real tokens only")
                return False
            if ((masked < 0) | (masked >= vocab_size)).any():
                raise ValueError(f"a masked id is outside the vocabulary (0 to {vocab_size - 1})")
            counts["real"] += int((window >= specials).sum())
            counts["selected"] += len(positions)
            counts["mask"] += int((masked[positions] == MASK_ID).sum())
            counts["kept"] += int((masked[positions] == window[positions]).sum())
            counts["random"] += int(((masked[positions] != MASK_ID) & (masked[positions] != window[positions])).sum())
            picked[positions] += 1
        rate = counts["selected"] / max(counts["real"], 1)
        shares = {k: counts[k] / max(counts["selected"], 1) for k in ("mask", "random", "kept")}
        busiest = picked.max() / len(windows)
        print(f"your rule on the {len(windows)} validation windows: selected {rate:.1%} of the real tokens "
              f"(the rate: {mask_rate:.0%}); of those {shares['mask']:.0%} [MASK], {shares['random']:.0%} another "
              f"token, {shares['kept']:.0%} unchanged (BERT: 80/10/10); the most often chosen position was picked "
              f"in {busiest:.0%} of the windows")
        return (abs(rate - mask_rate) <= 0.02 and abs(shares["mask"] - 0.8) <= 0.05
                and abs(shares["random"] - 0.1) <= 0.05 and abs(shares["kept"] - 0.1) <= 0.05
                and busiest <= max(0.5, 3 * mask_rate))
    return check(lab, "01.5 a masking rule", answer, right,
                 "the real tokens are the ids from len(text.SPECIAL_TOKENS) up; draw each one's selection with "
                 "rng.random() < mask_rate (so the positions change from window to window); then, for each selected "
                 "position, a second draw u: u < 0.8 -> text.MASK_ID, u < 0.9 -> a random id between "
                 "len(text.SPECIAL_TOKENS) and the vocabulary's size, otherwise leave it; return the changed copy "
                 "and the selected positions")
