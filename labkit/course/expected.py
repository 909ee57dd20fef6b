"""What a normal run gives: each notebook's headline figures per profile, as the benchmarks measured them.

The figures come from ``bench/results/notebooks_<profile>.json`` (``bench/bench_notebooks.py``): the
median and the range over the seeds benchmarked, so a learner can tell a normal run from a broken one.

A notebook that takes ``CHECKPOINT`` gets one more column per published checkpoint benchmarked with it
(``bench/bench_notebooks.py --checkpoint NAME`` writes ``notebooks_<profile>_<NAME>.json``, which records the
checkpoint); where none was, one line under its table gives the command that measures it. No figure is typed in.
"""
from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

from labkit.course import chapters
from labkit.course.paths import base_dir, notebooks_dir
from labkit.course.runner import KIT, is_kit

PROFILES = ("ci", "laptop", "gpu")
# what the line under a table suggests measuring: a preset that fits the laptop profile (bench_checkpoints.py)
SUGGESTED_PRESET = "bert_tiny_en_uncased"


def _results(profile: str) -> dict | None:
    path = base_dir() / "bench" / "results" / f"notebooks_{profile}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def checkpoint_name(checkpoint) -> str:
    """The name a checkpoint's results go under: a preset's name (``bert_tiny_en_uncased``), a folder's own name,
    a handle's path without its scheme, with characters other than letters, digits, ``.``, ``-``, ``_`` as ``_``."""
    text = str(checkpoint).rstrip("/")
    if Path(text).expanduser().is_dir():
        text = Path(text).expanduser().resolve().name
    text = re.sub(r"^[a-z]+://", "", text)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "checkpoint"


def results_name(profile: str, checkpoint=KIT) -> str:
    """``notebooks_<profile>`` for the kit's encoder, ``notebooks_<profile>_<checkpoint name>`` for a published one:
    the name of ``bench/bench_notebooks.py``'s results file (without ``.json``)."""
    return f"notebooks_{profile}" if is_kit(checkpoint) else f"notebooks_{profile}_{checkpoint_name(checkpoint)}"


def checkpoint_results(profile: str) -> dict[str, dict]:
    """The results of ``bench/bench_notebooks.py --profile <profile> --checkpoint NAME`` by checkpoint name (only
    files that record a published checkpoint: other ``notebooks_<profile>_*.json`` files are other variants)."""
    found = {}
    for path in sorted((base_dir() / "bench" / "results").glob(f"notebooks_{profile}_*.json")):
        results = json.loads(path.read_text())
        checkpoint = results.get("checkpoint")
        if checkpoint and not is_kit(checkpoint) and path.stem == results_name(profile, checkpoint):
            found[checkpoint_name(checkpoint)] = results
    return found


def takes_checkpoint(notebook: str) -> bool:
    """Whether ``notebook``'s parameters cell defines ``CHECKPOINT`` (its encoder can be a published one)."""
    import nbformat

    from labkit.course.runner import parameter_names

    path = notebooks_dir() / f"{notebook}.ipynb"
    return path.is_file() and "CHECKPOINT" in parameter_names(nbformat.read(path, as_version=4))


def _cell(values: list[float], digits: int = 3) -> str:
    if not values:
        return "not measured"
    middle, low, high = statistics.median(values), min(values), max(values)
    spread = f" ({low:.{digits}g} to {high:.{digits}g})" if len(values) > 1 else ""
    return f"{middle:.{digits}g}{spread}"


def headlines(notebook: str) -> list[str]:
    """``notebook``'s headline figures, declared by its chapter module; each is recorded with the baseline it must
    beat (tests/test_notebooks.py)."""
    return chapters.module(notebook).HEADLINES


