"""Small matplotlib helpers for pictures that several notebooks draw."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator


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
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(name.replace("_", " "))
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


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


def plot_budget_curves(accuracy: Mapping[str, Mapping[float, float]], title: str = "", ax=None):
    """Test accuracy against the fraction of training labels used, one line per arm (``{arm: {budget: acc}}``)."""
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for arm, by_budget in accuracy.items():
        budgets = sorted(by_budget)
        ax.plot([100 * b for b in budgets], [by_budget[b] for b in budgets], "-o", label=arm)
    percents = sorted({100 * b for by_budget in accuracy.values() for b in by_budget})
    ax.set_xscale("log")
    ax.set_xticks(percents, [f"{p:g} %" for p in percents])
    ax.minorticks_off()
    ax.set_xlabel("labelled training examples used (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the axes: the curves cross anywhere inside
    return ax


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


def plot_frames(frames: Sequence, title: str = "", every: int = 1, max_frames: int = 8):
    """An episode as an image strip: every ``every``-th frame, at most ``max_frames`` of them."""
    shown = list(frames)[::every][:max_frames]
    fig, axes = plt.subplots(1, len(shown), figsize=(1.6 * len(shown), 1.9), squeeze=False)
    for i, (ax, frame) in enumerate(zip(axes[0], shown)):
        ax.imshow(frame)
        ax.set_title(f"t={i * every}", fontsize=8)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_grid_paths(paths: Mapping[str, Sequence[int]], shape: tuple[int, int], special: Mapping[str, Sequence[int]],
                    title: str = "", ax=None):
    """Paths over a grid world whose states are numbered row by row (``state = row * columns + column``).

    ``paths``: a list of visited states per name; ``special``: cells to shade, e.g. ``{"cliff": [37, ..., 46]}``.
    """
    import numpy as np

    rows, columns = shape
    ax = ax or plt.subplots(figsize=(0.55 * columns + 1, 0.55 * rows + 1))[1]
    from matplotlib.colors import ListedColormap

    grid = np.zeros(shape)
    colours = ["white"] + [plt.cm.Pastel2(i) for i in range(len(special))]
    for value, (name, cells) in enumerate(special.items(), start=1):
        for cell in cells:
            grid[divmod(cell, columns)] = value
        ax.plot([], [], "s", color=colours[value], markersize=9, label=name)
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=0, vmax=len(special))
    ax.grid(which="minor", color="lightgrey", linewidth=0.5)
    for (name, path), offset in zip(paths.items(), np.linspace(-0.15, 0.15, len(paths))):
        r, c = np.divmod(np.asarray(path), columns)
        ax.plot(c + offset, r + offset, "-o", markersize=3, label=f"{name} ({len(path) - 1} steps)")
    ax.set_xticks(np.arange(-0.5, columns), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=len(paths) + len(special), frameon=False)
    ax.set_title(title)
    return ax


def plot_pipeline(ax=None):
    """The course at a glance: each stage notebook, the artifacts it hands on, and the applications on top."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    ax = ax or plt.subplots(figsize=(12, 4.6))[1]
    boxes = {  # name: (x, y, text, colour)
        "data": (0.0, 2.0, "datasets/\ncorpus · intents · NER\n(or DATA_DIR)", "#eeeeee"),
        "01": (2.6, 3.2, "01 pretraining\nmasked LM, then\nin-domain MLM", "#cfe2f3"),
        "02": (5.4, 3.2, "02 fine-tuning\nintents, NER", "#cfe2f3"),
        "03": (5.4, 0.8, "03 reinforcement\nlearning: DQN,\ninstruction agent", "#d9ead3"),
        "04": (8.2, 2.0, "04 explainability\nLIME, IG,\ndeletion test", "#fff2cc"),
        "apps": (10.8, 2.0, "applications\n(case studies,\ncapstone)", "#f4cccc"),
    }
    width, height = 2.0, 1.1
    for x, y, label, colour in boxes.values():
        ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.05", facecolor=colour, edgecolor="grey"))
        ax.text(x + width / 2, y + height / 2, label, ha="center", va="center", fontsize=9)
    edges = [("data", "01", "corpus"), ("data", "02", ""), ("01", "02", "encoder,\nadapted_encoder"),
             ("01", "03", "encoder"), ("02", "04", "intent_classifier,\nner_tagger"),
             ("03", "04", "instruction_policy"), ("04", "apps", "")]
    for start, end, label in edges:
        (x0, y0, *_), (x1, y1, *_) = boxes[start], boxes[end]
        a, b = (x0 + width, y0 + height / 2), (x1, y1 + height / 2)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, color="dimgrey"))
        if label:
            ax.text((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 0.12, label, ha="center", va="bottom", fontsize=7.5,
                    color="dimgrey", style="italic")
    ax.set_xlim(-0.2, 13.0)
    ax.set_ylim(0.5, 4.6)
    ax.axis("off")
    ax.set_title("pretraining → fine-tuning → reinforcement learning → explainability → applications")
    return ax


def plot_oos_tradeoff(thresholds: Sequence[float], scores: Sequence, chosen: float, title: str = "", ax=None):
    """In-scope accuracy, out-of-scope recall and precision (``labkit.ch05.OosScores``) against the
    rejection threshold, with the chosen threshold marked."""
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    for field, label in (("inscope_accuracy", "in-scope accuracy"), ("oos_recall", "out-of-scope recall"),
                         ("oos_precision", "out-of-scope precision")):
        ax.plot(thresholds, [getattr(s, field) for s in scores], "-o", markersize=3, label=label)
    ax.axvline(chosen, color="grey", linestyle="--", label=f"chosen threshold {chosen:.2f}")
    ax.set_xlabel("threshold on the top probability")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_action_map(top_probability: Sequence[float], actions: Sequence[int], names: Sequence[str],
                    title: str = "", bins: int = 10, ax=None):
    """The share of each action in each band of the top probability (stacked bars)."""
    import numpy as np

    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    edges = np.linspace(0, 1, bins + 1)
    band = np.clip(np.digitize(top_probability, edges) - 1, 0, bins - 1)
    actions = np.asarray(actions)
    counts = np.array([[np.sum((band == b) & (actions == a)) for b in range(bins)] for a in range(len(names))])
    shares = counts / np.maximum(counts.sum(0), 1)
    bottom = np.zeros(bins)
    for a, name in enumerate(names):
        ax.bar(edges[:-1], shares[a], width=1 / bins, align="edge", bottom=bottom, label=name, edgecolor="white")
        bottom += shares[a]
    for b in range(bins):
        ax.text(edges[b] + 0.5 / bins, 1.01, str(counts[:, b].sum()), ha="center", va="bottom", fontsize=7)
    ax.set_xlabel("top probability of the request (number of requests above each bar)")
    ax.set_ylabel("share of the requests")
    ax.set_ylim(0, 1.1)
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_alerts(days: Sequence, index: Mapping[str, Sequence[float]], alerts: Sequence[tuple], shifts: Sequence,
                split_day=None, title: str = ""):
    """One panel per company: its daily sentiment index, the true shifts (shaded: green positive, red
    negative), the alerts (triangles pointing the alert's way) and the day the test stretch starts."""
    import numpy as np

    fig, axes = plt.subplots(len(index), 1, figsize=(10, 1.7 * len(index) + 0.6), sharex=True, squeeze=False)
    colour = {"positive": "tab:green", "negative": "tab:red"}
    for ax, (company, values) in zip(axes[:, 0], index.items()):
        ax.plot(days, values, lw=0.7, color="0.35")
        for s in (s for s in shifts if s.company == company):
            ax.axvspan(s.start, s.end, color=colour[s.direction], alpha=0.18, lw=0)
        for direction, marker in (("positive", "^"), ("negative", "v")):
            hits = [d for c, d, x in alerts if c == company and x == direction]
            y = [np.nanmax(values) + 0.1 if direction == "positive" else np.nanmin(values) - 0.1] * len(hits)
            ax.scatter(hits, y, marker=marker, color=colour[direction], s=28, zorder=3)
        if split_day is not None:
            ax.axvline(split_day, color="k", ls="--", lw=1)
        ax.set_ylabel(company, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0, 0].set_title(title)
    axes[-1, 0].set_xlabel("shaded: true shifts · triangles: alerts · dashed line: the test stretch starts")
    fig.tight_layout()
    return axes[:, 0]


def plot_ranking_bars(scores: Mapping[str, Sequence[float]], metrics: Sequence[str], title: str = "", ax=None):
    """Grouped bars: ``{model: (value per metric)}``, e.g. HR@10 and NDCG@10 of a recommender and its baselines."""
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    width = 0.8 / max(1, len(scores))
    for k, (name, values) in enumerate(scores.items()):
        xs = [m + (k - (len(scores) - 1) / 2) * width for m in range(len(metrics))]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(range(len(metrics)), metrics)
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax
