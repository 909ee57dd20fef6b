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
