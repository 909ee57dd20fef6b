"""Where things live: the repository, the bundled data sets, run folders, the kit's home folder."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # labkit/, above course/


def repo_root() -> Path | None:
    """The kit's repository folder when labkit runs from a checkout, else None."""
    root = PACKAGE_DIR.parent
    return root if (root / "notebooks").is_dir() else None


def base_dir() -> Path:
    """The repository when there is one, else the current folder."""
    return repo_root() or Path.cwd()


def notebooks_dir() -> Path:
    root = repo_root()
    if root is None:
        raise FileNotFoundError("no notebooks/ folder: labkit is not running from a checkout of the kit")
    return root / "notebooks"


def runs_dir() -> Path:
    """Where runs go by default (interactive ones and ``labkit run``'s), with the artifacts they hand each other:
    ``runs/`` in the kit home when ``$LABKIT_HOME`` is set (on Colab, a folder on Google Drive keeps them across
    runtimes), else in the kit's folder."""
    return (kit_home() if os.environ.get("LABKIT_HOME") else base_dir()) / "runs"


def kit_home() -> Path:
    """The kit's one home folder for what it downloads: ``$LABKIT_HOME``, else ``labkit/`` in the user's cache
    folder (``$XDG_CACHE_HOME`` or ``~/.cache``). On Colab, point it at Google Drive to keep it across runtimes."""
    home = os.environ.get("LABKIT_HOME")
    if home:
        return Path(home).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "labkit"
