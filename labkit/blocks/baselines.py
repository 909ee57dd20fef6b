"""Simple baselines the case studies set beside the fine-tuned encoder, defined once."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

C_GRID = (1.0, 10.0, 100.0)


def tfidf_logistic(train_texts: Sequence[str], train_labels: Sequence, valid_texts: Sequence[str],
                   valid_labels: Sequence, c_grid: Sequence[float] = C_GRID):
    """TF-IDF of words and word pairs + logistic regression, its inverse regularisation ``C`` chosen by
    accuracy on the validation split (the test split is never seen). Returns ``(vectorizer, model)``:
    ``model.predict(vectorizer.transform(texts))``; ``model.C`` is the chosen value."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if not c_grid:
        raise ValueError("c_grid is empty: give at least one value of C to try")
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = vectorizer.fit_transform(train_texts)
    valid = vectorizer.transform(valid_texts)
    fits = [LogisticRegression(C=c, max_iter=3000).fit(features, train_labels) for c in c_grid]
    return vectorizer, max(fits, key=lambda model: model.score(valid, valid_labels))


def mean_probabilities(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The simplest ensemble of two classifiers: the mean of their class probabilities (same class order)."""
    first, second = np.asarray(first, "float64"), np.asarray(second, "float64")
    if first.shape != second.shape:
        raise ValueError(f"probabilities of shapes {first.shape} and {second.shape}: expected the same "
                         "(examples, classes) in the same class order")
    return (first + second) / 2


def choose_on_validation(valid_probs: Mapping[str, np.ndarray], valid_labels: Sequence[int]) -> tuple[str, dict[str, float]]:
    """Which classifier to deploy: the one whose probabilities give the best accuracy on the validation split
    (the first listed on a tie; the test split plays no part). Returns ``(name, {name: validation accuracy})``."""
    if not valid_probs:
        raise ValueError("valid_probs is empty: give at least one classifier's validation probabilities")
    labels = np.asarray(valid_labels)
    accuracy = {name: float(np.mean(np.asarray(p).argmax(-1) == labels)) for name, p in valid_probs.items()}
    return max(accuracy, key=lambda name: accuracy[name]), accuracy
