"""Notebook 07's code: the MovieLens readers, the splits, the NCF evaluation, HR/NDCG, the bias baseline, the
matrix factorisation and two-tower models with their scoring, the shelf bandit's environment, and the bundled set's
leak rule."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from datasets.generator import corpus, lexicon
from labkit import ch07, data
from labkit.data import DataFormatError

REPO = Path(__file__).resolve().parents[1]
FLAGS = "|".join(["0"] * 19)


def write_set(folder: Path, ratings: str, items: str | None = None) -> Path:
    root = folder / "movielens"
    root.mkdir(parents=True, exist_ok=True)
    (root / "u.item").write_bytes((items or f"1|Caf\xe9 (1990)|01-Jan-1990|||{FLAGS}\n2|B (1991)||||{FLAGS}\n")
                                  .encode("latin-1"))
    (root / "u.data").write_text(ratings, encoding="latin-1")
    return folder


# --- readers ---------------------------------------------------------------------------------


def test_reads_movielens_layout(tmp_path):
    ratings = data.load_movielens(write_set(tmp_path, "7\t2\t4\t100\n3\t1\t5\t50\n7\t1\t1\t200\n"))
    assert ratings.user_ids == [3, 7] and ratings.item_ids == [1, 2]
    assert ratings.users.tolist() == [1, 0, 1] and ratings.items.tolist() == [1, 0, 0]
    assert ratings.ratings.tolist() == [4, 5, 1] and ratings.titles[0] == "Caf\xe9 (1990)"
    assert ratings.genres.shape == (2, 19) and ratings.descriptions == ["", ""]


@pytest.mark.parametrize("line, message", [("1\t1\t4\n", "line 2: expected 4 tab-separated fields"),
                                           ("1\t1\t6\t5\n", "line 2: rating 6 is outside 1..5"),
                                           ("1\t1\t0\t5\n", "line 2: rating 0 is outside 1..5"),
                                           ("1\t9\t3\t5\n", "line 2: item 9 is not in u.item"),
                                           ("1\tx\t3\t5\n", "line 2: item id 'x' is not a whole number")])
def test_bad_ratings_name_file_and_line(tmp_path, line, message):
    folder = write_set(tmp_path, "1\t1\t4\t5\n" + line)
    with pytest.raises(DataFormatError, match=message) as error:
        data.load_movielens(folder)
    assert "u.data" in str(error.value)


def test_bad_item_line_names_file_and_line(tmp_path):
    folder = write_set(tmp_path, "1\t1\t4\t5\n", items="1|A|||\n")
    with pytest.raises(DataFormatError, match=r"u.item, line 1: expected 24"):
        data.load_movielens(folder)


def test_user_missing_from_u_user(tmp_path):
    folder = write_set(tmp_path, "1\t1\t4\t5\n2\t1\t4\t5\n")
    (folder / "movielens" / "u.user").write_text("1|20|M|writer|00000\n")
    with pytest.raises(DataFormatError, match=r"u.data, line 2: user 2 is not in u.user"):
        data.load_movielens(folder)


def test_bundled_set_loads_with_descriptions():
    ratings = data.load("movielens")
    assert ratings.n_users >= 100 and ratings.n_items >= 100 and all(ratings.descriptions)
    assert set(np.unique(ratings.ratings)) <= {1, 2, 3, 4, 5}


def test_bundled_set_is_small():
    assert sum(p.stat().st_size for p in (REPO / "datasets" / "movielens").iterdir()) < 1_000_000


def test_no_title_or_description_shares_six_words_with_the_corpus():
    ratings = data.load("movielens")
    lines = [line for _, line in corpus.build(0)[0]]
    assert not lexicon.sharing_ngrams(ratings.titles, lines, lexicon.NGRAM)
    assert not lexicon.sharing_ngrams(ratings.descriptions, lines, lexicon.NGRAM)


# --- splits and baselines ----------------------------------------------------------------------


def test_random_split_is_seeded_and_complete():
    train, test = ch07.random_split(100, 0.2, seed=1)
    assert len(test) == 20 and sorted(np.r_[train, test].tolist()) == list(range(100))
    assert np.array_equal(test, ch07.random_split(100, 0.2, seed=1)[1])
    assert not np.array_equal(test, ch07.random_split(100, 0.2, seed=2)[1])
    with pytest.raises(ValueError, match="test_fraction"):
        ch07.random_split(10, 1.0, 0)


def toy(users, items, stamps, n_items=6):
    n = len(users)
    return data.Ratings(np.array(users), np.array(items), np.full(n, 4.0, np.float32), np.array(stamps),
                        user_ids=list(range(max(users) + 1)), item_ids=list(range(n_items)),
                        titles=[f"film {i}" for i in range(n_items)], genres=np.zeros((n_items, 19), np.float32),
                        descriptions=[""] * n_items)


def test_leave_last_out_holds_out_each_users_latest():
    ratings = toy([0, 0, 0, 1, 1, 2], [0, 1, 2, 3, 4, 5], [30, 10, 20, 5, 5, 1])
    train, test = ch07.leave_last_out(ratings)
    assert test.tolist() == [0, 4]  # user 0: time 30; user 1: a tie, the later line; user 2 has one interaction
    assert train.tolist() == [1, 2, 3, 5]
    train, test = ch07.leave_last_out(ratings, exclude_items=[0])
    assert test.tolist() == [2, 4] and 0 not in train


def test_validation_carved_from_training_holds_out_each_users_second_to_last():
    ratings = toy([0, 0, 0, 1, 1, 2], [0, 1, 2, 3, 4, 5], [30, 10, 20, 5, 5, 1])
    train, test = ch07.leave_last_out(ratings)
    fit, valid = ch07.leave_last_out(ratings, among=train)
    assert valid.tolist() == [2] and fit.tolist() == [1, 3, 5]  # user 1 has one training interaction left: fit only
    assert not set(fit) & set(test) and not set(valid) & set(test)


def test_a_split_with_users_and_items_that_training_lacks_is_scored_not_dropped():
    # film 5's only interaction is user 1's last; a fourth user met nothing at all
    ratings = toy([0, 0, 1, 1, 2, 2], [0, 1, 2, 5, 0, 3], [1, 2, 1, 9, 1, 2])
    train, test = ch07.leave_last_out(ratings)
    assert 5 in ratings.items[test] and 5 not in ratings.items[train]
    histories = ch07.user_histories(ratings.users[train], ratings.items[train], 4, np.arange(6))
    assert histories.shape == (4, 6) and not histories[3].any()  # a user training lacks: an all-zero history
    assert histories[1].tolist() == [0, 0, 1, 0, 0, 0]  # the held-out film is not in it
    skip = np.array([0, 0, -1, 0, 1, 2])  # films mapped to -1 (the cold ones) are left out, not wrapped around
    assert ch07.user_histories([0, 0], [2, 5], 1, skip).tolist() == [[0, 0, 1]]
    interacted = ch07.interaction_sets(ratings.users, ratings.items, 4)
    rows = ch07.sample_candidates(ratings.users[test], ratings.items[test], interacted, np.arange(6), 2, seed=0)
    popularity = np.bincount(ratings.items[train], minlength=6).astype(float)
    ranks = ch07.positive_ranks(popularity[rows])
    assert len(ranks) == len(test) and ranks[rows[:, 0].tolist().index(5)] > 0  # scored 0: counted, as a miss at k=1


def test_bias_baseline_recovers_biases():
    users, items = np.repeat(np.arange(20), 10), np.tile(np.arange(10), 20)
    true_u, true_i = np.linspace(-1, 1, 20), np.linspace(-0.5, 0.5, 10)
    r = 3 + true_u[users] + true_i[items]
    biases = ch07.fit_biases(users, items, r, 20, 10, reg_user=0, reg_item=0, passes=20)
    assert ch07.rmse(biases.predict(users, items), r) < 1e-6


# --- the NCF evaluation --------------------------------------------------------------------------


def test_candidates_exclude_everything_the_user_met():
    interacted = [{0, 1}, {2}]
    rows = ch07.sample_candidates([0, 1], [1, 2], interacted, np.arange(6), 3, seed=0)
    assert rows[:, 0].tolist() == [1, 2]
    assert not set(rows[0, 1:]) & {0, 1} and not set(rows[1, 1:]) & {2}
    assert all(len(set(row)) == 4 for row in rows)
    assert np.array_equal(rows, ch07.sample_candidates([0, 1], [1, 2], interacted, np.arange(6), 3, seed=0))
    with pytest.raises(ValueError, match="n_negatives"):
        ch07.sample_candidates([0], [1], interacted, np.arange(6), 5, seed=0)


def test_hit_rate_and_ndcg_by_hand():
    scores = np.array([[0.9, 0.1, 0.2],    # rank 0: hit, gain 1
                       [0.5, 0.9, 0.1],    # rank 1: hit, gain 1/log2(3)
                       [0.1, 0.5, 0.9],    # rank 2: miss at k=2
                       [0.5, 0.5, 0.1]])   # a tie counts against: rank 1
    assert ch07.positive_ranks(scores).tolist() == [0, 1, 2, 1]
    hr, ndcg = ch07.hit_rate_ndcg(scores, k=2)
    assert hr == pytest.approx(0.75)
    assert ndcg == pytest.approx((1 + 2 / math.log2(3)) / 4)



# --- the models (matrix factorisation, two towers) ------------------------------------------------


def test_biased_mf_predicts_mean_plus_biases_plus_the_dot_product():
    mf = ch07.BiasedMF(3, 4, 2, ch07.L2, 3.5)
    pairs = np.array([[0, 1], [2, 3]])
    predicted = np.asarray(mf(pairs))
    p, q = np.asarray(mf.p.embeddings), np.asarray(mf.q.embeddings)
    assert np.allclose(predicted, 3.5 + (p[[0, 2]] * q[[1, 3]]).sum(1), atol=1e-6)  # biases start at zero
    assert len(mf.losses) == 1  # the per-rating L2 penalty


def test_two_tower_scores_only_warm_films_and_picks_each_users_candidates():
    # users 0 and 1 met films 0..3; film 4 is cold
    ratings = toy([0, 0, 0, 1, 1, 1], [0, 1, 2, 1, 2, 3], [1, 2, 3, 1, 2, 3], n_items=5)
    warm = np.arange(4)
    position = np.full(5, -1)
    position[warm] = np.arange(4)
    train, held_out = ch07.leave_last_out(ratings, exclude_items=[4])
    model, histories = ch07.fit_tower(ratings, train, warm, position, 3, 0.5, epochs=1, batch_size=2)
    assert histories.shape == (2, 4) and histories.sum() == len(train)
    scores = ch07.film_scores(ratings, warm, model, histories)
    assert scores.shape == (2, 5) and np.isneginf(scores[:, 4]).all() and np.isfinite(scores[:, warm]).all()
    rows = np.array([[2, 0], [3, 1]])
    picked = ch07.candidate_scores(ratings, scores, held_out, rows)
    assert picked.tolist() == [[scores[0, 2], scores[0, 0]], [scores[1, 3], scores[1, 1]]]

# --- the bandit environment ------------------------------------------------------------------------


def test_click_probabilities_shrink_to_the_crowd():
    ratings = toy([0, 0, 1], [0, 1, 2], [1, 2, 3], n_items=3)
    ratings.genres[:, 1] = [1, 1, 0]
    ratings.genres[:, 2] = [0, 0, 1]
    p = ch07.genre_click_probabilities(ratings, [1, 2], shrink=0.0)
    assert p.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    crowd = ch07.genre_click_probabilities(ratings, [1, 2], shrink=1e9)
    assert crowd[0] == pytest.approx([2 / 3, 1 / 3])


def test_shelf_environment_rewards_follow_the_probabilities():
    contexts = np.eye(3, dtype=np.float32)
    probs = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    env = ch07.shelf_environment(contexts, probs, batch_size=4, seed=0)
    step = env.reset()
    for _ in range(5):
        users = env._current
        assert np.array_equal(step.observation, contexts[users])
        step = env.step(np.zeros(4, np.int32))
        assert np.array_equal(step.reward, probs[users, 0])  # probabilities 0 and 1 make the clicks certain
    assert len(env.shown) == 20 and env.actions == [0] * 20
    again = ch07.shelf_environment(contexts, probs, batch_size=4, seed=0)
    again.reset()
    for _ in range(5):
        again.step(np.ones(4, np.int32))
    assert again.shown == env.shown  # the same stream of users whatever the actions
