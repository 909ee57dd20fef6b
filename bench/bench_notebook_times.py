"""Wall time and recorded figures of every notebook through ``labkit run`` (papermill, fresh kernel each).

    python bench/bench_notebook_times.py [--profile ci|laptop] [--only 01 02]

Targets: ci at most 90 s per notebook; laptop at most 8-12 min depending on the notebook.
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
parser.add_argument("--profile", default="ci")
parser.add_argument("--only", nargs="+")
args = parser.parse_args()

with tempfile.TemporaryDirectory() as tmp:
    _, results = run_notebooks(args.profile, only=args.only, output=Path(tmp) / "run")
write_results(f"notebook_times_{args.profile}", {
    "profile": args.profile,
    "seconds": {r.notebook: r.seconds for r in results},
    "status": {r.notebook: r.status for r in results},
    "metrics": {r.notebook: r.metrics for r in results},
})
sys.exit(0 if all(r.status == "ok" for r in results) else 1)
