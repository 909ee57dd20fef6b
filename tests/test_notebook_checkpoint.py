"""Notebooks with CHECKPOINT set to a published checkpoint: a tiny BERT preset with random weights, written here
with keras_hub's save_to_preset (no network), one cased preset for all, in one run folder. In 02 it joins the
comparison across label budgets and the scale figure, and learns NER too (names keep their capitals); in 03 it embeds
the instructions; 04 explains the two models 02 fine-tuned from it and 03's policy; in 06 (05 reads it the same way)
it is the fine-tuned encoder of the classifier chosen on validation; in 08 it is the encoder of the entity tagger (its
own WordPieces, first-piece labels) and of the relation classifier. Their models are kept apart from the kit's, and
10 run with the preset uses them (and has 05 make its own).
In 09, GPT_CHECKPOINT set to a tiny GPT-2 preset folder (byte-level pieces of printable ASCII, random weights)
continues the notebook's prompts beside its own GPT, and is tuned by the notebook's RL loop."""
import json
import math
import re
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


def tiny_preset(first: Path, preset: Path, cased: bool = False) -> Path:
    """A preset folder beside nothing else: 01's vocabulary (``first``: 01's executed run), one layer of width 8,
    random weights: cheap, learns little. ``cased``: a tokenizer that keeps capitals, its vocabulary 01's plus each
    whole word of it capitalised."""
    vocab = (first.parent / "artifacts" / FOLDER / "vocab.txt").read_text().splitlines()
    if cased:
        vocab += sorted({w.capitalize() for w in vocab if w.isalpha() and w.islower()} - set(vocab))
    keras_hub.models.BertBackbone(vocabulary_size=len(vocab), num_layers=1, num_heads=2, hidden_dim=8,
                                  intermediate_dim=16, max_sequence_length=64).save_to_preset(str(preset))
    keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=not cased).save_to_preset(str(preset))
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


@pytest.fixture(scope="module")
def preset_run(executed, tmp_path_factory):
    """A run folder holding a copy of the default run's artifacts (every one 10 loads, and 01's pretraining record)
    and a tiny cased preset: ``(run folder, preset)``. The notebooks below run there with the preset, each reading
    what the ones before made with it (and running a missing maker first, as a learner's run would)."""
    default = executed(NOTEBOOKS["10"])  # its run folder holds every artifact 10 loads (labkit.ch10.READS)
    first = executed(NOTEBOOKS["01"])  # the same run folder: 02 reads 01's pretraining record
    root = tmp_path_factory.mktemp("preset_run")
    shutil.copytree(default.parent / "artifacts", root / "run" / "artifacts")
    (root / "run" / first.name).mkdir()
    shutil.copy(first / "metrics.json", root / "run" / first.name / "metrics.json")
    return root / "run", tiny_preset(first, root / "tiny_bert", cased=True)


@pytest.fixture(scope="module")
def checkpoint_run(preset_run):
    """02 run with the preset in :func:`preset_run`: ``(run folder, preset, 02's output folder)``. 04 explains the
    models it saved."""
    run, preset = preset_run
    path = NOTEBOOKS["02"]
    return run, preset, execute_notebook(path, run / path.stem, "ci", 42, None, checkpoint=preset).parent


def kept_apart(run: Path, preset: Path, name: str) -> dict:
    """What made the kit's ``name`` and the preset's, which must be two files: ``{checkpoint: notebook}``."""
    kit = run / "artifacts" / FOLDER
    mine = kit / artifacts.checkpoint_folder_name(preset)
    records = [json.loads((folder / f"{name}.made_by.json").read_text()) for folder in (kit, mine)]
    return {r["checkpoint"]: r["notebook"] for r in records}


