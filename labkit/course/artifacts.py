"""The artifacts notebooks hand to each other: one name, one producer and one loader each.

========================  ===============================================  ===========
artifact                  files in ``lab.artifacts_dir``                   made by
========================  ===============================================  ===========
``encoder``               encoder.keras, vocab.txt, tokenizer.json         notebook 01
``adapted_encoder``       adapted_encoder.keras (+ the same vocab)         notebook 01
``intent_classifier``     intent_classifier.keras, intent_labels.json      notebook 02
``ner_tagger``            ner_tagger.keras, ner_tags.json                  notebook 02
``instruction_policy``    instruction_policy/ (a PolicySaver model)        notebook 03
``service_classifier``    service_classifier.json (+ .keras, _tfidf.pkl)   notebook 05
``sentiment_classifier``  sentiment_classifier.json (+ the same)           notebook 06
``recommender``           recommender.npz                                  notebook 07
``knowledge_graph``       knowledge_graph.json                             notebook 08
``generator``             generator.json, generator.weights.npz (+ vocab)  notebook 09
========================  ===============================================  ===========

The case studies (05 to 09) each save the model they deploy, for notebook 10's skills: 05 and 06 the text
classifier chosen on validation (:func:`save_text_classifier`: the fine-tuned encoder, TF-IDF + logistic regression
or the mean of the two, with its labels and, for 05, its out-of-scope threshold), 07 its two-tower recommender's
factors, 08 the graph its extractor builds, 09 its own GPT after the RL step.

Artifacts that depend on a notebook's ``CHECKPOINT`` (:data:`PER_CHECKPOINT`) are kept per checkpoint: with the
kit's encoder in ``lab.artifacts_dir`` itself, with a published checkpoint in a folder of its own inside it
(:func:`folder`, e.g. ``checkpoint-bert_tiny_en_uncased``), so that runs with several checkpoints keep theirs side by
side and a lab reads the ones made from ``lab.checkpoint``. Notebook 02 run with ``CHECKPOINT`` set also saves
``checkpoint_intent_classifier`` and ``checkpoint_ner_tagger`` there: the same two tasks fine-tuned from that
checkpoint, beside the kit's models, which they never replace. A model fine-tuned from a published checkpoint is saved
with that checkpoint's tokenizer (``<artifact>_tokenizer/``) and description, so that it reloads without the
checkpoint at hand; one fine-tuned from notebook 01's encoder reads 01's tokenizer (:func:`finetuned_tokenizer`).

When a notebook asks for an artifact that is missing, :func:`require` runs the notebook that
makes it (same profile, seed, data and run folder, through papermill): the learner gets the very
recipe that notebook teaches, and its executed copy to read, never a second copy of the code.

Artifacts know what made them. ``lab.artifacts_dir`` is one folder per profile (and overridden fields), seed
and data, with those in its ``made_by.json``; each saved model adds ``<artifact>.made_by.json`` (the notebook
and the checkpoint its encoder started from). Every load prints what it read and adds it to the run's
``artifacts_read.json``, which the run report lists.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit.course.runner import KIT, is_kit


@dataclass(frozen=True)
class Artifact:
    files: tuple[str, ...]  # relative to the artifact's folder (:func:`folder`); all must exist
    notebook: str  # number of the notebook that makes it


ARTIFACTS: dict[str, Artifact] = {
    "encoder": Artifact(("encoder.keras", "vocab.txt", "tokenizer.json"), "01"),
    # the encoder after more masked-LM on the intent training messages (domain-adaptive pretraining)
    "adapted_encoder": Artifact(("adapted_encoder.keras", "vocab.txt", "tokenizer.json"), "01"),
    "intent_classifier": Artifact(("intent_classifier.keras", "intent_labels.json"), "02"),
    "ner_tagger": Artifact(("ner_tagger.keras", "ner_tags.json"), "02"),
    # the same two tasks fine-tuned from a published checkpoint (02 with CHECKPOINT set), beside the kit's
    "checkpoint_intent_classifier": Artifact(("checkpoint_intent_classifier.keras", "checkpoint_intent_labels.json"),
                                             "02"),
    "checkpoint_ner_tagger": Artifact(("checkpoint_ner_tagger.keras", "checkpoint_ner_tags.json"), "02"),
    "instruction_policy": Artifact(("instruction_policy/saved_model.pb",), "03"),
    # the case studies' deployed models, for notebook 10 (a classifier's .json lists its other files; written last)
    "service_classifier": Artifact(("service_classifier.json",), "05"),
    "sentiment_classifier": Artifact(("sentiment_classifier.json",), "06"),
    "recommender": Artifact(("recommender.npz",), "07"),
    "knowledge_graph": Artifact(("knowledge_graph.json",), "08"),
    # the GPT's sizes and weights (a .keras file does not keep its tied input and output embedding)
    "generator": Artifact(("generator.json", "generator.weights.npz", "vocab.txt", "tokenizer.json"), "09"),
}


# made from the producing notebook's CHECKPOINT: kept in a folder per checkpoint (:func:`folder`)
PER_CHECKPOINT = ("checkpoint_intent_classifier", "checkpoint_ner_tagger", "instruction_policy", "service_classifier",
                  "sentiment_classifier", "knowledge_graph")
FROM_CHECKPOINT = ("checkpoint_intent_classifier", "checkpoint_ner_tagger")  # only ever from a published checkpoint


def _artifact(name: str) -> Artifact:
    if name not in ARTIFACTS:
        raise ValueError(f"unknown artifact {name!r}; known artifacts: {', '.join(ARTIFACTS)}")
    return ARTIFACTS[name]


def checkpoint_folder_name(checkpoint) -> str:
    """The folder, inside ``lab.artifacts_dir``, of the artifacts made from ``checkpoint``: ``""`` for the kit's
    encoder (the artifacts folder itself), ``checkpoint-<name>`` for a preset or handle, ``checkpoint-<folder
    name>-<8 hex digits of its resolved path>`` for a preset folder (two folders of one name stay apart)."""
    if is_kit(checkpoint):
        return ""
    text = str(checkpoint)
    local = Path(text).expanduser()
    if "://" not in text and (local.is_dir() or os.sep in text or text.startswith((".", "~"))):  # a folder, even gone
        resolved = local.resolve()
        return f"checkpoint-{resolved.name}-{hashlib.sha1(str(resolved).encode()).hexdigest()[:8]}"
    return "checkpoint-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", text.split("://")[-1]).strip("_")


def folder(lab, name: str) -> Path:
    """The folder artifact ``name`` lives in: ``lab.artifacts_dir``, or for an artifact of :data:`PER_CHECKPOINT`
    made from a published checkpoint (``lab.checkpoint``), that checkpoint's folder inside it."""
    _artifact(name)
    if name not in PER_CHECKPOINT or is_kit(lab.checkpoint):
        return lab.artifacts_dir
    path = lab.artifacts_dir / checkpoint_folder_name(lab.checkpoint)
    path.mkdir(exist_ok=True)
    return path


