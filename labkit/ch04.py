"""Chapter 04 (explainability): the LIME call and what it needs, which the case studies (05, 06, 10) reuse; the
deletion test and the other pieces 04 teaches with; 04's plots and its exercise checks.

Integrated gradients and attention are built in notebook 04's cells. Everything here works on *words*:
``split_words`` cuts a sentence into words (punctuation marks are words of their own), and every score vector has
one entry per word. Removing a word means dropping it from the sentence (LIME with ``mask_string=""``, and the
deletion test); for token tagging, where positions must stay put, a word is instead replaced by ``MASK_WORD``,
which becomes the tokenizer's ``[UNK]`` id.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import spearmanr

from labkit.blocks.text import PAD_ID, UNK_ID, tokenize
from labkit.course.exercises import check, close_to

# the bundled data folders notebook 04 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("intents", "ner")
READS = ("intent_classifier", "ner_tagger", "instruction_policy")  # 02's two models, 03's policy (its last section)
# the headline figures of notebook 04, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "deletion_aoc_lime", "deletion_aoc_ig", "deletion_drop_k3_lime", "deletion_drop_k3_ig",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 04's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    lime_samples: int
    ig_steps: int
    deletion_sentences: int


SIZES = {
    "ci": Sizes(lime_samples=100, ig_steps=8, deletion_sentences=5),
    "laptop": Sizes(lime_samples=1000, ig_steps=32, deletion_sentences=40),
    "gpu": Sizes(lime_samples=2000, ig_steps=64, deletion_sentences=100),
}


# --- LIME and the deletion test --------------------------------------------------------------------------------

MASK_WORD = "[UNK]"
_WORD = re.compile(r"\[UNK\]|\w+|[^\w\s]")


def split_words(text: str) -> list[str]:
    """The words of ``text``: runs of letters/digits, and each punctuation mark on its own."""
    return _WORD.findall(text)


class WordEncoder:
    """Turns lists of words into padded token ids, remembering each word's WordPiece ids.

    A sentence's perturbations reuse the same few words, so each word is tokenized once
    and the id arrays are then assembled in NumPy (what makes 1,000 LIME samples cheap).

    ``tokenizer``: notebook 01's, or a published checkpoint's (``labkit.blocks.text.WordPieces``), whose ids
    carry its ``[CLS]`` first and its ``[SEP]`` after the last word, as that checkpoint was pretrained and fine-tuned,
    and whose ``[UNK]`` has its own id.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.seq_len = int(tokenizer.sequence_length)
        self.start_id = getattr(tokenizer, "start_id", None)  # None for 01's tokenizer: no [CLS] ... [SEP]
        self.end_id = getattr(tokenizer, "end_id", None)
        self.unk_id = int(getattr(tokenizer, "unk_id", UNK_ID))
        self.first = int(self.start_id is not None)  # where the first word goes
        self.stop = self.seq_len - int(self.end_id is not None)  # words fill positions first .. stop - 1
        self._pieces: dict[str, list[int]] = {MASK_WORD: [self.unk_id]}

    def pieces(self, words: Sequence[str]) -> list[list[int]]:
        """The WordPiece ids of each word (a word the tokenizer drops becomes ``[UNK]``)."""
        new = sorted({w for w in words if w not in self._pieces})
        if new:
            rows = self.tokenizer.pieces(new) if hasattr(self.tokenizer, "pieces") else tokenize(self.tokenizer, new)
            for word, ids in zip(new, rows):
                self._pieces[word] = [int(i) for i in ids if i != PAD_ID] or [self.unk_id]
        return [self._pieces[w] for w in words]

    def encode(self, word_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[list[tuple[int, int]]]]:
        """Token ids ``(n, seq_len)`` and, per sentence, each word's token span ``(start, end)``.

        Words that do not fit in ``seq_len`` tokens are cut off and get the empty span ``(seq_len, seq_len)``.
        A sentence with no words at all (LIME may delete every word) becomes a lone ``[UNK]``:
        an all-padding input has no tokens to average over.
        """
        ids = np.full((len(word_lists), self.seq_len), PAD_ID, "int32")
        ids[:, self.first] = self.unk_id  # overwritten by the first word of every non-empty sentence
        spans = []
        for i, words in enumerate(word_lists):
            pos, row = self.first, []
            for pieces in self.pieces(words):
                end = min(pos + len(pieces), self.stop)
                ids[i, pos:end] = pieces[: end - pos]
                row.append((pos, end) if pos < self.stop else (self.seq_len, self.seq_len))
                pos = end
            if self.start_id is not None:
                ids[i, 0] = self.start_id
            if self.end_id is not None:
                ids[i, max(pos, self.first + 1)] = self.end_id  # after the last word (or the lone [UNK])
            spans.append(row)
        return ids, spans


