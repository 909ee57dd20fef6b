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


def test_masking_rule_is_judged_by_what_it_does(lab):
    import numpy as np

    from labkit import ch01
    from labkit.blocks import text

    specials, vocab_size = len(text.SPECIAL_TOKENS), 300
    windows = np.random.default_rng(1).integers(specials, vocab_size, (200, 64))
    windows[::3, 50:] = text.PAD_ID
    windows[:, 0] = 2  # a [CLS] in front

    def bert(ids, rng, rate=0.15):
        selected = np.flatnonzero((ids >= specials) & (rng.random(len(ids)) < rate))
        masked, u = ids.copy(), rng.random(len(selected))
        masked[selected[u < 0.8]] = text.MASK_ID
        swap = selected[(u >= 0.8) & (u < 0.9)]
        masked[swap] = rng.integers(specials, vocab_size, len(swap))
        return masked, selected

    def always_mask(ids, rng):
        masked, selected = bert(ids, rng)
        masked[selected] = text.MASK_ID
        return masked, selected

    def first_tokens(ids, rng):  # the right share, but always the same positions
        selected = np.flatnonzero(ids >= specials)[:10]
        masked = ids.copy()
        masked[selected] = text.MASK_ID
        return masked, selected

    def any_position(ids, rng):  # [PAD] and [CLS] may be selected
        selected = np.flatnonzero(rng.random(len(ids)) < 0.15)
        masked = ids.copy()
        masked[selected] = text.MASK_ID
        return masked, selected

    def check(rule):
        return ch01.check_masking_rule(lab, rule, windows, 0.15, vocab_size)
    assert check(bert) == exercises.RIGHT
    assert check(lambda ids, rng: bert(ids, rng, 0.3)) == exercises.NOT_YET  # twice the rate
    for wrong in (always_mask, first_tokens, any_position, lambda ids, rng: (ids, [])):
        assert check(wrong) == exercises.NOT_YET
    assert check(lambda ids, rng: ids) == exercises.NOT_YET  # not a pair: raises inside, a verdict outside
    assert check(None) == exercises.NOT_ATTEMPTED


def test_oos_rule_must_catch_more_within_the_accuracy_budget(lab):
    import numpy as np

    from labkit import ch05

    rng = np.random.default_rng(0)
    n, classes, oos_id = 400, 5, 4
    y = rng.integers(0, classes, n)
    logits = rng.normal(0, 1, (n, classes))
    inscope = y != oos_id
    logits[inscope, y[inscope]] += 5.0  # in scope: confident and mostly right
    logits[~inscope, rng.integers(0, oos_id, (~inscope).sum())] += 1.0  # out of scope: a hesitant wrong guess
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)

    def check(rule):
        return ch05.check_oos_rule(lab, rule, probs, y, oos_id)
    assert check(lambda p: p.max(-1) < 0.5) == exercises.RIGHT
    assert check(lambda p: np.zeros(len(p), bool)) == exercises.NOT_YET  # no threshold: no gain
    assert check(lambda p: np.ones(len(p), bool)) == exercises.NOT_YET  # everything out of scope: accuracy lost
    assert check(lambda p: np.zeros(3, bool)) == exercises.NOT_YET  # not one flag per request
    assert check(None) == exercises.NOT_ATTEMPTED


def test_routing_fallback_must_beat_the_keyword_rules(lab):
    from labkit import ch10

    rows = [("please write a poem about the sea", "draft"), ("recommend a film for user 3", "recommend"),
            ("could you pen some verses on autumn", "draft"), ("any cinema tips for viewer 9", "recommend"),
            ("what is the weather on mars", "out_of_scope"), ("my plastic was refused at the till", "service")]
    requests = [ch10.Request(text, skill, {}, text) for text, skill in rows]
    truth = {r.text: r.skill for r in requests}
    assert ch10.check_routing_fallback(lab, lambda texts: [truth[t] for t in texts], requests, None) == exercises.RIGHT
    assert ch10.check_routing_fallback(lab, lambda texts: [ch10.keyword_route(t) for t in texts], requests, None) == \
        exercises.NOT_YET
    assert ch10.check_routing_fallback(lab, lambda texts: ["weather"] * len(texts), requests, None) == exercises.NOT_YET
    assert ch10.check_routing_fallback(lab, lambda texts: ["draft"], requests, None) == exercises.NOT_YET
    assert ch10.check_routing_fallback(lab, None, requests, None) == exercises.NOT_ATTEMPTED


def test_mission_encoding_must_tell_colour_and_object_in_new_wordings(lab):
    import zlib

    import numpy as np

    from labkit import ch11

    index = {w: i for i, w in enumerate(dict.fromkeys(ch11.BABYAI_WORDS))}

    def bag(mission):
        counts = np.zeros(len(index) + 1)
        for word in ch11.mission_words(mission):
            counts[index.get(word, len(index))] += 1
        return counts

    def whole_string(mission):  # one random vector per string: nothing carries over to a new wording
        return np.random.default_rng(zlib.crc32(mission.encode())).normal(size=32)

    missions = ["go to the red ball", "go to a grey key"]
    assert ch11.check_mission_encoding(lab, bag, missions) == exercises.RIGHT
    assert ch11.check_mission_encoding(lab, whole_string, missions) == exercises.NOT_YET
    assert ch11.check_mission_encoding(lab, lambda m: np.zeros(8), missions) == exercises.NOT_YET
    assert ch11.check_mission_encoding(lab, lambda m: np.ones(len(m)), missions) == exercises.NOT_YET  # lengths differ
    assert ch11.check_mission_encoding(lab, None, missions) == exercises.NOT_ATTEMPTED


def test_beats_passes_at_the_bar_and_prints_both_figures(capsys):
    test = exercises.beats(lambda f: f(), 0.5, 0.02, "rule's F1", "the baseline")
    assert test(lambda: 0.52) and not test(lambda: 0.51)
    assert "your rule's F1: 0.510; the baseline: 0.500 (needed: 0.520)" in capsys.readouterr().out
