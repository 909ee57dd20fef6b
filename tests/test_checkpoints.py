"""Published checkpoints beside the kit's encoder: one face for three sources, the slot and offline errors,
first-piece NER alignment. Every preset here is tiny, random and written by the test (no network)."""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import shutil
import socket
import time

import keras
import keras_hub
import numpy as np
import pytest

from labkit import ch02
from labkit.blocks import checkpoints, text
from labkit.course import artifacts
from labkit.blocks.checkpoints import CheckpointError, WordPieces, load_checkpoint, load_generator
from labkit.blocks.encoder import EncoderBundle
from labkit.course.lab import Lab
from labkit.course.profiles import get_profile

SEQ_LEN = 16
# words that split into several pieces: un ##bl ##ock ##ed, Bru ##ss ##els, card ##s
PIECES = ["the", "my", "card", "lost", "in", "un", "##bl", "##ock", "##ed", "##s", "bru", "Bru", "##ss", "##els",
          "paris", "Paris", "an", "##n", "Ann", ".", "'", "t", "don"]
UNCASED = text.SPECIAL_TOKENS + [p for p in PIECES if p == p.lower()]
CASED = text.SPECIAL_TOKENS + PIECES


def write_bert_preset(folder, vocab, lowercase):
    backbone = keras_hub.models.BertBackbone(vocabulary_size=len(vocab), num_layers=1, num_heads=2, hidden_dim=8,
                                             intermediate_dim=16, max_sequence_length=32)
    backbone.save_to_preset(str(folder))
    keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=lowercase).save_to_preset(str(folder))
    return folder


@pytest.fixture(scope="module")
def bert_uncased(tmp_path_factory):
    return write_bert_preset(tmp_path_factory.mktemp("tiny_bert_uncased"), UNCASED, True)


@pytest.fixture(scope="module")
def bert_cased(tmp_path_factory):
    return write_bert_preset(tmp_path_factory.mktemp("tiny_bert_cased"), CASED, False)


