"""``labkit run``: execute the notebooks headlessly with papermill and write a run report."""
from __future__ import annotations

import json
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from labkit.course.fetch import is_real
from labkit.course.paths import base_dir, notebooks_dir, runs_dir

KIT = "kit"  # the CHECKPOINT parameter's default: the kit's own encoder, from notebook 01


def is_kit(checkpoint) -> bool:
    """True for the default, the kit's own model (``"kit"``)."""
    return str(checkpoint) == KIT


@dataclass
class NotebookResult:
    """What one notebook did in a run."""

    notebook: str
    status: str  # "ok", "failed" or "pending"
    seconds: float = 0.0
    metrics: dict = field(default_factory=dict)
    error: str = ""
    artifacts_read: dict = field(default_factory=dict)  # name -> what made it (labkit.course.artifacts.made_by)


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The kit's notebooks (``NN_slug.ipynb``) in order."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def select(notebooks: list[Path], only: list[str] | None) -> list[Path]:
    """Keep the notebooks whose name starts with one of ``only`` (``"01"`` or ``"01_self"``...)."""
    if not only:
        return notebooks
    chosen = [nb for nb in notebooks if any(nb.stem.startswith(o) for o in only)]
    unknown = [o for o in only if not any(nb.stem.startswith(o) for nb in notebooks)]
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        raise ValueError(f"--only {' '.join(unknown)} matches no notebook; the notebooks are: {names}")
    return chosen


CELL_TIMEOUT = {"ci": 600, "laptop": 3600, "gpu": 3600}  # seconds one cell may run: far above the longest cell seen
# ipykernel 7 logs "Kernel is running over TCP without encryption" at every start. The kernel listens on
# 127.0.0.1 only, and the cure (CurveZMQ keys) needs a libzmq built with it, which not every platform has; so
# the kernel's own log (its stderr, never a cell's output) shows errors only. An ipykernel argument, so it
# holds on Linux, macOS and Colab alike.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
INTERACTIVE_TAG = "interactive"  # a cell that waits for a person (a widget): headless runs show it, never run it


def headless_copy(path: Path):
    """The notebook with its ``interactive`` cells turned into raw cells: their code is shown, not run.

    Widget cells wait for a person, and under nbclient they sometimes never get their execute reply
    (jupyter/nbclient#312: seen here in about one run in fifteen), which would hang a headless run.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and INTERACTIVE_TAG in cell.metadata.get("tags", []):
            raw = nbformat.v4.new_raw_cell(cell.source, metadata=cell.metadata)
            raw.id = cell.get("id", raw.id)
            nb.cells[i] = raw
    return nb


def parameter_names(nb) -> set[str]:
    """The names the notebook's ``parameters`` cell defines: what papermill can set in it."""
    from papermill.translators import PythonTranslator

    return {p.name for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])
            for p in PythonTranslator.inspect(cell)}


def find_notebook(number: str) -> Path:
    """The notebook whose name starts with ``number`` (``"01"`` -> ``01_self_supervised_pretraining.ipynb``)."""
    (path,) = select(list_notebooks(), [number])
    return path


def execute_notebook(path: Path, out_dir: Path, profile: str, seed: int, data_dir: str | Path | None,
                     progress_bar: bool = False, checkpoint: str | Path = KIT,
                     gpt_checkpoint: str | Path = KIT) -> Path:
    """Run one notebook with papermill in a fresh kernel; the executed copy goes to ``out_dir``.

    ``checkpoint`` becomes ``CHECKPOINT`` in the notebooks whose parameters cell defines it (the others have
    no encoder to swap); ``gpt_checkpoint`` becomes ``GPT_CHECKPOINT`` the same way (09: a published generator).

    Cells tagged ``interactive`` are shown but not run (:func:`headless_copy`). Raises papermill's
    error (naming the failing cell) when a cell fails, or a timeout error when a cell runs longer
    than ``CELL_TIMEOUT`` for the profile (a hung kernel must not hang a run).
    """
    import papermill as pm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = headless_copy(path)
    parameters = {"PROFILE": profile, "SEED": seed, "OUTPUT_DIR": str(out_dir),
                  "DATA_DIR": str(data_dir) if data_dir else None}
    if "CHECKPOINT" in parameter_names(nb):
        parameters["CHECKPOINT"] = str(checkpoint)
    if "GPT_CHECKPOINT" in parameter_names(nb):
        parameters["GPT_CHECKPOINT"] = str(gpt_checkpoint)
    pm.execute_notebook(
        nb, str(out_dir / path.name), parameters=parameters,
        kernel_name=kernel_name(), cwd=str(path.parent), progress_bar=progress_bar,
        execution_timeout=CELL_TIMEOUT.get(profile, CELL_TIMEOUT["gpu"]), extra_arguments=KERNEL_ARGUMENTS,
    )
    return out_dir / path.name


def expected_seconds(notebook: str, profile: str) -> float | None:
    """Median seconds ``notebook`` took under ``profile`` in the last benchmark (``bench/results``), if known."""
    import statistics

    results = base_dir() / "bench" / "results" / f"notebooks_{profile}.json"
    if not results.is_file():
        return None
    seconds = json.loads(results.read_text()).get("seconds", {}).get(notebook)
    return statistics.median(seconds) if seconds else None


