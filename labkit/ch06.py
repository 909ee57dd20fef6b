"""Plumbing for notebook 06: a finance word-list baseline, the daily sentiment index, and alert scoring.

The models (TF-IDF + logistic regression, the fine-tuned encoder) and the alert rule itself
(CUSUM) live in the notebook; this module holds what is bookkeeping around them.
"""
from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from labkit.data import Shift

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
