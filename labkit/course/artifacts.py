"""The artifacts notebooks hand to each other: one name, one producer and one loader each.

=====================  ===========================================  ============
artifact               files in ``lab.artifacts_dir``               made by
=====================  ===========================================  ============
``encoder``            encoder.keras, vocab.txt, tokenizer.json     notebook 01
``adapted_encoder``    adapted_encoder.keras (+ the same vocab)     notebook 01
``intent_classifier``  intent_classifier.keras, intent_labels.json  notebook 02
``ner_tagger``         ner_tagger.keras, ner_tags.json              notebook 02
``instruction_policy`` instruction_policy/ (a PolicySaver model)    notebook 03
=====================  ===========================================  ============

When a notebook asks for an artifact that is missing, :func:`require` runs the notebook that
makes it (same profile, seed, data and run folder, through papermill): the learner gets the very
recipe that notebook teaches, and its executed copy to read, never a second copy of the code.

Artifacts know what made them. ``lab.artifacts_dir`` is one folder per profile (and overridden fields), seed
and data, with those in its ``made_by.json``; each saved model adds ``<artifact>.made_by.json`` (the notebook
and the checkpoint its encoder started from). Every load prints what it read and adds it to the run's
``artifacts_read.json``, which the run report lists.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path


@dataclass(frozen=True)
class Artifact:
    files: tuple[str, ...]  # relative to lab.artifacts_dir; all must exist
    notebook: str  # number of the notebook that makes it


ARTIFACTS: dict[str, Artifact] = {
    "encoder": Artifact(("encoder.keras", "vocab.txt", "tokenizer.json"), "01"),
    # the encoder after more masked-LM on the intent training messages (domain-adaptive pretraining)
    "adapted_encoder": Artifact(("adapted_encoder.keras", "vocab.txt", "tokenizer.json"), "01"),
    "intent_classifier": Artifact(("intent_classifier.keras", "intent_labels.json"), "02"),
    "ner_tagger": Artifact(("ner_tagger.keras", "ner_tags.json"), "02"),
    "instruction_policy": Artifact(("instruction_policy/saved_model.pb",), "03"),
}


def _artifact(name: str) -> Artifact:
    if name not in ARTIFACTS:
        raise ValueError(f"unknown artifact {name!r}; known artifacts: {', '.join(ARTIFACTS)}")
    return ARTIFACTS[name]


def path(lab, name: str) -> Path:
    """Where artifact ``name`` lives: its first file (the model) in ``lab.artifacts_dir``."""
    return lab.artifacts_dir / _artifact(name).files[0]


def exists(lab, name: str) -> bool:
    return all((lab.artifacts_dir / f).exists() for f in _artifact(name).files)


def made_by(lab, name: str) -> dict:
    """What made artifact ``name`` in ``lab.artifacts_dir``: the folder's profile, overrides, seed and data, the
    notebook that saved it and, for a fine-tuned model, the checkpoint it started from."""
    record = lab.artifacts_dir / f"{name}.made_by.json"
    own = json.loads(record.read_text()) if record.exists() else {"notebook": _artifact(name).notebook}
    return {**json.loads((lab.artifacts_dir / "made_by.json").read_text()), **own}


def _saved(lab, name: str, checkpoint: str) -> None:
    record = {"notebook": lab.notebook[:2], "checkpoint": str(checkpoint)}
    (lab.artifacts_dir / f"{name}.made_by.json").write_text(json.dumps(record) + "\n")


def _read(lab, name: str) -> Path:
    """:func:`require`, then say what made the artifact and note it in the run's ``artifacts_read.json``."""
    found = require(lab, name)
    made = made_by(lab, name)
    data = "the bundled data" if made["data"] == "bundled" else f"data from {made['data']}"
    overrides = "".join(f", {k}={v}" for k, v in made["overrides"].items())
    checkpoint = f", fine-tuned from {made['checkpoint']}" if made.get("checkpoint", "kit") != "kit" else ""
    print(f"labkit: {name} made by notebook {made['notebook']} (profile {made['profile']!r}{overrides}, "
          f"seed {made['seed']}, {data}{checkpoint})")
    read = json.loads(lab.artifacts_read_path.read_text()) if lab.artifacts_read_path.exists() else {}
    lab.output_dir.mkdir(parents=True, exist_ok=True)
    lab.artifacts_read_path.write_text(json.dumps({**read, name: made}, indent=2, sort_keys=True) + "\n")
    return found


def require(lab, name: str) -> Path:
    """Make sure artifact ``name`` exists, running the notebook that makes it when it does not."""
    if not exists(lab, name):
        from labkit.course.runner import execute_notebook, expected_seconds, find_notebook

        overrides = lab.made_by()["overrides"]
        if overrides:  # the runner sets no profile fields: the producing notebook would fill another folder
            raise FileNotFoundError(
                f"No {name} in {lab.artifacts_dir}, made with the overridden fields {overrides}: run notebook "
                f"{_artifact(name).notebook} with the same overrides first (lab.profile = labkit.get_profile(...)), "
                f"or drop the overrides to use the profile's own artifacts")
        source = find_notebook(_artifact(name).notebook)
        seconds = expected_seconds(source.stem, lab.profile.name)
        took = (f"about {seconds / 60:.0f} minutes" if seconds and seconds >= 90 else
                f"about {seconds:.0f} seconds" if seconds else "as long as that notebook takes")
        out = lab.output_dir.parent / source.stem  # beside this notebook's outputs: the artifacts are shared
        print(f"No {name} in {lab.artifacts_dir}: running {source.name} (profile {lab.profile.name!r}, "
              f"{took}) to make it; its executed copy goes to {out}.", flush=True)
        execute_notebook(source, out, lab.profile.name, lab.seed, lab.data_dir, checkpoint=lab.checkpoint)
        if not exists(lab, name):
            raise FileNotFoundError(f"{source.name} ran (executed copy in {out}) but saved no {name} "
                                    f"in {lab.artifacts_dir}")
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

    folder = lab.artifacts_dir
    model_file, vocab_file, settings_file = _encoder_files(name)
    bundle.encoder.save(folder / model_file)
    save_vocabulary(bundle.vocab, folder / vocab_file)
    settings = {"seq_len": bundle.seq_len, "lowercase": bool(bundle.tokenizer.lowercase)}
    (folder / settings_file).write_text(json.dumps(settings) + "\n")
    _saved(lab, name, "kit")
    print(f"saved {model_file} and its vocabulary in {folder}")
    return folder / model_file


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


def save_finetuned(lab, name: str, model, class_names: list[str], checkpoint: str = "kit") -> Path:
    """Save a fine-tuned model (``intent_classifier`` or ``ner_tagger``) with its class names and the checkpoint
    its encoder started from (``"kit"``: notebook 01's)."""
    if name not in ("intent_classifier", "ner_tagger"):
        raise ValueError(f"save_finetuned saves intent_classifier or ner_tagger, got {name!r}")
    model_file, names_file = ARTIFACTS[name].files
    model.save(lab.artifacts_dir / model_file)
    (lab.artifacts_dir / names_file).write_text(json.dumps(list(class_names)) + "\n")
    _saved(lab, name, checkpoint)
    print(f"saved {model_file} in {lab.artifacts_dir}")
    return lab.artifacts_dir / model_file


def _load_finetuned(lab, name: str):
    import keras

    from labkit.blocks.encoder import EncoderBundle

    model = keras.saving.load_model(_read(lab, name))
    names = json.loads((lab.artifacts_dir / ARTIFACTS[name].files[1]).read_text())
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
    """The folder notebook 03 saves its instruction policy into (``PolicySaver(...).save(folder)``)."""
    return lab.artifacts_dir / "instruction_policy"


def load_instruction_agent(lab):
    """``(policy, embed)``: notebook 03's saved policy and the instruction embedding it was trained with.

    ``policy`` acts on the instruction world's observations (``labkit.blocks.rl.load_policy``); ``embed``
    maps texts to instruction vectors (``embed_sentences`` with notebook 01's encoder).
    """
    from labkit.blocks.encoder import embed_sentences
    from labkit.blocks.rl import load_policy

    _read(lab, "instruction_policy")
    return load_policy(policy_dir(lab)), partial(embed_sentences, load_encoder(lab))
