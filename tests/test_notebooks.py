"""Papermill executes every notebook under the ci profile; each must record its headline figures.

The notebooks share one run folder (as under ``labkit run``), so later ones reuse earlier
artifacts when the earlier notebooks ran first.
"""
import json
import math
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.translators import PythonTranslator

from labkit.runner import kernel_name, list_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")
REQUIRED_METRICS = {
    "00_setup_and_tour": ["keras_hub_layer_ok", "tf_agents_agent_ok", "intents_train_examples", "ner_train_sentences"],
    "01_self_supervised_pretraining": ["mlm_val_accuracy", "mlm_val_loss", "pretrain_tokens_per_second",
                                       "encoder_params"],
    "02_fine_tuning": ["cls_accuracy", "cls_accuracy_scratch_low", "cls_accuracy_pretrained_low",
                       "ner_entity_f1", "ner_token_micro_f1"],
    "03_reinforcement_learning": ["cartpole_dqn_avg_return", "cartpole_second_avg_return",
                                  "instr_success_heldout", "instr_success_no_language", "instr_success_random"],
    "04_explainability": ["lime_seconds_per_explanation", "deletion_aoc_lime", "deletion_aoc_ig",
                          "deletion_aoc_random", "lime_ig_rank_corr"],
}


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ci_run")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_ci_and_records_its_metrics(path, run_dir):
    out = run_dir / path.stem
    out.mkdir()
    pm.execute_notebook(str(path), str(out / path.name), parameters={"PROFILE": "ci", "OUTPUT_DIR": str(out)},
                        kernel_name=kernel_name(), cwd=str(path.parent), progress_bar=False)
    metrics = json.loads((out / "metrics.json").read_text())
    missing = [m for m in REQUIRED_METRICS.get(path.stem, []) if m not in metrics]
    assert not missing, f"{path.stem} did not record {missing}"
    for name, value in metrics.items():
        assert not (isinstance(value, float) and math.isnan(value)), name


def test_every_notebook_has_required_metrics_listed():
    assert [p.stem for p in NOTEBOOKS if p.stem not in REQUIRED_METRICS] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_hygiene(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    parsed = PythonTranslator.inspect(params[0])  # what papermill understands of the cell
    assert {p.name for p in parsed} == {"PROFILE", "SEED", "DATA_DIR", "OUTPUT_DIR"}
    assert "google.colab" in code[0].source, "the first code cell is the guarded Colab install"
    assert f"colab.research.google.com/github/labkit-course/labkit/blob/main/notebooks/{path.name}" in nb.cells[0].source
    readme = (ROOT / "README.md").read_text()
    assert f"notebooks/{path.name}" in readme, "list the notebook in the README's table"