def path(lab, name: str) -> Path:
    """Where artifact ``name`` lives: its first file (the model) in :func:`folder`."""
    return folder(lab, name) / _artifact(name).files[0]


FINETUNED = ("intent_classifier", "ner_tagger", "checkpoint_intent_classifier", "checkpoint_ner_tagger")


def exists(lab, name: str) -> bool:
    """Whether artifact ``name`` exists for ``lab`` (per checkpoint: made from ``lab.checkpoint``)."""
    if name in FROM_CHECKPOINT and is_kit(lab.checkpoint):
        return False
    return all((folder(lab, name) / f).exists() for f in _artifact(name).files)


def made_by(lab, name: str) -> dict:
    """What made artifact ``name`` for ``lab``: the artifacts folder's profile, overrides, seed and data, the
    notebook that saved it and the checkpoint its encoder started from (``"kit"``: notebook 01's)."""
    record = folder(lab, name) / f"{name}.made_by.json"
    own = json.loads(record.read_text()) if record.exists() else {"notebook": _artifact(name).notebook}
    return {**json.loads((lab.artifacts_dir / "made_by.json").read_text()), **own}


def _saving(lab, name: str, checkpoint=None) -> Path:
    """The folder to save artifact ``name`` into, after its ``<name>.made_by.json``: the notebook, and the checkpoint
    (``lab.checkpoint`` for an artifact of :data:`PER_CHECKPOINT`, else the kit's). ``checkpoint``: the
    ``labkit.blocks.checkpoints.Checkpoint`` a model being saved was fine-tuned from, when that is a published one:
    its tokenizer is saved beside the model (``<name>_tokenizer/``) and its description in the record."""
    if name in FROM_CHECKPOINT and is_kit(lab.checkpoint):
        raise ValueError(f"{name} is a model fine-tuned from a published checkpoint, and CHECKPOINT is {KIT!r}; the "
                         f"kit's own model is {name.removeprefix('checkpoint_')}")
    where = folder(lab, name)
    record = {"notebook": lab.notebook[:2], "checkpoint": str(lab.checkpoint) if name in PER_CHECKPOINT else KIT}
    tokenizer = where / f"{name}_tokenizer"
    shutil.rmtree(tokenizer, ignore_errors=True)  # a model from the kit's encoder reads 01's: no stale one
    if checkpoint is not None and record["checkpoint"] != KIT:
        checkpoint.tokenizer.save(tokenizer)
        record["checkpoint_info"] = dataclasses.asdict(checkpoint.info)
    (where / f"{name}.made_by.json").write_text(json.dumps(record) + "\n")
    return where


def _fine_tuned_from(lab, name: str, checkpoint):
    """``checkpoint``, after checking that a model saved as ``name`` with ``lab`` has the one it needs."""
    if checkpoint is None and name in PER_CHECKPOINT and not is_kit(lab.checkpoint):
        raise ValueError(f"{name} was fine-tuned from CHECKPOINT={lab.checkpoint!r}: pass checkpoint=, the "
                         "Checkpoint it started from (load_checkpoint(CHECKPOINT, lab)), so that its tokenizer is "
                         "saved with it")
    return checkpoint


def finetuned_tokenizer(lab, name: str):
    """The tokenizer (``labkit.blocks.text.WordPieces``) making the token ids fine-tuned model ``name`` reads: the
    published checkpoint's, saved with the model, or notebook 01's."""
    from labkit.blocks.text import WordPieces

    saved = folder(lab, name) / f"{name}_tokenizer"
    return WordPieces.load(saved) if saved.is_dir() else WordPieces.of(*_tokenizer(lab))


def _read(lab, name: str) -> Path:
    """:func:`require`, then say what made the artifact and note it in the run's ``artifacts_read.json``."""
    found = require(lab, name)
    made = made_by(lab, name)
    data = "the bundled data" if made["data"] == "bundled" else f"data from {made['data']}"
    overrides = "".join(f", {k}={v}" for k, v in made["overrides"].items())
    how = "instructions embedded by" if name == "instruction_policy" else "fine-tuned from"
    checkpoint = f", {how} {made['checkpoint']}" if made.get("checkpoint", "kit") != "kit" else ""
    print(f"labkit: {name} made by notebook {made['notebook']} (profile {made['profile']!r}{overrides}, "
          f"seed {made['seed']}, {data}{checkpoint})")
    read = json.loads(lab.artifacts_read_path.read_text()) if lab.artifacts_read_path.exists() else {}
    lab.output_dir.mkdir(parents=True, exist_ok=True)
    lab.artifacts_read_path.write_text(json.dumps({**read, name: made}, indent=2, sort_keys=True) + "\n")
    return found


