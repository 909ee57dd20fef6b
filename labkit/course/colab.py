"""The kit on Colab: its repository address, and the two things written from it in every notebook.

``REPOSITORY`` is the one place the kit's GitHub address is defined. Every notebook's "Open in Colab" badge
(in its first markdown cell, and the README's) and its guarded Colab install cell (the first code cell, which
clones the kit) are written from it by ``make editions`` (``python -m labkit.course.colab``, then ``labkit
editions``); ``tests/test_editions.py`` fails when a notebook or the README differs from what this module writes.
The badges open the student edition, ``editions/student/`` (solutions removed), committed beside the notebooks.

The address is a **placeholder**: nobody has confirmed where the kit is published, so ``CONFIRMED`` is False,
``make editions`` prints a warning and ``tests/test_editions.py`` reports it (an expected failure, named). An
owner who publishes the kit sets ``REPOSITORY`` (and ``BRANCH``) to the real address and ``CONFIRMED = True``,
then runs ``make editions`` and commits what it rewrote.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPOSITORY = "labkit-course/labkit"  # "owner/name" on GitHub: a placeholder until CONFIRMED
BRANCH = "main"
CONFIRMED = False  # True once an owner has checked that the kit is published at REPOSITORY, on BRANCH
STUDENT_FOLDER = "editions/student"  # what the badges open, relative to the repository's root
DRIVE = "/content/drive"  # where Colab mounts Google Drive
DRIVE_HOME = f"{DRIVE}/MyDrive/labkit"  # LABKIT_HOME on Drive: downloads, fetched data, presets, runs

_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE = re.compile(r"\[!\[Open in Colab\]\(" + re.escape(_BADGE_IMAGE) +
                    r"\)\]\(https://colab\.research\.google\.com/github/[^)\s]*?([^/)\s]+\.ipynb)\)")


def repository_url() -> str:
    return f"https://github.com/{REPOSITORY}"


def colab_url(notebook: str) -> str:
    """The address that opens the student edition of ``notebook`` (a file name, ``NN_slug.ipynb``) on Colab."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{STUDENT_FOLDER}/{notebook}"


def badge(notebook: str) -> str:
    return f"[![Open in Colab]({_BADGE_IMAGE})]({colab_url(notebook)})"


def badges(text: str) -> list[str]:
    """The notebook file names of the "Open in Colab" badges in ``text``, in order."""
    return [m.group(1) for m in _BADGE.finditer(text)]


def with_badges(text: str) -> str:
    """``text`` with every "Open in Colab" badge rewritten from ``REPOSITORY`` (each keeps its notebook)."""
    return _BADGE.sub(lambda m: badge(m.group(1)), text)


def install_cell() -> str:
    """The guarded Colab install cell, the first code cell of every notebook: nothing happens outside Colab."""
    return f'''\
# Colab only: fetch the kit and install its stack (about 2 minutes). Does nothing elsewhere.
# To keep what the kit downloads and builds (data sets, presets, runs and their artifacts) across Colab runtimes,
# set keep_on_drive = True: this cell then mounts your Google Drive (Colab asks for access) and sets LABKIT_HOME
# to {DRIVE_HOME.replace(DRIVE + "/", "")}. With Drive already mounted (Files > Mount Drive), it is used either way.
import sys
if "google.colab" in sys.modules:
    keep_on_drive = False
    import os
    if keep_on_drive and not os.path.isdir("{DRIVE}/MyDrive"):
        from google.colab import drive
        drive.mount("{DRIVE}")
    if os.path.isdir("{DRIVE}/MyDrive"):
        os.environ.setdefault("LABKIT_HOME", "{DRIVE_HOME}")
        print("The kit keeps its files in LABKIT_HOME =", os.environ["LABKIT_HOME"])
    else:
        print("The kit's files stay in this runtime and go with it (keep_on_drive = True keeps them on Drive)")
    !git clone -q --depth 1 {repository_url()} /content/labkit || git -C /content/labkit pull -q
    !bash /content/labkit/scripts/install.sh --colab
    sys.path.insert(0, "/content/labkit")'''


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text if isinstance(cell["source"], str) else text.splitlines(keepends=True)


def install_cell_index(nb: dict) -> int:
    """The index of the notebook's first code cell, the install cell; a ValueError when it is not one."""
    index = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"), None)
    if index is None or "google.colab" not in _source(nb["cells"][index]):
        raise ValueError("the first code cell is not the guarded Colab install cell (it names google.colab)")
    return index


def refresh(nb: dict, notebook: str) -> bool:
    """Rewrite, in place, notebook ``nb``'s badge (first markdown cell) and install cell (first code cell) from
    ``REPOSITORY``; ``notebook`` is its file name. True when something changed. A ValueError when the first cell
    holds no badge for ``notebook``."""
    header = nb["cells"][0]
    if header["cell_type"] != "markdown" or badges(_source(header)) != [notebook]:
        raise ValueError(f"{notebook}: the first cell is markdown with one Open in Colab badge, for {notebook}")
    cell = nb["cells"][install_cell_index(nb)]
    old = (_source(header), _source(cell))
    _set_source(header, with_badges(old[0]))
    _set_source(cell, install_cell())
    return (_source(header), _source(cell)) != old


def refresh_notebook(path: Path) -> bool:
    """Read, refresh and (only when something changed) write back the notebook at ``path``: one quick
    read-modify-write, so that other cells edited meanwhile by someone else are not lost."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    if not refresh(nb, path.name):
        return False
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def refresh_text(path: Path) -> bool:
    """Rewrite the badges of a text file (the README); True when something changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = with_badges(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def address_warning() -> str | None:
    """What to say while the address is a placeholder; None once an owner has confirmed it."""
    if CONFIRMED:
        return None
    return (f"the repository address {REPOSITORY!r} in labkit/course/colab.py is a placeholder that nobody has "
            f"confirmed: the Open in Colab badges and the install cell's git clone point at it and will not work "
            f"until an owner sets REPOSITORY to where the kit is published, sets CONFIRMED = True and runs "
            f"`make editions`")


def main(argv: list[str] | None = None) -> int:
    """``python -m labkit.course.colab``: rewrite the badges and install cells of the notebooks and the README
    from ``REPOSITORY``; ``--check``: change nothing, exit 1 when a file is stale or the address a placeholder."""
    from labkit.course.paths import base_dir
    from labkit.course.runner import list_notebooks

    parser = argparse.ArgumentParser(prog="python -m labkit.course.colab", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on a stale file or a placeholder")
    args = parser.parse_args(argv)
    root = base_dir()
    notebooks = list_notebooks(root / "notebooks")
    stale = []
    for path in notebooks:
        if args.check:
            nb = json.loads(path.read_text(encoding="utf-8"))
            changed = refresh(nb, path.name)
        else:
            changed = refresh_notebook(path)
        if changed:
            stale.append(path.relative_to(root))
    readme = root / "README.md"
    if readme.read_text(encoding="utf-8") != with_badges(readme.read_text(encoding="utf-8")):
        stale.append(readme.relative_to(root))
        if not args.check:
            refresh_text(readme)
    verb = "stale" if args.check else "rewritten"
    print(f"Colab badges and install cells from {repository_url()} (branch {BRANCH}): "
          f"{len(notebooks)} notebooks; {verb}: {', '.join(map(str, stale)) or 'none'}")
    warning = address_warning()
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
    return 1 if args.check and (stale or warning) else 0


if __name__ == "__main__":
    sys.exit(main())
