"""Notebooks with CHECKPOINT set to a published checkpoint: a tiny BERT preset with random weights, written here
with keras_hub's save_to_preset (no network). In 02 it joins the comparison across label budgets and the scale
figure; in 06 (05 reads it the same way) it is the fine-tuned encoder of the classifier chosen on validation.
In 09, GPT_CHECKPOINT set to a tiny GPT-2 preset folder (byte-level pieces of printable ASCII, random weights)
continues the notebook's prompts beside its own GPT."""
import json
import math
import shutil
from pathlib import Path

import keras_hub
import nbformat
import pytest

from labkit.course import artifacts
from labkit.course.lab import artifacts_key
from labkit.course.runner import execute_notebook, list_notebooks

FOLDER = artifacts_key({"profile": "ci", "overrides": {}, "seed": 42, "data": "bundled"})  # where ci runs keep them
NOTEBOOKS = {p.stem[:2]: p for p in list_notebooks(Path(__file__).resolve().parents[1] / "notebooks")}


def tiny_preset(first: Path, preset: Path) -> Path:
    """A preset folder beside nothing else: 01's vocabulary (``first``: 01's executed run), one layer of width 8,
    random weights: cheap, learns little."""
    vocab = (first.parent / "artifacts" / FOLDER / "vocab.txt").read_text().splitlines()
    keras_hub.models.BertBackbone(vocabulary_size=len(vocab), num_layers=1, num_heads=2, hidden_dim=8,
                                  intermediate_dim=16, max_sequence_length=64).save_to_preset(str(preset))
    keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=True).save_to_preset(str(preset))
    return preset


def tiny_gpt2_preset(preset: Path) -> Path:
    """A GPT-2 preset folder that can spell any ASCII prompt: one byte-level piece per printable character, "Ġ"
    (a space) and two merges; ``<|endoftext|>`` last, as in GPT-2 (its tokenizer pads with id 0, which must not be
    the stop token). One layer of width 8, random weights."""
    pieces = ["Ġ", *(chr(b) for b in range(33, 127)), "Ġt", "Ġa"]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    vocab["<|endoftext|>"] = len(vocab)
    keras_hub.models.GPT2Backbone(vocabulary_size=len(vocab), num_layers=1, num_heads=2, hidden_dim=8,
                                  intermediate_dim=16, max_sequence_length=128).save_to_preset(str(preset))
    keras_hub.models.GPT2Tokenizer(vocabulary=vocab, merges=["Ġ t", "Ġ a"]).save_to_preset(str(preset))
    return preset


@pytest.mark.notebook
@pytest.mark.instructor
def test_02_fine_tunes_a_preset_folder_beside_the_kits_arms(executed, tmp_path):
    first = executed(NOTEBOOKS["01"])  # 02 reads 01's encoders and its pretraining record
    run = tmp_path / "run"
    for name in {f for a in artifacts.ENCODERS for f in artifacts.ARTIFACTS[a].files}:
        (run / "artifacts" / FOLDER).mkdir(parents=True, exist_ok=True)
        shutil.copy(first.parent / "artifacts" / FOLDER / name, run / "artifacts" / FOLDER / name)
    (run / first.name).mkdir()
    shutil.copy(first / "metrics.json", run / first.name / "metrics.json")

    preset = tiny_preset(first, tmp_path / "tiny_bert")

    path = NOTEBOOKS["02"]
    out = execute_notebook(path, run / path.stem, "ci", 42, None, checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("cls_accuracy_checkpoint_low", "cls_accuracy_checkpoint"):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name])
    # the checkpoint arm runs after every figure of the kit's arms: those are the default run's
    default = json.loads((executed(path) / "metrics.json").read_text())
    assert {m: v for m, v in metrics.items() if m in default} == default

    cells = nbformat.read(out / path.name, as_version=4).cells
    (scale,) = [c for c in cells if c.cell_type == "code" and "plot_budget_curves(scale" in c.source]
    assert any("image/png" in o.get("data", {}) for o in scale.outputs), "the scale figure is shown"
    (arm,) = [c for c in cells if c.cell_type == "code" and 'train_arm("checkpoint"' in c.source]
    printed = "".join(o.get("text", "") for o in arm.outputs)
    assert "tiny_bert (0.0M parameters, pretraining text not recorded)" in printed and "checkpoint on  25%" in printed