def check_sentence(encoder: WordEncoder, text: str, min_words: int = 1) -> list[str]:
    """The words of ``text``, or a ``ValueError`` saying why it cannot be explained.

    Raised for an empty sentence, fewer than ``min_words`` words, or no known word: a known word
    is one the vocabulary holds whole (WordPiece spells almost anything out of sub-word pieces,
    but a sentence made only of such spellings gives the model nothing it learned to read).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the sentence is empty: type a few words to explain")
    words = split_words(text)
    if len(words) < min_words:
        raise ValueError(f"the sentence {text!r} has {len(words)} word(s); an explanation needs at least {min_words}")
    if not any(w[0].isalnum() and len(p) == 1 and p != [encoder.unk_id] for w, p in zip(words, encoder.pieces(words))):
        raise ValueError(f"none of the words of {text!r} is in the model's vocabulary, so there is nothing to explain")
    return words


def _batched(predict_ids: Callable[[np.ndarray], np.ndarray], ids: np.ndarray, batch_size: int) -> np.ndarray:
    return np.concatenate([np.asarray(predict_ids(ids[s: s + batch_size])) for s in range(0, len(ids), batch_size)])


def keras_predict(model) -> Callable[[np.ndarray], np.ndarray]:
    """``model`` in inference mode on a batch of token ids, as a NumPy array.

    The call is traced into one TensorFlow graph (``tf.function``): LIME's thousand small
    batches then run about twice as fast as eager calls.
    """
    import tensorflow as tf

    call = tf.function(lambda ids: model(ids, training=False), reduce_retracing=True)
    return lambda ids: call(tf.constant(ids)).numpy()


def text_classifier_fn(predict_ids: Callable[[np.ndarray], np.ndarray], encoder: WordEncoder,
                       batch_size: int = 256) -> Callable[[Sequence[str]], np.ndarray]:
    """A LIME ``classifier_fn``: texts in, class probabilities ``(n, classes)`` out, run in batches.

    ``predict_ids`` maps token ids ``(batch, seq_len)`` to probabilities (``keras_predict(model)``).
    """
    def classify(texts: Sequence[str]) -> np.ndarray:
        ids, _ = encoder.encode([split_words(t) for t in texts])
        return _batched(predict_ids, ids, batch_size)

    return classify


def word_tag_fn(predict_ids: Callable[[np.ndarray], np.ndarray], encoder: WordEncoder, word_index: int,
                batch_size: int = 256) -> Callable[[Sequence[str]], np.ndarray]:
    """A LIME ``classifier_fn`` for one word of a tagger: the tag probabilities at that word.

    The texts must keep every word's position (LIME with ``bow=False, mask_string=MASK_WORD``);
    the tag is read at the word's first sub-word, as the tagger was trained.
    """
    def classify(texts: Sequence[str]) -> np.ndarray:
        ids, spans = encoder.encode([split_words(t) for t in texts])
        starts = np.array([row[word_index][0] for row in spans])
        if (starts >= encoder.seq_len).any():
            raise ValueError(f"word {word_index} lies beyond the model's {encoder.seq_len} tokens")
        probs = _batched(predict_ids, ids, batch_size)
        return probs[np.arange(len(ids)), starts]

    return classify


# --- scores -----------------------------------------------------------------------


def word_scores_from_tokens(token_scores: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """One score per word: the sum of its tokens' scores (0 for a word cut off by ``seq_len``)."""
    token_scores = np.asarray(token_scores, dtype=float)
    return np.array([token_scores[start:end].sum() for start, end in spans])


def lime_scores(text: str, classifier_fn: Callable[[Sequence[str]], np.ndarray], label: int,
                class_names: Sequence[str], num_samples: int, seed: int, mask_string: str = "") -> np.ndarray:
    """LIME's weight for each word of ``text`` (for the class ``label``), with notebook 04's settings: words as
    :func:`split_words` cuts them, a removed word deleted (``mask_string=""``), one weight per word, seeded."""
    from lime.lime_text import LimeTextExplainer

    explainer = LimeTextExplainer(class_names=class_names, split_expression=split_words, bow=False,
                                  mask_string=mask_string, feature_selection="none", random_state=seed)
    words = split_words(text)
    explanation = explainer.explain_instance(text, classifier_fn, labels=[label], num_features=len(words),
                                             num_samples=num_samples)
    return lime_word_scores(explanation, label, len(words))


