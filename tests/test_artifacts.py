"""The artifacts notebooks hand to each other: save/load round trips, checks, and the one fallback."""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import dataclasses
import json

import keras
import keras_hub
import nbformat
import numpy as np
import pytest

from labkit.blocks import text
from labkit.course import artifacts, runner
from labkit.blocks.encoder import EncoderBundle, embed_sentences
from labkit.course.lab import Lab
from labkit.course.profiles import get_profile

CORPUS = ["I lost my debit card in Brussels.", "The bank froze the card and sent a new one.",
          "Shares in the bank fell after the report."] * 20


def tiny_bundle(extra_rows=0):
    """A small stand-in encoder (not notebook 01's): token ids -> one vector per token."""
    vocab = text.build_vocabulary(CORPUS, 150)
    ids = keras.Input(shape=(16,), dtype="int32")
    x = keras_hub.layers.TokenAndPositionEmbedding(len(vocab) + extra_rows, 16, 8, name="embedding")(ids)
    encoder = keras.Model(ids, keras.layers.Dense(8)(x), name="encoder")
    return encoder, text.make_tokenizer(vocab, 16), vocab


@pytest.fixture
def lab(tmp_path):
    return Lab("99_test", get_profile("ci"), 0, tmp_path / "99_test", None)


def test_vocabulary_mismatch_is_a_clear_error():
    encoder, tokenizer, vocab = tiny_bundle(extra_rows=3)
    with pytest.raises(ValueError, match=f"embedding has {len(vocab) + 3} rows .* vocabulary has {len(vocab)}"):
        EncoderBundle(encoder, tokenizer, vocab, 16)


def test_encoder_round_trip_and_embed_sentences(lab):
    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    assert artifacts.exists(lab, "encoder")
    loaded = artifacts.load_encoder(lab)
    assert loaded.vocab == bundle.vocab and loaded.seq_len == 16
    sentences = ["I lost my card", "the bank", "shares fell"]
    vectors = embed_sentences(loaded, sentences, batch_size=2)
    assert vectors.shape == (3, 8) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, embed_sentences(bundle, sentences), atol=1e-5)


def test_the_adapted_encoder_is_saved_beside_the_general_one(lab):
    general, adapted = EncoderBundle(*tiny_bundle(), 16), EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, general)
    assert not artifacts.exists(lab, "adapted_encoder")
    artifacts.save_encoder(lab, adapted, name="adapted_encoder")
    sentences = ["I lost my card", "shares fell"]
    for name, bundle in (("encoder", general), ("adapted_encoder", adapted)):
        np.testing.assert_allclose(embed_sentences(artifacts.load_encoder(lab, name), sentences),
                                   embed_sentences(bundle, sentences), atol=1e-5)
    with pytest.raises(ValueError, match="not an encoder artifact"):
        artifacts.load_encoder(lab, "ner_tagger")


def test_embed_sentences_ignores_padding():
    bundle = EncoderBundle(*tiny_bundle(), 16)
    ids = text.tokenize(bundle.tokenizer, ["the card"])
    hidden = np.asarray(bundle.encoder(ids))[0, : int((ids != 0).sum())]
    np.testing.assert_allclose(embed_sentences(bundle, ["the card"])[0], hidden.mean(0), atol=1e-5)


def test_load_encoder_rejects_a_stale_vocabulary(lab):
    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    text.save_vocabulary(bundle.vocab + ["extra"], lab.artifacts_dir / "vocab.txt")
    with pytest.raises(ValueError, match="different runs"):
        artifacts.load_encoder(lab)


def test_finetuned_round_trip(lab):
    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    ids = keras.Input(shape=(16,), dtype="int32")
    probs = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling1D()(bundle.encoder(ids)))
    artifacts.save_finetuned(lab, "intent_classifier", keras.Model(ids, probs), ["a", "b", "c"])
    model, loaded, names = artifacts.load_intent_classifier(lab)
    assert names == ["a", "b", "c"] and loaded.vocab == bundle.vocab
    assert model.predict(text.tokenize(loaded.tokenizer, ["my card"]), verbose=0).shape == (1, 3)
    with pytest.raises(ValueError, match="saves intent_classifier, ner_tagger, checkpoint_intent_classifier"):
        artifacts.save_finetuned(lab, "encoder", model, [])


