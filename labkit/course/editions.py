"""Two editions of every notebook from one source: the committed notebooks are the instructor edition.

- **student**: the solution lines of ``exercise`` cells (``# BEGIN SOLUTION`` ... ``# END SOLUTION``)
  and the ``answers`` cells (the questionnaire's answers) are removed; the checks stay.
- **instructor**: the same notebooks with the marker lines removed.

``labkit editions`` writes both under ``editions/``; ``make editions`` first rewrites the notebooks' Colab badges and
install cells from the repository address (:mod:`labkit.course.colab`). The student edition, ``editions/student/``, is
committed (the badges open it; ``tests/test_editions.py`` fails when it is stale); ``editions/instructor/`` is not.
"""
from __future__ import annotations

import copy
import warnings
from pathlib import Path

import nbformat

from labkit.course.colab import address_warning

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def solution_blocks(source: str) -> list[tuple[int, int]]:
    """``(begin, end)`` line numbers of each solution block; a ValueError when markers do not pair up."""
    blocks, begin = [], None
    for number, line in enumerate(source.splitlines()):
        if line.strip() == BEGIN:
            if begin is not None:
                raise ValueError(f"line {number + 1}: {BEGIN} inside another solution")
            begin = number
        elif line.strip() == END:
            if begin is None:
                raise ValueError(f"line {number + 1}: {END} without {BEGIN}")
            blocks.append((begin, number))
            begin = None
    if begin is not None:
        raise ValueError(f"line {begin + 1}: {BEGIN} is never closed")
    return blocks


def _strip(source: str, keep_solution: bool) -> str:
    lines, blocks = source.splitlines(), solution_blocks(source)
    inside = {n for begin, end in blocks for n in range(begin, end + 1)}
    markers = {n for block in blocks for n in block}
    drop = markers if keep_solution else inside
    return "\n".join(line for n, line in enumerate(lines) if n not in drop)


def student_source(source: str) -> str:
    """An exercise cell's source as the student edition shows it: the solution lines removed."""
    return _strip(source, keep_solution=False)


def edition(nb, student: bool):
    """A copy of notebook ``nb`` (an nbformat node) as the student or the instructor edition."""
    nb = copy.deepcopy(nb)
    if student:
        nb.cells = [c for c in nb.cells if "answers" not in _tags(c)]
    for cell in nb.cells:
        if "exercise" in _tags(cell):
            cell.source = _strip(cell.source, keep_solution=not student)
    return nb


def write_editions(notebooks: list[Path], out_dir: Path) -> dict[str, list[Path]]:
    """Write ``out_dir/student/`` and ``out_dir/instructor/``; returns the paths written per edition."""
    written = {}
    for name, student in (("student", True), ("instructor", False)):
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        written[name] = []
        for path in notebooks:
            target = folder / Path(path).name
            nbformat.write(edition(nbformat.read(path, as_version=4), student), target)
            written[name].append(target)
    if address_warning():
        warnings.warn(address_warning(), stacklevel=2)
    return written
