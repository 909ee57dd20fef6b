"""The encoder artifact: build, save/load round trip, vocabulary checks, sentence embeddings, fallbacks."""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import inspect
from pathlib import Path

import nbformat
import numpy as np
import pytest

from labkit import encoder as E
from labkit import text
from labkit.lab import Lab
from labkit.profiles import get_profile

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(vocab_size=200, seq_len=16, hidden_dim=16, num_layers=1, num_heads=2, intermediate_dim=32,
            corpus_max_lines=60, mlm_batch_size=16, fallback_mlm_epochs=1, cls_epochs=1, ner_epochs=1)
CORPUS = ["I lost my debit card in Brussels.", "The bank froze the card and sent a new one.",
          "Shares in the bank fell after the report."] * 20


def tiny_bundle(vocab_size_offset=0):
    vocab = text.build_vocabulary(CORPUS, 150)
    tokenizer = text.make_tokenizer(vocab, 16)
    encoder = E.build_encoder(len(vocab) + vocab_size_offset, 16, 16, 1, 2, 32)
    return encoder, tokenizer, vocab


@pytest.fixture
def lab(tmp_path):
    return Lab("99_test", get_profile("ci", **TINY), 0, tmp_path / "99_test", None)


def test_encoder_maps_token_ids_to_hidden_states():
    encoder, tokenizer, vocab = tiny_bundle()
    hidden = encoder(text.tokenize(tokenizer, ["the card", "the bank"]))
    assert tuple(hidden.shape) == (2, 16, 16)


def test_vocabulary_mismatch_is_a_clear_error():
    encoder, tokenizer, vocab = tiny_bundle(vocab_size_offset=3)
    with pytest.raises(ValueError, match=f"embedding has {len(vocab) + 3} rows .* vocabulary has {len(vocab)}"):
        E.EncoderBundle(encoder, tokenizer, vocab, 16)


def test_save_load_round_trip_and_embed_sentences(lab):
    bundle = E.EncoderBundle(*tiny_bundle(), 16)
    E.save_encoder(lab, bundle)
    loaded = E.load_encoder(lab)
    assert loaded.vocab == bundle.vocab and loaded.seq_len == 16
    sentences = ["I lost my card", "the bank", "shares fell"]
    vectors = E.embed_sentences(loaded, sentences, batch_size=2)
    assert vectors.shape == (3, 16) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, E.embed_sentences(bundle, sentences), atol=1e-5)


def test_embed_sentences_ignores_padding():
    bundle = E.EncoderBundle(*tiny_bundle(), 16)
    ids = text.tokenize(bundle.tokenizer, ["the card"])
    hidden = np.asarray(bundle.encoder(ids))[0, : int((ids != 0).sum())]
    np.testing.assert_allclose(E.embed_sentences(bundle, ["the card"])[0], hidden.mean(0), atol=1e-5)


def test_load_encoder_rejects_a_stale_vocabulary(lab):
    bundle = E.EncoderBundle(*tiny_bundle(), 16)
    E.save_encoder(lab, bundle)
    text.save_vocabulary(bundle.vocab + ["extra"], lab.artifacts_dir / E.VOCAB_FILE)
    with pytest.raises(ValueError, match="different runs"):
        E.load_encoder(lab)


def test_mlm_model_and_dataset_fit_one_step():
    encoder, tokenizer, vocab = tiny_bundle()
    profile = get_profile("ci", **TINY)
    model = E.compile_mlm(E.build_mlm_model(encoder, E.mask_length(profile)), 1e-3, False)
    windows = text.token_windows(tokenizer, CORPUS[:8])
    history = model.fit(E.mlm_dataset(windows, E.make_masker(len(vocab), profile), 8), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_fallbacks_build_save_and_reload(lab):
    """No artifacts: load_* pretrain and fine-tune small models on the bundled data, then reuse them."""
    bundle = E.load_encoder(lab)
    assert (lab.artifacts_dir / E.ENCODER_FILE).is_file()
    model, cls_bundle, labels = E.load_intent_classifier(lab)
    probs = model.predict(text.tokenize(cls_bundle.tokenizer, ["I lost my card"]), verbose=0)
    assert probs.shape == (1, len(labels)) and abs(probs.sum() - 1) < 1e-4
    tagger, ner_bundle, tags = E.load_ner_tagger(lab)
    assert tags[0] == "O" and tagger.predict(np.zeros((1, 16), "int32"), verbose=0).shape == (1, 16, len(tags))
    assert E.load_encoder(lab).vocab == bundle.vocab == ner_bundle.vocab


@pytest.mark.parametrize("notebook, functions", [
    ("01_self_supervised_pretraining", [E.build_encoder, E.mlm_dataset, E.build_mlm_model]),
    ("02_fine_tuning", [E.build_classifier, E.build_tagger]),
])
def test_the_notebooks_show_the_same_code_as_labkit(notebook, functions):
    cells = [c.source for c in nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", 4).cells]
    for function in functions:
        assert inspect.getsource(function).rstrip() in cells, f"{function.__name__} differs from {notebook}"
