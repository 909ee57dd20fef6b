"""labkit.ch09: prompts, the sampling loop, distinct-n and the Kneser-Ney baseline (fast, no training)."""
import math

import numpy as np
import pytest

from labkit import ch09
from labkit.blocks import text
from labkit.ch09 import BOS_ID, EOS_ID, GenerationError, KneserNeyTrigram

VOCAB = [*text.SPECIAL_TOKENS, "the", "cat", "sat", "on", "mat", "dog", "ran", "##s", ".", "a"]


@pytest.fixture(scope="module")
def tokenizer():
    return text.make_tokenizer(VOCAB, None, lowercase=True)


def test_special_ids_are_cls_and_sep():
    assert VOCAB[BOS_ID] == "[CLS]" and VOCAB[EOS_ID] == "[SEP]"


def test_lm_windows_make_every_token_a_target_once(tokenizer):
    windows = ch09.lm_windows(tokenizer, ["the cat sat on the mat .", "the dog ran"], 4)
    assert windows.dtype == np.int32 and windows.shape[1] == 4
    framed = ch09.frame(tokenizer, ["the cat sat on the mat .", "the dog ran"])
    targets = [t for w in windows for t in w[1:] if t != text.PAD_ID]
    assert targets == [t for ids in framed for t in ids[1:]]
    assert windows[0, 0] == BOS_ID
    with pytest.raises(ValueError, match="length"):
        ch09.lm_windows(tokenizer, ["the cat"], 1)


@pytest.mark.parametrize("prompt, new, message", [
    ("", 5, "empty"), ("   ", 5, "empty"), ("☃ ☂", 5, "no word of the prompt"), ("the cat", 0, "at least 1"),
    ("the cat", -2, "at least 1"), ("the cat", 2.5, "whole number"), ("the cat", 20, "beyond the model's context"),
    ("the cat sat on the mat the cat sat on the mat", 1, "shorten it"), (None, 3, "string"),
])
def test_bad_prompts_get_a_clear_message(tokenizer, prompt, new, message):
    with pytest.raises(GenerationError, match=message):
        ch09.encode_prompt(tokenizer, prompt, new, context=12)


def test_a_good_prompt_starts_with_cls(tokenizer):
    ids = ch09.encode_prompt(tokenizer, "The cats sat", 3, context=12)
    assert ids[0] == BOS_ID and [VOCAB[i] for i in ids[1:]] == ["the", "cat", "##s", "sat"]
    assert ch09.encode_prompt(tokenizer, "the ☃ cat", 1, context=12)  # one unknown word among known ones is fine
    assert isinstance(GenerationError("x"), ValueError)


def test_generate_with_a_keras_hub_sampler_keeps_prompts_and_stops():
    import keras
    import keras_hub

    # a fake model: after token t it always says t + 1, and EOS after id 8
    def next_logits(tokens, index):
        previous = keras.ops.take(tokens, index - 1, axis=1)
        following = keras.ops.where(previous >= 8, EOS_ID, previous + 1)
        return keras.ops.one_hot(following, len(VOCAB)) * 50.0

    tokens, mask = ch09.generate(next_logits, keras_hub.samplers.GreedySampler(), [[BOS_ID, 5], [BOS_ID, 6, 7]], 4)
    assert tokens.shape == (2, 7) and mask.sum(1).tolist() == [2, 3]
    assert tokens[0, :2].tolist() == [BOS_ID, 5] and tokens[1, :3].tolist() == [BOS_ID, 6, 7]
    assert ch09.completions(tokens, mask) == [[6, 7, 8], [8]]
    gm = ch09.generated_mask(tokens, mask)
    assert gm[0].tolist() == [0, 0, 1, 1, 1, 1, 0] and gm[1].tolist() == [0, 0, 0, 1, 1, 0, 0]
    with pytest.raises(GenerationError):
        ch09.prompt_buffer([[]], 3)
    with pytest.raises(GenerationError):
        ch09.prompt_buffer([[BOS_ID]], 0)


def test_detokenize_glues_word_pieces():
    ids = [BOS_ID, VOCAB.index("the"), VOCAB.index("cat"), VOCAB.index("##s"), VOCAB.index("."), EOS_ID, 0]
    assert ch09.detokenize(VOCAB, ids) == "the cats ."


def test_distinct_n():
    assert ch09.distinct_n([[1, 2, 3], [1, 2, 4]], 2) == pytest.approx(3 / 4)
    assert ch09.distinct_n([[1, 1, 1, 1]], 2) == pytest.approx(1 / 3)
    assert ch09.distinct_n([[1], []], 2) == 0.0
    assert ch09.distinct_n([[1, 2], [3, 1]], 1) == pytest.approx(3 / 4)
    with pytest.raises(ValueError, match="n must"):
        ch09.distinct_n([[1, 2]], 0)


def test_kneser_ney_is_a_distribution_and_learns():
    rng = np.random.default_rng(0)
    sequences = [[BOS_ID, *rng.choice([5, 6, 7, 8], size=rng.integers(2, 9)).tolist(), EOS_ID] for _ in range(50)]
    sequences += [[BOS_ID, 5, 6, 7, EOS_ID]] * 20
    lm = KneserNeyTrigram(len(VOCAB)).fit(sequences)
    for u, v in [(KneserNeyTrigram.START, BOS_ID), (5, 6), (6, 7), (9, 10), (KneserNeyTrigram.START, 12)]:
        assert sum(ch09.ngram_table(lm, u, v).values()) == pytest.approx(1.0)
    assert all(lm.prob(9, 10, w) > 0 for w in range(len(VOCAB)))  # unseen context: backs off, never 0
    assert lm.prob(5, 6, 7) > 0.5  # the repeated sequence is learned
    windows = np.array([[BOS_ID, 5, 6, 7, EOS_ID, 0]], "int32")
    log_probs, weights = lm.window_log_probs(windows)
    assert weights[0].tolist() == [1, 1, 1, 1, 0]
    assert log_probs[0, 0] == pytest.approx(math.log(lm.prob(KneserNeyTrigram.START, BOS_ID, 5)))
    assert log_probs[0, 2] == pytest.approx(math.log(lm.prob(5, 6, 7)))
    assert lm.perplexity(windows) == pytest.approx(math.exp(-log_probs[0, :4].mean()))
    assert lm.perplexity(windows) < len(VOCAB)  # far better than uniform on text it has seen
    with pytest.raises(ValueError, match="discount"):
        KneserNeyTrigram(10, d=1.5)
    with pytest.raises(ValueError, match="no sequence"):
        KneserNeyTrigram(10).fit([[3]])