def run_with_the_preset(preset_run, number: str, rates: tuple[str, ...], artifact: str):
    """Run notebook ``number`` with the preset in the shared run folder, check that it records each of ``rates`` in
    [0, 1] and keeps the ``artifact`` it saves apart from the kit's, and that its cell loading the checkpoint prints
    the preset's legend: ``(metrics, cells)``."""
    run, preset = preset_run
    path = NOTEBOOKS[number]
    out = execute_notebook(path, run / path.stem, "ci", 42, None, checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in rates:
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    assert kept_apart(run, preset, artifact) == {"kit": number, str(preset): number}
    cells = nbformat.read(out / path.name, as_version=4).cells
    (setup,) = [c for c in cells if c.cell_type == "code" and "checkpoints.load_checkpoint(CHECKPOINT" in c.source]
    assert "tiny_bert (0.0M parameters, pretraining text not recorded)" in "".join(o.get("text", "") for o in setup.outputs)
    return metrics, cells


@pytest.mark.notebook
@pytest.mark.instructor
def test_02_fine_tunes_a_preset_folder_beside_the_kits_arms(executed, checkpoint_run):
    run, preset, out = checkpoint_run
    path = NOTEBOOKS["02"]
    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("cls_accuracy_checkpoint_low", "cls_accuracy_checkpoint", "ner_entity_f1_checkpoint",
                 "ner_token_accuracy_checkpoint", "ner_token_f1_entity_tags_checkpoint"):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    assert metrics["ner_test_words_lost_checkpoint"] == 0  # the test sentences fit, in windows
    # the checkpoint arm runs after every figure of the kit's arms: those are the default run's
    default = json.loads((executed(path) / "metrics.json").read_text())
    assert {m: v for m, v in metrics.items() if m in default} == default

    cells = nbformat.read(out / path.name, as_version=4).cells
    (scale,) = [c for c in cells if c.cell_type == "code" and "plot_budget_curves(scale" in c.source]
    assert any("image/png" in o.get("data", {}) for o in scale.outputs), "the scale figure is shown"
    (arm,) = [c for c in cells if c.cell_type == "code" and 'train_arm("checkpoint"' in c.source]
    printed = "".join(o.get("text", "") for o in arm.outputs)
    assert "tiny_bert (0.0M parameters, pretraining text not recorded)" in printed and "checkpoint on  25%" in printed

    # the tagger: the cased preset's own pieces, capitals kept, beside the kit's tagger and the unigram baseline
    (tagger,) = [c for c in cells if c.cell_type == "code" and "ch02.fine_tune_tagger(ck.encoder" in c.source]
    printed = "".join(o.get("text", "") for o in tagger.outputs)
    assert "tiny_bert's tokenizer folds case: False" in printed, printed
    pieces = printed.split("first sub-word:\n", 1)[1].splitlines()[0]
    assert pieces.startswith("[CLS] ") and re.search(r"\b[A-Z][a-z]+\b", pieces.replace("[CLS]", "")), pieces
    for row in ("of the names cut) |", "the kit's tagger, uncut |", "unigram baseline |",
                "tiny_bert (0.0M parameters, pretraining text not recorded) |",
                "In this run the checkpoint's tagger", "the kit's deployed one", "the kit's uncut one"):
        assert row in printed, (row, printed)
    # saved beside the kit's models (never over them: in the checkpoint's folder), each with the checkpoint it started from
    made_by = {name: json.loads(next((run / "artifacts" / FOLDER).glob(f"**/{name}.made_by.json")).read_text())
               ["checkpoint"] for name in artifacts.FINETUNED}
    assert made_by == {"intent_classifier": "kit", "ner_tagger": "kit", "checkpoint_intent_classifier": str(preset),
                       "checkpoint_ner_tagger": str(preset)}


@pytest.mark.notebook
@pytest.mark.instructor
def test_03_embeds_the_instructions_with_a_preset_folder(preset_run):
    # the policy only works with the embedding it was trained with: saved apart from the kit's, with its checkpoint
    run_with_the_preset(preset_run, "03", ("instr_success_train", "instr_success_heldout_paraphrase",
                                           "instr_success_heldout_combination"), "instruction_policy")


@pytest.mark.notebook
@pytest.mark.instructor
def test_04_explains_the_models_02_fine_tuned_from_a_preset_folder(executed, checkpoint_run):
    run, preset, _ = checkpoint_run  # 02's models, the kit's and the preset's, and 03's policy with the preset
    path = NOTEBOOKS["04"]
    out = execute_notebook(path, run / path.stem, "ci", 42, None, checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in (f"deletion_{m}_{s}_checkpoint" for m in ("drop_k3", "aoc") for s in ("lime", "ig", "random")):
        assert -1 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    read = json.loads((out / "artifacts_read.json").read_text())
    assert read["checkpoint_intent_classifier"]["checkpoint"] == read["checkpoint_ner_tagger"]["checkpoint"] == \
        read["instruction_policy"]["checkpoint"] == str(preset) and read["intent_classifier"]["checkpoint"] == "kit"
    # the section runs after every figure of the kit's models: those are the default run's (timings aside)
    default = json.loads((executed(path) / "metrics.json").read_text())
    assert {m: v for m, v in metrics.items() if m in default and "seconds" not in m} == \
        {m: v for m, v in default.items() if "seconds" not in m}

    cells = nbformat.read(out / path.name, as_version=4).cells
    def shown(marker):
        (cell,) = [c for c in cells if c.cell_type == "code" and marker in c.source]
        return "".join(o.get("text", "") + o.get("data", {}).get("text/html", "") for o in cell.outputs)
    loaded = shown('load_finetuned(lab, "checkpoint_intent_classifier")')
    assert "running 02_fine_tuning" not in loaded and "fine-tuned from " + str(preset) in loaded, loaded
    assert "test accuracy of tiny_bert (0.0M parameters" in loaded and "as the checkpoint reads it: [CLS] " in loaded
    chain = re.search(r"largest difference from the whole checkpoint model: (\S+)", shown("def classify_bert_token_vectors"))
    assert float(chain.group(1)) < 1e-4, "the chain from the BertBackbone's token embedding is the model"
    explained = shown("ck_ig_scores(ck_text, ck_label)")
    assert explained.count("<b>LIME · tiny_bert: ") == explained.count("<b>IG · tiny_bert: ") >= 1, explained
    assert "In this run, for tiny_bert, the drop at k=3, largest first:" in explained
    tagged = shown('load_finetuned(lab, "checkpoint_ner_tagger")')
    assert "<b>tiny_bert: why is " in tagged and "share of the explanation on " in tagged, tagged  # section 6's word


@pytest.mark.notebook
@pytest.mark.instructor
def test_06_deploys_its_choice_with_a_preset_folder_as_the_encoder(preset_run):
    metrics, _ = run_with_the_preset(preset_run, "06", ("fin_accuracy", "fin_macro_f1", "fin_accuracy_deployed",
                                                        "fin_macro_f1_deployed", "fin_accuracy_tfidf",
                                                        "fin_accuracy_mean"), "sentiment_classifier")
    assert metrics["fin_deployed"] in ("fine-tuned encoder", "TF-IDF + logistic regression", "mean of the two")
    assert math.isfinite(metrics["alert_false_alarms_per_100_days"]) and metrics["alert_shifts_test"] > 0


@pytest.mark.notebook
@pytest.mark.instructor
def test_08_tags_and_links_with_a_preset_folder_as_the_encoder(preset_run):
    _, cells = run_with_the_preset(preset_run, "08", ("kg_entity_f1", "kg_entity_f1_unigram", "kg_relation_f1",
                                                      "kg_relation_f1_pattern", "kg_qa_exact_match", "kg_linkpred_mrr",
                                                      "kg_linkpred_hits_at_10"), "knowledge_graph")
    out = preset_run[0] / NOTEBOOKS["08"].stem
    read = json.loads((out / "artifacts_read.json").read_text()) if (out / "artifacts_read.json").exists() else {}
    assert "encoder" not in read, "the preset replaces 01's encoder: 08 reads none"
    (table,) = [c for c in cells if c.cell_type == "code" and "read_conll04 =" in c.source]
    shown = "".join(o.get("data", {}).get("text/markdown", "") for o in table.outputs)
    assert "encoder: tiny_bert (0.0M parameters" in shown, shown


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
    # section 9's RL loop tunes the preset too: its figures before and after, and its KL to the frozen preset
    for name in (f"published_rl_{m}_{when}" for m in ("reward", "positive_share", "distinct2")
                 for when in ("before", "after")):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    # a KL is never negative; 09's few small steps move this tiny preset by about 1e-8 nats per token, the size of
    # float32's rounding of the log-softmax, so the computed figure is checked down to that rounding
    assert math.isfinite(metrics["published_rl_kl_per_token"]) and metrics["published_rl_kl_per_token"] >= -1e-6
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
    (tuning,) = [c for c in cells if c.cell_type == "code" and "rl_finetune(preset_model" in c.source]
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "") for o in tuning.outputs)
    assert "| tiny_gpt2 (0.0M parameters, pretraining text not recorded), as published |" in shown, shown
    assert "In this run, after " in shown and "no GPU is visible" not in shown, shown  # a tiny preset is quick anywhere
    (default_section,) = [c for c in nbformat.read(executed(path) / path.name, as_version=4).cells
                          if c.cell_type == "code" and "checkpoints.load_generator(GPT_CHECKPOINT" in c.source]
    assert 'GPT_CHECKPOINT = "kit"' in "".join(o.get("text", "") for o in default_section.outputs)


