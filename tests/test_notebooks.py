"""Papermill executes every notebook under the ci profile; each must beat the baselines it records.

The notebooks share one run folder (as under ``labkit run``), so later ones reuse earlier
artifacts when the earlier notebooks ran first.
"""
import json
import math
import platform
import shutil
from pathlib import Path

import nbformat
import pytest
from papermill.translators import PythonTranslator

from labkit.course import artifacts, colab, expected
from labkit.course.lab import artifacts_key
from labkit.course.editions import solution_blocks, student_source
from labkit.course.expected import headlines
from labkit.course.runner import execute_notebook, list_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")
OTHER_METRICS = {
    "00_setup_and_tour": ["keras_hub_layer_ok", "tf_agents_agent_ok", "intents_train_examples", "ner_train_sentences"],
    "01_self_supervised_pretraining": ["mlm_val_loss", "pretrain_tokens_per_second", "encoder_params",
                                       "pretrain_windows_read", "pretrain_windows_in_corpus"],
    "02_fine_tuning": ["ner_test_words_lost", "cls_accuracy_seen_words", "cls_accuracy_seen_words_majority",
                       "cls_accuracy_seen_words_scratch", "ner_entity_f1_uncut", "ner_name_cut_share"],
    "03_reinforcement_learning": ["instr_success_train", "instr_success_heldout_combination", "cliff_greedy_return_qlearning",
                                  "cliff_greedy_return_sarsa", "cliff_online_return_qlearning", "cliff_online_return_sarsa"],
    "04_explainability": ["lime_seconds_per_explanation", "lime_ig_rank_corr"],
    "05_customer_service": ["service_router_reward_threshold_rule", "service_router_reward_online",
                            "service_inscope_accuracy_tfidf", "service_oos_recall_tfidf", "service_threshold",
                            "service_inscope_accuracy_mean", "service_oos_recall_mean",
                            "service_inscope_accuracy_deployed", "service_oos_recall_deployed",
                            "service_inscope_accuracy_seen_words", "service_inscope_accuracy_seen_words_majority",
                            "service_inscope_accuracy_seen_words_deployed"],
    "06_financial_sentiment_monitoring": ["fin_accuracy_tfidf", "fin_accuracy_lexicon", "fin_accuracy_mean",
                                          "fin_accuracy_deployed", "fin_macro_f1_deployed", "alert_delay_days",
                                          "alert_false_alarms_per_100_days", "alert_missed"],
    "07_personalised_recommendation": ["rec_rmse", "rec_rmse_bias_baseline", "rec_rmse_global_mean", "rec_hr_at_10_random",
                                       "rec_hr_at_10_popularity", "rec_ndcg_at_10_popularity", "rec_hr_at_10_coldstart",
                                       "rec_hr_at_10_coldstart_popularity", "rec_hr_at_10_coldstart_random",
                                       "rec_hr_at_10_coldstart_genres", "bandit_regret_agent", "bandit_regret_random",
                                       "bandit_regret_epsilon_greedy", "bandit_regret_best_shelf",
                                       "rec_mf_cpu_seconds", "rec_tower_cpu_seconds"],
    "08_knowledge_graph": ["kg_entity_f1_unigram", "kg_relation_f1_pattern", "kg_qa_exact_match_prior",
                           "kg_qa_exact_match_pattern", "kg_linkpred_mrr_random", "kg_linkpred_mrr_baseline",
                           "kg_linkpred_hits_at_10_random", "kg_linkpred_hits_at_10_baseline"],
    "09_generation_and_rl_of_the_language_model": ["lm_val_perplexity", "lm_ngram_perplexity", "lm_perplexity_ratio",
                                                   "lm_ngram_log_likelihood_per_token", "gen_tokens_per_second",
                                                   "gen_tokens_per_second_xla", "rl_reward_model_accuracy",
                                                   "rl_reward_before", "rl_positive_share_before", "rl_distinct2_before",
                                                   "rl_kl_per_token", "rl_distinct2_after", "rl_reward_after_no_kl",
                                                   "rl_positive_share_after_no_kl", "rl_distinct2_after_no_kl",
                                                   "rl_kl_per_token_no_kl"],
    "10_capstone_agent": ["agent_success_keyword_baseline", "agent_routing_accuracy_keyword",
                          "agent_argument_accuracy_canonical", "agent_execution_rate", "agent_seconds_per_request",
                          "agent_seconds_per_draft"],
    "11_instruction_following_benchmark": ["babyai_gotoobj_success_random", "babyai_gotolocal_success_random",
                                           "babyai_gotolocal_success_no_language", "babyai_gotolocal_success_bc_greedy",
                                           "babyai_gotolocal_mean_length", "babyai_gotolocal_mean_length_no_language",
                                           "babyai_gotolocal_mean_length_bow", "babyai_rl_start_success",
                                           "babyai_rl_success", "babyai_rl_gain_points", "babyai_demos_used",
                                           "babyai_local_demos_used", "babyai_gotolocal_cpu_seconds",
                                           "babyai_steps_per_second", "babyai_steps_per_second_batched"],
}
# How far above its baseline each headline must be under ci (returns are in reward units, the rest in [0, 1]).
MARGINS = {"cartpole_dqn_avg_return": 20.0, "cartpole_second_avg_return": 5.0,
           # ci's 1-layer, 32-wide encoder gains about 0.016 masked-token accuracy from in-domain MLM
           # (0.077 -> 0.093); with the learning rate at 0 it gains nothing
           "dapt_val_accuracy": 0.01,
           # 08's ci tagger sits close to its unigram baseline (seeds 42-44: 0.788-0.823 against 0.768; seed 42
           # 0.795 at 01's corpus-only vocabulary); the laptop figure is the lesson's
           "kg_entity_f1": 0.01}