@pytest.mark.notebook
@pytest.mark.instructor
def test_06_deploys_its_choice_with_a_preset_folder_as_the_encoder(executed, tmp_path):
    preset = tiny_preset(executed(NOTEBOOKS["01"]), tmp_path / "tiny_bert")  # 06 needs nothing else of 01 then
    path = NOTEBOOKS["06"]
    out = execute_notebook(path, tmp_path / "run" / path.stem, "ci", 42, None, checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("fin_accuracy", "fin_macro_f1", "fin_accuracy_deployed", "fin_macro_f1_deployed",
                 "fin_accuracy_tfidf", "fin_accuracy_mean"):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    assert metrics["fin_deployed"] in ("fine-tuned encoder", "TF-IDF + logistic regression", "mean of the two")
    assert math.isfinite(metrics["alert_false_alarms_per_100_days"]) and metrics["alert_shifts_test"] > 0

    cells = nbformat.read(out / path.name, as_version=4).cells
    (setup,) = [c for c in cells if c.cell_type == "code" and "checkpoints.load_checkpoint(CHECKPOINT" in c.source]
    printed = "".join(o.get("text", "") for o in setup.outputs)
    assert "tiny_bert (0.0M parameters, pretraining text not recorded)" in printed


@pytest.mark.notebook
@pytest.mark.instructor
def test_09_sets_a_gpt2_preset_folder_beside_its_own_gpt(executed, tmp_path):
    first = executed(NOTEBOOKS["01"])  # 09 reads 01's encoder and vocabulary
    run = tmp_path / "run"
    (run / "artifacts" / FOLDER).mkdir(parents=True)
    for name in {f for a in artifacts.ENCODERS for f in artifacts.ARTIFACTS[a].files}:
        shutil.copy(first.parent / "artifacts" / FOLDER / name, run / "artifacts" / FOLDER / name)
    (run / first.name).mkdir()
    shutil.copy(first / "metrics.json", run / first.name / "metrics.json")

    preset = tiny_gpt2_preset(tmp_path / "tiny_gpt2")
    path = NOTEBOOKS["09"]
    out = execute_notebook(path, run / path.stem, "ci", 42, None, gpt_checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("gen_reward_checkpoint", "gen_reward_kit", "gen_distinct2_checkpoint", "gen_distinct2_kit",
                 "gen_unk_share_checkpoint"):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    # random weights over printable characters write strings the kit's vocabulary mostly lacks
    assert metrics["gen_unk_share_checkpoint"] > 0
    # the section runs after every figure of the default run: those are the default run's (timings aside)
    default = json.loads((executed(path) / "metrics.json").read_text())
    timings = {m for m in default if "per_second" in m}
    assert {m: v for m, v in metrics.items() if m in default and m not in timings} == \
        {m: v for m, v in default.items() if m not in timings}

    cells = nbformat.read(out / path.name, as_version=4).cells
    (section,) = [c for c in cells if c.cell_type == "code" and "checkpoints.load_generator(GPT_CHECKPOINT" in c.source]
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "") for o in section.outputs)
    assert "| tiny_gpt2 (0.0M parameters, pretraining text not recorded) |" in shown, shown
    assert "| the kit's GPT (" in shown, shown
    (default_section,) = [c for c in nbformat.read(executed(path) / path.name, as_version=4).cells
                          if c.cell_type == "code" and "checkpoints.load_generator(GPT_CHECKPOINT" in c.source]
    assert 'GPT_CHECKPOINT = "kit"' in "".join(o.get("text", "") for o in default_section.outputs)