@pytest.fixture(scope="module")
def gpt2_preset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_gpt2")
    letters = list("abcdefgh")
    vocab = {"<|endoftext|>": 0, "Ġ": 1, **{c: i + 2 for i, c in enumerate(letters)},
             **{"Ġ" + c: i + 2 + len(letters) for i, c in enumerate(letters)}}
    merges = ["Ġ " + c for c in letters]
    keras_hub.models.GPT2Backbone(vocabulary_size=len(vocab), num_layers=1, num_heads=2, hidden_dim=8,
                                  intermediate_dim=16, max_sequence_length=32).save_to_preset(str(folder))
    keras_hub.models.GPT2Tokenizer(vocabulary=vocab, merges=merges).save_to_preset(str(folder))
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh kit home: nothing cached, and whatever a download wrote would show up here."""
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAGGLEHUB_CACHE", raising=False)
    monkeypatch.delenv("HF_HOME", raising=False)
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the test's hub is local even where a proxy is set
    return tmp_path / "home"


def test_a_bert_preset_folder_gets_the_kits_face(bert_uncased):
    ck = load_checkpoint(bert_uncased, seq_len=SEQ_LEN)
    ids = ck.tokenizer(["The unblocked cards", "lost in Paris"])
    assert ids.shape == (2, SEQ_LEN) and ids.dtype == np.int32
    vocab = ck.tokenizer.vocabulary
    assert [vocab[i] for i in ids[0][:7]] == ["[CLS]", "the", "un", "##bl", "##ock", "##ed", "card"]
    assert vocab[ids[0][8]] == "[SEP]" and not ids[0][9:].any()  # [SEP] after "##s", then padding (0)
    np.testing.assert_array_equal(text.tokenize(ck.tokenizer, ["lost in Paris"]), ids[1:])
    hidden = np.asarray(ck.encoder(ids))
    assert ck.encoder.input_shape == (None, SEQ_LEN) and hidden.shape == (2, SEQ_LEN, 8) and ck.hidden_dim == 8
    # pooled: the mean over the real tokens ([CLS] and [SEP] included), as labkit.ch02 pools
    mask = (ids != 0)[..., None]
    np.testing.assert_allclose(ck.embed(["The unblocked cards", "lost in Paris"]),
                               (hidden * mask).sum(1) / mask.sum(1), atol=1e-5)
    info = ck.info
    assert info.source == "folder" and info.lowercase and info.pretraining == "not recorded"
    assert info.params == keras_hub.models.Backbone.from_preset(str(bert_uncased)).count_params()
    assert "[CLS]" in info.pooling and "not recorded" in info.legend()


def test_the_kits_heads_fine_tune_a_preset(bert_uncased, tmp_path):
    ck = load_checkpoint(bert_uncased, seq_len=SEQ_LEN)
    ids = ck.tokenizer(["the card", "lost in paris", "my cards", "unblocked"] * 2)
    labels = np.array([0, 1, 0, 1] * 2)
    model, history = ch02.fine_tune_classifier(ck.encoder, 2, (ids, labels), (ids, labels), get_profile("ci"),
                                                epochs=1)
    probs = model.predict(ids, verbose=0)
    assert probs.shape == (8, 2) and "val_accuracy" in history.history
    model.save(tmp_path / "intent_classifier.keras")  # as artifacts.save_finetuned saves it
    loaded = keras.saving.load_model(tmp_path / "intent_classifier.keras")
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), probs, atol=1e-5)
    assert loaded.get_layer("encoder").output_shape == (None, SEQ_LEN, 8)
    # the pooler ([CLS]) is left out: mean pooling replaces it
    assert "pooled_dense" not in {w.path.split("/")[0] for w in model.weights}


def test_a_cased_preset_keeps_capitals(bert_cased):
    ck = load_checkpoint(bert_cased, seq_len=SEQ_LEN)
    vocab = ck.tokenizer.vocabulary
    assert not ck.info.lowercase
    assert [vocab[i] for i in ck.tokenizer(["Ann in Paris"])[0][1:4]] == ["Ann", "in", "Paris"]


@pytest.fixture
def kit_lab(tmp_path):
    vocab = text.SPECIAL_TOKENS + [p for p in PIECES if p == p.lower()]
    ids = keras.Input(shape=(SEQ_LEN,), dtype="int32")
    x = keras_hub.layers.TokenAndPositionEmbedding(len(vocab), SEQ_LEN, 8, name="embedding")(ids)
    encoder = keras.Model(ids, keras.layers.Dense(8)(x), name="encoder")  # a stand-in, not notebook 01's
    lab = Lab("99_test", get_profile("ci"), 0, tmp_path / "99_test", None)
    artifacts.save_encoder(lab, EncoderBundle(encoder, text.make_tokenizer(vocab, SEQ_LEN), vocab, SEQ_LEN))
    return lab


def test_the_kit_source_is_notebook_01s_encoder_unchanged(kit_lab, bert_uncased):
    ck = load_checkpoint("kit", kit_lab)
    bundle = artifacts.load_encoder(kit_lab)
    texts = ["the unblocked cards", "lost in paris [MASK]", "my card " * 12]
    np.testing.assert_array_equal(ck.tokenizer(texts), text.tokenize(bundle.tokenizer, texts))  # no [CLS]/[SEP]
    assert ck.info.source == "kit" and ck.info.params == bundle.encoder.count_params()
    assert ck.info.pretraining == "not recorded"  # 01 has not recorded pretrain_words here
    preset = load_checkpoint(bert_uncased, seq_len=SEQ_LEN)
    for c in (ck, preset):  # the same face
        assert c.encoder.input_shape == (None, SEQ_LEN) and c.encoder.output_shape == (None, SEQ_LEN, 8)
        assert c.embed(texts).shape == (3, 8)
    (kit_lab.output_dir.parent / "01_self_supervised_pretraining").mkdir()
    (kit_lab.output_dir.parent / "01_self_supervised_pretraining" / "metrics.json").write_text(
        f'{{"encoder_params": {bundle.encoder.count_params()}, "pretrain_words": 12345}}')
    assert load_checkpoint("kit", kit_lab).info.pretraining_words == 12345
    with pytest.raises(ValueError, match="lab"):
        load_checkpoint("kit")


# --- NER: first-piece labelling and the round trip back to words ----------------------------------


def test_first_piece_alignment_and_round_trip(bert_cased):
    ck = load_checkpoint(bert_cased, seq_len=SEQ_LEN)
    sentences = [["Ann", "unblocked", "the", "cards", "in", "Brussels", "."], ["don't", "Paris"]]
    tags = [["B-PER", "O", "O", "O", "O", "B-LOC", "O"], ["O", "B-LOC"]]
    names = ["O", "B-PER", "B-LOC"]
    aligned = ck.tokenizer.align(sentences, tags, {t: i for i, t in enumerate(names)})
    vocab = ck.tokenizer.vocabulary
    row = [vocab[i] for i in aligned.token_ids[0]]
    assert row[:15] == ["[CLS]", "Ann", "un", "##bl", "##ock", "##ed", "the", "card", "##s", "in", "Bru", "##ss",
                        "##els", ".", "[SEP]"]
    starts = np.flatnonzero(aligned.weights[0])
    assert list(starts) == [1, 2, 6, 7, 9, 10, 13]  # each word's first piece, never [CLS] or a ## piece
    assert [names[t] for t in aligned.tag_ids[0][starts]] == tags[0]
    assert ck.tokenizer.words(aligned, 0) == sentences[0] and ck.tokenizer.words(aligned, 1) == sentences[1]
    # tag probabilities per token -> per word -> tags: the gold tags come back
    probs = np.eye(len(names))[aligned.tag_ids]
    assert ch02.decode_tags(text.word_scores(aligned, probs), names) == tags
    # words that do not fit are cut whole, [SEP] still closes the row
    short = WordPieces(ck.tokenizer.wordpiece, 8, ck.tokenizer.start_id, ck.tokenizer.end_id)
    cut = short.align(sentences[:1], tags[:1], {t: i for i, t in enumerate(names)})
    assert cut.n_kept[0] == 3 and [vocab[i] for i in cut.token_ids[0]][-1] == "[SEP]" and short.room == 6
    with pytest.raises(ValueError, match="B-ORG"):
        ck.tokenizer.align([["Ann"]], [["B-ORG"]], {"O": 0})


def test_uncased_round_trip_lowercases(bert_uncased):
    ck = load_checkpoint(bert_uncased, seq_len=SEQ_LEN)
    aligned = ck.tokenizer.align([["Unblocked", "Brussels", "zebra"]], None, {})
    assert ck.tokenizer.words(aligned, 0) == ["unblocked", "brussels", "[UNK]"]


def test_the_kits_alignment_is_labkit_text_align_tags(kit_lab):
    ck = load_checkpoint("kit", kit_lab)
    bundle = artifacts.load_encoder(kit_lab)
    sentences = [["the", "unblocked", "cards"], ["lost", "in", "brussels"] * 4]
    tags = [["O", "O", "B"], ["O", "O", "B"] * 4]
    index = {"O": 0, "B": 1}
    mine, theirs = ck.tokenizer.align(sentences, tags, index), text.align_tags(bundle.tokenizer, sentences, tags, index)
    for field in ("token_ids", "tag_ids", "weights", "n_kept"):
        np.testing.assert_array_equal(getattr(mine, field), getattr(theirs, field))


# --- the generator slot ---------------------------------------------------------------------------


def test_a_gpt2_preset_loads_in_the_generator_slot(gpt2_preset):
    gen = load_generator(gpt2_preset, seq_len=8)
    assert type(gen.model).__name__ == "GPT2CausalLM" and gen.model.preprocessor.sequence_length == 8
    assert gen.info.source == "folder" and gen.info.params == gen.model.backbone.count_params()
    assert np.asarray(gen.tokenizer(" a b")).tolist() == [10, 11]
    with pytest.raises(ValueError, match="notebook 09's own GPT"):
        load_generator("kit")


def test_a_model_in_the_wrong_slot_says_what_fits(bert_uncased, gpt2_preset):
    with pytest.raises(CheckpointError, match="generator: it belongs in GPT_CHECKPOINT"):
        load_checkpoint(gpt2_preset, seq_len=SEQ_LEN)
    with pytest.raises(CheckpointError, match="encoder: it belongs in CHECKPOINT.*gpt2_base_en"):
        load_generator(bert_uncased)
    # built-in names are checked against keras_hub's registry before anything downloads
    with pytest.raises(CheckpointError, match="generator: it belongs in GPT_CHECKPOINT.*bert_tiny_en_uncased"):
        load_checkpoint("gpt2_base_en", seq_len=SEQ_LEN)
    with pytest.raises(CheckpointError, match="'bert_base_en' is an encoder"):
        load_generator("bert_base_en")


def test_an_unknown_name_lists_close_ones():
    with pytest.raises(CheckpointError, match="close names: bert_tiny_en_uncased") as err:
        load_checkpoint("bert_tiny_en_uncase", seq_len=SEQ_LEN)
    assert "'kit'" in str(err.value)
    with pytest.raises(CheckpointError, match="no folder at"):
        load_checkpoint("./no/such/folder", seq_len=SEQ_LEN)


def test_a_folder_without_a_preset_names_what_is_missing(tmp_path, bert_uncased):
    with pytest.raises(CheckpointError, match="missing config.json, tokenizer.json, model.weights.h5"):
        load_checkpoint(tmp_path, seq_len=SEQ_LEN)
    (tmp_path / "config.json").write_text((bert_uncased / "config.json").read_text())
    with pytest.raises(CheckpointError, match="missing tokenizer.json, model.weights.h5") as err:
        load_checkpoint(tmp_path, seq_len=SEQ_LEN)
    assert "config.json," not in str(err.value)


# --- offline: one clear message within seconds, nothing half-written ---------------------------------


@pytest.fixture
def silent_hub():
    """An address on 127.0.0.1 that takes the connection into its backlog and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.fixture
