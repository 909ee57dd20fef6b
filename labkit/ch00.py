"""Chapter 00 (set-up and tour): the course map it draws, its plots and its exercise checks."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import matplotlib.pyplot as plt

from labkit.course.exercises import check, close_to

# the bundled data folders notebook 00 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("corpus", "intents", "ner")
# the headline figures of notebook 00, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES: list[str] = []

# --- plots ----------------------------------------------------------------------------------------------------


def plot_counts(labels: Sequence[str], title: str, ax=None, top: int | None = None):
    """Horizontal bar chart of how often each label occurs (most frequent on top)."""
    counts = Counter(labels).most_common(top)
    ax = ax or plt.subplots(figsize=(6, 0.25 * len(counts) + 1))[1]
    names, values = zip(*reversed(counts)) if counts else ((), ())
    ax.barh(names, values, color="tab:blue")
    ax.set_title(title)
    ax.set_xlabel("examples")
    return ax


def plot_pipeline(ax=None):
    """The course at a glance: the stage notebooks and the artifacts they hand on, the case studies built on them,
    and the capstone agent that routes requests to the case studies' skills."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    ax = ax or plt.subplots(figsize=(13, 6.2))[1]
    stage, case, agent = "#cfe2f3", "#f4cccc", "#d9d2e9"
    boxes = {  # name: (x, y, text, colour)
        "data": (0.0, 5.2, "datasets/\ncorpus · intents · NER\n(or DATA_DIR)", "#eeeeee"),
        "01": (2.6, 5.2, "01 pretraining\nmasked LM, then\nin-domain MLM", stage),
        "02": (5.2, 5.2, "02 fine-tuning\nintents, NER", stage),
        "03": (2.6, 2.9, "03 reinforcement\nlearning: DQN,\ninstruction agent", "#d9ead3"),
        "04": (7.8, 5.2, "04 explainability\nLIME, IG,\ndeletion test", "#fff2cc"),
        "05": (4.4, 0.6, "05 customer\nservice", case),
        "06": (6.2, 0.6, "06 financial\nsentiment", case),
        "07": (8.0, 0.6, "07 recommen-\ndation", case),
        "08": (9.8, 0.6, "08 knowledge\ngraph", case),
        "09": (11.6, 0.6, "09 generation,\nRL of the LM", case),
        "10": (7.8, 2.9, "10 capstone agent:\na request → a skill,\nits answer, why", agent),
        "11": (0.0, 0.6, "11 BabyAI\ninstruction\nbenchmark", "#d9ead3"),
    }
    size = {name: (1.6, 1.0) if name in ("05", "06", "07", "08", "09") else (2.0, 1.1) for name in boxes}
    for name, (x, y, label, colour) in boxes.items():
        w, h = size[name]
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.05", facecolor=colour, edgecolor="grey"))
        ax.text(x + w / 2, y + h / 2, label, ha="center", va="center", fontsize=8.5)

    def anchor(name, side):
        x, y, *_ = boxes[name]
        w, h = size[name]
        return {"right": (x + w, y + h / 2), "left": (x, y + h / 2), "top": (x + w / 2, y + h),
                "bottom": (x + w / 2, y)}[side]

    edges = [  # (from, side, to, side, label, where along the arrow the label sits)
        ("data", "right", "01", "left", "corpus", 0.5), ("01", "right", "02", "left", "encoder", 0.5),
        ("01", "bottom", "03", "top", "encoder", 0.5), ("02", "right", "04", "left", "models", 0.5),
        ("03", "right", "10", "left", "instruction_policy", 0.5), ("04", "bottom", "10", "top", "LIME", 0.5),
        ("01", "bottom", "11", "top", "encoder", 0.25), ("02", "bottom", "05", "top", "encoder, recipe", 0.75),
        *((nb, "top", "10", "bottom", "skill" if nb == "06" else "", 0.5) for nb in ("05", "06", "07", "08"))]
    for start, side_a, end, side_b, label, t in edges:
        a, b = anchor(start, side_a), anchor(end, side_b)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=11, color="dimgrey"))
        if label:
            across = a[1] == b[1]  # a horizontal arrow carries its label above it, a slanted one beside it
            ax.text(a[0] + t * (b[0] - a[0]) + (0 if across else 0.08), a[1] + t * (b[1] - a[1]) + 0.06, label,
                    ha="center" if across else "left", va="bottom", fontsize=7, color="dimgrey", style="italic")
    ax.text(12.4, 1.75, "case studies 05-09 take\nthe stage 1-4 models", fontsize=7.5, color="dimgrey",
            style="italic", ha="center")
    ax.set_xlim(-0.2, 13.5)
    ax.set_ylim(0.3, 6.5)
    ax.axis("off")
    ax.set_title("pretraining → fine-tuning → reinforcement learning → explainability → case studies → capstone agent")
    return ax


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_intent_count(lab, answer, train) -> str:
    expected = len(set(train.labels))
    return check(lab, "00.1 intents", answer, lambda a: a == expected,
                 "count the distinct labels of intents['train'] (out_of_scope counts too); set() helps")


def check_short_profile(lab, answer) -> str:
    from labkit.course.profiles import Profile, get_profile

    def right(profile):
        laptop = get_profile("laptop")
        return isinstance(profile, Profile) and profile == get_profile("laptop", mlm_epochs=2) and laptop.mlm_epochs != 2
    return check(lab, "00.2 profile", answer, right,
                 "labkit.get_profile takes the profile's name and then field=value overrides")


def check_share_of_o(lab, answer, sentences) -> str:
    tags = [tag for sentence in sentences for tag in sentence.tags]
    return check(lab, "00.3 share of O", answer, close_to(tags.count("O") / len(tags), 0.005),
                 "count the tags equal to 'O' over all training tokens and divide by the number of tokens "
                 "(a fraction between 0 and 1)")


def check_csv_loaded(lab, answer) -> str:
    from labkit.data import LabeledTexts

    return check(lab, "00.4 CSV", answer, lambda a: isinstance(a, LabeledTexts) and len(a) == 3,
                 "write a header line 'sentence,intent' and three rows, then data.read_text_label(path)")