def lime_word_scores(explanation, label: int, num_words: int) -> np.ndarray:
    """LIME's weights for ``label`` as one score per word position (``bow=False``), 0 where absent."""
    scores = np.zeros(num_words)
    for feature, weight in explanation.as_map()[label]:
        scores[feature] = weight
    return scores


def rank_correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation of two word-score vectors (0.0 when either is constant)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        raise ValueError(f"score vectors must have the same length, got {len(a)} and {len(b)}")
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b).statistic)


# --- the deletion test --------------------------------------------------------------


def deletion_curve(classify: Callable[[Sequence[str]], np.ndarray], words: Sequence[str], scores: Sequence[float],
                   label: int, max_k: int) -> np.ndarray:
    """The drop of ``label``'s probability after deleting the top-k words by ``scores``, for k = 0..max_k.

    Returns ``max_k + 1`` numbers (the first is 0). The sentence needs more than ``max_k`` words,
    so that at least one word is left.
    """
    words = list(words)
    if len(scores) != len(words):
        raise ValueError(f"scores has {len(scores)} entries for {len(words)} words")
    if len(words) <= max_k:
        raise ValueError(f"the deletion test up to k={max_k} needs more than {max_k} words, got {len(words)}: {words}")
    order = np.argsort(-np.asarray(scores, float), kind="stable")
    kept = [np.sort(order[k:]) for k in range(max_k + 1)]  # delete the k best-scored words, keep the order
    texts = [" ".join(words[i] for i in keep) for keep in kept]
    probs = classify(texts)[:, label]
    return probs[0] - probs


def random_scores(num_words: int, rng: np.random.Generator) -> np.ndarray:
    """Random word scores: the deletion test's baseline (it deletes words in a random order)."""
    return rng.random(num_words)


def area_over_curve(drops: np.ndarray) -> float:
    """Mean probability drop over k = 1..max_k (rows: sentences; the k = 0 column is left out)."""
    drops = np.atleast_2d(drops)
    return float(drops[:, 1:].mean())


# --- pictures ------------------------------------------------------------------------


