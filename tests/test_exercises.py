"""Exercise checks give a verdict and never raise; the two editions come from one source."""
import json

import nbformat
import pytest

from labkit.course import exercises
from labkit.course.editions import edition, solution_blocks
from labkit.course.lab import Lab
from labkit.course.profiles import get_profile


@pytest.fixture
def lab(tmp_path):
    return Lab("99_test", get_profile("ci"), 0, tmp_path, None)


def test_three_verdicts_recorded_and_nothing_raised(lab, capsys):
    assert exercises.check(lab, "a", 4, exercises.equals(4), "hint a") == exercises.RIGHT
    assert exercises.check(lab, "b", 5, exercises.equals(4), "count again") == exercises.NOT_YET
    assert exercises.check(lab, "c", None, exercises.equals(4), "hint c") == exercises.NOT_ATTEMPTED
    assert exercises.check(lab, "d", "x", exercises.close_to(0.5, 0.01), "a number") == exercises.NOT_YET
    out = capsys.readouterr().out
    assert "Exercise a: right" in out and "Hint: count again" in out and "not attempted" in out
    assert "raised ValueError" in out  # float("x") failed inside the test: shown, not raised
    assert json.loads(lab.exercises_path.read_text()) == {
        "a": "right", "b": "not yet", "c": "not attempted", "d": "not yet"}


def test_close_to():
    assert exercises.close_to(0.73, 0.005)(0.732) and not exercises.close_to(0.73, 0.005)(0.74)


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_editions_remove_solutions_and_answers_only_for_students():
    nb = notebook(("code", "x = None  # your answer\n# BEGIN SOLUTION\nx = 42\n# END SOLUTION", ["exercise"]),
                  ("code", "check(x)", ["check"]),
                  ("markdown", "1. Why?", []),
                  ("markdown", "1. Because.", ["answers"]))
    student, instructor = edition(nb, student=True), edition(nb, student=False)
    assert student.cells[0].source == "x = None  # your answer"
    assert [c.source for c in student.cells[1:]] == ["check(x)", "1. Why?"]
    assert instructor.cells[0].source == "x = None  # your answer\nx = 42"
    assert len(instructor.cells) == 4 and nb.cells[0].source.count("SOLUTION") == 2  # the source is untouched


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_unpaired_markers_are_named(source, message):
    with pytest.raises(ValueError, match=message):
        solution_blocks(source)


def test_safe_cliff_path_judges_the_greedy_walk(lab):
    import numpy as np

    from labkit import ch03

    edge, safe = np.zeros((48, 4)), np.zeros((48, 4))
    edge[36, 0] = 1  # up from the start, then right along the edge, then down to the goal
    edge[24:35, 1] = 1
    edge[35, 2] = 1
    safe[36, 0] = safe[24, 0] = 1  # one row higher: away from the edge
    safe[12:23, 1] = 1
    safe[23, 2] = safe[35, 2] = 1
    assert ch03.cliff_greedy_path(safe)[-1] == 47 and len(ch03.cliff_greedy_path(safe)) == 15
    assert ch03.check_safe_cliff_path(lab, safe) == exercises.RIGHT
    assert ch03.check_safe_cliff_path(lab, edge) == exercises.NOT_YET
    assert ch03.check_safe_cliff_path(lab, np.zeros((48, 4))) == exercises.NOT_YET  # up forever: never at the goal
    assert ch03.check_safe_cliff_path(lab, None) == exercises.NOT_ATTEMPTED


def test_capital_letter_tagger_must_beat_the_unigram_baseline(lab):
    from labkit import ch02
    from labkit.data import TaggedSentence

    train = [TaggedSentence(["Ada", "visits", "Paris"], ["B-PER", "O", "B-LOC"])]
    test = [TaggedSentence(["Then", "Bob", "visits", "Rome"], ["O", "B-PER", "O", "B-LOC"])]
    unigram = lambda tokens: ["O"] * len(tokens)  # noqa: E731 - what the unigram baseline says on unseen words
    capital = lambda tokens: ["B-PER" if i and w[0].isupper() else "O" for i, w in enumerate(tokens)]  # noqa: E731
    assert ch02.check_capital_letter_tagger(lab, capital, train, test) == exercises.RIGHT
    assert ch02.check_capital_letter_tagger(lab, unigram, train, test) == exercises.NOT_YET
    assert ch02.check_capital_letter_tagger(lab, lambda tokens: ["O"], train, test) == exercises.NOT_YET  # one tag short


def test_occlusion_method_must_pick_the_costliest_word(lab):
    import numpy as np

    from labkit import ch04

    def classify(texts):  # probability of class 0 grows with the number of "card" and "lost" in the text
        p = np.array([0.2 + 0.5 * ("card" in t.split()) + 0.2 * ("lost" in t.split()) for t in texts])
        return np.stack([p, 1 - p], axis=1)

    def occlusion(text, label):
        words = text.split()
        copies = [" ".join(w for j, w in enumerate(words) if j != i) for i in range(len(words))]
        return classify([text])[0, label] - classify(copies)[:, label]

    assert ch04.check_occlusion_method(lab, occlusion, classify, ["my card is lost"]) == exercises.RIGHT
    assert ch04.check_occlusion_method(lab, lambda text, label: [0, 0, 0, 1], classify, ["my card is lost"]) == \
        exercises.NOT_YET