DEFAULT_MARGIN = 0.02
# the notebooks that can use a published checkpoint (labkit.blocks.checkpoints) have a fifth parameter
CHECKPOINT_PARAMETER = {**{name: {"CHECKPOINT"} for name in
                           ("02_fine_tuning", "03_reinforcement_learning", "04_explainability", "05_customer_service",
                            "06_financial_sentiment_monitoring", "08_knowledge_graph", "10_capstone_agent")},
                        "09_generation_and_rl_of_the_language_model": {"GPT_CHECKPOINT"}}  # a published generator


def read(folder, name):
    return json.loads((folder / name).read_text()) if (folder / name).exists() else {}


@pytest.mark.notebook
@pytest.mark.instructor
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_ci_and_beats_its_baselines(path, executed):
    out = executed(path)
    assert_ran_here_and_beats_its_baselines(path, out)
    verdicts = read(out, "exercises.json")  # the committed notebooks are the instructor edition
    assert len(verdicts) == len(cells(path, "check")) and set(verdicts.values()) <= {"right"}, verdicts


def assert_ran_here_and_beats_its_baselines(path, out):
    """The executed copy ran on this Python, recorded every figure, and each headline beats its baseline."""
    ran_on = nbformat.read(out / path.name, as_version=4).metadata.language_info.version
    assert ran_on == platform.python_version(), f"the kernel ran Python {ran_on}, the tests {platform.python_version()}"
    metrics, baselines = read(out, "metrics.json"), read(out, "baselines.json")
    missing = [m for m in headlines(path.stem) + OTHER_METRICS.get(path.stem, []) if m not in metrics]
    assert not missing, f"{path.stem} did not record {missing}"
    assert all(math.isfinite(v) for v in metrics.values() if isinstance(v, float))
    assert [m for m in headlines(path.stem) if m not in baselines] == [], "record each headline with its baseline"
    short = {m: f"{metrics[m]:.4g} vs {b} {metrics[b]:.4g}" for m, b in baselines.items()
             if not metrics[m] >= metrics[b] + MARGINS.get(m, DEFAULT_MARGIN)}
    assert not short, f"{path.stem}: headline figures not clearly above their baselines: {short}"
    flags = {m: v for m, v in metrics.items() if m.endswith("_ok")}
    assert all(v == 1 for v in flags.values()), flags
    # every artifact it read was made from the same inputs (the tests run on the bundled data, seed 42, the kit's model)
    made_by = read(out, "artifacts_read.json")
    assert {(m["profile"], m["seed"], m["data"], m.get("checkpoint", "kit")) for m in made_by.values()} <= \
        {("ci", 42, "bundled", "kit")}, made_by


