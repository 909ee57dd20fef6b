"""Small matplotlib helpers for pictures that several notebooks draw."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt


def plot_counts(labels: Sequence[str], title: str, ax=None, top: int | None = None):
    """Horizontal bar chart of how often each label occurs (most frequent on top)."""
    counts = Counter(labels).most_common(top)
    ax = ax or plt.subplots(figsize=(6, 0.25 * len(counts) + 1))[1]
    names, values = zip(*reversed(counts)) if counts else ((), ())
    ax.barh(names, values, color="tab:blue")
    ax.set_title(title)
    ax.set_xlabel("examples")
    return ax


def plot_history(history: Mapping[str, Sequence[float]], metrics: Sequence[str], title: str = ""):
    """Train/validation curves from a Keras ``History.history`` dict, one panel per metric."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        for prefix, style in (("", "-o"), ("val_", "--s")):
            if prefix + name in history:
                ax.plot(range(1, len(history[prefix + name]) + 1), history[prefix + name], style,
                        label="validation" if prefix else "train")
        ax.set_xlabel("epoch")
        ax.set_title(name.replace("_", " "))
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig
