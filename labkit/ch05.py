"""Chapter 05 (the customer-service assistant): out-of-scope scoring, the simulated
customer the request router learns from, and the chat panel's HTML.

The lessons (the classifier, the threshold choice, the TF-Agents bandit agents and their loop) are in
the notebook. Conventions: ``probs`` are a classifier's softmax outputs ``(n, classes)`` where one
class, ``oos_id``, is "out of scope"; labels are class ids.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`), its plots (the out-of-scope trade-off, the router's action map) and its exercise checks.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from labkit.course.exercises import check, close_to

# the bundled data folders notebook 05 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("service",)
# the headline figures of notebook 05, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "service_inscope_accuracy", "service_oos_recall", "service_oos_precision", "service_router_reward",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 05's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    service_epochs: int  # fine-tuning epochs of the intent classifier that may say "out of scope"
    router_steps: int  # requests the request-routing bandits learn from


SIZES = {
    "ci": Sizes(service_epochs=6, router_steps=2000),
    "laptop": Sizes(service_epochs=10, router_steps=20_000),
    "gpu": Sizes(service_epochs=10, router_steps=20_000),
}

ACTIONS = ("answer", "rephrase", "hand over")
ANSWER, REPHRASE, HAND_OVER = range(len(ACTIONS))
FEATURES = ("top probability", "margin", "entropy", "out-of-scope probability")


# --- out-of-scope detection ---------------------------------------------------------------


def predict_with_threshold(probs: np.ndarray, oos_id: int, threshold: float) -> np.ndarray:
    """The most probable class, except that a prediction less probable than ``threshold`` becomes ``oos_id``."""
    predicted = probs.argmax(-1)
    return np.where(probs.max(-1) < threshold, oos_id, predicted)


@dataclass(frozen=True)
class OosScores:
    """CLINC150's figures (Larson et al. 2019): accuracy on the in-scope requests (saying "out of scope"
    to one counts as wrong), and recall and precision of the "out of scope" answers."""

    inscope_accuracy: float
    oos_recall: float
    oos_precision: float


def oos_scores(y_true: np.ndarray, y_pred: np.ndarray, oos_id: int) -> OosScores:
    inscope, flagged = y_true != oos_id, y_pred == oos_id
    if inscope.all() or not inscope.any():
        raise ValueError("scoring needs both in-scope and out-of-scope requests in y_true")
    return OosScores(float(np.mean(y_pred[inscope] == y_true[inscope])), float(np.mean(flagged[~inscope])),
                     float(np.mean(~inscope[flagged])) if flagged.any() else 0.0)


def threshold_sweep(probs: np.ndarray, y_true: np.ndarray, oos_id: int, thresholds: np.ndarray) -> list[OosScores]:
    """:func:`oos_scores` at each threshold."""
    return [oos_scores(y_true, predict_with_threshold(probs, oos_id, t), oos_id) for t in thresholds]


# --- the request router: a simulated customer ---------------------------------------------------


def confidence_features(probs: np.ndarray, oos_id: int) -> np.ndarray:
    """What the router sees of each request, float32 ``(n, 4)`` (:data:`FEATURES`): the top probability,
    its margin over the runner-up, the entropy divided by its maximum (log of the number of classes),
    and the out-of-scope class's probability."""
    ranked = np.sort(probs, axis=-1)
    entropy = -(probs * np.log(np.clip(probs, 1e-12, 1.0))).sum(-1) / np.log(probs.shape[-1])
    return np.stack([ranked[:, -1], ranked[:, -1] - ranked[:, -2], entropy, probs[:, oos_id]], -1).astype("float32")


@dataclass(frozen=True)
class Rewards:
    """What each outcome is worth to the business (one right answer = 1)."""

    right_answer: float = 1.0
    wrong_answer: float = -2.0  # a confidently wrong reply costs more than a person's time
    hand_over: float = -0.5  # a person's time
    rephrase_turn: float = -0.25  # one more turn of the customer's time
    rephrase_chance: float = 0.5  # asked to rephrase, a customer does so (else asks for a person)


