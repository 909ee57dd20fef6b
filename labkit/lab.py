"""The per-notebook context: profile, seed, folders and the metrics record."""
from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit.paths import base_dir
from labkit.profiles import Profile, get_profile

_current: Lab | None = None


@dataclass
class Lab:
    """What a notebook gets from :func:`setup`.

    ``output_dir`` holds this notebook's outputs and ``metrics.json``;
    ``artifacts_dir`` (beside it, per profile) holds what notebooks hand to each
    other: the pretrained encoder, the vocabulary, the fine-tuned models, the policy.
    """

    notebook: str
    profile: Profile
    seed: int
    output_dir: Path
    data_dir: Path | None

    @property
    def artifacts_dir(self) -> Path:
        path = self.output_dir.parent / "artifacts" / self.profile.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def metrics_path(self) -> Path:
        return self.output_dir / "metrics.json"

    def tensorboard_dir(self, name: str) -> Path:
        """A fresh-per-run TensorBoard log folder: ``tensorboard --logdir <output_dir>/tensorboard``."""
        return self.output_dir / "tensorboard" / name

    def metrics(self) -> dict:
        """Everything recorded so far by this notebook."""
        if not self.metrics_path.exists():
            return {}
        return json.loads(self.metrics_path.read_text())

    def record(self, name: str, value: float | int | str) -> None:
        """Store a headline figure in ``metrics.json`` (the run report gathers them) and print it."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"metric name must be an identifier-like string, got {name!r}")
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            raise ValueError(f"metric {name!r} is {value}; a headline figure must be finite")
        if not isinstance(value, (int, float, str)):
            raise ValueError(f"metric {name!r} must be a number or a string, got {type(value).__name__}")
        metrics = self.metrics()
        metrics[name] = value
        tmp = self.metrics_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, self.metrics_path)  # atomic: an interrupted run never leaves half a file
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"recorded {name} = {shown}")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and both Kerases from one number."""
    import keras
    import tf_keras

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds TensorFlow
    tf_keras.utils.set_random_seed(seed)


def quiet_library_warnings() -> None:
    """Hide TensorFlow / TF-Agents deprecation chatter about their own internals; errors still show."""
    import logging
    import warnings

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    for module in ("tf_agents", "tensorflow_probability", "keras"):
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=module)


def setup(
    notebook: str,
    profile: str = "auto",
    seed: int = 42,
    output_dir: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
) -> Lab:
    """Resolve the profile, seed everything, create the output folder; returns a :class:`Lab`.

    ``output_dir`` defaults to ``runs/interactive/<notebook>`` in the kit's folder.
    ``data_dir`` (optional) points at real data laid out like ``datasets/``.
    """
    global _current
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"SEED must be an integer, got {seed!r}")
    resolved = get_profile(profile)
    out = Path(output_dir) if output_dir else base_dir() / "runs" / "interactive" / notebook
    out.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir).expanduser() if data_dir else None
    if data is not None and not data.is_dir():
        raise FileNotFoundError(f"DATA_DIR={str(data)!r} is not a folder")
    seed_everything(seed)
    quiet_library_warnings()
    _current = Lab(notebook=notebook, profile=resolved, seed=seed, output_dir=out.resolve(), data_dir=data)
    source = f"real data from {data}" if data else "the bundled data sets"
    print(f"labkit: profile {resolved.name!r} ({resolved.description}), seed {seed}, {source}")
    print(f"labkit: outputs in {_current.output_dir}")
    return _current


def record(name: str, value: float | int | str) -> None:
    """:meth:`Lab.record` on the notebook's current lab."""
    if _current is None:
        raise RuntimeError("call labkit.setup(...) before labkit.record(...)")
    _current.record(name, value)
