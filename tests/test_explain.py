"""labkit.ch04 on a toy model whose answer depends on one known word ("refund")."""
import keras
import numpy as np
import pytest

from labkit import ch04
from labkit.blocks.text import SPECIAL_TOKENS, UNK_ID, make_tokenizer

WORDS = ["i", "want", "a", "refund", "please", "for", "my", "order", "now", "?"]
VOCAB = SPECIAL_TOKENS + WORDS


@pytest.fixture(scope="module")
def encoder():
    return ch04.WordEncoder(make_tokenizer(VOCAB, seq_len=12))


@pytest.fixture(scope="module")
def toy_model():
    """Class 1 ("refund") when the token "refund" is present, else class 0."""
    weights = np.zeros((len(VOCAB), 1), "float32")
    weights[VOCAB.index("refund")] = 8.0
    ids = keras.Input((12,), dtype="int32")
    logit = keras.ops.sum(keras.layers.Embedding(len(VOCAB), 1, weights=[weights])(ids), axis=(1, 2)) - 4.0
    p = keras.ops.sigmoid(logit)[:, None]
    return keras.Model(ids, keras.ops.concatenate([1 - p, p], axis=1))


def test_split_words_keeps_punctuation_and_the_mask_word():
    assert ch04.split_words("a refund, please?") == ["a", "refund", ",", "please", "?"]
    assert ch04.split_words(f"my {ch04.MASK_WORD} now") == ["my", "[UNK]", "now"]


def test_encode_gives_each_word_its_token_span(encoder):
    ids, spans = encoder.encode([["i", "want", "a", "refund"], ["my", ch04.MASK_WORD]])
    assert ids.shape == (2, 12) and ids.dtype == np.int32
    assert spans[0] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert ids[0, 3] == VOCAB.index("refund") and ids[0, 4] == 0
    assert ids[1, 1] == UNK_ID


def test_an_empty_sentence_becomes_a_lone_unknown_token(encoder):
    ids, spans = encoder.encode([[]])
    assert ids[0].tolist() == [UNK_ID] + [0] * 11 and spans == [[]]


def test_words_past_the_sequence_length_get_empty_spans(encoder):
    ids, spans = encoder.encode([WORDS + WORDS])
    assert ids[0, -1] == VOCAB.index(WORDS[1])
    assert spans[0][11] == (11, 12) and spans[0][12] == (12, 12)
    scores = ch04.word_scores_from_tokens(np.arange(12.0), spans[0])
    assert scores[11] == 11.0 and scores[12] == 0.0


def test_word_scores_sum_their_tokens():
    assert ch04.word_scores_from_tokens([1.0, 2.0, 3.0, 0.0], [(0, 2), (2, 3)]).tolist() == [3.0, 3.0]


def test_classifier_fn_runs_in_batches_and_matches_the_model(toy_model, encoder):
    calls = []

    def predict(ids):
        calls.append(len(ids))
        return ch04.keras_predict(toy_model)(ids)

    classify = ch04.text_classifier_fn(predict, encoder, batch_size=2)
    probs = classify(["i want a refund", "my order now", "a refund please", "i want"] + ["now"])
    assert calls == [2, 2, 1]
    assert probs.shape == (5, 2)
    assert (probs[:, 1] > 0.9).tolist() == [True, False, True, False, False]


def test_word_tag_fn_reads_the_tag_at_the_words_first_token(encoder):
    def tagger(ids):  # "tag" 1 exactly where the token is "refund"
        hit = (ids == VOCAB.index("refund")).astype("float32")
        return np.stack([1 - hit, hit], axis=-1)

    classify = ch04.word_tag_fn(tagger, encoder, word_index=2)
    probs = classify(["i want refund", f"i {ch04.MASK_WORD} refund", f"i want {ch04.MASK_WORD}"])
    assert probs[:, 1].tolist() == [1.0, 1.0, 0.0]