class SimulatedCustomers:
    """Requests from a labelled pool, and what each action earns on them.

    Asked to rephrase, the customer writes another request with the same intent (drawn from the pool)
    with probability ``rewards.rephrase_chance``, which the assistant then answers; otherwise they
    ask for a person. :meth:`expected` gives each action's expected reward exactly, which the
    regret curves use.
    """

    def __init__(self, probs: np.ndarray, y_true: np.ndarray, oos_id: int, rewards: Rewards = Rewards()):
        self.features = confidence_features(probs, oos_id)
        self.right = probs.argmax(-1) == y_true  # answering with the top class is right
        self.y_true, self.rewards = y_true, rewards
        self.same_intent = {label: np.flatnonzero(y_true == label) for label in np.unique(y_true)}

    def __len__(self) -> int:
        return len(self.right)

    def answer_value(self, right) -> np.ndarray:
        return np.where(right, self.rewards.right_answer, self.rewards.wrong_answer)

    def expected(self) -> np.ndarray:
        """Expected reward of each action on each request of the pool, ``(n, len(ACTIONS))``."""
        r = self.rewards
        intent_accuracy = {label: self.right[idx].mean() for label, idx in self.same_intent.items()}
        retry = np.array([self.answer_value(True) * a + self.answer_value(False) * (1 - a)
                          for a in (intent_accuracy[label] for label in self.y_true)])
        rephrase = r.rephrase_turn + r.rephrase_chance * retry + (1 - r.rephrase_chance) * r.hand_over
        return np.stack([self.answer_value(self.right), rephrase, np.full(len(self), r.hand_over)], -1)

    def reward(self, request: int, action: int, rng: np.random.Generator) -> float:
        """One sampled reward for ``action`` on pool request ``request``."""
        r = self.rewards
        if action == ANSWER:
            return float(self.answer_value(self.right[request]))
        if action == HAND_OVER:
            return r.hand_over
        if rng.random() >= r.rephrase_chance:
            return r.rephrase_turn + r.hand_over
        again = rng.choice(self.same_intent[self.y_true[request]])
        return float(r.rephrase_turn + self.answer_value(self.right[again]))


def router_environment(customers: SimulatedCustomers, batch_size: int = 1, seed: int = 0):
    """A TF-Agents bandit environment over ``customers`` (:func:`labkit.blocks.rl.pool_bandit_environment`): the
    observation is a request's confidence features, the action one of :data:`ACTIONS`, the reward a sampled one.
    The same seed shows the same stream of requests whatever the actions; ``env.shown`` holds the pool index of
    every request shown so far and ``env.actions`` the action taken on it."""
    from labkit.blocks.rl import pool_bandit_environment

    def reward(requests, actions, rng):
        return [customers.reward(i, a, rng) for i, a in zip(requests, actions)]

    return pool_bandit_environment(customers.features, reward, len(ACTIONS), batch_size, seed)


def threshold_rule(features: np.ndarray, threshold: float) -> np.ndarray:
    """The fixed rule: answer when the top probability reaches ``threshold``, else hand over."""
    return np.where(features[:, 0] >= threshold, ANSWER, HAND_OVER)


def best_threshold(customers: SimulatedCustomers, requests: np.ndarray, thresholds: np.ndarray) -> tuple[float, float]:
    """The threshold whose rule earns the most expected reward on ``requests`` (chosen with hindsight),
    and that mean reward."""
    expected = customers.expected()[requests]
    means = [expected[np.arange(len(requests)), threshold_rule(customers.features[requests], t)].mean()
             for t in thresholds]
    best = int(np.argmax(means))
    return float(thresholds[best]), float(means[best])


# --- the chat panel -------------------------------------------------------------------------


