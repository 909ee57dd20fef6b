"""labkit.blocks.distribute: the strategy chooser, the global batch and learning-rate rule, and MLM pretraining under
MirroredStrategy tracking the same pretraining on one device."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import tensorflow as tf

from labkit.blocks import distribute

WORKER = Path(__file__).resolve().parents[1] / "bench" / "mlm_worker.py"


class Replicas:
    """Stands in for a strategy of ``n`` replicas (the plan only reads the count)."""

    def __init__(self, n):
        self.num_replicas_in_sync = n


@pytest.fixture
def fresh_choice():
    distribute.choose_strategy.cache_clear()
    yield
    distribute.choose_strategy.cache_clear()


def test_without_gpus_the_default_strategy_changes_nothing(fresh_choice):
    training = distribute.plan(32, 6e-3)
    assert training.strategy is tf.distribute.get_strategy() and training.replicas == 1
    assert (training.batch_size, training.learning_rate) == (32, 6e-3)  # exactly the profile's: ci and laptop unchanged
    assert str(training) == "default strategy (one device), 1 replica: global batch 32 (32 per replica), learning rate 0.006"


def test_two_gpus_get_a_mirrored_strategy_over_them(fresh_choice, monkeypatch):
    gpus = [tf.config.LogicalDevice(f"/device:GPU:{i}", "GPU") for i in range(2)]
    monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: gpus if kind == "GPU" else [])
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", lambda devices: ("mirrored", devices))
    assert distribute.choose_strategy() == ("mirrored", ["/device:GPU:0", "/device:GPU:1"])
    assert distribute.choose_strategy() is distribute.choose_strategy()  # once per process


def test_the_global_batch_grows_with_the_replicas_and_the_learning_rate_with_its_square_root():
    training = distribute.plan(32, 1e-3, Replicas(4))
    assert (training.batch_size, training.per_replica_batch) == (128, 32)
    assert training.learning_rate == pytest.approx(2e-3)
    assert "x sqrt(128/32)" in str(training)
    fixed = distribute.plan(32, 1e-3, Replicas(4), global_batch=32)  # the profile's global batch: its rate
    assert (fixed.per_replica_batch, fixed.learning_rate) == (8, 1e-3)


@pytest.mark.parametrize("args, bad", [((0, 1e-3), "profile_batch"), ((32, 0.0), "learning_rate"),
                                       ((32, 1e-3, Replicas(4), 30), "global_batch")])
def test_bad_arguments_are_named(args, bad):
    with pytest.raises(ValueError, match=bad):
        distribute.plan(*args)


def test_mlm_pretraining_under_mirrored_strategy_tracks_one_device():
    # A subprocess: the logical devices must be set before TensorFlow initialises, and here it has.
    # Both runs: notebook 01's model code, the same seed, the same 20 masked batches of 32, the same learning
    # rate. No dropout: it draws its masks per replica, which alone moved the losses by 0.004 (measured).
    run = subprocess.run([sys.executable, str(WORKER), "--strategy", "default", "mirrored", "--logical-cpus", "2",
                          "--lines", "300", "--steps", "20", "--dropout", "0"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    single, mirrored = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert (single["replicas"], mirrored["replicas"]) == (1, 2)
    assert single["global_batch"] == mirrored["global_batch"] and single["learning_rate"] == mirrored["learning_rate"]
    # measured on a 2-core CPU: at most 5e-7 apart (the order of float sums differs); 1e-3 leaves a wide margin
    # and still fails if the replicas trained on other data or fell out of sync
    steps = zip(single["train_loss_by_step"], mirrored["train_loss_by_step"], strict=True)
    assert max(abs(a - b) for a, b in steps) < 1e-3
    assert abs(single["valid_loss"] - mirrored["valid_loss"]) < 1e-3
    assert single["train_loss_by_step"][-1] < single["train_loss_by_step"][0]  # and it learned something
