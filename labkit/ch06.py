"""Chapter 06 (financial sentiment monitoring): a finance word-list baseline, the daily sentiment index, and alert scoring.

The models (TF-IDF + logistic regression, the fine-tuned encoder) and the alert rule itself
(CUSUM) live in the notebook; this module holds what is bookkeeping around them.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`), its alert plot and its exercise checks.
"""
from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.pyplot as plt
import numpy as np

from labkit.course.exercises import beats, check, close_to
from labkit.data import Shift

# the bundled data folders notebook 06 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("finance",)
# the headline figures of notebook 06, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "fin_accuracy", "fin_macro_f1",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 06's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    fin_epochs: int  # most fine-tuning epochs of the sentiment classifier (early stopping may end it sooner)
    fin_explained_headlines: int  # headlines of one alert's day explained with LIME


SIZES = {
    "ci": Sizes(fin_epochs=8, fin_explained_headlines=2),
    "laptop": Sizes(fin_epochs=20, fin_explained_headlines=3),
    "gpu": Sizes(fin_epochs=20, fin_explained_headlines=4),
}

# A small word list in the spirit of Loughran & McDonald's finance dictionaries: words that say
# the company's prospects move up or down. Words of amount alone ("profit", "sales") carry no tone.
POSITIVE_WORDS = frozenset("""
increase increased increases rose rise rises grew grow grows growth up gain gains gained improve improved
improves improvement higher record strong stronger won win wins awarded beat beats upgrade upgraded
expand expands expansion positive profitable boost boosted exceeded surge surged jumped climbed
""".split())
NEGATIVE_WORDS = frozenset("""
decrease decreased decreases fell fall falls declined decline declines down dropped drop drops loss losses
lower weak weaker weakened cut cuts layoffs laid lay close closure closed warning warned downgrade downgraded
negative slumped slump missed lost lose dispute claim cancelled fail failed deficit red worse
""".split())
_WORD = re.compile(r"[a-z]+")


def lexicon_label(text: str) -> str:
    """``positive`` when ``text`` holds more positive cue words than negative ones, ``negative`` when
    fewer, else ``neutral`` (words in lower case, each occurrence counted)."""
    words = _WORD.findall(text.lower())
    score = sum(w in POSITIVE_WORDS for w in words) - sum(w in NEGATIVE_WORDS for w in words)
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def daily_index(dates: Sequence[date], companies: Sequence[str], scores: Sequence[float],
                ) -> tuple[list[date], dict[str, np.ndarray]]:
    """Every calendar day from the first date to the last, and per company the mean of ``scores``
    over that day's headlines (NaN on a day without any)."""
    first, last = min(dates), max(dates)
    days = [first + timedelta(i) for i in range((last - first).days + 1)]
    sums = {c: np.zeros(len(days)) for c in dict.fromkeys(companies)}
    counts = {c: np.zeros(len(days)) for c in sums}
    for d, c, s in zip(dates, companies, scores):
        sums[c][(d - first).days] += s
        counts[c][(d - first).days] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return days, {c: sums[c] / counts[c] for c in sums}


@dataclass
class AlertScore:
    """How an alert rule did on one stretch of days (see :func:`score_alerts`)."""

    delays: list[int]  # days from each detected shift's start to its first alert
    missed: list[Shift]  # shifts of the stretch no alert found
    false_alarms: int  # alerts that belong to no shift
    series_days: int  # days watched, summed over the companies
    shifts: int  # shifts that start in the stretch

    @property
    def median_delay(self) -> float:
        return float(statistics.median(self.delays)) if self.delays else math.nan

    @property
    def false_alarms_per_100_days(self) -> float:
        return 100 * self.false_alarms / self.series_days

    def __str__(self) -> str:
        return (f"{len(self.delays)} of {self.shifts} shifts found (median delay {self.median_delay:.1f} days, "
                f"delays {sorted(self.delays)}), {len(self.missed)} missed, {self.false_alarms} false alarms "
                f"= {self.false_alarms_per_100_days:.2f} per 100 days of one company's index")