def reply_html(request: str, intent: str | None, confidence: float | None, action: str | None,
               explanation: str = "") -> str:
    """The panel's answer to one request, every piece of user text escaped. ``intent`` None: nothing to
    classify (an empty request)."""
    if intent is None:
        return "<p>Type a request first, for example <i>my card has not arrived</i>.</p>"
    return (f"<p><b>request</b>: {html.escape(request)}<br><b>intent</b>: {html.escape(intent)} "
            f"(probability {confidence:.2f})<br><b>action</b>: {html.escape(action)}</p>{explanation}")


# --- plots ----------------------------------------------------------------------------------------------------


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


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_oos_share(lab, answer, y_test, oos_id) -> str:
    import numpy as np

    return check(lab, "05.1 out-of-scope share", answer, close_to(float(np.mean(y_test == oos_id)), 0.002),
                 "compare y['test'] with oos_id and take the mean of the booleans")


def check_oos_recall_at(lab, answer, probs, y_true, oos_id, threshold) -> str:
    expected = oos_scores(y_true, predict_with_threshold(probs, oos_id, threshold), oos_id).oos_recall
    return check(lab, "05.2 recall by hand", answer, close_to(expected, 0.002),
                 "a request is flagged when its top probability is below 0.5 OR its top class is oos_id; recall is "
                 "the share of the truly out-of-scope validation requests that are flagged")


def check_answer_value(lab, answer, rewards, q) -> str:
    expected = q * rewards.right_answer + (1 - q) * rewards.wrong_answer
    return check(lab, "05.3 value of answering", answer, close_to(expected, 1e-6),
                 "weigh the reward of a right answer by q and that of a wrong one by 1 - q")


def check_break_even(lab, answer, rewards) -> str:
    expected = (rewards.hand_over - rewards.wrong_answer) / (rewards.right_answer - rewards.wrong_answer)
    return check(lab, "05.4 break-even confidence", answer, close_to(expected, 1e-6),
                 "q * right + (1 - q) * wrong = hand_over is linear in q: collect the q terms on one side")


def check_oos_rule(lab, answer, probs, y_true, oos_id, max_loss: float = 0.02, share: float = 0.25) -> str:
    """Exercise 05.5: ``answer(probs) -> flags`` (one boolean per request, True: answer "out of scope") must, on the
    validation split (``probs``, ``y_true``), keep in-scope accuracy within ``max_loss`` of no threshold's (the top
    class; a flagged request counts as an "oos" answer) and catch at least ``share`` of the out-of-scope requests
    that no threshold misses (its recall r becomes at least r + share * (1 - r))."""
    probs, y_true = np.asarray(probs), np.asarray(y_true)
    base = oos_scores(y_true, probs.argmax(-1), oos_id)
    wanted = base.oos_recall + share * (1 - base.oos_recall)

    def right(rule):
        flags = np.asarray(rule(probs.copy()))
        if flags.shape != (len(probs),):
            raise ValueError(f"one flag per request: shape ({len(probs)},), not {flags.shape}")
        got = oos_scores(y_true, np.where(flags.astype(bool), oos_id, probs.argmax(-1)), oos_id)
        print(f"your rule on the {len(y_true)} validation requests: in-scope accuracy {got.inscope_accuracy:.1%}, "
              f"out-of-scope recall {got.oos_recall:.1%}; no threshold: {base.inscope_accuracy:.1%} and "
              f"{base.oos_recall:.1%} (needed: at least {base.inscope_accuracy - max_loss:.1%} and {wanted:.1%})")
        return got.inscope_accuracy >= base.inscope_accuracy - max_loss and got.oos_recall >= wanted - 1e-9
    return check(lab, "05.5 an out-of-scope rule", answer, right,
                 f"without a threshold: in-scope accuracy {base.inscope_accuracy:.1%}, out-of-scope recall "
                 f"{base.oos_recall:.1%} on validation; yours may lose at most {100 * max_loss:.0f} points of the first "
                 f"and must raise the second to {wanted:.1%} ({share:.0%} of what no threshold misses). Compute a "
                 "confidence per request (ch05.confidence_features: top probability, margin, entropy, oos "
                 "probability), try a few cut-offs "
                 "on validation and keep the one with the most recall inside the accuracy budget")
