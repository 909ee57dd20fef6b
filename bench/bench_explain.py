"""Notebook 04's explainability figures in the laptop profile, against the targets.

    python bench/bench_explain.py [--run-dir runs/<time>-laptop] [--profile laptop]

Runs ``notebooks/04_explainability.ipynb`` through ``labkit run`` and reads what it recorded:
the median seconds of one LIME explanation (1,000 samples in the laptop profile) and, from the
deletion test, the drop of the predicted intent's probability after deleting the top 3 words by
LIME, by integrated gradients and at random. ``--run-dir`` reuses a run folder whose earlier
notebooks left their models in ``artifacts/``; without it the notebook trains small fallbacks
first (slower, and its models are weaker).

Targets: LIME at most 2 s per sentence; at k = 3, LIME's and IG's drops each at least twice the
random one; the notebook at most 8 minutes.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import run_notebook, write_results  # noqa: E402

from labkit.paths import base_dir  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--run-dir", type=Path, default=base_dir() / "runs" / "bench-explain")
parser.add_argument("--profile", default="laptop")
args = parser.parse_args()

seconds, m = run_notebook("04", args.profile, args.run_dir)
figures = {
    "profile": args.profile,
    "notebook_seconds": seconds,
    "lime_seconds_per_explanation": m["lime_seconds_per_explanation"],
    "drop_at_k3": {"lime": m["deletion_drop_k3_lime"], "ig": m["deletion_drop_k3_ig"],
                   "random": m["deletion_drop_k3_random"]},
    "area_over_curve": {"lime": m["deletion_aoc_lime"], "ig": m["deletion_aoc_ig"], "random": m["deletion_aoc_random"]},
    "lime_ig_rank_corr": m["lime_ig_rank_corr"],
    "lime_ig_same_top_word": m["lime_ig_same_top_word"],
}
figures["targets_met"] = {
    "lime_at_most_2s": m["lime_seconds_per_explanation"] <= 2.0,
    "lime_drop_at_least_2x_random": m["deletion_drop_k3_lime"] >= 2 * m["deletion_drop_k3_random"],
    "ig_drop_at_least_2x_random": m["deletion_drop_k3_ig"] >= 2 * m["deletion_drop_k3_random"],
    "notebook_at_most_8_min": seconds <= 480,
}
write_results("explain", figures)