def require(lab, name: str) -> Path:
    """Make sure artifact ``name`` exists, running the notebook that makes it when it does not (with
    ``lab.checkpoint``: an artifact of :data:`PER_CHECKPOINT` is made from it)."""
    if name in FROM_CHECKPOINT and is_kit(lab.checkpoint):
        raise ValueError(f"{name} is fine-tuned from a published checkpoint, and CHECKPOINT is {KIT!r}: set "
                         "CHECKPOINT to a keras_hub preset or a preset folder (notebook 02 fine-tunes it when missing)")
    if not exists(lab, name):
        from labkit.course.runner import execute_notebook, expected_seconds, find_notebook

        overrides = lab.made_by()["overrides"]
        if overrides:  # the runner sets no profile fields: the producing notebook would fill another folder
            raise FileNotFoundError(
                f"No {name} in {folder(lab, name)}, made with the overridden fields {overrides}: run notebook "
                f"{_artifact(name).notebook} with the same overrides first (lab.profile = labkit.get_profile(...)), "
                f"or drop the overrides to use the profile's own artifacts")
        source = find_notebook(_artifact(name).notebook)
        seconds = expected_seconds(source.stem, lab.profile.name)
        took = (f"about {seconds / 60:.0f} minutes" if seconds and seconds >= 90 else
                f"about {seconds:.0f} seconds" if seconds else "as long as that notebook takes")
        out = lab.output_dir.parent / source.stem  # beside this notebook's outputs: the artifacts are shared
        given = "" if is_kit(lab.checkpoint) else f", CHECKPOINT={lab.checkpoint!r}"
        print(f"No {name} in {folder(lab, name)}: running {source.name} (profile {lab.profile.name!r}{given}, {took}) to make it; its "
              f"executed copy goes to {out}.", flush=True)
        execute_notebook(source, out, lab.profile.name, lab.seed, lab.data_dir, checkpoint=lab.checkpoint)
        if not exists(lab, name):
            raise FileNotFoundError(f"{source.name} ran (executed copy in {out}) but saved no {name} "
                                    f"in {folder(lab, name)}")
    return path(lab, name)


# --- the encoder -------------------------------------------------------------------


ENCODERS = ("encoder", "adapted_encoder")


def _encoder_files(name: str) -> tuple[str, ...]:
    if name not in ENCODERS:
        raise ValueError(f"{name!r} is not an encoder artifact; expected one of: {', '.join(ENCODERS)}")
    return ARTIFACTS[name].files


def save_encoder(lab, bundle, name: str = "encoder") -> Path:
    """Save an :class:`~labkit.blocks.encoder.EncoderBundle`: encoder (.keras), vocabulary, tokenizer settings."""
    from labkit.blocks.text import save_vocabulary

    model_file, vocab_file, settings_file = _encoder_files(name)
    where = _saving(lab, name)
    bundle.encoder.save(where / model_file)
    save_vocabulary(bundle.vocab, where / vocab_file)
    settings = {"seq_len": bundle.seq_len, "lowercase": bool(bundle.tokenizer.lowercase)}
    (where / settings_file).write_text(json.dumps(settings) + "\n")
    print(f"saved {model_file} and its vocabulary in {where}")
    return where / model_file


def _tokenizer(lab):
    from labkit.blocks.text import load_vocabulary, make_tokenizer

    _, vocab_file, settings_file = ARTIFACTS["encoder"].files
    settings = json.loads((lab.artifacts_dir / settings_file).read_text())
    vocab = load_vocabulary(lab.artifacts_dir / vocab_file)
    return make_tokenizer(vocab, settings["seq_len"], lowercase=settings["lowercase"]), vocab, settings["seq_len"]


def load_encoder(lab, name: str = "encoder"):
    """Notebook 01's pretrained encoder (or ``adapted_encoder``) with its tokenizer, as an
    :class:`~labkit.blocks.encoder.EncoderBundle`."""
    import keras

    from labkit.blocks.encoder import EncoderBundle

    _encoder_files(name)
    encoder = keras.saving.load_model(_read(lab, name))
    return EncoderBundle(encoder, *_tokenizer(lab))


