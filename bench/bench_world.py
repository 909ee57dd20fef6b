"""Speed of the instruction world alone: single environment, pure Python, random actions.

    python bench/bench_world.py [--report-only]

Target: at least 10,000 steps per second (best of three runs of 50,000 steps), so that the
agent's training time goes to learning, not to the environment.
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
import numpy as np  # noqa: E402
from common import Target, finish, parser  # noqa: E402

from labkit.ch03 import InstructionWorld  # noqa: E402

args = parser(__doc__).parse_args()
world = InstructionWorld(lambda texts: np.zeros((len(texts), 128), np.float32), seed=0)
actions = np.random.default_rng(0).integers(0, 4, 50_000).astype(np.int32)
rates = []
for _ in range(3):
    world.reset()
    start = time.perf_counter()
    for action in actions:
        world.step(action)
    rates.append(len(actions) / (time.perf_counter() - start))
finish("world", args.profile, {"steps_per_second_runs": [round(r) for r in rates]},
       [Target("world_steps_per_second_best", max(rates), 10_000)], args.report_only)
