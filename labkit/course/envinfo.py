"""What the notebook runs on: versions, CPU/GPU, Colab or not."""
from __future__ import annotations

import importlib.metadata
import os
import platform
import sys

PACKAGES = ("tensorflow", "tf-keras", "keras", "keras-hub", "tf-agents", "tensorflow-probability",
            "numpy", "lime", "papermill", "matplotlib", "ipywidgets", "jupyterlab")


def environment_report() -> dict:
    """Versions of the stack, the machine, the GPUs TensorFlow sees and the Keras set-up."""
    import tensorflow as tf

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_cores": os.cpu_count(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "colab": "google.colab" in sys.modules,
        "tf.keras is legacy Keras 2 (tf_keras)": tf.keras.layers.Dense.__module__.startswith("tf_keras"),
        "TF_USE_LEGACY_KERAS": os.environ.get("TF_USE_LEGACY_KERAS"),
        "versions": versions,
    }


def print_environment() -> dict:
    """Print :func:`environment_report` as an aligned list and return it."""
    report = environment_report()
    flat = {k: v for k, v in report.items() if k != "versions"} | report["versions"]
    width = max(map(len, flat))
    for key, value in flat.items():
        print(f"{key:<{width}}  {value if value != [] else 'none'}")
    return report
