"""Notebook 07's code (personalised recommendation): the rating splits, the closed-form bias baseline and RMSE;
biased matrix factorisation (``BiasedMF``, its penalty ``L2``); the NCF evaluation protocol (cold-start items,
leave-last-out, sampled candidates, HR@k and NDCG@k); the two-tower retrieval model (``TwoTower``, its penalty
``TOWER_L2`` and the dropout rates tried, ``TOWER_DROPOUTS``) with ``fit_tower``, ``film_scores`` and
``candidate_scores``, which section 3 of the notebook shows and calls and ``bench/bench_recommender.py`` reuses;
the shelf bandit's environment; the notebook's plots, exercise checks, ``HEADLINES`` and profile ``Sizes``.

The text projection (cold start) and the bandit agents stay in the notebook.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import keras
import matplotlib.pyplot as plt
import numpy as np

from labkit.course.exercises import beats, check, close_to
from labkit.data import Ratings

# the bundled data folders notebook 07 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("movielens",)
# the headline figures of notebook 07, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "rec_hr_at_10", "rec_ndcg_at_10", "bandit_regret_saved",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 07's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    rec_dim: int  # size of the user and item embeddings of the matrix factorisation
    rec_epochs: int  # training epochs of the matrix factorisation
    tower_epochs: int  # training epochs of the two-tower model (one epoch: every user's history once)
    tower_dims: tuple[int, ...]  # two-tower embedding sizes tried on the validation films (the best is kept)
    tower_batch_size: int  # users per two-tower training step
    text_epochs: int  # training epochs of the projection from text embeddings to item vectors (cold start)
    rec_batch_size: int
    bandit_steps: int  # recommendations the bandits learn from


SIZES = {
    "ci": Sizes(
        rec_dim=16, rec_epochs=8, tower_epochs=20, tower_dims=(16,), tower_batch_size=32, text_epochs=60,
        rec_batch_size=256, bandit_steps=1500),
    "laptop": Sizes(
        rec_dim=32, rec_epochs=30, tower_epochs=40, tower_dims=(32, 64), tower_batch_size=64, text_epochs=200,
        rec_batch_size=256, bandit_steps=6000),
    "gpu": Sizes(
        rec_dim=32, rec_epochs=30, tower_epochs=40, tower_dims=(32, 64), tower_batch_size=64, text_epochs=200,
        rec_batch_size=256, bandit_steps=6000),
}


def random_split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of ``n`` ratings cut at random (seeded) into train and test; test holds ``test_fraction`` of them."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction={test_fraction} must lie strictly between 0 and 1")
    order = np.random.default_rng([seed, 7]).permutation(n)
    cut = int(round(n * (1 - test_fraction)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def rmse(predicted, actual) -> float:
    """Root mean squared error."""
    predicted, actual = np.asarray(predicted, float), np.asarray(actual, float)
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


@dataclass
class Biases:
    """The baseline predictor :math:`\\hat r_{ui} = \\mu + b_u + b_i` (``user``/``item`` arrays of biases)."""

    mean: float
    user: np.ndarray
    item: np.ndarray

    def predict(self, users, items) -> np.ndarray:
        return self.mean + self.user[np.asarray(users)] + self.item[np.asarray(items)]


def fit_biases(users, items, ratings, n_users: int, n_items: int, reg_user: float = 15.0, reg_item: float = 10.0,
               passes: int = 5) -> Biases:
    """User and item biases by alternating closed-form ridge updates (Koren's baseline, ALS-style): each pass sets
    :math:`b_i = \\sum_u (r_{ui} - \\mu - b_u) / (\\lambda_i + n_i)`, then :math:`b_u` the same way given the
    :math:`b_i`."""
    users, items, ratings = np.asarray(users), np.asarray(items), np.asarray(ratings, float)
    mean = float(ratings.mean())
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    n_u, n_i = np.bincount(users, minlength=n_users), np.bincount(items, minlength=n_items)
    for _ in range(passes):
        bi = np.bincount(items, ratings - mean - bu[users], minlength=n_items) / (reg_item + n_i)
        bu = np.bincount(users, ratings - mean - bi[items], minlength=n_users) / (reg_user + n_u)
    return Biases(mean, bu, bi)


# --- biased matrix factorisation (section 2) --------------------------------------------------

L2 = 0.15  # λ: the weight of the penalty (a hyperparameter, not a size)


class BiasedMF(keras.Model):
    """r̂_ui = μ + b_u + b_i + p_u·q_i, from (user, film) index pairs; adds the per-rating L2 penalty."""

    def __init__(self, n_users, n_items, dim, l2, mean):
        super().__init__()
        small = keras.initializers.RandomNormal(stddev=0.05)
        self.p = keras.layers.Embedding(n_users, dim, embeddings_initializer=small)
        self.q = keras.layers.Embedding(n_items, dim, embeddings_initializer=small)
        self.b_user = keras.layers.Embedding(n_users, 1, embeddings_initializer="zeros")
        self.b_item = keras.layers.Embedding(n_items, 1, embeddings_initializer="zeros")
        self.mean, self.l2 = mean, l2

    def call(self, pairs):
        u, i = pairs[:, 0], pairs[:, 1]
        p_u, q_i = self.p(u), self.q(i)
        b_u, b_i = self.b_user(u)[:, 0], self.b_item(i)[:, 0]
        self.add_loss(self.l2 * keras.ops.mean(keras.ops.sum(p_u ** 2 + q_i ** 2, axis=-1) + b_u ** 2 + b_i ** 2))
        return self.mean + b_u + b_i + keras.ops.sum(p_u * q_i, axis=-1)


# --- leave-last-out and the NCF evaluation ----------------------------------------------------


def choose_cold_items(data: Ratings, fraction: float, seed: int, min_ratings: int = 5) -> np.ndarray:
    """A seeded ``fraction`` of the items with at least ``min_ratings`` ratings, to hold out entirely from training
    (cold start): their ratings are seen by nothing but the cold-start evaluation."""
    counts = np.bincount(data.items, minlength=data.n_items)
    eligible = np.flatnonzero(counts >= min_ratings)
    rng = np.random.default_rng([seed, 11])
    return np.sort(rng.choice(eligible, size=max(1, int(round(fraction * len(eligible)))), replace=False))


def leave_last_out(data: Ratings, exclude_items=(), among=None) -> tuple[np.ndarray, np.ndarray]:
    """Leave-last-out by timestamp over the interactions with items not in ``exclude_items`` (and, when ``among``
    is given, only those indices: a validation part carved from a training part): returns the training indices
    (into ``data``'s arrays) and, per user with at least two such interactions, the index of their last one (ties
    on the timestamp broken by position in the file). Users with fewer stay in training only, so every held-out
    user keeps at least one training interaction; a held-out item may have none (see :func:`user_histories`)."""
    keep = ~np.isin(data.items, np.asarray(exclude_items, dtype=int))
    if among is not None:
        inside = np.zeros(len(data.items), bool)
        inside[np.asarray(among, dtype=int)] = True
        keep &= inside
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((idx, data.timestamps[idx], data.users[idx]))]  # by user, then time, then position
    users = data.users[order]
    last = np.r_[users[1:] != users[:-1], True]  # the last interaction of each user
    counts = np.bincount(users, minlength=data.n_users)
    test = order[last & (counts[users] >= 2)]
    train = np.setdiff1d(idx, test)
    return train, np.sort(test)


def user_histories(users, items, n_users: int, column) -> np.ndarray:
    """``(n_users, columns)`` float32: row ``u`` is 1 in ``column[i]`` for every item ``i`` user ``u`` interacted
    with (``column`` maps an item to its column, -1 for items left out, e.g. cold ones). The input of a user tower
    that reads a user's history.

    The rule for what training lacks: a user without a training interaction gets an all-zero row (the tower then
    gives every such user the same vector: the crowd's ranking); an item without one still gets its column and is
    ranked like any other, from what the model learned about it (nothing but that nobody chose it), so a held-out
    item that training never saw is counted, usually as a miss, and never dropped."""
    column = np.asarray(column)
    rows = np.zeros((n_users, int(column.max()) + 1), np.float32)
    users, cols = np.asarray(users), column[np.asarray(items)]
    rows[users[cols >= 0], cols[cols >= 0]] = 1
    return rows


def interaction_sets(users, items, n_users: int) -> list[set[int]]:
    """The set of items each user interacted with."""
    sets: list[set[int]] = [set() for _ in range(n_users)]
    for u, i in zip(np.asarray(users).tolist(), np.asarray(items).tolist()):
        sets[u].add(i)
    return sets


def sample_candidates(users, positives, interacted: list[set[int]], pool, n_negatives: int, seed: int) -> np.ndarray:
    """The NCF protocol's candidate lists (He et al., 2017): row ``k`` is ``positives[k]`` followed by
    ``n_negatives`` distinct items of ``pool`` that ``users[k]`` never interacted with, drawn with the seed."""
    rng = np.random.default_rng([seed, 13])
    pool = np.asarray(pool)
    rows = []
    for u, pos in zip(np.asarray(users).tolist(), np.asarray(positives).tolist()):
        allowed = pool[~np.isin(pool, list(interacted[u] | {pos}))]
        if len(allowed) < n_negatives:
            raise ValueError(f"user {u} has only {len(allowed)} items to sample from; n_negatives={n_negatives}")
        rows.append([pos, *rng.choice(allowed, size=n_negatives, replace=False).tolist()])
    return np.array(rows, dtype=int)


def positive_ranks(scores) -> np.ndarray:
    """Per row of ``scores`` (column 0: the held-out item, the rest: negatives), the 0-based rank of the held-out
    item: how many negatives score higher or the same (ties count against it)."""
    scores = np.asarray(scores, float)
    return (scores[:, 1:] >= scores[:, :1]).sum(1)


def hit_rate_ndcg(scores, k: int = 10) -> tuple[float, float]:
    """HR@k (share of rows whose held-out item ranks in the top k) and NDCG@k (``1 / log2(rank + 2)`` for a hit at
    0-based rank ``rank``, else 0), averaged over rows."""
    rank = positive_ranks(scores)
    hit = rank < k
    return float(hit.mean()), float(np.where(hit, 1 / np.log2(rank + 2), 0.0).mean())


# --- the two-tower model (section 3) ----------------------------------------------------------

TOWER_L2 = 1e-5  # λ: the penalty on the film embeddings and the user tower's weights
TOWER_DROPOUTS = (0.3, 0.5, 0.7)  # p: the share of a user's films hidden at each step; the candidates tried


class TwoTower(keras.Model):
    """Scores of every warm film for a batch of users, each given as the 0/1 row x_u of the films they met in
    training: e_u · (w_i + W g_i) + c_i with e_u = A x_u / √n_u + a."""

    def __init__(self, item_genres, dim, dropout, l2):
        super().__init__()
        penalty = keras.regularizers.L2(l2)
        self.hide = keras.layers.Dropout(dropout)  # active in training only
        self.user_tower = keras.layers.Dense(dim, kernel_regularizer=penalty)
        self.item_id = keras.layers.Embedding(len(item_genres), dim, embeddings_regularizer=penalty)
        self.item_genre = keras.layers.Dense(dim, use_bias=False)
        self.item_bias = keras.layers.Embedding(len(item_genres), 1, embeddings_initializer="zeros")
        self.genres = keras.ops.convert_to_tensor(item_genres)
        self.films = keras.ops.arange(len(item_genres))

    def user_vectors(self, histories, training=False):
        x = self.hide(histories, training=training)
        return self.user_tower(x / keras.ops.sqrt(keras.ops.maximum(keras.ops.sum(x, axis=-1, keepdims=True), 1.0)))

    def item_vectors(self):
        return self.item_id(self.films) + self.item_genre(self.genres)

    def call(self, histories, training=False):
        scores = keras.ops.matmul(self.user_vectors(histories, training), keras.ops.transpose(self.item_vectors()))
        return scores + self.item_bias(self.films)[:, 0]


def fit_tower(ratings: Ratings, train_index, warm, position, dim, dropout, epochs, batch_size):
    """A TwoTower trained on the interactions ``train_index`` of ``ratings``, and the histories it reads: each
    user's films are both the input and the target (spread evenly over them, so every user weighs the same).
    ``warm``: the films it scores; ``position``: a film's column among them (-1 for the others); ``epochs`` and
    ``batch_size``: the profile's ``tower_epochs`` and ``tower_batch_size``."""
    histories = user_histories(ratings.users[train_index], ratings.items[train_index], ratings.n_users, position)
    targets = histories / np.maximum(histories.sum(1, keepdims=True), 1)
    model = TwoTower(ratings.genres[warm], dim, dropout, TOWER_L2)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    model.fit(histories, targets, epochs=epochs, batch_size=batch_size, verbose=0)
    return model, histories


def film_scores(ratings: Ratings, warm, model, histories) -> np.ndarray:
    """(users, films): the model's score of every warm film for every user; -inf for the cold films."""
    scores = np.full((ratings.n_users, ratings.n_items), -np.inf)
    scores[:, warm] = model.predict(histories, verbose=0)
    return scores


def candidate_scores(ratings: Ratings, scores, held_out, rows) -> np.ndarray:
    """The scores of the candidate films ``rows``, one row per held-out interaction of ``held_out``."""
    return np.take_along_axis(scores[ratings.users[held_out]], rows, axis=1)


# --- the bandit: which genre shelf to show a user -----------------------------------------------


def top_genres(data: Ratings, n: int) -> list[int]:
    """The ``n`` genres (indices into ``data.genres``' columns) with the most ratings."""
    per_genre = data.genres[data.items].sum(0)
    return [int(g) for g in np.argsort(-per_genre, kind="stable")[:n]]


def genre_click_probabilities(data: Ratings, genres: list[int], shrink: float = 5.0) -> np.ndarray:
    """``(users, len(genres))``: the probability that a user clicks a shelf of genre ``g``, taken as the share of
    their liked films (rated 4 or 5) that carry genre ``g``, shrunk towards the share over all users with weight
    ``shrink`` (a user with few likes gets the crowd's)."""
    liked = data.ratings >= 4
    flags = data.genres[data.items[liked]][:, genres]
    counts = np.zeros((data.n_users, len(genres)))
    np.add.at(counts, data.users[liked], flags)
    n_liked = np.bincount(data.users[liked], minlength=data.n_users)[:, None]
    crowd = flags.mean(0, keepdims=True)
    return (counts + shrink * crowd) / (n_liked + shrink)


def shelf_environment(contexts: np.ndarray, click_probabilities: np.ndarray, batch_size: int = 1, seed: int = 0):
    """A TF-Agents bandit environment (:func:`labkit.blocks.rl.pool_bandit_environment`): each step a user drawn at random
    (seeded) arrives, the observation is their context vector (``contexts[user]``), the action one of the shelves
    (columns of ``click_probabilities``), the reward 1 for a click (drawn with that probability) else 0. The same
    seed gives the same stream of users whatever the actions; ``env.shown`` holds every user shown so far and
    ``env.actions`` the shelves shown."""
    from labkit.blocks.rl import pool_bandit_environment

    probs = np.asarray(click_probabilities, float)
    if len(contexts) != len(probs):
        raise ValueError(f"contexts has {len(contexts)} rows but click_probabilities {len(probs)}: one per user")

    def reward(users, shelves, rng):
        return rng.random(len(users)) < probs[users, shelves]

    return pool_bandit_environment(contexts, reward, probs.shape[1], batch_size, seed)


# --- plots ----------------------------------------------------------------------------------------------------


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


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_rating_mean(lab, answer, train_ratings) -> str:
    import numpy as np

    return check(lab, "07.1 global mean", answer, close_to(float(np.mean(train_ratings)), 1e-4),
                 "the mean of the training ratings only (r[train]), not of all ratings")


def check_mf_prediction(lab, answer, mean, user_bias, item_bias, user_vectors, item_vectors, u, i) -> str:
    import numpy as np

    expected = float(mean + user_bias[u] + item_bias[i] + np.dot(user_vectors[u], item_vectors[i]))
    return check(lab, "07.2 one prediction", answer, close_to(expected, 1e-3),
                 "mu + b_u + b_i + p_u . q_i, with the weights read from the trained model (no clipping)")


def check_hit_rate_at(lab, answer, scores, k) -> str:
    import numpy as np

    expected = float(np.mean(positive_ranks(scores) < k))
    return check(lab, "07.3 HR@5", answer, close_to(expected, 1e-6),
                 "a row is a hit when fewer than 5 negatives score at least as high as its held-out item (column 0)")


def check_fixed_shelf_regret(lab, answer, click_probabilities, users) -> str:
    import numpy as np

    p = np.asarray(click_probabilities)[np.asarray(users)]
    best = int(np.argmax(p.sum(0)))
    expected = float((p.max(1) - p[:, best]).sum())
    return check(lab, "07.4 regret of one shelf", answer, close_to(expected, 1e-3 * max(1.0, abs(expected))),
                 "choose the shelf with the highest total click probability over the stream's users, then sum "
                 "max_a p[u, a] - p[u, best] over the stream")


def check_rescoring(lab, answer, users, candidates, popularity, margin: float = 0.02) -> str:
    """Exercise 07.5: ``answer(u, films) -> scores`` (higher first) must reach an HR@10 on the validation films
    (``candidates``: one row per user of ``users``, the held-out film in column 0) at least ``margin`` above
    popularity's (``popularity``: interactions per film, counted on the fitting part)."""
    popularity = np.asarray(popularity, float)
    candidates = np.asarray(candidates)
    baseline = hit_rate_ndcg(popularity[candidates])[0]

    def hit_rate(score):
        scores = np.stack([np.asarray(score(int(u), films), float).reshape(len(films))
                           for u, films in zip(users, candidates)])
        if not np.isfinite(scores).all():
            raise ValueError("a score is NaN or infinite (a user with no film? an empty mean?)")
        return hit_rate_ndcg(scores)[0]

    right = beats(hit_rate, baseline, margin, f"scores' HR@10 on the validation films of {len(candidates)} users",
                  "popularity")
    return check(lab, "07.5 a score that beats popularity", answer, right,
                 f"popularity's HR@10 on the validation films is {baseline:.3f}; yours must reach {baseline + margin:.3f}. "
                 "Keep popularity as a prior (log(1 + count)) and add how well the film's genres match the genres of "
                 "the user's own films (fit_films[u]); score all films of the row at once, one number each")