# --- the fine-tuned models -----------------------------------------------------------


def save_finetuned(lab, name: str, model, class_names: list[str], checkpoint=None) -> Path:
    """Save a fine-tuned model with its class names: ``intent_classifier`` or ``ner_tagger`` (fine-tuned from
    notebook 01's encoder), ``checkpoint_intent_classifier`` or ``checkpoint_ner_tagger`` (from ``lab.checkpoint``,
    a published checkpoint: ``checkpoint`` is its ``Checkpoint``, whose tokenizer is saved with the model)."""
    if name not in FINETUNED:
        raise ValueError(f"save_finetuned saves {', '.join(FINETUNED)}; got {name!r}")
    model_file, names_file = ARTIFACTS[name].files
    where = _saving(lab, name, _fine_tuned_from(lab, name, checkpoint))  # first: it refuses a checkpoint_ model
    # when CHECKPOINT is the kit's
    model.save(where / model_file)
    (where / names_file).write_text(json.dumps(list(class_names)) + "\n")
    print(f"saved {model_file} in {where}")
    return where / model_file


def read_finetuned(lab, name: str):
    """``(model, class_names)``: fine-tuned model ``name`` as 02 saved it (after :func:`require`; the load says what
    made it)."""
    import keras

    if name not in FINETUNED:
        raise ValueError(f"read_finetuned reads {', '.join(FINETUNED)}; got {name!r}")
    model = keras.saving.load_model(_read(lab, name))
    return model, json.loads((folder(lab, name) / ARTIFACTS[name].files[1]).read_text())


def _load_finetuned(lab, name: str):
    from labkit.blocks.encoder import EncoderBundle

    model, names = read_finetuned(lab, name)
    return model, EncoderBundle(model.get_layer("encoder"), *_tokenizer(lab)), names


def load_intent_classifier(lab):
    """Notebook 02's intent classifier: ``(model, bundle, label_names)``.

    ``model`` maps token ids ``(batch, seq_len)`` (int32, 0 = padding; make them with
    ``labkit.blocks.text.tokenize(bundle.tokenizer, texts)``) to class probabilities ``(batch, len(label_names))``;
    ``bundle.encoder`` is the fine-tuned encoder inside it.
    """
    return _load_finetuned(lab, "intent_classifier")


def load_ner_tagger(lab):
    """Notebook 02's NER tagger: ``(model, bundle, tag_names)``.

    ``model`` maps token ids ``(batch, seq_len)`` to per-token tag probabilities
    ``(batch, seq_len, len(tag_names))``; a word's tag is read at its first sub-word
    (``labkit.blocks.text.align_tags`` and ``word_scores`` do the bookkeeping, ``labkit.ch02.decode_tags`` the tags).
    """
    return _load_finetuned(lab, "ner_tagger")


# --- the instruction policy -----------------------------------------------------------


def policy_dir(lab) -> Path:
    """The folder notebook 03's instruction policy is saved in (per checkpoint: its instructions are embedded by
    ``lab.checkpoint``'s encoder); ``labkit.blocks.rl.load_policy`` reads it, ``labkit.ch03.load_instruction_agent``
    with its embedding."""
    return folder(lab, "instruction_policy") / "instruction_policy"


def save_instruction_policy(lab, policy) -> Path:
    """Save notebook 03's trained policy (``PolicySaver(policy).save(policy_dir(lab))``: a SavedModel that runs without
    the agent's code), recording that its instructions were embedded by ``lab.checkpoint``'s encoder."""
    from tf_agents.policies import policy_saver

    _saving(lab, "instruction_policy")
    policy_saver.PolicySaver(policy).save(str(policy_dir(lab)))
    print(f"saved the instruction policy in {policy_dir(lab)}")
    return policy_dir(lab)


