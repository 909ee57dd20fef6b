"""labkit's import flags, profiles and the per-notebook lab context."""
import json
import os
import subprocess
import sys

import pytest

import labkit
from labkit.course.profiles import PROFILES, get_profile


def _python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_import_sets_the_keras_flags_and_tf_keras_is_legacy():
    done = _python("import os, labkit, tensorflow as tf; "
                   "print(os.environ['TF_USE_LEGACY_KERAS'], tf.keras.layers.Dense.__module__.split('.')[0])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "tf_keras"]


def test_tensorflow_first_gives_a_restart_message():
    done = _python("import tensorflow, labkit")
    assert done.returncode != 0
    assert "Restart the kernel" in done.stderr and "import labkit" in done.stderr


def test_profiles_table_and_auto():
    assert set(PROFILES) == {"ci", "laptop", "gpu"}
    assert get_profile("auto").name == "laptop"  # no GPU on the test machines
    ci, laptop = PROFILES["ci"], PROFILES["laptop"]
    assert ci.hidden_dim <= laptop.hidden_dim and ci.dqn_train_steps < laptop.dqn_train_steps
    assert get_profile("ci", mlm_epochs=3).mlm_epochs == 3


@pytest.mark.parametrize("bad", ["fast", "", None, 3])
def test_unknown_profile_lists_the_known_ones(bad):
    with pytest.raises(ValueError, match="expected one of: auto, ci, laptop, gpu"):
        get_profile(bad)


def test_unknown_override_field():
    with pytest.raises(ValueError, match="unknown profile field"):
        get_profile("ci", epochs=3)


def test_setup_seeds_records_and_makes_folders(tmp_path):
    import numpy as np

    lab = labkit.setup("99_test", "ci", 7, tmp_path / "99_test")
    first = np.random.rand()
    labkit.setup("99_test", "ci", 7, tmp_path / "99_test")
    assert np.random.rand() == first
    assert lab.artifacts_dir == (tmp_path / "artifacts" / "ci-seed7-bundled").resolve()
    lab.record("chance", 0.25)
    lab.record("accuracy", np.float32(0.5), baseline="chance")
    lab.record("steps", 10)
    assert json.loads(lab.metrics_path.read_text()) == {"chance": 0.25, "accuracy": 0.5, "steps": 10}
    assert lab.baselines() == {"accuracy": "chance"}


def test_setup_starts_an_empty_record(tmp_path):
    lab = labkit.setup("99_test", "ci", 0, tmp_path / "99_test")
    lab.record("chance", 0.25)
    lab.record("old_figure", 1.0, baseline="chance")
    lab = labkit.setup("99_test", "ci", 0, tmp_path / "99_test")
    assert lab.metrics() == {} and lab.baselines() == {}


def test_a_baseline_must_be_recorded_first(tmp_path):
    lab = labkit.setup("99_test", "ci", 0, tmp_path)
    with pytest.raises(ValueError, match="baseline 'chance' of 'accuracy' is not recorded yet"):
        lab.record("accuracy", 0.5, baseline="chance")


@pytest.mark.parametrize("name, value", [("bad name", 1.0), ("x", float("nan")), ("x", [1, 2])])
def test_record_rejects_bad_figures(tmp_path, name, value):
    lab = labkit.setup("99_test", "ci", 0, tmp_path)
    with pytest.raises(ValueError):
        lab.record(name, value)


def test_setup_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="SEED must be an integer"):
        labkit.setup("99_test", "ci", "42", tmp_path)
    with pytest.raises(FileNotFoundError, match="DATA_DIR"):
        labkit.setup("99_test", "ci", 0, tmp_path, data_dir=tmp_path / "missing")


def test_train_timer_times_each_epoch_without_validation():
    import keras
    import numpy as np

    from labkit.blocks.encoder import train_timer

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    timer = train_timer()
    x = np.zeros((8, 2), "float32")
    model.fit(x, x[:, :1], validation_data=(x, x[:, :1]), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)


def test_pretraining_gains_come_from_the_benchmark_files():
    from labkit.course import expected

    table = expected.pretraining_gains()
    rows = [line for line in table.splitlines() if line.startswith("| bundled") or line.startswith("| Banking77")]
    assert len(rows) >= 2 and "not measured" not in table
    assert all(line.count("|") == 7 for line in rows)  # six columns filled on every row
