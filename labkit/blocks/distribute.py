"""Training on several devices: the ``tf.distribute`` strategy, the global batch and the learning rate.

Notebooks 01 and 02 and :mod:`labkit.ch02` build and compile their models inside ``training.scope()``
(where ``training = plan(...)``) and batch their data with ``training.batch_size``; Keras' ``fit`` then
splits every batch across the strategy's replicas and sums their gradients.

:func:`choose_strategy` picks, once per process:

- ``MirroredStrategy`` when TensorFlow sees two GPUs or more (one replica per GPU, one machine);
- TensorFlow's default strategy otherwise (one device: a CPU or one GPU). Its scope changes nothing,
  so on such a machine the figures are exactly those of plain Keras.

TPUs are left out: ``TPUStrategy`` needs a TPU runtime to connect to, and none was available to test it.
Several machines (``MultiWorkerMirroredStrategy`` and ``TF_CONFIG``): ``bench/bench_multiworker.py``
and the README's "Training on several devices".
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass


@functools.cache
def choose_strategy():
    """The strategy for this machine: ``MirroredStrategy`` over the GPUs when there are 2+, else the
    default strategy. Chosen once per process, so every model of a notebook lives under the same one
    (a model built under one strategy cannot be trained under another)."""
    import tensorflow as tf

    gpus = [device.name for device in tf.config.list_logical_devices("GPU")]
    if len(gpus) >= 2:
        return tf.distribute.MirroredStrategy(gpus)
    return tf.distribute.get_strategy()


def scaled_learning_rate(learning_rate: float, batch_ratio: float) -> float:
    """The learning rate for a global batch ``batch_ratio`` times the profile's: ``learning_rate * sqrt(batch_ratio)``.

    The rule of the kit, stated once. Every model here trains with Adam(W), and for adaptive optimisers
    the square-root rule keeps the noise of the updates about what it was at the profile's batch
    (Malladi et al., 2022, "On the SDEs and scaling rules for adaptive gradient algorithms"); the linear
    rule (Goyal et al., 2017) is SGD's, and with Adam it overshoots as the batch grows. The profile's
    batch (one replica): the profile's rate, unchanged.
    """
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if not (isinstance(batch_ratio, (int, float)) and batch_ratio > 0):
        raise ValueError(f"batch_ratio must be a positive number, got {batch_ratio!r}")
    return learning_rate * math.sqrt(batch_ratio)


@dataclass(frozen=True)
class Plan:
    """How one model trains: under ``strategy``, in global batches of ``batch_size`` examples (``fit`` splits
    each across the replicas), at ``learning_rate`` (the profile's, scaled by :func:`scaled_learning_rate`)."""

    strategy: object
    batch_size: int
    learning_rate: float
    profile_batch: int
    profile_learning_rate: float

    @property
    def replicas(self) -> int:
        return int(self.strategy.num_replicas_in_sync)

    @property
    def per_replica_batch(self) -> int:
        return self.batch_size // self.replicas

    def scope(self):
        """Build and compile the model inside ``with training.scope():``."""
        return self.strategy.scope()

    def __str__(self) -> str:
        name = type(self.strategy).__name__
        name = "default strategy (one device)" if name.startswith("_Default") else name
        rate = f"learning rate {self.learning_rate:.3g}"
        if self.batch_size != self.profile_batch:
            rate += f" (the profile's {self.profile_learning_rate:.3g} x sqrt({self.batch_size}/{self.profile_batch}))"
        return (f"{name}, {self.replicas} replica{'s' if self.replicas > 1 else ''}: global batch {self.batch_size} "
                f"({self.per_replica_batch} per replica), {rate}")


def plan(profile_batch: int, profile_learning_rate: float, strategy=None, global_batch: int | None = None) -> Plan:
    """A :class:`Plan` for the profile's batch and learning rate under ``strategy`` (default:
    :func:`choose_strategy`). The global batch is ``profile_batch`` per replica unless ``global_batch`` fixes
    it (it must split evenly over the replicas). ``print()`` the plan for its one-line summary."""
    strategy = strategy or choose_strategy()
    replicas = int(strategy.num_replicas_in_sync)
    if not isinstance(profile_batch, int) or profile_batch < 1:
        raise ValueError(f"profile_batch must be a whole number >= 1, got {profile_batch!r}")
    batch = profile_batch * replicas if global_batch is None else global_batch
    if not isinstance(batch, int) or batch < replicas or batch % replicas:
        raise ValueError(f"global_batch must be a whole multiple of the {replicas} replicas, got {global_batch!r}")
    rate = scaled_learning_rate(profile_learning_rate, batch / profile_batch)
    return Plan(strategy, batch, rate, profile_batch, profile_learning_rate)
