"""labkit: the plumbing behind the course notebooks.

Import it *before* TensorFlow (or keras_hub, or tf_agents): it switches
``tf.keras`` to legacy Keras 2 (``tf_keras``), which TF-Agents needs, while
``import keras`` / ``keras_hub`` stay on Keras 3.
"""
from __future__ import annotations

import os
import sys


def _set_keras_flags() -> None:
    if "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1":
        raise RuntimeError(
            "TensorFlow was imported before labkit, so TF-Agents would get the wrong Keras. "
            "Restart the kernel and run `import labkit` before importing tensorflow, "
            "keras_hub or tf_agents."
        )
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info and warnings


def _load_tensorflow_quietly() -> None:
    """Import TensorFlow and probe its devices with the process's stderr silenced.

    Its C++ start-up lines (oneDNN, CUDA probing) are written before absl's logging starts, so no
    log level hides them, and a notebook kernel would show them in the first cell. Python errors
    still surface: they are raised, not printed.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_set_keras_flags()
if "tensorflow" not in sys.modules:
    _load_tensorflow_quietly()

from labkit.lab import Lab, setup  # noqa: E402
from labkit.profiles import PROFILES, Profile, get_profile  # noqa: E402

__all__ = ["Lab", "PROFILES", "Profile", "get_profile", "setup"]
__version__ = "0.1.0"