def load_instruction_policy(lab):
    """Notebook 03's saved policy, made with ``lab.checkpoint`` (after :func:`require`; the load says what made it).
    It acts on the instruction world's observations; ``labkit.ch03.load_instruction_agent`` gives it with the
    embedding its instructions need."""
    from labkit.blocks.rl import load_policy

    _read(lab, "instruction_policy")
    return load_policy(policy_dir(lab))


# --- the case studies' deployed models (notebook 10's skills) ---------------------------------------------------


TEXT_CLASSIFIERS = ("service_classifier", "sentiment_classifier")
CANDIDATES = ("fine-tuned encoder", "TF-IDF + logistic regression", "mean of the two")  # what 05 and 06 choose among


@dataclass(frozen=True)
class TextClassifier:
    """A deployed text classifier: ``classifier(texts)`` gives class probabilities ``(len(texts), len(labels))``,
    columns in ``labels``' order. ``deployed`` says which candidate it is (:data:`CANDIDATES`), ``threshold`` the
    rejection threshold on the top probability chosen with it (notebook 05's tau; None where there is none)."""

    predict: Callable[[list[str]], np.ndarray]
    labels: list[str]
    deployed: str
    threshold: float | None = None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict(list(texts))


def _classifier_files(name: str) -> tuple[str, str, str]:
    if name not in TEXT_CLASSIFIERS:
        raise ValueError(f"{name!r} is not a text classifier artifact; expected one of: {', '.join(TEXT_CLASSIFIERS)}")
    return f"{name}.json", f"{name}.keras", f"{name}_tfidf.pkl"


def save_text_classifier(lab, name: str, deployed: str, labels: Sequence[str], model=None, tfidf=None,
                         threshold: float | None = None, checkpoint=None) -> Path:
    """Save the classifier a notebook deploys (``service_classifier`` from 05, ``sentiment_classifier`` from 06).

    ``deployed``: one of :data:`CANDIDATES`; ``model``: the fine-tuned Keras classifier (token ids -> probabilities
    in ``labels``' order; needed unless TF-IDF alone is deployed); ``tfidf``: ``(vectorizer, logistic)`` from
    ``baselines.tfidf_logistic`` (needed unless the encoder alone is deployed), fitted on the label names or on
    their ids; ``threshold``: the rejection threshold chosen with it; ``checkpoint``: the
    ``labkit.blocks.checkpoints.Checkpoint`` the encoder started from (``lab.checkpoint``'s; its tokenizer is saved
    with a published one's model). The classifier is kept per checkpoint (:func:`folder`). Only what the deployed
    candidate needs is saved."""
    info_file, model_file, tfidf_file = _classifier_files(name)
    if deployed not in CANDIDATES:
        raise ValueError(f"deployed={deployed!r}; expected one of: {', '.join(CANDIDATES)}")
    labels = [str(label) for label in labels]
    tfidf_only, encoder_only = deployed == "TF-IDF + logistic regression", deployed == "fine-tuned encoder"
    if not tfidf_only and model is None:  # before anything is written: a bad call leaves the artifact as it was
        raise ValueError(f"deployed={deployed!r} needs model=, the fine-tuned Keras classifier")
    if not encoder_only and tfidf is None:
        raise ValueError(f"deployed={deployed!r} needs tfidf=(vectorizer, logistic regression)")
    where = _saving(lab, name, None if tfidf_only else _fine_tuned_from(lab, name, checkpoint))
    (where / info_file).unlink(missing_ok=True)  # until the new one is whole, there is no artifact
    files = {}
    if not tfidf_only:
        model.save(where / model_file)
        files["model"] = model_file
    if not encoder_only:
        vectorizer, logistic = tfidf
        classes = [c.item() if hasattr(c, "item") else c for c in logistic.classes_]
        wanted = labels if set(labels) <= set(map(str, classes)) else list(range(len(labels)))
        try:
            columns = [list(map(str, classes)).index(str(w)) for w in wanted]
        except ValueError:
            raise ValueError(f"the logistic regression's classes {classes} are neither the labels {labels} nor "
                             f"their ids 0..{len(labels) - 1}") from None
        with open(where / tfidf_file, "wb") as f:
            pickle.dump({"vectorizer": vectorizer, "logistic": logistic, "columns": columns}, f)
        files["tfidf"] = tfidf_file
    info = {"deployed": deployed, "labels": labels, "threshold": None if threshold is None else float(threshold),
            "files": files}
    (where / info_file).write_text(json.dumps(info, indent=1) + "\n")  # last: the artifact is complete
    print(f"saved {name} ({deployed}) in {where}")
    return where / info_file


