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
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide C++ start-up chatter


_set_keras_flags()

from labkit.lab import Lab, record, setup  # noqa: E402
from labkit.profiles import PROFILES, Profile, get_profile  # noqa: E402

__all__ = ["Lab", "PROFILES", "Profile", "get_profile", "record", "setup"]
__version__ = "0.1.0"
