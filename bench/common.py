"""Shared by the benchmark scripts: targets, where results go, and medians.

Every script ends with :func:`finish`: it prints the figures and each target (met or missed),
writes ``results/<name>.json`` with the commit, the date, the profile and the machine's load when
the script started, and exits 1 when a target was missed (``--report-only``: always 0).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = RESULTS.parent.parent
LOAD_AT_START = os.getloadavg()[0]  # the 1-minute load when this script started (noisy figures above ~1)


def _commit() -> str:
    """The checked-out commit, with ``+changes`` when the work tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


COMMIT_AT_START = _commit()  # what the figures were measured on, even if the tree changes during a long run


@dataclass
class Target:
    """One goal a figure must reach: ``value >= goal`` (or ``<=`` with ``at_most=True``)."""

    name: str
    value: float
    goal: float
    at_most: bool = False

    @property
    def met(self) -> bool:
        return self.value <= self.goal if self.at_most else self.value >= self.goal

    def line(self) -> str:
        return (f"{'met   ' if self.met else 'MISSED'} {self.name}: {self.value:.4g} "
                f"({'at most' if self.at_most else 'at least'} {self.goal:.4g})")


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes (``--profile``, ``--report-only``)."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="laptop")
    p.add_argument("--report-only", action="store_true", help="print and write the figures; exit 0 even on a miss")
    return p


def finish(name: str, profile: str, figures: dict, targets: list[Target], report_only: bool = False):
    """Print and write the results; exit 1 when a target was missed (unless ``report_only``)."""
    RESULTS.mkdir(exist_ok=True)
    missed = [t.name for t in targets if not t.met]
    payload = {
        "benchmark": name, "profile": profile, "commit": COMMIT_AT_START,
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores", "load_at_start": round(LOAD_AT_START, 2),
        **figures,
        "targets": {t.name: {"value": t.value, "goal": t.goal, "at_most": t.at_most, "met": t.met} for t in targets},
        "missed": missed,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    for target in targets:
        print(target.line())
    print(f"written to {path.relative_to(ROOT)}")
    sys.exit(0 if report_only or not missed else 1)


def median(values) -> float:
    return float(statistics.median(values))


def mean_and_spread(values) -> dict:
    """Mean, sample standard deviation and range of one figure over seeds."""
    values = [float(v) for v in values]
    return {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "values": values}


def realdata_parser(description: str) -> argparse.ArgumentParser:
    """:func:`parser` plus the options of the real-data benchmarks (``--realdata``, ``--seeds``)."""
    p = parser(description)
    p.add_argument("--realdata", type=Path, default=os.environ.get("LABKIT_REALDATA"),
                   help="folder with the real data sets (default: $LABKIT_REALDATA)")
    p.add_argument("--seeds", type=int, nargs="+", default=[42])
    return p


def real_runs(script: str, args, needed: list[str], notebooks: list[str], lay_out) -> dict:
    """Run ``notebooks`` on real data once per seed: ``{seed: {"NN": NotebookResult}}``.

    Without every ``needed`` file under ``args.realdata`` it says so and exits 0 (nothing measured). Each
    seed gets a fresh temporary ``DATA_DIR``, written by ``lay_out(real_folder, data_dir)``; a failed notebook
    stops the script with its error.
    """
    import tempfile

    from labkit.course.runner import run_notebooks

    missing = [n for n in needed if not args.realdata or not (Path(args.realdata) / n).is_file()]
    if missing:
        print(f"{script}: no real data ({', '.join(missing)} not found under --realdata / "
              f"$LABKIT_REALDATA = {args.realdata}); nothing measured.")
        sys.exit(0)
    runs = {}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            lay_out(Path(args.realdata).resolve(), Path(tmp) / "data")
            _, results = run_notebooks(args.profile, seed, notebooks, Path(tmp) / "data", Path(tmp) / "run")
        if any(r.status != "ok" for r in results):
            sys.exit(f"seed {seed}: {', '.join(f'{r.notebook} {r.error}' for r in results if r.status != 'ok')}")
        runs[seed] = {r.notebook[:2]: r for r in results}
    return runs


def write_banking77_split(real: Path, intents_dir: Path, seed: int = 0) -> None:
    """``intents_dir/{train,test}.csv`` from Banking77's train file: a seeded 80/20 split, the 20 % held
    out as test (the official test split is not used here; valid is carved from train by the notebook)."""
    with open(real / "banking77" / "train.csv", newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    random.Random(seed).shuffle(rows)
    cut = int(0.8 * len(rows))
    intents_dir.mkdir(parents=True)
    for name, part in (("train", rows[:cut]), ("test", rows[cut:])):
        with open(intents_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *part])