def table(notebook: str) -> str:
    """A Markdown table of ``notebook``'s headline figures and wall time, one column per profile.

    For a notebook that takes ``CHECKPOINT``: one more column, "published checkpoint (<name>)", per checkpoint
    benchmarked (:func:`checkpoint_results`), whose figures are those of the run with that checkpoint (a figure
    only such a run records, such as 02's ``cls_accuracy_checkpoint``, gets a row of its own); without any, a line
    under the table says which command measures it.
    """
    names = headlines(notebook)
    columns, sources = [], []  # a header and the results it reads, per column
    for profile in PROFILES:
        r = _results(profile)
        seeds = r["metrics"][notebook] if r and notebook in r["metrics"] else []
        columns.append(f"`{profile}` ({len(seeds)} seed{'s' * (len(seeds) > 1)})" if seeds else f"`{profile}`")
        sources.append(r)
    checkpoint = takes_checkpoint(notebook)
    measured = [(profile, name, r) for profile in PROFILES if checkpoint
                for name, r in checkpoint_results(profile).items() if notebook in r["metrics"]]
    for profile, name, r in measured:
        n = len(r["metrics"][notebook])
        columns.append(f"published checkpoint (`{name}`), `{profile}` ({n} seed{'s' * (n > 1)})")
        sources.append(r)
    extra = sorted({m for _, _, r in measured for seed in r["metrics"][notebook].values() for m in seed
                    if "checkpoint" in m and m not in names})  # what only a run with a checkpoint records
    rows = [f"| figure | {' | '.join(columns)} |", "|---" * (len(columns) + 1) + "|"]
    for name in ["minutes", *names, *extra]:
        cells = []
        for r in sources:
            if not r or notebook not in r["metrics"]:
                cells.append("not measured")
            elif name == "minutes":
                cells.append(_cell([s / 60 for s in r["seconds"][notebook]], 2))
            else:
                values = [m[name] for m in r["metrics"][notebook].values() if name in m]
                cells.append(_cell(values) if values or name not in extra else "-")
        rows.append(f"| {name.replace('_', ' ') if name == 'minutes' else f'`{name}`'} | {' | '.join(cells)} |")
    if checkpoint and not measured:
        rows.append(f"\nPublished checkpoint: not measured here (no downloads on the machines the kit is developed "
                    f"on); `python bench/bench_notebooks.py --profile laptop --checkpoint {SUGGESTED_PRESET} --only "
                    f"{notebook[:2]}` measures it.")
    return "\n".join(rows)


BEGIN, END = "<!-- expected results: begin (labkit expected --update README.md) -->", "<!-- expected results: end -->"


def tables() -> str:
    """The tables of every notebook with headline figures, each under its notebook's name."""
    stems = [path.stem for path in sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))]
    return "\n\n".join(f"**{stem}**\n\n{table(stem)}" for stem in stems if headlines(stem))


def update(path) -> bool:
    """Rewrite the part of ``path`` between the two markers with :func:`tables`; True when it changed."""
    from pathlib import Path

    path = Path(path)
    content = path.read_text()
    if BEGIN not in content or END not in content:
        raise ValueError(f"{path} has no '{BEGIN}' ... '{END}' block to fill")
    head, rest = content.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{tables()}\n{END}{tail}"
    path.write_text(new)
    return new != content


def _signed(values: list[float]) -> str:
    """Points as a median with their range, signed: ``+15.4 (+11.7 to +17.6)``."""
    middle = statistics.median(values)
    return f"{middle:+.1f}" + (f" ({min(values):+.1f} to {max(values):+.1f})" if len(values) > 1 else "")


def pretraining_gains() -> str:
    """Markdown: what pretraining was worth at the smallest label budget in the benchmarks (``laptop``).

    One row per (intent set, pretraining text): full fine-tuning minus scratch and the same after the in-domain
    MLM step, in accuracy points (median and range over the seeds), and on how many seeds each beat scratch.
    The bundled intents come from ``notebooks_laptop.json``, Banking77 from ``pretraining_curve_laptop.json``;
    a missing file leaves its rows out and says so.
    """
    folder = base_dir() / "bench" / "results"
    rows, missing = [], []
    notebooks = folder / "notebooks_laptop.json"
    if notebooks.is_file():
        over = json.loads(notebooks.read_text())["over_seeds"]
        rows.append(("bundled", "the kit's generated corpus", over["pretraining_gain_points_smallest_budget"]["values"],
                     over["adapted_pretraining_gain_points_smallest_budget"]["values"]))
    else:
        missing.append(notebooks.name)
    curve = folder / "pretraining_curve_laptop.json"
    if curve.is_file():
        results = json.loads(curve.read_text())
        for corpus, figures in results["curve"].items():
            rows.append(("Banking77", results["data"]["corpora"][corpus], figures["gain_points_general"]["values"],
                         figures["gain_points_general_plus_in_domain"]["values"]))
    else:
        missing.append(curve.name)
    lines = ["| intents | pretraining text | seeds | full fine-tuning − scratch | after in-domain MLM − scratch "
             "| seeds above scratch |", "|---|---|---|---|---|---|"]
    for intents, text, general, adapted in rows:
        above = f"{sum(v > 0 for v in general)} and {sum(v > 0 for v in adapted)} of {len(general)}"
        lines.append(f"| {intents} | {text} | {len(general)} | {_signed(general)} | {_signed(adapted)} | {above} |")
    note = f"\n\n(not measured: {', '.join(missing)})" if missing else ""
    return "\n".join(lines) + note
