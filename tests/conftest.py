import os
import sys
from pathlib import Path

import pytest

import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
from labkit.course.runner import execute_notebook

# The data-set generator is a plain package beside the data (datasets/generator/), not part of labkit:
# tests import it as `datasets.generator` from the repository root.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

EDITIONS = ("instructor", "student")


def pytest_addoption(parser):
    parser.addoption("--edition", choices=(*EDITIONS, "both"), default="both",
                     help="which edition of the notebooks to execute (CI runs one per Python version)")
    parser.addoption("--browser", action="store_true",
                     help="run only the browser tests (JupyterLab in Chromium: make test-browser)")


def pytest_collection_modifyitems(config, items):
    """``--edition X`` keeps the notebook tests of edition X and the tests that execute no notebook;
    the browser tests run alone, with ``--browser`` (they need Chromium)."""
    chosen, browser = config.getoption("edition"), config.getoption("browser")
    other = [e for e in EDITIONS if chosen not in (e, "both")]
    dropped = [item for item in items
               if bool(item.get_closest_marker("browser")) != browser or any(item.get_closest_marker(e) for e in other)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory):
    """``run_folder(name)``: a folder shared by the session, ``$LABKIT_TEST_RUN_DIR/<name>`` when that is set
    (kept for later steps: the browser test reuses the notebook runs), else a temporary one."""
    def make(name):
        root = os.environ.get("LABKIT_TEST_RUN_DIR")
        if not root:
            return tmp_path_factory.mktemp(name)
        folder = Path(root) / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return make


def _finished(folder, name):
    """Whether ``folder`` holds a complete papermill run of notebook ``name`` (an earlier session's)."""
    import nbformat

    if not (folder / name).is_file() or not (folder / "metrics.json").is_file():
        return False
    ran = nbformat.read(folder / name, as_version=4).metadata.get("papermill", {})
    return bool(ran.get("end_time")) and not ran.get("exception")


def _executor(run_dir, prepare=None):
    done = {}

    def run(path, reuse=False):
        if path not in done:
            if reuse and _finished(run_dir / path.stem, path.name):
                done[path] = run_dir / path.stem
            else:
                source = prepare(path, run_dir) if prepare else path
                done[path] = execute_notebook(source, run_dir / path.stem, "ci", 42, None).parent
        return done[path]
    return run


@pytest.fixture(scope="session")
def executed(run_folder):
    """``executed(path)``: the output folder of ``path`` (the instructor edition) run once under ci.

    All notebooks share one run folder (as under ``labkit run``), so later notebooks reuse the artifacts
    of earlier ones when those ran first; when they did not, a notebook runs its producer itself, so the
    tests do not depend on their order. ``executed(path, reuse=True)`` takes instead the finished run an earlier
    session left in ``$LABKIT_TEST_RUN_DIR`` (the browser test does, after the main suite).
    """
    return _executor(run_folder("ci_run"))


@pytest.fixture(scope="session")
def executed_student(run_folder):
    """``executed_student(path)``: the same for the student edition, in a run folder of its own."""
    import nbformat

    from labkit.course.editions import edition

    def student_copy(path, run_dir):
        copy = run_dir / "student_sources" / path.name
        copy.parent.mkdir(exist_ok=True)
        nbformat.write(edition(nbformat.read(path, as_version=4), student=True), copy)
        return copy
    return _executor(run_folder("ci_run_student"), student_copy)
