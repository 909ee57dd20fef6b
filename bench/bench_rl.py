"""Notebook 03's reinforcement-learning figures in the laptop profile, against the targets.

    python bench/bench_rl.py [--run-dir runs/<time>-laptop] [--profile laptop]

Runs ``notebooks/03_reinforcement_learning.ipynb`` through ``labkit run`` and reads what it
recorded: the CartPole DQN's average return over the profile's evaluation episodes (20 in the
laptop profile) and the CPU seconds its training loop took; the instruction agent's success on
held-out paraphrases, on held-out combinations, the no-language ablation and a random policy.
The agents' checkpoints are deleted first, so the training is measured, not a resumed one.
``--run-dir`` reuses a run folder whose notebook 01 left its encoder in ``artifacts/``; without
one the notebook pretrains a small fallback encoder first (slower, weaker).
Then it times the instruction world alone: single environment, pure Python, random actions.

Targets: DQN return at least 475 within 180 CPU-seconds of training; the instruction agent at
least 90 % on held-out paraphrases and at least 30 points above the no-language ablation;
at least 10,000 world steps per second; the notebook at most 12 minutes.
"""
import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
import numpy as np  # noqa: E402
from common import run_notebook, write_results  # noqa: E402

from labkit.instruction_world import InstructionWorld  # noqa: E402
from labkit.paths import base_dir  # noqa: E402
from labkit.profiles import get_profile  # noqa: E402

CHECKPOINTS = ("instruction_agent", "no_language_agent", "instruction_policy")


def world_steps_per_second(steps: int = 50_000, repeats: int = 3) -> float:
    """Best of ``repeats`` runs of ``steps`` random actions (episodes restart on their own)."""
    world = InstructionWorld(lambda texts: np.zeros((len(texts), 128), np.float32), seed=0)
    actions = np.random.default_rng(0).integers(0, 4, steps).astype(np.int32)
    best = 0.0
    for _ in range(repeats):
        world.reset()
        start = time.perf_counter()
        for action in actions:
            world.step(action)
        best = max(best, steps / (time.perf_counter() - start))
    return best


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--run-dir", type=Path, default=base_dir() / "runs" / "bench-rl")
parser.add_argument("--profile", default="laptop")
args = parser.parse_args()

artifacts = args.run_dir / "artifacts" / get_profile(args.profile).name
for name in CHECKPOINTS:
    shutil.rmtree(artifacts / name, ignore_errors=True)
seconds, m = run_notebook("03", args.profile, args.run_dir)
figures = {
    "profile": args.profile,
    "notebook_seconds": seconds,
    "cartpole_dqn_avg_return": m["cartpole_dqn_avg_return"],
    "cartpole_dqn_train_cpu_seconds": m["cartpole_dqn_train_cpu_seconds"],
    "cartpole_reinforce_avg_return": m["cartpole_second_avg_return"],
    "instr_success": {"train": m["instr_success_train"], "heldout_paraphrase": m["instr_success_heldout"],
                      "heldout_combination": m["instr_success_heldout_combination"],
                      "no_language": m["instr_success_no_language"], "random": m["instr_success_random"]},
    "world_steps_per_second": world_steps_per_second(),
}
figures["targets_met"] = {
    "dqn_return_at_least_475": m["cartpole_dqn_avg_return"] >= 475,
    "dqn_within_180_cpu_seconds": m["cartpole_dqn_train_cpu_seconds"] <= 180,
    "heldout_paraphrase_at_least_90pc": m["instr_success_heldout"] >= 0.9,
    "at_least_30_points_above_no_language": m["instr_success_heldout"] - m["instr_success_no_language"] >= 0.3,
    "world_at_least_10k_steps_per_second": figures["world_steps_per_second"] >= 10_000,
    "notebook_at_most_12_min": seconds <= 720,
}
write_results("rl", figures)