def load_text_classifier(lab, name: str) -> TextClassifier:
    """The classifier notebook 05 (``service_classifier``) or 06 (``sentiment_classifier``) deployed with
    ``lab.checkpoint``, as a :class:`TextClassifier` (texts in, probabilities out). A fine-tuned encoder reads the
    tokenizer of the checkpoint it started from (:func:`finetuned_tokenizer`)."""
    info_file, _, _ = _classifier_files(name)
    where = _read(lab, name).parent
    info = json.loads((where / info_file).read_text())
    parts = []
    if "model" in info["files"]:
        import keras

        model = keras.saving.load_model(where / info["files"]["model"])
        tokenizer = finetuned_tokenizer(lab, name)
        parts.append(lambda texts: model.predict(tokenizer(texts), batch_size=256, verbose=0))
    if "tfidf" in info["files"]:
        with open(where / info["files"]["tfidf"], "rb") as f:
            bow = pickle.load(f)
        parts.append(lambda texts: bow["logistic"].predict_proba(bow["vectorizer"].transform(texts))[:, bow["columns"]])

    def predict(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(info["labels"])), "float32")
        return np.mean([np.asarray(part(texts), "float64") for part in parts], axis=0)  # the mean of the two, or one
    return TextClassifier(predict, info["labels"], info["deployed"], info["threshold"])


@dataclass(frozen=True)
class Recommender:
    """Notebook 07's deployed recommender as factors: the score of film ``i`` for user row ``u`` is
    ``user_vectors[u] @ item_vectors[i] + item_bias[i]`` (the two-tower score), ``-inf`` for the films it does not
    score (``scored`` False: 07's cold films). ``user_ids`` are the users' own ids, in row order; ``titles`` the films'."""

    user_ids: np.ndarray
    user_vectors: np.ndarray
    item_vectors: np.ndarray
    item_bias: np.ndarray
    scored: np.ndarray
    titles: list[str]

    def scores(self, user_id) -> np.ndarray:
        """Every film's score for the user with this id (``-inf`` where the model scores none); ValueError for an
        unknown user."""
        rows = np.flatnonzero(self.user_ids == user_id)
        if not len(rows):
            raise ValueError(f"user {user_id!r} is not one of the recommender's {len(self.user_ids)} users")
        scores = self.item_vectors @ self.user_vectors[rows[0]] + self.item_bias
        return np.where(self.scored, scores, -np.inf)


def save_recommender(lab, user_ids, user_vectors, item_vectors, item_bias, scored, titles) -> Path:
    """Save notebook 07's deployed recommender (see :class:`Recommender` for what each array is)."""
    arrays = {"user_ids": np.asarray(user_ids), "user_vectors": np.asarray(user_vectors, "float32"),
              "item_vectors": np.asarray(item_vectors, "float32"), "item_bias": np.asarray(item_bias, "float32"),
              "scored": np.asarray(scored, bool), "titles": np.asarray([str(t) for t in titles])}
    n_users, n_items = len(arrays["user_ids"]), len(arrays["titles"])
    shapes = {"user_vectors": (n_users, None), "item_vectors": (n_items, None), "item_bias": (n_items,),
              "scored": (n_items,)}
    for key, shape in shapes.items():
        if len(arrays[key].shape) != len(shape) or arrays[key].shape[0] != shape[0]:
            raise ValueError(f"{key} has shape {arrays[key].shape}; expected {n_users if key == 'user_vectors' else n_items} "
                             f"rows ({n_users} users, {n_items} titles)")
    file = _saving(lab, "recommender") / ARTIFACTS["recommender"].files[0]
    with open(file, "wb") as f:  # a file object: np.savez would add .npz to a name that lacks it
        np.savez(f, **arrays)
    print(f"saved {file.name} ({n_users} users, {int(arrays['scored'].sum())} of {n_items} films scored) in {lab.artifacts_dir}")
    return file


