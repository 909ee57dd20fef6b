"""Chapter 04 (explainability): its plots and its exercise checks."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt

from labkit.course.exercises import check, close_to

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
    from labkit.blocks.explain import deletion_curve

    expected = float(deletion_curve(classify, words, scores, label, 1)[1])
    return check(lab, "04.2 drop", answer, close_to(expected, 0.01),
                 "join the words without the top one with spaces, classify it, and subtract its probability "
                 "of `label` from the full sentence's")


def check_lime_ig_correlation(lab, answer, lime, ig) -> str:
    from labkit.blocks.explain import rank_correlation

    return check(lab, "04.3 rank correlation", answer, close_to(rank_correlation(lime, ig), 1e-6),
                 "Spearman's rank correlation of the two score vectors (scipy.stats.spearmanr, or explain.rank_correlation)")


def check_occlusion_method(lab, answer, classify, sentences) -> str:
    import numpy as np

    from labkit.blocks.explain import deletion_curve, split_words

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