def test_unknown_artifact_names_the_known_ones(lab):
    with pytest.raises(ValueError, match="unknown artifact 'encodr'; known artifacts: encoder, adapted_encoder, intent_classifier"):
        artifacts.require(lab, "encodr")


def test_a_missing_artifact_runs_the_notebook_that_makes_it(lab, tmp_path, monkeypatch, capsys):
    """The one fallback: papermill runs the producing notebook with the same profile, seed and run folder."""
    producer = tmp_path / "notebooks" / "03_makes_policy.ipynb"
    producer.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('PROFILE = "auto"\nSEED = 0\nDATA_DIR = None\nOUTPUT_DIR = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import json, labkit\n"
        "from labkit.course import artifacts\n"
        "lab = labkit.setup('03_makes_policy', PROFILE, SEED, OUTPUT_DIR, DATA_DIR)\n"
        "artifacts.policy_dir(lab).mkdir()\n"
        "(artifacts.policy_dir(lab) / 'saved_model.pb').write_text(json.dumps({'profile': PROFILE, 'seed': SEED}))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, producer)
    monkeypatch.setattr(runner, "find_notebook", lambda number: producer)

    made = artifacts.require(lab, "instruction_policy")
    assert json.loads(made.read_text()) == {"profile": "ci", "seed": 0}
    assert "No instruction_policy" in capsys.readouterr().out
    assert (lab.output_dir.parent / producer.stem / producer.name).is_file()  # its executed copy, beside ours
    artifacts.require(lab, "instruction_policy")  # present now: nothing runs
    assert "No instruction_policy" not in capsys.readouterr().out


def test_artifacts_are_kept_apart_by_what_made_them(tmp_path):
    """01 on the bundled data, then 02 on another DATA_DIR, another seed or an overridden profile field: none of
    them may read the first encoder; the same inputs do, and say what made it."""
    other_data = tmp_path / "other_data"
    other_data.mkdir()
    pretrained = labkit.setup("01_self_supervised_pretraining", "ci", 42, tmp_path / "01")
    artifacts.save_encoder(pretrained, EncoderBundle(*tiny_bundle(), 16))
    same = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02")
    others = [labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02", other_data),
              labkit.setup("02_fine_tuning", "ci", 43, tmp_path / "02")]
    overridden = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02")
    overridden.profile = get_profile("ci", mlm_mask_rate=0.3)
    others.append(overridden)
    assert len({lab.artifacts_dir for lab in [same, *others]}) == 4
    assert artifacts.exists(same, "encoder") and not any(artifacts.exists(lab, "encoder") for lab in others)
    assert "mlm_mask_rate=0.3" in overridden.artifacts_dir.name and "seed43" in others[1].artifacts_dir.name
    assert json.loads((others[0].artifacts_dir / "made_by.json").read_text())["data"] == str(other_data)

    artifacts.load_encoder(same)
    read = json.loads(same.artifacts_read_path.read_text())
    assert read["encoder"] == {"profile": "ci", "overrides": {}, "seed": 42, "data": "bundled", "notebook": "01",
                               "checkpoint": "kit"}


def test_a_load_says_what_made_the_model_and_overrides_never_run_a_notebook(tmp_path, capsys):
    lab = labkit.setup("02_fine_tuning", "ci", 42, tmp_path / "02")
    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    ids = keras.Input(shape=(16,), dtype="int32")
    probs = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling1D()(bundle.encoder(ids)))
    artifacts.save_finetuned(lab, "intent_classifier", keras.Model(ids, probs), ["a", "b", "c"])
    artifacts.load_intent_classifier(lab)
    assert "intent_classifier made by notebook 02 (profile 'ci', seed 42, the bundled data)" in capsys.readouterr().out
    lab.profile = get_profile("ci", ner_epochs=1)
    with pytest.raises(FileNotFoundError, match=r"made with the overridden fields \{'ner_epochs': 1\}"):
        artifacts.require(lab, "ner_tagger")


# --- the case studies' deployed models (notebook 10 loads them) -------------------------------------------------

REVIEWS = ["shares rose after strong results", "the company reported a loss", "the board met on monday",
           "profit improved and sales grew", "layoffs followed the weak quarter", "the report is due in june"] * 5