def load_recommender(lab) -> Recommender:
    """Notebook 07's deployed recommender, as a :class:`Recommender`."""
    with np.load(_read(lab, "recommender"), allow_pickle=False) as saved:
        return Recommender(saved["user_ids"], saved["user_vectors"], saved["item_vectors"], saved["item_bias"],
                           saved["scored"], [str(t) for t in saved["titles"]])


def save_knowledge_graph(lab, graph) -> Path:
    """Save notebook 08's graph (a ``networkx.MultiDiGraph``: nodes with their attributes, edges keyed by relation
    with theirs) as JSON, per checkpoint: the encoder of the extractor that built it started from ``lab.checkpoint``."""
    content = {"nodes": [[node, dict(attributes)] for node, attributes in graph.nodes(data=True)],
               "edges": [[head, tail, key, dict(attributes)] for head, tail, key, attributes in
                         graph.edges(keys=True, data=True)]}
    file = _saving(lab, "knowledge_graph") / ARTIFACTS["knowledge_graph"].files[0]
    file.write_text(json.dumps(content, indent=0) + "\n")
    print(f"saved {file.name} ({graph.number_of_nodes()} entities, {graph.number_of_edges()} facts) in {file.parent}")
    return file


def load_knowledge_graph(lab):
    """Notebook 08's graph, as the ``networkx.MultiDiGraph`` it saved."""
    import networkx as nx

    content = json.loads(_read(lab, "knowledge_graph").read_text())
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((node, attributes) for node, attributes in content["nodes"])
    for head, tail, key, attributes in content["edges"]:
        graph.add_edge(head, tail, key=key, **attributes)
    return graph


def save_generator(lab, model, sizes: dict) -> Path:
    """Save notebook 09's own GPT: ``sizes``, the keyword arguments of ``labkit.ch09.build_gpt`` that built it, and
    its weights. It reads notebook 01's vocabulary, saved beside it as the encoder's."""
    info_file, weights_file = ARTIFACTS["generator"].files[:2]
    where = _saving(lab, "generator")
    (where / info_file).unlink(missing_ok=True)  # until the new weights are whole, there is no artifact
    with open(where / weights_file, "wb") as f:
        np.savez(f, *model.get_weights())
    (where / info_file).write_text(json.dumps(dict(sizes), indent=1) + "\n")
    print(f"saved {info_file} and {weights_file} in {lab.artifacts_dir}")
    return lab.artifacts_dir / info_file


def load_generator(lab, build: Callable):
    """Notebook 09's GPT: ``(model, tokenizer, vocab)``, the model rebuilt by ``build`` (``labkit.ch09.build_gpt``)
    with the saved sizes and given the saved weights. ``model`` maps token ids ``(batch, length)`` (at most the
    tokenizer's ``sequence_length``) to next-token logits; ``labkit.ch09`` encodes prompts, generates and
    detokenizes."""
    info_file, weights_file = ARTIFACTS["generator"].files[:2]
    _read(lab, "generator")
    model = build(**json.loads((lab.artifacts_dir / info_file).read_text()))
    with np.load(lab.artifacts_dir / weights_file, allow_pickle=False) as saved:
        model.set_weights([saved[f"arr_{i}"] for i in range(len(saved.files))])
    tokenizer, vocab, _ = _tokenizer(lab)
    return model, tokenizer, vocab
