"""Does pretraining pay? Notebooks 01 and 02 under a profile (default laptop) on the bundled data.

    python bench/bench_finetune.py [--profile laptop]

Runs both notebooks through the runner (fresh kernels, shared artifacts) and reports each
notebook's wall time and the intent accuracies of notebook 02 at the smallest label budget.
Targets: full fine-tuning beats scratch by at least 5 accuracy points at the smallest budget;
laptop at most 600 s per notebook (ci: 90 s).
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import write_results  # noqa: E402

from labkit.runner import run_notebooks  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--profile", default="laptop")
args = parser.parse_args()

with tempfile.TemporaryDirectory() as tmp:
    _, results = run_notebooks(args.profile, only=["01", "02"], output=Path(tmp) / "run")
by_name = {r.notebook[:2]: r for r in results}
cls = by_name["02"].metrics
gap = cls.get("cls_accuracy_pretrained_low", float("nan")) - cls.get("cls_accuracy_scratch_low", float("nan"))
limit = 90 if args.profile == "ci" else 600
figures = {
    "profile": args.profile,
    "seconds": {r.notebook: r.seconds for r in results},
    "status": {r.notebook: r.status for r in results},
    "within_time_limit": all(r.seconds <= limit for r in results),
    "metrics": {r.notebook: r.metrics for r in results},
    "gap_points_at_smallest_budget": round(100 * gap, 1),
    "gap_target_met": bool(gap >= 0.05),
}
write_results(f"finetune_{args.profile}", figures)
sys.exit(0 if all(r.status == "ok" for r in results) else 1)