def cells(path, tag):
    return [c for c in nbformat.read(path, as_version=4).cells if tag in c.metadata.get("tags", [])]


@pytest.mark.notebook
@pytest.mark.student
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_edition_runs_with_every_check_not_attempted(path, executed_student):
    """The student edition is a full run too: without the solutions, every figure still beats its baseline."""
    out = executed_student(path)
    assert_ran_here_and_beats_its_baselines(path, out)
    verdicts = read(out, "exercises.json")
    assert len(verdicts) == len(cells(path, "check")), verdicts
    assert set(verdicts.values()) <= {"not attempted"}, verdicts


@pytest.mark.notebook
@pytest.mark.parametrize("number, edition", [pytest.param("01", "student", marks=pytest.mark.student),
                                             pytest.param("03", "instructor", marks=pytest.mark.instructor)])
def test_same_seed_same_metrics(number, edition, request, tmp_path):
    """A notebook run twice with the same profile and seed records the same figures (speed aside).

    The second run starts from an empty artifacts folder but for the encoder: it trains everything again.
    One notebook per edition, so that CI's two Pythons share the reruns.
    """
    path = next(p for p in NOTEBOOKS if p.stem.startswith(number))
    first_dir = request.getfixturevalue("executed" if edition == "instructor" else "executed_student")(path)
    source = path if edition == "instructor" else first_dir.parent / "student_sources" / path.name  # conftest's copy
    folder = artifacts_key({"profile": "ci", "overrides": {}, "seed": 42, "data": "bundled"})
    for name in (*artifacts.ARTIFACTS["encoder"].files, "encoder.made_by.json") if number != "01" else ():
        target = tmp_path / "artifacts" / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(first_dir.parent / "artifacts" / folder / name, target)
    first = read(first_dir, "metrics.json")
    second = read(execute_notebook(source, tmp_path / path.stem, "ci", 42, None).parent, "metrics.json")
    speed = [m for m in first if "per_second" in m or "seconds" in m]
    assert speed and {m: v for m, v in first.items() if m not in speed} == \
        {m: v for m, v in second.items() if m not in speed}


def test_the_readme_shows_the_current_expected_results():
    readme = (ROOT / "README.md").read_text()
    assert expected.tables() in readme, "run: labkit expected --update README.md"


def test_every_notebook_has_its_headlines_listed():
    assert [p.stem for p in NOTEBOOKS if not isinstance(headlines(p.stem), list)] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_hygiene(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    parsed = PythonTranslator.inspect(params[0])  # what papermill understands of the cell
    names = {"PROFILE", "SEED", "DATA_DIR", "OUTPUT_DIR"} | CHECKPOINT_PARAMETER.get(path.stem, set())
    assert {p.name for p in parsed} == names
    assert "google.colab" in code[0].source, "the first code cell is the guarded Colab install"
    # both written from labkit/course/colab.py's one repository address by `make editions`: the same in every notebook
    assert code[0].source == colab.install_cell(), "the install cell differs from colab.install_cell(): make editions"
    assert colab.badges(nb.cells[0].source) == [path.name], "one Open in Colab badge, for this notebook, in the header"
    assert colab.badge(path.name) in nb.cells[0].source, "the badge differs from colab.badge(): make editions"
    widgets = [c for c in code if "widgets." in c.source]
    assert all("interactive" in c.metadata.get("tags", []) for c in widgets), "tag widget cells 'interactive'"
    for i, cell in enumerate(nb.cells):
        if "exercise" in cell.metadata.get("tags", []):
            assert len(solution_blocks(cell.source)) == 1, "one solution block per exercise cell"
            assert "= None" in student_source(cell.source), "the student's line sets the answer to None"
            assert "check" in nb.cells[i + 1].metadata.get("tags", []), "a check cell follows each exercise"
    assert any("expected.table(lab.notebook)" in c.source for c in code), "show what a normal run gives"
    readme = (ROOT / "README.md").read_text()
    assert f"notebooks/{path.name}" in readme, "list the notebook in the README's table"
