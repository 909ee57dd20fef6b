"""The real-data benchmarks run where the real data is; elsewhere they say so and measure nothing."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script", ["bench_realdata.py", "bench_casestudies.py", "bench_pretraining_curve.py",
                                    "bench_sentence_objectives.py", "bench_recommender.py"])
def test_a_real_data_benchmark_without_its_data_measures_nothing_and_says_so(script, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in (BENCH / "results").glob("*.json")}
    run = subprocess.run([sys.executable, str(BENCH / script), "--realdata", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "no real data" in run.stdout and "nothing measured" in run.stdout
    assert {p: p.stat().st_mtime_ns for p in (BENCH / "results").glob("*.json")} == before  # no result written


def test_a_checkpoint_benchmark_gets_its_own_results_file_and_column(tmp_path, monkeypatch):
    """bench_notebooks.py --checkpoint NAME writes notebooks_<profile>_<NAME>.json; the expected-results table of a
    notebook that takes CHECKPOINT shows it as a column, and says which command measures it while none exists.
    The results file here is written by the test (a tiny one), never a typed-in figure in the repository."""
    from labkit.course import expected

    assert expected.results_name("laptop") == "notebooks_laptop"
    assert expected.results_name("laptop", "bert_tiny_en_uncased") == "notebooks_laptop_bert_tiny_en_uncased"
    (tmp_path / "my_presets" / "tiny_bert").mkdir(parents=True)
    assert expected.checkpoint_name(tmp_path / "my_presets" / "tiny_bert") == "tiny_bert"
    assert expected.checkpoint_name("hf://org/some-model") == "org_some-model"

    results = tmp_path / "bench" / "results"
    results.mkdir(parents=True)
    monkeypatch.setattr(expected, "base_dir", lambda: tmp_path)
    notebook = "08_knowledge_graph"
    without = expected.table(notebook)
    assert "published checkpoint" not in without.splitlines()[0]
    assert "Published checkpoint: not measured here" in without
    assert f"bench_notebooks.py --profile laptop --checkpoint {expected.SUGGESTED_PRESET} --only 08" in without
    assert "Published checkpoint" not in expected.table("07_personalised_recommendation")  # 07 takes no CHECKPOINT

    metrics = {name: 0.5 for name in expected.headlines(notebook)}
    (results / "notebooks_laptop_tiny_bert.json").write_text(json.dumps(
        {"checkpoint": "tiny_bert", "seconds": {notebook: [60.0]}, "metrics": {notebook: {"42": metrics}}}))
    (results / "notebooks_laptop_vocabulary_variant.json").write_text(json.dumps(  # another variant: no checkpoint
        {"seconds": {notebook: [60.0]}, "metrics": {notebook: {"42": metrics}}}))
    shown = expected.table(notebook).splitlines()
    assert shown[0] == "| figure | `ci` | `laptop` | `gpu` | published checkpoint (`tiny_bert`), `laptop` (1 seed) |"
    assert shown[2] == "| minutes | not measured | not measured | not measured | 1 |"
    assert shown[3] == "| `kg_entity_f1` | not measured | not measured | not measured | 0.5 |"
    assert not any("not measured here" in line for line in shown)

    # 02 records its checkpoint arm under names of its own: rows of their own, "-" where the kit's runs lack them
    kit = {name: 0.5 for name in expected.headlines("02_fine_tuning")}
    (results / "notebooks_laptop_tiny_bert.json").write_text(json.dumps(
        {"checkpoint": "tiny_bert", "seconds": {"02_fine_tuning": [60.0]},
         "metrics": {"02_fine_tuning": {"42": kit | {"cls_accuracy_checkpoint": 0.75}}}}))
    monkeypatch.setattr(expected, "_results", lambda profile: {"seconds": {"02_fine_tuning": [30.0]},
                                                               "metrics": {"02_fine_tuning": {"42": kit}}})
    assert "| `cls_accuracy_checkpoint` | - | - | - | 0.75 |" in expected.table("02_fine_tuning").splitlines()
