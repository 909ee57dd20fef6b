"""The instruction-following agent of notebook 03, for later notebooks.

Notebook 03 trains it and saves its policy with ``PolicySaver`` in ``lab.artifacts_dir``.
When the policy is missing, :func:`load_instruction_agent` runs notebook 03 itself (same
profile, seed and run folder): the agent is trained by the lesson's own code, not a copy of it.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

POLICY_DIR = "instruction_policy"


def load_instruction_agent(lab) -> tuple[object, Callable[[list[str]], np.ndarray]]:
    """``(policy, embed)``: notebook 03's saved policy and the instruction embedding it was trained with.

    ``policy`` acts on the instruction world's observations (``labkit.rl.load_policy``; its
    ``distribution`` takes batches); ``embed`` maps texts to instruction vectors
    (``embed_sentences`` with the pretrained encoder of ``lab.profile``).
    """
    from labkit.encoder import embed_sentences, load_encoder
    from labkit.rl import load_policy

    folder = lab.artifacts_dir / POLICY_DIR
    if not (folder / "saved_model.pb").is_file():
        print(f"No saved instruction policy in {folder}: running notebook 03 (profile {lab.profile.name!r}) "
              "to train one. This takes as long as notebook 03 does.")
        _run_notebook_03(lab)
    return load_policy(folder), partial(embed_sentences, load_encoder(lab))


def _run_notebook_03(lab) -> None:
    import papermill as pm

    from labkit.paths import notebooks_dir
    from labkit.runner import kernel_name

    source = next(notebooks_dir().glob("03_*.ipynb"))
    out = lab.output_dir.parent / source.stem  # beside this notebook's outputs, sharing the artifacts
    out.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(source), str(out / source.name), kernel_name=kernel_name(), cwd=str(source.parent), progress_bar=False,
        parameters={"PROFILE": lab.profile.name, "SEED": lab.seed, "OUTPUT_DIR": str(out),
                    "DATA_DIR": str(lab.data_dir) if lab.data_dir else None},
    )
    if not (lab.artifacts_dir / POLICY_DIR / "saved_model.pb").is_file():
        raise FileNotFoundError(f"notebook 03 ran (executed copy in {out}) but saved no policy in "
                                f"{lab.artifacts_dir / POLICY_DIR}")
