"""Pretraining as two workers on this machine (MultiWorkerMirroredStrategy over loopback) against one process.

    python bench/bench_multiworker.py [--profile ci] [--steps 200] [--time-limit SECONDS] [--report-only]

Runs ``mlm_worker.py`` (notebook 01's encoder, MLM head, masked data and optimizer, at the profile's sizes, no XLA)
first as one process, then as two worker processes, each with its ``TF_CONFIG``, talking over 127.0.0.1 on
two free ports: the same seed, the same masked batches, the same global batch and learning rate, the same
number of steps. Past ``--time-limit`` seconds (both phases together) the processes still running are killed
and the script fails. Under ``ci`` most of its time is three TensorFlow start-ups, vocabularies and traces.

Figures: per run, the training loss after the last step (Keras' mean over the steps), the validation loss at
the end, examples per second (global batch x steps / seconds, after the first step, which traces the step and
builds the model) and the wall seconds of the process. Targets: the two workers end with the same model (their
validation losses agree), and that model tracks the single process. Throughput has no target: on one machine
the two workers share its cores and add the collective ops, so this checks the plumbing, not a speed-up.
Across machines: the README, "Training on several devices". Results: ``results/multiworker_<profile>.json``.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Target, finish, parser  # noqa: E402

WORKER = Path(__file__).resolve().parent / "mlm_worker.py"
# Most validation-loss gap to one process. Dropout draws other masks per replica, so the runs drift apart: 0.004
# measured after 20 and after 200 steps; seeds 42 and 43 on one process were 0.037 apart after 30 steps.
TRACKS = 0.05


def free_ports(n: int) -> list[int]:
    """``n`` ports free on 127.0.0.1 now (the OS picks them; they are released just before the workers bind)."""
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run(commands: list[tuple[list[str], dict]], deadline: float) -> list[dict]:
    """Start the processes together and wait for all of them until ``deadline``; each one's JSON line.

    Past the deadline every process still running is killed (a worker whose peer is gone waits for it forever)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        logs = [(open(Path(tmp) / f"{i}.out", "w+"), open(Path(tmp) / f"{i}.err", "w+")) for i in range(len(commands))]
        procs = [subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
                 for (cmd, env), (out, err) in zip(commands, logs)]
        results = []
        for proc, (out, err) in zip(procs, logs):
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for other in procs:
                    other.kill()
                    other.wait()
                sys.exit("bench_multiworker: past the time limit; the processes were killed")
            if proc.returncode:
                err.seek(0)
                sys.exit(f"bench_multiworker: a process failed (exit {proc.returncode}):\n{err.read()[-3000:]}")
            out.seek(0)
            results.append({**json.loads(out.read().splitlines()[-1]), "wall_seconds": round(time.perf_counter() - started, 1)})
        for out, err in logs:
            out.close()
            err.close()
    return results


def summary(result: dict) -> dict:
    keep = ("replicas", "train_loss", "valid_loss", "examples_per_second", "first_step_seconds", "wall_seconds")
    return {k: v for k, v in {**result, "train_loss": result["train_loss_by_step"][-1]}.items() if k in keep}


p = parser(__doc__)
p.add_argument("--steps", type=int, default=200)
p.add_argument("--time-limit", type=float, help="seconds for both phases together (default: 300 under ci, else 900)")
args = p.parse_args()
deadline = time.monotonic() + (args.time_limit or (300 if args.profile == "ci" else 900))
worker = [sys.executable, str(WORKER), "--profile", args.profile, "--steps", str(args.steps)]
env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}

[single] = run([(worker + ["--strategy", "default"], env)], deadline)
addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
workers = run([(worker + ["--strategy", "multiworker"],
                {**env, "TF_CONFIG": json.dumps({"cluster": {"worker": addresses}, "task": {"type": "worker", "index": i}})})
               for i in range(2)], deadline)

workers_gap = abs(workers[0]["valid_loss"] - workers[1]["valid_loss"])
tracking_gap = abs(workers[0]["valid_loss"] - single["valid_loss"])
figures = {
    "steps": args.steps, "global_batch": single["global_batch"], "learning_rate": single["learning_rate"],
    "passes_over_the_data": single["passes_over_the_data"],
    "one_process": summary(single),
    **{f"worker_{i}": summary(w) for i, w in enumerate(workers)},
    "valid_loss_gap_between_workers": workers_gap,
    "valid_loss_gap_two_workers_vs_one_process": tracking_gap,
}
finish(f"multiworker_{args.profile}", args.profile, figures, [
    Target("valid_loss_gap_between_workers", workers_gap, 1e-6, at_most=True),
    Target("valid_loss_gap_two_workers_vs_one_process", tracking_gap, TRACKS, at_most=True),
], args.report_only)