MOODS = ["positive", "negative", "neutral"] * 10


def tiny_text_classifier(bundle, n_classes):
    """A small stand-in for a fine-tuned classifier: token ids -> mean-pooled encoder states -> softmax."""
    ids = keras.Input(shape=(16,), dtype="int32")
    pooled = keras.layers.GlobalAveragePooling1D()(bundle.encoder(ids))
    return keras.Model(ids, keras.layers.Dense(n_classes, activation="softmax")(pooled))


@pytest.mark.parametrize("deployed", artifacts.CANDIDATES)
def test_a_deployed_text_classifier_round_trip_gives_the_same_probabilities(lab, deployed):
    from labkit.blocks import baselines

    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    labels = ["negative", "neutral", "positive"]  # fitted on the names (as 06), in another order than sklearn's
    vectorizer, logistic = baselines.tfidf_logistic(REVIEWS, MOODS, REVIEWS[:6], MOODS[:6])
    model = tiny_text_classifier(bundle, len(labels))
    texts = ["shares rose", "a loss followed", "words never seen before"]
    encoder_probs = model.predict(text.tokenize(bundle.tokenizer, texts), verbose=0)
    tfidf_probs = logistic.predict_proba(vectorizer.transform(texts))[:, [list(logistic.classes_).index(x) for x in labels]]
    expected = {"fine-tuned encoder": encoder_probs, "TF-IDF + logistic regression": tfidf_probs,
                "mean of the two": baselines.mean_probabilities(encoder_probs, tfidf_probs)}[deployed]
    artifacts.save_text_classifier(lab, "sentiment_classifier", deployed, labels, model=model,
                                   tfidf=(vectorizer, logistic), threshold=0.35)
    assert artifacts.exists(lab, "sentiment_classifier") and not artifacts.exists(lab, "service_classifier")
    loaded = artifacts.load_text_classifier(lab, "sentiment_classifier")
    assert (loaded.labels, loaded.deployed, loaded.threshold) == (labels, deployed, 0.35)
    np.testing.assert_allclose(loaded(texts), expected, atol=1e-5)
    assert loaded([]).shape == (0, 3)
    saved = {p.name for p in lab.artifacts_dir.iterdir() if p.name.startswith("sentiment_classifier")}
    assert ("sentiment_classifier.keras" in saved) == (deployed != "TF-IDF + logistic regression")
    assert ("sentiment_classifier_tfidf.pkl" in saved) == (deployed != "fine-tuned encoder")


def test_a_text_classifier_fitted_on_label_ids_keeps_their_order(lab):
    from labkit.blocks import baselines

    labels = ["positive", "negative", "neutral"]
    ids = [labels.index(m) for m in MOODS]  # fitted on ids, as 05 fits its intents
    vectorizer, logistic = baselines.tfidf_logistic(REVIEWS, ids, REVIEWS[:6], ids[:6])
    artifacts.save_text_classifier(lab, "service_classifier", "TF-IDF + logistic regression", labels,
                                   tfidf=(vectorizer, logistic))
    loaded = artifacts.load_text_classifier(lab, "service_classifier")
    np.testing.assert_allclose(loaded(REVIEWS[:4]), logistic.predict_proba(vectorizer.transform(REVIEWS[:4])))
    assert loaded.threshold is None


def test_a_text_classifier_says_what_is_missing(lab):
    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    model = tiny_text_classifier(bundle, 3)
    with pytest.raises(ValueError, match="needs tfidf="):
        artifacts.save_text_classifier(lab, "service_classifier", "mean of the two", ["a", "b", "c"], model=model)
    with pytest.raises(ValueError, match="deployed='best'"):
        artifacts.save_text_classifier(lab, "service_classifier", "best", ["a", "b", "c"], model=model)
    with pytest.raises(ValueError, match="not a text classifier"):
        artifacts.save_text_classifier(lab, "recommender", "fine-tuned encoder", ["a", "b", "c"], model=model)


