"""Small matplotlib helpers for pictures that several notebooks draw."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator


def plot_history(history: Mapping[str, Sequence[float]], metrics: Sequence[str], title: str = ""):
    """Train/validation curves from a Keras ``History.history`` dict, one panel per metric."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        for prefix, style in (("", "-o"), ("val_", "--s")):
            if prefix + name in history:
                ax.plot(range(1, len(history[prefix + name]) + 1), history[prefix + name], style,
                        label="validation" if prefix else "train")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(name.replace("_", " "))
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion(y_true: Sequence[int], y_pred: Sequence[int], names: Sequence[str], title: str = "", ax=None):
    """Confusion matrix with rows = true class, columns = predicted class, each row normalised to 1."""
    import numpy as np

    counts = np.zeros((len(names), len(names)))
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    share = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    ax = ax or plt.subplots(figsize=(0.38 * len(names) + 2.5, 0.38 * len(names) + 2))[1]
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    plt.colorbar(image, ax=ax, shrink=0.7, label="share of the true class")
    return ax


def plot_returns(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], title: str = "",
                 xlabel: str = "environment steps", ylabel: str = "average return", ax=None, style: str = "-o"):
    """Learning curves on one axis: ``{name: (steps, returns)}``, e.g. DQN against REINFORCE."""
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    for name, (steps, returns) in curves.items():
        ax.plot(steps, returns, style, markersize=3, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax


