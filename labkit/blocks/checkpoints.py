"""Published checkpoints beside the kit's own encoder: one way to get an encoder, three sources.

A notebook's ``CHECKPOINT`` says where its encoder comes from::

    CHECKPOINT = "kit"                    # notebook 01's encoder (the default; offline)
    CHECKPOINT = "bert_tiny_en_uncased"   # a keras_hub preset (or a kaggle:// / hf:// handle), downloaded once
    CHECKPOINT = "my_presets/bert_tiny"   # a folder written by keras_hub's save_to_preset

and :func:`load_checkpoint` gives the same :class:`Checkpoint` for all three: ``encoder`` (token ids
``(batch, seq_len)``, int32, 0 = padding -> hidden states ``(batch, seq_len, hidden_dim)``, the face of 01's
encoder, so ``labkit.ch02`` fine-tunes any of them), ``tokenizer`` (texts -> ids, words -> first-sub-word
tag alignment and back) and ``info`` (name, parameters, pretraining text: the figures for a table or a legend).

Pooling is the same for every source: the mean of the hidden states over the real tokens (the kit's rule, and
sentence-transformers'). A BERT preset's own classifier reads its [CLS] token through a pooler instead; here the
pooler is left out. A preset's ids carry its [CLS] ... [SEP] (as it was pretrained); the kit's carry
none (as 01 pretrained it).

Downloads land in the kit home (``labkit.course.paths.kit_home()/presets``): keras_hub's caches (kagglehub's and
Hugging Face's) are pointed there unless you set your own. Offline, a preset that is not cached fails within
seconds with one message saying what to do; the kit checks the hub itself before keras_hub tries (its download
clients set no timeout), and removes whatever a failed download left half-written.

``load_finetuned`` loads what notebook 02 fine-tuned from a published checkpoint (``checkpoint_intent_classifier``,
``checkpoint_ner_tagger``) with that checkpoint's tokenizer, saved with them; notebook 04 explains them.

``load_generator`` is the generator slot (notebook 09's ``GPT_CHECKPOINT``): a GPT-2 preset as a keras_hub
``CausalLM``.
"""
from __future__ import annotations

import difflib
import http.client
import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit.course.paths import kit_home
from labkit.course.runner import KIT, is_kit  # noqa: F401  - is_kit: notebooks ask checkpoints.is_kit(CHECKPOINT)
from labkit.blocks.encoder import mean_pooled
from labkit.blocks.text import PAD_ID, WordPieces

PROBE_SECONDS = 4.0  # how long the hub may take to answer before the kit calls it unreachable
ENCODER_BACKBONES = ("BertBackbone",)  # WordPiece encoders with [PAD] = 0, like 01's: the adapter below fits them
GENERATOR_BACKBONES = ("GPT2Backbone",)
PRESET_FILES = ("config.json", "tokenizer.json", "model.weights.h5")  # what save_to_preset writes (+ assets)


@dataclass(frozen=True)
class Pretraining:
    """What a published model was pretrained on, typed in from its card (``source``)."""

    text: str
    words: int | None  # None where the card gives no word count
    source: str


_BERT = Pretraining("BooksCorpus (800M words) + English Wikipedia (2,500M words)", 3_300_000_000,
                    "https://arxiv.org/abs/1810.04805 (section 3.1)")
_BERT_MINIATURES = Pretraining(_BERT.text + ", as BERT (the compact models of Turc et al. 2019)", _BERT.words,
                               "https://github.com/google-research/bert (README: smaller BERT models); "
                               "https://arxiv.org/abs/1908.08962")
PRETRAINING: dict[str, Pretraining] = {
    "bert_tiny_en_uncased": _BERT_MINIATURES,
    "bert_small_en_uncased": _BERT_MINIATURES,
    "bert_medium_en_uncased": _BERT_MINIATURES,
    "bert_base_en_uncased": _BERT,
    "bert_base_en": _BERT,
    "all_minilm_l6_v2_en": Pretraining(
        "MiniLM-L6-H384 (distilled from a BERT-style model), then contrastive training on over 1 billion "
        "sentence pairs", None, "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2"),
    "gpt2_base_en": Pretraining(
        "WebText: about 40 GB of text from 8 million web pages linked from Reddit", None,
        "https://huggingface.co/openai-community/gpt2; https://cdn.openai.com/better-language-models/"
        "language_models_are_unsupervised_multitask_learners.pdf"),
}

# the presets that suit each lesson (``labkit checkpoints``); every name is in keras_hub's registry (a test checks)
LESSONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "02": ("fine-tuning: intent classification and NER (the cased bert_base_en for CoNLL-2003)",
           ("bert_tiny_en_uncased", "bert_small_en_uncased", "bert_medium_en_uncased", "bert_base_en_uncased",
            "bert_base_en")),
    "03": ("instruction embeddings (a sentence-embedding model helps held-out paraphrases)",
           ("all_minilm_l6_v2_en", "bert_tiny_en_uncased")),
    "04": ("explains the model 02 fine-tuned: the same checkpoint as 02", ("bert_tiny_en_uncased",)),
    "05": ("customer service: intent classification", ("bert_tiny_en_uncased", "bert_small_en_uncased")),
    "06": ("financial sentiment", ("bert_tiny_en_uncased", "bert_small_en_uncased")),
    "08": ("knowledge graph: entity tagging (cased helps names)", ("bert_base_en", "bert_tiny_en_uncased")),
    "09": ("generation and RL of the language model (GPT_CHECKPOINT)", ("gpt2_base_en",)),
    "10": ("capstone: the router's encoder, and the skills 03, 05, 06 and 08 make with the same checkpoint",
           ("bert_tiny_en_uncased", "bert_small_en_uncased")),
}


@dataclass(frozen=True)
class CheckpointInfo:
    """Where an encoder came from, for tables and legends.

    ``source``: ``"kit"``, ``"preset"`` (a keras_hub name), ``"handle"`` (``kaggle://``, ``hf://``) or ``"folder"``.
    ``pretraining``: what it read before fine-tuning (``"not recorded"`` when nobody wrote it down);
    ``pretraining_words`` the word count where known; ``pretraining_source`` where that was read.
    """

    name: str
    source: str
    params: int
    pretraining: str
    pretraining_words: int | None
    pretraining_source: str | None
    lowercase: bool
    pooling: str

    def legend(self) -> str:
        """A short label such as ``bert_tiny_en_uncased (4.4M parameters, 3.3B words)``."""
        n = self.pretraining_words
        words = f"{n / 1e9:.1f}B words" if n and n >= 1e8 else f"{n:,} words" if n else "pretraining text not recorded"
        return f"{self.name} ({self.params / 1e6:.1f}M parameters, {words})"


# --- the checkpoint -----------------------------------------------------------------------


@dataclass
class Checkpoint:
    """What a lesson needs from an encoder, whatever its source.

    ``encoder``: a Keras model, token ids ``(batch, seq_len)`` int32 (0 = padding) -> hidden states
    ``(batch, seq_len, hidden_dim)``; ``labkit.ch02.build_classifier`` / ``build_tagger`` / ``fine_tune_*`` take it.
    ``tokenizer``: a :class:`WordPieces` (texts -> those ids; words -> tag alignment and back).
    ``info``: a :class:`CheckpointInfo` (name, parameters, pretraining text).
    """

    encoder: object
    tokenizer: WordPieces
    info: CheckpointInfo

    @property
    def seq_len(self) -> int:
        return self.tokenizer.seq_len

    @property
    def hidden_dim(self) -> int:
        return int(self.encoder.output_shape[-1])

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """One vector per text (mean pooling over the real tokens): float32 ``(len(texts), hidden_dim)``."""
        return mean_pooled(self.encoder, self.tokenizer(texts), batch_size)


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded, with what to do about it in the message."""


def load_checkpoint(checkpoint: str | os.PathLike = KIT, lab=None, seq_len: int | None = None,
                    artifact: str = "encoder") -> Checkpoint:
    """The encoder named by ``checkpoint``, as a :class:`Checkpoint` (encoder, tokenizer, info).

    ``checkpoint``: ``"kit"`` (notebook 01's ``artifact``, ``encoder`` or ``adapted_encoder``, from ``lab``'s
    artifacts; 01 runs first when it is missing), a keras_hub preset name such as ``"bert_tiny_en_uncased"``,
    a ``kaggle://`` or ``hf://`` handle, or a folder written by ``save_to_preset``. ``seq_len`` (presets only;
    default ``lab.profile.seq_len``): the length of the token ids. Raises :class:`CheckpointError` (a
    ValueError) for an unknown name, a folder without a preset, a generator in this encoder slot, or a hub
    that cannot be reached.
    """
    if str(checkpoint) == KIT:
        return _kit_checkpoint(lab, artifact)
    seq_len = seq_len or (lab.profile.seq_len if lab is not None else None)
    if not seq_len:
        raise ValueError("seq_len: give the length of the token ids (or lab, whose profile has seq_len)")
    name, source, backbone_class = _resolve(checkpoint, "encoder")
    import keras_hub

    with _download_guard(name, source):
        backbone = keras_hub.models.Backbone.from_preset(name)
        _check_slot(name, type(backbone).__name__, "encoder")  # a handle's class shows only once downloaded
        wordpiece = keras_hub.tokenizers.Tokenizer.from_preset(name)
    max_len = int(backbone.max_sequence_length)
    if seq_len > max_len:
        raise ValueError(f"seq_len={seq_len} is longer than {name}'s {max_len} positions")
    info = _preset_info(name, source, backbone, wordpiece.lowercase,
                        pooling="mean over the real tokens ([CLS] and [SEP] included); the preset's own "
                                "classifier would read [CLS] through its pooler, unused here")
    return Checkpoint(_bert_face(backbone, seq_len), WordPieces(wordpiece, seq_len, wordpiece.start_token_id,
                                                                wordpiece.end_token_id), info)


def load_finetuned(lab, name: str) -> tuple[object, Checkpoint, list[str]]:
    """A model notebook 02 fine-tuned from a published checkpoint (its ``CHECKPOINT``), for ``lab.checkpoint``:
    ``(model, checkpoint, class_names)``.

    ``name``: ``"checkpoint_intent_classifier"`` (``model``: token ids -> class probabilities) or
    ``"checkpoint_ner_tagger"`` (token ids -> per-token tag probabilities, a word's tag read at its first sub-word).
    ``checkpoint`` is a :class:`Checkpoint` whose ``encoder`` is the fine-tuned one inside ``model``, whose
    ``tokenizer`` makes the ids ``model`` reads and whose ``info`` describes the checkpoint it started from (both
    saved with the model: no download). When the model is missing, notebook 02 runs first with ``lab.checkpoint``
    (``labkit.course.artifacts.require``).
    """
    from labkit.course.artifacts import FROM_CHECKPOINT, finetuned_tokenizer, made_by, read_finetuned

    if name not in FROM_CHECKPOINT:
        raise ValueError(f"load_finetuned loads {' or '.join(FROM_CHECKPOINT)}, got {name!r} (the kit's own models: "
                         "labkit.course.artifacts.load_intent_classifier and load_ner_tagger)")
    model, names = read_finetuned(lab, name)
    info = CheckpointInfo(**made_by(lab, name)["checkpoint_info"])
    return model, Checkpoint(model.get_layer("encoder"), finetuned_tokenizer(lab, name), info), names


@dataclass
class PublishedGenerator:
    """A published generator: ``model`` a keras_hub ``CausalLM`` (``model.generate(prompts, max_length=...)``;
    its preprocessor makes ``sequence_length`` tokens), ``tokenizer`` its byte-pair tokenizer, ``info`` as for
    encoders (``pooling`` not applicable)."""

    model: object
    tokenizer: object
    info: CheckpointInfo


def load_generator(checkpoint: str | os.PathLike, seq_len: int | None = None) -> PublishedGenerator:
    """A GPT-2 preset (name, handle or folder) for notebook 09's ``GPT_CHECKPOINT``, as a :class:`PublishedGenerator`.

    ``seq_len``: the preprocessor's sequence length (default: the preset's own). The kit's generator is the
    small GPT notebook 09 builds in its cells, so ``"kit"`` is not a preset here: keep 09's own model for it.
    """
    if str(checkpoint) == KIT:
        raise ValueError('GPT_CHECKPOINT="kit" is notebook 09\'s own GPT, built in its cells; load_generator loads '
                         f"published generators: {', '.join(_registry_names('generator'))} or a folder saved from one")
    name, source, _ = _resolve(checkpoint, "generator")
    import keras_hub

    with _download_guard(name, source):
        backbone = keras_hub.models.Backbone.from_preset(name)
        _check_slot(name, type(backbone).__name__, "generator")
        model = keras_hub.models.CausalLM.from_preset(name, backbone=backbone)
    if seq_len:
        model.preprocessor.sequence_length = seq_len
    tokenizer = model.preprocessor.tokenizer
    info = _preset_info(name, source, model.backbone, lowercase=False, pooling="not applicable (a generator)")
    return PublishedGenerator(model, tokenizer, info)


# --- resolving a name ---------------------------------------------------------------------


def _registry_names(slot: str | None = None) -> list[str]:
    """keras_hub's built-in preset names (offline): all, or those that fit the ``encoder`` / ``generator`` slot."""
    import keras_hub

    if slot == "encoder":
        return sorted(keras_hub.models.BertBackbone.presets)
    if slot == "generator":
        return sorted(keras_hub.models.GPT2Backbone.presets)
    return sorted(keras_hub.models.Backbone.presets)


def registry(name: str) -> dict:
    """keras_hub's registry entry of a built-in preset: ``description``, ``params``, ``kaggle_handle``, ``backbone``."""
    import keras_hub

    entry = keras_hub.models.Backbone.presets.get(name)
    if entry is None:
        raise _unknown(name, "")
    slot = "encoder" if name in _registry_names("encoder") else "generator" if name in _registry_names("generator") \
        else "other"
    return {**entry["metadata"], "kaggle_handle": entry["kaggle_handle"], "slot": slot}


def _resolve(checkpoint: str | os.PathLike, slot: str) -> tuple[str, str, str | None]:
    """``(name for from_preset, source, backbone class or None until downloaded)``, after the slot checks."""
    text = str(checkpoint)
    if "://" in text:
        return text, "handle", None
    path = Path(text).expanduser()
    if path.is_dir():
        backbone_class = _check_folder(path)
        _check_slot(text, backbone_class, slot)
        return str(path), "folder", backbone_class
    if isinstance(checkpoint, os.PathLike) or os.sep in text or text.startswith((".", "~")):
        raise CheckpointError(f"CHECKPOINT={text!r}: no folder at {path}. Expected {KIT!r}, a keras_hub preset "
                              "name or a folder written by save_to_preset")
    if text not in _registry_names():
        raise _unknown(text, slot)
    entry = registry(text)
    backbone_class = "BertBackbone" if entry["slot"] == "encoder" else "GPT2Backbone" if entry["slot"] == "generator" \
        else None
    _check_slot(text, backbone_class, slot)
    return text, "preset", backbone_class


def _unknown(name: str, slot: str) -> CheckpointError:
    close = difflib.get_close_matches(name, _registry_names(), n=5, cutoff=0.6)
    hint = f"close names: {', '.join(close)}" if close else "no close name"
    if slot == "generator":
        setting, fits = "GPT_CHECKPOINT", _registry_names("generator")
    else:
        setting, fits = "CHECKPOINT", [*LESSONS["02"][1], "all_minilm_l6_v2_en", f"or {KIT!r}"]
    return CheckpointError(f"{setting}={name!r} is not a keras_hub preset ({hint}). Presets that fit: "
                           f"{', '.join(fits)}, or a folder written by save_to_preset (`labkit checkpoints` "
                           "lists them per lesson)")


def _check_folder(path: Path) -> str:
    """The backbone class named in a preset folder's config.json; a CheckpointError naming what is missing."""
    missing = [f for f in PRESET_FILES if not (path / f).exists()]
    if "model.weights.h5" in missing and list(path.glob("model_*.weights.h5")):  # sharded weights
        missing.remove("model.weights.h5")
    if not missing and not (path / "assets" / "tokenizer").is_dir():
        missing.append("assets/tokenizer/ (the tokenizer's vocabulary)")
    if missing:
        raise CheckpointError(f"CHECKPOINT={str(path)!r} is a folder but not a complete keras_hub preset: missing "
                              f"{', '.join(missing)}. Save one with backbone.save_to_preset(folder) and "
                              "tokenizer.save_to_preset(folder)")
    try:
        return json.loads((path / "config.json").read_text())["class_name"]
    except (ValueError, KeyError) as exc:
        raise CheckpointError(f"CHECKPOINT={str(path)!r}: config.json is not a keras_hub backbone config ({exc})")


def _check_slot(name: str, backbone_class: str | None, slot: str) -> None:
    fits = ENCODER_BACKBONES if slot == "encoder" else GENERATOR_BACKBONES
    if backbone_class in fits:
        return
    if slot == "encoder":
        what = "a generator: it belongs in GPT_CHECKPOINT (notebook 09)" if backbone_class in GENERATOR_BACKBONES \
            else f"a {backbone_class or 'model'} preset, not a BERT-family encoder"
        raise CheckpointError(f"CHECKPOINT={name!r} is {what}. The encoder slot takes {KIT!r}, a BERT-family "
                              f"preset ({', '.join(LESSONS['02'][1])}, all_minilm_l6_v2_en, ...) or a folder saved "
                              "from a BertBackbone")
    what = "an encoder: it belongs in CHECKPOINT" if backbone_class in ENCODER_BACKBONES \
        else f"a {backbone_class or 'model'} preset, not GPT-2"
    raise CheckpointError(f"GPT_CHECKPOINT={name!r} is {what}. The generator slot takes a GPT-2 preset "
                          f"({', '.join(_registry_names('generator'))}) or a folder saved from a GPT2Backbone")


# --- downloads: the kit home, the reachability check, no half-written files ------------------


def presets_dir() -> Path:
    """Where downloaded presets are cached: ``<kit home>/presets`` (kaggle/ and huggingface/ inside)."""
    return kit_home() / "presets"


@contextmanager
def hub_caches():
    """Point kagglehub's and Hugging Face's caches into :func:`presets_dir` for the duration (unless you set
    ``KAGGLEHUB_CACHE`` or ``HF_HOME`` / ``HF_HUB_CACHE`` yourself)."""
    saved_env = os.environ.get("KAGGLEHUB_CACHE")
    if saved_env is None:
        os.environ["KAGGLEHUB_CACHE"] = str(presets_dir() / "kaggle")
    constants, saved_hf = None, None
    if not {"HF_HOME", "HF_HUB_CACHE"} & set(os.environ):
        try:
            from huggingface_hub import constants  # read at import: its download call reads this attribute
        except ImportError:
            pass
        else:
            saved_hf, constants.HF_HUB_CACHE = constants.HF_HUB_CACHE, str(presets_dir() / "huggingface")
    try:
        yield
    finally:
        if saved_env is None:
            os.environ.pop("KAGGLEHUB_CACHE", None)
        if constants is not None:
            constants.HF_HUB_CACHE = saved_hf


def hub_address(name: str) -> str:
    """The address the download of preset or handle ``name`` starts at (Kaggle's API, or ``HF_ENDPOINT``)."""
    if name.startswith("hf://"):
        return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    from kagglesdk.kaggle_env import get_endpoint, get_env

    return get_endpoint(get_env())


def unreachable(url: str, timeout: float = PROBE_SECONDS) -> str | None:
    """None when ``url`` answers an HTTP request within ``timeout`` seconds, else why not (in words).

    Goes through the proxy named in ``HTTPS_PROXY`` / ``HTTP_PROXY`` when one is set, as the download would.
    Runs in a thread so that a hanging name lookup, which no socket timeout covers, cannot hold the caller.
    """
    result: list[str | None] = []

    def probe():
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
                pass
            result.append(None)
        except urllib.error.HTTPError:  # an HTTP answer, even an error status, means the hub is there
            result.append(None)
        except (OSError, http.client.HTTPException) as exc:  # refused, timed out, no such host, TLS failure
            reason = getattr(exc, "reason", exc)
            result.append(f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    return result[0] if result else f"no answer within {timeout:.0f} s"


def _offline_message(name: str, address: str, why: str) -> str:
    return (f"cannot download the preset {name!r}: its hub {address} is not reachable ({why}). Continue offline "
            f"with CHECKPOINT={KIT!r} (the kit's own encoder) or a local preset folder (save one where downloads "
            f"work: keras_hub.models.Backbone.from_preset({name!r}).save_to_preset(folder), and the tokenizer "
            f"likewise); downloaded presets are kept in {presets_dir()}")


def _cached(name: str, source: str) -> bool:
    """True when keras_hub can load ``name`` from the cache without the network."""
    if source == "folder":
        return True
    if name.startswith("hf://"):
        from huggingface_hub import try_to_load_from_cache

        repo = name.removeprefix("hf://")
        return all(isinstance(try_to_load_from_cache(repo, f), str) for f in PRESET_FILES)
    from kagglehub.cache import Cache
    from kagglehub.handle import parse_model_handle

    handle = registry(name)["kaggle_handle"] if source == "preset" else name
    try:
        parsed = parse_model_handle(handle.removeprefix("kaggle://"))
    except ValueError:
        return False
    return parsed.is_versioned() and all(Cache().load_from_cache(parsed, f) for f in PRESET_FILES)


def _cache_folder(name: str, source: str) -> Path | None:
    """The folder a download of ``name`` writes into, or None for a local folder."""
    if source == "folder":
        return None
    if name.startswith("hf://"):
        from huggingface_hub import constants

        return Path(constants.HF_HUB_CACHE) / ("models--" + name.removeprefix("hf://").replace("/", "--"))
    from kagglehub.config import get_cache_folder
    from kagglehub.handle import parse_model_handle

    handle = registry(name)["kaggle_handle"] if source == "preset" else name
    h = parse_model_handle(handle.removeprefix("kaggle://"))
    return Path(get_cache_folder()) / "models" / h.owner / h.model / h.framework / h.variation


@contextmanager
def _download_guard(name: str, source: str):
    """Inside the kit home's caches: check the hub first unless ``name`` is cached; on a failed download,
    remove the files it wrote and raise one CheckpointError that says what to do."""
    with hub_caches():
        if source == "folder" or _cached(name, source):
            yield
            return
        address = hub_address(name)
        why = unreachable(address)
        if why:
            raise CheckpointError(_offline_message(name, address, why)) from None
        folder = _cache_folder(name, source)
        before = set(folder.rglob("*")) if folder and folder.exists() else None
        try:
            yield
        except (OSError, ConnectionError) as exc:  # the hub went away mid-download (requests' errors are OSErrors)
            _remove_new(folder, before)
            raise CheckpointError(_offline_message(name, address, f"{type(exc).__name__}: {exc}")) from None
        except BaseException:
            _remove_new(folder, before)
            raise


def _remove_new(folder: Path | None, before: set[Path] | None) -> None:
    """Delete what a failed download added to ``folder`` (all of it when the folder is new)."""
    if folder is None or not folder.exists():
        return
    if before is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in sorted(set(folder.rglob("*")) - before, reverse=True):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# --- the sources' faces and figures ------------------------------------------------------------


def _bert_face(backbone, seq_len: int):
    """``backbone`` (dict inputs) as a model of 01's encoder's face: token ids (0 = [PAD]) -> sequence output.

    One segment (segment ids 0) and the padding mask made from the ids, as 01's encoder makes it. The pooler
    ([CLS] -> dense -> tanh) is left out: mean pooling replaces it, and it would get no gradient.
    """
    import keras

    layers = keras.Model(backbone.input, backbone.output["sequence_output"], name=f"{backbone.name}_layers")
    token_ids = keras.Input(shape=(seq_len,), dtype="int32", name="token_ids")
    hidden = layers({"token_ids": token_ids, "segment_ids": keras.ops.zeros_like(token_ids),
                     "padding_mask": keras.ops.cast(keras.ops.not_equal(token_ids, PAD_ID), "int32")})
    return keras.Model(token_ids, hidden, name="encoder")


def _preset_info(name: str, source: str, backbone, lowercase: bool, pooling: str) -> CheckpointInfo:
    short = name.rstrip("/").rsplit("/", 1)[-1]
    known = PRETRAINING.get(short)
    if source == "preset" and known is None:
        known = Pretraining(registry(name)["description"], None, "keras_hub's preset registry")
    return CheckpointInfo(
        name=short, source=source, params=int(backbone.count_params()),
        pretraining=known.text if known else "not recorded",
        pretraining_words=known.words if known else None,
        pretraining_source=known.source if known else None, lowercase=bool(lowercase), pooling=pooling)


def _kit_checkpoint(lab, artifact: str) -> Checkpoint:
    import keras_hub

    from labkit.course.artifacts import load_encoder

    if lab is None:
        raise ValueError('lab: CHECKPOINT="kit" reads notebook 01\'s encoder from lab.artifacts_dir; pass the lab '
                         "that labkit.setup returned")
    bundle = load_encoder(lab, artifact)
    tok = bundle.tokenizer
    params = int(bundle.encoder.count_params())
    words = _kit_pretraining_words(lab, params)
    info = CheckpointInfo(
        name=f"kit ({artifact}, profile {lab.profile.name})", source=KIT, params=params,
        pretraining=f"{words:,} words (notebook 01's corpus)" if words else "not recorded",
        pretraining_words=words, pretraining_source="notebook 01's metrics.json" if words else None,
        lowercase=bool(tok.lowercase), pooling="mean over the real tokens")
    return Checkpoint(bundle.encoder, WordPieces.of(tok, bundle.vocab, bundle.seq_len), info)


def _kit_pretraining_words(lab, params: int) -> int | None:
    """``pretrain_words`` from notebook 01's metrics.json beside this run, when 01 recorded it for this encoder."""
    metrics = lab.output_dir.parent / "01_self_supervised_pretraining" / "metrics.json"
    try:
        recorded = json.loads(metrics.read_text())
    except (OSError, ValueError):
        return None
    if recorded.get("encoder_params") != params:  # another profile's (or run's) encoder
        return None
    words = recorded.get("pretrain_words")
    return int(words) if isinstance(words, (int, float)) else None


# --- `labkit checkpoints`: the presets per lesson --------------------------------------------------

# presets timed by bench/bench_checkpoints.py under another name: the same encoder shape (bert_base_en's cased
# vocabulary of 28,996 makes only its embedding table smaller)
MEASURED_AS = {"bert_base_en": "bert_base_en_uncased"}


def measured_costs(profile: str = "laptop") -> dict[str, dict]:
    """Per preset (and ``kit``), the fine-tuning cost ``bench/bench_checkpoints.py`` measured on this kind of
    machine: ``epoch_minutes``, ``laptop_finetune_minutes``, ``fits_laptop``; empty when not measured."""
    from labkit.course.paths import repo_root

    root = repo_root()
    path = root / "bench" / "results" / f"checkpoints_{profile}.json" if root else None
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text()).get("models", {})


def describe_presets(lessons: Sequence[str] | None = None) -> str:
    """The presets that suit each lesson, from keras_hub's registry (offline): parameters, whether a 2-core
    laptop fine-tunes it within the laptop profile's time (measured by ``bench/bench_checkpoints.py``) or it
    needs a GPU, the hub handle and the registry's description."""
    costs = measured_costs()
    unknown = sorted(set(lessons or ()) - set(LESSONS))
    if unknown:
        raise ValueError(f"lessons {unknown} have no presets listed; lessons with presets: {', '.join(LESSONS)}")
    lines = []
    for lesson in lessons or LESSONS:
        what, names = LESSONS[lesson]
        lines.append(f"{lesson}  {what}")
        for name in names:
            entry = registry(name)
            cost = costs.get(MEASURED_AS.get(name, name))
            where = ("laptop" if cost["fits_laptop"] else "GPU") + \
                f" ({cost['epoch_minutes']:.1f} min per Banking77 epoch on 2 cores)" if cost else "not measured"
            lines.append(f"    {name:24s} {entry['params'] / 1e6:6.1f}M params  {where}")
            lines.append(f"    {'':24s} {entry['kaggle_handle']}: {entry['description']}")
    lines.append(f"Use: CHECKPOINT = '<name>' (or a folder saved with save_to_preset; {KIT!r} is the kit's own "
                 f"encoder). Downloads are cached in {presets_dir()}.")
    return "\n".join(lines)
