"""The real-data benchmarks run where the real data is; elsewhere they say so and measure nothing."""
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