def highlight_html(text: str, scores: Sequence[float], title: str = "") -> str:
    """``text`` as HTML with each word shaded by its score (green: for the prediction, red: against).

    Everything is HTML-escaped: markup typed into the sentence is shown, never run.
    """
    matches = list(_WORD.finditer(text))
    if len(scores) != len(matches):
        raise ValueError(f"scores has {len(scores)} entries for {len(matches)} words")
    top = max((abs(float(s)) for s in scores), default=0.0) or 1.0
    parts, last = [], 0
    for match, score in zip(matches, scores):
        score = float(score)
        alpha = abs(score) / top * 0.8
        colour = f"rgba(40,160,60,{alpha:.2f})" if score >= 0 else f"rgba(220,50,50,{alpha:.2f})"
        parts.append(html.escape(text[last: match.start()]))
        parts.append(f'<span style="background:{colour};padding:1px 2px;border-radius:3px" '
                     f'title="{score:+.3f}">{html.escape(match.group())}</span>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    heading = f"<b>{html.escape(title)}</b>: " if title else ""
    return f'<div style="font-family:monospace;line-height:1.8">{heading}{"".join(parts)}</div>'


def policy_action_fn(policy, observation: dict, embed: Callable[[list[str]], np.ndarray], num_actions: int,
                     batch_size: int = 256) -> Callable[[Sequence[str]], np.ndarray]:
    """A LIME ``classifier_fn`` for an instruction-following policy in one fixed situation.

    Each text is embedded with ``embed`` as the ``instruction`` of ``observation`` (the rest of
    the observation is kept), and the policy's action distribution is read for all of them at
    once: its probabilities ``(n, num_actions)`` for a stochastic policy, or 1.0 on the action it
    picks for a greedy one (a DQN's greedy policy is deterministic).
    """
    import tensorflow as tf
    from tf_agents.trajectories import time_step as ts

    def act(texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        obs = {key: np.repeat(np.asarray(value)[None], n, axis=0) for key, value in observation.items()}
        obs["instruction"] = np.asarray(embed(list(texts)), np.float32)
        step = ts.TimeStep(tf.fill([n], ts.StepType.FIRST), tf.zeros([n]), tf.ones([n]),
                           tf.nest.map_structure(tf.constant, obs))
        dist = policy.distribution(step, ()).action
        if hasattr(dist, "probs_parameter"):
            return np.asarray(dist.probs_parameter())
        return np.eye(num_actions, dtype="float32")[np.asarray(dist.mode())]

    def classify(texts: Sequence[str]) -> np.ndarray:
        return np.concatenate([act(texts[s: s + batch_size]) for s in range(0, len(texts), batch_size)])

    return classify

# --- plots ----------------------------------------------------------------------------------------------------


def plot_word_scores(words: Sequence[str], scores_by_method: Mapping[str, Sequence[float]], title: str = ""):
    """Bar plots of one score per word, one panel per method (green: for the prediction, red: against)."""
    fig, axes = plt.subplots(1, len(scores_by_method), figsize=(3.2 * len(scores_by_method), 0.3 * len(words) + 1.2),
                             squeeze=False, sharey=True)
    positions = range(len(words))
    for ax, (method, scores) in zip(axes[0], scores_by_method.items()):
        ax.barh(positions, scores, color=["tab:green" if s >= 0 else "tab:red" for s in scores])
        ax.axvline(0, color="black", linewidth=0.5)
        ax.set_title(method)
    axes[0][0].set_yticks(list(positions), list(words))
    axes[0][0].invert_yaxis()  # first word on top, as it is read
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_attention(weights, tokens: Sequence[str], title: str = ""):
    """Attention heatmaps, one row per layer and one column per head: ``weights`` is ``(layers, heads, n, n)``.

    Row ``i`` of a map is how much token ``i`` (the query) looks at each token (the key).
    """
    layers, heads = weights.shape[:2]
    size = 0.22 * len(tokens) + 1.2
    fig, axes = plt.subplots(layers, heads, figsize=(size * heads, size * layers), squeeze=False)
    top = float(weights.max())  # one colour scale for every map, so that they can be compared
    for layer in range(layers):
        for head in range(heads):
            ax = axes[layer][head]
            image = ax.imshow(weights[layer, head], cmap="viridis", vmin=0, vmax=top)
            ax.set_xticks(range(len(tokens)), tokens, rotation=90, fontsize=7)
            ax.set_yticks(range(len(tokens)), tokens if head == 0 else [], fontsize=7)
            ax.set_title(f"layer {layer} · head {head}", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    fig.colorbar(image, ax=axes, shrink=0.6, label="attention weight")
    return fig


def plot_deletion_curves(drops_by_method: Mapping[str, Sequence[float]], title: str = "", ax=None):
    """Mean drop of the predicted class's probability after deleting the top-k words, against k, per method."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    for method, drops in drops_by_method.items():
        ax.plot(range(len(drops)), drops, "o-" if method != "random" else "s--", label=method,
                color="gray" if method == "random" else None)
    ax.set_xticks(range(len(drops)))
    ax.set_xlabel("k (words deleted)")
    ax.set_ylabel("drop in probability")
    ax.set_title(title)
    ax.legend()
    return ax


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_top_word(lab, answer, words, scores) -> str:
    import numpy as np

    expected = words[int(np.argmax(scores))]
    return check(lab, "04.1 top word", answer, lambda a: a == expected,
                 "explain.split_words(text) gives the words, in the order of the scores")


def check_drop_after_top_word(lab, answer, classify, words, scores, label) -> str:
    expected = float(deletion_curve(classify, words, scores, label, 1)[1])
    return check(lab, "04.2 drop", answer, close_to(expected, 0.01),
                 "join the words without the top one with spaces, classify it, and subtract its probability "
                 "of `label` from the full sentence's")


def check_lime_ig_correlation(lab, answer, lime, ig) -> str:
    return check(lab, "04.3 rank correlation", answer, close_to(rank_correlation(lime, ig), 1e-6),
                 "Spearman's rank correlation of the two score vectors (scipy.stats.spearmanr, or explain.rank_correlation)")


def check_occlusion_method(lab, answer, classify, sentences) -> str:
    import numpy as np

    def right(occlusion_scores):
        for text in sentences:
            words = split_words(text)
            label = int(classify([text])[0].argmax())
            scores = np.asarray(occlusion_scores(text, label), float)
            if scores.shape != (len(words),):
                raise ValueError(f"expected one score per word of split_words(text), {len(words)} for {text!r}")
            singles = [" ".join(w for j, w in enumerate(words) if j != i) for i in range(len(words))]
            probs = classify([" ".join(words)] + singles)[:, label]
            if deletion_curve(classify, words, scores, label, 1)[1] < (probs[0] - probs[1:]).max() - 1e-4:
                return False
        return True
    return check(lab, "04.4 occlusion", answer, right,
                 "for each word, delete it alone (join the other words with spaces), classify every copy in one "
                 "call, and score the word with p(label | sentence) - p(label | copy): the top word must be the one "
                 "whose deletion costs the most")
