"""Chapter 09 (a small GPT: generation, then RL of its own weights).

The RL loop is in the notebook's cells; this module holds what they lean on (the notebook shows the GPT's code):

- :func:`build_gpt`: the small GPT (also rebuilt by notebook 10 around 09's saved weights), and
  :func:`next_logits`, its logits at one column, what the sampling loop asks for;
- :func:`lm_windows`: a corpus cut into next-token training windows, each line framed ``[CLS] ... [SEP]``
  (``[CLS]`` = :data:`BOS_ID` starts a text, ``[SEP]`` = :data:`EOS_ID` ends it);
- :func:`encode_prompt`: one prompt checked and turned into ids, with a clear :class:`GenerationError`
  (a ``ValueError``) for an empty prompt, a prompt of unknown words only, or a length of 0 or beyond the
  model's context;
- :func:`generate`: the autoregressive loop of a ``keras_hub`` sampler around a model's next-token logits;
- :func:`completions`, :func:`detokenize`, :func:`distinct_n`: reading what came out;
- :class:`KneserNeyTrigram`: the smoothed n-gram baseline, counted on the same tokens as the GPT.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`) and its exercise checks.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from labkit.blocks.text import PAD_ID, SPECIAL_TOKENS, UNK_ID, word_pieces
from labkit.course.exercises import check, close_to

# the bundled data folders notebook 09 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("corpus", "finance")
# the headline figures of notebook 09, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "lm_val_log_likelihood_per_token", "rl_reward_after", "rl_positive_share_after",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 09's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    # the GPT's heads, context and batch size are the encoder's (num_heads, seq_len, mlm_batch_size)
    gpt_layers: int  # decoder blocks of the small GPT
    gpt_hidden_dim: int  # its width (own, not the encoder's: at ci size a 32-wide GPT stays far above the trigram)
    gpt_intermediate_dim: int  # its feed-forward size
    gpt_dropout: float  # dropout in its blocks (0 where it underfits: more training loss than validation loss)
    gpt_epochs: int  # passes over the corpus' training windows (next-token prediction)
    gpt_learning_rate: float  # peak of the GPT's warm-up + cosine learning-rate schedule
    headline_epochs: int  # passes over the finance training sentences, continuing the GPT into a headline writer
    gen_max_tokens: int  # most tokens generated per text (prompt + these must fit in seq_len)
    gen_samples: int  # generations per decoding setting (the distinct-2 and log-likelihood table)
    rl_steps: int  # policy-gradient updates of the generator's own weights (each RL run)
    rl_batch: int  # generations per update
    rl_learning_rate: float  # Adam's step size for the RL updates
    kl_coef: float  # beta: the weight of the KL penalty to the starting model in the reward
    rl_eval_samples: int  # generations scored before and after RL


SIZES = {
    "ci": Sizes(
        gpt_layers=2, gpt_hidden_dim=128, gpt_intermediate_dim=256, gpt_dropout=0.0, gpt_epochs=8,
        gpt_learning_rate=5e-3, headline_epochs=2, gen_max_tokens=24, gen_samples=16, rl_steps=30, rl_batch=16,
        rl_learning_rate=3e-4, kl_coef=0.1, rl_eval_samples=64),
    "laptop": Sizes(
        gpt_layers=2, gpt_hidden_dim=128, gpt_intermediate_dim=256, gpt_dropout=0.1, gpt_epochs=6,
        gpt_learning_rate=2e-3, headline_epochs=4, gen_max_tokens=32, gen_samples=32, rl_steps=120, rl_batch=32,
        rl_learning_rate=3e-4, kl_coef=0.1, rl_eval_samples=200),
    "gpu": Sizes(
        gpt_layers=4, gpt_hidden_dim=256, gpt_intermediate_dim=1024, gpt_dropout=0.1, gpt_epochs=10,
        gpt_learning_rate=5e-4, headline_epochs=6, gen_max_tokens=40, gen_samples=64, rl_steps=300, rl_batch=64,
        rl_learning_rate=1e-4, kl_coef=0.1, rl_eval_samples=500),
}

BOS_ID, EOS_ID = SPECIAL_TOKENS.index("[CLS]"), SPECIAL_TOKENS.index("[SEP]")  # start and end of a text: 2 and 3


class GenerationError(ValueError):
    """A request the generator cannot serve (empty prompt, unknown words only, bad length); the message says why."""


# --- data ------------------------------------------------------------------------------


def frame(tokenizer, lines: Sequence[str]) -> list[list[int]]:
    """Each line's token ids between ``[CLS]`` and ``[SEP]``, unpadded and uncut."""
    return [[BOS_ID, *ids, EOS_ID] for ids in word_pieces(tokenizer, list(lines))]


