import pytest

from labkit import baselines

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