def closed_port():
    """An address on 127.0.0.1 where nothing listens (connections are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def assert_offline_message(call, name, home):
    start = time.perf_counter()
    with pytest.raises(CheckpointError) as err:
        call()
    took = time.perf_counter() - start
    message = str(err.value)
    assert took < 30, f"the offline message took {took:.0f} s"
    assert repr(name) in message and "not reachable" in message
    assert "CHECKPOINT='kit'" in message and "local preset folder" in message
    written = [p for p in home.rglob("*") if p.is_file()] if home.exists() else []
    assert not written, f"a failed download left {written}"
    return message


@pytest.mark.parametrize("hub", ["silent_hub", "closed_port"])
def test_a_preset_name_offline(hub, request, home, monkeypatch):
    address = request.getfixturevalue(hub)
    monkeypatch.setattr(checkpoints, "hub_address", lambda name: address)
    message = assert_offline_message(lambda: load_checkpoint("bert_tiny_en_uncased", seq_len=SEQ_LEN),
                                     "bert_tiny_en_uncased", home)
    assert address in message


def test_an_hf_handle_offline(silent_hub, home, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", silent_hub)  # where huggingface_hub itself would go
    assert_offline_message(lambda: load_checkpoint("hf://someone/tiny-bert", seq_len=SEQ_LEN),
                           "hf://someone/tiny-bert", home)


def test_downloads_go_to_the_kit_home(home):
    import os

    from huggingface_hub import constants

    before = constants.HF_HUB_CACHE
    with checkpoints.hub_caches():
        assert os.environ["KAGGLEHUB_CACHE"] == str(home / "presets" / "kaggle")
        assert constants.HF_HUB_CACHE == str(home / "presets" / "huggingface")
    assert "KAGGLEHUB_CACHE" not in os.environ and constants.HF_HUB_CACHE == before


def test_every_lesson_preset_is_in_keras_hubs_registry():
    for lesson, (_, names) in checkpoints.LESSONS.items():
        for name in names:
            entry = checkpoints.registry(name)
            assert entry["params"] > 0 and entry["kaggle_handle"].startswith("kaggle://")
            assert entry["slot"] == ("generator" if lesson == "09" else "encoder"), name
    assert set(checkpoints.PRETRAINING) <= set(checkpoints._registry_names())


def test_labkit_checkpoints_lists_the_presets_per_lesson(capsys):
    from labkit.course import cli

    assert cli.main(["checkpoints", "09"]) == 0
    out = capsys.readouterr().out
    assert "gpt2_base_en" in out and "kaggle://keras/gpt2/keras/gpt2_base_en" in out and "bert_tiny" not in out
    assert cli.main(["checkpoints", "42"]) == 2
    assert "lessons with presets: 02" in capsys.readouterr().err


def test_models_fine_tuned_from_a_preset_are_saved_beside_the_kits_and_load_with_its_tokenizer(
        bert_cased, bert_uncased, tmp_path, capsys):
    """02's checkpoint_intent_classifier and checkpoint_ner_tagger: saved in the checkpoint's own folder (the kit's
    models stay), recorded with their checkpoint, loaded back with that checkpoint's tokenizer; a lab with another
    CHECKPOINT does not take them, and "kit" has none to take. They reload with the preset gone: its tokenizer is
    saved with them."""
    preset = shutil.copytree(bert_cased, tmp_path / bert_cased.name)  # removed before the models are loaded
    lab = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02", checkpoint=preset)
    ck = load_checkpoint(preset, lab, seq_len=SEQ_LEN)
    texts, labels = ["Ann lost my card", "the cards in Paris", "my card", "lost in Bru"] * 2, np.array([0, 1, 0, 1] * 2)
    classifier, _ = ch02.fine_tune_classifier(ck.encoder, 2, (ck.tokenizer(texts), labels),
                                              (ck.tokenizer(texts), labels), lab.profile, epochs=1)
    names = ["O", "B-PER", "B-LOC"]
    sentences, tags = [["Ann", "lost", "Bru"], ["my", "card", "in", "Paris"]], [["B-PER", "O", "B-LOC"], ["O"] * 4]
    aligned = ck.tokenizer.align(sentences, tags, {t: i for i, t in enumerate(names)})
    tagger, _ = ch02.fine_tune_tagger(ck.encoder, len(names), aligned, aligned, lab.profile, epochs=1)

    kit = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02")
    with pytest.raises(ValueError, match="CHECKPOINT is 'kit'; the kit's own model is intent_classifier"):
        artifacts.save_finetuned(kit, "checkpoint_intent_classifier", classifier, ["a", "b"])
    with pytest.raises(ValueError, match="pass checkpoint=, the Checkpoint it started from"):
        artifacts.save_finetuned(lab, "checkpoint_intent_classifier", classifier, ["a", "b"])
    artifacts.save_finetuned(lab, "checkpoint_intent_classifier", classifier, ["a", "b"], ck)
    artifacts.save_finetuned(lab, "checkpoint_ner_tagger", tagger, names, ck)
    # 05's classifier fine-tuned from the preset is saved the same way
    artifacts.save_text_classifier(lab, "service_classifier", "fine-tuned encoder", ["a", "b"], model=classifier,
                                   checkpoint=ck)
    assert not artifacts.exists(lab, "intent_classifier") and not artifacts.exists(lab, "ner_tagger")
    assert artifacts.made_by(lab, "checkpoint_ner_tagger")["checkpoint"] == str(preset)
    assert artifacts.path(lab, "checkpoint_ner_tagger").parent.parent == lab.artifacts_dir
    assert artifacts.path(lab, "checkpoint_ner_tagger").parent.name.startswith(f"checkpoint-{bert_cased.name}-")
    shutil.rmtree(preset)

    model, loaded, label_names = checkpoints.load_finetuned(lab, "checkpoint_intent_classifier")
    assert label_names == ["a", "b"] and "fine-tuned from " + str(preset) in capsys.readouterr().out
    assert not loaded.tokenizer.lowercase and loaded.info == ck.info and loaded.seq_len == SEQ_LEN
    np.testing.assert_allclose(model.predict(loaded.tokenizer(texts), verbose=0),
                               classifier.predict(ck.tokenizer(texts), verbose=0), atol=1e-5)
    np.testing.assert_allclose(artifacts.load_text_classifier(lab, "service_classifier")(texts),
                               classifier.predict(ck.tokenizer(texts), verbose=0), atol=1e-5)
    model, loaded, tag_names = checkpoints.load_finetuned(lab, "checkpoint_ner_tagger")
    again = loaded.tokenizer.align(sentences, None, {})
    np.testing.assert_array_equal(again.token_ids, aligned.token_ids)  # capitals kept: the same ids as trained on
    np.testing.assert_allclose(model.predict(again.token_ids, verbose=0),
                               tagger.predict(aligned.token_ids, verbose=0), atol=1e-5)
    assert tag_names == names and loaded.encoder is model.get_layer("encoder")

    # the same folder by another path is the same checkpoint; another checkpoint's lab would run 02 first
    relative = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02", checkpoint=preset / ".." / preset.name)
    assert artifacts.exists(relative, "checkpoint_intent_classifier")
    other = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02", checkpoint=bert_uncased)
    assert other.artifacts_dir == lab.artifacts_dir and not artifacts.exists(other, "checkpoint_intent_classifier")
    with pytest.raises(ValueError, match="CHECKPOINT is 'kit'"):
        checkpoints.load_finetuned(kit, "checkpoint_ner_tagger")
    with pytest.raises(ValueError, match="load_finetuned loads checkpoint_intent_classifier or checkpoint_ner_tagger"):
        checkpoints.load_finetuned(lab, "intent_classifier")


def test_04s_word_encoder_gives_a_presets_ids_and_spans(bert_cased):
    """ch04.WordEncoder with a checkpoint's tokenizer: the ids the checkpoint reads ([CLS] words [SEP], its [UNK]),
    each word's span after [CLS], cut words with the empty span (seq_len, seq_len), an empty sentence a lone [UNK]."""
    from labkit import ch04

    short = WordPieces(load_checkpoint(bert_cased, seq_len=SEQ_LEN).tokenizer.wordpiece, 8, 2, 3)
    words = ch04.WordEncoder(short)
    sentence = ch04.split_words("Ann unblocked Bru")  # Ann | un ##bl ##ock ##ed | Bru
    ids, spans = words.encode([sentence, [], sentence + ["cards"]])
    np.testing.assert_array_equal(ids[0], short([" ".join(sentence)])[0])
    assert spans[0] == [(1, 2), (2, 6), (6, 7)] and ids[0, 7] == 3
    assert list(ids[1, :3]) == [2, short.unk_id, 3] and spans[1] == []
    assert spans[2][-1] == (8, 8) and list(ids[2, 6:]) == [CASED.index("Bru"), 3]  # "cards" does not fit
    assert words.pieces([ch04.MASK_WORD]) == [[short.unk_id]]
    with pytest.raises(ValueError, match="beyond the model's 8 tokens"):
        ch04.word_tag_fn(lambda x: np.zeros((len(x), 8, 2)), words, 3)([" ".join(sentence + ["cards"])])
