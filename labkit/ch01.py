"""Chapter 01 (self-supervised pretraining): what later chapters reuse of it, and its exercise checks."""
from __future__ import annotations

from dataclasses import dataclass

from labkit.course.exercises import check, close_to

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
        num_heads=4, intermediate_dim=1024, lowercase=True, mlm_epochs=20, mlm_batch_size=128, mlm_learning_rate=5e-4,
        mlm_mask_rate=0.15, jit_compile=True, dapt_epochs=10),
}

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