def score_alerts(alerts: Sequence[tuple[str, date, str]], shifts: Sequence[Shift], start: date, end: date,
                 companies: Sequence[str], grace_days: int = 3) -> AlertScore:
    """Score ``alerts`` (``(company, day, direction)``) on the days from ``start`` to ``end`` (excluded).

    An alert *belongs* to a shift of the same company and direction when it falls between the shift's
    first day and ``grace_days`` after its last (a rule needs a few days to notice the news calmed down).
    A shift that starts in the stretch is *found* by its first alert (the delay counts days from its start),
    else *missed*; an alert of the stretch that belongs to no shift is a *false alarm*.
    """
    def belongs(alert, shift):
        company, day, direction = alert
        return (company == shift.company and direction == shift.direction
                and shift.start <= day <= shift.end + timedelta(grace_days))

    own = [s for s in shifts if start <= s.start < end]
    delays, missed = [], []
    for shift in own:
        days = sorted(a[1] for a in alerts if belongs(a, shift))
        if days:
            delays.append((days[0] - shift.start).days)
        else:
            missed.append(shift)
    false = sum(1 for a in alerts if start <= a[1] < end and not any(belongs(a, s) for s in shifts))
    return AlertScore(delays, missed, false, len(companies) * (end - start).days, len(own))


# --- plots ----------------------------------------------------------------------------------------------------


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


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_lexicon_errors(lab, answer, predicted, true) -> str:
    expected = sum(p != t for p, t in zip(predicted, true))
    return check(lab, "06.1 lexicon errors", answer, lambda a: a == expected,
                 "count the test sentences whose lexicon label differs from the true label (a whole number)")


def check_idf_weight(lab, answer, vectorizer, word) -> str:
    def right(a):  # looked up inside the test: a word missing from the vocabulary becomes a hint, not a crash
        return close_to(float(vectorizer.idf_[vectorizer.vocabulary_[word]]), 1e-3)(a)
    return check(lab, "06.2 idf", answer, right,
                 "idf(t) = ln((1 + n) / (1 + df(t))) + 1, with n the training sentences and df(t) those holding "
                 "the word (lower case, as the vectorizer's tokens)")


def check_cusum_alarm_step(lab, answer, z, k, h) -> str:
    down, expected = 0.0, None
    for t, x in enumerate(z):
        down = max(0.0, down - x - k)
        if down > h:
            expected = t
            break
    return check(lab, "06.3 CUSUM alarm", answer, lambda a: a == expected,
                 "S-_t = max(0, S-_{t-1} - z_t - k) from S-_{-1} = 0; the alarm is the first t (counting from 0) "
                 "with S-_t > h")


def check_ewma_last(lab, answer, x, lam) -> str:
    z = x[0]
    for value in x[1:]:
        z = lam * value + (1 - lam) * z
    return check(lab, "06.4 EWMA", answer, close_to(z, 1e-6),
                 "z_0 = x_0, then z_t = lambda * x_t + (1 - lambda) * z_{t-1}; give the last z_t")


def check_word_list_rule(lab, answer, texts, labels, margin: float = 0.02) -> str:
    """Exercise 06.5: ``answer(text) -> "positive" | "negative" | "neutral"`` must reach a macro-F1 on ``texts``
    (the validation split) at least ``margin`` above :func:`lexicon_label`'s."""
    from labkit.data import PHRASEBANK_LABELS

    def macro_f1(rule):
        predicted = [rule(t) for t in texts]
        if any(p not in PHRASEBANK_LABELS for p in predicted):
            raise ValueError(f"the rule must return one of {', '.join(PHRASEBANK_LABELS)} for every sentence")
        return _macro_f1(labels, predicted)

    baseline = _macro_f1(labels, [lexicon_label(t) for t in texts])
    right = beats(macro_f1, baseline, margin, f"rule's macro-F1 on the {len(texts)} validation sentences",
                  "the word list")
    return check(lab, "06.5 a better word rule", answer, right,
                 f"the word list's macro-F1 on the validation split is {baseline:.3f}; yours must reach "
                 f"{baseline + margin:.3f}. Print the training sentences the word list gets wrong: which cue words are "
                 "missing from its lists, and which words turn a cue round (costs that rise, a loss that narrows)?")


def _macro_f1(true: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the three PhraseBank labels (a label never predicted gets F1 = 0)."""
    import sklearn.metrics

    from labkit.data import PHRASEBANK_LABELS

    return float(sklearn.metrics.f1_score(list(true), list(predicted), average="macro", labels=list(PHRASEBANK_LABELS),
                                          zero_division=0))
