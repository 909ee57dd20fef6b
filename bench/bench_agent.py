"""The capstone agent (notebook 10) on its held-out requests, as a learner runs it.

    python bench/bench_agent.py [--profile laptop] [--seed 42] [--output DIR] [--report-only]

Runs notebook 10 through ``labkit.course.runner.run_notebooks`` and reads back what it records. ``--output`` is the run
folder; the artifacts notebook 10 reads (01's encoder, 03's policy, the models 05 to 09 deployed: ``labkit.ch10.READS``) are kept under it
(``artifacts/<profile>-seed<seed>-bundled``) and built by the notebook when missing, which adds their notebooks' time to its
minutes: pass the same folder again to time the notebook with them present (``artifacts_present``: all of them were).

Targets (issue 34, laptop profile): end-to-end success at least 0.85 on the held-out requests, at least 25 points
above the keyword router, at most 0.5 s per request (the LIME explanation aside, as the notebook times it), and the
notebook within 10 minutes with the earlier notebooks' artifacts present (only checked when they were).
Results: ``results/agent_<profile>.json``.
"""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import Target, finish, parser  # noqa: E402

from labkit import ch10  # noqa: E402
from labkit.course.artifacts import ARTIFACTS  # noqa: E402
from labkit.course.lab import artifacts_key  # noqa: E402
from labkit.course.profiles import get_profile  # noqa: E402
from labkit.course.runner import run_notebooks  # noqa: E402

args_parser = parser(__doc__)
args_parser.add_argument("--seed", type=int, default=42)
args_parser.add_argument("--output", type=Path, help="run folder (default: a fresh temporary one)")
args = args_parser.parse_args()
profile = get_profile(args.profile).name
output = args.output or Path(tempfile.mkdtemp(prefix="bench_agent_"))
artifacts = output / "artifacts" / artifacts_key({"profile": profile, "overrides": {}, "seed": args.seed,
                                                   "data": "bundled"})
present = all((artifacts / f).exists() for name in ch10.READS for f in ARTIFACTS[name].files)
_, results = run_notebooks(profile, args.seed, ["10"], None, output)
result = results[0]
if result.status != "ok":
    sys.exit(f"notebook 10 {result.status}: {result.error}")
m = result.metrics
figures = {
    "command": f"python bench/bench_agent.py --profile {args.profile} --seed {args.seed}"
               + (" --output <run folder>" if args.output else ""),
    "seed": args.seed, "artifacts_present": present, "minutes": result.seconds / 60,
    **{key: m.get(key) for key in ("agent_success", "agent_success_keyword_baseline", "agent_routing_accuracy",
                                   "agent_routing_accuracy_keyword", "agent_argument_accuracy",
                                   "agent_argument_accuracy_canonical", "agent_execution_rate",
                                   "agent_seconds_per_request", "agent_seconds_per_draft")},
}
targets = [
    Target("agent_success", m["agent_success"], 0.85),
    Target("agent_success_minus_keyword_baseline", m["agent_success"] - m["agent_success_keyword_baseline"], 0.25),
    Target("agent_seconds_per_request", m["agent_seconds_per_request"], 0.5, at_most=True),
]
if present:
    targets.append(Target("minutes_with_artifacts_present", result.seconds / 60, 10.0, at_most=True))
finish(f"agent_{profile}", profile, figures, targets, args.report_only)