def lm_windows(tokenizer, lines: Sequence[str], length: int) -> np.ndarray:
    """Next-token training windows: int32 ``(n, length)``, 0-padded.

    Each line becomes ``[CLS] ids [SEP]`` and is cut into windows of ``length`` tokens that overlap by one
    token, so that with inputs ``w[:-1]`` and targets ``w[1:]`` every token of the line after ``[CLS]``
    (``[SEP]`` included) is a target exactly once. Long lines are split, never truncated.
    """
    if not isinstance(length, int) or length < 2:
        raise ValueError(f"length must be an int of at least 2 (an input and a target), got {length!r}")
    windows = []
    for ids in frame(tokenizer, lines):
        for start in range(0, len(ids) - 1, length - 1):
            piece = ids[start: start + length]
            windows.append(piece + [PAD_ID] * (length - len(piece)))
    return np.array(windows, dtype="int32").reshape(-1, length)


# --- the model ----------------------------------------------------------------------------------


def build_gpt(vocab_size: int, context: int, hidden_dim: int, num_layers: int, num_heads: int,
              intermediate_dim: int, dropout: float):
    """A decoder-only transformer: token ids (batch, length <= context) -> next-token logits (batch, length, vocab)."""
    import keras
    import keras_hub

    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    embedding = keras_hub.layers.TokenAndPositionEmbedding(
        vocabulary_size=vocab_size, sequence_length=context, embedding_dim=hidden_dim, name="embedding")
    x = keras.layers.Dropout(dropout, name="embedding_dropout")(embedding(token_ids))
    for i in range(num_layers):
        x = keras_hub.layers.TransformerDecoder(  # no encoder sequence: causal self-attention only
            intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout, activation="gelu",
            normalize_first=True, name=f"decoder_{i}")(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    logits = embedding.token_embedding(x, reverse=True)  # tied: h -> E h
    return keras.Model(token_ids, logits, name="gpt")


def next_logits(model) -> Callable:
    """``logits_at(tokens, index)``: the model's logits for the token at column ``index`` (batch, vocab)."""
    import keras

    body = keras.Model(model.input, model.get_layer("final_norm").output)  # the GPT without its output layer
    output = model.get_layer("embedding").token_embedding

    def logits_at(tokens, index):
        return output(body(tokens, training=False)[:, index - 1, :], reverse=True)
    return logits_at


# --- prompts ---------------------------------------------------------------------------


def encode_prompt(tokenizer, prompt: str, max_new_tokens: int, context: int) -> list[int]:
    """``[CLS]`` + the prompt's token ids, after checking that the request can be served.

    Raises :class:`GenerationError` (a ``ValueError``) with a message a learner can act on when the prompt
    is not a string or is empty, when every piece of it is ``[UNK]`` (characters the vocabulary never saw),
    when ``max_new_tokens`` is not a whole number of at least 1, or when prompt + new tokens exceed the
    ``context`` tokens the model can read.
    """
    if not isinstance(prompt, str):
        raise GenerationError(f"the prompt must be a string, got {type(prompt).__name__}")
    if not prompt.strip():
        raise GenerationError("the prompt is empty: write a few words for the model to continue")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, (int, np.integer)):
        raise GenerationError(f"max_new_tokens must be a whole number, got {max_new_tokens!r}")
    if max_new_tokens < 1:
        raise GenerationError(f"max_new_tokens is {max_new_tokens}: ask for at least 1 new token")
    ids = word_pieces(tokenizer, [prompt])[0]
    if all(i == UNK_ID for i in ids):
        raise GenerationError(f"no word of the prompt {prompt!r} is in the vocabulary (every piece is [UNK]): "
                              "write words of the language the model was trained on")
    prompt_ids = [BOS_ID, *ids]
    if len(prompt_ids) >= context:
        raise GenerationError(f"the prompt takes {len(prompt_ids)} tokens ([CLS] included), but the model reads at "
                              f"most {context}: shorten it to leave room for new tokens")
    if len(prompt_ids) + max_new_tokens > context:
        raise GenerationError(f"max_new_tokens={max_new_tokens} is beyond the model's context: the prompt takes "
                              f"{len(prompt_ids)} tokens and the model reads at most {context}, so ask for at most "
                              f"{context - len(prompt_ids)}")
    return prompt_ids


# --- the sampling loop -----------------------------------------------------------------------