def test_word_list_rule_must_beat_the_word_list(lab):
    from labkit import ch06

    texts = ["Costs rose sharply", "Operating loss narrowed", "Sales increased", "The board met in Espoo",
             "Profit fell", "The company signed a contract"]
    labels = ["negative", "positive", "positive", "neutral", "negative", "positive"]
    truth = dict(zip(texts, labels))
    assert ch06.check_word_list_rule(lab, truth.get, texts, labels) == exercises.RIGHT  # a perfect rule
    assert ch06.check_word_list_rule(lab, ch06.lexicon_label, texts, labels) == exercises.NOT_YET  # the baseline itself
    assert ch06.check_word_list_rule(lab, lambda text: "up", texts, labels) == exercises.NOT_YET  # not a label
    assert ch06.check_word_list_rule(lab, None, texts, labels) == exercises.NOT_ATTEMPTED


def test_rescoring_must_beat_popularity_on_the_validation_films(lab):
    import numpy as np

    from labkit import ch07

    rng = np.random.default_rng(0)
    candidates = np.stack([rng.permutation(40)[:30] for _ in range(30)])  # 30 users, held-out film in column 0
    popularity = np.arange(40, dtype=float)  # the higher the number, the more popular the film
    oracle = lambda u, films: (films == candidates[u, 0]).astype(float)  # noqa: E731 - knows each user's film
    assert ch07.check_rescoring(lab, oracle, range(30), candidates, popularity) == exercises.RIGHT
    assert ch07.check_rescoring(lab, lambda u, films: popularity[films], range(30), candidates, popularity) == \
        exercises.NOT_YET
    assert ch07.check_rescoring(lab, lambda u, films: np.full(len(films), np.nan), range(30), candidates,
                                popularity) == exercises.NOT_YET  # NaN scores: a hint, not a crash
    assert ch07.check_rescoring(lab, None, range(30), candidates, popularity) == exercises.NOT_ATTEMPTED


def test_relation_rule_must_beat_the_type_pair_prior(lab):
    from labkit import ch08
    from labkit.data import Entity, Relation, RelationSentence

    def sentence(words, entities, relations):
        return RelationSentence(words.split(), [Entity(*e) for e in entities], [Relation(*r) for r in relations])

    train = [sentence("Ana works for Acme", [("Peop", 0, 1), ("Org", 3, 4)], [("Work_For", 0, 1)])]
    valid = [sentence("Bo works for Zeta", [("Peop", 0, 1), ("Org", 3, 4)], [("Work_For", 0, 1)]),
             sentence("Cy sued Zeta", [("Peop", 0, 1), ("Org", 2, 3)], [])]
    cue = lambda tokens, entities: [(0, 1, "Work_For")] if "works" in tokens else []  # noqa: E731
    assert ch08.check_relation_rule(lab, cue, train, valid) == exercises.RIGHT
    assert ch08.check_relation_rule(lab, ch08.type_pair_prior(train), train, valid) == exercises.NOT_YET
    assert ch08.check_relation_rule(lab, lambda tokens, entities: [(0, 1)], train, valid) == exercises.NOT_YET
    assert ch08.check_relation_rule(lab, None, train, valid) == exercises.NOT_ATTEMPTED


def test_top_p_rule_keeps_the_nucleus_only(lab):
    import numpy as np

    from labkit import ch09

    def top_p(logits, p):
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        order = np.argsort(-probs)
        keep = order[: np.searchsorted(np.cumsum(probs[order]), p) + 1]
        out = np.zeros_like(probs)
        out[keep] = probs[keep] / probs[keep].sum()
        return out

    def top_k(logits, p):  # the 10 most likely tokens whatever p: not the nucleus
        out = np.zeros_like(logits)
        keep = np.argsort(-logits)[:10]
        out[keep] = np.exp(logits[keep] - logits[keep].max())
        return out / out.sum()

    def not_renormalised(logits, p):
        probs = top_p(logits, 1.0)
        return np.where(top_p(logits, p) > 0, probs, 0.0)

    logits = np.random.default_rng(1).normal(0, 2, 200)
    assert ch09.check_top_p_rule(lab, top_p, logits) == exercises.RIGHT
    assert ch09.check_top_p_rule(lab, top_k, logits) == exercises.NOT_YET
    assert ch09.check_top_p_rule(lab, not_renormalised, logits) == exercises.NOT_YET
    assert ch09.check_top_p_rule(lab, lambda logits, p: np.sort(top_p(logits, p))[::-1], logits) == exercises.NOT_YET
    assert ch09.check_top_p_rule(lab, None, logits) == exercises.NOT_ATTEMPTED
