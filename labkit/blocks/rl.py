"""TF-Agents helpers several chapters use: evaluating a policy's return, sampling a replay buffer, rollouts for
pictures, loading a saved policy, and the contextual-bandit loop with its pool environment (05, 07 and 10 run it;
05 and 07 show it).

The agents, networks and their training set-ups are each notebook's lesson and are built in its cells.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tf_agents.policies import py_tf_eager_policy, tf_policy

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # gym renders through pygame: no window needed


@dataclass
class Evaluation:
    """What :func:`evaluate` measured over ``episodes`` episodes."""

    avg_return: float
    success_rate: float  # fraction of episodes with a positive return
    episodes: int


def as_py_policy(policy):
    """A policy that acts on one (unbatched) NumPy time step: TF policies get wrapped."""
    if isinstance(policy, tf_policy.TFPolicy):
        return _compiled(policy)
    return policy


@functools.lru_cache(maxsize=32)
def _compiled(policy):
    # One wrapper per policy: each new wrapper traces its own tf.function (slow, and TF warns about retracing).
    return py_tf_eager_policy.PyTFEagerPolicy(policy, use_tf_function=True)


def evaluate(env, policy, episodes: int) -> Evaluation:
    """Run ``episodes`` whole episodes of ``policy`` in the Python environment ``env``."""
    if episodes < 1:
        raise ValueError(f"episodes={episodes} must be at least 1")
    act = as_py_policy(policy)
    returns = []
    for _ in range(episodes):
        time_step, total = env.reset(), 0.0
        while not time_step.is_last():
            time_step = env.step(act.action(time_step).action)
            total += float(time_step.reward)
        returns.append(total)
    returns = np.array(returns)
    return Evaluation(float(returns.mean()), float((returns > 0).mean()), episodes)


def sampled_batches(replay_buffer, batch_size: int = 64, num_steps: int = 2):
    """An iterator of training batches from ``replay_buffer``, each drawn when ``next()`` asks for it.

    ``replay_buffer.as_dataset(...)`` alone gets a prefetch step from tf.data, which samples ahead in a
    background thread while the driver is still adding transitions: what a batch holds then depends on
    thread timing, and two runs with the same seed differ. Here each batch is sampled from the buffer
    as it is at that moment.
    """
    import tensorflow as tf

    serial = tf.data.Options()
    serial.experimental_optimization.inject_prefetch = False
    serial.autotune.enabled = False
    return iter(replay_buffer.as_dataset(sample_batch_size=batch_size, num_steps=num_steps).with_options(serial))


def rollout(env, policy, max_frames: int = 40, start=None) -> tuple[list[np.ndarray], float]:
    """One episode of ``policy``: its frames (``env.render(mode="rgb_array")``) and its return.

    ``start`` (optional) begins the episode instead of ``env.reset()``, e.g.
    ``lambda: world.start("go to the red ball")``.
    """
    act = as_py_policy(policy)
    time_step = start() if start else env.reset()
    frames, total = [env.render(mode="rgb_array")], 0.0
    while not time_step.is_last():
        time_step = env.step(act.action(time_step).action)
        total += float(time_step.reward)
        if len(frames) < max_frames:
            frames.append(env.render(mode="rgb_array"))
    return frames, total


def load_policy(folder: str | Path):
    """A policy saved with ``PolicySaver(...).save(folder)``, ready for :func:`evaluate` and :func:`rollout`."""
    folder = Path(folder)
    if not (folder / "saved_model.pb").is_file():
        raise FileNotFoundError(
            f"{folder} holds no saved policy (no saved_model.pb): save one first with "
            "tf_agents.policies.policy_saver.PolicySaver(agent.policy).save(folder)"
        )
    return py_tf_eager_policy.SavedModelPyTFEagerPolicy(str(folder), load_specs_from_pbtxt=True)


def run_bandit(py_env, make_agent, steps: int, batch_size: int):
    """The contextual-bandit loop of notebooks 05 and 07: wrap the batched bandit environment ``py_env`` for
    TensorFlow, build ``make_agent(tf_env)`` (an agent, or a bare policy such as a random one), and let it act on
    ``steps`` contexts, ``batch_size`` at a time. The driver collects a batch with the collect policy, the agent
    trains on it, the batch is dropped: a bandit needs no replay of old steps. Returns the agent (or policy).
    What the environment saw and did stays in ``py_env``."""
    from tf_agents.drivers import dynamic_step_driver
    from tf_agents.environments import tf_py_environment
    from tf_agents.replay_buffers import tf_uniform_replay_buffer
    from tf_agents.utils import common

    env = tf_py_environment.TFPyEnvironment(py_env)
    agent = make_agent(env)
    policy = getattr(agent, "collect_policy", agent)  # a random baseline is a bare policy
    buffer = tf_uniform_replay_buffer.TFUniformReplayBuffer(policy.trajectory_spec, batch_size=batch_size,
                                                            max_length=1)
    collect = common.function(dynamic_step_driver.DynamicStepDriver(env, policy, [buffer.add_batch],
                                                                    num_steps=batch_size).run)
    train = common.function(agent.train) if policy is not agent else None
    for _ in range(steps // batch_size):
        collect()
        if train:
            train(buffer.gather_all())
        buffer.clear()
    return agent


def pool_bandit_environment(contexts: np.ndarray, reward, num_actions: int, batch_size: int = 1, seed: int = 0):
    """A batched TF-Agents bandit environment over a fixed pool: each step shows ``batch_size`` rows of
    ``contexts`` drawn uniformly at random, and ``reward(rows, actions, rng)`` pays for the actions taken
    (float32, one per row). The rows come from their own seeded stream, so the same seed shows the same rows
    whatever the actions; ``env.shown`` holds every row shown so far and ``env.actions`` the action taken on it."""
    from tf_agents.bandits.environments import bandit_py_environment
    from tf_agents.specs import array_spec

    contexts = np.asarray(contexts, np.float32)
    stream, outcomes = np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])

    class PoolEnvironment(bandit_py_environment.BanditPyEnvironment):
        def __init__(self):
            self.shown, self.actions, self._current = [], [], None
            super().__init__(array_spec.ArraySpec(contexts.shape[1:], np.float32, name="context"),
                             array_spec.BoundedArraySpec((), np.int32, 0, num_actions - 1, name="action"))

        @property
        def batch_size(self):
            return batch_size

        @property
        def batched(self):
            return True

        def _observe(self):
            self._current = stream.integers(len(contexts), size=batch_size)
            return contexts[self._current]

        def _apply_action(self, action):
            action = np.asarray(action)
            self.shown.extend(self._current.tolist())
            self.actions.extend(action.tolist())
            return np.asarray(reward(self._current, action, outcomes), np.float32)

    return PoolEnvironment()
