import numpy as np
import pytest

from labkit.blocks import baselines

TRAIN = (["refund my card", "card refund please", "where is my parcel", "parcel not arrived"] * 3,
         ["refund", "refund", "delivery", "delivery"] * 3)
VALID = (["please refund", "my parcel"], ["refund", "delivery"])


def test_tfidf_logistic_picks_c_on_validation_and_predicts():
    vectorizer, model = baselines.tfidf_logistic(*TRAIN, *VALID)
    assert model.C in baselines.C_GRID
    assert list(model.predict(vectorizer.transform(VALID[0]))) == VALID[1]


def test_tfidf_logistic_keeps_the_c_that_scores_best_on_validation():
    # three refunds to one delivery: C = 1e-6 leaves only the intercept, which answers "refund" to
    # everything and misses the validation parcel; C = 10 reads the words and gets it
    train = (["refund my card", "card refund please", "refund it", "where is my parcel"] * 3,
             ["refund", "refund", "refund", "delivery"] * 3)
    _, model = baselines.tfidf_logistic(*train, ["my parcel"], ["delivery"], c_grid=(1e-6, 10.0))
    assert model.C == 10.0


def test_tfidf_logistic_rejects_an_empty_grid():
    with pytest.raises(ValueError, match="c_grid"):
        baselines.tfidf_logistic(*TRAIN, *VALID, c_grid=())


def test_choose_on_validation_picks_the_best_accuracy_and_the_first_on_a_tie():
    labels = [0, 1, 1]
    right_twice = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    right_thrice = np.array([[0.6, 0.4], [0.4, 0.6], [0.1, 0.9]])
    name, accuracy = baselines.choose_on_validation({"a": right_twice, "b": right_thrice}, labels)
    assert name == "b" and accuracy == {"a": 2 / 3, "b": 1.0}
    assert baselines.choose_on_validation({"a": right_thrice, "b": right_thrice}, labels)[0] == "a"
    with pytest.raises(ValueError, match="valid_probs is empty"):
        baselines.choose_on_validation({}, labels)


def test_mean_probabilities_averages_and_refuses_mismatched_shapes():
    mean = baselines.mean_probabilities(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]))
    assert mean.tolist() == [[0.75, 0.25]]
    with pytest.raises(ValueError, match="same"):
        baselines.mean_probabilities(np.ones((1, 2)), np.ones((1, 3)))