def prompt_buffer(prompts: Sequence[Sequence[int]], max_new_tokens: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``(tokens, mask, index)`` for a ``keras_hub`` sampler: the prompts left-aligned in a 0-padded int32
    buffer of ``longest prompt + max_new_tokens`` columns, ``mask`` True on prompt tokens (kept as they are),
    and ``index`` the first column to fill (the shortest prompt's length)."""
    if not prompts or any(len(p) == 0 for p in prompts):
        raise GenerationError("every prompt needs at least one token ([CLS])")
    if max_new_tokens < 1:
        raise GenerationError(f"max_new_tokens is {max_new_tokens}: ask for at least 1 new token")
    length = max(map(len, prompts)) + max_new_tokens
    tokens = np.zeros((len(prompts), length), "int32")
    mask = np.zeros((len(prompts), length), bool)
    for row, prompt in enumerate(prompts):
        tokens[row, : len(prompt)] = prompt
        mask[row, : len(prompt)] = True
    return tokens, mask, min(map(len, prompts))


def generate(next_logits: Callable, sampler, prompts: Sequence[Sequence[int]], max_new_tokens: int,
             stop_id: int | None = EOS_ID) -> tuple[np.ndarray, np.ndarray]:
    """Run ``sampler`` (a ``keras_hub.samplers.Sampler``) from ``prompts`` (lists of ids, ``[CLS]`` first).

    ``next_logits(tokens, index)`` returns the logits ``(batch, vocab)`` of the token at column ``index``
    given the columns before it. Returns ``(tokens, mask)``: the filled buffer and the prompt mask of
    :func:`prompt_buffer`. The loop stops early once every row has produced ``stop_id``.
    """
    import keras

    tokens, mask, index = prompt_buffer(prompts, max_new_tokens)

    def next_fn(prompt, cache, index):
        return next_logits(prompt, index), None, cache

    out = sampler(next_fn, keras.ops.convert_to_tensor(tokens), index=index, mask=keras.ops.convert_to_tensor(mask),
                  stop_token_ids=None if stop_id is None else (stop_id,))
    return keras.ops.convert_to_numpy(out), mask


class Generator:
    """:func:`generate` traced once into a TensorFlow graph (``tf.function``), optionally compiled by XLA.

    ``Generator(next_logits, sampler, jit_compile=False)(prompts, max_new_tokens)`` returns what
    :func:`generate` returns; the first call pays for tracing (and XLA compilation), later calls reuse the graph
    for any batch size and length. ``stop_id=None`` always fills the whole buffer (the same work every call,
    for timing).
    """

    def __init__(self, next_logits: Callable, sampler, jit_compile: bool = False, stop_id: int | None = EOS_ID):
        import tensorflow as tf

        stop = None if stop_id is None else (stop_id,)

        def run(tokens, mask, index):
            def next_fn(prompt, cache, i):
                return next_logits(prompt, i), None, cache
            return sampler(next_fn, tokens, index=index, mask=mask, stop_token_ids=stop)

        self.stop_id = stop_id
        self._run = tf.function(run, jit_compile=jit_compile, reduce_retracing=True, input_signature=[
            tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.bool), tf.TensorSpec([], tf.int32)])

    def __call__(self, prompts: Sequence[Sequence[int]], max_new_tokens: int) -> tuple[np.ndarray, np.ndarray]:
        tokens, mask, index = prompt_buffer(prompts, max_new_tokens)
        return np.asarray(self._run(tokens, mask, np.int32(index))), mask


def completions(tokens: np.ndarray, mask: np.ndarray, stop_id: int | None = EOS_ID) -> list[list[int]]:
    """The generated ids of each row of :func:`generate`'s output: after the prompt, up to (not including) the
    first ``stop_id``."""
    out = []
    for row, keep in zip(np.asarray(tokens), np.asarray(mask)):
        new = [int(t) for t in row[int(keep.sum()):]]
        out.append(new[: new.index(stop_id)] if stop_id is not None and stop_id in new else new)
    return out


def generated_mask(tokens: np.ndarray, mask: np.ndarray, stop_id: int = EOS_ID) -> np.ndarray:
    """float32 ``(batch, length)``: 1 on each generated token up to and including the first ``stop_id``
    (the tokens a policy chose; what follows a stop was never part of the text)."""
    tokens, mask = np.asarray(tokens), np.asarray(mask)
    generated = ~mask
    stops = np.cumsum((tokens == stop_id) & generated, axis=1)
    after_stop = (stops - ((tokens == stop_id) & generated)) > 0  # strictly after the first stop
    return (generated & ~after_stop).astype("float32")


def detokenize(vocab: Sequence[str], ids: Sequence[int]) -> str:
    """Readable text from WordPiece ids: pieces joined by spaces, ``##`` pieces glued to the one before,
    padding and ``[CLS]``/``[SEP]`` left out."""
    words: list[str] = []
    for i in ids:
        if i in (PAD_ID, BOS_ID, EOS_ID):
            continue
        piece = vocab[int(i)]
        if piece.startswith("##") and words:
            words[-1] += piece[2:]
        else:
            words.append(piece)
    return " ".join(words)


def distinct_n(sequences: Sequence[Sequence], n: int = 2) -> float:
    """Distinct-n (Li et al., 2016): different n-grams / all n-grams, over all ``sequences`` together
    (1: no n-gram repeats anywhere, near 0: the same few n-grams over and over). 0.0 when there is none."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of at least 1, got {n!r}")
    grams = [tuple(s[i: i + n]) for s in sequences for i in range(len(s) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


# --- the n-gram baseline ---------------------------------------------------------------------


class KneserNeyTrigram:
    """Interpolated Kneser-Ney trigram model over token ids (Chen & Goodman, 1999), discount ``d``.

    .. math::
        P(w \\mid u, v) = \\frac{\\max(c(uvw) - d, 0)}{c(uv\\cdot)} + \\frac{d\\, N_{1+}(uv\\cdot)}{c(uv\\cdot)} P_{kn}(w \\mid v)

    The lower orders use *continuation counts* (how many different words precede), down to a uniform
    distribution over the ``vocab_size`` ids, so every id has a probability above 0. A context never seen
    backs off to the next order entirely. Fit it on token sequences (e.g. :func:`frame`'s), score
    windows with :meth:`window_log_probs`: each target is scored from the tokens before it *in its window*,
    the context a GPT reading the same window has.
    """

    START = -1  # the virtual token before the first one of a sequence

    def __init__(self, vocab_size: int, d: float = 0.75):
        if vocab_size < 1:
            raise ValueError(f"vocab_size must be at least 1, got {vocab_size}")
        if not 0 < d < 1:
            raise ValueError(f"the discount d must be between 0 and 1, got {d}")
        self.vocab_size, self.d = vocab_size, d

    def fit(self, sequences: Sequence[Sequence[int]]) -> KneserNeyTrigram:
        tri = Counter()
        for seq in sequences:
            padded = [self.START, *map(int, seq)]
            tri.update(zip(padded, padded[1:], padded[2:]))
        if not tri:
            raise ValueError("no sequence of at least 2 tokens to count")
        self.tri = tri
        self.ctx2 = Counter()  # c(u v .)
        self.types2 = Counter()  # N1+(u v .)
        self.cont2 = Counter()  # N1+(. v w): different tokens u (START included) seen before v w
        for (u, v, w), c in tri.items():
            self.ctx2[(u, v)] += c
            self.types2[(u, v)] += 1
            self.cont2[(v, w)] += 1
        self.cont2_ctx = Counter()  # sum_w N1+(. v w)
        self.cont2_types = Counter()  # N1+(v .) in continuation terms: different w after v
        for (v, w), c in self.cont2.items():
            self.cont2_ctx[v] += c
            self.cont2_types[v] += 1
        self.cont1 = Counter(w for (v, w) in self.cont2)  # N1+(. w): different words before w
        self.cont1_total = sum(self.cont1.values())
        return self

    def _p1(self, w: int) -> float:
        d, total = self.d, self.cont1_total
        return max(self.cont1[w] - d, 0) / total + d * len(self.cont1) / total / self.vocab_size

    def _p2(self, v: int, w: int) -> float:
        n = self.cont2_ctx[v]
        if n == 0:
            return self._p1(w)
        return max(self.cont2[(v, w)] - self.d, 0) / n + self.d * self.cont2_types[v] / n * self._p1(w)

    def prob(self, u: int, v: int, w: int) -> float:
        """P(w | u, v); ``u`` may be :attr:`START` (no token there)."""
        n = self.ctx2[(u, v)]
        if n == 0:
            return self._p2(v, w)
        return max(self.tri[(u, v, w)] - self.d, 0) / n + self.d * self.types2[(u, v)] / n * self._p2(v, w)

    def window_log_probs(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(log_probs, weights)``, float64 ``(n, length - 1)``: ln P of each target ``w[t + 1]`` given the
        window's tokens before it (at most two), and 1 where the target is a real token (not padding)."""
        windows = np.asarray(windows)
        out = np.zeros((windows.shape[0], windows.shape[1] - 1))
        weights = (windows[:, 1:] != PAD_ID).astype(float)
        for r, row in enumerate(windows.tolist()):
            for t in range(len(row) - 1):
                if row[t + 1] == PAD_ID:
                    break
                u = row[t - 1] if t >= 1 else self.START
                out[r, t] = math.log(self.prob(u, row[t], row[t + 1]))
        return out, weights

    def perplexity(self, windows: np.ndarray) -> float:
        """exp of the mean negative log-probability over the real targets of ``windows``."""
        log_probs, weights = self.window_log_probs(windows)
        return float(np.exp(-(log_probs * weights).sum() / weights.sum()))


def ngram_table(model: KneserNeyTrigram, u: int, v: int) -> dict[int, float]:
    """``{w: P(w | u, v)}`` over the whole vocabulary (sums to 1; for checks and exercises)."""
    return {w: model.prob(u, v, w) for w in range(model.vocab_size)}


__all__ = ["BOS_ID", "EOS_ID", "GenerationError", "Generator", "KneserNeyTrigram", "completions", "detokenize", "distinct_n",
           "encode_prompt", "frame", "generate", "generated_mask", "lm_windows", "ngram_table", "prompt_buffer"]


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_window_perplexity(lab, answer, log_probs, weights) -> str:
    import numpy as np

    log_probs, weights = np.asarray(log_probs, float), np.asarray(weights, float)
    expected = float(np.exp(-(log_probs * weights).sum() / weights.sum()))
    return check(lab, "09.1 perplexity of one window", answer, close_to(expected, 1e-3 * expected),
                 "exp of minus the mean log-probability over the real targets only: weight each by weights[0], "
                 "divide by weights[0].sum()")


def check_top_k_probability(lab, answer, logits, k) -> str:
    import numpy as np

    logits = np.asarray(logits, float)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    expected = float(probs.max() / np.sort(probs)[-k:].sum())
    return check(lab, "09.2 top-k probability", answer, close_to(expected, 1e-4),
                 f"softmax the logits, keep the {k} largest probabilities, and divide the largest by their sum")


def check_distinct_2(lab, answer, sequences) -> str:
    expected = distinct_n(sequences, 2)
    return check(lab, "09.3 distinct-2", answer, close_to(expected, 1e-6),
                 "collect every pair of neighbouring ids of every generation (as tuples), then divide the number of "
                 "different pairs by the number of all pairs")


def check_next_token_kl(lab, answer, policy_logits, reference_logits) -> str:
    import numpy as np

    log_p = np.asarray(policy_logits, float) - np.logaddexp.reduce(np.asarray(policy_logits, float))
    log_q = np.asarray(reference_logits, float) - np.logaddexp.reduce(np.asarray(reference_logits, float))
    expected = float(np.sum(np.exp(log_p) * (log_p - log_q)))
    return check(lab, "09.4 first-token KL", answer, close_to(expected, 1e-4),
                 "turn both logit vectors into log-probabilities (subtract their log-sum-exp), then sum "
                 "p * (log p - log q) with p the policy's probabilities")


def _nucleus_probabilities(logits, p: float) -> np.ndarray:
    """Top-p (nucleus) sampling's distribution: the smallest set of most likely tokens whose softmax probabilities
    add up to at least ``p`` keeps its probabilities, renormalised; every other token gets 0."""
    logits = np.asarray(logits, float)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")
    keep = order[: int(np.searchsorted(np.cumsum(probs[order]), p)) + 1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep] / probs[keep].sum()
    return out


def check_top_p_rule(lab, answer, logits) -> str:
    """Exercise 09.5: ``answer(logits, p) -> probabilities`` must give top-p's distribution for the model's
    ``logits`` and for a few seeded random ones, at p = 0.5, 0.9 and 0.99 (same shape, zero outside the nucleus,
    the nucleus's softmax renormalised, summing to 1)."""
    rng = np.random.default_rng(0)
    cases = [np.asarray(logits, float)] + [rng.normal(0, scale, 50) for scale in (1.0, 3.0)]

    def right(rule):
        for case in cases:
            for p in (0.5, 0.9, 0.99):
                got = np.asarray(rule(case.copy(), p), float)
                if got.shape != case.shape:
                    raise ValueError(f"one probability per token: shape {case.shape}, not {got.shape}")
                if not np.allclose(got, _nucleus_probabilities(case, p), atol=1e-6):
                    return False
        return True
    return check(lab, "09.5 top-p", answer, right,
                 "softmax the logits; sort the probabilities from the largest; keep tokens up to and including the "
                 "first one where the running sum reaches p; zero the others and divide the kept ones by their sum. "
                 "Return a vector as long as the logits, in the vocabulary's order (not the sorted one)")
