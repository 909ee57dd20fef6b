"""The per-notebook context: profile, seed, folders and the metrics record."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit.course.fetch import fetch_for_notebook, is_real
from labkit.course.paths import runs_dir
from labkit.course.profiles import PROFILES, Profile, get_profile
from labkit.course.runner import KIT


@dataclass
class Lab:
    """What a notebook gets from :func:`setup`.

    ``output_dir`` holds this notebook's outputs and ``metrics.json``;
    ``artifacts_dir`` (beside it) holds what notebooks hand to each other: the pretrained encoder, the
    vocabulary, the fine-tuned models, the policy. It is one folder per profile (with any overridden fields),
    seed and data (:meth:`made_by`), so an artifact is never reused for other inputs: 02 run on another
    ``DATA_DIR`` gets an encoder pretrained on that data, and an exercise that overrides a profile field
    writes into a folder of its own.
    """

    notebook: str
    profile: Profile
    seed: int
    output_dir: Path
    data_dir: Path | None
    checkpoint: str = KIT

    def made_by(self) -> dict:
        """What an artifact made in this lab depends on: the profile and the fields overridden in it, the seed, the
        data (``"bundled"`` or the folder); the checkpoint a model started from is recorded per artifact
        (:mod:`labkit.course.artifacts`)."""
        base = PROFILES.get(self.profile.name)
        overrides = {} if base is None else {f.name: getattr(self.profile, f.name) for f in dataclasses.fields(Profile)
                                             if getattr(self.profile, f.name) != getattr(base, f.name)}
        return {"profile": self.profile.name, "overrides": overrides, "seed": self.seed,
                "data": str(self.data_dir) if self.data_dir else "bundled"}

    @property
    def artifacts_dir(self) -> Path:
        made_by = self.made_by()
        path = self.output_dir.parent / "artifacts" / artifacts_key(made_by)
        path.mkdir(parents=True, exist_ok=True)
        record = path / "made_by.json"
        if not record.exists():
            _write_json(record, made_by)
        return path

    @property
    def metrics_path(self) -> Path:
        return self.output_dir / "metrics.json"

    @property
    def baselines_path(self) -> Path:
        return self.output_dir / "baselines.json"

    @property
    def artifacts_read_path(self) -> Path:
        """The artifacts this run read and what made each (``labkit.course.artifacts``; the run report lists them)."""
        return self.output_dir / "artifacts_read.json"

    @property
    def exercises_path(self) -> Path:
        """The verdict of each exercise check (``labkit.course.exercises.check``)."""
        return self.output_dir / "exercises.json"

    def tensorboard_dir(self, name: str) -> Path:
        """A fresh-per-run TensorBoard log folder: ``tensorboard --logdir <output_dir>/tensorboard``."""
        return self.output_dir / "tensorboard" / name

    def metrics(self) -> dict:
        """Everything recorded so far by this run of the notebook."""
        return _read_json(self.metrics_path)

    def baselines(self) -> dict[str, str]:
        """``{metric: baseline}``: each headline metric and the recorded baseline it must beat."""
        return _read_json(self.baselines_path)

    def record(self, name: str, value: float | int | str, baseline: str | None = None) -> None:
        """Store a headline figure in ``metrics.json`` (the run report gathers them) and print it.

        ``baseline`` names an already recorded figure that this one must beat (majority class,
        chance, a random policy...): the pair goes to ``baselines.json`` and the tests check it.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"metric name must be an identifier-like string, got {name!r}")
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            raise ValueError(f"metric {name!r} is {value}; a headline figure must be finite")
        if not isinstance(value, (int, float, str)):
            raise ValueError(f"metric {name!r} must be a number or a string, got {type(value).__name__}")
        metrics = self.metrics()
        if baseline is not None and baseline not in metrics:
            raise ValueError(f"baseline {baseline!r} of {name!r} is not recorded yet; record it first")
        _write_json(self.metrics_path, {**metrics, name: value})
        shown = f"{value:.4g}" if isinstance(value, float) else value
        if baseline is None:
            print(f"recorded {name} = {shown}")
        else:
            _write_json(self.baselines_path, {**self.baselines(), name: baseline})
            print(f"recorded {name} = {shown} (baseline {baseline} = {metrics[baseline]:.4g})")


def artifacts_key(made_by: dict) -> str:
    """The artifacts folder's name for :meth:`Lab.made_by`: readable, and different for any other inputs, e.g.
    ``ci-seed42-bundled`` or ``laptop+mlm_mask_rate=0.3-seed42-data_clinc-1a2b3c4d``."""
    overrides = "".join(f"+{k}={v}" for k, v in sorted(made_by["overrides"].items()))
    data = made_by["data"]
    if data != "bundled":
        data = f"data_{Path(data).name}-{hashlib.sha1(data.encode()).hexdigest()[:8]}"
    return re.sub(r"[^\w.,=+-]", "_", f"{made_by['profile']}{overrides}-seed{made_by['seed']}-{data}")


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def _write_json(path: Path, content: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)  # atomic: an interrupted run never leaves half a file


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
    # PolicySaver encodes TFP distribution specs that it never decodes again: harmless
    warnings.filterwarnings("ignore", message="Encoding a StructuredValue with type tfp", category=UserWarning)
    # gym 0.23 marks env.seed deprecated, but TF-Agents' GymWrapper has no other way to seed a reset
    warnings.filterwarnings("ignore", message=r".*env\.seed\(seed\)", category=DeprecationWarning)


def setup(
    notebook: str,
    profile: str = "auto",
    seed: int = 42,
    output_dir: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    checkpoint: str | os.PathLike = KIT,
) -> Lab:
    """Resolve the profile, seed everything, create the output folder; returns a :class:`Lab`.

    ``output_dir`` defaults to ``runs/interactive/<notebook>`` in the kit's folder.
    ``data_dir`` (optional) points at real data laid out like ``datasets/``, or is ``"real"``: the real sets
    this notebook reads are fetched (downloaded once, checked, cached: :mod:`labkit.course.fetch`) and read.
    ``checkpoint`` is the notebook's ``CHECKPOINT`` (02, 05, 06), passed on to a notebook run to make a missing
    artifact.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"SEED must be an integer, got {seed!r}")
    resolved = get_profile(profile)
    if is_real(data_dir):
        data_dir = fetch_for_notebook(notebook)
    out = Path(output_dir) if output_dir else runs_dir() / "interactive" / notebook
    out.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir).expanduser() if data_dir else None
    if data is not None and not data.is_dir():
        raise FileNotFoundError(f"DATA_DIR={str(data)!r} is not a folder")
    seed_everything(seed)
    quiet_library_warnings()
    lab = Lab(notebook=notebook, profile=resolved, seed=seed, output_dir=out.resolve(), data_dir=data,
              checkpoint=str(checkpoint))
    # what an earlier run recorded must not survive
    for stale in (lab.metrics_path, lab.baselines_path, lab.exercises_path, lab.artifacts_read_path):
        stale.unlink(missing_ok=True)
    source = f"real data from {data}" if data else "the bundled data sets"
    print(f"labkit: profile {resolved.name!r} ({resolved.description}), seed {seed}, {source}")
    print(f"labkit: outputs in {lab.output_dir}")
    return lab