def kernel_name() -> str:
    """The kit's kernel when it is installed (``make setup`` does it), else the current Python's."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "labkit" if "labkit" in KernelSpecManager().find_kernel_specs() else "python3"


def run_notebooks(
    profile: str = "auto",
    seed: int = 42,
    only: list[str] | None = None,
    data_dir: str | Path | None = None,
    output: str | Path | None = None,
    notebooks: list[Path] | None = None,
    checkpoint: str | Path = KIT,
    gpt_checkpoint: str | Path = KIT,
) -> tuple[Path, list[NotebookResult]]:
    """Execute notebooks in order, each in a fresh kernel; a failure does not stop the run.

    ``checkpoint``: ``CHECKPOINT`` for the notebooks that define it (``"kit"``, a keras_hub preset name or a
    folder saved with ``save_to_preset``); ``gpt_checkpoint``: ``GPT_CHECKPOINT`` for those that define it (09: a
    GPT-2 preset name or folder set beside its own GPT).

    Returns the run folder (executed notebooks, ``report.md``, ``report.json``) and the
    results. The report is rewritten after every notebook, so an interrupted run keeps
    what it finished.
    """
    from labkit.course.profiles import get_profile

    resolved = get_profile(profile).name
    chosen = select(notebooks if notebooks is not None else list_notebooks(), only)
    if not chosen:
        raise ValueError("no notebooks to run")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = Path(output) if output else runs_dir() / f"{stamp}-{resolved}"
    run_dir.mkdir(parents=True, exist_ok=True)
    data = str(data_dir) if is_real(data_dir) else str(Path(data_dir).resolve()) if data_dir else None
    checkpoint, gpt_checkpoint = _absolute(checkpoint), _absolute(gpt_checkpoint)
    results = [NotebookResult(nb.stem, "pending") for nb in chosen]
    print(f"labkit run: {len(chosen)} notebook(s), profile {resolved!r}, seed {seed} -> {run_dir}")
    for i, (nb, result) in enumerate(zip(chosen, results), start=1):
        out_dir = run_dir / nb.stem
        out_dir.mkdir(exist_ok=True)
        print(f"[{i}/{len(chosen)}] {nb.stem} ...", flush=True)
        start = time.perf_counter()
        try:
            execute_notebook(nb, out_dir, resolved, seed, data, progress_bar=True, checkpoint=checkpoint,
                             gpt_checkpoint=gpt_checkpoint)
            result.status = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is reported, and the run goes on
            result.status = "failed"
            result.error = _short_error(exc)
        result.seconds = round(time.perf_counter() - start, 1)
        metrics_file = out_dir / "metrics.json"
        result.metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
        read_file = out_dir / "artifacts_read.json"
        result.artifacts_read = json.loads(read_file.read_text()) if read_file.exists() else {}
        print(f"[{i}/{len(chosen)}] {nb.stem}: {result.status} in {result.seconds:.0f} s"
              + (f"\n    {result.error}" if result.error else ""), flush=True)
        write_report(run_dir, resolved, seed, data, results, checkpoint, gpt_checkpoint)
    return run_dir, results


def _absolute(checkpoint: str | Path) -> str:
    """A folder as an absolute path (the notebooks run in notebooks/: a relative folder must not move); a name as is."""
    folder = Path(checkpoint).expanduser()
    return str(folder.resolve()) if not is_kit(checkpoint) and folder.is_dir() else str(checkpoint)


def _short_error(exc: Exception) -> str:
    if hasattr(exc, "ename"):  # papermill's PapermillExecutionError: the cell's own error
        return f"{exc.ename}: {exc.evalue} (cell {getattr(exc, 'exec_count', '?')})"
    return "".join(traceback.format_exception_only(exc)).strip()


def write_report(run_dir: Path, profile: str, seed: int, data_dir: str | None,
                 results: list[NotebookResult], checkpoint: str = KIT, gpt_checkpoint: str = KIT) -> Path:
    """Write ``report.json`` and a Markdown ``report.md`` with each notebook's headline figures."""
    summary = {"profile": profile, "seed": seed, "data_dir": data_dir, "checkpoint": checkpoint,
               "gpt_checkpoint": gpt_checkpoint, "notebooks": [asdict(r) for r in results]}
    (run_dir / "report.json").write_text(json.dumps(summary, indent=2) + "\n")
    ok = sum(r.status == "ok" for r in results)
    failed = sum(r.status == "failed" for r in results)
    lines = [
        "# labkit run report", "",
        f"Profile `{profile}`, seed {seed}, data: {data_dir or 'bundled'}, checkpoint: {checkpoint}"
        + ("." if is_kit(gpt_checkpoint) else f", GPT checkpoint: {gpt_checkpoint}."),
        f"{ok} ok, {failed} failed, {len(results) - ok - failed} not run yet; "
        f"{sum(r.seconds for r in results):.0f} s in all.", "",
        "| notebook | status | time (s) | read (made by notebook) | headline figures |",
        "|---|---|---:|---|---|",
    ]
    for r in results:
        figures = ", ".join(f"{k} = {_fmt(v)}" for k, v in sorted(r.metrics.items())) or "-"
        link = f"[{r.notebook}]({r.notebook}/{r.notebook}.ipynb)" if r.status != "pending" else r.notebook
        read = ", ".join(f"{name} ({made['notebook']})" for name, made in sorted(r.artifacts_read.items())) or "-"
        lines.append(f"| {link} | {r.status} | {r.seconds:.0f} | {read} | {figures} |")
    errors = [r for r in results if r.error]
    if errors:
        lines += ["", "## Failures", ""] + [f"- **{r.notebook}**: `{r.error}`" for r in errors]
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