@pytest.mark.notebook
@pytest.mark.instructor
def test_10_routes_with_a_preset_folder_as_the_routers_encoder(preset_run):
    """10 with the preset: its router fine-tunes it, and its skills are the policy and the models 03, 05, 06 and 08
    made with it (05 runs first here: the run folder holds only the kit's service classifier)."""
    run, preset = preset_run
    path = NOTEBOOKS["10"]
    out = execute_notebook(path, run / path.stem, "ci", 42, None, checkpoint=preset).parent
    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("agent_success", "agent_routing_accuracy", "agent_success_keyword_baseline"):
        assert 0 <= metrics[name] <= 1 and math.isfinite(metrics[name]), name
    read = json.loads((out / "artifacts_read.json").read_text())
    assert {name: read[name]["checkpoint"] for name in ("instruction_policy", "service_classifier",
                                                         "sentiment_classifier", "knowledge_graph", "recommender")} == \
        {"instruction_policy": str(preset), "service_classifier": str(preset), "sentiment_classifier": str(preset),
         "knowledge_graph": str(preset), "recommender": "kit"}
    assert kept_apart(run, preset, "service_classifier") == {"kit": "05", str(preset): "05"}

    cells = nbformat.read(out / path.name, as_version=4).cells
    (service,) = [c for c in cells if c.cell_type == "code" and 'load_text_classifier(lab, "service_classifier")' in c.source]
    assert "No service_classifier in " in "".join(o.get("text", "") for o in service.outputs)
    (router,) = [c for c in cells if c.cell_type == "code" and "checkpoints.load_checkpoint(CHECKPOINT" in c.source]
    printed = "".join(o.get("text", "") for o in router.outputs)
    assert "router encoder: tiny_bert (0.0M parameters, pretraining text not recorded)" in printed
