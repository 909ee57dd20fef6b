"""CI's two halves share 2 cores: does one TensorFlow thread per process finish a pair of notebook runs sooner?

    python bench/bench_ci_threads.py [--profile ci] [--only 09] [--repeats 2]

Runs notebook 01 once under the profile (``ci``, CI's, unless ``--profile`` says otherwise): the encoder the others
need, not measured. Then, per repeat, for TensorFlow's default thread pools and for one thread each
(``TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1``, what ``.ci/run`` sets for each half), starts
two ``labkit run --only NN`` processes at once, each on its own copy of that run folder, and times the pair: wall
seconds until both have ended. The two settings take turns going first. Target: one thread each takes at most 0.9
of the defaults' wall time (median over the repeats). Results: ``bench/results/ci_threads_<profile>_<NN>.json``.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Target, finish, median, parser  # noqa: E402

ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}

args_parser = parser(__doc__)
args_parser.set_defaults(profile="ci")
args_parser.add_argument("--only", default="09", metavar="NN", help="the notebook both processes run")
args_parser.add_argument("--repeats", type=int, default=2)  # one repeat cannot cancel a drift
args = args_parser.parse_args()
LABKIT = [sys.executable, "-m", "labkit.course.cli", "run", "--profile", args.profile]


def pair_seconds(base: Path, tmp: Path, env: dict) -> float:
    """Wall seconds of two runs of the notebook started together; each must succeed."""
    folders = [tmp / f"run{i}" for i in (1, 2)]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, folder)
    start = time.perf_counter()
    runs = [subprocess.Popen([*LABKIT, "--only", args.only, "--output", str(f)], env=env, stdout=subprocess.DEVNULL)
            for f in folders]
    if any(run.wait() for run in runs):  # the temporary folder goes with the exit: show the runs' reports
        sys.exit("\n".join((f / "report.md").read_text() for f in folders if (f / "report.md").exists()))
    return round(time.perf_counter() - start, 1)


with tempfile.TemporaryDirectory() as tmp:
    base = Path(tmp) / "base"
    subprocess.run([*LABKIT, "--only", "01", "--output", str(base)], check=True, stdout=subprocess.DEVNULL)
    seconds = {"default": [], "one_thread": []}
    for repeat in range(args.repeats):
        modes = (("default", {}), ("one_thread", ONE_THREAD))
        for mode, extra in modes if repeat % 2 == 0 else modes[::-1]:  # ABBA: a drift in the machine's speed cancels
            env = {k: v for k, v in os.environ.items() if k not in ONE_THREAD} | extra
            seconds[mode].append(pair_seconds(base, Path(tmp), env))
            print(f"repeat {repeat + 1}, {mode}: the pair took {seconds[mode][-1]} s", flush=True)

ratio = round(median(seconds["one_thread"]) / median(seconds["default"]), 3)
finish(f"ci_threads_{args.profile}_{args.only}", args.profile,
       {"notebook": args.only, "pair_wall_seconds": seconds, "ratio_one_thread_to_default": ratio},
       [Target("one thread each / defaults, pair wall time (median)", ratio, 0.9, at_most=True)], args.report_only)
