"""labkit: the plumbing behind the course notebooks.

Import it *before* TensorFlow (or keras_hub, or tf_agents): it switches
``tf.keras`` to legacy Keras 2 (``tf_keras``), which TF-Agents needs, while
``import keras`` / ``keras_hub`` stay on Keras 3.
"""
from __future__ import annotations

import os
import sys
import warnings


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


def _load_quietly() -> None:
    """Import TensorFlow (and probe its devices) and gym with their start-up banners silenced.

    TensorFlow's C++ lines (oneDNN, CUDA probing) are written to the process's stderr before absl's
    logging starts, so no log level hides them; gym 0.23 prints a notice to ``sys.stderr`` on import.
    A notebook kernel would show both in the first cell. Errors still surface: they are raised.
    """
    import contextlib
    import io

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(io.StringIO()):
            os.dup2(devnull.fileno(), 2)
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")
            with contextlib.suppress(ImportError):
                import gym  # noqa: F401  - TF-Agents' environments; its notice is about gym's age, not ours
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_set_keras_flags()
if "tensorflow" not in sys.modules:
    _load_quietly()
# after TensorFlow's import, which puts a "once" filter for DeprecationWarning in front of earlier ones
# tf_agents 0.19 and TensorFlow Probability compare versions with distutils at import: nothing a learner can act on
warnings.filterwarnings("ignore", message="distutils Version classes are deprecated", category=DeprecationWarning)

from labkit.course.lab import Lab, setup  # noqa: E402
from labkit.course.profiles import PROFILES, Profile, get_profile  # noqa: E402

__all__ = ["Lab", "PROFILES", "Profile", "get_profile", "setup"]
__version__ = "0.1.0"
