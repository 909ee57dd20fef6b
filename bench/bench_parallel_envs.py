"""Collecting from several environments at once: environment steps per second with TF-Agents' batched and
parallel environments, against one environment, in the same run.

    python bench/bench_parallel_envs.py [--profile laptop|ci] [--report-only]

For the instruction world (``labkit.ch03``, 128-wide instruction vectors, the laptop encoder's
width) and CartPole-v1 (``suite_gym``), random actions drive a fixed number of environment steps in:

- ``single``: one environment, the baseline;
- ``batched_N``: ``BatchedPyEnvironment`` of N environments in this process, stepped one after another
  (``multithreading=False``: these environments are pure Python, so threads would only fight over the GIL);
- ``parallel_N``: ``ParallelPyEnvironment`` of N environments, each in its own process (``flatten=True``,
  the cheaper way to send time steps through the pipes), N = 2 (the machine's cores) and 4.

Two loops each: ``random_policy`` calls a ``RandomPyPolicy`` for every (batched) step, as a TF-Agents
collect loop does; ``preset_actions`` uses actions drawn beforehand, so it times the environments alone.
Steps per second count every environment's steps; a configuration's speed-up is its rate over
``single``'s. The configurations take turns within each repeat and the figures are medians over the
repeats (the machine is shared: the load when the script started and before each repeat is recorded).
Starting the worker processes is timed apart (``parallel_start_seconds``) and not counted in the rates.

What to expect on 2 cores: a step of either environment costs tens of microseconds of Python, a
``RandomPyPolicy`` call (spec checks, sampling) far more, so batching in one process wins with the policy
(one call serves N environments) and not without it (stacking N time steps costs more than it saves).
``ParallelPyEnvironment`` pays, for every batched step, a pickle and a pipe round trip to each worker, and
its workers share the two CPUs with the process driving them (and with whatever else runs): processes pay
only when one step costs far more than that round trip (a physics simulator, a rendered frame), not for
these. No target: the issue asks for the comparison.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
import numpy as np  # noqa: E402
from absl import flags  # noqa: E402
from common import finish, median, parser  # noqa: E402
from tf_agents.environments import batched_py_environment, parallel_py_environment, suite_gym  # noqa: E402
from tf_agents.policies import random_py_policy  # noqa: E402
from tf_agents.system import system_multiprocessing as multiprocessing  # noqa: E402

from labkit.ch03 import all_instructions, world_constructors  # noqa: E402

ENVS = ("instruction_world", "cartpole")
LOOPS = ("random_policy", "preset_actions")
SIZES = {"laptop": ((2_000, 5_000), 3), "ci": ((400, 1_000), 1)}  # steps per measurement (per loop), repeats
WORKERS = (2, 4)
WARMUP_STEPS = 200


def constructors(env_name: str, count: int) -> list:
    if env_name == "instruction_world":
        table = np.random.default_rng(0).normal(size=(len(all_instructions()), 128)).astype(np.float32)
        return world_constructors(lambda texts: table, count, seed=0)
    return [lambda: suite_gym.load("CartPole-v1")] * count


def make(env_name: str, config: str):
    """The environment of one configuration, and the seconds it took to start."""
    start = time.perf_counter()
    kind, _, n = config.partition("_")
    makers = constructors(env_name, int(n or 1))
    if kind == "single":
        env = makers[0]()
    elif kind == "batched":
        env = batched_py_environment.BatchedPyEnvironment([m() for m in makers], multithreading=False)
    else:
        env = parallel_py_environment.ParallelPyEnvironment(makers, flatten=True)
    return env, time.perf_counter() - start


def steps_per_second(env, steps: int, loop: str) -> float:
    """Steps per second over ``steps`` environment steps (all environments together), after a warm-up; the
    actions come from a ``RandomPyPolicy`` call per step (``loop="random_policy"``) or were drawn beforehand."""
    batch = env.batch_size if env.batched else None
    warmup, calls = WARMUP_STEPS // (batch or 1), steps // (batch or 1)
    if loop == "random_policy":
        policy = random_py_policy.RandomPyPolicy(env.time_step_spec(), env.action_spec(),
                                                 outer_dims=(batch,) if batch else None, seed=0)

        def act(time_step, i):
            return policy.action(time_step).action
    else:
        spec = env.action_spec()
        shape = (warmup + calls, batch) if batch else (warmup + calls,)
        drawn = np.random.default_rng(0).integers(spec.minimum, spec.maximum + 1, shape).astype(spec.dtype)

        def act(time_step, i):
            return drawn[i]
    time_step = env.reset()
    for i in range(warmup):
        time_step = env.step(act(time_step, i))
    start = time.perf_counter()
    for i in range(warmup, warmup + calls):
        time_step = env.step(act(time_step, i))
    return calls * (batch or 1) / (time.perf_counter() - start)


def main(args):
    steps, repeats = SIZES["ci" if args.profile == "ci" else "laptop"]
    configs = ["single"] + [f"{kind}_{n}" for kind in ("batched", "parallel") for n in WORKERS]
    rates = {(e, loop): {c: [] for c in configs} for e in ENVS for loop in LOOPS}
    starts = {e: {c: [] for c in configs if c.startswith("parallel")} for e in ENVS}
    loads = []
    for repeat in range(repeats):
        loads.append(round(os.getloadavg()[0], 2))
        for env_name in ENVS:
            for config in configs:
                env, seconds = make(env_name, config)
                try:
                    for loop, loop_steps in zip(LOOPS, steps):
                        rates[env_name, loop][config].append(steps_per_second(env, loop_steps, loop))
                finally:
                    env.close()
                if config in starts[env_name]:
                    starts[env_name][config].append(seconds)
                print(f"repeat {repeat + 1}/{repeats}  {env_name:17s} {config:10s} " + "  ".join(
                    f"{loop} {rates[env_name, loop][config][-1]:7,.0f} steps/s" for loop in LOOPS), flush=True)
    figures = {"steps_per_measurement": dict(zip(LOOPS, steps)), "repeats": repeats,
               "load_before_each_repeat": loads}
    for env_name in ENVS:
        figures[env_name] = {"parallel_start_seconds_median": {c: round(median(seconds), 2)
                                                               for c, seconds in starts[env_name].items()}}
        for loop in LOOPS:
            measured = rates[env_name, loop]
            base = median(measured["single"])
            figures[env_name][loop] = {
                "steps_per_second_median": {c: round(median(r)) for c, r in measured.items()},
                "speedup_over_single": {c: round(median(r) / base, 2) for c, r in measured.items() if c != "single"},
                "steps_per_second_runs": {c: [round(x) for x in r] for c, r in measured.items()},
            }
    finish(f"parallel_envs_{args.profile}", args.profile, figures, [], args.report_only)


def parse(argv):
    flags.FLAGS(argv[:1])  # absl's own flags (app.run insists they be parsed): none; ours are argparse's
    return parser(__doc__).parse_args(argv[1:])


if __name__ == "__main__":
    # ParallelPyEnvironment refuses to start processes unless the program's main went through handle_main.
    multiprocessing.handle_main(main, flags_parser=parse)
