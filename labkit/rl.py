"""Plumbing for the reinforcement-learning notebook: evaluation, rollouts, loading a saved policy.

The agents, networks, replay buffers and training loops are the lesson and live in the notebook.
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