def test_deletion_test_finds_the_one_word_that_matters(toy_model, encoder):
    classify = ch04.text_classifier_fn(ch04.keras_predict(toy_model), encoder)
    words = ["i", "want", "a", "refund", "for", "my", "order"]
    right = np.array([0, 0, 0, 5.0, 0, 0, 0])
    wrong = np.array([5.0, 4, 3, -1, 2, 1, 0])
    good = ch04.deletion_curve(classify, words, right, label=1, max_k=3)
    bad = ch04.deletion_curve(classify, words, wrong, label=1, max_k=3)
    assert good.shape == (4,) and good[0] == 0.0
    assert good[1] > 0.9 and abs(bad[3]) < 1e-6
    assert ch04.area_over_curve(np.stack([good, good])) == pytest.approx(good[1:].mean())
    assert ch04.area_over_curve(good) > ch04.area_over_curve(bad)


def test_deletion_test_needs_a_word_left(toy_model, encoder):
    classify = ch04.text_classifier_fn(ch04.keras_predict(toy_model), encoder)
    with pytest.raises(ValueError, match="more than 3 words"):
        ch04.deletion_curve(classify, ["a", "refund", "now"], [1, 2, 3], label=1, max_k=3)
    with pytest.raises(ValueError, match="scores has 2 entries for 3 words"):
        ch04.deletion_curve(classify, ["a", "refund", "now"], [1, 2], label=1, max_k=1)


def test_random_scores_are_seeded():
    a = ch04.random_scores(6, np.random.default_rng(0))
    assert a.tolist() == ch04.random_scores(6, np.random.default_rng(0)).tolist()


def test_rank_correlation():
    assert ch04.rank_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert ch04.rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert ch04.rank_correlation([1, 1, 1], [1, 2, 3]) == 0.0
    with pytest.raises(ValueError, match="same length"):
        ch04.rank_correlation([1, 2], [1, 2, 3])


def test_lime_word_scores_put_weights_at_word_positions():
    class FakeExplanation:
        def as_map(self):
            return {1: [(2, 0.5), (0, -0.25)]}

    assert ch04.lime_word_scores(FakeExplanation(), 1, 4).tolist() == [-0.25, 0.0, 0.5, 0.0]


def test_highlight_escapes_markup():
    text = 'refund <script>alert("x")</script> & <b>now</b>'
    page = ch04.highlight_html(text, np.linspace(-1, 1, len(ch04.split_words(text))), title="<i>label</i>")
    assert "<script>" not in page and "<b>now" not in page and "<i>label" not in page
    assert page.count("&lt;") == page.count("&gt;") == 6 and "&amp;" in page and "&quot;" in page
    with pytest.raises(ValueError, match="scores has 1 entries"):
        ch04.highlight_html("two words", [1.0])


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   ", "empty"), ("zebra quokka", "none of the words"), ("? ?", "none of the words"),
    ("refund", "at least 2"),
])
def test_bad_sentences_get_clear_messages(encoder, text, message):
    with pytest.raises(ValueError, match=message):
        ch04.check_sentence(encoder, text, min_words=2)


def test_a_sentence_with_some_known_words_passes(encoder):
    assert ch04.check_sentence(encoder, "zebra refund") == ["zebra", "refund"]


class FakePolicy:
    """Picks action 1 when the instruction vector's first entry is positive, else action 0."""

    def __init__(self, stochastic):
        self.stochastic = stochastic

    def distribution(self, time_step, policy_state):
        import tensorflow_probability as tfp
        from tf_agents.trajectories import policy_step

        assert time_step.observation["objects"].shape[0] == time_step.observation["instruction"].shape[0]
        go = time_step.observation["instruction"][:, 0] > 0
        if self.stochastic:
            dist = tfp.distributions.Categorical(probs=np.where(go[:, None], [0.2, 0.8], [0.9, 0.1]))
        else:
            dist = tfp.distributions.Deterministic(np.where(go, 1, 0))
        return policy_step.PolicyStep(dist, (), ())


@pytest.mark.parametrize("stochastic, expected", [(True, [[0.2, 0.8], [0.9, 0.1]]), (False, [[0, 1], [1, 0]])])
def test_policy_action_fn_reads_the_action_distribution(stochastic, expected):
    observation = {"objects": np.zeros((3, 5), "float32"), "instruction": np.zeros(2, "float32")}
    embed = lambda texts: np.array([[1.0 if "go" in t else -1.0, 0.0] for t in texts])
    act = ch04.policy_action_fn(FakePolicy(stochastic), observation, embed, num_actions=2, batch_size=1)
    assert np.allclose(act(["go to it", "stay"]), expected)