def test_case_study_models_are_kept_per_checkpoint(lab, tmp_path):
    """05's, 06's and 08's models made with a published checkpoint live in that checkpoint's folder: a run with the
    kit's encoder keeps its own, and a lab with another checkpoint finds none (it would run the notebook with it)."""
    import networkx as nx

    labs = {c: dataclasses.replace(lab, checkpoint=c) for c in ("bert_tiny_en_uncased", "bert_small_en_uncased")}
    for checkpoint, other in labs.items():
        graph = nx.MultiDiGraph()
        graph.add_edge("Ann", checkpoint, key="Work_For")
        artifacts.save_knowledge_graph(other, graph)
    assert not artifacts.exists(lab, "knowledge_graph")
    for checkpoint, other in labs.items():
        assert list(artifacts.load_knowledge_graph(other).successors("Ann")) == [checkpoint]
        assert artifacts.made_by(other, "knowledge_graph")["checkpoint"] == checkpoint
        assert artifacts.path(other, "knowledge_graph").parent == lab.artifacts_dir / f"checkpoint-{checkpoint}"
    # the kit's encoder and 07's recommender (no CHECKPOINT) stay in the profile's folder
    assert artifacts.folder(labs["bert_tiny_en_uncased"], "encoder") == lab.artifacts_dir
    # preset folders: by name and resolved path, so two folders called "tiny" stay apart and one folder is one
    folder = tmp_path / "presets" / "tiny"
    folder.mkdir(parents=True)
    (tmp_path / "tiny").mkdir()
    assert artifacts.checkpoint_folder_name(folder).startswith("checkpoint-tiny-")
    assert artifacts.checkpoint_folder_name(folder) != artifacts.checkpoint_folder_name(tmp_path / "tiny")
    assert artifacts.checkpoint_folder_name(folder) == artifacts.checkpoint_folder_name(folder / ".." / "tiny")
    assert artifacts.checkpoint_folder_name("hf://keras/bert_tiny_en_uncased") == "checkpoint-keras_bert_tiny_en_uncased"


def test_recommender_round_trip_scores_films_for_a_user(lab):
    rng = np.random.default_rng(0)
    users, items = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    bias, scored = rng.normal(size=6), np.array([True, True, False, True, True, True])
    artifacts.save_recommender(lab, [10, 11, 12, 13], users, items, bias, scored, [f"film {i}" for i in range(6)])
    loaded = artifacts.load_recommender(lab)
    assert loaded.titles == [f"film {i}" for i in range(6)]
    expected = np.where(scored, items @ users[2] + bias, -np.inf)
    np.testing.assert_allclose(loaded.scores(12), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="user 99 is not one of the recommender's 4 users"):
        loaded.scores(99)
    with pytest.raises(ValueError, match="item_bias has shape"):
        artifacts.save_recommender(lab, [10, 11, 12, 13], users, items, bias[:5], scored, ["x"] * 6)


def test_knowledge_graph_round_trip(lab):
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node("ana lopez", type="Peop", name="Ana Lopez")
    graph.add_node("acme", type="Org", name="Acme")
    graph.add_node("lyon", type="Loc", name="Lyon")
    graph.add_edge("ana lopez", "acme", key="Work_For", relation="Work_For", count=2)
    graph.add_edge("ana lopez", "lyon", key="Live_In", relation="Live_In", count=1)
    graph.add_edge("acme", "lyon", key="OrgBased_In", relation="OrgBased_In", count=1)
    artifacts.save_knowledge_graph(lab, graph)
    loaded = artifacts.load_knowledge_graph(lab)
    assert dict(loaded.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(loaded.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))


def test_generator_round_trip_gives_the_same_logits(lab):
    from labkit import ch09

    bundle = EncoderBundle(*tiny_bundle(), 16)
    artifacts.save_encoder(lab, bundle)
    sizes = {"vocab_size": len(bundle.vocab), "context": 16, "hidden_dim": 8, "num_layers": 1, "num_heads": 2,
             "intermediate_dim": 16, "dropout": 0.0}
    gpt = ch09.build_gpt(**sizes)
    artifacts.save_generator(lab, gpt, sizes)
    model, tokenizer, vocab = artifacts.load_generator(lab, ch09.build_gpt)
    assert vocab == bundle.vocab and tokenizer.sequence_length == 16
    tokens = text.tokenize(tokenizer, ["the bank froze the card"])[:, :7]
    np.testing.assert_allclose(model(tokens), gpt(tokens), atol=1e-5)
    assert len(model.weights) == len(gpt.weights)  # the input and output embedding stay one (tied)
